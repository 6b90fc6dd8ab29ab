//! `POST /{phone_number_id}/smb_app_data` with `sync_type` `smb_app_state_sync` or `history`.

use serde_json::{Value, json};

use crate::error::GraphFailure;
use crate::graph::{GraphResult, json_body, ok};
use crate::history::SyncType;
use crate::server::Shared;

pub(crate) fn post(shared: &std::sync::Arc<Shared>, pnid: &str, body: &[u8]) -> GraphResult {
    let request: Value = json_body(body)?;
    if request.get("messaging_product").and_then(Value::as_str) != Some("whatsapp") {
        return Err(GraphFailure::new(
            100,
            "The parameter messaging_product is required and must be \"whatsapp\".",
        ));
    }
    let raw = request
        .get("sync_type")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphFailure::new(100, "The parameter sync_type is required."))?;
    let sync = SyncType::parse(raw).ok_or_else(|| {
        GraphFailure::invalid_parameter(format!(
            "Invalid parameter: sync_type {raw:?} must be smb_app_state_sync or history"
        ))
    })?;
    let request_id = shared.world().smb_app_data(pnid, sync)?;
    shared.kick();
    ok(json!({"messaging_product": "whatsapp", "request_id": request_id}))
}
