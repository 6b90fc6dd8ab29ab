//! Losslessness: unknown fields at every level, unknown message types, unknown webhook fields
//! and unknown enum strings all survive parse → serialize (as equal `serde_json::Value`s).

use meta::webhook::messages::MessageContent;
use meta::webhook::{ChangeValue, parse};
use proptest::prelude::{Just, Strategy, any, prop_oneof, proptest};
use proptest::prop_assert_eq;
use serde_json::{Value, json};

use crate::fixtures;

/// Arbitrary JSON: nested arrays/objects of null, bool, integers, finite floats, strings.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Keys that cannot collide with a modelled field.
fn unknown_key() -> impl Strategy<Value = String> {
    "x_[a-z0-9_]{0,10}"
}

fn round_trip(body: &Value) -> Result<Value, String> {
    let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    let envelope = parse(&bytes).map_err(|e| e.to_string())?;
    serde_json::to_value(&envelope).map_err(|e| e.to_string())
}

fn fixture(rel: &str) -> Value {
    serde_json::from_slice(&fixtures::bytes(rel)).expect("fixture JSON")
}

fn pywa(rel: &str, case: &str) -> Value {
    let all: Value = serde_json::from_slice(&fixtures::bytes(rel)).expect("pywa JSON");
    all[case].clone()
}

/// (fixture, JSON pointer of an object inside it) pairs covering every level and field.
fn injection_sites() -> Vec<(Value, &'static str)> {
    let text = pywa("pywa/updates_message.json", "text");
    let status = fixture("meta-docs/status_delivered_example.json");
    let history = fixture("meta-docs/history_threads_example.json");
    let echo = pywa("pywa/updates_outgoing_message.json", "edit");
    let partner = pywa(
        "pywa/updates_account_update.json",
        "partner_removed_wa_app_disconnection",
    );
    let list = fixture("meta-docs/interactive_list_reply_example.json");
    vec![
        (text.clone(), ""),
        (text.clone(), "/entry/0"),
        (text.clone(), "/entry/0/changes/0"),
        (text.clone(), "/entry/0/changes/0/value"),
        (text.clone(), "/entry/0/changes/0/value/metadata"),
        (text.clone(), "/entry/0/changes/0/value/contacts/0"),
        (text.clone(), "/entry/0/changes/0/value/contacts/0/profile"),
        (text.clone(), "/entry/0/changes/0/value/messages/0"),
        (text, "/entry/0/changes/0/value/messages/0/text"),
        (list.clone(), "/entry/0/changes/0/value/messages/0/context"),
        (
            list.clone(),
            "/entry/0/changes/0/value/messages/0/interactive",
        ),
        (
            list,
            "/entry/0/changes/0/value/messages/0/interactive/list_reply",
        ),
        (status.clone(), "/entry/0/changes/0/value/statuses/0"),
        (
            status.clone(),
            "/entry/0/changes/0/value/statuses/0/pricing",
        ),
        (
            status.clone(),
            "/entry/0/changes/0/value/statuses/0/conversation",
        ),
        (
            status,
            "/entry/0/changes/0/value/statuses/0/conversation/origin",
        ),
        (history.clone(), "/entry/0/changes/0/value/history/0"),
        (
            history.clone(),
            "/entry/0/changes/0/value/history/0/metadata",
        ),
        (
            history.clone(),
            "/entry/0/changes/0/value/history/0/threads/0",
        ),
        (
            history.clone(),
            "/entry/0/changes/0/value/history/0/threads/0/messages/1",
        ),
        (
            history,
            "/entry/0/changes/0/value/history/0/threads/0/messages/0/history_context",
        ),
        (echo.clone(), "/entry/0/changes/0/value/message_echoes/0"),
        (
            echo.clone(),
            "/entry/0/changes/0/value/message_echoes/0/edit",
        ),
        (
            echo,
            "/entry/0/changes/0/value/message_echoes/0/edit/message",
        ),
        (partner.clone(), "/entry/0/changes/0/value"),
        (partner.clone(), "/entry/0/changes/0/value/waba_info"),
        (partner, "/entry/0/changes/0/value/disconnection_info"),
        (
            fixture("meta-docs/smb_app_state_sync_example.json"),
            "/entry/0/changes/0/value/state_sync/0/contact",
        ),
        (
            fixture("meta-docs/template_status_approved_example.json"),
            "/entry/0/changes/0/value",
        ),
        (
            pywa("pywa/updates_template_category_update.json", "marketing"),
            "/entry/0/changes/0/value",
        ),
    ]
}

fn injected() -> impl Strategy<Value = Value> {
    let sites = injection_sites();
    let fields = proptest::collection::vec((unknown_key(), json_value()), 1..4);
    (0..sites.len(), fields).prop_map(move |(i, fields)| {
        let (mut body, pointer) = sites[i].clone();
        let target = body
            .pointer_mut(pointer)
            .and_then(Value::as_object_mut)
            .expect("site is an object");
        target.extend(fields);
        body
    })
}

/// (fixture, pointer to a string enum value) pairs.
fn enum_sites() -> Vec<(Value, &'static str)> {
    let status = fixture("meta-docs/status_delivered_example.json");
    let history = fixture("meta-docs/history_threads_example.json");
    let partner = pywa(
        "pywa/updates_account_update.json",
        "partner_removed_wa_app_disconnection",
    );
    let template = fixture("meta-docs/template_status_approved_example.json");
    let system = pywa("pywa/updates_system.json", "phone_number_change");
    vec![
        (status.clone(), "/entry/0/changes/0/value/statuses/0/status"),
        (
            status.clone(),
            "/entry/0/changes/0/value/statuses/0/pricing/pricing_model",
        ),
        (
            status.clone(),
            "/entry/0/changes/0/value/statuses/0/pricing/category",
        ),
        (
            status,
            "/entry/0/changes/0/value/statuses/0/conversation/origin/type",
        ),
        (
            history,
            "/entry/0/changes/0/value/history/0/threads/0/messages/0/history_context/status",
        ),
        (partner.clone(), "/entry/0/changes/0/value/event"),
        (
            partner.clone(),
            "/entry/0/changes/0/value/disconnection_info/reason",
        ),
        (
            partner,
            "/entry/0/changes/0/value/disconnection_info/initiated_by",
        ),
        (template.clone(), "/entry/0/changes/0/value/event"),
        (template.clone(), "/entry/0/changes/0/value/reason"),
        (
            template,
            "/entry/0/changes/0/value/message_template_category",
        ),
        (
            fixture("meta-docs/smb_app_state_sync_example.json"),
            "/entry/0/changes/0/value/state_sync/0/action",
        ),
        (
            fixture("meta-docs/smb_app_state_sync_example.json"),
            "/entry/0/changes/0/value/state_sync/0/type",
        ),
        (system, "/entry/0/changes/0/value/messages/0/system/type"),
        (
            fixture("meta-docs/interactive_button_reply_example.json"),
            "/entry/0/changes/0/value/messages/0/interactive/type",
        ),
    ]
}

proptest! {
    #[test]
    fn unknown_fields_survive_a_round_trip_at_every_level(body in injected()) {
        prop_assert_eq!(round_trip(&body), Ok(body));
    }

    #[test]
    fn unknown_enum_strings_survive(site in 0..enum_sites().len(), word in "[A-Za-z_]{1,14}") {
        let (mut body, pointer) = enum_sites()[site].clone();
        *body.pointer_mut(pointer).expect("site") = Value::String(word);
        prop_assert_eq!(round_trip(&body), Ok(body));
    }

    #[test]
    fn unknown_message_types_keep_their_name_and_raw_object(
        name in "zz_[a-z_]{1,10}",
        object in proptest::option::of(json_value()),
    ) {
        let mut body = pywa("pywa/updates_message.json", "text");
        let message = body.pointer_mut("/entry/0/changes/0/value/messages/0").and_then(Value::as_object_mut).expect("msg");
        message.remove("text");
        message.insert("type".to_owned(), Value::String(name.clone()));
        if let Some(object) = &object {
            message.insert(name.clone(), object.clone());
        }
        let envelope = parse(&serde_json::to_vec(&body).expect("ser")).expect("parse");
        let ChangeValue::Messages(value) = &envelope.entry[0].changes[0].value else { panic!("messages") };
        let expected = MessageContent::Unknown { type_name: name, raw: object };
        prop_assert_eq!(&value.messages.as_ref().expect("messages")[0].content, &expected);
        prop_assert_eq!(serde_json::to_value(&envelope).expect("ser"), body);
    }

    #[test]
    fn unknown_change_fields_keep_their_name_and_raw_value(name in "zz_[a-z_]{1,10}", value in json_value()) {
        let body = json!({"object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"value": value.clone(), "field": name.clone()}]}]});
        let envelope = parse(&serde_json::to_vec(&body).expect("ser")).expect("parse");
        let expected = ChangeValue::Unknown { field: name, value };
        prop_assert_eq!(&envelope.entry[0].changes[0].value, &expected);
        prop_assert_eq!(serde_json::to_value(&envelope).expect("ser"), body);
    }

    #[test]
    fn timestamps_keep_their_representation(secs in any::<i64>(), as_string in any::<bool>()) {
        let wire = if as_string { Value::String(secs.to_string()) } else { Value::from(secs) };
        let parsed: meta::time::Timestamp = serde_json::from_value(wire.clone()).expect("parse");
        prop_assert_eq!(parsed.as_unix_secs(), secs);
        prop_assert_eq!(serde_json::to_value(parsed).expect("ser"), wire);
    }

    #[test]
    fn coordinates_and_prices_round_trip_exactly(lat in -90.0f64..90.0, long in -180.0f64..180.0, price in any::<u32>()) {
        let mut body = pywa("pywa/updates_message.json", "chosen_location");
        body["entry"][0]["changes"][0]["value"]["messages"][0]["location"]["latitude"] = json!(lat);
        body["entry"][0]["changes"][0]["value"]["messages"][0]["location"]["longitude"] = json!(long);
        prop_assert_eq!(round_trip(&body), Ok(body));
        let mut order = pywa("pywa/updates_message.json", "order");
        order["entry"][0]["changes"][0]["value"]["messages"][0]["order"]["product_items"][0]["item_price"] = json!(price);
        order["entry"][0]["changes"][0]["value"]["messages"][0]["order"]["product_items"][1]["item_price"] = json!(f64::from(price) / 100.0);
        prop_assert_eq!(round_trip(&order), Ok(order));
    }
}

#[test]
fn keys_in_any_order_parse_the_same() {
    let body = fixture("meta-docs/interactive_button_reply_example.json");
    let text = serde_json::to_string(&body).expect("ser");
    // serde_json's map is sorted, so `field` now precedes `value` and `type` precedes its
    // object, the reverse of the fixture: both orders must give the same envelope.
    let sorted = parse(text.as_bytes()).expect("sorted order");
    let original = parse(&fixtures::bytes(
        "meta-docs/interactive_button_reply_example.json",
    ))
    .expect("original order");
    assert_eq!(sorted, original);
}

#[test]
fn a_stray_content_object_beside_another_type_is_kept_verbatim() {
    let mut body = pywa("pywa/updates_message.json", "text");
    body["entry"][0]["changes"][0]["value"]["messages"][0]["image"] =
        json!({"id": "1", "caption": "stray"});
    assert_eq!(round_trip(&body), Ok(body));
}

#[test]
fn explicit_null_template_reason_round_trips() {
    let mut body = fixture("meta-docs/template_status_approved_example.json");
    body["entry"][0]["changes"][0]["value"]["reason"] = Value::Null;
    let envelope = parse(&serde_json::to_vec(&body).expect("ser")).expect("parse");
    let ChangeValue::TemplateStatus(update) = &envelope.entry[0].changes[0].value else {
        panic!("template")
    };
    assert_eq!(update.reason, Some(None));
    assert_eq!(serde_json::to_value(&envelope).expect("ser"), body);
}

#[test]
fn the_generic_deserialize_matches_parse() {
    for (label, body) in fixtures::all_webhooks() {
        let fast = parse(&body).unwrap_or_else(|e| panic!("{label}: {e}"));
        let generic: meta::webhook::Envelope =
            serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(fast, generic, "{label}");
        let value: Value = serde_json::from_slice(&body).expect("json");
        let from_value: meta::webhook::Envelope =
            serde_json::from_value(value).expect("from_value");
        assert_eq!(fast, from_value, "{label}");
    }
}
