//! The HTTP side of a webhook attempt: one POST of the exact signed bytes.

use std::time::Duration;

use bytes::Bytes;

use crate::webhooks::outbox::PostResult;

/// POSTs `body` to `url` as Meta does: `Content-Type: application/json` and
/// `X-Hub-Signature-256` over exactly these bytes. Only the status code matters to Meta.
pub(crate) async fn post(
    client: &reqwest::Client,
    url: &str,
    body: Bytes,
    signature: &str,
    timeout_ms: u64,
) -> PostResult {
    let request = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Hub-Signature-256", signature)
        .header(reqwest::header::USER_AGENT, "facebookexternalua")
        .timeout(Duration::from_millis(timeout_ms.max(1)))
        .body(body);
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            // Drain the body so the connection can be reused; its content is irrelevant.
            let _ = response.bytes().await;
            PostResult::Status(status)
        }
        Err(e) if e.is_timeout() => PostResult::Timeout,
        Err(e) => PostResult::Error(error_chain(&e)),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
