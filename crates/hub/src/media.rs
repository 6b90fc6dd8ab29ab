//! Media: the content-addressed file store ([`MediaFiles`]), the download worker
//! ([`MediaWorker`]) and the upload checks ([`limits`]).
//!
//! Inbound media arrives as an id in the message (with `mime_type` and `sha256`). The worker
//! asks the Graph API for its URL (valid 5 minutes), downloads it with the bearer token, checks
//! the hash Meta announced (hex or base64, both seen: META.md §3.3), and stores the bytes under
//! their SHA-256 (`media/ab/cd/<sha256>`): the same file sent twice is stored once. A hash that
//! does not match is recorded as a failure; the message stays as it is. A hash in neither
//! encoding cannot be checked: the file is kept, marked unverified, with a warning logged.

pub mod limits;
mod worker;

use std::io;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use bytes::Bytes;
use sha2::{Digest, Sha256};

pub use worker::{MediaIdle, MediaWorker};

/// A directory of files named by their SHA-256.
#[derive(Debug, Clone)]
pub struct MediaFiles {
    root: PathBuf,
}

impl MediaFiles {
    /// The store at `root`, created if missing.
    pub fn open(root: &Path) -> io::Result<MediaFiles> {
        std::fs::create_dir_all(root)?;
        Ok(MediaFiles {
            root: root.to_path_buf(),
        })
    }

    /// Where the file with this hex SHA-256 lives: `ab/cd/<sha256>`.
    pub fn path_of(&self, sha256_hex: &str) -> Option<PathBuf> {
        let valid = sha256_hex.len() == 64 && sha256_hex.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| {
            self.root
                .join(&sha256_hex[..2])
                .join(&sha256_hex[2..4])
                .join(sha256_hex)
        })
    }

    /// Stores `bytes` (once: an existing file with the same hash is kept); returns the hex
    /// SHA-256. Written to a temporary name and renamed, so a crash never leaves a partial file
    /// under a hash name.
    pub async fn put(&self, bytes: &Bytes) -> io::Result<String> {
        let digest = sha256_of(bytes).await?;
        self.put_hashed(bytes, &digest).await
    }

    /// [`MediaFiles::put`] for bytes whose SHA-256 the caller has already computed (the
    /// download worker checks it against Meta's first).
    pub async fn put_hashed(&self, bytes: &Bytes, digest: &[u8; 32]) -> io::Result<String> {
        let sha = hex::encode(digest);
        let path = self
            .path_of(&sha)
            .ok_or_else(|| io::Error::other("unreachable: a fresh digest is valid hex"))?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(sha);
        }
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        tokio::fs::create_dir_all(&dir).await?;
        let tmp = dir.join(format!(".{sha}.{}.tmp", std::process::id()));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(sha)
    }

    /// The bytes stored under this hash.
    pub async fn read(&self, sha256_hex: &str) -> io::Result<Bytes> {
        let path = self
            .path_of(sha256_hex)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a SHA-256"))?;
        tokio::fs::read(path).await.map(Bytes::from)
    }
}

/// The SHA-256 of `bytes`, computed on a blocking thread: media run to 100 MB, far too long
/// to hash on an async worker that other requests are waiting for.
pub async fn sha256_of(bytes: &Bytes) -> io::Result<[u8; 32]> {
    let bytes = bytes.clone();
    tokio::task::spawn_blocking(move || Sha256::digest(&bytes).into())
        .await
        .map_err(io::Error::other)
}

/// What Meta's announced hash says about the bytes downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashCheck {
    /// It is their SHA-256.
    Matches,
    /// It is a SHA-256, of other bytes.
    Differs,
    /// It is not a SHA-256 in any encoding coexist reads: nothing can be checked.
    Unreadable,
}

/// Reads Meta's announced hash: 64 hex digits (either case), or base64 (standard or URL
/// alphabet, with or without padding) of 32 bytes; anything else is unreadable.
pub fn decode_sha256(announced: &str) -> Option<[u8; 32]> {
    let announced = announced.trim();
    if announced.len() == 64 && announced.bytes().all(|b| b.is_ascii_hexdigit()) {
        return hex::decode(announced).ok()?.try_into().ok();
    }
    [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
        .into_iter()
        .find_map(|engine| engine.decode(announced).ok()?.try_into().ok())
}

/// Checks Meta's announced hash against `digest`.
pub fn check_sha256(announced: &str, digest: &[u8; 32]) -> HashCheck {
    match decode_sha256(announced) {
        Some(d) if d == *digest => HashCheck::Matches,
        Some(_) => HashCheck::Differs,
        None => HashCheck::Unreadable,
    }
}

/// Whether Meta's announced hash matches `digest` (see [`check_sha256`]).
pub fn sha256_matches(announced: &str, digest: &[u8; 32]) -> bool {
    check_sha256(announced, digest) == HashCheck::Matches
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use bytes::Bytes;
    use sha2::{Digest, Sha256};

    use super::{HashCheck, MediaFiles, check_sha256, sha256_matches};

    #[test]
    fn meta_hashes_match_in_hex_or_base64() {
        let digest: [u8; 32] = Sha256::digest(b"abc").into();
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert!(sha256_matches(hex, &digest));
        assert!(sha256_matches(&hex.to_uppercase(), &digest));
        assert!(sha256_matches(&STANDARD.encode(digest), &digest));
        assert!(!sha256_matches("4654+8g=", &digest));
        let other: [u8; 32] = Sha256::digest(b"abd").into();
        assert!(!sha256_matches(hex, &other));
    }

    #[test]
    fn a_hash_in_neither_encoding_is_unreadable_not_a_mismatch() {
        let digest: [u8; 32] = Sha256::digest(b"abc").into();
        let url_safe = URL_SAFE_NO_PAD.encode(digest);
        assert_eq!(check_sha256(&url_safe, &digest), HashCheck::Matches);
        assert_eq!(
            check_sha256(&STANDARD.encode([0u8; 32]), &digest),
            HashCheck::Differs
        );
        for odd in [
            "4654+8g=",
            "sha256:abc",
            "",
            "zz7816bf8f01cfea414140de5dae2223b00361a3",
        ] {
            assert_eq!(check_sha256(odd, &digest), HashCheck::Unreadable, "{odd}");
        }
    }

    #[tokio::test]
    async fn files_are_stored_once_under_their_hash() {
        let dir = tempfile::tempdir().unwrap();
        let files = MediaFiles::open(dir.path()).unwrap();
        let sha = files.put(&Bytes::from_static(b"abc")).await.unwrap();
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(dir.path().join("ba/78").join(&sha).exists());
        assert_eq!(files.put(&Bytes::from_static(b"abc")).await.unwrap(), sha);
        assert_eq!(&files.read(&sha).await.unwrap()[..], b"abc");
        assert!(files.path_of("../../etc/passwd").is_none());
    }
}
