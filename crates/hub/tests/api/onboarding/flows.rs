//! From the preflight and Embedded Signup to a working number, for both models.

use reqwest::StatusCode;
use sandbox::SandboxHandle;
use serde_json::json;

use super::{call, eligible, hub_and_sandbox, onboard_coexistence, signup};
use crate::helpers::{NOW, TestApp, spawn_app_with};

#[tokio::test]
async fn a_coexistence_number_is_onboarded_and_each_sync_is_requested_once() {
    let (app, sb) = hub_and_sandbox().await;
    let number = onboard_coexistence(&app, &sb, "15550109001").await;
    meta_subscribed_and_connected(&sb).await;
    both_syncs_offered(&app, &number).await;
    both_syncs_accepted(&app, &sb, &number).await;
    a_second_request_never_reaches_meta(&app, &sb, &number).await;
    audited_without_tokens(&app, &number).await;
}

async fn meta_subscribed_and_connected(sb: &SandboxHandle) {
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
}

async fn both_syncs_offered(app: &TestApp, number: &str) {
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
}

async fn both_syncs_accepted(app: &TestApp, sb: &SandboxHandle, number: &str) {
    for kind in ["contacts", "history"] {
        let (status, answer) = call(
            app,
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
}

async fn a_second_request_never_reaches_meta(app: &TestApp, sb: &SandboxHandle, number: &str) {
    // A second request is refused by coexist, with the explanation, and never reaches Meta.
    let (status, refused) = call(
        app,
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
}

async fn audited_without_tokens(app: &TestApp, number: &str) {
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
