//! The OpenAPI operations of onboarding (admins only): the signup configuration, the
//! preflight, onboardings, a number's onboarding status, the once-only sync request, reminders
//! and the audit trail.

use serde_json::{Map, Value, json};

use super::{Operation, api_errors, id_path_param, param, schema_ref};

fn ok(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "type": "object" } } } })
}

fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema_ref("Error") } } })
}

fn body(description: &str, properties: Value, required: &[&str]) -> Value {
    json!({
        "required": true,
        "description": description,
        "content": { "application/json": { "schema": {
            "type": "object", "properties": properties, "required": required } } }
    })
}

fn op(id: &str, summary: &str, params: Vec<Value>, extra: &[(&str, Value)]) -> Value {
    let mut responses: Map<String, Value> = api_errors(!params.is_empty());
    responses.insert(
        "403".to_owned(),
        error("Not an admin: onboarding, syncs and the audit trail are for admins."),
    );
    for (status, response) in extra {
        responses.insert((*status).to_owned(), response.clone());
    }
    json!({
        "operationId": id,
        "tags": ["onboarding"],
        "summary": summary,
        "parameters": params,
        "responses": responses,
    })
}

fn with_body(mut operation: Value, request: Value) -> Value {
    operation["requestBody"] = request;
    operation
}

fn answers() -> Value {
    json!({
        "mode": { "type": "string", "enum": ["coexistence", "cloud_api"] },
        "phone": { "type": "string", "description": "The number with its country code." },
        "app_version": { "type": "string", "description": "The WhatsApp Business app version shown on the phone (coexistence)." },
        "confirmed": { "type": "array", "items": { "type": "string", "enum": [
            "in_use", "verified_business", "facebook_page", "not_on_whatsapp", "can_receive_code"] },
            "description": "Checklist items the admin confirms." }
    })
}

/// Every onboarding operation.
pub(super) fn operations() -> Vec<Operation> {
    [setup_operations(), flow_operations(), number_operations()].concat()
}

/// What the Connect page reads before an onboarding: the signup configuration, the preflight
/// and the reminders.
fn setup_operations() -> Vec<Operation> {
    vec![
        (
            "/api/v1/onboarding/config",
            "get",
            op(
                "getOnboardingConfig",
                "The signup window the page opens (Meta's JS SDK, the sandbox's window, or none) and the country rules with their source.",
                vec![],
                &[("200", ok("The configuration."))],
            ),
        ),
        (
            "/api/v1/onboarding/preflight",
            "post",
            with_body(
                op(
                    "runPreflight",
                    "Runs the eligibility preflight (nothing is recorded): each check with its source (hub, Meta, admin), verdict and reason.",
                    vec![],
                    &[("200", ok("The report."))],
                ),
                body(
                    "The number, the model and the checklist answers.",
                    answers(),
                    &["mode", "phone"],
                ),
            ),
        ),
        (
            "/api/v1/onboarding/reminders",
            "get",
            op(
                "listReminders",
                "Reminders to open the phone app (10 and 12 days without it), newest first, with their webhook delivery.",
                vec![],
                &[("200", ok("{\"data\": [...]}"))],
            ),
        ),
    ]
}

/// An onboarding from start to finish, resume or cancel.
fn flow_operations() -> Vec<Operation> {
    let id = || vec![id_path_param()];
    let not_eligible = error(
        "not_eligible: the preflight refused the number; `preflight` lists every check with its reason.",
    );
    vec![
        (
            "/api/v1/onboardings",
            "get",
            op(
                "listOnboardings",
                "Onboardings, newest first.",
                vec![],
                &[("200", ok("{\"data\": [...]}"))],
            ),
        ),
        (
            "/api/v1/onboardings",
            "post",
            with_body(
                op(
                    "startOnboarding",
                    "Runs the preflight and starts an onboarding; answers the signup window to open.",
                    vec![],
                    &[
                        (
                            "201",
                            ok("The onboarding, the preflight and the signup window."),
                        ),
                        ("422", not_eligible),
                        (
                            "409",
                            error("signup_unavailable: no Meta app or configuration id."),
                        ),
                    ],
                ),
                body(
                    "The number, the model and the checklist answers.",
                    answers(),
                    &["mode", "phone"],
                ),
            ),
        ),
        (
            "/api/v1/onboardings/{id}",
            "get",
            op(
                "getOnboarding",
                "An onboarding and its audit trail.",
                id(),
                &[("200", ok("The onboarding and its audit entries."))],
            ),
        ),
        (
            "/api/v1/onboardings/{id}/finish",
            "post",
            with_body(
                op(
                    "finishOnboarding",
                    "Takes Meta's Embedded Signup message and code, then exchanges the code, stores the business token sealed, subscribes the app, registers a Cloud API number and configures it. A failed step is recorded on the onboarding (`error`), which `can_resume` when the remaining steps are safe to retry.",
                    id(),
                    &[
                        ("200", ok("The onboarding.")),
                        (
                            "409",
                            error("conflict: the onboarding already received Meta's answer."),
                        ),
                    ],
                ),
                body(
                    "What the signup window posted.",
                    json!({
                        "event": { "type": "object", "description": "The WA_EMBEDDED_SIGNUP message." },
                        "code": { "type": "string", "description": "The code from FB.login's callback." },
                        "pin": { "type": "string", "description": "Cloud API: the six-digit two-step verification PIN (never stored)." }
                    }),
                    &["event"],
                ),
            ),
        ),
        (
            "/api/v1/onboardings/{id}/resume",
            "post",
            op(
                "resumeOnboarding",
                "Tries the remaining steps again (body: optional {\"pin\"}).",
                id(),
                &[
                    ("200", ok("The onboarding.")),
                    (
                        "409",
                        error(
                            "conflict: nothing to resume, or the code exchange failed (start again).",
                        ),
                    ),
                ],
            ),
        ),
        (
            "/api/v1/onboardings/{id}/cancel",
            "post",
            op(
                "cancelOnboarding",
                "Abandons an onboarding that has not finished.",
                id(),
                &[
                    ("200", ok("The onboarding.")),
                    ("409", error("conflict: already over.")),
                ],
            ),
        ),
    ]
}

/// A number's onboarding status, its once-only syncs, and the audit trail.
fn number_operations() -> Vec<Operation> {
    let id = || vec![id_path_param()];
    vec![
        (
            "/api/v1/numbers/{id}/onboarding",
            "get",
            op(
                "getNumberOnboarding",
                "A number's onboarding status: lifecycle in words, the 24-hour sync window, each sync with can_request and an explanation, history progress by phase, reminders.",
                id(),
                &[("200", ok("The status."))],
            ),
        ),
        (
            "/api/v1/numbers/{id}/sync",
            "post",
            with_body(
                op(
                    "requestSync",
                    "Requests the contacts or history sync once: recorded before Meta is called, never retried. 409 sync_already_requested for a second request; 422 sync_deadline_passed, not_coexistence, number_not_connected, onboarding_time_unknown, meta_refused (with Meta's code explained); 503 sync_not_sent (never reached Meta: may be requested again); 504 sync_outcome_unknown (never asked again).",
                    id(),
                    &[
                        (
                            "200",
                            ok(
                                "Meta accepted it: the request with Meta's request_id and what comes next.",
                            ),
                        ),
                        (
                            "409",
                            error("sync_already_requested, with the explanation."),
                        ),
                        (
                            "422",
                            error(
                                "The rules or Meta refused it, with the explanation and what to do.",
                            ),
                        ),
                        (
                            "504",
                            error("sync_outcome_unknown: the call left without an answer."),
                        ),
                    ],
                ),
                body(
                    "Which sync.",
                    json!({ "kind": { "type": "string", "enum": ["contacts", "history"] } }),
                    &["kind"],
                ),
            ),
        ),
        (
            "/api/v1/audit",
            "get",
            op(
                "listAudit",
                "The audit trail of admin and system actions (who, what, when, Meta's answer), newest first.",
                vec![
                    param(
                        "number_id",
                        "query",
                        "Only this number's entries.",
                        schema_ref("Id"),
                    ),
                    param(
                        "onboarding_id",
                        "query",
                        "Only this onboarding's entries.",
                        schema_ref("Id"),
                    ),
                    param(
                        "limit",
                        "query",
                        "At most this many (1–500, default 100).",
                        json!({ "type": "integer" }),
                    ),
                ],
                &[("200", ok("{\"data\": [...]}"))],
            ),
        ),
    ]
}
