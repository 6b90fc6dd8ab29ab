//! Malformed input: clear one-line errors naming position and path, and no panics.

use meta::webhook::{ParseErrorKind, parse};
use proptest::prelude::{Just, Strategy, any, prop_oneof, proptest};

use crate::fixtures;

fn text_message_body(timestamp: &str) -> String {
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550783881","phone_number_id":"106540352242922"}},"messages":[{{"from":"16505551234","id":"wamid.X","timestamp":{timestamp},"type":"text","text":{{"body":"hi"}}}}]}},"field":"messages"}}]}}]}}"#
    )
}

#[test]
fn a_wrong_type_deep_inside_a_value_names_line_column_and_path() {
    let body = text_message_body("{}");
    let error = parse(body.as_bytes()).expect_err("must fail");
    assert_eq!(error.kind, ParseErrorKind::NotEnvelope);
    assert_eq!(
        error.path,
        "entry[0].changes[0].value.messages[0].timestamp"
    );
    // serde_json reports the column after the opening `{` it consumed before the visitor
    // rejected the map: 1-based column of `{` plus one.
    let column = body.find(r#""timestamp":{}"#).expect("position") + r#""timestamp":{"#.len() + 1;
    assert_eq!((error.line, error.column), (1, column));
    let shown = error.to_string();
    assert_eq!(
        shown,
        format!(
            "line 1 column {column}: entry[0].changes[0].value.messages[0].timestamp: invalid type: map, expected a Unix timestamp"
        )
    );
    assert!(!shown.contains('\n'));
}

#[test]
fn positions_inside_a_multi_line_value_are_absolute() {
    let body = fixtures::bytes("meta-docs/status_delivered_example.json");
    let text = String::from_utf8(body)
        .expect("utf8")
        .replace(r#""billable": true"#, r#""billable": "yes""#);
    let error = parse(text.as_bytes()).expect_err("must fail");
    assert_eq!(
        error.path,
        "entry[0].changes[0].value.statuses[0].pricing.billable"
    );
    let line = text
        .lines()
        .position(|l| l.contains(r#""billable": "yes""#))
        .expect("line")
        + 1;
    assert_eq!(error.line, line);
    let line_text = text.lines().nth(line - 1).expect("line text");
    assert_eq!(
        error.column,
        line_text.find("\"yes\"").expect("col") + "\"yes\"".len()
    );
}

#[test]
fn an_invalid_id_is_reported_at_its_path() {
    let body =
        text_message_body(r#""1""#).replace(r#""from":"16505551234""#, r#""from":"1650 555""#);
    let error = parse(body.as_bytes()).expect_err("must fail");
    assert_eq!(error.path, "entry[0].changes[0].value.messages[0].from");
    assert!(error.message.contains("WhatsApp user id"), "{error}");
}

#[test]
fn a_non_canonical_timestamp_string_is_rejected() {
    let error = parse(text_message_body(r#""01749416383""#).as_bytes()).expect_err("must fail");
    assert_eq!(
        error.path,
        "entry[0].changes[0].value.messages[0].timestamp"
    );
}

#[test]
fn envelope_level_errors_name_their_path() {
    let error = parse(br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":7,"value":{}}]}]}"#)
        .expect_err("must fail");
    assert_eq!(error.path, "entry[0].changes[0].field");
    assert_eq!(error.kind, ParseErrorKind::NotEnvelope);

    let error = parse(br#"{"object":"whatsapp_business_account","entry":[{"changes":[]}]}"#)
        .expect_err("fail");
    assert_eq!(error.path, "entry[0]");
    assert!(error.message.contains("missing field `id`"), "{error}");
}

#[test]
fn truncated_json_is_a_syntax_error_with_a_position() {
    let body = fixtures::bytes("meta-docs/history_threads_example.json");
    let error = parse(&body[..body.len() / 2]).expect_err("must fail");
    assert_eq!(error.kind, ParseErrorKind::NotJson);
    assert!(error.is_syntax());
    assert!(error.line > 1, "{error}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("line {} column {}: ", error.line, error.column))
    );
}

#[test]
fn an_empty_body_is_not_json() {
    let error = parse(b"").expect_err("must fail");
    assert_eq!(error.kind, ParseErrorKind::NotJson);
    assert!(
        error.to_string().starts_with("line 1 column 0: .: EOF"),
        "{error}"
    );
}

#[test]
fn a_non_object_root_is_not_an_envelope() {
    for body in [&b"[]"[..], b"42", b"\"x\"", b"null"] {
        let error = parse(body).expect_err("must fail");
        assert_eq!(error.kind, ParseErrorKind::NotEnvelope, "{error}");
        assert_eq!(error.path, ".");
        assert!(
            error.message.contains("expected a webhook envelope object"),
            "{error}"
        );
    }
}

#[test]
fn trailing_garbage_is_a_syntax_error() {
    let mut body = fixtures::bytes("meta-docs/account_update_account_deleted_example.json");
    body.extend_from_slice(b" x");
    assert_eq!(
        parse(&body).expect_err("must fail").kind,
        ParseErrorKind::NotJson
    );
}

#[test]
fn the_value_alone_reports_paths_relative_to_the_value() {
    let error =
        meta::webhook::parse_value("history", br#"{"history":[{"errors":[{"code":"x"}]}]}"#)
            .expect_err("must fail");
    assert_eq!(error.path, "history[0].errors[0].code");
}

/// Byte-level mutations of a fixture: flip, delete, insert, truncate.
fn mutated_fixture() -> impl Strategy<Value = Vec<u8>> {
    let bodies: Vec<Vec<u8>> = fixtures::all_webhooks()
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let pick = (0..bodies.len()).prop_map(move |i| bodies[i].clone());
    (pick, any::<usize>(), any::<u8>(), 0..4u8).prop_map(|(mut body, at, byte, op)| {
        let at = at % body.len().max(1);
        match op {
            0 => body[at] = byte,
            1 => {
                body.remove(at);
            }
            2 => body.insert(at, byte),
            _ => body.truncate(at),
        }
        body
    })
}

/// JSON-aware mutations: a structural token swapped for another.
fn token_swapped_fixture() -> impl Strategy<Value = Vec<u8>> {
    let bodies: Vec<String> = fixtures::all_webhooks()
        .into_iter()
        .map(|(_, b)| String::from_utf8(b).expect("utf8"))
        .collect();
    let pick = (0..bodies.len()).prop_map(move |i| bodies[i].clone());
    let token = prop_oneof![
        Just("{}"),
        Just("[]"),
        Just("null"),
        Just("1"),
        Just("\"\""),
        Just("-1.5e300")
    ];
    (pick, any::<usize>(), token).prop_map(|(body, at, token)| {
        let colons: Vec<usize> = body.match_indices(':').map(|(i, _)| i).collect();
        let Some(&colon) = colons.get(at % colons.len().max(1)) else {
            return body.into_bytes();
        };
        let rest = &body[colon + 1..];
        let end = rest.find([',', '}']).map_or(body.len(), |e| colon + 1 + e);
        format!("{}{}{}", &body[..=colon], token, &body[end..]).into_bytes()
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body: Vec<u8>) {
        let _ = parse(&body);
    }

    #[test]
    fn mutated_fixtures_never_panic(body in mutated_fixture()) {
        if let Err(error) = parse(&body) {
            proptest::prop_assert!(!error.to_string().contains('\n'));
        }
    }

    #[test]
    fn token_swapped_fixtures_never_panic_and_events_are_safe(body in token_swapped_fixture()) {
        if let Ok(envelope) = parse(&body) {
            let _ = envelope.events();
            let again = serde_json::to_vec(&envelope).expect("serialize");
            proptest::prop_assert!(parse(&again).is_ok());
        }
    }
}
