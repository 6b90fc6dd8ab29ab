//! The sending side of [`SqliteStore`](super::SqliteStore): the outbox (`send`: recording a
//! send; `work`: claims, outcomes, leases, reconciliation), templates, media and the cost report
//! (`costs`, with the per-organization settings). The schema is `0002_outbox.sql`.

mod api;
pub(crate) mod costs;
pub(crate) mod media;
pub(crate) mod send;
pub(crate) mod templates;
pub(crate) mod work;

use coexist_core::store::{Author, MessageError, OutboxState, SendInfo};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, params};
use serde_json::Value;

use super::error::DbResult;

pub(crate) use work::attach_wamid;

/// Reads the outbox JSON column of `read::messages::COLUMNS` (one correlated primary-key
/// lookup per message).
pub(crate) fn send_info_of(json: Option<&str>) -> Result<Option<SendInfo>, String> {
    let Some(json) = json else {
        return Ok(None);
    };
    let row: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let text = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
    let int = |k: &str| row.get(k).and_then(Value::as_i64);
    let state: OutboxState = text("state")
        .unwrap_or_default()
        .parse()
        .map_err(|e| format!("{e}"))?;
    let last_error = int("code").map(|code| MessageError {
        code,
        title: text("title"),
        details: text("details"),
    });
    let author = match row.get("author") {
        Some(Value::Null) | None => None,
        Some(a) => Some(serde_json::from_value::<Author>(a.clone()).map_err(|e| e.to_string())?),
    };
    Ok(Some(SendInfo {
        state,
        attempts: u32::try_from(int("attempts").unwrap_or(0)).unwrap_or(0),
        next_attempt_at: (state == OutboxState::Queued)
            .then(|| int("due_at").map(Timestamp))
            .flatten(),
        last_error,
        note: text("note"),
        author,
        idempotency_key: text("key"),
    }))
}

/// One stream event, appended now (outbox writes are small: no per-batch merging needed).
pub(crate) struct Event<'a> {
    pub(crate) org: i64,
    pub(crate) kind: &'a str,
    pub(crate) number: Option<i64>,
    pub(crate) chat: Option<i64>,
    pub(crate) message: Option<i64>,
    pub(crate) data: Value,
}

pub(crate) fn push_event(conn: &Connection, at: Timestamp, e: Event<'_>) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO events (org_id, kind, at, number_id, chat_id, message_id, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        e.org,
        e.kind,
        at.0,
        e.number,
        e.chat,
        e.message,
        e.data.to_string()
    ])?;
    Ok(())
}

/// `message.updated` for an outbox change (and `chat.updated` when it is the chat's newest).
pub(crate) fn message_updated(
    conn: &Connection,
    message: i64,
    change: &str,
    at: Timestamp,
) -> DbResult<()> {
    let (org, number, chat, last): (i64, i64, i64, Option<i64>) = conn
        .prepare_cached(
            "SELECT m.org_id, m.number_id, m.chat_id, c.last_message_id
             FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = ?1",
        )?
        .query_row([message], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let data = serde_json::json!({ "changes": [change] });
    let event = |kind| Event {
        org,
        kind,
        number: Some(number),
        chat: Some(chat),
        message: Some(message),
        data: data.clone(),
    };
    push_event(conn, at, event("message.updated"))?;
    if last == Some(message) {
        push_event(conn, at, event("chat.updated"))?;
    }
    Ok(())
}
