//! The snooze worker. A snoozed chat reads as open once its time has passed (core's
//! `InboxStatus::effective`), but nothing is committed then, so no stream event would tell
//! other agents' inboxes to reorder until the chat's next change. At least once a minute the
//! worker stores the end of every snooze that has passed (`InboxStore::wake_snoozed_chats`,
//! which emits `chat.updated`) and rings the doorbell.
//!
//! Time comes from the injected clock: tests move a manual clock and call
//! [`SnoozeWorker::wake_once`] instead of waiting for a tick.

use std::sync::Arc;
use std::time::Duration;

use coexist_core::store::{Store, StoreError};
use coexist_core::time::Clock;
use tokio::sync::watch;

use crate::doorbell::Doorbell;

/// How often the worker looks for snoozes that have ended.
pub const TICK: Duration = Duration::from_secs(30);

/// Snoozes woken per store call; a pass repeats until fewer come back, so one commit never
/// holds the writer for long.
const BATCH: u32 = 500;

/// Wakes chats whose snooze has ended, announcing each on the live stream.
pub struct SnoozeWorker {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    doorbell: Arc<dyn Doorbell>,
}

impl SnoozeWorker {
    /// A worker over the hub's store, clock and doorbell.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, doorbell: Arc<dyn Doorbell>) -> Self {
        SnoozeWorker {
            store,
            clock,
            doorbell,
        }
    }

    /// Stores the end of every snooze that has passed at the clock's now and rings the
    /// doorbell after each batch; returns how many chats woke.
    pub async fn wake_once(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        let mut woken = 0;
        loop {
            let batch = self.store.wake_snoozed_chats(now, BATCH).await?;
            woken += batch.len();
            if !batch.is_empty() {
                self.doorbell.ring(self.store.head_position().await?);
            }
            if batch.len() < BATCH as usize {
                return Ok(woken);
            }
        }
    }

    /// Runs [`SnoozeWorker::wake_once`] now and then every [`TICK`] until `shutdown` turns true.
    pub fn spawn(
        self: Arc<Self>,
        mut shutdown: watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.wake_once().await {
                    tracing::warn!(error = %e, "snoozes: a pass failed; trying again later");
                }
                tokio::select! {
                    _ = tokio::time::sleep(TICK) => {}
                    _ = shutdown.wait_for(|stop| *stop) => break,
                }
            }
        })
    }
}
