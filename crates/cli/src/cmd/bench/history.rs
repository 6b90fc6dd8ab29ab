//! `coexist bench history`: a coexistence history export of N messages (default 1,000,000) in
//! Meta's `history` webhooks (chunks of 500–2,500 messages over ~20k threads, three phases,
//! chunks out of order, `progress` to 100) POSTed to a hub on a fresh data directory, a few
//! requests in flight. Reports the import time and the hub process's peak resident memory
//! (`VmHWM`; the hub is its own process, so the generator's memory is not in it), then checks
//! the database after killing the hub.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::json;

use super::load;
use super::payloads::{self, HistoryShape};
use super::procs::{self, CpuShare};
use super::report::{self, Latency, Table, median, percent, thousands};
use super::verify;

/// Flags of `coexist bench history`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct HistoryArgs {
    /// History messages imported per run
    #[arg(long, default_value_t = 1_000_000)]
    messages: u64,
    /// Runs; medians are reported
    #[arg(long, default_value_t = 5)]
    runs: u32,
    /// History webhooks in flight at once (Meta delivers them concurrently)
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Seed of the generated export
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Import the last run into this (new, empty) data directory and keep it, e.g. for
    /// `coexist bench reads --data-dir`
    #[arg(long, value_name = "DIR")]
    keep_data_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
struct Run {
    seconds: f64,
    messages_per_s: f64,
    peak_rss_mib: f64,
    idle_rss_mib: f64,
    chunk_latency: Latency,
    cpu: CpuShare,
    /// The hub's CPU time per imported message, in microseconds.
    cpu_us_per_message: f64,
    /// Its writer thread's CPU time per imported message, in microseconds.
    writer_us_per_message: f64,
}

pub(crate) async fn run(args: HistoryArgs) -> anyhow::Result<()> {
    let shape = HistoryShape::for_messages(args.messages);
    let generated = Instant::now();
    let chunks = Arc::new(payloads::history_chunks(&shape, args.seed));
    let bytes: usize = chunks.iter().map(|c| c.body.len()).sum();
    println!(
        "coexist bench history: {} messages over {} threads in {} history webhooks ({:.0} MiB, \
         generated in {:.1} s), {} in flight, {} runs, {} cores",
        args.messages,
        shape.threads,
        chunks.len(),
        bytes as f64 / 1_048_576.0,
        generated.elapsed().as_secs_f64(),
        args.concurrency,
        args.runs,
        procs::cores()
    );
    let table = Table::new(
        &[
            "run",
            "seconds",
            "msgs/s",
            "peak RSS MiB",
            "idle RSS MiB",
            "chunk p99 ms",
            "hub CPU",
            "hub µs/msg",
            "writer",
            "wr µs/msg",
            "gen CPU",
        ],
        1,
    );
    let mut runs = Vec::new();
    for run in 1..=args.runs {
        let keep = args.keep_data_dir.as_ref().filter(|_| run == args.runs);
        let r = import_once(&args, chunks.clone(), keep).await?;
        table.row(&[
            run.to_string(),
            format!("{:.1}", r.seconds),
            thousands(r.messages_per_s),
            format!("{:.0}", r.peak_rss_mib),
            format!("{:.0}", r.idle_rss_mib),
            format!("{:.0}", r.chunk_latency.p99_ms),
            percent(r.cpu.server),
            format!("{:.1}", r.cpu_us_per_message),
            percent(r.cpu.writer_core),
            format!("{:.1}", r.writer_us_per_message),
            percent(r.cpu.generator),
        ]);
        runs.push(r);
    }
    summarize(&args, &runs);
    Ok(())
}

/// One import into a fresh data directory (or `keep`), then the check of the database.
async fn import_once(
    args: &HistoryArgs,
    chunks: Arc<Vec<payloads::Signed>>,
    keep: Option<&PathBuf>,
) -> anyhow::Result<Run> {
    let temp = tempfile::tempdir().context("a temporary data directory")?;
    let dir = match keep {
        Some(dir) => {
            if dir.join(hub::config::DATABASE_FILE).exists() {
                bail!(
                    "{} already holds a database; give an empty directory",
                    dir.display()
                );
            }
            dir.clone()
        }
        None => temp.path().to_path_buf(),
    };
    let server = procs::start_hub(&dir)?;
    let pid = server.pid().to_string();
    let idle_rss_mib = procs::memory_mib(&pid, "VmRSS:").unwrap_or_default();
    let meter = procs::CpuMeter::start(server.pid());
    let result = load::run(
        &server.url(hub::http::WEBHOOK_PATH),
        chunks,
        args.concurrency,
    )
    .await?;
    let cpu = meter.stop();
    let peak_rss_mib = procs::memory_mib(&pid, "VmHWM:").unwrap_or_default();
    let failed = result.answers.len() - result.ok();
    if failed > 0 {
        bail!(
            "{failed} history webhooks were not answered 200:\n{}",
            server.stderr()
        );
    }
    server.kill()?;
    let (store, org) = verify::open(&dir).await?;
    let stored = verify::total_messages(&store, org).await?;
    if stored != args.messages {
        bail!(
            "after the import the store holds {stored} messages, {} were sent",
            args.messages
        );
    }
    let seconds = result.elapsed.as_secs_f64();
    Ok(Run {
        seconds,
        messages_per_s: args.messages as f64 / seconds,
        peak_rss_mib,
        idle_rss_mib,
        chunk_latency: Latency::of(&result.sorted_ms()),
        cpu_us_per_message: cpu.server_seconds * 1e6 / args.messages.max(1) as f64,
        writer_us_per_message: cpu.writer_us_per(args.messages as f64),
        cpu,
    })
}

fn summarize(args: &HistoryArgs, runs: &[Run]) {
    let of = |f: fn(&Run) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    let worst_rss = runs.iter().map(|r| r.peak_rss_mib).fold(0.0, f64::max);
    let writer_us = of(|r| r.writer_us_per_message);
    let writer_bound = procs::writer_bound(writer_us);
    println!(
        "median of {} runs: {} messages imported in {:.1} s ({} msgs/s); hub peak RSS {:.0} MiB \
         (worst run {:.0} MiB, {:.0} MiB idle before the import); hub CPU {} ({:.1} µs per \
         message; its writer thread {} of a core, {:.1} µs per message: {} msgs/s at most were \
         it never waiting), generator {}",
        runs.len(),
        thousands(args.messages as f64),
        of(|r| r.seconds),
        thousands(of(|r| r.messages_per_s)),
        of(|r| r.peak_rss_mib),
        worst_rss,
        of(|r| r.idle_rss_mib),
        percent(of(|r| r.cpu.server)),
        of(|r| r.cpu_us_per_message),
        percent(of(|r| r.cpu.writer_core)),
        writer_us,
        writer_bound.map_or_else(|| "-".to_owned(), thousands),
        percent(of(|r| r.cpu.generator)),
    );
    println!(
        "verified: the store holds every imported message once, in every run (checked after SIGKILL)"
    );
    if let Some(dir) = &args.keep_data_dir {
        println!("kept the last run's data directory: {}", dir.display());
    }
    report::print_json(
        "history",
        &json!({
            "runs": runs.len(),
            "messages": args.messages,
            "concurrency": args.concurrency,
            "cores": procs::cores(),
            "seconds": of(|r| r.seconds),
            "messages_per_s": of(|r| r.messages_per_s),
            "peak_rss_mib": of(|r| r.peak_rss_mib),
            "worst_peak_rss_mib": worst_rss,
            "idle_rss_mib": of(|r| r.idle_rss_mib),
            "cpu_us_per_message": of(|r| r.cpu_us_per_message),
            "writer_core_share": of(|r| r.cpu.writer_core),
            "writer_us_per_message": writer_us,
            "writer_bound_messages_per_s": writer_bound,
            "verified": true,
            "per_run": runs,
        }),
    );
}
