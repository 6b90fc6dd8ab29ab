//! Who is looking at a page: the signed-in user behind the `cx_session` cookie, or nobody (the
//! page then redirects to `/login`).

use axum::http::HeaderMap;
use axum::http::header;
use coexist_core::ids::{OrgId, UserId};
use coexist_core::inbox::SessionPolicy;
use sha2::{Digest, Sha256};

use crate::http::{ApiError, AppState};

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "cx_session";

/// The signed-in user a page is rendered for.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    pub(crate) org: OrgId,
    pub(crate) user: UserId,
    pub(crate) name: String,
}

/// The value of cookie `name`, if the request carries it.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The signed-in user, or `None` without a live session.
pub(crate) async fn viewer(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Viewer>, ApiError> {
    let Some(secret) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
    let Some(session) = state.store.find_session(&hash).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    if !SessionPolicy::default().is_live(session.created_at, session.last_seen_at, now) {
        return Ok(None);
    }
    Ok(Some(Viewer {
        org: session.user.org_id,
        user: session.user.id,
        name: session.user.name,
    }))
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::cookie;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("cx_tzo=60; cx_session=abc-_123"),
        );
        assert_eq!(cookie(&h, "cx_session"), Some("abc-_123"));
        assert_eq!(cookie(&h, "cx_tzo"), Some("60"));
        assert_eq!(cookie(&h, "other"), None);
        let mut empty = HeaderMap::new();
        empty.append(header::COOKIE, HeaderValue::from_static("cx_session="));
        assert_eq!(cookie(&empty, "cx_session"), None);
    }
}
