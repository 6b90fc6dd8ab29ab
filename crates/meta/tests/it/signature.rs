//! `X-Hub-Signature-256` known answers, rejections and the escaped-Unicode rule.

use meta::signature::{SignatureError, appsecret_proof, sign, verify, verify_appsecret_proof};

const GITHUB_SECRET: &[u8] = b"It's a Secret to Everybody";
const GITHUB_BODY: &[u8] = b"Hello, World!";
const GITHUB_SIGNATURE: &str =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

#[test]
fn sign_matches_the_published_known_answers() {
    assert_eq!(sign(GITHUB_SECRET, GITHUB_BODY), GITHUB_SIGNATURE);
    assert_eq!(
        sign(b"secret", b"test"),
        "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"
    );
}

#[test]
fn verify_accepts_the_known_answer_and_its_uppercase_hex() {
    assert_eq!(
        verify(GITHUB_SECRET, Some(GITHUB_SIGNATURE), GITHUB_BODY),
        Ok(())
    );
    let upper = format!(
        "sha256={}",
        GITHUB_SIGNATURE["sha256=".len()..].to_uppercase()
    );
    assert_eq!(verify(GITHUB_SECRET, Some(&upper), GITHUB_BODY), Ok(()));
}

#[test]
fn verify_rejects_a_missing_or_empty_header() {
    assert_eq!(
        verify(GITHUB_SECRET, None, GITHUB_BODY),
        Err(SignatureError::Missing)
    );
    assert_eq!(
        verify(GITHUB_SECRET, Some(""), GITHUB_BODY),
        Err(SignatureError::Missing)
    );
}

#[test]
fn verify_rejects_malformed_headers() {
    let digest = &GITHUB_SIGNATURE["sha256=".len()..];
    let sha1 = format!("sha1={digest}");
    let short = &GITHUB_SIGNATURE[..GITHUB_SIGNATURE.len() - 2];
    let non_hex = format!("sha256={}zz", &digest[..62]);
    for header in [sha1.as_str(), digest, short, non_hex.as_str()] {
        assert!(
            matches!(
                verify(GITHUB_SECRET, Some(header), GITHUB_BODY),
                Err(SignatureError::Malformed(_))
            ),
            "{header}"
        );
    }
}

#[test]
fn verify_rejects_a_body_changed_by_one_bit() {
    let mut body = GITHUB_BODY.to_vec();
    body[0] ^= 1;
    assert_eq!(
        verify(GITHUB_SECRET, Some(GITHUB_SIGNATURE), &body),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn verify_rejects_a_reformatted_body_with_the_original_signature() {
    let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
    let signature = sign(b"app-secret", body);
    let reformatted = serde_json::to_vec_pretty(
        &serde_json::from_slice::<serde_json::Value>(body).expect("json"),
    )
    .expect("pretty");
    assert_ne!(reformatted.as_slice(), body.as_slice());
    assert_eq!(
        verify(b"app-secret", Some(&signature), &reformatted),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify(b"other-secret", Some(&signature), body),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn verify_accepts_an_escaped_body_signed_as_is() {
    let body = br#"{"text":{"body":"\u00e4\u00f6\u00e5 \ud83d\ude00"}}"#;
    let signature = sign(b"app-secret", body);
    assert_eq!(verify(b"app-secret", Some(&signature), body), Ok(()));
}

#[test]
fn verify_accepts_a_raw_utf8_body_signed_over_its_escaped_form() {
    let raw = "{\"text\":{\"body\":\"äöå 😀\"}}".as_bytes();
    let escaped = br#"{"text":{"body":"\u00e4\u00f6\u00e5 \ud83d\ude00"}}"#;
    assert_eq!(
        meta::json::escape_non_ascii(raw).as_deref(),
        Some(escaped.as_slice())
    );
    let signature = sign(b"app-secret", escaped);
    assert_eq!(verify(b"app-secret", Some(&signature), raw), Ok(()));
    assert_eq!(
        verify(b"wrong", Some(&signature), raw),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn to_vec_ascii_is_pure_ascii_and_parses_back_to_the_same_value() {
    let value = serde_json::json!({
        "body": "äöå 😀 ü\u{7f} \u{10ffff}", "emoji": "👍🏽", "plain": "abc", "n": 1.5
    });
    let bytes = meta::json::to_vec_ascii(&value).expect("serialize");
    assert!(bytes.iter().all(|b| b.is_ascii()));
    assert!(
        std::str::from_utf8(&bytes)
            .expect("utf8")
            .contains(r"\u00e4\u00f6\u00e5 \ud83d\ude00")
    );
    let back: serde_json::Value = serde_json::from_slice(&bytes).expect("parse back");
    assert_eq!(back, value);
}

#[test]
fn a_body_signed_after_to_vec_ascii_verifies() {
    let value = serde_json::json!({"text": {"body": "Grüße 🌍"}});
    let bytes = meta::json::to_vec_ascii(&value).expect("serialize");
    let signature = sign(b"s", &bytes);
    assert_eq!(verify(b"s", Some(&signature), &bytes), Ok(()));
}

proptest::proptest! {
    #[test]
    fn sign_then_verify_round_trips(secret: Vec<u8>, body: Vec<u8>) {
        let signature = sign(&secret, &body);
        proptest::prop_assert_eq!(verify(&secret, Some(&signature), &body), Ok(()));
    }

    #[test]
    fn escaping_is_idempotent_on_its_output(text: String) {
        let once = meta::json::escape_non_ascii(text.as_bytes()).unwrap_or_else(|| text.clone().into_bytes());
        proptest::prop_assert!(once.iter().all(|b| b.is_ascii()));
        proptest::prop_assert_eq!(meta::json::escape_non_ascii(&once), None);
    }
}

#[test]
fn appsecret_proof_is_the_hex_hmac_of_the_token_keyed_with_the_app_secret() {
    // Python: hmac.new(b"app-secret", b"EAAB-token", hashlib.sha256).hexdigest()
    let known = "294c307ff2427ed2140908ec13f483ef7f7d7819a8fc32fb535cf6ada2327ab2";
    assert_eq!(appsecret_proof(b"app-secret", "EAAB-token"), known);
    assert!(verify_appsecret_proof(b"app-secret", "EAAB-token", known));
    assert!(verify_appsecret_proof(
        b"app-secret",
        "EAAB-token",
        &known.to_uppercase()
    ));
    assert!(!verify_appsecret_proof(b"app-secret", "other-token", known));
    assert!(!verify_appsecret_proof(
        b"other-secret",
        "EAAB-token",
        known
    ));
    assert!(!verify_appsecret_proof(
        b"app-secret",
        "EAAB-token",
        "not hex"
    ));
    assert!(!verify_appsecret_proof(b"app-secret", "EAAB-token", ""));
}
