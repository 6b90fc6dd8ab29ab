//! Reading a webhook body: strict typed parsing first, and a change-by-change fallback so that
//! one change we cannot type never costs the others.

use meta::webhook::envelope::{Change as WireChange, Entry, Envelope};
use meta::webhook::{ParseError, ParseErrorKind, parse, parse_value};
use serde_json::Value;

use super::{Change, NumberRef, Unparsed, normalize};
use crate::time::Timestamp;

/// Why a webhook body was refused. Nothing of a refused body is stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not JSON (syntax error, truncated, empty). The position is in the message.
    #[error("malformed JSON: {0}")]
    NotJson(ParseError),
    /// JSON, but not a WhatsApp Business Account webhook envelope.
    #[error("not a WhatsApp webhook: {0}")]
    NotWebhook(String),
}

/// Parses and normalizes a verified webhook body.
///
/// The envelope frame (`object`, `entry[].id`, `entry[].changes[].field`/`value`) must be
/// well-formed, or the body is refused. Inside it, a change whose `value` does not match the
/// shape we model (Meta changed a type, say) is kept raw as [`Change::Unparsed`] with the
/// parse error, and every other change is applied: the body is stored either way, so nothing
/// is lost and the error is visible.
pub fn read_webhook(body: &[u8], received_at: Timestamp) -> Result<Vec<Change>, ReadError> {
    match parse(body) {
        Ok(envelope) => {
            check_object(&envelope.object)?;
            Ok(normalize(&envelope, received_at))
        }
        Err(e) if e.kind == ParseErrorKind::NotJson => Err(ReadError::NotJson(e)),
        Err(e) => lenient(body, received_at, &e),
    }
}

fn check_object(object: &str) -> Result<(), ReadError> {
    if object == "whatsapp_business_account" {
        Ok(())
    } else {
        Err(ReadError::NotWebhook(format!(
            "\"object\" is {object:?}, expected \"whatsapp_business_account\""
        )))
    }
}

fn lenient(
    body: &[u8],
    received_at: Timestamp,
    strict: &ParseError,
) -> Result<Vec<Change>, ReadError> {
    let frame_error = || ReadError::NotWebhook(strict.to_string());
    let root: Value = serde_json::from_slice(body).map_err(|_| frame_error())?;
    let object = root
        .get("object")
        .and_then(Value::as_str)
        .ok_or_else(frame_error)?;
    check_object(object)?;
    let entries = root
        .get("entry")
        .and_then(Value::as_array)
        .ok_or_else(frame_error)?;
    let mut typed = Vec::new();
    let mut unparsed = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let id = entry
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(frame_error)?;
        let id = meta::ids::WabaId::parse(id)
            .map_err(|e| ReadError::NotWebhook(format!("entry[{i}].id: {e}")))?;
        let changes = entry
            .get("changes")
            .and_then(Value::as_array)
            .ok_or_else(frame_error)?;
        let mut good = Vec::new();
        for (j, change) in changes.iter().enumerate() {
            let field = change
                .get("field")
                .and_then(Value::as_str)
                .ok_or_else(frame_error)?;
            let value = change.get("value").ok_or_else(frame_error)?;
            match parse_value(field, value.to_string().as_bytes()) {
                Ok(v) => good.push(WireChange::new(v)),
                Err(e) => unparsed.push(Change::Unparsed(Unparsed {
                    number: NumberRef::from_raw_value(value, id.as_str()),
                    field: field.to_owned(),
                    reason: format!("entry[{i}].changes[{j}].value: {}: {}", e.path, e.message),
                    raw: value.clone(),
                })),
            }
        }
        let mut entry_typed = Entry::new(id, good);
        entry_typed.time = entry
            .get("time")
            .and_then(Value::as_i64)
            .map(meta::time::Timestamp::integer);
        typed.push(entry_typed);
    }
    let mut out = normalize(&Envelope::new(typed), received_at);
    out.extend(unparsed);
    Ok(out)
}
