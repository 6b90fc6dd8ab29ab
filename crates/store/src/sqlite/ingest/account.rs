//! `account_update`: recorded for every number it concerns (or once, unattributed, when none
//! matches), and the lifecycle events move the number's state.
//!
//! The event names a number by its display phone number (the coexistence `PARTNER_REMOVED`
//! shape) or only by its WABA (META.md §5.7), in which case it concerns all the WABA's numbers.
//! Lifecycle events apply in Meta's time order (`entry[].time`; same second: the more severe
//! state), so a late older event does not undo a newer one and every delivery order converges
//! (`coexist_core::number::supersedes`).

use coexist_core::ingest::AccountChange;
use coexist_core::number::{LifecycleEvent, NumberState, supersedes};
use coexist_core::time::Timestamp;
use rusqlite::params;

use super::Ingest;
use super::events::{NUMBER_UPDATED, Subject};
use crate::sqlite::error::{DbError, DbResult};

/// A number an account event concerns.
struct Concerned {
    id: i64,
    org: i64,
    state: NumberState,
    state_at: Option<i64>,
}

impl Ingest<'_> {
    pub(super) fn account(&mut self, a: &AccountChange) -> DbResult<()> {
        let mut numbers = match &a.display_phone_number {
            Some(display) => self.concerned("display_phone_number", display)?,
            None => Vec::new(),
        };
        if numbers.is_empty()
            && let Some(waba) = &a.waba_id
        {
            numbers = self.concerned("waba_id", waba)?;
        }
        if numbers.is_empty() {
            self.record_account_event(self.default_org.0, None, a)?;
            return Ok(());
        }
        for n in numbers {
            if self.record_account_event(n.org, Some(n.id), a)? {
                self.apply_lifecycle(&n, a)?;
            }
        }
        Ok(())
    }

    fn concerned(&self, column: &str, value: &str) -> DbResult<Vec<Concerned>> {
        let sql = format!(
            "SELECT id, org_id, state, state_at FROM numbers WHERE {column} = ?1 ORDER BY id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([value], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?))
        })?;
        rows.map(|row| {
            let (id, org, state, state_at) = row?;
            let state = state.parse().map_err(DbError::corrupt)?;
            Ok(Concerned {
                id,
                org,
                state,
                state_at,
            })
        })
        .collect()
    }

    /// True if the event is new for this number.
    fn record_account_event(
        &self,
        org: i64,
        number: Option<i64>,
        a: &AccountChange,
    ) -> DbResult<bool> {
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO account_events (org_id, number_id, waba_id, event, reason,
                     initiated_by, ts, raw, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                org,
                number,
                a.waba_id,
                a.event,
                a.reason,
                a.initiated_by,
                a.timestamp.0,
                a.raw,
                self.at.0
            ])?;
        Ok(n > 0)
    }

    /// Moves the number's state. A disconnection keeps Meta's reason; a reconnection makes the
    /// number live again and keeps the last disconnection for the record.
    fn apply_lifecycle(&mut self, n: &Concerned, a: &AccountChange) -> DbResult<()> {
        let Some(event) = LifecycleEvent::from_account_event(&a.event) else {
            return Ok(());
        };
        let ts = a.timestamp.0;
        let next = event.next_state();
        if !supersedes(next, a.timestamp, n.state, n.state_at.map(Timestamp)) {
            return Ok(());
        }
        let disconnects = matches!(
            event,
            LifecycleEvent::PartnerRemoved | LifecycleEvent::Deleted
        );
        self.conn
            .prepare_cached(
                "UPDATE numbers SET state = ?2, state_at = ?3,
                     disconnect_reason = CASE WHEN ?4 THEN ?5 ELSE disconnect_reason END,
                     disconnect_initiated_by = CASE WHEN ?4 THEN ?6 ELSE disconnect_initiated_by END,
                     disconnected_at = CASE WHEN ?4 THEN ?3 ELSE disconnected_at END,
                     updated_at = ?7
                 WHERE id = ?1",
            )?
            .execute(params![
                n.id,
                next.as_str(),
                ts,
                disconnects,
                a.reason,
                a.initiated_by,
                self.at.0
            ])?;
        let subject = Subject {
            org: n.org,
            number: Some(n.id),
            ..Subject::default()
        };
        self.events.touch(NUMBER_UPDATED, n.id, subject, "state");
        Ok(())
    }
}
