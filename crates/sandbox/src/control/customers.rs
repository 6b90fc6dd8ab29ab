//! `/_sandbox/customers/{wa_id}/…`: what customers do.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::control::{Answer, Body};
use crate::error::ControlError;
use crate::server::Shared;
use crate::world::inbound::CustomerMessage;
use crate::world::normalize_phone;

/// The customer of a `/customers/{wa_id}/…` path, its number normalized; a path that is not a
/// phone number is refused with 400 before the body is read.
pub(crate) struct Customer(String);

impl<S: Send + Sync> FromRequestParts<S> for Customer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path(wa_id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        normalize_phone(&wa_id).map(Customer).ok_or_else(|| {
            ControlError::bad_request(format!("{wa_id:?} is not a phone number")).into_response()
        })
    }
}

#[derive(Deserialize)]
pub(super) struct SendBody {
    phone_number_id: String,
    message: Value,
    #[serde(default)]
    name: Option<String>,
}

/// `POST /_sandbox/customers/{wa_id}/send`.
pub(crate) async fn send(
    State(shared): State<Arc<Shared>>,
    Customer(wa_id): Customer,
    Body(req): Body<SendBody>,
) -> Answer {
    let input = CustomerMessage {
        message: req.message,
        name: req.name,
    };
    let out = shared
        .world()
        .customer_send(&wa_id, &req.phone_number_id, input)?;
    Ok(Json(
        json!({"wamid": out.wamid, "wa_id": wa_id, "phone_number_id": req.phone_number_id,
              "webhook": out.webhook, "media_id": out.media_id}),
    ))
}

#[derive(Deserialize)]
pub(super) struct EditBody {
    phone_number_id: String,
    message_id: String,
    #[serde(default)]
    message: Option<Value>,
}

/// `POST /_sandbox/customers/{wa_id}/edit`.
pub(crate) async fn edit(
    State(shared): State<Arc<Shared>>,
    Customer(wa_id): Customer,
    Body(req): Body<EditBody>,
) -> Answer {
    let message = req
        .message
        .ok_or_else(|| ControlError::bad_request("`message` (the new content) is required"))?;
    let out =
        shared
            .world()
            .customer_edit(&wa_id, &req.phone_number_id, &req.message_id, message)?;
    Ok(Json(
        json!({"wamid": out.wamid, "original_message_id": req.message_id, "webhook": out.webhook}),
    ))
}

/// `POST /_sandbox/customers/{wa_id}/revoke`.
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    Customer(wa_id): Customer,
    Body(req): Body<EditBody>,
) -> Answer {
    let out = shared
        .world()
        .customer_revoke(&wa_id, &req.phone_number_id, &req.message_id)?;
    Ok(Json(
        json!({"wamid": out.wamid, "original_message_id": req.message_id, "webhook": out.webhook}),
    ))
}

#[derive(Deserialize)]
pub(super) struct ReadBody {
    phone_number_id: String,
    #[serde(default)]
    message_ids: Option<Vec<String>>,
}

/// `POST /_sandbox/customers/{wa_id}/read`: read receipts for the business's messages.
pub(crate) async fn read(
    State(shared): State<Arc<Shared>>,
    Customer(wa_id): Customer,
    Body(req): Body<ReadBody>,
) -> Answer {
    let read = shared
        .world()
        .customer_read(&wa_id, &req.phone_number_id, req.message_ids)?;
    Ok(Json(json!({"wa_id": wa_id, "read": read})))
}

#[derive(Deserialize)]
pub(super) struct MarketingBody {
    phone_number_id: String,
    stop: bool,
}

/// `POST /_sandbox/customers/{wa_id}/marketing` with `{"stop": true|false}`.
pub(crate) async fn marketing(
    State(shared): State<Arc<Shared>>,
    Customer(wa_id): Customer,
    Body(req): Body<MarketingBody>,
) -> Answer {
    shared
        .world()
        .customer_marketing(&wa_id, &req.phone_number_id, req.stop)?;
    Ok(Json(json!({"wa_id": wa_id, "marketing_stopped": req.stop})))
}

#[derive(Deserialize)]
pub(super) struct ChangeNumberBody {
    phone_number_id: String,
    new_wa_id: String,
}

/// `POST /_sandbox/customers/{wa_id}/change-number` with `{"phone_number_id", "new_wa_id"}`:
/// the `user_changed_number` system message; the customer then writes from `new_wa_id`.
pub(crate) async fn change_number(
    State(shared): State<Arc<Shared>>,
    Customer(wa_id): Customer,
    Body(req): Body<ChangeNumberBody>,
) -> Answer {
    let new_wa_id = normalize_phone(&req.new_wa_id).ok_or_else(|| {
        ControlError::bad_request(format!(
            "new_wa_id {:?} is not a phone number",
            req.new_wa_id
        ))
    })?;
    let out = shared
        .world()
        .customer_change_number(&wa_id, &req.phone_number_id, &new_wa_id)?;
    Ok(Json(
        json!({"wamid": out.wamid, "wa_id": wa_id, "new_wa_id": new_wa_id,
              "phone_number_id": req.phone_number_id, "webhook": out.webhook}),
    ))
}

#[derive(Deserialize)]
pub(super) struct ProfileBody {
    name: String,
}

/// `POST /_sandbox/customers/{wa_id}/profile` with `{"name": …}`.
pub(crate) async fn profile(
    State(shared): State<Arc<Shared>>,
    Customer(wa_id): Customer,
    Body(req): Body<ProfileBody>,
) -> Answer {
    let mut world = shared.world();
    let customer = world.customer_or_create(&wa_id, Some(&req.name));
    Ok(Json(serde_json::to_value(customer).unwrap_or(Value::Null)))
}
