//! Onboarding, for admins: the signup window's configuration, the eligibility preflight,
//! onboardings (start, finish with Meta's event and code, resume, cancel), a number's
//! onboarding status with its once-only syncs, the sync request itself, reminders, and the
//! audit trail.
//!
//! Refusals carry an explanation in words: `{"error": {"code", "message", …}}` with the
//! preflight report (`not_eligible`), or the sync kind and what to do
//! (`sync_already_requested` 409, `sync_deadline_passed` 422, `meta_refused` 422, …).

use crate::auth::policy::Action;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use coexist_core::ids::{NumberId, OnboardingId};
use coexist_core::number::NumberMode;
use coexist_core::onboarding::{
    FlowStep, PreflightAnswers, PreflightReport, SyncKind, SyncRefusal, SyncState,
};
use coexist_core::store::{AuditFilter, OnboardingRecord};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{List, not_found};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::onboarding::{
    FinishRequest, OnboardingError, StartRequest, SyncError, SyncOutcome, audit_actor, request_sync,
};

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/onboarding/config", signup_config)
        .post("/api/v1/onboarding/preflight", preflight)
        .get("/api/v1/onboarding/reminders", reminders)
        .get("/api/v1/onboardings", list)
        .post("/api/v1/onboardings", start)
        .get("/api/v1/onboardings/{id}", get)
        .post("/api/v1/onboardings/{id}/finish", finish)
        .post("/api/v1/onboardings/{id}/resume", resume)
        .post("/api/v1/onboardings/{id}/cancel", cancel)
        .get("/api/v1/numbers/{id}/onboarding", number_status)
        .post("/api/v1/numbers/{id}/sync", sync)
        .get("/api/v1/audit", audit)
}

/// Onboarding is an admin's job, decided by the one authorization policy.
fn admin_only(auth: &Auth) -> Result<(), ApiError> {
    auth.may(Action::ManageNumbers).map_err(|_| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only admins can connect numbers, request syncs and read the audit trail",
        )
    })
}

/// An error answer with more than a code and a message.
fn error_with(status: StatusCode, code: &str, message: &str, extra: Value) -> Response {
    let mut error = json!({"code": code, "message": message});
    if let (Some(e), Some(x)) = (error.as_object_mut(), extra.as_object()) {
        e.extend(x.clone());
    }
    (status, Json(json!({"error": error}))).into_response()
}

fn onboarding_error(e: OnboardingError) -> Response {
    match e {
        OnboardingError::NotEligible(report) => {
            let reasons: Vec<String> = report
                .problems()
                .map(|c| format!("{}: {}", c.question, c.detail))
                .collect();
            let message = format!("This number cannot be onboarded yet. {}", reasons.join(" "));
            error_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_eligible",
                &message,
                json!({"preflight": report}),
            )
        }
        OnboardingError::Unavailable(why) => {
            ApiError::new(StatusCode::CONFLICT, "signup_unavailable", why).into_response()
        }
        OnboardingError::Invalid(m) => ApiError::bad_request("invalid_request", m).into_response(),
        OnboardingError::Conflict(m) => {
            ApiError::new(StatusCode::CONFLICT, "conflict", m).into_response()
        }
        OnboardingError::Store(e) => ApiError::from(e).into_response(),
    }
}

/// An onboarding as the API shows it.
#[derive(Debug, Serialize)]
struct OnboardingView {
    #[serde(flatten)]
    record: OnboardingRecord,
    /// Whether the remaining steps can be tried again (after a failure).
    can_resume: bool,
    /// A label for the step.
    step_label: &'static str,
}

impl From<OnboardingRecord> for OnboardingView {
    fn from(record: OnboardingRecord) -> Self {
        OnboardingView {
            can_resume: record.error.is_some() && record.step.can_resume(),
            step_label: record.step.label(),
            record,
        }
    }
}

async fn signup_config(auth: Auth, State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    admin_only(&auth)?;
    let o = &state.onboarding;
    Ok(Json(json!({
        "signup": o.signup.to_json(),
        "countries": {"source": o.countries.source, "checked_on": o.countries.checked_on,
                      "note": o.countries.note, "unsupported": o.countries.unsupported.iter()
                          .map(|r| json!({"name": r.name, "calling_codes": r.calling_codes})).collect::<Vec<_>>()},
    })))
}

#[derive(Debug, Deserialize)]
struct PreflightBody {
    mode: NumberMode,
    phone: String,
    #[serde(flatten)]
    answers: PreflightAnswers,
}

async fn preflight(
    auth: Auth,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PreflightBody>,
) -> Result<Json<PreflightReport>, ApiError> {
    admin_only(&auth)?;
    let report = state
        .onboarding
        .preflight(auth.org, body.mode, &body.phone, &body.answers)
        .await;
    Ok(Json(report))
}

async fn list(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Json<List<OnboardingView>>, ApiError> {
    admin_only(&auth)?;
    let all = state.store.list_onboardings(auth.org).await?;
    Ok(Json(List::new(
        all.into_iter().map(OnboardingView::from).collect(),
    )))
}

async fn start(
    auth: Auth,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<StartRequest>,
) -> Response {
    if let Err(e) = admin_only(&auth) {
        return e.into_response();
    }
    match state
        .onboarding
        .start(auth.org, audit_actor(&auth), body)
        .await
    {
        Ok((record, report)) => {
            let body = json!({"onboarding": OnboardingView::from(record), "preflight": report,
                              "signup": state.onboarding.signup.to_json()});
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(e) => onboarding_error(e),
    }
}

async fn get(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<OnboardingId>,
) -> Result<Json<Value>, ApiError> {
    admin_only(&auth)?;
    let record = state
        .store
        .get_onboarding(auth.org, id)
        .await
        .map_err(not_found("onboarding", id))?;
    let filter = AuditFilter {
        onboarding_id: Some(id),
        ..AuditFilter::default()
    };
    let audit = state.store.list_audit(auth.org, filter, 100).await?;
    Ok(Json(
        json!({"onboarding": OnboardingView::from(record), "audit": audit}),
    ))
}

fn flow_answer(result: Result<OnboardingRecord, OnboardingError>) -> Response {
    match result {
        Ok(record) => Json(OnboardingView::from(record)).into_response(),
        Err(e) => onboarding_error(e),
    }
}

async fn finish(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<OnboardingId>,
    ApiJson(body): ApiJson<FinishRequest>,
) -> Response {
    if let Err(e) = admin_only(&auth) {
        return e.into_response();
    }
    flow_answer(
        state
            .onboarding
            .finish(auth.org, id, audit_actor(&auth), body)
            .await,
    )
}

#[derive(Debug, Default, Deserialize)]
struct ResumeBody {
    #[serde(default)]
    pin: Option<String>,
}

async fn resume(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<OnboardingId>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(e) = admin_only(&auth) {
        return e.into_response();
    }
    // The body is optional: only Cloud API registration needs a PIN.
    let body: ResumeBody = if body.iter().all(u8::is_ascii_whitespace) {
        ResumeBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(e) => {
                return ApiError::bad_request("invalid_request", e.to_string()).into_response();
            }
        }
    };
    let pin = body.pin;
    flow_answer(
        state
            .onboarding
            .resume(auth.org, id, audit_actor(&auth), pin.as_deref())
            .await,
    )
}

async fn cancel(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<OnboardingId>,
) -> Response {
    if let Err(e) = admin_only(&auth) {
        return e.into_response();
    }
    let result = state
        .onboarding
        .cancel(auth.org, id, audit_actor(&auth))
        .await;
    if let Err(OnboardingError::Invalid(m)) = &result
        && m.contains(FlowStep::Onboarded.as_str())
    {
        return ApiError::new(StatusCode::CONFLICT, "conflict", "an onboarded number cannot be cancelled; offboard it in the WhatsApp Business app instead").into_response();
    }
    flow_answer(result)
}

async fn number_status(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<NumberId>,
) -> Result<Json<crate::onboarding::view::NumberView>, ApiError> {
    admin_only(&auth)?;
    let view = state
        .onboarding
        .number_view(auth.org, id)
        .await
        .map_err(not_found("number", id))?;
    Ok(Json(view))
}

#[derive(Debug, Deserialize)]
struct SyncBody {
    kind: SyncKind,
}

/// The answer to a sync request that was made: 200 when Meta accepted it, otherwise an error
/// status with what happened and what to do.
fn sync_answer(outcome: SyncOutcome) -> Response {
    let body = serde_json::to_value(&outcome).unwrap_or(Value::Null);
    let (status, code) = match outcome.request.state {
        SyncState::Accepted | SyncState::Pending => return Json(body).into_response(),
        SyncState::Refused => (StatusCode::UNPROCESSABLE_ENTITY, "meta_refused"),
        SyncState::NotSent => (StatusCode::SERVICE_UNAVAILABLE, "sync_not_sent"),
        SyncState::Unknown => (StatusCode::GATEWAY_TIMEOUT, "sync_outcome_unknown"),
    };
    error_with(
        status,
        code,
        &outcome.message,
        json!({"kind": outcome.kind, "sync": body}),
    )
}

async fn sync(
    auth: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<NumberId>,
    ApiJson(body): ApiJson<SyncBody>,
) -> Response {
    if let Err(e) = admin_only(&auth) {
        return e.into_response();
    }
    match request_sync(
        &state.onboarding,
        auth.org,
        id,
        body.kind,
        audit_actor(&auth),
    )
    .await
    {
        Ok(outcome) => sync_answer(outcome),
        Err(SyncError::Refused { kind, refusal }) => {
            let status = match refusal {
                SyncRefusal::AlreadyRequested { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            error_with(
                status,
                refusal.code(),
                &refusal.explain(kind),
                json!({"kind": kind}),
            )
        }
        Err(SyncError::NotFound) => {
            ApiError::not_found(format!("number {id} not found")).into_response()
        }
        Err(SyncError::Store(e)) => ApiError::from(e).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
struct AuditQuery {
    number_id: Option<String>,
    onboarding_id: Option<String>,
    limit: Option<u32>,
}

async fn audit(
    auth: Auth,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    admin_only(&auth)?;
    let parse = |v: Option<String>, what: &str| -> Result<Option<i64>, ApiError> {
        v.map(|s| {
            s.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                ApiError::bad_request("invalid_query", format!("{what} must be a positive id"))
            })
        })
        .transpose()
    };
    let filter = AuditFilter {
        number_id: parse(q.number_id, "number_id")?.map(NumberId),
        onboarding_id: parse(q.onboarding_id, "onboarding_id")?.map(OnboardingId),
    };
    let entries = state
        .store
        .list_audit(auth.org, filter, q.limit.unwrap_or(100).clamp(1, 500))
        .await?;
    Ok(Json(json!({"data": entries})))
}

async fn reminders(auth: Auth, State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    admin_only(&auth)?;
    let all = state.store.list_reminders(auth.org, None).await?;
    Ok(Json(json!({"data": all})))
}
