//! `POST /{phone_number_id}/messages`: sends, and mark-as-read (routed on `status`).

use meta::graph::SuccessResponse;
use meta::graph::messages::{MarkReadRequest, MessagesRequest, SendMessageResponse};
use meta::graph::send::{OutboundContent, SendMessageRequest};
use meta::graph::template_message::{ComponentType, TemplateMessage};
use meta::ids::{WaId, Wamid};
use serde_json::{Value, json};

use crate::error::GraphFailure;
use crate::graph::{GraphResult, json_body, ok};
use crate::server::Shared;
use crate::state::messages::Origin;
use crate::world::send::{SendInput, TemplateRef};

pub(crate) fn post(shared: &std::sync::Arc<Shared>, pnid: &str, body: &[u8]) -> GraphResult {
    match MessagesRequest::from_json_slice(body).map_err(GraphFailure::from)? {
        MessagesRequest::MarkRead(request) => mark_read(shared, pnid, &request),
        MessagesRequest::Send(request) => {
            request.validate().map_err(GraphFailure::from)?;
            let raw: Value = json_body(body)?;
            let input = send_input(&request, raw);
            let accepted = shared.world().send(pnid, input)?;
            shared.kick();
            let response = SendMessageResponse::new(
                accepted.input,
                WaId::parse(accepted.wa_id)
                    .map_err(|e| GraphFailure::invalid_parameter(e.to_string()))?,
                Wamid::parse(accepted.wamid)
                    .map_err(|e| GraphFailure::invalid_parameter(e.to_string()))?,
            );
            ok(response)
        }
    }
}

/// What the world needs from a request that passed `meta`'s validation.
fn send_input(request: &SendMessageRequest, raw: Value) -> SendInput {
    let content = request.content.as_ref();
    let kind = content
        .map(|c| c.type_name().to_owned())
        .unwrap_or_default();
    let template = match content {
        Some(OutboundContent::Template(t)) => Some(template_ref(t)),
        _ => None,
    };
    let reaction_to = match content {
        Some(OutboundContent::Reaction(r)) => r.message_id.as_ref().map(|m| m.as_str().to_owned()),
        _ => None,
    };
    SendInput {
        to: request.to.clone().unwrap_or_default(),
        template,
        reaction_to,
        biz_opaque_callback_data: request.biz_opaque_callback_data.clone(),
        content: json!({"type": kind, kind.as_str(): raw.get(&kind).cloned().unwrap_or(Value::Null)}),
        kind,
        request: raw,
    }
}

fn template_ref(t: &TemplateMessage) -> TemplateRef {
    // Clients write component types in either case (pywa sends "BODY"); Meta accepts both.
    let count = |kind: ComponentType| {
        t.components
            .iter()
            .flatten()
            .filter(|c| c.type_.as_str().eq_ignore_ascii_case(kind.as_str()))
            .map(|c| c.parameters.as_ref().map_or(0, Vec::len))
            .sum::<usize>()
    };
    TemplateRef {
        name: t.name.clone().unwrap_or_default(),
        language: t
            .language
            .as_ref()
            .and_then(|l| l.code.clone())
            .unwrap_or_default(),
        header_params: count(ComponentType::Header),
        body_params: count(ComponentType::Body),
    }
}

/// `{"status": "read", "message_id": …, "typing_indicator"?}` → `{"success": true}`.
fn mark_read(
    shared: &std::sync::Arc<Shared>,
    pnid: &str,
    request: &MarkReadRequest,
) -> GraphResult {
    if request.status != "read" {
        return Err(GraphFailure::invalid_parameter(format!(
            "Parameter status must be \"read\", got {:?}.",
            request.status
        )));
    }
    let message_id = request.message_id.as_str();
    let typing = request.typing_indicator.is_some();
    let mut world = shared.world();
    world.check_number_can_send(pnid)?;
    let now = world.now;
    let record = world
        .messages
        .get_mut(message_id)
        .filter(|m| m.phone_number_id == pnid && m.origin == Origin::Customer)
        .ok_or_else(|| {
            GraphFailure::new(
                131009,
                format!(
                    "Invalid message_id: {message_id} is not a message received by this number"
                ),
            )
        })?;
    record.status = "read".to_owned();
    let wa_id = record.wa_id.clone();
    let thread = world.thread(pnid, &wa_id);
    thread.read_by_business_at = Some(now);
    if typing {
        thread.typing_until = Some(now + 25_000);
    }
    ok(SuccessResponse::ok())
}
