//! Test helpers: a tiny webhook receiver that checks signatures with `meta::signature::verify`,
//! and an explicit-mode sandbox wired to it.

#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use sandbox::{NumberMode, Sandbox, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};

pub const SECRET: &str = "test-app-secret";
pub const TOKEN: &str = "test-access-token";

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub body: Vec<u8>,
    pub json: Value,
    pub signature_ok: bool,
    pub content_type: Option<String>,
    pub answered: u16,
}

#[derive(Default)]
struct RecvState {
    got: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<u16>>,
}

/// Collects webhooks; answers 200 unless told otherwise.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    state: Arc<RecvState>,
}

async fn receive(
    State(state): State<Arc<RecvState>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    let signature_ok = meta::signature::verify(SECRET.as_bytes(), signature, &body).is_ok();
    let answered = state.script.lock().unwrap().pop_front().unwrap_or(200);
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    state.got.lock().unwrap().push(Received {
        json: serde_json::from_slice(&body).unwrap_or(Value::Null),
        body: body.to_vec(),
        signature_ok,
        content_type,
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}

impl Receiver {
    pub async fn start() -> Receiver {
        let state = Arc::new(RecvState::default());
        let app = Router::new()
            .route("/webhook", post(receive))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver {
            url: format!("http://{addr}/webhook"),
            state,
        }
    }

    /// The next answers, in order (then 200 again).
    pub fn respond_with(&self, statuses: &[u16]) {
        self.state
            .script
            .lock()
            .unwrap()
            .extend(statuses.iter().copied());
    }

    /// Every POST, in arrival order.
    pub fn all(&self) -> Vec<Received> {
        self.state.got.lock().unwrap().clone()
    }

    /// Bodies answered 200, in arrival order; asserts every signature was valid.
    pub fn accepted(&self) -> Vec<Value> {
        let all = self.all();
        assert!(
            all.iter().all(|r| r.signature_ok),
            "a webhook had a bad signature"
        );
        all.into_iter()
            .filter(|r| r.answered == 200)
            .map(|r| r.json)
            .collect()
    }

    /// Every `(field, value)` of accepted POSTs, flattened over entries and changes.
    pub fn changes(&self) -> Vec<(String, Value)> {
        self.accepted()
            .iter()
            .flat_map(|b| b["entry"].as_array().cloned().unwrap_or_default())
            .flat_map(|e| e["changes"].as_array().cloned().unwrap_or_default())
            .map(|c| {
                (
                    c["field"].as_str().unwrap_or("").to_owned(),
                    c["value"].clone(),
                )
            })
            .collect()
    }

    /// Values of accepted changes of one field.
    pub fn values(&self, field: &str) -> Vec<Value> {
        self.changes()
            .into_iter()
            .filter(|(f, _)| f == field)
            .map(|(_, v)| v)
            .collect()
    }

    /// Every status object received, in order.
    pub fn statuses(&self) -> Vec<Value> {
        self.values("messages")
            .iter()
            .flat_map(|v| v["statuses"].as_array().cloned().unwrap_or_default())
            .collect()
    }

    /// Statuses of one wamid, as `status` names.
    pub fn status_names(&self, wamid: &str) -> Vec<String> {
        self.statuses()
            .iter()
            .filter(|s| s["id"] == wamid)
            .map(|s| s["status"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    pub fn clear(&self) {
        self.state.got.lock().unwrap().clear();
    }
}

/// An explicit-mode config pointed at `receiver`.
pub fn config(receiver: &Receiver) -> SandboxConfig {
    SandboxConfig::explicit(Some(receiver.url.clone()), SECRET, TOKEN)
}

/// A receiver and an explicit-mode sandbox delivering to it.
pub async fn setup() -> (Receiver, SandboxHandle) {
    let receiver = Receiver::start().await;
    let sandbox = Sandbox::start(config(&receiver)).await.unwrap();
    (receiver, sandbox)
}

pub async fn setup_with(f: impl FnOnce(&mut SandboxConfig)) -> (Receiver, SandboxHandle) {
    let receiver = Receiver::start().await;
    let mut cfg = config(&receiver);
    f(&mut cfg);
    let sandbox = Sandbox::start(cfg).await.unwrap();
    (receiver, sandbox)
}

pub fn coex(sb: &SandboxHandle) -> String {
    sb.number(NumberMode::Coexistence)
        .unwrap()
        .phone_number_id
        .clone()
}

pub fn cloud(sb: &SandboxHandle) -> String {
    sb.number(NumberMode::CloudApi)
        .unwrap()
        .phone_number_id
        .clone()
}

/// A Graph call with the right token.
pub async fn graph(
    sb: &SandboxHandle,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    graph_with_token(sb, method, path, body, Some(TOKEN)).await
}

pub async fn graph_with_token(
    sb: &SandboxHandle,
    method: &str,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let url = format!("{}{}", sb.graph_base_url(), path);
    let mut req = client.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let body = res.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// Sends a text through the Graph API.
pub async fn send_text(sb: &SandboxHandle, pnid: &str, to: &str, body: &str) -> (u16, Value) {
    let req = json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                     "type": "text", "text": {"body": body}});
    graph(sb, "POST", &format!("/{pnid}/messages"), Some(req)).await
}

/// Sends a template through the Graph API.
pub async fn send_template(
    sb: &SandboxHandle,
    pnid: &str,
    to: &str,
    name: &str,
    lang: &str,
    body_params: &[&str],
) -> (u16, Value) {
    let params: Vec<Value> = body_params
        .iter()
        .map(|p| json!({"type": "text", "text": p}))
        .collect();
    let mut template = json!({"name": name, "language": {"code": lang}});
    if !params.is_empty() {
        template["components"] = json!([{"type": "body", "parameters": params}]);
    }
    let req = json!({"messaging_product": "whatsapp", "to": to, "type": "template", "template": template});
    graph(sb, "POST", &format!("/{pnid}/messages"), Some(req)).await
}

pub fn wamid_of(body: &Value) -> String {
    body["messages"][0]["id"]
        .as_str()
        .expect("a wamid in the send response")
        .to_owned()
}
