//! Changes that are mostly recorded: templates, marketing preferences, value-level errors and
//! whatever could not be typed.

use coexist_core::ingest::{PreferenceChange, TemplateChange, Unparsed, ValueError};
use rusqlite::{OptionalExtension, params};
use serde_json::json;

use super::Ingest;
use super::events::{Subject, TEMPLATE_UPDATED, WEBHOOK_ERROR};
use super::numbers::NumberCtx;
use crate::sqlite::error::DbResult;

impl Ingest<'_> {
    /// Upserts the template (status and category each newer-wins) and records the event.
    pub(super) fn template(&mut self, t: &TemplateChange) -> DbResult<()> {
        let org: i64 = self
            .conn
            .prepare_cached("SELECT org_id FROM numbers WHERE waba_id = ?1 ORDER BY id LIMIT 1")?
            .query_row([&t.waba_id], |r| r.get(0))
            .optional()?
            .unwrap_or(self.default_org.0);
        let new = self
            .conn
            .prepare_cached(
                "INSERT INTO template_events (org_id, waba_id, template_id, field, event, ts, raw,
                     received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                org,
                t.waba_id,
                t.template_id,
                t.field,
                t.event,
                t.timestamp.0,
                t.raw,
                self.at.0
            ])?;
        if new == 0 {
            return Ok(());
        }
        self.upsert_template(org, t)?;
        let data = json!({
            "waba_id": t.waba_id,
            "template_id": t.template_id,
            "name": t.name,
            "status": t.event,
            "category": t.category,
        });
        let subject = Subject {
            org,
            ..Subject::default()
        };
        self.events.push(TEMPLATE_UPDATED, subject, data);
        Ok(())
    }

    fn upsert_template(&self, org: i64, t: &TemplateChange) -> DbResult<()> {
        let ts = t.timestamp.0;
        let status_at = t.event.as_ref().map(|_| ts);
        let category_at = t.category.as_ref().map(|_| ts);
        self.conn
            .prepare_cached(
                "INSERT INTO templates (org_id, waba_id, template_id, name, language, category,
                     status, reason, status_at, category_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (waba_id, template_id) DO UPDATE SET
                     name = ifnull(excluded.name, name),
                     language = ifnull(excluded.language, language),
                     status = CASE WHEN excluded.status_at IS NOT NULL
                         AND (status_at IS NULL OR excluded.status_at >= status_at)
                         THEN excluded.status ELSE status END,
                     reason = CASE WHEN excluded.status_at IS NOT NULL
                         AND (status_at IS NULL OR excluded.status_at >= status_at)
                         THEN excluded.reason ELSE reason END,
                     status_at = max(ifnull(status_at, excluded.status_at),
                         ifnull(excluded.status_at, status_at)),
                     category = CASE WHEN excluded.category_at IS NOT NULL
                         AND (category_at IS NULL OR excluded.category_at >= category_at)
                         THEN excluded.category ELSE category END,
                     category_at = max(ifnull(category_at, excluded.category_at),
                         ifnull(excluded.category_at, category_at)),
                     updated_at = excluded.updated_at",
            )?
            .execute(params![
                org,
                t.waba_id,
                t.template_id,
                t.name,
                t.language,
                t.category,
                t.event,
                t.reason,
                status_at,
                category_at,
                self.at.0
            ])?;
        Ok(())
    }

    /// Records a preference change once; `marketing_messages` stop/resume sets the contact's
    /// opt-out, newer wins.
    pub(super) fn preference(&mut self, p: &PreferenceChange) -> DbResult<()> {
        let n = self.number(&p.number, false)?;
        let contact = self.contact(n, &p.contact, true, Some(p.timestamp))?;
        let new = self
            .conn
            .prepare_cached(
                "INSERT INTO preference_events (org_id, number_id, contact_id, category, value,
                     detail, ts, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                n.org,
                n.id,
                contact,
                p.category,
                p.value,
                p.detail,
                p.timestamp.0,
                self.at.0
            ])?;
        let opt_out = match p.value.as_str() {
            "stop" => Some(true),
            "resume" => Some(false),
            _ => None,
        };
        let (true, "marketing_messages", Some(opt_out)) = (new > 0, p.category.as_str(), opt_out)
        else {
            return Ok(());
        };
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE contacts SET marketing_opt_out = ?2, marketing_pref_at = ?3, updated_at = ?4
                 WHERE id = ?1 AND (marketing_pref_at IS NULL OR ?3 >= marketing_pref_at)",
            )?
            .execute(params![contact, opt_out, p.timestamp.0, self.at.0])?;
        if changed > 0 {
            self.contact_changed(n, contact, "marketing");
        }
        Ok(())
    }

    /// Records a value-level error (once per request, field, code and body); returns the number
    /// it names. `coexistence`: the error is about a coexistence feature (history).
    pub(super) fn value_error(
        &mut self,
        e: &ValueError,
        coexistence: bool,
    ) -> DbResult<Option<NumberCtx>> {
        let n = match &e.number {
            Some(r) => Some(self.number(r, coexistence)?),
            None => None,
        };
        let org = n.map_or(self.default_org.0, |n| n.org);
        let new = self
            .conn
            .prepare_cached(
                "INSERT INTO webhook_errors (org_id, number_id, field, code, title, details, raw,
                     webhook_id, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                org,
                n.map(|n| n.id),
                e.field,
                e.error.code,
                e.error.title,
                e.error.details,
                e.raw.to_string(),
                self.webhook_id,
                self.at.0
            ])?;
        if new > 0 {
            let subject = Subject {
                org,
                number: n.map(|n| n.id),
                ..Subject::default()
            };
            let data = json!({ "field": e.field, "code": e.error.code, "title": e.error.title });
            self.events.push(WEBHOOK_ERROR, subject, data);
        }
        Ok(n)
    }

    /// Keeps what could not be typed, raw, with the reason.
    pub(super) fn unparsed(&mut self, u: &Unparsed) -> DbResult<()> {
        let n = match &u.number {
            Some(r) => Some(self.number(r, false)?),
            None => None,
        };
        self.conn
            .prepare_cached(
                "INSERT INTO unparsed_changes (org_id, webhook_id, number_id, field, reason, raw,
                     received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                n.map_or(self.default_org.0, |n| n.org),
                self.webhook_id,
                n.map(|n| n.id),
                u.field,
                u.reason,
                u.raw.to_string(),
                self.at.0
            ])?;
        Ok(())
    }
}
