//! Onboarding end to end against the sandbox (Meta's wire contract): the preflight, Embedded
//! Signup's finish event and code, the business token, subscription, registration, the guarded
//! once-only syncs and their refusals, reminders, and the audit trail.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use coexist_core::ids::NumberId;
use coexist_core::number::NumberMode as CoreMode;
use coexist_core::onboarding::SyncKind;
use coexist_core::store::{AuditActor, NewSyncRequest, NumberSetup};
use coexist_core::time::{DAY_MS, MINUTE_MS};
use hub::config::{Config, Secret};
use hub::graph::GraphClient;
use hub::onboarding::Onboarding;
use reqwest::StatusCode;
use sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};

use crate::helpers::{APP_SECRET, NOW, TestApp, spawn_app_with};

const SANDBOX_TOKEN: &str = "sandbox-system-token";

/// A hub whose Graph API is a sandbox, and the sandbox delivering webhooks to it.
async fn hub_and_sandbox() -> (TestApp, SandboxHandle) {
    let sandbox = Sandbox::start(SandboxConfig::explicit(None, APP_SECRET, SANDBOX_TOKEN))
        .await
        .expect("sandbox starts");
    let graph = sandbox.graph_base_url().to_owned();
    let app = spawn_app_with(
        |c| {
            c.graph_base_url = graph;
            c.access_token = Some(Secret::new(SANDBOX_TOKEN));
        },
        |d| d,
    )
    .await;
    sandbox.set_webhook_url(Some(app.url("/webhooks/whatsapp")));
    (app, sandbox)
}

async fn call(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app
        .client
        .request(method, app.url(path))
        .bearer_auth(&app.token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn eligible(mode: &str, phone: &str) -> Value {
    json!({"mode": mode, "phone": phone, "app_version": "2.25.3.78",
           "confirmed": ["in_use", "verified_business", "facebook_page", "not_on_whatsapp", "can_receive_code"]})
}

/// Opens the sandbox's signup window as the page would, scans, and returns (event, code).
async fn signup(sb: &SandboxHandle, started: &Value, phone: &str) -> (Value, String) {
    let signup = &started["signup"];
    assert_eq!(signup["mode"], "sandbox", "{started}");
    let mut session = json!({"app_id": signup["app_id"], "config_id": signup["config_id"],
                             "origin": "http://hub.test", "phone": phone});
    if started["onboarding"]["mode"] == "coexistence" {
        session["feature"] = signup["coexistence_feature"].clone();
    }
    let opened = sb.control("POST", "/signup/sessions", Some(session)).await;
    let id = opened.body["id"].as_str().expect("a session").to_owned();
    let scanned = sb
        .control("POST", &format!("/signup/{id}/scan"), None)
        .await;
    assert!(scanned.is_ok(), "{scanned:?}");
    (
        scanned.body["event"].clone(),
        scanned.body["code"].as_str().unwrap().to_owned(),
    )
}

/// Starts, signs up and finishes a coexistence onboarding; returns the number's id.
async fn onboard_coexistence(app: &TestApp, sb: &SandboxHandle, phone: &str) -> String {
    let (status, started) = call(
        app,
        "POST",
        "/api/v1/onboardings",
        Some(eligible("coexistence", phone)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let id = started["onboarding"]["id"].as_str().unwrap().to_owned();
    let (event, code) = signup(sb, &started, phone).await;
    let (status, done) = call(
        app,
        "POST",
        &format!("/api/v1/onboardings/{id}/finish"),
        Some(json!({"event": event, "code": code})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["step"], "onboarded", "{done}");
    assert!(done["has_token"].as_bool().unwrap());
    done["number_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_coexistence_number_is_onboarded_and_each_sync_is_requested_once() {
    let (app, sb) = hub_and_sandbox().await;
    let number = onboard_coexistence(&app, &sb, "15550109001").await;
    // Meta's side: the app is subscribed to the business's account, which got a token.
    let prospects = sb.control("GET", "/signup/numbers", None).await.body;
    let meta = prospects["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["display_phone_number"] == "15550109001")
        .unwrap()
        .clone();
    assert_eq!(
        (meta["subscribed"].clone(), meta["business_tokens"].clone()),
        (json!(true), json!(1))
    );
    assert_eq!(meta["lifecycle"]["state"], "connected");

    let status = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    assert_eq!(status["number"]["mode"], "coexistence");
    assert!(status["sync_window"]["open"].as_bool().unwrap());
    assert_eq!(status["sync_window"]["seconds_left"], 24 * 3600);
    let offered: Vec<bool> = status["syncs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["can_request"].as_bool().unwrap())
        .collect();
    assert_eq!(offered, [true, true]);

    for kind in ["contacts", "history"] {
        let (status, answer) = call(
            &app,
            "POST",
            &format!("/api/v1/numbers/{number}/sync"),
            Some(json!({"kind": kind})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["request"]["state"], "accepted");
        assert!(
            answer["request"]["request_id"]
                .as_str()
                .is_some_and(|r| !r.is_empty())
        );
    }
    sb.flush().await;
    let after = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    assert_eq!(
        after["health"]["history"]["progress"], 100,
        "{}",
        after["health"]["history"]
    );
    assert!(after["number"]["contacts_synced_at"].is_string());
    for s in after["syncs"].as_array().unwrap() {
        assert_eq!(
            (s["state"].clone(), s["can_request"].clone()),
            (json!("accepted"), json!(false)),
            "{s}"
        );
    }
    // A second request is refused by coexist, with the explanation, and never reaches Meta.
    let (status, refused) = call(
        &app,
        "POST",
        &format!("/api/v1/numbers/{number}/sync"),
        Some(json!({"kind": "history"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "sync_already_requested");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("offboard"),
        "{refused}"
    );
    let sandbox_numbers = sb.control("GET", "/numbers", None).await.body;
    let history_calls = sandbox_numbers["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["history_sync"].is_object())
        .count();
    assert_eq!(history_calls, 1);

    let trail = app
        .get_json(&format!("/api/v1/audit?number_id={number}"))
        .await;
    let actions: Vec<&str> = trail["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    for expected in ["onboarding.onboarded", "sync.requested", "sync.answered"] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let answered = trail["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "sync.answered")
        .unwrap();
    assert!(
        answered["meta"]["request_id"].is_string(),
        "Meta's answer is kept: {answered}"
    );
    let all = app.get_json("/api/v1/audit").await.to_string();
    assert!(
        !all.contains("EAAS"),
        "no business token in the audit trail"
    );
}

#[tokio::test]
async fn a_cloud_api_number_needs_its_pin_then_is_registered_and_takes_live_traffic() {
    let (app, sb) = hub_and_sandbox().await;
    let (status, started) = call(
        &app,
        "POST",
        "/api/v1/onboardings",
        Some(eligible("cloud_api", "15550109101")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let id = started["onboarding"]["id"].as_str().unwrap().to_owned();
    let (event, code) = signup(&sb, &started, "15550109101").await;
    let (_, stuck) = call(
        &app,
        "POST",
        &format!("/api/v1/onboardings/{id}/finish"),
        Some(json!({"event": event, "code": code})),
    )
    .await;
    assert_eq!(stuck["step"], "subscribed", "{stuck}");
    assert!(stuck["error"].as_str().unwrap().contains("PIN"), "{stuck}");
    assert_eq!(stuck["can_resume"], true);
    let (status, done) = call(
        &app,
        "POST",
        &format!("/api/v1/onboardings/{id}/resume"),
        Some(json!({"pin": "246810"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["step"], "onboarded", "{done}");
    let number = done["number_id"].as_str().unwrap();
    let pnid = done["phone_number_id"].as_str().unwrap();
    let said = sb
        .customer_says("16505550123", pnid, "is my order ready?")
        .await;
    assert_eq!(said.body["webhook"], true, "{said:?}");
    sb.flush().await;
    let chats = app.list(&format!("/api/v1/chats?number_id={number}")).await;
    assert_eq!(chats.len(), 1, "{chats:?}");
    let status = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    assert_eq!(status["syncs"], json!([]), "no phone app, no syncs");
    let (status, refused) = call(
        &app,
        "POST",
        &format!("/api/v1/numbers/{number}/sync"),
        Some(json!({"kind": "contacts"})),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("not_coexistence"))
    );
}

#[tokio::test]
async fn the_preflight_refuses_an_ineligible_number_with_every_reason() {
    let (app, _sb) = hub_and_sandbox().await;
    let body = json!({"mode": "coexistence", "phone": "+44 7700 900123", "app_version": "2.24.10", "confirmed": ["in_use"]});
    let (status, refused) = call(&app, "POST", "/api/v1/onboardings", Some(body.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["code"], "not_eligible");
    let message = refused["error"]["message"].as_str().unwrap();
    for reason in [
        "United Kingdom",
        "older than 2.24.17",
        "verified",
        "Facebook page",
    ] {
        assert!(message.contains(reason), "{reason} missing: {message}");
    }
    let checks = refused["error"]["preflight"]["checks"].as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["check"] == "in_use" && c["verdict"] == "pass")
    );
    assert!(
        app.list("/api/v1/onboardings").await.is_empty(),
        "nothing was started"
    );
    let trail = app.get_json("/api/v1/audit").await;
    assert_eq!(trail["data"][0]["action"], "preflight.refused");
    let (_, report) = call(&app, "POST", "/api/v1/onboarding/preflight", Some(body)).await;
    assert_eq!(report["eligible"], false);
}

#[tokio::test]
async fn late_refused_and_interrupted_syncs_are_explained_and_never_retried() {
    let (app, sb) = hub_and_sandbox().await;
    let number = onboard_coexistence(&app, &sb, "15550109005").await;
    // Someone asked Meta directly: Meta answers 2593107 to coexist's own first request.
    let status = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    let pnid = status["number"]["phone_number_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = reqwest::Client::new();
    let direct = client
        .post(format!("{}/{pnid}/smb_app_data", sb.graph_base_url()))
        .bearer_auth(SANDBOX_TOKEN)
        .json(&json!({"messaging_product": "whatsapp", "sync_type": "smb_app_state_sync"}))
        .send()
        .await
        .unwrap();
    assert!(direct.status().is_success());
    let (status, refused) = call(
        &app,
        "POST",
        &format!("/api/v1/numbers/{number}/sync"),
        Some(json!({"kind": "contacts"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["code"], "meta_refused");
    assert_eq!(refused["error"]["sync"]["advice"]["code"], 2593107);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Do not retry"),
        "{refused}"
    );

    // A request recorded by a process that stopped before the answer: outcome unknown.
    let org = app.org().await;
    let id: NumberId = number.parse().unwrap();
    let record = app.store.get_number(org, id).await.unwrap();
    let interrupted = NewSyncRequest {
        number_id: id,
        kind: SyncKind::History,
        onboarded_at: record.onboarded_at.unwrap(),
        onboarding_id: None,
        by: AuditActor::System,
    };
    app.store
        .begin_sync_request(org, interrupted, NOW)
        .await
        .unwrap();
    app.clock.advance_ms(5 * MINUTE_MS);
    let status = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    let history = &status["syncs"][1];
    assert_eq!(
        (history["state"].clone(), history["can_request"].clone()),
        (json!("unknown"), json!(false))
    );
    assert!(
        history["explanation"]
            .as_str()
            .unwrap()
            .contains("outcome unknown")
    );
    let (status, again) = call(
        &app,
        "POST",
        &format!("/api/v1/numbers/{number}/sync"),
        Some(json!({"kind": "history"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");

    // After 24 hours coexist refuses on its own (Meta would answer 2593108).
    let prospect = json!({"display_phone_number": "15550109009", "mode": "coexistence"});
    assert!(
        sb.control("POST", "/signup/numbers", Some(prospect))
            .await
            .is_ok()
    );
    let late = onboard_coexistence(&app, &sb, "15550109009").await;
    app.clock.advance_ms(DAY_MS + MINUTE_MS);
    let (status, too_late) = call(
        &app,
        "POST",
        &format!("/api/v1/numbers/{late}/sync"),
        Some(json!({"kind": "history"})),
    )
    .await;
    assert_eq!(
        (status, too_late["error"]["code"].clone()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("sync_deadline_passed")
        )
    );
}

#[tokio::test]
async fn a_second_finish_message_changes_nothing_and_agents_cannot_onboard() {
    let (app, sb) = hub_and_sandbox().await;
    let (_, started) = call(
        &app,
        "POST",
        "/api/v1/onboardings",
        Some(eligible("coexistence", "15550109001")),
    )
    .await;
    let id = started["onboarding"]["id"].as_str().unwrap().to_owned();
    let (event, code) = signup(&sb, &started, "15550109001").await;
    let finish = json!({"event": event, "code": code});
    let (status, _) = call(
        &app,
        "POST",
        &format!("/api/v1/onboardings/{id}/finish"),
        Some(finish.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, again) = call(
        &app,
        "POST",
        &format!("/api/v1/onboardings/{id}/finish"),
        Some(finish),
    )
    .await;
    assert_eq!(
        (status, again["error"]["code"].clone()),
        (StatusCode::CONFLICT, json!("conflict"))
    );
    let org = app.org().await;
    let agent = hub::auth::create_api_token(app.store.as_ref(), org, "agent", "agent", NOW)
        .await
        .unwrap();
    let response = app
        .client
        .post(app.url("/api/v1/onboardings"))
        .bearer_auth(&agent.token)
        .json(&eligible("coexistence", "15550109005"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

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
    let status = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    let pnid = status["number"]["phone_number_id"]
        .as_str()
        .unwrap()
        .to_owned();
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
async fn against_real_meta_the_page_is_told_to_use_metas_sdk() {
    let app = spawn_app_with(
        |c| {
            c.graph_base_url = "https://graph.facebook.com".to_owned();
            c.onboarding.meta_app_id = Some("1234567890".to_owned());
            c.onboarding.meta_config_id = Some("987654321".to_owned());
        },
        |d| d,
    )
    .await;
    let config = app.get_json("/api/v1/onboarding/config").await;
    let signup = &config["signup"];
    assert_eq!(
        (signup["mode"].clone(), signup["app_id"].clone()),
        (json!("meta"), json!("1234567890"))
    );
    assert_eq!(
        signup["sdk_url"],
        "https://connect.facebook.net/en_US/sdk.js"
    );
    assert_eq!(
        signup["coexistence_feature"],
        "whatsapp_business_app_onboarding"
    );
    let unconfigured = spawn_app_with(
        |c| c.graph_base_url = "https://graph.facebook.com".to_owned(),
        |d| d,
    )
    .await;
    let (status, refused) = call(
        &unconfigured,
        "POST",
        "/api/v1/onboardings",
        Some(eligible("coexistence", "15550109001")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--meta-app-id"),
        "{refused}"
    );
}
