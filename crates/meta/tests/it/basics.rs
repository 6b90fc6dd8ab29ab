//! Ids, timestamps and the verification handshake.

use meta::ids::{DisplayPhoneNumber, IdError, TemplateId, UserId, WaId, Wamid};
use meta::time::{Timestamp, TimestampRepr};
use meta::webhook::verification::{VerificationError, VerificationRequest, verify_query};

#[test]
fn ids_accept_what_meta_and_its_docs_send() {
    for id in [
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        "<WHATSAPP_MESSAGE_ID>",
        "M0",
    ] {
        assert!(Wamid::parse(id).is_ok(), "{id}");
    }
    assert!(WaId::parse("xxxxxxxxxxxxxxxx").is_ok());
    assert!(WaId::parse("+16505551234").is_ok());
    assert!(DisplayPhoneNumber::parse("<BUSINESS_DISPLAY_PHONE_NUMBER>").is_ok());
    assert!(DisplayPhoneNumber::parse("+1 631-555-5555").is_ok());
}

#[test]
fn ids_reject_empty_whitespace_control_and_oversized_strings() {
    assert!(matches!(Wamid::parse(""), Err(IdError::Empty { .. })));
    assert!(matches!(
        WaId::parse("1650 555"),
        Err(IdError::InvalidChar { ch: ' ', at: 4, .. })
    ));
    assert!(matches!(
        WaId::parse("16\n50"),
        Err(IdError::InvalidChar { .. })
    ));
    assert!(matches!(
        Wamid::parse("w".repeat(513)),
        Err(IdError::TooLong { .. })
    ));
    assert!(serde_json::from_str::<WaId>("\"a b\"").is_err());
    assert!(serde_json::from_str::<WaId>("123").is_err());
    assert!(DisplayPhoneNumber::parse("1\u{0}2").is_err());
}

#[test]
fn strict_checks_are_explicit() {
    assert!(WaId::parse("16505551234").expect("id").is_phone_number());
    assert!(!WaId::parse("+16505551234").expect("id").is_phone_number());
    assert!(
        !WaId::parse("<USER_PHONE_NUMBER>")
            .expect("id")
            .is_phone_number()
    );
    assert!(Wamid::parse("wamid.X").expect("id").has_wamid_prefix());
    assert!(!Wamid::parse("M0").expect("id").has_wamid_prefix());
    let bsuid = UserId::parse("US.13491208655302741918").expect("id");
    assert!(bsuid.is_well_formed() && !bsuid.is_parent());
    assert_eq!(bsuid.country_code(), Some("US"));
    assert!(
        UserId::parse("US.ENT.11815799212886844830")
            .expect("id")
            .is_parent()
    );
    assert!(!UserId::parse("<BSUID>").expect("id").is_well_formed());
    assert!(!UserId::parse("us.123").expect("id").is_well_formed());
}

#[test]
fn wa_id_normalizes_user_input() {
    assert_eq!(
        WaId::normalize("+1 650-555-1234").expect("normalize"),
        "16505551234"
    );
    assert_eq!(
        WaId::normalize("(650) 555.1234").expect("normalize"),
        "6505551234"
    );
    assert!(matches!(
        WaId::normalize("+1 650 CALL NOW"),
        Err(IdError::InvalidChar { ch: 'C', .. })
    ));
    assert!(matches!(
        WaId::normalize("12345"),
        Err(IdError::TooShort { .. })
    ));
    assert!(matches!(
        WaId::normalize("1234567890123456"),
        Err(IdError::TooLong { .. })
    ));
    assert!(matches!(WaId::normalize("+"), Err(IdError::Empty { .. })));
}

#[test]
fn ids_display_parse_and_serialize_as_plain_strings() {
    let id: Wamid = "wamid.A".parse().expect("parse");
    assert_eq!(id.to_string(), "wamid.A");
    assert_eq!(serde_json::to_string(&id).expect("ser"), "\"wamid.A\"");
    assert_eq!(
        serde_json::from_str::<Wamid>("\"wamid.A\"").expect("de"),
        id
    );
}

#[test]
fn template_ids_keep_integer_or_string_form() {
    let int: TemplateId = serde_json::from_str("1689556908129832").expect("int");
    assert_eq!(
        serde_json::to_string(&int).expect("ser"),
        "1689556908129832"
    );
    let string: TemplateId = serde_json::from_str("\"1689556908129832\"").expect("str");
    assert_eq!(
        serde_json::to_string(&string).expect("ser"),
        "\"1689556908129832\""
    );
    assert_eq!(int.as_str(), string.as_str());
    assert!(serde_json::from_str::<TemplateId>("-1").is_err());
}

#[test]
fn timestamps_parse_strings_and_integers_and_keep_the_form() {
    let from_string: Timestamp = serde_json::from_str("\"1749416383\"").expect("string");
    assert_eq!(
        (from_string.as_unix_secs(), from_string.repr()),
        (1_749_416_383, TimestampRepr::String)
    );
    let from_int: Timestamp = serde_json::from_str("1743451903").expect("int");
    assert_eq!(from_int.repr(), TimestampRepr::Integer);
    assert_eq!(serde_json::to_string(&from_int).expect("ser"), "1743451903");
    assert_eq!(
        serde_json::to_string(&from_string).expect("ser"),
        "\"1749416383\""
    );
    for bad in [
        "\"\"",
        "\"12a\"",
        "\"+1\"",
        "\"-0\"",
        "\"007\"",
        "1.5",
        "{}",
        "null",
        "18446744073709551615",
    ] {
        let error = serde_json::from_str::<Timestamp>(bad).expect_err(bad);
        assert!(
            error.to_string().contains("Unix timestamp"),
            "{bad}: {error}"
        );
    }
    assert_eq!(
        Timestamp::parse_str("-5").map(|t| t.as_unix_secs()),
        Some(-5)
    );
}

#[test]
fn verification_echoes_the_challenge_for_the_right_token() {
    let query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock";
    assert_eq!(
        verify_query(query, "meatyhamhock"),
        Ok("1158201444".to_owned())
    );
    let encoded = "hub.verify_token=a%20b%2Bc+d&hub.challenge=x&hub.mode=subscribe&other=1";
    assert_eq!(verify_query(encoded, "a b+c d"), Ok("x".to_owned()));
}

#[test]
fn verification_refuses_bad_requests() {
    let ok = "hub.mode=subscribe&hub.challenge=c&hub.verify_token=t";
    assert_eq!(verify_query(ok, "T"), Err(VerificationError::TokenMismatch));
    assert_eq!(
        verify_query(ok, "tt"),
        Err(VerificationError::TokenMismatch)
    );
    assert_eq!(
        verify_query("hub.challenge=c&hub.verify_token=t", "t"),
        Err(VerificationError::MissingMode)
    );
    assert_eq!(
        verify_query(
            "hub.mode=unsubscribe&hub.challenge=c&hub.verify_token=t",
            "t"
        ),
        Err(VerificationError::WrongMode("unsubscribe".to_owned()))
    );
    assert_eq!(
        verify_query("hub.mode=subscribe&hub.verify_token=t", "t"),
        Err(VerificationError::MissingChallenge)
    );
    assert_eq!(
        verify_query("hub.mode=subscribe&hub.challenge=c", "t"),
        Err(VerificationError::MissingToken)
    );
    assert!(matches!(
        verify_query("hub.mode=%zz", "t"),
        Err(VerificationError::BadEncoding(_))
    ));
    assert!(matches!(
        verify_query("hub.mode=%ff", "t"),
        Err(VerificationError::BadEncoding(_))
    ));
}

#[test]
fn verification_reads_a_decoded_map() {
    let request = VerificationRequest::from_pairs([
        ("hub.mode", "subscribe"),
        ("hub.challenge", "42"),
        ("hub.verify_token", "tok"),
        ("hub.challenge", "ignored"),
    ]);
    assert_eq!(request.verify("tok"), Ok("42"));
}
