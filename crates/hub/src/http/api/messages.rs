//! Messages: a chat's messages (newest first), lookup by wamid, full-text search, one message,
//! and what happened to it after it was created (edits, revokes, statuses with pricing).

use axum::Json;
use axum::extract::State;
use coexist_core::ids::{ChatId, MessageId};
use coexist_core::page::Page;
use coexist_core::store::{MessageEventRecord, MessageRecord};
use serde::Deserialize;

use super::params::{self, PageQuery};
use super::{List, not_found};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::{ApiError, AppState, Auth, Routes};

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/chats/{id}/messages", list_chat_messages)
        .get("/api/v1/messages", find_messages)
        .get("/api/v1/messages/{id}", get_message)
        .get("/api/v1/messages/{id}/events", list_message_events)
}

async fn list_chat_messages(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<MessageRecord>>, ApiError> {
    let limit = query.limit()?;
    let page = state
        .store
        .list_messages(auth.org, chat, limit, query.cursor())
        .await
        .map_err(not_found("chat", chat))?;
    if page.data.is_empty() {
        // An empty page is either an empty chat or no chat at all: tell them apart.
        state
            .store
            .get_chat(auth.org, chat)
            .await
            .map_err(not_found("chat", chat))?;
    }
    Ok(Json(page))
}

#[derive(Debug, Deserialize)]
struct FindQuery {
    wamid: Option<String>,
    q: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

/// `?wamid=` looks a message up by Meta's id; `?q=` searches texts and captions.
async fn find_messages(
    auth: Auth,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<FindQuery>,
) -> Result<Json<Page<MessageRecord>>, ApiError> {
    let wamid = params::non_empty(query.wamid.as_deref());
    let q = params::non_empty(query.q.as_deref());
    let page = match (wamid, q) {
        (Some(wamid), None) => Page {
            data: state.store.find_messages_by_wamid(auth.org, wamid).await?,
            next_cursor: None,
        },
        (None, Some(q)) => {
            let limit = query.page.limit()?;
            let cursor = query.page.cursor();
            state
                .store
                .search_messages(auth.org, q, limit, cursor)
                .await?
        }
        (Some(_), Some(_)) => return Err(missing("pass either wamid or q, not both")),
        (None, None) => return Err(missing("pass wamid= to look a message up or q= to search")),
    };
    Ok(Json(page))
}

fn missing(message: &str) -> ApiError {
    ApiError::bad_request("invalid_parameter", message)
}

async fn get_message(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<MessageRecord>, ApiError> {
    let message = state
        .store
        .get_message(auth.org, id)
        .await
        .map_err(not_found("message", id))?;
    Ok(Json(message))
}

async fn list_message_events(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<List<MessageEventRecord>>, ApiError> {
    let events = state
        .store
        .message_events(auth.org, id)
        .await
        .map_err(not_found("message", id))?;
    if events.is_empty() {
        // No events yet, or no such message: only the latter is a 404.
        state
            .store
            .get_message(auth.org, id)
            .await
            .map_err(not_found("message", id))?;
    }
    Ok(Json(List::new(events)))
}
