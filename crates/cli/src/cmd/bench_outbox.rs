//! `coexist bench outbox`: the outbox's throughput and its governor's accuracy against an
//! in-process sandbox whose Cloud API number takes 1,000 msg/s (the hub's governor set to the
//! same), run in release.
//!
//! Each run queues `--messages` template sends (one recipient each, so only the throughput
//! governor binds), starts the outbox worker and waits until every send is answered. From the
//! sandbox's own log of accepted sends it reports the achieved rate and the largest number of
//! sends in any one-second window (the governor must keep it at or below the limit, and Meta
//! must have refused none with 130429); from `/proc/self/stat` the process CPU time per message
//! (sandbox included). A baseline in the same run sends the same requests straight to the
//! sandbox, paced at the same average rate, with no outbox: its CPU per request is what the
//! Graph calls cost by themselves. Medians over `--runs` runs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use coexist_core::governor::max_in_any_window;
use coexist_core::store::SendTarget;
use hub::config::{Config, NumberConfig, Secret};
use hub::outbox::SendRequest;
use hub::{App, Deps};
use sandbox::{Mode, NumberMode, NumberSpec, Sandbox, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};

const TOKEN: &str = "bench-access-token";
const SECRET: &str = "bench-app-secret";
/// Status webhooks are put off past the end of the run: the bench measures sending.
const NEVER_MS: u64 = 1_000_000_000;

/// Flags of `coexist bench outbox`.
#[derive(Debug, clap::Args)]
pub(crate) struct OutboxArgs {
    /// Sends per run.
    #[arg(long, default_value_t = 5_000)]
    messages: usize,
    /// The number's throughput (sandbox limit and hub governor), messages per second.
    #[arg(long, default_value_t = 1_000)]
    mps: u32,
    /// Graph calls in flight at once (outbox and baseline).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Runs of each measurement; medians are reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

/// One run's figures.
#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    /// Accepted sends per second between the first and the last accepted send. The governor
    /// releases each window's allowance at its start, so for a few windows this exceeds the
    /// sustained rate (the limit per 1 s + margin) by up to one window's worth.
    rate: f64,
    /// Seconds from the first to the last accepted send.
    span_s: f64,
    /// The most accepted sends in any one-second window.
    max_window: usize,
    /// Sends Meta refused (130429 and others).
    refused: usize,
    /// Process CPU milliseconds per Graph request.
    cpu_ms: f64,
}

/// Process CPU time (user + system) in milliseconds, from `/proc/self/stat` (Linux; clock
/// ticks of 10 ms, the kernel's USER_HZ).
fn cpu_ms() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("reading /proc/self/stat")?;
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    let tick = |i: usize| -> anyhow::Result<f64> {
        let v = fields
            .get(i)
            .ok_or_else(|| anyhow!("/proc/self/stat is short"))?;
        Ok(v.parse::<f64>()? * 10.0)
    };
    Ok(tick(11)? + tick(12)?)
}

async fn start_sandbox(mps: u32) -> anyhow::Result<SandboxHandle> {
    let mut c = SandboxConfig::auto(None, SECRET, TOKEN);
    c.mode = Mode::Auto;
    c.seed_phone = false;
    c.auto_mean_interval_ms = NEVER_MS;
    c.status_timings.sent_ms = NEVER_MS;
    c.status_timings.delivered_ms = NEVER_MS;
    c.status_timings.read_ms = NEVER_MS;
    c.status_timings.jitter_ms = 0;
    c.status_timings.failure_probability = 0.0;
    c.numbers = vec![NumberSpec {
        display_phone_number: "15550100009".to_owned(),
        mode: NumberMode::CloudApi,
        verified_name: "Bench".to_owned(),
        throughput_mps: Some(mps),
        onboarded: true,
    }];
    Sandbox::start(c).await
}

fn recipient(i: usize) -> String {
    format!("1650{:07}", i)
}

/// The accepted and refused sends in the sandbox's log.
async fn sandbox_log(sandbox: &SandboxHandle) -> (Vec<i64>, usize) {
    let sent = sandbox.sent().await;
    let all = sent["sent"].as_array().cloned().unwrap_or_default();
    let accepted: Vec<i64> = all
        .iter()
        .filter(|s| s["result"]["accepted"] == true)
        .filter_map(|s| s["at"].as_i64())
        .collect();
    (accepted.clone(), all.len() - accepted.len())
}

fn figures(accepted: &[i64], refused: usize, cpu: f64) -> Figures {
    let first = accepted.iter().min().copied().unwrap_or(0);
    let last = accepted.iter().max().copied().unwrap_or(0);
    let span_s = ((last - first).max(1)) as f64 / 1_000.0;
    Figures {
        rate: accepted.len() as f64 / span_s,
        span_s,
        max_window: max_in_any_window(accepted, 1_000),
        refused,
        cpu_ms: cpu / (accepted.len() + refused).max(1) as f64,
    }
}

/// One run of the outbox: queue, drain, measure.
async fn outbox_run(args: &OutboxArgs) -> anyhow::Result<Figures> {
    let sandbox = start_sandbox(args.mps).await?;
    let number = sandbox.numbers()[0].clone();
    let dir = tempfile::tempdir()?;
    let mut config = Config::for_testing(dir.path());
    config.graph_base_url = sandbox.graph_base_url().to_owned();
    config.access_token = Some(Secret::new(TOKEN));
    config.app_secret = Some(Secret::new(SECRET));
    config.numbers = vec![NumberConfig {
        phone_number_id: number.phone_number_id.clone(),
        display_phone_number: Some(number.display_phone_number.clone()),
        waba_id: Some(sandbox.waba_id().to_owned()),
        mode: coexist_core::number::NumberMode::CloudApi,
        onboarded_at: None,
    }];
    config.sending.workers = false;
    config.sending.concurrency = args.concurrency;
    config
        .sending
        .throughput_mps
        .insert(number.phone_number_id.clone(), args.mps);
    let app = App::build(config, Deps::system()).await?;
    let sending = app.sending();
    let org = app.org();
    sending.sync_templates(org).await?;
    let ours = app.store().list_numbers(org).await?[0].id;
    for i in 0..args.messages {
        let request = SendRequest {
            target: SendTarget::Recipient {
                number: ours,
                wa_id: recipient(i),
            },
            body: json!({"type": "template", "template": {"name": "hello_world", "language": {"code": "en_US"}}}),
            idempotency_key: Some(format!("bench-{i}")),
            author: None,
        };
        sending
            .submit(org, request)
            .await
            .map_err(|e| anyhow!("queueing: {e}"))?;
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let cpu_before = cpu_ms()?;
    let worker = tokio::spawn(Arc::clone(&sending.outbox).run(stop_rx));
    let store = app.store();
    let deadline = Instant::now() + Duration::from_secs(600);
    while store.next_outbox_wakeup().await?.is_some() {
        anyhow::ensure!(
            Instant::now() < deadline,
            "the outbox did not drain in 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cpu = cpu_ms()? - cpu_before;
    stop_tx.send_replace(true);
    let _ = worker.await;
    let (accepted, refused) = sandbox_log(&sandbox).await;
    anyhow::ensure!(
        accepted.len() == args.messages,
        "{} of {} sends accepted",
        accepted.len(),
        args.messages
    );
    sandbox.shutdown().await;
    Ok(figures(&accepted, refused, cpu))
}

/// The baseline: the same Graph requests straight to the sandbox, same concurrency, no outbox,
/// paced on a fixed schedule at the governor's average rate (the limit per second plus the
/// governor's margin), so both send the same number of requests at about the same rate.
async fn baseline_run(args: &OutboxArgs) -> anyhow::Result<Figures> {
    let sandbox = start_sandbox(args.mps).await?;
    let pnid = sandbox.numbers()[0].phone_number_id.clone();
    let url = format!("{}/{pnid}/messages", sandbox.graph_base_url());
    let http = reqwest::Client::new();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let cpu_before = cpu_ms()?;
    let mut tasks = tokio::task::JoinSet::new();
    let start = tokio::time::Instant::now();
    let per_message = Duration::from_secs_f64(1.05 / f64::from(args.mps.max(1)));
    for _ in 0..args.concurrency {
        let (http, url, next, n) = (http.clone(), url.clone(), next.clone(), args.messages);
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    return;
                }
                tokio::time::sleep_until(start + per_message * u32::try_from(i).unwrap_or(u32::MAX)).await;
                let body = json!({"messaging_product": "whatsapp", "to": recipient(i), "type": "template",
                    "template": {"name": "hello_world", "language": {"code": "en_US"}}});
                let _ = http.post(&url).bearer_auth(TOKEN).json(&body).send().await.map(|r| r.bytes());
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let cpu = cpu_ms()? - cpu_before;
    let (accepted, refused) = sandbox_log(&sandbox).await;
    sandbox.shutdown().await;
    Ok(figures(&accepted, refused, cpu))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn medians(runs: &[Figures]) -> Figures {
    let pick = |f: fn(&Figures) -> f64| median(runs.iter().map(f).collect());
    Figures {
        rate: pick(|f| f.rate),
        span_s: pick(|f| f.span_s),
        max_window: pick(|f| f.max_window as f64) as usize,
        refused: pick(|f| f.refused as f64) as usize,
        cpu_ms: pick(|f| f.cpu_ms),
    }
}

/// Runs the benchmark and prints a table, the medians and one JSON line.
pub(crate) async fn run(args: OutboxArgs) -> anyhow::Result<()> {
    let mut outbox = Vec::new();
    let mut baseline = Vec::new();
    println!("run  what      span s  rate/s   max/1s  refused  cpu ms/msg");
    for run in 1..=args.runs.max(1) {
        let b = baseline_run(&args).await?;
        println!(
            "{run:>3}  baseline {:>7.2} {:>7.0} {:>8} {:>8} {:>11.3}",
            b.span_s, b.rate, b.max_window, b.refused, b.cpu_ms
        );
        baseline.push(b);
        let o = outbox_run(&args).await?;
        println!(
            "{run:>3}  outbox   {:>7.2} {:>7.0} {:>8} {:>8} {:>11.3}",
            o.span_s, o.rate, o.max_window, o.refused, o.cpu_ms
        );
        outbox.push(o);
    }
    let (o, b) = (medians(&outbox), medians(&baseline));
    println!(
        "median: outbox {:.0} msg/s (limit {}), max {} in any 1 s, {} refused, {:.3} ms CPU/msg; baseline {:.0} msg/s, {} refused, {:.3} ms CPU/msg; CPU ratio {:.2}",
        o.rate,
        args.mps,
        o.max_window,
        o.refused,
        o.cpu_ms,
        b.rate,
        b.refused,
        b.cpu_ms,
        o.cpu_ms / b.cpu_ms.max(f64::EPSILON)
    );
    let summary: Value = json!({
        "bench": "outbox", "messages": args.messages, "mps": args.mps, "concurrency": args.concurrency,
        "runs": args.runs,
        "outbox": {"span_s": o.span_s, "rate": o.rate, "max_in_1s": o.max_window, "refused": o.refused, "cpu_ms_per_msg": o.cpu_ms},
        "baseline": {"span_s": b.span_s, "rate": b.rate, "refused": b.refused, "cpu_ms_per_msg": b.cpu_ms},
        "cpu_ratio": o.cpu_ms / b.cpu_ms.max(f64::EPSILON),
    });
    println!("{summary}");
    Ok(())
}
