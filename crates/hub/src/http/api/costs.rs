//! `GET /api/v1/costs?from=&to=&group_by=category|number|day`: billable messages and their cost
//! (Meta's reported pricing × the rate table), free messages by reason, and the phone-app
//! messages sent for free, for `[from, to)` (RFC 3339; default: the last 30 days).

use axum::Json;
use axum::extract::State;
use coexist_core::pricing::GroupBy;
use coexist_core::time::{DAY_MS, Timestamp};
use serde::Deserialize;

use crate::auth::Action;
use crate::costs::{Costs, costs};
use crate::http::extract::ApiQuery;
use crate::http::{ApiError, AppState, Auth, Routes};

pub(super) fn routes() -> Routes {
    Routes::new().get("/api/v1/costs", get_costs)
}

#[derive(Debug, Deserialize)]
struct CostsQuery {
    from: Option<String>,
    to: Option<String>,
    group_by: Option<String>,
}

fn time(raw: Option<&str>, name: &str, default: Timestamp) -> Result<Timestamp, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => Timestamp::parse_rfc3339(s).map_err(|e| {
            ApiError::bad_request(
                "invalid_parameter",
                format!("{name} must be an RFC 3339 time such as 2026-03-01T00:00:00Z: {e}"),
            )
        }),
    }
}

fn group_by(raw: Option<&str>) -> Result<GroupBy, ApiError> {
    match raw.map(str::trim) {
        None | Some("") | Some("category") => Ok(GroupBy::Category),
        Some("number") => Ok(GroupBy::Number),
        Some("day") => Ok(GroupBy::Day),
        Some(other) => Err(ApiError::bad_request(
            "invalid_parameter",
            format!("group_by must be category, number or day, not {other:?}"),
        )),
    }
}

async fn get_costs(
    auth: Auth,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CostsQuery>,
) -> Result<Json<Costs>, ApiError> {
    auth.may(Action::Read)?;
    let now = state.clock.now();
    let to = time(query.to.as_deref(), "to", now)?;
    let from = time(query.from.as_deref(), "from", to.plus_ms(-30 * DAY_MS))?;
    if from >= to {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            format!("from ({from}) must be before to ({to})"),
        ));
    }
    let group_by = group_by(query.group_by.as_deref())?;
    let report = costs(
        state.store.as_ref(),
        &state.sending.rates,
        auth.org,
        from,
        to,
        group_by,
    )
    .await?;
    Ok(Json(report))
}
