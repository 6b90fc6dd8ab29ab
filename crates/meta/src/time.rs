//! Unix timestamps as Meta writes them.
//!
//! Meta sends Unix seconds as JSON **strings** in `messages[].timestamp`,
//! `statuses[].timestamp`, `message_echoes[].timestamp`, history messages and
//! `state_sync[].metadata.timestamp`, and as JSON **integers** in `entry[].time` and template
//! webhooks (META.md §0.3). [`Timestamp`] accepts both and re-serializes in the form it came in.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The JSON representation a [`Timestamp`] was read from or will be written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimestampRepr {
    /// A string of decimal digits (`"1749416383"`), as in message and status webhooks.
    #[default]
    String,
    /// A JSON integer (`1743451903`), as in `entry[].time`.
    Integer,
}

/// Unix seconds plus the wire representation, so that a round trip is byte-for-byte faithful.
///
/// No clock is read here: callers pass times in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    secs: i64,
    repr: TimestampRepr,
}

impl Timestamp {
    /// A timestamp written as a JSON string, the form used inside message-level payloads.
    pub const fn from_unix_secs(secs: i64) -> Self {
        Self {
            secs,
            repr: TimestampRepr::String,
        }
    }

    /// A timestamp written as a JSON integer, the form used by `entry[].time`.
    pub const fn integer(secs: i64) -> Self {
        Self {
            secs,
            repr: TimestampRepr::Integer,
        }
    }

    /// Seconds since the Unix epoch.
    pub const fn as_unix_secs(&self) -> i64 {
        self.secs
    }

    /// How this timestamp is written on the wire.
    pub const fn repr(&self) -> TimestampRepr {
        self.repr
    }

    /// The same instant written in another representation.
    pub const fn with_repr(self, repr: TimestampRepr) -> Self {
        Self {
            secs: self.secs,
            repr,
        }
    }

    /// Parses the string form. Only canonical decimal integers are accepted (`"0"`, `"-5"`,
    /// `"1749416383"`; no sign `+`, no leading zeros, no spaces) so that re-serializing gives
    /// the same string back.
    pub fn parse_str(s: &str) -> Option<Self> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && s != "-0";
        if !canonical {
            return None;
        }
        s.parse().ok().map(Self::from_unix_secs)
    }
}

impl Default for Timestamp {
    fn default() -> Self {
        Self::from_unix_secs(0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.secs)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.repr {
            TimestampRepr::Integer => s.serialize_i64(self.secs),
            TimestampRepr::String => s.collect_str(&self.secs),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Unix timestamp")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        Ok(Timestamp::integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        i64::try_from(v)
            .map(Timestamp::integer)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse_str(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}
