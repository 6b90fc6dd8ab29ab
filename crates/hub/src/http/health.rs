//! `GET /healthz`: 200 when the hub accepts webhooks, that is when it is serving and its store
//! answers; 503 when the store does not.

use axum::Json;
use axum::extract::State;
use coexist_core::ids::Position;
use serde::Serialize;

use super::{ApiError, AppState};

/// The health answer.
#[derive(Debug, Serialize)]
pub(crate) struct Healthy {
    status: &'static str,
    /// The stream head: lets a script see that webhooks were committed.
    head: Position,
}

pub(crate) async fn healthz(State(state): State<AppState>) -> Result<Json<Healthy>, ApiError> {
    let head = state.store.head_position().await?;
    Ok(Json(Healthy { status: "ok", head }))
}
