//! The schemas of sign-in and the shared inbox.

use serde_json::{Value, json};

use super::{array_of, integer, nullable, nullable_time, object, one_of, page, r, string, time};

const ROLES: &[&str] = &["admin", "agent"];

fn user() -> Value {
    object(
        "A person who signs in to the inbox.",
        json!({
            "id": r("Id"),
            "email": { "type": "string", "description": "Sign-in name, lowercase." },
            "name": string(),
            "role": one_of(ROLES),
            "created_at": time(),
        }),
    )
}

fn me() -> Value {
    let org = object(
        "An organization.",
        json!({ "id": r("Id"), "name": string(), "created_at": time() }),
    );
    let token = object(
        "The API token used.",
        json!({ "id": r("Id"), "role": one_of(ROLES) }),
    );
    let mut schema = object(
        "The caller.",
        json!({
            "user": nullable("User"),
            "csrf_token": { "type": ["string", "null"], "description": "Send it as X-CSRF-Token with every cookie-authenticated request other than GET." },
            "org": org,
        }),
    );
    schema["properties"]["token"] =
        json!({ "oneOf": [token, { "type": "null" }], "description": "API tokens only." });
    schema
}

fn note() -> Value {
    object(
        "An internal note on a chat (never sent to the customer).",
        json!({
            "id": r("Id"),
            "chat_id": r("Id"),
            "author": { "oneOf": [r("UserRef"), { "type": "null" }], "description": "null when an integration (API token) wrote it." },
            "body": string(),
            "mentions": array_of(r("Id")),
            "created_at": time(),
        }),
    )
}

fn notification() -> Value {
    object(
        "A notification for one user.",
        json!({
            "id": r("Id"),
            "user_id": r("Id"),
            "kind": one_of(&["mention", "assigned"]),
            "chat_id": r("Id"),
            "note_id": { "oneOf": [r("Id"), { "type": "null" }] },
            "by": { "oneOf": [r("UserRef"), { "type": "null" }], "description": "null for an integration." },
            "created_at": time(),
            "read_at": nullable_time(),
        }),
    )
}

fn canned() -> Value {
    object(
        "A saved reply shared by the organization.",
        json!({
            "id": r("Id"),
            "shortcut": { "type": "string", "pattern": "^[a-z0-9_-]{1,32}$" },
            "body": string(),
            "created_at": time(),
            "updated_at": time(),
        }),
    )
}

fn chat_read() -> Value {
    let mut schema = super::chat();
    schema["description"] = json!("A chat just read, with what Meta's read receipt did.");
    let receipt = object(
        "The read receipt: sent (with the wamid marked), disabled (the organization turned read receipts off), nothing_to_mark, or failed (with Meta's or the network's message).",
        json!({ "result": one_of(&["sent", "disabled", "nothing_to_mark", "failed"]) }),
    );
    let mut receipt = receipt;
    receipt["properties"]["wamid"] = string();
    receipt["properties"]["typing"] = json!({ "type": "boolean" });
    receipt["properties"]["message"] = string();
    schema["properties"]["read_receipt"] = receipt;
    if let Some(required) = schema["required"].as_array_mut() {
        required.push(json!("read_receipt"));
    }
    schema
}

fn contact_detail() -> Value {
    let mut schema = super::contact();
    schema["description"] = json!("A contact with this person's chats on every number.");
    schema["properties"]["chats"] = array_of(r("Chat"));
    if let Some(required) = schema["required"].as_array_mut() {
        required.push(json!("chats"));
    }
    schema
}

/// Request bodies.
fn inputs() -> Vec<(&'static str, Value)> {
    let credentials = object(
        "Sign-in.",
        json!({ "email": string(), "password": string() }),
    );
    let new_user = object(
        "A user to create.",
        json!({ "email": string(), "name": string(), "password": { "type": "string", "minLength": 8 }, "role": one_of(ROLES) }),
    );
    let assignment = object(
        "Who gets the chat.",
        json!({ "user_id": { "oneOf": [r("Id"), { "type": "null" }], "description": "null: nobody." } }),
    );
    let labels = object(
        "The chat's labels.",
        json!({ "labels": { "type": "array", "maxItems": 20, "items": { "type": "string", "minLength": 1, "maxLength": 32 } } }),
    );
    vec![
        ("Credentials", credentials),
        ("NewUser", new_user),
        ("Assignment", assignment),
        ("Snooze", object("Until when.", json!({ "until": time() }))),
        ("Labels", labels),
        (
            "NoteInput",
            object(
                "A note.",
                json!({ "body": { "type": "string", "minLength": 1, "maxLength": 10000 } }),
            ),
        ),
        (
            "CannedInput",
            object(
                "A canned response.",
                json!({ "shortcut": { "type": "string", "pattern": "^[a-z0-9_-]{1,32}$" }, "body": string() }),
            ),
        ),
        (
            "ContactPatch",
            object(
                "Attributes to merge.",
                json!({ "attributes": { "type": "object", "description": "Keys to set; a null value deletes the key." } }),
            ),
        ),
    ]
}

/// Every schema of this group, by name.
pub(super) fn schemas() -> Vec<(&'static str, Value)> {
    let login = object(
        "Signed in: the user and the session's CSRF token (the cookie is set too).",
        json!({ "user": r("User"), "csrf_token": string() }),
    );
    let label = object(
        "A label in use.",
        json!({ "label": string(), "count": integer() }),
    );
    let mut all = vec![
        ("User", user()),
        ("UserList", super::list("User")),
        ("Me", me()),
        ("LoginResult", login),
        ("LabelCount", label),
        ("LabelList", super::list("LabelCount")),
        ("Note", note()),
        ("NoteList", super::list("Note")),
        ("Notification", notification()),
        ("NotificationPage", page("Notification")),
        ("CannedResponse", canned()),
        ("CannedResponseList", super::list("CannedResponse")),
        ("ContactDetail", contact_detail()),
        ("ChatRead", chat_read()),
    ];
    all.extend(inputs());
    all
}
