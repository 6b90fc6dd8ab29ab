//! Media endpoints (Meta page `business-phone-numbers/media`; META.md §9): upload
//! (`POST /{phone_number_id}/media`, multipart) → `{id}`; get (`GET /{media_id}`) →
//! URL and metadata; delete → `{"success": true}`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::ids::{MediaId, PhoneNumberId};

/// Media URLs expire after 5 minutes.
pub const MEDIA_URL_TTL_SECS: i64 = 5 * 60;
/// Uploaded media ids are valid for 30 days.
pub const UPLOADED_MEDIA_TTL_SECS: i64 = 30 * 24 * 3600;
/// Media ids from webhooks are valid for 7 days.
pub const WEBHOOK_MEDIA_TTL_SECS: i64 = 7 * 24 * 3600;

/// Multipart form field names of the upload request.
pub mod upload_form {
    /// `messaging_product=whatsapp`.
    pub const MESSAGING_PRODUCT: &str = "messaging_product";
    /// The file part (its content type is required).
    pub const FILE: &str = "file";
    /// Optional explicit MIME type.
    pub const TYPE: &str = "type";
}

/// Size limits per media kind, in bytes (META.md §7.6).
pub mod limits {
    /// Audio: 16 MB.
    pub const AUDIO_MAX_BYTES: u64 = 16 * 1024 * 1024;
    /// Document: 100 MB.
    pub const DOCUMENT_MAX_BYTES: u64 = 100 * 1024 * 1024;
    /// Image: 5 MB.
    pub const IMAGE_MAX_BYTES: u64 = 5 * 1024 * 1024;
    /// Animated sticker: 500 KB.
    pub const STICKER_ANIMATED_MAX_BYTES: u64 = 500 * 1024;
    /// Static sticker: 100 KB.
    pub const STICKER_STATIC_MAX_BYTES: u64 = 100 * 1024;
    /// Video: 16 MB.
    pub const VIDEO_MAX_BYTES: u64 = 16 * 1024 * 1024;
}

/// Upload response: `{"id": "<MEDIA_ID>"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadMediaResponse {
    /// The new media id.
    pub id: MediaId,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /{media_id}` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaInfo {
    /// `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// Download URL (needs the bearer token; expires after 5 minutes).
    pub url: String,
    /// MIME type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Hash of the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Size in bytes, as a number or a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_size: Option<FileSize>,
    /// The media id.
    pub id: MediaId,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `file_size`: documented as a string placeholder; clients see both forms, so the
/// representation is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileSize {
    /// `12345`.
    Integer(u64),
    /// `"12345"`.
    String(String),
}

impl FileSize {
    /// The size in bytes, when it is a non-negative integer.
    pub fn bytes(&self) -> Option<u64> {
        match self {
            Self::Integer(n) => Some(*n),
            Self::String(s) => s.parse().ok(),
        }
    }
}

impl Serialize for FileSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Integer(n) => s.serialize_u64(*n),
            Self::String(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for FileSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = FileSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a file size (integer or string)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FileSize, E> {
                Ok(FileSize::Integer(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FileSize, E> {
                u64::try_from(v)
                    .map(FileSize::Integer)
                    .map_err(|_| E::custom("negative file size"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FileSize, E> {
                Ok(FileSize::String(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Query of `GET`/`DELETE /{media_id}`: the optional owning number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaQuery {
    /// When given, the call succeeds only if the media belongs to this number.
    pub phone_number_id: Option<PhoneNumberId>,
}

impl MediaQuery {
    /// Query pairs to append to the URL.
    pub fn query_pairs(&self) -> Vec<(&'static str, &str)> {
        self.phone_number_id
            .iter()
            .map(|id| ("phone_number_id", id.as_str()))
            .collect()
    }
}
