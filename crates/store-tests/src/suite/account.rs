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

/// The lifecycle events of a number, each `(event, seconds)`, ingested one webhook at a time
/// in every order on fresh stores; each order must end in `expected`.
async fn every_order_ends_in(
    factory: &dyn StoreFactory,
    events: &[(&str, i64)],
    expected: NumberState,
) {
    let mut orders = vec![Vec::new()];
    for i in 0..events.len() {
        orders = orders
            .into_iter()
            .flat_map(|order: Vec<usize>| {
                (0..=order.len()).map(move |k| {
                    let mut o = order.clone();
                    o.insert(k, i);
                    o
                })
            })
            .collect();
    }
    for order in orders {
        let f = with_number(factory).await;
        for &i in &order {
            let (event, secs) = events[i];
            let change = if event == "PARTNER_REMOVED" {
                partner_removed("PRIMARY_INACTIVITY", "SYSTEM", at(secs))
            } else {
                account(event, Some(DISPLAY), Some(WABA), at(secs))
            };
            f.ingest(vec![Change::Account(change)]).await;
        }
        let delivered: Vec<_> = order.iter().map(|&i| events[i]).collect();
        assert_eq!(f.number(PHONE_ID).await.state, expected, "{delivered:?}");
    }
}

/// `PARTNER_APP_INSTALLED` (or `PARTNER_ADDED`) after a disconnection is an onboarding again:
/// the number is live. Delivered in any order (Meta redelivers and reorders), the events end
/// in the state of the latest one by Meta's time: an old `PARTNER_APP_INSTALLED` redelivered
/// after a newer `PARTNER_REMOVED` does not revive the number.
pub async fn lifecycle_events_converge_in_any_delivery_order(factory: &dyn StoreFactory) {
    let installed_removed_installed = [
        ("PARTNER_APP_INSTALLED", 10),
        ("PARTNER_REMOVED", 20),
        ("PARTNER_ADDED", 30),
    ];
    every_order_ends_in(factory, &installed_removed_installed, NumberState::Live).await;
    let installed_removed = [("PARTNER_APP_INSTALLED", 10), ("PARTNER_REMOVED", 20)];
    every_order_ends_in(factory, &installed_removed, NumberState::Disconnected).await;
    let offboarded_installed = [
        ("ACCOUNT_OFFBOARDED", 20),
        ("PARTNER_APP_INSTALLED", 30),
        ("PARTNER_REMOVED", 5),
    ];
    every_order_ends_in(factory, &offboarded_installed, NumberState::Live).await;
    // The same second: the disconnection wins, whichever came first.
    let same_second = [("PARTNER_APP_INSTALLED", 20), ("PARTNER_REMOVED", 20)];
    every_order_ends_in(factory, &same_second, NumberState::Disconnected).await;
}

/// Completing coexist's own onboarding again (Embedded Signup, `upsert_number` with the new
/// onboarding time) makes a disconnected number live, even without `ACCOUNT_RECONNECTED`; a
/// `PARTNER_REMOVED` older than that onboarding, delivered late, does not undo it; and an
/// onboarding time older than the disconnection (a number configured again at start) does
/// not revive it.
pub async fn onboarding_again_makes_a_disconnected_number_live(factory: &dyn StoreFactory) {
    let f = with_number(factory).await;
    f.ingest(vec![Change::Account(partner_removed(
        "PRIMARY_INACTIVITY",
        "SYSTEM",
        at(50),
    ))])
    .await;
    let setup = |onboarded: i64| NumberSetup {
        phone_number_id: PHONE_ID.to_owned(),
        display_phone_number: Some(DISPLAY.to_owned()),
        waba_id: Some(WABA.to_owned()),
        mode: NumberMode::Coexistence,
        onboarded_at: Some(at(onboarded)),
    };
    let n = f
        .store
        .upsert_number(f.org, setup(40), at(70))
        .await
        .unwrap();
    assert_eq!(n.state, NumberState::Disconnected, "an older onboarding");
    let head = f.head().await;
    let n = f
        .store
        .upsert_number(f.org, setup(60), at(70))
        .await
        .unwrap();
    assert_eq!(n.state, NumberState::Live);
    assert!(
        f.event_kinds_after(head)
            .await
            .contains(&"number.updated".to_owned())
    );
    f.ingest(vec![Change::Account(partner_removed(
        "USER_RE_REGISTERED",
        "USER",
        at(55),
    ))])
    .await;
    let n = f.number(PHONE_ID).await;
    assert_eq!(n.state, NumberState::Live, "a late older PARTNER_REMOVED");
    assert_eq!(n.onboarded_at, Some(at(60)));
    f.ingest(vec![Change::Account(partner_removed(
        "PRIMARY_INACTIVITY",
        "SYSTEM",
        at(80),
    ))])
    .await;
    assert_eq!(f.number(PHONE_ID).await.state, NumberState::Disconnected);
}
