//! Realistic webhook bodies in Meta's shape, signed like Meta signs them: live `messages`
//! webhooks (one message each, or several when Meta batches) and `history` chunks (threads, phases, out-of-order
//! `chunk_order`, `progress`). Generated from a seed, so runs are comparable.

use bytes::Bytes;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// The app secret the bench's hub verifies with.
pub(crate) const APP_SECRET: &str = "bench-app-secret";
/// The number every bench webhook is for.
pub(crate) const PHONE_NUMBER_ID: &str = "106540352242922";
/// Its display number.
pub(crate) const DISPLAY_NUMBER: &str = "15550783881";
/// Its WABA.
pub(crate) const WABA_ID: &str = "102290129340398";
/// Sandbox-like "now" of the generated traffic: 2026-03-02T09:00:00Z.
const NOW_S: i64 = 1_772_442_000;
const DAY_S: i64 = 86_400;

/// A webhook body with its `X-Hub-Signature-256`.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    pub(crate) body: Bytes,
    pub(crate) signature: String,
}

impl Signed {
    fn new(value: &Value) -> Signed {
        let body = serde_json::to_vec(value).expect("a JSON value serializes");
        let signature = meta::signature::sign(APP_SECRET.as_bytes(), &body);
        Signed {
            body: Bytes::from(body),
            signature,
        }
    }
}

/// A wamid of realistic length and shape, unique per `(kind, n)`.
pub(crate) fn wamid(kind: char, n: u64) -> String {
    format!("wamid.HBgLMTY1MDU1NTAxMjMVAgAS{kind}GBQz{n:016X}QTA2ODEyRUU3QkZFNkQ5NURGQQA=")
}

fn wa_id(n: u64) -> String {
    format!("1{:010}", 6_505_000_000 + n)
}

const WORDS: [&str; 24] = [
    "order", "shipped", "tracking", "number", "delivery", "tomorrow", "price", "discount", "pots",
    "roses", "tulips", "invoice", "refund", "pickup", "store", "open", "closed", "thanks",
    "please", "size", "color", "garden", "soil", "seeds",
];

/// A message text of 3–30 words, sometimes with an order number (searchable).
fn text(rng: &mut ChaCha8Rng) -> String {
    let words = rng.random_range(3..=30);
    let mut out = Vec::with_capacity(words + 1);
    for _ in 0..words {
        out.push(WORDS[rng.random_range(0..WORDS.len())].to_owned());
    }
    if rng.random_bool(0.3) {
        out.push(format!("#{}", rng.random_range(1_000..10_000)));
    }
    out.join(" ")
}

fn envelope(field: &str, value: Value) -> Value {
    envelope_of(field, vec![value])
}

/// One entry with a change per value (how Meta batches several updates in one request).
fn envelope_of(field: &str, values: Vec<Value>) -> Value {
    let changes: Vec<Value> = values
        .into_iter()
        .map(|value| json!({"field": field, "value": value}))
        .collect();
    json!({"object": "whatsapp_business_account",
           "entry": [{"id": WABA_ID, "changes": changes}]})
}

fn metadata() -> Value {
    json!({"display_phone_number": DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID})
}

/// Live webhooks carrying `count` customer texts in all, `per_webhook` in each (one change per
/// message, as Meta batches updates; the last webhook may hold fewer), every message from a
/// distinct contact with a distinct wamid (`offset` separates warm-up from measured traffic).
/// Each webhook comes with the wamids it carries.
pub(crate) fn live_messages(
    offset: u64,
    count: u64,
    per_webhook: u64,
    seed: u64,
) -> Vec<(Vec<String>, Signed)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ offset);
    let per_webhook = per_webhook.max(1);
    (offset..offset + count)
        .step_by(usize::try_from(per_webhook).unwrap_or(usize::MAX))
        .map(|first| {
            let last = (first + per_webhook).min(offset + count);
            let (wamids, values): (Vec<String>, Vec<Value>) = (first..last)
                .map(|n| {
                    let id = wamid('L', n);
                    let from = wa_id(n);
                    let value = json!({
                        "messaging_product": "whatsapp",
                        "metadata": metadata(),
                        "contacts": [{"profile": {"name": format!("Customer {n}")}, "wa_id": from}],
                        "messages": [{"from": from, "id": id, "timestamp": (NOW_S + (n as i64 % 3_600)).to_string(),
                                      "type": "text", "text": {"body": text(&mut rng)}}]
                    });
                    (id, value)
                })
                .unzip();
            (wamids, Signed::new(&envelope_of("messages", values)))
        })
        .collect()
}

/// The shape of a history export: how many threads, and how many messages the busiest have.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HistoryShape {
    pub(crate) messages: u64,
    pub(crate) threads: u64,
    pub(crate) min_chunk: usize,
    pub(crate) max_chunk: usize,
}

impl HistoryShape {
    /// 1M messages look like ~20k chats; chunks of 500–2,500 messages (Meta: up to thousands).
    pub(crate) fn for_messages(messages: u64) -> HistoryShape {
        HistoryShape {
            messages,
            threads: (messages / 50).clamp(1, 20_000),
            min_chunk: 500.min(messages.max(1) as usize),
            max_chunk: 2_500.min(messages.max(1) as usize),
        }
    }
}

/// One history message before chunking.
struct Item {
    thread: u64,
    n: u64,
    ts: i64,
}

/// Thread sizes follow a heavy tail: a few busy chats, many short ones.
fn thread_of(rng: &mut ChaCha8Rng, threads: u64) -> u64 {
    let u: f64 = rng.random_range(0.0..1.0);
    ((u * u * u) * threads as f64) as u64 % threads.max(1)
}

/// Every message of the export, grouped into Meta's three phases by age: 0 (day 0–1),
/// 1 (day 1–90), 2 (day 90–180); within a phase, by thread then time.
fn phases(shape: &HistoryShape, rng: &mut ChaCha8Rng) -> [Vec<Item>; 3] {
    let mut phases: [Vec<Item>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for n in 0..shape.messages {
        let age_s = rng.random_range(60..180 * DAY_S);
        let phase = match age_s {
            a if a < DAY_S => 0,
            a if a < 90 * DAY_S => 1,
            _ => 2,
        };
        let thread = thread_of(rng, shape.threads);
        phases[phase].push(Item {
            thread,
            n,
            ts: NOW_S - age_s,
        });
    }
    for items in &mut phases {
        items.sort_by_key(|i| (i.thread, i.ts, i.n));
    }
    phases
}

/// The export as signed `history` webhooks in delivery order: chunks of each phase shuffled
/// (never in their natural order), `progress` counting delivered messages up to 100.
pub(crate) fn history_chunks(shape: &HistoryShape, seed: u64) -> Vec<Signed> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let phases = phases(shape, &mut rng);
    let mut planned: Vec<(u32, u32, &[Item])> = Vec::new();
    for (phase, items) in phases.iter().enumerate() {
        let mut chunks = Vec::new();
        let mut rest: &[Item] = items;
        while !rest.is_empty() {
            let size = rng
                .random_range(shape.min_chunk..=shape.max_chunk)
                .min(rest.len());
            let (chunk, tail) = rest.split_at(size);
            chunks.push((phase as u32, chunks.len() as u32 + 1, chunk));
            rest = tail;
        }
        chunks.shuffle(&mut rng);
        if chunks.len() > 1 && chunks.windows(2).all(|w| w[0].1 < w[1].1) {
            chunks.swap(0, 1);
        }
        planned.extend(chunks);
    }
    let mut delivered = 0u64;
    planned
        .into_iter()
        .map(|(phase, order, items)| {
            delivered += items.len() as u64;
            let progress = delivered * 100 / shape.messages.max(1);
            chunk_body(phase, order, progress, items, &mut rng)
        })
        .collect()
}

fn chunk_body(
    phase: u32,
    order: u32,
    progress: u64,
    items: &[Item],
    rng: &mut ChaCha8Rng,
) -> Signed {
    let mut threads: Vec<Value> = Vec::new();
    for group in items.chunk_by(|a, b| a.thread == b.thread) {
        let customer = wa_id(1_000_000 + group[0].thread);
        let messages: Vec<Value> = group
            .iter()
            .map(|i| history_message(i, &customer, rng))
            .collect();
        threads.push(json!({"id": customer, "messages": messages}));
    }
    let value = json!({
        "messaging_product": "whatsapp",
        "metadata": metadata(),
        "history": [{"metadata": {"phase": phase, "chunk_order": order, "progress": progress},
                     "threads": threads}]
    });
    Signed::new(&envelope("history", value))
}

fn history_message(item: &Item, customer: &str, rng: &mut ChaCha8Rng) -> Value {
    let from_business = rng.random_bool(0.45);
    let from = if from_business {
        DISPLAY_NUMBER
    } else {
        customer
    };
    let status = if from_business {
        ["READ", "READ", "DELIVERED", "SENT", "PLAYED", "ERROR"][rng.random_range(0..6)]
    } else {
        "READ"
    };
    let mut m = json!({"from": from, "id": wamid('H', item.n), "timestamp": item.ts.to_string(),
                       "history_context": {"status": status}});
    if rng.random_bool(0.08) {
        m["type"] = json!("media_placeholder");
    } else {
        m["type"] = json!("text");
        m["text"] = json!({"body": text(rng)});
    }
    m
}

#[cfg(test)]
mod tests {
    use coexist_core::ingest::{Change, read_webhook};
    use coexist_core::time::Timestamp;

    use super::{HistoryShape, history_chunks, live_messages};

    #[test]
    fn live_webhooks_verify_and_carry_one_distinct_message_each() {
        let bodies = live_messages(10, 50, 1, 7);
        assert_eq!(bodies.len(), 50);
        let mut wamids = std::collections::BTreeSet::new();
        for (carried, signed) in &bodies {
            let header = Some(signed.signature.as_str());
            meta::signature::verify(super::APP_SECRET.as_bytes(), header, &signed.body).unwrap();
            let changes = read_webhook(&signed.body, Timestamp(0)).unwrap();
            assert!(
                matches!(&changes[..], [Change::Message(m)] if [&m.wamid] == carried.iter().collect::<Vec<_>>()[..]),
                "{changes:?}"
            );
            assert!(wamids.insert(carried[0].clone()));
        }
    }

    #[test]
    fn batched_live_webhooks_carry_their_messages_each_once() {
        let bodies = live_messages(0, 23, 5, 7);
        assert_eq!(bodies.len(), 5, "4 webhooks of 5 and one of 3");
        let mut wamids = std::collections::BTreeSet::new();
        for (carried, signed) in &bodies {
            let changes = read_webhook(&signed.body, Timestamp(0)).unwrap();
            let read: Vec<&String> = changes
                .iter()
                .map(|c| match c {
                    Change::Message(m) => &m.wamid,
                    other => panic!("unexpected {other:?}"),
                })
                .collect();
            assert_eq!(read, carried.iter().collect::<Vec<_>>());
            for w in carried {
                assert!(wamids.insert(w.clone()));
            }
        }
        assert_eq!(wamids.len(), 23);
    }

    #[test]
    fn a_history_export_holds_every_message_once_in_out_of_order_chunks() {
        let shape = HistoryShape {
            messages: 5_000,
            threads: 100,
            min_chunk: 200,
            max_chunk: 700,
        };
        let chunks = history_chunks(&shape, 3);
        let mut wamids = std::collections::BTreeSet::new();
        let mut orders = Vec::new();
        for signed in &chunks {
            for change in read_webhook(&signed.body, Timestamp(0)).unwrap() {
                match change {
                    Change::Message(m) => assert!(wamids.insert(m.wamid)),
                    Change::HistoryChunk(c) => orders.push((c.phase, c.chunk_order)),
                    other => panic!("unexpected {other:?}"),
                }
            }
        }
        assert_eq!(wamids.len(), 5_000);
        let phase1: Vec<i64> = orders.iter().filter(|o| o.0 == 1).map(|o| o.1).collect();
        assert!(
            phase1.windows(2).any(|w| w[0] > w[1]),
            "out of order: {phase1:?}"
        );
    }
}
