//! Extractors that answer with [`ApiError`] instead of axum's plain-text rejections:
//! [`ApiQuery`], [`ApiJson`] and [`ApiPath`]; and [`bearer_token`], the API-token half of
//! [`crate::auth::Actor`] (the one place that decides who may call the API).

use std::fmt::Display;
use std::str::FromStr;

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use super::ApiError;

/// The token of an `Authorization: Bearer <token>` header: exactly one such header, with the
/// Bearer scheme (any case) and a token.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let value = values.next().ok_or_else(|| {
        ApiError::unauthorized("missing Authorization header: send Authorization: Bearer <token>")
    })?;
    if values.next().is_some() {
        return Err(ApiError::unauthorized(
            "more than one Authorization header was sent",
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not valid text"))?;
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value, ""));
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::unauthorized(
            "the Authorization header must be: Bearer <token>",
        ));
    }
    Ok(token)
}

/// Query parameters; a query string that does not fit answers 400 `invalid_query`.
#[derive(Debug)]
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::bad_request(
                "invalid_query",
                rejection.body_text(),
            )),
        }
    }
}

/// A JSON body; one that does not fit answers 400 `invalid_request` saying what is wrong.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError::bad_request(
                "invalid_request",
                rejection.body_text(),
            )),
        }
    }
}

/// The one path parameter of a route, parsed; a bad one answers 400 `invalid_id`.
#[derive(Debug)]
pub(crate) struct ApiPath<T>(pub(crate) T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: FromStr + Send,
    T::Err: Display,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|r| ApiError::bad_request("invalid_id", r.body_text()))?;
        raw.parse::<T>()
            .map(ApiPath)
            .map_err(|e| ApiError::bad_request("invalid_id", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::bearer_token;

    fn headers(values: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::AUTHORIZATION, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token(&headers(&["bearer abc"])).unwrap(), "abc");
        assert_eq!(bearer_token(&headers(&["Bearer  abc "])).unwrap(), "abc");
    }

    #[test]
    fn missing_other_schemes_empty_and_repeated_headers_are_refused() {
        for h in [
            headers(&[]),
            headers(&["Basic abc"]),
            headers(&["Bearer"]),
            headers(&["Bearer "]),
            headers(&["Bearer a", "Bearer b"]),
        ] {
            let err = bearer_token(&h).unwrap_err();
            assert_eq!(err.status(), 401, "{h:?}");
        }
    }
}
