//! How long the server takes to render the inbox page (the chat list's first paint) with 10,000
//! chats and 1,000,000 messages. A measurement, never asserted; run by hand in release mode:
//!
//! ```text
//! cargo test --release -p coexist-e2e --test render_time -- --ignored --nocapture
//! ```
//!
//! The data is built with the store's own ingest (990 history chunks of 1,000 messages, then
//! one live customer message per chat), then a hub serves it and the page is fetched over HTTP
//! with a signed-in session: auth, the store reads and the template, as a browser gets them.
//! `COEXIST_RENDER_MESSAGES` and `COEXIST_RENDER_CHATS` scale it down for a quick look.

use std::sync::Arc;
use std::time::{Duration, Instant};

use coexist_core::ids::OrgId;
use coexist_core::inbox::{Email, PersonName, Role};
use coexist_core::ingest::{Change, IngestBatch};
use coexist_core::page::Limit;
use coexist_core::store::{ChatFilter, CoreStore, InboxStore, NewSession, NewUser, Store};
use coexist_core::time::Timestamp;
use hub::auth::{ROLE_ADMIN, create_api_token};
use hub::clock::ManualClock;
use hub::config::Config;
use hub::{App, Deps};
use store::{SqliteOptions, SqliteStore};
use store_tests::build::{at, chunk, history_text, text};
use store_tests::request_of;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn batch(org: OrgId, seq: u64, changes: Vec<Change>) -> IngestBatch {
    request_of(org, seq, at(0), changes)
}

fn wa(chat: usize) -> String {
    format!("1650{chat:07}")
}

/// `messages` in all, over `chats` chats: history first, then one live message per chat.
async fn build(store: &Arc<SqliteStore>, org: OrgId, chats: usize, messages: usize) -> Timestamp {
    let history = messages.saturating_sub(chats);
    let per_chunk = 1_000;
    let in_flight = Arc::new(tokio::sync::Semaphore::new(4));
    let mut tasks = Vec::new();
    for c in 0..history.div_ceil(per_chunk) {
        let permit = Arc::clone(&in_flight).acquire_owned().await.unwrap();
        let mut changes = vec![Change::HistoryChunk(chunk(
            1,
            c as i64,
            50,
            per_chunk as u64,
        ))];
        for i in c * per_chunk..((c + 1) * per_chunk).min(history) {
            let body = format!("Order {i} shipped, tracking number {}", i * 7919);
            let m = history_text(
                &format!("wamid.H{i}"),
                &wa(i % chats),
                at(i as i64),
                i % 2 == 0,
                &body,
            );
            changes.push(Change::Message(m));
        }
        let b = batch(org, c as u64, changes);
        let store = Arc::clone(store);
        tasks.push(tokio::spawn(async move {
            store.ingest(b).await.unwrap();
            drop(permit);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let base = history as i64;
    let mut tasks = Vec::new();
    for lane in 0..64 {
        let store = Arc::clone(store);
        tasks.push(tokio::spawn(async move {
            for chat in (lane..chats).step_by(64) {
                let ts = at(base + (chat as i64) * 10);
                let m = text(
                    &format!("wamid.L{chat}"),
                    &wa(chat),
                    ts,
                    "Hi, is my order on its way?",
                );
                let seq = 10_000_000 + chat as u64;
                store
                    .ingest(batch(org, seq, vec![Change::Message(m)]))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    at(base + chats as i64 * 10 + 3_600)
}

fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    format!(
        "median {:.2} ms, p90 {:.2} ms, min {:.2} ms ({} runs)",
        ms(p(0.5)),
        ms(p(0.9)),
        ms(samples[0]),
        samples.len()
    )
}

/// A signed-in session on a store already holding the data.
const SESSION: &str = "render-time-session";

/// Creates Bob and his session; returns his id.
async fn sign_in(store: &SqliteStore, org: OrgId, now: Timestamp) -> String {
    use sha2::Digest;
    let bob = NewUser {
        email: Email::parse("bob@example.com").unwrap(),
        name: PersonName::parse("Bob Baker").unwrap(),
        role: Role::Agent,
        password_hash: "$argon2id$unused".to_owned(),
    };
    let user = store.create_user(org, bob, now).await.unwrap();
    let session = NewSession {
        user: user.id,
        hash: sha2::Sha256::digest(SESSION.as_bytes()).into(),
        expires_at: now.plus_ms(86_400_000),
    };
    store.create_session(org, session, now).await.unwrap();
    user.id.to_string()
}

/// The store's own first-page read, for comparison with the whole page.
async fn time_store_read(store: &SqliteStore, org: OrgId, now: Timestamp) {
    let filter = ChatFilter {
        now: Some(now),
        ..ChatFilter::default()
    };
    let mut samples = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let page = store.list_chats(org, filter.clone(), Limit::new(Some(50)), None);
        page.await.unwrap();
        samples.push(t.elapsed());
    }
    println!(
        "store list_chats (first page of 50, all chats): {}",
        summary(samples)
    );
}

/// GETs each inbox view 33 times with the session; the first three warm up.
async fn time_pages(http: &reqwest::Client, base: &str) {
    for path in [
        "/",
        "/?view=mine",
        "/?view=unassigned",
        "/?status=open",
        "/?label=vip",
    ] {
        let mut samples = Vec::new();
        let mut size = 0;
        for i in 0..33 {
            let t = Instant::now();
            let r = http
                .get(format!("{base}{path}"))
                .header("cookie", format!("cx_session={SESSION}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{path}");
            size = r.bytes().await.unwrap().len();
            if i >= 3 {
                samples.push(t.elapsed());
            }
        }
        println!("GET {path:<20} {size:>7} bytes: {}", summary(samples));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; run by hand in release mode"]
async fn inbox_page_render_time_with_10k_chats_and_1m_messages() {
    let chats = env_or("COEXIST_RENDER_CHATS", 10_000);
    let messages = env_or("COEXIST_RENDER_MESSAGES", 1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("render.db");
    let store = Arc::new(SqliteStore::open(path, SqliteOptions::default()).unwrap());
    let org = store
        .ensure_org(hub::config::DEFAULT_ORG_NAME, at(0))
        .await
        .unwrap();
    let started = Instant::now();
    let now = build(&store, org, chats, messages).await;
    println!(
        "built {chats} chats and {messages} messages in {:.1?}",
        started.elapsed()
    );
    let user = sign_in(&store, org, now).await;
    let deps = Deps {
        clock: Arc::new(ManualClock::new(now)),
        store: Some(store.clone() as Arc<dyn Store>),
        doorbell: None,
    };
    let app = App::build(Config::for_testing(dir.path()), deps)
        .await
        .unwrap();
    let base = format!("http://{}", app.addr());
    let token = create_api_token(store.as_ref(), org, "render", ROLE_ADMIN, now)
        .await
        .unwrap();
    let shutdown = app.shutdown_handle();
    tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::new();
    assign_some(&http, &base, &token.token, &user, store.as_ref(), org).await;
    time_store_read(&store, org, now).await;
    time_pages(&http, &base).await;
    shutdown.shutdown();
}

/// Assigns every third chat of the first 3,000 to the user and labels every fifth `vip`, through
/// the API, so the filtered views have something to show.
async fn assign_some(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    user: &str,
    store: &dyn Store,
    org: OrgId,
) {
    let page = store
        .list_chats(org, ChatFilter::default(), Limit::new(Some(200)), None)
        .await
        .unwrap();
    let mut ids: Vec<String> = page.data.iter().map(|c| c.id.to_string()).collect();
    let mut cursor = page.next_cursor;
    while ids.len() < 3_000 {
        let Some(c) = cursor.take() else { break };
        let next = store
            .list_chats(org, ChatFilter::default(), Limit::new(Some(200)), Some(&c))
            .await
            .unwrap();
        ids.extend(next.data.iter().map(|c| c.id.to_string()));
        cursor = next.next_cursor;
    }
    for (i, id) in ids.iter().enumerate() {
        if i % 3 == 0 {
            let r = http
                .post(format!("{base}/api/v1/chats/{id}/assign"))
                .bearer_auth(token)
                .json(&serde_json::json!({"user_id": user}))
                .send()
                .await
                .unwrap();
            assert!(
                r.status().is_success(),
                "assign: {}",
                r.text().await.unwrap()
            );
        }
        if i % 5 == 0 {
            let r = http
                .put(format!("{base}/api/v1/chats/{id}/labels"))
                .bearer_auth(token)
                .json(&serde_json::json!({"labels": ["vip"]}))
                .send()
                .await
                .unwrap();
            assert!(
                r.status().is_success(),
                "labels: {}",
                r.text().await.unwrap()
            );
        }
    }
}
