//! Media: inbound media is fetched (id → URL → bytes with the bearer token), checked against the
//! hash Meta announced (hex or base64), stored by content and served; uploads are checked
//! against WhatsApp's limits and sent to Meta.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::rig::{CUSTOMER, Rig, error_code, rig, rig_with};
use crate::helpers::APP_SECRET;
use sandbox::Sha256Encoding;

/// A customer sends an image; returns Meta's media id.
async fn customer_image(rig: &Rig, caption: &str) -> String {
    let message = json!({"type": "image", "image": {"caption": caption}});
    let r = rig
        .sandbox
        .customer_send(CUSTOMER, &rig.coex.0, message)
        .await;
    assert!(r.is_ok(), "{:?}", r.body);
    rig.sandbox.flush().await;
    r.body["media_id"].as_str().unwrap().to_owned()
}

async fn get_media(rig: &Rig, id: &str) -> reqwest::Response {
    rig.client
        .get(rig.url(&format!("/api/v1/media/{id}")))
        .bearer_auth(&rig.token)
        .send()
        .await
        .unwrap()
}

/// The sandbox's hex SHA-256 of a media object.
async fn meta_sha(rig: &Rig, id: &str) -> String {
    let state = rig.sandbox.state().await;
    let media = state["media"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap()
        .clone();
    media["sha256"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn inbound_media_is_downloaded_verified_stored_and_served() {
    let rig = rig().await;
    let id = customer_image(&rig, "my plant").await;
    let chat = rig.chat_with(CUSTOMER).await;
    let shown = &rig.list(&format!("/api/v1/chats/{chat}/messages")).await[0]["media"];
    assert_eq!(
        (shown["id"].as_str(), shown["status"].as_str()),
        (Some(id.as_str()), Some("pending"))
    );
    let pending = get_media(&rig, &id).await;
    let idle = rig.run_media().await;
    assert_eq!(
        (idle.found, idle.stored, idle.failed),
        (1, 1, 0),
        "{idle:?}"
    );
    assert_eq!(
        pending.status(),
        StatusCode::NOT_FOUND,
        "unknown until the worker found it"
    );
    let served = get_media(&rig, &id).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    let bytes = served.bytes().await.unwrap();
    let shown = &rig.list(&format!("/api/v1/chats/{chat}/messages")).await[0]["media"];
    assert_eq!(shown["status"], "available");
    assert_eq!(shown["size"], bytes.len());
    let sha = hex::encode(Sha256::digest(&bytes));
    assert_eq!(sha, meta_sha(&rig, &id).await);
    let file = rig
        .data_dir
        .path()
        .join("media")
        .join(&sha[..2])
        .join(&sha[2..4])
        .join(&sha);
    assert_eq!(std::fs::read(file).unwrap(), bytes);
    assert_eq!(rig.run_media().await.found, 0, "found once");
    rig.stop().await;
}

/// Delivers a signed webhook with an image message carrying `media_id` and `sha256`.
async fn image_webhook(rig: &Rig, wamid: &str, media_id: &str, sha256: &str) {
    let display = rig
        .sandbox
        .number(sandbox::NumberMode::Coexistence)
        .unwrap()
        .display_phone_number
        .clone();
    let envelope = json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": rig.sandbox.waba_id(), "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": display, "phone_number_id": rig.coex.0},
            "contacts": [{"profile": {"name": "Ana"}, "wa_id": "5511987650000"}],
            "messages": [{"from": "5511987650000", "id": wamid, "timestamp": (rig.now().0 / 1000).to_string(),
                "type": "image", "image": {"mime_type": "image/jpeg", "sha256": sha256, "id": media_id}}]
        }}]}]
    });
    let body = serde_json::to_vec(&envelope).unwrap();
    let signature = meta::signature::sign(APP_SECRET.as_bytes(), &body);
    let r = rig
        .client
        .post(rig.url("/webhooks/whatsapp"))
        .header("x-hub-signature-256", signature)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// A media object at the sandbox the hub has not heard of (webhooks stay off afterwards, so
/// the genuine message never arrives).
async fn unseen_media(rig: &Rig) -> String {
    rig.hold_webhooks();
    customer_image(rig, "hidden").await
}

#[tokio::test]
async fn a_hash_that_does_not_match_is_a_failure_and_the_message_stays() {
    let rig = rig().await;
    let id = unseen_media(&rig).await;
    let wrong = STANDARD.encode([0u8; 32]);
    image_webhook(&rig, "wamid.HBgMISMATCH", &id, &wrong).await;
    let idle = rig.run_media().await;
    assert_eq!((idle.found, idle.failed), (1, 1));
    let answer = get_media(&rig, &id).await;
    assert_eq!(answer.status(), StatusCode::CONFLICT);
    let answer: Value = answer.json().await.unwrap();
    assert_eq!(error_code(&answer), "media_not_ready");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sha256 mismatch"),
        "{answer}"
    );
    let found = rig
        .get_json("/api/v1/messages?wamid=wamid.HBgMISMATCH")
        .await;
    assert_eq!(found["data"][0]["type"], "image", "the message is kept");
    let media_dir = rig.data_dir.path().join("media");
    let files = std::fs::read_dir(&media_dir)
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(files, 0, "no file kept for a mismatch");
    rig.stop().await;
}

#[tokio::test]
async fn a_base64_hash_is_checked_as_well_as_a_hex_one() {
    let rig = rig().await;
    let id = unseen_media(&rig).await;
    let hex_sha = meta_sha(&rig, &id).await;
    let b64 = STANDARD.encode(hex::decode(&hex_sha).unwrap());
    image_webhook(&rig, "wamid.HBgBASE64", &id, &b64).await;
    let idle = rig.run_media().await;
    assert_eq!((idle.stored, idle.failed), (1, 0), "{idle:?}");
    assert_eq!(get_media(&rig, &id).await.status(), StatusCode::OK);
    rig.stop().await;
}

async fn upload(
    rig: &Rig,
    bytes: Vec<u8>,
    mime: &str,
    name: &str,
    number: Option<String>,
) -> reqwest::Response {
    let part = Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap();
    let mut form = Form::new().part("file", part);
    if let Some(n) = number {
        form = form.text("number_id", n);
    }
    rig.client
        .post(rig.url("/api/v1/media"))
        .bearer_auth(&rig.token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn uploads_are_checked_sent_to_meta_and_usable_in_sends() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "send me the catalogue").await;
    let pdf = b"%PDF-1.4 catalogue".to_vec();
    let number = Some(rig.coex.1.to_string());
    let r = upload(
        &rig,
        pdf.clone(),
        "application/pdf",
        "catalogue.pdf",
        number.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let up: Value = r.json().await.unwrap();
    assert_eq!(
        (up["kind"].as_str(), up["size"].as_u64()),
        (Some("document"), Some(pdf.len() as u64))
    );
    let id = up["id"].as_str().unwrap();
    assert_eq!(meta_sha(&rig, id).await, up["sha256"].as_str().unwrap());
    let served = get_media(&rig, id).await;
    assert_eq!(served.headers()["content-type"], "application/pdf");
    assert_eq!(served.bytes().await.unwrap().to_vec(), pdf);
    let body = json!({"type": "document", "document": {"id": id, "filename": "catalogue.pdf"}});
    rig.send(chat, body, StatusCode::ACCEPTED).await;
    assert_eq!(rig.run_outbox().await.accepted, 1);

    let big = vec![0u8; 5 * 1024 * 1024 + 1];
    let r = upload(&rig, big, "image/jpeg", "big.jpg", number.clone()).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let e: Value = r.json().await.unwrap();
    assert_eq!(error_code(&e), "media_too_large");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("5 MB"),
        "{e}"
    );
    let r = upload(
        &rig,
        b"GIF89a".to_vec(),
        "image/gif",
        "a.gif",
        number.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("image/png"),
        "{e}"
    );
    let r = upload(&rig, pdf, "application/pdf", "c.pdf", None).await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "two numbers: say which"
    );
    assert_eq!(
        get_media(&rig, "4242").await.status(),
        StatusCode::NOT_FOUND
    );
    rig.stop().await;
}

#[tokio::test]
async fn a_hash_in_neither_hex_nor_base64_keeps_the_file_marked_unverified() {
    let rig = rig_with(|s| s.media_sha256 = Sha256Encoding::Unreadable, |_| {}).await;
    let id = unseen_media(&rig).await;
    image_webhook(&rig, "wamid.HBgODDHASH", &id, "sha256:not-a-hash").await;
    let idle = rig.run_media().await;
    assert_eq!((idle.stored, idle.failed), (1, 0), "{idle:?}");
    let served = get_media(&rig, &id).await;
    assert_eq!(served.status(), StatusCode::OK, "the file is kept");
    let bytes = served.bytes().await.unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        meta_sha(&rig, &id).await
    );
    let found = rig
        .get_json("/api/v1/messages?wamid=wamid.HBgODDHASH")
        .await;
    let media = &found["data"][0]["media"];
    assert_eq!(media["status"], "available", "{media}");
    assert_eq!(media["verified"], false, "{media}");
    assert!(
        media["warning"]
            .as_str()
            .is_some_and(|w| w.contains("neither hex nor base64")),
        "{media}"
    );
    rig.stop().await;
}
