//! Reading a request body with a hard limit, without holding more than the limit in memory.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

use crate::http::ApiError;

/// Reads `body` whole if it is at most `limit` bytes; 413 `payload_too_large` otherwise.
///
/// A declared `Content-Length` over the limit is refused before reading anything; a chunked
/// body is refused as soon as it passes the limit. Before answering 413 the rest of the body is
/// read and thrown away (up to `limit` more bytes), so a client still writing its body sees the
/// answer instead of a reset connection.
pub(crate) async fn read_limited(
    headers: &HeaderMap,
    mut body: Body,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let declared = content_length(headers)?;
    if declared.is_some_and(|len| len > limit) {
        drain_unless_waiting(headers, body, limit).await;
        return Err(too_large(limit));
    }
    let mut buf = BytesMut::with_capacity(declared.unwrap_or(16 * 1024).min(limit));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::bad_request(
                "body_read_failed",
                format!("the request body could not be read: {e}"),
            )
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if buf.len() + data.len() > limit {
            drain_unless_waiting(headers, body, limit).await;
            return Err(too_large(limit));
        }
        buf.extend_from_slice(&data);
    }
    Ok(buf.freeze())
}

fn content_length(headers: &HeaderMap) -> Result<Option<usize>, ApiError> {
    let Some(value) = headers.get(header::CONTENT_LENGTH) else {
        return Ok(None);
    };
    let parsed = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    match parsed {
        // A length beyond usize is certainly beyond the limit.
        Some(len) => Ok(Some(usize::try_from(len).unwrap_or(usize::MAX))),
        None => Err(ApiError::bad_request(
            "invalid_content_length",
            "the Content-Length header is not a number",
        )),
    }
}

/// Throws away up to `max` more bytes of the body. A client that sent `Expect: 100-continue`
/// has not started sending: reading would invite it to, so it is left alone.
async fn drain_unless_waiting(headers: &HeaderMap, mut body: Body, max: usize) {
    if headers.contains_key(header::EXPECT) {
        return;
    }
    let mut discarded = 0usize;
    while discarded <= max {
        match body.frame().await {
            Some(Ok(frame)) => discarded += frame.data_ref().map_or(0, |d| d.len()),
            _ => return,
        }
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the body is larger than the limit of {limit} bytes"),
    )
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{HeaderMap, HeaderValue, header};
    use futures_util::stream;

    use super::read_limited;

    fn chunked(parts: Vec<&'static [u8]>) -> Body {
        let chunks = parts.into_iter().map(Ok::<_, std::io::Error>);
        Body::from_stream(stream::iter(chunks))
    }

    #[tokio::test]
    async fn a_body_at_the_limit_is_read_whole() {
        let body = read_limited(&HeaderMap::new(), chunked(vec![b"abc", b"de"]), 5)
            .await
            .unwrap();
        assert_eq!(&body[..], b"abcde");
    }

    #[tokio::test]
    async fn a_chunked_body_over_the_limit_is_refused() {
        let err = read_limited(&HeaderMap::new(), chunked(vec![b"abc", b"def"]), 5)
            .await
            .unwrap_err();
        assert_eq!(err.status(), 413);
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_before_reading() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("6"));
        headers.insert(header::EXPECT, HeaderValue::from_static("100-continue"));
        let never_read =
            Body::from_stream(stream::pending::<Result<&'static [u8], std::io::Error>>());
        let err = read_limited(&headers, never_read, 5).await.unwrap_err();
        assert_eq!(err.code(), "payload_too_large");
    }
}
