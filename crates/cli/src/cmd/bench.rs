//! `coexist bench <name>`: benchmarks of the performance budget (ARCHITECTURE §8), run in
//! release (`cargo run --release -p coexist -- bench ingest`). Each repeats its measurement
//! (`--runs`, default 5), prints a table and the medians, then one JSON summary line.
//!
//! - `ingest`: signed live webhooks from 64 connections, durably committed before each 200,
//!   against a bare HTTP server measured in the same run;
//! - `history`: a 1,000,000-message history export through the webhook endpoint, with the hub's
//!   peak memory;
//! - `reads`: chat and message pages and full-text searches through the REST API with
//!   1,000,000 messages stored.
//!
//! The servers run as child processes of the bench (this binary): their CPU time and memory
//! are measured apart from the load generator's. See `docs/benchmarks.md`.

mod baseline;
mod history;
mod ingest;
mod load;
mod payloads;
mod procs;
mod reads;
mod report;
mod verify;

use std::process::ExitCode;

/// `coexist bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Debug, clap::Subcommand)]
enum BenchCommand {
    /// Signed live webhooks into a durable hub vs a bare HTTP server, from N connections.
    Ingest(ingest::IngestArgs),
    /// A history export (1M messages by default) through the webhook endpoint.
    History(history::HistoryArgs),
    /// Chat pages, message pages and searches through the REST API over 1M messages.
    Reads(reads::ReadsArgs),
    /// Outbox throughput and governor accuracy at 1,000 msg/s against an in-process sandbox.
    Outbox(super::bench_outbox::OutboxArgs),
    /// The bare HTTP server `ingest` measures as its baseline (started by the bench itself).
    #[command(hide = true)]
    BaselineServer(baseline::BaselineArgs),
}

pub(crate) fn run(args: Args) -> ExitCode {
    use super::Threads::{One, PerCore};
    const WHAT: &str = "coexist bench";
    match args.command {
        // The baseline serves like `coexist serve`: a multi-threaded runtime.
        BenchCommand::BaselineServer(a) => super::run_to_exit(WHAT, PerCore, baseline::serve(a)),
        // The load generator runs on one thread, so it can never take more than one core.
        BenchCommand::Ingest(a) => super::run_to_exit(WHAT, One, ingest::run(a)),
        BenchCommand::History(a) => super::run_to_exit(WHAT, One, history::run(a)),
        BenchCommand::Reads(a) => super::run_to_exit(WHAT, One, reads::run(a)),
        // Sandbox, hub and worker in one process: a multi-threaded runtime, as in production.
        BenchCommand::Outbox(a) => super::run_to_exit(WHAT, PerCore, super::bench_outbox::run(a)),
    }
}
