//! Agents' changes to a chat (assign, resolve, reopen, snooze, labels), reading a chat, and the
//! labels in use. The rules are core's (`InboxState::apply`); this file loads the state, writes
//! the result, logs the inbox event and emits `chat.updated` with the changed fields.

use coexist_core::ids::{ChatId, MessageId, OrgId, UserId};
use coexist_core::inbox::{ChatChange, InboxState, Label};
use coexist_core::store::{By, ChatRead, ChatRecord, LabelCount, NotificationKind, WokenChat};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::events::{About, CHAT_UPDATED, emit};
use super::notes::{Notify, notify};
use super::users::is_active_user;
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::read;
use crate::sqlite::rows::{name, opt_ts};

/// A chat's number and inbox state.
struct Loaded {
    number: i64,
    state: InboxState,
}

fn load(conn: &Connection, org: OrgId, chat: ChatId) -> DbResult<Loaded> {
    let (number, status, snoozed_until, assignee) = conn
        .prepare_cached(
            "SELECT number_id, status, snoozed_until, assignee_id FROM chats
             WHERE id = ?1 AND org_id = ?2",
        )?
        .query_row(params![chat.0, org.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                name(r, 1)?,
                opt_ts(r, 2)?,
                r.get::<_, Option<i64>>(3)?.map(UserId),
            ))
        })?;
    let mut stmt = conn.prepare_cached("SELECT label FROM chat_labels WHERE chat_id = ?1")?;
    let labels = stmt
        .query_map([chat.0], |r| r.get::<_, String>(0))?
        .map(|l| Label::parse(&l?).map_err(DbError::corrupt))
        .collect::<DbResult<Vec<_>>>()?;
    Ok(Loaded {
        number,
        state: InboxState {
            status,
            snoozed_until,
            assignee,
            labels,
        },
    })
}

/// The `by` columns of an inbox event (neither for what the hub did by itself).
fn by_columns(by: Option<By>) -> (Option<i64>, Option<i64>) {
    match by {
        Some(By::User(u)) => (Some(u.0), None),
        Some(By::Token(t)) => (None, Some(t.0)),
        None => (None, None),
    }
}

/// Logs one inbox event of a chat; `by` is `None` for what the hub did by itself.
fn log(
    conn: &Connection,
    org: OrgId,
    chat: ChatId,
    kind: &str,
    by: Option<By>,
    data: &Value,
    now: Timestamp,
) -> DbResult<()> {
    let (user, token) = by_columns(by);
    conn.prepare_cached(
        "INSERT INTO chat_activity (org_id, chat_id, kind, by_user_id, by_token_id, data, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        org.0,
        chat.0,
        kind,
        user,
        token,
        data.to_string(),
        now.0
    ])?;
    Ok(())
}

/// The inbox log's name for a change, with its details.
fn activity(change: &ChatChange) -> (&'static str, Value) {
    match change {
        ChatChange::Assign(Some(user)) => ("assigned", json!({ "user_id": user })),
        ChatChange::Assign(None) => ("unassigned", json!({})),
        ChatChange::Resolve => ("resolved", json!({})),
        ChatChange::Reopen => ("reopened", json!({})),
        ChatChange::Snooze { until } => ("snoozed", json!({ "until": until })),
        ChatChange::SetLabels(labels) => ("labels", json!({ "labels": labels })),
    }
}

/// Applies an agent's change (see `InboxStore::change_chat`).
pub(crate) fn change_chat(
    conn: &Connection,
    org: OrgId,
    chat: ChatId,
    change: &ChatChange,
    by: By,
    now: Timestamp,
) -> DbResult<ChatRecord> {
    let loaded = load(conn, org, chat)?;
    if let ChatChange::Assign(Some(user)) = change
        && !is_active_user(conn, org, *user)?
    {
        return Err(DbError::invalid(format!(
            "user_id: {user} is not a user of this organization"
        )));
    }
    let update = loaded
        .state
        .apply(change, now)
        .map_err(|e| DbError::invalid(e.to_string()))?;
    if !update.changed() {
        return read::chats::get(conn, org, chat);
    }
    let s = &update.state;
    conn.prepare_cached(
        "UPDATE chats SET status = ?2, snoozed_until = ?3, assignee_id = ?4,
             assigned_at = CASE WHEN ?5 THEN ?7 ELSE assigned_at END,
             resolved_at = CASE WHEN ?6 THEN ?7 ELSE resolved_at END,
             updated_at = ?7
         WHERE id = ?1",
    )?
    .execute(params![
        chat.0,
        s.status.as_str(),
        s.snoozed_until.map(|t| t.0),
        s.assignee.map(|u| u.0),
        update.assigned(),
        update.resolved(),
        now.0
    ])?;
    if update.fields.contains(&"labels") {
        write_labels(conn, org, chat, &s.labels, now)?;
    }
    let (kind, data) = activity(change);
    log(conn, org, chat, kind, Some(by), &data, now)?;
    let about = About {
        number: Some(loaded.number),
        chat: Some(chat.0),
    };
    if let Some(assignee) = s.assignee
        && update.assigned()
        && by.user() != Some(assignee)
    {
        let n = Notify {
            kind: NotificationKind::Assigned,
            user: assignee,
            note: None,
            by,
        };
        notify(conn, org, about, &n, now)?;
    }
    let data = json!({ "fields": update.fields, "by": by.user() });
    emit(conn, org, CHAT_UPDATED, about, &data, now)?;
    read::chats::get(conn, org, chat)
}

/// Stores the end of the snoozes due at `now` (see `InboxStore::wake_snoozed_chats`).
pub(crate) fn wake_snoozed(
    conn: &Connection,
    now: Timestamp,
    limit: u32,
) -> DbResult<Vec<WokenChat>> {
    // The partial index chats_snoozed holds exactly the snoozed chats, earliest end first.
    let due: Vec<(OrgId, ChatId)> = conn
        .prepare_cached(
            "SELECT org_id, id FROM chats
             WHERE status = 'snoozed' AND snoozed_until <= ?1
             ORDER BY snoozed_until, id LIMIT ?2",
        )?
        .query_map(params![now.0, limit], |r| {
            Ok((OrgId(r.get(0)?), ChatId(r.get(1)?)))
        })?
        .collect::<Result<_, _>>()?;
    let mut woken = Vec::with_capacity(due.len());
    for (org, chat) in due {
        let loaded = load(conn, org, chat)?;
        let Some(update) = loaded.state.wake(now) else {
            continue;
        };
        let snoozed_until = loaded.state.snoozed_until.unwrap_or(now);
        conn.prepare_cached(
            "UPDATE chats SET status = ?2, snoozed_until = NULL, updated_at = ?3 WHERE id = ?1",
        )?
        .execute(params![chat.0, update.state.status.as_str(), now.0])?;
        let data = json!({ "snoozed_until": snoozed_until });
        log(conn, org, chat, "woke", None, &data, now)?;
        let about = About {
            number: Some(loaded.number),
            chat: Some(chat.0),
        };
        let data = json!({ "fields": update.fields, "by": None::<UserId> });
        emit(conn, org, CHAT_UPDATED, about, &data, now)?;
        woken.push(WokenChat {
            org,
            chat,
            snoozed_until,
        });
    }
    Ok(woken)
}

fn write_labels(
    conn: &Connection,
    org: OrgId,
    chat: ChatId,
    labels: &[Label],
    now: Timestamp,
) -> DbResult<()> {
    conn.prepare_cached("DELETE FROM chat_labels WHERE chat_id = ?1")?
        .execute([chat.0])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO chat_labels (chat_id, label, org_id, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for label in labels {
        insert.execute(params![chat.0, label.as_str(), org.0, now.0])?;
    }
    Ok(())
}

/// Marks the chat's unread live customer messages `read` and its unread count 0.
pub(crate) fn mark_read(
    conn: &Connection,
    org: OrgId,
    chat: ChatId,
    by: By,
    now: Timestamp,
) -> DbResult<ChatRead> {
    let (number, unread): (i64, i64) = conn
        .prepare_cached("SELECT number_id, unread_count FROM chats WHERE id = ?1 AND org_id = ?2")?
        .query_row(params![chat.0, org.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
    // The partial index messages_unread holds exactly these rows.
    let marked = conn
        .prepare_cached(
            "UPDATE messages SET status = 'read', status_at = ?2
             WHERE chat_id = ?1 AND origin = 'customer' AND status IS NULL",
        )?
        .execute(params![chat.0, now.0])?;
    if marked > 0 || unread != 0 {
        conn.prepare_cached(
            "UPDATE chats SET unread_count = 0, last_read_at = ?2, updated_at = ?2 WHERE id = ?1",
        )?
        .execute(params![chat.0, now.0])?;
        log(
            conn,
            org,
            chat,
            "read",
            Some(by),
            &json!({ "marked": marked }),
            now,
        )?;
        let about = About {
            number: Some(number),
            chat: Some(chat.0),
        };
        let data = json!({ "fields": ["unread_count"], "by": by.user() });
        emit(conn, org, CHAT_UPDATED, about, &data, now)?;
    }
    let newest = conn
        .prepare_cached(
            "SELECT id, wamid FROM messages WHERE chat_id = ?1 AND origin = 'customer'
             ORDER BY ts DESC, id DESC LIMIT 1",
        )?
        .query_row([chat.0], |r| Ok((MessageId(r.get(0)?), r.get(1)?)))
        .optional()?;
    Ok(ChatRead {
        chat: read::chats::get(conn, org, chat)?,
        marked: u64::try_from(marked).unwrap_or(u64::MAX),
        newest_customer_message: newest,
    })
}

/// The labels in use, by label, with how many chats carry each.
pub(crate) fn labels(conn: &Connection, org: OrgId) -> DbResult<Vec<LabelCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT label, count(*) FROM chat_labels WHERE org_id = ?1 GROUP BY label ORDER BY label",
    )?;
    let rows = stmt.query_map([org.0], |r| {
        Ok(LabelCount {
            label: r.get(0)?,
            count: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
