//! `/_sandbox/phones/{phone_number_id}/…`: the owner using the WhatsApp Business App.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::control::{answer, parse};
use crate::error::ControlError;
use crate::server::Shared;
use crate::world::phone_ops::SeedMessage;

#[derive(Deserialize)]
struct SendBody {
    to: String,
    message: Value,
}

/// `POST /_sandbox/phones/{pnid}/send`: an echo.
pub(crate) async fn send(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let req: SendBody = parse(&body)?;
        let (wamid, media_id) = shared.world().phone_send(&pnid, &req.to, req.message)?;
        Ok(json!({"wamid": wamid, "phone_number_id": pnid, "to": req.to, "media_id": media_id}))
    })();
    answer(&shared, result).await
}

#[derive(Deserialize)]
struct EditBody {
    message_id: String,
    #[serde(default)]
    message: Option<Value>,
}

/// `POST /_sandbox/phones/{pnid}/edit`.
pub(crate) async fn edit(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let req: EditBody = parse(&body)?;
        let message = req
            .message
            .ok_or_else(|| ControlError::bad_request("`message` (the new content) is required"))?;
        let wamid = shared
            .world()
            .phone_edit_or_revoke(&pnid, &req.message_id, Some(message))?;
        Ok(json!({"wamid": wamid, "original_message_id": req.message_id}))
    })();
    answer(&shared, result).await
}

/// `POST /_sandbox/phones/{pnid}/revoke`.
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let req: EditBody = parse(&body)?;
        let wamid = shared
            .world()
            .phone_edit_or_revoke(&pnid, &req.message_id, None)?;
        Ok(json!({"wamid": wamid, "original_message_id": req.message_id}))
    })();
    answer(&shared, result).await
}

#[derive(Deserialize)]
struct ContactBody {
    phone_number: String,
    full_name: String,
    #[serde(default)]
    first_name: Option<String>,
}

/// `POST /_sandbox/phones/{pnid}/contacts`: add or edit.
pub(crate) async fn contact_upsert(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let req: ContactBody = parse(&body)?;
        shared.world().phone_contact(
            &pnid,
            &req.phone_number,
            Some((req.full_name.clone(), req.first_name.clone())),
        )?;
        Ok(json!({"phone_number": req.phone_number, "full_name": req.full_name, "action": "add"}))
    })();
    answer(&shared, result).await
}

/// `DELETE /_sandbox/phones/{pnid}/contacts/{phone}`.
pub(crate) async fn contact_remove(
    State(shared): State<Arc<Shared>>,
    Path((pnid, phone)): Path<(String, String)>,
) -> Response {
    let result = (|| {
        shared.world().phone_contact(&pnid, &phone, None)?;
        Ok(json!({"phone_number": phone, "action": "remove"}))
    })();
    answer(&shared, result).await
}

/// `GET /_sandbox/phones/{pnid}/contacts`.
pub(crate) async fn contacts(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
) -> Response {
    let result = (|| {
        let world = shared.world();
        let phone = world
            .phones
            .get(&pnid)
            .ok_or_else(|| ControlError::not_found(format!("{pnid} has no phone app")))?;
        Ok(json!({"contacts": phone.contacts}))
    })();
    answer(&shared, result).await
}

/// `POST /_sandbox/phones/{pnid}/open`: the owner opens the app.
pub(crate) async fn open(State(shared): State<Arc<Shared>>, Path(pnid): Path<String>) -> Response {
    let result = (|| {
        let at = shared.world().phone_open(&pnid)?;
        Ok(json!({"phone_number_id": pnid, "last_opened_at": at}))
    })();
    answer(&shared, result).await
}

#[derive(Deserialize)]
struct SeedBody {
    threads: Vec<SeedThread>,
}

#[derive(Deserialize)]
struct SeedThread {
    wa_id: String,
    #[serde(default)]
    name: Option<String>,
    messages: Vec<SeedItem>,
}

#[derive(Deserialize)]
struct SeedItem {
    /// `business` or `customer`.
    from: String,
    /// Age at the time of the call.
    #[serde(default)]
    age_seconds: Option<u64>,
    #[serde(default)]
    days_ago: Option<f64>,
    message: Value,
    #[serde(default)]
    status: Option<String>,
}

fn seed_message(item: SeedItem) -> Result<SeedMessage, ControlError> {
    let from_business = match item.from.as_str() {
        "business" => true,
        "customer" => false,
        other => {
            return Err(ControlError::bad_request(format!(
                "`from` must be \"business\" or \"customer\", not {other:?}"
            )));
        }
    };
    let age_ms = match (item.age_seconds, item.days_ago) {
        (Some(s), _) => s.saturating_mul(1_000),
        (None, Some(d)) if d.is_finite() && d >= 0.0 => (d * 86_400_000.0) as u64,
        _ => {
            return Err(ControlError::bad_request(
                "each history message needs `age_seconds` or `days_ago` (≥ 0)",
            ));
        }
    };
    Ok(SeedMessage {
        from_business,
        age_ms,
        message: item.message,
        status: item.status,
    })
}

/// `POST /_sandbox/phones/{pnid}/history`: put old threads on the phone.
pub(crate) async fn history_seed(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let req: SeedBody = parse(&body)?;
        let mut threads = Vec::new();
        for thread in req.threads {
            let messages = thread
                .messages
                .into_iter()
                .map(seed_message)
                .collect::<Result<Vec<_>, _>>()?;
            let wamids = shared.world().phone_seed_history(
                &pnid,
                &thread.wa_id,
                thread.name.as_deref(),
                messages,
            )?;
            threads.push(json!({"wa_id": thread.wa_id, "wamids": wamids}));
        }
        Ok(json!({"phone_number_id": pnid, "threads": threads}))
    })();
    answer(&shared, result).await
}

/// `POST /_sandbox/phones/{pnid}/history/decline`: the owner declines history sharing.
pub(crate) async fn history_decline(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
) -> Response {
    let result = (|| {
        shared.world().phone_history_sharing(&pnid, false)?;
        Ok(json!({"phone_number_id": pnid, "history_sharing": false}))
    })();
    answer(&shared, result).await
}

/// `POST /_sandbox/phones/{pnid}/history/share`: sharing back on.
pub(crate) async fn history_share(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
) -> Response {
    let result = (|| {
        shared.world().phone_history_sharing(&pnid, true)?;
        Ok(json!({"phone_number_id": pnid, "history_sharing": true}))
    })();
    answer(&shared, result).await
}
