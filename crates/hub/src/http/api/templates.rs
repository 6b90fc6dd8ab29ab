//! Templates: `GET /api/v1/templates?number_id=&status=` (as synced from the business account
//! and kept current by webhooks), `POST /api/v1/templates` (create and submit, Meta's create
//! body plus an optional `waba_id`), `POST /api/v1/templates/sync`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use coexist_core::store::TemplateRecord;
use serde::Deserialize;
use serde_json::Value;

use super::params;
use super::{List, not_found};
use crate::auth::Action;
use crate::http::extract::ApiQuery;
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::outbox::templates::{SyncReport, TemplateError};

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/templates", list_templates)
        .post("/api/v1/templates", create_template)
        .post("/api/v1/templates/sync", sync_templates)
}

#[derive(Debug, Deserialize)]
struct TemplatesQuery {
    number_id: Option<String>,
    status: Option<String>,
}

async fn list_templates(
    auth: Auth,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<TemplatesQuery>,
) -> Result<Json<List<TemplateRecord>>, ApiError> {
    auth.may(Action::Read)?;
    let waba_id = match params::id(query.number_id.as_deref(), "number_id")? {
        Some(number) => {
            let n = state
                .store
                .get_number(auth.org, number)
                .await
                .map_err(not_found("number", number))?;
            // A number without a WABA has no templates; an impossible id lists none.
            Some(n.waba_id.unwrap_or_default())
        }
        None => None,
    };
    let status = params::non_empty(query.status.as_deref()).map(str::to_owned);
    let list = state
        .sending
        .list_templates(auth.org, waba_id, status)
        .await?;
    Ok(Json(List::new(list)))
}

async fn create_template(
    auth: Auth,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<TemplateRecord>), ApiError> {
    auth.may(Action::WorkChats)?;
    let mut body: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("the body is not JSON: {e}")))?;
    let waba_id = body
        .as_object_mut()
        .and_then(|o| o.remove("waba_id"))
        .and_then(|v| v.as_str().map(str::to_owned));
    let created = state
        .sending
        .create_template(auth.org, waba_id, body)
        .await
        .map_err(template_error)?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn sync_templates(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Json<SyncReport>, ApiError> {
    auth.may(Action::WorkChats)?;
    let report = state.sending.sync_templates(auth.org).await?;
    if !report.errors.is_empty() && report.wabas.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "graph_error",
            format!(
                "no business account could be synced: {}",
                report.errors.join("; ")
            ),
        ));
    }
    Ok(Json(report))
}

fn template_error(e: TemplateError) -> ApiError {
    let message = e.to_string();
    match e {
        TemplateError::Invalid(_) | TemplateError::NoWaba(_) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_template",
            message,
        ),
        TemplateError::Graph(crate::graph::GraphError::Meta { error, .. }) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "meta_refused",
            format!(
                "Meta refused the template: {}",
                error
                    .details
                    .as_deref()
                    .or(error.title.as_deref())
                    .unwrap_or("no details")
            ),
        )
        .with_details(serde_json::json!({ "meta_code": error.code, "meta_title": error.title })),
        TemplateError::Graph(_) => ApiError::new(StatusCode::BAD_GATEWAY, "graph_error", message),
        TemplateError::Store(e) => ApiError::from(e),
    }
}
