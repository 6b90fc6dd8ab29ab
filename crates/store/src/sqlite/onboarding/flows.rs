//! Onboardings: one row each, moved one step at a time by compare-and-set on `step` (checked
//! against the flow's rules in `coexist_core::onboarding`), with the sealed business token of
//! the business account and the audit entry written in the same transaction.

use coexist_core::ids::{NumberId, OnboardingId, OrgId};
use coexist_core::onboarding::FlowStep;
use coexist_core::store::{
    NewAudit, NewOnboarding, OnboardingAdvance, OnboardingRecord, SealedToken, StoreError,
};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::audit::{self, actor, actor_parts};
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::{name, opt_ts, ts};

const SELECT: &str = "SELECT o.id, o.org_id, o.mode, o.step, o.phone, o.preflight, o.waba_id,
    o.phone_number_id, o.business_id, o.number_id, o.error, o.started_by_kind, o.started_by_id,
    o.started_at, o.updated_at, o.onboarded_at,
    EXISTS (SELECT 1 FROM business_tokens t WHERE t.org_id = o.org_id AND t.waba_id = o.waba_id)
    FROM onboardings o";

fn row(r: &Row<'_>) -> rusqlite::Result<OnboardingRecord> {
    let preflight: String = r.get(5)?;
    Ok(OnboardingRecord {
        id: OnboardingId(r.get(0)?),
        org_id: OrgId(r.get(1)?),
        mode: name(r, 2)?,
        step: name(r, 3)?,
        phone: r.get(4)?,
        preflight: serde_json::from_str(&preflight).unwrap_or(serde_json::Value::Null),
        waba_id: r.get(6)?,
        phone_number_id: r.get(7)?,
        business_id: r.get(8)?,
        number_id: r.get::<_, Option<i64>>(9)?.map(NumberId),
        error: r.get(10)?,
        started_by: actor(r, 11, 12)?,
        started_at: ts(r, 13)?,
        updated_at: ts(r, 14)?,
        onboarded_at: opt_ts(r, 15)?,
        has_token: r.get(16)?,
    })
}

/// One onboarding of the organization.
pub(crate) fn get(conn: &Connection, org: OrgId, id: OnboardingId) -> DbResult<OnboardingRecord> {
    let sql = format!("{SELECT} WHERE o.id = ?1 AND o.org_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id.0, org.0], row)?)
}

/// The organization's onboardings, newest first.
pub(crate) fn list(conn: &Connection, org: OrgId) -> DbResult<Vec<OnboardingRecord>> {
    let sql = format!("{SELECT} WHERE o.org_id = ?1 ORDER BY o.id DESC");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([org.0], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Starts an onboarding and audits it.
pub(crate) fn start(
    conn: &Connection,
    org: OrgId,
    new: &NewOnboarding,
    now: Timestamp,
) -> DbResult<OnboardingRecord> {
    if new.phone.is_empty() || !new.phone.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DbError::invalid("an onboarding needs the number as digits"));
    }
    let (kind, by) = actor_parts(new.by);
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO onboardings (org_id, mode, step, phone, preflight, started_by_kind,
                 started_by_id, started_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) RETURNING id",
        )?
        .query_row(
            params![
                org.0,
                new.mode.as_str(),
                FlowStep::Started.as_str(),
                new.phone,
                new.preflight.to_string(),
                kind,
                by,
                now.0
            ],
            |r| r.get(0),
        )?;
    let id = OnboardingId(id);
    let entry = NewAudit {
        onboarding_id: Some(id),
        ..NewAudit::new(
            new.by,
            "onboarding.started",
            serde_json::json!({"mode": new.mode, "phone": new.phone, "preflight": new.preflight}),
        )
    };
    audit::append(conn, org, &entry, now)?;
    get(conn, org, id)
}

/// Moves an onboarding one step, by compare-and-set, with what it learned.
pub(crate) fn advance(
    conn: &Connection,
    org: OrgId,
    id: OnboardingId,
    a: &OnboardingAdvance,
    now: Timestamp,
) -> DbResult<OnboardingRecord> {
    let current = get(conn, org, id)?;
    if current.step != a.expect {
        return Err(DbError(StoreError::Conflict(format!(
            "onboarding {id} is at step {}, not {}",
            current.step, a.expect
        ))));
    }
    current
        .step
        .check_move(a.step, current.mode)
        .map_err(|e| DbError::invalid(e.to_string()))?;
    if let Some(number) = a.number_id {
        require_number(conn, org, number)?;
    }
    conn.prepare_cached(
        "UPDATE onboardings SET step = ?3, waba_id = ifnull(?4, waba_id),
             phone_number_id = ifnull(?5, phone_number_id), business_id = ifnull(?6, business_id),
             number_id = ifnull(?7, number_id), onboarded_at = ifnull(?8, onboarded_at),
             error = NULL, updated_at = ?9
         WHERE id = ?1 AND org_id = ?2",
    )?
    .execute(params![
        id.0,
        org.0,
        a.step.as_str(),
        a.waba_id,
        a.phone_number_id,
        a.business_id,
        a.number_id.map(|n| n.0),
        a.onboarded_at.map(|t| t.0),
        now.0
    ])?;
    if let Some(token) = &a.token {
        let waba = a
            .waba_id
            .as_ref()
            .or(current.waba_id.as_ref())
            .ok_or_else(|| {
                DbError::invalid("a business token needs the business account it belongs to")
            })?;
        store_token(conn, org, waba, token, now)?;
    }
    let entry = NewAudit {
        onboarding_id: Some(id),
        number_id: a.number_id.or(current.number_id),
        ..a.audit.clone()
    };
    audit::append(conn, org, &entry, now)?;
    get(conn, org, id)
}

/// Records why the next step failed; the step stays.
pub(crate) fn fail(
    conn: &Connection,
    org: OrgId,
    id: OnboardingId,
    error: &str,
    entry: &NewAudit,
    now: Timestamp,
) -> DbResult<OnboardingRecord> {
    let current = get(conn, org, id)?;
    conn.prepare_cached(
        "UPDATE onboardings SET error = ?3, updated_at = ?4 WHERE id = ?1 AND org_id = ?2",
    )?
    .execute(params![id.0, org.0, error, now.0])?;
    let entry = NewAudit {
        onboarding_id: Some(id),
        number_id: entry.number_id.or(current.number_id),
        ..entry.clone()
    };
    audit::append(conn, org, &entry, now)?;
    get(conn, org, id)
}

/// Refuses a number of another organization (or none).
pub(super) fn require_number(conn: &Connection, org: OrgId, number: NumberId) -> DbResult<()> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM numbers WHERE id = ?1 AND org_id = ?2")?
        .exists(params![number.0, org.0])?;
    if exists {
        Ok(())
    } else {
        Err(DbError::invalid(format!(
            "number {number} does not exist in this organization"
        )))
    }
}

fn store_token(
    conn: &Connection,
    org: OrgId,
    waba_id: &str,
    token: &SealedToken,
    now: Timestamp,
) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO business_tokens (org_id, waba_id, key_id, nonce, ciphertext, created_at,
             updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (org_id, waba_id) DO UPDATE SET key_id = excluded.key_id,
             nonce = excluded.nonce, ciphertext = excluded.ciphertext,
             updated_at = excluded.updated_at",
    )?
    .execute(params![
        org.0,
        waba_id,
        token.key_id,
        token.nonce,
        token.ciphertext,
        now.0
    ])?;
    Ok(())
}

/// The sealed token of a business account.
pub(crate) fn token(conn: &Connection, org: OrgId, waba_id: &str) -> DbResult<Option<SealedToken>> {
    Ok(conn
        .prepare_cached(
            "SELECT key_id, nonce, ciphertext FROM business_tokens
             WHERE org_id = ?1 AND waba_id = ?2",
        )?
        .query_row(params![org.0, waba_id], |r| {
            Ok(SealedToken {
                key_id: r.get(0)?,
                nonce: r.get(1)?,
                ciphertext: r.get(2)?,
            })
        })
        .optional()?)
}
