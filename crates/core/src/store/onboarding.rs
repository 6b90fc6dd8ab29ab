//! [`OnboardingStore`]: what onboarding a number persists. Onboardings step by step, the
//! business tokens (sealed: the store never sees them in clear), the once-only sync requests,
//! the phone-app reminders, and the audit trail of all of it (who, what, when, Meta's answer).
//!
//! The sync guard lives here as a uniqueness rule: one request per (number, onboarding time,
//! kind), recorded **before** Meta is called, so at most one call is ever made, across processes
//! and restarts. Every write that changes an onboarding or a sync request appends its audit
//! entry in the same transaction.

use async_trait::async_trait;
use serde::Serialize;
use serde_json::Value;

use super::StoreError;
use crate::ids::{NumberId, OnboardingId, OrgId, TokenId, UserId};
use crate::number::NumberMode;
use crate::onboarding::{FlowStep, SyncKind, SyncState};
use crate::time::Timestamp;

/// Who did something, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditActor {
    /// A signed-in user.
    User(UserId),
    /// An integration, with an API token.
    Token(TokenId),
    /// coexist itself (a worker, a webhook from Meta).
    System,
}

impl AuditActor {
    /// `user`, `token` or `system`.
    pub fn kind(self) -> &'static str {
        match self {
            AuditActor::User(_) => "user",
            AuditActor::Token(_) => "token",
            AuditActor::System => "system",
        }
    }

    /// The user's or token's id.
    pub fn id(self) -> Option<i64> {
        match self {
            AuditActor::User(id) => Some(id.0),
            AuditActor::Token(id) => Some(id.0),
            AuditActor::System => None,
        }
    }

    /// Rebuilds an actor from its stored kind and id.
    pub fn from_parts(kind: &str, id: Option<i64>) -> Result<AuditActor, StoreError> {
        match (kind, id) {
            ("user", Some(id)) => Ok(AuditActor::User(UserId(id))),
            ("token", Some(id)) => Ok(AuditActor::Token(TokenId(id))),
            ("system", _) => Ok(AuditActor::System),
            _ => Err(StoreError::Invalid(format!(
                "unknown audit actor {kind:?} {id:?}"
            ))),
        }
    }
}

impl Serialize for AuditActor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("AuditActor", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("id", &self.id().map(|id| id.to_string()))?;
        st.end()
    }
}

/// A business token as stored: sealed with an AEAD by the hub. The store keeps only these bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedToken {
    /// Which key sealed it (for rotation).
    pub key_id: String,
    /// The nonce.
    pub nonce: Vec<u8>,
    /// The ciphertext with its tag.
    pub ciphertext: Vec<u8>,
}

/// An onboarding as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OnboardingRecord {
    /// Its id.
    pub id: OnboardingId,
    /// Its organization.
    #[serde(skip)]
    pub org_id: OrgId,
    /// Coexistence or Cloud API only.
    pub mode: NumberMode,
    /// The last step completed.
    pub step: FlowStep,
    /// The number the admin typed, digits only.
    pub phone: String,
    /// The preflight report the admin passed.
    pub preflight: Value,
    /// The business account, once the signup finished.
    pub waba_id: Option<String>,
    /// Meta's phone number id, once known.
    pub phone_number_id: Option<String>,
    /// The business portfolio, when Meta said.
    pub business_id: Option<String>,
    /// The number in coexist, once onboarded.
    pub number_id: Option<NumberId>,
    /// Whether a business token is stored for the business account.
    pub has_token: bool,
    /// Why the last attempt at the next step failed (cleared by a successful step).
    pub error: Option<String>,
    /// Who started it.
    pub started_by: AuditActor,
    /// When.
    pub started_at: Timestamp,
    /// The last change.
    pub updated_at: Timestamp,
    /// When the signup finished (Meta's onboarding; the 24-hour sync window counts from here).
    pub onboarded_at: Option<Timestamp>,
}

/// A new onboarding.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOnboarding {
    /// The model.
    pub mode: NumberMode,
    /// The number, digits only.
    pub phone: String,
    /// The preflight report (passed).
    pub preflight: Value,
    /// Who starts it.
    pub by: AuditActor,
}

/// One step forward (or a cancellation), with what it learned and its audit entry.
#[derive(Debug, Clone, PartialEq)]
pub struct OnboardingAdvance {
    /// The step the onboarding must be at (compare-and-set: a concurrent step loses).
    pub expect: FlowStep,
    /// The step reached.
    pub step: FlowStep,
    /// The business account, when learned now.
    pub waba_id: Option<String>,
    /// The phone number id, when learned now.
    pub phone_number_id: Option<String>,
    /// The business portfolio, when learned now.
    pub business_id: Option<String>,
    /// The number in coexist, when configured now.
    pub number_id: Option<NumberId>,
    /// When the signup finished, when it did now.
    pub onboarded_at: Option<Timestamp>,
    /// The business token for the business account, sealed, when obtained now.
    pub token: Option<SealedToken>,
    /// What to record in the audit trail.
    pub audit: NewAudit,
}

impl OnboardingAdvance {
    /// A step with nothing learned but its audit entry.
    pub fn to(expect: FlowStep, step: FlowStep, audit: NewAudit) -> Self {
        OnboardingAdvance {
            expect,
            step,
            waba_id: None,
            phone_number_id: None,
            business_id: None,
            number_id: None,
            onboarded_at: None,
            token: None,
            audit,
        }
    }
}

/// An audit entry to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAudit {
    /// Who.
    pub by: AuditActor,
    /// What, as a dotted name (`onboarding.started`, `sync.requested`, `sync.answered`, …).
    pub action: String,
    /// The number concerned.
    pub number_id: Option<NumberId>,
    /// The onboarding concerned.
    pub onboarding_id: Option<OnboardingId>,
    /// Details (never secrets).
    pub detail: Value,
    /// Meta's answer, when there was one.
    pub meta: Option<Value>,
}

impl NewAudit {
    /// An entry with no number, onboarding or Meta answer yet.
    pub fn new(by: AuditActor, action: &str, detail: Value) -> Self {
        NewAudit {
            by,
            action: action.to_owned(),
            number_id: None,
            onboarding_id: None,
            detail,
            meta: None,
        }
    }
}

/// An audit entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    /// Its id (entries are append-only, in id order).
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: AuditActor,
    /// What.
    pub action: String,
    /// The number concerned.
    pub number_id: Option<NumberId>,
    /// The onboarding concerned.
    pub onboarding_id: Option<OnboardingId>,
    /// Details.
    pub detail: Value,
    /// Meta's answer.
    pub meta: Option<Value>,
}

/// Which audit entries to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this number's.
    pub number_id: Option<NumberId>,
    /// Only this onboarding's.
    pub onboarding_id: Option<OnboardingId>,
}

/// A sync request as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncRequestRecord {
    /// Its id.
    pub id: i64,
    /// The number.
    pub number_id: NumberId,
    /// Contacts or history.
    pub kind: SyncKind,
    /// The onboarding time it belongs to (one request per kind per onboarding).
    pub onboarded_at: Timestamp,
    /// The onboarding it was made for, when made through one.
    pub onboarding_id: Option<OnboardingId>,
    /// Where it stands (as stored; see `onboarding::shown_state`).
    pub state: SyncState,
    /// Who asked.
    pub requested_by: AuditActor,
    /// When it was recorded (just before the call).
    pub requested_at: Timestamp,
    /// When the answer was recorded.
    pub answered_at: Option<Timestamp>,
    /// Meta's `request_id`, when accepted.
    pub request_id: Option<String>,
    /// Meta's error code, when refused.
    pub error_code: Option<i64>,
    /// What went wrong, in Meta's or the network's words.
    pub error: Option<String>,
}

/// A sync request to record before calling Meta.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSyncRequest {
    /// The number.
    pub number_id: NumberId,
    /// Contacts or history.
    pub kind: SyncKind,
    /// The number's current onboarding time.
    pub onboarded_at: Timestamp,
    /// The onboarding, when made through one.
    pub onboarding_id: Option<OnboardingId>,
    /// Who asks.
    pub by: AuditActor,
}

/// What [`OnboardingStore::begin_sync_request`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncBegin {
    /// Recorded as pending: the caller may now call Meta, once.
    Begun(SyncRequestRecord),
    /// A request already exists for this number, onboarding and kind: do not call.
    Exists(SyncRequestRecord),
}

/// Meta's (or the network's) answer to a sync request.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncAnswer {
    /// Accepted with this `request_id`.
    Accepted {
        /// Meta's id, kept for support.
        request_id: String,
    },
    /// Meta answered with an error.
    Refused {
        /// Meta's code, when the answer had Meta's error object.
        code: Option<i64>,
        /// Meta's message or the answer's start.
        message: String,
    },
    /// The request never left the hub.
    NotSent {
        /// Why.
        why: String,
    },
    /// It left, and no answer came.
    Unknown {
        /// Why.
        why: String,
    },
}

impl SyncAnswer {
    /// The state it leads to.
    pub fn state(&self) -> SyncState {
        match self {
            SyncAnswer::Accepted { .. } => SyncState::Accepted,
            SyncAnswer::Refused { .. } => SyncState::Refused,
            SyncAnswer::NotSent { .. } => SyncState::NotSent,
            SyncAnswer::Unknown { .. } => SyncState::Unknown,
        }
    }
}

/// A reminder to open the phone app, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReminderRecord {
    /// Its id.
    pub id: i64,
    /// The number.
    pub number_id: NumberId,
    /// The threshold: 10 or 12 days.
    pub days: i64,
    /// The last sign of life of the phone app when it was made (the inactivity period).
    pub period_start: Timestamp,
    /// When it was made (and shown in the app).
    pub created_at: Timestamp,
    /// When the outgoing webhook accepted it (`None`: not yet, or no webhook configured).
    pub delivered_at: Option<Timestamp>,
    /// Outgoing webhook attempts so far.
    pub attempts: u32,
    /// The last attempt's failure.
    pub last_error: Option<String>,
}

/// What onboarding persists. Implemented by every backend, held to the contract suite.
#[async_trait]
pub trait OnboardingStore: Send + Sync + 'static {
    /// Starts an onboarding at `started` and audits it.
    async fn start_onboarding(
        &self,
        org: OrgId,
        new: NewOnboarding,
        now: Timestamp,
    ) -> Result<OnboardingRecord, StoreError>;

    /// One onboarding (`NotFound` for another organization's).
    async fn get_onboarding(
        &self,
        org: OrgId,
        id: OnboardingId,
    ) -> Result<OnboardingRecord, StoreError>;

    /// The organization's onboardings, newest first.
    async fn list_onboardings(&self, org: OrgId) -> Result<Vec<OnboardingRecord>, StoreError>;

    /// Moves an onboarding one step (checked against the flow's rules), storing what the step
    /// learned and its audit entry in one transaction. `Conflict` when it is no longer at
    /// `expect` (another request moved it first); `Invalid` for a move the flow forbids.
    async fn advance_onboarding(
        &self,
        org: OrgId,
        id: OnboardingId,
        advance: OnboardingAdvance,
        now: Timestamp,
    ) -> Result<OnboardingRecord, StoreError>;

    /// Records that the next step failed (the step stays), with its audit entry.
    async fn fail_onboarding(
        &self,
        org: OrgId,
        id: OnboardingId,
        error: String,
        audit: NewAudit,
        now: Timestamp,
    ) -> Result<OnboardingRecord, StoreError>;

    /// The sealed business token of a business account, if one is stored.
    async fn business_token(
        &self,
        org: OrgId,
        waba_id: &str,
    ) -> Result<Option<SealedToken>, StoreError>;

    /// Records a sync request before Meta is called, with its audit entry. At most one per
    /// (number, onboarding time, kind): when one exists, nothing is written and it is returned
    /// as [`SyncBegin::Exists`] — except one that never left the hub (`not_sent`), which is
    /// made pending again for an explicit retry.
    async fn begin_sync_request(
        &self,
        org: OrgId,
        new: NewSyncRequest,
        now: Timestamp,
    ) -> Result<SyncBegin, StoreError>;

    /// Records the answer to a pending request, with its audit entry (Meta's answer in `meta`).
    /// `Conflict` when it is not pending.
    async fn finish_sync_request(
        &self,
        org: OrgId,
        id: i64,
        answer: SyncAnswer,
        meta: Option<Value>,
        now: Timestamp,
    ) -> Result<SyncRequestRecord, StoreError>;

    /// A number's sync requests, oldest first.
    async fn list_sync_requests(
        &self,
        org: OrgId,
        number: NumberId,
    ) -> Result<Vec<SyncRequestRecord>, StoreError>;

    /// Appends an audit entry.
    async fn append_audit(
        &self,
        org: OrgId,
        entry: NewAudit,
        now: Timestamp,
    ) -> Result<AuditRecord, StoreError>;

    /// Audit entries, newest first.
    async fn list_audit(
        &self,
        org: OrgId,
        filter: AuditFilter,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError>;

    /// Records a reminder for (number, period, days) with its audit entry; `None` when it was
    /// already recorded (so it is never repeated, whatever restarts in between).
    async fn record_reminder(
        &self,
        org: OrgId,
        number: NumberId,
        days: i64,
        period_start: Timestamp,
        now: Timestamp,
    ) -> Result<Option<ReminderRecord>, StoreError>;

    /// A number's reminders, newest first.
    async fn list_reminders(
        &self,
        org: OrgId,
        number: Option<NumberId>,
    ) -> Result<Vec<ReminderRecord>, StoreError>;

    /// Records one outgoing-webhook attempt of a reminder: delivered, or the error.
    async fn record_reminder_attempt(
        &self,
        org: OrgId,
        id: i64,
        outcome: Result<(), String>,
        now: Timestamp,
    ) -> Result<ReminderRecord, StoreError>;
}
