//! The seeded simulation (FoundationDB/TigerBeetle style): simulated days of coexistence
//! traffic through the sandbox with its fault knobs on (duplicates, reordering, dropped first
//! attempts retried with backoff, delays), hub restarts while deliveries are pending, and the
//! [`Ledger`](crate::Ledger) checked after every step.
//!
//! Everything the simulation does comes from one seed (a ChaCha stream), and the sandbox runs
//! on the same seed, so a failing seed replays the same run: [`run`] returns a [`SimFailure`]
//! that prints the command to replay it.
//!
//! What a run does, in order:
//! 1. Before onboarding: old threads on the phone (up to 170 days back, texts and images, both
//!    sides) and customers writing to the app only.
//! 2. Onboarding, then the contacts export and the history export, whose chunks arrive out of
//!    order and spread over the first steps, interleaved with live traffic.
//! 3. Days of steps: customers write (texts, images, replies, reactions, edits, revokes, read
//!    receipts, new profile names), the phone echoes (and edits and revokes), the address book
//!    changes, agents answer through the hub's REST API and outbox (sometimes repeating an
//!    `Idempotency-Key`), sends progress through their statuses (some forced out of order), the owner
//!    disconnects and reconnects, faults change, and the hub restarts now and then with
//!    traffic arriving while it is down.
//! 4. A drain: faults off, two days pass, every delivery settles; then everything that went out
//!    on the wire must be stored.

mod actions;
mod prelude;
mod world;

use std::fmt;

use crate::invariants::Violation;

pub use world::SimStats;

/// The size and mix of a run.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Simulated days after onboarding.
    pub days: u32,
    /// Steps per day (each step is one action, then time passes).
    pub steps_per_day: u32,
    /// Customers writing to the business.
    pub customers: usize,
    /// Probability that a step restarts the hub.
    pub restart_probability: f64,
}

impl Default for SimConfig {
    /// A week of days; small enough for CI in debug builds (seconds per seed).
    fn default() -> Self {
        SimConfig {
            days: 7,
            steps_per_day: 30,
            customers: 10,
            restart_probability: 0.04,
        }
    }
}

/// A run that broke an invariant (or could not continue), with what it takes to replay it.
#[derive(Debug, Clone)]
pub struct SimFailure {
    /// The seed.
    pub seed: u64,
    /// The step at which the check failed (0 = before the days started).
    pub step: u32,
    /// What went wrong.
    pub violation: Violation,
    /// The last actions before the failure, oldest first.
    pub trace: Vec<String>,
}

impl fmt::Display for SimFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "simulation seed {:#x} failed at step {}: {}",
            self.seed, self.step, self.violation
        )?;
        writeln!(f, "last actions:")?;
        for line in &self.trace {
            writeln!(f, "  {line}")?;
        }
        write!(f, "replay: {}", replay_command(self.seed))
    }
}

/// The command that replays one seed.
pub fn replay_command(seed: u64) -> String {
    format!("COEXIST_SIM_SEED={seed:#x} cargo test -p coexist-testkit --test sim")
}

/// Runs one seed to the end; `Ok` with what happened, or the first broken invariant.
pub async fn run(seed: u64, config: &SimConfig) -> Result<SimStats, SimFailure> {
    let mut world = world::World::start(seed, config).await;
    let outcome = world.run_all().await;
    let stats = world.stats();
    world.shutdown().await;
    outcome.map(|()| stats)
}

/// The seeds to run: `COEXIST_SIM_SEED` (decimal or `0x` hex) runs exactly that one;
/// otherwise the fixed CI seeds, plus random ones up to `COEXIST_SIM_SEEDS` in all.
pub fn seeds_from_env() -> Result<Vec<u64>, String> {
    if let Ok(seed) = std::env::var("COEXIST_SIM_SEED") {
        return parse_seed(&seed).map(|s| vec![s]);
    }
    let mut seeds = FIXED_SEEDS.to_vec();
    if let Ok(n) = std::env::var("COEXIST_SIM_SEEDS") {
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("COEXIST_SIM_SEEDS={n:?} is not a number of seeds"))?;
        seeds.truncate(n);
        while seeds.len() < n {
            seeds.push(rand::random());
        }
    }
    Ok(seeds)
}

/// Seeds every CI run covers (so a regression shows up on the same seed every time).
const FIXED_SEEDS: [u64; 3] = [0x5eed_0001, 0x5eed_0002, 0x5eed_0003];

fn parse_seed(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => s.replace('_', "").parse(),
    };
    parsed.map_err(|_| format!("COEXIST_SIM_SEED={s:?} is not a decimal or 0x-hex seed"))
}

#[cfg(test)]
mod tests {
    use super::{SimFailure, parse_seed, replay_command};

    #[test]
    fn a_failure_names_its_seed_step_and_replay_command() {
        let failure = SimFailure {
            seed: 0xabc,
            step: 7,
            violation: "w is stored 2 times".to_owned(),
            trace: vec!["[step 7] something".to_owned()],
        };
        let text = failure.to_string();
        assert!(
            text.contains("seed 0xabc failed at step 7: w is stored 2 times"),
            "{text}"
        );
        assert!(
            text.contains("COEXIST_SIM_SEED=0xabc cargo test -p coexist-testkit --test sim"),
            "{text}"
        );
    }

    #[test]
    fn seeds_parse_in_decimal_and_hex_and_the_replay_line_round_trips() {
        assert_eq!(parse_seed("42"), Ok(42));
        assert_eq!(parse_seed("0x5eed_0001"), Ok(0x5eed_0001));
        assert!(parse_seed("seed").is_err());
        let line = replay_command(0x5eed_0001);
        assert!(line.starts_with("COEXIST_SIM_SEED=0x5eed0001 "), "{line}");
        let printed = line.split_whitespace().next().unwrap();
        assert_eq!(
            parse_seed(printed.trim_start_matches("COEXIST_SIM_SEED=")),
            Ok(0x5eed_0001)
        );
    }
}
