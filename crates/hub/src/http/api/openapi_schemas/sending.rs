//! The schemas of sending: the outbox side of a message, templates, media uploads, costs,
//! receipts.

use serde_json::{Value, json};

use super::{
    array_of, boolean, integer, list, nullable, nullable_string, nullable_time, object, one_of, r,
    string, time,
};

const OUTBOX_STATES: &[&str] = &["queued", "sending", "sent", "failed", "interrupted"];

fn send_info() -> Value {
    object(
        "The outbox side of an API message.",
        json!({
            "state": { "type": "string", "enum": OUTBOX_STATES, "description": "queued (waiting, maybe to retry), sending (a Graph call may be in flight), sent (Meta accepted it), failed, interrupted (no answer recorded: never re-sent automatically; a status webhook completes it if Meta sent it)." },
            "attempts": integer(),
            "next_attempt_at": nullable_time(),
            "last_error": nullable("MessageError"),
            "note": nullable_string(),
            "idempotency_key": nullable_string(),
        }),
    )
}

fn template() -> Value {
    object(
        "A message template of a business account.",
        json!({
            "id": { "type": "string", "description": "Meta's template id." },
            "waba_id": string(),
            "name": nullable_string(),
            "language": nullable_string(),
            "category": nullable_string(),
            "status": nullable_string(),
            "reason": nullable_string(),
            "parameter_format": nullable_string(),
            "components": { "description": "HEADER, BODY (text with {{1}} or {{name}} placeholders), FOOTER, BUTTONS, as Meta lists them; null for a template known only from webhooks." },
            "updated_at": time(),
        }),
    )
}

fn cost_group() -> Value {
    object(
        "Costs and counts of one group.",
        json!({
            "key": { "type": "string", "description": "The category, number id or day (YYYY-MM-DD); `total` for the totals." },
            "billable": integer(),
            "cost_micros": integer(),
            "cost": { "type": "string", "description": "A decimal amount in the report's currency." },
            "free": object("Free API messages by Meta's reason.", json!({
                "free_customer_service": integer(),
                "free_entry_point": integer(),
            })),
            "not_delivered": integer(),
            "unrated": integer(),
            "app_messages": integer(),
            "other_pricing_types": {
                "type": "object",
                "additionalProperties": integer(),
                "description": "Messages whose `pricing.type` coexist does not know, by that type (also counted as billable or free).",
            },
        }),
    )
}

fn costs() -> Value {
    object(
        "A cost report.",
        json!({
            "from": time(),
            "to": time(),
            "rates": object("The rate table used.", json!({
                "version": string(),
                "valid_from": string(),
                "sample": boolean(),
                "note": nullable_string(),
            })),
            "group_by": one_of(&["category", "number", "day"]),
            "currency": string(),
            "groups": array_of(r("CostGroup")),
            "total": r("CostGroup"),
        }),
    )
}

fn receipt() -> Value {
    let mut schema = object(
        "What a read receipt or typing indicator did; `wamid` and `typing` when sent.",
        json!({
            "result": one_of(&["sent", "disabled", "nothing_to_mark"]),
            "wamid": string(),
            "typing": boolean(),
        }),
    );
    schema["required"] = json!(["result"]);
    schema
}

/// Every schema of sending, by name.
pub(super) fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("SendInfo", send_info()),
        (
            "Author",
            object(
                "Who asked for a send.",
                json!({ "kind": one_of(&["user", "token"]), "id": r("Id"), "name": nullable_string() }),
            ),
        ),
        (
            "MediaRef",
            object(
                "The media a message carries; `id` is what GET /api/v1/media/{id} takes.",
                json!({
                    "id": string(),
                    "mime_type": nullable_string(),
                    "filename": nullable_string(),
                    "size": { "type": ["integer", "null"] },
                    "status": one_of(&["available", "pending", "failed"]),
                    "verified": { "type": ["boolean", "null"], "description": "Once available: whether the bytes matched the SHA-256 Meta announced (false: it could not be read, see `warning`)." },
                    "warning": nullable_string(),
                }),
            ),
        ),
        ("Template", template()),
        ("TemplateList", list("Template")),
        (
            "TemplateSync",
            object(
                "What a template sync did.",
                json!({ "wabas": array_of(string()), "templates": integer(), "errors": array_of(string()) }),
            ),
        ),
        (
            "MediaUpload",
            object(
                "An uploaded attachment.",
                json!({
                    "id": { "type": "string", "description": "Meta's media id, to send with." },
                    "mime_type": string(),
                    "size": integer(),
                    "sha256": string(),
                    "kind": one_of(&["audio", "document", "image", "sticker", "video"]),
                }),
            ),
        ),
        ("CostGroup", cost_group()),
        ("Costs", costs()),
        ("Receipt", receipt()),
        (
            "ReadReceipts",
            object(
                "The organization's read-receipt setting.",
                json!({ "enabled": boolean() }),
            ),
        ),
    ]
}
