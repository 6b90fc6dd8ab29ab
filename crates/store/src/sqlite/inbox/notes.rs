//! Notes on chats and the notifications they (and assignments) create.

use coexist_core::ids::{ChatId, NoteId, NotificationId, OrgId, UserId};
use coexist_core::page::{Limit, Page};
use coexist_core::store::{
    By, NewNote, NoteRecord, NotificationKind, NotificationRecord, StoreError, UserRef,
};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, Row, params};
use serde_json::json;

use super::events::{About, NOTE_CREATED, NOTIFICATION_CREATED, NOTIFICATION_UPDATED, emit};
use super::users::is_active_user;
use crate::sqlite::cursor;
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::read::contacts::page_end;
use crate::sqlite::read::fetch_size;
use crate::sqlite::rows::{name, opt_ts, ts};

const NOTE_SELECT: &str = "SELECT n.id, n.chat_id, n.author_id, u.name, n.body, n.mentions,
        n.created_at
    FROM notes n LEFT JOIN users u ON u.id = n.author_id";

const NOTIFICATION_SELECT: &str = "SELECT n.id, n.user_id, n.kind, n.chat_id, n.note_id,
        n.by_user_id, u.name, n.created_at, n.read_at
    FROM notifications n LEFT JOIN users u ON u.id = n.by_user_id";

const TAG: &str = "nt";

/// A user and a name column, when the id is not NULL.
fn user_ref(r: &Row<'_>, id: usize, name: usize) -> rusqlite::Result<Option<UserRef>> {
    match r.get::<_, Option<i64>>(id)? {
        Some(id) => Ok(Some(UserRef {
            id: UserId(id),
            name: r.get::<_, Option<String>>(name)?.unwrap_or_default(),
        })),
        None => Ok(None),
    }
}

fn note_row(r: &Row<'_>) -> rusqlite::Result<NoteRecord> {
    let mentions: Vec<UserId> = serde_json::from_str(&r.get::<_, String>(5)?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(NoteRecord {
        id: NoteId(r.get(0)?),
        chat_id: ChatId(r.get(1)?),
        author: user_ref(r, 2, 3)?,
        body: r.get(4)?,
        mentions,
        created_at: ts(r, 6)?,
    })
}

fn notification_row(r: &Row<'_>) -> rusqlite::Result<NotificationRecord> {
    Ok(NotificationRecord {
        id: NotificationId(r.get(0)?),
        user_id: UserId(r.get(1)?),
        kind: name(r, 2)?,
        chat_id: ChatId(r.get(3)?),
        note_id: r.get::<_, Option<i64>>(4)?.map(NoteId),
        by: user_ref(r, 5, 6)?,
        created_at: ts(r, 7)?,
        read_at: opt_ts(r, 8)?,
    })
}

/// A notification to create.
pub(crate) struct Notify {
    pub(crate) kind: NotificationKind,
    pub(crate) user: UserId,
    pub(crate) note: Option<NoteId>,
    pub(crate) by: By,
}

/// Creates a notification and its `notification.created` event (carrying `user_id`).
pub(crate) fn notify(
    conn: &Connection,
    org: OrgId,
    about: About,
    n: &Notify,
    now: Timestamp,
) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO notifications (org_id, user_id, kind, chat_id, note_id, by_user_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        org.0,
        n.user.0,
        n.kind.as_str(),
        about.chat,
        n.note.map(|id| id.0),
        n.by.user().map(|u| u.0),
        now.0
    ])?;
    let id = NotificationId(conn.last_insert_rowid());
    let data = json!({
        "user_id": n.user,
        "notification_id": id,
        "kind": n.kind,
        "note_id": n.note,
    });
    emit(conn, org, NOTIFICATION_CREATED, about, &data, now)
}

/// Adds a note and notifies the users it mentions (except its author).
pub(crate) fn create_note(
    conn: &Connection,
    org: OrgId,
    chat: ChatId,
    note: &NewNote,
    now: Timestamp,
) -> DbResult<NoteRecord> {
    let number: i64 = conn
        .prepare_cached("SELECT number_id FROM chats WHERE id = ?1 AND org_id = ?2")?
        .query_row(params![chat.0, org.0], |r| r.get(0))?;
    let mut mentions = note.mentions.clone();
    mentions.dedup();
    for user in &mentions {
        if !is_active_user(conn, org, *user)? {
            return Err(DbError::invalid(format!(
                "mentions: {user} is not a user of this organization"
            )));
        }
    }
    let (author, token) = match note.author {
        By::User(u) => (Some(u.0), None),
        By::Token(t) => (None, Some(t.0)),
    };
    conn.prepare_cached(
        "INSERT INTO notes (org_id, chat_id, author_id, token_id, body, mentions, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        org.0,
        chat.0,
        author,
        token,
        note.body.as_str(),
        serde_json::to_string(&mentions)?,
        now.0
    ])?;
    let id = NoteId(conn.last_insert_rowid());
    let about = About {
        number: Some(number),
        chat: Some(chat.0),
    };
    let data = json!({ "note_id": id, "author_id": note.author.user() });
    emit(conn, org, NOTE_CREATED, about, &data, now)?;
    for user in mentions
        .into_iter()
        .filter(|u| note.author.user() != Some(*u))
    {
        let n = Notify {
            kind: NotificationKind::Mention,
            user,
            note: Some(id),
            by: note.author,
        };
        notify(conn, org, about, &n, now)?;
    }
    let sql = format!("{NOTE_SELECT} WHERE n.id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id.0], note_row)?)
}

/// A chat's notes, oldest first.
pub(crate) fn list_notes(conn: &Connection, org: OrgId, chat: ChatId) -> DbResult<Vec<NoteRecord>> {
    if !crate::sqlite::read::chats::exists(conn, org, chat)? {
        return Err(DbError(StoreError::NotFound));
    }
    let sql = format!("{NOTE_SELECT} WHERE n.chat_id = ?1 ORDER BY n.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([chat.0], note_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A user's notifications, newest first, by id.
pub(crate) fn list_notifications(
    conn: &Connection,
    org: OrgId,
    user: UserId,
    unread_only: bool,
    limit: Limit,
    after: Option<&str>,
) -> DbResult<Page<NotificationRecord>> {
    let before = match after {
        Some(c) => cursor::decode_exact::<1>(c, TAG)?[0],
        None => i64::MAX,
    };
    let unread = if unread_only {
        " AND n.read_at IS NULL"
    } else {
        ""
    };
    let sql = format!(
        "{NOTIFICATION_SELECT} WHERE n.user_id = ?1 AND n.org_id = ?2 AND n.id < ?3{unread}
         ORDER BY n.id DESC LIMIT ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![user.0, org.0, before, fetch_size(limit)],
        notification_row,
    )?;
    let mut data = rows.collect::<Result<Vec<_>, _>>()?;
    let next_cursor = page_end(&mut data, limit).map(|n| cursor::encode(TAG, &[n.id.0]));
    Ok(Page { data, next_cursor })
}

/// Marks one of the user's notifications read.
pub(crate) fn mark_notification_read(
    conn: &Connection,
    org: OrgId,
    user: UserId,
    id: NotificationId,
    now: Timestamp,
) -> DbResult<NotificationRecord> {
    let sql = format!("{NOTIFICATION_SELECT} WHERE n.id = ?1 AND n.user_id = ?2 AND n.org_id = ?3");
    let before = conn
        .prepare_cached(&sql)?
        .query_row(params![id.0, user.0, org.0], notification_row)?;
    if before.read_at.is_some() {
        return Ok(before);
    }
    conn.prepare_cached("UPDATE notifications SET read_at = ?2 WHERE id = ?1")?
        .execute(params![id.0, now.0])?;
    let about = About {
        number: None,
        chat: Some(before.chat_id.0),
    };
    let data = json!({ "user_id": user, "notification_id": id, "fields": ["read_at"] });
    emit(conn, org, NOTIFICATION_UPDATED, about, &data, now)?;
    Ok(NotificationRecord {
        read_at: Some(now),
        ..before
    })
}
