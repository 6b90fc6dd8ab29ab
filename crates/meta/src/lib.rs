//! Meta's WhatsApp Cloud API wire protocol as typed, lossless Rust models. No IO: no sockets,
//! no async runtime, no clock. The hub, the sandbox (Meta simulator) and the CLI share it.
//!
//! The reference for every shape is `/work/shared/protocol/META.md`; each module's header
//! names the Meta page and field it models.
//!
//! # Module map
//!
//! | module | what |
//! |---|---|
//! | [`webhook`] | the envelope ([`webhook::Envelope`]), [`webhook::parse()`], [`webhook::events`] (flattening) |
//! | [`webhook::messages`], [`webhook::content`] | field `messages`: inbound messages and their content objects |
//! | [`webhook::statuses`] | `statuses[]` with `conversation` and `pricing` (PMP and CBP) |
//! | [`webhook::echoes`] | field `smb_message_echoes` (incl. edit/revoke echoes) |
//! | [`webhook::state_sync`] | field `smb_app_state_sync` (address book) |
//! | [`webhook::history`] | field `history` (chunks, media follow-ups, 2593109 decline) |
//! | [`webhook::account_update`] | field `account_update` (`PARTNER_REMOVED`, offboarding, …) |
//! | [`webhook::templates`] | `message_template_status_update`, `template_category_update` |
//! | [`webhook::user_preferences`] | field `user_preferences` (marketing stop/resume) |
//! | [`webhook::verification`] | the `hub.challenge` GET handshake |
//! | [`graph`] | endpoint metadata ([`graph::Endpoint`]) and Graph request/response bodies |
//! | [`graph::send`], [`graph::messages`] | send-message request, mark-read, send response |
//! | [`graph::validate`] | Meta's send-side validation and limits |
//! | [`error`] | [`error::ErrorCode`], the Graph error body, webhook error objects |
//! | [`signature`] | `X-Hub-Signature-256` [`signature::sign`] / [`signature::verify`] |
//! | [`json`] | [`json::to_vec_ascii`]: ASCII-only JSON for signed bodies |
//! | [`ids`], [`time`] | validated id newtypes, [`time::Timestamp`] (string or integer Unix seconds) |
//!
//! # The ten most used entry points
//!
//! 1. [`signature::verify`]`(app_secret, header, raw_body)`: check `X-Hub-Signature-256`
//!    over the raw bytes (constant time; retries the `\uXXXX`-escaped form).
//! 2. [`webhook::parse()`]`(body) -> Result<Envelope, ParseError>`: bytes to typed envelope;
//!    [`webhook::ParseError`] names line, column and field path, and tells "not JSON"
//!    ([`webhook::ParseErrorKind::NotJson`], answer 400) from "not an envelope".
//! 3. [`webhook::Envelope::events`]: every entry × change × element as an
//!    [`webhook::Event`] with WABA id, `metadata` and matching contact.
//! 4. [`webhook::verification::verify_query`]`(query, token) -> Result<challenge, _>`.
//! 5. [`signature::sign`] + [`json::to_vec_ascii`]: how the sandbox signs what it sends.
//! 6. [`webhook::Envelope::single`] with builders such as
//!    [`webhook::messages::InboundMessage::text`], [`webhook::statuses::Status::new`],
//!    [`webhook::echoes::MessageEcho::new`], [`webhook::history::HistoryItem::chunk`],
//!    [`webhook::account_update::AccountUpdate::partner_removed`].
//! 7. [`graph::messages::MessagesRequest::from_json_slice`]: parse a `/messages` body
//!    (send or mark-read) into typed form, or Meta's error.
//! 8. [`graph::validate::validate`] / [`graph::send::SendMessageRequest::validate`]: Meta's
//!    checks (131008 / 131009 / 100) as an [`error::Rejection`].
//! 9. [`graph::SEND_MESSAGE`] and the other [`graph::Endpoint`] constants with
//!    [`graph::Endpoint::render`]`("25.0", &[("phone_number_id", id)])`.
//! 10. [`error::ErrorCode`] (`from_code`, `title`, `http_status`, `is_retryable`,
//!     `to_graph_error`) and [`error::GraphErrorResponse`] for Graph error bodies.
//!
//! # Design rules
//!
//! * **Lossless**: every object keeps unknown fields in `extra` and re-serializes them;
//!   string enums have an `Other(String)` variant; unknown message types, interactive types
//!   and webhook fields keep their name and raw JSON. Parse then serialize gives equivalent
//!   JSON (`serde_json::Value` equality).
//! * **Ids** are validated newtypes accepting what Meta and its docs send (placeholders
//!   included); stricter checks are explicit methods.
//! * **Timestamps** keep their wire form: strings in messages, integers in `entry[].time`.

#![warn(missing_docs)]

#[macro_use]
mod macros;

pub mod error;
pub mod graph;
pub mod ids;
pub mod json;
pub mod signature;
pub mod time;
pub mod webhook;
mod wire;
