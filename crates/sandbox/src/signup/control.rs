//! `/_sandbox/signup/…`: the signup window and the phone page, the session the window polls,
//! scanning and cancelling, and the numbers available for signup with their facts.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::prospects::ProspectSpec;
use super::{Facts, Prospect, Session, page};
use crate::config::NumberMode;
use crate::control::{Answer, Body};
use crate::error::ControlError;
use crate::server::Shared;

/// The JSON routes, relative to `/_sandbox`.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/signup/sessions", post(create_session))
        .route("/signup/numbers", get(list_numbers).post(add_number))
        .route("/signup/numbers/{phone}", post(set_facts))
        .route("/signup/{session}", get(session_state))
        .route("/signup/{session}/scan", post(scan))
        .route("/signup/{session}/cancel", post(cancel))
}

/// The HTML pages (the window and where its QR code leads), relative to `/_sandbox`.
pub(crate) fn pages() -> Router<Arc<Shared>> {
    Router::new()
        .route("/signup", get(window))
        .route("/signup/{session}/phone", get(phone_page))
}

/// What the window shows and polls: the state, and once finished the message and the code.
fn session_json(s: &Session) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "popup".to_owned(),
            json!(format!("/_sandbox/signup?session={}", s.id)),
        );
    }
    v
}

/// Numbers the window offers for its flow.
fn offered(all: &[Prospect], coexistence: bool) -> Vec<&Prospect> {
    let wanted = if coexistence {
        NumberMode::Coexistence
    } else {
        NumberMode::CloudApi
    };
    all.iter().filter(|p| p.mode == wanted).collect()
}

#[derive(Debug, Default, Deserialize)]
struct WindowQuery {
    app_id: Option<String>,
    config_id: Option<String>,
    /// `featureType` (`whatsapp_business_app_onboarding` for coexistence).
    feature: Option<String>,
    /// The opener's origin, which the window posts to.
    origin: Option<String>,
    /// The number the admin typed.
    phone: Option<String>,
}

fn html_page(body: String) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

/// `GET /_sandbox/signup?app_id=…&config_id=…&feature=…&origin=…&phone=…`: the window.
async fn window(State(shared): State<Arc<Shared>>, Query(q): Query<WindowQuery>) -> Response {
    let opened = shared.world().open_signup(
        q.app_id.as_deref().unwrap_or(""),
        q.config_id.as_deref().unwrap_or(""),
        q.feature.as_deref(),
        q.origin.as_deref(),
        q.phone.as_deref(),
    );
    match opened {
        Ok(session) => {
            let (prospects, base) = {
                let world = shared.world();
                let all: Vec<Prospect> = world.signup.prospects.values().cloned().collect();
                (all, world.public_base_url.clone())
            };
            html_page(page::popup(
                &session,
                &offered(&prospects, session.coexistence),
                &base,
            ))
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct SessionBody {
    app_id: String,
    config_id: String,
    #[serde(default)]
    feature: Option<String>,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    phone: Option<String>,
}

/// `POST /_sandbox/signup/sessions`: a window's session without the page (scripts, tests).
async fn create_session(State(shared): State<Arc<Shared>>, Body(b): Body<SessionBody>) -> Answer {
    let session = shared.world().open_signup(
        &b.app_id,
        &b.config_id,
        b.feature.as_deref(),
        b.origin.as_deref(),
        b.phone.as_deref(),
    )?;
    Ok(Json(session_json(&session)))
}

/// `GET /_sandbox/signup/{session}`.
async fn session_state(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    let world = shared.world();
    Ok(Json(session_json(world.signup_session(&id)?)))
}

#[derive(Debug, Default, Deserialize)]
struct ScanBody {
    #[serde(default)]
    phone_number: Option<String>,
    #[serde(default)]
    share_history: Option<bool>,
}

/// `POST /_sandbox/signup/{session}/scan`: the phone scans and the owner confirms.
async fn scan(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Body(b): Body<ScanBody>,
) -> Answer {
    let session = shared.world().scan(
        &id,
        b.phone_number.as_deref(),
        b.share_history.unwrap_or(true),
    )?;
    Ok(Json(session_json(&session)))
}

/// `POST /_sandbox/signup/{session}/cancel`.
async fn cancel(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    let session = shared.world().cancel_signup(&id)?;
    Ok(Json(session_json(&session)))
}

/// `GET /_sandbox/signup/{session}/phone`: where the QR code leads.
async fn phone_page(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let world = shared.world();
    let session = match world.signup_session(&id) {
        Ok(s) => s.clone(),
        Err(e) => return e.into_response(),
    };
    let prospect = session
        .phone_hint
        .as_ref()
        .and_then(|p| world.signup.prospects.get(p))
        .cloned();
    let base = world.public_base_url.clone();
    drop(world);
    html_page(page::phone(&session, prospect.as_ref(), &base))
}

/// A prospect with its Meta-side state: connected, awaiting registration, subscribed.
fn prospect_json(world: &crate::world::World, p: &Prospect) -> Value {
    let number = p
        .phone_number_id
        .as_ref()
        .and_then(|id| world.numbers.get(id));
    json!({
        "display_phone_number": p.display_phone_number,
        "verified_name": p.verified_name,
        "mode": p.mode,
        "facts": p.facts,
        "waba_id": p.waba_id,
        "phone_number_id": p.phone_number_id,
        "lifecycle": number.map(|n| &n.lifecycle),
        "onboarded_at": number.and_then(|n| n.onboarded_at),
        "last_opened_at": p.phone_number_id.as_ref().and_then(|id| world.phones.get(id)).map(|ph| ph.last_opened_at),
        "awaiting_registration": p.phone_number_id.as_ref().is_some_and(|id| world.signup.awaiting_registration.contains(id)),
        "subscribed": world.signup.subscribed.contains(&p.waba_id),
        "business_tokens": world.signup.tokens.values().filter(|w| **w == p.waba_id).count(),
    })
}

/// `GET /_sandbox/signup/numbers`.
async fn list_numbers(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let world = shared.world();
    let numbers: Vec<Value> = world
        .signup
        .prospects
        .values()
        .map(|p| prospect_json(&world, p))
        .collect();
    Json(json!({"numbers": numbers}))
}

/// `POST /_sandbox/signup/numbers`: a number available for signup, with its facts.
async fn add_number(State(shared): State<Arc<Shared>>, Body(spec): Body<ProspectSpec>) -> Answer {
    let mut world = shared.world();
    let p = world.add_prospect(spec)?;
    Ok(Json(prospect_json(&world, &p)))
}

/// `POST /_sandbox/signup/numbers/{phone}`: changes some of a number's facts.
async fn set_facts(
    State(shared): State<Arc<Shared>>,
    Path(phone): Path<String>,
    Body(changes): Body<BTreeMap<String, Value>>,
) -> Answer {
    let mut world = shared.world();
    let display = crate::world::normalize_phone(&phone).unwrap_or(phone.clone());
    let prospect = world.signup.prospects.get(&display).ok_or_else(|| {
        ControlError::not_found(format!("{display} is not a number available for signup"))
    })?;
    let mut facts = serde_json::to_value(&prospect.facts).unwrap_or(Value::Null);
    for (key, value) in changes {
        if facts.get(&key).is_none() {
            return Err(ControlError::bad_request(format!(
                "unknown fact {key:?} (app_version, days_in_use, business_verified, facebook_page_linked)"
            )));
        }
        facts[&key] = value;
    }
    let facts: Facts = serde_json::from_value(facts)
        .map_err(|e| ControlError::bad_request(format!("invalid facts: {e}")))?;
    if super::parse_version(&facts.app_version).is_none() {
        return Err(ControlError::bad_request(
            "app_version must look like 2.24.17",
        ));
    }
    let prospect = world.signup.prospects.get_mut(&display).expect("checked");
    prospect.facts = facts;
    let p = prospect.clone();
    Ok(Json(prospect_json(&world, &p)))
}
