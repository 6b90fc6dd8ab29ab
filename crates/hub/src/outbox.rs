//! Sending under Meta's rules: [`Sending`] bundles what the send API, the workers and read
//! receipts share.
//!
//! - [`submit`]: an API send is checked (Meta's shape, then the service window, template,
//!   consent and number rules) and recorded with its outbox entry in one transaction.
//! - [`worker`]: the [`Outbox`] worker claims due entries under the throughput and pair-rate
//!   governors and sends them; [`Outbox::run_until_idle`] drives it one step at a time in tests.
//! - [`receipts`]: read receipts and the typing indicator.
//! - [`templates`]: template sync and creation.
//!
//! Media (download, storage, upload) is in [`crate::media`], the cost report in
//! [`crate::costs`]. `docs/sending.md` describes the semantics for operators.

pub mod receipts;
pub mod submit;
pub mod templates;
pub mod worker;

use std::sync::Arc;
use std::time::Duration;

use coexist_core::ids::OrgId;
use coexist_core::pricing::RateTable;
use coexist_core::store::Store;
use coexist_core::time::Clock;
use tokio::sync::watch;

pub use submit::{SendRequest, SubmitError, Submitted};
pub use worker::{Idle, Outbox};

use crate::config::{Config, SendingConfig};
use crate::doorbell::Doorbell;
use crate::graph::GraphClient;
use crate::media::{MediaFiles, MediaWorker};

/// Everything the sending side shares. Cheap to share behind an `Arc`.
pub struct Sending {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Rung after every commit.
    pub doorbell: Arc<dyn Doorbell>,
    /// The Graph API.
    pub graph: GraphClient,
    /// `[sending]`.
    pub config: SendingConfig,
    /// The outbox worker of this process.
    pub outbox: Arc<Outbox>,
    /// The media files and their download worker.
    pub media: Arc<MediaWorker>,
    /// The rate table of the cost report.
    pub rates: RateTable,
}

impl std::fmt::Debug for Sending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sending")
            .field("graph", &self.graph)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Why the sending side could not start.
#[derive(Debug, thiserror::Error)]
pub enum SendingError {
    /// The HTTP client could not be built.
    #[error("cannot build the Graph API client: {0}")]
    Client(String),
    /// The media directory could not be created.
    #[error("cannot create the media directory {path}: {source}")]
    MediaDir {
        /// The directory.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The rate table could not be read or is not valid.
    #[error("{0}")]
    Rates(String),
}

impl Sending {
    /// Builds the sending side from the configuration (no task is started).
    pub fn build(
        config: &Config,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        doorbell: Arc<dyn Doorbell>,
    ) -> Result<Arc<Sending>, SendingError> {
        let graph =
            GraphClient::from_config(config).map_err(|e| SendingError::Client(e.to_string()))?;
        let s = config.sending.clone();
        let dir = s
            .media_dir
            .clone()
            .unwrap_or_else(|| config.data_dir.join("media"));
        let files = MediaFiles::open(&dir).map_err(|source| SendingError::MediaDir {
            path: dir.clone(),
            source,
        })?;
        let rates =
            crate::costs::load_rates(s.rates_path.as_deref()).map_err(SendingError::Rates)?;
        let outbox = Arc::new(Outbox::new(
            store.clone(),
            clock.clone(),
            doorbell.clone(),
            graph.clone(),
            s.clone(),
        ));
        let media = Arc::new(MediaWorker::new(
            store.clone(),
            clock.clone(),
            graph.clone(),
            files,
        ));
        Ok(Arc::new(Sending {
            store,
            clock,
            doorbell,
            graph,
            config: s,
            outbox,
            media,
            rates,
        }))
    }

    /// Starts the background workers (outbox, media, template sync for `org`) until `stop`.
    pub fn spawn_workers(self: &Arc<Self>, org: OrgId, stop: watch::Receiver<bool>) {
        if !self.config.workers {
            return;
        }
        tokio::spawn(Arc::clone(&self.outbox).run(stop.clone()));
        tokio::spawn(Arc::clone(&self.media).run(self.doorbell.subscribe(), stop.clone()));
        tokio::spawn(Arc::clone(self).sync_loop(org, stop));
    }

    /// Syncs templates at start, then every `template_sync_interval_s`.
    async fn sync_loop(self: Arc<Self>, org: OrgId, mut stop: watch::Receiver<bool>) {
        loop {
            match self.sync_templates(org).await {
                Ok(report) => tracing::info!(?report, "templates synced"),
                Err(e) => tracing::warn!(error = %e, "template sync failed"),
            }
            let interval = self.config.template_sync_interval_s;
            if interval == 0 {
                return;
            }
            tokio::select! {
                _ = stop.changed() => return,
                () = tokio::time::sleep(Duration::from_secs(interval)) => {}
            }
        }
    }
}
