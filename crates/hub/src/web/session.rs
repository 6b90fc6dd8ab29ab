//! Who is looking at a page: the signed-in user behind the session cookie, decided by the same
//! [`Actor`] extractor as every API route; or nobody, and the page redirects to `/login`.

use coexist_core::ids::{OrgId, UserId};

use crate::auth::{Actor, ActorKind};
use crate::http::{ApiError, AppState};

/// The signed-in user a page is rendered for.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    pub(crate) org: OrgId,
    pub(crate) user: UserId,
    pub(crate) name: String,
}

/// The signed-in user, or `None` without a live session (no cookie, an ended or expired
/// session; an API token is no sign-in for a page either). Other failures (the store is down)
/// are errors.
pub(crate) async fn viewer(
    state: &AppState,
    actor: Result<Actor, ApiError>,
) -> Result<Option<Viewer>, ApiError> {
    let actor = match actor {
        Ok(actor) => actor,
        Err(e) if e.status() == axum::http::StatusCode::UNAUTHORIZED => return Ok(None),
        Err(e) => return Err(e),
    };
    let ActorKind::User { id, .. } = actor.kind else {
        return Ok(None);
    };
    let user = state.store.get_user(actor.org, id).await?;
    Ok(Some(Viewer {
        org: actor.org,
        user: id,
        name: user.name,
    }))
}
