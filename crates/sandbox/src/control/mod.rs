//! The control API under `/_sandbox/`: script customers and the phone, move the clock, inject
//! faults, inspect what Meta received and sent. Documented in `CONTROL-API.md`; the paths and
//! answer shapes are a contract other scripts rely on.
//!
//! Every mutating call delivers the webhooks it caused (and anything else due) before it
//! answers, so tests need no sleeps.

mod clock;
mod customers;
mod inspect;
mod numbers;
mod phones;
mod verify;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::error::ControlError;
use crate::server::Shared;

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (
            status,
            Json(json!({"error": {"status": self.status, "message": self.message}})),
        )
            .into_response()
    }
}

/// Parses a JSON body (an empty body reads as `{}`), naming what was wrong.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ControlError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| ControlError::bad_request(format!("invalid request body: {e}")))
}

/// Delivers what the call caused, then answers.
pub(crate) async fn answer(shared: &Shared, result: Result<Value, ControlError>) -> Response {
    match result {
        Ok(value) => {
            shared.pump().await;
            Json(value).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// All control routes.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/customers", get(inspect::customers))
        .route("/customers/{wa_id}/send", post(customers::send))
        .route("/customers/{wa_id}/edit", post(customers::edit))
        .route("/customers/{wa_id}/revoke", post(customers::revoke))
        .route("/customers/{wa_id}/read", post(customers::read))
        .route("/customers/{wa_id}/marketing", post(customers::marketing))
        .route("/customers/{wa_id}/profile", post(customers::profile))
        .route("/phones/{pnid}/send", post(phones::send))
        .route("/phones/{pnid}/edit", post(phones::edit))
        .route("/phones/{pnid}/revoke", post(phones::revoke))
        .route(
            "/phones/{pnid}/contacts",
            post(phones::contact_upsert).get(phones::contacts),
        )
        .route(
            "/phones/{pnid}/contacts/{phone}",
            delete(phones::contact_remove),
        )
        .route("/phones/{pnid}/open", post(phones::open))
        .route("/phones/{pnid}/history", post(phones::history_seed))
        .route(
            "/phones/{pnid}/history/decline",
            post(phones::history_decline),
        )
        .route("/phones/{pnid}/history/share", post(phones::history_share))
        .route("/numbers", get(inspect::numbers))
        .route("/numbers/{pnid}/onboard", post(numbers::onboard))
        .route("/numbers/{pnid}/disconnect", post(numbers::disconnect))
        .route("/numbers/{pnid}/offboard", post(numbers::offboard))
        .route("/numbers/{pnid}/reconnect", post(numbers::reconnect))
        .route("/numbers/{pnid}/limits", post(numbers::limits))
        .route("/messages/{wamid}/status", post(numbers::force_status))
        .route("/templates", get(inspect::templates))
        .route("/templates/{id}/approve", post(numbers::approve_template))
        .route("/templates/{id}/reject", post(numbers::reject_template))
        .route("/clock", get(clock::get_clock))
        .route("/clock/advance", post(clock::advance))
        .route("/faults", get(clock::get_faults).post(clock::set_faults))
        .route(
            "/settings",
            get(clock::get_settings).post(clock::set_settings),
        )
        .route("/webhooks/flush", post(clock::flush))
        .route("/webhooks/deliveries", get(inspect::deliveries))
        .route("/webhooks/verify", post(verify::verify))
        .route("/sent", get(inspect::sent))
        .route("/state", get(inspect::state))
        .merge(crate::signup::routes())
}
