//! Contacts, by id, with an optional search over names and the phone number.

use coexist_core::ids::{ContactId, NumberId, OrgId};
use coexist_core::page::{Limit, Page};
use coexist_core::store::{ContactFilter, ContactRecord};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Row, params_from_iter};
use serde_json::{Map, Value};

use super::fetch_size;
use crate::sqlite::cursor;
use crate::sqlite::error::DbResult;
use crate::sqlite::rows::{opt_ts, ts};

const TAG: &str = "k";

pub(crate) const COLUMNS: &str = "k.id, k.number_id, k.wa_id, k.user_id, k.parent_user_id,
    k.name, k.first_name, k.profile_name, k.removed_from_phone_at, k.marketing_opt_out,
    k.attributes, k.created_at, k.updated_at";

pub(crate) fn contact_row(r: &Row<'_>) -> rusqlite::Result<ContactRecord> {
    let attributes = match r.get::<_, Value>(10)? {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    Ok(ContactRecord {
        id: ContactId(r.get(0)?),
        number_id: NumberId(r.get(1)?),
        wa_id: r.get(2)?,
        user_id: r.get(3)?,
        parent_user_id: r.get(4)?,
        name: r.get(5)?,
        first_name: r.get(6)?,
        profile_name: r.get(7)?,
        removed_from_phone_at: opt_ts(r, 8)?,
        marketing_opt_out: r.get(9)?,
        attributes,
        created_at: ts(r, 11)?,
        updated_at: ts(r, 12)?,
    })
}

/// `q` as a LIKE pattern matching anywhere, with LIKE's wildcards taken literally.
fn like_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for ch in q.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// The page query: ?1 organization, ?2 after id, ?3 how many, then the number (?4) and the LIKE
/// pattern (next) when filtering by them.
pub(crate) fn list_sql(by_number: bool, search: bool) -> String {
    let mut sql = format!("SELECT {COLUMNS} FROM contacts k WHERE k.org_id = ?1 AND k.id > ?2");
    let mut next = 4;
    if by_number {
        sql.push_str(" AND k.number_id = ?4");
        next = 5;
    }
    if search {
        let i = next;
        sql.push_str(&format!(
            " AND (k.name LIKE ?{i} ESCAPE '\\' OR k.profile_name LIKE ?{i} ESCAPE '\\'
                  OR k.first_name LIKE ?{i} ESCAPE '\\' OR k.wa_id LIKE ?{i} ESCAPE '\\')"
        ));
    }
    sql.push_str(" ORDER BY k.id LIMIT ?3");
    sql
}

/// One page of `org`'s contacts by id.
pub(crate) fn list(
    conn: &Connection,
    org: OrgId,
    filter: &ContactFilter,
    limit: Limit,
    after: Option<&str>,
) -> DbResult<Page<ContactRecord>> {
    let after = match after {
        Some(c) => cursor::decode_exact::<1>(c, TAG)?[0],
        None => 0,
    };
    let mut args = vec![
        SqlValue::Integer(org.0),
        SqlValue::Integer(after),
        SqlValue::Integer(fetch_size(limit)),
    ];
    if let Some(number) = filter.number_id {
        args.push(SqlValue::Integer(number.0));
    }
    let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if let Some(q) = q {
        args.push(SqlValue::Text(like_pattern(q)));
    }
    let sql = list_sql(filter.number_id.is_some(), q.is_some());
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut data = stmt
        .query_map(params_from_iter(args), contact_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = page_end(&mut data, limit).map(|c| cursor::encode(TAG, &[c.id.0]));
    Ok(Page { data, next_cursor })
}

/// Cuts the look-ahead row; returns the last item kept if another page follows.
pub(crate) fn page_end<T>(data: &mut Vec<T>, limit: Limit) -> Option<&T> {
    let n = usize::try_from(limit.get()).unwrap_or(usize::MAX);
    if data.len() > n {
        data.truncate(n);
        data.last()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_wildcards_in_the_query_are_literal() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}
