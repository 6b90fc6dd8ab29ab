//! [`GraphClient`]: the hub's calls to Meta's Graph API (or a sandbox standing in for it): sends
//! and read receipts, templates, media. URLs come from `meta::graph`'s endpoint constants; the
//! base URL and token from the configuration; every call has a timeout.
//!
//! Errors keep what the outbox needs to decide: Meta's error (code, title, details) with the
//! HTTP status, or whether the request never left (safe to retry) or left without an answer
//! (Meta may have acted on it).

mod media;
mod onboarding;
mod templates;

use std::time::Duration;

use coexist_core::outbox::{Answer, meta_error};
use coexist_core::store::MessageError;
use meta::graph::messages::{MarkReadRequest, SendMessageResponse};
use meta::graph::{Endpoint, SEND_MESSAGE};
use meta::signature::{APPSECRET_PROOF_PARAM, appsecret_proof};
use reqwest::{Method, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::{Config, DEFAULT_GRAPH_VERSION};

/// Why a Graph call did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    /// Meta answered with an error object.
    #[error("Graph API error {} ({}): {}", .error.code, .http_status, .error.details.as_deref().unwrap_or(""))]
    Meta {
        /// HTTP status.
        http_status: u16,
        /// Meta's code, title and details.
        error: MessageError,
    },
    /// A non-success answer without Meta's error object.
    #[error("Graph API answered HTTP {status}: {body}")]
    Http {
        /// HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
        /// Its `Retry-After` header (delay-seconds), in milliseconds.
        retry_after_ms: Option<i64>,
    },
    /// The request never reached the Graph API.
    #[error("the Graph API could not be reached: {0}")]
    NotSent(String),
    /// The request was sent but no (complete) answer came back.
    #[error("no answer from the Graph API: {0}")]
    NoAnswer(String),
    /// The answer was not what the endpoint returns.
    #[error("unexpected answer from the Graph API: {0}")]
    Decode(String),
    /// A URL could not be built (an id with characters that would change the path).
    #[error("cannot build the Graph URL: {0}")]
    Url(String),
}

impl GraphError {
    /// The same failure in the outbox's terms.
    pub fn to_answer(&self) -> Answer {
        match self {
            GraphError::Meta { http_status, error } => Answer::Error {
                http_status: *http_status,
                meta: Some(error.clone()),
                body: String::new(),
                retry_after_ms: None,
            },
            GraphError::Http {
                status,
                body,
                retry_after_ms,
            } => Answer::Error {
                http_status: *status,
                meta: None,
                body: body.clone(),
                retry_after_ms: *retry_after_ms,
            },
            GraphError::NotSent(why) | GraphError::Url(why) => Answer::NotSent(why.clone()),
            // A success status whose body we cannot read: Meta may well have accepted it.
            GraphError::NoAnswer(why) | GraphError::Decode(why) => Answer::NoAnswer(why.clone()),
        }
    }
}

/// The Graph API client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    /// Scheme, host and any path prefix, without the version.
    base: String,
    /// `v23.0`.
    version: String,
    token: Option<String>,
    /// The app secret: every Graph call then carries `appsecret_proof` for its token.
    app_secret: Option<String>,
}

/// Splits a trailing `/vNN.N` off a base URL (the sandbox prints its URL with one; Meta's is
/// configured without).
fn split_version(base: &str) -> (String, Option<String>) {
    let base = base.trim_end_matches('/');
    if let Some((head, last)) = base.rsplit_once('/') {
        let digits = last.strip_prefix('v').unwrap_or("");
        let is_version =
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if is_version && head.contains("://") && head.len() > head.find("://").unwrap_or(0) + 3 {
            return (head.to_owned(), Some(last.to_owned()));
        }
    }
    (base.to_owned(), None)
}

impl GraphClient {
    /// A client for `config.graph_base_url` with the configured token and timeouts.
    pub fn from_config(config: &Config) -> Result<GraphClient, reqwest::Error> {
        let s = &config.sending;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(s.graph_timeout_ms))
            .connect_timeout(Duration::from_millis(s.graph_connect_timeout_ms))
            .build()?;
        let (base, version) = split_version(&config.graph_base_url);
        let version = version.unwrap_or_else(|| {
            if s.graph_version.is_empty() {
                DEFAULT_GRAPH_VERSION.to_owned()
            } else {
                s.graph_version.clone()
            }
        });
        Ok(GraphClient {
            http,
            base,
            version,
            token: config.access_token.as_ref().map(|t| t.expose().to_owned()),
            app_secret: config.app_secret.as_ref().map(|s| s.expose().to_owned()),
        })
    }

    /// The Graph API version used.
    pub fn version(&self) -> &str {
        &self.version
    }

    fn url(&self, endpoint: Endpoint, params: &[(&str, &str)]) -> Result<String, GraphError> {
        let path = endpoint
            .render(&self.version, params)
            .map_err(|e| GraphError::Url(e.to_string()))?;
        Ok(format!("{}{path}", self.base))
    }

    /// A Graph API request: the bearer token and, when the app secret is configured, the
    /// token's `appsecret_proof` as a query parameter (Meta apps with "Require App Secret"
    /// refuse calls without it). A proof already in `url` (a paging link) is replaced.
    fn request(&self, method: Method, url: &str) -> Result<reqwest::RequestBuilder, GraphError> {
        let mut url = reqwest::Url::parse(url).map_err(|e| GraphError::Url(e.to_string()))?;
        if let (Some(token), Some(secret)) = (&self.token, &self.app_secret) {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != APPSECRET_PROOF_PARAM)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair(
                    APPSECRET_PROOF_PARAM,
                    &appsecret_proof(secret.as_bytes(), token),
                );
        }
        Ok(self.bearer(self.http.request(method, url)))
    }

    /// The bearer token only: for media download URLs, which are not Graph API calls.
    fn bearer(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// `POST /{phone_number_id}/messages` with a send body; the wamid on success.
    pub async fn send_message(
        &self,
        phone_number_id: &str,
        body: &Value,
    ) -> Result<String, GraphError> {
        let url = self.url(SEND_MESSAGE, &[("phone_number_id", phone_number_id)])?;
        let request = self.request(Method::POST, &url)?.json(body);
        let response: SendMessageResponse = read_json(send(request).await?).await?;
        response
            .message_id()
            .map(|w| w.as_str().to_owned())
            .ok_or_else(|| GraphError::Decode("the send answer has no message id".to_owned()))
    }

    /// Marks `request.message_id` read (and shows the typing indicator if asked).
    pub async fn mark_read(
        &self,
        phone_number_id: &str,
        request: &MarkReadRequest,
    ) -> Result<(), GraphError> {
        let url = self.url(
            meta::graph::MARK_READ,
            &[("phone_number_id", phone_number_id)],
        )?;
        let http = self.request(Method::POST, &url)?.json(request);
        let _: Value = read_json(send(http).await?).await?;
        Ok(())
    }
}

/// Sends a request, telling "never left" from "left without an answer".
async fn send(request: reqwest::RequestBuilder) -> Result<Response, GraphError> {
    request.send().await.map_err(|e| {
        if e.is_connect() || e.is_builder() {
            GraphError::NotSent(e.to_string())
        } else {
            GraphError::NoAnswer(e.to_string())
        }
    })
}

/// A success body as `T`, or the error the answer carries.
async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, GraphError> {
    let status = response.status();
    let retry_after_ms = retry_after_ms(response.headers());
    let bytes = response
        .bytes()
        .await
        .map_err(|e| GraphError::NoAnswer(format!("reading the answer: {e}")))?;
    if !status.is_success() {
        return Err(error_of(status, &bytes, retry_after_ms));
    }
    serde_json::from_slice(&bytes).map_err(|e| GraphError::Decode(e.to_string()))
}

/// `Retry-After` as delay-seconds, in milliseconds (an HTTP-date is not read: the caller's
/// own back-off applies then).
fn retry_after_ms(headers: &reqwest::header::HeaderMap) -> Option<i64> {
    let seconds: i64 = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (seconds >= 0).then(|| seconds.saturating_mul(1_000))
}

fn error_of(status: StatusCode, bytes: &[u8], retry_after_ms: Option<i64>) -> GraphError {
    let body: Option<Value> = serde_json::from_slice(bytes).ok();
    match body.as_ref().and_then(meta_error) {
        Some(error) => GraphError::Meta {
            http_status: status.as_u16(),
            error,
        },
        None => GraphError::Http {
            status: status.as_u16(),
            body: String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned(),
            retry_after_ms,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::split_version;

    #[test]
    fn a_trailing_version_is_split_off_the_base_url() {
        assert_eq!(
            split_version("http://127.0.0.1:9/v23.0"),
            ("http://127.0.0.1:9".to_owned(), Some("v23.0".to_owned()))
        );
        assert_eq!(
            split_version("https://graph.facebook.com"),
            ("https://graph.facebook.com".to_owned(), None)
        );
        assert_eq!(
            split_version("https://proxy.test/meta/v25.0/"),
            (
                "https://proxy.test/meta".to_owned(),
                Some("v25.0".to_owned())
            )
        );
        assert_eq!(
            split_version("https://proxy.test/video"),
            ("https://proxy.test/video".to_owned(), None)
        );
    }
}
