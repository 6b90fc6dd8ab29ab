//! `GET/DELETE /{id}` for every kind of Graph object, plus the WABA edges `phone_numbers` and
//! `subscribed_apps`.

use std::collections::BTreeMap;

use axum::http::Method;
use serde_json::{Map, Value, json};

use crate::error::GraphFailure;
use crate::graph::{GraphResult, media, ok};
use crate::server::Shared;
use crate::state::waba::Number;

/// Routes `/{id}` by what the id names.
pub(crate) fn dispatch(
    shared: &Shared,
    method: &Method,
    id: &str,
    query: &BTreeMap<String, String>,
) -> GraphResult {
    let kind = {
        let world = shared.world();
        if world.numbers.contains_key(id) {
            "number"
        } else if world.media.get(id).is_some() {
            "media"
        } else if world.templates.items.contains_key(id) {
            "template"
        } else if world.wabas.contains_key(id) {
            "waba"
        } else {
            "unknown"
        }
    };
    match (method.as_str(), kind) {
        ("GET", "number") => phone_number(shared, id, query),
        ("GET", "media") => media::get(shared, id, query),
        ("DELETE", "media") => media::delete(shared, id, query),
        ("GET", "template") => template(shared, id, query),
        ("GET", "waba") => waba(shared, id),
        _ => Err(GraphFailure::unknown_object(id)),
    }
}

/// The fields of a number, as `GET /{phone_number_id}` can return them (META.md §5.6).
fn number_fields(number: &Number) -> Map<String, Value> {
    let mut all = Map::new();
    all.insert("verified_name".to_owned(), json!(number.verified_name));
    all.insert("code_verification_status".to_owned(), json!("VERIFIED"));
    all.insert(
        "display_phone_number".to_owned(),
        json!(format_display(&number.display_phone_number)),
    );
    all.insert("quality_rating".to_owned(), json!("GREEN"));
    all.insert("platform_type".to_owned(), json!(number.platform_type()));
    all.insert("is_on_biz_app".to_owned(), json!(number.is_on_biz_app()));
    all.insert(
        "throughput".to_owned(),
        json!({"level": if number.throughput_mps > 80 { "HIGH" } else { "STANDARD" }}),
    );
    all.insert("name_status".to_owned(), json!("APPROVED"));
    all.insert("messaging_limit_tier".to_owned(), json!("TIER_1K"));
    all.insert("id".to_owned(), json!(number.id));
    all
}

/// `+1 555-010-0001`-style display, as Graph formats `display_phone_number` on reads.
fn format_display(digits: &str) -> String {
    format!("+{digits}")
}

fn phone_number(shared: &Shared, id: &str, query: &BTreeMap<String, String>) -> GraphResult {
    let world = shared.world();
    let number = &world.numbers[id];
    let all = number_fields(number);
    const DEFAULT: &[&str] = &[
        "verified_name",
        "code_verification_status",
        "display_phone_number",
        "quality_rating",
        "platform_type",
        "throughput",
    ];
    let requested: Vec<String> = match query.get("fields") {
        Some(fields) => fields
            .split(',')
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty())
            .collect(),
        None => DEFAULT.iter().map(|f| (*f).to_owned()).collect(),
    };
    let mut out = Map::new();
    for field in requested {
        match all.get(&field) {
            Some(value) => {
                out.insert(field, value.clone());
            }
            None => {
                return Err(GraphFailure::invalid_parameter(format!(
                    "(#100) Tried accessing nonexisting field ({field}) on node type (WhatsAppBusinessPhoneNumber)"
                )));
            }
        }
    }
    out.insert("id".to_owned(), json!(number.id));
    ok(Value::Object(out))
}

fn template(shared: &Shared, id: &str, query: &BTreeMap<String, String>) -> GraphResult {
    let world = shared.world();
    let t = &world.templates.items[id];
    let full = crate::graph::templates::template_json(t);
    match query.get("fields") {
        Some(fields) => {
            let mut out = Map::new();
            for field in fields.split(',').map(str::trim) {
                if let Some(v) = full.get(field) {
                    out.insert(field.to_owned(), v.clone());
                }
            }
            out.insert("id".to_owned(), json!(t.id));
            ok(Value::Object(out))
        }
        None => ok(full),
    }
}

fn waba(shared: &Shared, id: &str) -> GraphResult {
    let world = shared.world();
    let waba = &world.wabas[id];
    ok(json!({"id": waba.id, "name": waba.name, "currency": "USD",
              "timezone_id": "1", "message_template_namespace": format!("sandbox_{}", waba.id)}))
}

/// `GET /{waba_id}/phone_numbers`.
pub(crate) fn phone_numbers(shared: &Shared, waba_id: &str) -> GraphResult {
    let world = shared.world();
    if !world.wabas.contains_key(waba_id) {
        return Err(GraphFailure::unknown_object(waba_id));
    }
    let data: Vec<Value> = world
        .numbers
        .values()
        .filter(|n| n.waba_id == waba_id)
        .map(|n| Value::Object(number_fields(n)))
        .collect();
    ok(json!({"data": data}))
}

/// `POST|GET /{waba_id}/subscribed_apps`.
pub(crate) fn subscribed_apps(shared: &Shared, waba_id: &str, method: &Method) -> GraphResult {
    let mut world = shared.world();
    if !world.wabas.contains_key(waba_id) {
        return Err(GraphFailure::unknown_object(waba_id));
    }
    if method == Method::POST {
        world.signup.subscribed.insert(waba_id.to_owned());
        return ok(json!({"success": true}));
    }
    if !world.signup.subscribed.contains(waba_id) {
        return ok(json!({"data": []}));
    }
    ok(
        json!({"data": [{"whatsapp_business_api_data": {"id": "sandbox-app", "name": "coexist sandbox"}}]}),
    )
}
