//! What Meta accepts as media (META.md §7.6): types per kind and their size limits, checked
//! before an upload so the client learns which limit it broke.

use meta::graph::media::limits::{
    AUDIO_MAX_BYTES, DOCUMENT_MAX_BYTES, IMAGE_MAX_BYTES, STICKER_ANIMATED_MAX_BYTES,
    STICKER_STATIC_MAX_BYTES, VIDEO_MAX_BYTES,
};

/// A kind of media, by what Meta sends it as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// aac, amr, mp3, m4a, ogg (opus).
    Audio,
    /// txt, xls(x), doc(x), ppt(x), pdf.
    Document,
    /// jpeg, png.
    Image,
    /// webp.
    Sticker,
    /// 3gp, mp4.
    Video,
}

impl MediaKind {
    /// Meta's name (the message `type`).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Document => "document",
            MediaKind::Image => "image",
            MediaKind::Sticker => "sticker",
            MediaKind::Video => "video",
        }
    }
}

const TYPES: &[(&str, MediaKind)] = &[
    ("audio/aac", MediaKind::Audio),
    ("audio/amr", MediaKind::Audio),
    ("audio/mpeg", MediaKind::Audio),
    ("audio/mp4", MediaKind::Audio),
    ("audio/ogg", MediaKind::Audio),
    ("text/plain", MediaKind::Document),
    ("application/vnd.ms-excel", MediaKind::Document),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        MediaKind::Document,
    ),
    ("application/msword", MediaKind::Document),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        MediaKind::Document,
    ),
    ("application/vnd.ms-powerpoint", MediaKind::Document),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        MediaKind::Document,
    ),
    ("application/pdf", MediaKind::Document),
    ("image/jpeg", MediaKind::Image),
    ("image/png", MediaKind::Image),
    ("image/webp", MediaKind::Sticker),
    ("video/3gpp", MediaKind::Video),
    ("video/mp4", MediaKind::Video),
];

/// The largest upload Meta takes of any kind (documents).
pub const MAX_UPLOAD_BYTES: u64 = DOCUMENT_MAX_BYTES;

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadRefusal {
    /// Meta does not take this type.
    #[error(
        "{mime:?} is not a media type WhatsApp accepts; accepted: {}",
        accepted()
    )]
    UnsupportedType {
        /// The type given.
        mime: String,
    },
    /// Over the kind's limit.
    #[error("the {kind} is {size} bytes; WhatsApp takes at most {max} bytes ({}) for {what}", human(*max))]
    TooLarge {
        /// The kind.
        kind: &'static str,
        /// What it is (`animated stickers`, `images`, ...).
        what: &'static str,
        /// The size given.
        size: u64,
        /// The limit.
        max: u64,
    },
}

fn accepted() -> String {
    TYPES.iter().map(|(m, _)| *m).collect::<Vec<_>>().join(", ")
}

fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes / 1024)
    }
}

/// The kind of a MIME type (parameters such as `; codecs=opus` are ignored).
pub fn kind_of(mime: &str) -> Option<MediaKind> {
    let base = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    TYPES.iter().find(|(m, _)| *m == base).map(|(_, k)| *k)
}

/// Whether a WebP file is animated: a `VP8X` chunk with the animation flag.
fn is_animated_webp(bytes: &[u8]) -> bool {
    bytes.len() > 20 && &bytes[12..16] == b"VP8X" && bytes[20] & 0x02 != 0
}

/// Checks an upload of `bytes` declared as `mime`.
pub fn check_upload(mime: &str, bytes: &[u8]) -> Result<MediaKind, UploadRefusal> {
    let kind = kind_of(mime).ok_or_else(|| UploadRefusal::UnsupportedType {
        mime: mime.to_owned(),
    })?;
    let (max, what) = match kind {
        MediaKind::Audio => (AUDIO_MAX_BYTES, "audio"),
        MediaKind::Document => (DOCUMENT_MAX_BYTES, "documents"),
        MediaKind::Image => (IMAGE_MAX_BYTES, "images"),
        MediaKind::Video => (VIDEO_MAX_BYTES, "video"),
        MediaKind::Sticker if is_animated_webp(bytes) => {
            (STICKER_ANIMATED_MAX_BYTES, "animated stickers")
        }
        MediaKind::Sticker => (STICKER_STATIC_MAX_BYTES, "static stickers"),
    };
    let size = bytes.len() as u64;
    if size > max {
        return Err(UploadRefusal::TooLarge {
            kind: kind.as_str(),
            what,
            size,
            max,
        });
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::{MediaKind, UploadRefusal, check_upload, kind_of};

    #[test]
    fn types_map_to_kinds_ignoring_parameters() {
        assert_eq!(kind_of("audio/ogg; codecs=opus"), Some(MediaKind::Audio));
        assert_eq!(kind_of("IMAGE/PNG"), Some(MediaKind::Image));
        assert_eq!(kind_of("image/gif"), None);
    }

    #[test]
    fn each_kind_has_its_limit_named_in_the_error() {
        let image = vec![0u8; 5 * 1024 * 1024 + 1];
        let err = check_upload("image/jpeg", &image).unwrap_err();
        assert!(
            err.to_string()
                .contains("at most 5242880 bytes (5 MB) for images"),
            "{err}"
        );
        assert!(check_upload("image/jpeg", &image[1..]).is_ok());
        let sticker = vec![0u8; 200 * 1024];
        assert!(matches!(
            check_upload("image/webp", &sticker),
            Err(UploadRefusal::TooLarge { max: 102_400, .. })
        ));
        let mut animated = sticker.clone();
        animated[12..16].copy_from_slice(b"VP8X");
        animated[20] = 0x02;
        assert!(check_upload("image/webp", &animated).is_ok());
        let err = check_upload("application/x-msdownload", b"MZ").unwrap_err();
        assert!(err.to_string().contains("application/pdf"), "{err}");
    }
}
