//! The HTTP surface: the control API under `/_sandbox`, the media download URL, and the Graph
//! API at `/{version}/…`.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};

use crate::server::Shared;
use crate::{control, graph};

/// Uploads may be up to 100 MB (documents); everything else is far smaller.
const BODY_LIMIT: usize = 100 * 1024 * 1024;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .nest("/_sandbox", control::router(shared.clone()))
        .route(
            "/whatsapp_business/attachments/",
            get(graph::media::download),
        )
        .route("/{version}/{id}/media", post(graph::media::upload_route))
        .route("/{version}/{id}", any(graph::object))
        .route("/{version}/{id}/{edge}", any(graph::edge))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(shared)
}
