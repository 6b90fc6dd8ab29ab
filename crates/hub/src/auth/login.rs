//! Signing in, without HTTP: throttle, verify the password, start a session.
//!
//! A wrong password and an unknown email get the same answer after the same work (an unknown
//! email is checked against a decoy hash), and both count as a failure for that email: after
//! too many in the window every attempt for the email is refused, the right password too,
//! until the window has moved on.

use std::sync::Arc;

use coexist_core::inbox::Email;
use coexist_core::store::{Store, StoreError, UserRecord};
use coexist_core::time::Timestamp;

use super::passwords::{self, Verified};
use super::sessions::{self, AuthSettings, Started};

/// A signed-in user and their new session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who.
    pub user: UserRecord,
    /// The new session (cookie secret and CSRF token).
    pub session: Started,
}

/// Why signing in failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong email or password (the same for both).
    #[error("Wrong email or password.")]
    InvalidCredentials,
    /// Too many recent failures for this email.
    #[error("Too many failed attempts for this email. Wait a few minutes and try again.")]
    TooManyAttempts,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The password check could not run.
    #[error("checking the password failed: {0}")]
    Internal(String),
}

/// Signs `email` in with `password` at `now`.
pub async fn sign_in(
    store: &Arc<dyn Store>,
    settings: &AuthSettings,
    email: &str,
    password: &str,
    now: Timestamp,
) -> Result<SignedIn, LoginError> {
    let Ok(email) = Email::parse(email) else {
        check(password, None).await?;
        return Err(LoginError::InvalidCredentials);
    };
    let since = settings.throttle.window_start(now);
    let failures = store.login_failures_since(&email, since).await?;
    if settings.throttle.refuses(failures) {
        return Err(LoginError::TooManyAttempts);
    }
    let login = store.find_login(&email).await?;
    let stored = login.as_ref().map(|l| l.password_hash.clone());
    let verified = check(password, stored).await?;
    let (Some(login), Verified::Match { rehash }) = (login, verified) else {
        store.record_login_failure(&email, now).await?;
        return Err(LoginError::InvalidCredentials);
    };
    store.clear_login_failures(&email).await?;
    if rehash {
        rehash_password(store, &login.user, password, now).await;
    }
    let session = sessions::start(store.as_ref(), &login.user, &settings.sessions, now).await?;
    Ok(SignedIn {
        user: login.user,
        session,
    })
}

/// Verifies on the blocking pool (tens of milliseconds of CPU); `None`: against the decoy.
async fn check(password: &str, stored: Option<String>) -> Result<Verified, LoginError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => passwords::verify(&password, &stored),
        None => {
            passwords::verify_decoy(&password);
            Verified::Mismatch
        }
    })
    .await
    .map_err(|e| LoginError::Internal(e.to_string()))
}

/// Stores a hash with today's parameters; a failure only leaves the old hash in place.
async fn rehash_password(
    store: &Arc<dyn Store>,
    user: &UserRecord,
    password: &str,
    now: Timestamp,
) {
    let password = password.to_owned();
    let hashed = tokio::task::spawn_blocking(move || passwords::hash(&password)).await;
    let result = match hashed {
        Ok(Ok(hash)) => store
            .set_password_hash(user.org_id, user.id, hash, now)
            .await
            .map_err(|e| e.to_string()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = result {
        tracing::warn!(user = %user.id, error = %e, "could not re-hash a password");
    }
}
