//! The crate-internal error: a [`StoreError`] that `?` can build from rusqlite and serde_json
//! errors, so SQL code reads straight and no `rusqlite::Error` leaks upward.

use coexist_core::store::StoreError;
use rusqlite::ErrorCode;

/// A [`StoreError`] with the conversions the SQL code needs.
#[derive(Debug)]
pub(crate) struct DbError(pub(crate) StoreError);

pub(crate) type DbResult<T> = Result<T, DbError>;

impl DbError {
    /// Input we refuse, with a sentence saying what is wrong.
    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        DbError(StoreError::Invalid(msg.into()))
    }

    /// Stored data we cannot read back (a value outside the domain's names, bad JSON...).
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        DbError(StoreError::Unavailable(format!(
            "stored data is not valid: {what}"
        )))
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        let err = match e.sqlite_error_code() {
            _ if matches!(e, rusqlite::Error::QueryReturnedNoRows) => StoreError::NotFound,
            Some(ErrorCode::ConstraintViolation) => StoreError::Conflict(e.to_string()),
            Some(_) | None => StoreError::Unavailable(e.to_string()),
        };
        DbError(err)
    }
}

impl From<serde_json::Error> for DbError {
    fn from(e: serde_json::Error) -> Self {
        DbError::corrupt(e)
    }
}

impl From<StoreError> for DbError {
    fn from(e: StoreError) -> Self {
        DbError(e)
    }
}

impl From<DbError> for StoreError {
    fn from(e: DbError) -> Self {
        e.0
    }
}
