//! `GET /api/v1/notifications?unread=true&limit=&cursor=` (the signed-in user's, newest first)
//! and `POST /api/v1/notifications/{id}/read`. Notifications belong to people: API tokens are
//! refused (403).

use axum::Json;
use axum::extract::State;
use coexist_core::ids::{NotificationId, UserId};
use coexist_core::page::Page;
use coexist_core::store::NotificationRecord;
use serde::Deserialize;

use super::not_found;
use super::params::PageQuery;
use crate::auth::Action;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::inbox::live::announce;

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/notifications", list_notifications)
        .post("/api/v1/notifications/{id}/read", mark_read)
}

/// The signed-in user, once the policy allowed `OwnNotifications`.
fn person(actor: &Auth) -> Result<UserId, ApiError> {
    actor.may(Action::OwnNotifications)?;
    actor
        .user_id()
        .ok_or_else(|| ApiError::from(crate::auth::policy::Denied::PeopleOnly))
}

#[derive(Debug, Deserialize)]
struct NotificationsQuery {
    unread: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

async fn list_notifications(
    actor: Auth,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<NotificationsQuery>,
) -> Result<Json<Page<NotificationRecord>>, ApiError> {
    let user = person(&actor)?;
    let unread_only = match query.unread.as_deref().map(str::trim) {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                format!("unread: {other:?} is not true or false"),
            ));
        }
    };
    let limit = query.page.limit()?;
    let page = state
        .store
        .list_notifications(actor.org, user, unread_only, limit, query.page.cursor())
        .await?;
    Ok(Json(page))
}

async fn mark_read(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<NotificationId>,
) -> Result<Json<NotificationRecord>, ApiError> {
    let user = person(&actor)?;
    let now = state.clock.now();
    let read = state
        .store
        .mark_notification_read(actor.org, user, id, now)
        .await
        .map_err(not_found("notification", id))?;
    announce(&state).await;
    Ok(Json(read))
}
