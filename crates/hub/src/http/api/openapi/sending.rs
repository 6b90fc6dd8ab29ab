//! The OpenAPI operations of sending: the send API, templates, media, costs, read receipts and
//! typing.

use serde_json::{Map, Value, json};

use super::{Operation, api_errors, id_path_param, json_ok, param, schema_ref};

fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema_ref("Error") } } })
}

fn op(
    id: &str,
    tag: &str,
    summary: &str,
    params: Vec<Value>,
    responses: Map<String, Value>,
) -> Value {
    json!({
        "operationId": id,
        "tags": [tag],
        "summary": summary,
        "parameters": params,
        "responses": responses,
    })
}

fn responses(not_found: bool, extra: &[(&str, Value)]) -> Map<String, Value> {
    let mut r = api_errors(not_found);
    for (status, response) in extra {
        r.insert((*status).to_owned(), response.clone());
    }
    r
}

fn json_body(schema: Value, description: &str) -> Value {
    json!({
        "required": true,
        "description": description,
        "content": { "application/json": { "schema": schema } }
    })
}

const SEND_REFUSALS: &str = "Refused before reaching Meta, with a stable code and a sentence: `invalid_message` (not in Meta's shape or over a limit; `details` has Meta's code and details), `outside_service_window` (free-form outside the 24-hour window; `details.closed_at`; send a template), `template_not_found`, `template_not_approved`, `template_parameters`, `marketing_opt_out`, `number_disconnected`, `idempotency_key_reused` (the key was used with another request).";

fn send_op(id: &str, summary: &str, with_chat: bool) -> Value {
    let mut params = vec![param(
        "Idempotency-Key",
        "header",
        "Makes a retry return the same message instead of sending again (1–255 characters, unique per organization). The same key with a different request is refused.",
        json!({ "type": "string" }),
    )];
    if with_chat {
        params.insert(0, id_path_param());
    }
    let r = responses(
        true,
        &[
            (
                "202",
                json_ok(
                    "Queued: the message, origin api, status pending.",
                    "Message",
                ),
            ),
            (
                "200",
                json_ok(
                    "The Idempotency-Key was used before with the same request: that message.",
                    "Message",
                ),
            ),
            ("422", error(SEND_REFUSALS)),
        ],
    );
    let mut o = op(id, "sending", summary, params, r);
    let body = if with_chat {
        "Meta's message shape: `type` and the same-named object (text, template, image/video/audio/document/sticker by id or link, interactive, reaction, location, contacts), optionally `context.message_id` to reply. `to`, `messaging_product`, `recipient_type` and `biz_opaque_callback_data` are set by the hub."
    } else {
        "Meta's message shape plus `number_id` (the sending number's id) and `to` (a phone number, normalized); the contact and chat are created if new."
    };
    o["requestBody"] = json_body(json!({ "type": "object" }), body);
    o
}

/// The send API.
pub(super) fn send_operations() -> Vec<Operation> {
    vec![
        (
            "/api/v1/chats/{id}/messages",
            "post",
            send_op(
                "sendToChat",
                "Sends a message into a chat through the outbox (at most one Graph send per message, governed by the number's throughput and the pair rate).",
                true,
            ),
        ),
        (
            "/api/v1/messages",
            "post",
            send_op(
                "sendMessage",
                "Sends a message from one of the organization's numbers to a phone number (for CRMs).",
                false,
            ),
        ),
    ]
}

/// Templates.
pub(super) fn template_operations() -> Vec<Operation> {
    let list = op(
        "listTemplates",
        "templates",
        "Templates synced from the business accounts and kept current by Meta's status webhooks, by name then language.",
        vec![
            param(
                "number_id",
                "query",
                "Only the templates of this number's business account.",
                schema_ref("Id"),
            ),
            param(
                "status",
                "query",
                "Only templates with this status (APPROVED, PENDING, REJECTED, PAUSED, ...).",
                json!({ "type": "string" }),
            ),
        ],
        responses(true, &[("200", json_ok("The templates.", "TemplateList"))]),
    );
    let mut create = op(
        "createTemplate",
        "templates",
        "Creates a template and submits it for Meta's review; answers it as stored (usually PENDING). Approval arrives as a webhook.",
        vec![],
        responses(
            false,
            &[
                ("201", json_ok("Submitted.", "Template")),
                (
                    "422",
                    error(
                        "Not a template Meta would take (`invalid_template`), or Meta refused it (`meta_refused`, with Meta's code).",
                    ),
                ),
                (
                    "502",
                    error("The Graph API could not be reached (`graph_error`)."),
                ),
            ],
        ),
    );
    create["requestBody"] = json_body(
        json!({ "type": "object" }),
        "Meta's create body (`name`, `language`, `category`, `parameter_format`, `components`), plus `waba_id` when the organization has several business accounts.",
    );
    let sync = op(
        "syncTemplates",
        "templates",
        "Lists every business account's templates from the Graph API and stores them now.",
        vec![],
        responses(
            false,
            &[
                ("200", json_ok("What was synced.", "TemplateSync")),
                (
                    "502",
                    error("No business account could be listed (`graph_error`)."),
                ),
            ],
        ),
    );
    vec![
        ("/api/v1/templates", "get", list),
        ("/api/v1/templates", "post", create),
        ("/api/v1/templates/sync", "post", sync),
    ]
}

/// Media and costs.
pub(super) fn media_operations() -> Vec<Operation> {
    let mut upload = op(
        "uploadMedia",
        "media",
        "Uploads an attachment to Meta (and keeps a copy); answers an id to send with, e.g. {\"type\": \"image\", \"image\": {\"id\": ...}}.",
        vec![],
        responses(
            true,
            &[
                ("201", json_ok("Uploaded.", "MediaUpload")),
                (
                    "413",
                    error(
                        "Over WhatsApp's limit for the kind (`media_too_large`, naming the limit): images 5 MB, audio and video 16 MB, documents 100 MB, stickers 100 KB (animated 500 KB).",
                    ),
                ),
                (
                    "415",
                    error(
                        "A type WhatsApp does not accept (`unsupported_media_type`, listing the accepted ones).",
                    ),
                ),
                (
                    "502",
                    error("Meta did not take the upload (`graph_error`)."),
                ),
            ],
        ),
    );
    upload["requestBody"] = json!({
        "required": true,
        "content": { "multipart/form-data": { "schema": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": { "type": "string", "format": "binary", "description": "The file, with its Content-Type." },
                "number_id": { "type": "string", "description": "The number to upload for (required when the organization has several)." }
            }
        } } }
    });
    let get = op(
        "getMedia",
        "media",
        "The bytes of a media object by Meta's media id (inbound media once downloaded, and uploads), with its content type.",
        vec![param(
            "id",
            "path",
            "Meta's media id.",
            json!({ "type": "string" }),
        )],
        responses(
            true,
            &[
                (
                    "200",
                    json!({ "description": "The file.", "content": { "*/*": { "schema": { "type": "string", "format": "binary" } } } }),
                ),
                (
                    "409",
                    error(
                        "Not downloaded yet, or the download failed (`media_not_ready`, with the reason).",
                    ),
                ),
            ],
        ),
    );
    let costs = op(
        "getCosts",
        "costs",
        "Billable messages and their cost (Meta's reported pricing × the rate table) grouped by category, number or day; free messages by Meta's reason; and the phone-app messages sent for free. Meta charges a template message when it is delivered.",
        vec![
            param(
                "from",
                "query",
                "Start (RFC 3339, inclusive); default 30 days before `to`.",
                json!({ "type": "string", "format": "date-time" }),
            ),
            param(
                "to",
                "query",
                "End (RFC 3339, exclusive); default now.",
                json!({ "type": "string", "format": "date-time" }),
            ),
            param(
                "group_by",
                "query",
                "category (default), number or day.",
                json!({ "type": "string", "enum": ["category", "number", "day"] }),
            ),
        ],
        responses(false, &[("200", json_ok("The report.", "Costs"))]),
    );
    vec![
        ("/api/v1/media", "post", upload),
        ("/api/v1/media/{id}", "get", get),
        ("/api/v1/costs", "get", costs),
    ]
}

/// Typing and the read-receipt setting.
pub(super) fn receipt_operations() -> Vec<Operation> {
    let typing = op(
        "showTyping",
        "sending",
        "Shows the typing indicator to the customer (up to 25 s or until the reply). Meta sends it with a read receipt for the newest inbound message.",
        vec![id_path_param()],
        responses(
            true,
            &[
                ("200", json_ok("What was sent.", "Receipt")),
                (
                    "409",
                    error(
                        "The organization turned read receipts off, which Meta's typing indicator needs (`read_receipts_disabled`).",
                    ),
                ),
                ("502", error("Meta did not take it (`graph_error`).")),
            ],
        ),
    );
    let get = op(
        "getReadReceipts",
        "sending",
        "Whether inbound messages are marked read at Meta (blue ticks) when an agent opens the chat.",
        vec![],
        responses(false, &[("200", json_ok("The setting.", "ReadReceipts"))]),
    );
    let mut set = op(
        "setReadReceipts",
        "sending",
        "Turns read receipts on or off for the organization (admins).",
        vec![],
        responses(
            false,
            &[
                ("200", json_ok("The setting now.", "ReadReceipts")),
                ("403", error("Only admins change it (`forbidden`).")),
            ],
        ),
    );
    set["requestBody"] = json_body(schema_ref("ReadReceipts"), "{\"enabled\": true|false}");
    vec![
        ("/api/v1/chats/{id}/typing", "post", typing),
        ("/api/v1/settings/read-receipts", "get", get),
        ("/api/v1/settings/read-receipts", "post", set),
    ]
}
