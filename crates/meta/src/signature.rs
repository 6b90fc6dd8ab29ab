//! `X-Hub-Signature-256`: HMAC-SHA256 of the raw webhook body keyed with the app secret
//! (Meta page "Create a webhook endpoint", META.md §1.2).
//!
//! [`sign`] and [`verify`] live together so the sandbox and the tests never re-implement HMAC.
//!
//! The same HMAC, keyed with the app secret over the access token, is Graph's `appsecret_proof`
//! ([`appsecret_proof`], [`verify_appsecret_proof`]): apps with "Require App Secret" on refuse
//! calls without it (META.md §6.1; Graph's "Securing requests" page).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::json::escape_non_ascii;

/// The header Meta signs webhook deliveries with.
pub const HEADER: &str = "X-Hub-Signature-256";
/// The prefix of the header value.
pub const PREFIX: &str = "sha256=";
/// Length of the hex digest after the prefix.
pub const HEX_LEN: usize = 64;

type HmacSha256 = Hmac<Sha256>;

/// Why a signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `X-Hub-Signature-256` header, or an empty one.
    #[error("missing X-Hub-Signature-256 header")]
    Missing,
    /// The header is not `sha256=` followed by 64 hex digits.
    #[error("malformed X-Hub-Signature-256 header: {0}")]
    Malformed(&'static str),
    /// The digest does not match the body.
    #[error("X-Hub-Signature-256 does not match the body")]
    Mismatch,
}

/// Computes the header value for `body`: `sha256=<64 lowercase hex digits>`.
pub fn sign(app_secret: &[u8], body: &[u8]) -> String {
    let mut out = String::with_capacity(PREFIX.len() + HEX_LEN);
    out.push_str(PREFIX);
    out.push_str(&hex::encode(mac(app_secret, body).finalize().into_bytes()));
    out
}

/// Checks `header_value` against `body` in constant time.
///
/// The raw bytes are checked first. If they don't match and the body holds non-ASCII bytes,
/// the check is repeated over the `\uXXXX`-escaped form, since Meta documents signing "an
/// escaped unicode version of the payload" (META.md §1.2).
pub fn verify(
    app_secret: &[u8],
    header_value: Option<&str>,
    body: &[u8],
) -> Result<(), SignatureError> {
    let expected = decode_header(header_value)?;
    if mac(app_secret, body).verify_slice(&expected).is_ok() {
        return Ok(());
    }
    match escape_non_ascii(body) {
        Some(escaped) if mac(app_secret, &escaped).verify_slice(&expected).is_ok() => Ok(()),
        _ => Err(SignatureError::Mismatch),
    }
}

/// The query parameter Graph API calls carry the proof in.
pub const APPSECRET_PROOF_PARAM: &str = "appsecret_proof";

/// `appsecret_proof` for `access_token`: the lowercase hex HMAC-SHA256 of the token keyed with
/// the app secret.
pub fn appsecret_proof(app_secret: &[u8], access_token: &str) -> String {
    hex::encode(
        mac(app_secret, access_token.as_bytes())
            .finalize()
            .into_bytes(),
    )
}

/// Whether `proof` is the `appsecret_proof` of `access_token` (hex, either case), checked in
/// constant time.
pub fn verify_appsecret_proof(app_secret: &[u8], access_token: &str, proof: &str) -> bool {
    hex::decode(proof.trim()).is_ok_and(|expected| {
        mac(app_secret, access_token.as_bytes())
            .verify_slice(&expected)
            .is_ok()
    })
}

fn decode_header(header_value: Option<&str>) -> Result<Vec<u8>, SignatureError> {
    let value = header_value.map(str::trim).filter(|v| !v.is_empty());
    let value = value.ok_or(SignatureError::Missing)?;
    let digest = value
        .strip_prefix(PREFIX)
        .ok_or(SignatureError::Malformed("expected the prefix sha256="))?;
    if digest.len() != HEX_LEN {
        return Err(SignatureError::Malformed(
            "expected 64 hex digits after sha256=",
        ));
    }
    hex::decode(digest).map_err(|_| SignatureError::Malformed("digest is not hexadecimal"))
}

fn mac(key: &[u8], body: &[u8]) -> HmacSha256 {
    // RFC 2104 HMAC accepts keys of any length (long keys are hashed, short ones padded);
    // the `hmac` crate documents `new_from_slice` as infallible for HMAC.
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac
}
