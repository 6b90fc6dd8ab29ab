//! Query parameters shared by the list routes, parsed into domain values with messages that
//! name the parameter.

use std::fmt::Display;
use std::str::FromStr;

use coexist_core::ids::Position;
use coexist_core::page::Limit;
use serde::Deserialize;

use crate::http::ApiError;

/// `limit` and `cursor`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    pub(crate) limit: Option<String>,
    pub(crate) cursor: Option<String>,
}

impl PageQuery {
    pub(crate) fn limit(&self) -> Result<Limit, ApiError> {
        limit(self.limit.as_deref())
    }

    pub(crate) fn cursor(&self) -> Option<&str> {
        non_empty(self.cursor.as_deref())
    }
}

/// A page size: an integer; out of range it is clamped to 1..=200, absent it is the default.
pub(crate) fn limit(raw: Option<&str>) -> Result<Limit, ApiError> {
    let Some(raw) = non_empty(raw) else {
        return Ok(Limit::new(None));
    };
    let n: i64 = raw.trim().parse().map_err(|_| {
        ApiError::bad_request(
            "invalid_parameter",
            format!("limit: {raw:?} is not an integer"),
        )
    })?;
    let clamped = u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    Ok(Limit::new(Some(clamped)))
}

/// An optional id filter such as `number_id`.
pub(crate) fn id<T>(raw: Option<&str>, name: &str) -> Result<Option<T>, ApiError>
where
    T: FromStr,
    T::Err: Display,
{
    non_empty(raw)
        .map(|raw| {
            raw.parse()
                .map_err(|e| ApiError::bad_request("invalid_parameter", format!("{name}: {e}")))
        })
        .transpose()
}

/// A stream position (`after`, `Last-Event-ID`): a non-negative integer.
pub(crate) fn position(raw: &str, name: &str) -> Result<Position, ApiError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|p| *p >= 0)
        .map(Position)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_parameter",
                format!("{name}: {raw:?} is not a stream position (a non-negative integer)"),
            )
        })
}

/// A parameter given as `?name=` counts as absent.
pub(crate) fn non_empty(raw: Option<&str>) -> Option<&str> {
    raw.filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use coexist_core::ids::{NumberId, Position};

    use super::{id, limit, position};

    #[test]
    fn limits_are_clamped_and_must_be_integers() {
        assert_eq!(limit(None).unwrap().get(), 50);
        assert_eq!(limit(Some("")).unwrap().get(), 50);
        assert_eq!(limit(Some("0")).unwrap().get(), 1);
        assert_eq!(limit(Some("-4")).unwrap().get(), 1);
        assert_eq!(limit(Some("100000000000")).unwrap().get(), 200);
        let err = limit(Some("ten")).unwrap_err();
        assert_eq!(err.status(), 400);
        assert!(err.message().contains("limit"), "{}", err.message());
    }

    #[test]
    fn ids_must_be_positive_integers_and_name_the_parameter() {
        assert_eq!(
            id::<NumberId>(Some("7"), "number_id").unwrap(),
            Some(NumberId(7))
        );
        assert_eq!(id::<NumberId>(None, "number_id").unwrap(), None);
        let err = id::<NumberId>(Some("abc"), "number_id").unwrap_err();
        assert!(err.message().starts_with("number_id:"), "{}", err.message());
    }

    #[test]
    fn positions_are_non_negative_integers() {
        assert_eq!(position("0", "after").unwrap(), Position(0));
        assert_eq!(position(" 12 ", "after").unwrap(), Position(12));
        assert!(position("-1", "after").is_err());
        assert!(position("x", "Last-Event-ID").is_err());
    }
}
