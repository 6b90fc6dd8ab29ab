//! Integration tests of the `meta` crate. One binary, one module per area.

mod fixtures;
mod graph_errors;
mod lossless;
mod malformed;
mod signature;
mod smoke;
mod validate;
mod variants;
