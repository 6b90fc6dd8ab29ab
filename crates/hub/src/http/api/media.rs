//! Media: `POST /api/v1/media` (multipart `file`, optional `number_id`) checks the type and size
//! (META.md §7.6), uploads to Meta and keeps a copy; `GET /api/v1/media/{id}` serves the bytes
//! of inbound media (once downloaded) and of uploads, by Meta's media id.

use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use coexist_core::ids::NumberId;
use coexist_core::store::{MediaState, NewMedia};
use serde::Serialize;

use crate::auth::Action;
use crate::http::{ApiError, AppState, Auth, Routes};
use crate::media::limits::{MAX_UPLOAD_BYTES, UploadRefusal, check_upload};

/// Multipart overhead allowed above the largest file.
const FORM_OVERHEAD: usize = 64 * 1024;

pub(super) fn routes() -> Routes {
    let upload = Routes::new().post("/api/v1/media", upload_media);
    let limit = usize::try_from(MAX_UPLOAD_BYTES).unwrap_or(usize::MAX) + FORM_OVERHEAD;
    // Uploads may be as large as WhatsApp's largest media (100 MB documents); nothing else is.
    let upload = Routes {
        router: upload.router.layer(DefaultBodyLimit::max(limit)),
        table: upload.table,
    };
    upload.get("/api/v1/media/{id}", get_media)
}

/// The answer to an upload: an id usable in sends (`{"image": {"id": …}}`).
#[derive(Debug, Serialize)]
struct Uploaded {
    id: String,
    mime_type: String,
    size: u64,
    sha256: String,
    kind: &'static str,
}

struct Form {
    file: Option<(Bytes, String, String)>,
    number_id: Option<String>,
}

fn bad_form(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "invalid_multipart",
        format!("the multipart body could not be read: {e}"),
    )
}

async fn read_form(mut multipart: Multipart) -> Result<Form, ApiError> {
    let mut form = Form {
        file: None,
        number_id: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(too_large_or_bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                let mime = field.content_type().map(str::to_owned).ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type",
                        "the file part needs a Content-Type (its MIME type)",
                    )
                })?;
                let name = field.file_name().unwrap_or("file").to_owned();
                let bytes = field.bytes().await.map_err(too_large_or_bad)?;
                form.file = Some((bytes, mime, name));
            }
            "number_id" => form.number_id = Some(field.text().await.map_err(bad_form)?),
            _ => {}
        }
    }
    Ok(form)
}

fn too_large_or_bad(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "media_too_large",
            format!(
                "the upload is larger than WhatsApp's largest media (documents, {MAX_UPLOAD_BYTES} bytes)"
            ),
        );
    }
    bad_form(e)
}

fn refusal(r: UploadRefusal) -> ApiError {
    let status = match r {
        UploadRefusal::UnsupportedType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        UploadRefusal::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
    };
    let code = match r {
        UploadRefusal::UnsupportedType { .. } => "unsupported_media_type",
        UploadRefusal::TooLarge { .. } => "media_too_large",
    };
    ApiError::new(status, code, r.to_string())
}

/// The number to upload for: `number_id`, or the organization's only number.
async fn upload_number(
    state: &AppState,
    auth: &Auth,
    given: Option<String>,
) -> Result<(NumberId, String), ApiError> {
    let numbers = state.store.list_numbers(auth.org).await?;
    let pick = match given {
        Some(raw) => {
            let id: NumberId =
                raw.trim()
                    .parse()
                    .map_err(|e: coexist_core::ids::IdParseError| {
                        ApiError::bad_request("invalid_parameter", e.to_string())
                    })?;
            numbers.into_iter().find(|n| n.id == id)
        }
        None if numbers.len() == 1 => numbers.into_iter().next(),
        None => {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                "number_id is required: the organization has several numbers (media belongs to one)",
            ));
        }
    };
    let n = pick.ok_or_else(|| ApiError::not_found("number not found"))?;
    Ok((n.id, n.phone_number_id))
}

async fn upload_media(
    auth: Auth,
    State(state): State<AppState>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<Uploaded>), ApiError> {
    auth.may(Action::WorkChats)?;
    let multipart = multipart.map_err(|e| {
        ApiError::bad_request(
            "invalid_multipart",
            format!("send multipart/form-data with a file part: {e}"),
        )
    })?;
    let form = read_form(multipart).await?;
    let (bytes, mime, filename) = form
        .file
        .ok_or_else(|| ApiError::bad_request("invalid_multipart", "the form has no `file` part"))?;
    let kind = check_upload(&mime, &bytes).map_err(refusal)?;
    let (number_id, phone_number_id) = upload_number(&state, &auth, form.number_id).await?;
    let sending = &state.sending;
    let sha256 = sending
        .media
        .files()
        .put(&bytes)
        .await
        .map_err(|e| ApiError::internal(format!("storing the upload: {e}")))?;
    let uploaded = sending
        .graph
        .upload_media(&phone_number_id, bytes.clone(), &mime, &filename)
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "graph_error",
                format!("the upload to Meta failed: {e}"),
            )
        })?;
    let size = bytes.len() as u64;
    let record = NewMedia {
        org: auth.org,
        number_id,
        media_id: uploaded.id.as_str().to_owned(),
        mime_type: mime.clone(),
        sha256: sha256.clone(),
        size: i64::try_from(size).unwrap_or(i64::MAX),
        filename: Some(filename),
        now: state.clock.now(),
    };
    state.store.insert_uploaded_media(record).await?;
    let answer = Uploaded {
        id: uploaded.id.as_str().to_owned(),
        mime_type: mime,
        size,
        sha256,
        kind: kind.as_str(),
    };
    Ok((StatusCode::CREATED, Json(answer)))
}

async fn get_media(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.may(Action::Read)?;
    let media = state
        .store
        .get_media(auth.org, &id)
        .await
        .map_err(|e| match e {
            coexist_core::store::StoreError::NotFound => {
                ApiError::not_found(format!("media {id} not found"))
            }
            other => ApiError::from(other),
        })?;
    let (MediaState::Stored, Some(sha)) = (media.state, media.sha256.as_deref()) else {
        let why = match media.state {
            MediaState::Failed => format!(
                "media {id} could not be downloaded: {}",
                media.error.as_deref().unwrap_or("unknown error")
            ),
            _ => format!("media {id} has not been downloaded yet; try again shortly"),
        };
        return Err(
            ApiError::new(StatusCode::CONFLICT, "media_not_ready", why).with_details(
                serde_json::json!({ "state": media.state, "attempts": media.attempts }),
            ),
        );
    };
    let bytes = state
        .sending
        .media
        .files()
        .read(sha)
        .await
        .map_err(|e| ApiError::internal(format!("reading media {id} ({sha}): {e}")))?;
    let mime = media
        .mime_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    let content_type = HeaderValue::from_str(mime)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=31536000, immutable"),
        ),
    ];
    Ok((headers, Body::from(bytes)).into_response())
}
