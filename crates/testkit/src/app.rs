//! [`spawn_app`] and [`TestApp`]: an in-process sandbox (Meta) in explicit mode and a real hub
//! on 127.0.0.1, wired to each other by configuration alone.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use coexist_core::ids::OrgId;
use coexist_core::number::NumberMode as CoreNumberMode;
use coexist_core::store::Store;
use coexist_core::time::Timestamp;
use hub::auth::{ROLE_ADMIN, create_api_token};
use hub::clock::ManualClock;
use hub::config::{Config, NumberConfig, Secret};
use hub::outbox::Sending;
use hub::{App, Deps, ShutdownHandle};
use sandbox::{NumberMode, Sandbox, SandboxConfig, SandboxHandle};
use tempfile::TempDir;
use tokio::task::JoinHandle;

use crate::driver::SandboxDriver;

/// The app secret the sandbox signs with and the hub verifies with.
pub const APP_SECRET: &str = "testkit-app-secret";
/// The Graph API access token the sandbox accepts and the hub is configured with.
pub const ACCESS_TOKEN: &str = "testkit-access-token";
/// The hub's verification-handshake token.
pub const VERIFY_TOKEN: &str = "testkit-verify-token";

/// How long [`TestApp::stop_hub`] waits for in-flight requests: generous, the machine is shared;
/// it only bounds a hung test.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

type SandboxTweak = Box<dyn FnOnce(&mut SandboxConfig) + Send>;
type HubTweak = Box<dyn FnOnce(&mut Config) + Send>;

/// Options of [`spawn_app_with`]: change the sandbox's or the hub's configuration before start.
#[derive(Default)]
pub struct SpawnOptions {
    sandbox: Vec<SandboxTweak>,
    hub: Vec<HubTweak>,
}

impl SpawnOptions {
    /// No changes: what [`spawn_app`] uses.
    pub fn new() -> Self {
        SpawnOptions::default()
    }

    /// Changes the sandbox's configuration (seed, numbers, faults, timings...).
    pub fn sandbox(mut self, tweak: impl FnOnce(&mut SandboxConfig) + Send + 'static) -> Self {
        self.sandbox.push(Box::new(tweak));
        self
    }

    /// Changes the hub's configuration (its Graph URL, secrets and numbers are already set).
    pub fn hub(mut self, tweak: impl FnOnce(&mut Config) + Send + 'static) -> Self {
        self.hub.push(Box::new(tweak));
        self
    }
}

/// The hub while it runs.
struct RunningHub {
    addr: SocketAddr,
    org: OrgId,
    store: Arc<dyn Store>,
    sending: Arc<Sending>,
    shutdown: ShutdownHandle,
    server: JoinHandle<std::io::Result<()>>,
}

/// A sandbox playing Meta and a hub receiving its webhooks, in this process.
///
/// The hub's clock is a [`ManualClock`] that the driver moves together with the sandbox's
/// clock ([`SandboxDriver::advance`]), so both sides agree on "now".
pub struct TestApp {
    /// The typed sandbox driver: customers, the phone app, time, faults, the delivery log.
    pub sandbox: SandboxDriver,
    /// A plain HTTP client for the hub.
    pub client: reqwest::Client,
    /// An admin API token of the hub's default organization.
    pub token: String,
    /// The hub's clock.
    pub clock: Arc<ManualClock>,
    /// The hub's default organization.
    pub org: OrgId,
    config: Config,
    hub: Option<RunningHub>,
    /// Where the hub last listened; a restart tries the same address first.
    last_addr: SocketAddr,
    data_dir: TempDir,
}

/// Spawns a sandbox (explicit mode, default seed and numbers) and a hub wired to it.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(SpawnOptions::new()).await
}

/// Like [`spawn_app`], after applying `options`.
pub async fn spawn_app_with(options: SpawnOptions) -> TestApp {
    let mut sandbox_config = SandboxConfig::explicit(None, APP_SECRET, ACCESS_TOKEN);
    for tweak in options.sandbox {
        tweak(&mut sandbox_config);
    }
    let handle = Sandbox::start(sandbox_config)
        .await
        .expect("the sandbox starts");
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let mut config = hub_config(&handle, &data_dir);
    for tweak in options.hub {
        tweak(&mut config);
    }
    let clock = Arc::new(ManualClock::new(Timestamp(handle.now_ms() as i64)));
    let hub = start_hub(&config, &clock).await.expect("the hub starts");
    let now = Timestamp(handle.now_ms() as i64);
    let issued = create_api_token(hub.store.as_ref(), hub.org, "testkit", ROLE_ADMIN, now)
        .await
        .expect("an API token");
    handle.set_webhook_url(Some(webhook_url(hub.addr)));
    let sandbox = SandboxDriver::new(handle, clock.clone(), ACCESS_TOKEN);
    TestApp {
        sandbox,
        client: reqwest::Client::new(),
        token: issued.token,
        clock,
        org: issued.record.org_id,
        config,
        last_addr: hub.addr,
        hub: Some(hub),
        data_dir,
    }
}

/// The hub's configuration for this sandbox: its Graph API, secrets and numbers.
fn hub_config(handle: &SandboxHandle, data_dir: &TempDir) -> Config {
    let mut config = Config::for_testing(data_dir.path());
    config.app_secret = Some(Secret::new(APP_SECRET));
    config.verify_token = Some(Secret::new(VERIFY_TOKEN));
    config.access_token = Some(Secret::new(ACCESS_TOKEN));
    config.graph_base_url = handle.base_url();
    // Tests drive the outbox and media workers one step at a time
    // (`TestApp::run_outbox_until_idle`); `SpawnOptions::hub` can turn them back on.
    config.sending.workers = false;
    config.numbers = handle
        .numbers()
        .iter()
        .map(|n| NumberConfig {
            phone_number_id: n.phone_number_id.clone(),
            display_phone_number: Some(n.display_phone_number.clone()),
            waba_id: Some(handle.waba_id().to_owned()),
            mode: match n.mode {
                NumberMode::Coexistence => CoreNumberMode::Coexistence,
                NumberMode::CloudApi => CoreNumberMode::CloudApi,
            },
            onboarded_at: None,
        })
        .collect();
    config
}

fn webhook_url(addr: SocketAddr) -> String {
    format!("http://{addr}{}", hub::http::WEBHOOK_PATH)
}

async fn start_hub(config: &Config, clock: &Arc<ManualClock>) -> anyhow::Result<RunningHub> {
    let app = App::build(config.clone(), Deps::with_clock(clock.clone())).await?;
    let (addr, org, store) = (app.addr(), app.org(), app.store());
    let (shutdown, sending) = (app.shutdown_handle(), app.sending());
    let server = tokio::spawn(app.run_until_stopped());
    Ok(RunningHub {
        addr,
        org,
        store,
        sending,
        shutdown,
        server,
    })
}

impl TestApp {
    fn running(&self) -> &RunningHub {
        self.hub
            .as_ref()
            .expect("the hub is stopped: call start_hub() first")
    }

    /// Whether the hub is running.
    pub fn hub_is_running(&self) -> bool {
        self.hub.is_some()
    }

    /// The hub's address.
    pub fn addr(&self) -> SocketAddr {
        self.running().addr
    }

    /// The hub's store (to read what the REST API does not show, or to check it directly).
    pub fn store(&self) -> Arc<dyn Store> {
        self.running().store.clone()
    }

    /// The hub's sending side (outbox, media worker, templates).
    pub fn sending(&self) -> Arc<Sending> {
        self.running().sending.clone()
    }

    /// Runs the outbox worker until it has nothing to do now, then delivers the webhooks the
    /// sandbox owes (statuses of what was sent).
    pub async fn run_outbox_until_idle(&self) {
        let sending = self.sending();
        sending
            .outbox
            .run_until_idle()
            .await
            .expect("the outbox worker runs");
        self.sandbox.flush().await;
    }

    /// The hub's data directory (survives restarts).
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// `http://ADDR{path}` on the hub.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr())
    }

    /// Stops the hub gracefully (in-flight requests finish) and closes its store. Webhooks the
    /// sandbox attempts meanwhile fail and are retried on Meta's schedule.
    pub async fn stop_hub(&mut self) {
        let Some(hub) = self.hub.take() else {
            return;
        };
        // Nothing may be half-delivered when the hub goes away unless a test wants it: finish
        // what the sandbox is posting first.
        self.sandbox.flush().await;
        hub.shutdown.shutdown();
        let finished = tokio::time::timeout(STOP_TIMEOUT, hub.server).await;
        finished
            .expect("the hub stops within a minute")
            .expect("the hub's server task")
            .expect("the hub's server");
        // The last handle on the store: dropping it joins the writer thread, so do it off the
        // async workers.
        let store = hub.store;
        tokio::task::spawn_blocking(move || drop(store))
            .await
            .expect("closing the store");
    }

    /// Starts the hub again on the same data directory, on the same address when it is still
    /// free (Meta's webhook URL does not change), else on a new one that the sandbox is told.
    pub async fn start_hub(&mut self) {
        if self.hub.is_some() {
            return;
        }
        let mut same_addr = self.config.clone();
        same_addr.listen = self.last_addr;
        let hub = match start_hub(&same_addr, &self.clock).await {
            Ok(hub) => hub,
            // Someone took the port meanwhile: any port will do, the sandbox is told below.
            Err(_) => start_hub(&self.config, &self.clock)
                .await
                .expect("the hub restarts"),
        };
        if hub.addr != self.last_addr {
            let url = webhook_url(hub.addr);
            self.sandbox.handle().set_webhook_url(Some(url));
            self.last_addr = hub.addr;
        }
        self.hub = Some(hub);
    }

    /// Stops the hub and starts it again on the same data directory.
    pub async fn restart_hub(&mut self) {
        self.stop_hub().await;
        self.start_hub().await;
    }
}
