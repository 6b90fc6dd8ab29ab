//! Webhooks: the envelope, every field's `value`, parsing, events and the verification
//! handshake (Meta pages `whatsapp/webhooks/overview` and `webhooks/reference/*`).

pub mod account_update;
pub mod content;
pub mod echoes;
pub mod envelope;
pub mod history;
pub mod messages;
pub mod parse;
pub mod state_sync;
pub mod statuses;
pub mod templates;
pub mod user_preferences;

pub use envelope::{Change, ChangeValue, Contact, Entry, Envelope, Metadata};
pub use parse::{ParseError, ParseErrorKind, parse, parse_value};
pub mod events;
pub mod verification;

pub use events::{Event, EventKind};
