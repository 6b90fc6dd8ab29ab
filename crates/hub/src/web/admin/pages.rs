//! The admin page handlers: who may see them (signed-in admins; others go to `/login` or get a
//! page saying why not), the headers (the inbox's strict CSP, widened for Meta's JS SDK only on
//! the pages that open Embedded Signup against real Meta), and the templates.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{FromRequestParts, Path, State};

use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use coexist_core::ids::{NumberId, OnboardingId, OrgId};
use coexist_core::inbox::Role;
use coexist_core::onboarding::Check;
use coexist_core::store::{AuditFilter, StoreError};
use serde_json::json;

use super::model::{
    AuditRow, MODELS, Model, NumberRow, OnboardingRow, ReminderRow, StepRow, SyncRow, audit_row,
    mode_label, number_row, onboarding_row, phases, reminder_row, steps, sync_row, when,
};
use crate::auth::{Actor, ActorKind};
use crate::http::{ApiError, AppState};
use crate::onboarding::SignupMode;
use crate::web::assets::Assets;
use crate::web::filter::encode_component;
use crate::web::html::{html_with_csp, script_json};
use crate::web::view::{number_label, phone};

/// The asset URLs the admin templates link (`base.html` reads the first three).
pub(super) struct Links {
    css: String,
    icon: String,
    import_map: String,
    admin_css: String,
    admin_js: String,
}

impl Links {
    fn of(assets: &Assets) -> Self {
        Links {
            css: assets.url("css/app.css"),
            icon: assets.url("img/icon.svg"),
            import_map: assets.import_map().to_owned(),
            admin_css: assets.url("css/admin.css"),
            admin_js: assets.url("js/admin.js"),
        }
    }
}

/// A signed-in admin.
pub(super) struct Admin {
    org: OrgId,
    name: String,
}

/// The admin behind the request, or the response to give instead: `/login` for nobody, a page
/// saying why for an agent.
async fn admin(
    state: &AppState,
    assets: &Assets,
    actor: Result<Actor, ApiError>,
    uri: &Uri,
) -> Result<Admin, Response> {
    let here = uri.path_and_query().map_or("/admin", |p| p.as_str());
    let login = || Redirect::to(&format!("/login?next={}", encode_component(here))).into_response();
    let actor = match actor {
        Ok(actor) => actor,
        Err(e) if e.status() == StatusCode::UNAUTHORIZED => return Err(login()),
        Err(e) => return Err(e.into_response()),
    };
    let ActorKind::User { id, role, .. } = actor.kind else {
        return Err(login());
    };
    let name = match state.store.get_user(actor.org, id).await {
        Ok(user) => user.name,
        Err(e) => return Err(ApiError::from(e).into_response()),
    };
    if role != Role::Admin {
        let page = Forbidden {
            assets: Links::of(assets),
            user_name: name,
        };
        let mut response = html(assets, page.render(), false);
        *response.status_mut() = StatusCode::FORBIDDEN;
        return Err(response);
    }
    Ok(Admin {
        org: actor.org,
        name,
    })
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    /// The admin behind the request; see [`admin`] for what answers instead.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Extension(assets) = Extension::<Arc<Assets>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let actor = Actor::from_request_parts(parts, state).await;
        admin(state, &assets, actor, &parts.uri).await
    }
}

/// The inbox's CSP; with `meta_sdk`, Meta's JS SDK and its windows are allowed too.
fn csp(assets: &Assets, meta_sdk: bool) -> String {
    let base = assets.content_security_policy();
    if !meta_sdk {
        return base;
    }
    let facebook = "https://www.facebook.com https://web.facebook.com https://connect.facebook.net";
    base.replacen(
        "script-src 'self'",
        "script-src 'self' https://connect.facebook.net",
        1,
    )
    .replacen(
        "connect-src 'self'",
        &format!("connect-src 'self' {facebook} https://graph.facebook.com"),
        1,
    ) + &format!("; frame-src {facebook}")
}

fn html(assets: &Assets, rendered: Result<String, askama::Error>, meta_sdk: bool) -> Response {
    html_with_csp(&csp(assets, meta_sdk), rendered)
}

fn store_error(e: StoreError) -> Response {
    ApiError::from(e).into_response()
}

#[derive(Template)]
#[template(path = "admin/forbidden.html")]
struct Forbidden {
    assets: Links,
    user_name: String,
}

/// `GET /admin`.
pub(super) async fn index() -> Redirect {
    Redirect::to("/admin/numbers")
}

#[derive(Template)]
#[template(path = "admin/numbers.html")]
struct NumbersPage {
    assets: Links,
    user_name: String,
    numbers: Vec<NumberRow>,
    onboardings: Vec<OnboardingRow>,
    reminders: Vec<ReminderRow>,
    signup_why: Option<String>,
}

/// `GET /admin/numbers`.
pub(super) async fn numbers(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    admin: Admin,
) -> Response {
    match numbers_page(&state, &assets, admin).await {
        Ok(r) => r,
        Err(e) => store_error(e),
    }
}

async fn numbers_page(
    state: &AppState,
    assets: &Assets,
    admin: Admin,
) -> Result<Response, StoreError> {
    let o = &state.onboarding;
    let mut rows = Vec::new();
    let mut labels = HashMap::new();
    for n in state.store.list_numbers(admin.org).await? {
        labels.insert(n.id, number_label(&n));
        rows.push(number_row(&o.number_view(admin.org, n.id).await?));
    }
    let onboardings = state.store.list_onboardings(admin.org).await?;
    let reminders = state.store.list_reminders(admin.org, None).await?;
    let page = NumbersPage {
        assets: Links::of(assets),
        user_name: admin.name,
        numbers: rows,
        onboardings: onboardings
            .iter()
            .filter(|x| !x.step.is_terminal() || x.error.is_some())
            .map(onboarding_row)
            .collect(),
        reminders: reminders
            .iter()
            .take(20)
            .map(|r| reminder_row(r, labels.get(&r.number_id).cloned().unwrap_or_default()))
            .collect(),
        signup_why: match &o.signup {
            SignupMode::Unavailable { why } => Some(why.clone()),
            _ => None,
        },
    };
    Ok(html(assets, page.render(), false))
}

/// A checklist item: its form value and question.
struct Item {
    key: &'static str,
    question: &'static str,
}

fn checklist(mode: coexist_core::number::NumberMode) -> Vec<Item> {
    Check::for_mode(mode)
        .iter()
        .filter(|c| {
            !matches!(
                c,
                Check::PhoneNumber | Check::Country | Check::NotConnected | Check::AppVersion
            )
        })
        .map(|c| Item {
            key: c.as_str(),
            question: c.question(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/connect.html")]
struct ConnectPage {
    assets: Links,
    user_name: String,
    models: &'static [Model],
    coexistence_items: Vec<Item>,
    cloud_items: Vec<Item>,
    regions: Vec<String>,
    countries_source: String,
    countries_checked_on: String,
    countries_note: String,
    signup_why: Option<String>,
}

/// `GET /admin/connect`: the models and the preflight.
pub(super) async fn connect(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    admin: Admin,
) -> Response {
    let o = &state.onboarding;
    let page = ConnectPage {
        assets: Links::of(&assets),
        user_name: admin.name,
        models: &MODELS,
        coexistence_items: checklist(coexist_core::number::NumberMode::Coexistence),
        cloud_items: checklist(coexist_core::number::NumberMode::CloudApi),
        regions: o
            .countries
            .unsupported
            .iter()
            .map(|r| format!("{} (+{})", r.name, r.calling_codes.join(", +")))
            .collect(),
        countries_source: o.countries.source.clone(),
        countries_checked_on: o.countries.checked_on.clone(),
        countries_note: o.countries.note.clone().unwrap_or_default(),
        signup_why: match &o.signup {
            SignupMode::Unavailable { why } => Some(why.clone()),
            _ => None,
        },
    };
    html(&assets, page.render(), false)
}

#[derive(Template)]
#[template(path = "admin/onboarding.html")]
struct OnboardingPage {
    assets: Links,
    user_name: String,
    id: String,
    phone: String,
    mode: &'static str,
    cloud: bool,
    step: &'static str,
    step_label: &'static str,
    steps: Vec<StepRow>,
    error: Option<String>,
    can_resume: bool,
    started: String,
    number_href: Option<String>,
    boot_json: String,
}

/// `GET /admin/onboardings/{id}`.
pub(super) async fn onboarding(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    admin: Admin,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<OnboardingId>() else {
        return (StatusCode::NOT_FOUND, "no such onboarding").into_response();
    };
    let record = match state.store.get_onboarding(admin.org, id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => {
            return (StatusCode::NOT_FOUND, "no such onboarding").into_response();
        }
        Err(e) => return store_error(e),
    };
    let signup = &state.onboarding.signup;
    let boot = json!({
        "onboarding_id": record.id,
        "mode": record.mode,
        "step": record.step,
        "phone": record.phone,
        "signup": signup.to_json(),
    });
    let page = OnboardingPage {
        assets: Links::of(&assets),
        user_name: admin.name,
        id: record.id.to_string(),
        phone: phone(&record.phone),
        mode: mode_label(record.mode),
        cloud: record.mode == coexist_core::number::NumberMode::CloudApi,
        step: record.step.as_str(),
        step_label: record.step.label(),
        steps: steps(&record),
        error: record.error.clone(),
        can_resume: record.error.is_some() && record.step.can_resume(),
        started: when(record.started_at),
        number_href: record.number_id.map(|n| format!("/admin/numbers/{n}")),
        boot_json: script_json(&boot),
    };
    let meta_sdk = matches!(signup, SignupMode::Meta { .. });
    html(&assets, page.render(), meta_sdk)
}

#[derive(Template)]
#[template(path = "admin/number.html")]
struct NumberPage {
    assets: Links,
    user_name: String,
    id: String,
    label: String,
    mode: &'static str,
    coexistence: bool,
    lifecycle: &'static str,
    lifecycle_title: String,
    lifecycle_detail: String,
    warnings: Vec<String>,
    deadline: Option<String>,
    window_open: bool,
    syncs: Vec<SyncRow>,
    any_requestable: bool,
    history_state: &'static str,
    progress: i64,
    phases: Vec<(&'static str, String)>,
    contacts_synced: Option<String>,
    reminders: Vec<ReminderRow>,
    audit: Vec<AuditRow>,
    boot_json: String,
}

/// `GET /admin/numbers/{id}`.
pub(super) async fn number(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    admin: Admin,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<NumberId>() else {
        return (StatusCode::NOT_FOUND, "no such number").into_response();
    };
    match number_page(&state, &assets, admin, id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => (StatusCode::NOT_FOUND, "no such number").into_response(),
        Err(e) => store_error(e),
    }
}

async fn number_page(
    state: &AppState,
    assets: &Assets,
    admin: Admin,
    id: NumberId,
) -> Result<Response, StoreError> {
    let v = state.onboarding.number_view(admin.org, id).await?;
    let filter = AuditFilter {
        number_id: Some(id),
        ..AuditFilter::default()
    };
    let entries = state.store.list_audit(admin.org, filter, 100).await?;
    let names: HashMap<i64, String> = state
        .store
        .list_users(admin.org)
        .await?
        .into_iter()
        .map(|u| (u.id.0, u.name))
        .collect();
    let label = number_label(&v.number);
    let history = &v.health.history;
    let boot = json!({"number_id": v.number.id, "deadline": v.sync_window.deadline,
                      "server_now_ms": state.clock.now().millis()});
    let page = NumberPage {
        assets: Links::of(assets),
        user_name: admin.name,
        id: v.number.id.to_string(),
        mode: mode_label(v.number.mode),
        coexistence: !v.syncs.is_empty(),
        lifecycle: v.lifecycle.state,
        lifecycle_title: v.lifecycle.title.clone(),
        lifecycle_detail: v.lifecycle.detail.clone(),
        warnings: v.health.warnings.clone(),
        deadline: v.sync_window.deadline.map(when),
        window_open: v.sync_window.open,
        any_requestable: v.syncs.iter().any(|s| s.can_request),
        syncs: v.syncs.iter().map(sync_row).collect(),
        history_state: if v.health.history_stalled {
            "stalled"
        } else {
            history.state.as_str()
        },
        progress: history.progress.unwrap_or(0),
        phases: phases(history),
        contacts_synced: v.number.contacts_synced_at.map(when),
        reminders: v
            .reminders
            .iter()
            .map(|r| reminder_row(r, label.clone()))
            .collect(),
        audit: entries.iter().map(|a| audit_row(a, &names)).collect(),
        boot_json: script_json(&boot),
        label,
    };
    Ok(html(assets, page.render(), false))
}

#[cfg(test)]
mod tests {
    use super::csp;
    use crate::web::assets::Assets;

    #[test]
    fn only_pages_opening_metas_signup_allow_metas_sdk() {
        let assets = Assets::embedded();
        let strict = csp(&assets, false);
        assert!(!strict.contains("facebook"), "{strict}");
        let meta = csp(&assets, true);
        assert!(
            meta.contains("script-src 'self' https://connect.facebook.net"),
            "{meta}"
        );
        assert!(
            meta.contains("frame-src https://www.facebook.com"),
            "{meta}"
        );
        assert!(
            meta.contains("frame-ancestors 'none'"),
            "the rest is kept: {meta}"
        );
    }
}
