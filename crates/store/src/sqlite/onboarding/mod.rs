//! The onboarding side of [`SqliteStore`]: onboardings and their sealed business tokens, the
//! once-only sync requests, phone-app reminders and the audit trail. Writes go through the
//! writer (one transaction each, audit entry included); reads use the read pool.

mod audit;
mod flows;
mod reminders;
mod sync;

use async_trait::async_trait;
use coexist_core::ids::{NumberId, OnboardingId, OrgId};
use coexist_core::store::{
    AuditFilter, AuditRecord, NewAudit, NewOnboarding, NewSyncRequest, OnboardingAdvance,
    OnboardingRecord, OnboardingStore, ReminderRecord, SealedToken, StoreError, SyncAnswer,
    SyncBegin, SyncRequestRecord,
};
use coexist_core::time::Timestamp;
use serde_json::Value;

use super::SqliteStore;

#[async_trait]
impl OnboardingStore for SqliteStore {
    async fn start_onboarding(
        &self,
        org: OrgId,
        new: NewOnboarding,
        now: Timestamp,
    ) -> Result<OnboardingRecord, StoreError> {
        self.writer
            .write(0, move |c| flows::start(c, org, &new, now))
            .await
    }

    async fn get_onboarding(
        &self,
        org: OrgId,
        id: OnboardingId,
    ) -> Result<OnboardingRecord, StoreError> {
        self.readers.read(move |c| flows::get(c, org, id)).await
    }

    async fn list_onboardings(&self, org: OrgId) -> Result<Vec<OnboardingRecord>, StoreError> {
        self.readers.read(move |c| flows::list(c, org)).await
    }

    async fn advance_onboarding(
        &self,
        org: OrgId,
        id: OnboardingId,
        advance: OnboardingAdvance,
        now: Timestamp,
    ) -> Result<OnboardingRecord, StoreError> {
        self.writer
            .write(0, move |c| flows::advance(c, org, id, &advance, now))
            .await
    }

    async fn fail_onboarding(
        &self,
        org: OrgId,
        id: OnboardingId,
        error: String,
        audit: NewAudit,
        now: Timestamp,
    ) -> Result<OnboardingRecord, StoreError> {
        self.writer
            .write(0, move |c| flows::fail(c, org, id, &error, &audit, now))
            .await
    }

    async fn business_token(
        &self,
        org: OrgId,
        waba_id: &str,
    ) -> Result<Option<SealedToken>, StoreError> {
        let waba_id = waba_id.to_owned();
        self.readers
            .read(move |c| flows::token(c, org, &waba_id))
            .await
    }

    async fn begin_sync_request(
        &self,
        org: OrgId,
        new: NewSyncRequest,
        now: Timestamp,
    ) -> Result<SyncBegin, StoreError> {
        self.writer
            .write(0, move |c| sync::begin(c, org, &new, now))
            .await
    }

    async fn finish_sync_request(
        &self,
        org: OrgId,
        id: i64,
        answer: SyncAnswer,
        meta: Option<Value>,
        now: Timestamp,
    ) -> Result<SyncRequestRecord, StoreError> {
        self.writer
            .write(0, move |c| {
                sync::finish(c, org, id, &answer, meta.as_ref(), now)
            })
            .await
    }

    async fn list_sync_requests(
        &self,
        org: OrgId,
        number: NumberId,
    ) -> Result<Vec<SyncRequestRecord>, StoreError> {
        self.readers.read(move |c| sync::list(c, org, number)).await
    }

    async fn append_audit(
        &self,
        org: OrgId,
        entry: NewAudit,
        now: Timestamp,
    ) -> Result<AuditRecord, StoreError> {
        self.writer
            .write(0, move |c| audit::append(c, org, &entry, now))
            .await
    }

    async fn list_audit(
        &self,
        org: OrgId,
        filter: AuditFilter,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        self.readers
            .read(move |c| audit::list(c, org, filter, limit))
            .await
    }

    async fn record_reminder(
        &self,
        org: OrgId,
        number: NumberId,
        days: i64,
        period_start: Timestamp,
        now: Timestamp,
    ) -> Result<Option<ReminderRecord>, StoreError> {
        self.writer
            .write(0, move |c| {
                reminders::record(c, org, number, days, period_start, now)
            })
            .await
    }

    async fn list_reminders(
        &self,
        org: OrgId,
        number: Option<NumberId>,
    ) -> Result<Vec<ReminderRecord>, StoreError> {
        self.readers
            .read(move |c| reminders::list(c, org, number))
            .await
    }

    async fn record_reminder_attempt(
        &self,
        org: OrgId,
        id: i64,
        outcome: Result<(), String>,
        now: Timestamp,
    ) -> Result<ReminderRecord, StoreError> {
        self.writer
            .write(0, move |c| reminders::attempt(c, org, id, &outcome, now))
            .await
    }
}
