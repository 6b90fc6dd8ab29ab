//! Chats, most recent activity first, with the inbox filters (assignee, status, label, number).
//!
//! Keyset pagination over `(last_message_at, id)` descending. Chats without messages (NULL
//! `last_message_at`) come after all the others, in a second pass by id: the cursor says which
//! pass it is in (`ca`: active, `cn`: no messages).
//!
//! Every page must be an index range scan in list order, never a scan-then-sort (see
//! `plans.rs`). A filter is therefore split into **legs**, each one range of an index:
//! - no filter, or only a number: `chats_by_activity` / `chats_by_number_activity`;
//! - a status: `chats_by_status` (org, status, activity). `open` is two legs, because a snoozed
//!   chat whose time has passed is open: the `open` range and the `snoozed` range filtered on
//!   `snoozed_until <= now`;
//! - an assignee (mine / unassigned): `chats_by_assignee` (org, assignee, status, activity), one
//!   leg per status when no status is asked for.
//!
//! Each leg reads at most one page from the cursor on; the legs' rows are merged in list order
//! and cut to the page. A label is checked per row (`chat_labels` primary key).

use coexist_core::ids::{ChatId, ContactId, MessageId, NumberId, OrgId, UserId};
use coexist_core::inbox::InboxStatus;
use coexist_core::page::{Limit, Page};
use coexist_core::store::{
    AssigneeFilter, ChatFilter, ChatRecord, ContactSummary, MessagePreview, UserRef,
};
use rusqlite::types::{ToSql, Value as SqlValue};
use rusqlite::{Connection, Row, params};

use super::contacts::page_end;
use super::fetch_size;
use crate::sqlite::cursor;
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::{name, opt_name, opt_ts, ts};

const ACTIVE: &str = "ca";
const IDLE: &str = "cn";

pub(crate) const SELECT: &str = "SELECT c.id, c.number_id, c.last_message_at, c.unread_count,
        c.last_customer_message_at, c.message_count, c.created_at,
        k.id, k.wa_id, k.user_id, k.name, k.profile_name,
        m.id, m.direction, m.origin, m.kind, m.text, m.status, m.revoked_at,
        c.referral_at, c.status, c.snoozed_until, c.assigned_at, c.resolved_at, u.id, u.name,
        (SELECT json_group_array(l.label) FROM chat_labels l WHERE l.chat_id = c.id)
    FROM chats c
    JOIN contacts k ON k.id = c.contact_id
    LEFT JOIN messages m ON m.id = c.last_message_id
    LEFT JOIN users u ON u.id = c.assignee_id";

pub(crate) fn chat_row(r: &Row<'_>) -> rusqlite::Result<ChatRecord> {
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
    let assignee = match r.get::<_, Option<i64>>(24)? {
        Some(id) => Some(UserRef {
            id: UserId(id),
            name: r.get(25)?,
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
        status: name(r, 20)?,
        assignee,
        labels: labels(r, 26)?,
        snoozed_until: opt_ts(r, 21)?,
        assigned_at: opt_ts(r, 22)?,
        resolved_at: opt_ts(r, 23)?,
    })
}

/// The JSON array of a chat's labels, sorted.
fn labels(r: &Row<'_>, i: usize) -> rusqlite::Result<Vec<String>> {
    let mut labels: Vec<String> = match r.get::<_, Option<String>>(i)? {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })?,
        None => Vec::new(),
    };
    labels.sort();
    Ok(labels)
}

/// Where a page starts.
#[derive(Debug, Clone, Copy)]
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
        _ => Err(DbError::invalid(format!(
            "cursor {c:?} is not valid for this list"
        ))),
    }
}

/// One index range of a filtered list: its `WHERE` conditions (before the keyset) and their
/// named parameters.
#[derive(Debug, Clone)]
pub(crate) struct Leg {
    conditions: Vec<String>,
    args: Vec<(&'static str, SqlValue)>,
}

impl Leg {
    fn and(&mut self, condition: impl Into<String>) {
        self.conditions.push(condition.into());
    }

    fn arg(&mut self, name: &'static str, value: SqlValue) {
        if !self.args.iter().any(|(n, _)| *n == name) {
            self.args.push((name, value));
        }
    }

    /// Chats with messages after the keyset (:at, :id), at most :limit.
    pub(crate) fn active_sql(&self) -> String {
        format!(
            "{SELECT} WHERE {} AND (c.last_message_at, c.id) < (:at, :id)
             ORDER BY c.last_message_at DESC, c.id DESC LIMIT :limit",
            self.conditions.join(" AND ")
        )
    }

    /// Chats without messages with an id below :id, at most :limit.
    pub(crate) fn idle_sql(&self) -> String {
        format!(
            "{SELECT} WHERE {} AND c.last_message_at IS NULL AND c.id < :id
             ORDER BY c.id DESC LIMIT :limit",
            self.conditions.join(" AND ")
        )
    }

    fn run(
        &self,
        conn: &Connection,
        sql: &str,
        keyset: &[(&'static str, i64)],
    ) -> DbResult<Vec<ChatRecord>> {
        let mut args: Vec<(&str, &dyn ToSql)> = self
            .args
            .iter()
            .map(|(n, v)| (*n, v as &dyn ToSql))
            .collect();
        args.extend(keyset.iter().map(|(n, v)| (*n, v as &dyn ToSql)));
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(args.as_slice(), chat_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Up to `want` chats of this leg from `start` on, in list order.
    fn page(&self, conn: &Connection, start: Start, want: i64) -> DbResult<Vec<ChatRecord>> {
        let (mut data, idle_after) = match start {
            Start::Active(at, id) => {
                let keyset = [(":at", at), (":id", id), (":limit", want)];
                (self.run(conn, &self.active_sql(), &keyset)?, i64::MAX)
            }
            Start::Idle(id) => (Vec::new(), id),
        };
        let missing = want - i64::try_from(data.len()).unwrap_or(want);
        if missing > 0 {
            let keyset = [(":id", idle_after), (":limit", missing)];
            data.extend(self.run(conn, &self.idle_sql(), &keyset)?);
        }
        Ok(data)
    }
}

/// The legs of `filter` for `org` (see the module docs).
pub(crate) fn legs(org: OrgId, filter: &ChatFilter) -> Vec<Leg> {
    let mut base = Leg {
        conditions: Vec::new(),
        args: vec![(":org", SqlValue::Integer(org.0))],
    };
    // With a status or an assignee, the number is checked row by row on their index (the
    // unary `+` keeps the planner off chats_by_number_activity, which would have to read and
    // drop every closed chat of the number to find a page of open ones).
    let inbox_filtered = filter.status.is_some() || filter.assignee.is_some();
    match (filter.number_id, inbox_filtered) {
        (Some(_), false) => base.and("c.number_id = :number AND c.org_id = :org"),
        (Some(_), true) => base.and("+c.number_id = :number AND c.org_id = :org"),
        (None, _) => base.and("c.org_id = :org"),
    }
    if let Some(number) = filter.number_id {
        base.arg(":number", SqlValue::Integer(number.0));
    }
    match filter.assignee {
        Some(AssigneeFilter::User(user)) => {
            base.and("c.assignee_id = :assignee");
            base.arg(":assignee", SqlValue::Integer(user.0));
        }
        Some(AssigneeFilter::Nobody) => base.and("c.assignee_id IS NULL"),
        None => {}
    }
    if let Some(label) = &filter.label {
        base.and(
            "EXISTS (SELECT 1 FROM chat_labels l WHERE l.chat_id = c.id AND l.label = :label)",
        );
        base.arg(":label", SqlValue::Text(label.clone()));
    }
    // No clock: without `now`, every snooze counts as running.
    let now = filter.now.map_or(i64::MIN, |t| t.0);
    let status_legs: Vec<String> = match (filter.status, filter.assignee) {
        (Some(InboxStatus::Open), _) => vec![
            "c.status = 'open'".to_owned(),
            "c.status = 'snoozed' AND c.snoozed_until <= :now".to_owned(),
        ],
        (Some(InboxStatus::Snoozed), _) => {
            vec![
                "c.status = 'snoozed' AND (c.snoozed_until IS NULL OR c.snoozed_until > :now)"
                    .to_owned(),
            ]
        }
        (Some(status), _) => vec![format!("c.status = '{}'", status.as_str())],
        (None, Some(_)) => InboxStatus::ALL
            .iter()
            .map(|s| format!("c.status = '{}'", s.as_str()))
            .collect(),
        (None, None) => return vec![base],
    };
    status_legs
        .into_iter()
        .map(|condition| {
            let mut leg = base.clone();
            if condition.contains(":now") {
                leg.arg(":now", SqlValue::Integer(now));
            }
            leg.and(condition);
            leg
        })
        .collect()
}

/// List order: chats with messages first, newest activity first, then the others by id, both
/// descending by id on ties.
fn order_key(c: &ChatRecord) -> (bool, i64, i64) {
    (
        c.last_message_at.is_some(),
        c.last_message_at.map_or(0, |t| t.0),
        c.id.0,
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
    let start = start(after)?;
    let legs = legs(org, filter);
    let mut data = Vec::new();
    for leg in &legs {
        data.extend(leg.page(conn, start, want)?);
    }
    if legs.len() > 1 {
        data.sort_by_key(|c| std::cmp::Reverse(order_key(c)));
        data.truncate(usize::try_from(want).unwrap_or(usize::MAX));
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
