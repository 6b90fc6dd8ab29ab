//! The schemas of the OpenAPI document: one per JSON shape the API returns.

mod inbox;
mod sending;

use serde_json::{Map, Value, json};

fn string() -> Value {
    json!({ "type": "string" })
}

fn nullable_string() -> Value {
    json!({ "type": ["string", "null"] })
}

fn time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

fn nullable_time() -> Value {
    json!({ "type": ["string", "null"], "format": "date-time" })
}

fn integer() -> Value {
    json!({ "type": "integer" })
}

fn boolean() -> Value {
    json!({ "type": "boolean" })
}

fn one_of(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}

fn nullable_one_of(values: &[&str]) -> Value {
    let mut all: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    all.push(Value::Null);
    json!({ "type": ["string", "null"], "enum": all })
}

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn nullable(name: &str) -> Value {
    json!({ "oneOf": [r(name), { "type": "null" }] })
}

fn array_of(item: Value) -> Value {
    json!({ "type": "array", "items": item })
}

fn object(description: &str, props: Value) -> Value {
    let required: Vec<String> = props
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    json!({ "type": "object", "description": description, "required": required, "properties": props })
}

fn list(item: &str) -> Value {
    object("A list.", json!({ "data": array_of(r(item)) }))
}

fn page(item: &str) -> Value {
    object(
        "A page; pass next_cursor as ?cursor= for the next one (null on the last page).",
        json!({ "data": array_of(r(item)), "next_cursor": nullable_string() }),
    )
}

const DIRECTIONS: &[&str] = &["inbound", "outbound"];
const ORIGINS: &[&str] = &["customer", "business_app", "api", "history"];
const STATUSES: &[&str] = &[
    "pending",
    "accepted",
    "sent",
    "failed",
    "delivered",
    "read",
    "played",
];
const EDITORS: &[&str] = &["customer", "business_app"];
pub(crate) const INBOX_STATUSES: &[&str] = &["open", "pending", "snoozed", "resolved"];

/// Every schema, by name.
pub(crate) fn schemas() -> Value {
    let mut s = Map::new();
    let mut add = |name: &str, schema: Value| {
        s.insert(name.to_owned(), schema);
    };
    add(
        "Id",
        json!({ "type": "string", "pattern": "^[1-9][0-9]*$", "description": "An id: a positive decimal integer, as a string." }),
    );
    add("Error", error());
    add(
        "Health",
        object(
            "The hub is healthy.",
            json!({ "status": one_of(&["ok"]), "head": integer() }),
        ),
    );
    add("WebhookReceipt", webhook_receipt());
    add("Number", number());
    add("NumberHealth", health());
    add("HistoryImport", history_import());
    add("NumberList", list("Number"));
    add("Contact", contact());
    add("ContactPage", page("Contact"));
    add("Chat", chat());
    add("ContactSummary", contact_summary());
    add("MessagePreview", message_preview());
    add("ServiceWindow", service_window());
    add("ChatPage", page("Chat"));
    add(
        "UserRef",
        object(
            "Who did something, or has a chat.",
            json!({ "id": r("Id"), "name": string() }),
        ),
    );
    add("Message", message());
    add("MessageError", message_error());
    add("MessagePage", page("Message"));
    add("MessageEvent", message_event());
    add("MessageEventList", list("MessageEvent"));
    add("WebhookError", webhook_error());
    add("WebhookErrorList", list("WebhookError"));
    add("UnparsedChange", unparsed_change());
    add("UnparsedChangeList", list("UnparsedChange"));
    add("StreamEvent", stream_event());
    for (name, schema) in sending::schemas() {
        add(name, schema);
    }
    for (name, schema) in inbox::schemas() {
        add(name, schema);
    }
    Value::Object(s)
}

fn error() -> Value {
    let mut detail = object(
        "What went wrong.",
        json!({
            "code": { "type": "string", "description": "Stable, machine-readable." },
            "message": { "type": "string", "description": "For people." },
            "details": { "type": "object", "description": "Machine-readable details, for some codes (e.g. `closed_at` of outside_service_window, Meta's code of invalid_message)." },
        }),
    );
    detail["required"] = json!(["code", "message"]);
    object("An error.", json!({ "error": detail }))
}

fn webhook_receipt() -> Value {
    object(
        "What committing a webhook delivery did.",
        json!({
            "status": one_of(&["ok"]),
            "duplicate_request": boolean(),
            "messages_created": integer(),
            "messages_duplicate": integer(),
            "statuses_advanced": integer(),
            "statuses_recorded": integer(),
            "head": integer(),
        }),
    )
}

fn disconnection(with_explanation: bool) -> Value {
    let mut props = json!({
        "reason": { "type": ["string", "null"], "description": "Meta's reason, e.g. PRIMARY_INACTIVITY." },
        "initiated_by": nullable_string(),
        "at": time(),
    });
    if with_explanation {
        props["explanation"] =
            json!({ "type": "string", "description": "What it means and what to do." });
    }
    json!({ "oneOf": [object("Why Meta disconnected the number.", props), { "type": "null" }] })
}

fn number() -> Value {
    object(
        "A WhatsApp business number.",
        json!({
            "id": r("Id"),
            "phone_number_id": string(),
            "display_phone_number": nullable_string(),
            "waba_id": nullable_string(),
            "mode": one_of(&["coexistence", "cloud_api"]),
            "state": one_of(&["onboarding", "live", "disconnected", "offboarded"]),
            "configured": { "type": "boolean", "description": "False for a number only seen in webhooks." },
            "onboarded_at": nullable_time(),
            "last_app_activity_at": nullable_time(),
            "last_webhook_at": nullable_time(),
            "disconnection": disconnection(false),
            "history": r("HistoryImport"),
            "contacts_synced_at": nullable_time(),
            "created_at": time(),
            "health": r("NumberHealth"),
        }),
    )
}

fn health() -> Value {
    let activity = object(
        "Phone-app activity (coexistence numbers that are live).",
        json!({
            "last_seen_at": time(),
            "inactive_days": integer(),
            "days_until_disconnect": { "type": "integer", "description": "Days left before Meta's ~14-day inactivity disconnect." },
            "level": one_of(&["ok", "warning", "critical"]),
        }),
    );
    object(
        "The number's health, computed at request time.",
        json!({
            "lifecycle": one_of(&["onboarding", "syncing", "live", "at_risk", "disconnected", "offboarded"]),
            "app_activity": { "oneOf": [activity, { "type": "null" }] },
            "history": r("HistoryImport"),
            "history_stalled": { "type": "boolean", "description": "The history import is in progress but no chunk arrived for 6 hours (`HISTORY_STALL_HOURS`); Meta's `progress` may never reach 100. Derived at request time; a later chunk clears it." },
            "last_webhook_at": nullable_time(),
            "disconnection": disconnection(true),
            "warnings": { "type": "array", "items": string(), "description": "Most urgent first; warns at 10 and 12 days of phone-app inactivity." },
        }),
    )
}

fn history_import() -> Value {
    let phase = object(
        "One history phase (0: day 0–1, 1: day 1–90, 2: day 90–180).",
        json!({ "chunks": integer(), "messages": integer(), "max_chunk_order": integer() }),
    );
    object(
        "The one-time history import.",
        json!({
            "state": one_of(&["not_started", "in_progress", "complete", "declined"]),
            "progress": { "type": ["integer", "null"], "minimum": 0, "maximum": 100 },
            "phases": { "type": "object", "description": "By phase number.", "additionalProperties": phase },
            "media_pending": integer(),
            "last_chunk_at": { "type": ["string", "null"], "format": "date-time", "description": "When the last new chunk arrived (the hub's receive time)." },
        }),
    )
}

fn contact() -> Value {
    object(
        "A contact of one number.",
        json!({
            "id": r("Id"),
            "number_id": r("Id"),
            "wa_id": nullable_string(),
            "user_id": nullable_string(),
            "parent_user_id": nullable_string(),
            "name": { "type": ["string", "null"], "description": "The name in the business phone's address book." },
            "first_name": nullable_string(),
            "profile_name": { "type": ["string", "null"], "description": "The name the user set in WhatsApp." },
            "removed_from_phone_at": nullable_time(),
            "marketing_opt_out": boolean(),
            "attributes": { "type": "object" },
            "created_at": time(),
            "updated_at": time(),
        }),
    )
}

fn contact_summary() -> Value {
    object(
        "The contact of a chat.",
        json!({
            "id": r("Id"),
            "wa_id": nullable_string(),
            "user_id": nullable_string(),
            "name": nullable_string(),
            "profile_name": nullable_string(),
        }),
    )
}

fn message_preview() -> Value {
    object(
        "The newest message of a chat.",
        json!({
            "id": r("Id"),
            "direction": one_of(DIRECTIONS),
            "origin": one_of(ORIGINS),
            "type": string(),
            "text": nullable_string(),
            "status": nullable_one_of(STATUSES),
            "revoked": boolean(),
        }),
    )
}

fn service_window() -> Value {
    object(
        "Meta's 24-hour customer service window, at request time.",
        json!({
            "state": one_of(&["open", "closed"]),
            "closes_at": { "type": ["string", "null"], "format": "date-time", "description": "When it closes (open) or closed (closed); null if the customer never wrote live." },
            "remaining_ms": integer(),
        }),
    )
}

fn chat() -> Value {
    object(
        "A 1:1 chat between a number and a contact.",
        json!({
            "id": r("Id"),
            "number_id": r("Id"),
            "contact": r("ContactSummary"),
            "last_message_at": nullable_time(),
            "last_message": nullable("MessagePreview"),
            "unread_count": integer(),
            "last_customer_message_at": nullable_time(),
            "referral_at": nullable_time(),
            "message_count": integer(),
            "created_at": time(),
            "service_window": r("ServiceWindow"),
            "status": { "type": "string", "enum": INBOX_STATUSES, "description": "Inbox status at request time: a snooze whose time has passed shows as open." },
            "assignee": nullable("UserRef"),
            "labels": array_of(string()),
            "snoozed_until": nullable_time(),
            "assigned_at": { "type": ["string", "null"], "format": "date-time", "description": "When it was last given to someone." },
            "resolved_at": { "type": ["string", "null"], "format": "date-time", "description": "When it was last resolved." },
        }),
    )
}

fn message_error() -> Value {
    object(
        "An error Meta attached.",
        json!({ "code": integer(), "title": nullable_string(), "details": nullable_string() }),
    )
}

fn message() -> Value {
    object(
        "A message, from any origin.",
        json!({
            "id": r("Id"),
            "wamid": nullable_string(),
            "chat_id": r("Id"),
            "number_id": r("Id"),
            "direction": one_of(DIRECTIONS),
            "origin": one_of(ORIGINS),
            "type": { "type": "string", "description": "Meta's message type, as sent." },
            "text": { "type": ["string", "null"], "description": "The body or caption (or a one-line summary)." },
            "content": { "description": "The type-named content object as Meta sent it (current version after edits)." },
            "status": nullable_one_of(STATUSES),
            "status_at": nullable_time(),
            "error": nullable("MessageError"),
            "timestamp": { "type": "string", "format": "date-time", "description": "Meta's timestamp." },
            "received_at": time(),
            "reply_to": nullable_string(),
            "edited_at": nullable_time(),
            "edited_by": nullable_one_of(EDITORS),
            "original_text": nullable_string(),
            "revoked_at": nullable_time(),
            "revoked_by": nullable_one_of(EDITORS),
            "media_pending": boolean(),
            "send": nullable("SendInfo"),
            "author": nullable("Author"),
            "media": nullable("MediaRef"),
        }),
    )
}

fn message_event() -> Value {
    object(
        "Something that happened to a message after it was created.",
        json!({
            "kind": one_of(&["edit", "revoke", "status"]),
            "at": time(),
            "by": nullable_one_of(EDITORS),
            "event_wamid": nullable_string(),
            "data": { "type": "object", "description": "Edit: previous and new text/content. Status: status, pricing, conversation, errors." },
        }),
    )
}

fn webhook_error() -> Value {
    object(
        "A value-level error Meta reported in a webhook.",
        json!({
            "number_id": { "oneOf": [r("Id"), { "type": "null" }] },
            "field": string(),
            "error": r("MessageError"),
            "received_at": time(),
        }),
    )
}

fn unparsed_change() -> Value {
    object(
        "A webhook change coexist could not type, kept as Meta sent it.",
        json!({
            "number_id": { "oneOf": [r("Id"), { "type": "null" }] },
            "field": string(),
            "reason": { "oneOf": [string(), { "type": "null" }] },
            "raw": { "description": "The change's value, as sent." },
            "received_at": time(),
        }),
    )
}

fn stream_event() -> Value {
    object(
        "One change, as sent in the stream's data lines.",
        json!({
            "position": integer(),
            "kind": { "type": "string", "description": "message.created, message.updated, chat.updated, chat.merged (chat_id is gone, data.into_chat_id holds it now), contact.updated, number.updated, history.progress, webhook.error, ..." },
            "at": time(),
            "number_id": { "oneOf": [r("Id"), { "type": "null" }] },
            "chat_id": { "oneOf": [r("Id"), { "type": "null" }] },
            "message_id": { "oneOf": [r("Id"), { "type": "null" }] },
            "data": { "type": "object", "description": "A small summary; re-read the resource for the rest. The *.updated events list what changed (`{\"changes\": [\"status\"]}`); contact.updated also names its contact (`contact_id`), which has no column of its own here; chat.merged has `into_chat_id`." },
        }),
    )
}
