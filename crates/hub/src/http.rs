//! The HTTP side: the webhook endpoint, `/healthz` and the REST API.
//!
//! Routes are registered through [`Routes`], which keeps a table of every (method, path) it
//! serves; [`routes`] returns it so a test can check the OpenAPI document covers them all.

pub mod api;
mod auth_routes;
pub mod error;
pub(crate) mod extract;
mod health;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::routing::MethodRouter;
use coexist_core::ids::OrgId;
use coexist_core::store::Store;
use coexist_core::time::Clock;
use tokio::sync::watch;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The caller of an API route (an API token or a signed-in session); see [`crate::auth::Actor`].
pub use crate::auth::Actor as Auth;
pub use error::ApiError;
pub use webhook::WEBHOOK_BODY_LIMIT;

use crate::auth::sessions::AuthSettings;
use crate::doorbell::Doorbell;
use crate::webhook::WebhookSettings;

/// The webhook endpoint (one URL for every number).
pub const WEBHOOK_PATH: &str = "/webhooks/whatsapp";
/// How long a webhook request may take in all (reading a 4 MiB body included).
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(30);

/// What handlers share. Cheap to clone: everything is behind an `Arc`.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock ("now" for health, windows, receive times).
    pub clock: Arc<dyn Clock>,
    /// Rung after every commit.
    pub doorbell: Arc<dyn Doorbell>,
    /// The organization receiving numbers first seen in a webhook.
    pub default_org: OrgId,
    /// Secrets of the webhook endpoint.
    pub webhook: Arc<WebhookSettings>,
    /// Turns true when the server is shutting down; live streams end then.
    pub shutdown: watch::Receiver<bool>,
    /// The sending side: the outbox, templates, media, costs, read receipts.
    pub sending: Arc<crate::outbox::Sending>,
    /// Onboarding: signup, the guarded syncs, reminders, the audit trail.
    pub onboarding: Arc<crate::onboarding::Onboarding>,
    /// Sign-in and session settings.
    pub auth: Arc<AuthSettings>,
}

/// One route the router serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// Its method.
    pub method: Method,
    /// Its path, in OpenAPI/axum template form (`/api/v1/chats/{id}`).
    pub path: &'static str,
}

/// A router under construction that remembers what it serves.
pub(crate) struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Routes {
    pub(crate) fn new() -> Self {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// Serves `GET path`.
    pub(crate) fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, axum::routing::get(handler))
    }

    /// Serves `POST path`.
    pub(crate) fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, axum::routing::post(handler))
    }

    /// Serves `PUT path`.
    pub(crate) fn put<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, axum::routing::put(handler))
    }

    /// Serves `PATCH path`.
    pub(crate) fn patch<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PATCH, path, axum::routing::patch(handler))
    }

    /// Serves `DELETE path`.
    pub(crate) fn delete<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::DELETE, path, axum::routing::delete(handler))
    }

    fn add(mut self, method: Method, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.table.push(RouteInfo { method, path });
        self.router = self.router.route(path, route);
        self
    }

    /// Adds every route of `other`.
    pub(crate) fn merge(mut self, other: Routes) -> Self {
        self.table.extend(other.table);
        self.router = self.router.merge(other.router);
        self
    }
}

fn all_routes() -> Routes {
    let webhook = Routes::new()
        .get(WEBHOOK_PATH, webhook::verify)
        .post(WEBHOOK_PATH, webhook::receive);
    let webhook = Routes {
        router: webhook.router.layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            WEBHOOK_TIMEOUT,
        )),
        table: webhook.table,
    };
    Routes::new()
        .get("/healthz", health::healthz)
        .merge(webhook)
        .merge(api::routes())
        .merge(auth_routes::routes())
}

/// Every (method, path) the router serves.
pub fn routes() -> Vec<RouteInfo> {
    all_routes().table
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    all_routes()
        .router
        .merge(crate::web::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(error::log_server_errors))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take this method",
    )
}
