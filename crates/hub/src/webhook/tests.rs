use coexist_core::ids::OrgId;
use coexist_core::ingest::ReadError;
use coexist_core::time::Timestamp;
use meta::signature::{SignatureError, sign};

use super::{HandshakeError, MissingAppSecret, WebhookSettings, prepare_batch};
use crate::config::{Config, Secret};

fn settings(previous: Option<&str>) -> WebhookSettings {
    let mut config = Config::for_testing("/nonexistent");
    config.app_secret = Some(Secret::new("current"));
    config.app_secret_previous = previous.map(Secret::new);
    config.verify_token = Some(Secret::new("vt"));
    WebhookSettings::from_config(&config).unwrap()
}

#[test]
fn no_app_secret_means_no_webhook_settings() {
    let mut config = Config::for_testing("/nonexistent");
    config.app_secret = None;
    assert_eq!(
        WebhookSettings::from_config(&config).unwrap_err(),
        MissingAppSecret
    );
}

#[test]
fn both_the_current_and_the_previous_secret_are_accepted_during_rotation() {
    let body = b"{}";
    let s = settings(Some("previous"));
    assert_eq!(
        s.verify_signature(Some(&sign(b"current", body)), body),
        Ok(())
    );
    assert_eq!(
        s.verify_signature(Some(&sign(b"previous", body)), body),
        Ok(())
    );
    assert_eq!(
        s.verify_signature(Some(&sign(b"other", body)), body),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn without_a_previous_secret_only_the_current_one_passes() {
    let body = b"{}";
    let s = settings(None);
    assert_eq!(
        s.verify_signature(Some(&sign(b"previous", body)), body),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(s.verify_signature(None, body), Err(SignatureError::Missing));
}

#[test]
fn the_handshake_echoes_the_challenge_only_for_the_right_token() {
    let s = settings(None);
    assert_eq!(
        s.verify_handshake("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=vt"),
        Ok("1158201444".to_owned())
    );
    assert!(matches!(
        s.verify_handshake("hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope"),
        Err(HandshakeError::Refused(_))
    ));
}

#[test]
fn without_a_verify_token_every_handshake_fails() {
    let mut config = Config::for_testing("/nonexistent");
    config.verify_token = None;
    let s = WebhookSettings::from_config(&config).unwrap();
    assert_eq!(
        s.verify_handshake("hub.mode=subscribe&hub.challenge=1&hub.verify_token="),
        Err(HandshakeError::NotConfigured)
    );
}

#[test]
fn bodies_are_classified_as_invalid_json_or_not_a_webhook() {
    let at = Timestamp(0);
    let err = prepare_batch(b"{\"object\":".to_vec(), None, OrgId(1), at).unwrap_err();
    assert!(
        matches!(err, ReadError::NotJson(ref e) if e.to_string().contains("line 1 column")),
        "{err}"
    );
    let err = prepare_batch(b"[1,2]".to_vec(), None, OrgId(1), at).unwrap_err();
    assert!(matches!(err, ReadError::NotWebhook(_)), "{err}");
    let err = prepare_batch(
        br#"{"object":"page","entry":[]}"#.to_vec(),
        None,
        OrgId(1),
        at,
    )
    .unwrap_err();
    assert!(err.to_string().contains("\"page\""), "{err}");
}

#[test]
fn a_valid_envelope_becomes_a_batch_with_the_raw_body_and_its_hash() {
    let body = br#"{"object":"whatsapp_business_account","entry":[]}"#.to_vec();
    let batch =
        prepare_batch(body.clone(), Some("sig".to_owned()), OrgId(3), Timestamp(9)).unwrap();
    assert_eq!(batch.raw_body, body);
    assert_eq!(batch.default_org, OrgId(3));
    assert_eq!(batch.received_at, Timestamp(9));
    assert_eq!(batch.signature.as_deref(), Some("sig"));
    assert_ne!(batch.body_sha256, [0u8; 32]);
    assert!(batch.changes.is_empty());
}
