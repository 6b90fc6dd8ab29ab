//! Opaque cursors. Inside, a tag naming the list and the keyset values (`tag:v1:v2`), in
//! URL-safe base64 so clients treat it as a token. A cursor from another list, or anything that
//! does not decode, is refused with [`StoreError::Invalid`](coexist_core::store::StoreError).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::{DbError, DbResult};

/// The cursor for the position after an item with these keyset values.
pub(crate) fn encode(tag: &str, values: &[i64]) -> String {
    let mut s = tag.to_owned();
    for v in values {
        s.push(':');
        s.push_str(&v.to_string());
    }
    URL_SAFE_NO_PAD.encode(s)
}

/// The tag and values of a cursor, checking the tag is one of `tags`.
pub(crate) fn decode<'t>(cursor: &str, tags: &[&'t str]) -> DbResult<(&'t str, Vec<i64>)> {
    let bad = || DbError::invalid(format!("cursor {cursor:?} is not valid for this list"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.split(':');
    let tag = parts.next().ok_or_else(bad)?;
    let tag = *tags.iter().find(|t| **t == tag).ok_or_else(bad)?;
    let values = parts
        .map(|p| p.parse::<i64>().map_err(|_| bad()))
        .collect::<DbResult<Vec<_>>>()?;
    Ok((tag, values))
}

/// Decodes a cursor of one tag holding exactly `N` values.
pub(crate) fn decode_exact<const N: usize>(cursor: &str, tag: &str) -> DbResult<[i64; N]> {
    let (_, values) = decode(cursor, &[tag])?;
    values
        .try_into()
        .map_err(|_| DbError::invalid(format!("cursor {cursor:?} is not valid for this list")))
}

#[cfg(test)]
mod tests {
    use super::{decode, decode_exact, encode};

    #[test]
    fn cursors_round_trip_and_refuse_other_lists() {
        let c = encode("m", &[1_750_000_000_000, 42]);
        assert_eq!(decode_exact::<2>(&c, "m").unwrap(), [1_750_000_000_000, 42]);
        assert!(decode_exact::<2>(&c, "k").is_err());
        assert!(decode_exact::<1>(&c, "m").is_err());
        assert!(decode("not base64!", &["m"]).is_err());
        assert!(decode(&encode("m", &[]), &["m"]).unwrap().1.is_empty());
    }
}
