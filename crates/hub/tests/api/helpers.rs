//! `spawn_app()`: a real hub on 127.0.0.1:0 with a temporary data directory (a real SQLite
//! store), a manual clock and an admin API token; plus typed helpers to call it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use coexist_core::ids::OrgId;
use coexist_core::store::Store;
use coexist_core::time::Timestamp;
use hub::auth::{ROLE_ADMIN, create_api_token};
use hub::clock::ManualClock;
use hub::config::{Config, Secret};
use hub::inbox::snoozes::SnoozeWorker;
use hub::{App, Deps, ShutdownHandle};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::task::JoinHandle;

pub(crate) const APP_SECRET: &str = "test-app-secret";
pub(crate) const PREVIOUS_APP_SECRET: &str = "test-previous-app-secret";
pub(crate) const VERIFY_TOKEN: &str = "test-verify-token";
/// 2025-02-12T00:00:00Z: after every fixture's timestamps.
pub(crate) const NOW: Timestamp = Timestamp(1_739_318_400_000);

/// The phone number id of Meta's documentation fixtures.
pub(crate) const DOCS_PHONE_NUMBER_ID: &str = "106540352242922";

pub(crate) struct TestApp {
    pub(crate) addr: SocketAddr,
    pub(crate) client: reqwest::Client,
    pub(crate) token: String,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) snoozes: Arc<SnoozeWorker>,
    pub(crate) shutdown: ShutdownHandle,
    pub(crate) server: JoinHandle<std::io::Result<()>>,
    pub(crate) _data_dir: TempDir,
}

pub(crate) async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}, |deps| deps).await
}

/// Spawns a hub after letting the test adjust its configuration and dependencies.
pub(crate) async fn spawn_app_with(
    configure: impl FnOnce(&mut Config),
    deps: impl FnOnce(Deps) -> Deps,
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_testing(data_dir.path());
    config.app_secret = Some(Secret::new(APP_SECRET));
    config.app_secret_previous = Some(Secret::new(PREVIOUS_APP_SECRET));
    config.verify_token = Some(Secret::new(VERIFY_TOKEN));
    configure(&mut config);
    let clock = Arc::new(ManualClock::new(NOW));
    let app = App::build(config, deps(Deps::with_clock(clock.clone())))
        .await
        .expect("the hub starts");
    let store = app.store();
    let issued = create_api_token(store.as_ref(), app.org(), "tests", ROLE_ADMIN, NOW)
        .await
        .expect("token");
    let (addr, shutdown, snoozes) = (app.addr(), app.shutdown_handle(), app.snoozes());
    let server = tokio::spawn(app.run_until_stopped());
    TestApp {
        addr,
        client: reqwest::Client::new(),
        token: issued.token,
        clock,
        store,
        snoozes,
        shutdown,
        server,
        _data_dir: data_dir,
    }
}

/// A fixture from `tests/fixtures`, byte for byte.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A webhook with one customer text message, in Meta's shape.
pub(crate) fn text_message(wa_id: &str, wamid: &str, unix_secs: i64, body: &str) -> Vec<u8> {
    let envelope = json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": { "display_phone_number": "15550783881", "phone_number_id": DOCS_PHONE_NUMBER_ID },
                    "contacts": [{ "profile": { "name": format!("Customer {wa_id}") }, "wa_id": wa_id }],
                    "messages": [{
                        "from": wa_id,
                        "id": wamid,
                        "timestamp": unix_secs.to_string(),
                        "type": "text",
                        "text": { "body": body }
                    }]
                }
            }]
        }]
    });
    serde_json::to_vec(&envelope).expect("json")
}

impl TestApp {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `path` with query parameters, percent-encoded.
    pub(crate) fn url_with(&self, path: &str, query: &[(&str, &str)]) -> reqwest::Url {
        let mut url = reqwest::Url::parse(&self.url(path)).expect("url");
        url.query_pairs_mut().extend_pairs(query);
        url
    }

    /// POSTs `body` signed with the app secret.
    pub(crate) async fn post_webhook(&self, body: &[u8]) -> Response {
        let signature = meta::signature::sign(APP_SECRET.as_bytes(), body);
        self.post_webhook_signed(body.to_vec(), Some(&signature))
            .await
    }

    /// POSTs `body` with the given `X-Hub-Signature-256` (or none).
    pub(crate) async fn post_webhook_signed(
        &self,
        body: Vec<u8>,
        signature: Option<&str>,
    ) -> Response {
        let mut request = self
            .client
            .post(self.url("/webhooks/whatsapp"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(signature) = signature {
            request = request.header("x-hub-signature-256", signature);
        }
        request.send().await.expect("webhook request")
    }

    /// POSTs a fixture signed and asserts 200.
    pub(crate) async fn deliver(&self, body: &[u8]) -> Value {
        let response = self.post_webhook(body).await;
        let status = response.status();
        let json: Value = response.json().await.expect("json answer");
        assert_eq!(status, StatusCode::OK, "{json}");
        json
    }

    /// GET with the test's token.
    pub(crate) async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("api request")
    }

    /// GET with the token and query parameters (encoded), asserting 200; returns `data`.
    pub(crate) async fn list_query(&self, path: &str, query: &[(&str, &str)]) -> Vec<Value> {
        let response = self
            .client
            .get(self.url_with(path, query))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("api request");
        let status = response.status();
        let json: Value = response.json().await.expect("json");
        assert_eq!(status, StatusCode::OK, "GET {path} {query:?}: {json}");
        json["data"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("{path}: no data: {json}"))
    }

    /// GET with the token, asserting 200 and returning the JSON.
    pub(crate) async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: {e}: {text}"))
    }

    /// GET with the token, asserting `status` and a JSON error; returns the error's code.
    pub(crate) async fn get_error(&self, path: &str, status: StatusCode) -> (String, String) {
        let response = self.get(path).await;
        assert_eq!(response.status(), status, "GET {path}");
        error_of(response).await
    }

    /// The `data` array of a list route.
    pub(crate) async fn list(&self, path: &str) -> Vec<Value> {
        let json = self.get_json(path).await;
        json["data"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("{path}: no data: {json}"))
    }

    /// Everything the API shows, for before/after comparisons.
    pub(crate) async fn snapshot(&self) -> Value {
        let chats = self.list("/api/v1/chats?limit=200").await;
        let mut messages = Vec::new();
        for chat in &chats {
            let id = chat["id"].as_str().expect("chat id");
            messages.push(
                self.get_json(&format!("/api/v1/chats/{id}/messages?limit=200"))
                    .await,
            );
        }
        json!({
            "numbers": self.list("/api/v1/numbers").await,
            "contacts": self.list("/api/v1/contacts?limit=200").await,
            "chats": chats,
            "messages": messages,
            "webhook_errors": self.list("/api/v1/webhook-errors").await,
            "head": self.get_json("/healthz").await["head"],
        })
    }

    /// The organization of the test's token.
    pub(crate) async fn org(&self) -> OrgId {
        let hash = hub::auth::hash_token(&self.token);
        let token = self.store.find_api_token(&hash).await.expect("store");
        token.expect("the test token exists").org_id
    }

    /// Waits (generously) for the server task to finish after a shutdown.
    pub(crate) async fn stop(self) {
        self.shutdown.shutdown();
        let finished = tokio::time::timeout(Duration::from_secs(30), self.server).await;
        finished
            .expect("the server stops")
            .expect("server task")
            .expect("server result");
    }
}

/// The `{"error": {"code", "message"}}` of a response.
pub(crate) async fn error_of(response: Response) -> (String, String) {
    let json: Value = response.json().await.expect("a JSON error");
    let code = json["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code: {json}"));
    let message = json["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message: {json}"));
    (code.to_owned(), message.to_owned())
}
