//! Convergence under Meta's delivery: at least once, in any order, batched any way.
//!
//! A seeded scenario (messages live, echoed and imported, statuses, edits, revokes, media
//! follow-ups, address-book changes) is applied twice: once with each request delivered once in
//! time order (the reference), once as Meta might deliver it: requests redelivered byte for
//! byte, changes re-sent inside other requests, everything shuffled. Both stores must end in the
//! same state, and that state must match the scenario's model: every message exactly once, each
//! status the join of all statuses seen, each text the newest edit's.
//!
//! Failures print the seed; `COEXIST_STORE_SEEDS=n` runs more seeds.

use std::collections::BTreeMap;

use coexist_core::ingest::{Change, IngestBatch};
use coexist_core::message::{Direction, Editor, Origin};
use coexist_core::status::DeliveryStatus;
use coexist_core::store::MessageError;
use coexist_core::time::Timestamp;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::build::{
    PHONE_ID, at, contact_add, contact_remove, echo, edit, history_media, history_placeholder,
    history_text, revoke, status, text,
};
use crate::fixture::{Fixture, StoreFactory};

const CUSTOMERS: [&str; 3] = ["16505550001", "16505550002", "16505550003"];

/// What the scenario says the final state of one message must be.
#[derive(Debug, Clone)]
struct Expected {
    origin: Origin,
    status: Option<DeliveryStatus>,
    text: Option<String>,
    revoked: bool,
}

/// Changes in time order, and the model.
struct Scenario {
    timeline: Vec<(i64, Change)>,
    expected: BTreeMap<String, Expected>,
}

fn join(a: Option<DeliveryStatus>, b: Option<DeliveryStatus>) -> Option<DeliveryStatus> {
    a.max(b)
}

impl Scenario {
    fn generate(rng: &mut ChaCha8Rng, seed: u64) -> Scenario {
        let mut s = Scenario {
            timeline: Vec::new(),
            expected: BTreeMap::new(),
        };
        let count = rng.random_range(6..=16);
        for i in 0..count {
            let wa = CUSTOMERS[rng.random_range(0..CUSTOMERS.len())];
            let wamid = format!("wamid.S{seed}.{i}");
            // Each message owns a 100 s slot, so every timestamp in the scenario is distinct.
            let base = 1_000 + i64::from(i) * 100;
            match rng.random_range(0..4) {
                0 => s.customer_message(rng, &wamid, wa, base),
                1 => s.echoed_message(rng, &wamid, wa, base),
                2 => s.history_message(&wamid, wa, base),
                _ => s.history_media(rng, &wamid, wa, base),
            }
        }
        for (k, wa) in CUSTOMERS.iter().enumerate() {
            for j in 0..rng.random_range(0..3) {
                let ts = at(1_000 + (i64::from(j) * 3 + k as i64) * 100 + 95);
                let change = if rng.random_bool(0.3) {
                    contact_remove(wa, ts)
                } else {
                    contact_add(wa, &format!("Name {j}"), "N", ts)
                };
                s.timeline.push((ts.0, Change::ContactSync(change)));
            }
        }
        s.timeline.sort_by_key(|(t, _)| *t);
        s
    }

    fn push(&mut self, secs: i64, change: Change) {
        self.timeline.push((at(secs).0, change));
    }

    fn customer_message(&mut self, rng: &mut ChaCha8Rng, wamid: &str, wa: &str, base: i64) {
        let mut expected = Expected {
            origin: Origin::Customer,
            status: None,
            text: Some(format!("hello {wamid}")),
            revoked: false,
        };
        let mut m = text(wamid, wa, at(base), &format!("hello {wamid}"));
        m.contact.profile_name = Some(format!("Profile {wa}"));
        self.push(base, Change::Message(m));
        self.edits(rng, wamid, base, Editor::Customer, &mut expected);
        self.expected.insert(wamid.to_owned(), expected);
    }

    fn echoed_message(&mut self, rng: &mut ChaCha8Rng, wamid: &str, wa: &str, base: i64) {
        let mut expected = Expected {
            origin: Origin::BusinessApp,
            status: None,
            text: Some(format!("echo {wamid}")),
            revoked: false,
        };
        self.push(
            base,
            Change::Message(echo(wamid, wa, at(base), &format!("echo {wamid}"))),
        );
        for (k, name) in ["sent", "delivered", "read", "failed"]
            .into_iter()
            .enumerate()
        {
            if rng.random_bool(0.5) {
                let ts = base + 10 + k as i64 * 10;
                let change = if name == "failed" {
                    crate::build::failed(wamid, at(ts), 131_047, "Re-engagement message", "window")
                } else {
                    status(wamid, name, at(ts))
                };
                self.push(ts, Change::Status(change));
                expected.status = join(expected.status, DeliveryStatus::from_webhook(name));
            }
        }
        self.edits(rng, wamid, base, Editor::BusinessApp, &mut expected);
        self.expected.insert(wamid.to_owned(), expected);
    }

    /// Zero to two edits, maybe a revoke, after the message.
    fn edits(
        &mut self,
        rng: &mut ChaCha8Rng,
        wamid: &str,
        base: i64,
        by: Editor,
        e: &mut Expected,
    ) {
        for j in 0..rng.random_range(0..=2) {
            let ts = base + 55 + j * 5;
            let body = format!("edit {j} of {wamid}");
            let event = format!("{wamid}.edit{j}");
            self.push(
                ts,
                Change::Amendment(edit(wamid, &event, by, at(ts), &body)),
            );
            e.text = Some(body);
        }
        if rng.random_bool(0.2) {
            let ts = base + 80;
            let event = format!("{wamid}.revoke");
            self.push(ts, Change::Amendment(revoke(wamid, &event, by, at(ts))));
            e.revoked = true;
        }
    }

    fn history_message(&mut self, wamid: &str, wa: &str, base: i64) {
        let body = format!("old {wamid}");
        self.push(
            base,
            Change::Message(history_text(wamid, wa, at(base), true, &body)),
        );
        let expected = Expected {
            origin: Origin::History,
            status: Some(DeliveryStatus::Read),
            text: Some(body),
            revoked: false,
        };
        self.expected.insert(wamid.to_owned(), expected);
    }

    fn history_media(&mut self, rng: &mut ChaCha8Rng, wamid: &str, wa: &str, base: i64) {
        if rng.random_bool(0.8) {
            self.push(
                base,
                Change::Message(history_placeholder(wamid, wa, at(base))),
            );
        }
        let caption = format!("photo {wamid}");
        let follow_up = history_media(wamid, wa, at(base), &caption);
        self.push(base + 60, Change::HistoryMedia(Box::new(follow_up)));
        let expected = Expected {
            origin: Origin::History,
            status: Some(DeliveryStatus::Played),
            text: Some(caption),
            revoked: false,
        };
        self.expected.insert(wamid.to_owned(), expected);
    }

    /// The timeline cut into requests of one to four consecutive changes.
    fn requests(&self, rng: &mut ChaCha8Rng) -> Vec<Vec<Change>> {
        let mut out = Vec::new();
        let mut rest: &[(i64, Change)] = &self.timeline;
        while !rest.is_empty() {
            let n = rng.random_range(1..=4).min(rest.len());
            out.push(rest[..n].iter().map(|(_, c)| c.clone()).collect());
            rest = &rest[n..];
        }
        out
    }
}

/// Meta's delivery of `requests`: each at least once, some byte-identical redeliveries, some
/// changes re-sent inside new requests, all shuffled.
fn deliveries(f: &Fixture, requests: &[Vec<Change>], rng: &mut ChaCha8Rng) -> Vec<IngestBatch> {
    let mut out = Vec::new();
    let mut resent = Vec::new();
    for changes in requests {
        let batch = f.batch(changes.clone());
        if rng.random_bool(0.3) {
            out.push(batch.clone());
        }
        out.push(batch);
        resent.extend(changes.iter().filter(|_| rng.random_bool(0.25)).cloned());
    }
    resent.shuffle(rng);
    for chunk in resent.chunks(3) {
        out.push(f.batch(chunk.to_vec()));
    }
    out.shuffle(rng);
    out
}

/// Everything a client can see that must not depend on delivery order, keyed by Meta's ids
/// (our row ids do depend on it).
#[derive(Debug, PartialEq)]
struct Snapshot {
    chats: BTreeMap<String, ChatView>,
    messages: BTreeMap<String, MessageView>,
    contacts: BTreeMap<String, ContactView>,
    app_activity: Option<Timestamp>,
    media_pending: u64,
}

type ChatView = (
    i64,
    i64,
    Option<String>,
    Option<Timestamp>,
    Option<Timestamp>,
);
type ContactView = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Timestamp>,
);

#[derive(Debug, PartialEq)]
struct MessageView {
    chat: String,
    direction: Direction,
    origin: Origin,
    kind: String,
    text: Option<String>,
    content: Option<Value>,
    status: Option<DeliveryStatus>,
    status_at: Option<Timestamp>,
    error: Option<MessageError>,
    timestamp: Timestamp,
    edited: (Option<Timestamp>, Option<Editor>, Option<String>),
    revoked: (Option<Timestamp>, Option<Editor>),
    media_pending: bool,
}

async fn snapshot(f: &Fixture) -> Snapshot {
    let mut chats = BTreeMap::new();
    let mut messages = BTreeMap::new();
    for chat in f.chats().await {
        let wa = chat.contact.wa_id.clone().unwrap_or_default();
        let all = f.messages_of(chat.id).await;
        let last = chat.last_message.as_ref().map(|p| p.id);
        let last_wamid = all
            .iter()
            .find(|m| Some(m.id) == last)
            .and_then(|m| m.wamid.clone());
        let view = (
            chat.message_count,
            chat.unread_count,
            last_wamid,
            chat.last_message_at,
            chat.last_customer_message_at,
        );
        chats.insert(wa.clone(), view);
        for m in all {
            let view = MessageView {
                chat: wa.clone(),
                direction: m.direction,
                origin: m.origin,
                kind: m.kind,
                text: m.text,
                content: m.content,
                status: m.status,
                status_at: m.status_at,
                error: m.error,
                timestamp: m.timestamp,
                edited: (m.edited_at, m.edited_by, m.original_text),
                revoked: (m.revoked_at, m.revoked_by),
                media_pending: m.media_pending,
            };
            let previous = messages.insert(m.wamid.unwrap_or_default(), view);
            assert!(previous.is_none(), "a wamid stored twice");
        }
    }
    let contacts = f
        .contacts()
        .await
        .into_iter()
        .map(|c| {
            let view = (
                c.name,
                c.first_name,
                c.profile_name,
                c.removed_from_phone_at,
            );
            (c.wa_id.unwrap_or_default(), view)
        })
        .collect();
    let number = f.number(PHONE_ID).await;
    Snapshot {
        chats,
        messages,
        contacts,
        app_activity: number.last_app_activity_at,
        media_pending: number.history.media_pending,
    }
}

fn check_model(seed: u64, scenario: &Scenario, snap: &Snapshot) {
    assert_eq!(
        snap.messages.len(),
        scenario.expected.len(),
        "seed {seed}: message count"
    );
    for (wamid, e) in &scenario.expected {
        let m = snap
            .messages
            .get(wamid)
            .unwrap_or_else(|| panic!("seed {seed}: {wamid} missing"));
        assert_eq!(m.origin, e.origin, "seed {seed}: origin of {wamid}");
        assert_eq!(
            m.status, e.status,
            "seed {seed}: status of {wamid} is the join"
        );
        assert_eq!(m.text, e.text, "seed {seed}: text of {wamid}");
        assert_eq!(
            m.revoked.0.is_some(),
            e.revoked,
            "seed {seed}: revoke of {wamid}"
        );
        assert!(!m.media_pending, "seed {seed}: {wamid} still pending");
    }
    let unread: i64 = snap.chats.values().map(|c| c.1).sum();
    let customer = scenario
        .expected
        .values()
        .filter(|e| e.origin == Origin::Customer);
    assert_eq!(unread, customer.count() as i64, "seed {seed}: unread");
}

fn seeds() -> u64 {
    std::env::var("COEXIST_STORE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12)
}

/// Duplicated, re-batched and reordered delivery converges to the in-order state.
pub async fn random_interleavings_converge_to_the_in_order_state(factory: &dyn StoreFactory) {
    for seed in 0..seeds() {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let scenario = Scenario::generate(&mut rng, seed);
        let requests = scenario.requests(&mut rng);
        let reference = Fixture::new(factory).await;
        for changes in &requests {
            reference.ingest(changes.clone()).await;
        }
        let shuffled = Fixture::new(factory).await;
        for batch in deliveries(&shuffled, &requests, &mut rng) {
            shuffled.apply(batch).await;
        }
        let expected = snapshot(&reference).await;
        check_model(seed, &scenario, &expected);
        let got = snapshot(&shuffled).await;
        assert_eq!(
            got, expected,
            "seed {seed}: delivery order changed the result"
        );
    }
}
