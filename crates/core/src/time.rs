//! Time as the domain sees it: UTC instants with millisecond precision, and the clock trait.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A UTC instant, in milliseconds since the Unix epoch. It serializes as RFC 3339 in UTC (the
/// REST API's format) and deserializes from RFC 3339 with any offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

/// One second, minute, hour and day in milliseconds.
pub const SECOND_MS: i64 = 1_000;
/// One minute in milliseconds.
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
/// One hour in milliseconds.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * HOUR_MS;

impl Timestamp {
    /// From Unix seconds (the unit Meta's webhooks use).
    pub fn from_unix_secs(secs: i64) -> Self {
        Timestamp(secs.saturating_mul(SECOND_MS))
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Whole seconds since the epoch.
    pub fn unix_secs(self) -> i64 {
        self.0.div_euclid(SECOND_MS)
    }

    /// This instant plus `ms` milliseconds.
    pub fn plus_ms(self, ms: i64) -> Self {
        Timestamp(self.0.saturating_add(ms))
    }

    /// Milliseconds from `earlier` to `self` (negative if `earlier` is later).
    pub fn since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// RFC 3339 in UTC with a `Z` suffix, e.g. `2025-02-11T00:43:44Z` (milliseconds shown only
    /// when not zero).
    pub fn to_rfc3339(self) -> String {
        let nanos = i128::from(self.0) * 1_000_000;
        match OffsetDateTime::from_unix_timestamp_nanos(nanos) {
            Ok(t) => t.format(&Rfc3339).unwrap_or_else(|_| self.0.to_string()),
            Err(_) => self.0.to_string(),
        }
    }

    /// Parses RFC 3339 (any offset), as API clients send it.
    pub fn parse_rfc3339(s: &str) -> Result<Self, time::error::Parse> {
        let t = OffsetDateTime::parse(s, &Rfc3339)?;
        Ok(Timestamp((t.unix_timestamp_nanos() / 1_000_000) as i64))
    }

    /// From a `time` instant.
    pub fn from_offset_datetime(t: OffsetDateTime) -> Self {
        Timestamp((t.unix_timestamp_nanos() / 1_000_000) as i64)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// The source of "now". The hub holds one; tests hold one they can move by hand. Domain code
/// never asks for the time: it is given `now` as a parameter.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn rfc3339_is_utc_with_z() {
        assert_eq!(
            Timestamp::from_unix_secs(1_739_321_024).to_rfc3339(),
            "2025-02-12T00:43:44Z"
        );
        assert_eq!(
            Timestamp(1_739_321_024_500).to_rfc3339(),
            "2025-02-12T00:43:44.5Z"
        );
    }

    #[test]
    fn serde_uses_rfc3339() {
        let t = Timestamp::from_unix_secs(1_739_321_024);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2025-02-12T00:43:44Z\""
        );
        assert_eq!(
            serde_json::from_str::<Timestamp>("\"2025-02-12T00:43:44Z\"").unwrap(),
            t
        );
    }

    #[test]
    fn rfc3339_parses_offsets_back_to_utc() {
        let t = Timestamp::parse_rfc3339("2025-02-12T01:43:44+01:00").unwrap();
        assert_eq!(t, Timestamp::from_unix_secs(1_739_321_024));
    }
}
