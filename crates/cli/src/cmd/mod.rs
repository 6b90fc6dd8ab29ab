//! One module per subcommand.

pub(crate) mod admin;
pub(crate) mod bench;
pub(crate) mod bench_outbox;
pub(crate) mod demo;
pub(crate) mod sandbox;
pub(crate) mod serve;
pub(crate) mod webhook;
