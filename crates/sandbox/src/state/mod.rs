//! The sandbox's state, one module per kind of thing Meta keeps. Every collection is a
//! `BTreeMap` so iteration order (and therefore every emitted payload) is deterministic.

pub(crate) mod customer;
pub(crate) mod media;
pub(crate) mod messages;
pub(crate) mod phone;
pub(crate) mod templates;
pub(crate) mod waba;
