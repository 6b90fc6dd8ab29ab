//! Sending: `POST /api/v1/chats/{id}/messages` (into a chat) and `POST /api/v1/messages` (to a
//! number's `to`, for CRMs). The body is Meta's own message shape; the answer is 202 with the
//! message (origin `api`, status `pending`), or 200 with the earlier message when the
//! `Idempotency-Key` was used before with the same request.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use coexist_core::ids::{ChatId, NumberId};
use coexist_core::outbox::SendRefusal;
use coexist_core::store::{Author, MessageRecord, SendTarget};
use meta::ids::WaId;
use serde_json::{Value, json};

use super::not_found;
use crate::auth::{Action, ActorKind};
use crate::http::extract::ApiPath;
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::outbox::{SendRequest, SubmitError};

pub(super) fn routes() -> Routes {
    Routes::new()
        .post("/api/v1/chats/{id}/messages", send_to_chat)
        .post("/api/v1/messages", send_to_number)
}

/// The header carrying the client's idempotency key.
pub(crate) const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Longest idempotency key accepted.
const KEY_MAX: usize = 255;

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_idempotency_key",
                "the Idempotency-Key header must be visible ASCII",
            )
        })?
        .trim();
    if key.is_empty() || key.len() > KEY_MAX {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            format!("the Idempotency-Key header must be 1 to {KEY_MAX} characters"),
        ));
    }
    Ok(Some(key.to_owned()))
}

/// Who sends: an agent (with their name as it is now, kept with the message) or a token.
async fn author_of(state: &AppState, auth: &Auth) -> Author {
    match &auth.kind {
        ActorKind::User { id, .. } => Author {
            kind: "user".to_owned(),
            id: id.to_string(),
            name: state
                .store
                .get_user(auth.org, *id)
                .await
                .ok()
                .map(|u| u.name),
        },
        ActorKind::Token { id, .. } => Author {
            kind: "token".to_owned(),
            id: id.to_string(),
            name: None,
        },
    }
}

fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("the body is not JSON: {e}")))
}

async fn send_to_chat(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<MessageRecord>), ApiError> {
    auth.may(Action::WorkChats)?;
    let request = SendRequest {
        target: SendTarget::Chat(chat),
        body: json_body(&body)?,
        idempotency_key: idempotency_key(&headers)?,
        author: Some(author_of(&state, &auth).await),
    };
    submit(&state, &auth, request, "chat", chat.to_string()).await
}

/// `POST /api/v1/messages`: Meta's body plus `number_id` (ours) and `to` (a phone number).
async fn send_to_number(
    auth: Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<MessageRecord>), ApiError> {
    auth.may(Action::WorkChats)?;
    let mut body = json_body(&body)?;
    let Some(object) = body.as_object_mut() else {
        return Err(ApiError::bad_request(
            "invalid_request",
            "the body must be a JSON object",
        ));
    };
    let number = object
        .remove("number_id")
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_request",
                "number_id (the sending number's id, a string) is required",
            )
        })?;
    let number: NumberId = number
        .parse()
        .map_err(|e: coexist_core::ids::IdParseError| {
            ApiError::bad_request("invalid_request", e.to_string())
        })?;
    let to = object.get("to").and_then(Value::as_str).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_request",
            "to (the recipient's phone number) is required",
        )
    })?;
    let wa_id = WaId::normalize(to)
        .map_err(|e| ApiError::bad_request("invalid_request", format!("to: {e}")))?;
    let request = SendRequest {
        target: SendTarget::Recipient {
            number,
            wa_id: wa_id.as_str().to_owned(),
        },
        body,
        idempotency_key: idempotency_key(&headers)?,
        author: Some(author_of(&state, &auth).await),
    };
    submit(&state, &auth, request, "number", number.to_string()).await
}

async fn submit(
    state: &AppState,
    auth: &Auth,
    request: SendRequest,
    what: &'static str,
    id: String,
) -> Result<(StatusCode, Json<MessageRecord>), ApiError> {
    match state.sending.submit(auth.org, request).await {
        Ok(s) if s.created => Ok((StatusCode::ACCEPTED, Json(s.message))),
        Ok(s) => Ok((StatusCode::OK, Json(s.message))),
        Err(SubmitError::NotFound) => Err(ApiError::not_found(format!("{what} {id} not found"))),
        Err(e) => Err(refused(e)),
    }
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// 422 with a stable code and a sentence (and details where they help).
fn refused(e: SubmitError) -> ApiError {
    let message = e.to_string();
    match e {
        SubmitError::Invalid(rejection) => {
            unprocessable("invalid_message", message).with_details(json!({
                "meta_code": rejection.code.code(),
                "meta_title": rejection.code.title(),
                "details": rejection.details,
            }))
        }
        SubmitError::Refused(refusal) => {
            let code = refusal.code();
            let error = unprocessable(code, message);
            match refusal {
                SendRefusal::OutsideServiceWindow { closed_at } => error.with_details(json!({
                    "closed_at": closed_at,
                    "hint": "send a template message",
                })),
                _ => error,
            }
        }
        SubmitError::KeyReused(id) => unprocessable("idempotency_key_reused", message)
            .with_details(json!({ "message_id": id })),
        SubmitError::NotFound => {
            not_found("resource", "")(coexist_core::store::StoreError::NotFound)
        }
        SubmitError::Store(e) => ApiError::from(e),
    }
}
