//! Starting a sandbox: bind, build the world, serve the Graph API and the control API, and run
//! the pump that turns due work into webhook POSTs.
//!
//! The pump is serialized (one at a time) so deliveries go out in the world's deterministic
//! order. Control calls pump before they answer; Graph calls answer first and pump right after,
//! so the `sent` status of a send never races ahead of the send's own response.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

use crate::clock::SimClock;
use crate::config::{EXPLICIT_EPOCH_MS, Mode, NumberMode, SandboxConfig};
use crate::webhooks::delivery;
use crate::world::{Step, World};

/// State shared by every handler and the pump.
#[derive(Debug)]
pub(crate) struct Shared {
    world: Mutex<World>,
    pub(crate) clock: SimClock,
    pump_lock: tokio::sync::Mutex<()>,
    pub(crate) http: reqwest::Client,
    wake: Notify,
    pub(crate) mode: Mode,
}

impl Shared {
    /// Locks the world at the current sandbox time.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        let now = self.clock.now_ms();
        let mut world = self.world.lock().unwrap_or_else(|e| e.into_inner());
        world.at(now);
        world
    }

    /// Runs everything due now, POSTing webhooks one at a time, until nothing is due.
    pub(crate) async fn pump(&self) {
        let _serial = self.pump_lock.lock().await;
        loop {
            let (step, url, timeout_ms) = {
                // Not `self.world()`: due work must run at its own (earlier) sandbox time.
                let mut world = self.world.lock().unwrap_or_else(|e| e.into_inner());
                let now = self.clock.now_ms();
                let step = world.step(now);
                (
                    step,
                    world.cfg.webhook_url.clone(),
                    world.cfg.delivery.timeout_ms,
                )
            };
            let Step::Send {
                delivery_id,
                body,
                signature,
                at,
            } = step
            else {
                break;
            };
            let result = match url {
                Some(url) => delivery::post(&self.http, &url, body, &signature, timeout_ms).await,
                None => crate::webhooks::outbox::PostResult::Error("no webhook URL".to_owned()),
            };
            self.world
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .finish_attempt(delivery_id, result, at);
        }
    }

    /// Makes sure new work gets pumped soon without waiting for it.
    pub(crate) fn kick(self: &Arc<Self>) {
        match self.mode {
            Mode::Auto => self.wake.notify_one(),
            Mode::Explicit => {
                let shared = Arc::clone(self);
                tokio::spawn(async move { shared.pump().await });
            }
        }
    }

    /// Moves the clock and runs everything that became due, in order.
    pub(crate) async fn advance(&self, ms: u64) -> u64 {
        let now = self.clock.advance(ms);
        self.pump().await;
        now
    }
}

/// One number as the start line and [`SandboxHandle::numbers`] describe it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NumberInfo {
    /// The Graph id of the number.
    pub phone_number_id: String,
    /// Digits, as Meta writes them.
    pub display_phone_number: String,
    /// `coexistence` or `cloud_api`.
    pub mode: NumberMode,
}

/// The JSON line `coexist sandbox` prints first.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StartInfo {
    /// `http://ADDR/v{graph_version}`.
    pub graph_base_url: String,
    /// The WABA every number belongs to.
    pub waba_id: String,
    /// The numbers created at start.
    pub numbers: Vec<NumberInfo>,
}

/// A running sandbox. Dropping it stops the server and the pump.
#[derive(Debug)]
pub struct SandboxHandle {
    pub(crate) shared: Arc<Shared>,
    pub(crate) router: axum::Router,
    addr: SocketAddr,
    info: StartInfo,
    shutdown: Option<oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
}

/// Entry point of the library.
#[derive(Debug)]
pub struct Sandbox;

impl Sandbox {
    /// Binds `config.listen`, builds the world from the seed, and starts serving.
    pub async fn start(config: SandboxConfig) -> anyhow::Result<SandboxHandle> {
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let local = listener.local_addr()?;
        let addr = if local.ip().is_unspecified() {
            SocketAddr::from(([127, 0, 0, 1], local.port()))
        } else {
            local
        };
        let (shared, info) = build_shared(config, addr)?;
        let router = crate::routes::router(Arc::clone(&shared));
        let (tx, rx) = oneshot::channel::<()>();
        let app = router.clone();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        let mut tasks = vec![server];
        if shared.mode == Mode::Auto {
            tasks.push(tokio::spawn(auto_loop(Arc::clone(&shared))));
        }
        shared.pump().await;
        Ok(SandboxHandle {
            shared,
            router,
            addr,
            info,
            shutdown: Some(tx),
            tasks,
        })
    }
}

fn build_shared(
    config: SandboxConfig,
    addr: SocketAddr,
) -> anyhow::Result<(Arc<Shared>, StartInfo)> {
    let start_ms = config.start_time_ms.unwrap_or(match config.mode {
        Mode::Explicit => EXPLICIT_EPOCH_MS,
        Mode::Auto => SimClock::wall_now_ms(),
    });
    let clock = match config.mode {
        Mode::Explicit => SimClock::manual(start_ms),
        Mode::Auto => SimClock::real(start_ms, config.time_scale),
    };
    let mode = config.mode;
    let graph_version = normalize_version(&config.graph_version);
    let mut world = World::new(config, start_ms);
    world.public_base_url = format!("http://{addr}");
    let info = StartInfo {
        graph_base_url: format!("http://{addr}/{graph_version}"),
        waba_id: world.wabas.keys().next().cloned().unwrap_or_default(),
        // In the configured order (coexistence first by default), not in id order.
        numbers: world
            .cfg
            .numbers
            .iter()
            .filter_map(|spec| {
                world
                    .numbers
                    .values()
                    .find(|n| n.display_phone_number == spec.display_phone_number)
            })
            .map(|n| NumberInfo {
                phone_number_id: n.id.clone(),
                display_phone_number: n.display_phone_number.clone(),
                mode: n.mode,
            })
            .collect(),
    };
    let http = reqwest::Client::builder().build()?;
    let shared = Arc::new(Shared {
        world: Mutex::new(world),
        clock,
        pump_lock: tokio::sync::Mutex::new(()),
        http,
        wake: Notify::new(),
        mode,
    });
    Ok((shared, info))
}

/// `23`, `23.0`, `v23`, `v23.0` → `v23.0`.
pub(crate) fn normalize_version(v: &str) -> String {
    let v = v.trim().trim_start_matches('v');
    if v.contains('.') {
        format!("v{v}")
    } else {
        format!("v{v}.0")
    }
}

async fn auto_loop(shared: Arc<Shared>) {
    loop {
        shared.pump().await;
        // Peek without moving the world's time: due work must still run at its own time.
        let next = shared
            .world
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .tasks
            .next_due();
        let wait_ms = next
            .and_then(|due| shared.clock.real_ms_until(due))
            .unwrap_or(1_000)
            .clamp(5, 1_000);
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(wait_ms)) => {}
            _ = shared.wake.notified() => {}
        }
    }
}

impl SandboxHandle {
    /// `http://ADDR`: the control API lives under `/_sandbox`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR/v23.0` (the configured Graph version).
    pub fn graph_base_url(&self) -> &str {
        &self.info.graph_base_url
    }

    /// The start line: Graph URL, WABA, numbers.
    pub fn start_info(&self) -> &StartInfo {
        &self.info
    }

    /// The WABA id.
    pub fn waba_id(&self) -> &str {
        &self.info.waba_id
    }

    /// Every number created at start.
    pub fn numbers(&self) -> &[NumberInfo] {
        &self.info.numbers
    }

    /// The first number in a mode.
    pub fn number(&self, mode: NumberMode) -> Option<&NumberInfo> {
        self.info.numbers.iter().find(|n| n.mode == mode)
    }

    /// Points webhooks at `url` (tests usually start the sandbox before the hub).
    pub fn set_webhook_url(&self, url: Option<String>) {
        self.shared.world().cfg.webhook_url = url;
        self.shared.kick();
    }

    /// Current sandbox time in Unix ms.
    pub fn now_ms(&self) -> u64 {
        self.shared.clock.now_ms()
    }

    /// Advances the clock by `seconds` and delivers everything that became due.
    pub async fn advance(&self, seconds: u64) -> u64 {
        self.shared.advance(seconds.saturating_mul(1_000)).await
    }

    /// Delivers everything due now and waits until it is done.
    pub async fn flush(&self) {
        self.shared.pump().await;
    }

    /// Stops the server and the pump.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for task in self.tasks.drain(..) {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for task in &self.tasks {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_version;

    #[test]
    fn graph_versions_are_normalized() {
        assert_eq!(normalize_version("23"), "v23.0");
        assert_eq!(normalize_version("v24.0"), "v24.0");
        assert_eq!(normalize_version("25.0"), "v25.0");
    }
}
