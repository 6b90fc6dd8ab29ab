//! `coexist`: the one binary. Each subcommand lives in its own module under `cmd/`.

mod cmd;

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's malloc, for Rust's allocations and (`override`) SQLite's too.
/// Under webhook load the async workers allocate a request's buffers and parsed batch on one
/// thread and free them on another, and SQLite's writer allocates for every statement: glibc
/// spent about a tenth of the hub's CPU in `_int_free`, `_int_malloc`, `malloc_consolidate` and
/// their arena locks. With mimalloc `bench ingest` gave 10,449 msgs/s at 112.7 µs of hub CPU per
/// message against 9,334 at 121.7 µs in the same half hour (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// coexist: a WhatsApp Coexistence hub.
#[derive(Debug, Parser)]
#[command(name = "coexist", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once at start and consumed at once: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Run a simulator of Meta's side (Graph API, webhooks, customers, the phone app).
    Sandbox(cmd::sandbox::Args),
    /// Run the hub: the webhook endpoint, the REST API and the live stream.
    Serve(cmd::serve::Args),
    /// Administration on the data directory (API tokens, users).
    Admin(cmd::admin::Args),
    /// Tools for operators debugging their webhooks.
    Webhook(cmd::webhook::Args),
    /// The hub and a simulated Meta (customers, the owner's phone) in one process: try coexist.
    Demo(cmd::demo::Args),
    /// Benchmarks of the performance budget (run in release): ingest, history, reads.
    Bench(cmd::bench::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sandbox(args) => cmd::sandbox::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Admin(args) => cmd::admin::run(args),
        Command::Webhook(args) => cmd::webhook::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Demo(args) => cmd::demo::run(args),
    }
}
