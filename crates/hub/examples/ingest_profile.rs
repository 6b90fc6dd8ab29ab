//! A deterministic driver of the live ingest path, for instruction counts under callgrind
//! (docs/benchmarks.md, "Instruction counts"): `N` one-message webhooks shaped like
//! `coexist bench ingest`'s (every one from a distinct contact, ~600 bytes, signed), each
//! signature-checked, parsed and normalized (`prepare_batch`) and ingested by the SQLite store
//! (WAL, `synchronous=FULL`, group commit) with `IN_FLIGHT` requests in flight. No HTTP.
//!
//! ```sh
//! cargo build --release -p coexist-hub --example ingest_profile
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     target/release/examples/ingest_profile 20000
//! callgrind_annotate --inclusive=yes /tmp/cg.out | head -60
//! ```

use std::sync::Arc;

use coexist_core::number::NumberMode;
use coexist_core::store::{NumberSetup, Store};
use coexist_core::time::Timestamp;
use serde_json::{Value, json};
use store::{SqliteOptions, SqliteStore};

const APP_SECRET: &str = "bench-app-secret";
const PHONE_NUMBER_ID: &str = "106540352242922";
const DISPLAY_NUMBER: &str = "15550783881";
const WABA_ID: &str = "102290129340398";
/// 2026-03-02T09:00:00Z, in seconds.
const NOW_S: i64 = 1_772_442_000;
/// Requests in flight, like the bench's 64 connections make groups of a few dozen.
const IN_FLIGHT: usize = 32;
/// Webhooks received per millisecond (the hub's clock), as under load.
const PER_MS: u64 = 10;

const WORDS: [&str; 24] = [
    "order", "shipped", "tracking", "number", "delivery", "tomorrow", "price", "discount", "pots",
    "roses", "tulips", "invoice", "refund", "pickup", "store", "open", "closed", "thanks",
    "please", "size", "color", "garden", "soil", "seeds",
];

/// A small deterministic generator (xorshift64*), so that runs are comparable.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn text(rng: &mut Rng) -> String {
    let words = 3 + rng.below(28);
    let mut out: Vec<String> = (0..words)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize].to_owned())
        .collect();
    if rng.below(10) < 3 {
        out.push(format!("#{}", 1_000 + rng.below(9_000)));
    }
    out.join(" ")
}

/// The body of live webhook `n` and its `X-Hub-Signature-256`.
fn webhook(n: u64, rng: &mut Rng) -> (Vec<u8>, String) {
    let wamid = format!("wamid.HBgLMTY1MDU1NTAxMjMVAgASLGBQz{n:016X}QTA2ODEyRUU3QkZFNkQ5NURGQQA=");
    let from = format!("1{:010}", 6_505_000_000 + n);
    let value = json!({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": format!("Customer {n}")}, "wa_id": from}],
        "messages": [{"from": from, "id": wamid, "timestamp": (NOW_S + (n as i64 % 3_600)).to_string(),
                      "type": "text", "text": {"body": text(rng)}}]
    });
    let envelope: Value = json!({"object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"field": "messages", "value": value}]}]});
    let body = serde_json::to_vec(&envelope).expect("a JSON value serializes");
    let signature = meta::signature::sign(APP_SECRET.as_bytes(), &body);
    (body, signature)
}

fn main() -> anyhow::Result<()> {
    let n: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 20_000,
    };
    let dir = tempfile::tempdir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let path = dir.path().join("coexist.db");
        let opened =
            tokio::task::spawn_blocking(move || SqliteStore::open(&path, SqliteOptions::default()))
                .await?;
        let store: Arc<dyn Store> = Arc::new(opened?);
        let start = Timestamp(NOW_S * 1_000);
        let org = store.ensure_org("bench", start).await?;
        let setup = NumberSetup {
            phone_number_id: PHONE_NUMBER_ID.to_owned(),
            display_phone_number: Some(DISPLAY_NUMBER.to_owned()),
            waba_id: Some(WABA_ID.to_owned()),
            mode: NumberMode::Coexistence,
            onboarded_at: None,
        };
        store.upsert_number(org, setup, start).await?;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let webhooks: Vec<_> = (0..n).map(|i| webhook(i, &mut rng)).collect();
        let mut in_flight = tokio::task::JoinSet::new();
        let mut created = 0;
        for (i, (body, signature)) in (0_u64..).zip(webhooks) {
            if in_flight.len() >= IN_FLIGHT
                && let Some(done) = in_flight.join_next().await
            {
                created += done??;
            }
            let store = store.clone();
            let at = Timestamp(start.0 + i64::try_from(i / PER_MS)?);
            in_flight.spawn(async move {
                let verified =
                    meta::signature::verify(APP_SECRET.as_bytes(), Some(signature.as_str()), &body);
                anyhow::ensure!(verified.is_ok(), "signature refused");
                let batch = hub::webhook::prepare_batch(body, Some(signature), org, at)?;
                let outcome = store.ingest(batch).await?;
                anyhow::Ok(outcome.messages_created)
            });
        }
        while let Some(done) = in_flight.join_next().await {
            created += done??;
        }
        anyhow::ensure!(created == n, "{created} messages created of {n}");
        println!("ingested {n} one-message webhooks");
        let _ = tokio::task::spawn_blocking(move || drop(store)).await;
        anyhow::Ok(())
    })
}
