//! Integration tests of the `meta` crate. One binary, one module per area.

mod fixtures;
mod malformed;
mod signature;
mod smoke;
mod variants;
