//! Values computed at the clock's now: the service window of a chat, a number's health.

use coexist_core::number::NumberMode;
use coexist_core::time::{DAY_MS, HOUR_MS, Timestamp};
use hub::config::NumberConfig;

use crate::helpers::{DOCS_PHONE_NUMBER_ID, NOW, spawn_app, spawn_app_with, text_message};

#[tokio::test]
async fn the_service_window_opens_with_a_customer_message_and_closes_24h_later() {
    let app = spawn_app().await;
    let sent = NOW.plus_ms(-HOUR_MS);
    app.deliver(&text_message(
        "16505551234",
        "wamid.w1",
        sent.unix_secs(),
        "hello",
    ))
    .await;
    let chat = &app.list("/api/v1/chats").await[0];
    let window = &chat["service_window"];
    assert_eq!(window["state"], "open", "{chat}");
    assert_eq!(window["closes_at"], sent.plus_ms(24 * HOUR_MS).to_rfc3339());
    assert_eq!(window["remaining_ms"], 23 * HOUR_MS);

    app.clock.set(sent.plus_ms(24 * HOUR_MS));
    let chat = &app.list("/api/v1/chats").await[0];
    assert_eq!(chat["service_window"]["state"], "closed");
    assert_eq!(chat["service_window"]["remaining_ms"], 0);
}

#[tokio::test]
async fn configured_numbers_are_listed_with_their_health_at_the_clocks_now() {
    let onboarded = Timestamp(NOW.millis() - 3 * DAY_MS);
    let app = spawn_app_with(
        |config| {
            config.numbers.push(NumberConfig {
                phone_number_id: DOCS_PHONE_NUMBER_ID.to_owned(),
                display_phone_number: Some("15550783881".to_owned()),
                waba_id: Some("102290129340398".to_owned()),
                mode: NumberMode::Coexistence,
                onboarded_at: Some(onboarded),
            })
        },
        |deps| deps,
    )
    .await;
    let numbers = app.list("/api/v1/numbers").await;
    assert_eq!(numbers.len(), 1, "{numbers:?}");
    let number = &numbers[0];
    assert_eq!(number["phone_number_id"], DOCS_PHONE_NUMBER_ID);
    assert_eq!(number["display_phone_number"], "15550783881");
    assert_eq!(number["mode"], "coexistence");
    assert_eq!(number["configured"], true);
    assert_eq!(number["onboarded_at"], onboarded.to_rfc3339());
    let health = &number["health"];
    for key in [
        "lifecycle",
        "app_activity",
        "history",
        "last_webhook_at",
        "disconnection",
        "warnings",
    ] {
        assert!(health.get(key).is_some(), "health.{key} missing: {health}");
    }
}
