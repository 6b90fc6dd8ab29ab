//! `coexist bench baseline-server` (hidden): the baseline of `bench ingest`, a bare axum server on
//! the same runtime settings as `coexist serve` that reads each request's body and answers 200,
//! nothing else. What the machine can do for HTTP alone, measured in the same run as the hub.

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::post;

/// Flags of `coexist bench baseline-server`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct BaselineArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
}

/// Reading the body into `Bytes` is all the work: the hub must read it too before anything.
async fn receive(body: Bytes) -> StatusCode {
    std::hint::black_box(body.len());
    StatusCode::OK
}

/// Serves until killed, after printing `listening on http://ADDR` on stderr.
pub(crate) async fn serve(args: BaselineArgs) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr().context("the bound address")?;
    eprintln!("coexist bench baseline-server: listening on http://{addr}");
    let app = Router::new()
        .route(hub::http::WEBHOOK_PATH, post(receive))
        .layer(DefaultBodyLimit::max(hub::http::WEBHOOK_BODY_LIMIT));
    axum::serve(listener, app).await.context("serving")
}
