//! `sandbox`: a stateful, deterministic simulator of Meta's side of the WhatsApp Cloud API
//! with coexistence — the Graph API, signed webhook delivery, the customers, and the
//! business's phone running the WhatsApp Business App.
//!
//! The hub cannot tell it from Meta: it speaks Meta's wire contract (built and parsed with the
//! `meta` crate). Tests and demos drive it through a control API under `/_sandbox/` (see
//! `CONTROL-API.md`) or the same operations through [`SandboxHandle::control`].
//!
//! # Layout
//!
//! - `config`: [`SandboxConfig`] and every knob.
//! - `clock`, `ids`, `scheduler`, `ratelimit`: simulated time, the seeded RNG streams and ids,
//!   the timer queue, the throughput and pair-rate limits.
//! - `state/`: WABAs and numbers (with their coexistence lifecycle), customers and windows, the
//!   phone app, templates, media, messages.
//! - `world/`: the state machine: sends, statuses, customers, the phone, lifecycle, templates.
//! - `history`: the `smb_app_data` exports. `auto`: demo traffic.
//! - `webhooks/`: payload builder, batching outbox with retries and faults, the HTTP POST.
//! - `graph/`, `control/`, `routes`: the HTTP faces. `server`: start, pump, handle.
//! - `signup`: a stand-in for Meta's Embedded Signup (the window with its QR code, the
//!   phone that scans it, codes and business tokens, numbers available for signup).
//!
//! # Determinism
//!
//! All randomness comes from one seed (ChaCha streams), state lives in `BTreeMap`s, and every
//! scheduled event runs at its own sandbox time in a fixed order. In explicit mode the same
//! seed and the same calls produce byte-identical webhook bodies.

mod auto;
mod clock;
mod config;
mod control;
mod driver;
mod error;
mod graph;
mod history;
mod ids;
mod ratelimit;
mod routes;
mod scheduler;
mod server;
mod signup;
mod state;
mod webhooks;
mod world;

pub use config::{
    DeliveryConfig, EXPLICIT_EPOCH_MS, Faults, HistoryConfig, Mode, NumberMode, NumberSpec,
    PairRate, PartnerRemovedShape, SandboxConfig, Sha256Encoding, StatusTimings,
};
pub use driver::ControlResponse;
pub use server::{NumberInfo, Sandbox, SandboxHandle, StartInfo};
