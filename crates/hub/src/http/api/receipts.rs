//! Read receipts and typing: `POST /api/v1/chats/{id}/typing` (the typing indicator while an
//! agent writes; Meta shows it with a read receipt), and the organization's setting:
//! `GET /api/v1/settings/read-receipts`, `POST /api/v1/settings/read-receipts`
//! `{"enabled": bool}` (admins). Marking read when an agent opens a chat happens in
//! `POST /api/v1/chats/{id}/read` through `hub::outbox::receipts::mark_chat_read`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use coexist_core::ids::ChatId;
use coexist_core::inbox::Role;
use coexist_core::store::SendingSettings;
use serde::{Deserialize, Serialize};

use crate::auth::Action;
use crate::http::extract::ApiPath;
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::outbox::receipts::{Receipt, ReceiptError, show_typing};

pub(super) fn routes() -> Routes {
    Routes::new()
        .post("/api/v1/chats/{id}/typing", typing)
        .get("/api/v1/settings/read-receipts", get_read_receipts)
        .post("/api/v1/settings/read-receipts", set_read_receipts)
}

async fn typing(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
) -> Result<Json<Receipt>, ApiError> {
    auth.may(Action::WorkChats)?;
    match show_typing(&state.sending, auth.org, chat).await {
        Ok(Receipt::Disabled) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "read_receipts_disabled",
            "Meta shows the typing indicator only together with a read receipt, and this organization turned read receipts off",
        )),
        Ok(receipt) => Ok(Json(receipt)),
        Err(e) => Err(receipt_error(e, chat)),
    }
}

/// The mapping of receipt failures, shared with the inbox's read route.
pub(crate) fn receipt_error(e: ReceiptError, chat: ChatId) -> ApiError {
    match e {
        ReceiptError::NotFound => ApiError::not_found(format!("chat {chat} not found")),
        ReceiptError::Store(e) => ApiError::from(e),
        ReceiptError::Graph(e) => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "graph_error",
            format!("Meta did not take the read receipt: {e}"),
        ),
    }
}

/// The setting as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
struct ReadReceipts {
    enabled: bool,
}

async fn get_read_receipts(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Json<ReadReceipts>, ApiError> {
    auth.may(Action::Read)?;
    let settings = state.store.sending_settings(auth.org).await?;
    Ok(Json(ReadReceipts {
        enabled: settings.read_receipts,
    }))
}

async fn set_read_receipts(
    auth: Auth,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<ReadReceipts>, ApiError> {
    if auth.role() != Role::Admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only admins change the organization's read receipts",
        ));
    }
    let wanted: ReadReceipts = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            "invalid_request",
            format!("send {{\"enabled\": true|false}}: {e}"),
        )
    })?;
    let settings = SendingSettings {
        read_receipts: wanted.enabled,
    };
    let now = state.clock.now();
    state
        .store
        .set_sending_settings(auth.org, settings, now)
        .await?;
    Ok(Json(wanted))
}
