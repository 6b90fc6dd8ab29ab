//! Passwords, hashed with Argon2id into PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$...`).
//!
//! The parameters are the argon2 crate's defaults, which are OWASP's baseline row (m = 19 MiB,
//! t = 2, p = 1; COMPLIANCE §3.2). A stored hash with weaker parameters (or another algorithm)
//! is reported by [`verify`] so sign-in can re-hash it.
//!
//! Hashing costs tens of milliseconds of CPU on purpose: callers in async code run these
//! functions on the blocking pool.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params};

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 8;
/// The most bytes a password may have (a bound on work, far above any real password).
pub const MAX_BYTES: usize = 1024;

/// A hash of an unguessable random password (thrown away), with the current parameters. An
/// unknown email is checked against it, so that it costs the same time as a known one and the
/// answer's timing does not tell whether an account exists.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$kHbXAyY4ZvL23+Cnx46AkA$nIUf70473NzpZgv1WQiiaRFHweCUbGlCkEus01VQuXo";

/// A password that cannot be used, or could not be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than [`MIN_CHARS`].
    #[error("password: must be at least {MIN_CHARS} characters")]
    TooShort,
    /// Longer than [`MAX_BYTES`].
    #[error("password: must be at most {MAX_BYTES} bytes")]
    TooLong,
    /// The hasher failed (it does not, for valid input).
    #[error("hashing the password failed: {0}")]
    Hash(String),
}

/// Checks a new password against the policy: at least 8 characters (NIST SP 800-63B), at most
/// 1 KiB. No composition rules.
pub fn check_policy(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if password.len() > MAX_BYTES {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

/// Hashes a password that passed [`check_policy`] with a fresh random salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// What checking a password against a stored hash found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// The password is right; `rehash`: the stored hash is weaker than today's parameters.
    Match {
        /// Whether to store a new hash of the password.
        rehash: bool,
    },
    /// Wrong password (or a stored hash we cannot read, which is logged).
    Mismatch,
}

/// Checks `password` against a stored PHC string.
pub fn verify(password: &str, stored: &str) -> Verified {
    let parsed = match PasswordHash::new(stored) {
        Ok(parsed) => parsed,
        Err(e) => {
            tracing::error!(error = %e, "a stored password hash is not a PHC string");
            return Verified::Mismatch;
        }
    };
    if password.len() > MAX_BYTES {
        return Verified::Mismatch;
    }
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Verified::Match {
            rehash: is_weak(&parsed),
        },
        Err(_) => Verified::Mismatch,
    }
}

/// Spends the time of a real verification and answers nothing (unknown emails).
pub fn verify_decoy(password: &str) {
    let _ = verify(password, DECOY);
}

/// Whether a stored hash is below today's parameters (another algorithm, less memory, fewer
/// passes or lanes).
fn is_weak(hash: &PasswordHash) -> bool {
    if hash.algorithm.as_str() != Algorithm::Argon2id.ident().as_str() {
        return true;
    }
    match Params::try_from(hash) {
        Ok(p) => {
            p.m_cost() < Params::DEFAULT_M_COST
                || p.t_cost() < Params::DEFAULT_T_COST
                || p.p_cost() < Params::DEFAULT_P_COST
        }
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::phc::PasswordHash;
    use argon2::{Algorithm, Argon2, AssociatedData, Params, ParamsBuilder, Version};

    use super::{DECOY, PasswordError, Verified, check_policy, hash, is_weak, verify};

    #[test]
    fn hashes_are_argon2id_phc_strings_with_the_owasp_baseline() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert_ne!(h, hash("correct horse battery").unwrap(), "salted");
        assert_eq!(
            verify("correct horse battery", &h),
            Verified::Match { rehash: false }
        );
        assert_eq!(verify("correct horse batter", &h), Verified::Mismatch);
        assert!(!is_weak(&PasswordHash::new(DECOY).unwrap()));
    }

    #[test]
    fn weaker_stored_hashes_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        );
        let h = argon2::password_hash::PasswordHasher::hash_password(&weak, b"pa55word!")
            .unwrap()
            .to_string();
        assert_eq!(verify("pa55word!", &h), Verified::Match { rehash: true });
    }

    #[test]
    fn unreadable_hashes_never_match() {
        assert_eq!(verify("anything", "not a phc string"), Verified::Mismatch);
        assert_eq!(verify("anything", ""), Verified::Mismatch);
    }

    /// RFC 9106 §5.3's Argon2id test vector through the crate we rely on (COMPLIANCE §3.2).
    #[test]
    fn rfc_9106_argon2id_vector() {
        let params = ParamsBuilder::new()
            .m_cost(32)
            .t_cost(3)
            .p_cost(4)
            .data(AssociatedData::new(&[4; 12]).unwrap())
            .output_len(32)
            .build()
            .unwrap();
        let argon =
            Argon2::new_with_secret(&[3; 8], Algorithm::Argon2id, Version::V0x13, params).unwrap();
        let mut tag = [0u8; 32];
        argon
            .hash_password_into(&[1; 32], &[2; 16], &mut tag)
            .unwrap();
        assert_eq!(
            hex::encode(tag),
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
        );
    }

    #[test]
    fn the_policy_wants_8_characters_and_at_most_1_kib() {
        assert_eq!(check_policy("seven77"), Err(PasswordError::TooShort));
        assert_eq!(check_policy("ééééééé"), Err(PasswordError::TooShort));
        assert!(check_policy("eight888").is_ok());
        assert_eq!(check_policy(&"x".repeat(1025)), Err(PasswordError::TooLong));
    }
}
