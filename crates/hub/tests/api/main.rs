//! The hub end to end: a real server on 127.0.0.1:0, a real SQLite store in a temporary data
//! directory, a manual clock. One test binary (zero2prod style) for fast linking.

mod auth;
mod failing_store;
mod handshake;
mod helpers;
mod history;
mod inbox;
mod ingest;
mod limits;
mod notes;
mod onboarding;
mod openapi;
mod pagination;
mod people;
mod search;
mod sending;
mod signature;
mod startup;
mod stream;
mod window;
mod with_sandbox;
