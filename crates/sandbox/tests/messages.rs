//! Customer messages, API sends and their statuses, pricing, and every Meta error path of
//! `POST /{phone_number_id}/messages`.

mod common;

use common::{
    cloud, coex, graph, graph_with_token, send_template, send_text, setup, setup_with, wamid_of,
};
use serde_json::json;

const CUSTOMER: &str = "16505551234";

#[tokio::test]
async fn a_customer_text_arrives_as_a_signed_messages_webhook_with_contacts_and_bsuids() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    let res = sb
        .customer_says(CUSTOMER, &pnid, "Does it come in another color? 🌵")
        .await;
    assert!(res.is_ok(), "{res:?}");
    let wamid = res.wamid().unwrap().to_owned();
    let all = rx.all();
    assert_eq!(all.len(), 1, "delivered before the control call answered");
    assert_eq!(all[0].content_type.as_deref(), Some("application/json"));
    assert!(
        all[0].body.iter().all(|b| b.is_ascii()),
        "bodies are ASCII-only"
    );
    let value = &rx.values("messages")[0];
    assert_eq!(value["metadata"]["phone_number_id"], pnid.as_str());
    assert_eq!(value["contacts"][0]["wa_id"], CUSTOMER);
    assert!(
        value["contacts"][0]["user_id"]
            .as_str()
            .unwrap()
            .starts_with("US.")
    );
    assert!(
        value["contacts"][0]["parent_user_id"]
            .as_str()
            .unwrap()
            .starts_with("US.ENT.")
    );
    let m = &value["messages"][0];
    assert_eq!(m["id"], wamid.as_str());
    assert_eq!(m["from"], CUSTOMER);
    assert_eq!(m["type"], "text");
    assert_eq!(m["text"]["body"], "Does it come in another color? 🌵");
    assert!(m["timestamp"].is_string());
}

#[tokio::test]
async fn a_send_inside_the_window_is_accepted_then_sent_delivered_read_with_pmp_pricing() {
    let (rx, sb) = setup().await;
    let pnid = cloud(&sb);
    sb.customer_says(CUSTOMER, &pnid, "hi").await;
    let req = json!({"messaging_product": "whatsapp", "to": "+1 650-555-1234", "type": "text",
                     "text": {"body": "hello"}, "biz_opaque_callback_data": "tracker-7"});
    let (status, body) = graph(&sb, "POST", &format!("/{pnid}/messages"), Some(req)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["messaging_product"], "whatsapp");
    assert_eq!(body["contacts"][0]["input"], "+1 650-555-1234");
    assert_eq!(body["contacts"][0]["wa_id"], CUSTOMER);
    let wamid = wamid_of(&body);
    sb.flush().await;
    assert_eq!(
        rx.status_names(&wamid),
        ["sent"],
        "sent is due now, the rest later"
    );
    sb.advance(10).await;
    assert_eq!(rx.status_names(&wamid), ["sent", "delivered", "read"]);
    let statuses: Vec<_> = rx
        .statuses()
        .into_iter()
        .filter(|s| s["id"] == wamid.as_str())
        .collect();
    for s in &statuses {
        assert_eq!(s["biz_opaque_callback_data"], "tracker-7");
        assert_eq!(s["recipient_id"], CUSTOMER);
    }
    let pricing = json!({"billable": false, "pricing_model": "PMP", "type": "free_customer_service", "category": "service"});
    assert_eq!(statuses[0]["pricing"], pricing);
    assert_eq!(statuses[1]["pricing"], pricing, "pricing on delivered");
    assert!(
        statuses[2].get("pricing").is_none(),
        "never on both delivered and read"
    );
    // Webhook version 23: conversation on sent (with expiration) and delivered.
    assert!(statuses[0]["conversation"]["expiration_timestamp"].is_string());
    assert_eq!(statuses[0]["conversation"]["origin"]["type"], "service");
    assert!(
        statuses[1]["conversation"]
            .get("expiration_timestamp")
            .is_none()
    );
    assert!(statuses[2].get("conversation").is_none());
    let sent = sb.sent().await;
    assert_eq!(sent["sent"][0]["wamid"], wamid.as_str());
    assert_eq!(sent["sent"][0]["status"], "read");
}

#[tokio::test]
async fn from_webhook_version_24_conversation_appears_only_in_fep_windows() {
    let (rx, sb) = setup_with(|c| c.webhook_api_version = 24).await;
    let pnid = cloud(&sb);
    sb.customer_says(CUSTOMER, &pnid, "hi").await;
    let (_, body) = send_text(&sb, &pnid, CUSTOMER, "hello").await;
    let wamid = wamid_of(&body);
    sb.advance(10).await;
    for s in rx.statuses().iter().filter(|s| s["id"] == wamid.as_str()) {
        assert!(s.get("conversation").is_none(), "{s}");
    }
    // A customer from a click-to-WhatsApp ad: the reply opens a free entry point window.
    let ad = json!({"type": "text", "text": {"body": "Saw your ad"},
                    "referral": {"source_url": "https://fb.me/x", "source_id": "1", "source_type": "ad",
                                 "headline": "h", "body": "b", "media_type": "image", "ctwa_clid": "c"}});
    sb.customer_send("447700900123", &pnid, ad).await;
    let (_, body) = send_text(&sb, &pnid, "447700900123", "Welcome!").await;
    let fep = wamid_of(&body);
    sb.flush().await;
    let sent = rx
        .statuses()
        .into_iter()
        .find(|s| s["id"] == fep.as_str())
        .unwrap();
    assert_eq!(sent["pricing"]["type"], "free_entry_point");
    assert_eq!(sent["pricing"]["category"], "referral_conversion");
    assert_eq!(sent["pricing"]["billable"], false);
    assert_eq!(
        sent["conversation"]["origin"]["type"],
        "referral_conversion"
    );
    let inbound = rx
        .values("messages")
        .into_iter()
        .find(|v| v["messages"][0]["referral"].is_object());
    assert_eq!(
        inbound.unwrap()["messages"][0]["referral"]["ctwa_clid"],
        "c"
    );
}

#[tokio::test]
async fn a_free_form_send_outside_the_window_is_accepted_then_fails_with_131047() {
    let (rx, sb) = setup().await;
    let pnid = cloud(&sb);
    let (status, body) = send_text(&sb, &pnid, CUSTOMER, "hello?").await;
    assert_eq!(status, 200, "{body}");
    let wamid = wamid_of(&body);
    sb.flush().await;
    let failed = rx
        .statuses()
        .into_iter()
        .find(|s| s["id"] == wamid.as_str())
        .unwrap();
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["errors"][0]["code"], 131047);
    assert!(failed.get("pricing").is_none());
    assert_eq!(rx.status_names(&wamid), ["failed"]);
}

#[tokio::test]
async fn with_the_knob_a_send_outside_the_window_is_a_synchronous_131047() {
    let (_rx, sb) = setup_with(|c| c.window_error_sync = true).await;
    let (status, body) = send_text(&sb, &cloud(&sb), CUSTOMER, "hello?").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], 131047);
    assert_eq!(body["error"]["type"], "OAuthException");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("(#131047)")
    );
    assert!(body["error"]["error_data"]["details"].is_string());
}

#[tokio::test]
async fn the_window_closes_24_hours_after_the_last_customer_message() {
    let (rx, sb) = setup().await;
    let pnid = cloud(&sb);
    sb.customer_says(CUSTOMER, &pnid, "hi").await;
    sb.advance(24 * 3600).await;
    let (_, body) = send_text(&sb, &pnid, CUSTOMER, "too late").await;
    let wamid = wamid_of(&body);
    sb.flush().await;
    assert_eq!(rx.status_names(&wamid), ["failed"]);
}

#[tokio::test]
async fn echoes_never_open_the_window() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    let echo = sb
        .phone_send(
            &pnid,
            CUSTOMER,
            json!({"type": "text", "text": {"body": "from the phone"}}),
        )
        .await;
    assert!(echo.is_ok(), "{echo:?}");
    let (_, body) = send_text(&sb, &pnid, CUSTOMER, "api").await;
    let wamid = wamid_of(&body);
    sb.flush().await;
    assert_eq!(rx.status_names(&wamid), ["failed"]);
}

#[tokio::test]
async fn templates_go_out_of_the_window_with_regular_pricing_and_checks() {
    let (rx, sb) = setup().await;
    let pnid = cloud(&sb);
    let (status, body) = send_template(
        &sb,
        &pnid,
        CUSTOMER,
        "order_update",
        "en_US",
        &["Ana", "A-1", "shipped"],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let wamid = wamid_of(&body);
    sb.flush().await;
    let sent = rx
        .statuses()
        .into_iter()
        .find(|s| s["id"] == wamid.as_str())
        .unwrap();
    assert_eq!(sent["pricing"]["type"], "regular");
    assert_eq!(sent["pricing"]["category"], "utility");
    assert_eq!(sent["pricing"]["billable"], true);

    let (status, body) =
        send_template(&sb, &pnid, CUSTOMER, "order_update", "en_US", &["Ana"]).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(132000))
    );
    let (status, body) =
        send_template(&sb, &pnid, CUSTOMER, "no_such_template", "en_US", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (404, json!(132001))
    );
    let (status, body) = send_template(&sb, &pnid, CUSTOMER, "hello_world", "pt_BR", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (404, json!(132001)),
        "wrong language"
    );
}

#[tokio::test]
async fn a_marketing_template_to_a_customer_who_stopped_marketing_fails_with_131050() {
    let (rx, sb) = setup().await;
    let pnid = cloud(&sb);
    let res = sb
        .control(
            "POST",
            &format!("/customers/{CUSTOMER}/marketing"),
            Some(json!({"phone_number_id": pnid, "stop": true})),
        )
        .await;
    assert!(res.is_ok(), "{res:?}");
    let pref = &rx.values("user_preferences")[0];
    assert_eq!(pref["user_preferences"][0]["value"], "stop");
    assert_eq!(
        pref["user_preferences"][0]["category"],
        "marketing_messages"
    );
    let (status, body) = send_template(
        &sb,
        &pnid,
        CUSTOMER,
        "spring_sale",
        "en_US",
        &["Ana", "20%"],
    )
    .await;
    assert_eq!(status, 200);
    let wamid = wamid_of(&body);
    sb.flush().await;
    let failed = rx
        .statuses()
        .into_iter()
        .find(|s| s["id"] == wamid.as_str())
        .unwrap();
    assert_eq!(failed["errors"][0]["code"], 131050);
    sb.control(
        "POST",
        &format!("/customers/{CUSTOMER}/marketing"),
        Some(json!({"phone_number_id": pnid, "stop": false})),
    )
    .await;
    let (_, body) = send_template(
        &sb,
        &pnid,
        CUSTOMER,
        "spring_sale",
        "en_US",
        &["Ana", "20%"],
    )
    .await;
    let ok = wamid_of(&body);
    sb.flush().await;
    assert_eq!(rx.status_names(&ok), ["sent"]);
}

#[tokio::test]
async fn reactions_get_only_a_sent_status() {
    let (rx, sb) = setup().await;
    let pnid = cloud(&sb);
    let inbound = sb
        .customer_says(CUSTOMER, &pnid, "hi")
        .await
        .wamid()
        .unwrap()
        .to_owned();
    let req = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "reaction",
                     "reaction": {"message_id": inbound, "emoji": "👍"}});
    let (status, body) = graph(&sb, "POST", &format!("/{pnid}/messages"), Some(req)).await;
    assert_eq!(status, 200, "{body}");
    let wamid = wamid_of(&body);
    sb.advance(60).await;
    assert_eq!(rx.status_names(&wamid), ["sent"]);
}

#[tokio::test]
async fn mark_as_read_answers_success_and_the_customer_sees_it() {
    let (_rx, sb) = setup().await;
    let pnid = cloud(&sb);
    let inbound = sb
        .customer_says(CUSTOMER, &pnid, "hi")
        .await
        .wamid()
        .unwrap()
        .to_owned();
    let req = json!({"messaging_product": "whatsapp", "status": "read", "message_id": inbound,
                     "typing_indicator": {"type": "text"}});
    let (status, body) = graph(&sb, "POST", &format!("/{pnid}/messages"), Some(req)).await;
    assert_eq!((status, body), (200, json!({"success": true})));
    let state = sb.state().await;
    assert_eq!(state["messages"][&inbound]["status"], "read");
    let thread = state["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["wa_id"] == CUSTOMER)
        .unwrap();
    assert!(thread["thread"]["read_by_business_at"].is_u64());
    assert!(thread["thread"]["typing_until"].is_u64());
    let bad =
        json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.nope"});
    let (status, body) = graph(&sb, "POST", &format!("/{pnid}/messages"), Some(bad)).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(131009))
    );
}

#[tokio::test]
async fn a_bad_or_missing_token_is_error_190_with_401() {
    let (_rx, sb) = setup().await;
    let path = format!("/{}/messages", cloud(&sb));
    let body = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": "x"}});
    let (status, err) =
        graph_with_token(&sb, "POST", &path, Some(body.clone()), Some("wrong")).await;
    assert_eq!((status, err["error"]["code"].clone()), (401, json!(190)));
    let (status, err) = graph_with_token(&sb, "POST", &path, Some(body), None).await;
    assert_eq!((status, err["error"]["code"].clone()), (401, json!(190)));
    assert_eq!(err["error"]["type"], "OAuthException");
}

#[tokio::test]
async fn any_graph_version_is_served_and_unknown_objects_are_error_100() {
    let (_rx, sb) = setup().await;
    let pnid = cloud(&sb);
    let base = sb.base_url();
    let client = reqwest::Client::new();
    let res = client
        .get(format!("{base}/v25.0/{pnid}?fields=id"))
        .bearer_auth(common::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, body) = graph(&sb, "GET", "/999999", None).await;
    assert_eq!((status, body["error"]["code"].clone()), (400, json!(100)));
}

#[tokio::test]
async fn throughput_over_the_limit_is_a_synchronous_130429() {
    let (_rx, sb) = setup().await;
    let pnid = coex(&sb);
    for i in 0..20 {
        let (status, body) = send_template(
            &sb,
            &pnid,
            &format!("1650555{:04}", i),
            "hello_world",
            "en_US",
            &[],
        )
        .await;
        assert_eq!(status, 200, "send {i}: {body}");
    }
    let (status, body) =
        send_template(&sb, &pnid, "16505559999", "hello_world", "en_US", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(130429)),
        "coexistence: 20 msg/s"
    );
    sb.advance(1).await;
    let (status, _) = send_template(&sb, &pnid, "16505559999", "hello_world", "en_US", &[]).await;
    assert_eq!(status, 200, "the sliding second has passed");
    let res = sb
        .control(
            "POST",
            &format!("/numbers/{pnid}/limits"),
            Some(json!({"throughput_mps": 1001})),
        )
        .await;
    assert_eq!(res.status, 400);
}

#[tokio::test]
async fn the_pair_rate_limit_is_131056_after_the_burst() {
    let (_rx, sb) = setup().await;
    let pnid = cloud(&sb);
    let limits = json!({"pair_rate": {"interval_ms": 6000, "burst": 2}});
    assert!(
        sb.control("POST", &format!("/numbers/{pnid}/limits"), Some(limits))
            .await
            .is_ok()
    );
    for _ in 0..2 {
        let (status, _) = send_template(&sb, &pnid, CUSTOMER, "hello_world", "en_US", &[]).await;
        assert_eq!(status, 200);
    }
    let (status, body) = send_template(&sb, &pnid, CUSTOMER, "hello_world", "en_US", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(131056))
    );
    let (status, _) = send_template(&sb, &pnid, "447700900123", "hello_world", "en_US", &[]).await;
    assert_eq!(status, 200, "another recipient is not limited");
    sb.advance(6).await;
    let (status, _) = send_template(&sb, &pnid, CUSTOMER, "hello_world", "en_US", &[]).await;
    assert_eq!(status, 200, "one interval later");
}

#[tokio::test]
async fn invalid_requests_are_refused_with_meta_codes() {
    let (_rx, sb) = setup().await;
    let path = format!("/{}/messages", cloud(&sb));
    let (status, body) = graph(
        &sb,
        "POST",
        &path,
        Some(json!({"to": CUSTOMER, "type": "text", "text": {"body": "x"}})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(131008)),
        "messaging_product missing"
    );
    let (status, body) = graph(
        &sb,
        "POST",
        &path,
        Some(json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = send_text(&sb, &cloud(&sb), "15550100002", "me").await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(131021))
    );
}

#[tokio::test]
async fn appsecret_proof_is_checked_when_given_and_required_when_set() {
    let (_rx, sb) = setup().await;
    let pnid = coex(&sb);
    let proof = meta::signature::appsecret_proof(common::SECRET.as_bytes(), common::TOKEN);
    let path = |proof: &str| format!("/{pnid}?appsecret_proof={proof}");
    let (status, _) = graph(&sb, "GET", &path(&proof), None).await;
    assert_eq!(status, 200, "a right proof is accepted");
    let (status, _) = graph(&sb, "GET", &format!("/{pnid}"), None).await;
    assert_eq!(
        status, 200,
        "no proof is fine while the app does not require one"
    );
    let wrong = meta::signature::appsecret_proof(b"another-secret", common::TOKEN);
    let (status, body) = graph(&sb, "GET", &path(&wrong), None).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], 100);
    assert_eq!(body["error"]["type"], "GraphMethodException");
    assert_eq!(
        body["error"]["message"],
        "Invalid appsecret_proof provided in the API argument"
    );

    // "Require App Secret" on: a call without a proof is refused, one with it goes through.
    let r = sb
        .control(
            "POST",
            "/settings",
            Some(json!({"require_appsecret_proof": true})),
        )
        .await;
    assert!(r.is_ok(), "{r:?}");
    let req = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text",
                     "text": {"body": "hi"}});
    let (status, body) = graph(&sb, "POST", &format!("/{pnid}/messages"), Some(req)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], 100);
    assert_eq!(body["error"]["type"], "GraphMethodException");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("require an appsecret_proof"),
        "{body}"
    );
    let (status, body) = graph(&sb, "GET", &path(&proof), None).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_number_change_is_a_system_message_from_the_old_number_without_contacts() {
    const NEW: &str = "16505559876";
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    sb.customer_says(CUSTOMER, &pnid, "hi from my old phone")
        .await;
    let res = sb
        .customer_changes_number(CUSTOMER, &pnid, "+1 650-555-9876")
        .await;
    assert!(res.is_ok(), "{res:?}");
    assert_eq!(res.body["new_wa_id"], NEW);
    assert_eq!(res.body["webhook"], true);
    let values = rx.values("messages");
    assert_eq!(values.len(), 2, "{values:#?}");
    let notice = &values[1];
    assert!(
        notice.get("contacts").is_none(),
        "system messages carry no contacts: {notice}"
    );
    let m = &notice["messages"][0];
    assert_eq!(m["id"], res.wamid().unwrap());
    assert_eq!(m["from"], CUSTOMER);
    assert_eq!(m["type"], "system");
    assert_eq!(m["system"]["type"], "user_changed_number");
    assert_eq!(m["system"]["wa_id"], NEW);
    assert_eq!(
        m["system"]["body"],
        format!("User A changed from {CUSTOMER} to {NEW}")
    );

    // Afterwards the customer writes from the new number, under the same name.
    sb.customer_says(NEW, &pnid, "hi from my new phone").await;
    let values = rx.values("messages");
    let from_new = &values[2];
    assert_eq!(from_new["contacts"][0]["wa_id"], NEW);
    assert_eq!(
        from_new["contacts"][0]["profile"]["name"],
        values[0]["contacts"][0]["profile"]["name"]
    );

    let same = sb.customer_changes_number(NEW, &pnid, NEW).await;
    assert_eq!(same.status, 400, "{same:?}");
    let unknown = sb.customer_changes_number(NEW, "404404404", CUSTOMER).await;
    assert_eq!(unknown.status, 404, "{unknown:?}");
}
