//! `/_sandbox/customers/{wa_id}/…`: what customers do.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::control::{answer, parse};
use crate::error::ControlError;
use crate::server::Shared;
use crate::world::inbound::CustomerMessage;
use crate::world::normalize_phone;

#[derive(Deserialize)]
struct SendBody {
    phone_number_id: String,
    message: Value,
    #[serde(default)]
    name: Option<String>,
}

fn wa(wa_id: &str) -> Result<String, ControlError> {
    normalize_phone(wa_id)
        .ok_or_else(|| ControlError::bad_request(format!("{wa_id:?} is not a phone number")))
}

/// `POST /_sandbox/customers/{wa_id}/send`.
pub(crate) async fn send(
    State(shared): State<Arc<Shared>>,
    Path(wa_id): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let wa_id = wa(&wa_id)?;
        let req: SendBody = parse(&body)?;
        let input = CustomerMessage {
            message: req.message,
            name: req.name,
        };
        let out = shared
            .world()
            .customer_send(&wa_id, &req.phone_number_id, input)?;
        Ok(
            json!({"wamid": out.wamid, "wa_id": wa_id, "phone_number_id": req.phone_number_id,
                  "webhook": out.webhook, "media_id": out.media_id}),
        )
    })();
    answer(&shared, result).await
}

#[derive(Deserialize)]
struct EditBody {
    phone_number_id: String,
    message_id: String,
    #[serde(default)]
    message: Option<Value>,
}

/// `POST /_sandbox/customers/{wa_id}/edit`.
pub(crate) async fn edit(
    State(shared): State<Arc<Shared>>,
    Path(wa_id): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let wa_id = wa(&wa_id)?;
        let req: EditBody = parse(&body)?;
        let message = req
            .message
            .ok_or_else(|| ControlError::bad_request("`message` (the new content) is required"))?;
        let out =
            shared
                .world()
                .customer_edit(&wa_id, &req.phone_number_id, &req.message_id, message)?;
        Ok(
            json!({"wamid": out.wamid, "original_message_id": req.message_id, "webhook": out.webhook}),
        )
    })();
    answer(&shared, result).await
}

/// `POST /_sandbox/customers/{wa_id}/revoke`.
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    Path(wa_id): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let wa_id = wa(&wa_id)?;
        let req: EditBody = parse(&body)?;
        let out = shared
            .world()
            .customer_revoke(&wa_id, &req.phone_number_id, &req.message_id)?;
        Ok(
            json!({"wamid": out.wamid, "original_message_id": req.message_id, "webhook": out.webhook}),
        )
    })();
    answer(&shared, result).await
}

#[derive(Deserialize)]
struct ReadBody {
    phone_number_id: String,
    #[serde(default)]
    message_ids: Option<Vec<String>>,
}

/// `POST /_sandbox/customers/{wa_id}/read`: read receipts for the business's messages.
pub(crate) async fn read(
    State(shared): State<Arc<Shared>>,
    Path(wa_id): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let wa_id = wa(&wa_id)?;
        let req: ReadBody = parse(&body)?;
        let read = shared
            .world()
            .customer_read(&wa_id, &req.phone_number_id, req.message_ids)?;
        Ok(json!({"wa_id": wa_id, "read": read}))
    })();
    answer(&shared, result).await
}

#[derive(Deserialize)]
struct MarketingBody {
    phone_number_id: String,
    stop: bool,
}

/// `POST /_sandbox/customers/{wa_id}/marketing` with `{"stop": true|false}`.
pub(crate) async fn marketing(
    State(shared): State<Arc<Shared>>,
    Path(wa_id): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let wa_id = wa(&wa_id)?;
        let req: MarketingBody = parse(&body)?;
        shared
            .world()
            .customer_marketing(&wa_id, &req.phone_number_id, req.stop)?;
        Ok(json!({"wa_id": wa_id, "marketing_stopped": req.stop}))
    })();
    answer(&shared, result).await
}

#[derive(Deserialize)]
struct ProfileBody {
    name: String,
}

/// `POST /_sandbox/customers/{wa_id}/profile` with `{"name": …}`.
pub(crate) async fn profile(
    State(shared): State<Arc<Shared>>,
    Path(wa_id): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let wa_id = wa(&wa_id)?;
        let req: ProfileBody = parse(&body)?;
        let mut world = shared.world();
        let customer = world.customer_or_create(&wa_id, Some(&req.name)).clone();
        Ok(serde_json::to_value(customer).unwrap_or(Value::Null))
    })();
    answer(&shared, result).await
}
