//! Graph error bodies and the error-code table.

use meta::error::{ErrorCode, GraphError, GraphErrorResponse, WebhookError};

#[test]
fn a_meta_error_body_parses_and_round_trips() {
    let body = r#"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,
        "error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},
        "error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam","is_transient":true}}"#;
    let parsed: GraphErrorResponse = serde_json::from_str(body).expect("parse");
    assert_eq!(parsed.error.code, ErrorCode::RateLimitHit);
    assert_eq!(parsed.error.error_subcode, Some(2_494_055));
    assert_eq!(
        parsed.error.details(),
        Some("Cloud API message throughput has been reached.")
    );
    assert_eq!(
        parsed.error.extra.get("is_transient"),
        Some(&serde_json::Value::Bool(true))
    );
    assert!(parsed.error.code.is_retryable());
    let original: serde_json::Value = serde_json::from_str(body).expect("json");
    assert_eq!(serde_json::to_value(&parsed).expect("serialize"), original);
}

#[test]
fn unknown_codes_are_kept_as_other() {
    let parsed: GraphErrorResponse =
        serde_json::from_str(r#"{"error":{"message":"(#999999) New","code":999999}}"#)
            .expect("parse");
    assert_eq!(parsed.error.code, ErrorCode::Other(999_999));
    assert_eq!(parsed.error.code.code(), 999_999);
    assert_eq!(parsed.http_status(), 400);
    assert!(!parsed.error.code.is_retryable());
    assert_eq!(
        serde_json::to_value(&parsed).expect("ser")["error"]["code"],
        999_999
    );
}

#[test]
fn codes_200_to_299_are_api_permission() {
    assert_eq!(ErrorCode::from_code(200), ErrorCode::ApiPermission(200));
    assert_eq!(ErrorCode::from_code(299).title(), "API Permission");
    assert_eq!(ErrorCode::from_code(250).http_status(), 403);
    assert_eq!(ErrorCode::from_code(300), ErrorCode::Other(300));
}

#[test]
fn the_constructor_builds_meta_s_shape() {
    let body = ErrorCode::ReEngagementMessage.to_graph_error();
    let json = serde_json::to_value(&body).expect("serialize");
    assert_eq!(
        json,
        serde_json::json!({"error": {
            "message": "(#131047) Re-engagement message",
            "type": "OAuthException",
            "code": 131047,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": "More than 24 hours have passed since the recipient last replied to the sender number."
            }
        }})
    );
    let custom = GraphError::from_code(ErrorCode::InvalidParameter)
        .with_details("Param text['body'] is required")
        .with_subcode(2_388_024)
        .with_fbtrace_id("trace");
    assert_eq!(custom.details(), Some("Param text['body'] is required"));
    assert_eq!(
        custom.to_string(),
        "(#100) Invalid parameter: Param text['body'] is required"
    );
}

#[test]
fn http_status_follows_the_old_table() {
    let cases = [
        (0, 401),
        (2, 503),
        (3, 500),
        (4, 400),
        (10, 403),
        (100, 400),
        (190, 401),
        (130429, 400),
        (130403, 400),
        (131000, 500),
        (131056, 400),
        (132001, 404),
        (133004, 503),
        (2_593_107, 400),
        (2_593_108, 400),
    ];
    for (code, status) in cases {
        assert_eq!(ErrorCode::from_code(code).http_status(), status, "{code}");
    }
}

#[test]
fn retryable_codes_are_throttles_and_transient_failures() {
    for code in [
        1, 2, 4, 80007, 130_429, 131_000, 131_016, 131_056, 131_057, 133_004, 133_016,
    ] {
        assert!(ErrorCode::from_code(code).is_retryable(), "{code}");
    }
    for code in [
        0, 100, 131_008, 131_047, 131_048, 131_064, 132_001, 2_593_107,
    ] {
        assert!(!ErrorCode::from_code(code).is_retryable(), "{code}");
    }
}

#[test]
fn every_code_of_the_reference_table_is_known() {
    let table = [
        0, 1, 2, 3, 4, 10, 33, 100, 190, 200, 368, 130_403, 130_429, 130_472, 130_497, 131_000,
        131_005, 131_008, 131_009, 131_016, 131_021, 131_026, 131_031, 131_037, 131_042, 131_045,
        131_047, 131_048, 131_049, 131_050, 131_051, 131_052, 131_053, 131_056, 131_057, 131_060,
        131_063, 131_064, 132_000, 132_001, 132_005, 132_007, 132_012, 132_015, 132_016, 132_018,
        132_068, 132_069, 133_000, 133_004, 133_005, 133_006, 133_008, 133_009, 133_010, 133_015,
        133_016, 134_011, 135_000, 80007, 2_388_019, 2_388_040, 2_388_047, 2_388_072, 2_388_073,
        2_388_293, 2_388_299, 2_593_107, 2_593_108, 2_593_109,
    ];
    for code in table {
        let known = ErrorCode::from_code(code);
        assert!(
            !matches!(known, ErrorCode::Other(_)),
            "{code} is not modelled"
        );
        assert_eq!(known.code(), code);
        assert!(
            !known.title().is_empty() && !known.default_details().is_empty(),
            "{code}"
        );
    }
}

#[test]
fn webhook_error_objects_have_meta_s_shape() {
    let error = WebhookError::from_code(ErrorCode::ReEngagementMessage);
    let json = serde_json::to_value(&error).expect("serialize");
    assert_eq!(json["code"], 131_047);
    assert_eq!(json["title"], json["message"]);
    assert_eq!(
        json["href"],
        "/documentation/business-messaging/whatsapp/support/error-codes"
    );
}

#[test]
fn a_rejection_converts_to_the_full_body() {
    let rejection = meta::error::Rejection::new(
        ErrorCode::RequiredParameterMissing,
        "The parameter to is required.",
    );
    assert_eq!(rejection.http_status(), 400);
    let body = rejection.to_response();
    assert_eq!(
        body.error.message,
        "(#131008) Required parameter is missing"
    );
    assert_eq!(body.error.details(), Some("The parameter to is required."));
}
