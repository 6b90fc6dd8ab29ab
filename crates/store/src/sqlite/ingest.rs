//! Applying one webhook request ([`IngestBatch`]) inside the writer's transaction.
//!
//! The batch's changes are applied in order by an [`Ingest`] context that caches what it resolved
//! (numbers, contacts, chats) for the rest of the batch, accumulates per-chat counters and stream
//! events, and writes both once at the end: a history chunk of thousands of messages updates each
//! chat once and emits one `chat.updated` per chat.
//!
//! Every step is idempotent on Meta's keys (wamid, (wamid, status), event wamid, chunk), so a
//! change delivered again in another request is a no-op; the same request again is caught first,
//! by the SHA-256 of its body.

mod account;
mod amendments;
mod contacts;
mod events;
mod history;
mod messages;
mod numbers;
mod phonebook;
mod records;
mod renumber;
mod statuses;

use std::collections::{BTreeMap, HashMap, HashSet};

use coexist_core::ids::OrgId;
use coexist_core::ingest::{Change, IngestBatch, IngestOutcome};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, Params, params};

use self::contacts::ContactCtx;
use self::contacts::NewChat;
use self::events::EventLog;
use self::messages::ChatDelta;
use self::numbers::NumberCtx;
use super::error::DbResult;

/// Applies `batch`; a request seen before (same body) changes nothing.
pub(crate) fn apply(conn: &Connection, batch: &IngestBatch) -> DbResult<IngestOutcome> {
    let Some(webhook_id) = record_webhook(conn, batch)? else {
        return Ok(IngestOutcome {
            duplicate_request: true,
            ..IngestOutcome::default()
        });
    };
    let mut cx = Ingest::new(conn, batch, webhook_id);
    for change in &batch.changes {
        cx.apply(change)?;
    }
    cx.finish()
}

/// Stores the body byte-exact; `None` if a body with the same SHA-256 is already stored.
fn record_webhook(conn: &Connection, batch: &IngestBatch) -> DbResult<Option<i64>> {
    insert_new(
        conn,
        "INSERT INTO webhooks (sha256, body, signature, received_at, changes)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sha256) DO NOTHING",
        params![
            &batch.body_sha256[..],
            &batch.raw_body,
            batch.signature,
            batch.received_at.0,
            i64::try_from(batch.changes.len()).unwrap_or(i64::MAX),
        ],
    )
}

/// Runs an `INSERT` (usually `ON CONFLICT DO NOTHING`): the new row's id, or `None` if nothing
/// was inserted. Cheaper than `RETURNING`, which materializes its rows in a temporary table on
/// every call; triggers don't disturb it (SQLite restores the last rowid when they end).
fn insert_new(conn: &Connection, sql: &str, params: impl Params) -> DbResult<Option<i64>> {
    let inserted = conn.prepare_cached(sql)?.execute(params)?;
    Ok((inserted > 0).then(|| conn.last_insert_rowid()))
}

/// Runs an `INSERT` that must insert: the new row's id.
fn insert_one(conn: &Connection, sql: &str, params: impl Params) -> DbResult<i64> {
    conn.prepare_cached(sql)?.execute(params)?;
    Ok(conn.last_insert_rowid())
}

/// What one batch has resolved and accumulated so far.
pub(crate) struct Ingest<'c> {
    conn: &'c Connection,
    /// When the hub received the request: every `updated_at`, `last_webhook_at` and event time.
    at: Timestamp,
    default_org: OrgId,
    webhook_id: i64,
    numbers: HashMap<String, NumberCtx>,
    /// By (number, `w:<wa_id>` or `u:<user_id>`).
    contacts: HashMap<(i64, String), ContactCtx>,
    /// By (number, contact).
    chats: HashMap<(i64, i64), i64>,
    /// Contacts this batch created (they have no chat yet).
    created_contacts: HashSet<i64>,
    /// Chats this batch created, with what they were created with.
    created_chats: HashMap<i64, NewChat>,
    chat_deltas: BTreeMap<i64, ChatDelta>,
    events: EventLog,
    outcome: IngestOutcome,
}

impl<'c> Ingest<'c> {
    fn new(conn: &'c Connection, batch: &IngestBatch, webhook_id: i64) -> Self {
        Ingest {
            conn,
            at: batch.received_at,
            default_org: batch.default_org,
            webhook_id,
            numbers: HashMap::new(),
            contacts: HashMap::new(),
            chats: HashMap::new(),
            created_contacts: HashSet::new(),
            created_chats: HashMap::new(),
            chat_deltas: BTreeMap::new(),
            events: EventLog::default(),
            outcome: IngestOutcome::default(),
        }
    }

    fn apply(&mut self, change: &Change) -> DbResult<()> {
        match change {
            Change::Message(m) => self.message(m).map(drop),
            Change::Status(s) => self.status(s),
            Change::Amendment(a) => self.amendment(a),
            Change::UserNumberChange(c) => self.user_number_change(c),
            Change::ContactSync(c) => self.contact_sync(c),
            Change::HistoryChunk(h) => self.history_chunk(h),
            Change::HistoryMedia(h) => self.history_media(h),
            Change::HistoryDeclined(e) => self.history_declined(e),
            Change::Account(a) => self.account(a),
            Change::Template(t) => self.template(t),
            Change::Preference(p) => self.preference(p),
            Change::Error(e) => self.value_error(e, false).map(drop),
            Change::Unparsed(u) => self.unparsed(u),
        }
    }

    /// Writes what was accumulated: chat counters, then the stream events.
    fn finish(mut self) -> DbResult<IngestOutcome> {
        self.flush_chats()?;
        self.events.flush(self.conn, self.at)?;
        Ok(self.outcome)
    }
}
