//! `GET /api/v1/chats/{id}/notes` (oldest first) and `POST /api/v1/chats/{id}/notes`
//! `{"body"}` → 201 with the note. `@name` or `@email` of users of the organization mention
//! them (core's `mentions` rules); each mentioned user but the author gets a notification.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use coexist_core::ids::ChatId;
use coexist_core::inbox::{Mentionable, NoteBody, mentions};
use coexist_core::store::{NewNote, NoteRecord};
use serde::Deserialize;

use super::{List, not_found};
use crate::auth::Action;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::inbox::live::announce;

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/chats/{id}/notes", list_notes)
        .post("/api/v1/chats/{id}/notes", add_note)
}

async fn list_notes(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
) -> Result<Json<List<NoteRecord>>, ApiError> {
    actor.may(Action::Read)?;
    let notes = state
        .store
        .list_notes(actor.org, chat)
        .await
        .map_err(not_found("chat", chat))?;
    Ok(Json(List::new(notes)))
}

#[derive(Debug, Deserialize)]
struct NoteBodyJson {
    body: String,
}

async fn add_note(
    actor: Auth,
    State(state): State<AppState>,
    ApiPath(chat): ApiPath<ChatId>,
    ApiJson(json): ApiJson<NoteBodyJson>,
) -> Result<(StatusCode, Json<NoteRecord>), ApiError> {
    actor.may(Action::WorkChats)?;
    let body = NoteBody::parse("body", &json.body)
        .map_err(|e| ApiError::bad_request("invalid_request", e.to_string()))?;
    let users = state.store.list_users(actor.org).await?;
    let mentionable: Vec<Mentionable<'_>> = users
        .iter()
        .map(|u| Mentionable {
            id: u.id,
            name: &u.name,
            email: &u.email,
        })
        .collect();
    let note = NewNote {
        author: actor.by(),
        mentions: mentions(body.as_str(), &mentionable),
        body,
    };
    let note = state
        .store
        .create_note(actor.org, chat, note, state.clock.now())
        .await
        .map_err(not_found("chat", chat))?;
    announce(&state).await;
    Ok((StatusCode::CREATED, Json(note)))
}
