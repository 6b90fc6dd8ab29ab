//! The coexist domain, pure: no IO, no clock, no framework types.
//!
//! Layout:
//! - [`ids`]: our own identifiers (organizations, numbers, contacts, chats, messages, stream positions).
//! - [`time`]: [`time::Timestamp`] (UTC milliseconds) and the [`time::Clock`] trait; only clock
//!   implementations read the OS clock, and none lives here.
//! - [`message`]: direction, [`message::Origin`] (who produced a message) and the provenance
//!   policies of ARCHITECTURE §4.
//! - [`status`]: the delivery-status lattice; statuses only move forward.
//! - [`window`]: Meta's 24-hour customer service window and the 72-hour free entry point window.
//! - [`number`]: a WhatsApp number's mode, coexistence lifecycle and health.
//! - [`onboarding`]: onboarding a number: the flow, the eligibility preflight, the once-only
//!   sync requests and the phone-app reminders.
//! - [`inbox`]: the shared inbox's rules: chat status and its transitions, roles, input rules,
//!   @mentions, session lifetimes and login throttling.
//! - [`ingest`]: normalization of Meta webhooks into domain changes ([`ingest::IngestBatch`]).
//! - [`outbox`]: the sending rules (service window, templates, consent, number state) and what
//!   Meta's answers mean for a message (retry, fail, interrupted); [`governor`]: throughput and
//!   pair-rate governors; [`templates`]: template parameters; [`pricing`]: rate tables and costs.
//! - [`store`]: the [`store::Store`] trait (use-case verbs) and the records it returns.
//! - [`page`]: cursors and pages for lists.

#![warn(missing_docs)]

pub mod governor;
pub mod ids;
pub mod inbox;
pub mod ingest;
pub mod message;
pub mod number;
pub mod onboarding;
pub mod outbox;
pub mod page;
pub mod pricing;
pub mod status;
pub mod store;
pub mod templates;
pub mod time;
pub mod window;
