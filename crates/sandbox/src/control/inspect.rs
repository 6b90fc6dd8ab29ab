//! Read-only views: what the Graph API accepted, every webhook delivery and attempt, the whole
//! state.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use serde_json::{Value, json};

use crate::server::Shared;

/// `GET /_sandbox/sent`: every `/messages` request (accepted or refused), oldest first, with
/// the message's latest status.
pub(crate) async fn sent(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let value = {
        let world = shared.world();
        let entries: Vec<Value> = world
            .sent_log
            .iter()
            .map(|e| {
                let status = e
                    .wamid
                    .as_ref()
                    .and_then(|w| world.messages.get(w))
                    .map(|m| m.status.clone());
                json!({"wamid": e.wamid, "phone_number_id": e.phone_number_id, "to": e.to,
                       "request": e.request, "at": e.at, "result": e.result, "status": status})
            })
            .collect();
        json!({"sent": entries})
    };
    Json(value)
}

/// `GET /_sandbox/webhooks/deliveries[?since=<delivery id>]`: each signed POST body with its
/// state, and the log of every attempt (status code, outcome, next retry).
pub(crate) async fn deliveries(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Json<Value> {
    let since: u64 = query.get("since").and_then(|s| s.parse().ok()).unwrap_or(0);
    let value = {
        let world = shared.world();
        let deliveries: Vec<Value> = world
            .outbox
            .deliveries
            .values()
            .filter(|d| d.id > since)
            .map(|d| {
                let body: Value = serde_json::from_slice(&d.body).unwrap_or(Value::Null);
                json!({"id": d.id, "state": d.state, "fields": d.fields, "created_at": d.created_ms,
                       "attempts": d.attempts, "duplicate_of": d.duplicate_of,
                       "signature": d.signature, "body": body,
                       "raw": String::from_utf8_lossy(&d.body)})
            })
            .collect();
        let attempts: Vec<&crate::webhooks::outbox::AttemptRecord> = world
            .outbox
            .log
            .iter()
            .filter(|a| a.delivery_id > since)
            .collect();
        json!({"deliveries": deliveries, "attempts": attempts})
    };
    Json(value)
}

/// `GET /_sandbox/customers`.
pub(crate) async fn customers(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let value = json!({"customers": shared.world().customers.values().collect::<Vec<_>>()});
    Json(value)
}

/// `GET /_sandbox/numbers`.
pub(crate) async fn numbers(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let value = json!({"numbers": shared.world().numbers.values().collect::<Vec<_>>()});
    Json(value)
}

/// `GET /_sandbox/templates`.
pub(crate) async fn templates(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let value = json!({"templates": shared.world().templates.items.values().collect::<Vec<_>>()});
    Json(value)
}

/// `GET /_sandbox/state`: everything, for debugging and assertions.
pub(crate) async fn state(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let value = {
        let world = shared.world();
        let threads: Vec<Value> = world
            .threads
            .iter()
            .map(|((pnid, wa_id), t)| {
                json!({"phone_number_id": pnid, "wa_id": wa_id, "thread": t,
                "service_window_open": t.service_window_open(world.now)})
            })
            .collect();
        let media: Vec<&crate::state::media::Media> = world.media.items.values().collect();
        json!({
            "now": world.now,
            "mode": world.cfg.mode,
            "wabas": world.wabas,
            "numbers": world.numbers,
            "customers": world.customers,
            "threads": threads,
            "phones": world.phones,
            "templates": world.templates.items,
            "media": media,
            "messages": world.messages,
            "pending_tasks": world.tasks.len(),
            "pending_deliveries": world.outbox.pending().count(),
            "faults": world.cfg.faults,
        })
    };
    Json(value)
}
