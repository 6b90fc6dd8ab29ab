//! Keyset pagination: a page of items and an opaque cursor for the next one.

use serde::Serialize;

/// The most items one page may hold.
pub const MAX_PAGE_SIZE: u32 = 200;
/// Items per page when the client does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// A page size between 1 and [`MAX_PAGE_SIZE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u32);

impl Limit {
    /// Clamps a client's requested size; `None` means the default.
    pub fn new(requested: Option<u32>) -> Self {
        Limit(
            requested
                .unwrap_or(DEFAULT_PAGE_SIZE)
                .clamp(1, MAX_PAGE_SIZE),
        )
    }

    /// The size.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// The items, in the list's order.
    pub data: Vec<T>,
    /// Pass this as `cursor` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}
