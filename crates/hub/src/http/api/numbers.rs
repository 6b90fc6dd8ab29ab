//! `GET /api/v1/numbers` and `GET /api/v1/numbers/{id}`: the numbers with their health
//! computed at the clock's now.

use axum::Json;
use axum::extract::State;
use coexist_core::ids::NumberId;
use coexist_core::number::Health;
use coexist_core::store::NumberRecord;
use coexist_core::time::Timestamp;
use serde::Serialize;

use super::{List, not_found};
use crate::http::extract::ApiPath;
use crate::http::{ApiError, AppState, Auth, Routes};

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/numbers", list_numbers)
        .get("/api/v1/numbers/{id}", get_number)
}

/// A number as the API shows it: the stored record and its health now.
#[derive(Debug, Serialize)]
struct NumberView {
    #[serde(flatten)]
    number: NumberRecord,
    health: Health,
}

impl NumberView {
    fn at(number: NumberRecord, now: Timestamp) -> Self {
        let health = number.health(now);
        NumberView { number, health }
    }
}

async fn list_numbers(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Json<List<NumberView>>, ApiError> {
    let numbers = state.store.list_numbers(auth.org).await?;
    let now = state.clock.now();
    let views = numbers.into_iter().map(|n| NumberView::at(n, now));
    Ok(Json(List::new(views.collect())))
}

async fn get_number(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<NumberId>,
) -> Result<Json<NumberView>, ApiError> {
    let number = state
        .store
        .get_number(auth.org, id)
        .await
        .map_err(not_found("number", id))?;
    Ok(Json(NumberView::at(number, state.clock.now())))
}
