//! `coexist bench reads`: with N messages stored (default 1,000,000: built in-process through the
//! same parse-normalize-ingest pipeline the webhook uses, or reused from
//! `coexist bench history --keep-data-dir`), times requests through the hub's REST API, one at a
//! time on one keep-alive connection, as an agent's browser makes them: a page of chats, a page of
//! messages of the busiest chat, and a full-text search.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use coexist_core::time::Timestamp;
use serde_json::{Value, json};

use super::payloads::{self, HistoryShape};
use super::procs;
use super::report::{self, Latency, Table};
use super::verify;

/// Flags of `coexist bench reads`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ReadsArgs {
    /// Messages to store first (ignored when --data-dir already holds a database)
    #[arg(long, default_value_t = 1_000_000)]
    messages: u64,
    /// Requests of each kind per run
    #[arg(long, default_value_t = 1_000)]
    requests: usize,
    /// Runs; medians are reported
    #[arg(long, default_value_t = 5)]
    runs: u32,
    /// Use (or build and keep) the data directory here
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Seed of the generated messages
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Searches an agent might type: broad words, specific ones, an order number.
const SEARCHES: [&str; 6] = [
    "order",
    "refund invoice",
    "tracking number",
    "#4211",
    "tulips garden seeds",
    "pickup tomorrow",
];
/// Pages of each list cycled through (first pages are what agents see most).
const PAGES: usize = 10;

pub(crate) async fn run(args: ReadsArgs) -> anyhow::Result<()> {
    let temp = tempfile::tempdir().context("a temporary data directory")?;
    let dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| temp.path().to_path_buf());
    let stored = prepare_data(&args, &dir).await?;
    let token = create_token(&dir).await?;
    let server = procs::start_hub(&dir)?;
    let client = Client::new(&server.url(""), &token)?;
    let kinds = [
        ("chats page", client.chat_pages().await?),
        ("messages page", client.busiest_chat_pages().await?),
        (
            "search",
            SEARCHES
                .iter()
                .map(|q| format!("/api/v1/messages?limit=50&q={}", encode(q)))
                .collect(),
        ),
    ];
    println!(
        "coexist bench reads: {stored} messages stored; {} requests of each kind per run, one at a \
         time through the REST API, {} runs, {} cores",
        args.requests,
        args.runs,
        procs::cores()
    );
    // Warm-up: the first requests after start read the database from disk.
    for (_, urls) in &kinds {
        client.time(urls, urls.len() * 3).await?;
    }
    let table = Table::new(&["run", "kind         ", "p50 ms", "p99 ms", "max ms"], 2);
    let mut results: Vec<Vec<Latency>> = vec![Vec::new(); kinds.len()];
    for run in 1..=args.runs {
        for (k, (name, urls)) in kinds.iter().enumerate() {
            let latency = client.time(urls, args.requests).await?;
            table.row(&[
                run.to_string(),
                (*name).to_owned(),
                format!("{:.2}", latency.p50_ms),
                format!("{:.2}", latency.p99_ms),
                format!("{:.1}", latency.max_ms),
            ]);
            results[k].push(latency);
        }
    }
    drop(server);
    summarize(&args, stored, &kinds.map(|(n, _)| n), &results);
    Ok(())
}

fn summarize(args: &ReadsArgs, stored: u64, names: &[&str; 3], results: &[Vec<Latency>]) {
    let medians: Vec<Latency> = results.iter().map(|r| Latency::median_of(r)).collect();
    for (name, m) in names.iter().zip(&medians) {
        println!(
            "median of {} runs, {name}: p50 {:.2} ms, p99 {:.2} ms",
            args.runs, m.p50_ms, m.p99_ms
        );
    }
    report::print_json(
        "reads",
        &json!({
            "runs": args.runs,
            "messages": stored,
            "requests_per_kind": args.requests,
            "through": "REST API (HTTP/1.1, one keep-alive connection, sequential)",
            "cores": procs::cores(),
            "chats_page": medians[0],
            "messages_page": medians[1],
            "search": medians[2],
            "searches": SEARCHES,
        }),
    );
}

/// Reuses the database in `dir`, or builds one with `args.messages` history messages.
async fn prepare_data(args: &ReadsArgs, dir: &Path) -> anyhow::Result<u64> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    if dir.join(hub::config::DATABASE_FILE).exists() {
        let (store, org) = verify::open(dir).await?;
        let stored = verify::total_messages(&store, org).await?;
        close(store).await;
        return Ok(stored);
    }
    let started = Instant::now();
    let (store, org) = verify::open(dir).await?;
    let chunks = payloads::history_chunks(&HistoryShape::for_messages(args.messages), args.seed);
    // A few requests in flight, as the webhook handler would have them.
    let mut in_flight = tokio::task::JoinSet::new();
    for chunk in chunks {
        if in_flight.len() >= 4
            && let Some(done) = in_flight.join_next().await
        {
            done.context("an ingest task")??;
        }
        let store = store.clone();
        in_flight.spawn(async move {
            let batch = hub::webhook::prepare_batch(chunk.body.to_vec(), None, org, Timestamp(0))
                .context("a generated chunk does not parse")?;
            store.ingest(batch).await.context("ingesting a chunk")?;
            anyhow::Ok(())
        });
    }
    while let Some(done) = in_flight.join_next().await {
        done.context("an ingest task")??;
    }
    let stored = verify::total_messages(&store, org).await?;
    println!(
        "stored {stored} messages in {:.1} s (in-process, no HTTP)",
        started.elapsed().as_secs_f64()
    );
    close(store).await;
    Ok(stored)
}

/// Drops the last handle on a store off the async workers (it joins the writer thread).
async fn close(store: Arc<dyn coexist_core::store::Store>) {
    let _ = tokio::task::spawn_blocking(move || drop(store)).await;
}

async fn create_token(dir: &Path) -> anyhow::Result<String> {
    let (store, org) = verify::open(dir).await?;
    let issued = hub::auth::create_api_token(
        store.as_ref(),
        org,
        "bench",
        hub::auth::ROLE_ADMIN,
        Timestamp(0),
    )
    .await
    .context("creating an API token")?;
    close(store).await;
    Ok(issued.token)
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    fn new(base: &str, token: &str) -> anyhow::Result<Client> {
        let http = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .build()
            .context("an HTTP client")?;
        Ok(Client {
            http,
            base: base.to_owned(),
            token: token.to_owned(),
        })
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .with_context(|| format!("GET {path}"))?;
        if !status.is_success() {
            bail!("GET {path}: {status}: {body}");
        }
        Ok(body)
    }

    /// Requests cycling through `urls`, one at a time; the latency of each.
    async fn time(&self, urls: &[String], requests: usize) -> anyhow::Result<Latency> {
        let mut ms = Vec::with_capacity(requests);
        for i in 0..requests {
            let started = Instant::now();
            let body = self.get(&urls[i % urls.len()]).await?;
            ms.push(started.elapsed());
            std::hint::black_box(body);
        }
        let mut sorted: Vec<f64> = ms
            .iter()
            .map(Duration::as_secs_f64)
            .map(|s| s * 1e3)
            .collect();
        sorted.sort_by(f64::total_cmp);
        Ok(Latency::of(&sorted))
    }

    /// The first pages of a list, following `next_cursor`.
    async fn pages(&self, first: &str) -> anyhow::Result<Vec<String>> {
        let mut urls = vec![first.to_owned()];
        while urls.len() < PAGES {
            let page = self.get(urls.last().expect("one url")).await?;
            let Some(cursor) = page["next_cursor"].as_str() else {
                break;
            };
            urls.push(format!("{first}&cursor={}", encode(cursor)));
        }
        Ok(urls)
    }

    async fn chat_pages(&self) -> anyhow::Result<Vec<String>> {
        self.pages("/api/v1/chats?limit=50").await
    }

    /// Pages of the chat with the most messages.
    async fn busiest_chat_pages(&self) -> anyhow::Result<Vec<String>> {
        let mut busiest: Option<(i64, String)> = None;
        let mut path = "/api/v1/chats?limit=200".to_owned();
        loop {
            let page = self.get(&path).await?;
            for chat in page["data"].as_array().into_iter().flatten() {
                let count = chat["message_count"].as_i64().unwrap_or(0);
                if busiest.as_ref().is_none_or(|(c, _)| count > *c) {
                    busiest = Some((count, chat["id"].as_str().unwrap_or_default().to_owned()));
                }
            }
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/chats?limit=200&cursor={}", encode(cursor)),
                None => break,
            }
        }
        let (_, id) = busiest.context("no chat is stored")?;
        self.pages(&format!("/api/v1/chats/{id}/messages?limit=50"))
            .await
    }
}
