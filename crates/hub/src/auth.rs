//! Who is calling, and what they may do.
//!
//! - API tokens (this file): 32 random bytes, shown once as `cxt_` plus base64url, stored only as
//!   the SHA-256 of the whole token string. A database leak therefore yields no usable token, and
//!   a lookup is one indexed equality on the hash (no timing-sensitive comparison of secrets in
//!   our code).
//! - [`passwords`]: Argon2id password hashes (PHC strings, OWASP baseline parameters).
//! - [`sessions`]: the web app's signed-in sessions: the `cx_session` cookie (only its SHA-256 is
//!   stored), the CSRF token derived from it, the cookie's attributes.
//! - [`login`]: signing in (throttled per email, the same answer for unknown emails) and out.
//! - [`Actor`]: the extractor every API route takes: an API token **or** a session cookie (then
//!   every non-GET request must carry `X-CSRF-Token`).
//! - [`policy`]: what each role may do, decided in one function of (actor, action).

pub(crate) mod actor;
pub mod login;
pub mod passwords;
pub mod policy;
pub mod sessions;

pub use actor::{Actor, ActorKind};
pub use policy::{Action, authorize};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coexist_core::ids::OrgId;
use coexist_core::store::{ApiTokenRecord, NewApiToken, Store, StoreError};
use coexist_core::time::Timestamp;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Every token starts with this, so secret scanners and people recognize one.
pub const TOKEN_PREFIX: &str = "cxt_";
/// The role of tokens made by `coexist admin token create`: everything the API offers.
pub const ROLE_ADMIN: &str = "admin";

/// A token just created: the secret (shown once, never stored) and its record.
#[derive(Debug)]
pub struct IssuedToken {
    /// The token to hand to the client.
    pub token: String,
    /// What the store keeps.
    pub record: ApiTokenRecord,
}

/// A new random token string.
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The hash a token is stored and looked up by.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Creates a token for `org` and stores its hash.
pub async fn create_api_token(
    store: &dyn Store,
    org: OrgId,
    name: &str,
    role: &str,
    now: Timestamp,
) -> Result<IssuedToken, StoreError> {
    let token = generate_token();
    let new = NewApiToken {
        name: name.to_owned(),
        hash: hash_token(&token),
        role: role.to_owned(),
    };
    let record = store.create_api_token(org, new, now).await?;
    Ok(IssuedToken { token, record })
}

#[cfg(test)]
mod tests {
    use super::{TOKEN_PREFIX, generate_token, hash_token};

    #[test]
    fn tokens_are_prefixed_random_and_hash_stably() {
        let a = generate_token();
        let b = generate_token();
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 43);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
    }
}
