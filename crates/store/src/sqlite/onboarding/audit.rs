//! The audit trail: append-only rows of who did what, when, to which number or onboarding, and
//! what Meta answered. Writes that change an onboarding or a sync request append theirs in the
//! same transaction, so the trail never misses a step that happened.

use coexist_core::ids::{NumberId, OnboardingId, OrgId};
use coexist_core::store::{AuditActor, AuditFilter, AuditRecord, NewAudit};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, Row, params};

use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::ts;

const SELECT: &str = "SELECT id, at, actor_kind, actor_id, action, number_id, onboarding_id,
    detail, meta FROM audit_log";

/// The stored (kind, id) of an actor.
pub(super) fn actor_parts(by: AuditActor) -> (&'static str, Option<i64>) {
    (by.kind(), by.id())
}

/// Reads an actor from two columns.
pub(super) fn actor(r: &Row<'_>, kind: usize, id: usize) -> rusqlite::Result<AuditActor> {
    let k: String = r.get(kind)?;
    let i: Option<i64> = r.get(id)?;
    AuditActor::from_parts(&k, i).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(kind, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn json(r: &Row<'_>, i: usize) -> rusqlite::Result<serde_json::Value> {
    let text: String = r.get(i)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn row(r: &Row<'_>) -> rusqlite::Result<AuditRecord> {
    let meta: Option<String> = r.get(8)?;
    Ok(AuditRecord {
        id: r.get(0)?,
        at: ts(r, 1)?,
        by: actor(r, 2, 3)?,
        action: r.get(4)?,
        number_id: r.get::<_, Option<i64>>(5)?.map(NumberId),
        onboarding_id: r.get::<_, Option<i64>>(6)?.map(OnboardingId),
        detail: json(r, 7)?,
        meta: meta.and_then(|m| serde_json::from_str(&m).ok()),
    })
}

/// Appends an entry; returns it.
pub(crate) fn append(
    conn: &Connection,
    org: OrgId,
    entry: &NewAudit,
    now: Timestamp,
) -> DbResult<AuditRecord> {
    if entry.action.trim().is_empty() {
        return Err(DbError::invalid("an audit entry needs an action"));
    }
    let (kind, id) = actor_parts(entry.by);
    let meta = entry.meta.as_ref().map(serde_json::Value::to_string);
    let row_id: i64 = conn
        .prepare_cached(
            "INSERT INTO audit_log (org_id, at, actor_kind, actor_id, action, number_id,
                 onboarding_id, detail, meta)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        )?
        .query_row(
            params![
                org.0,
                now.0,
                kind,
                id,
                entry.action,
                entry.number_id.map(|n| n.0),
                entry.onboarding_id.map(|o| o.0),
                entry.detail.to_string(),
                meta
            ],
            |r| r.get(0),
        )?;
    let sql = format!("{SELECT} WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([row_id], row)?)
}

/// Entries of the organization, newest first, optionally of one number and/or onboarding.
pub(crate) fn list(
    conn: &Connection,
    org: OrgId,
    filter: AuditFilter,
    limit: u32,
) -> DbResult<Vec<AuditRecord>> {
    let sql = format!(
        "{SELECT} WHERE org_id = ?1 AND (?2 IS NULL OR number_id = ?2)
             AND (?3 IS NULL OR onboarding_id = ?3)
         ORDER BY id DESC LIMIT ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            org.0,
            filter.number_id.map(|n| n.0),
            filter.onboarding_id.map(|o| o.0),
            limit.clamp(1, 1_000)
        ],
        row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
