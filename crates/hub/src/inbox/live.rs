//! Inbox changes commit their stream events with them (the store does that); afterwards the
//! handler rings the doorbell, as the webhook endpoint does after ingest, so every open stream
//! re-reads at once and a second agent sees an assignment within a second.

use crate::http::AppState;

/// Rings the doorbell with the store's head. If the head cannot be read the change is still
/// committed; streams pick it up at the next ring.
pub(crate) async fn announce(state: &AppState) {
    match state.store.head_position().await {
        Ok(head) => state.doorbell.ring(head),
        Err(e) => tracing::warn!(error = %e, "could not read the stream head to ring the doorbell"),
    }
}
