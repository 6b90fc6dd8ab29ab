//! Signed-in sessions of the web app.
//!
//! - The cookie `cx_session` holds 32 random bytes (base64url); the store keeps only the SHA-256
//!   of that value, so a copy of the database cannot be replayed as a session.
//! - The CSRF token is derived from the cookie secret (SHA-256 under a label), so it needs no
//!   storage, differs per session, and cannot be turned back into the secret. Cookie-authenticated
//!   requests that change something must echo it in `X-CSRF-Token`: another site can make the
//!   browser send the cookie, but cannot read the token.
//! - The cookie is `HttpOnly` (scripts cannot read it), `SameSite=Lax` (not sent on cross-site
//!   subrequests and posts), `Path=/`, and `Secure` when the hub's public URL is https.

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coexist_core::inbox::{LoginThrottle, SessionPolicy};
use coexist_core::store::{NewSession, SessionRecord, Store, StoreError, UserRecord};
use coexist_core::time::Timestamp;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::Config;

/// The session cookie.
pub const COOKIE: &str = "cx_session";
/// The header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How sign-in and sessions behave in this hub.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Mark the cookie `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// `scheme://host[:port]` of the public URL, which a sign-in form's `Origin` must match;
    /// without one, the `Origin` must name the host the request was sent to.
    pub public_origin: Option<String>,
    /// Session lifetimes.
    pub sessions: SessionPolicy,
    /// Failed sign-in throttling.
    pub throttle: LoginThrottle,
}

impl AuthSettings {
    /// The settings for `config`: secure cookies and a fixed origin when the public URL says so.
    pub fn from_config(config: &Config) -> Self {
        let public = config
            .public_url
            .as_deref()
            .and_then(|u| reqwest::Url::parse(u).ok());
        AuthSettings {
            secure_cookies: public.as_ref().is_some_and(|u| u.scheme() == "https"),
            public_origin: public.map(|u| u.origin().ascii_serialization()),
            sessions: SessionPolicy::default(),
            throttle: LoginThrottle::default(),
        }
    }
}

/// A new random cookie secret.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the store keeps of a cookie secret.
pub fn hash_secret(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The CSRF token of the session whose cookie secret is `secret`.
pub fn csrf_token(secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"coexist csrf v1\0");
    h.update(secret.as_bytes());
    URL_SAFE_NO_PAD.encode(h.finalize())
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The session cookie's value, if the request carries one.
pub fn cookie_secret(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// `Set-Cookie` for a new session, kept by the browser for the session's absolute lifetime.
pub fn set_cookie(secret: &str, settings: &AuthSettings) -> HeaderValue {
    let max_age = settings.sessions.lifetime_ms / 1_000;
    cookie_header(&format!("{COOKIE}={secret}; Max-Age={max_age}"), settings)
}

/// `Set-Cookie` that makes the browser forget the session cookie.
pub fn clear_cookie(settings: &AuthSettings) -> HeaderValue {
    cookie_header(&format!("{COOKIE}=; Max-Age=0"), settings)
}

fn cookie_header(start: &str, settings: &AuthSettings) -> HeaderValue {
    let secure = if settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let value = format!("{start}; Path=/; HttpOnly; SameSite=Lax{secure}");
    // Built from base64url and fixed text only, so always a valid header value.
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("cx_session="))
}

/// A session just started: the cookie secret (never stored) and its CSRF token.
#[derive(Debug, Clone)]
pub struct Started {
    /// The cookie value.
    pub secret: String,
    /// The CSRF token for this session.
    pub csrf_token: String,
    /// What the store keeps.
    pub record: SessionRecord,
}

/// Starts a new session for `user` (a new secret on every sign-in).
pub async fn start(
    store: &dyn Store,
    user: &UserRecord,
    policy: &SessionPolicy,
    now: Timestamp,
) -> Result<Started, StoreError> {
    let secret = generate_secret();
    let new = NewSession {
        user: user.id,
        hash: hash_secret(&secret),
        expires_at: policy.expires_at(now),
    };
    let record = store.create_session(user.org_id, new, now).await?;
    Ok(Started {
        csrf_token: csrf_token(&secret),
        secret,
        record,
    })
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};
    use coexist_core::inbox::{LoginThrottle, SessionPolicy};

    use super::{
        AuthSettings, clear_cookie, cookie_secret, csrf_token, generate_secret, hash_secret,
        same_secret, set_cookie,
    };

    fn settings(secure: bool) -> AuthSettings {
        AuthSettings {
            secure_cookies: secure,
            public_origin: None,
            sessions: SessionPolicy::default(),
            throttle: LoginThrottle::default(),
        }
    }

    #[test]
    fn secrets_are_256_bit_random_and_tokens_derive_from_them() {
        let (a, b) = (generate_secret(), generate_secret());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(csrf_token(&a), csrf_token(&a));
        assert_ne!(csrf_token(&a), csrf_token(&b));
        assert_ne!(csrf_token(&a), a);
        assert_ne!(hash_secret(&a), hash_secret(&b));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_behind_https() {
        let plain = set_cookie("abc", &settings(false));
        assert_eq!(
            plain,
            "cx_session=abc; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
        );
        let secure = set_cookie("abc", &settings(true));
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
        assert!(
            clear_cookie(&settings(false))
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; cx_session=s3cr3t"),
        );
        assert_eq!(cookie_secret(&h), Some("s3cr3t"));
        assert_eq!(cookie_secret(&HeaderMap::new()), None);
    }

    #[test]
    fn secret_comparison_needs_equal_length_and_bytes() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
