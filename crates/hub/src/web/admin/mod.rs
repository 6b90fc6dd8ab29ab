//! The admin pages, server-rendered like the inbox (askama templates in
//! `crates/hub/templates/admin`, the script `assets/js/admin.js` through the import map):
//!
//! - `/admin/numbers`: every number with its lifecycle and sync status, reminders, and the
//!   onboardings under way; "Connect a number".
//! - `/admin/connect`: the models (coexistence, Cloud API only, and app only), what each gives
//!   up, and the eligibility preflight.
//! - `/admin/onboardings/{id}`: an onboarding's steps, the button that opens Meta's (or the
//!   sandbox's) signup window, failures with what to do, resume and cancel.
//! - `/admin/numbers/{id}`: a number's lifecycle, the once-only syncs with the 24-hour
//!   countdown (buttons only while a sync may be requested), the history import by phase,
//!   reminders, and the audit trail.
//!
//! Everything the pages change goes through the REST API (`/api/v1/onboardings`, `/sync`), so
//! the page and an integration are held to the same rules.

mod model;
mod pages;

use axum::Router;
use axum::routing::get;

use crate::http::AppState;

/// The admin routes (merged into the web router, which provides the assets).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(pages::index))
        .route("/admin/numbers", get(pages::numbers))
        .route("/admin/numbers/{id}", get(pages::number))
        .route("/admin/connect", get(pages::connect))
        .route("/admin/onboardings/{id}", get(pages::onboarding))
}
