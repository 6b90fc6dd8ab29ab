//! Onboarding: the flow's steps by compare-and-set, sealed business tokens, the once-only sync
//! requests, reminders, and the audit trail that records each of them.

use std::collections::BTreeSet;
use std::sync::Arc;

use coexist_core::ids::{NumberId, OnboardingId, OrgId};
use coexist_core::number::NumberMode;
use coexist_core::onboarding::{FlowStep, SyncKind, SyncState};
use coexist_core::store::{
    AuditActor, AuditFilter, NewAudit, NewOnboarding, NewSyncRequest, NumberSetup,
    OnboardingAdvance, SealedToken, StoreError, SyncAnswer, SyncBegin,
};
use coexist_core::time::Timestamp;
use serde_json::json;

use crate::build::{DISPLAY, PHONE_ID, T0, WABA, at};
use crate::fixture::{Fixture, StoreFactory};

const ADMIN: AuditActor = AuditActor::User(coexist_core::ids::UserId(7));

async fn number(f: &Fixture) -> NumberId {
    let setup = NumberSetup {
        phone_number_id: PHONE_ID.to_owned(),
        display_phone_number: Some(DISPLAY.to_owned()),
        waba_id: Some(WABA.to_owned()),
        mode: NumberMode::Coexistence,
        onboarded_at: Some(T0),
    };
    f.store.upsert_number(f.org, setup, T0).await.unwrap().id
}

fn audit(action: &str) -> NewAudit {
    NewAudit::new(ADMIN, action, json!({"step": action}))
}

fn sealed() -> SealedToken {
    SealedToken {
        key_id: "k1".to_owned(),
        nonce: vec![1; 24],
        ciphertext: vec![9; 40],
    }
}

async fn start(f: &Fixture, mode: NumberMode) -> OnboardingId {
    let new = NewOnboarding {
        mode,
        phone: DISPLAY.to_owned(),
        preflight: json!({"eligible": true}),
        by: ADMIN,
    };
    f.store.start_onboarding(f.org, new, T0).await.unwrap().id
}

/// An onboarding moves one step at a time, each by compare-and-set, and audits every step.
pub async fn onboardings_advance_one_step_at_a_time_and_audit_each(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let id = start(&f, NumberMode::Coexistence).await;
    let s = &f.store;
    let finish = OnboardingAdvance {
        waba_id: Some(WABA.to_owned()),
        onboarded_at: Some(at(1)),
        ..OnboardingAdvance::to(FlowStep::Started, FlowStep::CodeReceived, audit("code"))
    };
    let r = s
        .advance_onboarding(f.org, id, finish.clone(), at(1))
        .await
        .unwrap();
    assert_eq!(
        (r.step, r.waba_id.as_deref(), r.has_token),
        (FlowStep::CodeReceived, Some(WABA), false)
    );
    // The same step again (a second finish message) loses the compare-and-set.
    let again = s.advance_onboarding(f.org, id, finish, at(2)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    // Registration is not a step of a coexistence onboarding.
    let stored = OnboardingAdvance {
        token: Some(sealed()),
        ..OnboardingAdvance::to(
            FlowStep::CodeReceived,
            FlowStep::TokenStored,
            audit("token"),
        )
    };
    let r = s
        .advance_onboarding(f.org, id, stored, at(2))
        .await
        .unwrap();
    assert!(r.has_token);
    assert_eq!(s.business_token(f.org, WABA).await.unwrap(), Some(sealed()));
    let subscribed =
        OnboardingAdvance::to(FlowStep::TokenStored, FlowStep::Subscribed, audit("sub"));
    s.advance_onboarding(f.org, id, subscribed, at(3))
        .await
        .unwrap();
    let register = OnboardingAdvance::to(FlowStep::Subscribed, FlowStep::Registered, audit("reg"));
    let refused = s.advance_onboarding(f.org, id, register, at(4)).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    let n = number(&f).await;
    let done = OnboardingAdvance {
        number_id: Some(n),
        ..OnboardingAdvance::to(FlowStep::Subscribed, FlowStep::Onboarded, audit("done"))
    };
    let r = s.advance_onboarding(f.org, id, done, at(5)).await.unwrap();
    assert_eq!(
        (r.step, r.number_id, r.onboarded_at),
        (FlowStep::Onboarded, Some(n), Some(at(1)))
    );
    let filter = AuditFilter {
        onboarding_id: Some(id),
        ..AuditFilter::default()
    };
    let trail: Vec<String> = s
        .list_audit(f.org, filter, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        trail,
        ["done", "sub", "token", "code", "onboarding.started"]
    );
}

/// A failed step keeps the onboarding where it was, with the reason; the next success clears it.
pub async fn a_failed_step_keeps_the_step_and_says_why(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let id = start(&f, NumberMode::CloudApi).await;
    let s = &f.store;
    let r = s
        .fail_onboarding(
            f.org,
            id,
            "Meta did not answer".to_owned(),
            audit("failed"),
            at(1),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.step, r.error.as_deref()),
        (FlowStep::Started, Some("Meta did not answer"))
    );
    let next = OnboardingAdvance::to(FlowStep::Started, FlowStep::CodeReceived, audit("code"));
    let r = s.advance_onboarding(f.org, id, next, at(2)).await.unwrap();
    assert_eq!(r.error, None);
    let cancel =
        OnboardingAdvance::to(FlowStep::CodeReceived, FlowStep::Cancelled, audit("cancel"));
    assert_eq!(
        s.advance_onboarding(f.org, id, cancel, at(3))
            .await
            .unwrap()
            .step,
        FlowStep::Cancelled
    );
}

fn request(n: NumberId, kind: SyncKind, onboarded_at: Timestamp) -> NewSyncRequest {
    NewSyncRequest {
        number_id: n,
        kind,
        onboarded_at,
        onboarding_id: None,
        by: ADMIN,
    }
}

/// One request per (number, onboarding, kind): the second finds the first and writes nothing.
pub async fn a_sync_request_is_recorded_once_per_onboarding_and_kind(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let n = number(&f).await;
    let s = &f.store;
    let SyncBegin::Begun(first) = s
        .begin_sync_request(f.org, request(n, SyncKind::History, T0), at(1))
        .await
        .unwrap()
    else {
        panic!("the first request must begin")
    };
    assert_eq!(first.state, SyncState::Pending);
    let second = s
        .begin_sync_request(f.org, request(n, SyncKind::History, T0), at(2))
        .await
        .unwrap();
    assert_eq!(second, SyncBegin::Exists(first.clone()));
    let answered = SyncAnswer::Accepted {
        request_id: "REQ-1".to_owned(),
    };
    let r = s
        .finish_sync_request(
            f.org,
            first.id,
            answered.clone(),
            Some(json!({"request_id": "REQ-1"})),
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.state, r.request_id.as_deref(), r.answered_at),
        (SyncState::Accepted, Some("REQ-1"), Some(at(3)))
    );
    let twice = s
        .finish_sync_request(f.org, first.id, answered, None, at(4))
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    // The other kind, and a later onboarding of the same number, are separate allowances.
    let contacts = s
        .begin_sync_request(f.org, request(n, SyncKind::Contacts, T0), at(5))
        .await
        .unwrap();
    assert!(matches!(contacts, SyncBegin::Begun(_)));
    let reonboarded = s
        .begin_sync_request(f.org, request(n, SyncKind::History, at(100)), at(101))
        .await
        .unwrap();
    assert!(matches!(reonboarded, SyncBegin::Begun(_)));
    assert_eq!(s.list_sync_requests(f.org, n).await.unwrap().len(), 3);
    let filter = AuditFilter {
        number_id: Some(n),
        ..AuditFilter::default()
    };
    let actions: BTreeSet<String> = s
        .list_audit(f.org, filter, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        ["sync.answered", "sync.requested"]
            .map(str::to_owned)
            .into_iter()
            .collect()
    );
}

/// A request that never left the hub may be made again, on the same row; one that left, never.
pub async fn only_a_request_that_never_left_may_be_retried(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let n = number(&f).await;
    let s = &f.store;
    for (kind, answer, retryable) in [
        (
            SyncKind::Contacts,
            SyncAnswer::NotSent {
                why: "connection refused".to_owned(),
            },
            true,
        ),
        (
            SyncKind::History,
            SyncAnswer::Unknown {
                why: "timed out".to_owned(),
            },
            false,
        ),
    ] {
        let SyncBegin::Begun(r) = s
            .begin_sync_request(f.org, request(n, kind, T0), at(1))
            .await
            .unwrap()
        else {
            panic!("first")
        };
        s.finish_sync_request(f.org, r.id, answer, None, at(2))
            .await
            .unwrap();
        match s
            .begin_sync_request(f.org, request(n, kind, T0), at(3))
            .await
            .unwrap()
        {
            SyncBegin::Begun(again) => {
                assert!(retryable, "{kind:?} was retried");
                assert_eq!(
                    (again.id, again.state, again.requested_at),
                    (r.id, SyncState::Pending, at(3))
                );
            }
            SyncBegin::Exists(existing) => {
                assert!(!retryable, "{kind:?} was not retried");
                assert_eq!(existing.state, SyncState::Unknown);
            }
        }
    }
}

/// Many concurrent requests for the same sync: exactly one may call Meta.
pub async fn concurrent_sync_requests_begin_exactly_once(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let n = number(&f).await;
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = Arc::clone(&f.store);
            let org = f.org;
            async move {
                store
                    .begin_sync_request(org, request(n, SyncKind::History, T0), at(i))
                    .await
            }
        })
        .collect();
    let results = futures_util::future::join_all(tasks).await;
    let begun = results
        .iter()
        .filter(|r| matches!(r, Ok(SyncBegin::Begun(_))))
        .count();
    // A backend may refuse a racing insert with Conflict rather than report Exists: either way
    // it must not begin.
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(_) | Err(StoreError::Conflict(_)))),
        "{results:?}"
    );
    assert_eq!(begun, 1, "{results:?}");
}

/// A reminder is made once per (number, inactivity period, threshold); attempts are recorded.
pub async fn reminders_are_made_once_per_period_and_threshold(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let n = number(&f).await;
    let s = &f.store;
    let r = s
        .record_reminder(f.org, n, 10, T0, at(1))
        .await
        .unwrap()
        .expect("new");
    assert_eq!((r.days, r.attempts, r.delivered_at), (10, 0, None));
    assert_eq!(
        s.record_reminder(f.org, n, 10, T0, at(2)).await.unwrap(),
        None
    );
    assert!(
        s.record_reminder(f.org, n, 12, T0, at(3))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.record_reminder(f.org, n, 10, at(50), at(51))
            .await
            .unwrap()
            .is_some(),
        "a new period"
    );
    let failed = s
        .record_reminder_attempt(f.org, r.id, Err("HTTP 500".to_owned()), at(4))
        .await
        .unwrap();
    assert_eq!(
        (failed.attempts, failed.last_error.as_deref()),
        (1, Some("HTTP 500"))
    );
    let ok = s
        .record_reminder_attempt(f.org, r.id, Ok(()), at(5))
        .await
        .unwrap();
    assert_eq!(
        (ok.attempts, ok.delivered_at, ok.last_error),
        (2, Some(at(5)), None)
    );
    assert_eq!(s.list_reminders(f.org, Some(n)).await.unwrap().len(), 3);
}

/// Another organization sees none of it.
pub async fn onboarding_rows_belong_to_the_organization(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let id = start(&f, NumberMode::Coexistence).await;
    let n = number(&f).await;
    let other: OrgId = f.store.ensure_org("globex", T0).await.unwrap();
    let s = &f.store;
    assert!(matches!(
        s.get_onboarding(other, id).await,
        Err(StoreError::NotFound)
    ));
    assert!(s.list_onboardings(other).await.unwrap().is_empty());
    assert!(
        s.list_audit(other, AuditFilter::default(), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let foreign = s
        .begin_sync_request(other, request(n, SyncKind::Contacts, T0), at(1))
        .await;
    assert!(
        matches!(foreign, Err(StoreError::Invalid(_))),
        "{foreign:?}"
    );
    assert!(s.record_reminder(other, n, 10, T0, at(1)).await.is_err());
    let next = OnboardingAdvance::to(FlowStep::Started, FlowStep::CodeReceived, audit("code"));
    assert!(matches!(
        s.advance_onboarding(other, id, next, at(1)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.list_onboardings(f.org).await.unwrap().len(), 1);
}
