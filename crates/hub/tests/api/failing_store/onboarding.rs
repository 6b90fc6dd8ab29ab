//! Onboarding delegates unchanged.

use async_trait::async_trait;
use coexist_core::ids::{NumberId, OnboardingId, OrgId};
use coexist_core::store::{
    AuditFilter, AuditRecord, NewAudit, NewOnboarding, NewSyncRequest, OnboardingAdvance,
    OnboardingRecord, OnboardingStore, ReminderRecord, SealedToken, StoreError, SyncAnswer,
    SyncBegin, SyncRequestRecord,
};
use coexist_core::time::Timestamp;
use serde_json::Value;

use super::FailingStore;

#[async_trait]
impl OnboardingStore for FailingStore {
    async fn start_onboarding(
        &self,
        org: OrgId,
        new: NewOnboarding,
        now: Timestamp,
    ) -> Result<OnboardingRecord, StoreError> {
        self.inner.start_onboarding(org, new, now).await
    }
    async fn get_onboarding(
        &self,
        org: OrgId,
        id: OnboardingId,
    ) -> Result<OnboardingRecord, StoreError> {
        self.inner.get_onboarding(org, id).await
    }
    async fn list_onboardings(&self, org: OrgId) -> Result<Vec<OnboardingRecord>, StoreError> {
        self.inner.list_onboardings(org).await
    }
    async fn advance_onboarding(
        &self,
        org: OrgId,
        id: OnboardingId,
        advance: OnboardingAdvance,
        now: Timestamp,
    ) -> Result<OnboardingRecord, StoreError> {
        self.inner.advance_onboarding(org, id, advance, now).await
    }
    async fn fail_onboarding(
        &self,
        org: OrgId,
        id: OnboardingId,
        error: String,
        audit: NewAudit,
        now: Timestamp,
    ) -> Result<OnboardingRecord, StoreError> {
        self.inner.fail_onboarding(org, id, error, audit, now).await
    }
    async fn business_token(
        &self,
        org: OrgId,
        waba_id: &str,
    ) -> Result<Option<SealedToken>, StoreError> {
        self.inner.business_token(org, waba_id).await
    }
    async fn begin_sync_request(
        &self,
        org: OrgId,
        new: NewSyncRequest,
        now: Timestamp,
    ) -> Result<SyncBegin, StoreError> {
        self.inner.begin_sync_request(org, new, now).await
    }
    async fn finish_sync_request(
        &self,
        org: OrgId,
        id: i64,
        answer: SyncAnswer,
        meta: Option<Value>,
        now: Timestamp,
    ) -> Result<SyncRequestRecord, StoreError> {
        self.inner
            .finish_sync_request(org, id, answer, meta, now)
            .await
    }
    async fn list_sync_requests(
        &self,
        org: OrgId,
        number: NumberId,
    ) -> Result<Vec<SyncRequestRecord>, StoreError> {
        self.inner.list_sync_requests(org, number).await
    }
    async fn append_audit(
        &self,
        org: OrgId,
        entry: NewAudit,
        now: Timestamp,
    ) -> Result<AuditRecord, StoreError> {
        self.inner.append_audit(org, entry, now).await
    }
    async fn list_audit(
        &self,
        org: OrgId,
        filter: AuditFilter,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        self.inner.list_audit(org, filter, limit).await
    }
    async fn record_reminder(
        &self,
        org: OrgId,
        number: NumberId,
        days: i64,
        period_start: Timestamp,
        now: Timestamp,
    ) -> Result<Option<ReminderRecord>, StoreError> {
        self.inner
            .record_reminder(org, number, days, period_start, now)
            .await
    }
    async fn list_reminders(
        &self,
        org: OrgId,
        number: Option<NumberId>,
    ) -> Result<Vec<ReminderRecord>, StoreError> {
        self.inner.list_reminders(org, number).await
    }
    async fn record_reminder_attempt(
        &self,
        org: OrgId,
        id: i64,
        outcome: Result<(), String>,
        now: Timestamp,
    ) -> Result<ReminderRecord, StoreError> {
        self.inner
            .record_reminder_attempt(org, id, outcome, now)
            .await
    }
}
