//! Full-text search over message texts and captions (FTS5, `messages_fts`).
//!
//! The user's query is never handed to FTS5 as syntax: each whitespace-separated word becomes a
//! quoted string (inner `"` doubled), so `"`, `*`, `-`, `:`, `^`, `(`, `NEAR` or `OR` typed by
//! a user are searched for as text (or dropped by the tokenizer), never interpreted. Words are
//! ANDed. Words with no letter or digit would tokenize to nothing and are left out.

use coexist_core::ids::OrgId;
use coexist_core::page::{Limit, Page};
use coexist_core::store::MessageRecord;
use rusqlite::{Connection, params};

use super::contacts::page_end;
use super::fetch_size;
use super::messages::{COLUMNS, message_row};
use crate::sqlite::cursor;
use crate::sqlite::error::{DbError, DbResult};

const TAG: &str = "s";

/// The FTS5 query for what a user typed; `None` if nothing in it is searchable.
pub(crate) fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split_whitespace()
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Best matches first (bm25); the cursor is an offset.
pub(crate) fn search(
    conn: &Connection,
    org: OrgId,
    q: &str,
    limit: Limit,
    after: Option<&str>,
) -> DbResult<Page<MessageRecord>> {
    if q.trim().is_empty() {
        return Err(DbError::invalid("the search query is empty"));
    }
    let offset = match after {
        Some(c) => cursor::decode_exact::<1>(c, TAG)?[0].max(0),
        None => 0,
    };
    let Some(fts) = fts_query(q) else {
        return Ok(Page {
            data: Vec::new(),
            next_cursor: None,
        });
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM messages_fts f JOIN messages m ON m.id = f.rowid
         WHERE messages_fts MATCH ?1 AND m.org_id = ?2
         ORDER BY f.rank, m.id DESC LIMIT ?3 OFFSET ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![fts, org.0, fetch_size(limit), offset], message_row)?;
    let mut data = rows.collect::<Result<Vec<_>, _>>()?;
    let next = offset + i64::from(limit.get());
    let next_cursor = page_end(&mut data, limit).map(|_| cursor::encode(TAG, &[next]));
    Ok(Page { data, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn user_input_is_quoted_never_interpreted() {
        assert_eq!(fts_query("cat OR dog").unwrap(), r#""cat" "OR" "dog""#);
        assert_eq!(fts_query(r#"say "hi"#).unwrap(), r#""say" """hi""#);
        assert_eq!(
            fts_query("-x* NEAR(a b)").unwrap(),
            r#""-x*" "NEAR(a" "b)""#
        );
        assert_eq!(fts_query("  * - \" "), None);
    }
}
