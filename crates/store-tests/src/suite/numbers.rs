//! Numbers first seen in webhooks, and configured ones.

use coexist_core::ingest::{Change, ContactSync};
use coexist_core::number::{NumberMode, NumberState};
use coexist_core::store::{NumberSetup, StoreError};

use crate::build::{
    CUSTOMER, DISPLAY, PHONE_ID, WABA, at, bare_message, bare_number, contact_add, echo, number,
    text,
};
use crate::fixture::{Fixture, StoreFactory};

/// A number we have never seen is created in the batch's default organization, unconfigured,
/// live, Cloud API only, with what the webhook says about it.
pub async fn unknown_number_is_created_unconfigured(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let head = f.head().await;
    f.ingest_at(
        at(100),
        vec![Change::Message(text("wamid.A", CUSTOMER, at(1), "hi"))],
    )
    .await;
    let n = f.number(PHONE_ID).await;
    assert!(!n.configured);
    assert_eq!(n.org_id, f.org);
    assert_eq!(n.state, NumberState::Live);
    assert_eq!(n.mode, NumberMode::CloudApi);
    assert_eq!(n.display_phone_number.as_deref(), Some(DISPLAY));
    assert_eq!(n.waba_id.as_deref(), Some(WABA));
    assert_eq!(
        n.last_webhook_at,
        Some(at(100)),
        "last_webhook_at is the receive time"
    );
    assert!(
        f.event_kinds_after(head)
            .await
            .contains(&"number.updated".to_owned())
    );
}

/// A coexistence-only change (an echo) creates the number in coexistence mode.
pub async fn coexistence_change_creates_a_coexistence_number(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(echo(
        "wamid.E",
        CUSTOMER,
        at(1),
        "from the phone",
    ))])
    .await;
    assert_eq!(f.number(PHONE_ID).await.mode, NumberMode::Coexistence);
}

/// An auto-created Cloud API number becomes coexistence when a coexistence-only change
/// arrives; a configured number keeps the mode its admin set.
pub async fn auto_created_number_is_upgraded_to_coexistence(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "hi").await;
    assert_eq!(f.number(PHONE_ID).await.mode, NumberMode::CloudApi);
    f.ingest(vec![Change::ContactSync(contact_add(
        CUSTOMER,
        "Pablo Morales",
        "Pablo",
        at(2),
    ))])
    .await;
    assert_eq!(f.number(PHONE_ID).await.mode, NumberMode::Coexistence);

    let setup = NumberSetup {
        phone_number_id: "200".to_owned(),
        display_phone_number: Some("15550000200".to_owned()),
        waba_id: None,
        mode: NumberMode::CloudApi,
        onboarded_at: Some(at(0)),
    };
    f.store.upsert_number(f.org, setup, at(0)).await.unwrap();
    let mut e = echo("wamid.E200", CUSTOMER, at(3), "x");
    e.number = bare_number("200");
    f.ingest(vec![Change::Message(e)]).await;
    assert_eq!(
        f.number("200").await.mode,
        NumberMode::CloudApi,
        "the admin's word stands"
    );
}

/// A number first known without its display number or WABA gets them from a later webhook;
/// known values are not overwritten.
pub async fn missing_display_number_and_waba_are_filled(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(bare_message(
        "wamid.A",
        PHONE_ID,
        at(1),
    ))])
    .await;
    let n = f.number(PHONE_ID).await;
    assert_eq!((n.display_phone_number, n.waba_id), (None, None));
    f.ingest_text("wamid.B", CUSTOMER, at(2), "b").await;
    let n = f.number(PHONE_ID).await;
    assert_eq!(n.display_phone_number.as_deref(), Some(DISPLAY));
    assert_eq!(n.waba_id.as_deref(), Some(WABA));
    let mut other = number();
    other.display_phone_number = Some("19999999999".to_owned());
    let sync = ContactSync {
        number: other,
        ..contact_add(CUSTOMER, "P", "P", at(3))
    };
    f.ingest(vec![Change::ContactSync(sync)]).await;
    let n = f.number(PHONE_ID).await;
    assert_eq!(n.display_phone_number.as_deref(), Some(DISPLAY));
}

/// Configuring a number first seen in a webhook claims it, with its chats; a number configured
/// in another organization is a conflict.
pub async fn upsert_number_claims_an_auto_created_number(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "hi").await;
    let other = f.store.ensure_org("globex", at(0)).await.unwrap();
    let setup = NumberSetup {
        phone_number_id: PHONE_ID.to_owned(),
        display_phone_number: None,
        waba_id: None,
        mode: NumberMode::Coexistence,
        onboarded_at: Some(at(5)),
    };
    let n = f
        .store
        .upsert_number(other, setup.clone(), at(6))
        .await
        .unwrap();
    assert!(n.configured);
    assert_eq!(n.org_id, other);
    assert_eq!(n.mode, NumberMode::Coexistence);
    assert_eq!(n.onboarded_at, Some(at(5)));
    assert_eq!(n.display_phone_number.as_deref(), Some(DISPLAY), "kept");
    let moved = f
        .store
        .find_messages_by_wamid(other, "wamid.A")
        .await
        .unwrap();
    assert_eq!(moved.len(), 1, "its messages moved with it");
    assert!(
        f.store
            .find_messages_by_wamid(f.org, "wamid.A")
            .await
            .unwrap()
            .is_empty()
    );
    let err = f
        .store
        .upsert_number(f.org, setup, at(7))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}
