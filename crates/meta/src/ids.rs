//! Validated identifier newtypes for the ids Meta puts on the wire.
//!
//! Inbound validation accepts what Meta and its documentation actually send, including the
//! placeholders in Meta's examples (`"<WHATSAPP_MESSAGE_ID>"`) and the masked ids of BSP docs
//! (`"xxxxxxxxxxxx"`): an id is non-empty, at most [`MAX_ID_LEN`] bytes, and has no whitespace or
//! control characters. Stricter checks are explicit methods such as [`WaId::is_phone_number`],
//! [`UserId::is_well_formed`] or [`Wamid::has_wamid_prefix`].

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Upper bound, in bytes, for any id. Real ids are far shorter (wamids are ~60 characters,
/// BSUIDs at most 2 + 1 + 128), so this only rejects garbage.
pub const MAX_ID_LEN: usize = 512;

/// Why a string was rejected as an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string was empty.
    #[error("invalid {what}: empty")]
    Empty {
        /// Which id type was being parsed.
        what: &'static str,
    },
    /// The string was longer than allowed.
    #[error("invalid {what}: {len} bytes, at most {max} allowed")]
    TooLong {
        /// Which id type was being parsed.
        what: &'static str,
        /// Length in bytes.
        len: usize,
        /// Maximum length in bytes.
        max: usize,
    },
    /// The string was shorter than allowed.
    #[error("invalid {what}: {len} characters, at least {min} required")]
    TooShort {
        /// Which id type was being parsed.
        what: &'static str,
        /// Length found.
        len: usize,
        /// Minimum length.
        min: usize,
    },
    /// The string held a character not allowed in this id.
    #[error("invalid {what}: character {ch:?} at byte {at} is not allowed")]
    InvalidChar {
        /// Which id type was being parsed.
        what: &'static str,
        /// The offending character.
        ch: char,
        /// Its byte offset.
        at: usize,
    },
}

/// Checks the inbound id rules shared by every id newtype.
pub(crate) fn check_id(s: &str, what: &'static str) -> Result<(), IdError> {
    check_len(s, what, MAX_ID_LEN)?;
    match s
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || c.is_control())
    {
        Some((at, ch)) => Err(IdError::InvalidChar { what, ch, at }),
        None => Ok(()),
    }
}

fn check_len(s: &str, what: &'static str, max: usize) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty { what });
    }
    if s.len() > max {
        return Err(IdError::TooLong {
            what,
            len: s.len(),
            max,
        });
    }
    Ok(())
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

id_type!(
    /// A WhatsApp Business Account id (`entry[].id`, `waba_info.waba_id`), a string of digits.
    WabaId,
    "WhatsApp Business Account id"
);
id_type!(
    /// A business phone number id (`metadata.phone_number_id`), a string of digits.
    PhoneNumberId,
    "phone number id"
);
id_type!(
    /// A WhatsApp user id: the user's phone number as digits without `+` (`wa_id`, `from`,
    /// `recipient_id`). Echoes may carry a `+` (`to`), and group statuses carry a group id in
    /// `recipient_id`; both are accepted. Use [`WaId::is_phone_number`] for the strict check.
    WaId,
    "WhatsApp user id"
);
id_type!(
    /// A WhatsApp message id (`wamid.…`). Opaque; see [`Wamid::has_wamid_prefix`].
    Wamid,
    "WhatsApp message id"
);
id_type!(
    /// A media id, from an upload response or an inbound media object.
    MediaId,
    "media id"
);
id_type!(
    /// A business-scoped user id (BSUID, 2026), e.g. `US.13491208655302741918`, or a parent
    /// BSUID such as `US.ENT.11815799212886844830`.
    UserId,
    "business-scoped user id"
);
id_type!(
    /// A Meta business portfolio id (`owner_business_id`, `solution_partner_business_ids[]`).
    BusinessId,
    "business id"
);
id_type!(
    /// A Meta app id (`partner_app_id`, subscribed apps).
    AppId,
    "app id"
);
id_type!(
    /// A pricing conversation id (`statuses[].conversation.id`).
    ConversationId,
    "conversation id"
);

impl WabaId {
    /// Whether the id is all ASCII digits, as real WABA ids are.
    pub fn is_numeric(&self) -> bool {
        all_digits(&self.0)
    }
}

impl PhoneNumberId {
    /// Whether the id is all ASCII digits, as real phone number ids are.
    pub fn is_numeric(&self) -> bool {
        all_digits(&self.0)
    }
}

impl MediaId {
    /// Whether the id is all ASCII digits, as real media ids are.
    pub fn is_numeric(&self) -> bool {
        all_digits(&self.0)
    }
}

impl Wamid {
    /// Whether the id starts with `wamid.`, as real message ids do.
    pub fn has_wamid_prefix(&self) -> bool {
        self.0.starts_with("wamid.")
    }
}

/// Minimum number of digits [`WaId::normalize`] accepts.
pub const PHONE_DIGITS_MIN: usize = 6;
/// Maximum number of digits in an E.164 number.
pub const PHONE_DIGITS_MAX: usize = 15;

impl WaId {
    /// Whether this is a phone number in Meta's `wa_id` form: 6–15 ASCII digits, no `+`.
    pub fn is_phone_number(&self) -> bool {
        all_digits(&self.0) && (PHONE_DIGITS_MIN..=PHONE_DIGITS_MAX).contains(&self.0.len())
    }

    /// Normalizes a phone number typed by a person (`"+1 650-555-1234"`, `"(650) 555.1234"`)
    /// into Meta's `wa_id` form (`"16505551234"`): drops one leading `+` and the separators
    /// space, `-`, `.`, `(`, `)`, then requires 6–15 digits.
    pub fn normalize(input: &str) -> Result<Self, IdError> {
        const WHAT: &str = "phone number";
        let trimmed = input.trim();
        let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
        let mut digits = String::with_capacity(body.len());
        for (at, ch) in body.char_indices() {
            match ch {
                '0'..='9' => digits.push(ch),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(IdError::InvalidChar { what: WHAT, ch, at }),
            }
        }
        if digits.is_empty() {
            return Err(IdError::Empty { what: WHAT });
        }
        if digits.len() < PHONE_DIGITS_MIN {
            return Err(IdError::TooShort {
                what: WHAT,
                len: digits.len(),
                min: PHONE_DIGITS_MIN,
            });
        }
        check_len(&digits, WHAT, PHONE_DIGITS_MAX)?;
        Ok(Self(digits))
    }
}

/// Maximum length of the alphanumeric part of a BSUID.
pub const BSUID_BODY_MAX: usize = 128;

impl UserId {
    /// Whether this matches the documented BSUID shape: a two-letter uppercase country code,
    /// a period, optionally `ENT.` (parent BSUID), then 1–128 ASCII alphanumerics.
    pub fn is_well_formed(&self) -> bool {
        let Some((cc, rest)) = self.0.split_once('.') else {
            return false;
        };
        let body = rest.strip_prefix("ENT.").unwrap_or(rest);
        cc.len() == 2
            && cc.bytes().all(|b| b.is_ascii_uppercase())
            && !body.is_empty()
            && body.len() <= BSUID_BODY_MAX
            && body.bytes().all(|b| b.is_ascii_alphanumeric())
    }

    /// Whether this is a parent BSUID (`CC.ENT.…`), shared across linked portfolios.
    pub fn is_parent(&self) -> bool {
        self.is_well_formed() && self.0.get(2..7) == Some(".ENT.")
    }

    /// The two-letter country prefix of a well-formed BSUID.
    pub fn country_code(&self) -> Option<&str> {
        self.is_well_formed().then(|| &self.0[..2])
    }
}

/// How an id was written on the wire, so it re-serializes the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IdRepr {
    /// A JSON string (`"1689556908129832"`).
    #[default]
    String,
    /// A JSON integer (`1689556908129832`).
    Integer,
}

/// A message template id. Template webhooks send it as a JSON **integer**
/// (`message_template_id: 1689556908129832`); the Graph API sends strings. The representation
/// is kept so a round trip is exact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TemplateId {
    id: String,
    repr: IdRepr,
}

impl TemplateId {
    /// Validates a string template id (kept as a JSON string).
    pub fn parse(s: impl Into<String>) -> Result<Self, IdError> {
        let id = s.into();
        check_id(&id, "template id")?;
        Ok(Self {
            id,
            repr: IdRepr::String,
        })
    }

    /// A template id that serializes as a JSON integer, as template webhooks carry it.
    pub fn from_integer(id: u64) -> Self {
        Self {
            id: id.to_string(),
            repr: IdRepr::Integer,
        }
    }

    /// The id as a string of digits.
    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// How the id was written on the wire.
    pub fn repr(&self) -> IdRepr {
        self.repr
    }

    /// The numeric value, when the id is all digits and fits in a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.id.parse().ok()
    }
}

impl fmt::Display for TemplateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl std::str::FromStr for TemplateId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for TemplateId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.repr, self.as_u64()) {
            (IdRepr::Integer, Some(n)) => s.serialize_u64(n),
            _ => s.serialize_str(&self.id),
        }
    }
}

impl<'de> Deserialize<'de> for TemplateId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TemplateId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a template id (string or non-negative integer)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TemplateId, E> {
                Ok(TemplateId::from_integer(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TemplateId, E> {
                u64::try_from(v)
                    .map(TemplateId::from_integer)
                    .map_err(|_| E::custom("invalid template id: negative"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TemplateId, E> {
                TemplateId::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Maximum length, in bytes, of a display phone number.
pub const DISPLAY_PHONE_MAX: usize = 64;

/// A business display phone number. Webhook `metadata` carries digits (`"15550783881"`), while
/// the Graph API formats it (`"+1 555-078-3881"`), so spaces and punctuation are allowed; only
/// emptiness, length and control characters are checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DisplayPhoneNumber(String);

impl DisplayPhoneNumber {
    /// Validates a display number: non-empty, at most [`DISPLAY_PHONE_MAX`] bytes, no control
    /// characters.
    pub fn parse(s: impl Into<String>) -> Result<Self, IdError> {
        const WHAT: &str = "display phone number";
        let s = s.into();
        check_len(&s, WHAT, DISPLAY_PHONE_MAX)?;
        if let Some((at, ch)) = s.char_indices().find(|(_, c)| c.is_control()) {
            return Err(IdError::InvalidChar { what: WHAT, ch, at });
        }
        Ok(Self(s))
    }

    /// The number as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number in `wa_id` form (digits only), e.g. to compare with a message's `from`.
    pub fn to_wa_id(&self) -> Result<WaId, IdError> {
        WaId::normalize(&self.0)
    }
}

impl fmt::Display for DisplayPhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for DisplayPhoneNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for DisplayPhoneNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DisplayPhoneNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DisplayPhoneNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a display phone number string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DisplayPhoneNumber, E> {
                DisplayPhoneNumber::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}
