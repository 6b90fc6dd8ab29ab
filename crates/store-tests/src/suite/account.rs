//! `account_update` and the number lifecycle.

use coexist_core::ingest::Change;
use coexist_core::number::{NumberMode, NumberState};
use coexist_core::store::NumberSetup;

use crate::build::{CUSTOMER, DISPLAY, PHONE_ID, WABA, account, at, partner_removed};
use crate::fixture::{Fixture, StoreFactory};

async fn with_number(factory: &dyn StoreFactory) -> Fixture {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "hi").await;
    f
}

/// `PARTNER_REMOVED` disconnects the number and keeps Meta's reason, who initiated it and when.
pub async fn partner_removed_disconnects_with_reason(factory: &dyn StoreFactory) {
    let f = with_number(factory).await;
    let head = f.head().await;
    f.ingest(vec![Change::Account(partner_removed(
        "PRIMARY_INACTIVITY",
        "SYSTEM",
        at(50),
    ))])
    .await;
    let n = f.number(PHONE_ID).await;
    assert_eq!(n.state, NumberState::Disconnected);
    let d = n.disconnection.expect("disconnection kept");
    assert_eq!(d.reason.as_deref(), Some("PRIMARY_INACTIVITY"));
    assert_eq!(d.initiated_by.as_deref(), Some("SYSTEM"));
    assert_eq!(d.at, at(50));
    assert!(
        f.event_kinds_after(head)
            .await
            .contains(&"number.updated".to_owned())
    );
}

/// `ACCOUNT_RECONNECTED` makes the number live again and keeps the last disconnection on
/// record.
pub async fn reconnected_goes_live_and_keeps_the_disconnection(factory: &dyn StoreFactory) {
    let f = with_number(factory).await;
    f.ingest(vec![Change::Account(partner_removed(
        "USER_RE_REGISTERED",
        "USER",
        at(50),
    ))])
    .await;
    f.ingest(vec![Change::Account(account(
        "ACCOUNT_RECONNECTED",
        None,
        Some(WABA),
        at(60),
    ))])
    .await;
    let n = f.number(PHONE_ID).await;
    assert_eq!(n.state, NumberState::Live);
    assert_eq!(
        n.disconnection.and_then(|d| d.reason).as_deref(),
        Some("USER_RE_REGISTERED")
    );
}

/// An event naming only the WABA concerns every number of it; an event naming no known number
/// is still accepted (recorded unattributed).
pub async fn account_event_by_waba_concerns_all_its_numbers(factory: &dyn StoreFactory) {
    let f = with_number(factory).await;
    let second = NumberSetup {
        phone_number_id: "200".to_owned(),
        display_phone_number: Some("15550000200".to_owned()),
        waba_id: Some(WABA.to_owned()),
        mode: NumberMode::Coexistence,
        onboarded_at: None,
    };
    f.store.upsert_number(f.org, second, at(0)).await.unwrap();
    f.ingest(vec![Change::Account(account(
        "ACCOUNT_OFFBOARDED",
        None,
        Some(WABA),
        at(10),
    ))])
    .await;
    assert_eq!(f.number(PHONE_ID).await.state, NumberState::Offboarded);
    assert_eq!(f.number("200").await.state, NumberState::Offboarded);
    f.ingest(vec![Change::Account(account(
        "PARTNER_REMOVED",
        Some("19998887777"),
        Some("999"),
        at(11),
    ))])
    .await;
    assert_eq!(
        f.number(PHONE_ID).await.state,
        NumberState::Offboarded,
        "not concerned"
    );
}

/// A display number in the event selects that number only.
pub async fn account_event_by_display_number_concerns_that_number(factory: &dyn StoreFactory) {
    let f = with_number(factory).await;
    let second = NumberSetup {
        phone_number_id: "200".to_owned(),
        display_phone_number: Some("15550000200".to_owned()),
        waba_id: Some(WABA.to_owned()),
        mode: NumberMode::Coexistence,
        onboarded_at: None,
    };
    f.store.upsert_number(f.org, second, at(0)).await.unwrap();
    f.ingest(vec![Change::Account(account(
        "PARTNER_REMOVED",
        Some(DISPLAY),
        Some(WABA),
        at(10),
    ))])
    .await;
    assert_eq!(f.number(PHONE_ID).await.state, NumberState::Disconnected);
    assert_eq!(f.number("200").await.state, NumberState::Live);
}

/// A lifecycle event older than the one that set the state does not undo it.
pub async fn older_account_event_does_not_undo_a_newer_one(factory: &dyn StoreFactory) {
    let f = with_number(factory).await;
    f.ingest(vec![Change::Account(account(
        "ACCOUNT_RECONNECTED",
        Some(DISPLAY),
        None,
        at(60),
    ))])
    .await;
    f.ingest(vec![Change::Account(partner_removed(
        "PRIMARY_INACTIVITY",
        "SYSTEM",
        at(50),
    ))])
    .await;
    assert_eq!(f.number(PHONE_ID).await.state, NumberState::Live);
}

/// Events that are not about the lifecycle are recorded and change no state.
pub async fn other_account_events_change_no_state(factory: &dyn StoreFactory) {
    let f = with_number(factory).await;
    let head = f.head().await;
    let out = f
        .ingest(vec![Change::Account(account(
            "VOLUME_BASED_PRICING_TIER_UPDATE",
            None,
            Some(WABA),
            at(5),
        ))])
        .await;
    assert!(!out.duplicate_request);
    assert_eq!(f.number(PHONE_ID).await.state, NumberState::Live);
    assert!(f.event_kinds_after(head).await.is_empty());
}
