//! The inbound webhook pipeline, without HTTP: check the signature over the raw bytes, parse the
//! envelope, normalize it into an [`IngestBatch`]. The HTTP handler adds the body limit, the
//! store call and the answer.

use coexist_core::ids::OrgId;
use coexist_core::ingest::{IngestBatch, ReadError, read_webhook};
use coexist_core::time::Timestamp;
use meta::signature::SignatureError;
use meta::webhook::verification::{VerificationError, verify_query};

use crate::config::{Config, Secret};

/// The webhook endpoint's secrets.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    app_secret: Secret,
    app_secret_previous: Option<Secret>,
    verify_token: Option<Secret>,
}

/// The configuration has no app secret; the webhook endpoint refuses to run without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "no app secret configured: set --app-secret, COEXIST_APP_SECRET or app_secret in the config file \
     (the webhook endpoint never accepts unsigned deliveries)"
)]
pub struct MissingAppSecret;

/// Why a verification handshake was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    /// No verify token is configured, so no handshake can succeed.
    #[error("no verify token is configured on this hub")]
    NotConfigured,
    /// The request did not pass.
    #[error(transparent)]
    Refused(#[from] VerificationError),
}

impl WebhookSettings {
    /// The settings of `config`; fails closed without an app secret.
    pub fn from_config(config: &Config) -> Result<Self, MissingAppSecret> {
        Ok(WebhookSettings {
            app_secret: config.app_secret.clone().ok_or(MissingAppSecret)?,
            app_secret_previous: config.app_secret_previous.clone(),
            verify_token: config.verify_token.clone(),
        })
    }

    /// Whether a verify token is configured (without one every handshake fails).
    pub fn has_verify_token(&self) -> bool {
        self.verify_token.is_some()
    }

    /// Checks `X-Hub-Signature-256` against the current app secret, then the previous one. The
    /// error is the current secret's: a missing or malformed header is the same for both.
    pub fn verify_signature(
        &self,
        header: Option<&str>,
        body: &[u8],
    ) -> Result<(), SignatureError> {
        let current = meta::signature::verify(self.app_secret.expose().as_bytes(), header, body);
        match (&current, &self.app_secret_previous) {
            (Err(SignatureError::Mismatch), Some(previous)) => {
                meta::signature::verify(previous.expose().as_bytes(), header, body)
                    .map_err(|_| SignatureError::Mismatch)
            }
            _ => current,
        }
    }

    /// Decides a verification handshake from the raw query string: the challenge to echo, or why
    /// not.
    pub fn verify_handshake(&self, query: &str) -> Result<String, HandshakeError> {
        let token = self
            .verify_token
            .as_ref()
            .ok_or(HandshakeError::NotConfigured)?;
        Ok(verify_query(query, token.expose())?)
    }
}

/// Parses and normalizes a body whose signature was checked. A change that does not match
/// Meta's model as we know it is kept raw (see [`read_webhook`]); only a body that is not JSON,
/// or not a WhatsApp webhook envelope at all, is refused.
pub fn prepare_batch(
    body: Vec<u8>,
    signature: Option<String>,
    default_org: OrgId,
    received_at: Timestamp,
) -> Result<IngestBatch, ReadError> {
    let changes = read_webhook(&body, received_at)?;
    Ok(IngestBatch::new(
        default_org,
        received_at,
        body,
        signature,
        changes,
    ))
}

#[cfg(test)]
mod tests;
