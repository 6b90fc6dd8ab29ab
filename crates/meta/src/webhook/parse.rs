//! Parsing a webhook body: bytes → [`Envelope`], with errors that name the position and the
//! field path.
//!
//! The envelope frame is read first with each `changes[].value` captured as a borrowed raw
//! slice (a validating skip, no allocation), because `value` usually precedes `field` and its
//! type depends on `field`. Each value is then parsed once, straight into its typed model.
//! Errors inside a value are mapped back to the line and column of the whole body.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use serde_path_to_error::Track;

use crate::ids::WabaId;
use crate::time::Timestamp;
use crate::webhook::envelope::{Change, ChangeValue, Entry, Envelope};
use crate::wire::Key;

/// What kind of input was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParseErrorKind {
    /// Not JSON at all: a syntax error, truncated input, an empty body, trailing garbage.
    /// Callers answer HTTP 400.
    NotJson,
    /// Well-formed JSON that is not a webhook envelope (wrong types, missing fields).
    NotEnvelope,
}

/// A webhook body that could not be parsed. `Display` is one line:
/// `line 1 column 214: entry[0].changes[0].value.messages[0].timestamp: invalid type: map,
/// expected a Unix timestamp`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line} column {column}: {path}: {message}")]
pub struct ParseError {
    /// Syntax or shape.
    pub kind: ParseErrorKind,
    /// 1-based line in the body.
    pub line: usize,
    /// 1-based column (in bytes) in that line.
    pub column: usize,
    /// The field path, e.g. `entry[0].changes[0].value.messages[0].timestamp`; `.` for the root.
    pub path: String,
    /// serde_json's message, without its position suffix.
    pub message: String,
}

impl ParseError {
    /// Whether the body was not JSON at all.
    pub fn is_syntax(&self) -> bool {
        self.kind == ParseErrorKind::NotJson
    }

    fn from_json(e: &serde_json::Error, path: String) -> Self {
        Self::at(e, path, e.line(), e.column())
    }

    fn at(e: &serde_json::Error, path: String, line: usize, column: usize) -> Self {
        let kind = match e.classify() {
            serde_json::error::Category::Data => ParseErrorKind::NotEnvelope,
            _ => ParseErrorKind::NotJson,
        };
        Self {
            kind,
            line,
            column,
            path,
            message: bare_message(e),
        }
    }
}

/// serde_json's `Display` appends " at line L column C"; we report the position separately.
fn bare_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&suffix) {
        Some(bare) => bare.to_owned(),
        None => full,
    }
}

/// Parses a webhook body into an [`Envelope`]. Never panics; see [`ParseError`].
///
/// A body is first parsed without tracking field paths, which costs about a third of the
/// parsing (every key of every object is copied for a path that is only needed in an error);
/// only a body that fails is parsed again with tracking, to say where. Both parses accept
/// exactly the same bodies: the tracking wrapper does not change what is accepted.
pub fn parse(body: &[u8]) -> Result<Envelope, ParseError> {
    match parse_untracked(body) {
        Some(envelope) => Ok(envelope),
        None => parse_tracked(body),
    }
}

/// The fast path of [`parse`]: `None` on any error.
fn parse_untracked(body: &[u8]) -> Option<Envelope> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let raw = RawEnvelope::deserialize(&mut de).ok()?;
    de.end().ok()?;
    raw.into_envelope(|_, _, change| {
        let mut de = serde_json::Deserializer::from_str(change.value.get());
        ChangeValue::deserialize_for(&change.field, &mut de).map_err(drop)
    })
    .ok()
}

/// [`parse`] with field paths tracked, for the error.
fn parse_tracked(body: &[u8]) -> Result<Envelope, ParseError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let raw: RawEnvelope<'_> = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| ParseError::from_json(e.inner(), e.path().to_string()))?;
    de.end()
        .map_err(|e| ParseError::from_json(&e, ".".to_owned()))?;
    raw.into_envelope(|i, j, change| {
        let prefix = format!("entry[{i}].changes[{j}].value");
        parse_raw_value(body, &change.field, change.value, prefix)
    })
}

/// Parses one `changes[].value` sent under `field` (e.g. Meta's value-only examples).
/// Paths in errors are relative to the value.
pub fn parse_value(field: &str, value: &[u8]) -> Result<ChangeValue, ParseError> {
    let mut de = serde_json::Deserializer::from_slice(value);
    let parsed =
        deserialize_tracked(field, &mut de).map_err(|(e, path)| ParseError::from_json(&e, path))?;
    de.end()
        .map_err(|e| ParseError::from_json(&e, ".".to_owned()))?;
    Ok(parsed)
}

fn parse_raw_value(
    body: &[u8],
    field: &str,
    raw: &RawValue,
    prefix: String,
) -> Result<ChangeValue, ParseError> {
    let text = raw.get();
    let mut de = serde_json::Deserializer::from_str(text);
    deserialize_tracked(field, &mut de).map_err(|(e, inner)| {
        let path = if inner == "." {
            prefix
        } else {
            format!("{prefix}.{inner}")
        };
        let base = (text.as_ptr() as usize).wrapping_sub(body.as_ptr() as usize);
        let (line, column) = absolute_position(body, base, e.line(), e.column());
        ParseError::at(&e, path, line, column)
    })
}

/// A change value sent under `field`, deserialized with its field path tracked: on error, the
/// path of the failing field (`.` for the value itself).
fn deserialize_tracked<'de, R: serde_json::de::Read<'de>>(
    field: &str,
    de: &mut serde_json::Deserializer<R>,
) -> Result<ChangeValue, (serde_json::Error, String)> {
    let mut track = Track::new();
    ChangeValue::deserialize_for(
        field,
        serde_path_to_error::Deserializer::new(de, &mut track),
    )
    .map_err(|e| (e, track.path().to_string()))
}

/// Converts a position relative to the slice starting at byte `base` of `body` into a
/// position in `body`.
fn absolute_position(body: &[u8], base: usize, line: usize, column: usize) -> (usize, usize) {
    let before = body.get(..base).unwrap_or_default();
    let base_line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let base_column = before.len() - line_start;
    if line <= 1 {
        (base_line, base_column + column)
    } else {
        (base_line + line - 1, column)
    }
}

/// The envelope frame with raw `value`s.
struct RawEnvelope<'a> {
    object: String,
    entry: Vec<RawEntry<'a>>,
    extra: Map<String, Value>,
}

struct RawEntry<'a> {
    id: WabaId,
    time: Option<Timestamp>,
    changes: Vec<RawChange<'a>>,
    extra: Map<String, Value>,
}

struct RawChange<'a> {
    field: String,
    value: &'a RawValue,
    extra: Map<String, Value>,
}

impl<'a> RawEnvelope<'a> {
    /// The envelope, each change's value typed by `value(entry index, change index, change)`;
    /// the first error stops it.
    fn into_envelope<E>(
        self,
        mut value: impl FnMut(usize, usize, &RawChange<'a>) -> Result<ChangeValue, E>,
    ) -> Result<Envelope, E> {
        let mut entries = Vec::with_capacity(self.entry.len());
        for (i, entry) in self.entry.into_iter().enumerate() {
            let mut changes = Vec::with_capacity(entry.changes.len());
            for (j, change) in entry.changes.into_iter().enumerate() {
                let value = value(i, j, &change)?;
                changes.push(Change {
                    value,
                    extra: change.extra,
                });
            }
            entries.push(Entry {
                id: entry.id,
                time: entry.time,
                changes,
                extra: entry.extra,
            });
        }
        Ok(Envelope {
            object: self.object,
            entry: entries,
            extra: self.extra,
        })
    }
}

fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// Stores `key`'s value in `extra`.
fn keep<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut Map<String, Value>,
    key: &str,
) -> Result<(), A::Error> {
    extra.insert(key.to_owned(), map.next_value()?);
    Ok(())
}

impl<'de> Deserialize<'de> for RawEnvelope<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = RawEnvelope<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEnvelope<'de>, A::Error> {
        let (mut object, mut entry, mut extra) = (None, None, Map::new());
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "object" => object = Some(map.next_value()?),
                "entry" => entry = Some(map.next_value()?),
                other => keep(&mut map, &mut extra, other)?,
            }
        }
        Ok(RawEnvelope {
            object: required(object, "object")?,
            entry: required(entry, "entry")?,
            extra,
        })
    }
}

impl<'de> Deserialize<'de> for RawEntry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = RawEntry<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook entry object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEntry<'de>, A::Error> {
        let (mut id, mut time, mut changes, mut extra) = (None, None, None, Map::new());
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "id" => id = Some(map.next_value()?),
                "time" => time = map.next_value()?,
                "changes" => changes = Some(map.next_value()?),
                other => keep(&mut map, &mut extra, other)?,
            }
        }
        let (id, changes) = (required(id, "id")?, required(changes, "changes")?);
        Ok(RawEntry {
            id,
            time,
            changes,
            extra,
        })
    }
}

impl<'de> Deserialize<'de> for RawChange<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ChangeVisitor)
    }
}

struct ChangeVisitor;

impl<'de> Visitor<'de> for ChangeVisitor {
    type Value = RawChange<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook change object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawChange<'de>, A::Error> {
        let (mut field, mut value, mut extra) = (None, None, Map::new());
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "field" => field = Some(map.next_value()?),
                "value" => value = Some(map.next_value()?),
                other => keep(&mut map, &mut extra, other)?,
            }
        }
        Ok(RawChange {
            field: required(field, "field")?,
            value: required(value, "value")?,
            extra,
        })
    }
}
