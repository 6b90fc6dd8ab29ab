//! Building and running the hub: [`App::build`] binds first (so port 0 works), opens the store,
//! ensures the default organization and registers the configured numbers; then
//! [`App::run_until_stopped`] serves until a [`ShutdownHandle`] says stop.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use coexist_core::ids::OrgId;
use coexist_core::store::{Store, StoreError};
use coexist_core::time::Clock;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::sessions::AuthSettings;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::doorbell::{Doorbell, WatchDoorbell};
use crate::http::{self, AppState, WEBHOOK_PATH};
use crate::inbox::snoozes::SnoozeWorker;
use crate::onboarding::Onboarding;
use crate::outbox::Sending;
use crate::webhook::{MissingAppSecret, WebhookSettings};

/// What the hub is built with besides its configuration. Tests inject a manual clock (and may
/// inject a store); nothing is global.
#[derive(Clone)]
pub struct Deps {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// A store to use instead of opening the SQLite database in the data directory.
    pub store: Option<Arc<dyn Store>>,
    /// A doorbell to use instead of an in-process one.
    pub doorbell: Option<Arc<dyn Doorbell>>,
}

impl Deps {
    /// The OS clock, the SQLite store of the data directory, an in-process doorbell.
    pub fn system() -> Self {
        Deps::with_clock(Arc::new(SystemClock))
    }

    /// Like [`Deps::system`] with another clock.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Deps {
            clock,
            store: None,
            doorbell: None,
        }
    }
}

/// Why the hub did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// No app secret: the webhook endpoint fails closed.
    #[error(transparent)]
    MissingAppSecret(#[from] MissingAppSecret),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("cannot open the database {path}: {message}")]
    OpenStore {
        /// The database file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The store failed during setup.
    #[error("store failed during startup: {0}")]
    Store(#[from] StoreError),
    /// Onboarding could not be set up (the sealing key, the country list, the alert webhook).
    #[error(transparent)]
    Onboarding(#[from] crate::onboarding::SetupError),
    /// The sending side could not be set up.
    #[error(transparent)]
    Sending(#[from] crate::outbox::SendingError),
}

/// Stops a running [`App`]: live streams end, in-flight requests finish, then
/// [`App::run_until_stopped`] returns.
#[derive(Debug, Clone)]
pub struct ShutdownHandle {
    tx: Arc<watch::Sender<bool>>,
}

impl ShutdownHandle {
    /// Asks the server to stop.
    pub fn shutdown(&self) {
        self.tx.send_replace(true);
    }
}

/// A built hub, bound and ready to serve.
pub struct App {
    addr: SocketAddr,
    listener: TcpListener,
    router: Router,
    store: Arc<dyn Store>,
    doorbell: Arc<dyn Doorbell>,
    org: OrgId,
    webhook_url: String,
    shutdown: ShutdownHandle,
    sending: Arc<Sending>,
    onboarding: Arc<Onboarding>,
    snoozes: Arc<SnoozeWorker>,
}

impl App {
    /// Binds, opens the store, ensures the default organization and registers the configured
    /// numbers. Fails without an app secret.
    pub async fn build(config: Config, deps: Deps) -> Result<App, StartupError> {
        let webhook = WebhookSettings::from_config(&config)?;
        if !webhook.has_verify_token() {
            tracing::warn!(
                "no verify token configured: Meta's verification handshake will be refused"
            );
        }
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.listen,
            source,
        })?;
        let store = match deps.store {
            Some(store) => store,
            None => open_store(&config).await?,
        };
        let org = setup_store(store.as_ref(), &config, deps.clock.as_ref()).await?;
        let doorbell = match deps.doorbell {
            Some(doorbell) => doorbell,
            None => Arc::new(WatchDoorbell::new(store.head_position().await?)),
        };
        let (tx, rx) = watch::channel(false);
        let sending = Sending::build(&config, store.clone(), deps.clock.clone(), doorbell.clone())?;
        let onboarding = Onboarding::build(
            &config,
            store.clone(),
            deps.clock.clone(),
            sending.graph.clone(),
        )?;
        let snoozes = Arc::new(SnoozeWorker::new(
            store.clone(),
            deps.clock.clone(),
            doorbell.clone(),
        ));
        let state = AppState {
            store: store.clone(),
            clock: deps.clock,
            doorbell: doorbell.clone(),
            default_org: org,
            webhook: Arc::new(webhook),
            shutdown: rx,
            sending: sending.clone(),
            onboarding: onboarding.clone(),
            auth: Arc::new(AuthSettings::from_config(&config)),
        };
        let base = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        Ok(App {
            addr,
            listener,
            router: http::router(state),
            store,
            doorbell,
            org,
            webhook_url: format!("{base}{WEBHOOK_PATH}"),
            shutdown: ShutdownHandle { tx: Arc::new(tx) },
            sending,
            onboarding,
            snoozes,
        })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The webhook URL to give Meta.
    pub fn webhook_url(&self) -> &str {
        &self.webhook_url
    }

    /// The store.
    pub fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// The doorbell.
    pub fn doorbell(&self) -> Arc<dyn Doorbell> {
        self.doorbell.clone()
    }

    /// The default organization.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// The sending side (the outbox worker, media worker, templates); tests drive its workers
    /// one step at a time when `[sending] workers = false`.
    pub fn sending(&self) -> Arc<Sending> {
        self.sending.clone()
    }

    /// Onboarding (signup, the guarded syncs, reminders); `coexist demo` requests the syncs
    /// through [`crate::onboarding::request_sync`] with it.
    pub fn onboarding(&self) -> Arc<Onboarding> {
        self.onboarding.clone()
    }

    /// The snooze worker; tests move a manual clock and call
    /// [`SnoozeWorker::wake_once`] instead of waiting for its tick.
    pub fn snoozes(&self) -> Arc<SnoozeWorker> {
        self.snoozes.clone()
    }

    /// A handle that stops the server.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Serves until the shutdown handle is used, then finishes in-flight requests and returns.
    pub async fn run_until_stopped(self) -> io::Result<()> {
        self.sending
            .spawn_workers(self.org, self.shutdown.tx.subscribe());
        self.onboarding
            .spawn_reminders(self.org, self.shutdown.tx.subscribe());
        Arc::clone(&self.snoozes).spawn(self.shutdown.tx.subscribe());
        let mut stop = self.shutdown.tx.subscribe();
        let stopped = async move {
            // An error means every sender is gone, which also means stop.
            let _ = stop.wait_for(|stopping| *stopping).await;
        };
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(stopped)
            .await
    }
}

/// Opens (creating and migrating if needed) the SQLite store in the data directory. Used by
/// `coexist serve` and `coexist admin`; SQLite's WAL mode lets both hold it at once.
pub async fn open_store(config: &Config) -> Result<Arc<dyn Store>, StartupError> {
    let dir = config.data_dir.clone();
    std::fs::create_dir_all(&dir).map_err(|source| StartupError::DataDir { path: dir, source })?;
    let path = config.database_path();
    // Opening runs the migrations: blocking file IO, so off the async workers.
    let open_path = path.clone();
    let opened = tokio::task::spawn_blocking(move || {
        store::SqliteStore::open(&open_path, store::SqliteOptions::default())
    })
    .await;
    // The open failed, or the blocking task did (a panic): either way the database is unusable.
    let opened = match opened {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let store = opened.map_err(|message| StartupError::OpenStore { path, message })?;
    Ok(Arc::new(store))
}

/// Ensures the default organization and registers the configured numbers.
async fn setup_store(
    store: &dyn Store,
    config: &Config,
    clock: &dyn Clock,
) -> Result<OrgId, StoreError> {
    let now = clock.now();
    let org = store.ensure_org(&config.org_name, now).await?;
    for number in &config.numbers {
        store.upsert_number(org, number.setup(), now).await?;
    }
    Ok(org)
}
