//! The coexist hub: receives Meta's webhooks, stores them, and serves them back through a REST
//! API and a live event stream.
//!
//! Layout:
//! - [`config`]: [`config::Config`], built from flags, `COEXIST_*` environment variables and a
//!   TOML file (in that order of precedence); secrets have a redacted `Debug`.
//! - [`startup`]: [`App::build`] binds, opens the store, ensures the default organization and
//!   returns an [`App`] to run until stopped. Nothing is global: a test runs several in one
//!   process.
//! - [`clock`]: the only place that reads the OS clock ([`clock::SystemClock`]), and a
//!   [`clock::ManualClock`] for tests.
//! - [`doorbell`]: rung with the stream head after every commit; live streams wake on it and
//!   re-read from the store.
//! - [`auth`]: who calls ([`auth::Actor`]: an API token or a signed-in session with its CSRF
//!   token), passwords (Argon2id), sign-in, and what each role may do ([`auth::authorize`]).
//! - [`inbox`]: creating users, and announcing inbox changes to live streams.
//! - [`webhook`]: the inbound pipeline without HTTP: verify the signature, parse, normalize.
//! - [`http`]: the router: `/webhooks/whatsapp`, `/healthz` and the REST API under `/api/v1`.
//! - [`onboarding`]: connecting numbers through Embedded Signup, the eligibility preflight,
//!   the guarded once-only syncs ([`onboarding::request_sync`]), phone-app reminders, the audit
//!   trail.
//! - [`outbox`]: sending under Meta's rules (checks, the durable outbox and its workers, read
//!   receipts, templates); [`graph`]: the Graph API client; [`media`]: media download, storage
//!   and upload checks; [`costs`]: the cost report.

pub mod auth;
pub mod clock;
pub mod config;
pub mod costs;
pub mod doorbell;
pub mod graph;
pub mod http;
pub mod inbox;
pub mod media;
pub mod onboarding;
pub mod outbox;
pub mod startup;
pub mod web;
pub mod webhook;

pub use startup::{App, Deps, ShutdownHandle, StartupError};
