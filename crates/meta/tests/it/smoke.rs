//! Stage-1 smoke test: every fixture parses.

use crate::fixtures;

#[test]
fn every_fixture_webhook_parses() {
    let cases = fixtures::all_webhooks();
    assert!(
        cases.len() > 60,
        "expected all pywa cases, got {}",
        cases.len()
    );
    for (label, body) in cases {
        if let Err(e) = meta::webhook::parse(&body) {
            panic!("{label}: {e}");
        }
    }
}

#[test]
fn the_declined_history_value_parses_wrapped_and_alone() {
    let value = fixtures::bytes("meta-docs/history_declined_example.json");
    meta::webhook::parse(&fixtures::wrap_value("history", &value)).expect("wrapped");
    let alone = meta::webhook::parse_value("history", &value).expect("alone");
    assert_eq!(alone.field(), "history");
    let original: serde_json::Value = serde_json::from_slice(&value).expect("fixture is JSON");
    assert_eq!(serde_json::to_value(&alone).expect("serialize"), original);
}

#[test]
fn the_graph_fixtures_parse() {
    let response = fixtures::bytes("meta-docs/send_text_response_example.json");
    serde_json::from_slice::<meta::graph::messages::SendMessageResponse>(&response)
        .expect("send response");
    let request = fixtures::bytes("meta-docs/mark_read_typing_indicator_request_example.json");
    let parsed =
        meta::graph::messages::MessagesRequest::from_json_slice(&request).expect("mark read");
    assert!(matches!(
        parsed,
        meta::graph::messages::MessagesRequest::MarkRead(_)
    ));
}

#[test]
fn every_fixture_webhook_round_trips_to_equivalent_json() {
    for (label, body) in fixtures::all_webhooks() {
        let envelope = meta::webhook::parse(&body).unwrap_or_else(|e| panic!("{label}: {e}"));
        let original: serde_json::Value = serde_json::from_slice(&body).expect("fixture is JSON");
        let again = serde_json::to_value(&envelope).expect("serialize");
        assert_eq!(original, again, "{label} did not round-trip");
    }
}
