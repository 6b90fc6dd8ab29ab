//! `testkit`: the harness for end-to-end tests of coexist: a sandbox playing Meta and a real hub,
//! in one process, speaking only the wire contract; a typed driver for the sandbox; the
//! invariant checks of ARCHITECTURE §7; and the seeded simulation that runs them.
//!
//! # Spawning an app
//!
//! [`spawn_app`] (zero2prod style) starts, in this process:
//!
//! - an in-process **sandbox** ([`sandbox::Sandbox`]) in explicit mode: nothing happens until
//!   the test says so, and its clock moves only through [`SandboxDriver::advance`];
//! - a **hub** built with [`hub::App::build`] from [`hub::config::Config::for_testing`], on a
//!   temporary data directory (a real SQLite store), its Graph API URL pointing at the sandbox
//!   and the sandbox's webhook URL pointing at it, with the sandbox's numbers registered;
//! - a [`hub::clock::ManualClock`] kept in step with the sandbox clock (the driver moves both);
//! - an admin **API token** and a `reqwest` client;
//! - the hub's background workers **off** (`sending.workers = false`): tests run the outbox one
//!   step at a time with [`TestApp::run_outbox_until_idle`] (or reach the media worker through
//!   [`TestApp::sending`]); `SpawnOptions::hub(|c| c.sending.workers = true)` turns them on.
//!
//! ```ignore
//! let mut app = testkit::spawn_app().await;
//! let wamid = app.sandbox.customer("16505550101").says("hi").await?;   // delivered before it returns
//! app.sandbox.phone().echo("16505550101", "typed on the phone").await?;
//! app.sandbox.advance(60).await;                                        // both clocks, due webhooks
//! assert_eq!(app.messages_with_wamid(&wamid).await.len(), 1);          // REST API helpers
//! app.send_message(&chat_id, &json!({"type": "text", "text": {"body": "hi"}}), "key-1").await;
//! app.run_outbox_until_idle().await;                                     // Graph send, statuses back
//! app.restart_hub().await;                                              // same data directory
//! ```
//!
//! [`spawn_app_with`] and [`SpawnOptions`] change the sandbox's configuration (seed, numbers,
//! timings, faults) or the hub's before they start.
//!
//! # The driver
//!
//! [`SandboxDriver`] (`app.sandbox`) wraps the sandbox's control API (`/_sandbox/...`, called
//! in-process): [`SandboxDriver::customer`] → [`Customer`] (`says`, `replies`, `reacts`,
//! `sends_image`, `edits`, `revokes`, `reads_everything`, `renames`), [`SandboxDriver::phone`] →
//! [`Phone`] (`echo`, `echo_image`, `edits`, `revokes`, `add_contact`, `remove_contact`, `open`,
//! `seed_history`), time ([`SandboxDriver::advance`]), faults ([`SandboxDriver::faults`]),
//! settings, number lifecycle, forced statuses, the delivery log
//! ([`SandboxDriver::deliveries`], typed as [`DeliveryLog`]) and Graph calls as the hub would
//! make them ([`SandboxDriver::graph`], [`SandboxDriver::api_send_text`],
//! [`SandboxDriver::request_sync`]). Calls that change something deliver the webhooks they
//! caused before returning, so tests never sleep.
//!
//! # Restarts
//!
//! [`TestApp::stop_hub`], [`TestApp::start_hub`] and [`TestApp::restart_hub`] stop the hub
//! gracefully and build it again on the same data directory (and address when it is free).
//! While it is stopped, the sandbox's attempts fail and are retried on Meta's schedule.
//!
//! # Invariants and the simulation
//!
//! [`Ledger`] reads the sandbox's delivery log and checks the hub against it: no acknowledged
//! message lost, each stored exactly once, no phantoms, statuses never moving backwards and
//! converging to what was acknowledged. [`sim`] runs seeded simulated days of coexistence
//! traffic (customers, the phone app, agents sending through the hub's API and outbox, the
//! history import) with faults and restarts, checking the ledger after every step
//! (`tests/sim.rs`; `COEXIST_SIM_SEED=<seed>` replays one seed, `COEXIST_SIM_SEEDS=N` runs more).

mod api;
mod app;
mod deliveries;
mod driver;
mod invariants;
pub mod sim;

pub use app::{
    ACCESS_TOKEN, APP_SECRET, SpawnOptions, TestApp, VERIFY_TOKEN, spawn_app, spawn_app_with,
};
pub use deliveries::{
    Attempt, Carried, CarriedMessage, CarriedStatus, Delivery, DeliveryLog, carried,
};
pub use driver::{Customer, Phone, SandboxDriver, SandboxError, SandboxResult};
pub use invariants::{Ledger, Violation};

/// Re-exported so tests need not depend on the sandbox crate for its knobs.
pub use sandbox::{Faults, SandboxConfig};
