//! The outbox worker: claims due entries the governors admit, sends them to the Graph API and
//! records each outcome. Several workers (tasks or processes) can share one store: a claim is an
//! atomic update that only one of them wins, committed before the Graph call.
//!
//! One round ([`Outbox::fill`]): sweep expired leases (interrupted, never re-sent), read due
//! entries, let the governors admit some (the rest learn when to ask again), claim the admitted
//! ones, and start their Graph calls as tasks in a `JoinSet` the caller owns, so aborting the
//! caller aborts its in-flight calls (as a crash would). Each finished call records its outcome
//! and rings the doorbell.
//!
//! The governors live in this process: with several processes, each must be given its share
//! of a number's throughput (`sending.throughput_mps`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use coexist_core::governor::{Governor, NumberLimit, PairRate};
use coexist_core::ids::MessageId;
use coexist_core::number::NumberMode;
use coexist_core::outbox::{
    Verdict, backoff_ms, classify, number_can_send, number_disconnected_error, pair_backoff_ms,
};
use coexist_core::store::{
    ClaimedSend, DueSend, MessageError, SendOutcome, Store, StoreError, callback_data,
};
use coexist_core::time::{Clock, SECOND_MS, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::config::SendingConfig;
use crate::doorbell::Doorbell;
use crate::graph::GraphClient;

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// Meta accepted it.
    Accepted,
    /// It will be tried again.
    Retried,
    /// It failed for good.
    Failed,
    /// No answer: interrupted.
    Interrupted,
    /// Another outcome had been recorded first (a status webhook reconciled it).
    Stale,
}

/// What a run of [`Outbox::run_until_idle`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Idle {
    /// Attempts started.
    pub attempts: u64,
    /// Attempts Meta accepted.
    pub accepted: u64,
    /// Attempts that will be retried.
    pub retried: u64,
    /// Messages failed for good.
    pub failed: u64,
    /// Attempts interrupted by their own timeout.
    pub interrupted: u64,
    /// Expired leases swept (interrupted or reconciled).
    pub swept: u64,
    /// When there is more to do: the earliest due time, lease expiry or governor permit.
    pub next_wakeup: Option<Timestamp>,
}

/// The result of one round.
#[derive(Debug, Default)]
struct Fill {
    claimed: usize,
    swept: usize,
    blocked_until: Option<Timestamp>,
}

fn earliest(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The outbox worker of this process.
pub struct Outbox {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    doorbell: Arc<dyn Doorbell>,
    graph: GraphClient,
    config: SendingConfig,
    governor: Mutex<Governor>,
    jitter: Mutex<StdRng>,
    wake: Notify,
    owner: String,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

type Tasks = JoinSet<Result<Finished, StoreError>>;

impl Outbox {
    /// A worker over `store` sending through `graph`.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        doorbell: Arc<dyn Doorbell>,
        graph: GraphClient,
        config: SendingConfig,
    ) -> Outbox {
        let jitter = match config.jitter_seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        let owner = format!("pid-{}-{:08x}", std::process::id(), rand::random::<u32>());
        Outbox {
            store,
            clock,
            doorbell,
            graph,
            config,
            governor: Mutex::new(Governor::default()),
            jitter: Mutex::new(jitter),
            wake: Notify::new(),
            owner,
        }
    }

    /// Wakes a waiting worker (a send was queued).
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    fn limit_of(&self, due: &DueSend) -> NumberLimit {
        let per_second = self
            .config
            .throughput_mps
            .get(&due.phone_number_id)
            .copied()
            .unwrap_or(match due.mode {
                NumberMode::Coexistence => self.config.coexistence_mps,
                NumberMode::CloudApi => self.config.cloud_api_mps,
            });
        NumberLimit {
            per_window: per_second,
            window_ms: SECOND_MS + self.config.governor_margin_ms,
        }
    }

    fn pair_rate(&self) -> PairRate {
        PairRate {
            interval_ms: self.config.pair_interval_ms,
            burst: self.config.pair_burst,
        }
    }

    /// Marks attempts whose lease expired; returns how many.
    async fn sweep(&self, now: Timestamp) -> Result<usize, StoreError> {
        let swept = self.store.sweep_expired_sends(now).await?;
        let n = swept.interrupted.len() + swept.reconciled.len();
        if n > 0 {
            tracing::warn!(interrupted = ?swept.interrupted, "outbox attempts interrupted: their lease expired without an answer");
            self.doorbell.ring(swept.head);
        }
        Ok(n)
    }

    /// How often the background worker looks for expired leases.
    fn sweep_interval_ms(&self) -> i64 {
        (self.config.lease_ms / 4).clamp(100, 1_000)
    }

    /// One round: sweep (when asked), admit, claim, start up to `room` attempts in `tasks`.
    async fn fill(
        self: &Arc<Self>,
        tasks: &mut Tasks,
        room: usize,
        sweep: bool,
    ) -> Result<Fill, StoreError> {
        let now = self.clock.now();
        let mut fill = Fill::default();
        if sweep {
            fill.swept = self.sweep(now).await?;
        }
        if room == 0 {
            return Ok(fill);
        }
        // Read more than there is room for: entries the governors hold back leave room for
        // others (no head-of-line blocking by one busy recipient).
        let fetch = u32::try_from(room.saturating_mul(4).min(1_024)).unwrap_or(1_024);
        let due = self.store.due_sends(now, fetch).await?;
        let admitted = self.admit(&due, now, room, &mut fill);
        if admitted.is_empty() {
            return Ok(fill);
        }
        let lease_until = now.plus_ms(self.config.lease_ms);
        let claimed = self
            .store
            .claim_sends(&admitted, now, lease_until, &self.owner)
            .await?;
        fill.claimed = claimed.len();
        // The claim's commit took time: count each start from now, as Meta counts arrivals,
        // before the next round admits anything.
        let started_at = self.clock.now();
        {
            let mut governor = self.lock_governor();
            for c in claimed.iter().filter(|c| number_can_send(c.number_state)) {
                governor.started(c.number_id, now, started_at);
            }
        }
        for c in claimed {
            let me = Arc::clone(self);
            tasks.spawn(async move { me.attempt(c).await });
        }
        Ok(fill)
    }

    fn admit(
        &self,
        due: &[DueSend],
        now: Timestamp,
        room: usize,
        fill: &mut Fill,
    ) -> Vec<MessageId> {
        let mut governor = self.governor.lock().unwrap_or_else(|e| e.into_inner());
        governor.forget_idle(now);
        let mut admitted = Vec::new();
        for d in due {
            if admitted.len() == room {
                break;
            }
            let limit = self.limit_of(d);
            match governor.admit(d.number_id, &d.recipient, limit, self.pair_rate(), now) {
                Ok(()) => admitted.push(d.message_id),
                Err(at) => fill.blocked_until = earliest(fill.blocked_until, Some(at)),
            }
        }
        admitted
    }

    /// The body Meta gets: the client's message plus the fields the outbox owns.
    fn body_of(c: &ClaimedSend) -> Value {
        let mut body = match &c.request {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        };
        body.insert("messaging_product".to_owned(), "whatsapp".into());
        body.insert("recipient_type".to_owned(), "individual".into());
        body.insert("to".to_owned(), c.recipient.clone().into());
        body.insert(
            "biz_opaque_callback_data".to_owned(),
            callback_data(c.message_id).into(),
        );
        Value::Object(body)
    }

    /// One Graph call and its recorded outcome.
    async fn attempt(self: Arc<Self>, c: ClaimedSend) -> Result<Finished, StoreError> {
        if !number_can_send(c.number_state) {
            return self.refuse_disconnected(&c).await;
        }
        let result = self
            .graph
            .send_message(&c.phone_number_id, &Self::body_of(&c))
            .await;
        let now = self.clock.now();
        let (outcome, finished) = match result {
            Ok(wamid) => (SendOutcome::Accepted { wamid }, Finished::Accepted),
            Err(e) => {
                tracing::info!(message = %c.message_id, attempt = c.attempt, error = %e, "send attempt failed");
                self.decide(&c, classify(&e.to_answer()), now)
            }
        };
        let recorded = self
            .store
            .record_send_outcome(c.message_id, c.attempt, outcome, now)
            .await?;
        self.doorbell.ring(recorded.head);
        // An acceptance that finds the entry already sent was beaten by Meta's own status
        // webhook (reconciled): still an acceptance.
        Ok(if recorded.applied || finished == Finished::Accepted {
            finished
        } else {
            Finished::Stale
        })
    }

    /// The number was disconnected or offboarded after the message was queued: it fails
    /// without a Graph call, as the send API refuses a new message (`number_disconnected`).
    async fn refuse_disconnected(&self, c: &ClaimedSend) -> Result<Finished, StoreError> {
        let error = number_disconnected_error(c.number_state);
        tracing::info!(message = %c.message_id, state = c.number_state.as_str(), "queued message not sent: its number is no longer connected");
        let now = self.clock.now();
        let recorded = self
            .store
            .record_send_outcome(c.message_id, c.attempt, SendOutcome::Failed { error }, now)
            .await?;
        self.doorbell.ring(recorded.head);
        Ok(if recorded.applied {
            Finished::Failed
        } else {
            Finished::Stale
        })
    }

    fn decide(&self, c: &ClaimedSend, verdict: Verdict, now: Timestamp) -> (SendOutcome, Finished) {
        let jitter: f64 = self
            .jitter
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .random();
        let backoff = backoff_ms(
            c.attempt,
            self.config.retry_base_ms,
            self.config.retry_max_ms,
            jitter,
        );
        let (error, retry_at) = match verdict {
            Verdict::RetryNumber(error, retry_after_ms) => {
                // The answer's Retry-After, when it gave one, instead of our own back-off.
                let until = now.plus_ms(retry_after_ms.unwrap_or(backoff));
                self.lock_governor().pause_number(c.number_id, until);
                (error, until)
            }
            Verdict::RetryPair(error) => {
                let until = now.plus_ms(pair_backoff_ms(c.attempt, self.config.retry_max_ms));
                self.lock_governor()
                    .pause_pair(c.number_id, &c.recipient, until);
                (error, until)
            }
            Verdict::Retry(error) => (error, now.plus_ms(backoff)),
            Verdict::Interrupted(note) => {
                return (SendOutcome::Interrupted { note }, Finished::Interrupted);
            }
            Verdict::Failed(error) => return (SendOutcome::Failed { error }, Finished::Failed),
        };
        if c.attempt >= self.config.max_attempts {
            return (self.gave_up(error, c.attempt), Finished::Failed);
        }
        (
            SendOutcome::Retry {
                at: retry_at,
                error,
            },
            Finished::Retried,
        )
    }

    fn gave_up(&self, error: MessageError, attempts: u32) -> SendOutcome {
        let details = format!(
            "{} (gave up after {attempts} attempts)",
            error.details.as_deref().unwrap_or("retryable error")
        );
        SendOutcome::Failed {
            error: MessageError {
                details: Some(details),
                ..error
            },
        }
    }

    fn lock_governor(&self) -> std::sync::MutexGuard<'_, Governor> {
        self.governor.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Works until nothing more can be done now: every attempt started has recorded its
    /// outcome. Tests call this instead of sleeping; `next_wakeup` says when to call again.
    pub async fn run_until_idle(self: &Arc<Self>) -> Result<Idle, StoreError> {
        let mut tasks = Tasks::new();
        let mut idle = Idle::default();
        loop {
            let room = self.config.concurrency.saturating_sub(tasks.len());
            let fill = self.fill(&mut tasks, room, true).await?;
            idle.attempts += fill.claimed as u64;
            idle.swept += fill.swept as u64;
            if tasks.is_empty() && fill.claimed == 0 {
                idle.next_wakeup = self.next_wakeup(fill.blocked_until).await?;
                return Ok(idle);
            }
            if (fill.claimed == 0 || tasks.len() >= self.config.concurrency)
                && let Some(joined) = tasks.join_next().await
            {
                count(&mut idle, joined)?;
            }
        }
    }

    /// The background worker: runs until `stop` turns true. Dropping or aborting it aborts its
    /// in-flight Graph calls (their attempts are interrupted once their leases expire).
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut tasks = Tasks::new();
        let mut next_sweep = Timestamp(i64::MIN);
        loop {
            if *stop.borrow() {
                break;
            }
            let now = self.clock.now();
            let sweep = now >= next_sweep;
            if sweep {
                next_sweep = now.plus_ms(self.sweep_interval_ms());
            }
            let room = self.config.concurrency.saturating_sub(tasks.len());
            // Refill in batches (one claim transaction for many sends), not one finished send
            // at a time.
            let room = if tasks.is_empty() || room * 2 >= self.config.concurrency {
                room
            } else {
                0
            };
            let wait = match self.fill(&mut tasks, room, sweep).await {
                Ok(fill) if fill.claimed > 0 && tasks.len() < self.config.concurrency => continue,
                Ok(fill) => self.wait_for(fill.blocked_until).await,
                Err(e) => {
                    tracing::error!(error = %e, "outbox round failed; retrying in a second");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                _ = stop.changed() => {}
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    log_failure(joined);
                    while let Some(joined) = tasks.try_join_next() {
                        log_failure(joined);
                    }
                }
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        while tasks.join_next().await.is_some() {}
    }

    /// When there is more to do: a governor permit, or a due time or lease expiry still ahead
    /// (entries already due but held back by a governor wait for the governor).
    async fn next_wakeup(
        &self,
        blocked_until: Option<Timestamp>,
    ) -> Result<Option<Timestamp>, StoreError> {
        let now = self.clock.now();
        let stored = self.store.next_outbox_wakeup().await?.filter(|t| *t > now);
        Ok(earliest(blocked_until, stored))
    }

    /// How long to sleep before the next round (at most a second, so clock moves are seen).
    async fn wait_for(&self, blocked_until: Option<Timestamp>) -> Duration {
        let next = self.next_wakeup(blocked_until).await.unwrap_or(None);
        let now = self.clock.now();
        let ms = next.map_or(1_000, |t| t.since(now).clamp(1, 1_000));
        Duration::from_millis(u64::try_from(ms).unwrap_or(1))
    }
}

fn log_failure(joined: Result<Result<Finished, StoreError>, tokio::task::JoinError>) {
    if let Err(e) = count(&mut Idle::default(), joined) {
        tracing::error!(error = %e, "recording a send outcome failed");
    }
}

fn count(
    idle: &mut Idle,
    joined: Result<Result<Finished, StoreError>, tokio::task::JoinError>,
) -> Result<(), StoreError> {
    let finished = joined.map_err(|e| StoreError::Unavailable(format!("send task: {e}")))??;
    match finished {
        Finished::Accepted => idle.accepted += 1,
        Finished::Retried => idle.retried += 1,
        Finished::Failed => idle.failed += 1,
        Finished::Interrupted => idle.interrupted += 1,
        Finished::Stale => {}
    }
    Ok(())
}
