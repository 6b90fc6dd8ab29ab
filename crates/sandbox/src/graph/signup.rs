//! The Graph side of Embedded Signup: `GET /oauth/access_token` (code → business token),
//! `POST /{phone_number_id}/register`, and what a business token may reach (its own business
//! account and that account's numbers; the app's system token reaches everything).

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::error::GraphFailure;
use crate::graph::{GraphResult, json_body, ok};
use crate::server::Shared;

/// `GET /{version}/oauth/access_token?client_id=…&client_secret=…&code=…`.
pub(crate) fn exchange(shared: &Shared, query: &BTreeMap<String, String>) -> GraphResult {
    let param = |name: &str| {
        query
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| GraphFailure::new(100, format!("Missing {name} parameter.")))
    };
    let (client_id, secret, code) = (param("client_id")?, param("client_secret")?, param("code")?);
    let token = shared.world().exchange_code(client_id, secret, code)?;
    // UNCONFIRMED (META.md §14 item 9): fields besides access_token.
    ok(json!({"access_token": token, "token_type": "bearer"}))
}

/// `POST /{phone_number_id}/register` with `{"messaging_product": "whatsapp", "pin": "…"}`.
pub(crate) fn register(shared: &Shared, pnid: &str, body: &[u8]) -> GraphResult {
    let request: Value = json_body(body)?;
    if request.get("messaging_product").and_then(Value::as_str) != Some("whatsapp") {
        return Err(GraphFailure::new(
            100,
            "The parameter messaging_product is required and must be \"whatsapp\".",
        ));
    }
    let pin = request
        .get("pin")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphFailure::new(100, "The parameter pin is required."))?;
    shared.world().register_number(pnid, pin)?;
    ok(json!({"success": true}))
}

/// The bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// Whether `token` is a business token issued by the code exchange.
pub(crate) fn is_business_token(shared: &Shared, token: &str) -> bool {
    shared.world().signup.token_waba(token).is_some()
}

/// A business token reaches only its own business account and that account's numbers; an
/// object of another account looks as if it did not exist, as on Graph.
pub(crate) fn check_scope(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
) -> Result<(), GraphFailure> {
    let Some(token) = bearer(headers) else {
        return Ok(());
    };
    let world = shared.world();
    let Some(waba) = world.signup.token_waba(token) else {
        return Ok(());
    };
    let owner = match world.numbers.get(id) {
        Some(number) => Some(number.waba_id.as_str()),
        None if world.wabas.contains_key(id) => Some(id),
        None => None,
    };
    match owner {
        Some(owner) if owner != waba => Err(GraphFailure::unknown_object(id)),
        _ => Ok(()),
    }
}
