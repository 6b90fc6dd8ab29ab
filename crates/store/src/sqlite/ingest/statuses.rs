//! Delivery statuses: every status webhook is recorded once per (number, wamid, status) with its
//! pricing; the message's status is the lattice join of all of them ([`DeliveryStatus::advance`]),
//! so order and duplicates don't matter. A status for a message we don't have yet waits in
//! `statuses` (message_id NULL) and is applied when the message arrives.

use coexist_core::ingest::StatusChange;
use coexist_core::status::{DeliveryStatus, Transition};
use coexist_core::store::MessageError;
use rusqlite::params;

use super::events::{CHAT_UPDATED, MESSAGE_UPDATED, Subject};
use super::numbers::NumberCtx;
use super::{Ingest, insert_new};
use crate::sqlite::error::DbResult;
use crate::sqlite::outbox;

/// A status that may move a message.
struct Candidate {
    status: DeliveryStatus,
    ts: i64,
    error: Option<MessageError>,
}

impl Ingest<'_> {
    pub(super) fn status(&mut self, s: &StatusChange) -> DbResult<()> {
        let n = self.number(&s.number, false)?;
        let Some(status_id) = self.insert_status(n, s)? else {
            return Ok(());
        };
        self.outcome.statuses_recorded += 1;
        let found = match self.find_message(n.id, &s.wamid)? {
            Some(found) => Some(found),
            None => self.reconcile_send(n, s)?,
        };
        let Some((message, chat)) = found else {
            return Ok(());
        };
        self.conn
            .prepare_cached("UPDATE statuses SET message_id = ?2 WHERE id = ?1")?
            .execute(params![status_id, message])?;
        let candidate = DeliveryStatus::from_webhook(&s.status).map(|status| Candidate {
            status,
            ts: s.timestamp.0,
            error: s.error.clone(),
        });
        let current = self.message_status(message)?;
        if self.advance(message, current, candidate)? {
            let subject = Subject {
                message: Some(message),
                ..Self::chat_subject(n, chat)
            };
            self.events
                .touch(MESSAGE_UPDATED, message, subject, "status");
            if self.is_last_message(chat, message)? {
                self.events.touch(CHAT_UPDATED, chat, subject, "status");
            }
        }
        Ok(())
    }

    /// A status for a wamid we don't know whose `biz_opaque_callback_data` names one of our
    /// API messages still without a wamid (its send's answer was lost or is not recorded yet):
    /// the message takes the wamid (see `outbox::attach_wamid`), then the status applies as usual.
    fn reconcile_send(&mut self, n: NumberCtx, s: &StatusChange) -> DbResult<Option<(i64, i64)>> {
        let Some(data) = s.biz_opaque_callback_data.as_deref() else {
            return Ok(None);
        };
        if outbox::attach_wamid(self.conn, n.id, data, &s.wamid, self.at)?.is_none() {
            return Ok(None);
        }
        let found = self.find_message(n.id, &s.wamid)?;
        if let Some((message, chat)) = found {
            let subject = Subject {
                message: Some(message),
                ..Self::chat_subject(n, chat)
            };
            self.events
                .touch(MESSAGE_UPDATED, message, subject, "reconciled");
        }
        Ok(found)
    }

    fn insert_status(&self, n: NumberCtx, s: &StatusChange) -> DbResult<Option<i64>> {
        let error = s.error.as_ref();
        insert_new(
            self.conn,
            "INSERT INTO statuses (org_id, number_id, wamid, status, ts, recipient_id,
                     pricing_category, pricing_type, pricing_model, billable, conversation_id,
                     conversation_origin, biz_opaque_callback_data, errors, error_code,
                     error_title, error_details, raw, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19)
                 ON CONFLICT DO NOTHING",
            params![
                n.org,
                n.id,
                s.wamid,
                s.status,
                s.timestamp.0,
                s.contact.wa_id,
                s.pricing_category,
                s.pricing_type,
                s.pricing_model,
                s.billable,
                s.conversation_id,
                s.conversation_origin,
                s.biz_opaque_callback_data,
                s.errors.as_ref().map(|e| e.to_string()),
                error.map(|e| e.code),
                error.and_then(|e| e.title.as_deref()),
                error.and_then(|e| e.details.as_deref()),
                s.raw.to_string(),
                self.at.0,
            ],
        )
    }

    fn message_status(&self, message: i64) -> DbResult<Option<DeliveryStatus>> {
        let s: Option<String> = self
            .conn
            .prepare_cached("SELECT status FROM messages WHERE id = ?1")?
            .query_row([message], |r| r.get(0))?;
        s.map(|s| s.parse().map_err(crate::sqlite::error::DbError::corrupt))
            .transpose()
    }

    /// Joins `candidate` into the message's status; true if it moved. A `failed` that wins
    /// keeps Meta's error on the message.
    fn advance(
        &mut self,
        message: i64,
        current: Option<DeliveryStatus>,
        candidate: Option<Candidate>,
    ) -> DbResult<bool> {
        let Some(c) = candidate else {
            return Ok(false);
        };
        let Transition::Advanced(next) = DeliveryStatus::advance(current, c.status) else {
            return Ok(false);
        };
        let error = c.error.filter(|_| next == DeliveryStatus::Failed);
        // A delivery receipt after a failure supersedes it (see the lattice): the message is no
        // longer failed, so its failure error goes too, whatever order the two arrived in.
        let clear = current == Some(DeliveryStatus::Failed);
        self.conn
            .prepare_cached(
                "UPDATE messages SET status = ?2, status_at = ?3,
                     error_code = CASE WHEN ?4 IS NOT NULL THEN ?4 WHEN ?7 THEN NULL
                         ELSE error_code END,
                     error_title = CASE WHEN ?4 IS NOT NULL THEN ?5 WHEN ?7 THEN NULL
                         ELSE error_title END,
                     error_details = CASE WHEN ?4 IS NOT NULL THEN ?6 WHEN ?7 THEN NULL
                         ELSE error_details END
                 WHERE id = ?1",
            )?
            .execute(params![
                message,
                next.as_str(),
                c.ts,
                error.as_ref().map(|e| e.code),
                error.as_ref().and_then(|e| e.title.as_deref()),
                error.as_ref().and_then(|e| e.details.as_deref()),
                clear,
            ])?;
        self.outcome.statuses_advanced += 1;
        Ok(true)
    }

    /// Applies the statuses that arrived before message `id` (its wamid): their join, once.
    pub(super) fn apply_pending_statuses(
        &mut self,
        n: NumberCtx,
        id: i64,
        wamid: &str,
        initial: Option<DeliveryStatus>,
    ) -> DbResult<()> {
        // Usually there are none: one index probe, and the UPDATE only when there are.
        let mut pending = self.conn.prepare_cached(
            "SELECT status, ts, error_code, error_title, error_details FROM statuses
             WHERE number_id = ?1 AND wamid = ?2 AND message_id IS NULL",
        )?;
        let rows = pending.query_map(params![n.id, wamid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut found = false;
        let mut best: Option<Candidate> = None;
        for row in rows {
            let (status, ts, code, title, details) = row?;
            found = true;
            let Some(status) = DeliveryStatus::from_webhook(&status) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| status > b.status) {
                let error = code.map(|code| MessageError {
                    code,
                    title,
                    details,
                });
                best = Some(Candidate { status, ts, error });
            }
        }
        drop(pending);
        if !found {
            return Ok(());
        }
        self.conn
            .prepare_cached(
                "UPDATE statuses SET message_id = ?1
                 WHERE number_id = ?2 AND wamid = ?3 AND message_id IS NULL",
            )?
            .execute(params![id, n.id, wamid])?;
        self.advance(id, initial, best)?;
        Ok(())
    }
}
