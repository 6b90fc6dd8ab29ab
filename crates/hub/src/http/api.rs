//! The REST API, version 1, under `/api/v1`: one resource per module, every route
//! authenticated by [`crate::http::Auth`]. Lists answer `{"data": [...]}` (paged ones add
//! `next_cursor`); single resources answer the object itself; errors answer
//! `{"error": {"code", "message"}}`.

mod canned;
mod chats;
mod contacts;
mod costs;
mod inbox;
mod me;
mod media;
mod messages;
mod notes;
mod notifications;
mod numbers;
mod onboarding;
pub mod openapi;
mod openapi_schemas;
mod params;
mod receipts;
mod send;
mod stream;
mod templates;
mod users;
mod webhook_errors;

use std::fmt::Display;

use coexist_core::store::StoreError;
use serde::Serialize;

use super::{ApiError, Routes};

/// The prefix of every API route.
pub const PREFIX: &str = "/api/v1";

pub(crate) fn routes() -> Routes {
    Routes::new()
        .merge(numbers::routes())
        .merge(onboarding::routes())
        .merge(contacts::routes())
        .merge(chats::routes())
        .merge(messages::routes())
        .merge(webhook_errors::routes())
        .merge(stream::routes())
        .merge(openapi::routes())
        .merge(send::routes())
        .merge(templates::routes())
        .merge(media::routes())
        .merge(costs::routes())
        .merge(receipts::routes())
        .merge(me::routes())
        .merge(users::routes())
        .merge(inbox::routes())
        .merge(notes::routes())
        .merge(notifications::routes())
        .merge(canned::routes())
}

/// An unpaged list.
#[derive(Debug, Serialize)]
pub(crate) struct List<T> {
    data: Vec<T>,
}

impl<T> List<T> {
    pub(crate) fn new(data: Vec<T>) -> Self {
        List { data }
    }
}

/// Maps a store's `NotFound` to a 404 naming the resource and id.
pub(crate) fn not_found(
    what: &'static str,
    id: impl Display,
) -> impl FnOnce(StoreError) -> ApiError {
    move |e| match e {
        StoreError::NotFound => ApiError::not_found(format!("{what} {id} not found")),
        other => ApiError::from(other),
    }
}
