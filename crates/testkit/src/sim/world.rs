//! The simulation's own state: the app under test, the ledger, the seeded RNG, and what the
//! simulated people remember (their recent messages) so later actions can refer to them.

use std::collections::{BTreeMap, VecDeque};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sandbox::{DeliveryConfig, Faults, HistoryConfig, NumberMode, StatusTimings};

use super::{SimConfig, SimFailure};
use crate::app::{SpawnOptions, TestApp, spawn_app_with};
use crate::invariants::{Ledger, Violation};

/// Seconds of a simulated day during which people act; the rest is night.
const BUSINESS_HOURS_S: u32 = 12 * 3_600;

/// How many actions a failure report shows.
const TRACE_LEN: usize = 40;

/// What a run did, for the test's summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimStats {
    /// Steps run (actions taken).
    pub steps: u32,
    /// Actions the sandbox refused (e.g. an edit after Meta's 15 minutes): expected, not errors.
    pub refused: u32,
    /// Hub restarts.
    pub restarts: u32,
    /// Messages the hub acknowledged (distinct wamids).
    pub acknowledged: usize,
    /// Of which imported from the phone's history.
    pub acknowledged_history: usize,
    /// Status webhooks the simulation posted itself (see `sandbox-requests.md`, item 1).
    pub direct_status_webhooks: u32,
}

/// Who wrote a message the simulation remembers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Author {
    Customer,
    Phone,
    Api,
    History,
}

/// A message the simulation remembers.
#[derive(Debug, Clone)]
pub(super) struct Remembered {
    pub(super) author: Author,
    pub(super) number: String,
    pub(super) wa_id: String,
    pub(super) wamid: String,
    pub(super) text: bool,
}

pub(super) struct World {
    pub(super) app: TestApp,
    pub(super) ledger: Ledger,
    pub(super) rng: ChaCha8Rng,
    pub(super) config: SimConfig,
    pub(super) seed: u64,
    pub(super) step: u32,
    pub(super) coex: String,
    pub(super) cloud: String,
    pub(super) customers: Vec<String>,
    pub(super) messages: Vec<Remembered>,
    pub(super) coex_connected: bool,
    pub(super) stats: SimStats,
    /// Idempotency keys used by agents: key → (chat, message).
    pub(super) idempotency: BTreeMap<String, (String, String)>,
    /// A broken invariant found by an action itself (reported at the next check).
    pub(super) violation: Option<Violation>,
    trace: VecDeque<String>,
    /// `COEXIST_SIM_VERBOSE=1` prints every action as it happens.
    verbose: bool,
}

impl World {
    pub(super) async fn start(seed: u64, config: &SimConfig) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let options = sandbox_options(seed, &mut rng);
        let app = spawn_app_with(options).await;
        let customers = (0..config.customers)
            .map(|i| format!("1650555{:04}", 100 + i))
            .collect();
        let (coex, cloud) = (app.sandbox.coexistence_number(), app.sandbox.cloud_number());
        World {
            app,
            ledger: Ledger::new(),
            rng,
            config: config.clone(),
            seed,
            step: 0,
            coex,
            cloud,
            customers,
            messages: Vec::new(),
            coex_connected: false,
            stats: SimStats::default(),
            idempotency: BTreeMap::new(),
            violation: None,
            trace: VecDeque::new(),
            verbose: std::env::var("COEXIST_SIM_VERBOSE").is_ok_and(|v| v == "1"),
        }
    }

    pub(super) async fn run_all(&mut self) -> Result<(), SimFailure> {
        self.prelude().await?;
        // Business hours are spread over the day's steps; the rest of the 24 hours is night.
        let mean_gap_s = u64::from(BUSINESS_HOURS_S / self.config.steps_per_day.max(1));
        for day in 0..self.config.days {
            let day_start_ms = self.app.sandbox.now_ms();
            self.morning(day).await;
            for _ in 0..self.config.steps_per_day {
                self.step += 1;
                self.stats.steps += 1;
                self.act().await;
                let seconds = self.rng.random_range(1..=2 * mean_gap_s);
                self.app.sandbox.advance(seconds).await;
                self.check().await?;
            }
            // Night: retries and delayed deliveries come due while nobody writes.
            let next_day_ms = day_start_ms + 86_400_000;
            let night_ms = next_day_ms.saturating_sub(self.app.sandbox.now_ms());
            self.note(format!("night: {} s pass", night_ms / 1_000));
            self.app.sandbox.advance_ms(night_ms).await;
            self.check_all().await?;
        }
        self.drain().await
    }

    /// Faults off, two days pass in steps so every retry comes due: then every delivery has
    /// settled and everything that went out on the wire must be stored.
    async fn drain(&mut self) -> Result<(), SimFailure> {
        self.note("drain: faults off, two days pass".to_owned());
        let calm = Faults::default();
        self.app.sandbox.faults(&calm).await.expect("faults off");
        for _ in 0..12 {
            self.app.run_outbox_until_idle().await;
            self.app.sandbox.advance(4 * 3_600).await;
        }
        self.check_all().await?;
        let drained = self.ledger.check_drained(&self.app).await;
        drained.map_err(|v| self.failure(v))
    }

    async fn morning(&mut self, day: u32) {
        self.note(format!("day {day}"));
        if !self.coex_connected {
            // A disconnected owner reconnects the next morning (or stays away a little longer).
            if self.rng.random_bool(0.7) {
                let coex = self.coex.clone();
                let done = self.app.sandbox.reconnect(&coex).await;
                self.coex_connected = self.outcome("the number is reconnected", done).is_some();
            }
        }
        if self.coex_connected && self.rng.random_bool(0.9) {
            let opened = self.app.sandbox.phone().open().await;
            self.outcome("the owner opens the app", opened.map(|_| ()));
        }
    }

    pub(super) async fn check(&mut self) -> Result<(), SimFailure> {
        if let Some(v) = self.violation.take() {
            return Err(self.failure(v));
        }
        let checked = self.ledger.check_step(&self.app).await;
        checked.map_err(|v| self.failure(v))
    }

    pub(super) async fn check_all(&mut self) -> Result<(), SimFailure> {
        let checked = self.ledger.check_all(&self.app).await;
        checked.map_err(|v| self.failure(v))
    }

    fn failure(&self, violation: Violation) -> SimFailure {
        SimFailure {
            seed: self.seed,
            step: self.step,
            violation,
            trace: self.trace.iter().cloned().collect(),
        }
    }

    /// Remembers what happened, for the failure report.
    pub(super) fn note(&mut self, line: String) {
        if self.trace.len() == TRACE_LEN {
            self.trace.pop_front();
        }
        let now_s = self.app.sandbox.now_ms() / 1_000;
        let line = format!("[step {} t={now_s}] {line}", self.step);
        if self.verbose {
            eprintln!("{line}");
        }
        self.trace.push_back(line);
    }

    /// Notes an action and whether the sandbox refused it (refusals are part of the game).
    pub(super) fn outcome<T>(&mut self, what: &str, result: crate::SandboxResult<T>) -> Option<T> {
        match result {
            Ok(value) => {
                self.note(what.to_owned());
                Some(value)
            }
            Err(e) => {
                self.stats.refused += 1;
                self.note(format!("{what}: refused ({} {})", e.status, e.body));
                None
            }
        }
    }

    pub(super) fn remember(
        &mut self,
        author: Author,
        number: &str,
        wa_id: &str,
        wamid: String,
        text: bool,
    ) {
        self.messages.push(Remembered {
            author,
            number: number.to_owned(),
            wa_id: wa_id.to_owned(),
            wamid,
            text,
        });
    }

    pub(super) fn stats(&self) -> SimStats {
        SimStats {
            acknowledged: self.ledger.acknowledged().len(),
            acknowledged_history: self.ledger.acknowledged_history(),
            ..self.stats.clone()
        }
    }

    pub(super) async fn shutdown(mut self) {
        self.app.stop_hub().await;
    }

    /// Random faults of every kind, each possibly off.
    pub(super) fn random_faults(rng: &mut ChaCha8Rng) -> Faults {
        Faults {
            duplicate_probability: *pick(rng, &[0.0, 0.1, 0.3]),
            reorder_probability: *pick(rng, &[0.0, 0.3, 0.7]),
            delay_ms: *pick(rng, &[0, 2_000, 45_000]),
            drop_first_attempt_probability: *pick(rng, &[0.0, 0.1, 0.25]),
            lose_next: *pick(rng, &[0, 0, 1, 2]),
        }
    }
}

/// One of `items`, uniformly.
pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// The sandbox of a run: the run's seed, a coexistence number not yet onboarded (history comes
/// later), statuses with jitter (so they cross), retries with a backoff that outlasts a step,
/// small out-of-order history chunks spread over time, and random faults.
fn sandbox_options(seed: u64, rng: &mut ChaCha8Rng) -> SpawnOptions {
    let faults = World::random_faults(rng);
    let chunk_messages = rng.random_range(3..=8);
    let chunk_interval_ms = rng.random_range(20_000..=120_000);
    let batch_window_ms = *pick(rng, &[0, 1_000, 5_000]);
    SpawnOptions::new().sandbox(move |c| {
        c.seed = seed;
        for n in &mut c.numbers {
            n.onboarded = n.mode != NumberMode::Coexistence;
        }
        c.status_timings = StatusTimings {
            sent_ms: 300,
            delivered_ms: 2_000,
            read_ms: 60_000,
            jitter_ms: 5_000,
            read_probability: 0.7,
            skip_delivered_probability: 0.1,
            failure_probability: 0.05,
        };
        c.delivery = DeliveryConfig {
            batch_window_ms,
            retry_schedule_ms: vec![15_000, 60_000, 300_000, 1_800_000, 7_200_000],
            ..DeliveryConfig::default()
        };
        c.history = HistoryConfig {
            chunk_messages,
            chunk_interval_ms,
            media_followup_delay_ms: 60_000,
            contacts_per_webhook: 3,
        };
        c.faults = faults;
    })
}
