//! A quick sanity check of ingest throughput and read latency, not a benchmark (those belong to
//! `coexist bench`) and never asserted: run by hand with
//!
//! ```text
//! cargo test --release -p coexist-store --test ingest_rate -- --ignored --nocapture
//! ```
//!
//! `COEXIST_RATE_MESSAGES` sets how many messages each part ingests (default 100,000).

use std::sync::Arc;
use std::time::{Duration, Instant};

use coexist_core::ingest::{Change, IngestBatch};
use coexist_core::page::Limit;
use coexist_core::store::{ChatFilter, CoreStore};
use store::{SqliteOptions, SqliteStore};
use store_tests::build::{at, chunk, history_text, text};
use store_tests::request_of;

fn messages() -> usize {
    std::env::var("COEXIST_RATE_MESSAGES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

fn open(dir: &tempfile::TempDir) -> (Arc<SqliteStore>, coexist_core::ids::OrgId) {
    // COEXIST_RATE_KEEP=<dir> keeps the database there (to look at plans afterwards).
    let path = match std::env::var("COEXIST_RATE_KEEP") {
        Ok(keep) => std::path::Path::new(&keep).join("rate.db"),
        Err(_) => dir.path().join("rate.db"),
    };
    let store = Arc::new(SqliteStore::open(path, SqliteOptions::default()).unwrap());
    let rt = tokio::runtime::Handle::current();
    let org = tokio::task::block_in_place(|| rt.block_on(store.ensure_org("acme", at(0)))).unwrap();
    (store, org)
}

fn batch(org: coexist_core::ids::OrgId, seq: u64, changes: Vec<Change>) -> IngestBatch {
    request_of(org, seq, at(0), changes)
}

/// One webhook request per message, 512 in flight (Meta delivers concurrently), so the writer
/// commits in groups.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a throughput sanity check; run by hand in release mode"]
async fn live_webhook_ingest_rate() {
    let dir = tempfile::tempdir().unwrap();
    let (store, org) = open(&dir);
    let n = messages();
    let batches: Vec<IngestBatch> = (0..n)
        .map(|i| {
            let wa = format!("1650{:07}", i % 5_000);
            let m = text(
                &format!("wamid.L{i}"),
                &wa,
                at(i as i64),
                "Hi, is my order 4211 on its way?",
            );
            batch(org, i as u64, vec![Change::Message(m)])
        })
        .collect();
    let workers = 512;
    let mut lanes: Vec<Vec<IngestBatch>> = (0..workers).map(|_| Vec::new()).collect();
    for (i, b) in batches.into_iter().enumerate() {
        lanes[i % workers].push(b);
    }
    let started = Instant::now();
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|lane| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                for b in lane {
                    store.ingest(b).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let took = started.elapsed();
    println!(
        "live: {n} webhook requests (1 message each) in {:.2?}: {:.0} messages/s",
        took,
        n as f64 / took.as_secs_f64()
    );
    read_latencies(&store, org).await;
}

/// History chunks of 1,000 messages over 200 chats, a few requests in flight (Meta delivers
/// history webhooks concurrently; building the next request overlaps the writer's work, as
/// parsing does in the hub).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a throughput sanity check; run by hand in release mode"]
async fn history_import_rate() {
    let dir = tempfile::tempdir().unwrap();
    let (store, org) = open(&dir);
    let n = messages();
    let per_chunk = 1_000;
    let in_flight = Arc::new(tokio::sync::Semaphore::new(4));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..n.div_ceil(per_chunk) {
        let permit = Arc::clone(&in_flight).acquire_owned().await.unwrap();
        let b = batch(org, c as u64, history_chunk(c, per_chunk));
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            store.ingest(b).await.unwrap();
            drop(permit);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let took = started.elapsed();
    println!(
        "history: {n} messages in chunks of {per_chunk} in {:.2?}: {:.0} messages/s",
        took,
        n as f64 / took.as_secs_f64()
    );
    read_latencies(&store, org).await;
}

fn history_chunk(c: usize, per_chunk: usize) -> Vec<Change> {
    let mut changes = vec![Change::HistoryChunk(chunk(
        1,
        c as i64,
        50,
        per_chunk as u64,
    ))];
    for j in 0..per_chunk {
        let i = c * per_chunk + j;
        let wa = format!("1650{:07}", i % 200);
        let body = format!("Order {i} shipped, tracking number {}", i * 7919);
        let m = history_text(
            &format!("wamid.H{i}"),
            &wa,
            at(i as i64),
            i.is_multiple_of(2),
            &body,
        );
        changes.push(Change::Message(m));
    }
    changes
}

async fn read_latencies(store: &Arc<SqliteStore>, org: coexist_core::ids::OrgId) {
    let limit = Limit::new(Some(50));
    let time = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
    let t = Instant::now();
    let chats = store
        .list_chats(org, ChatFilter::default(), limit, None)
        .await
        .unwrap();
    let first = t.elapsed();
    let t = Instant::now();
    let next = store
        .list_chats(
            org,
            ChatFilter::default(),
            limit,
            chats.next_cursor.as_deref(),
        )
        .await
        .unwrap();
    let second = t.elapsed();
    let chat = next.data.first().map_or(chats.data[0].id, |c| c.id);
    let t = Instant::now();
    let page = store.list_messages(org, chat, limit, None).await.unwrap();
    let messages = t.elapsed();
    let t = Instant::now();
    let hits = store
        .search_messages(org, "order 4211", limit, None)
        .await
        .unwrap();
    let search = t.elapsed();
    let t = Instant::now();
    let broad = store
        .search_messages(org, "shipped", limit, None)
        .await
        .unwrap();
    let broad_search = t.elapsed();
    println!(
        "reads (one each, warm): chats page {} / next page {} / messages page {} ({} rows) / \
         search {} ({} hits) / broad search {} ({} hits)",
        time(first),
        time(second),
        time(messages),
        page.data.len(),
        time(search),
        hits.data.len(),
        time(broad_search),
        broad.data.len()
    );
}
