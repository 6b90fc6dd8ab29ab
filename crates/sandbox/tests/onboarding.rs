//! A number that starts app-only: no API until onboarded; onboarding time starts the 24 h
//! sync allowance.

mod common;

use common::{graph, setup_with};
use sandbox::{NumberMode, NumberSpec};
use serde_json::json;

#[tokio::test]
async fn an_app_only_number_joins_the_api_when_onboarded() {
    let (rx, sb) = setup_with(|c| {
        c.numbers = vec![NumberSpec {
            display_phone_number: "15550109999".to_owned(),
            mode: NumberMode::Coexistence,
            verified_name: "Corner Shop".to_owned(),
            throughput_mps: None,
            onboarded: false,
        }];
    })
    .await;
    let pnid = sb.numbers()[0].phone_number_id.clone();
    let (_, fields) = graph(
        &sb,
        "GET",
        &format!("/{pnid}?fields=is_on_biz_app,platform_type"),
        None,
    )
    .await;
    assert_eq!(fields["is_on_biz_app"], true);
    assert_eq!(fields["platform_type"], "NOT_APPLICABLE");
    let res = sb.customer_says("16505551234", &pnid, "hello?").await;
    assert_eq!(res.body["webhook"], false, "no webhooks before onboarding");
    assert!(rx.all().is_empty());
    let sync = json!({"messaging_product": "whatsapp", "sync_type": "history"});
    let (status, body) = graph(
        &sb,
        "POST",
        &format!("/{pnid}/smb_app_data"),
        Some(sync.clone()),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(133010))
    );

    sb.advance(3_600).await;
    let onboard = sb
        .control("POST", &format!("/numbers/{pnid}/onboard"), None)
        .await;
    assert!(onboard.is_ok(), "{onboard:?}");
    assert_eq!(onboard.body["lifecycle"]["state"], "connected");
    assert_eq!(onboard.body["onboarded_at"], sb.now_ms());
    assert_eq!(
        rx.values("account_update")[0]["event"],
        "PARTNER_APP_INSTALLED"
    );
    let (status, _) = graph(&sb, "POST", &format!("/{pnid}/smb_app_data"), Some(sync)).await;
    assert_eq!(status, 200);
    sb.flush().await;
    let chunk = rx
        .values("history")
        .into_iter()
        .find(|v| v.get("history").is_some())
        .unwrap();
    let message = &chunk["history"][0]["threads"][0]["messages"][0];
    assert_eq!(
        message["text"]["body"], "hello?",
        "what reached the phone before onboarding is history"
    );
    let again = sb
        .control("POST", &format!("/numbers/{pnid}/onboard"), None)
        .await;
    assert_eq!(again.status, 409);
}
