//! `GET /api/v1/users` (everyone: for assignment and @mentions) and `POST /api/v1/users`
//! `{"email", "name", "password", "role"}` (admins only) → 201 with the user.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use coexist_core::inbox::Role;
use coexist_core::store::UserRecord;
use serde::Deserialize;

use super::List;
use crate::auth::Action;
use crate::auth::passwords::PasswordError;
use crate::http::extract::ApiJson;
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::inbox::users::{CreateUserError, UserInput, create_user};

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/users", list_users)
        .post("/api/v1/users", add_user)
}

async fn list_users(
    actor: Auth,
    State(state): State<AppState>,
) -> Result<Json<List<UserRecord>>, ApiError> {
    actor.may(Action::Read)?;
    Ok(Json(List::new(state.store.list_users(actor.org).await?)))
}

#[derive(Debug, Deserialize)]
struct NewUserBody {
    email: String,
    name: String,
    password: String,
    role: Role,
}

async fn add_user(
    actor: Auth,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<NewUserBody>,
) -> Result<(StatusCode, Json<UserRecord>), ApiError> {
    actor.may(Action::ManageUsers)?;
    let input = UserInput {
        email: &body.email,
        name: &body.name,
        role: body.role,
        password: &body.password,
    };
    let user = create_user(state.store.as_ref(), actor.org, input, state.clock.now())
        .await
        .map_err(|e| match e {
            CreateUserError::Password(PasswordError::Hash(cause)) => ApiError::internal(cause),
            CreateUserError::Invalid(_) | CreateUserError::Password(_) => {
                ApiError::bad_request("invalid_request", e.to_string())
            }
            CreateUserError::EmailTaken(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            CreateUserError::Store(e) => ApiError::from(e),
        })?;
    Ok((StatusCode::CREATED, Json(user)))
}
