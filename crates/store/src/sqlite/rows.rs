//! Decoding stored values back into domain types.

use std::str::FromStr;

use coexist_core::message::Editor;
use coexist_core::time::Timestamp;
use rusqlite::Row;
use rusqlite::types::Type;

/// A column holding one of the domain's stable names (`inbound`, `business_app`, `read`...).
pub(crate) fn name<T>(row: &Row<'_>, i: usize) -> rusqlite::Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let s: String = row.get(i)?;
    s.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

/// An optional column of stable names.
pub(crate) fn opt_name<T>(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<T>>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match row.get::<_, Option<String>>(i)? {
        Some(_) => name(row, i).map(Some),
        None => Ok(None),
    }
}

/// A required time column.
pub(crate) fn ts(row: &Row<'_>, i: usize) -> rusqlite::Result<Timestamp> {
    row.get(i).map(Timestamp)
}

/// An optional time column.
pub(crate) fn opt_ts(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<Timestamp>> {
    Ok(row.get::<_, Option<i64>>(i)?.map(Timestamp))
}

/// Who amended a message. Core gives [`Editor`] a name but no parser.
#[derive(Debug, thiserror::Error)]
#[error("unknown editor {0:?}")]
pub(crate) struct UnknownEditor(String);

pub(crate) fn parse_editor(s: &str) -> Result<Editor, UnknownEditor> {
    match s {
        "customer" => Ok(Editor::Customer),
        "business_app" => Ok(Editor::BusinessApp),
        other => Err(UnknownEditor(other.to_owned())),
    }
}

/// An optional editor column.
pub(crate) fn opt_editor(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<Editor>> {
    row.get::<_, Option<String>>(i)?
        .map(|s| {
            parse_editor(&s)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
        })
        .transpose()
}
