//! The once-only sync requests. `begin` writes the pending row (or finds the existing one)
//! before the hub calls Meta; `finish` records the answer. Both audit in the same transaction.

use coexist_core::ids::{NumberId, OnboardingId, OrgId};
use coexist_core::onboarding::SyncState;
use coexist_core::store::{
    NewAudit, NewSyncRequest, StoreError, SyncAnswer, SyncBegin, SyncRequestRecord,
};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Value, json};

use super::audit::{self, actor, actor_parts};
use super::flows::require_number;
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::{name, opt_ts, ts};

const SELECT: &str = "SELECT id, number_id, kind, onboarded_at, onboarding_id, state,
    requested_by_kind, requested_by_id, requested_at, answered_at, request_id, error_code, error
    FROM sync_requests";

fn row(r: &Row<'_>) -> rusqlite::Result<SyncRequestRecord> {
    Ok(SyncRequestRecord {
        id: r.get(0)?,
        number_id: NumberId(r.get(1)?),
        kind: name(r, 2)?,
        onboarded_at: ts(r, 3)?,
        onboarding_id: r.get::<_, Option<i64>>(4)?.map(OnboardingId),
        state: name(r, 5)?,
        requested_by: actor(r, 6, 7)?,
        requested_at: ts(r, 8)?,
        answered_at: opt_ts(r, 9)?,
        request_id: r.get(10)?,
        error_code: r.get(11)?,
        error: r.get(12)?,
    })
}

fn get(conn: &Connection, org: OrgId, id: i64) -> DbResult<SyncRequestRecord> {
    let sql = format!("{SELECT} WHERE id = ?1 AND org_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id, org.0], row)?)
}

fn audit_entry(
    by: coexist_core::store::AuditActor,
    r: &SyncRequestRecord,
    action: &str,
) -> NewAudit {
    NewAudit {
        number_id: Some(r.number_id),
        onboarding_id: r.onboarding_id,
        ..NewAudit::new(
            by,
            action,
            json!({"kind": r.kind, "sync_type": r.kind.sync_type().as_str(),
                   "onboarded_at": r.onboarded_at, "sync_request_id": r.id}),
        )
    }
}

/// Records a request as pending, unless one exists for (number, onboarding time, kind).
pub(crate) fn begin(
    conn: &Connection,
    org: OrgId,
    new: &NewSyncRequest,
    now: Timestamp,
) -> DbResult<SyncBegin> {
    require_number(conn, org, new.number_id)?;
    let sql = format!("{SELECT} WHERE number_id = ?1 AND onboarded_at = ?2 AND kind = ?3");
    let existing = conn
        .prepare_cached(&sql)?
        .query_row(
            params![new.number_id.0, new.onboarded_at.0, new.kind.as_str()],
            row,
        )
        .optional()?;
    let (kind, by) = actor_parts(new.by);
    let id = match existing {
        Some(e) if e.state != SyncState::NotSent => return Ok(SyncBegin::Exists(e)),
        // It never reached Meta: the explicit retry reuses the row.
        Some(e) => {
            conn.prepare_cached(
                "UPDATE sync_requests SET state = 'pending', requested_by_kind = ?2,
                     requested_by_id = ?3, requested_at = ?4, answered_at = NULL, error = NULL
                 WHERE id = ?1",
            )?
            .execute(params![e.id, kind, by, now.0])?;
            e.id
        }
        None => conn
            .prepare_cached(
                "INSERT INTO sync_requests (org_id, number_id, kind, onboarded_at, onboarding_id,
                     state, requested_by_kind, requested_by_id, requested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?8) RETURNING id",
            )?
            .query_row(
                params![
                    org.0,
                    new.number_id.0,
                    new.kind.as_str(),
                    new.onboarded_at.0,
                    new.onboarding_id.map(|o| o.0),
                    kind,
                    by,
                    now.0
                ],
                |r| r.get(0),
            )?,
    };
    let record = get(conn, org, id)?;
    audit::append(
        conn,
        org,
        &audit_entry(new.by, &record, "sync.requested"),
        now,
    )?;
    Ok(SyncBegin::Begun(record))
}

/// Records the answer to a pending request.
pub(crate) fn finish(
    conn: &Connection,
    org: OrgId,
    id: i64,
    answer: &SyncAnswer,
    meta: Option<&Value>,
    now: Timestamp,
) -> DbResult<SyncRequestRecord> {
    let current = get(conn, org, id)?;
    if current.state != SyncState::Pending {
        return Err(DbError(StoreError::Conflict(format!(
            "sync request {id} is {}, not pending: its answer was already recorded",
            current.state.as_str()
        ))));
    }
    let (request_id, code, error) = match answer {
        SyncAnswer::Accepted { request_id } => (Some(request_id.as_str()), None, None),
        SyncAnswer::Refused { code, message } => (None, *code, Some(message.as_str())),
        SyncAnswer::NotSent { why } | SyncAnswer::Unknown { why } => {
            (None, None, Some(why.as_str()))
        }
    };
    conn.prepare_cached(
        "UPDATE sync_requests SET state = ?2, answered_at = ?3, request_id = ?4,
             error_code = ?5, error = ?6
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        answer.state().as_str(),
        now.0,
        request_id,
        code,
        error
    ])?;
    let record = get(conn, org, id)?;
    let mut entry = audit_entry(
        coexist_core::store::AuditActor::System,
        &record,
        "sync.answered",
    );
    entry.detail["state"] = json!(record.state.as_str());
    entry.detail["request_id"] = json!(record.request_id);
    entry.detail["error_code"] = json!(record.error_code);
    entry.detail["error"] = json!(record.error);
    entry.meta = meta.cloned();
    audit::append(conn, org, &entry, now)?;
    Ok(record)
}

/// A number's requests, oldest first.
pub(crate) fn list(
    conn: &Connection,
    org: OrgId,
    number: NumberId,
) -> DbResult<Vec<SyncRequestRecord>> {
    let sql = format!("{SELECT} WHERE org_id = ?1 AND number_id = ?2 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![org.0, number.0], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
