//! The stream events a batch produces, written once at the end of the batch.
//!
//! Some events are one per occurrence (`message.created`, `history.progress`, `webhook.error`,
//! `template.updated`); the `*.updated` events of messages, chats, contacts and numbers are one
//! per subject per batch, listing what changed (`{"changes": ["status", "edit"]}`): clients
//! re-read the resource anyway.

use std::collections::HashMap;

use coexist_core::time::Timestamp;
use rusqlite::{Connection, params};
use serde_json::{Map, Value};

use crate::sqlite::error::DbResult;

pub(super) const MESSAGE_CREATED: &str = "message.created";
pub(super) const MESSAGE_UPDATED: &str = "message.updated";
pub(super) const CHAT_UPDATED: &str = "chat.updated";
pub(super) const CONTACT_UPDATED: &str = "contact.updated";
pub(super) const NUMBER_UPDATED: &str = "number.updated";
pub(super) const HISTORY_PROGRESS: &str = "history.progress";
pub(super) const WEBHOOK_ERROR: &str = "webhook.error";
pub(super) const TEMPLATE_UPDATED: &str = "template.updated";

/// Who an event is about.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Subject {
    pub(super) org: i64,
    pub(super) number: Option<i64>,
    pub(super) chat: Option<i64>,
    pub(super) message: Option<i64>,
}

struct Pending {
    kind: &'static str,
    subject: Subject,
    data: Map<String, Value>,
    changes: Vec<&'static str>,
}

/// Events waiting for the end of the batch, in the order they happened.
#[derive(Default)]
pub(super) struct EventLog {
    list: Vec<Pending>,
    /// (kind, subject id) → index in `list`, for the merged `*.updated` events.
    merged: HashMap<(&'static str, i64), usize>,
}

impl EventLog {
    /// One event per call; `data` is a JSON object.
    pub(super) fn push(&mut self, kind: &'static str, subject: Subject, data: Value) {
        let data = match data {
            Value::Object(map) => map,
            other => Map::from_iter([("value".to_owned(), other)]),
        };
        self.list.push(Pending {
            kind,
            subject,
            data,
            changes: Vec::new(),
        });
    }

    /// One event per (kind, `id`) per batch; `change` is added to its list of changes.
    pub(super) fn touch(
        &mut self,
        kind: &'static str,
        id: i64,
        subject: Subject,
        change: &'static str,
    ) {
        let at = *self.merged.entry((kind, id)).or_insert_with(|| {
            self.list.push(Pending {
                kind,
                subject,
                data: Map::new(),
                changes: Vec::new(),
            });
            self.list.len() - 1
        });
        let changes = &mut self.list[at].changes;
        if !changes.contains(&change) {
            changes.push(change);
        }
    }

    /// Appends every event to the `events` table; each gets the next stream position.
    pub(super) fn flush(self, conn: &Connection, at: Timestamp) -> DbResult<()> {
        let mut insert = conn.prepare_cached(
            "INSERT INTO events (org_id, kind, at, number_id, chat_id, message_id, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for mut e in self.list {
            if !e.changes.is_empty() {
                let changes = e.changes.iter().map(|c| Value::from(*c)).collect();
                e.data.insert("changes".to_owned(), Value::Array(changes));
            }
            let s = e.subject;
            insert.execute(params![
                s.org,
                e.kind,
                at.0,
                s.number,
                s.chat,
                s.message,
                Value::Object(e.data).to_string(),
            ])?;
        }
        Ok(())
    }
}
