//! Onboarding end to end against the sandbox (Meta's wire contract): the preflight, Embedded
//! Signup's finish event and code, the business token, subscription, registration, the guarded
//! once-only syncs and their refusals, reminders, and the audit trail. The helpers are here;
//! the tests are in `flows` (signup to a working number), `syncs` (the once-only syncs'
//! refusals) and `health` (reminders, disconnection and reconnection).

mod flows;
mod health;
mod syncs;

use hub::config::Secret;
use reqwest::StatusCode;
use sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};

use crate::helpers::{APP_SECRET, TestApp, spawn_app_with};

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

/// Meta's phone number id of the number coexist onboarded as `number`.
async fn phone_number_id_of(app: &TestApp, number: &str) -> String {
    let status = app
        .get_json(&format!("/api/v1/numbers/{number}/onboarding"))
        .await;
    status["number"]["phone_number_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no phone_number_id: {status}"))
        .to_owned()
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
