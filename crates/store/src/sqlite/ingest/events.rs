//! The stream events a batch produces, written once at the end of the batch.
//!
//! Some events are one per occurrence (`message.created`, `chat.merged`, `history.progress`,
//! `webhook.error`, `template.updated`); the `*.updated` events of messages, chats, contacts and numbers are one
//! per subject per batch, listing what changed (`{"changes": ["status", "edit"]}`): clients
//! re-read the resource anyway. A contact has no column of its own in `events`, so
//! `contact.updated` also names it: `{"changes": ["profile"], "contact_id": "42"}`.

use std::collections::HashMap;

use coexist_core::time::Timestamp;
use rusqlite::{Connection, ToSql, params_from_iter};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::sqlite::error::DbResult;

pub(super) const MESSAGE_CREATED: &str = "message.created";
pub(super) const MESSAGE_UPDATED: &str = "message.updated";
pub(super) const CHAT_UPDATED: &str = "chat.updated";
/// A chat folded into another (a customer's two numbers became one contact): its `chat_id` no
/// longer exists, `data.into_chat_id` holds everything it had.
pub(super) const CHAT_MERGED: &str = "chat.merged";
const CONTACT_UPDATED: &str = "contact.updated";
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
    /// A [`EventLog::push`]ed event's data, already written out; `None` for a merged event,
    /// whose data is its list of changes.
    data: Option<String>,
    changes: Vec<&'static str>,
    /// The contact a merged `contact.updated` is about (written into its data).
    contact: Option<i64>,
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
            Value::Object(map) => Value::Object(map),
            other => Value::Object(Map::from_iter([("value".to_owned(), other)])),
        };
        self.push_text(kind, subject, data.to_string());
    }

    /// One event per call, its data written straight from `data`, with no [`Value`] in
    /// between (the hot path: one `message.created` per live message). `data` must serialize
    /// as an object whose fields are in name order, so that the text is what [`EventLog::push`]
    /// would write (a [`Value`]'s keys are sorted).
    pub(super) fn push_serialized(
        &mut self,
        kind: &'static str,
        subject: Subject,
        data: &impl Serialize,
    ) -> DbResult<()> {
        self.push_text(kind, subject, serde_json::to_string(data)?);
        Ok(())
    }

    fn push_text(&mut self, kind: &'static str, subject: Subject, data: String) {
        self.list.push(Pending {
            kind,
            subject,
            data: Some(data),
            changes: Vec::new(),
            contact: None,
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
        self.touch_about(kind, id, subject, change, None);
    }

    /// One `contact.updated` per contact per batch, naming the contact in its data.
    pub(super) fn touch_contact(&mut self, contact: i64, subject: Subject, change: &'static str) {
        self.touch_about(CONTACT_UPDATED, contact, subject, change, Some(contact));
    }

    fn touch_about(
        &mut self,
        kind: &'static str,
        id: i64,
        subject: Subject,
        change: &'static str,
        contact: Option<i64>,
    ) {
        let at = *self.merged.entry((kind, id)).or_insert_with(|| {
            self.list.push(Pending {
                kind,
                subject,
                data: None,
                changes: Vec::new(),
                contact,
            });
            self.list.len() - 1
        });
        let changes = &mut self.list[at].changes;
        if !changes.contains(&change) {
            changes.push(change);
        }
    }

    /// Appends every event to the `events` table; each gets the next stream position, in the
    /// order of the list.
    pub(super) fn flush(self, conn: &Connection, at: Timestamp) -> DbResult<()> {
        let rows: Vec<Row> = self
            .list
            .into_iter()
            .map(|e| Row::of(e, at))
            .collect::<DbResult<_>>()?;
        // Several rows per INSERT: `events` is AUTOINCREMENT, so each statement also reads and
        // writes `sqlite_sequence`; one statement per few rows pays that once. A multi-row
        // VALUES inserts its rows in order, so positions keep the order of the list. It is
        // `OR IGNORE` only so that SQLite needs no statement journal (a copy of every page the
        // statement changes, kept in case a later row fails a NOT NULL): no row can fail, every
        // column is bound from a non-optional value or is nullable.
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = insert_sql(chunk.len());
            let mut insert = conn.prepare_cached(&sql)?;
            let values = chunk.iter().flat_map(Row::values);
            insert.execute(params_from_iter(values))?;
        }
        Ok(())
    }
}

/// The most rows one `INSERT INTO events` carries (one cached statement per row count).
const ROWS_PER_INSERT: usize = 16;

/// One `events` row, ready to bind.
struct Row {
    org: i64,
    kind: &'static str,
    at: i64,
    number: Option<i64>,
    chat: Option<i64>,
    message: Option<i64>,
    data: String,
}

/// A merged event's data: `{"changes": [...]}`, and `"contact_id"` for a contact's (an id is
/// written as the API writes ids: a string).
#[derive(Serialize)]
struct Changes<'a> {
    changes: &'a [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_id: Option<String>,
}

impl Row {
    fn of(e: Pending, at: Timestamp) -> DbResult<Row> {
        let data = match e.data {
            Some(data) => data,
            None if e.changes.is_empty() && e.contact.is_none() => "{}".to_owned(),
            None => serde_json::to_string(&Changes {
                changes: &e.changes,
                contact_id: e.contact.map(|c| c.to_string()),
            })?,
        };
        let s = e.subject;
        Ok(Row {
            org: s.org,
            kind: e.kind,
            at: at.0,
            number: s.number,
            chat: s.chat,
            message: s.message,
            data,
        })
    }

    fn values(&self) -> [&dyn ToSql; 7] {
        [
            &self.org,
            &self.kind,
            &self.at,
            &self.number,
            &self.chat,
            &self.message,
            &self.data,
        ]
    }
}

/// `INSERT INTO events ... VALUES (...), (...)` with `rows` rows.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT OR IGNORE INTO events (org_id, kind, at, number_id, chat_id, message_id, data) \
         VALUES ",
    );
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str("(?, ?, ?, ?, ?, ?, ?)");
    }
    sql
}
