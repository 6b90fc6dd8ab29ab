//! Canned responses, shared by the organization: `GET /api/v1/canned-responses` (by shortcut),
//! `POST` `{"shortcut", "body"}` → 201, `PUT /api/v1/canned-responses/{id}` (same body),
//! `DELETE /api/v1/canned-responses/{id}` → 204. Shortcuts match `^[a-z0-9_-]{1,32}$` and are
//! unique (409 `conflict`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use coexist_core::ids::CannedResponseId;
use coexist_core::inbox::{NoteBody, Shortcut};
use coexist_core::store::{CannedResponseRecord, NewCannedResponse};
use serde::Deserialize;

use super::{List, not_found};
use crate::auth::Action;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::{ApiError, AppState, Auth, Routes};

const PATH: &str = "/api/v1/canned-responses";
const ONE: &str = "/api/v1/canned-responses/{id}";

pub(super) fn routes() -> Routes {
    Routes::new()
        .get(PATH, list)
        .post(PATH, create)
        .put(ONE, update)
        .delete(ONE, delete)
}

#[derive(Debug, Deserialize)]
struct CannedBody {
    shortcut: String,
    body: String,
}

impl CannedBody {
    fn parse(&self) -> Result<NewCannedResponse, ApiError> {
        let bad = |e: coexist_core::inbox::InputError| {
            ApiError::bad_request("invalid_request", e.to_string())
        };
        Ok(NewCannedResponse {
            shortcut: Shortcut::parse(&self.shortcut).map_err(bad)?,
            body: NoteBody::parse("body", &self.body).map_err(bad)?,
        })
    }
}

async fn list(
    actor: Auth,
    State(state): State<AppState>,
) -> Result<Json<List<CannedResponseRecord>>, ApiError> {
    actor.may(Action::Read)?;
    let all = state.store.list_canned_responses(actor.org).await?;
    Ok(Json(List::new(all)))
}

async fn create(
    actor: Auth,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CannedBody>,
) -> Result<(StatusCode, Json<CannedResponseRecord>), ApiError> {
    actor.may(Action::ManageCannedResponses)?;
    let canned = body.parse()?;
    let now = state.clock.now();
    let created = state
        .store
        .create_canned_response(actor.org, canned, now)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn update(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<CannedResponseId>,
    ApiJson(body): ApiJson<CannedBody>,
) -> Result<Json<CannedResponseRecord>, ApiError> {
    actor.may(Action::ManageCannedResponses)?;
    let canned = body.parse()?;
    let now = state.clock.now();
    let updated = state
        .store
        .update_canned_response(actor.org, id, canned, now)
        .await
        .map_err(not_found("canned response", id))?;
    Ok(Json(updated))
}

async fn delete(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<CannedResponseId>,
) -> Result<StatusCode, ApiError> {
    actor.may(Action::ManageCannedResponses)?;
    state
        .store
        .delete_canned_response(actor.org, id)
        .await
        .map_err(not_found("canned response", id))?;
    Ok(StatusCode::NO_CONTENT)
}
