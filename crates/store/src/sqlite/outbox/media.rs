//! Media rows: found in messages by following the change stream (live messages, echoes and
//! history media follow-ups all announce themselves there), downloaded by a worker, or uploaded
//! by us. A claim moves the row's due time past its lease, so a worker that dies leaves the row
//! to be tried again later (downloads are idempotent).

use coexist_core::ids::{MessageId, NumberId, OrgId};
use coexist_core::store::{
    Discovered, MediaJob, MediaOutcome, MediaRecord, MediaState, NewMedia, StoreError,
};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::{name, ts};

const CURSOR: &str = "media";
const MEDIA_KINDS: [&str; 5] = ["image", "video", "audio", "document", "sticker"];

/// Follows the change stream from the stored cursor over at most `limit` events, adding a
/// pending row for every media id found in a message.
pub(crate) fn discover(conn: &Connection, limit: u32, now: Timestamp) -> DbResult<Discovered> {
    let after: i64 = conn
        .prepare_cached("SELECT position FROM stream_cursors WHERE name = ?1")?
        .query_row([CURSOR], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let events: Vec<(i64, Option<i64>)> = conn
        .prepare_cached(
            "SELECT position, message_id FROM events WHERE position > ?1
             ORDER BY position LIMIT ?2",
        )?
        .query_map(params![after, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let Some(&(last, _)) = events.last() else {
        return Ok(Discovered::default());
    };
    let mut new = 0;
    for message in events.iter().filter_map(|e| e.1) {
        new += add_from_message(conn, message, now)?;
    }
    conn.prepare_cached(
        "INSERT INTO stream_cursors (name, position) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position",
    )?
    .execute(params![CURSOR, last])?;
    Ok(Discovered {
        scanned: events.len() as u64,
        new,
    })
}

fn add_from_message(conn: &Connection, message: i64, now: Timestamp) -> DbResult<u64> {
    let row: Option<(i64, i64, String, Option<String>)> = conn
        .prepare_cached("SELECT org_id, number_id, kind, content FROM messages WHERE id = ?1")?
        .query_row([message], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((org, number, kind, Some(content))) = row else {
        return Ok(0);
    };
    if !MEDIA_KINDS.contains(&kind.as_str()) {
        return Ok(0);
    }
    let content: Value = serde_json::from_str(&content)?;
    let text = |k: &str| content.get(k).and_then(Value::as_str);
    // A link (our own sends by URL) has no Meta id: nothing to fetch.
    let Some(media_id) = text("id") else {
        return Ok(0);
    };
    let inserted = conn
        .prepare_cached(
            "INSERT INTO media (org_id, number_id, media_id, direction, message_id, mime_type,
                 expected_sha256, filename, state, due_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'inbound', ?4, ?5, ?6, ?7, 'pending', ?8, ?8, ?8)
             ON CONFLICT (number_id, media_id) DO NOTHING",
        )?
        .execute(params![
            org,
            number,
            media_id,
            message,
            text("mime_type"),
            text("sha256"),
            text("filename"),
            now.0
        ])?;
    Ok(inserted as u64)
}

/// Claims pending downloads due at `now`.
pub(crate) fn claim(
    conn: &Connection,
    now: Timestamp,
    lease_until: Timestamp,
    limit: u32,
) -> DbResult<Vec<MediaJob>> {
    let mut stmt = conn.prepare_cached(
        "UPDATE media SET attempts = attempts + 1, due_at = ?2, updated_at = ?1
         WHERE id IN (SELECT id FROM media WHERE state = 'pending' AND due_at <= ?1
                      ORDER BY due_at, id LIMIT ?3)
         RETURNING media_id, number_id, expected_sha256, mime_type, attempts,
             (SELECT phone_number_id FROM numbers n WHERE n.id = media.number_id)",
    )?;
    let rows = stmt.query_map(params![now.0, lease_until.0, limit], |r| {
        Ok(MediaJob {
            media_id: r.get(0)?,
            number_id: NumberId(r.get(1)?),
            expected_sha256: r.get(2)?,
            mime_type: r.get(3)?,
            attempt: r.get(4)?,
            phone_number_id: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records how a download ended.
pub(crate) fn record(
    conn: &Connection,
    number: NumberId,
    media_id: &str,
    outcome: &MediaOutcome,
    now: Timestamp,
) -> DbResult<()> {
    match outcome {
        // A stored file's `error` is its warning (kept unverified), NULL once verified.
        MediaOutcome::Stored {
            sha256,
            size,
            mime_type,
            warning,
        } => conn
            .prepare_cached(
                "UPDATE media SET state = 'stored', sha256 = ?3, size = ?4, mime_type = ?5,
                     error = ?7, due_at = NULL, updated_at = ?6
                 WHERE number_id = ?1 AND media_id = ?2",
            )?
            .execute(params![
                number.0, media_id, sha256, size, mime_type, now.0, warning
            ])?,
        MediaOutcome::Retry { at, error } => conn
            .prepare_cached(
                "UPDATE media SET due_at = ?3, error = ?4, updated_at = ?5
                 WHERE number_id = ?1 AND media_id = ?2 AND state = 'pending'",
            )?
            .execute(params![number.0, media_id, at.0, error, now.0])?,
        MediaOutcome::Failed { error } => conn
            .prepare_cached(
                "UPDATE media SET state = 'failed', due_at = NULL, error = ?3, updated_at = ?4
                 WHERE number_id = ?1 AND media_id = ?2 AND state = 'pending'",
            )?
            .execute(params![number.0, media_id, error, now.0])?,
    };
    Ok(())
}

/// Records an upload (its bytes are stored).
pub(crate) fn insert_uploaded(conn: &Connection, m: &NewMedia) -> DbResult<MediaRecord> {
    conn.prepare_cached(
        "INSERT INTO media (org_id, number_id, media_id, direction, mime_type, sha256,
             expected_sha256, size, filename, state, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'outbound', ?4, ?5, ?5, ?6, ?7, 'stored', ?8, ?8)
         ON CONFLICT (number_id, media_id) DO UPDATE SET mime_type = excluded.mime_type,
             sha256 = excluded.sha256, size = excluded.size, state = 'stored',
             updated_at = excluded.updated_at",
    )?
    .execute(params![
        m.org.0,
        m.number_id.0,
        m.media_id,
        m.mime_type,
        m.sha256,
        m.size,
        m.filename,
        m.now.0
    ])?;
    get(conn, m.org, &m.media_id)
}

const COLUMNS: &str = "media_id, number_id, direction, message_id, mime_type, sha256,
    expected_sha256, size, filename, state, error, attempts, created_at, updated_at";

fn media_row(r: &Row<'_>) -> rusqlite::Result<MediaRecord> {
    Ok(MediaRecord {
        id: r.get(0)?,
        number_id: NumberId(r.get(1)?),
        direction: r.get(2)?,
        message_id: r.get::<_, Option<i64>>(3)?.map(MessageId),
        mime_type: r.get(4)?,
        sha256: r.get(5)?,
        expected_sha256: r.get(6)?,
        size: r.get(7)?,
        filename: r.get(8)?,
        state: name::<MediaState>(r, 9)?,
        error: r.get(10)?,
        attempts: r.get(11)?,
        created_at: ts(r, 12)?,
        updated_at: ts(r, 13)?,
    })
}

/// A media object of `org` by Meta's id (a stored copy first, if several numbers share it).
pub(crate) fn get(conn: &Connection, org: OrgId, media_id: &str) -> DbResult<MediaRecord> {
    let sql = format!(
        "SELECT {COLUMNS} FROM media WHERE org_id = ?1 AND media_id = ?2
         ORDER BY state = 'stored' DESC, id LIMIT 1"
    );
    conn.prepare_cached(&sql)?
        .query_row(params![org.0, media_id], media_row)
        .optional()?
        .ok_or(DbError(StoreError::NotFound))
}
