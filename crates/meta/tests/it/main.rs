//! Integration tests of the `meta` crate. One binary, one module per area.

mod basics;
mod events;
mod fixtures;
mod graph_errors;
mod graph_types;
mod lossless;
mod malformed;
mod signature;
mod smoke;
mod validate;
mod variants;
