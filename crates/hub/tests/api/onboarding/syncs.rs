//! The once-only syncs: late, refused and interrupted requests are explained and never retried.

use coexist_core::ids::NumberId;
use coexist_core::onboarding::SyncKind;
use coexist_core::store::{AuditActor, NewSyncRequest};
use coexist_core::time::{DAY_MS, MINUTE_MS};
use reqwest::StatusCode;
use sandbox::SandboxHandle;
use serde_json::json;

use super::{SANDBOX_TOKEN, call, hub_and_sandbox, onboard_coexistence, phone_number_id_of};
use crate::helpers::{NOW, TestApp};

#[tokio::test]
async fn late_refused_and_interrupted_syncs_are_explained_and_never_retried() {
    let (app, sb) = hub_and_sandbox().await;
    let number = onboard_coexistence(&app, &sb, "15550109005").await;
    metas_refusal_is_explained(&app, &sb, &number).await;
    an_interrupted_request_is_unknown_and_never_retried(&app, &number).await;
    a_late_request_is_refused_by_coexist(&app, &sb).await;
}

async fn metas_refusal_is_explained(app: &TestApp, sb: &SandboxHandle, number: &str) {
    // Someone asked Meta directly: Meta answers 2593107 to coexist's own first request.
    let pnid = phone_number_id_of(app, number).await;
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
        app,
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
}

async fn an_interrupted_request_is_unknown_and_never_retried(app: &TestApp, number: &str) {
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
        app,
        "POST",
        &format!("/api/v1/numbers/{number}/sync"),
        Some(json!({"kind": "history"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
}

async fn a_late_request_is_refused_by_coexist(app: &TestApp, sb: &SandboxHandle) {
    // After 24 hours coexist refuses on its own (Meta would answer 2593108).
    let prospect = json!({"display_phone_number": "15550109009", "mode": "coexistence"});
    assert!(
        sb.control("POST", "/signup/numbers", Some(prospect))
            .await
            .is_ok()
    );
    let late = onboard_coexistence(app, sb, "15550109009").await;
    app.clock.advance_ms(DAY_MS + MINUTE_MS);
    let (status, too_late) = call(
        app,
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
