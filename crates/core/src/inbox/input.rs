//! What the inbox accepts from people, parsed once into types that are valid by construction
//! ("parse, don't validate"): a value of these types has passed its rule. Each error names the
//! field and says what is wrong.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::message::UnknownName;

/// A value from a person that does not fit its rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InputError {
    /// The field (`email`, `labels`, `shortcut`, ...).
    pub field: &'static str,
    /// What is wrong, for people.
    pub message: String,
}

impl InputError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        InputError {
            field,
            message: message.into(),
        }
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// What a person may do. Decided in one place (the hub's authorization function); finer roles
/// come later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including managing users.
    Admin,
    /// Works the inbox.
    Agent,
}

impl Role {
    /// The stable lowercase name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "agent" => Ok(Role::Agent),
            _ => Err(UnknownName::new("role", s)),
        }
    }
}

/// An email address as a sign-in name: trimmed and lowercased, so `Ana@Example.com` and
/// `ana@example.com` are one user. Only the shape is checked (one `@`, a local part and a
/// domain, no spaces); whether mail arrives is not our business.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Email(String);

impl Email {
    /// The most characters an address may have (RFC 5321's path limit).
    pub const MAX_LEN: usize = 254;

    /// Parses and normalizes an address.
    pub fn parse(raw: &str) -> Result<Email, InputError> {
        let s = raw.trim().to_lowercase();
        let bad = |m: &str| InputError::new("email", format!("{raw:?} {m}"));
        if s.is_empty() {
            return Err(InputError::new("email", "is required"));
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(bad("is longer than 254 characters"));
        }
        if s.chars().any(char::is_whitespace) || has_control(&s) {
            return Err(bad("must not contain spaces"));
        }
        match s.split_once('@') {
            Some((local, domain))
                if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
            {
                Ok(Email(s))
            }
            _ => Err(bad("is not an email address (name@domain)")),
        }
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name: trimmed, 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PersonName(String);

impl PersonName {
    /// Parses a name.
    pub fn parse(raw: &str) -> Result<PersonName, InputError> {
        let s = raw.trim();
        let n = s.chars().count();
        if n == 0 || n > 100 {
            return Err(InputError::new("name", "must be 1 to 100 characters"));
        }
        if has_control(s) {
            return Err(InputError::new(
                "name",
                "must not contain control characters",
            ));
        }
        Ok(PersonName(s.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A chat label: a free string, trimmed, 1–32 characters, no control characters. Labels are
/// compared exactly (`VIP` and `vip` are two labels).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Label(String);

impl Label {
    /// The most labels one chat may carry.
    pub const MAX_PER_CHAT: usize = 20;

    /// Parses one label.
    pub fn parse(raw: &str) -> Result<Label, InputError> {
        let s = raw.trim();
        let n = s.chars().count();
        if n == 0 || n > 32 {
            return Err(InputError::new(
                "labels",
                format!("{raw:?} must be 1 to 32 characters after trimming"),
            ));
        }
        if has_control(s) {
            return Err(InputError::new(
                "labels",
                format!("{raw:?} must not contain control characters"),
            ));
        }
        Ok(Label(s.to_owned()))
    }

    /// Parses a chat's whole label set: each label, duplicates dropped, sorted, at most
    /// [`Label::MAX_PER_CHAT`].
    pub fn parse_set<S: AsRef<str>>(raw: &[S]) -> Result<Vec<Label>, InputError> {
        let mut labels = raw
            .iter()
            .map(|s| Label::parse(s.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        labels.sort();
        labels.dedup();
        if labels.len() > Self::MAX_PER_CHAT {
            return Err(InputError::new(
                "labels",
                format!("at most {} labels per chat", Self::MAX_PER_CHAT),
            ));
        }
        Ok(labels)
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The shortcut of a canned response (what an agent types after `/`): `^[a-z0-9_-]{1,32}$`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Shortcut(String);

impl Shortcut {
    /// Parses a shortcut (surrounding spaces are ignored, nothing else is changed).
    pub fn parse(raw: &str) -> Result<Shortcut, InputError> {
        let s = raw.trim();
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
        if s.is_empty() || s.len() > 32 || !s.chars().all(allowed) {
            return Err(InputError::new(
                "shortcut",
                format!("{raw:?} must be 1 to 32 of a-z, 0-9, _ and -"),
            ));
        }
        Ok(Shortcut(s.to_owned()))
    }

    /// The shortcut.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The text of a note or canned response: not blank, at most 10,000 characters. Kept as
/// written (line breaks matter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteBody(String);

impl NoteBody {
    /// The most characters a body may have.
    pub const MAX_CHARS: usize = 10_000;

    /// Parses a body for `field` (`body`).
    pub fn parse(field: &'static str, raw: &str) -> Result<NoteBody, InputError> {
        if raw.trim().is_empty() {
            return Err(InputError::new(field, "must not be empty"));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(InputError::new(field, "is longer than 10,000 characters"));
        }
        Ok(NoteBody(raw.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A contact-attribute patch that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttributeError {
    /// A key is empty, too long or has control characters.
    #[error("attributes: key {0:?} must be 1 to 64 characters without control characters")]
    BadKey(String),
    /// The attributes would hold too many keys.
    #[error("attributes: at most 100 keys per contact")]
    TooManyKeys,
    /// The attributes would be too large.
    #[error("attributes: at most 16 KiB of JSON per contact")]
    TooLarge,
}

/// Merges `patch` into `attributes`: each key is set to its value, and a `null` value deletes
/// the key. Returns the keys whose value changed (empty: nothing changed). `attributes` is left
/// as it was on error.
pub fn apply_attribute_patch(
    attributes: &mut Map<String, Value>,
    patch: &Map<String, Value>,
) -> Result<Vec<String>, AttributeError> {
    let mut next = attributes.clone();
    let mut changed = Vec::new();
    for (key, value) in patch {
        let n = key.chars().count();
        if n == 0 || n > 64 || has_control(key) {
            return Err(AttributeError::BadKey(key.clone()));
        }
        let before = if value.is_null() {
            next.remove(key)
        } else {
            next.insert(key.clone(), value.clone())
        };
        let after = next.get(key);
        if before.as_ref() != after {
            changed.push(key.clone());
        }
    }
    if next.len() > 100 {
        return Err(AttributeError::TooManyKeys);
    }
    if Value::Object(next.clone()).to_string().len() > 16 * 1024 {
        return Err(AttributeError::TooLarge);
    }
    *attributes = next;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{
        AttributeError, Email, Label, NoteBody, PersonName, Role, Shortcut, apply_attribute_patch,
    };

    #[test]
    fn emails_are_trimmed_and_lowercased_and_need_one_at() {
        assert_eq!(
            Email::parse("  Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        assert_eq!(
            Email::parse("ops@localhost").unwrap().as_str(),
            "ops@localhost"
        );
        for bad in [
            "",
            "ana",
            "@example.com",
            "ana@",
            "a@b@c",
            "an a@example.com",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            PersonName::parse(" Ana Lima ").unwrap().as_str(),
            "Ana Lima"
        );
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"x".repeat(101)).is_err());
        assert!(PersonName::parse("Ana\u{0}").is_err());
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Admin, Role::Agent] {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("owner".parse::<Role>().is_err());
    }

    #[test]
    fn labels_are_trimmed_1_to_32_characters_and_sets_are_deduplicated() {
        assert_eq!(Label::parse("  vip ").unwrap().as_str(), "vip");
        assert!(Label::parse("").is_err());
        assert!(
            Label::parse(&"é".repeat(32)).is_ok(),
            "characters, not bytes"
        );
        let err = Label::parse(&"x".repeat(33)).unwrap_err();
        assert_eq!(err.field, "labels");
        let set = Label::parse_set(&["vip", "billing", " vip"]).unwrap();
        let names: Vec<_> = set.iter().map(Label::as_str).collect();
        assert_eq!(names, ["billing", "vip"]);
        let many: Vec<String> = (0..21).map(|i| format!("l{i}")).collect();
        assert!(Label::parse_set(&many).is_err());
    }

    #[test]
    fn shortcuts_are_lowercase_words() {
        assert_eq!(
            Shortcut::parse("thanks_2-u").unwrap().as_str(),
            "thanks_2-u"
        );
        for bad in ["", "Thanks", "with space", "ünï", &"a".repeat(33)] {
            let err = Shortcut::parse(bad).unwrap_err();
            assert_eq!(err.field, "shortcut", "{bad:?}");
        }
    }

    #[test]
    fn note_bodies_must_not_be_blank_or_huge() {
        assert_eq!(NoteBody::parse("body", "hi\n").unwrap().as_str(), "hi\n");
        assert!(NoteBody::parse("body", " \n ").is_err());
        assert!(NoteBody::parse("body", &"x".repeat(10_001)).is_err());
    }

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn attribute_patches_merge_and_null_deletes() {
        let mut attrs = map(json!({ "tier": "gold", "city": "Lisbon" }));
        let changed = apply_attribute_patch(
            &mut attrs,
            &map(json!({ "tier": "silver", "city": null, "new": 1 })),
        )
        .unwrap();
        assert_eq!(changed, ["city", "new", "tier"]);
        assert_eq!(attrs, map(json!({ "tier": "silver", "new": 1 })));
        let same =
            apply_attribute_patch(&mut attrs, &map(json!({ "tier": "silver", "gone": null })));
        assert!(same.unwrap().is_empty());
    }

    #[test]
    fn bad_attribute_patches_leave_the_attributes_alone() {
        let mut attrs = map(json!({ "tier": "gold" }));
        let before = attrs.clone();
        assert_eq!(
            apply_attribute_patch(&mut attrs, &map(json!({ "": 1 }))),
            Err(AttributeError::BadKey(String::new()))
        );
        let big = map(json!({ "blob": "x".repeat(17 * 1024) }));
        assert_eq!(
            apply_attribute_patch(&mut attrs, &big),
            Err(AttributeError::TooLarge)
        );
        let many: Map<String, Value> = (0..101).map(|i| (format!("k{i}"), json!(i))).collect();
        assert_eq!(
            apply_attribute_patch(&mut attrs, &many),
            Err(AttributeError::TooManyKeys)
        );
        assert_eq!(attrs, before);
    }
}
