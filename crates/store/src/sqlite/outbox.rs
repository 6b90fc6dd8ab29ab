//! The sending side of [`SqliteStore`](super::SqliteStore): the outbox (`send`: recording a
//! send; `work`: claims, outcomes, leases, reconciliation), templates, media and the cost report
//! (`costs`, with the per-organization settings). The schema is `0002_outbox.sql`.

mod api;
pub(crate) mod costs;
pub(crate) mod media;
pub(crate) mod send;
pub(crate) mod templates;
pub(crate) mod work;

use coexist_core::store::{
    Author, MediaAvailability, MediaRef, MessageError, OutboxState, SendInfo,
};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, params};
use serde_json::Value;

use super::error::DbResult;

pub(crate) use work::attach_wamid;

/// What a message shows beyond its row, from the two JSON columns `read::messages::COLUMNS`
/// adds (one primary-key lookup each): the outbox side and author of an API send, and the media
/// it carries with whether the hub has the bytes.
pub(crate) type Extras = (Option<SendInfo>, Option<Author>, Option<MediaRef>);

/// Reads the outbox JSON and the media JSON of a message of type `kind` with `content`.
pub(crate) fn message_extras(
    kind: &str,
    content: Option<&Value>,
    send_json: Option<&str>,
    media_json: Option<&str>,
) -> Result<Extras, String> {
    let (send, author) = send_info_of(send_json)?;
    Ok((send, author, media_of(kind, content, media_json)?))
}

fn send_info_of(json: Option<&str>) -> Result<(Option<SendInfo>, Option<Author>), String> {
    let Some(json) = json else {
        return Ok((None, None));
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
    let info = SendInfo {
        state,
        attempts: u32::try_from(int("attempts").unwrap_or(0)).unwrap_or(0),
        next_attempt_at: (state == OutboxState::Queued)
            .then(|| int("due_at").map(Timestamp))
            .flatten(),
        last_error,
        note: text("note"),
        idempotency_key: text("key"),
    };
    Ok((Some(info), author))
}

/// The media of a media message: Meta's id from the content; type, name and size from the
/// media row once the hub knows it (else from the content); pending until downloaded.
fn media_of(
    kind: &str,
    content: Option<&Value>,
    row: Option<&str>,
) -> Result<Option<MediaRef>, String> {
    if !matches!(kind, "image" | "video" | "audio" | "document" | "sticker") {
        return Ok(None);
    }
    let Some(content) = content else {
        return Ok(None);
    };
    let Some(id) = content.get("id").and_then(Value::as_str) else {
        return Ok(None);
    };
    let row: Option<Value> = row
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| e.to_string())?;
    let pick = |k: &str| {
        row.as_ref()
            .and_then(|r| r.get(k))
            .and_then(Value::as_str)
            .or_else(|| content.get(k).and_then(Value::as_str))
            .map(str::to_owned)
    };
    let status = match row
        .as_ref()
        .and_then(|r| r.get("state"))
        .and_then(Value::as_str)
    {
        Some("stored") => MediaAvailability::Available,
        Some("failed") => MediaAvailability::Failed,
        _ => MediaAvailability::Pending,
    };
    // A stored file's error is the warning it was kept with (its hash could not be checked).
    let warning = (status == MediaAvailability::Available)
        .then(|| {
            row.as_ref()
                .and_then(|r| r.get("error"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .flatten();
    Ok(Some(MediaRef {
        id: id.to_owned(),
        mime_type: pick("mime_type"),
        filename: pick("filename"),
        size: row
            .as_ref()
            .and_then(|r| r.get("size"))
            .and_then(Value::as_i64),
        verified: (status == MediaAvailability::Available).then_some(warning.is_none()),
        warning,
        status,
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
