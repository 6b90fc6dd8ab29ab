//! Reading the hub's state through its REST API, and posting webhooks to it directly.

use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::app::{APP_SECRET, TestApp};

impl TestApp {
    /// GET `path` (with query) with the test's token.
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// GET `path`, asserting 200, and its JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert_eq!(status, StatusCode::OK, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: {e}: {text}"))
    }

    /// GET a list route, following `next_cursor` to the end; every item of every page.
    pub async fn list_all(&self, path: &str) -> Vec<Value> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page_path = match &cursor {
                Some(c) => format!("{path}{separator}limit=200&cursor={}", encode(c)),
                None => format!("{path}{separator}limit=200"),
            };
            let page = self.get_json(&page_path).await;
            items.extend(page["data"].as_array().cloned().unwrap_or_default());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
    }

    /// Every chat, most recent activity first.
    pub async fn chats(&self) -> Vec<Value> {
        self.list_all("/api/v1/chats").await
    }

    /// Every message of a chat, newest first.
    pub async fn chat_messages(&self, chat_id: &str) -> Vec<Value> {
        self.list_all(&format!("/api/v1/chats/{chat_id}/messages"))
            .await
    }

    /// Every message of every chat.
    pub async fn all_messages(&self) -> Vec<Value> {
        let mut messages = Vec::new();
        for chat in self.chats().await {
            let id = chat["id"].as_str().expect("a chat id");
            messages.extend(self.chat_messages(id).await);
        }
        messages
    }

    /// The messages stored with this wamid (`GET /api/v1/messages?wamid=`).
    pub async fn messages_with_wamid(&self, wamid: &str) -> Vec<Value> {
        let page = self
            .get_json(&format!("/api/v1/messages?wamid={}", encode(wamid)))
            .await;
        page["data"].as_array().cloned().unwrap_or_default()
    }

    /// Sends a message into a chat through the REST API (`POST /api/v1/chats/{id}/messages`),
    /// with an `Idempotency-Key`; `body` is in Meta's message shape
    /// (`{"type": "text", "text": {"body": "hi"}}`). Run the outbox to hand it to Meta.
    pub async fn send_message(
        &self,
        chat_id: &str,
        body: &Value,
        idempotency_key: &str,
    ) -> Response {
        self.client
            .post(self.url(&format!("/api/v1/chats/{chat_id}/messages")))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", idempotency_key)
            .json(body)
            .send()
            .await
            .expect("the hub answers the send")
    }

    /// POSTs `body` to the hub's webhook endpoint, signed with the app secret, as Meta does.
    pub async fn post_webhook(&self, body: Vec<u8>) -> Response {
        let signature = meta::signature::sign(APP_SECRET.as_bytes(), &body);
        self.client
            .post(self.url(hub::http::WEBHOOK_PATH))
            .header("content-type", "application/json")
            .header(meta::signature::HEADER, signature)
            .body(body)
            .send()
            .await
            .expect("the hub answers the webhook")
    }
}

/// Percent-encodes a query value (cursors and wamids hold `=`, `+`, `/`).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
