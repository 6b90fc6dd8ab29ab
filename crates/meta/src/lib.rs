//! Meta's WhatsApp Cloud API wire protocol as typed, lossless Rust models. No IO.

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
