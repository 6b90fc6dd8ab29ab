//! `/_sandbox/numbers/…`, `/_sandbox/messages/…`, `/_sandbox/templates/…`: lifecycle of
//! numbers, their limits, forced statuses and template review.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::json;

use crate::config::PairRate;
use crate::control::{Answer, Body};
use crate::error::ControlError;
use crate::server::Shared;
use crate::state::messages::Origin;
use crate::state::waba::MAX_THROUGHPUT_MPS;
use crate::world::StatusStep;

/// Answers with the number's lifecycle once `change` (which takes the world lock itself) has
/// succeeded.
fn lifecycle(shared: &Shared, pnid: &str, change: Result<(), ControlError>) -> Answer {
    change?;
    let world = shared.world();
    let number = &world.numbers[pnid];
    Ok(Json(
        json!({"phone_number_id": pnid, "lifecycle": number.lifecycle, "onboarded_at": number.onboarded_at}),
    ))
}

/// `POST /_sandbox/numbers/{pnid}/onboard`.
pub(crate) async fn onboard(State(shared): State<Arc<Shared>>, Path(pnid): Path<String>) -> Answer {
    let outcome = shared.world().onboard(&pnid);
    lifecycle(&shared, &pnid, outcome)
}

#[derive(Deserialize)]
pub(super) struct DisconnectBody {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    initiated_by: Option<String>,
}

/// `POST /_sandbox/numbers/{pnid}/disconnect`: the owner disconnects in the app.
pub(crate) async fn disconnect(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    Body(req): Body<DisconnectBody>,
) -> Answer {
    let outcome =
        shared
            .world()
            .owner_disconnect(&pnid, req.reason.as_deref(), req.initiated_by.as_deref());
    lifecycle(&shared, &pnid, outcome)
}

/// `POST /_sandbox/numbers/{pnid}/offboard`.
pub(crate) async fn offboard(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
) -> Answer {
    let outcome = shared.world().offboard(&pnid);
    lifecycle(&shared, &pnid, outcome)
}

/// `POST /_sandbox/numbers/{pnid}/reconnect`.
pub(crate) async fn reconnect(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
) -> Answer {
    let outcome = shared.world().reconnect(&pnid);
    lifecycle(&shared, &pnid, outcome)
}

#[derive(Deserialize)]
pub(super) struct LimitsBody {
    #[serde(default)]
    throughput_mps: Option<u32>,
    #[serde(default)]
    pair_rate: Option<PairRate>,
}

/// `POST /_sandbox/numbers/{pnid}/limits`: throughput (1–1000 msg/s) and pair rate.
pub(crate) async fn limits(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    Body(req): Body<LimitsBody>,
) -> Answer {
    let mut world = shared.world();
    world.require_number(&pnid)?;
    let number = world.numbers.get_mut(&pnid).expect("checked");
    if let Some(mps) = req.throughput_mps {
        if !(1..=MAX_THROUGHPUT_MPS).contains(&mps) {
            return Err(ControlError::bad_request(format!(
                "throughput_mps must be between 1 and {MAX_THROUGHPUT_MPS}, got {mps}"
            )));
        }
        number.throughput_mps = mps;
    }
    if let Some(rate) = req.pair_rate {
        if rate.interval_ms == 0 || rate.burst == 0 {
            return Err(ControlError::bad_request(
                "pair_rate.interval_ms and pair_rate.burst must be at least 1",
            ));
        }
        number.pair_rate = rate;
    }
    Ok(Json(
        json!({"phone_number_id": pnid, "throughput_mps": number.throughput_mps,
              "pair_rate": number.pair_rate}),
    ))
}

#[derive(Deserialize)]
pub(super) struct StatusBody {
    status: String,
    #[serde(default)]
    error_code: Option<i64>,
}

/// `POST /_sandbox/messages/{wamid}/status`: emit a status now, whatever the lattice says.
pub(crate) async fn force_status(
    State(shared): State<Arc<Shared>>,
    Path(wamid): Path<String>,
    Body(req): Body<StatusBody>,
) -> Answer {
    let step = StatusStep::parse(&req.status, req.error_code).ok_or_else(|| {
        ControlError::bad_request(format!(
            "status must be sent, delivered, read, played or failed, not {:?}",
            req.status
        ))
    })?;
    let mut world = shared.world();
    let is_api = world
        .messages
        .get(&wamid)
        .is_some_and(|m| m.origin == Origin::Api);
    if !is_api || !world.emit_status(&wamid, step) {
        return Err(ControlError::not_found(format!(
            "{wamid} is not a message sent through the API"
        )));
    }
    Ok(Json(json!({"wamid": wamid, "status": req.status})))
}

#[derive(Deserialize)]
pub(super) struct RejectBody {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /_sandbox/templates/{id}/approve`.
pub(crate) async fn approve_template(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Answer {
    shared.world().review_template(&id, true, None)?;
    Ok(Json(json!({"id": id, "status": "APPROVED"})))
}

/// `POST /_sandbox/templates/{id}/reject` with an optional `reason`.
pub(crate) async fn reject_template(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Body(req): Body<RejectBody>,
) -> Answer {
    shared
        .world()
        .review_template(&id, false, req.reason.as_deref())?;
    Ok(Json(json!({"id": id, "status": "REJECTED"})))
}
