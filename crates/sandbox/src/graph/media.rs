//! Media: upload (`POST /{phone_number_id}/media`, multipart), URL (`GET /{media_id}`),
//! delete (`DELETE /{media_id}`), and the download URL, which needs the bearer token only.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::GraphFailure;
use crate::graph::{GraphResult, authorize, authorize_token, ok};
use crate::server::Shared;
use crate::state::media::is_supported_mime;

/// Route handler for `POST /{version}/{phone_number_id}/media`.
pub(crate) async fn upload_route(
    State(shared): State<Arc<Shared>>,
    Path((_version, pnid)): Path<(String, String)>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = async {
        authorize(&shared, &headers, &query)?;
        let multipart = multipart.map_err(|e| {
            GraphFailure::invalid_parameter(format!(
                "Invalid parameter: expected multipart/form-data ({e})"
            ))
        })?;
        upload(&shared, &pnid, multipart).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

struct Form {
    product: Option<String>,
    file: Option<(Vec<u8>, Option<String>, Option<String>)>,
    mime: Option<String>,
}

async fn read_form(mut multipart: Multipart) -> Result<Form, GraphFailure> {
    let mut form = Form {
        product: None,
        file: None,
        mime: None,
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        GraphFailure::invalid_parameter(format!(
            "Invalid parameter: unreadable multipart body ({e})"
        ))
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "messaging_product" => form.product = Some(field.text().await.map_err(bad)?),
            "type" => form.mime = Some(field.text().await.map_err(bad)?),
            "file" => {
                let filename = field.file_name().map(str::to_owned);
                let content_type = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await.map_err(bad)?;
                form.file = Some((bytes.to_vec(), filename, content_type));
            }
            _ => {}
        }
    }
    Ok(form)
}

async fn upload(shared: &Arc<Shared>, pnid: &str, multipart: Multipart) -> GraphResult {
    shared.world().check_number_can_send(pnid)?;
    let form = read_form(multipart).await?;
    if form.product.as_deref() != Some("whatsapp") {
        return Err(GraphFailure::new(
            100,
            "The parameter messaging_product is required and must be \"whatsapp\".",
        ));
    }
    let (bytes, filename, part_type) = form
        .file
        .ok_or_else(|| GraphFailure::new(100, "The parameter file is required."))?;
    let mime = form.mime.or(part_type).ok_or_else(|| {
        GraphFailure::new(
            100,
            "The parameter type is required (the file's MIME type).",
        )
    })?;
    if !is_supported_mime(&mime) {
        return Err(GraphFailure::new(
            131053,
            format!("Media upload error: unsupported MIME type {mime}"),
        ));
    }
    let mut world = shared.world();
    let id = world.ids.numeric(16);
    let now = world.now;
    world
        .media
        .insert(id.clone(), &mime, bytes.into(), filename, pnid, now);
    ok(json!({"id": id}))
}

/// `GET /{media_id}`: the download URL and facts.
pub(crate) fn get(shared: &Shared, id: &str, query: &BTreeMap<String, String>) -> GraphResult {
    let world = shared.world();
    let media = world
        .media
        .get(id)
        .filter(|m| {
            query
                .get("phone_number_id")
                .is_none_or(|p| *p == m.phone_number_id)
        })
        .ok_or_else(|| GraphFailure::unknown_object(id))?;
    ok(json!({
        "messaging_product": "whatsapp",
        "url": world.media_url(id),
        "mime_type": media.mime_type,
        "sha256": world.cfg.media_sha256.write(&media.sha256),
        "file_size": media.file_size.to_string(),
        "id": media.id,
    }))
}

/// `DELETE /{media_id}`.
pub(crate) fn delete(shared: &Shared, id: &str, query: &BTreeMap<String, String>) -> GraphResult {
    let mut world = shared.world();
    let belongs = world.media.get(id).is_some_and(|m| {
        query
            .get("phone_number_id")
            .is_none_or(|p| *p == m.phone_number_id)
    });
    if !belongs {
        return Err(GraphFailure::unknown_object(id));
    }
    world.media.remove(id);
    ok(json!({"success": true}))
}

/// `GET /whatsapp_business/attachments/?mid=…`: the bytes, bearer token required (404 when the
/// media is gone, as Meta answers an expired URL).
pub(crate) async fn download(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    // The download URL is not a Graph API call: the bearer token alone (Meta's media page).
    if let Err(failure) = authorize_token(&shared, &headers) {
        return failure.into_response();
    }
    let world = shared.world();
    let Some(media) = query.get("mid").and_then(|id| world.media.get(id)) else {
        return (StatusCode::NOT_FOUND, "media not found").into_response();
    };
    (
        [(header::CONTENT_TYPE, media.mime_type.clone())],
        media.bytes.clone(),
    )
        .into_response()
}
