//! One module per subcommand.

pub(crate) mod admin;
pub(crate) mod bench;
pub(crate) mod bench_outbox;
pub(crate) mod demo;
pub(crate) mod sandbox;
pub(crate) mod serve;
pub(crate) mod webhook;

use std::process::ExitCode;

/// The tokio runtime a command runs on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Threads {
    /// One thread: the bench's load generators (never more than one core) and short admin
    /// commands.
    One,
    /// A worker per core, as the hub serves in production.
    PerCore,
}

/// Runs a command's `work` to the end on a new runtime: exit code 0, or the error on stderr as
/// `{what}: {error}` and exit code 1 (also when the runtime cannot start).
pub(crate) fn run_to_exit(
    what: &str,
    threads: Threads,
    work: impl Future<Output = anyhow::Result<()>>,
) -> ExitCode {
    let runtime = match threads {
        Threads::One => tokio::runtime::Builder::new_current_thread(),
        Threads::PerCore => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_all()
    .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(work),
        Err(e) => Err(anyhow::Error::new(e).context("cannot start the async runtime")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{what}: {e:#}");
            ExitCode::FAILURE
        }
    }
}
