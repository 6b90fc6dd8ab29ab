//! Identifiers of our own records. Meta's identifiers (wamids, phone number ids, wa_ids) are the
//! validated newtypes of the `meta` crate; these are the hub's.
//!
//! They are 64-bit integers (row ids), shown to API clients as decimal strings so that clients
//! treat them as opaque.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl $name {
            /// The raw integer value, as stored.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse::<i64>()
                    .ok()
                    .filter(|v| *v > 0)
                    .map($name)
                    .ok_or_else(|| IdParseError { kind: stringify!($name), input: s.to_owned() })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// An organization (tenant). Every row belongs to one.
    OrgId
);
id_type!(
    /// A WhatsApp business phone number known to the hub.
    NumberId
);
id_type!(
    /// A contact of one number (a WhatsApp user as seen by that number).
    ContactId
);
id_type!(
    /// A 1:1 chat between one number and one contact.
    ChatId
);
id_type!(
    /// A message in a chat, whatever its origin.
    MessageId
);
id_type!(
    /// A person who signs in to the hub (agent or admin).
    UserId
);
id_type!(
    /// An API token.
    TokenId
);
id_type!(
    /// A signed-in session of a user (the web app).
    SessionId
);
id_type!(
    /// An internal note on a chat.
    NoteId
);
id_type!(
    /// A notification for one user (a mention, an assignment).
    NotificationId
);
id_type!(
    /// A canned response (a saved reply, organization-wide).
    CannedResponseId
);
id_type!(
    /// An onboarding of a number through Embedded Signup (one per completed or attempted signup).
    OnboardingId
);

/// An id that did not parse: ids are positive decimal integers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a valid {kind}: expected a positive decimal integer")]
pub struct IdParseError {
    kind: &'static str,
    input: String,
}

/// A position in the change stream: every committed change gets the next one. Clients resume
/// a live stream from the last position they saw.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Position(pub i64);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{ChatId, OrgId};

    #[test]
    fn ids_are_decimal_strings_on_the_wire() {
        let id = ChatId(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"42\"");
        assert_eq!(serde_json::from_str::<ChatId>("\"42\"").unwrap(), id);
    }

    #[test]
    fn non_positive_or_non_numeric_ids_are_refused_with_the_kind() {
        let err = "abc".parse::<OrgId>().unwrap_err();
        assert!(err.to_string().contains("OrgId"), "{err}");
        assert!("0".parse::<OrgId>().is_err());
        assert!("-3".parse::<OrgId>().is_err());
    }
}
