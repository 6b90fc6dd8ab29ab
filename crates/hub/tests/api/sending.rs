//! Sending under Meta's rules, against the sandbox in explicit mode (issue 4): the send API and
//! its checks, every Meta error path, the outbox's crash semantics and governors, read receipts
//! and typing, templates, media and costs.

mod costs;
mod media;
mod meta_errors;
mod outbox;
mod proxy;
mod receipts;
mod rig;
mod send;
mod templates;
