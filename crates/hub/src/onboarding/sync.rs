//! The guarded once-only sync: [`request_sync`] asks Meta for a coexistence number's contacts
//! or chat history (`POST /{phone_number_id}/smb_app_data`) at most once per onboarding.
//!
//! 1. The rules (`coexist_core::onboarding::check_sync`): a coexistence number, connected,
//!    onboarded less than 24 hours ago, and no earlier request of this kind for this
//!    onboarding.
//! 2. The request is recorded durably (`pending`) **before** the call; the store refuses a
//!    second record for the same number, onboarding time and kind, from any process.
//! 3. One call, never retried by coexist. The answer is recorded: accepted (Meta's
//!    `request_id`), refused (Meta's code, explained), not sent (never left: the admin may try
//!    again), or unknown (left without an answer: never asked again; the history progress
//!    tells whether it worked). A crash between 2 and 3 leaves `pending`, shown as unknown.

use coexist_core::ids::{NumberId, OrgId};
use coexist_core::onboarding::{
    MetaAdvice, SyncCheck, SyncKind, SyncRefusal, SyncState, check_sync, meta_advice, shown_state,
};
use coexist_core::store::{
    AuditActor, NewSyncRequest, NumberRecord, StoreError, SyncAnswer, SyncBegin, SyncRequestRecord,
};
use coexist_core::time::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};

use super::Onboarding;
use crate::graph::{GraphClient, GraphError};

/// Why a sync was not requested.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The rules refuse it (already requested, too late, not a coexistence number, …).
    #[error("{}", .refusal.explain(*.kind))]
    Refused {
        /// Which sync.
        kind: SyncKind,
        /// Why.
        refusal: SyncRefusal,
    },
    /// No such number in the organization.
    #[error("number not found")]
    NotFound,
    /// Storage failed before anything was sent.
    #[error(transparent)]
    Store(StoreError),
}

/// A request that was made: what became of it, in words.
#[derive(Debug, Clone, Serialize)]
pub struct SyncOutcome {
    /// Which sync.
    pub kind: SyncKind,
    /// The recorded request with its answer.
    pub request: SyncRequestRecord,
    /// What Meta's error means, when it refused.
    pub advice: Option<MetaAdvice>,
    /// What happened and what comes next.
    pub message: String,
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => SyncError::NotFound,
            other => SyncError::Store(other),
        }
    }
}

/// The request of `kind` recorded for the number's current onboarding, if any.
pub(super) fn current(
    requests: &[SyncRequestRecord],
    number: &NumberRecord,
    kind: SyncKind,
) -> Option<SyncRequestRecord> {
    let onboarded_at = number.onboarded_at?;
    requests
        .iter()
        .find(|r| r.kind == kind && r.onboarded_at == onboarded_at)
        .cloned()
}

/// Asks Meta for the `kind` sync of `number`, at most once per onboarding (see the module
/// docs). The demo and the API call exactly this.
pub async fn request_sync(
    onboarding: &Onboarding,
    org: OrgId,
    number: NumberId,
    kind: SyncKind,
    by: AuditActor,
) -> Result<SyncOutcome, SyncError> {
    let store = &onboarding.store;
    let record = store.get_number(org, number).await?;
    let requests = store.list_sync_requests(org, number).await?;
    let previous = current(&requests, &record, kind);
    let check = SyncCheck {
        mode: record.mode,
        state: record.state,
        onboarded_at: record.onboarded_at,
        previous: previous.as_ref().map(|r| (r.state, r.requested_at)),
    };
    let now = onboarding.clock.now();
    check_sync(&check, now).map_err(|refusal| SyncError::Refused { kind, refusal })?;
    let onboarded_at = record.onboarded_at.ok_or(SyncError::Refused {
        kind,
        refusal: SyncRefusal::NotOnboarded,
    })?;
    let onboarding_id = store
        .list_onboardings(org)
        .await?
        .into_iter()
        .find(|o| o.number_id == Some(number))
        .map(|o| o.id);
    let new = NewSyncRequest {
        number_id: number,
        kind,
        onboarded_at,
        onboarding_id,
        by,
    };
    let request = begin(onboarding, org, &record, new, now).await?;
    let (answer, meta) = call(onboarding, org, &record, kind).await;
    Ok(finish(onboarding, org, kind, request, answer, meta).await)
}

/// Records the request durably before the call; refused when this onboarding already has
/// one of this kind, whichever process recorded it.
async fn begin(
    onboarding: &Onboarding,
    org: OrgId,
    record: &NumberRecord,
    new: NewSyncRequest,
    now: Timestamp,
) -> Result<SyncRequestRecord, SyncError> {
    let (store, kind) = (&onboarding.store, new.kind);
    match store.begin_sync_request(org, new, now).await {
        Ok(SyncBegin::Begun(r)) => Ok(r),
        Ok(SyncBegin::Exists(r)) => Err(already(kind, &r, now)),
        // Another process recorded it between our read and our write.
        Err(StoreError::Conflict(_)) => {
            let again = store.list_sync_requests(org, record.id).await?;
            let r = current(&again, record, kind).ok_or(SyncError::Store(StoreError::Conflict(
                "a concurrent sync request".to_owned(),
            )))?;
            Err(already(kind, &r, now))
        }
        Err(e) => Err(e.into()),
    }
}

/// Records Meta's answer and says in words what became of the request.
async fn finish(
    onboarding: &Onboarding,
    org: OrgId,
    kind: SyncKind,
    request: SyncRequestRecord,
    answer: SyncAnswer,
    meta: Option<Value>,
) -> SyncOutcome {
    let advice = match &answer {
        SyncAnswer::Refused {
            code: Some(code), ..
        } => Some(meta_advice(*code)),
        _ => None,
    };
    let message = message(kind, &answer, advice.as_ref());
    let now = onboarding.clock.now();
    let request = match onboarding
        .store
        .finish_sync_request(org, request.id, answer, meta, now)
        .await
    {
        Ok(r) => r,
        // The call was made; the answer could not be recorded. The row stays pending and is
        // shown as "outcome unknown" — never retried.
        Err(e) => {
            tracing::error!(error = %e, request = request.id, "could not record the sync answer");
            request
        }
    };
    SyncOutcome {
        kind,
        request,
        advice,
        message,
    }
}

fn already(kind: SyncKind, r: &SyncRequestRecord, now: Timestamp) -> SyncError {
    SyncError::Refused {
        kind,
        refusal: SyncRefusal::AlreadyRequested {
            at: r.requested_at,
            state: shown_state(r.state, r.requested_at, now),
        },
    }
}

/// The Graph client for a number: its business's token when onboarding stored one, else the
/// configured token.
async fn graph_for(
    onboarding: &Onboarding,
    org: OrgId,
    number: &NumberRecord,
) -> Result<GraphClient, String> {
    let Some(waba) = &number.waba_id else {
        return Ok(onboarding.graph.clone());
    };
    match onboarding.store.business_token(org, waba).await {
        Ok(Some(sealed)) => onboarding
            .sealer
            .open(org, waba, &sealed)
            .map(|token| onboarding.graph.with_token(&token))
            .map_err(|e| e.to_string()),
        Ok(None) => Ok(onboarding.graph.clone()),
        Err(e) => Err(e.to_string()),
    }
}

/// Makes the one call and turns the result into an answer and Meta's words for the audit.
async fn call(
    onboarding: &Onboarding,
    org: OrgId,
    number: &NumberRecord,
    kind: SyncKind,
) -> (SyncAnswer, Option<Value>) {
    let graph = match graph_for(onboarding, org, number).await {
        Ok(graph) => graph,
        Err(why) => {
            return (
                SyncAnswer::NotSent {
                    why: format!("no usable token: {why}"),
                },
                None,
            );
        }
    };
    match graph
        .smb_app_data(&number.phone_number_id, kind.sync_type())
        .await
    {
        Ok(response) => {
            let meta = serde_json::to_value(&response).ok();
            let request_id = response.request_id;
            (SyncAnswer::Accepted { request_id }, meta)
        }
        Err(GraphError::Meta { http_status, error }) => {
            let meta = json!({"http_status": http_status, "code": error.code, "title": error.title, "details": error.details});
            let message = error
                .details
                .clone()
                .or(error.title.clone())
                .unwrap_or_default();
            (
                SyncAnswer::Refused {
                    code: Some(error.code),
                    message,
                },
                Some(meta),
            )
        }
        Err(GraphError::Http { status, body, .. }) => {
            let meta = json!({"http_status": status, "body": body});
            (
                SyncAnswer::Refused {
                    code: None,
                    message: format!("HTTP {status}: {body}"),
                },
                Some(meta),
            )
        }
        Err(GraphError::NotSent(why) | GraphError::Url(why)) => (SyncAnswer::NotSent { why }, None),
        Err(GraphError::NoAnswer(why) | GraphError::Decode(why)) => {
            (SyncAnswer::Unknown { why }, None)
        }
    }
}

fn message(kind: SyncKind, answer: &SyncAnswer, advice: Option<&MetaAdvice>) -> String {
    let what = kind.label();
    match answer {
        SyncAnswer::Accepted { request_id } => match kind {
            SyncKind::Contacts => format!(
                "Meta accepted the {what} (request {request_id}). The phone's contacts arrive over the next minutes; keep the WhatsApp Business app open on the phone."
            ),
            SyncKind::History => format!(
                "Meta accepted the {what} (request {request_id}). Up to six months of chats arrive in three phases; the progress shows below. Keep the WhatsApp Business app open on the phone."
            ),
        },
        SyncAnswer::Refused { code, message } => match advice {
            Some(a) => format!(
                "Meta refused the {what} with {} ({}): {message}. {} {}",
                a.code, a.title, a.meaning, a.action
            ),
            None => format!("Meta refused the {what}: {message} (code {code:?})."),
        },
        SyncAnswer::NotSent { why } => format!(
            "The {what} request never reached Meta ({why}). Nothing was asked of Meta, so it may be requested again."
        ),
        SyncAnswer::Unknown { why } => format!(
            "The {what} request left coexist but no answer came back ({why}): Meta may have accepted it. coexist will not ask again; check the progress to see whether the data arrives."
        ),
    }
}

/// The state a request shows at `now` (pending long after its call is unknown).
pub fn shown(request: &SyncRequestRecord, now: Timestamp) -> SyncState {
    shown_state(request.state, request.requested_at, now)
}
