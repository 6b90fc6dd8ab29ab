//! Every Meta error path of a send: what the outbox does with 131047 (sync and async), 130429,
//! 131056, 131050, 132001, 132000, a 5xx and a timeout. The sandbox and a Graph proxy produce
//! them; the hub's own checks are bypassed where needed by letting its view lag Meta's.

use std::time::Duration;

use coexist_core::store::TemplateDefinition;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::proxy::Fault;
use super::rig::{CUSTOMER, Rig, rig, rig_with, template, text};

async fn failed_with(rig: &Rig, id: &str, code: i64) -> Value {
    let m = rig.message(id).await;
    assert_eq!(m["status"], "failed", "{m}");
    assert_eq!(m["error"]["code"], code, "{m}");
    assert!(
        m["error"]["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{m}"
    );
    assert!(
        m["error"]["details"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{m}"
    );
    m
}

fn id(m: &Value) -> String {
    m["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn re_engagement_131047_answered_synchronously_fails_the_message() {
    let rig = rig_with(|s| s.window_error_sync = true, |_| {}).await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    // Meta's window closed, the hub's has not (its clock lags): only Meta can refuse.
    let r = rig
        .sandbox
        .control("POST", "/clock/advance", Some(json!({"seconds": 90_000})))
        .await;
    assert!(r.is_ok());
    let m = rig.send(chat, text("late"), StatusCode::ACCEPTED).await;
    let idle = rig.run_outbox().await;
    assert_eq!(idle.failed, 1);
    let failed = failed_with(&rig, &id(&m), 131_047).await;
    assert_eq!(failed["send"]["state"], "failed");
    assert_eq!(failed["wamid"], Value::Null);
    assert_eq!(rig.sends_of(&id(&m)).await.len(), 1, "not retried");
    rig.stop().await;
}

#[tokio::test]
async fn re_engagement_131047_as_a_failed_status_fails_the_message() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let r = rig
        .sandbox
        .control("POST", "/clock/advance", Some(json!({"seconds": 90_000})))
        .await;
    assert!(r.is_ok());
    let m = rig.send(chat, text("late"), StatusCode::ACCEPTED).await;
    let idle = rig.run_outbox().await;
    assert_eq!(idle.accepted, 1, "Meta accepts, then fails it by webhook");
    let failed = failed_with(&rig, &id(&m), 131_047).await;
    assert!(failed["wamid"].is_string());
    rig.stop().await;
}

#[tokio::test]
async fn throughput_130429_pauses_the_number_and_retries() {
    let rig = rig().await;
    rig.sync_templates().await;
    // Meta allows 1 msg/s on this number; the hub believes 80.
    let limits = json!({"throughput_mps": 1});
    let r = rig
        .sandbox
        .control(
            "POST",
            &format!("/numbers/{}/limits", rig.cloud.0),
            Some(limits),
        )
        .await;
    assert!(r.is_ok(), "{:?}", r.body);
    let mut ids = Vec::new();
    for to in ["16505550001", "16505550002"] {
        let mut body = template("hello_world", &[]);
        body["number_id"] = json!(rig.cloud.1.to_string());
        body["to"] = json!(to);
        let response = rig.post("/api/v1/messages", &body, None).await;
        ids.push(id(&response.json::<Value>().await.unwrap()));
    }
    let first = rig.run_outbox().await;
    assert_eq!((first.accepted, first.retried), (1, 1), "{first:?}");
    let waiting = rig.sent().await;
    let refused: Vec<&Value> = waiting
        .iter()
        .filter(|s| s["result"]["error"]["code"] == 130_429)
        .collect();
    assert_eq!(refused.len(), 1);
    let queued = rig.message(&ids[1]).await;
    let queued = if queued["send"]["state"] == "queued" {
        queued
    } else {
        rig.message(&ids[0]).await
    };
    assert_eq!(queued["send"]["last_error"]["code"], 130_429);
    assert!(queued["send"]["next_attempt_at"].is_string());
    rig.drain_outbox(10).await;
    for id in &ids {
        let m = rig.message(id).await;
        assert_eq!(m["send"]["state"], "sent", "{m}");
    }
    rig.stop().await;
}

#[tokio::test]
async fn pair_rate_131056_backs_off_per_recipient_and_retries() {
    let rig = rig_with(|_| {}, |c| c.sending.pair_burst = 45).await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    // Meta: one message per 6 s to this customer, no burst.
    let limits = json!({"pair_rate": {"interval_ms": 6_000, "burst": 1}});
    let r = rig
        .sandbox
        .control(
            "POST",
            &format!("/numbers/{}/limits", rig.coex.0),
            Some(limits),
        )
        .await;
    assert!(r.is_ok(), "{:?}", r.body);
    let a = rig.send(chat, text("one"), StatusCode::ACCEPTED).await;
    let b = rig.send(chat, text("two"), StatusCode::ACCEPTED).await;
    let first = rig.run_outbox().await;
    assert_eq!((first.accepted, first.retried), (1, 1));
    let rounds = rig.drain_outbox(10).await;
    assert!(rounds.len() >= 2, "it waited for the pair rate: {rounds:?}");
    let second = rig.message(&id(&b)).await;
    assert_eq!(second["send"]["state"], "sent", "{second}");
    assert!(second["send"]["attempts"].as_u64().unwrap() >= 2);
    assert_eq!(second["send"]["last_error"]["code"], 131_056);
    assert_eq!(rig.message(&id(&a)).await["send"]["attempts"], 1);
    let refused = rig
        .sent()
        .await
        .into_iter()
        .filter(|s| s["result"]["error"]["code"] == 131_056)
        .count();
    assert!(refused >= 1);
    rig.stop().await;
}

#[tokio::test]
async fn a_marketing_opt_out_meta_knew_first_fails_with_131050() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    rig.sync_templates().await;
    // The user_preferences webhook is held back: the hub does not know yet.
    rig.hold_webhooks();
    let stop = json!({"phone_number_id": rig.coex.0, "stop": true});
    let r = rig
        .sandbox
        .control(
            "POST",
            &format!("/customers/{CUSTOMER}/marketing"),
            Some(stop),
        )
        .await;
    assert!(r.is_ok(), "{:?}", r.body);
    let m = rig
        .send(
            chat,
            template("spring_sale", &["Pablo", "20%"]),
            StatusCode::ACCEPTED,
        )
        .await;
    rig.run_outbox().await;
    rig.release_webhooks().await;
    failed_with(&rig, &id(&m), 131_050).await;
    // Now the hub knows: the next marketing send is refused before Meta.
    let refused = rig
        .send(
            chat,
            template("spring_sale", &["Pablo", "20%"]),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(refused["error"]["code"], "marketing_opt_out");
    rig.send(
        chat,
        template("order_update", &["Pablo", "A-1", "shipped"]),
        StatusCode::ACCEPTED,
    )
    .await;
    rig.stop().await;
}

async fn stale_template(rig: &Rig, name: &str, body: &str) {
    let def = TemplateDefinition {
        id: format!("9{}", name.len()),
        name: name.to_owned(),
        language: "en_US".to_owned(),
        category: Some("UTILITY".to_owned()),
        status: Some("APPROVED".to_owned()),
        parameter_format: Some("POSITIONAL".to_owned()),
        components: json!([{ "type": "BODY", "text": body }]),
    };
    let waba = rig.sandbox.waba_id().to_owned();
    rig.store
        .upsert_templates(rig.org, &waba, vec![def], rig.now())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_template_meta_does_not_have_fails_with_132001() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    stale_template(&rig, "ghost_offer", "Hello").await;
    let m = rig
        .send(chat, template("ghost_offer", &[]), StatusCode::ACCEPTED)
        .await;
    assert_eq!(rig.run_outbox().await.failed, 1);
    failed_with(&rig, &id(&m), 132_001).await;
    rig.stop().await;
}

#[tokio::test]
async fn parameters_meta_counts_differently_fail_with_132000() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    // The hub's copy of order_update is stale (two parameters); Meta's has three.
    let waba = rig.sandbox.waba_id().to_owned();
    rig.sync_templates().await;
    let ours = rig
        .store
        .find_template(rig.org, &waba, "order_update", "en_US")
        .await
        .unwrap()
        .unwrap();
    let def = TemplateDefinition {
        id: ours.id,
        name: "order_update".to_owned(),
        language: "en_US".to_owned(),
        category: Some("UTILITY".to_owned()),
        status: Some("APPROVED".to_owned()),
        parameter_format: None,
        components: json!([{ "type": "BODY", "text": "Hi {{1}}, order {{2}}." }]),
    };
    rig.store
        .upsert_templates(rig.org, &waba, vec![def], rig.now())
        .await
        .unwrap();
    let m = rig
        .send(
            chat,
            template("order_update", &["Pablo", "A-1"]),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(rig.run_outbox().await.failed, 1);
    failed_with(&rig, &id(&m), 132_000).await;
    rig.stop().await;
}

#[tokio::test]
async fn a_5xx_is_retried_and_the_message_sent_once() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    rig.proxy.fault(Fault::Answer(
        503,
        "<html>upstream overloaded</html>".to_owned(),
    ));
    let meta_500 = json!({"error": {"message": "(#131000) Something went wrong", "code": 131000,
        "error_data": {"messaging_product": "whatsapp", "details": "Something went wrong."}}});
    rig.proxy.fault(Fault::Answer(500, meta_500.to_string()));
    let m = rig.send(chat, text("persist"), StatusCode::ACCEPTED).await;
    let first = rig.run_outbox().await;
    assert_eq!(first.retried, 1);
    let waiting = rig.message(&id(&m)).await;
    assert_eq!(
        waiting["send"]["last_error"]["title"],
        "HTTP 503 from the Graph API"
    );
    rig.drain_outbox(10).await;
    let done = rig.message(&id(&m)).await;
    assert_eq!(
        (
            done["send"]["state"].as_str(),
            done["send"]["attempts"].as_u64()
        ),
        (Some("sent"), Some(3))
    );
    assert_eq!(
        rig.sends_of(&id(&m)).await.len(),
        1,
        "the 5xx answers never reached Meta"
    );
    rig.stop().await;
}

#[tokio::test]
async fn a_timeout_after_the_request_left_is_interrupted_and_reconciled_not_resent() {
    let rig = rig_with(
        |_| {},
        |c| {
            c.sending.graph_timeout_ms = 300;
            c.sending.lease_ms = 5_000;
        },
    )
    .await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    rig.hold_webhooks();
    rig.proxy.fault(Fault::Late(Duration::from_secs(2)));
    let m = rig.send(chat, text("slow"), StatusCode::ACCEPTED).await;
    let idle = rig.sending.outbox.run_until_idle().await.unwrap();
    assert_eq!(idle.interrupted, 1);
    let interrupted = rig.message(&id(&m)).await;
    assert_eq!(interrupted["send"]["state"], "interrupted");
    assert!(
        interrupted["send"]["note"]
            .as_str()
            .unwrap()
            .contains("not sent again")
    );
    rig.advance_ms(60_000).await;
    let later = rig.sending.outbox.run_until_idle().await.unwrap();
    assert_eq!(later.attempts, 0, "an interrupted send is never re-sent");
    rig.release_webhooks().await;
    let reconciled = rig.message(&id(&m)).await;
    assert_eq!(reconciled["send"]["state"], "sent");
    assert!(reconciled["wamid"].is_string());
    assert_eq!(
        reconciled["status"], "read",
        "every status the sandbox held arrived"
    );
    assert_eq!(rig.sends_of(&id(&m)).await.len(), 1);
    rig.stop().await;
}

#[tokio::test]
async fn a_graph_api_that_cannot_be_reached_is_retried() {
    let rig = rig_with(
        |_| {},
        |c| c.graph_base_url = "http://127.0.0.1:9".to_owned(),
    )
    .await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let m = rig.send(chat, text("offline"), StatusCode::ACCEPTED).await;
    let idle = rig.run_outbox().await;
    assert_eq!(idle.retried, 1);
    let queued = rig.message(&id(&m)).await;
    assert_eq!(queued["send"]["state"], "queued");
    assert_eq!(
        queued["send"]["last_error"]["title"],
        "Graph API unreachable"
    );
    rig.stop().await;
}

#[tokio::test]
async fn a_bare_429_is_throttling_retried_after_its_retry_after() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    // A gateway in front of Meta answers 429 without Meta's error object, first without and
    // then with a Retry-After.
    rig.proxy
        .fault(Fault::Answer(429, "Too Many Requests".to_owned()));
    rig.proxy.fault(Fault::AnswerWithHeader(
        429,
        "Too Many Requests".to_owned(),
        "retry-after",
        "120".to_owned(),
    ));
    let m = rig
        .send(chat, text("throttled"), StatusCode::ACCEPTED)
        .await;

    let first = rig.run_outbox().await;
    assert_eq!((first.retried, first.failed), (1, 0), "{first:?}");
    let waiting = rig.message(&id(&m)).await;
    assert_eq!(waiting["status"], "pending", "{waiting}");
    assert_eq!(waiting["send"]["state"], "queued");
    assert_eq!(
        waiting["send"]["last_error"]["title"],
        "HTTP 429 from the Graph API"
    );
    // Our own back-off (1 s base, jitter 50-100 %), as for 130429.
    let wait = first.next_wakeup.unwrap().since(rig.now());
    assert!((500..=1_000).contains(&wait), "{wait}");

    rig.advance_to(first.next_wakeup.unwrap()).await;
    let second = rig.run_outbox().await;
    assert_eq!(second.retried, 1, "{second:?}");
    assert_eq!(
        second.next_wakeup.unwrap().since(rig.now()),
        120_000,
        "the Retry-After is honoured"
    );

    rig.advance_to(second.next_wakeup.unwrap()).await;
    assert_eq!(rig.run_outbox().await.accepted, 1);
    let sent = rig.message(&id(&m)).await;
    assert_eq!(sent["send"]["state"], "sent", "{sent}");
    assert_eq!(sent["send"]["attempts"], 3);
    assert_eq!(rig.sends_of(&id(&m)).await.len(), 1);
    rig.stop().await;
}
