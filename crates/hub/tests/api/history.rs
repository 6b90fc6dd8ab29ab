//! The one-time history import as the number's health shows it: a decline in either of the
//! shapes Meta may use, and an import that stops before 100 %.

use coexist_core::number::HISTORY_STALL_HOURS;
use coexist_core::time::HOUR_MS;
use serde_json::{Value, json};

use crate::helpers::{DOCS_PHONE_NUMBER_ID, TestApp, fixture, spawn_app};

/// The number of the docs fixtures, as `GET /api/v1/numbers` lists it.
async fn docs_number(app: &TestApp) -> Value {
    app.list("/api/v1/numbers")
        .await
        .into_iter()
        .find(|n| n["phone_number_id"] == DOCS_PHONE_NUMBER_ID)
        .expect("the number was seen in a webhook")
}

#[tokio::test]
async fn a_decline_sent_in_value_errors_marks_the_import_declined() {
    let app = spawn_app().await;
    // 2593109 at the value level (`value.errors[]`), not in `value.history[].errors[]`.
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398",
        "time": 1739318400, "changes": [{"field": "history", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": DOCS_PHONE_NUMBER_ID},
            "errors": [{"code": 2593109,
                "title": "History sync is turned off by the business from the WhatsApp Business App",
                "message": "History sync is turned off by the business from the WhatsApp Business App",
                "error_data": {"details": "History sharing is turned off by the business"}}]}}]}]});
    app.deliver(&serde_json::to_vec(&body).unwrap()).await;
    let number = docs_number(&app).await;
    assert_eq!(
        number["health"]["history"]["state"], "declined",
        "{}",
        number["health"]
    );
}

#[tokio::test]
async fn a_history_import_silent_for_hours_shows_as_stalled_with_what_to_do() {
    let app = spawn_app().await;
    // One chunk at 55 %, then nothing.
    app.deliver(&fixture("history_threads_example.json")).await;
    let health = docs_number(&app).await["health"].clone();
    assert_eq!(health["history"]["state"], "in_progress", "{health}");
    assert_eq!(health["history"]["progress"], 55);
    assert_eq!(
        (
            health["lifecycle"].clone(),
            health["history_stalled"].clone()
        ),
        (json!("syncing"), json!(false))
    );

    app.clock.advance_ms(HISTORY_STALL_HOURS * HOUR_MS);
    let number = docs_number(&app).await;
    let health = &number["health"];
    assert_eq!(health["history_stalled"], true, "{health}");
    assert_eq!(health["history"]["state"], "in_progress");
    assert_ne!(health["lifecycle"], "syncing", "{health}");
    let warning = health["warnings"][0].as_str().unwrap_or_default();
    assert!(
        warning.contains("stalled at 55%") && warning.contains("Meta support"),
        "{health}"
    );
    let id = number["id"].as_str().unwrap();
    let page = app
        .get_json(&format!("/api/v1/numbers/{id}/onboarding"))
        .await;
    assert_eq!(
        page["lifecycle"]["title"], "History import stalled",
        "{}",
        page["lifecycle"]
    );
}
