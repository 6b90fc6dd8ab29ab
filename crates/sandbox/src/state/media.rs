//! Media objects: uploaded through the Graph API, or made by the sandbox for customer and
//! phone-app media. Bytes are kept so the download URL can serve them.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One media object.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Media {
    pub(crate) id: String,
    pub(crate) mime_type: String,
    /// Hex SHA-256 of the bytes (Meta's documented example uses hex; META.md §3.3).
    pub(crate) sha256: String,
    pub(crate) file_size: u64,
    pub(crate) filename: Option<String>,
    /// The number the media belongs to.
    pub(crate) phone_number_id: String,
    pub(crate) created_at: u64,
    #[serde(skip)]
    pub(crate) bytes: Bytes,
}

/// Every media object by id. Deleted media is removed.
#[derive(Debug, Default)]
pub(crate) struct MediaStore {
    pub(crate) items: BTreeMap<String, Media>,
}

impl MediaStore {
    /// Stores bytes under `id`.
    pub(crate) fn insert(
        &mut self,
        id: String,
        mime_type: &str,
        bytes: Bytes,
        filename: Option<String>,
        phone_number_id: &str,
        now: u64,
    ) -> &Media {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let media = Media {
            id: id.clone(),
            mime_type: mime_type.to_owned(),
            sha256,
            file_size: bytes.len() as u64,
            filename,
            phone_number_id: phone_number_id.to_owned(),
            created_at: now,
            bytes,
        };
        self.items.entry(id).insert_entry(media).into_mut()
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Media> {
        self.items.get(id)
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Media> {
        self.items.remove(id)
    }
}

/// A plausible MIME type for a media kind when the caller gave none.
pub(crate) fn default_mime(kind: &str) -> &'static str {
    match kind {
        "image" => "image/jpeg",
        "video" => "video/mp4",
        "audio" => "audio/ogg; codecs=opus",
        "sticker" => "image/webp",
        _ => "application/pdf",
    }
}

/// Whether Meta accepts this MIME type for uploads (META.md §7.6).
pub(crate) fn is_supported_mime(mime: &str) -> bool {
    const SUPPORTED: &[&str] = &[
        "audio/aac",
        "audio/amr",
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "text/plain",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/webp",
        "video/3gpp",
        "video/mp4",
    ];
    let base = mime.split(';').next().unwrap_or("").trim();
    SUPPORTED.contains(&base)
}

#[cfg(test)]
mod tests {
    use super::{MediaStore, is_supported_mime};
    use bytes::Bytes;

    #[test]
    fn stored_media_carries_hex_sha256_and_size() {
        let mut store = MediaStore::default();
        let media = store.insert(
            "1".to_owned(),
            "text/plain",
            Bytes::from_static(b"abc"),
            None,
            "9",
            0,
        );
        assert_eq!(
            media.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(media.file_size, 3);
        assert!(store.remove("1").is_some());
        assert!(store.get("1").is_none());
    }

    #[test]
    fn mime_check_ignores_parameters() {
        assert!(is_supported_mime("audio/ogg; codecs=opus"));
        assert!(!is_supported_mime("application/x-msdownload"));
    }
}
