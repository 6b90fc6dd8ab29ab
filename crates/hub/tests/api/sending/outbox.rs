//! The outbox's guarantees against the sandbox: a worker killed mid-send never causes a second
//! Graph send, and the status webhook reconciles the message; the throughput governor never
//! lets more than the limit start in any one-second window (counted on the sandbox's own log);
//! the pair-rate governor spaces a burst to one customer.

use std::collections::BTreeMap;

use coexist_core::governor::max_in_any_window;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::proxy::Fault;
use super::rig::{CUSTOMER, rig, rig_with, template, text};

#[tokio::test]
async fn a_worker_killed_mid_send_never_sends_twice_and_the_webhook_reconciles() {
    let rig = rig_with(|_| {}, |c| c.sending.lease_ms = 20_000).await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    rig.hold_webhooks();
    let (_release, held) = oneshot::channel();
    rig.proxy.fault(Fault::Hold(held));
    let path = format!("/api/v1/chats/{chat}/messages");
    let m: Value = rig
        .post(&path, &text("in flight"), Some("crash-1"))
        .await
        .json()
        .await
        .unwrap();
    let id = m["id"].as_str().unwrap().to_owned();

    // The worker sends; Meta accepts; the answer never comes back; the worker dies.
    let outbox = rig.sending.outbox.clone();
    let worker = tokio::spawn(async move { outbox.run_until_idle().await });
    rig.proxy.wait_forwarded(1).await;
    worker.abort();
    assert!(worker.await.unwrap_err().is_cancelled());
    let claimed = rig.message(&id).await;
    assert_eq!(
        claimed["send"]["state"], "sending",
        "the claim was committed before the call"
    );
    assert_eq!(claimed["send"]["attempts"], 1);

    // A new worker, before and after the lease expires: nothing is sent again.
    let idle = rig.sending.outbox.run_until_idle().await.unwrap();
    assert_eq!(idle.attempts, 0);
    rig.advance_ms(21_000).await;
    let idle = rig.sending.outbox.run_until_idle().await.unwrap();
    assert_eq!((idle.attempts, idle.swept), (0, 1));
    let interrupted = rig.message(&id).await;
    assert_eq!(interrupted["send"]["state"], "interrupted");
    assert_eq!(interrupted["status"], "pending");
    assert!(
        interrupted["send"]["note"]
            .as_str()
            .unwrap()
            .contains("not sent again")
    );
    // The client retrying with its key gets the same message, not a second send.
    let retry = rig.post(&path, &text("in flight"), Some("crash-1")).await;
    assert_eq!(retry.status(), StatusCode::OK);
    rig.advance_ms(600_000).await;
    assert_eq!(
        rig.sending.outbox.run_until_idle().await.unwrap().attempts,
        0
    );

    // Meta's status webhooks carry our id: the message gets its wamid and moves on.
    rig.release_webhooks().await;
    let reconciled = rig.message(&id).await;
    assert_eq!(reconciled["send"]["state"], "sent");
    assert_eq!(reconciled["status"], "read");
    let sends = rig.sends_of(&id).await;
    assert_eq!(sends.len(), 1, "one Graph send for the idempotency key");
    assert_eq!(reconciled["wamid"], sends[0]["wamid"]);
    assert_eq!(rig.proxy.forwarded().len(), 1);
    rig.stop().await;
}

#[tokio::test]
async fn a_worker_killed_mid_send_is_reconciled_even_before_its_lease_expires() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let (_release, held) = oneshot::channel();
    rig.proxy.fault(Fault::Hold(held));
    let m = rig.send(chat, text("held"), StatusCode::ACCEPTED).await;
    let id = m["id"].as_str().unwrap().to_owned();
    let outbox = rig.sending.outbox.clone();
    let worker = tokio::spawn(async move { outbox.run_until_idle().await });
    rig.proxy.wait_forwarded(1).await;
    worker.abort();
    let _ = worker.await;
    // The sandbox delivers its `sent` status while the claim still holds.
    rig.sandbox.flush().await;
    let m = rig.message(&id).await;
    assert_eq!(
        (m["status"].as_str(), m["send"]["state"].as_str()),
        (Some("sent"), Some("sent"))
    );
    rig.advance_ms(60_000).await;
    let idle = rig.sending.outbox.run_until_idle().await.unwrap();
    assert_eq!((idle.attempts, idle.swept), (0, 0));
    assert_eq!(rig.sends_of(&id).await.len(), 1);
    rig.stop().await;
}

/// Sends `n` hello_world templates from the number, one recipient each.
async fn queue_templates(rig: &super::rig::Rig, number: &str, n: usize) {
    for i in 0..n {
        let mut body = template("hello_world", &[]);
        body["number_id"] = json!(number);
        body["to"] = json!(format!("1650556{i:04}"));
        let r = rig.post("/api/v1/messages", &body, None).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
}

/// Accepted send times (sandbox ms) of one number.
async fn accepted_at(rig: &super::rig::Rig, pnid: &str) -> Vec<i64> {
    rig.sent()
        .await
        .iter()
        .filter(|s| s["phone_number_id"] == pnid && s["result"]["accepted"] == true)
        .map(|s| s["at"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn no_more_than_20_sends_start_in_any_second_on_a_coexistence_number() {
    let rig = rig().await;
    rig.sync_templates().await;
    queue_templates(&rig, &rig.coex.1.to_string(), 65).await;
    let rounds = rig.drain_outbox(20).await;
    let at = accepted_at(&rig, &rig.coex.0).await;
    assert_eq!(at.len(), 65);
    assert_eq!(max_in_any_window(&at, 1_000), 20);
    assert!(
        rounds.len() >= 4,
        "65 sends need four windows: {}",
        rounds.len()
    );
    let refused = rig
        .sent()
        .await
        .iter()
        .filter(|s| s["result"]["error"].is_object())
        .count();
    assert_eq!(refused, 0, "Meta never had to refuse one (130429)");
    rig.stop().await;
}

#[tokio::test]
async fn a_configured_limit_governs_a_cloud_api_number() {
    let rig = rig_with(|_| {}, |c| c.sending.cloud_api_mps = 5).await;
    rig.sync_templates().await;
    queue_templates(&rig, &rig.cloud.1.to_string(), 12).await;
    rig.drain_outbox(20).await;
    let at = accepted_at(&rig, &rig.cloud.0).await;
    assert_eq!(at.len(), 12);
    assert_eq!(max_in_any_window(&at, 1_000), 5);
    rig.stop().await;
}

#[tokio::test]
async fn a_burst_to_one_customer_is_spaced_by_the_pair_rate() {
    let rig = rig_with(|_| {}, |c| c.sending.pair_burst = 3).await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    for i in 0..5 {
        rig.send(chat, text(&format!("part {i}")), StatusCode::ACCEPTED)
            .await;
    }
    let first = rig.run_outbox().await;
    assert_eq!(first.accepted, 3, "the burst");
    let wakeup = first.next_wakeup.expect("the rest wait");
    assert_eq!(wakeup.since(rig.now()), 6_000);
    rig.drain_outbox(10).await;
    let mut at = accepted_at(&rig, &rig.coex.0).await;
    at.sort_unstable();
    let gaps: Vec<i64> = at.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps, [0, 0, 6_000, 6_000]);
    let per_status: BTreeMap<String, usize> =
        rig.sent().await.iter().fold(BTreeMap::new(), |mut m, s| {
            *m.entry(s["result"].to_string()).or_default() += 1;
            m
        });
    assert_eq!(per_status.len(), 1, "Meta refused nothing: {per_status:?}");
    rig.stop().await;
}

#[tokio::test]
async fn a_message_queued_before_a_disconnect_fails_without_a_graph_call() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let path = format!("/api/v1/chats/{chat}/messages");
    let m: Value = rig
        .post(&path, &text("queued before the disconnect"), Some("dc-1"))
        .await
        .json()
        .await
        .unwrap();
    let id = m["id"].as_str().unwrap().to_owned();
    assert_eq!(m["send"]["state"], "queued");

    // The owner disconnects the number in the app: Meta's PARTNER_REMOVED reaches the hub.
    let pnid = rig.coex.0.clone();
    let removed = rig
        .sandbox
        .control("POST", &format!("/numbers/{pnid}/disconnect"), None)
        .await;
    assert!(removed.is_ok(), "{:?}", removed.body);
    rig.sandbox.flush().await;
    let numbers = rig.list("/api/v1/numbers").await;
    let number = numbers
        .iter()
        .find(|n| n["phone_number_id"] == pnid.as_str())
        .unwrap();
    assert_eq!(number["state"], "disconnected", "{number}");

    let idle = rig.run_outbox().await;
    assert_eq!(idle.failed, 1, "{idle:?}");
    assert!(rig.sends_of(&id).await.is_empty(), "no Graph send");
    assert!(rig.proxy.forwarded().is_empty(), "no Graph call at all");
    let failed = rig.message(&id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["send"]["state"], "failed");
    assert_eq!(failed["send"]["attempts"], 0, "no Graph call was started");
    assert_eq!(failed["error"]["title"], "number_disconnected");
    assert_eq!(failed["error"]["code"], 133010);
    let details = failed["error"]["details"].as_str().unwrap();
    assert!(
        details.contains("disconnected") && details.contains("not handed to Meta"),
        "{details}"
    );
    // Nothing is left to send.
    assert_eq!(rig.run_outbox().await.attempts, 0);
    rig.stop().await;
}
