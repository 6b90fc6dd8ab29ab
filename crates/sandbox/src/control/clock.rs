//! `/_sandbox/clock`, `/_sandbox/faults`, `/_sandbox/settings`, `/_sandbox/webhooks/flush`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::{
    DeliveryConfig, Faults, HistoryConfig, PartnerRemovedShape, Sha256Encoding, StatusTimings,
};
use crate::control::{Answer, Body};
use crate::error::ControlError;
use crate::server::Shared;

fn clock_json(shared: &Shared) -> Json<Value> {
    let now = shared.clock.now_ms();
    Json(json!({"now": now, "now_s": now / 1_000, "mode": shared.mode}))
}

/// `GET /_sandbox/clock`.
pub(crate) async fn get_clock(State(shared): State<Arc<Shared>>) -> Json<Value> {
    clock_json(&shared)
}

#[derive(Deserialize)]
pub(super) struct AdvanceBody {
    seconds: f64,
}

/// `POST /_sandbox/clock/advance` with `{"seconds": N}`: runs everything that became due, in
/// order, before answering.
pub(crate) async fn advance(
    State(shared): State<Arc<Shared>>,
    Body(req): Body<AdvanceBody>,
) -> Answer {
    if !(req.seconds.is_finite() && req.seconds >= 0.0) {
        return Err(ControlError::bad_request("`seconds` must be a number ≥ 0"));
    }
    shared.advance((req.seconds * 1_000.0) as u64).await;
    Ok(clock_json(&shared))
}

/// `POST /_sandbox/webhooks/flush`: deliver everything due now, then answer.
pub(crate) async fn flush(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.pump().await;
    let (pending, queued) = {
        let world = shared.world();
        (
            world.outbox.pending().count(),
            world.outbox.queued_updates(),
        )
    };
    Json(json!({"pending_deliveries": pending, "queued_updates": queued}))
}

/// Deep-merges `patch` into `current` (objects merge key by key, anything else replaces).
fn merge(current: &mut Value, patch: Value) {
    match (current, patch) {
        (Value::Object(cur), Value::Object(patch)) => {
            for (k, v) in patch {
                merge(cur.entry(k).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v,
    }
}

fn patched<T: Serialize + DeserializeOwned>(current: &T, patch: Value) -> Result<T, ControlError> {
    let mut value = serde_json::to_value(current).unwrap_or(Value::Null);
    merge(&mut value, patch);
    serde_json::from_value(value)
        .map_err(|e| ControlError::bad_request(format!("invalid setting: {e}")))
}

/// `GET /_sandbox/faults`.
pub(crate) async fn get_faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let faults = shared.world().cfg.faults.clone();
    Json(json!(faults))
}

/// `POST /_sandbox/faults`: sets the fields given, keeps the others.
pub(crate) async fn set_faults(
    State(shared): State<Arc<Shared>>,
    Body(patch): Body<Value>,
) -> Answer {
    let mut world = shared.world();
    let faults: Faults = patched(&world.cfg.faults, patch)?;
    for (name, p) in [
        ("duplicate_probability", faults.duplicate_probability),
        ("reorder_probability", faults.reorder_probability),
        (
            "drop_first_attempt_probability",
            faults.drop_first_attempt_probability,
        ),
    ] {
        if !(0.0..=1.0).contains(&p) {
            return Err(ControlError::bad_request(format!(
                "{name} must be in 0..=1, got {p}"
            )));
        }
    }
    world.cfg.faults = faults.clone();
    Ok(Json(json!(faults)))
}

/// The run-time settings the control API can change.
#[derive(Serialize, Deserialize)]
struct Settings {
    webhook_url: Option<String>,
    window_error_sync: bool,
    webhook_api_version: u32,
    template_review_ms: Option<u64>,
    partner_removed_shape: PartnerRemovedShape,
    media_sha256: Sha256Encoding,
    require_appsecret_proof: bool,
    bsuid: bool,
    inactivity_days: u64,
    status_timings: StatusTimings,
    delivery: DeliveryConfig,
    history: HistoryConfig,
}

fn settings_of(shared: &Shared) -> Settings {
    let world = shared.world();
    let c = &world.cfg;
    Settings {
        webhook_url: c.webhook_url.clone(),
        window_error_sync: c.window_error_sync,
        webhook_api_version: c.webhook_api_version,
        template_review_ms: c.template_review_ms,
        partner_removed_shape: c.partner_removed_shape,
        media_sha256: c.media_sha256,
        require_appsecret_proof: c.require_appsecret_proof,
        bsuid: c.bsuid,
        inactivity_days: c.inactivity_days,
        status_timings: c.status_timings.clone(),
        delivery: c.delivery.clone(),
        history: c.history.clone(),
    }
}

/// `GET /_sandbox/settings`.
pub(crate) async fn get_settings(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(settings_of(&shared)))
}

/// `POST /_sandbox/settings`: sets the fields given (deep merge), keeps the others.
pub(crate) async fn set_settings(
    State(shared): State<Arc<Shared>>,
    Body(patch): Body<Value>,
) -> Answer {
    let new: Settings = patched(&settings_of(&shared), patch)?;
    if new.delivery.max_batch == 0 {
        return Err(ControlError::bad_request(
            "delivery.max_batch must be at least 1",
        ));
    }
    let mut world = shared.world();
    let c = &mut world.cfg;
    c.webhook_url = new.webhook_url.clone();
    c.window_error_sync = new.window_error_sync;
    c.webhook_api_version = new.webhook_api_version;
    c.template_review_ms = new.template_review_ms;
    c.partner_removed_shape = new.partner_removed_shape;
    c.media_sha256 = new.media_sha256;
    c.require_appsecret_proof = new.require_appsecret_proof;
    c.bsuid = new.bsuid;
    c.inactivity_days = new.inactivity_days;
    c.status_timings = new.status_timings.clone();
    c.delivery = new.delivery.clone();
    c.history = new.history.clone();
    Ok(Json(json!(new)))
}
