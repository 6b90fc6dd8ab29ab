//! Messages of a chat (newest first), by id and by wamid, and what happened to them.

use coexist_core::ids::{ChatId, MessageId, NumberId, OrgId};
use coexist_core::page::{Limit, Page};
use coexist_core::store::{MessageError, MessageEventRecord, MessageRecord};
use rusqlite::{Connection, Row, params};
use serde_json::{Value, json};

use super::contacts::page_end;
use super::{chats, fetch_size};
use crate::sqlite::cursor;
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::{name, opt_editor, opt_name, opt_ts, ts};

const TAG: &str = "m";

/// Columns for [`message_row`], on `messages m`.
pub(crate) const COLUMNS: &str = "m.id, m.wamid, m.chat_id, m.number_id, m.direction, m.origin,
    m.kind, m.text, m.content, m.status, m.status_at, m.error_code, m.error_title,
    m.error_details, m.ts, m.received_at, m.reply_to, m.edited_at, m.edited_by,
    m.original_text, m.revoked_at, m.revoked_by, m.media_pending,
    (SELECT json_object('state', o.state, 'attempts', o.attempts, 'due_at', o.due_at,
        'code', o.last_error_code, 'title', o.last_error_title,
        'details', o.last_error_details, 'note', o.note, 'author', json(o.author),
        'key', o.idempotency_key)
     FROM outbox o WHERE o.message_id = m.id),
    CASE WHEN m.kind IN ('image', 'video', 'audio', 'document', 'sticker') THEN
        (SELECT json_object('state', md.state, 'mime_type', md.mime_type,
            'filename', md.filename, 'size', md.size, 'error', md.error)
         FROM media md WHERE md.number_id = m.number_id
             AND md.media_id = json_extract(m.content, '$.id'))
    END";

pub(crate) fn message_row(r: &Row<'_>) -> rusqlite::Result<MessageRecord> {
    let error = match r.get::<_, Option<i64>>(11)? {
        Some(code) => Some(MessageError {
            code,
            title: r.get(12)?,
            details: r.get(13)?,
        }),
        None => None,
    };
    let content = r.get::<_, Option<Value>>(8)?;
    let kind: String = r.get(6)?;
    let (send, author, media) = crate::sqlite::outbox::message_extras(
        &kind,
        content.as_ref(),
        r.get::<_, Option<String>>(23)?.as_deref(),
        r.get::<_, Option<String>>(24)?.as_deref(),
    )
    .map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(23, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(MessageRecord {
        id: MessageId(r.get(0)?),
        wamid: r.get(1)?,
        chat_id: ChatId(r.get(2)?),
        number_id: NumberId(r.get(3)?),
        direction: name(r, 4)?,
        origin: name(r, 5)?,
        kind,
        text: r.get(7)?,
        content,
        status: opt_name(r, 9)?,
        status_at: opt_ts(r, 10)?,
        error,
        timestamp: ts(r, 14)?,
        received_at: ts(r, 15)?,
        reply_to: r.get(16)?,
        edited_at: opt_ts(r, 17)?,
        edited_by: opt_editor(r, 18)?,
        original_text: r.get(19)?,
        revoked_at: opt_ts(r, 20)?,
        revoked_by: opt_editor(r, 21)?,
        media_pending: r.get(22)?,
        send,
        author,
        media,
    })
}

/// A chat's (?1) messages before the keyset (?2, ?3), at most ?4.
pub(crate) fn page_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM messages m WHERE m.chat_id = ?1 AND (m.ts, m.id) < (?2, ?3)
         ORDER BY m.ts DESC, m.id DESC LIMIT ?4"
    )
}

/// One page of a chat's messages, newest first by (Meta's timestamp, id).
pub(crate) fn list(
    conn: &Connection,
    org: OrgId,
    chat: ChatId,
    limit: Limit,
    after: Option<&str>,
) -> DbResult<Page<MessageRecord>> {
    let [at, id] = match after {
        Some(c) => cursor::decode_exact::<2>(c, TAG)?,
        None => [i64::MAX, i64::MAX],
    };
    if !chats::exists(conn, org, chat)? {
        return Err(DbError(coexist_core::store::StoreError::NotFound));
    }
    let mut stmt = conn.prepare_cached(&page_sql())?;
    let rows = stmt.query_map(params![chat.0, at, id, fetch_size(limit)], message_row)?;
    let mut data = rows.collect::<Result<Vec<_>, _>>()?;
    let next_cursor =
        page_end(&mut data, limit).map(|m| cursor::encode(TAG, &[m.timestamp.0, m.id.0]));
    Ok(Page { data, next_cursor })
}

/// One message of `org`.
pub(crate) fn get(conn: &Connection, org: OrgId, id: MessageId) -> DbResult<MessageRecord> {
    let sql = format!("SELECT {COLUMNS} FROM messages m WHERE m.id = ?1 AND m.org_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id.0, org.0], message_row)?)
}

/// The messages of `org` with this wamid (at most one per number).
pub(crate) fn by_wamid(conn: &Connection, org: OrgId, wamid: &str) -> DbResult<Vec<MessageRecord>> {
    // Through the org's numbers, so the (number_id, wamid) unique index serves it.
    let sql = format!(
        "SELECT {COLUMNS} FROM messages m
         WHERE m.number_id IN (SELECT id FROM numbers WHERE org_id = ?1) AND m.wamid = ?2
         ORDER BY m.number_id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![org.0, wamid], message_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Edits, revokes and statuses of a message, oldest first.
pub(crate) fn events(
    conn: &Connection,
    org: OrgId,
    id: MessageId,
) -> DbResult<Vec<MessageEventRecord>> {
    let owned = conn
        .prepare_cached("SELECT 1 FROM messages WHERE id = ?1 AND org_id = ?2")?
        .exists(params![id.0, org.0])?;
    if !owned {
        return Err(DbError(coexist_core::store::StoreError::NotFound));
    }
    let mut all = amendments(conn, id)?;
    all.extend(statuses(conn, id)?);
    // At equal times amendments come before statuses; the sort is stable and each list is
    // already in (ts, id) order.
    all.sort_by_key(|(at, seq, _)| (*at, *seq));
    Ok(all.into_iter().map(|(_, _, e)| e).collect())
}

type Ordered = (i64, i64, MessageEventRecord);

fn amendments(conn: &Connection, id: MessageId) -> DbResult<Vec<Ordered>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ts, id, kind, by_whom, event_wamid, data FROM message_events
         WHERE target_id = ?1 ORDER BY ts, id",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        let event = MessageEventRecord {
            kind: r.get(2)?,
            at: ts(r, 0)?,
            by: opt_editor(r, 3)?,
            event_wamid: r.get(4)?,
            data: r.get(5)?,
        };
        Ok((r.get(0)?, 0, event))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn statuses(conn: &Connection, id: MessageId) -> DbResult<Vec<Ordered>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ts, id, status, pricing_category, pricing_type, pricing_model, billable,
             conversation_id, conversation_origin, errors, biz_opaque_callback_data
         FROM statuses WHERE message_id = ?1 ORDER BY ts, id",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        let data = json!({
            "status": r.get::<_, String>(2)?,
            "pricing": {
                "category": r.get::<_, Option<String>>(3)?,
                "type": r.get::<_, Option<String>>(4)?,
                "pricing_model": r.get::<_, Option<String>>(5)?,
                "billable": r.get::<_, Option<bool>>(6)?,
            },
            "conversation": {
                "id": r.get::<_, Option<String>>(7)?,
                "origin": r.get::<_, Option<String>>(8)?,
            },
            "errors": r.get::<_, Option<Value>>(9)?,
            "biz_opaque_callback_data": r.get::<_, Option<String>>(10)?,
        });
        let event = MessageEventRecord {
            kind: "status".to_owned(),
            at: ts(r, 0)?,
            by: None,
            event_wamid: None,
            data,
        };
        Ok((r.get(0)?, 1, event))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
