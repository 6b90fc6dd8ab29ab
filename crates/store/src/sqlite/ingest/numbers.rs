//! Resolving the number a change concerns, creating it when we have never seen it.

use coexist_core::ingest::NumberRef;
use coexist_core::number::{HistoryImport, NumberMode, NumberState};
use coexist_core::time::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::Ingest;
use super::events::{NUMBER_UPDATED, Subject};
use crate::sqlite::error::{DbError, DbResult};

/// What the rest of the batch needs to know about a number.
#[derive(Debug, Clone, Copy)]
pub(super) struct NumberCtx {
    pub(super) id: i64,
    pub(super) org: i64,
    pub(super) mode: NumberMode,
    pub(super) configured: bool,
}

impl NumberCtx {
    pub(super) fn subject(self) -> Subject {
        Subject {
            org: self.org,
            number: Some(self.id),
            ..Subject::default()
        }
    }

    /// An auto-created number still believed to be Cloud API only: a coexistence-only change
    /// (echo, history, address book) proves it is on the phone app too. A configured number's
    /// mode is the admin's word and stays.
    fn needs_upgrade(self, coexistence: bool) -> bool {
        coexistence && !self.configured && self.mode == NumberMode::CloudApi
    }
}

struct StoredNumber {
    ctx: NumberCtx,
    display: Option<String>,
    waba: Option<String>,
    last_webhook_at: Option<i64>,
}

impl Ingest<'_> {
    /// The number named by `r`. `coexistence`: the change exists only on coexistence numbers.
    /// The first time a batch sees a number its `last_webhook_at` moves to the receive time and
    /// a missing display number or WABA id is filled in.
    pub(super) fn number(&mut self, r: &NumberRef, coexistence: bool) -> DbResult<NumberCtx> {
        if let Some(n) = self.numbers.get(&r.phone_number_id).copied()
            && !n.needs_upgrade(coexistence)
        {
            return Ok(n);
        }
        let n = match self.load_number(&r.phone_number_id)? {
            Some(stored) => self.refresh_number(stored, r, coexistence)?,
            None => self.create_number(r, coexistence)?,
        };
        self.numbers.insert(r.phone_number_id.clone(), n);
        Ok(n)
    }

    fn load_number(&self, phone_number_id: &str) -> DbResult<Option<StoredNumber>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, org_id, mode, configured, display_phone_number, waba_id,
                     last_webhook_at
                 FROM numbers WHERE phone_number_id = ?1",
            )?
            .query_row([phone_number_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                ))
            })
            .optional()?;
        let Some((id, org, mode, configured, display, waba, last_webhook_at)) = row else {
            return Ok(None);
        };
        let mode = mode.parse::<NumberMode>().map_err(DbError::corrupt)?;
        Ok(Some(StoredNumber {
            ctx: NumberCtx {
                id,
                org,
                mode,
                configured,
            },
            display,
            waba,
            last_webhook_at,
        }))
    }

    fn refresh_number(
        &mut self,
        stored: StoredNumber,
        r: &NumberRef,
        coexistence: bool,
    ) -> DbResult<NumberCtx> {
        let mut n = stored.ctx;
        let upgrade = n.needs_upgrade(coexistence);
        if upgrade {
            n.mode = NumberMode::Coexistence;
        }
        let filled = (stored.display.is_none() && r.display_phone_number.is_some())
            || (stored.waba.is_none() && r.waba_id.is_some());
        if upgrade || filled {
            self.conn
                .prepare_cached(
                    "UPDATE numbers SET
                         display_phone_number = ifnull(display_phone_number, ?2),
                         waba_id = ifnull(waba_id, ?3),
                         mode = ?4,
                         updated_at = ?5
                     WHERE id = ?1",
                )?
                .execute(params![
                    n.id,
                    r.display_phone_number,
                    r.waba_id,
                    n.mode.as_str(),
                    self.at.0
                ])?;
        }
        // Every webhook moves `last_webhook_at` forward: a statement of its own that sets no
        // indexed column, so SQLite leaves the number's indexes alone; none at all when another
        // webhook of the same millisecond (under load, most of them) already moved it there.
        if stored.last_webhook_at.is_none_or(|last| last < self.at.0) {
            self.touch_number(n.id)?;
        }
        let subject = n.subject();
        if upgrade {
            self.events.touch(NUMBER_UPDATED, n.id, subject, "mode");
        }
        if filled {
            self.events.touch(NUMBER_UPDATED, n.id, subject, "identity");
        }
        Ok(n)
    }

    fn touch_number(&self, number: i64) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "UPDATE numbers SET
                     last_webhook_at = max(ifnull(last_webhook_at, ?2), ?2),
                     updated_at = ?2
                 WHERE id = ?1",
            )?
            .execute(params![number, self.at.0])?;
        Ok(())
    }

    fn create_number(&mut self, r: &NumberRef, coexistence: bool) -> DbResult<NumberCtx> {
        let org = self.default_org.0;
        let org_exists = self
            .conn
            .prepare_cached("SELECT 1 FROM orgs WHERE id = ?1")?
            .exists([org])?;
        if !org_exists {
            return Err(DbError::invalid(format!(
                "the batch's default organization {org} does not exist, so number {} cannot be \
                 created",
                r.phone_number_id
            )));
        }
        let mode = if coexistence {
            NumberMode::Coexistence
        } else {
            NumberMode::CloudApi
        };
        let history = serde_json::to_string(&HistoryImport::default())?;
        let id: i64 = self
            .conn
            .prepare_cached(
                "INSERT INTO numbers (org_id, phone_number_id, display_phone_number, waba_id,
                     mode, state, configured, last_webhook_at, history, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?7, ?7)
                 RETURNING id",
            )?
            .query_row(
                params![
                    org,
                    r.phone_number_id,
                    r.display_phone_number,
                    r.waba_id,
                    mode.as_str(),
                    NumberState::Live.as_str(),
                    self.at.0,
                    history,
                ],
                |row| row.get(0),
            )?;
        let n = NumberCtx {
            id,
            org,
            mode,
            configured: false,
        };
        self.events
            .touch(NUMBER_UPDATED, id, n.subject(), "created");
        Ok(n)
    }

    /// A sign of life from the phone app at `ts` (an echo, a business edit, a contact change).
    pub(super) fn app_activity(&mut self, n: NumberCtx, ts: Timestamp) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "UPDATE numbers SET last_app_activity_at = ?2
                 WHERE id = ?1 AND (last_app_activity_at IS NULL OR last_app_activity_at < ?2)",
            )?
            .execute(params![n.id, ts.0])?;
        Ok(())
    }

    /// The number's history import, as stored.
    pub(super) fn load_history(&self, number: i64) -> DbResult<HistoryImport> {
        let json: String = self
            .conn
            .prepare_cached("SELECT history FROM numbers WHERE id = ?1")?
            .query_row([number], |r| r.get(0))?;
        Ok(serde_json::from_str(&json)?)
    }

    pub(super) fn save_history(&self, number: i64, history: &HistoryImport) -> DbResult<()> {
        self.conn
            .prepare_cached("UPDATE numbers SET history = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![number, serde_json::to_string(history)?, self.at.0])?;
        Ok(())
    }
}
