//! What Meta's webhooks carried that coexist could not use as such, for operators:
//! `GET /api/v1/webhook-errors?limit=`: value-level errors Meta reported (`value.errors[]`,
//! history errors), newest first; `GET /api/v1/unparsed-changes?limit=`: changes coexist could
//! not type (a webhook field or shape it does not know yet), kept raw with the reason, newest
//! first. The rest of such a webhook was applied and answered 200.

use axum::Json;
use axum::extract::State;
use coexist_core::store::{UnparsedChangeRecord, WebhookErrorRecord};
use serde::Deserialize;

use super::{List, params};
use crate::http::extract::ApiQuery;
use crate::http::{ApiError, AppState, Auth, Routes};

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/webhook-errors", list_webhook_errors)
        .get("/api/v1/unparsed-changes", list_unparsed_changes)
}

#[derive(Debug, Deserialize)]
struct LimitQuery {
    limit: Option<String>,
}

async fn list_webhook_errors(
    auth: Auth,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LimitQuery>,
) -> Result<Json<List<WebhookErrorRecord>>, ApiError> {
    let limit = params::limit(query.limit.as_deref())?;
    let errors = state.store.list_webhook_errors(auth.org, limit).await?;
    Ok(Json(List::new(errors)))
}

async fn list_unparsed_changes(
    auth: Auth,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LimitQuery>,
) -> Result<Json<List<UnparsedChangeRecord>>, ApiError> {
    let limit = params::limit(query.limit.as_deref())?;
    let changes = state.store.list_unparsed_changes(auth.org, limit).await?;
    Ok(Json(List::new(changes)))
}
