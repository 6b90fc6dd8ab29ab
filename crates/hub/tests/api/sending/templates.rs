//! Templates: synced from the business account, created and submitted from coexist, approved by
//! Meta's webhook; sends name them and the hub checks them first.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::rig::{CUSTOMER, error_code, rig, template};

#[tokio::test]
async fn templates_sync_from_the_business_account_with_their_definitions() {
    let rig = rig().await;
    assert!(rig.list("/api/v1/templates").await.is_empty());
    let report: Value = rig
        .post("/api/v1/templates/sync", &json!({}), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["wabas"], json!([rig.sandbox.waba_id()]));
    assert!(report["templates"].as_u64().unwrap() >= 3, "{report}");
    let approved = rig.list("/api/v1/templates?status=APPROVED").await;
    let names: Vec<&str> = approved
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"order_update") && names.contains(&"spring_sale"),
        "{names:?}"
    );
    let order = approved
        .iter()
        .find(|t| t["name"] == "order_update")
        .unwrap();
    assert_eq!(order["category"], "UTILITY");
    let body = order["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "BODY")
        .unwrap();
    assert_eq!(body["text"], "Hi {{1}}, your order {{2}} is now {{3}}.");
    let of_number = rig
        .list(&format!("/api/v1/templates?number_id={}", rig.coex.1))
        .await;
    assert_eq!(of_number.len(), rig.list("/api/v1/templates").await.len());
    assert!(
        rig.list("/api/v1/templates?status=REJECTED")
            .await
            .is_empty()
    );
    let r = rig
        .client
        .get(rig.url("/api/v1/templates?number_id=999"))
        .bearer_auth(&rig.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    rig.stop().await;
}

#[tokio::test]
async fn unknown_unapproved_and_mismatched_templates_are_refused_before_meta() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    rig.sync_templates().await;
    let cases = [
        (template("no_such_template", &[]), "template_not_found"),
        (
            template("order_update", &["only", "two"]),
            "template_parameters",
        ),
        (
            template("hello_world", &["unexpected"]),
            "template_parameters",
        ),
    ];
    for (body, code) in cases {
        let refused = rig.send(chat, body, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&refused), code, "{refused}");
    }
    let refused = rig
        .send(
            chat,
            template("order_update", &["a"]),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("body expects 3 parameters ({{1}}, {{2}}, {{3}}) but 1 was given"),
        "{message}"
    );
    let mut other_language = template("order_update", &["a", "b", "c"]);
    other_language["template"]["language"]["code"] = json!("pt_BR");
    let refused = rig
        .send(chat, other_language, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    assert_eq!(error_code(&refused), "template_not_found");
    assert!(rig.sent().await.is_empty());
    rig.stop().await;
}

fn create_body(name: &str) -> Value {
    json!({
        "name": name,
        "language": "en_US",
        "category": "utility",
        "parameter_format": "named",
        "components": [{
            "type": "body",
            "text": "Thank you, {{first_name}}! Your order number is {{order_number}}.",
            "example": {"body_text_named_params": [
                {"param_name": "first_name", "example": "Pablo"},
                {"param_name": "order_number", "example": "860198-230332"}
            ]}
        }]
    })
}

fn named(name: &str) -> Value {
    json!({"type": "template", "template": {"name": name, "language": {"code": "en_US"},
    "components": [{"type": "body", "parameters": [
        {"type": "text", "parameter_name": "first_name", "text": "Pablo"},
        {"type": "text", "parameter_name": "order_number", "text": "860198"}
    ]}]}})
}

#[tokio::test]
async fn a_created_template_is_pending_until_the_approval_webhook() {
    let rig = rig().await;
    let chat = rig.customer_says(CUSTOMER, "hi").await;
    let created = rig
        .post("/api/v1/templates", &create_body("order_thanks"), None)
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(
        (created["status"].as_str(), created["category"].as_str()),
        (Some("PENDING"), Some("UTILITY"))
    );
    assert_eq!(created["parameter_format"], "NAMED");
    assert_eq!(created["components"][0]["type"], "BODY");
    let at_meta = rig.sandbox.control("GET", "/templates", None).await.body;
    assert!(at_meta.to_string().contains("order_thanks"));
    let refused = rig
        .send(
            chat,
            named("order_thanks"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(error_code(&refused), "template_not_approved");
    // Meta reviews it (60 s in the sandbox) and says so by webhook.
    rig.advance_ms(61_000).await;
    let listed = rig.list("/api/v1/templates?status=APPROVED").await;
    assert!(
        listed.iter().any(|t| t["name"] == "order_thanks"),
        "{listed:?}"
    );
    let m = rig
        .send(chat, named("order_thanks"), StatusCode::ACCEPTED)
        .await;
    assert_eq!(m["text"], "Thank you, Pablo! Your order number is 860198.");
    rig.run_outbox().await;
    assert_eq!(
        rig.message(m["id"].as_str().unwrap()).await["send"]["state"],
        "sent"
    );
    // The same name and language again: Meta refuses it, and says why.
    let duplicate = rig
        .post("/api/v1/templates", &create_body("order_thanks"), None)
        .await;
    assert_eq!(duplicate.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let duplicate: Value = duplicate.json().await.unwrap();
    assert_eq!(error_code(&duplicate), "meta_refused");
    assert_eq!(duplicate["error"]["details"]["meta_code"], 100);
    rig.stop().await;
}

#[tokio::test]
async fn template_bodies_meta_would_refuse_are_refused_first() {
    let rig = rig().await;
    let mut bad_name = create_body("x");
    bad_name["name"] = json!("Order Thanks");
    let mut bad_category = create_body("ok_name");
    bad_category["category"] = json!("promo");
    for body in [
        bad_name,
        bad_category,
        json!({"name": "a_b", "language": "en_US", "category": "utility"}),
    ] {
        let r = rig.post("/api/v1/templates", &body, None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            error_code(&r.json::<Value>().await.unwrap()),
            "invalid_template"
        );
    }
    let mut elsewhere = create_body("ok_name");
    elsewhere["waba_id"] = json!("123");
    let r = rig.post("/api/v1/templates", &elsewhere, None).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    rig.stop().await;
}
