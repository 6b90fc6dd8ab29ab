//! The cost report: Meta's pricing of each message (from the sandbox's status webhooks) times the
//! sample rate table, free messages by reason, and phone-app messages.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::rig::{CUSTOMER, Rig, rig, template, text};

fn group<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key}: {report}"))
}

async fn costs(rig: &Rig, query: &str) -> Value {
    rig.get_json(&format!("/api/v1/costs?{query}")).await
}

/// Inside the window: a free-form reply and a utility template (free), a marketing template
/// (billable); outside: a marketing template that fails before delivery (not charged); and one
/// message from the phone app (free).
async fn send_a_mix(rig: &Rig) {
    rig.sync_templates().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    rig.send(chat, text("hello!"), StatusCode::ACCEPTED).await;
    let utility = template("order_update", &["Ana", "A-1", "shipped"]);
    rig.send(chat, utility, StatusCode::ACCEPTED).await;
    rig.send(
        chat,
        template("spring_sale", &["Ana", "20%"]),
        StatusCode::ACCEPTED,
    )
    .await;
    let mut undelivered = template("spring_sale", &["Bo", "20%"]);
    undelivered["number_id"] = json!(rig.coex.1.to_string());
    undelivered["to"] = json!("4915112345678");
    rig.post("/api/v1/messages", &undelivered, None).await;
    let typed = json!({"type": "text", "text": {"body": "from the phone"}});
    assert!(
        rig.sandbox
            .phone_send(&rig.coex.0, CUSTOMER, typed)
            .await
            .is_ok()
    );
    rig.run_outbox().await;
    let sent = rig.sent().await;
    let wamid = sent.iter().find(|s| s["to"] == "4915112345678").unwrap()["wamid"].clone();
    // Fail the fourth before its `delivered` timer; the others are delivered.
    let failed = json!({"status": "failed", "error_code": 131026});
    let path = format!("/messages/{}/status", wamid.as_str().unwrap());
    let r = rig.sandbox.control("POST", &path, Some(failed)).await;
    assert!(r.is_ok(), "{:?}", r.body);
    rig.advance_ms(2_000).await;
}

#[tokio::test]
async fn delivered_templates_are_priced_and_free_messages_counted_by_reason() {
    let rig = rig().await;
    send_a_mix(&rig).await;
    let report = costs(&rig, "group_by=category").await;
    assert_eq!(report["currency"], "USD");
    assert_eq!(report["rates"]["sample"], true);
    let marketing = group(&report, "marketing");
    assert_eq!(
        (
            marketing["billable"].as_u64(),
            marketing["not_delivered"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(
        marketing["cost"], "0.025",
        "one delivered US marketing template at the sample rate"
    );
    let total = &report["total"];
    assert_eq!(total["billable"], 1);
    assert_eq!(total["cost_micros"], 25_000);
    assert_eq!(total["free"]["free_customer_service"], 2, "{total}");
    assert_eq!(total["app_messages"], 1);
    let by_number = costs(&rig, "group_by=number").await;
    assert_eq!(
        group(&by_number, &rig.coex.1.to_string())["app_messages"],
        1
    );
    let by_day = costs(&rig, "group_by=day").await;
    assert_eq!(by_day["groups"].as_array().unwrap().len(), 1);
    assert_eq!(by_day["total"]["cost"], "0.025");
    rig.stop().await;
}

#[tokio::test]
async fn the_period_and_grouping_are_checked() {
    let rig = rig().await;
    let empty = costs(&rig, "from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z").await;
    assert_eq!(empty["total"]["billable"], 0);
    assert_eq!(empty["from"], "2020-01-01T00:00:00Z");
    for bad in [
        "group_by=week",
        "from=yesterday",
        "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
    ] {
        let r = rig
            .client
            .get(rig.url(&format!("/api/v1/costs?{bad}")))
            .bearer_auth(&rig.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    rig.stop().await;
}
