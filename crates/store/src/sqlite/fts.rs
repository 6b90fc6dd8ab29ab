//! Keeping `messages_fts` in step with `messages.text`: changes are queued during a group and
//! applied once before COMMIT (the schema's comment on `messages_fts_queue` says why). Every
//! write of `messages.text` must go through [`queue`].
//!
//! The queue the writer uses is a TEMP table of its own connection ([`prepare`]), not the
//! `messages_fts_queue` of the schema (which stays, always empty): a temporary table lives in
//! memory, so queueing and emptying it writes no page to the WAL, while a rolled-back savepoint
//! still takes its rows with it.

use rusqlite::{Connection, params};

/// Creates the writer connection's queue (a TEMP table: see the module docs).
pub(crate) fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS messages_fts_queue (
             seq         INTEGER PRIMARY KEY,
             is_delete   INTEGER NOT NULL,
             message_id  INTEGER NOT NULL,
             text        TEXT NOT NULL
         )",
    )
}

/// Queues the index change of message `id` whose text goes from `old` to `new`.
pub(crate) fn queue(
    conn: &Connection,
    id: i64,
    old: Option<&str>,
    new: Option<&str>,
) -> rusqlite::Result<()> {
    if old == new {
        return Ok(());
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO temp.messages_fts_queue (is_delete, message_id, text) VALUES (?1, ?2, ?3)",
    )?;
    if let Some(old) = old {
        insert.execute(params![true, id, old])?;
    }
    if let Some(new) = new {
        insert.execute(params![false, id, new])?;
    }
    Ok(())
}

/// Applies the queue, in order, to the FTS index and empties it. Run by the writer once per
/// group, after the last job's savepoint and before COMMIT, so FTS5 sees one batch of pending
/// terms per transaction.
pub(crate) fn flush(conn: &Connection) -> rusqlite::Result<()> {
    // The hidden first column selects FTS5's command: 'delete' removes a row's terms (external
    // content needs the old text to do so), NULL is an ordinary insert. One statement keeps the
    // queue's order, so an insert, delete and re-insert of one message in a group all apply.
    conn.prepare_cached(
        "INSERT INTO messages_fts (messages_fts, rowid, text)
         SELECT CASE WHEN is_delete THEN 'delete' END, message_id, text
         FROM temp.messages_fts_queue ORDER BY seq",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM temp.messages_fts_queue")?
        .execute([])?;
    Ok(())
}
