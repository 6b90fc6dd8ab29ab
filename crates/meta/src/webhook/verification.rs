//! The webhook verification handshake (Meta page "Create a webhook endpoint"; META.md §1.1):
//! `GET <callback>?hub.mode=subscribe&hub.challenge=<C>&hub.verify_token=<T>` must be answered
//! with HTTP 200 and body `<C>` when `<T>` is the configured token.

/// `hub.mode` Meta always sends.
pub const MODE_SUBSCRIBE: &str = "subscribe";

/// Why a verification request is refused. Callers answer 403 (token) or 400 (shape).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerificationError {
    /// `hub.mode` is absent.
    #[error("missing hub.mode")]
    MissingMode,
    /// `hub.mode` is not `subscribe`.
    #[error("hub.mode is {0:?}, expected \"subscribe\"")]
    WrongMode(String),
    /// `hub.challenge` is absent or empty.
    #[error("missing hub.challenge")]
    MissingChallenge,
    /// `hub.verify_token` is absent.
    #[error("missing hub.verify_token")]
    MissingToken,
    /// The token does not match.
    #[error("hub.verify_token does not match")]
    TokenMismatch,
    /// A `%XX` escape is malformed or decodes to invalid UTF-8.
    #[error("malformed query string: {0}")]
    BadEncoding(String),
}

/// The three `hub.*` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerificationRequest {
    /// `hub.mode`.
    pub mode: Option<String>,
    /// `hub.challenge`.
    pub challenge: Option<String>,
    /// `hub.verify_token`.
    pub verify_token: Option<String>,
}

impl VerificationRequest {
    /// Reads the parameters from a raw query string (without the leading `?`),
    /// percent-decoding values (`+` is a space). Other parameters are ignored.
    pub fn from_query(query: &str) -> Result<Self, VerificationError> {
        let mut pairs = Vec::new();
        for part in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            pairs.push((percent_decode(key)?, percent_decode(value)?));
        }
        Ok(Self::from_pairs(pairs))
    }

    /// Reads the parameters from decoded key/value pairs (e.g. a framework's query map).
    /// When a key repeats, the first value wins.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut request = Self::default();
        for (key, value) in pairs {
            let slot = match key.as_ref() {
                "hub.mode" => &mut request.mode,
                "hub.challenge" => &mut request.challenge,
                "hub.verify_token" => &mut request.verify_token,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.into());
            }
        }
        request
    }

    /// Decides the request: `Ok(challenge)` to echo with HTTP 200, or why not. The token is
    /// compared in constant time.
    pub fn verify(&self, expected_token: &str) -> Result<&str, VerificationError> {
        match self.mode.as_deref() {
            None => return Err(VerificationError::MissingMode),
            Some(MODE_SUBSCRIBE) => {}
            Some(other) => return Err(VerificationError::WrongMode(other.to_owned())),
        }
        let token = self
            .verify_token
            .as_deref()
            .ok_or(VerificationError::MissingToken)?;
        if !constant_time_eq(token.as_bytes(), expected_token.as_bytes()) {
            return Err(VerificationError::TokenMismatch);
        }
        match self.challenge.as_deref() {
            Some(challenge) if !challenge.is_empty() => Ok(challenge),
            _ => Err(VerificationError::MissingChallenge),
        }
    }
}

/// Parses `query` and decides it: `Ok(challenge)` or why not.
pub fn verify_query(query: &str, expected_token: &str) -> Result<String, VerificationError> {
    VerificationRequest::from_query(query)?
        .verify(expected_token)
        .map(str::to_owned)
}

/// Compares without an early exit on the first differing byte. Only the length leaks.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

fn percent_decode(s: &str) -> Result<String, VerificationError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                out.push(byte.ok_or_else(|| {
                    VerificationError::BadEncoding(format!("bad escape at byte {i}"))
                })?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| VerificationError::BadEncoding("not UTF-8 after decoding".to_owned()))
}
