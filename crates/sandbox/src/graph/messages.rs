//! `POST /{phone_number_id}/messages`: sends, and mark-as-read (routed on `status`).

use serde_json::{Value, json};

use crate::error::GraphFailure;
use crate::graph::{GraphResult, json_body, ok};
use crate::server::Shared;
use crate::state::messages::Origin;
use crate::world::send::{SendInput, TemplateRef};

pub(crate) fn post(shared: &std::sync::Arc<Shared>, pnid: &str, body: &[u8]) -> GraphResult {
    let request: Value = json_body(body)?;
    if request.get("status").is_some() {
        return mark_read(shared, pnid, &request);
    }
    let input = parse_send(&request)?;
    let accepted = shared.world().send(pnid, input)?;
    shared.kick();
    ok(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": accepted.input, "wa_id": accepted.wa_id}],
        "messages": [{"id": accepted.wamid}],
    }))
}

/// Validates a send request as Meta does and extracts what the world needs.
fn parse_send(request: &Value) -> Result<SendInput, GraphFailure> {
    let product = request.get("messaging_product").and_then(Value::as_str);
    if product != Some("whatsapp") {
        return Err(GraphFailure::new(
            100,
            "The parameter messaging_product is required and must be \"whatsapp\".",
        ));
    }
    let to = request
        .get("to")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphFailure::new(100, "The parameter to is required."))?
        .to_owned();
    let kind = request
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("text")
        .to_owned();
    let object = request.get(&kind).cloned().ok_or_else(|| {
        GraphFailure::new(131008, format!("Required parameter is missing: {kind}"))
    })?;
    let template = (kind == "template")
        .then(|| template_ref(&object))
        .transpose()?;
    let reaction_to = (kind == "reaction")
        .then(|| {
            object
                .get("message_id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .flatten();
    Ok(SendInput {
        to,
        template,
        reaction_to,
        biz_opaque_callback_data: request
            .get("biz_opaque_callback_data")
            .and_then(Value::as_str)
            .map(str::to_owned),
        content: json!({"type": kind, kind.as_str(): object}),
        kind,
        request: request.clone(),
    })
}

fn template_ref(object: &Value) -> Result<TemplateRef, GraphFailure> {
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphFailure::new(131008, "Required parameter is missing: template.name"))?;
    let language = object
        .pointer("/language/code")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            GraphFailure::new(
                131008,
                "Required parameter is missing: template.language.code",
            )
        })?;
    let count = |kind: &str| {
        object
            .get("components")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|c| {
                c.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case(kind))
            })
            .map(|c| {
                c.get("parameters")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
            })
            .sum::<usize>()
    };
    Ok(TemplateRef {
        name: name.to_owned(),
        language: language.to_owned(),
        header_params: count("header"),
        body_params: count("body"),
    })
}

/// `{"status": "read", "message_id": …, "typing_indicator"?}` → `{"success": true}`.
fn mark_read(shared: &std::sync::Arc<Shared>, pnid: &str, request: &Value) -> GraphResult {
    if request.get("status").and_then(Value::as_str) != Some("read") {
        return Err(GraphFailure::invalid_parameter(
            "Invalid parameter: status must be \"read\"",
        ));
    }
    let message_id = request
        .get("message_id")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphFailure::new(131008, "Required parameter is missing: message_id"))?;
    let typing = request.get("typing_indicator").is_some();
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
    ok(json!({"success": true}))
}
