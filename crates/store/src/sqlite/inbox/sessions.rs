//! Signed-in sessions: stored by the SHA-256 of the cookie secret, ended on sign-out.

use coexist_core::ids::{OrgId, SessionId, UserId};
use coexist_core::store::{NewSession, SessionRecord};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::users::{USER_COLUMNS, is_active_user, user_row};
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::ts;

fn session_sql(condition: &str) -> String {
    format!(
        "SELECT s.id, s.created_at, s.last_seen_at, s.expires_at, {USER_COLUMNS}
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE {condition} AND s.ended_at IS NULL AND u.disabled_at IS NULL"
    )
}

fn session_row(r: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id: SessionId(r.get(0)?),
        created_at: ts(r, 1)?,
        last_seen_at: ts(r, 2)?,
        expires_at: ts(r, 3)?,
        user: user_row(r, 4)?,
    })
}

/// Stores a session of an enabled user of `org`.
pub(crate) fn create_session(
    conn: &Connection,
    org: OrgId,
    session: &NewSession,
    now: Timestamp,
) -> DbResult<SessionRecord> {
    if !is_active_user(conn, org, session.user)? {
        return Err(DbError::invalid(format!(
            "user {} is not an enabled user of organization {org}",
            session.user
        )));
    }
    conn.prepare_cached(
        "INSERT INTO sessions (org_id, user_id, hash, created_at, last_seen_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
    )?
    .execute(params![
        org.0,
        session.user.0,
        &session.hash[..],
        now.0,
        session.expires_at.0
    ])?;
    let id = conn.last_insert_rowid();
    Ok(conn
        .prepare_cached(&session_sql("s.id = ?1"))?
        .query_row([id], session_row)?)
}

/// The live session with this hash.
pub(crate) fn find_session(conn: &Connection, hash: &[u8; 32]) -> DbResult<Option<SessionRecord>> {
    Ok(conn
        .prepare_cached(&session_sql("s.hash = ?1"))?
        .query_row([&hash[..]], session_row)
        .optional()?)
}

/// Moves a session's last-seen time forward.
pub(crate) fn touch_session(conn: &Connection, id: SessionId, now: Timestamp) -> DbResult<()> {
    conn.prepare_cached("UPDATE sessions SET last_seen_at = max(last_seen_at, ?2) WHERE id = ?1")?
        .execute(params![id.0, now.0])?;
    Ok(())
}

/// Ends one session.
pub(crate) fn end_session(conn: &Connection, id: SessionId, now: Timestamp) -> DbResult<()> {
    conn.prepare_cached("UPDATE sessions SET ended_at = coalesce(ended_at, ?2) WHERE id = ?1")?
        .execute(params![id.0, now.0])?;
    Ok(())
}

/// Ends every live session of a user of `org`; how many there were.
pub(crate) fn end_user_sessions(
    conn: &Connection,
    org: OrgId,
    user: UserId,
    now: Timestamp,
) -> DbResult<u64> {
    let ended = conn
        .prepare_cached(
            "UPDATE sessions SET ended_at = ?3
             WHERE user_id = ?1 AND org_id = ?2 AND ended_at IS NULL",
        )?
        .execute(params![user.0, org.0, now.0])?;
    Ok(u64::try_from(ended).unwrap_or(u64::MAX))
}
