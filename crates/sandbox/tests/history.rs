//! `smb_app_data`: contacts and history exports, their ordering, phases, progress, media
//! placeholders and follow-ups, the decline, and the once-only and 24 h rules.

mod common;

use common::{cloud, coex, graph, setup, setup_with};
use sandbox::SandboxHandle;
use serde_json::{Value, json};

async fn sync(sb: &SandboxHandle, pnid: &str, kind: &str) -> (u16, Value) {
    let body = json!({"messaging_product": "whatsapp", "sync_type": kind});
    let res = graph(sb, "POST", &format!("/{pnid}/smb_app_data"), Some(body)).await;
    sb.flush().await;
    res
}

fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

/// Messages of every phase, a recent image and an old image, over two threads.
async fn seed(sb: &SandboxHandle, pnid: &str) {
    let mut a = Vec::new();
    for (i, days) in [0.2, 0.5, 3.0, 10.0, 40.0, 100.0, 150.0, 200.0]
        .iter()
        .enumerate()
    {
        let from = if i % 2 == 0 { "customer" } else { "business" };
        a.push(json!({"from": from, "days_ago": days, "message": text(&format!("a{i}"))}));
    }
    a.push(json!({"from": "customer", "days_ago": 2.0, "message": {"type": "image", "image": {"caption": "recent"}}}));
    a.push(json!({"from": "customer", "days_ago": 30.0, "message": {"type": "image", "image": {"caption": "old"}}}));
    let b: Vec<Value> = (0..5)
        .map(|i| json!({"from": "customer", "days_ago": 5.0 + f64::from(i), "message": text(&format!("b{i}")), "status": "delivered"}))
        .collect();
    let body = json!({"threads": [
        {"wa_id": "16505551234", "name": "Pablo", "messages": a},
        {"wa_id": "447700900123", "messages": b},
    ]});
    let res = sb
        .control("POST", &format!("/phones/{pnid}/history"), Some(body))
        .await;
    assert!(res.is_ok(), "{res:?}");
}

#[tokio::test]
async fn history_is_exported_by_phase_in_out_of_order_chunks_with_progress_to_100() {
    let (rx, sb) = setup_with(|c| c.history.chunk_messages = 2).await;
    let pnid = coex(&sb);
    seed(&sb, &pnid).await;
    let (status, body) = sync(&sb, &pnid, "history").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["messaging_product"], "whatsapp");
    assert!(body["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    let values = rx.values("history");
    let chunks: Vec<&Value> = values
        .iter()
        .filter(|v| v.get("history").is_some())
        .collect();
    // 14 messages within 180 days (the 200-day one is out) in chunks of 2.
    let total: usize = chunks
        .iter()
        .map(|v| {
            v["history"][0]["threads"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["messages"].as_array().unwrap().len())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(total, 14);
    let metas = chunk_metadata(&chunks);
    phases_progress_and_chunk_orders_hold(&metas);
    let all_messages: Vec<Value> = chunks
        .iter()
        .flat_map(|v| v["history"][0]["threads"].as_array().unwrap().clone())
        .flat_map(|t| t["messages"].as_array().unwrap().clone())
        .collect();
    let placeholders = statuses_and_placeholders_hold(&all_messages);
    the_media_follow_up_matches_a_placeholder(&values, &placeholders);
}

/// (phase, chunk_order, progress) of each chunk.
fn chunk_metadata(chunks: &[&Value]) -> Vec<(u64, u64, u64)> {
    chunks
        .iter()
        .map(|v| {
            let m = &v["history"][0]["metadata"];
            (
                m["phase"].as_u64().unwrap(),
                m["chunk_order"].as_u64().unwrap(),
                m["progress"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn phases_progress_and_chunk_orders_hold(metas: &[(u64, u64, u64)]) {
    let phases: Vec<u64> = metas.iter().map(|m| m.0).collect();
    assert!(
        phases.windows(2).all(|w| w[0] <= w[1]),
        "phases in order: {phases:?}"
    );
    assert_eq!(phases.first(), Some(&0));
    assert_eq!(phases.last(), Some(&2));
    let progress: Vec<u64> = metas.iter().map(|m| m.2).collect();
    assert!(
        progress.windows(2).all(|w| w[0] <= w[1]),
        "progress never goes back: {progress:?}"
    );
    assert_eq!(progress.last(), Some(&100));
    for phase in 0..=2 {
        let orders: Vec<u64> = metas.iter().filter(|m| m.0 == phase).map(|m| m.1).collect();
        let mut sorted = orders.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (1..=orders.len() as u64).collect::<Vec<_>>(),
            "phase {phase} chunk_order is 1..n"
        );
        if orders.len() > 1 {
            assert_ne!(orders, sorted, "phase {phase} chunks arrive out of order");
        }
    }
}

/// Checks the statuses and placeholders of the exported messages; returns the placeholders.
fn statuses_and_placeholders_hold(all_messages: &[Value]) -> Vec<&Value> {
    assert!(all_messages.iter().all(|m| {
        m["history_context"]["status"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_uppercase())
    }));
    assert!(
        all_messages
            .iter()
            .any(|m| m["history_context"]["status"] == "DELIVERED")
    );
    let placeholders: Vec<&Value> = all_messages
        .iter()
        .filter(|m| m["type"] == "media_placeholder")
        .collect();
    assert_eq!(placeholders.len(), 2);
    assert!(placeholders.iter().all(|m| m.get("image").is_none()));
    assert!(
        all_messages.iter().any(|m| m["from"] == "15550100001"),
        "business messages come from the business number"
    );
    placeholders
}

fn the_media_follow_up_matches_a_placeholder(values: &[Value], placeholders: &[&Value]) {
    // Follow-ups: only the media of the last 14 days, as value.messages[] with the same id.
    let followups: Vec<&Value> = values
        .iter()
        .filter(|v| v.get("messages").is_some())
        .collect();
    assert_eq!(followups.len(), 1);
    let media = &followups[0]["messages"];
    assert_eq!(media.as_array().unwrap().len(), 1);
    assert_eq!(media[0]["image"]["caption"], "recent");
    assert!(placeholders.iter().any(|p| p["id"] == media[0]["id"]));
    assert!(followups[0].get("history").is_none());
}

#[tokio::test]
async fn contacts_are_exported_as_state_sync_adds() {
    let (rx, sb) = setup_with(|c| c.history.contacts_per_webhook = 2).await;
    let pnid = coex(&sb);
    for (n, name) in [
        ("16505550001", "Ana Souza"),
        ("16505550002", "Lukas Becker"),
        ("16505550003", "Yuki"),
    ] {
        let res = sb
            .control(
                "POST",
                &format!("/phones/{pnid}/contacts"),
                Some(json!({"phone_number": n, "full_name": name})),
            )
            .await;
        assert!(res.is_ok());
    }
    rx.clear();
    let (status, body) = sync(&sb, &pnid, "smb_app_state_sync").await;
    assert_eq!(status, 200, "{body}");
    let syncs = rx.values("smb_app_state_sync");
    assert_eq!(syncs.len(), 2, "three contacts, two per webhook");
    let entries: Vec<Value> = syncs
        .iter()
        .flat_map(|v| v["state_sync"].as_array().unwrap().clone())
        .collect();
    assert_eq!(entries.len(), 3);
    assert!(
        entries
            .iter()
            .all(|e| e["action"] == "add" && e["type"] == "contact")
    );
    assert_eq!(entries[0]["contact"]["first_name"], "Ana");
}

#[tokio::test]
async fn each_sync_type_may_be_requested_once() {
    let (_rx, sb) = setup().await;
    let pnid = coex(&sb);
    assert_eq!(sync(&sb, &pnid, "smb_app_state_sync").await.0, 200);
    assert_eq!(sync(&sb, &pnid, "history").await.0, 200);
    for kind in ["smb_app_state_sync", "history"] {
        let (status, body) = sync(&sb, &pnid, kind).await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (400, json!(2593107)),
            "{kind}"
        );
    }
}

#[tokio::test]
async fn sync_requests_are_refused_24_hours_after_onboarding() {
    let (_rx, sb) = setup().await;
    let pnid = coex(&sb);
    sb.advance(24 * 3600 + 1).await;
    let (status, body) = sync(&sb, &pnid, "history").await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(2593108))
    );
    // Reconnecting is a fresh onboarding: the allowance starts again.
    assert!(
        sb.control("POST", &format!("/numbers/{pnid}/offboard"), None)
            .await
            .is_ok()
    );
    assert!(
        sb.control("POST", &format!("/numbers/{pnid}/reconnect"), None)
            .await
            .is_ok()
    );
    assert_eq!(sync(&sb, &pnid, "history").await.0, 200);
}

#[tokio::test]
async fn a_business_that_declined_sharing_yields_one_webhook_with_2593109() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    seed(&sb, &pnid).await;
    assert!(
        sb.control("POST", &format!("/phones/{pnid}/history/decline"), None)
            .await
            .is_ok()
    );
    let (status, _) = sync(&sb, &pnid, "history").await;
    assert_eq!(status, 200, "acceptance says nothing about sharing");
    let values = rx.values("history");
    assert_eq!(values.len(), 1);
    let error = &values[0]["history"][0]["errors"][0];
    assert_eq!(error["code"], 2593109);
    assert_eq!(
        error["error_data"]["details"],
        "History sharing is turned off by the business"
    );
    assert!(values[0]["history"][0].get("threads").is_none());
}

#[tokio::test]
async fn sync_type_and_number_kind_are_checked() {
    let (_rx, sb) = setup().await;
    let (status, body) = sync(&sb, &coex(&sb), "everything").await;
    assert_eq!((status, body["error"]["code"].clone()), (400, json!(100)));
    let (status, body) = sync(&sb, &cloud(&sb), "history").await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(100)),
        "not a coexistence number"
    );
}
