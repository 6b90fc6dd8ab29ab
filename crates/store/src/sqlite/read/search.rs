//! Full-text search over message texts and captions (FTS5, `messages_fts`).
//!
//! The user's query is never handed to FTS5 as syntax: each whitespace-separated word becomes a
//! quoted string (inner `"` doubled), so `"`, `*`, `-`, `:`, `^`, `(`, `NEAR` or `OR` typed by
//! a user are searched for as text (or dropped by the tokenizer), never interpreted. Words are
//! ANDed. Words with no letter or digit would tokenize to nothing and are left out.
//!
//! Order: best match first (bm25). Ranking scores every match, about 1 ms per 1,000 matches, so a
//! query matching more than [`RANKED_MATCHES_MAX`] messages (a word nearly every message has,
//! where bm25 says little anyway) is ordered newest first instead, which FTS5 serves from its
//! index without scoring. The cursor (an offset) remembers which order its list uses.

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

/// Above this many matches, results come newest first instead of ranked.
pub(crate) const RANKED_MATCHES_MAX: i64 = 5_000;

/// How a result list is ordered (kept in its cursor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Ranked = 0,
    Newest = 1,
}

/// The FTS5 query for what a user typed; `None` if nothing in it is searchable.
pub(crate) fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split_whitespace()
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Matches of ?1 in organization ?2, ?3 of them from offset ?4, in `order`.
fn search_sql(order: Order) -> String {
    let order_by = match order {
        Order::Ranked => "f.rank, m.id DESC",
        Order::Newest => "f.rowid DESC",
    };
    format!(
        "SELECT {COLUMNS} FROM messages_fts f JOIN messages m ON m.id = f.rowid
         WHERE messages_fts MATCH ?1 AND m.org_id = ?2
         ORDER BY {order_by} LIMIT ?3 OFFSET ?4"
    )
}

/// The ranked query (for the plan test).
#[cfg(test)]
pub(crate) fn ranked_sql() -> String {
    search_sql(Order::Ranked)
}

/// The newest-first query (for the plan test).
#[cfg(test)]
pub(crate) fn newest_sql() -> String {
    search_sql(Order::Newest)
}

/// Whether `fts` matches more messages than can be ranked quickly (any organization: this is
/// about the index's work).
fn too_many_to_rank(conn: &Connection, fts: &str) -> DbResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM messages_fts WHERE messages_fts MATCH ?1 LIMIT 1 OFFSET ?2")?
        .exists(params![fts, RANKED_MATCHES_MAX])?)
}

/// One page of search results; the cursor is an offset and the order.
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
    let start = match after {
        Some(c) => {
            let [offset, order] = cursor::decode_exact::<2>(c, TAG)?;
            let order = if order == Order::Newest as i64 {
                Order::Newest
            } else {
                Order::Ranked
            };
            Some((offset.max(0), order))
        }
        None => None,
    };
    let Some(fts) = fts_query(q) else {
        return Ok(Page {
            data: Vec::new(),
            next_cursor: None,
        });
    };
    let (offset, order) = match start {
        Some(s) => s,
        None if too_many_to_rank(conn, &fts)? => (0, Order::Newest),
        None => (0, Order::Ranked),
    };
    let mut stmt = conn.prepare_cached(&search_sql(order))?;
    let rows = stmt.query_map(params![fts, org.0, fetch_size(limit), offset], message_row)?;
    let mut data = rows.collect::<Result<Vec<_>, _>>()?;
    let next = offset + i64::from(limit.get());
    let next_cursor =
        page_end(&mut data, limit).map(|_| cursor::encode(TAG, &[next, order as i64]));
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
