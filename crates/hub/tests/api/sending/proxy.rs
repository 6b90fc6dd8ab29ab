//! A Graph API proxy between the hub and the sandbox, with scripted faults for send requests
//! (`POST …/messages` without `status`): answer an HTTP error without forwarding, forward and
//! answer late, or forward and hold the answer until released (a lost answer).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::{Notify, oneshot};

/// What to do with the next send request.
#[derive(Debug)]
pub(crate) enum Fault {
    /// Answer this status and body; the sandbox never sees the request.
    Answer(u16, String),
    /// The same, with one header (a gateway's `Retry-After`, say).
    AnswerWithHeader(u16, String, &'static str, String),
    /// Forward, then wait this long before answering.
    Late(Duration),
    /// Forward, then hold the answer until the receiver fires (or forever).
    Hold(oneshot::Receiver<()>),
}

#[derive(Default)]
struct Shared {
    target: String,
    faults: Mutex<VecDeque<Fault>>,
    /// Send requests that reached the sandbox.
    forwarded: Mutex<Vec<Value>>,
    forwarded_signal: Notify,
    http: reqwest::Client,
}

/// The running proxy.
#[derive(Clone)]
pub(crate) struct GraphProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl GraphProxy {
    /// A proxy to `target` (the sandbox's base URL).
    pub(crate) async fn start(target: String) -> GraphProxy {
        let shared = Arc::new(Shared {
            target,
            ..Shared::default()
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = Router::new().fallback(forward).with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        GraphProxy { addr, shared }
    }

    /// The base URL to give the hub.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues a fault for the next send request.
    pub(crate) fn fault(&self, fault: Fault) {
        self.shared.faults.lock().unwrap().push_back(fault);
    }

    /// Send requests that reached the sandbox so far.
    pub(crate) fn forwarded(&self) -> Vec<Value> {
        self.shared.forwarded.lock().unwrap().clone()
    }

    /// Waits (generously) until `n` send requests reached the sandbox.
    pub(crate) async fn wait_forwarded(&self, n: usize) {
        let wait = async {
            loop {
                let notified = self.shared.forwarded_signal.notified();
                if self.forwarded().len() >= n {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .expect("the send reached the sandbox");
    }
}

fn is_send(method: &Method, path: &str, body: &[u8]) -> bool {
    let mark_read = serde_json::from_slice::<Value>(body)
        .ok()
        .is_some_and(|v| v.get("status").is_some());
    method == Method::POST && path.ends_with("/messages") && !mark_read
}

async fn forward(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 200 * 1024 * 1024).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let path = parts.uri.path().to_owned();
    let send = is_send(&parts.method, &path, &body);
    let fault = if send {
        shared.faults.lock().unwrap().pop_front()
    } else {
        None
    };
    match fault {
        Some(Fault::Answer(status, text)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, text).into_response();
        }
        Some(Fault::AnswerWithHeader(status, text, name, value)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, [(name, value)], text).into_response();
        }
        _ => {}
    }
    let response = relay(
        &shared,
        &parts.method,
        &parts.uri,
        &parts.headers,
        body.clone(),
    )
    .await;
    if send {
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        shared.forwarded.lock().unwrap().push(request);
        shared.forwarded_signal.notify_waiters();
    }
    match fault {
        Some(Fault::Late(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Hold(release)) => {
            let _ = release.await;
        }
        _ => {}
    }
    response
}

async fn relay(
    shared: &Shared,
    method: &Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let target = format!(
        "{}{}",
        shared.target,
        uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut request = shared.http.request(method.clone(), target).body(body);
    for name in ["authorization", "content-type"] {
        if let Some(v) = headers.get(name).and_then(|v| v.to_str().ok()) {
            request = request.header(name, v);
        }
    }
    match request.send().await {
        Ok(r) => {
            let status =
                StatusCode::from_u16(r.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let content_type = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json")
                .to_owned();
            let bytes = r.bytes().await.unwrap_or_default();
            (status, [("content-type", content_type)], Body::from(bytes)).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}
