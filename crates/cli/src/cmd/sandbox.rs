//! `coexist sandbox`: runs the Meta simulator on its own.

use std::process::ExitCode;

/// Flags of `coexist sandbox`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> ExitCode {
    eprintln!("coexist sandbox: not built yet");
    ExitCode::FAILURE
}
