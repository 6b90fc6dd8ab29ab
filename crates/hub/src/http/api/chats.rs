//! `GET /api/v1/chats?view=mine|unassigned|all&status=&label=&number_id=&limit=&cursor=` (most
//! recent activity first) and `GET /api/v1/chats/{id}`, each chat with its service window and
//! inbox status computed at the clock's now (a snooze whose time has passed shows as open).

use axum::Json;
use axum::extract::State;
use coexist_core::ids::ChatId;
use coexist_core::page::Page;
use coexist_core::store::{ChatFilter, ChatRecord};
use coexist_core::time::Timestamp;
use coexist_core::window::{ServiceWindow, WindowState};
use serde::{Deserialize, Serialize};

use super::not_found;
use super::params::{self, PageQuery};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::{ApiError, AppState, Auth, Routes};

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/chats", list_chats)
        .get("/api/v1/chats/{id}", get_chat)
}

/// A chat as the API shows it.
#[derive(Debug, Serialize)]
pub(super) struct ChatView {
    #[serde(flatten)]
    chat: ChatRecord,
    service_window: WindowView,
}

/// Meta's 24-hour customer service window at one instant.
#[derive(Debug, Serialize)]
struct WindowView {
    /// `open` or `closed`.
    state: &'static str,
    /// When it closes (open) or closed (closed); `null` if the customer never wrote live.
    closes_at: Option<Timestamp>,
    /// Milliseconds left; 0 when closed.
    remaining_ms: i64,
}

impl ChatView {
    pub(super) fn at(chat: ChatRecord, now: Timestamp) -> Self {
        let chat = chat.as_seen_at(now);
        let window = ServiceWindow {
            last_customer_message_at: chat.last_customer_message_at,
        };
        let service_window = match window.state(now) {
            WindowState::Open {
                closes_at,
                remaining_ms,
            } => WindowView {
                state: "open",
                closes_at: Some(closes_at),
                remaining_ms,
            },
            WindowState::Closed { closed_at } => WindowView {
                state: "closed",
                closes_at: closed_at,
                remaining_ms: 0,
            },
        };
        ChatView {
            chat,
            service_window,
        }
    }
}

#[derive(Debug, Deserialize)]
struct ChatsQuery {
    number_id: Option<String>,
    view: Option<String>,
    status: Option<String>,
    label: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

async fn list_chats(
    auth: Auth,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ChatsQuery>,
) -> Result<Json<Page<ChatView>>, ApiError> {
    let now = state.clock.now();
    let filter = ChatFilter {
        number_id: params::id(query.number_id.as_deref(), "number_id")?,
        ..super::inbox::filter(
            &auth,
            query.view.as_deref(),
            query.status.as_deref(),
            query.label.as_deref(),
            now,
        )?
    };
    let limit = query.page.limit()?;
    let page = state
        .store
        .list_chats(auth.org, filter, limit, query.page.cursor())
        .await?;
    Ok(Json(Page {
        data: page
            .data
            .into_iter()
            .map(|c| ChatView::at(c, now))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

async fn get_chat(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ChatId>,
) -> Result<Json<ChatView>, ApiError> {
    let chat = state
        .store
        .get_chat(auth.org, id)
        .await
        .map_err(not_found("chat", id))?;
    Ok(Json(ChatView::at(chat, state.clock.now())))
}
