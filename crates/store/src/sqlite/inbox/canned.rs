//! Canned responses: saved replies shared by an organization, unique by shortcut.

use coexist_core::ids::{CannedResponseId, OrgId};
use coexist_core::store::{CannedResponseRecord, NewCannedResponse, StoreError};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, Row, params};

use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::ts;

const SELECT: &str = "SELECT id, shortcut, body, created_at, updated_at FROM canned_responses";

fn row(r: &Row<'_>) -> rusqlite::Result<CannedResponseRecord> {
    Ok(CannedResponseRecord {
        id: CannedResponseId(r.get(0)?),
        shortcut: r.get(1)?,
        body: r.get(2)?,
        created_at: ts(r, 3)?,
        updated_at: ts(r, 4)?,
    })
}

fn get(conn: &Connection, org: OrgId, id: CannedResponseId) -> DbResult<CannedResponseRecord> {
    let sql = format!("{SELECT} WHERE id = ?1 AND org_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id.0, org.0], row)?)
}

fn taken(canned: &NewCannedResponse) -> DbError {
    DbError(StoreError::Conflict(format!(
        "shortcut {:?} is already used by another canned response",
        canned.shortcut.as_str()
    )))
}

fn shortcut_taken(
    conn: &Connection,
    org: OrgId,
    canned: &NewCannedResponse,
    except: Option<CannedResponseId>,
) -> DbResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM canned_responses WHERE org_id = ?1 AND shortcut = ?2 AND id != ?3",
        )?
        .exists(params![
            org.0,
            canned.shortcut.as_str(),
            except.map_or(0, |id| id.0)
        ])?)
}

/// The organization's canned responses, by shortcut.
pub(crate) fn list(conn: &Connection, org: OrgId) -> DbResult<Vec<CannedResponseRecord>> {
    let sql = format!("{SELECT} WHERE org_id = ?1 ORDER BY shortcut");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([org.0], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds one; `Conflict` if the shortcut is taken.
pub(crate) fn create(
    conn: &Connection,
    org: OrgId,
    canned: &NewCannedResponse,
    now: Timestamp,
) -> DbResult<CannedResponseRecord> {
    if shortcut_taken(conn, org, canned, None)? {
        return Err(taken(canned));
    }
    conn.prepare_cached(
        "INSERT INTO canned_responses (org_id, shortcut, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![
        org.0,
        canned.shortcut.as_str(),
        canned.body.as_str(),
        now.0
    ])?;
    get(conn, org, CannedResponseId(conn.last_insert_rowid()))
}

/// Replaces one; `NotFound` if missing, `Conflict` if the new shortcut is another's.
pub(crate) fn update(
    conn: &Connection,
    org: OrgId,
    id: CannedResponseId,
    canned: &NewCannedResponse,
    now: Timestamp,
) -> DbResult<CannedResponseRecord> {
    get(conn, org, id)?;
    if shortcut_taken(conn, org, canned, Some(id))? {
        return Err(taken(canned));
    }
    conn.prepare_cached(
        "UPDATE canned_responses SET shortcut = ?3, body = ?4, updated_at = ?5
         WHERE id = ?1 AND org_id = ?2",
    )?
    .execute(params![
        id.0,
        org.0,
        canned.shortcut.as_str(),
        canned.body.as_str(),
        now.0
    ])?;
    get(conn, org, id)
}

/// Deletes one; `NotFound` if missing.
pub(crate) fn delete(conn: &Connection, org: OrgId, id: CannedResponseId) -> DbResult<()> {
    let deleted = conn
        .prepare_cached("DELETE FROM canned_responses WHERE id = ?1 AND org_id = ?2")?
        .execute(params![id.0, org.0])?;
    if deleted == 0 {
        return Err(DbError(StoreError::NotFound));
    }
    Ok(())
}
