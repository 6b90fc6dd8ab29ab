//! Business tokens at rest: sealed with XChaCha20-Poly1305 (RustCrypto `chacha20poly1305`), a
//! random 192-bit nonce per seal, and the organization and business account as associated data,
//! so a ciphertext copied onto another row does not open.
//!
//! The key is 32 bytes from `COEXIST_SECRET_KEY` (base64 or hex), or from `secret.key` in the
//! data directory, created on first start with mode 0600. Each sealed value names its key by a
//! short id, so after a rotation (new key in `COEXIST_SECRET_KEY`, old one in
//! `COEXIST_SECRET_KEY_PREVIOUS`) old tokens still open; see docs/runbook.md.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{Key, KeyInit, XChaCha20Poly1305, XNonce};
use coexist_core::ids::OrgId;
use coexist_core::store::SealedToken;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::settings::OnboardingConfig;

/// The key file in the data directory.
pub const KEY_FILE: &str = "secret.key";

/// Why a key could not be loaded or a value not opened.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The configured key is not 32 bytes of base64 or hex.
    #[error("{0}: expected 32 bytes as base64 or 64 hex digits")]
    BadKey(&'static str),
    /// The key file could not be read or created.
    #[error("key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No configured key has this id.
    #[error(
        "the token was sealed with key {0}, which is not configured (set COEXIST_SECRET_KEY_PREVIOUS to the old key)"
    )]
    UnknownKey(String),
    /// The ciphertext does not open: altered, or another row's.
    #[error("the sealed token does not open: it was altered or belongs elsewhere")]
    Corrupt,
}

/// One key and its id.
struct SealingKey {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl SealingKey {
    fn new(bytes: [u8; 32]) -> Self {
        let mut h = Sha256::new();
        h.update(b"coexist sealing key id\0");
        h.update(bytes);
        SealingKey {
            id: hex::encode(&h.finalize()[..4]),
            cipher: XChaCha20Poly1305::new(&Key::from(bytes)),
        }
    }
}

/// Seals and opens business tokens.
pub struct Sealer {
    current: SealingKey,
    previous: Option<SealingKey>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("key_id", &self.current.id)
            .finish_non_exhaustive()
    }
}

/// 32 bytes from base64 (any alphabet, padded or not) or hex.
fn parse_key(text: &str, what: &'static str) -> Result<[u8; 32], SecretError> {
    let text = text.trim();
    let decoded = hex::decode(text)
        .ok()
        .filter(|b| b.len() == 32)
        .or_else(|| {
            [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
                .iter()
                .find_map(|engine| engine.decode(text).ok())
        });
    decoded
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or(SecretError::BadKey(what))
}

/// Reads the key file, or creates it (0600) with a new random key.
fn key_file(dir: &Path) -> Result<[u8; 32], SecretError> {
    let path = dir.join(KEY_FILE);
    let io = |source| SecretError::KeyFile {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => return parse_key(&text, "the key file"),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
        Err(_) => {}
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(io)?;
    file.write_all(format!("{}\n", STANDARD.encode(key)).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io)?;
    tracing::info!(path = %path.display(), "created the key that seals business tokens");
    Ok(key)
}

/// What a sealed token is bound to.
fn aad(org: OrgId, waba_id: &str) -> String {
    format!("coexist business token v1|{org}|{waba_id}")
}

impl Sealer {
    /// The configured key, or the data directory's key file (created if missing).
    pub fn from_config(data_dir: &Path, c: &OnboardingConfig) -> Result<Sealer, SecretError> {
        let current = match &c.secret_key {
            Some(key) => parse_key(key.expose(), "COEXIST_SECRET_KEY")?,
            None => key_file(data_dir)?,
        };
        let previous = c
            .secret_key_previous
            .as_ref()
            .map(|k| parse_key(k.expose(), "COEXIST_SECRET_KEY_PREVIOUS"))
            .transpose()?;
        Ok(Sealer {
            current: SealingKey::new(current),
            previous: previous.map(SealingKey::new),
        })
    }

    /// A sealer with a fixed key (tests).
    pub fn with_key(key: [u8; 32]) -> Sealer {
        Sealer {
            current: SealingKey::new(key),
            previous: None,
        }
    }

    /// The id of the key new values are sealed with.
    pub fn key_id(&self) -> &str {
        &self.current.id
    }

    /// Seals `token` for the business account `waba_id` of `org`.
    pub fn seal(&self, org: OrgId, waba_id: &str, token: &str) -> SealedToken {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let aad = aad(org, waba_id);
        let payload = Payload {
            msg: token.as_bytes(),
            aad: aad.as_bytes(),
        };
        let ciphertext = self
            .current
            .cipher
            .encrypt(&XNonce::from(nonce), payload)
            // Encryption fails only for messages longer than the cipher allows (≈256 GiB).
            .unwrap_or_default();
        SealedToken {
            key_id: self.current.id.clone(),
            nonce: nonce.to_vec(),
            ciphertext,
        }
    }

    /// Opens a token sealed by [`Sealer::seal`] with the same organization and account.
    pub fn open(
        &self,
        org: OrgId,
        waba_id: &str,
        sealed: &SealedToken,
    ) -> Result<String, SecretError> {
        let key = [Some(&self.current), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .find(|k| k.id == sealed.key_id)
            .ok_or_else(|| SecretError::UnknownKey(sealed.key_id.clone()))?;
        let nonce =
            <[u8; 24]>::try_from(sealed.nonce.as_slice()).map_err(|_| SecretError::Corrupt)?;
        let aad = aad(org, waba_id);
        let payload = Payload {
            msg: &sealed.ciphertext,
            aad: aad.as_bytes(),
        };
        let plain = key
            .cipher
            .decrypt(&XNonce::from(nonce), payload)
            .map_err(|_| SecretError::Corrupt)?;
        String::from_utf8(plain).map_err(|_| SecretError::Corrupt)
    }
}

#[cfg(test)]
mod tests {
    use coexist_core::ids::OrgId;

    use super::{KEY_FILE, Sealer, SecretError, parse_key};
    use crate::config::Secret;
    use crate::onboarding::settings::OnboardingConfig;

    #[test]
    fn a_sealed_token_opens_only_for_its_account_and_never_shows_in_clear() {
        let sealer = Sealer::with_key([3; 32]);
        let sealed = sealer.seal(OrgId(1), "111", "EAAS-secret-token");
        assert!(!sealed.ciphertext.windows(6).any(|w| w == b"EAAS-s"));
        assert_eq!(
            sealer.open(OrgId(1), "111", &sealed).unwrap(),
            "EAAS-secret-token"
        );
        assert!(matches!(
            sealer.open(OrgId(1), "222", &sealed),
            Err(SecretError::Corrupt)
        ));
        assert!(matches!(
            sealer.open(OrgId(2), "111", &sealed),
            Err(SecretError::Corrupt)
        ));
        let mut altered = sealed.clone();
        altered.ciphertext[0] ^= 1;
        assert!(sealer.open(OrgId(1), "111", &altered).is_err());
        let again = sealer.seal(OrgId(1), "111", "EAAS-secret-token");
        assert_ne!(again.nonce, sealed.nonce, "a fresh nonce every time");
    }

    #[test]
    fn keys_rotate_with_the_previous_key_still_opening_old_tokens() {
        let old = Sealer::with_key([1; 32]);
        let sealed = old.seal(OrgId(1), "9", "t");
        let config = OnboardingConfig {
            secret_key: Some(Secret::new(hex::encode([2u8; 32]))),
            secret_key_previous: Some(Secret::new(hex::encode([1u8; 32]))),
            ..OnboardingConfig::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let rotated = Sealer::from_config(dir.path(), &config).unwrap();
        assert_ne!(rotated.key_id(), old.key_id());
        assert_eq!(rotated.open(OrgId(1), "9", &sealed).unwrap(), "t");
        let without = Sealer::with_key([2; 32]);
        assert!(matches!(
            without.open(OrgId(1), "9", &sealed),
            Err(SecretError::UnknownKey(_))
        ));
    }

    #[test]
    fn the_key_file_is_created_once_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let first = Sealer::from_config(dir.path(), &OnboardingConfig::default()).unwrap();
        let second = Sealer::from_config(dir.path(), &OnboardingConfig::default()).unwrap();
        assert_eq!(first.key_id(), second.key_id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn keys_must_be_32_bytes() {
        assert!(parse_key(&hex::encode([5u8; 32]), "k").is_ok());
        assert!(parse_key("c2hvcnQ=", "k").is_err());
        let err = parse_key("not a key", "COEXIST_SECRET_KEY").unwrap_err();
        assert!(err.to_string().contains("COEXIST_SECRET_KEY"));
    }
}
