//! A number's health after onboarding: reminders before Meta's inactivity disconnect,
//! disconnection and reconnection.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use coexist_core::number::NumberMode as CoreMode;
use coexist_core::store::NumberSetup;
use coexist_core::time::{DAY_MS, Timestamp};
use hub::config::{Config, Secret};
use hub::graph::GraphClient;
use hub::onboarding::Onboarding;
use serde_json::{Value, json};

use super::{call, hub_and_sandbox, onboard_coexistence, phone_number_id_of};
use crate::helpers::{NOW, spawn_app_with};

/// Each POST an alert receiver got: its body and signature header.
type Received = Arc<Mutex<Vec<(Bytes, String)>>>;

/// A receiver of alert webhooks.
async fn alert_receiver() -> (String, Received) {
    let got: Received = Arc::default();
    async fn receive(State(got): State<Received>, headers: HeaderMap, body: Bytes) {
        let signature = headers
            .get("x-coexist-signature-256")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        got.lock().unwrap().push((body, signature));
    }
    let app = Router::new()
        .route("/alerts", post(receive))
        .with_state(got.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/alerts", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

#[tokio::test]
async fn the_owner_is_reminded_at_10_and_12_days_once_each_whatever_restarts() {
    let app = spawn_app_with(|_| {}, |d| d).await;
    // An organization of its own: the hub's reminder worker (wall-clock ticks) only looks at the
    // default one, so this test alone moves this organization's reminders.
    let org = app.store.ensure_org("reminded", NOW).await.unwrap();
    let setup = NumberSetup {
        phone_number_id: "106540352242922".to_owned(),
        display_phone_number: Some("15550783881".to_owned()),
        waba_id: Some("102290129340398".to_owned()),
        mode: CoreMode::Coexistence,
        onboarded_at: Some(NOW),
    };
    app.store.upsert_number(org, setup, NOW).await.unwrap();
    let (url, got) = alert_receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_testing(dir.path());
    config.onboarding.alert_webhook_url = Some(url);
    config.onboarding.alert_webhook_secret = Some(Secret::new("alert-secret"));
    let build = || {
        let graph = GraphClient::from_config(&config).unwrap();
        Onboarding::build(&config, app.store.clone(), app.clock.clone(), graph).unwrap()
    };
    let onboarding = build();
    app.clock.advance_ms(9 * DAY_MS);
    assert!(onboarding.run_reminders_once(org).await.unwrap().is_empty());
    app.clock.advance_ms(DAY_MS);
    let made = onboarding.run_reminders_once(org).await.unwrap();
    assert_eq!(made.iter().map(|r| r.days).collect::<Vec<_>>(), [10]);
    // A restart: a new Onboarding over the same store makes nothing twice.
    let restarted = build();
    assert!(restarted.run_reminders_once(org).await.unwrap().is_empty());
    app.clock.advance_ms(2 * DAY_MS);
    assert_eq!(restarted.run_reminders_once(org).await.unwrap()[0].days, 12);
    assert!(restarted.run_reminders_once(org).await.unwrap().is_empty());
    let received = got.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "one POST per reminder");
    for (body, signature) in &received {
        assert_eq!(
            signature,
            &hub::onboarding::reminders::sign(b"alert-secret", body)
        );
    }
    let first: Value = serde_json::from_slice(&received[0].0).unwrap();
    assert_eq!(
        (
            first["type"].clone(),
            first["data"]["threshold_days"].clone()
        ),
        (json!("number.app_inactive"), json!(10))
    );
    assert!(
        first["data"]["message"]
            .as_str()
            .unwrap()
            .contains("open the app")
    );
    let token = hub::auth::create_api_token(app.store.as_ref(), org, "t", "admin", NOW)
        .await
        .unwrap();
    let listed: Value = app
        .client
        .get(app.url("/api/v1/onboarding/reminders"))
        .bearer_auth(&token.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = listed["data"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 2);
    assert!(
        listed.iter().all(|r| r["delivered_at"].is_string()),
        "{listed:?}"
    );
}

#[tokio::test]
async fn disconnection_and_reconnection_show_on_the_number_with_the_reason() {
    let (app, sb) = hub_and_sandbox().await;
    let number = onboard_coexistence(&app, &sb, "15550109001").await;
    let pnid = phone_number_id_of(&app, &number).await;
    let removed = json!({"reason": "PRIMARY_INACTIVITY", "initiated_by": "SYSTEM"});
    assert!(
        sb.control(
            "POST",
            &format!("/numbers/{pnid}/disconnect"),
            Some(removed)
        )
        .await
        .is_ok()
    );
    let gone = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    assert_eq!(
        gone["lifecycle"]["state"], "disconnected",
        "{}",
        gone["lifecycle"]
    );
    let detail = gone["lifecycle"]["detail"].as_str().unwrap();
    assert!(
        detail.contains("PRIMARY_INACTIVITY") && detail.contains("14 days"),
        "{detail}"
    );
    assert_eq!(
        gone["syncs"][0]["can_request"], false,
        "a disconnected number is not synced"
    );
    // A reconnection comes later than the disconnection (Meta's times are whole seconds, and
    // in the same second a disconnection wins).
    let later = sb
        .control("POST", "/clock/advance", Some(json!({"seconds": 60})))
        .await;
    assert!(later.is_ok());
    assert!(
        sb.control("POST", &format!("/numbers/{pnid}/reconnect"), None)
            .await
            .is_ok()
    );
    let back = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    assert_eq!(
        back["lifecycle"]["title"], "Live (reconnected)",
        "{}",
        back["lifecycle"]
    );
}

#[tokio::test]
async fn a_disconnected_number_onboarded_again_through_signup_is_live_and_sends_again() {
    let (app, sb) = hub_and_sandbox().await;
    let number = onboard_coexistence(&app, &sb, "15550109001").await;
    let pnid = phone_number_id_of(&app, &number).await;
    assert!(
        sb.customer_says("16505550123", &pnid, "hello")
            .await
            .is_ok()
    );
    let removed = json!({"reason": "PRIMARY_INACTIVITY", "initiated_by": "SYSTEM"});
    let path = format!("/numbers/{pnid}/disconnect");
    assert!(sb.control("POST", &path, Some(removed)).await.is_ok());
    let send = json!({"number_id": number, "to": "16505550123", "type": "text",
                      "text": {"body": "Back again"}});
    let (_, refused) = call(&app, "POST", "/api/v1/messages", Some(send.clone())).await;
    assert_eq!(refused["error"]["code"], "number_disconnected", "{refused}");

    // Meta's answer to the new onboarding (ACCOUNT_RECONNECTED here) is held back: coexist's
    // own Embedded Signup alone must bring the number back. The hub's clock moves past the
    // disconnection's time (Meta's), as a real re-onboarding comes after it.
    assert!(sb.set_faults(json!({"delay_ms": 7 * DAY_MS})).await.is_ok());
    let meta_now = sb.control("GET", "/clock", None).await.body["now"]
        .as_i64()
        .unwrap();
    app.clock.set(Timestamp(meta_now + 60_000));
    let again = onboard_coexistence(&app, &sb, "15550109001").await;
    assert_eq!(again, number, "the same number, onboarded again");
    let delivered = sb.deliveries().await["deliveries"].to_string();
    assert!(
        !delivered.contains("ACCOUNT_RECONNECTED"),
        "Meta's answer to the new onboarding has not reached the hub"
    );

    let back = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    assert_eq!(back["lifecycle"]["state"], "live", "{}", back["lifecycle"]);
    let listed = app.get_json("/api/v1/numbers").await;
    let health = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == number.as_str())
        .unwrap()["health"]
        .clone();
    assert_eq!(health["lifecycle"], "live", "{health}");
    assert!(health["disconnection"].is_null(), "{health}");
    let (status, sent) = call(&app, "POST", "/api/v1/messages", Some(send)).await;
    assert_eq!(status, reqwest::StatusCode::ACCEPTED, "{sent}");
}
