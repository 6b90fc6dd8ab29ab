//! The outbox at work: due entries, claims (the durable record of an attempt), outcomes, expired
//! leases, and the reconciliation of a send whose answer was lost.
//!
//! An outcome is applied only to the attempt that is current (same attempt number, entry still
//! `sending` or `interrupted`): a stale or repeated answer changes nothing. An `interrupted`
//! entry still takes its attempt's late answer, since that answer is the truth about the send.

use coexist_core::ids::{MessageId, NumberId, OrgId};
use coexist_core::status::{DeliveryStatus, Transition};
use coexist_core::store::{
    ClaimedSend, DueSend, MessageError, OutboxState, SendInfo, SendOutcome, Swept,
    parse_callback_data,
};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::message_updated;
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::rows::name;

/// Queued entries due at `now`, oldest due first.
pub(crate) fn due(conn: &Connection, now: Timestamp, limit: u32) -> DbResult<Vec<DueSend>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.message_id, o.number_id, n.phone_number_id, n.mode, o.recipient, o.due_at
         FROM outbox o JOIN numbers n ON n.id = o.number_id
         WHERE o.state = 'queued' AND o.due_at <= ?1
         ORDER BY o.due_at, o.message_id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now.0, limit], |r| {
        Ok(DueSend {
            message_id: MessageId(r.get(0)?),
            number_id: NumberId(r.get(1)?),
            phone_number_id: r.get(2)?,
            mode: name(r, 3)?,
            recipient: r.get(4)?,
            due_at: Timestamp(r.get(5)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The next due time or lease expiry.
pub(crate) fn next_wakeup(conn: &Connection) -> DbResult<Option<Timestamp>> {
    let due: Option<i64> = conn
        .prepare_cached("SELECT min(due_at) FROM outbox WHERE state = 'queued'")?
        .query_row([], |r| r.get(0))?;
    let lease: Option<i64> = conn
        .prepare_cached("SELECT min(lease_until) FROM outbox WHERE state = 'sending'")?
        .query_row([], |r| r.get(0))?;
    Ok(match (due, lease) {
        (Some(a), Some(b)) => Some(Timestamp(a.min(b))),
        (a, b) => a.or(b).map(Timestamp),
    })
}

/// Claims each entry still queued and due (see the trait).
pub(crate) fn claim(
    conn: &Connection,
    ids: &[MessageId],
    now: Timestamp,
    lease_until: Timestamp,
    owner: &str,
) -> DbResult<Vec<ClaimedSend>> {
    // A number disconnected or offboarded since the message was queued starts no Graph call,
    // so its claim does not count as an attempt (the worker fails the message at once).
    let mut update = conn.prepare_cached(
        "UPDATE outbox SET state = 'sending', lease_until = ?3,
             attempts = attempts + (SELECT n.state NOT IN ('disconnected', 'offboarded')
                                    FROM numbers n WHERE n.id = outbox.number_id),
             lease_owner = ?4, note = NULL, updated_at = ?2
         WHERE message_id = ?1 AND state = 'queued' AND due_at <= ?2
         RETURNING org_id, number_id, recipient, request, attempts",
    )?;
    let mut number_of =
        conn.prepare_cached("SELECT phone_number_id, state FROM numbers WHERE id = ?1")?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<(i64, i64, String, String, u32)> = update
            .query_row(params![id.0, now.0, lease_until.0, owner], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let Some((org, number, recipient, request, attempt)) = row else {
            continue;
        };
        let request: Value = serde_json::from_str(&request)?;
        let (phone_number_id, number_state) =
            number_of.query_row([number], |r| Ok((r.get(0)?, name(r, 1)?)))?;
        claimed.push(ClaimedSend {
            message_id: *id,
            org: OrgId(org),
            number_id: NumberId(number),
            phone_number_id,
            recipient,
            request,
            attempt,
            number_state,
            lease_until,
        });
    }
    Ok(claimed)
}

/// Applies an attempt's outcome if the attempt is current; returns whether it did.
pub(crate) fn record(
    conn: &Connection,
    message: MessageId,
    attempt: u32,
    outcome: &SendOutcome,
    now: Timestamp,
) -> DbResult<bool> {
    let row: Option<(String, u32)> = conn
        .prepare_cached("SELECT state, attempts FROM outbox WHERE message_id = ?1")?
        .query_row([message.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (state, attempts) = row.ok_or(DbError(coexist_core::store::StoreError::NotFound))?;
    let current = matches!(state.as_str(), "sending" | "interrupted") && attempts == attempt;
    if !current {
        return Ok(false);
    }
    match outcome {
        SendOutcome::Accepted { wamid } => accepted(conn, message, wamid, now)?,
        SendOutcome::Retry { at, error } => {
            let note = format!(
                "Attempt {attempt} was refused ({}); retrying at {at}.",
                error.title.as_deref().unwrap_or("error")
            );
            finish(
                conn,
                message,
                OutboxState::Queued,
                Some(*at),
                Some(error),
                Some(&note),
                now,
            )?;
        }
        SendOutcome::Failed { error } => {
            finish(
                conn,
                message,
                OutboxState::Failed,
                None,
                Some(error),
                None,
                now,
            )?;
            fail_message(conn, message, error, now)?;
        }
        SendOutcome::Interrupted { note } => {
            finish(
                conn,
                message,
                OutboxState::Interrupted,
                None,
                None,
                Some(note),
                now,
            )?;
        }
    }
    message_updated(conn, message.0, "send", now)?;
    Ok(true)
}

/// Sets the entry's state, due time, last error and note; clears the lease.
fn finish(
    conn: &Connection,
    message: MessageId,
    state: OutboxState,
    due_at: Option<Timestamp>,
    error: Option<&MessageError>,
    note: Option<&str>,
    now: Timestamp,
) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE outbox SET state = ?2, due_at = ifnull(?3, due_at), lease_until = NULL,
             lease_owner = NULL,
             last_error_code = CASE WHEN ?4 IS NOT NULL THEN ?4 ELSE last_error_code END,
             last_error_title = CASE WHEN ?4 IS NOT NULL THEN ?5 ELSE last_error_title END,
             last_error_details = CASE WHEN ?4 IS NOT NULL THEN ?6 ELSE last_error_details END,
             note = ?7, updated_at = ?8
         WHERE message_id = ?1",
    )?
    .execute(params![
        message.0,
        state.as_str(),
        due_at.map(|t| t.0),
        error.map(|e| e.code),
        error.and_then(|e| e.title.as_deref()),
        error.and_then(|e| e.details.as_deref()),
        note,
        now.0,
    ])?;
    Ok(())
}

/// Meta accepted the send: the wamid, `accepted`, and any statuses that beat the answer here.
fn accepted(conn: &Connection, message: MessageId, wamid: &str, now: Timestamp) -> DbResult<()> {
    let (number, existing): (i64, Option<String>) = conn
        .prepare_cached("SELECT number_id, wamid FROM messages WHERE id = ?1")?
        .query_row([message.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
    finish(conn, message, OutboxState::Sent, None, None, None, now)?;
    if existing.is_some() {
        // A status webhook reconciled it first (same wamid); nothing else to do.
        return Ok(());
    }
    let taken = conn
        .prepare_cached("SELECT 1 FROM messages WHERE number_id = ?1 AND wamid = ?2")?
        .exists(params![number, wamid])?;
    if taken {
        return Err(DbError::invalid(format!(
            "wamid {wamid} already belongs to another message of this number"
        )));
    }
    conn.prepare_cached(
        "UPDATE messages SET wamid = ?2,
             status = CASE WHEN status = 'pending' THEN 'accepted' ELSE status END,
             status_at = CASE WHEN status = 'pending' THEN ?3 ELSE status_at END
         WHERE id = ?1",
    )?
    .execute(params![message.0, wamid, now.0])?;
    apply_waiting_statuses(conn, message, number, wamid)
}

/// Statuses recorded for `wamid` before the message had it (without callback data to reconcile
/// them): their join, applied once, as ingest does for statuses that precede their message.
fn apply_waiting_statuses(
    conn: &Connection,
    message: MessageId,
    number: i64,
    wamid: &str,
) -> DbResult<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT status, ts, error_code, error_title, error_details FROM statuses
         WHERE number_id = ?1 AND wamid = ?2 AND message_id IS NULL",
    )?;
    let rows = stmt.query_map(params![number, wamid], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut best: Option<(DeliveryStatus, i64, Option<MessageError>)> = None;
    for row in rows {
        let (status, ts, code, title, details) = row?;
        let Some(status) = DeliveryStatus::from_webhook(&status) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| status > b.0) {
            let error = code.map(|code| MessageError {
                code,
                title,
                details,
            });
            best = Some((status, ts, error));
        }
    }
    drop(stmt);
    conn.prepare_cached(
        "UPDATE statuses SET message_id = ?1 WHERE number_id = ?2 AND wamid = ?3
             AND message_id IS NULL",
    )?
    .execute(params![message.0, number, wamid])?;
    let Some((status, ts, error)) = best else {
        return Ok(());
    };
    let Transition::Advanced(next) =
        DeliveryStatus::advance(Some(DeliveryStatus::Accepted), status)
    else {
        return Ok(());
    };
    let error = error.filter(|_| next == DeliveryStatus::Failed);
    conn.prepare_cached(
        "UPDATE messages SET status = ?2, status_at = ?3, error_code = ?4, error_title = ?5,
             error_details = ?6 WHERE id = ?1",
    )?
    .execute(params![
        message.0,
        next.as_str(),
        ts,
        error.as_ref().map(|e| e.code),
        error.as_ref().and_then(|e| e.title.as_deref()),
        error.as_ref().and_then(|e| e.details.as_deref()),
    ])?;
    Ok(())
}

/// The message fails with Meta's error (a pending message only: the lattice never moves back).
fn fail_message(
    conn: &Connection,
    message: MessageId,
    error: &MessageError,
    now: Timestamp,
) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE messages SET status = 'failed', status_at = ?2, error_code = ?3,
             error_title = ?4, error_details = ?5
         WHERE id = ?1 AND status IN ('pending', 'accepted', 'sent')",
    )?
    .execute(params![
        message.0,
        now.0,
        error.code,
        error.title,
        error.details
    ])?;
    Ok(())
}

/// The sentence an interrupted message shows.
pub(crate) const INTERRUPTED_NOTE: &str = "The hub stopped while this message was being handed to Meta, and no answer was recorded. It is not sent again automatically (it may have reached Meta); if Meta sent it, its status webhook will complete it.";

/// Expired leases: interrupted, or sent when a status webhook already reconciled them.
pub(crate) fn sweep(conn: &Connection, now: Timestamp) -> DbResult<Swept> {
    let expired: Vec<(i64, bool)> = conn
        .prepare_cached(
            "SELECT o.message_id, m.wamid IS NOT NULL FROM outbox o
             JOIN messages m ON m.id = o.message_id
             WHERE o.state = 'sending' AND o.lease_until < ?1",
        )?
        .query_map([now.0], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut swept = Swept::default();
    for (id, has_wamid) in expired {
        let message = MessageId(id);
        if has_wamid {
            finish(conn, message, OutboxState::Sent, None, None, None, now)?;
            swept.reconciled.push(message);
        } else {
            let note = Some(INTERRUPTED_NOTE);
            finish(
                conn,
                message,
                OutboxState::Interrupted,
                None,
                None,
                note,
                now,
            )?;
            swept.interrupted.push(message);
        }
        message_updated(conn, id, "send", now)?;
    }
    Ok(swept)
}

/// The outbox side of message `id` of `org`.
pub(crate) fn info(conn: &Connection, org: OrgId, id: MessageId) -> DbResult<Option<SendInfo>> {
    Ok(crate::sqlite::read::messages::get(conn, org, id)?.send)
}

/// Reconciliation, called by status ingest for a wamid no message has: if `callback_data`
/// names one of our API messages on this number that has no wamid yet (its send's answer was
/// lost, or has not been recorded yet), the message takes the wamid and becomes `accepted`, and
/// its outbox entry is `sent` (a queued retry is cancelled: the message was sent). Returns the
/// message.
pub(crate) fn attach_wamid(
    conn: &Connection,
    number: i64,
    callback_data: &str,
    wamid: &str,
    at: Timestamp,
) -> DbResult<Option<i64>> {
    let Some(id) = parse_callback_data(callback_data) else {
        return Ok(None);
    };
    let changed = conn
        .prepare_cached(
            "UPDATE messages SET wamid = ?3,
                 status = CASE WHEN status = 'pending' THEN 'accepted' ELSE status END,
                 status_at = CASE WHEN status = 'pending' THEN ?4 ELSE status_at END
             WHERE id = ?1 AND number_id = ?2 AND origin = 'api' AND wamid IS NULL",
        )?
        .execute(params![id.0, number, wamid, at.0])?;
    if changed == 0 {
        return Ok(None);
    }
    conn.prepare_cached(
        "UPDATE outbox SET state = 'sent', lease_until = NULL, lease_owner = NULL, note = NULL,
             updated_at = ?2
         WHERE message_id = ?1 AND state IN ('queued', 'sending', 'interrupted')",
    )?
    .execute(params![id.0, at.0])?;
    Ok(Some(id.0))
}
