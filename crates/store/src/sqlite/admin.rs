//! Writes that are not webhooks: organizations, configured numbers, API tokens. They go through
//! the writer like everything else.

use coexist_core::ids::{OrgId, TokenId};
use coexist_core::number::{HistoryImport, NumberState, supersedes};
use coexist_core::store::{ApiTokenRecord, NewApiToken, NumberRecord, NumberSetup, StoreError};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::error::{DbError, DbResult};
use super::read::numbers;

/// The organization named `name`, created if missing.
pub(crate) fn ensure_org(conn: &Connection, name: &str, now: Timestamp) -> DbResult<OrgId> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DbError::invalid("an organization needs a non-empty name"));
    }
    conn.prepare_cached(
        "INSERT INTO orgs (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
    )?
    .execute(params![name, now.0])?;
    let id = conn
        .prepare_cached("SELECT id FROM orgs WHERE name = ?1")?
        .query_row([name], |r| r.get(0))?;
    Ok(OrgId(id))
}

fn require_org(conn: &Connection, org: OrgId) -> DbResult<()> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM orgs WHERE id = ?1")?
        .exists([org.0])?;
    if exists {
        Ok(())
    } else {
        Err(DbError::invalid(format!(
            "organization {org} does not exist"
        )))
    }
}

/// Configures a number in `org`. A number first seen in a webhook (unconfigured, in the
/// default organization) is claimed, with everything stored for it; a number configured by
/// another organization is a conflict.
pub(crate) fn upsert_number(
    conn: &Connection,
    org: OrgId,
    setup: &NumberSetup,
    now: Timestamp,
) -> DbResult<NumberRecord> {
    require_org(conn, org)?;
    if setup.phone_number_id.trim().is_empty() {
        return Err(DbError::invalid("a number needs Meta's phone_number_id"));
    }
    let existing: Option<(i64, i64, bool)> = conn
        .prepare_cached("SELECT id, org_id, configured FROM numbers WHERE phone_number_id = ?1")?
        .query_row([&setup.phone_number_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let id = match existing {
        None => insert_number(conn, org, setup, now)?,
        Some((id, owner, configured)) => {
            if owner != org.0 {
                if configured {
                    return Err(DbError(StoreError::Conflict(format!(
                        "number {} is configured in another organization",
                        setup.phone_number_id
                    ))));
                }
                move_number(conn, id, org)?;
            }
            update_number(conn, id, setup, now)?;
            id
        }
    };
    let revived = match setup.onboarded_at {
        Some(at) => onboarded(conn, id, at, now)?,
        None => false,
    };
    let changes = if revived {
        r#"{"changes":["configured","state"]}"#
    } else {
        r#"{"changes":["configured"]}"#
    };
    conn.prepare_cached(
        "INSERT INTO events (org_id, kind, at, number_id, data)
         VALUES (?1, 'number.updated', ?2, ?3, ?4)",
    )?
    .execute(params![org.0, now.0, id, changes])?;
    numbers::get(conn, org, coexist_core::ids::NumberId(id))
}

fn insert_number(
    conn: &Connection,
    org: OrgId,
    setup: &NumberSetup,
    now: Timestamp,
) -> DbResult<i64> {
    let history = serde_json::to_string(&HistoryImport::default())?;
    Ok(conn
        .prepare_cached(
            "INSERT INTO numbers (org_id, phone_number_id, display_phone_number, waba_id, mode,
                 state, configured, onboarded_at, history, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?9, ?9) RETURNING id",
        )?
        .query_row(
            params![
                org.0,
                setup.phone_number_id,
                setup.display_phone_number,
                setup.waba_id,
                setup.mode.as_str(),
                NumberState::Live.as_str(),
                setup.onboarded_at.map(|t| t.0),
                history,
                now.0
            ],
            |r| r.get(0),
        )?)
}

fn update_number(conn: &Connection, id: i64, setup: &NumberSetup, now: Timestamp) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE numbers SET display_phone_number = ifnull(?2, display_phone_number),
             waba_id = ifnull(?3, waba_id), mode = ?4, configured = 1,
             onboarded_at = ifnull(?5, onboarded_at), updated_at = ?6
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        setup.display_phone_number,
        setup.waba_id,
        setup.mode.as_str(),
        setup.onboarded_at.map(|t| t.0),
        now.0
    ])?;
    Ok(())
}

/// An onboarding completed at `at` (through coexist's Embedded Signup, or as configured): the
/// number is live as of then, like after `PARTNER_APP_INSTALLED`, unless a newer lifecycle
/// change is recorded (`supersedes`). So a disconnected or offboarded number onboarded again
/// is live even if Meta sends no `ACCOUNT_RECONNECTED`, and an older `PARTNER_REMOVED`
/// delivered late does not undo it. True if the state changed.
fn onboarded(conn: &Connection, id: i64, at: Timestamp, now: Timestamp) -> DbResult<bool> {
    let (state, state_at): (String, Option<i64>) = conn
        .prepare_cached("SELECT state, state_at FROM numbers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let state: NumberState = state.parse().map_err(DbError::corrupt)?;
    if !supersedes(NumberState::Live, at, state, state_at.map(Timestamp)) {
        return Ok(false);
    }
    conn.prepare_cached(
        "UPDATE numbers SET state = ?2, state_at = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, NumberState::Live.as_str(), at.0, now.0])?;
    Ok(state != NumberState::Live)
}

/// Moves an auto-created number, and every row stored for it, to `org`.
fn move_number(conn: &Connection, id: i64, org: OrgId) -> DbResult<()> {
    const TABLES: [&str; 10] = [
        "numbers",
        "contacts",
        "chats",
        "messages",
        "statuses",
        "message_events",
        "webhook_errors",
        "unparsed_changes",
        "account_events",
        "preference_events",
    ];
    for table in TABLES {
        let column = if table == "numbers" {
            "id"
        } else {
            "number_id"
        };
        let sql = format!("UPDATE {table} SET org_id = ?1 WHERE {column} = ?2");
        conn.execute(&sql, params![org.0, id])?;
    }
    Ok(())
}

/// Stores a token's hash.
pub(crate) fn create_token(
    conn: &Connection,
    org: OrgId,
    token: &NewApiToken,
    now: Timestamp,
) -> DbResult<ApiTokenRecord> {
    require_org(conn, org)?;
    let id = conn
        .prepare_cached(
            "INSERT INTO api_tokens (org_id, name, hash, role, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (hash) DO NOTHING RETURNING id",
        )?
        .query_row(
            params![org.0, token.name, &token.hash[..], token.role, now.0],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            DbError(StoreError::Conflict(
                "an API token with this hash already exists".to_owned(),
            ))
        })?;
    Ok(ApiTokenRecord {
        id: TokenId(id),
        org_id: org,
        name: token.name.clone(),
        role: token.role.clone(),
        created_at: now,
    })
}

/// Marks a token revoked (idempotent); `NotFound` for an unknown token or another org's.
pub(crate) fn revoke_token(
    conn: &Connection,
    org: OrgId,
    id: TokenId,
    now: Timestamp,
) -> DbResult<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?3)
             WHERE id = ?1 AND org_id = ?2",
        )?
        .execute(params![id.0, org.0, now.0])?;
    if changed == 0 {
        return Err(DbError(StoreError::NotFound));
    }
    Ok(())
}
