//! `GET /api/v1/stream`: server-sent events of every change of the caller's organization after
//! a position. Each event has `id:` = its stream position, `event:` = its kind and `data:` = the
//! stream event as JSON.
//!
//! Where it starts: after the `Last-Event-ID` header (what a reconnecting `EventSource` sends),
//! else after `?after=`, else at the current head (new changes only; `after=0` replays all).
//!
//! How it follows: it reads from the store, and when caught up it waits for the doorbell, then
//! reads again from its own last position. The doorbell carries no events, so a missed or
//! coalesced ring costs a read, never an event. If the store fails the stream sends one `error`
//! event and ends; the client resumes with `Last-Event-ID`.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use coexist_core::ids::{OrgId, Position};
use coexist_core::page::Limit;
use coexist_core::store::{Store, StreamEvent};
use futures_util::stream;
use serde::Deserialize;
use tokio::sync::watch;

use super::params;
use crate::doorbell::Listener;
use crate::http::extract::ApiQuery;
use crate::http::{ApiError, AppState, Auth, Routes};

/// How often an idle stream sends a comment, so proxies keep the connection open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events read from the store at a time.
const BATCH: u32 = 200;
/// The header a reconnecting `EventSource` sends.
const LAST_EVENT_ID: &str = "last-event-id";

pub(super) fn routes() -> Routes {
    Routes::new().get("/api/v1/stream", stream_events)
}

#[derive(Debug, Deserialize)]
struct StreamQuery {
    after: Option<String>,
}

async fn stream_events(
    auth: Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<StreamQuery>,
) -> Result<Response, ApiError> {
    // Subscribe before the first read, so a commit between that read and the first wait still
    // wakes this stream.
    let listener = state.doorbell.subscribe();
    let after = match start_after(&headers, query.after.as_deref())? {
        Some(after) => after,
        None => state.store.head_position().await?,
    };
    let reader = Reader {
        store: state.store.clone(),
        org: auth.org,
        after,
        listener,
        shutdown: state.shutdown.clone(),
        pending: VecDeque::new(),
        failed: false,
    };
    let events = stream::unfold(reader, Reader::next);
    let sse = Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE));
    // nginx buffers responses unless told not to, which would hold events back.
    let no_buffering = (
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    Ok(([no_buffering], sse).into_response())
}

fn start_after(headers: &HeaderMap, after: Option<&str>) -> Result<Option<Position>, ApiError> {
    let last_event_id = headers
        .get(LAST_EVENT_ID)
        .map(|v| {
            v.to_str().map_err(|_| {
                ApiError::bad_request("invalid_parameter", "Last-Event-ID is not valid text")
            })
        })
        .transpose()?;
    if let Some(id) = params::non_empty(last_event_id) {
        return params::position(id, "Last-Event-ID").map(Some);
    }
    params::non_empty(after)
        .map(|a| params::position(a, "after"))
        .transpose()
}

/// One client's position in the stream.
struct Reader {
    store: Arc<dyn Store>,
    org: OrgId,
    after: Position,
    listener: Listener,
    shutdown: watch::Receiver<bool>,
    pending: VecDeque<StreamEvent>,
    failed: bool,
}

impl Reader {
    /// The next SSE event, waiting as long as it takes; `None` ends the stream.
    async fn next(mut self) -> Option<(Result<Event, Infallible>, Self)> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some((Ok(to_sse(&event)), self));
            }
            if self.failed {
                return None;
            }
            let read = self
                .store
                .events_since(self.org, self.after, Limit::new(Some(BATCH)))
                .await;
            match read {
                Ok(events) if events.is_empty() => {
                    if !self.wait().await {
                        return None;
                    }
                }
                Ok(events) => {
                    self.after = events.last().map_or(self.after, |e| e.position);
                    self.pending.extend(events);
                }
                Err(e) => {
                    tracing::warn!(error = %e, after = %self.after, "live stream could not read the store");
                    self.failed = true;
                    return Some((Ok(error_event()), self));
                }
            }
        }
    }

    /// Waits for a ring; `false` when the server is shutting down or the doorbell is gone.
    async fn wait(&mut self) -> bool {
        tokio::select! {
            rung = self.listener.rung() => rung.is_some(),
            _ = self.shutdown.wait_for(|stopping| *stopping) => false,
        }
    }
}

fn to_sse(event: &StreamEvent) -> Event {
    // `Event::event` refuses line breaks; kinds are ours and never have any, but a stream must
    // not panic on a bad row.
    let kind: String = event
        .kind
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let data = serde_json::to_string(event).unwrap_or_else(|_| "{}".to_owned());
    Event::default()
        .id(event.position.to_string())
        .event(kind)
        .data(data)
}

fn error_event() -> Event {
    Event::default().event("error").data(
        r#"{"error":{"code":"unavailable","message":"storage is unavailable; reconnect with Last-Event-ID"}}"#,
    )
}
