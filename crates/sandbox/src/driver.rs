//! In-process driver: the control API as Rust methods on [`SandboxHandle`], without a socket.
//!
//! [`SandboxHandle::control`] runs a request through the same router the HTTP server uses, so
//! every control endpoint is available with identical behaviour; the named methods are
//! shortcuts for the common ones.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::server::SandboxHandle;

/// The answer of a control call: HTTP status and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlResponse {
    /// HTTP status.
    pub status: u16,
    /// JSON body (`{"error": {...}}` on failure).
    pub body: Value,
}

impl ControlResponse {
    /// Whether the call succeeded (2xx).
    pub fn is_ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The `wamid` the call created, if any.
    pub fn wamid(&self) -> Option<&str> {
        self.body.get("wamid").and_then(Value::as_str)
    }
}

impl SandboxHandle {
    /// Calls a control endpoint in-process: `path` is relative to `/_sandbox` (for example
    /// `"/customers/15551230001/send"`).
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> ControlResponse {
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        let bytes = body.map(|b| b.to_string()).unwrap_or_default();
        let request = Request::builder()
            .method(method)
            .uri(format!("/_sandbox{path}"))
            .header("content-type", "application/json")
            .body(Body::from(bytes));
        let Ok(request) = request else {
            return ControlResponse {
                status: 400,
                body: json!({"error": {"status": 400, "message": format!("bad path {path:?}")}}),
            };
        };
        let response = match self.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status();
        let collected = response.into_body().collect().await;
        let bytes = collected.map(|c| c.to_bytes()).unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        ControlResponse {
            status: if status == StatusCode::OK {
                200
            } else {
                status.as_u16()
            },
            body,
        }
    }

    /// A customer writes: `message` is inbound content (`{"type": "text", "text": {...}}`).
    pub async fn customer_send(
        &self,
        wa_id: &str,
        phone_number_id: &str,
        message: Value,
    ) -> ControlResponse {
        let body = json!({"phone_number_id": phone_number_id, "message": message});
        self.control("POST", &format!("/customers/{wa_id}/send"), Some(body))
            .await
    }

    /// A customer writes a text.
    pub async fn customer_says(
        &self,
        wa_id: &str,
        phone_number_id: &str,
        text: &str,
    ) -> ControlResponse {
        let message = json!({"type": "text", "text": {"body": text}});
        self.customer_send(wa_id, phone_number_id, message).await
    }

    /// Customer `wa_id` changes phone number to `new_wa_id` (the `user_changed_number` system
    /// message); afterwards they write from `new_wa_id`.
    pub async fn customer_changes_number(
        &self,
        wa_id: &str,
        phone_number_id: &str,
        new_wa_id: &str,
    ) -> ControlResponse {
        let body = json!({"phone_number_id": phone_number_id, "new_wa_id": new_wa_id});
        self.control(
            "POST",
            &format!("/customers/{wa_id}/change-number"),
            Some(body),
        )
        .await
    }

    /// The owner sends from the phone app (an echo).
    pub async fn phone_send(
        &self,
        phone_number_id: &str,
        to: &str,
        message: Value,
    ) -> ControlResponse {
        let body = json!({"to": to, "message": message});
        self.control(
            "POST",
            &format!("/phones/{phone_number_id}/send"),
            Some(body),
        )
        .await
    }

    /// Everything the Graph API was asked to send (`GET /_sandbox/sent`).
    pub async fn sent(&self) -> Value {
        self.control("GET", "/sent", None).await.body
    }

    /// Every delivery and attempt (`GET /_sandbox/webhooks/deliveries`).
    pub async fn deliveries(&self) -> Value {
        self.control("GET", "/webhooks/deliveries", None).await.body
    }

    /// The whole state (`GET /_sandbox/state`).
    pub async fn state(&self) -> Value {
        self.control("GET", "/state", None).await.body
    }

    /// Sets delivery faults (`POST /_sandbox/faults`; only the fields given change).
    pub async fn set_faults(&self, faults: Value) -> ControlResponse {
        self.control("POST", "/faults", Some(faults)).await
    }
}
