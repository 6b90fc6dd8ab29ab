//! Extractors that answer with [`ApiError`] instead of axum's plain-text rejections:
//! [`Auth`] (the one place that decides who may call the API), [`ApiQuery`] and [`ApiPath`].

use std::fmt::Display;
use std::str::FromStr;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use coexist_core::ids::{OrgId, TokenId};
use serde::de::DeserializeOwned;

use super::{ApiError, AppState};
use crate::auth::hash_token;

/// The caller of an API route, authenticated with `Authorization: Bearer <token>`.
///
/// Every API handler takes one, so authorization is decided here and only here; roles and
/// scopes will be checked here too.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The organization whose data the caller sees.
    pub org: OrgId,
    /// The token used.
    pub token_id: TokenId,
    /// The token's role.
    pub role: String,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers)?;
        let record = state
            .store
            .find_api_token(&hash_token(token))
            .await?
            .ok_or_else(|| ApiError::unauthorized("the API token is not valid or was revoked"))?;
        Ok(Auth {
            org: record.org_id,
            token_id: record.id,
            role: record.role,
        })
    }
}

fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
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
