//! `GET /api/v1/contacts?number_id=&q=&limit=&cursor=`: contacts, optionally of one number and
//! matching a search on names and phone numbers.

use axum::Json;
use axum::extract::State;
use coexist_core::page::Page;
use coexist_core::store::{ContactFilter, ContactRecord};
use serde::Deserialize;

use super::params::{self, PageQuery};
use crate::http::extract::ApiQuery;
use crate::http::{ApiError, AppState, Auth, Routes};

pub(super) fn routes() -> Routes {
    Routes::new().get("/api/v1/contacts", list_contacts)
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
