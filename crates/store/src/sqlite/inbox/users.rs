//! Organizations, users and failed sign-ins.

use coexist_core::ids::{OrgId, UserId};
use coexist_core::inbox::Email;
use coexist_core::store::{NewUser, OrgRecord, StoreError, UserLogin, UserRecord};
use coexist_core::time::{DAY_MS, Timestamp};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::{name, ts};

/// The columns [`user_row`] reads, from `users u`.
pub(crate) const USER_COLUMNS: &str = "u.id, u.org_id, u.email, u.name, u.role, u.created_at";

/// Failed sign-ins older than this are forgotten.
const FAILURE_RETENTION_MS: i64 = DAY_MS;

/// A user from [`USER_COLUMNS`] starting at column `at`.
pub(crate) fn user_row(r: &Row<'_>, at: usize) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        id: UserId(r.get(at)?),
        org_id: OrgId(r.get(at + 1)?),
        email: r.get(at + 2)?,
        name: r.get(at + 3)?,
        role: name(r, at + 4)?,
        created_at: ts(r, at + 5)?,
    })
}

/// The organization.
pub(crate) fn get_org(conn: &Connection, org: OrgId) -> DbResult<OrgRecord> {
    Ok(conn
        .prepare_cached("SELECT id, name, created_at FROM orgs WHERE id = ?1")?
        .query_row([org.0], |r| {
            Ok(OrgRecord {
                id: OrgId(r.get(0)?),
                name: r.get(1)?,
                created_at: ts(r, 2)?,
            })
        })?)
}

/// Creates a user; the email must be free in the whole deployment.
pub(crate) fn create_user(
    conn: &Connection,
    org: OrgId,
    user: &NewUser,
    now: Timestamp,
) -> DbResult<UserRecord> {
    if get_org(conn, org).is_err() {
        return Err(DbError::invalid(format!(
            "organization {org} does not exist"
        )));
    }
    let inserted = conn
        .prepare_cached(
            "INSERT INTO users (org_id, email, name, role, password_hash, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (email) DO NOTHING",
        )?
        .execute(params![
            org.0,
            user.email.as_str(),
            user.name.as_str(),
            user.role.as_str(),
            user.password_hash,
            now.0
        ])?;
    if inserted == 0 {
        return Err(DbError(StoreError::Conflict(format!(
            "a user with email {} already exists",
            user.email
        ))));
    }
    get_user(conn, org, UserId(conn.last_insert_rowid()))
}

/// The organization's enabled users, by name.
pub(crate) fn list_users(conn: &Connection, org: OrgId) -> DbResult<Vec<UserRecord>> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.org_id = ?1 AND u.disabled_at IS NULL
         ORDER BY u.name, u.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([org.0], |r| user_row(r, 0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One user of the organization (disabled ones too: their name still labels their work).
pub(crate) fn get_user(conn: &Connection, org: OrgId, id: UserId) -> DbResult<UserRecord> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1 AND u.org_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id.0, org.0], |r| user_row(r, 0))?)
}

/// Whether `id` is an enabled user of the organization (one who can be assigned or mentioned).
pub(crate) fn is_active_user(conn: &Connection, org: OrgId, id: UserId) -> DbResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM users WHERE id = ?1 AND org_id = ?2 AND disabled_at IS NULL",
        )?
        .exists(params![id.0, org.0])?)
}

/// The enabled user with this email, and their password hash.
pub(crate) fn find_login(conn: &Connection, email: &Email) -> DbResult<Option<UserLogin>> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, u.password_hash FROM users u
         WHERE u.email = ?1 AND u.disabled_at IS NULL"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([email.as_str()], |r| {
            Ok(UserLogin {
                user: user_row(r, 0)?,
                password_hash: r.get(6)?,
            })
        })
        .optional()?)
}

/// Replaces a user's password hash.
pub(crate) fn set_password_hash(
    conn: &Connection,
    org: OrgId,
    user: UserId,
    hash: &str,
    now: Timestamp,
) -> DbResult<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE users SET password_hash = ?3, updated_at = ?4 WHERE id = ?1 AND org_id = ?2",
        )?
        .execute(params![user.0, org.0, hash, now.0])?;
    if changed == 0 {
        return Err(DbError(StoreError::NotFound));
    }
    Ok(())
}

/// Records a failed sign-in, and forgets this email's failures older than a day.
pub(crate) fn record_login_failure(
    conn: &Connection,
    email: &Email,
    now: Timestamp,
) -> DbResult<()> {
    conn.prepare_cached("DELETE FROM login_failures WHERE email = ?1 AND at < ?2")?
        .execute(params![email.as_str(), now.0 - FAILURE_RETENTION_MS])?;
    conn.prepare_cached("INSERT INTO login_failures (email, at) VALUES (?1, ?2)")?
        .execute(params![email.as_str(), now.0])?;
    Ok(())
}

/// Failed sign-ins of `email` at or after `since`.
pub(crate) fn login_failures_since(
    conn: &Connection,
    email: &Email,
    since: Timestamp,
) -> DbResult<u32> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM login_failures WHERE email = ?1 AND at >= ?2")?
        .query_row(params![email.as_str(), since.0], |r| r.get(0))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Forgets the failed sign-ins of `email`.
pub(crate) fn clear_login_failures(conn: &Connection, email: &Email) -> DbResult<()> {
    conn.prepare_cached("DELETE FROM login_failures WHERE email = ?1")?
        .execute([email.as_str()])?;
    Ok(())
}
