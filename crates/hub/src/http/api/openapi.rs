//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of every route, written by hand next
//! to the handlers (the record types live in `core`, which must not depend on an OpenAPI crate).
//! A test checks that every route the router serves is described here, and that the documented
//! schemas list every field the API actually returns.

mod inbox;
mod onboarding;
mod sending;

use axum::Json;
use serde_json::{Map, Value, json};

use crate::http::{Auth, Routes};

pub(super) fn routes() -> Routes {
    Routes::new().get("/api/v1/openapi.json", openapi_json)
}

async fn openapi_json(_auth: Auth) -> Json<Value> {
    Json(document())
}

/// The whole document.
pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "coexist hub API",
            "version": "1",
            "description": "Read access to everything the hub stores from Meta's webhooks, a live stream of changes, and the webhook endpoint itself. Ids are decimal strings; times are RFC 3339 in UTC. Lists answer {\"data\": [...]} and, when paged, \"next_cursor\" (pass it as ?cursor= for the next page; null on the last page). Errors answer {\"error\": {\"code\", \"message\"}}.",
        },
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from `coexist admin token create`."
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "cx_session",
                    "description": "The web app's session, set by POST /auth/login. Every request other than GET must also send the session's CSRF token (from sign-in or GET /api/v1/me) in X-CSRF-Token."
                }
            },
            "responses": error_responses(),
            "schemas": super::openapi_schemas::schemas(),
        }
    })
}

/// One documented operation: path, lowercase method, operation object.
type Operation = (&'static str, &'static str, Value);

fn paths() -> Value {
    let mut paths = Map::new();
    let all = [
        meta_operations(),
        resource_operations(),
        message_operations(),
        sending::send_operations(),
        sending::template_operations(),
        sending::media_operations(),
        sending::receipt_operations(),
        inbox::auth_operations(),
        inbox::people_operations(),
        inbox::chat_operations(),
        inbox::note_operations(),
        inbox::contact_operations(),
        onboarding::operations(),
    ];
    for (path, method, op) in all.into_iter().flatten() {
        let entry = paths
            .entry(path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[method] = op;
    }
    Value::Object(paths)
}

fn meta_operations() -> Vec<Operation> {
    vec![
        ("/healthz", "get", healthz()),
        ("/webhooks/whatsapp", "get", webhook_verify()),
        ("/webhooks/whatsapp", "post", webhook_receive()),
        ("/api/v1/stream", "get", stream()),
        ("/api/v1/openapi.json", "get", openapi()),
    ]
}

fn resource_operations() -> Vec<Operation> {
    let numbers = list_op(
        "listNumbers",
        "numbers",
        "The numbers, each with its health computed now.",
        vec![],
        "NumberList",
    );
    let number = get_op(
        "getNumber",
        "numbers",
        "One number with its health.",
        "Number",
    );
    let contact_search = q_param("Search in phone-book name, profile name and phone number.");
    let contact_params = vec![
        number_id_param(),
        contact_search,
        limit_param(),
        cursor_param(),
    ];
    let contacts = list_op(
        "listContacts",
        "contacts",
        "Contacts ordered by id.",
        contact_params,
        "ContactPage",
    );
    let mut chat_params = vec![number_id_param(), limit_param(), cursor_param()];
    chat_params.extend(inbox::chat_list_params());
    let chats = list_op(
        "listChats",
        "chats",
        "Chats, most recent activity first, each with its service window now.",
        chat_params,
        "ChatPage",
    );
    let chat = get_op(
        "getChat",
        "chats",
        "One chat with its service window.",
        "Chat",
    );
    let errors = list_op(
        "listWebhookErrors",
        "webhooks",
        "Value-level errors Meta reported in webhooks, newest first.",
        vec![limit_param()],
        "WebhookErrorList",
    );
    let unparsed = list_op(
        "listUnparsedChanges",
        "webhooks",
        "Webhook changes coexist could not type (a field or shape it does not know yet), kept raw \
         with the reason, newest first. The rest of their webhook was applied.",
        vec![limit_param()],
        "UnparsedChangeList",
    );
    vec![
        ("/api/v1/numbers", "get", numbers),
        ("/api/v1/numbers/{id}", "get", number),
        ("/api/v1/contacts", "get", contacts),
        ("/api/v1/chats", "get", chats),
        ("/api/v1/chats/{id}", "get", chat),
        ("/api/v1/webhook-errors", "get", errors),
        ("/api/v1/unparsed-changes", "get", unparsed),
    ]
}

fn message_operations() -> Vec<Operation> {
    let message = get_op("getMessage", "messages", "One message.", "Message");
    vec![
        ("/api/v1/chats/{id}/messages", "get", chat_messages()),
        ("/api/v1/messages", "get", find_messages()),
        ("/api/v1/messages/{id}", "get", message),
        ("/api/v1/messages/{id}/events", "get", message_events()),
    ]
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn response_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/responses/{name}") })
}

fn json_ok(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": schema_ref(schema) } }
    })
}

fn param(name: &str, location: &str, description: &str, schema: Value) -> Value {
    json!({
        "name": name,
        "in": location,
        "required": location == "path",
        "description": description,
        "schema": schema,
    })
}

fn id_path_param() -> Value {
    param(
        "id",
        "path",
        "The resource's id (a positive decimal integer).",
        schema_ref("Id"),
    )
}

fn number_id_param() -> Value {
    param(
        "number_id",
        "query",
        "Only this number's items.",
        schema_ref("Id"),
    )
}

fn q_param(description: &str) -> Value {
    param("q", "query", description, json!({ "type": "string" }))
}

fn limit_param() -> Value {
    param(
        "limit",
        "query",
        "Page size; out-of-range values are clamped to 1..200.",
        json!({ "type": "integer", "minimum": 1, "maximum": 200, "default": 50 }),
    )
}

fn cursor_param() -> Value {
    param(
        "cursor",
        "query",
        "The next_cursor of the previous page.",
        json!({ "type": "string" }),
    )
}

/// Error responses every authenticated route may give.
fn api_errors(not_found: bool) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("400".to_owned(), response_ref("BadRequest"));
    r.insert("401".to_owned(), response_ref("Unauthorized"));
    if not_found {
        r.insert("404".to_owned(), response_ref("NotFound"));
    }
    r.insert("503".to_owned(), response_ref("Unavailable"));
    r
}

fn operation(
    id: &str,
    tag: &str,
    summary: &str,
    params: Vec<Value>,
    ok: Value,
    not_found: bool,
) -> Value {
    let mut responses = api_errors(not_found);
    responses.insert("200".to_owned(), ok);
    json!({
        "operationId": id,
        "tags": [tag],
        "summary": summary,
        "parameters": params,
        "responses": responses,
    })
}

fn list_op(id: &str, tag: &str, summary: &str, params: Vec<Value>, schema: &str) -> Value {
    operation(
        id,
        tag,
        summary,
        params,
        json_ok("The list.", schema),
        false,
    )
}

fn get_op(id: &str, tag: &str, summary: &str, schema: &str) -> Value {
    operation(
        id,
        tag,
        summary,
        vec![id_path_param()],
        json_ok("Found.", schema),
        true,
    )
}

fn chat_messages() -> Value {
    operation(
        "listChatMessages",
        "messages",
        "A chat's messages, newest first (by Meta's timestamp).",
        vec![id_path_param(), limit_param(), cursor_param()],
        json_ok("A page of messages.", "MessagePage"),
        true,
    )
}

fn find_messages() -> Value {
    operation(
        "findMessages",
        "messages",
        "Look a message up by wamid (?wamid=), or search texts and captions (?q=, best matches first). Exactly one of the two.",
        vec![
            param(
                "wamid",
                "query",
                "Meta's message id.",
                json!({ "type": "string" }),
            ),
            q_param("Full-text search over message texts and captions."),
            limit_param(),
            cursor_param(),
        ],
        json_ok("The messages found.", "MessagePage"),
        false,
    )
}

fn message_events() -> Value {
    operation(
        "listMessageEvents",
        "messages",
        "What happened to a message after it was created: edits (with the previous text), revokes, and every status with its pricing, oldest first.",
        vec![id_path_param()],
        json_ok("The events.", "MessageEventList"),
        true,
    )
}

fn stream() -> Value {
    let mut op = operation(
        "streamEvents",
        "stream",
        "Server-sent events of every change after a position: `id:` is the position, `event:` the kind, `data:` the StreamEvent as JSON. Resumes after the Last-Event-ID header, else after ?after=, else from now. Idle streams get keep-alive comments; if storage fails one `error` event is sent and the stream ends.",
        vec![
            param(
                "after",
                "query",
                "Start after this position (0 replays everything).",
                json!({ "type": "integer", "minimum": 0 }),
            ),
            param(
                "Last-Event-ID",
                "header",
                "Resume after this position (sent by EventSource on reconnect); wins over ?after=.",
                json!({ "type": "string" }),
            ),
        ],
        json!({
            "description": "An endless text/event-stream; each event's data is a StreamEvent.",
            "content": { "text/event-stream": { "schema": { "type": "string" } } }
        }),
        false,
    );
    op["x-event-data"] = schema_ref("StreamEvent");
    op
}

fn openapi() -> Value {
    json!({
        "operationId": "getOpenApi",
        "tags": ["meta"],
        "summary": "This document.",
        "responses": {
            "200": { "description": "OpenAPI 3.1.", "content": { "application/json": { "schema": { "type": "object" } } } },
            "401": response_ref("Unauthorized"),
        }
    })
}

fn healthz() -> Value {
    json!({
        "operationId": "healthz",
        "tags": ["meta"],
        "summary": "200 when the hub accepts webhooks (it is serving and its store answers).",
        "security": [],
        "responses": {
            "200": json_ok("Healthy.", "Health"),
            "503": response_ref("Unavailable"),
        }
    })
}

fn webhook_verify() -> Value {
    let p = |name: &str, description: &str| {
        param(name, "query", description, json!({ "type": "string" }))
    };
    json!({
        "operationId": "verifyWebhook",
        "tags": ["webhooks"],
        "summary": "Meta's verification handshake: answers the challenge when hub.mode is subscribe and hub.verify_token matches the configured verify token.",
        "security": [],
        "parameters": [
            p("hub.mode", "Always `subscribe`."),
            p("hub.verify_token", "The verify token typed into Meta's dashboard."),
            p("hub.challenge", "Echoed back on success."),
        ],
        "responses": {
            "200": { "description": "The challenge, as text/plain.", "content": { "text/plain": { "schema": { "type": "string" } } } },
            "403": { "description": "Verification failed.", "content": { "application/json": { "schema": schema_ref("Error") } } },
        }
    })
}

fn webhook_receive() -> Value {
    let error = |description: &str| json!({ "description": description, "content": { "application/json": { "schema": schema_ref("Error") } } });
    json!({
        "operationId": "receiveWebhook",
        "tags": ["webhooks"],
        "summary": "Meta's webhook deliveries, every number on one URL. The X-Hub-Signature-256 header must sign the raw body with the app secret (or the previous one during a rotation). 200 only once the delivery is committed; redeliveries change nothing.",
        "security": [],
        "parameters": [
            param("X-Hub-Signature-256", "header", "sha256=<hex HMAC-SHA256 of the raw body>.", json!({ "type": "string" })),
        ],
        "requestBody": {
            "required": true,
            "description": "Meta's webhook envelope, at most 4 MiB.",
            "content": { "application/json": { "schema": { "type": "object" } } }
        },
        "responses": {
            "200": json_ok("Committed.", "WebhookReceipt"),
            "400": error("The body is not JSON (`invalid_json`, naming line and column) or not a WhatsApp webhook envelope (`not_a_webhook`)."),
            "401": error("The signature is missing (`signature_missing`), malformed (`signature_malformed`) or does not match (`signature_mismatch`). Nothing is stored."),
            "413": error("The body is over 4 MiB (`payload_too_large`)."),
            "503": error("Storage is unavailable (`unavailable`); Meta retries."),
        }
    })
}

fn error_responses() -> Value {
    let error = |description: &str| {
        json!({
            "description": description,
            "content": { "application/json": { "schema": schema_ref("Error") } }
        })
    };
    let mut responses = json!({
        "BadRequest": error("A parameter is not valid (`invalid_parameter`, `invalid_id`, `invalid_query`, `invalid_request`)."),
        "Unauthorized": error("No valid `Authorization: Bearer <token>` and no live session cookie (`unauthorized`)."),
        "NotFound": error("No such resource (`not_found`)."),
        "Unavailable": error("Storage is unavailable (`unavailable`); retry later."),
    });
    if let Some(map) = responses.as_object_mut() {
        inbox::error_responses(map);
    }
    responses
}
