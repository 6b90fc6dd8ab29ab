//! The read side: each function runs on a read connection inside one snapshot and checks the
//! organization, so another organization's rows are [`StoreError::NotFound`] (never "forbidden",
//! which would confirm they exist).
//!
//! [`StoreError::NotFound`]: coexist_core::store::StoreError::NotFound

pub(crate) mod chats;
pub(crate) mod contacts;
pub(crate) mod messages;
pub(crate) mod numbers;
#[cfg(test)]
mod plans;
pub(crate) mod search;
pub(crate) mod stream;

use coexist_core::page::Limit;

/// The page size as SQL wants it, plus one row to learn whether another page follows.
pub(crate) fn fetch_size(limit: Limit) -> i64 {
    i64::from(limit.get()) + 1
}
