//! A hub, the sandbox in explicit mode, and a Graph proxy between them, with the hub's clock
//! kept in step with the sandbox's. The hub's workers are off: tests drive the outbox and media
//! workers one step at a time.

use std::sync::Arc;
use std::time::Duration;

use coexist_core::ids::{ChatId, NumberId, OrgId};
use coexist_core::number::NumberMode as CoreMode;
use coexist_core::store::Store;
use coexist_core::time::Timestamp;
use hub::auth::{ROLE_ADMIN, create_api_token};
use hub::clock::ManualClock;
use hub::config::{Config, NumberConfig, Secret};
use hub::media::MediaIdle;
use hub::outbox::{Idle, Sending};
use hub::{App, Deps, ShutdownHandle};
use reqwest::{Response, StatusCode};
use sandbox::{EXPLICIT_EPOCH_MS, NumberMode, Sandbox, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::task::JoinHandle;

use super::proxy::GraphProxy;
use crate::helpers::APP_SECRET;

pub(crate) const SANDBOX_TOKEN: &str = "sandbox-access-token";
/// A customer of the sandbox.
pub(crate) const CUSTOMER: &str = "16505550123";

pub(crate) struct Rig {
    pub(crate) sandbox: SandboxHandle,
    pub(crate) proxy: GraphProxy,
    pub(crate) addr: std::net::SocketAddr,
    pub(crate) client: reqwest::Client,
    pub(crate) token: String,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) sending: Arc<Sending>,
    pub(crate) org: OrgId,
    /// The coexistence number: Meta's id and ours.
    pub(crate) coex: (String, NumberId),
    /// The Cloud API number.
    pub(crate) cloud: (String, NumberId),
    pub(crate) webhook_url: String,
    pub(crate) data_dir: TempDir,
    shutdown: ShutdownHandle,
    server: JoinHandle<std::io::Result<()>>,
}

/// A rig with default settings.
pub(crate) async fn rig() -> Rig {
    rig_with(|_| {}, |_| {}).await
}

/// A rig after letting the test adjust the sandbox's and the hub's configuration.
pub(crate) async fn rig_with(
    sandbox_config: impl FnOnce(&mut SandboxConfig),
    hub_config: impl FnOnce(&mut Config),
) -> Rig {
    let mut sc = SandboxConfig::explicit(None, APP_SECRET, SANDBOX_TOKEN);
    sandbox_config(&mut sc);
    let sandbox = Sandbox::start(sc).await.expect("sandbox starts");
    let proxy = GraphProxy::start(sandbox.base_url()).await;
    let data_dir = tempfile::tempdir().expect("temp dir");
    let config = config(&sandbox, &proxy, &data_dir, hub_config);
    let clock = Arc::new(ManualClock::new(Timestamp(EXPLICIT_EPOCH_MS as i64)));
    let app = App::build(config, Deps::with_clock(clock.clone()))
        .await
        .expect("the hub starts");
    let store = app.store();
    let issued = create_api_token(
        store.as_ref(),
        app.org(),
        "tests",
        ROLE_ADMIN,
        clock_now(&clock),
    )
    .await
    .expect("token");
    let webhook_url = format!("http://{}/webhooks/whatsapp", app.addr());
    sandbox.set_webhook_url(Some(webhook_url.clone()));
    let numbers = store.list_numbers(app.org()).await.expect("numbers");
    let ours = |mode: CoreMode| {
        let n = numbers.iter().find(|n| n.mode == mode).expect("number");
        (n.phone_number_id.clone(), n.id)
    };
    let (coex, cloud) = (ours(CoreMode::Coexistence), ours(CoreMode::CloudApi));
    let (addr, org, sending, shutdown) =
        (app.addr(), app.org(), app.sending(), app.shutdown_handle());
    let server = tokio::spawn(app.run_until_stopped());
    Rig {
        sandbox,
        proxy,
        addr,
        client: reqwest::Client::new(),
        token: issued.token,
        clock,
        store,
        sending,
        org,
        coex,
        cloud,
        webhook_url,
        data_dir,
        shutdown,
        server,
    }
}

fn clock_now(clock: &ManualClock) -> Timestamp {
    coexist_core::time::Clock::now(clock)
}

fn config(
    sandbox: &SandboxHandle,
    proxy: &GraphProxy,
    data_dir: &TempDir,
    adjust: impl FnOnce(&mut Config),
) -> Config {
    let mut config = Config::for_testing(data_dir.path());
    config.app_secret = Some(Secret::new(APP_SECRET));
    config.access_token = Some(Secret::new(SANDBOX_TOKEN));
    config.graph_base_url = proxy.url();
    config.numbers = sandbox
        .numbers()
        .iter()
        .map(|n| NumberConfig {
            phone_number_id: n.phone_number_id.clone(),
            display_phone_number: Some(n.display_phone_number.clone()),
            waba_id: Some(sandbox.waba_id().to_owned()),
            mode: match n.mode {
                NumberMode::Coexistence => CoreMode::Coexistence,
                NumberMode::CloudApi => CoreMode::CloudApi,
            },
            onboarded_at: None,
        })
        .collect();
    config.sending.workers = false;
    config.sending.jitter_seed = Some(7);
    config.sending.template_sync_interval_s = 0;
    adjust(&mut config);
    config
}

impl Rig {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(crate) fn now(&self) -> Timestamp {
        clock_now(&self.clock)
    }

    /// Moves both clocks by `ms` and delivers what became due at the sandbox.
    pub(crate) async fn advance_ms(&self, ms: i64) {
        self.clock.advance_ms(ms);
        let seconds = ms as f64 / 1_000.0;
        let r = self
            .sandbox
            .control(
                "POST",
                "/clock/advance",
                Some(json!({ "seconds": seconds })),
            )
            .await;
        assert!(r.is_ok(), "{:?}", r.body);
    }

    /// Moves both clocks to `t` (the hub's clock).
    pub(crate) async fn advance_to(&self, t: Timestamp) {
        let ms = t.since(self.now());
        if ms > 0 {
            self.advance_ms(ms).await;
        }
    }

    /// A customer writes from `wa_id` to the coexistence number; returns the chat.
    pub(crate) async fn customer_says(&self, wa_id: &str, text: &str) -> ChatId {
        let r = self.sandbox.customer_says(wa_id, &self.coex.0, text).await;
        assert!(r.is_ok(), "{:?}", r.body);
        self.sandbox.flush().await;
        self.chat_with(wa_id).await
    }

    /// The chat with `wa_id` on the coexistence number.
    pub(crate) async fn chat_with(&self, wa_id: &str) -> ChatId {
        let chats = self.list("/api/v1/chats?limit=200").await;
        let chat = chats
            .iter()
            .find(|c| c["contact"]["wa_id"] == wa_id && c["number_id"] == self.coex.1.to_string())
            .unwrap_or_else(|| panic!("no chat with {wa_id}: {chats:?}"));
        chat["id"].as_str().unwrap().parse().unwrap()
    }

    /// POSTs a JSON body with the token (and an idempotency key).
    pub(crate) async fn post(&self, path: &str, body: &Value, key: Option<&str>) -> Response {
        let mut request = self
            .client
            .post(self.url(path))
            .bearer_auth(&self.token)
            .json(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await.expect("request")
    }

    /// Sends `body` into `chat`, asserting `status`; returns the JSON answer.
    pub(crate) async fn send(&self, chat: ChatId, body: Value, status: StatusCode) -> Value {
        let path = format!("/api/v1/chats/{chat}/messages");
        let response = self.post(&path, &body, None).await;
        let got = response.status();
        let json: Value = response.json().await.expect("json");
        assert_eq!(got, status, "{json}");
        json
    }

    pub(crate) async fn get_json(&self, path: &str) -> Value {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path}: {text}");
        serde_json::from_str(&text).expect("json")
    }

    pub(crate) async fn list(&self, path: &str) -> Vec<Value> {
        self.get_json(path).await["data"]
            .as_array()
            .cloned()
            .expect("data")
    }

    pub(crate) async fn message(&self, id: &str) -> Value {
        self.get_json(&format!("/api/v1/messages/{id}")).await
    }

    /// Runs the outbox until idle, then delivers the sandbox's webhooks.
    pub(crate) async fn run_outbox(&self) -> Idle {
        let idle = self.sending.outbox.run_until_idle().await.expect("outbox");
        self.sandbox.flush().await;
        idle
    }

    /// Runs the outbox, moving both clocks to each wakeup, until nothing is left or `max`
    /// rounds passed; returns the rounds' reports.
    pub(crate) async fn drain_outbox(&self, max: usize) -> Vec<Idle> {
        let mut rounds = Vec::new();
        for _ in 0..max {
            let idle = self.run_outbox().await;
            let next = idle.next_wakeup;
            rounds.push(idle);
            match next {
                Some(t) => self.advance_to(t).await,
                None => return rounds,
            }
        }
        rounds
    }

    pub(crate) async fn run_media(&self) -> MediaIdle {
        self.sending
            .media
            .run_until_idle()
            .await
            .expect("media worker")
    }

    /// Every `/messages` request the sandbox got (accepted or refused).
    pub(crate) async fn sent(&self) -> Vec<Value> {
        self.sandbox.sent().await["sent"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The sandbox's send requests carrying our message `id` as callback data.
    pub(crate) async fn sends_of(&self, id: &str) -> Vec<Value> {
        let data = format!("coexist:{id}");
        self.sent()
            .await
            .into_iter()
            .filter(|s| s["request"]["biz_opaque_callback_data"] == data.as_str())
            .collect()
    }

    /// Holds the sandbox's webhooks back (they queue, and their delivery attempts fail and are
    /// rescheduled as Meta would).
    pub(crate) fn hold_webhooks(&self) {
        self.sandbox.set_webhook_url(None);
    }

    /// Points the sandbox's webhooks at the hub again and delivers everything held: the
    /// sandbox's clock alone moves past the retry schedule (the hub's stays).
    pub(crate) async fn release_webhooks(&self) {
        self.sandbox.set_webhook_url(Some(self.webhook_url.clone()));
        let later = json!({ "seconds": 4 * 3_600 });
        let r = self
            .sandbox
            .control("POST", "/clock/advance", Some(later))
            .await;
        assert!(r.is_ok(), "{:?}", r.body);
        self.sandbox.flush().await;
    }

    pub(crate) async fn sync_templates(&self) {
        let response = self.post("/api/v1/templates/sync", &json!({}), None).await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    pub(crate) async fn stop(self) {
        self.shutdown.shutdown();
        let _ = tokio::time::timeout(Duration::from_secs(30), self.server).await;
        self.sandbox.shutdown().await;
    }
}

/// A text body.
pub(crate) fn text(body: &str) -> Value {
    json!({ "type": "text", "text": { "body": body } })
}

/// A template body.
pub(crate) fn template(name: &str, params: &[&str]) -> Value {
    let mut t = json!({ "type": "template", "template": { "name": name, "language": { "code": "en_US" } } });
    if !params.is_empty() {
        let parameters: Vec<Value> = params
            .iter()
            .map(|p| json!({ "type": "text", "text": p }))
            .collect();
        t["template"]["components"] = json!([{ "type": "body", "parameters": parameters }]);
    }
    t
}

/// The `{"error": {...}}` of an answer.
pub(crate) fn error_code(answer: &Value) -> &str {
    answer["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code: {answer}"))
}

/// A chat id no test creates.
pub(crate) fn missing_chat() -> ChatId {
    ChatId(999_999)
}
