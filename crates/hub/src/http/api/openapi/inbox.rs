//! The OpenAPI operations of sign-in and the shared inbox (users, chat actions, labels, notes,
//! notifications, canned responses, contact details).

use serde_json::{Map, Value, json};

use super::{
    Operation, api_errors, cursor_param, id_path_param, json_ok, limit_param, param, response_ref,
    schema_ref,
};

/// An operation that may change something: an optional JSON body, the success answer, and
/// the errors every such route may give (403 for roles and CSRF, 404 with an id).
fn write_op(
    id: &str,
    tag: &str,
    summary: &str,
    body: Option<&str>,
    ok: (&str, Value),
    with_id: bool,
) -> Value {
    let mut responses = api_errors(with_id);
    responses.insert("403".to_owned(), response_ref("Forbidden"));
    responses.insert(ok.0.to_owned(), ok.1);
    let params = if with_id {
        vec![id_path_param()]
    } else {
        vec![]
    };
    let mut op = json!({
        "operationId": id,
        "tags": [tag],
        "summary": summary,
        "parameters": params,
        "responses": responses,
    });
    if let Some(schema) = body {
        op["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": schema_ref(schema) } }
        });
    }
    op
}

fn no_content(description: &str) -> (&'static str, Value) {
    ("204", json!({ "description": description }))
}

fn with(responses: &mut Value, status: &str, response: Value) {
    if let Some(map) = responses["responses"].as_object_mut() {
        map.insert(status.to_owned(), response);
    }
}

/// Sign-in and sign-out (`/auth/...`).
pub(super) fn auth_operations() -> Vec<Operation> {
    let error = |description: &str| json!({ "description": description, "content": { "application/json": { "schema": schema_ref("Error") } } });
    let login = json!({
        "operationId": "login",
        "tags": ["auth"],
        "summary": "Signs in with email and password and sets the `cx_session` cookie (HttpOnly, SameSite=Lax, Secure behind https). JSON bodies are answered 200 with the user and the session's CSRF token; the login page's form (application/x-www-form-urlencoded, with an optional `next` path) is answered 303 to `next` (default `/`), or to `/login?error=<code>` on failure. A browser's Origin must be this hub.",
        "security": [],
        "requestBody": {
            "required": true,
            "content": {
                "application/json": { "schema": schema_ref("Credentials") },
                "application/x-www-form-urlencoded": { "schema": schema_ref("Credentials") }
            }
        },
        "responses": {
            "200": json_ok("Signed in.", "LoginResult"),
            "303": { "description": "Form posts: to `next` when signed in, else back to `/login?error=<code>`." },
            "400": response_ref("BadRequest"),
            "401": error("Wrong email or password (`invalid_credentials`), the same for unknown emails."),
            "403": error("The request came from another site (`csrf_failed`)."),
            "429": error("Too many failed attempts for this email (`too_many_attempts`); wait and retry."),
        }
    });
    let signed_out = no_content("Signed out; the cookie is cleared.");
    let logout = write_op(
        "logout",
        "auth",
        "Ends this session. Needs X-CSRF-Token.",
        None,
        signed_out.clone(),
        false,
    );
    let logout_all = write_op(
        "logoutAll",
        "auth",
        "Ends every session of the signed-in user (\"sign out everywhere\"). Needs X-CSRF-Token.",
        None,
        signed_out,
        false,
    );
    vec![
        ("/auth/login", "post", login),
        ("/auth/logout", "post", logout),
        ("/auth/logout-all", "post", logout_all),
    ]
}

/// `/api/v1/me` and `/api/v1/users`.
pub(super) fn people_operations() -> Vec<Operation> {
    let me = super::operation(
        "getMe",
        "people",
        "Who is calling: the signed-in user, their session's CSRF token and organization (an API token gets user null and its own id and role).",
        vec![],
        json_ok("The caller.", "Me"),
        false,
    );
    let users = super::operation(
        "listUsers",
        "people",
        "The organization's users, by name (for assignment and @mentions).",
        vec![],
        json_ok("The users.", "UserList"),
        false,
    );
    let mut add = write_op(
        "createUser",
        "people",
        "Creates a user who signs in with email and password (admins only). Emails are unique across the hub.",
        Some("NewUser"),
        ("201", json_ok("Created.", "User")),
        false,
    );
    with(&mut add, "409", response_ref("Conflict"));
    vec![
        ("/api/v1/me", "get", me),
        ("/api/v1/users", "get", users),
        ("/api/v1/users", "post", add),
    ]
}

fn chat_action(id: &str, summary: &str, body: Option<&str>) -> Value {
    write_op(
        id,
        "inbox",
        summary,
        body,
        ("200", json_ok("The chat after the change.", "Chat")),
        true,
    )
}

/// The chat actions and `/api/v1/labels`.
pub(super) fn chat_operations() -> Vec<Operation> {
    let labels = super::operation(
        "listLabels",
        "inbox",
        "The labels in use, with how many chats carry each.",
        vec![],
        json_ok("The labels.", "LabelList"),
        false,
    );
    vec![
        (
            "/api/v1/chats/{id}/assign",
            "post",
            chat_action(
                "assignChat",
                "Gives the chat to a user (notified unless they took it themselves), or to nobody with user_id null.",
                Some("Assignment"),
            ),
        ),
        (
            "/api/v1/chats/{id}/resolve",
            "post",
            chat_action(
                "resolveChat",
                "Marks the chat done; a new live customer message reopens it.",
                None,
            ),
        ),
        (
            "/api/v1/chats/{id}/reopen",
            "post",
            chat_action("reopenChat", "Opens the chat again.", None),
        ),
        (
            "/api/v1/chats/{id}/snooze",
            "post",
            chat_action(
                "snoozeChat",
                "Hides the chat until a time (in the future, within a year); it shows as open again then, or as soon as the customer writes.",
                Some("Snooze"),
            ),
        ),
        (
            "/api/v1/chats/{id}/labels",
            "put",
            chat_action(
                "setChatLabels",
                "Replaces the chat's labels (each trimmed, 1 to 32 characters; at most 20).",
                Some("Labels"),
            ),
        ),
        (
            "/api/v1/chats/{id}/read",
            "post",
            write_op(
                "readChat",
                "inbox",
                "Marks every unread live customer message read for the inbox (unread_count 0), then sends Meta a read receipt for the newest one when the organization allows read receipts (a receipt Meta does not take is reported in read_receipt, the chat is read all the same).",
                None,
                (
                    "200",
                    json_ok(
                        "The chat after reading, with the read receipt's result.",
                        "ChatRead",
                    ),
                ),
                true,
            ),
        ),
        ("/api/v1/labels", "get", labels),
    ]
}

/// Notes, notifications and canned responses.
pub(super) fn note_operations() -> Vec<Operation> {
    let notes = super::operation(
        "listNotes",
        "notes",
        "A chat's internal notes, oldest first.",
        vec![id_path_param()],
        json_ok("The notes.", "NoteList"),
        true,
    );
    let add_note = write_op(
        "createNote",
        "notes",
        "Adds an internal note; `@name` or `@email` of users mentions them (each gets a notification, the author never).",
        Some("NoteInput"),
        ("201", json_ok("Created.", "Note")),
        true,
    );
    let unread = param(
        "unread",
        "query",
        "Only notifications not yet marked read.",
        json!({ "type": "boolean" }),
    );
    let notifications = super::operation(
        "listNotifications",
        "notes",
        "The signed-in user's notifications, newest first (API tokens: 403).",
        vec![unread, limit_param(), cursor_param()],
        json_ok("A page of notifications.", "NotificationPage"),
        false,
    );
    let read = write_op(
        "readNotification",
        "notes",
        "Marks one of the signed-in user's notifications read.",
        None,
        ("200", json_ok("The notification.", "Notification")),
        true,
    );
    let canned = super::operation(
        "listCannedResponses",
        "canned",
        "The organization's canned responses, by shortcut.",
        vec![],
        json_ok("The canned responses.", "CannedResponseList"),
        false,
    );
    let mut create = write_op(
        "createCannedResponse",
        "canned",
        "Adds a canned response; shortcuts are unique.",
        Some("CannedInput"),
        ("201", json_ok("Created.", "CannedResponse")),
        false,
    );
    with(&mut create, "409", response_ref("Conflict"));
    let mut update = write_op(
        "updateCannedResponse",
        "canned",
        "Replaces a canned response's shortcut and body.",
        Some("CannedInput"),
        ("200", json_ok("Updated.", "CannedResponse")),
        true,
    );
    with(&mut update, "409", response_ref("Conflict"));
    let delete = write_op(
        "deleteCannedResponse",
        "canned",
        "Deletes a canned response.",
        None,
        no_content("Deleted."),
        true,
    );
    vec![
        ("/api/v1/chats/{id}/notes", "get", notes),
        ("/api/v1/chats/{id}/notes", "post", add_note),
        ("/api/v1/notifications", "get", notifications),
        ("/api/v1/notifications/{id}/read", "post", read),
        ("/api/v1/canned-responses", "get", canned),
        ("/api/v1/canned-responses", "post", create),
        ("/api/v1/canned-responses/{id}", "put", update),
        ("/api/v1/canned-responses/{id}", "delete", delete),
    ]
}

/// A contact's detail and attribute edits.
pub(super) fn contact_operations() -> Vec<Operation> {
    let detail = super::get_op(
        "getContact",
        "contacts",
        "One contact with this person's chats on every number.",
        "ContactDetail",
    );
    let patch = write_op(
        "patchContact",
        "contacts",
        "Merges attributes into the contact's (a null value deletes the key).",
        Some("ContactPatch"),
        ("200", json_ok("The contact.", "Contact")),
        true,
    );
    vec![
        ("/api/v1/contacts/{id}", "get", detail),
        ("/api/v1/contacts/{id}", "patch", patch),
    ]
}

/// The inbox filters of `GET /api/v1/chats`.
pub(super) fn chat_list_params() -> Vec<Value> {
    vec![
        param(
            "view",
            "query",
            "`mine` (assigned to the signed-in user), `unassigned`, or `all` (default).",
            json!({ "type": "string", "enum": ["mine", "unassigned", "all"] }),
        ),
        param(
            "status",
            "query",
            "Only chats in this status (a snoozed chat whose time has passed is open).",
            json!({ "type": "string", "enum": ["open", "pending", "snoozed", "resolved"] }),
        ),
        param(
            "label",
            "query",
            "Only chats carrying this label.",
            json!({ "type": "string" }),
        ),
    ]
}

/// The errors only writes give.
pub(super) fn error_responses(into: &mut Map<String, Value>) {
    let error = |description: &str| json!({ "description": description, "content": { "application/json": { "schema": schema_ref("Error") } } });
    into.insert("Forbidden".to_owned(), error("The caller's role does not allow this (`forbidden`), or a cookie-authenticated request lacks the session's X-CSRF-Token (`csrf_failed`)."));
    into.insert(
        "Conflict".to_owned(),
        error("Something unique is taken (`conflict`)."),
    );
}
