//! Chats, most recent activity first.
//!
//! Keyset pagination over `(last_message_at, id)` descending, served by the
//! `chats_by_activity` / `chats_by_number_activity` indexes with a row-value comparison. Chats
//! without messages (NULL `last_message_at`) come after all the others, in a second pass by id:
//! the cursor says which pass it is in (`ca`: active, `cn`: no messages).

use coexist_core::ids::{ChatId, ContactId, MessageId, NumberId, OrgId};
use coexist_core::page::{Limit, Page};
use coexist_core::store::{ChatFilter, ChatRecord, ContactSummary, MessagePreview};
use rusqlite::{Connection, Row, params};

use super::contacts::page_end;
use super::fetch_size;
use crate::sqlite::cursor;
use crate::sqlite::error::DbResult;
use crate::sqlite::rows::{name, opt_name, opt_ts, ts};

const ACTIVE: &str = "ca";
const IDLE: &str = "cn";

const SELECT: &str = "SELECT c.id, c.number_id, c.last_message_at, c.unread_count,
        c.last_customer_message_at, c.message_count, c.created_at,
        k.id, k.wa_id, k.user_id, k.name, k.profile_name,
        m.id, m.direction, m.origin, m.kind, m.text, m.status, m.revoked_at,
        c.referral_at
    FROM chats c
    JOIN contacts k ON k.id = c.contact_id
    LEFT JOIN messages m ON m.id = c.last_message_id";

fn chat_row(r: &Row<'_>) -> rusqlite::Result<ChatRecord> {
    let last_message = match r.get::<_, Option<i64>>(12)? {
        Some(id) => Some(MessagePreview {
            id: MessageId(id),
            direction: name(r, 13)?,
            origin: name(r, 14)?,
            kind: r.get(15)?,
            text: r.get(16)?,
            status: opt_name(r, 17)?,
            revoked: r.get::<_, Option<i64>>(18)?.is_some(),
        }),
        None => None,
    };
    Ok(ChatRecord {
        id: ChatId(r.get(0)?),
        number_id: NumberId(r.get(1)?),
        contact: ContactSummary {
            id: ContactId(r.get(7)?),
            wa_id: r.get(8)?,
            user_id: r.get(9)?,
            name: r.get(10)?,
            profile_name: r.get(11)?,
        },
        last_message_at: opt_ts(r, 2)?,
        last_message,
        unread_count: r.get(3)?,
        last_customer_message_at: opt_ts(r, 4)?,
        referral_at: opt_ts(r, 19)?,
        message_count: r.get(5)?,
        created_at: ts(r, 6)?,
    })
}

/// Where a page starts.
enum Start {
    /// Among chats with messages, after (last_message_at, id).
    Active(i64, i64),
    /// Among chats without messages, after id (descending).
    Idle(i64),
}

fn start(after: Option<&str>) -> DbResult<Start> {
    let Some(c) = after else {
        return Ok(Start::Active(i64::MAX, i64::MAX));
    };
    match cursor::decode(c, &[ACTIVE, IDLE])? {
        (ACTIVE, v) if v.len() == 2 => Ok(Start::Active(v[0], v[1])),
        (IDLE, v) if v.len() == 1 => Ok(Start::Idle(v[0])),
        _ => Err(crate::sqlite::error::DbError::invalid(format!(
            "cursor {c:?} is not valid for this list"
        ))),
    }
}

/// Which chats: `?1` is the number when filtering by number (its own index serves it, the org
/// is then checked row by row), else the organization; `?2` is always the organization.
fn scope(by_number: bool) -> &'static str {
    if by_number {
        "c.number_id = ?1 AND c.org_id = ?2"
    } else {
        // ?2 = ?2 keeps the parameter numbering of both variants the same.
        "c.org_id = ?1 AND ?2 = ?2"
    }
}

/// Chats with messages after the keyset (?3, ?4), at most ?5.
pub(crate) fn active_sql(by_number: bool) -> String {
    format!(
        "{SELECT} WHERE {} AND (c.last_message_at, c.id) < (?3, ?4)
         ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?5",
        scope(by_number)
    )
}

/// Chats without messages with an id below ?3, at most ?4.
pub(crate) fn idle_sql(by_number: bool) -> String {
    format!(
        "{SELECT} WHERE {} AND c.last_message_at IS NULL AND c.id < ?3
         ORDER BY c.id DESC LIMIT ?4",
        scope(by_number)
    )
}

/// One page of `org`'s chats.
pub(crate) fn list(
    conn: &Connection,
    org: OrgId,
    filter: &ChatFilter,
    limit: Limit,
    after: Option<&str>,
) -> DbResult<Page<ChatRecord>> {
    let want = fetch_size(limit);
    let by_number = filter.number_id.is_some();
    let key = filter.number_id.map_or(org.0, |n| n.0);
    let mut data = Vec::new();
    let idle_after = match start(after)? {
        Start::Active(at, id) => {
            let mut stmt = conn.prepare_cached(&active_sql(by_number))?;
            let rows = stmt.query_map(params![key, org.0, at, id, want], chat_row)?;
            data = rows.collect::<Result<Vec<_>, _>>()?;
            i64::MAX
        }
        Start::Idle(id) => id,
    };
    let missing = want - i64::try_from(data.len()).unwrap_or(want);
    if missing > 0 {
        let mut stmt = conn.prepare_cached(&idle_sql(by_number))?;
        let rows = stmt.query_map(params![key, org.0, idle_after, missing], chat_row)?;
        for row in rows {
            data.push(row?);
        }
    }
    let next_cursor = page_end(&mut data, limit).map(|c| match c.last_message_at {
        Some(at) => cursor::encode(ACTIVE, &[at.0, c.id.0]),
        None => cursor::encode(IDLE, &[c.id.0]),
    });
    Ok(Page { data, next_cursor })
}

/// One chat of `org`.
pub(crate) fn get(conn: &Connection, org: OrgId, id: ChatId) -> DbResult<ChatRecord> {
    let sql = format!("{SELECT} WHERE c.id = ?1 AND c.org_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id.0, org.0], chat_row)?)
}

/// Whether chat `id` exists in `org`.
pub(crate) fn exists(conn: &Connection, org: OrgId, id: ChatId) -> DbResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM chats WHERE id = ?1 AND org_id = ?2")?
        .exists(params![id.0, org.0])?)
}
