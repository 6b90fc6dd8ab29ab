//! `GET /oauth/access_token`: exchange an Embedded Signup `code` for a business token
//! (Meta page "Onboarding customers as a Tech Provider"; META.md §10.3).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The query parameters. `Debug` redacts the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessTokenQuery {
    /// The app id.
    pub client_id: String,
    /// The app secret.
    pub client_secret: String,
    /// The code from the Embedded Signup callback.
    pub code: String,
}

impl std::fmt::Debug for AccessTokenQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokenQuery")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("code", &"<redacted>")
            .finish()
    }
}

impl AccessTokenQuery {
    /// Query pairs to append to the URL (the caller percent-encodes).
    pub fn query_pairs(&self) -> [(&'static str, &str); 3] {
        [
            ("client_id", &self.client_id),
            ("client_secret", &self.client_secret),
            ("code", &self.code),
        ]
    }
}

/// The response: `{"access_token": …}`; other fields are unconfirmed and kept in `extra`
/// when not modelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessTokenResponse {
    /// The business-integration system-user token.
    pub access_token: String,
    /// E.g. `bearer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// Lifetime in seconds, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
