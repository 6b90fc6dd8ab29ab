//! A quick look at inbox list latency, not a benchmark and never asserted: 10,000 chats and
//! 1,000,000 messages (written straight into the file, which is much faster than ingesting
//! them), then pages of the chat list under each inbox filter. Run by hand:
//!
//! ```text
//! cargo test --release -p coexist-store --test inbox_lists -- --ignored --nocapture
//! ```
//!
//! `COEXIST_INBOX_CHATS` and `COEXIST_INBOX_MESSAGES_PER_CHAT` change the size.

use std::sync::Arc;
use std::time::{Duration, Instant};

use coexist_core::ids::{NumberId, OrgId, UserId};
use coexist_core::inbox::{Email, InboxStatus, PersonName, Role};
use coexist_core::number::NumberMode;
use coexist_core::page::Limit;
use coexist_core::store::{
    AssigneeFilter, ChatFilter, CoreStore, InboxStore, NewUser, NumberSetup,
};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, params};
use store::{SqliteOptions, SqliteStore};

const T0: Timestamp = Timestamp(1_750_000_000_000);

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

async fn setup(store: &SqliteStore) -> (OrgId, Vec<NumberId>, Vec<UserId>) {
    let org = store.ensure_org("acme", T0).await.unwrap();
    let mut numbers = Vec::new();
    for (i, id) in ["100", "200"].iter().enumerate() {
        let setup = NumberSetup {
            phone_number_id: (*id).to_owned(),
            display_phone_number: Some(format!("1555000000{i}")),
            waba_id: Some("waba".to_owned()),
            mode: NumberMode::Coexistence,
            onboarded_at: Some(T0),
        };
        numbers.push(store.upsert_number(org, setup, T0).await.unwrap().id);
    }
    let mut users = Vec::new();
    for i in 0..20 {
        let user = NewUser {
            email: Email::parse(&format!("agent{i}@example.com")).unwrap(),
            name: PersonName::parse(&format!("Agent {i}")).unwrap(),
            role: Role::Agent,
            password_hash: "$argon2id$unused".to_owned(),
        };
        users.push(store.create_user(org, user, T0).await.unwrap().id);
    }
    (org, numbers, users)
}

/// A small deterministic generator (xorshift64*), enough to spread test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// In [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// In [0, n).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Writes `chats` chats of `per_chat` messages each, with random inbox state.
fn fill(
    conn: &mut Connection,
    org: OrgId,
    numbers: &[NumberId],
    users: &[UserId],
    chats: usize,
    per_chat: usize,
) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let tx = conn.transaction().unwrap();
    {
        let mut contact = tx.prepare("INSERT INTO contacts (org_id, number_id, wa_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)").unwrap();
        let mut chat = tx.prepare("INSERT INTO chats (org_id, number_id, contact_id, status, assignee_id, snoozed_until, created_at, updated_at, unread_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 0)").unwrap();
        let mut message = tx.prepare("INSERT INTO messages (org_id, number_id, chat_id, wamid, direction, origin, kind, text, ts, received_at) VALUES (?1, ?2, ?3, ?4, 'inbound', 'customer', 'text', 'hello there, a message of ordinary length', ?5, ?5)").unwrap();
        let mut last = tx.prepare("UPDATE chats SET last_message_id = ?2, last_message_at = ?3, message_count = ?4 WHERE id = ?1").unwrap();
        let mut label = tx.prepare("INSERT INTO chat_labels (chat_id, label, org_id, created_at) VALUES (?1, ?2, ?3, ?4)").unwrap();
        for i in 0..chats {
            let number = numbers[i % numbers.len()];
            contact
                .execute(params![org.0, number.0, format!("1650{i:07}"), T0.0])
                .unwrap();
            let contact_id = tx.last_insert_rowid();
            let roll = rng.unit();
            let (status, snoozed_until) = match roll {
                r if r < 0.30 => (InboxStatus::Open, None),
                r if r < 0.35 => (InboxStatus::Pending, None),
                // Half of the snoozes have ended by the list's `now`.
                r if r < 0.40 => (InboxStatus::Snoozed, Some(T0.0 - 1_000)),
                r if r < 0.45 => (InboxStatus::Snoozed, Some(T0.0 + 86_400_000)),
                _ => (InboxStatus::Resolved, None),
            };
            let assignee =
                (rng.unit() > 0.4).then(|| users[rng.below(users.len() as u64) as usize].0);
            chat.execute(params![
                org.0,
                number.0,
                contact_id,
                status.as_str(),
                assignee,
                snoozed_until,
                T0.0
            ])
            .unwrap();
            let chat_id = tx.last_insert_rowid();
            let start = T0.0 - rng.below(180 * 86_400_000) as i64;
            let mut last_id = 0;
            let mut ts = start;
            for m in 0..per_chat {
                ts = start + (m as i64) * 60_000;
                message
                    .execute(params![
                        org.0,
                        number.0,
                        chat_id,
                        format!("wamid.{chat_id}.{m}"),
                        ts
                    ])
                    .unwrap();
                last_id = tx.last_insert_rowid();
            }
            last.execute(params![chat_id, last_id, ts, per_chat as i64])
                .unwrap();
            if rng.unit() < 0.10 {
                label.execute(params![chat_id, "vip", org.0, T0.0]).unwrap();
            }
            if rng.unit() < 0.30 {
                label
                    .execute(params![chat_id, "billing", org.0, T0.0])
                    .unwrap();
            }
        }
    }
    tx.commit().unwrap();
    // No ANALYZE: the hub never runs it, so the planner works without statistics, as here.
}

/// Times `rounds` first pages and one deep page of `filter`.
async fn time(store: &Arc<SqliteStore>, org: OrgId, name: &str, filter: ChatFilter) {
    let limit = Limit::new(Some(50));
    let mut times = Vec::new();
    let mut cursor = None;
    for round in 0..40 {
        let started = Instant::now();
        let page = store
            .list_chats(org, filter.clone(), limit, None)
            .await
            .unwrap();
        times.push(started.elapsed());
        if round == 0 {
            cursor = page.next_cursor;
        }
    }
    // Ten pages in.
    for _ in 0..9 {
        let Some(c) = cursor.clone() else { break };
        cursor = store
            .list_chats(org, filter.clone(), limit, Some(&c))
            .await
            .unwrap()
            .next_cursor;
    }
    let deep = match cursor {
        Some(c) => {
            let started = Instant::now();
            store
                .list_chats(org, filter.clone(), limit, Some(&c))
                .await
                .unwrap();
            started.elapsed()
        }
        None => Duration::ZERO,
    };
    times.sort();
    println!(
        "{name:<44} median {:>8.2?}  p95 {:>8.2?}  page 11 {:>8.2?}",
        times[times.len() / 2],
        times[times.len() * 95 / 100],
        deep
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a latency sanity check; run by hand in release mode"]
async fn inbox_list_latency() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = Arc::new(SqliteStore::open(&path, SqliteOptions::default()).unwrap());
    let (org, numbers, users) = setup(&store).await;
    let (chats, per_chat) = (
        env("COEXIST_INBOX_CHATS", 10_000),
        env("COEXIST_INBOX_MESSAGES_PER_CHAT", 100),
    );
    let started = Instant::now();
    let mut conn = Connection::open(&path).unwrap();
    fill(&mut conn, org, &numbers, &users, chats, per_chat);
    println!(
        "wrote {chats} chats, {} messages in {:.1?}",
        chats * per_chat,
        started.elapsed()
    );
    let now = Some(T0);
    let base = ChatFilter {
        now,
        ..ChatFilter::default()
    };
    let status = |s| ChatFilter {
        status: Some(s),
        ..base.clone()
    };
    let mine = ChatFilter {
        assignee: Some(AssigneeFilter::User(users[3])),
        ..base.clone()
    };
    let unassigned = ChatFilter {
        assignee: Some(AssigneeFilter::Nobody),
        ..base.clone()
    };
    let vip = ChatFilter {
        label: Some("vip".to_owned()),
        ..base.clone()
    };
    let cases = [
        ("all", base.clone()),
        (
            "status=open (open + ended snoozes)",
            status(InboxStatus::Open),
        ),
        ("status=snoozed", status(InboxStatus::Snoozed)),
        ("status=resolved", status(InboxStatus::Resolved)),
        ("view=mine", mine.clone()),
        (
            "view=mine&status=open",
            ChatFilter {
                status: Some(InboxStatus::Open),
                ..mine
            },
        ),
        (
            "view=unassigned&status=open",
            ChatFilter {
                status: Some(InboxStatus::Open),
                ..unassigned.clone()
            },
        ),
        ("view=unassigned", unassigned),
        ("label=vip", vip.clone()),
        (
            "label=vip&status=open",
            ChatFilter {
                status: Some(InboxStatus::Open),
                ..vip
            },
        ),
        (
            "number_id",
            ChatFilter {
                number_id: Some(numbers[1]),
                ..base.clone()
            },
        ),
        (
            "number_id&status=open",
            ChatFilter {
                number_id: Some(numbers[1]),
                status: Some(InboxStatus::Open),
                ..base
            },
        ),
    ];
    for (name, filter) in cases {
        time(&store, org, name, filter).await;
    }
}
