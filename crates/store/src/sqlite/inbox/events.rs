//! Stream events of inbox writes, appended in the write's transaction so a client reading the
//! stream after the doorbell sees the change and the event together.

use coexist_core::ids::OrgId;
use coexist_core::time::Timestamp;
use rusqlite::{Connection, params};
use serde_json::Value;

use crate::sqlite::error::DbResult;

pub(crate) const CHAT_UPDATED: &str = "chat.updated";
pub(crate) const CONTACT_UPDATED: &str = "contact.updated";
pub(crate) const NOTE_CREATED: &str = "note.created";
pub(crate) const NOTIFICATION_CREATED: &str = "notification.created";
pub(crate) const NOTIFICATION_UPDATED: &str = "notification.updated";

/// What an event is about.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct About {
    pub(crate) number: Option<i64>,
    pub(crate) chat: Option<i64>,
}

/// Appends one event; it gets the next stream position.
pub(crate) fn emit(
    conn: &Connection,
    org: OrgId,
    kind: &str,
    about: About,
    data: &Value,
    at: Timestamp,
) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO events (org_id, kind, at, number_id, chat_id, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        org.0,
        kind,
        at.0,
        about.number,
        about.chat,
        data.to_string()
    ])?;
    Ok(())
}
