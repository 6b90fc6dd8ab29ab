//! The pages: `/login`, and the inbox at `/` and `/chats/{id}` (a deep link opens that chat).
//! The inbox's first paint (top bar, health banners, the chat list of the requested view) is
//! rendered here; the ES modules take over from there.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::header::{self, HeaderMap};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use coexist_core::ids::Position;
use coexist_core::ids::{ChatId, OrgId};
use coexist_core::inbox::InboxStatus;
use coexist_core::number::Health;
use coexist_core::page::Limit;
use coexist_core::store::{ChatRecord, LabelCount, NumberRecord};
use coexist_core::time::Timestamp;
use serde::Deserialize;
use time::UtcOffset;

use super::assets::Assets;
use super::filter::{InboxQuery, PageFilter, encode_component};
use super::html::{html_with_csp, page_headers, script_json};
use super::icons;
use super::session::{Viewer, viewer};
use super::view::{
    Banner, LocalTime, NumberChip, RowContext, RowView, banners, hue, initials, number_chip,
    number_label,
};
use crate::auth::Actor;
use crate::http::{ApiError, AppState};

/// Rows in the first paint; the list loads more as the agent scrolls.
const FIRST_PAGE: u32 = 50;

/// The asset URLs every page links.
pub(crate) struct AssetLinks {
    css: String,
    icon: String,
    app_js: String,
    login_js: String,
    import_map: String,
}

impl AssetLinks {
    fn of(assets: &Assets) -> Self {
        AssetLinks {
            css: assets.url("css/app.css"),
            icon: assets.url("img/icon.svg"),
            app_js: assets.url("js/app.js"),
            login_js: assets.url("js/login.js"),
            import_map: assets.import_map().to_owned(),
        }
    }
}

/// Icons the inbox template draws.
struct IconSet {
    keyboard: &'static str,
    bell: &'static str,
    search: &'static str,
    chat: &'static str,
    x: &'static str,
}

const ICONS: IconSet = IconSet {
    keyboard: icons::KEYBOARD,
    bell: icons::BELL,
    search: icons::SEARCH,
    chat: icons::CHAT,
    x: icons::X,
};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    assets: AssetLinks,
    error: Option<&'static str>,
    next: String,
    email: String,
}

/// A view tab (mine / unassigned / all).
struct ViewTab {
    key: &'static str,
    label: &'static str,
    href: String,
    current: bool,
}

/// One `<option>`.
struct SelectOption {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    assets: AssetLinks,
    icons: IconSet,
    icons_ban: &'static str,
    user_name: String,
    user_initials: String,
    user_hue: u32,
    numbers: Vec<NumberChip>,
    banners: Vec<Banner>,
    views: Vec<ViewTab>,
    number_options: Vec<SelectOption>,
    status_options: Vec<SelectOption>,
    label_options: Vec<SelectOption>,
    rows: Vec<RowView>,
    has_more: bool,
    open_chat: Option<String>,
    total_unread: i64,
    boot_json: String,
}

fn html(assets: &Assets, rendered: Result<String, askama::Error>) -> Response {
    html_with_csp(&assets.content_security_policy(), rendered)
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
    error: Option<String>,
    email: Option<String>,
}

/// A same-origin path to return to after signing in; anything else is dropped.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// `GET /login`: the sign-in form (already signed in: straight to the inbox).
pub(crate) async fn login(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    actor: Result<Actor, ApiError>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if let Ok(Some(_)) = viewer(&state, actor).await {
        return Redirect::to(&next).into_response();
    }
    let error = match query.error.as_deref() {
        Some("invalid_credentials") => Some("Wrong email or password."),
        Some("too_many_attempts") => {
            Some("Too many failed attempts for this email. Wait a few minutes and try again.")
        }
        Some(_) => Some("Signing in failed. Try again."),
        None => None,
    };
    let page = LoginPage {
        assets: AssetLinks::of(&assets),
        error,
        next,
        email: query.email.unwrap_or_default(),
    };
    html(&assets, page.render())
}

/// `GET /`: the inbox.
pub(crate) async fn inbox(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    actor: Result<Actor, ApiError>,
    headers: HeaderMap,
    uri: Uri,
    Query(query): Query<InboxQuery>,
) -> Response {
    let request = PageRequest {
        actor,
        headers,
        uri,
        query,
    };
    inbox_page(state, assets, request, None).await
}

/// `GET /chats/{id}`: the inbox with that chat open.
pub(crate) async fn inbox_chat(
    State(state): State<AppState>,
    Extension(assets): Extension<Arc<Assets>>,
    actor: Result<Actor, ApiError>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    Query(query): Query<InboxQuery>,
) -> Response {
    let Ok(chat) = id.parse::<ChatId>() else {
        return (StatusCode::NOT_FOUND, "no such chat").into_response();
    };
    let request = PageRequest {
        actor,
        headers,
        uri,
        query,
    };
    inbox_page(state, assets, request, Some(chat)).await
}

/// What an inbox page request brings.
struct PageRequest {
    actor: Result<Actor, ApiError>,
    headers: HeaderMap,
    uri: Uri,
    query: InboxQuery,
}

async fn inbox_page(
    state: AppState,
    assets: Arc<Assets>,
    request: PageRequest,
    open: Option<ChatId>,
) -> Response {
    let viewer = match viewer(&state, request.actor).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => {
            let here = request
                .uri
                .path_and_query()
                .map_or("/".to_owned(), |p| p.as_str().to_owned());
            return Redirect::to(&format!("/login?next={}", encode_component(&here)))
                .into_response();
        }
        Err(e) => return e.into_response(),
    };
    let clock = LocalTime {
        now: state.clock.now(),
        offset: timezone(&request.headers),
    };
    let filter = PageFilter::from_query(&request.query);
    match render_inbox(&state, &assets, &viewer, &filter, open, clock).await {
        Ok(body) => (page_headers(&assets.content_security_policy()), body).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The viewer's UTC offset from the `cx_tzo` cookie (minutes east of UTC), else UTC.
fn timezone(headers: &HeaderMap) -> UtcOffset {
    let minutes = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix("cx_tzo="))
        .find_map(|v| v.parse::<i32>().ok())
        .filter(|m| m.abs() <= 14 * 60)
        .unwrap_or(0);
    UtcOffset::from_whole_seconds(minutes * 60).unwrap_or(UtcOffset::UTC)
}

fn health_of(n: &NumberRecord, now: Timestamp) -> Health {
    n.health(now)
}

/// What the inbox page reads from the store.
struct InboxData {
    chats: Vec<ChatRecord>,
    has_more: bool,
    numbers: Vec<NumberRecord>,
    labels: Vec<LabelCount>,
    head: Position,
}

async fn load(
    state: &AppState,
    viewer: &Viewer,
    filter: &PageFilter,
    now: Timestamp,
) -> Result<InboxData, ApiError> {
    let store = state.store.as_ref();
    let org: OrgId = viewer.org;
    let chat_filter = filter.chat_filter(viewer.user, now);
    let (chats, numbers, labels, head) = tokio::join!(
        store.list_chats(org, chat_filter, Limit::new(Some(FIRST_PAGE)), None),
        store.list_numbers(org),
        store.list_labels(org),
        store.head_position(),
    );
    let chats = chats?;
    Ok(InboxData {
        has_more: chats.next_cursor.is_some(),
        chats: chats.data.into_iter().map(|c| c.as_seen_at(now)).collect(),
        numbers: numbers?,
        // Labels only fill a filter menu: a failure there must not take the inbox down.
        labels: labels.unwrap_or_default(),
        head: head?,
    })
}

/// `(id, digits, label)` of each number.
fn number_labels(numbers: &[NumberRecord]) -> Vec<(String, String, String)> {
    numbers
        .iter()
        .map(|n| {
            let digits = n
                .display_phone_number
                .clone()
                .unwrap_or_else(|| n.phone_number_id.clone());
            (n.id.to_string(), digits, number_label(n))
        })
        .collect()
}

/// The filter menus: numbers, statuses, labels.
fn filter_options(
    filter: &PageFilter,
    numbers: &[(String, String, String)],
    labels: Vec<LabelCount>,
) -> [Vec<SelectOption>; 3] {
    let selected_number = filter.number_id.map(|n| n.to_string());
    let numbers = numbers
        .iter()
        .map(|(id, _, label)| SelectOption {
            selected: selected_number.as_ref() == Some(id),
            value: id.clone(),
            label: label.clone(),
        })
        .collect();
    let statuses = InboxStatus::ALL
        .into_iter()
        .map(|s| SelectOption {
            value: s.as_str().to_owned(),
            label: status_label(s).to_owned(),
            selected: filter.status == Some(s),
        })
        .collect();
    let labels = labels
        .into_iter()
        .map(|l| SelectOption {
            selected: filter.label.as_deref() == Some(l.label.as_str()),
            label: format!("{} ({})", l.label, l.count),
            value: l.label,
        })
        .collect();
    [numbers, statuses, labels]
}

/// What the scripts start from (`<script type="application/json" id="boot">`).
fn boot_json(filter: &PageFilter, now: Timestamp, head: Position, open: Option<&str>) -> String {
    let boot = serde_json::json!({
        "server_now_ms": now.millis(),
        "stream_head": head.to_string(),
        "filter": {
            "view": filter.view,
            "status": filter.status.map(InboxStatus::as_str).unwrap_or(""),
            "label": filter.label.clone().unwrap_or_default(),
            "number_id": filter.number_id.map(|n| n.to_string()).unwrap_or_default(),
        },
        "open_chat": open,
    });
    script_json(&boot)
}

/// Renders the inbox page for `viewer` (the store reads and the template; no auth).
pub(crate) async fn render_inbox(
    state: &AppState,
    assets: &Assets,
    viewer: &Viewer,
    filter: &PageFilter,
    open: Option<ChatId>,
    clock: LocalTime,
) -> Result<String, ApiError> {
    let data = load(state, viewer, filter, clock.now).await?;
    let healths: Vec<Health> = data
        .numbers
        .iter()
        .map(|n| health_of(n, clock.now))
        .collect();
    let numbers = number_labels(&data.numbers);
    let query = filter.query(filter.view);
    let open_id = open.map(|c| c.to_string());
    let ctx = RowContext {
        clock,
        active: open_id.as_deref(),
        query: &query,
        numbers: if numbers.len() > 1 { &numbers } else { &[] },
    };
    let rows: Vec<RowView> = data.chats.iter().map(|c| RowView::of(c, &ctx)).collect();
    let [number_options, status_options, label_options] =
        filter_options(filter, &numbers, data.labels);
    let page = InboxPage {
        assets: AssetLinks::of(assets),
        icons: ICONS,
        icons_ban: icons::BAN,
        user_initials: initials(&viewer.name),
        user_hue: hue(&format!("u{}", viewer.user)),
        user_name: viewer.name.clone(),
        banners: data
            .numbers
            .iter()
            .zip(&healths)
            .flat_map(|(n, h)| banners(n, h))
            .collect(),
        numbers: data
            .numbers
            .iter()
            .zip(&healths)
            .map(|(n, h)| number_chip(n, h))
            .collect(),
        views: view_tabs(filter),
        number_options,
        status_options,
        label_options,
        total_unread: data.chats.iter().map(|c| c.unread_count).sum(),
        has_more: data.has_more,
        rows,
        boot_json: boot_json(filter, clock.now, data.head, open_id.as_deref()),
        open_chat: open_id,
    };
    page.render()
        .map_err(|e| ApiError::internal(format!("rendering the inbox failed: {e}")))
}

fn status_label(s: InboxStatus) -> &'static str {
    match s {
        InboxStatus::Open => "Open",
        InboxStatus::Pending => "Bot",
        InboxStatus::Snoozed => "Snoozed",
        InboxStatus::Resolved => "Resolved",
    }
}

fn view_tabs(filter: &PageFilter) -> Vec<ViewTab> {
    [
        ("mine", "Mine"),
        ("unassigned", "Unassigned"),
        ("all", "All"),
    ]
    .into_iter()
    .map(|(key, label)| ViewTab {
        key,
        label,
        href: format!("/{}", filter.query(key)),
        current: filter.view == key,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_origin_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/chats/12?view=mine")),
            "/chats/12?view=mine"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
