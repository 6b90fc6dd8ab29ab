//! Reminders to open the phone app: one row per (number, inactivity period, threshold), so a
//! reminder is made once whatever restarts in between; the outgoing webhook's attempts are
//! recorded on it.

use coexist_core::ids::{NumberId, OrgId};
use coexist_core::store::{AuditActor, NewAudit, ReminderRecord};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, Row, params};
use serde_json::json;

use super::audit;
use super::flows::require_number;
use crate::sqlite::error::DbResult;
use crate::sqlite::rows::{opt_ts, ts};

const SELECT: &str = "SELECT id, number_id, days, period_start, created_at, delivered_at,
    attempts, last_error FROM app_reminders";

fn row(r: &Row<'_>) -> rusqlite::Result<ReminderRecord> {
    Ok(ReminderRecord {
        id: r.get(0)?,
        number_id: NumberId(r.get(1)?),
        days: r.get(2)?,
        period_start: ts(r, 3)?,
        created_at: ts(r, 4)?,
        delivered_at: opt_ts(r, 5)?,
        attempts: r.get(6)?,
        last_error: r.get(7)?,
    })
}

fn get(conn: &Connection, org: OrgId, id: i64) -> DbResult<ReminderRecord> {
    let sql = format!("{SELECT} WHERE id = ?1 AND org_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id, org.0], row)?)
}

/// Records a reminder unless it exists; `None` when it does.
pub(crate) fn record(
    conn: &Connection,
    org: OrgId,
    number: NumberId,
    days: i64,
    period_start: Timestamp,
    now: Timestamp,
) -> DbResult<Option<ReminderRecord>> {
    require_number(conn, org, number)?;
    let inserted = conn
        .prepare_cached(
            "INSERT INTO app_reminders (org_id, number_id, days, period_start, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        )?
        .execute(params![org.0, number.0, days, period_start.0, now.0])?;
    if inserted == 0 {
        return Ok(None);
    }
    let id = conn.last_insert_rowid();
    let entry = NewAudit {
        number_id: Some(number),
        ..NewAudit::new(
            AuditActor::System,
            "reminder.created",
            json!({"days": days, "app_last_seen_at": period_start}),
        )
    };
    audit::append(conn, org, &entry, now)?;
    get(conn, org, id).map(Some)
}

/// Reminders, newest first, optionally of one number.
pub(crate) fn list(
    conn: &Connection,
    org: OrgId,
    number: Option<NumberId>,
) -> DbResult<Vec<ReminderRecord>> {
    let sql = format!(
        "{SELECT} WHERE org_id = ?1 AND (?2 IS NULL OR number_id = ?2) ORDER BY id DESC LIMIT 200"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![org.0, number.map(|n| n.0)], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records one outgoing-webhook attempt.
pub(crate) fn attempt(
    conn: &Connection,
    org: OrgId,
    id: i64,
    outcome: &Result<(), String>,
    now: Timestamp,
) -> DbResult<ReminderRecord> {
    let before = get(conn, org, id)?;
    let (delivered, error) = match outcome {
        Ok(()) => (Some(now.0), None),
        Err(e) => (None, Some(e.as_str())),
    };
    conn.prepare_cached(
        "UPDATE app_reminders SET attempts = attempts + 1,
             delivered_at = ifnull(delivered_at, ?2), last_error = ?3
         WHERE id = ?1",
    )?
    .execute(params![id, delivered, error])?;
    let entry = NewAudit {
        number_id: Some(before.number_id),
        ..NewAudit::new(
            AuditActor::System,
            "reminder.webhook",
            json!({"reminder_id": id, "days": before.days, "delivered": outcome.is_ok(),
                   "error": error}),
        )
    };
    audit::append(conn, org, &entry, now)?;
    get(conn, org, id)
}
