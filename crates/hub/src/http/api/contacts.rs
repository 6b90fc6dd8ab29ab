//! `GET /api/v1/contacts?number_id=&q=&limit=&cursor=`: contacts, optionally of one number and
//! matching a search on names and phone numbers. `GET /api/v1/contacts/{id}`: one contact with
//! `"chats"`, this person's chats on every number. `PATCH /api/v1/contacts/{id}`
//! `{"attributes": {...}}`: merges attributes (`null` deletes a key).

use axum::Json;
use axum::extract::State;
use coexist_core::ids::ContactId;
use coexist_core::page::Page;
use coexist_core::store::{ContactFilter, ContactRecord};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::chats::ChatView;
use super::not_found;
use super::params::{self, PageQuery};
use crate::auth::Action;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::inbox::live::announce;

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/contacts", list_contacts)
        .get("/api/v1/contacts/{id}", get_contact)
        .patch("/api/v1/contacts/{id}", patch_contact)
}

#[derive(Debug, Deserialize)]
struct ContactsQuery {
    number_id: Option<String>,
    q: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

async fn list_contacts(
    auth: Auth,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ContactsQuery>,
) -> Result<Json<Page<ContactRecord>>, ApiError> {
    let filter = ContactFilter {
        number_id: params::id(query.number_id.as_deref(), "number_id")?,
        q: params::non_empty(query.q.as_deref()).map(str::to_owned),
    };
    let limit = query.page.limit()?;
    let page = state
        .store
        .list_contacts(auth.org, filter, limit, query.page.cursor())
        .await?;
    Ok(Json(page))
}

/// A contact with this person's chats on every number.
#[derive(Debug, Serialize)]
struct ContactDetail {
    #[serde(flatten)]
    contact: ContactRecord,
    chats: Vec<ChatView>,
}

async fn get_contact(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ContactId>,
) -> Result<Json<ContactDetail>, ApiError> {
    actor.may(Action::Read)?;
    let contact = state
        .store
        .get_contact(actor.org, id)
        .await
        .map_err(not_found("contact", id))?;
    let chats = state.store.contact_chats(actor.org, id).await?;
    let now = state.clock.now();
    Ok(Json(ContactDetail {
        contact,
        chats: chats.into_iter().map(|c| ChatView::at(c, now)).collect(),
    }))
}

#[derive(Debug, Deserialize)]
struct ContactPatch {
    attributes: Map<String, Value>,
}

async fn patch_contact(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(patch): ApiJson<ContactPatch>,
) -> Result<Json<ContactRecord>, ApiError> {
    actor.may(Action::EditContacts)?;
    let now = state.clock.now();
    let contact = state
        .store
        .update_contact_attributes(actor.org, id, patch.attributes, actor.by(), now)
        .await
        .map_err(not_found("contact", id))?;
    announce(&state).await;
    Ok(Json(contact))
}
