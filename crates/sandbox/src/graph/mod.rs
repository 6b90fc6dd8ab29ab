//! The Graph API at Meta's paths (`/v{version}/...`, any version), bearer-token checked, with
//! Meta's error object, codes and HTTP statuses.
//!
//! Graph ids share one namespace (`/{id}` may be a number, a media object, a template or a
//! WABA), so routing dispatches on what the id is, as Graph does.

pub(crate) mod media;
pub(crate) mod messages;
pub(crate) mod objects;
pub(crate) mod signup;
pub(crate) mod smb_app_data;
pub(crate) mod templates;

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use meta::error::{ErrorCode, GraphError};
use meta::signature::{APPSECRET_PROOF_PARAM, verify_appsecret_proof};
use std::collections::BTreeMap;

use crate::error::GraphFailure;
use crate::server::Shared;

/// A Graph answer: JSON success, or Meta's error object with its status.
pub(crate) type GraphResult = Result<Response, GraphFailure>;

impl IntoResponse for GraphFailure {
    fn into_response(self) -> Response {
        let mut error =
            GraphError::from_code(ErrorCode::from_code(self.code)).with_details(self.details);
        if let Some(sub) = self.subcode {
            error = error.with_subcode(sub);
        }
        if let Some((message, type_)) = self.message {
            error.message = message;
            error.type_ = Some(type_.to_owned());
        }
        let body = error.with_fbtrace_id(fbtrace(self.code)).into_response();
        let status = StatusCode::from_u16(body.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
        (status, Json(body)).into_response()
    }
}

/// A stable trace id (the sandbox has nothing to trace; the field is there for shape).
fn fbtrace(code: i64) -> String {
    format!("Sandbox{code:0>10}")
}

/// A Graph API call's credentials: the bearer token ([`authorize_token`]) and, when given or
/// required (`require_appsecret_proof`), an `appsecret_proof` that is the HMAC of that token
/// keyed with the app secret. Graph answers a wrong or missing proof with error 100 and a
/// `GraphMethodException` (general Graph behaviour; META.md §6.1 leaves WhatsApp unconfirmed).
pub(crate) fn authorize(
    shared: &Shared,
    headers: &HeaderMap,
    query: &BTreeMap<String, String>,
) -> Result<(), GraphFailure> {
    let token = authorize_token(shared, headers)?;
    let (secret, required) = {
        let world = shared.world();
        (
            world.cfg.app_secret.clone(),
            world.cfg.require_appsecret_proof,
        )
    };
    match query.get(APPSECRET_PROOF_PARAM) {
        Some(proof) if verify_appsecret_proof(secret.as_bytes(), &token, proof) => Ok(()),
        Some(_) => Err(GraphFailure::graph(
            100,
            "Invalid appsecret_proof provided in the API argument",
            "GraphMethodException",
        )),
        None if required => Err(GraphFailure::graph(
            100,
            "API calls from the server require an appsecret_proof argument",
            "GraphMethodException",
        )),
        None => Ok(()),
    }
}

/// `Authorization: Bearer <token>` must carry the configured token or a business token (190
/// otherwise, 401); returns it.
pub(crate) fn authorize_token(
    shared: &Shared,
    headers: &HeaderMap,
) -> Result<String, GraphFailure> {
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let expected = shared.world().cfg.access_token.clone();
    match given {
        Some(token) if token == expected => Ok(token.to_owned()),
        Some(token) if signup::is_business_token(shared, token) => Ok(token.to_owned()),
        Some(_) => Err(GraphFailure::new(
            190,
            "Invalid OAuth access token - Cannot parse access token",
        )),
        None => Err(GraphFailure::new(
            190,
            "An active access token must be used to query information about the current user.",
        )),
    }
}

/// `v23.0`, `v25.0`, … (any version Meta might publish).
fn check_version(version: &str) -> Result<(), GraphFailure> {
    let ok = version
        .strip_prefix('v')
        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    if ok {
        Ok(())
    } else {
        Err(GraphFailure::new(
            2500,
            format!("Unknown path components: /{version}"),
        ))
    }
}

/// `/{version}/{id}`: GET and DELETE on numbers, media, templates, WABAs.
pub(crate) async fn object(
    State(shared): State<Arc<Shared>>,
    method: Method,
    Path((version, id)): Path<(String, String)>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let result = (|| {
        check_version(&version)?;
        authorize(&shared, &headers, &query)?;
        signup::check_scope(&shared, &headers, &id)?;
        objects::dispatch(&shared, &method, &id, &query)
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `/{version}/{id}/{edge}`.
pub(crate) async fn edge(
    State(shared): State<Arc<Shared>>,
    method: Method,
    Path((version, id, edge)): Path<(String, String, String)>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        check_version(&version)?;
        if (method.as_str(), id.as_str(), edge.as_str()) == ("GET", "oauth", "access_token") {
            return signup::exchange(&shared, &query);
        }
        authorize(&shared, &headers, &query)?;
        signup::check_scope(&shared, &headers, &id)?;
        match (method.as_str(), edge.as_str()) {
            ("POST", "messages") => messages::post(&shared, &id, &body),
            ("POST", "smb_app_data") => smb_app_data::post(&shared, &id, &body),
            ("GET", "message_templates") => templates::list(&shared, &id, &query),
            ("POST", "message_templates") => templates::create(&shared, &id, &body),
            ("GET", "phone_numbers") => objects::phone_numbers(&shared, &id),
            ("POST" | "GET", "subscribed_apps") => objects::subscribed_apps(&shared, &id, &method),
            ("POST", "register") => signup::register(&shared, &id, &body),
            _ => Err(GraphFailure::unknown_object(&format!("{id}/{edge}"))),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Parses a JSON body, naming what was wrong when it is not JSON.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, GraphFailure> {
    serde_json::from_slice(body).map_err(|e| {
        GraphFailure::invalid_parameter(format!(
            "Invalid parameter: the body is not valid JSON ({e})"
        ))
    })
}

/// A JSON success response.
pub(crate) fn ok(value: impl serde::Serialize) -> GraphResult {
    Ok(Json(value).into_response())
}
