//! Integration tests of the `meta` crate. One binary, one module per area.

mod basics;
mod events;
mod fixtures;
mod graph_errors;
mod graph_types;
mod lossless;
mod malformed;
mod signature;
mod smoke;
mod validate;
mod variants;

#[test]
fn component_types_match_ignoring_case_but_keep_their_spelling() {
    use meta::graph::template_message::{ComponentType, TemplateComponent};
    let c: TemplateComponent = serde_json::from_str(r#"{"type":"BODY","parameters":[]}"#).unwrap();
    assert_eq!(c.type_.normalized(), ComponentType::Body);
    assert_eq!(serde_json::to_value(&c).unwrap()["type"], "BODY");
}
