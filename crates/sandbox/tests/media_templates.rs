//! Media (upload, URL, bearer-only download, delete) and the template lifecycle.

mod common;

use common::{Receiver, TOKEN, cloud, coex, graph, send_template, setup};
use sandbox::SandboxHandle;
use serde_json::{Value, json};

#[tokio::test]
async fn media_is_uploaded_described_downloaded_with_the_token_and_deleted() {
    let (_rx, sb) = setup().await;
    let pnid = cloud(&sb);
    let client = reqwest::Client::new();
    let form = reqwest::multipart::Form::new()
        .text("messaging_product", "whatsapp")
        .text("type", "image/png")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"\x89PNG fake".to_vec()).file_name("a.png"),
        );
    let res = client
        .post(format!("{}/{pnid}/media", sb.graph_base_url()))
        .bearer_auth(TOKEN)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, info) = graph(&sb, "GET", &format!("/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(info["mime_type"], "image/png");
    assert_eq!(info["file_size"], "9");
    assert_eq!(info["messaging_product"], "whatsapp");
    let url = info["url"].as_str().unwrap().to_owned();
    let without = client.get(&url).send().await.unwrap();
    assert_eq!(without.status(), 401, "download needs the bearer token");
    let with = client.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(with.status(), 200);
    assert_eq!(with.headers()["content-type"], "image/png");
    assert_eq!(with.bytes().await.unwrap().as_ref(), b"\x89PNG fake");
    let (status, body) = graph(&sb, "DELETE", &format!("/{id}"), None).await;
    assert_eq!((status, body), (200, json!({"success": true})));
    let (status, _) = graph(&sb, "GET", &format!("/{id}"), None).await;
    assert_eq!(status, 400);
    assert_eq!(
        client
            .get(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn a_customer_image_comes_with_a_media_object_whose_bytes_are_served() {
    let (rx, sb) = setup().await;
    let image = json!({"type": "image", "image": {"caption": "this one?"}});
    let res = sb.customer_send("16505551234", &coex(&sb), image).await;
    assert!(res.is_ok(), "{res:?}");
    let m = &rx.values("messages")[0]["messages"][0];
    let media_id = m["image"]["id"].as_str().unwrap();
    assert_eq!(res.body["media_id"], media_id);
    assert_eq!(m["image"]["mime_type"], "image/jpeg");
    assert_eq!(m["image"]["caption"], "this one?");
    let sha = m["image"]["sha256"].as_str().unwrap().to_owned();
    let (_, info) = graph(&sb, "GET", &format!("/{media_id}"), None).await;
    let bytes = reqwest::Client::new()
        .get(info["url"].as_str().unwrap())
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(!bytes.is_empty());
    assert_eq!(info["sha256"], sha.as_str());
}

#[tokio::test]
async fn media_hashes_are_written_in_the_encoding_set() {
    let (rx, sb) = setup().await;
    let sha_of = |i: usize| {
        rx.values("messages")[i]["messages"][0]["image"]["sha256"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let image = json!({"type": "image", "image": {}});
    for (i, encoding) in ["hex", "base64", "unreadable"].into_iter().enumerate() {
        let r = sb
            .control("POST", "/settings", Some(json!({"media_sha256": encoding})))
            .await;
        assert!(r.is_ok(), "{r:?}");
        let res = sb
            .customer_send("16505551234", &coex(&sb), image.clone())
            .await;
        assert!(res.is_ok(), "{res:?}");
        let sha = sha_of(i);
        let media_id = res.body["media_id"].as_str().unwrap().to_owned();
        let (_, info) = graph(&sb, "GET", &format!("/{media_id}"), None).await;
        assert_eq!(info["sha256"], sha.as_str(), "{encoding}");
        match encoding {
            "hex" => assert_eq!(sha.len(), 64),
            "base64" => assert_eq!(sha.len(), 44, "{sha}"),
            _ => assert!(sha.starts_with("sha256:"), "{sha}"),
        }
    }
}

#[tokio::test]
async fn every_inbound_type_is_delivered() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    let samples = [
        json!({"type": "audio", "audio": {"voice": true}}),
        json!({"type": "sticker", "sticker": {"animated": false}}),
        json!({"type": "document", "document": {"filename": "a.pdf"}}),
        json!({"type": "video", "video": {}}),
        json!({"type": "location", "location": {"latitude": 37.46, "longitude": -122.21}}),
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Chandler Bing", "first_name": "Chandler"},
                                                  "phones": [{"phone": "+1 555-555-5555", "wa_id": "15555555555", "type": "CELL"}]}]}),
        json!({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes"}}}),
        json!({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": "r1", "title": "Row"}}}),
        json!({"type": "button", "button": {"payload": "stop", "text": "Stop promotions"}}),
        json!({"type": "reaction", "reaction": {"message_id": "wamid.x", "emoji": "😮"}}),
        json!({"type": "order", "order": {"catalog_id": "1", "text": "", "product_items": [{"product_retailer_id": "P", "quantity": 1, "item_price": 3, "currency": "USD"}]}}),
        json!({"type": "text", "text": {"body": "replying"}, "context": {"from": "15550100001", "id": "wamid.prev"}}),
    ];
    for sample in &samples {
        let res = sb.customer_send("16505551234", &pnid, sample.clone()).await;
        assert!(res.is_ok(), "{sample}: {res:?}");
    }
    let types: Vec<String> = rx
        .values("messages")
        .iter()
        .map(|v| v["messages"][0]["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "audio",
            "sticker",
            "document",
            "video",
            "location",
            "contacts",
            "interactive",
            "interactive",
            "button",
            "reaction",
            "order",
            "text"
        ]
    );
    let last = &rx.values("messages")[11]["messages"][0];
    assert_eq!(last["context"]["id"], "wamid.prev");
    let missing = sb
        .customer_send("16505551234", &pnid, json!({"type": "image"}))
        .await;
    assert_eq!(missing.status, 400);
}

#[tokio::test]
async fn created_templates_are_pending_until_reviewed_with_status_webhooks() {
    let (rx, sb) = setup().await;
    let waba = sb.waba_id().to_owned();
    pending_until_approved_then_sendable(&rx, &sb, &waba).await;
    a_rejected_template_stays_rejected(&rx, &sb, &waba).await;
    names_are_unique_and_lists_filter_by_status(&sb, &waba).await;
}

/// A utility template to create, named `name`.
fn template(name: &str) -> Value {
    json!({"name": name, "language": "en_US", "category": "utility",
           "components": [{"type": "body", "text": "Hi {{1}}, your table is ready.",
                           "example": {"body_text": [["Ana"]]}}]})
}

async fn pending_until_approved_then_sendable(rx: &Receiver, sb: &SandboxHandle, waba: &str) {
    let (status, body) = graph(
        sb,
        "POST",
        &format!("/{waba}/message_templates"),
        Some(template("table_ready")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "PENDING");
    assert_eq!(body["category"], "UTILITY");
    let id = body["id"].as_str().unwrap().to_owned();
    let (status, err) = send_template(
        sb,
        &cloud(sb),
        "16505551234",
        "table_ready",
        "en_US",
        &["Ana"],
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].clone()),
        (404, json!(132001)),
        "pending is not sendable"
    );
    sb.advance(60).await;
    let update = &rx.values("message_template_status_update")[0];
    assert_eq!(update["event"], "APPROVED");
    assert_eq!(update["message_template_id"], id.parse::<u64>().unwrap());
    assert_eq!(update["message_template_name"], "table_ready");
    assert_eq!(update["reason"], "NONE");
    assert!(rx.accepted().last().unwrap()["entry"][0]["time"].is_u64());
    let (status, _) = send_template(
        sb,
        &cloud(sb),
        "16505551234",
        "table_ready",
        "en_US",
        &["Ana"],
    )
    .await;
    assert_eq!(status, 200);
}

async fn a_rejected_template_stays_rejected(rx: &Receiver, sb: &SandboxHandle, waba: &str) {
    let (_, body) = graph(
        sb,
        "POST",
        &format!("/{waba}/message_templates"),
        Some(template("table_later")),
    )
    .await;
    let second = body["id"].as_str().unwrap().to_owned();
    let res = sb
        .control(
            "POST",
            &format!("/templates/{second}/reject"),
            Some(json!({"reason": "INVALID_FORMAT"})),
        )
        .await;
    assert!(res.is_ok(), "{res:?}");
    let update = &rx.values("message_template_status_update")[1];
    assert_eq!(update["event"], "REJECTED");
    assert!(update["rejection_info"]["recommendation"].is_string());
    let again = sb
        .control("POST", &format!("/templates/{second}/approve"), None)
        .await;
    assert_eq!(again.status, 409);
}

async fn names_are_unique_and_lists_filter_by_status(sb: &SandboxHandle, waba: &str) {
    let (status, dup) = graph(
        sb,
        "POST",
        &format!("/{waba}/message_templates"),
        Some(template("table_ready")),
    )
    .await;
    assert_eq!(
        (
            status,
            dup["error"]["code"].clone(),
            dup["error"]["error_subcode"].clone()
        ),
        (400, json!(100), json!(2388024))
    );
    let (_, list) = graph(
        sb,
        "GET",
        &format!("/{waba}/message_templates?status=APPROVED&fields=name,status"),
        None,
    )
    .await;
    let names: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"hello_world")
            && names.contains(&"table_ready")
            && !names.contains(&"table_later")
    );
}
