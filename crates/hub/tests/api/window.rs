//! Values computed at the clock's now: the service window of a chat, a number's health.

use coexist_core::number::NumberMode;
use coexist_core::time::{DAY_MS, HOUR_MS, Timestamp};
use hub::config::NumberConfig;

use crate::helpers::{DOCS_PHONE_NUMBER_ID, NOW, fixture, spawn_app, spawn_app_with, text_message};

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
async fn a_configured_numbers_health_is_computed_at_the_clocks_now() {
    let onboarded = Timestamp(NOW.millis() - 11 * DAY_MS);
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

    // 11 days without the phone app: at risk, 3 days before Meta disconnects.
    let health = &number["health"];
    assert_eq!(health["lifecycle"], "at_risk", "{health}");
    assert_eq!(health["app_activity"]["inactive_days"], 11);
    assert_eq!(health["app_activity"]["days_until_disconnect"], 3);
    assert_eq!(health["app_activity"]["level"], "warning");
    let warning = health["warnings"][0].as_str().expect("a warning");
    assert!(warning.contains("11 days"), "{warning}");

    // One more day on the clock, nothing else: critical.
    app.clock.advance_ms(DAY_MS);
    let id = number["id"].as_str().unwrap();
    let health = &app.get_json(&format!("/api/v1/numbers/{id}")).await["health"];
    assert_eq!(health["app_activity"]["days_until_disconnect"], 2);
    assert_eq!(health["app_activity"]["level"], "critical");
}

#[tokio::test]
async fn a_history_import_in_progress_shows_in_the_numbers_health() {
    let app = spawn_app().await;
    app.deliver(&fixture("history_threads_example.json")).await;
    let number = &app.list("/api/v1/numbers").await[0];
    let history = &number["health"]["history"];
    assert_eq!(history["state"], "in_progress", "{history}");
    assert_eq!(history["progress"], 55);
    assert_eq!(history["phases"]["0"]["chunks"], 1, "{history}");
    assert_eq!(number["health"]["lifecycle"], "syncing", "{number}");
    assert!(number["health"]["last_webhook_at"].is_string());
}

#[tokio::test]
async fn a_disconnection_by_meta_is_explained() {
    let app = spawn_app_with(
        |config| {
            config.numbers.push(NumberConfig {
                phone_number_id: DOCS_PHONE_NUMBER_ID.to_owned(),
                display_phone_number: None,
                waba_id: Some("980198427658004".to_owned()),
                mode: NumberMode::Coexistence,
                onboarded_at: Some(NOW),
            })
        },
        |deps| deps,
    )
    .await;
    app.deliver(&fixture("pywa_partner_removed_wa_app_disconnection.json"))
        .await;
    let number = &app.list("/api/v1/numbers").await[0];
    assert_eq!(number["state"], "disconnected", "{number}");
    let health = &number["health"];
    assert_eq!(health["lifecycle"], "disconnected");
    assert_eq!(health["disconnection"]["reason"], "PRIMARY_INACTIVITY");
    let explanation = health["disconnection"]["explanation"].as_str().unwrap();
    assert!(explanation.contains("14 days"), "{explanation}");
}
