//! `GET /api/v1/me`: who is calling. A signed-in user gets `{"user", "csrf_token", "org"}` (the
//! web app reads its CSRF token here after a reload); an API token gets `{"user": null,
//! "csrf_token": null, "org", "token": {"id", "role"}}`.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::auth::{Action, ActorKind};
use crate::http::{ApiError, AppState, Auth, Routes};

pub(super) fn routes() -> Routes {
    Routes::new().get("/api/v1/me", me)
}

async fn me(actor: Auth, State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    actor.may(Action::Read)?;
    let org = state.store.get_org(actor.org).await?;
    let body = match &actor.kind {
        ActorKind::User { id, csrf_token, .. } => {
            let user = state.store.get_user(actor.org, *id).await?;
            json!({ "user": user, "csrf_token": csrf_token, "org": org })
        }
        ActorKind::Token { id, role } => json!({
            "user": null,
            "csrf_token": null,
            "org": org,
            "token": { "id": id, "role": role },
        }),
    };
    Ok(Json(body))
}
