//! The harness itself: `spawn_app` wires a sandbox and a hub, restarts keep the data, webhooks
//! refused while the hub is down arrive after it restarts, and the ledger's checks fail when
//! the hub breaks an invariant (a check that cannot fail proves nothing).

use coexist_core::time::Clock;
use serde_json::{Value, json};
use testkit::{Ledger, spawn_app};

const CUSTOMER: &str = "16505550123";

async fn texts_of_chat_with(app: &testkit::TestApp, wa_id: &str) -> Vec<(String, String)> {
    let chats = app.chats().await;
    let chat = chats
        .iter()
        .find(|c| c["contact"]["wa_id"] == wa_id)
        .unwrap_or_else(|| panic!("no chat with {wa_id}: {chats:?}"));
    let id = chat["id"].as_str().unwrap();
    app.chat_messages(id)
        .await
        .iter()
        .map(|m| {
            (
                m["origin"].as_str().unwrap().to_owned(),
                m["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn customers_and_the_phone_reach_the_hub_through_the_sandbox() {
    let app = spawn_app().await;
    let said = app.sandbox.customer(CUSTOMER).says("hello").await.unwrap();
    app.sandbox
        .phone()
        .echo(CUSTOMER, "hi, how can I help?")
        .await
        .unwrap();
    let texts = texts_of_chat_with(&app, CUSTOMER).await;
    assert!(
        texts.contains(&("customer".to_owned(), "hello".to_owned())),
        "{texts:?}"
    );
    assert!(
        texts.contains(&("business_app".to_owned(), "hi, how can I help?".to_owned())),
        "{texts:?}"
    );
    assert_eq!(app.messages_with_wamid(&said).await.len(), 1);
}

#[tokio::test]
async fn advancing_moves_the_hubs_clock_with_the_sandboxs() {
    let app = spawn_app().await;
    let before = app.clock.now();
    assert_eq!(before.millis() as u64, app.sandbox.now_ms());
    let now = app.sandbox.advance(3_600).await;
    assert_eq!(now, app.sandbox.now_ms());
    assert_eq!(app.clock.now().millis() as u64, now);
    assert_eq!(app.clock.now().since(before), 3_600_000);
}

#[tokio::test]
async fn a_restarted_hub_keeps_its_data_and_tokens() {
    let mut app = spawn_app().await;
    let said = app
        .sandbox
        .customer(CUSTOMER)
        .says("before the restart")
        .await
        .unwrap();
    app.restart_hub().await;
    // Same token, same data directory.
    assert_eq!(app.messages_with_wamid(&said).await.len(), 1);
    let again = app
        .sandbox
        .customer(CUSTOMER)
        .says("after the restart")
        .await
        .unwrap();
    assert_eq!(app.messages_with_wamid(&again).await.len(), 1);
}

#[tokio::test]
async fn webhooks_refused_while_the_hub_is_down_are_retried_after_it_restarts() {
    let mut app = spawn_app().await;
    app.sandbox
        .settings(json!({"delivery": {"retry_schedule_ms": [30_000, 60_000]}}))
        .await
        .unwrap();
    app.stop_hub().await;
    let wamid = app
        .sandbox
        .customer(CUSTOMER)
        .says("are you there?")
        .await
        .unwrap();
    let log = app.sandbox.deliveries().await;
    let first = log
        .attempts
        .last()
        .expect("an attempt while the hub was down");
    assert_eq!(first.outcome, "error", "{first:?}");
    assert!(log.deliveries.iter().any(|d| d.is_pending()));
    app.start_hub().await;
    assert!(
        app.messages_with_wamid(&wamid).await.is_empty(),
        "not retried yet"
    );
    app.sandbox.advance(30).await;
    assert_eq!(app.messages_with_wamid(&wamid).await.len(), 1);
    let mut ledger = Ledger::new();
    ledger
        .check_drained(&app)
        .await
        .expect("everything delivered and stored");
}

/// A webhook with one customer text, in Meta's shape, for the coexistence number.
fn customer_text(app: &testkit::TestApp, wamid: &str) -> Value {
    let number = app.sandbox.coexistence_number();
    let display = app.sandbox.display_number(&number);
    json!({"object": "whatsapp_business_account", "entry": [{
        "id": app.sandbox.handle().waba_id(),
        "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": display, "phone_number_id": number},
            "contacts": [{"profile": {"name": "Tester"}, "wa_id": CUSTOMER}],
            "messages": [{"from": CUSTOMER, "id": wamid, "timestamp": "1772442000",
                          "type": "text", "text": {"body": "hi"}}]}}]}]})
}

#[tokio::test]
async fn the_ledger_reports_an_acknowledged_message_the_hub_does_not_have() {
    let app = spawn_app().await;
    let mut ledger = Ledger::new();
    // The ledger is told the hub acknowledged a body that never reached it.
    ledger.record_direct(&customer_text(&app, "wamid.never-delivered"), true);
    let violation = ledger.check_step(&app).await.unwrap_err();
    assert!(
        violation.contains("wamid.never-delivered") && violation.contains("0 times"),
        "{violation}"
    );
}

#[tokio::test]
async fn the_ledger_reports_a_message_nobody_sent() {
    let app = spawn_app().await;
    let mut ledger = Ledger::new();
    ledger
        .check_all(&app)
        .await
        .expect("an empty hub is consistent");
    // Stored by the hub, but not through the sandbox and not recorded: a phantom.
    let body = serde_json::to_vec(&customer_text(&app, "wamid.phantom")).unwrap();
    assert!(app.post_webhook(body).await.status().is_success());
    let violation = ledger.check_all(&app).await.unwrap_err();
    assert!(
        violation.contains("wamid.phantom") && violation.contains("phantom"),
        "{violation}"
    );
}

#[tokio::test]
async fn the_ledger_accepts_what_the_sandbox_delivered_with_every_fault_on() {
    let app = spawn_app().await;
    let faults = testkit::Faults {
        duplicate_probability: 1.0,
        reorder_probability: 1.0,
        delay_ms: 1_000,
        drop_first_attempt_probability: 1.0,
        lose_next: 0,
    };
    app.sandbox.faults(&faults).await.unwrap();
    for text in ["one", "two", "three"] {
        app.sandbox.customer(CUSTOMER).says(text).await.unwrap();
    }
    app.sandbox.advance(600).await;
    let mut ledger = Ledger::new();
    ledger.check_all(&app).await.expect("consistent");
    assert_eq!(ledger.acknowledged().len(), 3);
    let log = app.sandbox.deliveries().await;
    assert!(
        log.deliveries.iter().any(|d| d.duplicate_of.is_some()),
        "duplicates were delivered"
    );
    assert!(log.attempts.iter().any(|a| a.outcome == "dropped_by_fault"));
}
