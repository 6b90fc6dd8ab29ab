//! The web inbox, served by the hub itself: `/login`, the inbox at `/` and `/chats/{id}`, and
//! the embedded assets under `/assets/`. Nothing is fetched from elsewhere at run time.
//!
//! - `pages`: the server-rendered first paint (askama templates in `crates/hub/templates`);
//!   `filter` reads the inbox page's query, `html` is what every page answers with.
//! - `view`: rows, chips and banners computed from store records for those templates.
//! - `assets`: CSS and ES modules from `crates/hub/assets`, compiled into the binary and served
//!   under content-hashed names.
//! - `session`: who is signed in (the `cx_session` cookie).
//!
//! Everything else the page does goes through the REST API and the live stream.

mod admin;
mod assets;
mod filter;
mod html;
mod icons;
mod pages;
mod session;
#[cfg(test)]
mod tests;
mod view;

use axum::routing::get;
use axum::{Extension, Router};
use tower_http::compression::CompressionLayer;

use crate::http::AppState;

/// The web app's routes, merged into the application router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::inbox))
        .route("/chats/{id}", get(pages::inbox_chat))
        .route("/login", get(pages::login))
        .route("/assets/{*path}", get(assets::serve))
        .merge(admin::router())
        .layer(CompressionLayer::new())
        .layer(Extension(assets::Assets::embedded()))
}
