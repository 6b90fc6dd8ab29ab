//! A sandbox playing Meta (explicit mode: nothing happens unless a test says so) and a hub wired
//! to it by configuration alone, both in this process; the browser reaches the hub directly or
//! through a [`Proxy`] it can cut.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use coexist_core::ids::OrgId;
use coexist_core::number::NumberMode as CoreNumberMode;
use coexist_core::store::Store;
use coexist_core::time::Clock;
use hub::auth::{ROLE_ADMIN, create_api_token};
use hub::clock::SystemClock;
use hub::config::{Config, NumberConfig, Secret};
use hub::{App, Deps, ShutdownHandle};
use sandbox::{NumberMode, Sandbox, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::proxy::Proxy;

const APP_SECRET: &str = "e2e-app-secret";
const ACCESS_TOKEN: &str = "e2e-access-token";
/// The password of every user the tests create.
pub const PASSWORD: &str = "correct horse battery staple";

/// What to start.
#[derive(Debug, Clone, Copy, Default)]
pub struct StackOptions {
    /// Put a cuttable proxy between the browser and the hub.
    pub proxy: bool,
    /// Days before now the coexistence number was onboarded (drives the phone-app activity
    /// clock until the phone is used).
    pub onboarded_days_ago: Option<i64>,
    /// Start Meta's (the sandbox's) clock this many minutes in the past, so a scenario can
    /// spread its messages over time by advancing it and still end near now.
    pub sandbox_minutes_ago: i64,
}

/// A sandbox, a hub, an admin token.
pub struct Stack {
    /// The sandbox (Meta, the customers, the phone).
    pub sandbox: SandboxHandle,
    /// The coexistence number's phone number id.
    pub coexist: String,
    /// The Cloud-API-only number's phone number id.
    pub cloud: String,
    /// The hub's store.
    pub store: Arc<dyn Store>,
    /// The hub's default organization.
    pub org: OrgId,
    hub_addr: SocketAddr,
    /// The proxy, when asked for.
    pub proxy: Option<Proxy>,
    http: reqwest::Client,
    token: String,
    shutdown: ShutdownHandle,
    _dir: TempDir,
}

impl Stack {
    /// Starts the sandbox on the real clock's now, then the hub (real clock, so the browser, the
    /// hub and the sandbox agree on "now"), then points Meta's webhooks at the hub.
    pub async fn start(options: StackOptions) -> Result<Stack> {
        let now = SystemClock.now();
        let mut sandbox_config = SandboxConfig::explicit(None, APP_SECRET, ACCESS_TOKEN);
        let start = now.plus_ms(-options.sandbox_minutes_ago * coexist_core::time::MINUTE_MS);
        sandbox_config.start_time_ms = Some(u64::try_from(start.millis())?);
        let sandbox = Sandbox::start(sandbox_config).await?;
        let dir = tempfile::tempdir()?;
        let mut config = Config::for_testing(dir.path());
        config.app_secret = Some(Secret::new(APP_SECRET));
        config.access_token = Some(Secret::new(ACCESS_TOKEN));
        config.graph_base_url = sandbox.base_url();
        let onboarded = options
            .onboarded_days_ago
            .map(|d| now.plus_ms(-d * coexist_core::time::DAY_MS));
        config.numbers = numbers(&sandbox, onboarded);
        let app = App::build(config, Deps::with_clock(Arc::new(SystemClock)))
            .await
            .context("the hub starts")?;
        let (hub_addr, store, org) = (app.addr(), app.store(), app.org());
        let shutdown = app.shutdown_handle();
        tokio::spawn(app.run_until_stopped());
        let token = create_api_token(store.as_ref(), org, "e2e", ROLE_ADMIN, now)
            .await?
            .token;
        sandbox.set_webhook_url(Some(format!(
            "http://{hub_addr}{}",
            hub::http::WEBHOOK_PATH
        )));
        let proxy = if options.proxy {
            Some(Proxy::start(hub_addr).await?)
        } else {
            None
        };
        let pick = |mode| {
            sandbox
                .number(mode)
                .map(|n| n.phone_number_id.clone())
                .unwrap_or_default()
        };
        Ok(Stack {
            coexist: pick(NumberMode::Coexistence),
            cloud: pick(NumberMode::CloudApi),
            sandbox,
            store,
            org,
            hub_addr,
            proxy,
            http: reqwest::Client::new(),
            token,
            shutdown,
            _dir: dir,
        })
    }

    /// Where the browser opens the hub (through the proxy when there is one).
    pub fn base(&self) -> String {
        let addr = self.proxy.as_ref().map_or(self.hub_addr, Proxy::addr);
        format!("http://{addr}")
    }

    /// Calls the hub's API with the admin token; fails on a non-2xx answer.
    pub async fn api(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let mut request = self
            .http
            .request(method.clone(), format!("http://{}{path}", self.hub_addr))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("{method} {path}: {status}: {text}");
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        })
    }

    /// The chat with the customer `wa_id` on any number, as `GET /api/v1/chats/{id}` shows it.
    pub async fn chat(&self, wa_id: &str) -> Result<Value> {
        let id = self.chat_id(wa_id).await?;
        self.api("GET", &format!("/api/v1/chats/{id}"), None).await
    }

    /// The id of the chat with the customer `wa_id` (the first listed, on any number).
    pub async fn chat_id(&self, wa_id: &str) -> Result<String> {
        let chats = self.api("GET", "/api/v1/chats?limit=200", None).await?;
        chats["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["contact"]["wa_id"] == wa_id)
            .and_then(|c| c["id"].as_str().map(str::to_owned))
            .with_context(|| format!("no chat with {wa_id}"))
    }

    /// Creates an agent (or admin) who signs in with [`PASSWORD`]; returns the user.
    pub async fn user(&self, email: &str, name: &str, role: &str) -> Result<Value> {
        let body = json!({"email": email, "name": name, "password": PASSWORD, "role": role});
        self.api("POST", "/api/v1/users", Some(body)).await
    }

    /// A customer writes a text to the coexistence number; returns its wamid.
    pub async fn customer_says(&self, wa_id: &str, name: &str, text: &str) -> Result<String> {
        let body = json!({
            "phone_number_id": self.coexist,
            "name": name,
            "message": {"type": "text", "text": {"body": text}},
        });
        self.control("POST", &format!("/customers/{wa_id}/send"), body)
            .await
    }

    /// A customer sends any inbound content (`{"type": "image", "image": {...}}`).
    pub async fn customer_sends(&self, wa_id: &str, name: &str, message: Value) -> Result<String> {
        let body = json!({"phone_number_id": self.coexist, "name": name, "message": message});
        self.control("POST", &format!("/customers/{wa_id}/send"), body)
            .await
    }

    /// The owner sends from the WhatsApp Business App on the phone; returns the wamid.
    pub async fn phone_says(&self, to: &str, text: &str) -> Result<String> {
        let body = json!({"to": to, "message": {"type": "text", "text": {"body": text}}});
        self.control("POST", &format!("/phones/{}/send", self.coexist), body)
            .await
    }

    /// A sandbox control call that creates a message; returns its wamid.
    pub async fn control(&self, method: &str, path: &str, body: Value) -> Result<String> {
        let answer = self.sandbox.control(method, path, Some(body)).await;
        if !answer.is_ok() {
            bail!("sandbox {method} {path}: {} {}", answer.status, answer.body);
        }
        Ok(answer.wamid().unwrap_or_default().to_owned())
    }

    /// Meta disconnects the coexistence number for 14 days without the phone app
    /// (`PARTNER_REMOVED`, `PRIMARY_INACTIVITY`): the inbox then shows its danger banner.
    pub async fn disconnect_for_inactivity(&self) -> Result<()> {
        let body = json!({"reason": "PRIMARY_INACTIVITY", "initiated_by": "SYSTEM"});
        self.control(
            "POST",
            &format!("/numbers/{}/disconnect", self.coexist),
            body,
        )
        .await
        .map(|_| ())
    }

    /// Moves Meta's clock: statuses due meanwhile (delivered, read) are delivered.
    pub async fn advance(&self, seconds: u64) {
        self.sandbox.advance(seconds).await;
    }

    /// Asks Meta for the phone's history (what the hub does once after onboarding), after
    /// seeding `threads` on the phone (the sandbox control API's shape).
    pub async fn import_history(&self, threads: Value) -> Result<()> {
        let pnid = &self.coexist;
        let seeded = self
            .sandbox
            .control(
                "POST",
                &format!("/phones/{pnid}/history"),
                Some(json!({"threads": threads})),
            )
            .await;
        if !seeded.is_ok() {
            bail!("seeding history: {}", seeded.body);
        }
        let url = format!("{}/{pnid}/smb_app_data", self.sandbox.graph_base_url());
        let response = self
            .http
            .post(url)
            .bearer_auth(ACCESS_TOKEN)
            .json(&json!({"messaging_product": "whatsapp", "sync_type": "history"}))
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("history request: {}", response.text().await?);
        }
        self.sandbox.flush().await;
        Ok(())
    }

    /// Stops the hub and the sandbox.
    pub async fn stop(self) {
        self.shutdown.shutdown();
        self.sandbox.shutdown().await;
    }
}

fn numbers(
    sandbox: &SandboxHandle,
    onboarded: Option<coexist_core::time::Timestamp>,
) -> Vec<NumberConfig> {
    sandbox
        .numbers()
        .iter()
        .map(|n| NumberConfig {
            phone_number_id: n.phone_number_id.clone(),
            display_phone_number: Some(n.display_phone_number.clone()),
            waba_id: Some(sandbox.waba_id().to_owned()),
            mode: match n.mode {
                NumberMode::Coexistence => CoreNumberMode::Coexistence,
                NumberMode::CloudApi => CoreNumberMode::CloudApi,
            },
            onboarded_at: match n.mode {
                NumberMode::Coexistence => onboarded,
                NumberMode::CloudApi => None,
            },
        })
        .collect()
}
