//! `coexist`: the one binary. Each subcommand lives in its own module under `cmd/`.

mod cmd;

use clap::{Parser, Subcommand};

/// coexist: a WhatsApp Coexistence hub.
#[derive(Debug, Parser)]
#[command(name = "coexist", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a simulator of Meta's side (Graph API, webhooks, customers, the phone app).
    Sandbox(cmd::sandbox::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sandbox(args) => cmd::sandbox::run(args),
    }
}
