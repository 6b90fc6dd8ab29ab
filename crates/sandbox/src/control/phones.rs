//! `/_sandbox/phones/{phone_number_id}/…`: the owner using the WhatsApp Business App.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::control::{Answer, Body};
use crate::error::ControlError;
use crate::server::Shared;
use crate::world::phone_ops::SeedMessage;

#[derive(Deserialize)]
pub(super) struct SendBody {
    to: String,
    message: Value,
}

/// `POST /_sandbox/phones/{pnid}/send`: an echo.
pub(crate) async fn send(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    Body(req): Body<SendBody>,
) -> Answer {
    let (wamid, media_id) = shared.world().phone_send(&pnid, &req.to, req.message)?;
    Ok(Json(
        json!({"wamid": wamid, "phone_number_id": pnid, "to": req.to, "media_id": media_id}),
    ))
}

#[derive(Deserialize)]
pub(super) struct EditBody {
    message_id: String,
    #[serde(default)]
    message: Option<Value>,
}

/// `POST /_sandbox/phones/{pnid}/edit`.
pub(crate) async fn edit(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    Body(req): Body<EditBody>,
) -> Answer {
    let message = req
        .message
        .ok_or_else(|| ControlError::bad_request("`message` (the new content) is required"))?;
    let wamid = shared
        .world()
        .phone_edit_or_revoke(&pnid, &req.message_id, Some(message))?;
    Ok(Json(
        json!({"wamid": wamid, "original_message_id": req.message_id}),
    ))
}

/// `POST /_sandbox/phones/{pnid}/revoke`.
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    Body(req): Body<EditBody>,
) -> Answer {
    let wamid = shared
        .world()
        .phone_edit_or_revoke(&pnid, &req.message_id, None)?;
    Ok(Json(
        json!({"wamid": wamid, "original_message_id": req.message_id}),
    ))
}

#[derive(Deserialize)]
pub(super) struct ContactBody {
    phone_number: String,
    full_name: String,
    #[serde(default)]
    first_name: Option<String>,
}

/// `POST /_sandbox/phones/{pnid}/contacts`: add or edit.
pub(crate) async fn contact_upsert(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
    Body(req): Body<ContactBody>,
) -> Answer {
    shared.world().phone_contact(
        &pnid,
        &req.phone_number,
        Some((req.full_name.clone(), req.first_name)),
    )?;
    Ok(Json(
        json!({"phone_number": req.phone_number, "full_name": req.full_name, "action": "add"}),
    ))
}

/// `DELETE /_sandbox/phones/{pnid}/contacts/{phone}`.
pub(crate) async fn contact_remove(
    State(shared): State<Arc<Shared>>,
    Path((pnid, phone)): Path<(String, String)>,
) -> Answer {
    shared.world().phone_contact(&pnid, &phone, None)?;
    Ok(Json(json!({"phone_number": phone, "action": "remove"})))
}

/// `GET /_sandbox/phones/{pnid}/contacts`.
pub(crate) async fn contacts(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
) -> Answer {
    let world = shared.world();
    let phone = world
        .phones
        .get(&pnid)
        .ok_or_else(|| ControlError::not_found(format!("{pnid} has no phone app")))?;
    Ok(Json(json!({"contacts": phone.contacts})))
}

/// `POST /_sandbox/phones/{pnid}/open`: the owner opens the app.
pub(crate) async fn open(State(shared): State<Arc<Shared>>, Path(pnid): Path<String>) -> Answer {
    let at = shared.world().phone_open(&pnid)?;
    Ok(Json(json!({"phone_number_id": pnid, "last_opened_at": at})))
}

#[derive(Deserialize)]
pub(super) struct SeedBody {
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
    Body(req): Body<SeedBody>,
) -> Answer {
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
    Ok(Json(json!({"phone_number_id": pnid, "threads": threads})))
}

/// `POST /_sandbox/phones/{pnid}/history/decline`: the owner declines history sharing.
pub(crate) async fn history_decline(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
) -> Answer {
    history_sharing(&shared, pnid, false)
}

/// `POST /_sandbox/phones/{pnid}/history/share`: sharing back on.
pub(crate) async fn history_share(
    State(shared): State<Arc<Shared>>,
    Path(pnid): Path<String>,
) -> Answer {
    history_sharing(&shared, pnid, true)
}

fn history_sharing(shared: &Shared, pnid: String, on: bool) -> Answer {
    shared.world().phone_history_sharing(&pnid, on)?;
    Ok(Json(
        json!({"phone_number_id": pnid, "history_sharing": on}),
    ))
}
