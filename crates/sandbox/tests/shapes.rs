//! Every kind of webhook the sandbox emits parses with `meta` and has the key structure (with
//! JSON types) of the matching real fixture in `tests/fixtures/`. Differences are allowed only
//! where named, each with its reason.

mod common;

use std::collections::BTreeSet;

use common::{Receiver, cloud, coex, graph, send_template, setup_with};
use sandbox::{PartnerRemovedShape, SandboxHandle};
use serde_json::{Value, json};

const CUSTOMER: &str = "16505551234";

fn fixture(file: &str) -> Value {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn case(file: &str, name: &str) -> Value {
    fixture(file)[name].clone()
}

/// Key paths with leaf JSON types: `entry[].changes[].value.messages[].id:string`.
fn shape(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, child) in map {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                shape(child, &p, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                shape(item, &format!("{prefix}[]"), out);
            }
        }
        Value::Object(_) => drop(out.insert(format!("{prefix}:{{}}"))),
        Value::Array(_) => drop(out.insert(format!("{prefix}:[]"))),
        Value::String(_) => drop(out.insert(format!("{prefix}:string"))),
        Value::Number(_) => drop(out.insert(format!("{prefix}:number"))),
        Value::Bool(_) => drop(out.insert(format!("{prefix}:bool"))),
        Value::Null => drop(out.insert(format!("{prefix}:null"))),
    }
}

fn shape_of(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    shape(v, "", &mut out);
    out
}

/// Asserts equal shapes except for paths starting with an allowed prefix.
fn assert_same_shape(
    kind: &str,
    emitted: &Value,
    fixture: &Value,
    extra_ok: &[&str],
    missing_ok: &[&str],
) {
    let (ours, theirs) = (shape_of(emitted), shape_of(fixture));
    let extra: Vec<&String> = ours
        .difference(&theirs)
        .filter(|p| !extra_ok.iter().any(|ok| p.contains(ok)))
        .collect();
    let missing: Vec<&String> = theirs
        .difference(&ours)
        .filter(|p| !missing_ok.iter().any(|ok| p.contains(ok)))
        .collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{kind}: extra {extra:#?}, missing {missing:#?}\nemitted: {emitted}"
    );
}

/// The last accepted POST, checked to parse with `meta` and to carry one change of `field`.
fn last(rx: &Receiver, field: &str) -> Value {
    let all = rx.all();
    let got = all.last().expect("a webhook");
    let envelope = meta::webhook::parse(&got.body)
        .unwrap_or_else(|e| panic!("meta cannot parse {field}: {e:?}"));
    assert_eq!(envelope.entry[0].changes[0].field(), field);
    assert!(!matches!(
        envelope.entry[0].changes[0].value,
        meta::webhook::ChangeValue::Unknown { .. }
    ));
    got.json.clone()
}

async fn sandbox() -> (Receiver, SandboxHandle) {
    setup_with(|c| c.delivery.max_batch = 1).await
}

#[tokio::test]
async fn customer_messages_have_the_fixture_shapes() {
    let (rx, sb) = sandbox().await;
    let pnid = coex(&sb);
    sb.customer_says(CUSTOMER, &pnid, "Body Text").await;
    assert_same_shape(
        "text",
        &last(&rx, "messages"),
        &case("updates_message.json", "text"),
        &[],
        &[],
    );
    sb.customer_send(CUSTOMER, &pnid, json!({"type": "image", "image": {}}))
        .await;
    assert_same_shape(
        "image",
        &last(&rx, "messages"),
        &case("updates_message.json", "media_with_url"),
        &[],
        &[],
    );
    let reply = json!({"type": "text", "text": {"body": "replied text"}, "context": {"from": "15550100001", "id": "wamid.x"}});
    sb.customer_send(CUSTOMER, &pnid, reply).await;
    assert_same_shape(
        "reply",
        &last(&rx, "messages"),
        &case("updates_message.json", "reply"),
        &[],
        &[],
    );
    let location = json!({"type": "location", "location": {"latitude": 12.25089, "longitude": 43.90539}, "context": {"forwarded": true}});
    sb.customer_send(CUSTOMER, &pnid, location).await;
    assert_same_shape(
        "location",
        &last(&rx, "messages"),
        &case("updates_message.json", "current_location"),
        &[],
        &[],
    );
    let ad =
        case("updates_message.json", "referral")["entry"][0]["changes"][0]["value"]["messages"][0]
            ["referral"]
            .clone();
    sb.customer_send(
        CUSTOMER,
        &pnid,
        json!({"type": "text", "text": {"body": "BODY"}, "referral": ad}),
    )
    .await;
    assert_same_shape(
        "referral",
        &last(&rx, "messages"),
        &case("updates_message.json", "referral"),
        &[],
        &[],
    );
}

#[tokio::test]
async fn customer_edits_and_revokes_have_the_fixture_shapes() {
    let (rx, sb) = sandbox().await;
    let pnid = coex(&sb);
    let original = sb
        .customer_send(
            CUSTOMER,
            &pnid,
            json!({"type": "image", "image": {"caption": "a"}}),
        )
        .await;
    let edit = json!({"phone_number_id": pnid, "message_id": original.wamid().unwrap(),
                      "message": {"type": "image", "image": {"caption": "Updated image caption"}}});
    sb.control("POST", &format!("/customers/{CUSTOMER}/edit"), Some(edit))
        .await;
    // Meta's example edit carries `context: {"id": "M0"}` inside the edited message; what M0
    // refers to is not documented, so the sandbox leaves it out.
    assert_same_shape(
        "edit",
        &last(&rx, "messages"),
        &case("updates_edited_message.json", "image"),
        &[],
        &["edit.message.context"],
    );
    let revoke = json!({"phone_number_id": pnid, "message_id": original.wamid().unwrap()});
    sb.control(
        "POST",
        &format!("/customers/{CUSTOMER}/revoke"),
        Some(revoke),
    )
    .await;
    assert_same_shape(
        "revoke",
        &last(&rx, "messages"),
        &case("updates_deleted_message.json", "revoke"),
        &[],
        &[],
    );
}

#[tokio::test]
async fn statuses_have_the_fixture_shape_with_pmp_pricing() {
    let (rx, sb) = sandbox().await;
    let pnid = cloud(&sb);
    sb.customer_says(CUSTOMER, &pnid, "hi").await;
    common::send_text(&sb, &pnid, CUSTOMER, "hello").await;
    sb.flush().await;
    // The fixture predates per-message pricing: PMP statuses add `pricing.type` (META.md §4).
    assert_same_shape(
        "sent",
        &last(&rx, "messages"),
        &case("updates_message_status.json", "sent"),
        &["pricing.type"],
        &[],
    );
    let (_, body) = send_template(&sb, &pnid, CUSTOMER, "hello_world", "en_US", &[]).await;
    sb.control(
        "POST",
        &format!("/messages/{}/status", common::wamid_of(&body)),
        Some(json!({"status": "failed"})),
    )
    .await;
    assert_same_shape(
        "failed",
        &last(&rx, "messages"),
        &case("updates_message_status.json", "failed"),
        &[],
        &[],
    );
}

#[tokio::test]
async fn echoes_have_the_fixture_shapes() {
    let (rx, sb) = sandbox().await;
    let pnid = coex(&sb);
    let sent = sb
        .phone_send(
            &pnid,
            CUSTOMER,
            json!({"type": "text", "text": {"body": "Test message"}}),
        )
        .await;
    assert_same_shape(
        "echo text",
        &last(&rx, "smb_message_echoes"),
        &case("updates_outgoing_message.json", "text"),
        &[],
        &[],
    );
    let edit = json!({"message_id": sent.wamid().unwrap(), "message": {"type": "text", "text": {"body": "Text was edited"}}});
    sb.control("POST", &format!("/phones/{pnid}/edit"), Some(edit))
        .await;
    // pywa's edit/revoke echo cases have no BSUID fields on the echo; its text case has them.
    let bsuid = ["to_user_id", "to_parent_user_id"];
    assert_same_shape(
        "echo edit",
        &last(&rx, "smb_message_echoes"),
        &case("updates_outgoing_message.json", "edit"),
        &bsuid,
        &[],
    );
    sb.control(
        "POST",
        &format!("/phones/{pnid}/revoke"),
        Some(json!({"message_id": sent.wamid().unwrap()})),
    )
    .await;
    assert_same_shape(
        "echo revoke",
        &last(&rx, "smb_message_echoes"),
        &case("updates_outgoing_message.json", "delete"),
        &bsuid,
        &[],
    );
}

#[tokio::test]
async fn state_sync_and_history_have_the_fixture_shapes() {
    let (rx, sb) = sandbox().await;
    let pnid = coex(&sb);
    sb.control(
        "POST",
        &format!("/phones/{pnid}/contacts"),
        Some(json!({"phone_number": CUSTOMER, "full_name": "Pablo Morales"})),
    )
    .await;
    assert_same_shape(
        "state sync",
        &last(&rx, "smb_app_state_sync"),
        &fixture("smb_app_state_sync_example.json"),
        &[],
        &[],
    );
    let threads = json!({"threads": [
        {"wa_id": CUSTOMER, "messages": [
            {"from": "business", "age_seconds": 3600, "message": {"type": "text", "text": {"body": "info"}}, "status": "read"},
            {"from": "business", "age_seconds": 3000, "message": {"type": "image", "image": {"caption": "Black Prince echeveria"}}, "status": "played"},
            {"from": "customer", "age_seconds": 2000, "message": {"type": "text", "text": {"body": "Thanks!"}}}]},
        {"wa_id": "12125557890", "messages": [
            {"from": "business", "age_seconds": 1000, "message": {"type": "text", "text": {"body": "order"}}, "status": "delivered"}]}]});
    sb.control("POST", &format!("/phones/{pnid}/history"), Some(threads))
        .await;
    let sync = json!({"messaging_product": "whatsapp", "sync_type": "history"});
    graph(&sb, "POST", &format!("/{pnid}/smb_app_data"), Some(sync)).await;
    sb.flush().await;
    let all = rx.accepted();
    let chunk = all
        .iter()
        .rev()
        .find(|b| {
            b["entry"][0]["changes"][0]["value"]
                .get("history")
                .is_some()
        })
        .unwrap();
    assert_same_shape(
        "history chunk",
        chunk,
        &fixture("history_threads_example.json"),
        &[],
        &[],
    );
    // Media follow-ups carry `url` as every media object has since Nov 2025 (META.md §3.3).
    assert_same_shape(
        "history media",
        &last(&rx, "history"),
        &fixture("history_media_asset_example.json"),
        &["image.url"],
        &[],
    );
}

#[tokio::test]
async fn the_history_decline_has_the_fixture_value() {
    let (rx, sb) = sandbox().await;
    let pnid = coex(&sb);
    sb.control("POST", &format!("/phones/{pnid}/history/decline"), None)
        .await;
    graph(
        &sb,
        "POST",
        &format!("/{pnid}/smb_app_data"),
        Some(json!({"messaging_product": "whatsapp", "sync_type": "history"})),
    )
    .await;
    sb.flush().await;
    let body = last(&rx, "history");
    assert_same_shape(
        "decline",
        &body["entry"][0]["changes"][0]["value"],
        &fixture("history_declined_example.json"),
        &[],
        &[],
    );
}

#[tokio::test]
async fn account_updates_have_the_fixture_shapes() {
    let (rx, sb) = sandbox().await;
    let pnid = coex(&sb);
    sb.control("POST", &format!("/numbers/{pnid}/offboard"), None)
        .await;
    assert_same_shape(
        "offboarded",
        &last(&rx, "account_update"),
        &case("updates_account_update.json", "account_offboarded"),
        &[],
        &[],
    );
    sb.control("POST", &format!("/numbers/{pnid}/reconnect"), None)
        .await;
    assert_same_shape(
        "reconnected",
        &last(&rx, "account_update"),
        &case("updates_account_update.json", "account_reconnected"),
        &[],
        &[],
    );
    sb.advance(14 * 86_400).await;
    assert_same_shape(
        "partner removed",
        &last(&rx, "account_update"),
        &fixture("partner_removed_coexistence_meta_md.json"),
        &[],
        &[],
    );

    let (rx, sb) = setup_with(|c| {
        c.delivery.max_batch = 1;
        c.partner_removed_shape = PartnerRemovedShape::Reference;
    })
    .await;
    sb.control("POST", &format!("/numbers/{}/disconnect", coex(&sb)), None)
        .await;
    let reference = case(
        "updates_account_update.json",
        "partner_removed_wa_app_disconnection",
    );
    assert_same_shape(
        "partner removed (reference)",
        &last(&rx, "account_update"),
        &reference,
        &[],
        &[],
    );
}

#[tokio::test]
async fn template_status_updates_have_the_fixture_shapes() {
    let (rx, sb) = sandbox().await;
    let waba = sb.waba_id().to_owned();
    let create = |name: &str| {
        json!({"name": name, "language": "en_US", "category": "MARKETING",
                                     "components": [{"type": "BODY", "text": "Hi {{1}}"}]})
    };
    let (_, a) = graph(
        &sb,
        "POST",
        &format!("/{waba}/message_templates"),
        Some(create("a_tpl")),
    )
    .await;
    sb.control(
        "POST",
        &format!("/templates/{}/approve", a["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_same_shape(
        "approved",
        &last(&rx, "message_template_status_update"),
        &fixture("template_status_approved_example.json"),
        &[],
        &[],
    );
    let (_, b) = graph(
        &sb,
        "POST",
        &format!("/{waba}/message_templates"),
        Some(create("b_tpl")),
    )
    .await;
    sb.control(
        "POST",
        &format!("/templates/{}/reject", b["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_same_shape(
        "rejected",
        &last(&rx, "message_template_status_update"),
        &case("updates_template_status_update.json", "rejected"),
        &[],
        &[],
    );
}

#[tokio::test]
async fn user_preferences_parse_with_meta() {
    let (rx, sb) = sandbox().await;
    let pnid = coex(&sb);
    sb.control(
        "POST",
        &format!("/customers/{CUSTOMER}/marketing"),
        Some(json!({"phone_number_id": pnid, "stop": true})),
    )
    .await;
    let body = last(&rx, "user_preferences");
    let pref = &body["entry"][0]["changes"][0]["value"]["user_preferences"][0];
    assert_eq!(pref["wa_id"], CUSTOMER);
    assert!(pref["timestamp"].is_u64());
}

#[test]
fn the_shape_check_catches_missing_keys_and_changed_types() {
    let fixture = json!({"a": {"b": "1", "c": [{"d": 1}]}});
    assert_same_shape(
        "same",
        &json!({"a": {"b": "2", "c": [{"d": 5}, {"d": 6}]}}),
        &fixture,
        &[],
        &[],
    );
    let missing = std::panic::catch_unwind(|| {
        assert_same_shape("m", &json!({"a": {"b": "1"}}), &fixture, &[], &[])
    });
    assert!(missing.is_err());
    let typed = std::panic::catch_unwind(|| {
        assert_same_shape(
            "t",
            &json!({"a": {"b": 1, "c": [{"d": 1}]}}),
            &fixture,
            &[],
            &[],
        )
    });
    assert!(
        typed.is_err(),
        "a string timestamp turned number is a difference"
    );
}
