//! `GET /webhooks/whatsapp` (Meta's verification handshake) and `POST /webhooks/whatsapp`
//! (deliveries): raw bytes → signature → parse → normalize → one store commit → 200 → doorbell.
//!
//! The body is read as raw bytes, never `Json<T>`: the signature covers the exact bytes. Nothing
//! slow happens here; workers react to the doorbell.

mod body;

use axum::Json;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use coexist_core::ids::Position;
use coexist_core::ingest::{IngestBatch, IngestOutcome, ReadError};
use coexist_core::store::StoreError;
use meta::signature::SignatureError;
use serde::Serialize;

use super::{ApiError, AppState};
use crate::webhook::{HandshakeError, prepare_batch};

/// The largest body accepted: above Meta's documented 3 MB, so no legitimate delivery is refused.
pub const WEBHOOK_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// What a committed delivery did (Meta only looks at the status).
#[derive(Debug, Serialize)]
pub(crate) struct Receipt {
    status: &'static str,
    duplicate_request: bool,
    messages_created: u64,
    messages_duplicate: u64,
    statuses_advanced: u64,
    statuses_recorded: u64,
    head: Position,
}

pub(crate) async fn verify(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    match state
        .webhook
        .verify_handshake(query.as_deref().unwrap_or(""))
    {
        Ok(challenge) => {
            let text = HeaderValue::from_static("text/plain; charset=utf-8");
            let nosniff = HeaderValue::from_static("nosniff");
            let headers = [
                (header::CONTENT_TYPE, text),
                (header::X_CONTENT_TYPE_OPTIONS, nosniff),
            ];
            (StatusCode::OK, headers, challenge).into_response()
        }
        Err(e) => {
            tracing::warn!(reason = %e, "webhook verification refused");
            let code = match e {
                HandshakeError::NotConfigured => "verify_token_not_configured",
                HandshakeError::Refused(_) => "verification_failed",
            };
            ApiError::new(StatusCode::FORBIDDEN, code, e.to_string()).into_response()
        }
    }
}

pub(crate) async fn receive(
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<Receipt>, ApiError> {
    // The whole request rather than a `HeaderMap` extractor, which would copy the headers.
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let body = body::read_limited(headers, body, WEBHOOK_BODY_LIMIT).await?;
    let signature = signature_header(headers).map_err(rejected)?;
    state
        .webhook
        .verify_signature(signature.as_deref(), &body)
        .map_err(rejected)?;
    let batch = prepare(&state, body, signature).await?;
    let outcome = state.store.ingest(batch).await.map_err(store_failed)?;
    // Answer 200 only now that the store has committed; then wake the live readers.
    state.doorbell.ring(outcome.head);
    tracing::debug!(
        messages_created = outcome.messages_created,
        duplicate = outcome.duplicate_request,
        head = %outcome.head,
        "webhook committed"
    );
    Ok(Json(Receipt::from(outcome)))
}

/// The `X-Hub-Signature-256` value; more than one such header is refused as malformed.
fn signature_header(headers: &HeaderMap) -> Result<Option<String>, SignatureError> {
    let mut values = headers.get_all(meta::signature::HEADER).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(SignatureError::Malformed(
            "more than one X-Hub-Signature-256 header",
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| SignatureError::Malformed("the header is not ASCII"))?;
    Ok(Some(value.to_owned()))
}

/// Bodies up to this size are parsed on the request's own task. Live deliveries are a few KB and
/// parse in microseconds: handing them to the blocking pool cost more than the parsing (a thread
/// wake-up and two context switches per request, a quarter of the hub's CPU under load). History
/// chunks (up to 3 MB, milliseconds of CPU) still go to the blocking pool, off the async workers.
const INLINE_PARSE_LIMIT: usize = 64 * 1024;

async fn prepare(
    state: &AppState,
    body: bytes::Bytes,
    signature: Option<String>,
) -> Result<IngestBatch, ApiError> {
    let (org, now) = (state.default_org, state.clock.now());
    let prepared = if body.len() <= INLINE_PARSE_LIMIT {
        prepare_batch(body.into(), signature, org, now)
    } else {
        let task =
            tokio::task::spawn_blocking(move || prepare_batch(body.into(), signature, org, now));
        task.await
            .map_err(|e| ApiError::internal(format!("webhook parsing task failed: {e}")))?
    };
    prepared.map_err(|e| {
        tracing::warn!(reason = %e, "webhook body refused");
        let code = match e {
            ReadError::NotJson(_) => "invalid_json",
            ReadError::NotWebhook(_) => "not_a_webhook",
        };
        ApiError::bad_request(code, e.to_string())
    })
}

fn rejected(e: SignatureError) -> ApiError {
    tracing::warn!(reason = %e, "webhook signature refused; nothing stored");
    let code = match e {
        SignatureError::Missing => "signature_missing",
        SignatureError::Malformed(_) => "signature_malformed",
        SignatureError::Mismatch => "signature_mismatch",
    };
    ApiError::new(StatusCode::UNAUTHORIZED, code, e.to_string())
}

/// Any failure to commit is answered 503 so that Meta delivers again: the batch was not stored
/// (the store commits all or nothing), and a later redelivery is idempotent.
fn store_failed(e: StoreError) -> ApiError {
    let cause = format!("webhook not committed: {e}");
    match e {
        StoreError::Unavailable(_) => ApiError::unavailable(cause),
        _ => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the delivery could not be stored; retry later",
        )
        .with_cause(cause),
    }
}

impl From<IngestOutcome> for Receipt {
    fn from(o: IngestOutcome) -> Self {
        Receipt {
            status: "ok",
            duplicate_request: o.duplicate_request,
            messages_created: o.messages_created,
            messages_duplicate: o.messages_duplicate,
            statuses_advanced: o.statuses_advanced,
            statuses_recorded: o.statuses_recorded,
            head: o.head,
        }
    }
}
