//! ASCII-only JSON, for bodies that are signed with `X-Hub-Signature-256`.
//!
//! Meta's webhook docs say the signature is computed over "an escaped unicode version of the
//! payload, with lowercase hex digits" (META.md §1.2). Serializing with every non-ASCII
//! character escaped as `\uXXXX` makes the raw bytes and the escaped form identical, so a hub
//! that checks either one accepts the body.

use serde::Serialize;

/// Serializes `value` as compact JSON in which every character outside printable ASCII
/// (`U+007F` and above) is written as a lowercase `\uXXXX` escape, with surrogate pairs for
/// characters beyond the Basic Multilingual Plane.
pub fn to_vec_ascii<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let utf8 = serde_json::to_vec(value)?;
    Ok(escape_non_ascii(&utf8).unwrap_or(utf8))
}

/// Escapes every character at or above `U+007F` in UTF-8 text as lowercase `\uXXXX` (UTF-16
/// code units). Returns `None` when nothing needs escaping or the input is not UTF-8.
///
/// This is a textual transform, as whatsapp-api-js's `escapeUnicode` does: in JSON produced by
/// a serializer, non-ASCII characters only occur inside strings, where `\uXXXX` is valid.
pub fn escape_non_ascii(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.iter().all(|&b| b < 0x7f) {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 2);
    let mut units = [0u16; 2];
    for ch in text.chars() {
        if (ch as u32) < 0x7f {
            out.push(ch as u8);
            continue;
        }
        for unit in ch.encode_utf16(&mut units).iter() {
            push_escape(&mut out, *unit);
        }
    }
    Some(out)
}

fn push_escape(out: &mut Vec<u8>, unit: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(b"\\u");
    for shift in [12u16, 8, 4, 0] {
        out.push(HEX[usize::from((unit >> shift) & 0xf)]);
    }
}
