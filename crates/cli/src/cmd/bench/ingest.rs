//! `coexist bench ingest`: signed live webhooks (one message each by default, or several as Meta
//! batches them; distinct wamids and contacts)
//! from N concurrent keep-alive connections into a hub on a fresh data directory (durable
//! SQLite), and the same load into a bare HTTP server that only reads the body and answers 200
//! (the baseline), in the same run. Afterwards the hub is killed and every acknowledged wamid
//! must be in its database exactly once.

use std::sync::Arc;

use anyhow::{Context, bail};
use serde_json::json;

use super::load::{self, LoadResult};
use super::payloads::{self, Signed};
use super::procs::{self, CpuShare, Server};
use super::report::{self, Latency, Table, median, percent, thousands};
use super::verify;

/// Flags of `coexist bench ingest`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct IngestArgs {
    /// Messages measured per run (one per webhook unless --per-webhook)
    #[arg(long, default_value_t = 100_000)]
    messages: u64,
    /// Messages in each webhook: 1 (the worst case, the default), or more as Meta batches
    /// updates under load ("a maximum of 1000 updates" per request)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    per_webhook: u64,
    /// Runs; medians are reported
    #[arg(long, default_value_t = 5)]
    runs: u32,
    /// Concurrent keep-alive connections
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Messages sent before measuring (connections open, caches warm); verified too
    #[arg(long, default_value_t = 2_000)]
    warmup: u64,
    /// Seed of the generated traffic
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// One side of one run.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
struct Side {
    messages_per_s: f64,
    latency: Latency,
    errors: usize,
    cpu: CpuShare,
    /// The server's CPU time per message, in microseconds.
    cpu_us_per_message: f64,
    /// The hub's writer thread's CPU time per message, in microseconds (0 for the baseline).
    writer_us_per_message: f64,
}

impl Side {
    /// `messages`: how many messages the measured webhooks carried in all (every webhook is
    /// answered, with 200 or an error counted in `errors`).
    fn of(result: &LoadResult, cpu: CpuShare, messages: u64) -> Side {
        let messages = messages.max(1) as f64;
        Side {
            messages_per_s: messages / result.elapsed.as_secs_f64(),
            latency: Latency::of(&result.sorted_ms()),
            errors: result.answers.len() - result.ok(),
            cpu_us_per_message: cpu.server_seconds * 1e6 / messages,
            writer_us_per_message: cpu.writer_us_per(messages),
            cpu,
        }
    }
}

/// The traffic of every run: warm-up and measured webhooks with the wamids each carries.
struct Traffic {
    warm: Arc<Vec<Signed>>,
    measured: Arc<Vec<Signed>>,
    wamids: Vec<Vec<String>>,
    messages: u64,
}

fn traffic(args: &IngestArgs) -> Traffic {
    let warm = payloads::live_messages(0, args.warmup, args.per_webhook, args.seed);
    let measured = payloads::live_messages(args.warmup, args.messages, args.per_webhook, args.seed);
    let wamids = warm
        .iter()
        .chain(&measured)
        .map(|(w, _)| w.clone())
        .collect();
    let strip = |v: Vec<(Vec<String>, Signed)>| Arc::new(v.into_iter().map(|(_, s)| s).collect());
    Traffic {
        warm: strip(warm),
        measured: strip(measured),
        wamids,
        messages: args.messages,
    }
}

pub(crate) async fn run(args: IngestArgs) -> anyhow::Result<()> {
    println!(
        "coexist bench ingest: {} messages in signed webhooks ({} each) per run after {} warm-up, \
         {} connections, {} runs, {} cores",
        args.messages,
        args.per_webhook,
        args.warmup,
        args.connections,
        args.runs,
        procs::cores()
    );
    let traffic = traffic(&args);
    let table = Table::new(
        &[
            "run",
            "server",
            "msgs/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "errors",
            "srv CPU",
            "srv µs/msg",
            "writer",
            "wr µs/msg",
            "gen CPU",
            "other CPU",
        ],
        2,
    );
    let mut runs = Vec::new();
    for run in 1..=args.runs {
        let baseline = measure_baseline(&args, &traffic).await?;
        print_side(&table, run, "baseline", &baseline);
        let (hub, rss_mib) = measure_hub(&args, &traffic).await?;
        print_side(&table, run, "hub", &hub);
        runs.push((baseline, hub, rss_mib));
    }
    summarize(&args, &runs);
    Ok(())
}

fn print_side(table: &Table, run: u32, name: &str, side: &Side) {
    table.row(&[
        run.to_string(),
        name.to_owned(),
        thousands(side.messages_per_s),
        format!("{:.2}", side.latency.p50_ms),
        format!("{:.2}", side.latency.p99_ms),
        format!("{:.1}", side.latency.max_ms),
        side.errors.to_string(),
        percent(side.cpu.server),
        format!("{:.1}", side.cpu_us_per_message),
        writer(&side.cpu, percent(side.cpu.writer_core)),
        writer(&side.cpu, format!("{:.1}", side.writer_us_per_message)),
        percent(side.cpu.generator),
        percent(side.cpu.others),
    ]);
}

/// A figure of the writer thread, or `-` for the baseline (no writer).
fn writer(cpu: &CpuShare, figure: String) -> String {
    if cpu.writer_core > 0.0 {
        figure
    } else {
        "-".to_owned()
    }
}

async fn warm_and_measure(
    server: &Server,
    traffic: &Traffic,
    connections: usize,
) -> anyhow::Result<(LoadResult, LoadResult, CpuShare)> {
    let url = server.url(hub::http::WEBHOOK_PATH);
    let warm = load::run(&url, traffic.warm.clone(), connections).await?;
    let meter = procs::CpuMeter::start(server.pid());
    let measured = load::run(&url, traffic.measured.clone(), connections).await?;
    Ok((warm, measured, meter.stop()))
}

async fn measure_baseline(args: &IngestArgs, traffic: &Traffic) -> anyhow::Result<Side> {
    let server = procs::start_baseline()?;
    let (_, measured, cpu) = warm_and_measure(&server, traffic, args.connections).await?;
    server.kill()?;
    Ok(Side::of(&measured, cpu, traffic.messages))
}

/// The hub on a fresh data directory; after the load it is killed and its database checked.
async fn measure_hub(args: &IngestArgs, traffic: &Traffic) -> anyhow::Result<(Side, f64)> {
    let dir = tempfile::tempdir().context("a temporary data directory")?;
    let server = procs::start_hub(dir.path())?;
    let (warm, measured, cpu) = warm_and_measure(&server, traffic, args.connections).await?;
    let rss_mib = procs::memory_mib(&server.pid().to_string(), "VmHWM:").unwrap_or_default();
    if measured.ok() == 0 {
        bail!("the hub answered no webhook with 200:\n{}", server.stderr());
    }
    server.kill()?;
    let acknowledged: Vec<String> = warm
        .answers
        .iter()
        .chain(&measured.answers)
        .zip(&traffic.wamids)
        .filter(|(a, _)| a.status == 200)
        .flat_map(|(_, w)| w.iter().cloned())
        .collect();
    let sent: u64 = traffic.wamids.iter().map(|w| w.len() as u64).sum();
    let (store, org) = verify::open(dir.path()).await?;
    verify::acknowledged_exactly_once(&store, org, &acknowledged, sent)
        .await
        .context("verifying the hub's database after the run")?;
    Ok((Side::of(&measured, cpu, traffic.messages), rss_mib))
}

fn summarize(args: &IngestArgs, runs: &[(Side, Side, f64)]) {
    let of = |f: fn(&(Side, Side, f64)) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    let hub_rate = of(|r| r.1.messages_per_s);
    let base_rate = of(|r| r.0.messages_per_s);
    let ratio = of(|r| r.1.messages_per_s / r.0.messages_per_s.max(f64::MIN_POSITIVE));
    let hub_latency = Latency::median_of(&runs.iter().map(|r| r.1.latency).collect::<Vec<_>>());
    let base_latency = Latency::median_of(&runs.iter().map(|r| r.0.latency).collect::<Vec<_>>());
    let cpu = |f: fn(&(Side, Side, f64)) -> f64| of(f);
    let writer_us = of(|r| r.1.writer_us_per_message);
    let writer_bound = procs::writer_bound(writer_us);
    println!(
        "median of {} runs: hub {} msgs/s (p50 {:.2} ms, p99 {:.2} ms), baseline {} msgs/s; \
         hub/baseline {}; hub CPU {} of the machine ({:.1} µs per message, baseline {:.1} µs; \
         its writer thread {} of a core, {:.1} µs per message: {} msgs/s at most were it never \
         waiting), generator {}; hub peak RSS {:.0} MiB",
        runs.len(),
        thousands(hub_rate),
        hub_latency.p50_ms,
        hub_latency.p99_ms,
        thousands(base_rate),
        percent(ratio),
        percent(cpu(|r| r.1.cpu.server)),
        of(|r| r.1.cpu_us_per_message),
        of(|r| r.0.cpu_us_per_message),
        percent(cpu(|r| r.1.cpu.writer_core)),
        writer_us,
        writer_bound.map_or_else(|| "-".to_owned(), thousands),
        percent(cpu(|r| r.1.cpu.generator)),
        of(|r| r.2),
    );
    println!(
        "verified: every acknowledged wamid stored exactly once, in every run (checked after SIGKILL)"
    );
    report::print_json(
        "ingest",
        &json!({
            "runs": runs.len(),
            "messages": args.messages,
            "per_webhook": args.per_webhook,
            "connections": args.connections,
            "cores": procs::cores(),
            "hub": {"messages_per_s": hub_rate, "latency": hub_latency,
                    "cpu_share": cpu(|r| r.1.cpu.server), "generator_cpu_share": cpu(|r| r.1.cpu.generator),
                    "cpu_us_per_message": of(|r| r.1.cpu_us_per_message),
                    "writer_core_share": cpu(|r| r.1.cpu.writer_core),
                    "writer_us_per_message": writer_us,
                    "writer_bound_messages_per_s": writer_bound,
                    "peak_rss_mib": of(|r| r.2)},
            "baseline": {"messages_per_s": base_rate, "latency": base_latency,
                         "cpu_share": cpu(|r| r.0.cpu.server), "generator_cpu_share": cpu(|r| r.0.cpu.generator),
                         "cpu_us_per_message": of(|r| r.0.cpu_us_per_message)},
            "ratio_hub_to_baseline": ratio,
            "verified": true,
            "per_run": runs.iter().map(|(b, h, rss)| json!({"baseline": b, "hub": h, "hub_peak_rss_mib": rss})).collect::<Vec<_>>(),
        }),
    );
}
