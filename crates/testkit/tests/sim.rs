//! The seeded simulation: simulated days of coexistence traffic through the sandbox with
//! duplicates, reordering, dropped first attempts retried with backoff, delays and hub restarts,
//! checking after every step that every acknowledged message is stored exactly once and that no
//! status moved backwards (see `testkit::sim`).
//!
//! `COEXIST_SIM_SEED=<seed>` replays one seed; `COEXIST_SIM_SEEDS=N` runs N seeds (the fixed
//! CI seeds first, then random ones). A failure prints the line that replays it.

use testkit::sim::{self, SimConfig};

#[tokio::test]
async fn sim_coexistence_days_preserve_invariants() {
    let seeds = sim::seeds_from_env().unwrap_or_else(|e| panic!("{e}"));
    let config = SimConfig::default();
    for seed in seeds {
        // Each seed runs in its own task so that a panic anywhere (not only a broken invariant)
        // still says which seed to replay.
        let run = tokio::spawn({
            let config = config.clone();
            async move { sim::run(seed, &config).await }
        });
        match run.await {
            Ok(Ok(stats)) => println!("seed {seed:#x}: {stats:?}"),
            Ok(Err(failure)) => panic!("{failure}"),
            Err(e) => {
                eprintln!(
                    "simulation seed {seed:#x} panicked; replay: {}",
                    sim::replay_command(seed)
                );
                match e.try_into_panic() {
                    Ok(payload) => std::panic::resume_unwind(payload),
                    Err(e) => panic!("seed {seed:#x}: {e}"),
                }
            }
        }
    }
}
