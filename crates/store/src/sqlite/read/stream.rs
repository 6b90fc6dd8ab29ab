//! The change stream, webhook errors and API tokens.

use coexist_core::ids::{ChatId, MessageId, NumberId, OrgId, Position, TokenId};
use coexist_core::page::Limit;
use coexist_core::store::{
    ApiTokenRecord, MessageError, StreamEvent, UnparsedChangeRecord, WebhookErrorRecord,
};
use rusqlite::{Connection, OptionalExtension, params};

use crate::sqlite::error::DbResult;
use crate::sqlite::rows::ts;

/// `org`'s events after `after`, oldest first.
pub(crate) fn since(
    conn: &Connection,
    org: OrgId,
    after: Position,
    limit: Limit,
) -> DbResult<Vec<StreamEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT position, kind, at, number_id, chat_id, message_id, data FROM events
         WHERE org_id = ?1 AND position > ?2 ORDER BY position LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![org.0, after.0, limit.get()], |r| {
        Ok(StreamEvent {
            position: Position(r.get(0)?),
            kind: r.get(1)?,
            at: ts(r, 2)?,
            number_id: r.get::<_, Option<i64>>(3)?.map(NumberId),
            chat_id: r.get::<_, Option<i64>>(4)?.map(ChatId),
            message_id: r.get::<_, Option<i64>>(5)?.map(MessageId),
            data: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The newest position of any organization.
pub(crate) fn head(conn: &Connection) -> DbResult<Position> {
    Ok(crate::sqlite::writer::head(conn)?)
}

/// `org`'s value-level errors, newest first.
pub(crate) fn webhook_errors(
    conn: &Connection,
    org: OrgId,
    limit: Limit,
) -> DbResult<Vec<WebhookErrorRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number_id, field, code, title, details, received_at FROM webhook_errors
         WHERE org_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![org.0, limit.get()], |r| {
        Ok(WebhookErrorRecord {
            number_id: r.get::<_, Option<i64>>(0)?.map(NumberId),
            field: r.get(1)?,
            error: MessageError {
                code: r.get(2)?,
                title: r.get(3)?,
                details: r.get(4)?,
            },
            received_at: ts(r, 5)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// `org`'s changes that could not be typed, newest first.
pub(crate) fn unparsed_changes(
    conn: &Connection,
    org: OrgId,
    limit: Limit,
) -> DbResult<Vec<UnparsedChangeRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number_id, field, reason, raw, received_at FROM unparsed_changes
         WHERE org_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![org.0, limit.get()], |r| {
        let raw: String = r.get(3)?;
        Ok(UnparsedChangeRecord {
            number_id: r.get::<_, Option<i64>>(0)?.map(NumberId),
            field: r.get(1)?,
            reason: r.get(2)?,
            // Written from a JSON value; a row that somehow is not JSON is shown as a string
            // rather than hiding the whole list.
            raw: serde_json::from_str(&raw).unwrap_or(serde_json::Value::String(raw)),
            received_at: ts(r, 4)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The live token with this hash.
pub(crate) fn token(conn: &Connection, hash: &[u8; 32]) -> DbResult<Option<ApiTokenRecord>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, org_id, name, role, created_at FROM api_tokens
             WHERE hash = ?1 AND revoked_at IS NULL",
        )?
        .query_row([&hash[..]], |r| {
            Ok(ApiTokenRecord {
                id: TokenId(r.get(0)?),
                org_id: OrgId(r.get(1)?),
                name: r.get(2)?,
                role: r.get(3)?,
                created_at: ts(r, 4)?,
            })
        })
        .optional()?)
}
