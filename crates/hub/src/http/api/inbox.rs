//! Working a chat: `POST /api/v1/chats/{id}/assign` `{"user_id": "12" | null}`,
//! `POST .../resolve`, `POST .../reopen`, `POST .../snooze` `{"until": RFC 3339}`,
//! `PUT .../labels` `{"labels": [...]}`, `POST .../read`; and `GET /api/v1/labels` (labels in
//! use with counts). Each change answers the chat as `GET /api/v1/chats/{id}` shows it, and
//! rings the doorbell so every open stream sees its `chat.updated` at once. Reading a chat
//! also sends Meta a read receipt (`read_receipt` in the answer).
//!
//! Also the inbox filters of `GET /api/v1/chats` ([`filter`]).

use axum::Json;
use axum::extract::State;
use coexist_core::ids::{ChatId, UserId};
use coexist_core::inbox::{ChatChange, InboxStatus, Label};
use coexist_core::store::{AssigneeFilter, ChatFilter, LabelCount};
use coexist_core::time::Timestamp;
use serde::{Deserialize, Serialize};

use super::chats::ChatView;
use super::params;
use super::{List, not_found};
use crate::auth::Action;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::inbox::live::announce;
use crate::outbox::receipts::{Receipt, mark_chat_read};

pub(super) fn routes() -> Routes {
    Routes::new()
        .post("/api/v1/chats/{id}/assign", assign)
        .post("/api/v1/chats/{id}/resolve", resolve)
        .post("/api/v1/chats/{id}/reopen", reopen)
        .post("/api/v1/chats/{id}/snooze", snooze)
        .put("/api/v1/chats/{id}/labels", set_labels)
        .post("/api/v1/chats/{id}/read", read)
        .get("/api/v1/labels", labels)
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_parameter", message)
}

/// The inbox part of a chat list's filter: `view` (default `all`), `status` (default any),
/// `label`; snoozes are judged at `now`.
pub(super) fn filter(
    actor: &Auth,
    view: Option<&str>,
    status: Option<&str>,
    label: Option<&str>,
    now: Timestamp,
) -> Result<ChatFilter, ApiError> {
    let assignee = match given(view) {
        None | Some("all") => None,
        Some("unassigned") => Some(AssigneeFilter::Nobody),
        Some("mine") => match actor.user_id() {
            Some(user) => Some(AssigneeFilter::User(user)),
            None => {
                return Err(invalid(
                    "view: mine needs a signed-in user, not an API token",
                ));
            }
        },
        Some(other) => {
            return Err(invalid(format!(
                "view: {other:?} is not one of mine, unassigned, all"
            )));
        }
    };
    let status = given(status)
        .map(|s| {
            s.parse::<InboxStatus>().map_err(|_| {
                invalid(format!(
                    "status: {s:?} is not one of open, pending, snoozed, resolved"
                ))
            })
        })
        .transpose()?;
    let label = given(label)
        .map(|l| Label::parse(l).map_err(|e| invalid(e.to_string())))
        .transpose()?;
    Ok(ChatFilter {
        assignee,
        status,
        label: label.map(|l| l.as_str().to_owned()),
        now: Some(now),
        ..ChatFilter::default()
    })
}

/// A query parameter that was given and is not blank, trimmed.
fn given(v: Option<&str>) -> Option<&str> {
    params::non_empty(v).map(str::trim)
}

/// Applies `change` for `actor` and answers the chat.
async fn apply(
    actor: &Auth,
    state: &AppState,
    chat: ChatId,
    change: ChatChange,
) -> Result<Json<ChatView>, ApiError> {
    actor.may(Action::WorkChats)?;
    let now = state.clock.now();
    let changed = state
        .store
        .change_chat(actor.org, chat, change, actor.by(), now)
        .await
        .map_err(not_found("chat", chat))?;
    announce(state).await;
    Ok(Json(ChatView::at(changed, now)))
}

#[derive(Debug, Deserialize)]
struct AssignBody {
    /// A user's id, or null (or absent) to unassign.
    user_id: Option<UserId>,
}

async fn assign(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Json<ChatView>, ApiError> {
    apply(&actor, &state, chat, ChatChange::Assign(body.user_id)).await
}

async fn resolve(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
) -> Result<Json<ChatView>, ApiError> {
    apply(&actor, &state, chat, ChatChange::Resolve).await
}

async fn reopen(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
) -> Result<Json<ChatView>, ApiError> {
    apply(&actor, &state, chat, ChatChange::Reopen).await
}

#[derive(Debug, Deserialize)]
struct SnoozeBody {
    until: Timestamp,
}

async fn snooze(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
    ApiJson(body): ApiJson<SnoozeBody>,
) -> Result<Json<ChatView>, ApiError> {
    let change = ChatChange::Snooze { until: body.until };
    apply(&actor, &state, chat, change).await
}

#[derive(Debug, Deserialize)]
struct LabelsBody {
    labels: Vec<String>,
}

async fn set_labels(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
    ApiJson(body): ApiJson<LabelsBody>,
) -> Result<Json<ChatView>, ApiError> {
    let labels = Label::parse_set(&body.labels)
        .map_err(|e| ApiError::bad_request("invalid_request", e.to_string()))?;
    apply(&actor, &state, chat, ChatChange::SetLabels(labels)).await
}

/// What a read answers: the chat, and what happened at Meta.
#[derive(Debug, Serialize)]
struct ReadView {
    #[serde(flatten)]
    chat: ChatView,
    read_receipt: ReadReceipt,
}

/// The Meta read receipt sent after an agent read a chat (`hub::outbox::receipts`).
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum ReadReceipt {
    /// Sent, turned off for the organization, or nothing to mark.
    Done(Receipt),
    /// Meta could not be told; the chat is read in the inbox all the same.
    Failed {
        result: &'static str,
        message: String,
    },
}

/// Marks the chat read for the inbox (unread count 0), then sends Meta a read receipt for the
/// newest customer message when the organization allows read receipts. The inbox read is
/// committed first: a receipt Meta does not take is reported, not an error.
async fn read(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
) -> Result<Json<ReadView>, ApiError> {
    actor.may(Action::WorkChats)?;
    let now = state.clock.now();
    let read = state
        .store
        .mark_chat_read(actor.org, chat, actor.by(), now)
        .await
        .map_err(not_found("chat", chat))?;
    announce(&state).await;
    let read_receipt = match mark_chat_read(&state.sending, actor.org, chat).await {
        Ok(receipt) => ReadReceipt::Done(receipt),
        Err(e) => {
            tracing::warn!(%chat, error = %e, "the read receipt did not reach Meta");
            ReadReceipt::Failed {
                result: "failed",
                message: e.to_string(),
            }
        }
    };
    Ok(Json(ReadView {
        chat: ChatView::at(read.chat, now),
        read_receipt,
    }))
}

async fn labels(
    actor: Auth,
    State(state): State<AppState>,
) -> Result<Json<List<LabelCount>>, ApiError> {
    actor.may(Action::Read)?;
    Ok(Json(List::new(state.store.list_labels(actor.org).await?)))
}
