//! Webhook delivery: signing over the exact bytes, batching, retries with backoff after a
//! non-200 (at least once), the 36 h cap, and every fault knob.

mod common;

use common::{coex, setup, setup_with};
use serde_json::{Value, json};

const CUSTOMER: &str = "16505551234";

fn attempts(deliveries: &Value) -> Vec<Value> {
    deliveries["attempts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_non_200_is_retried_immediately_then_with_backoff_until_accepted() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    rx.respond_with(&[500, 503, 404]);
    let wamid = sb
        .customer_says(CUSTOMER, &pnid, "hello")
        .await
        .wamid()
        .unwrap()
        .to_owned();
    // Attempt 1 fails, the immediate retry fails, the next waits a minute.
    assert_eq!(rx.all().len(), 2);
    assert!(rx.accepted().is_empty());
    sb.advance(59).await;
    assert_eq!(rx.all().len(), 2, "not before the backoff");
    sb.advance(1).await;
    assert_eq!(rx.all().len(), 3);
    sb.advance(5 * 60).await;
    assert_eq!(rx.all().len(), 4);
    let accepted = rx.values("messages");
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["messages"][0]["id"], wamid.as_str());
    let bodies: Vec<Vec<u8>> = rx.all().into_iter().map(|r| r.body).collect();
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every retry sends the same bytes"
    );
    let log = attempts(&sb.deliveries().await);
    let codes: Vec<Value> = log.iter().map(|a| a["status_code"].clone()).collect();
    assert_eq!(codes, [json!(500), json!(503), json!(404), json!(200)]);
    let start = log[0]["at"].as_u64().unwrap();
    let at: Vec<u64> = log
        .iter()
        .map(|a| a["at"].as_u64().unwrap() - start)
        .collect();
    assert_eq!(at, [0, 0, 60_000, 360_000]);
    assert_eq!(log[2]["next_attempt_at"].as_u64().unwrap() - start, 360_000);
}

#[tokio::test]
async fn retries_stop_after_the_cap_and_the_delivery_is_abandoned() {
    let (rx, sb) = setup_with(|c| {
        c.delivery.retry_schedule_ms = vec![0, 3_600_000];
        c.delivery.retry_cap_ms = 3 * 3_600_000;
    })
    .await;
    rx.respond_with(&[500; 10]);
    sb.customer_says(CUSTOMER, &coex(&sb), "hello").await;
    sb.advance(10 * 3600).await;
    // t=0, t=0, then hourly at 1 h, 2 h, 3 h; the next (4 h) is past the cap.
    assert_eq!(rx.all().len(), 5);
    let deliveries = sb.deliveries().await;
    assert_eq!(deliveries["deliveries"][0]["state"], "abandoned");
    assert!(attempts(&deliveries).last().unwrap()["next_attempt_at"].is_null());
}

#[tokio::test]
async fn an_unreachable_receiver_counts_as_a_failed_attempt() {
    let (_rx, sb) =
        setup_with(|c| c.webhook_url = Some("http://127.0.0.1:9/nothing".to_owned())).await;
    sb.customer_says(CUSTOMER, &coex(&sb), "hello").await;
    let log = attempts(&sb.deliveries().await);
    assert_eq!(log.len(), 2, "first try and the immediate retry");
    assert!(log.iter().all(|a| a["outcome"] == "error"));
    assert_eq!(sb.deliveries().await["deliveries"][0]["state"], "pending");
}

#[tokio::test]
async fn updates_due_together_are_batched_up_to_the_maximum() {
    let (rx, sb) = setup_with(|c| c.delivery.max_batch = 2).await;
    let pnid = coex(&sb);
    sb.customer_says(CUSTOMER, &pnid, "hi").await;
    for i in 0..3 {
        let (status, _) = common::send_text(&sb, &pnid, CUSTOMER, &format!("reply {i}")).await;
        assert_eq!(status, 200);
    }
    rx.clear();
    sb.advance(1).await; // three `delivered` statuses fall due at the same millisecond
    let posts = rx.accepted();
    let sizes: Vec<usize> = posts
        .iter()
        .map(|p| p["entry"][0]["changes"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [2, 1]);
    assert_eq!(
        rx.statuses()
            .iter()
            .filter(|s| s["status"] == "delivered")
            .count(),
        3
    );
}

#[tokio::test]
async fn the_duplicate_fault_delivers_the_same_bytes_twice() {
    let (rx, sb) = setup().await;
    assert!(
        sb.set_faults(json!({"duplicate_probability": 1.0}))
            .await
            .is_ok()
    );
    sb.customer_says(CUSTOMER, &coex(&sb), "hi").await;
    let all = rx.all();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].body, all[1].body);
    let deliveries = sb.deliveries().await;
    assert_eq!(
        deliveries["deliveries"][1]["duplicate_of"],
        deliveries["deliveries"][0]["id"]
    );
}

#[tokio::test]
async fn the_drop_first_attempt_fault_delivers_then_retries() {
    let (rx, sb) = setup().await;
    sb.set_faults(json!({"drop_first_attempt_probability": 1.0}))
        .await;
    sb.customer_says(CUSTOMER, &coex(&sb), "hi").await;
    let all = rx.all();
    assert_eq!(all.len(), 2, "delivered, treated as failed, redelivered");
    assert_eq!(all[0].body, all[1].body);
    let log = attempts(&sb.deliveries().await);
    assert_eq!(log[0]["outcome"], "dropped_by_fault");
    assert_eq!(log[1]["outcome"], "ok");
}

#[tokio::test]
async fn the_lose_next_fault_swallows_deliveries_which_are_retried_later() {
    let (rx, sb) = setup().await;
    sb.set_faults(json!({"lose_next": 2})).await;
    sb.customer_says(CUSTOMER, &coex(&sb), "hi").await;
    assert!(
        rx.all().is_empty(),
        "lost twice: first try and immediate retry"
    );
    let faults = sb.control("GET", "/faults", None).await;
    assert_eq!(faults.body["lose_next"], 0);
    sb.advance(60).await;
    assert_eq!(rx.values("messages").len(), 1);
    let outcomes: Vec<Value> = attempts(&sb.deliveries().await)
        .iter()
        .map(|a| a["outcome"].clone())
        .collect();
    assert_eq!(outcomes, [json!("lost"), json!("lost"), json!("ok")]);
}

#[tokio::test]
async fn the_delay_fault_holds_webhooks_until_the_clock_passes_it() {
    let (rx, sb) = setup().await;
    sb.set_faults(json!({"delay_ms": 30_000})).await;
    sb.customer_says(CUSTOMER, &coex(&sb), "hi").await;
    assert!(rx.all().is_empty());
    sb.advance(29).await;
    assert!(rx.all().is_empty());
    sb.advance(1).await;
    assert_eq!(rx.values("messages").len(), 1);
}

#[tokio::test]
async fn the_reorder_fault_shuffles_updates_within_a_batch() {
    let (rx, sb) = setup_with(|c| c.delivery.batch_window_ms = 1_000).await;
    sb.set_faults(json!({"reorder_probability": 1.0})).await;
    let pnid = coex(&sb);
    let mut sent = Vec::new();
    for i in 0..6 {
        let res = sb
            .customer_says(&format!("1650555000{i}"), &pnid, &format!("m{i}"))
            .await;
        sent.push(res.wamid().unwrap().to_owned());
    }
    assert!(rx.all().is_empty(), "the window keeps the batch open");
    sb.advance(1).await;
    let posts = rx.accepted();
    assert_eq!(posts.len(), 1, "one POST for the window");
    let ids: Vec<String> = rx
        .values("messages")
        .iter()
        .map(|v| v["messages"][0]["id"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted_ids = ids.clone();
    sorted_ids.sort();
    let mut sorted_sent = sent.clone();
    sorted_sent.sort();
    assert_eq!(sorted_ids, sorted_sent, "every update is there");
    assert_ne!(ids, sent, "but not in the order they happened");
}

#[tokio::test]
async fn faults_are_validated_and_changed_at_run_time() {
    let (_rx, sb) = setup().await;
    let bad = sb.set_faults(json!({"duplicate_probability": 2.0})).await;
    assert_eq!(bad.status, 400);
    let ok = sb.set_faults(json!({"delay_ms": 5})).await;
    assert_eq!(ok.body["delay_ms"], 5);
    assert_eq!(ok.body["duplicate_probability"], 0.0);
    let settings = sb
        .control(
            "POST",
            "/settings",
            Some(json!({"delivery": {"max_batch": 3}})),
        )
        .await;
    assert_eq!(settings.body["delivery"]["max_batch"], 3);
    assert_eq!(
        settings.body["delivery"]["retry_cap_ms"],
        36 * 3_600_000,
        "other fields kept"
    );
}

#[tokio::test]
async fn non_ascii_is_escaped_and_the_signature_covers_the_exact_bytes() {
    let (rx, sb) = setup().await;
    sb.customer_says(CUSTOMER, &coex(&sb), "äöå 😮 مرحبا").await;
    let got = &rx.all()[0];
    assert!(got.signature_ok);
    let raw = String::from_utf8(got.body.clone()).unwrap();
    assert!(raw.is_ascii());
    assert!(
        raw.contains("\\u00e4\\u00f6\\u00e5"),
        "lowercase \\u escapes: {raw}"
    );
    assert!(
        raw.contains("\\ud83d\\ude2e"),
        "surrogate pairs for astral characters"
    );
    assert_eq!(
        got.json["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"],
        "äöå 😮 مرحبا"
    );
}

#[tokio::test]
async fn the_verification_handshake_checks_the_echoed_challenge() {
    use axum::extract::Query;
    use std::collections::HashMap;
    async fn endpoint(
        Query(q): Query<HashMap<String, String>>,
    ) -> (axum::http::StatusCode, String) {
        match (
            q.get("hub.mode").map(String::as_str),
            q.get("hub.verify_token").map(String::as_str),
        ) {
            (Some("subscribe"), Some("right")) => {
                (axum::http::StatusCode::OK, q["hub.challenge"].clone())
            }
            _ => (axum::http::StatusCode::FORBIDDEN, "no".to_owned()),
        }
    }
    let app = axum::Router::new().route("/hook", axum::routing::get(endpoint));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let (_rx, sb) = setup().await;
    let ok = sb
        .control(
            "POST",
            "/webhooks/verify",
            Some(json!({"verify_token": "right", "url": url})),
        )
        .await;
    assert_eq!(ok.body["verified"], true, "{ok:?}");
    assert_eq!(ok.body["body"], ok.body["challenge"]);
    let bad = sb
        .control(
            "POST",
            "/webhooks/verify",
            Some(json!({"verify_token": "wrong", "url": url})),
        )
        .await;
    assert_eq!(bad.body["verified"], false);
    assert_eq!(bad.body["status_code"], 403);
}

#[tokio::test]
async fn a_receiver_slower_than_the_timeout_counts_as_failed_and_is_retried() {
    async fn slow() -> &'static str {
        tokio::time::sleep(std::time::Duration::from_secs(10)).await;
        "late"
    }
    let app = axum::Router::new().route("/hook", axum::routing::post(slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let (_rx, sb) = setup_with(|c| {
        c.webhook_url = Some(url);
        c.delivery.timeout_ms = 200;
    })
    .await;
    sb.customer_says(CUSTOMER, &coex(&sb), "hi").await;
    let log = attempts(&sb.deliveries().await);
    assert_eq!(log.len(), 2, "the first try and the immediate retry");
    assert!(log.iter().all(|a| a["outcome"] == "timeout"), "{log:?}");
    assert!(
        log[1]["next_attempt_at"].is_u64(),
        "a later retry is scheduled"
    );
}

#[tokio::test]
async fn an_update_due_later_never_rides_in_an_earlier_batch() {
    let (rx, sb) = setup().await;
    sb.set_faults(json!({"delay_ms": 30_000})).await;
    let pnid = coex(&sb);
    sb.customer_says(CUSTOMER, &pnid, "first").await;
    sb.advance(10).await;
    sb.customer_says(CUSTOMER, &pnid, "second").await;
    sb.advance(20).await;
    let bodies: Vec<String> = rx
        .values("messages")
        .iter()
        .map(|v| {
            v["messages"][0]["text"]["body"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(bodies, ["first"], "the second is due 10 s later");
    sb.advance(10).await;
    assert_eq!(rx.values("messages").len(), 2);
}
