//! `GET` and `POST /{waba_id}/message_templates`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::error::GraphFailure;
use crate::graph::{GraphResult, json_body, ok};
use crate::server::Shared;
use crate::state::templates::Template;
use crate::world::templates_ops::NewTemplate;

/// A template as Graph lists it.
pub(crate) fn template_json(t: &Template) -> Value {
    json!({
        "name": t.name,
        "parameter_format": t.parameter_format,
        "components": t.components,
        "language": t.language,
        "status": t.status,
        "category": t.category,
        "sub_category": "CUSTOM",
        "id": t.id,
    })
}

pub(crate) fn list(
    shared: &Shared,
    waba_id: &str,
    query: &BTreeMap<String, String>,
) -> GraphResult {
    let world = shared.world();
    if !world.wabas.contains_key(waba_id) {
        return Err(GraphFailure::unknown_object(waba_id));
    }
    let status = query.get("status").map(|s| s.to_ascii_uppercase());
    let name = query.get("name");
    let fields: Option<Vec<&str>> = query
        .get("fields")
        .map(|f| f.split(',').map(str::trim).collect());
    let data: Vec<Value> = world
        .templates
        .items
        .values()
        .filter(|t| t.waba_id == waba_id)
        .filter(|t| status.as_ref().is_none_or(|s| *s == t.status))
        .filter(|t| name.is_none_or(|n| *n == t.name))
        .map(|t| {
            let full = template_json(t);
            match &fields {
                None => full,
                Some(fields) => {
                    let mut out = serde_json::Map::new();
                    for f in fields {
                        if let Some(v) = full.get(*f) {
                            out.insert((*f).to_owned(), v.clone());
                        }
                    }
                    out.insert("id".to_owned(), json!(t.id));
                    Value::Object(out)
                }
            }
        })
        .collect();
    ok(json!({"data": data, "paging": {"cursors": {"before": "MAZDZD", "after": "MjQZD"}}}))
}

pub(crate) fn create(shared: &std::sync::Arc<Shared>, waba_id: &str, body: &[u8]) -> GraphResult {
    let request: Value = json_body(body)?;
    let field = |name: &str| {
        request
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                GraphFailure::invalid_parameter(format!("Invalid parameter: {name} is required"))
            })
    };
    let new = NewTemplate {
        name: field("name")?,
        language: field("language")?,
        category: field("category")?,
        parameter_format: request
            .get("parameter_format")
            .and_then(Value::as_str)
            .map(str::to_owned),
        components: request
            .get("components")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| {
                GraphFailure::invalid_parameter("Invalid parameter: components is required")
            })?,
    };
    let template = shared.world().create_template(waba_id, new)?;
    shared.kick();
    ok(json!({"id": template.id, "status": template.status, "category": template.category}))
}
