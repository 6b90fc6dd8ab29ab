//! `POST /auth/login`, `POST /auth/logout` (this session) and `POST /auth/logout-all` (every
//! session of the user: "sign out everywhere").
//!
//! Sign-in takes JSON `{"email", "password"}` (answered 200 `{"user", "csrf_token"}` or a JSON
//! error) or the login page's form (answered 303: to the form's `next` path on success, back to
//! `/login?error=<code>` otherwise). Both set the session cookie on success. The form has no
//! CSRF token to carry (there is no session yet); it is protected by `SameSite=Lax` and by
//! checking that `Origin` (and `Sec-Fetch-Site`) name this hub.
//!
//! Signing out needs the session's CSRF token like any other change.

use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use coexist_core::ids::{SessionId, UserId};
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, AppState, Routes};
use crate::auth::actor::csrf_failed;
use crate::auth::login::{LoginError, SignedIn, sign_in};
use crate::auth::policy::Denied;
use crate::auth::sessions::{AuthSettings, clear_cookie, set_cookie};
use crate::auth::{Action, Actor, ActorKind};

pub(super) fn routes() -> Routes {
    Routes::new()
        .post("/auth/login", login)
        .post("/auth/logout", logout)
        .post("/auth/logout-all", logout_all)
}

#[derive(Debug, Deserialize)]
struct Credentials {
    email: String,
    password: String,
    /// Form posts only: where to go after signing in.
    next: Option<String>,
}

async fn login(State(state): State<AppState>, request: Request) -> Response {
    let form = is_form(request.headers());
    if let Err(e) = check_origin(request.headers(), &state.auth) {
        return failed(form, e, None);
    }
    let credentials = if form {
        Form::<Credentials>::from_request(request, &state)
            .await
            .map(|Form(c)| c)
            .map_err(|r| ApiError::bad_request("invalid_request", r.body_text()))
    } else {
        Json::<Credentials>::from_request(request, &state)
            .await
            .map(|Json(c)| c)
            .map_err(|r| ApiError::bad_request("invalid_request", r.body_text()))
    };
    let credentials = match credentials {
        Ok(c) => c,
        Err(e) => return failed(form, e, None),
    };
    let now = state.clock.now();
    let signed = sign_in(
        &state.store,
        &state.auth,
        &credentials.email,
        &credentials.password,
        now,
    )
    .await;
    match signed {
        Ok(signed) => signed_in(form, &signed, &state.auth, credentials.next.as_deref()),
        Err(e) => failed(form, login_error(e), Some(&credentials)),
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// A sign-in from a browser must come from this hub's own pages.
fn check_origin(headers: &HeaderMap, settings: &AuthSettings) -> Result<(), ApiError> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if text(header::HeaderName::from_static("sec-fetch-site")) == Some("cross-site") {
        return Err(csrf_failed("sign-in from another site is refused"));
    }
    // Browsers send Origin with every POST; scripts and other clients need not.
    let Some(origin) = text(header::ORIGIN) else {
        return Ok(());
    };
    let same = match &settings.public_origin {
        Some(public) => origin.eq_ignore_ascii_case(public),
        None => {
            let host = origin.split_once("://").map(|(_, h)| h);
            host.is_some() && host == text(header::HOST)
        }
    };
    if same {
        Ok(())
    } else {
        Err(csrf_failed("sign-in from another site is refused"))
    }
}

fn login_error(e: LoginError) -> ApiError {
    match e {
        LoginError::InvalidCredentials => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            e.to_string(),
        ),
        LoginError::TooManyAttempts => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            e.to_string(),
        ),
        LoginError::Store(e) => ApiError::from(e),
        LoginError::Internal(cause) => ApiError::internal(cause),
    }
}

/// Where a successful form post goes: a same-origin path, else the inbox.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

fn signed_in(
    form: bool,
    signed: &SignedIn,
    settings: &AuthSettings,
    next: Option<&str>,
) -> Response {
    let cookie = (
        header::SET_COOKIE,
        set_cookie(&signed.session.secret, settings),
    );
    if form {
        let to = HeaderValue::from_str(safe_next(next)).unwrap_or(HeaderValue::from_static("/"));
        return (StatusCode::SEE_OTHER, [cookie, (header::LOCATION, to)]).into_response();
    }
    let body = json!({ "user": signed.user, "csrf_token": signed.session.csrf_token });
    ([cookie], Json(body)).into_response()
}

/// A JSON error, or for a form a 303 back to the login page with the error's code.
fn failed(form: bool, e: ApiError, credentials: Option<&Credentials>) -> Response {
    if !form || e.status().is_server_error() {
        return e.into_response();
    }
    let mut to = reqwest::Url::parse("http://hub/login").expect("a valid URL");
    {
        let mut q = to.query_pairs_mut();
        q.append_pair("error", e.code());
        if let Some(c) = credentials {
            q.append_pair("email", &c.email);
            q.append_pair("next", safe_next(c.next.as_deref()));
        }
    }
    let location = format!("/login?{}", to.query().unwrap_or_default());
    let to = HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/login"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

/// The session and user of a signed-in actor (integrations have no session to end).
fn session_of(actor: &Actor) -> Result<(SessionId, UserId), ApiError> {
    actor.may(Action::OwnSessions)?;
    match &actor.kind {
        ActorKind::User { session, id, .. } => Ok((*session, *id)),
        ActorKind::Token { .. } => Err(ApiError::from(Denied::PeopleOnly)),
    }
}

async fn logout(actor: Actor, State(state): State<AppState>) -> Result<Response, ApiError> {
    let (session, _) = session_of(&actor)?;
    state.store.end_session(session, state.clock.now()).await?;
    Ok(signed_out(&state.auth))
}

async fn logout_all(actor: Actor, State(state): State<AppState>) -> Result<Response, ApiError> {
    let (_, user) = session_of(&actor)?;
    let now = state.clock.now();
    state.store.end_user_sessions(actor.org, user, now).await?;
    Ok(signed_out(&state.auth))
}

fn signed_out(settings: &AuthSettings) -> Response {
    let cookie = (header::SET_COOKIE, clear_cookie(settings));
    (StatusCode::NO_CONTENT, [cookie]).into_response()
}
