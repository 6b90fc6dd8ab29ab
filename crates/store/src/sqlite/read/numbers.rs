//! Numbers.

use coexist_core::ids::{NumberId, OrgId};
use coexist_core::number::{Disconnection, HistoryImport};
use coexist_core::store::NumberRecord;
use rusqlite::{Connection, Row, params};

use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::{name, opt_ts, ts};

/// Columns for [`number_row`]. `media_pending` is counted here (partial index) rather than kept
/// in the history JSON, so it is never stale.
const COLUMNS: &str = "n.id, n.org_id, n.phone_number_id, n.display_phone_number, n.waba_id,
    n.mode, n.state, n.configured, n.onboarded_at, n.last_app_activity_at, n.last_webhook_at,
    n.disconnect_reason, n.disconnect_initiated_by, n.disconnected_at, n.history,
    n.contacts_synced_at, n.created_at,
    (SELECT count(*) FROM messages WHERE number_id = n.id AND media_pending = 1)";

fn number_row(r: &Row<'_>) -> rusqlite::Result<(NumberRecord, String, i64)> {
    let disconnection = opt_ts(r, 13)?.map(|at| -> rusqlite::Result<Disconnection> {
        Ok(Disconnection {
            reason: r.get(11)?,
            initiated_by: r.get(12)?,
            at,
        })
    });
    let record = NumberRecord {
        id: NumberId(r.get(0)?),
        org_id: OrgId(r.get(1)?),
        phone_number_id: r.get(2)?,
        display_phone_number: r.get(3)?,
        waba_id: r.get(4)?,
        mode: name(r, 5)?,
        state: name(r, 6)?,
        configured: r.get(7)?,
        onboarded_at: opt_ts(r, 8)?,
        last_app_activity_at: opt_ts(r, 9)?,
        last_webhook_at: opt_ts(r, 10)?,
        disconnection: disconnection.transpose()?,
        history: HistoryImport::default(),
        contacts_synced_at: opt_ts(r, 15)?,
        created_at: ts(r, 16)?,
    };
    Ok((record, r.get(14)?, r.get(17)?))
}

fn finish(row: (NumberRecord, String, i64)) -> DbResult<NumberRecord> {
    let (mut record, history, media_pending) = row;
    record.history = serde_json::from_str(&history)
        .map_err(|e| DbError::corrupt(format!("history of number {}: {e}", record.id)))?;
    record.history.media_pending = u64::try_from(media_pending).unwrap_or(0);
    Ok(record)
}

/// Every number of `org`, by id.
pub(crate) fn list(conn: &Connection, org: OrgId) -> DbResult<Vec<NumberRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM numbers n WHERE n.org_id = ?1 ORDER BY n.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([org.0], number_row)?;
    rows.map(|r| finish(r?)).collect()
}

/// One number of `org`.
pub(crate) fn get(conn: &Connection, org: OrgId, id: NumberId) -> DbResult<NumberRecord> {
    let sql = format!("SELECT {COLUMNS} FROM numbers n WHERE n.id = ?1 AND n.org_id = ?2");
    let row = conn
        .prepare_cached(&sql)?
        .query_row(params![id.0, org.0], number_row)?;
    finish(row)
}
