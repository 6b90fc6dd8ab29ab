//! `POST /_sandbox/webhooks/verify`: Meta's verification handshake against the webhook URL,
//! as the App Dashboard sends it when the callback URL or verify token is saved (META.md §1.1).

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use meta::webhook::verification::MODE_SUBSCRIBE;
use serde::Deserialize;
use serde_json::json;

use crate::control::{Answer, Body};
use crate::error::ControlError;
use crate::server::Shared;

#[derive(Deserialize)]
pub(super) struct VerifyBody {
    verify_token: String,
    #[serde(default)]
    url: Option<String>,
}

/// Sends `GET <url>?hub.mode=subscribe&hub.challenge=<C>&hub.verify_token=<T>` and reports
/// whether the endpoint answered 200 with exactly `<C>` (the only answer Meta accepts).
pub(crate) async fn verify(
    State(shared): State<Arc<Shared>>,
    Body(req): Body<VerifyBody>,
) -> Answer {
    let (url, challenge, timeout_ms) = {
        let mut world = shared.world();
        let url = req.url.clone().or_else(|| world.cfg.webhook_url.clone());
        let url = url.ok_or_else(|| ControlError::conflict("no webhook URL is configured"))?;
        (url, world.ids.numeric(10), world.cfg.delivery.timeout_ms)
    };
    let separator = if url.contains('?') { '&' } else { '?' };
    let target = format!(
        "{url}{separator}hub.mode={MODE_SUBSCRIBE}&hub.challenge={challenge}&hub.verify_token={}",
        encode(&req.verify_token)
    );
    let sent = shared
        .http
        .get(&target)
        .timeout(Duration::from_millis(timeout_ms.max(1)))
        .send()
        .await;
    let (status, text) = match sent {
        Ok(res) => (
            Some(res.status().as_u16()),
            res.text().await.unwrap_or_default(),
        ),
        Err(e) => (None, e.to_string()),
    };
    let verified = status == Some(200) && text == challenge;
    Ok(Json(
        json!({"verified": verified, "url": url, "challenge": challenge,
              "status_code": status, "body": text}),
    ))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
