//! The control API under `/_sandbox/`: script customers and the phone, move the clock, inject
//! faults, inspect what Meta received and sent. Documented in `CONTROL-API.md`; the paths and
//! answer shapes are a contract other scripts rely on.
//!
//! Every JSON call that succeeds delivers the webhooks it caused (and anything else due)
//! before it answers, so tests need no sleeps (`deliver_then_answer`).

mod clock;
mod customers;
mod inspect;
mod numbers;
mod phones;
mod verify;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
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

/// What a JSON control call answers: its JSON, or an error naming what was wrong.
pub(crate) type Answer = Result<Json<Value>, ControlError>;

/// A control call's JSON body (an empty body reads as `{}`); one that does not parse is
/// refused with 400, naming what was wrong.
pub(crate) struct Body<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        parse(&bytes).map(Body).map_err(IntoResponse::into_response)
    }
}

/// Parses a JSON body (an empty body reads as `{}`), naming what was wrong.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ControlError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| ControlError::bad_request(format!("invalid request body: {e}")))
}

/// Delivers what a successful call caused (and anything else due) before it answers, so
/// callers need no sleeps. A refused call changed nothing, so it answers at once.
async fn deliver_then_answer(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    if response.status().is_success() {
        shared.pump().await;
    }
    response
}

/// All control routes. Every JSON call delivers what it caused before answering; the signup
/// window's HTML pages do not.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/customers", get(inspect::customers))
        .route("/customers/{wa_id}/send", post(customers::send))
        .route("/customers/{wa_id}/edit", post(customers::edit))
        .route("/customers/{wa_id}/revoke", post(customers::revoke))
        .route("/customers/{wa_id}/read", post(customers::read))
        .route("/customers/{wa_id}/marketing", post(customers::marketing))
        .route("/customers/{wa_id}/profile", post(customers::profile))
        .route(
            "/customers/{wa_id}/change-number",
            post(customers::change_number),
        )
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
        .layer(middleware::from_fn_with_state(shared, deliver_then_answer))
        .merge(crate::signup::pages())
}
