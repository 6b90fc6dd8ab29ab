//! Embedded Signup against the sandbox: the window, the scan, the finish event and code, the
//! code exchange, business tokens and their scope, subscription, registration, Meta's
//! eligibility checks.

mod common;

use common::{Receiver, SECRET, graph, graph_with_token, setup};
use sandbox::SandboxHandle;
use serde_json::{Value, json};

const APP_ID: &str = "1234567890";

async fn session(sb: &SandboxHandle, coexistence: bool, phone: Option<&str>) -> String {
    let mut body = json!({"app_id": APP_ID, "config_id": "cfg-1", "origin": "http://hub.test"});
    if coexistence {
        body["feature"] = json!("whatsapp_business_app_onboarding");
    }
    if let Some(p) = phone {
        body["phone"] = json!(p);
    }
    let res = sb.control("POST", "/signup/sessions", Some(body)).await;
    assert!(res.is_ok(), "{res:?}");
    res.body["id"].as_str().unwrap().to_owned()
}

async fn exchange(sb: &SandboxHandle, code: &str, secret: &str) -> (u16, Value) {
    let path = format!("/oauth/access_token?client_id={APP_ID}&client_secret={secret}&code={code}");
    graph_with_token(sb, "GET", &path, None, None).await
}

#[tokio::test]
async fn a_coexistence_signup_finishes_with_the_waba_and_a_code_for_a_business_token() {
    let (rx, sb) = setup().await;
    let (waba, code) = scan_coexistence(&rx, &sb).await;
    let token = exchange_once(&sb, &code).await;
    let pnid = the_token_reaches_its_own_account_only(&sb, &waba, &token).await;
    subscribed_but_never_registered(&sb, &waba, &pnid, &token).await;
    history_is_exported(&rx, &sb, &pnid, &token).await;
}

/// Scans a coexistence window: the finish event names the business's own account.
async fn scan_coexistence(rx: &Receiver, sb: &SandboxHandle) -> (String, String) {
    let id = session(sb, true, Some("+1 555 010 9001")).await;
    let scanned = sb
        .control("POST", &format!("/signup/{id}/scan"), None)
        .await;
    assert!(scanned.is_ok(), "{scanned:?}");
    let event = &scanned.body["event"];
    assert_eq!(event["type"], "WA_EMBEDDED_SIGNUP");
    assert_eq!(event["event"], "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING");
    assert_eq!(event["version"], 3);
    assert!(event["data"].get("phone_number_id").is_none(), "{event}");
    let waba = event["data"]["waba_id"].as_str().unwrap().to_owned();
    assert_ne!(waba, sb.waba_id(), "the business brings its own account");
    assert_eq!(
        rx.values("account_update")[0]["event"],
        "PARTNER_APP_INSTALLED"
    );
    (waba, scanned.body["code"].as_str().unwrap().to_owned())
}

/// The code becomes a business token with the app secret, once.
async fn exchange_once(sb: &SandboxHandle, code: &str) -> String {
    let (status, wrong) = exchange(sb, code, "not-the-secret").await;
    assert_eq!(
        (status, wrong["error"]["code"].clone()),
        (400, json!(1)),
        "{wrong}"
    );
    let (status, token) = exchange(sb, code, SECRET).await;
    assert_eq!(status, 200, "{token}");
    let token = token["access_token"].as_str().unwrap().to_owned();
    let (_, again) = exchange(sb, code, SECRET).await;
    assert_eq!(
        again["error"]["error_subcode"], 36009,
        "a code works once: {again}"
    );
    token
}

async fn the_token_reaches_its_own_account_only(
    sb: &SandboxHandle,
    waba: &str,
    token: &str,
) -> String {
    let (status, numbers) = graph_with_token(
        sb,
        "GET",
        &format!("/{waba}/phone_numbers"),
        None,
        Some(token),
    )
    .await;
    assert_eq!(status, 200, "{numbers}");
    let number = &numbers["data"][0];
    assert_eq!(
        (
            number["is_on_biz_app"].clone(),
            number["platform_type"].clone()
        ),
        (json!(true), json!("CLOUD_API"))
    );
    let pnid = number["id"].as_str().unwrap().to_owned();
    // The business token reaches its own account only.
    let (status, _) = graph_with_token(
        sb,
        "GET",
        &format!("/{}/phone_numbers", sb.waba_id()),
        None,
        Some(token),
    )
    .await;
    assert_eq!(status, 400);
    pnid
}

async fn subscribed_but_never_registered(sb: &SandboxHandle, waba: &str, pnid: &str, token: &str) {
    let (_, before) = graph_with_token(
        sb,
        "GET",
        &format!("/{waba}/subscribed_apps"),
        None,
        Some(token),
    )
    .await;
    assert_eq!(before["data"], json!([]));
    let (_, sub) = graph_with_token(
        sb,
        "POST",
        &format!("/{waba}/subscribed_apps"),
        None,
        Some(token),
    )
    .await;
    assert_eq!(sub, json!({"success": true}));
    let (_, after) = graph_with_token(
        sb,
        "GET",
        &format!("/{waba}/subscribed_apps"),
        None,
        Some(token),
    )
    .await;
    assert_eq!(after["data"].as_array().unwrap().len(), 1);
    let register = json!({"messaging_product": "whatsapp", "pin": "123456"});
    let (status, refused) = graph_with_token(
        sb,
        "POST",
        &format!("/{pnid}/register"),
        Some(register),
        Some(token),
    )
    .await;
    assert_eq!(
        status, 400,
        "coexistence numbers are not registered: {refused}"
    );
}

/// The phone had chats before onboarding: the history sync exports them.
async fn history_is_exported(rx: &Receiver, sb: &SandboxHandle, pnid: &str, token: &str) {
    let sync = json!({"messaging_product": "whatsapp", "sync_type": "history"});
    let (status, _) = graph_with_token(
        sb,
        "POST",
        &format!("/{pnid}/smb_app_data"),
        Some(sync),
        Some(token),
    )
    .await;
    assert_eq!(status, 200);
    sb.flush().await;
    let last = rx
        .values("history")
        .into_iter()
        .filter_map(|v| v["history"][0]["metadata"]["progress"].as_i64())
        .max();
    assert_eq!(last, Some(100));
}

#[tokio::test]
async fn a_cloud_api_signup_finishes_with_the_number_which_works_once_registered() {
    let (_rx, sb) = setup().await;
    let id = session(&sb, false, None).await;
    let scanned = sb
        .control("POST", &format!("/signup/{id}/scan"), None)
        .await;
    assert!(scanned.is_ok(), "{scanned:?}");
    let event = &scanned.body["event"];
    assert_eq!(event["event"], "FINISH");
    let pnid = event["data"]["phone_number_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, token) = exchange(&sb, scanned.body["code"].as_str().unwrap(), SECRET).await;
    let token = token["access_token"].as_str().unwrap().to_owned();
    let text = json!({"messaging_product": "whatsapp", "to": "16505550123", "type": "text", "text": {"body": "hi"}});
    let (_, before) = graph_with_token(
        &sb,
        "POST",
        &format!("/{pnid}/messages"),
        Some(text.clone()),
        Some(&token),
    )
    .await;
    assert_eq!(
        before["error"]["code"], 133010,
        "not registered yet: {before}"
    );
    let bad_pin = json!({"messaging_product": "whatsapp", "pin": "12"});
    let (status, _) = graph_with_token(
        &sb,
        "POST",
        &format!("/{pnid}/register"),
        Some(bad_pin),
        Some(&token),
    )
    .await;
    assert_eq!(status, 400);
    let register = json!({"messaging_product": "whatsapp", "pin": "123456"});
    let (status, ok) = graph_with_token(
        &sb,
        "POST",
        &format!("/{pnid}/register"),
        Some(register),
        Some(&token),
    )
    .await;
    assert_eq!((status, ok), (200, json!({"success": true})));
    let (_, fields) = graph(
        &sb,
        "GET",
        &format!("/{pnid}?fields=is_on_biz_app,platform_type"),
        None,
    )
    .await;
    assert_eq!(
        (
            fields["is_on_biz_app"].clone(),
            fields["platform_type"].clone()
        ),
        (json!(false), json!("CLOUD_API"))
    );
    let (status, sent) = graph_with_token(
        &sb,
        "POST",
        &format!("/{pnid}/messages"),
        Some(text),
        Some(&token),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
}

#[tokio::test]
async fn meta_refuses_an_ineligible_number_with_its_reasons() {
    let (rx, sb) = setup().await;
    let id = session(&sb, true, Some("15550109002")).await;
    let refused = sb
        .control("POST", &format!("/signup/{id}/scan"), None)
        .await;
    assert_eq!(refused.status, 409);
    let message = refused.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("2.24.10.79 is out of date"), "{message}");
    let state = sb.control("GET", &format!("/signup/{id}"), None).await;
    assert_eq!(state.body["state"], "refused");
    assert!(
        rx.values("account_update").is_empty(),
        "nothing was onboarded"
    );
    let facts = sb
        .control(
            "POST",
            "/signup/numbers/15550109002",
            Some(json!({"app_version": "2.24.17"})),
        )
        .await;
    assert!(facts.is_ok(), "{facts:?}");
    let id = session(&sb, true, Some("15550109002")).await;
    assert!(
        sb.control("POST", &format!("/signup/{id}/scan"), None)
            .await
            .is_ok()
    );
    // A cloud window does not take a number that runs the app.
    let id = session(&sb, false, Some("15550109001")).await;
    assert_eq!(
        sb.control("POST", &format!("/signup/{id}/scan"), None)
            .await
            .status,
        409
    );
    let added = sb
        .control(
            "POST",
            "/signup/numbers",
            Some(
                json!({"display_phone_number": "15550109009", "mode": "coexistence",
                        "app_version": "2.25.0", "days_in_use": 2, "business_verified": true,
                        "facebook_page_linked": false}),
            ),
        )
        .await;
    assert!(added.is_ok(), "{added:?}");
    let id = session(&sb, true, Some("15550109009")).await;
    let refused = sb
        .control("POST", &format!("/signup/{id}/scan"), None)
        .await;
    let message = refused.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("for 2 days") && message.contains("Facebook page"),
        "{message}"
    );
}

#[tokio::test]
async fn a_code_expires_after_30_seconds() {
    let (_rx, sb) = setup().await;
    let id = session(&sb, true, Some("15550109005")).await;
    let scanned = sb
        .control("POST", &format!("/signup/{id}/scan"), None)
        .await;
    sb.advance(31).await;
    let (status, expired) = exchange(&sb, scanned.body["code"].as_str().unwrap(), SECRET).await;
    assert_eq!(
        (status, expired["error"]["error_subcode"].clone()),
        (400, json!(36007)),
        "{expired}"
    );
    let (_, unknown) = exchange(&sb, "AQnope", SECRET).await;
    assert_eq!(unknown["error"]["code"], 100);
}

#[tokio::test]
async fn the_window_shows_a_qr_code_and_the_phone_page_confirms() {
    let (_rx, sb) = setup().await;
    let client = reqwest::Client::new();
    let url = format!(
        "{}/_sandbox/signup?app_id={APP_ID}&config_id=c&feature=whatsapp_business_app_onboarding&origin=http://hub.test&phone=15550109001",
        sb.base_url()
    );
    let html = client.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("<svg") && html.contains("<path"),
        "a QR code is drawn"
    );
    assert!(html.contains("Scan with the phone"));
    assert!(html.contains("value=\"15550109001\" selected"));
    let missing = client
        .get(format!("{}/_sandbox/signup?config_id=c", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400, "FB.login needs an app id");
    // The start line still lists only the configured numbers.
    assert_eq!(sb.numbers().len(), 2);
}
