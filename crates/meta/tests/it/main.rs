//! Integration tests of the `meta` crate. One binary, one module per area.

mod fixtures;
mod smoke;
mod variants;
