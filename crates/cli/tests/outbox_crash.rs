//! `kill -9` of a `coexist serve` whose outbox is in the middle of a Graph send: the send reached
//! Meta (the sandbox), its answer never came back. The restarted hub never sends it again (one
//! Graph send for the idempotency key); it shows the message interrupted until Meta's status
//! webhook, which names the message in `biz_opaque_callback_data`, reconciles it.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sandbox::{NumberMode, Sandbox, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};
use tokio::sync::Notify;

use common::{Server, coexist};

const APP_SECRET: &str = "crash-app-secret";
const TOKEN: &str = "crash-access-token";
/// Generous: the machine is shared; these only bound a hung test.
const WAIT: Duration = Duration::from_secs(90);

/// A proxy to the sandbox that forwards the first send, then never answers it.
#[derive(Clone)]
struct Proxy {
    target: String,
    http: reqwest::Client,
    sends: Arc<Mutex<Vec<Value>>>,
    forwarded: Arc<Notify>,
}

async fn proxy(State(p): State<Proxy>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let url = format!(
        "{}{}",
        p.target,
        parts.uri.path_and_query().map_or("/", |q| q.as_str())
    );
    let mut out = p.http.request(parts.method.clone(), url).body(body.clone());
    for name in ["authorization", "content-type"] {
        if let Some(v) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
            out = out.header(name, v);
        }
    }
    let answer = out.send().await;
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let is_send = parts.uri.path().ends_with("/messages") && request.get("status").is_none();
    if is_send {
        let first = {
            let mut sends = p.sends.lock().unwrap();
            sends.push(request);
            sends.len() == 1
        };
        p.forwarded.notify_waiters();
        if first {
            // Meta accepted it; the answer is lost.
            std::future::pending::<()>().await;
        }
    }
    match answer {
        Ok(r) => {
            let status =
                StatusCode::from_u16(r.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, Body::from(r.bytes().await.unwrap_or_default())).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

async fn start_proxy(target: String) -> (SocketAddr, Proxy) {
    let p = Proxy {
        target,
        http: reqwest::Client::new(),
        sends: Arc::default(),
        forwarded: Arc::default(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().fallback(proxy).with_state(p.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, p)
}

fn serve(dir: &Path, graph: &str, number: &sandbox::NumberInfo, waba: &str) -> Server {
    let config = dir.join("coexist.toml");
    let toml =
        "[sending]\nlease_ms = 2000\ngraph_timeout_ms = 1000\ntemplate_sync_interval_s = 0\n";
    std::fs::write(&config, toml).unwrap();
    let mut command = coexist(&["serve", "--config", config.to_str().unwrap()]);
    command
        .env("COEXIST_LISTEN", "127.0.0.1:0")
        .env("COEXIST_DATA_DIR", dir)
        .env("COEXIST_APP_SECRET", APP_SECRET)
        .env("COEXIST_GRAPH_BASE_URL", graph)
        .env("COEXIST_ACCESS_TOKEN", TOKEN)
        .env("COEXIST_PHONE_NUMBER_ID", &number.phone_number_id)
        .env("COEXIST_DISPLAY_PHONE_NUMBER", &number.display_phone_number)
        .env("COEXIST_WABA_ID", waba)
        .env("COEXIST_NUMBER_MODE", "cloud_api");
    common::serve(command)
}

fn token(dir: &Path) -> String {
    let out = coexist(&[
        "admin",
        "token",
        "create",
        "--data-dir",
        dir.to_str().unwrap(),
        "--name",
        "crash",
    ])
    .output()
    .expect("coexist admin runs");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

async fn until<T>(what: &str, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn get(client: &reqwest::Client, url: String, token: &str) -> Option<Value> {
    let r = client.get(url).bearer_auth(token).send().await.ok()?;
    r.json().await.ok()
}

async fn sends_of(sandbox: &SandboxHandle, id: &str) -> usize {
    let data = format!("coexist:{id}");
    let sent = sandbox.sent().await;
    sent["sent"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["request"]["biz_opaque_callback_data"] == data.as_str())
        .count()
}

/// The world of the test: the sandbox, the proxy in front of it, the hub's data directory.
struct World {
    sandbox: SandboxHandle,
    number: sandbox::NumberInfo,
    proxy: Proxy,
    graph: String,
    dir: tempfile::TempDir,
    client: reqwest::Client,
}

impl World {
    fn serve(&self) -> Server {
        serve(
            self.dir.path(),
            &self.graph,
            &self.number,
            self.sandbox.waba_id(),
        )
    }

    async fn send(&self, base: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{base}/api/v1/messages"))
            .bearer_auth(token)
            .header("Idempotency-Key", "order-7-confirmation")
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// First life of the hub: a template is queued and the worker sends it; Meta accepts it, the
/// answer hangs, and the process is killed with SIGKILL. Returns the token, the message id and
/// the request body.
async fn first_life(w: &World) -> (String, String, Value) {
    let mut first = w.serve();
    let token = token(w.dir.path());
    let base = first.base.clone();
    until("the API", async || {
        get(&w.client, format!("{base}/api/v1/numbers"), &token).await
    })
    .await;
    let sync = w
        .client
        .post(format!("{base}/api/v1/templates/sync"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(sync.status(), 200);
    let numbers = get(&w.client, format!("{base}/api/v1/numbers"), &token)
        .await
        .unwrap();
    let number_id = numbers["data"][0]["id"].as_str().unwrap().to_owned();
    // Meta's webhooks are held until after the restart.
    w.sandbox.set_webhook_url(None);
    let body = json!({"number_id": number_id, "to": "16505550142", "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}}});
    let sent = w.send(&base, &token, &body).await;
    assert_eq!(sent.status(), 202);
    let id = sent.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let wait = w.proxy.forwarded.notified();
    if w.proxy.sends.lock().unwrap().is_empty() {
        tokio::time::timeout(WAIT, wait)
            .await
            .expect("the send reached Meta");
    }
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    (token, id, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_mid_send_never_sends_twice_and_the_status_webhook_reconciles() {
    let sandbox = Sandbox::start(SandboxConfig::explicit(None, APP_SECRET, TOKEN))
        .await
        .unwrap();
    let number = sandbox.number(NumberMode::CloudApi).unwrap().clone();
    let (proxy_addr, proxy) = start_proxy(sandbox.base_url()).await;
    let w = World {
        graph: format!("http://{proxy_addr}"),
        sandbox,
        number,
        proxy,
        dir: tempfile::tempdir().unwrap(),
        client: reqwest::Client::new(),
    };
    let (token, id, body) = first_life(&w).await;

    // The restarted hub interrupts the attempt once its lease expires, and never re-sends it.
    let second = w.serve();
    let base = second.base.clone();
    let message_url = format!("{base}/api/v1/messages/{id}");
    let interrupted = until("the lease to expire", async || {
        let m = get(&w.client, message_url.clone(), &token).await?;
        (m["send"]["state"] == "interrupted").then_some(m)
    })
    .await;
    assert_eq!(
        (
            interrupted["status"].as_str(),
            interrupted["send"]["attempts"].as_u64()
        ),
        (Some("pending"), Some(1))
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(w.proxy.sends.lock().unwrap().len(), 1, "never sent again");
    let retry = w.send(&base, &token, &body).await;
    assert_eq!(retry.status(), 200, "the key returns the same message");
    assert_eq!(retry.json::<Value>().await.unwrap()["id"], id.as_str());

    // Meta's status webhooks arrive at the new process and name the message.
    w.sandbox
        .set_webhook_url(Some(format!("{base}/webhooks/whatsapp")));
    let later = w
        .sandbox
        .control("POST", "/clock/advance", Some(json!({"seconds": 14_400})))
        .await;
    assert!(later.is_ok());
    w.sandbox.flush().await;
    let reconciled = until("reconciliation", async || {
        let m = get(&w.client, message_url.clone(), &token).await?;
        (m["send"]["state"] == "sent").then_some(m)
    })
    .await;
    assert!(
        reconciled["wamid"]
            .as_str()
            .is_some_and(|w| w.starts_with("wamid."))
    );
    assert_eq!(reconciled["status"], "read");
    assert_eq!(
        sends_of(&w.sandbox, &id).await,
        1,
        "one Graph send for the idempotency key"
    );
    drop(second);
    w.sandbox.shutdown().await;
}
