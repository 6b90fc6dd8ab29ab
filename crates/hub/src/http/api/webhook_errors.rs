//! `GET /api/v1/webhook-errors?limit=`: value-level errors Meta reported in webhooks
//! (`value.errors[]`, history errors), newest first.

use axum::Json;
use axum::extract::State;
use coexist_core::store::WebhookErrorRecord;
use serde::Deserialize;

use super::{List, params};
use crate::http::extract::ApiQuery;
use crate::http::{ApiError, AppState, Auth, Routes};

pub(super) fn routes() -> Routes {
    Routes::new().get("/api/v1/webhook-errors", list_webhook_errors)
}

#[derive(Debug, Deserialize)]
struct ErrorsQuery {
    limit: Option<String>,
}

async fn list_webhook_errors(
    auth: Auth,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ErrorsQuery>,
) -> Result<Json<List<WebhookErrorRecord>>, ApiError> {
    let limit = params::limit(query.limit.as_deref())?;
    let errors = state.store.list_webhook_errors(auth.org, limit).await?;
    Ok(Json(List::new(errors)))
}
