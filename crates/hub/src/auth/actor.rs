//! [`Actor`]: who calls an API route, from an API token (`Authorization: Bearer`) or the web
//! app's session cookie. Every API handler takes one, so authentication happens here and only
//! here; what the actor may then do is [`super::policy::authorize`]'s answer.
//!
//! An `Authorization` header wins over a cookie. With the cookie, a request that may change
//! something (any method but GET, HEAD and OPTIONS) must carry the session's CSRF token in
//! `X-CSRF-Token`, or it is refused with 403 `csrf_failed`; tokens need none (a browser never
//! adds them by itself).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use coexist_core::ids::{OrgId, SessionId, TokenId, UserId};
use coexist_core::inbox::Role;
use coexist_core::store::{By, SessionRecord};

use super::policy::{Action, authorize};
use super::sessions::{CSRF_HEADER, cookie_secret, csrf_token, hash_secret, same_secret};
use crate::http::extract::bearer_token;
use crate::http::{ApiError, AppState};

/// The caller of an API route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The organization whose data the caller sees.
    pub org: OrgId,
    /// A person or an integration.
    pub kind: ActorKind,
}

/// How the caller authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorKind {
    /// A signed-in user of the web app (session cookie).
    User {
        /// The user.
        id: UserId,
        /// Their role.
        role: Role,
        /// The session used.
        session: SessionId,
        /// The session's CSRF token (for `GET /api/v1/me`).
        csrf_token: String,
    },
    /// An integration (API token).
    Token {
        /// The token.
        id: TokenId,
        /// The token's role.
        role: Role,
    },
}

impl Actor {
    /// The actor's role.
    pub fn role(&self) -> Role {
        match &self.kind {
            ActorKind::User { role, .. } | ActorKind::Token { role, .. } => *role,
        }
    }

    /// The user, for a signed-in person.
    pub fn user_id(&self) -> Option<UserId> {
        match &self.kind {
            ActorKind::User { id, .. } => Some(*id),
            ActorKind::Token { .. } => None,
        }
    }

    /// Who the store records as having made a change.
    pub fn by(&self) -> By {
        match &self.kind {
            ActorKind::User { id, .. } => By::User(*id),
            ActorKind::Token { id, .. } => By::Token(*id),
        }
    }

    /// Refuses with 403 `forbidden` unless the policy allows `action`.
    pub fn may(&self, action: Action) -> Result<(), ApiError> {
        authorize(self, action).map_err(ApiError::from)
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if parts.headers.contains_key(header::AUTHORIZATION) {
            return from_token(parts, state).await;
        }
        match cookie_secret(&parts.headers) {
            Some(secret) => from_session(parts, state, secret).await,
            None => Err(ApiError::unauthorized(
                "sign in, or send Authorization: Bearer <token>",
            )),
        }
    }
}

async fn from_token(parts: &Parts, state: &AppState) -> Result<Actor, ApiError> {
    let token = bearer_token(&parts.headers)?;
    let record = state
        .store
        .find_api_token(&crate::auth::hash_token(token))
        .await?
        .ok_or_else(|| ApiError::unauthorized("the API token is not valid or was revoked"))?;
    let role = record.role.parse::<Role>().map_err(|_| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this token's role {:?} is not known", record.role),
        )
    })?;
    Ok(Actor {
        org: record.org_id,
        kind: ActorKind::Token {
            id: record.id,
            role,
        },
    })
}

async fn from_session(parts: &Parts, state: &AppState, secret: &str) -> Result<Actor, ApiError> {
    let now = state.clock.now();
    let session = state
        .store
        .find_session(&hash_secret(secret))
        .await?
        .ok_or_else(|| ApiError::unauthorized("the session has ended: sign in again"))?;
    let policy = &state.auth.sessions;
    if !policy.is_live(session.created_at, session.last_seen_at, now) || now >= session.expires_at {
        return Err(ApiError::unauthorized("the session expired: sign in again"));
    }
    let csrf = csrf_token(secret);
    if !is_safe(&parts.method) {
        check_csrf(parts, &csrf)?;
    }
    if policy.needs_touch(session.last_seen_at, now) {
        touch(state, &session, now).await;
    }
    Ok(Actor {
        org: session.user.org_id,
        kind: ActorKind::User {
            id: session.user.id,
            role: session.user.role,
            session: session.id,
            csrf_token: csrf,
        },
    })
}

/// Methods that change nothing, which browsers send cross-site freely.
fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn check_csrf(parts: &Parts, expected: &str) -> Result<(), ApiError> {
    let sent = parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    match sent {
        Some(sent) if same_secret(sent, expected) => Ok(()),
        Some(_) => Err(csrf_failed(
            "the X-CSRF-Token header does not match this session",
        )),
        None => Err(csrf_failed(
            "send the session's CSRF token (from sign-in or GET /api/v1/me) in X-CSRF-Token",
        )),
    }
}

/// 403 `csrf_failed`.
pub(crate) fn csrf_failed(message: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "csrf_failed", message)
}

/// Records activity; a failure only makes the idle timeout count from an older time.
async fn touch(state: &AppState, session: &SessionRecord, now: coexist_core::time::Timestamp) {
    if let Err(e) = state.store.touch_session(session.id, now).await {
        tracing::warn!(error = %e, session = %session.id, "could not record session activity");
    }
}
