//! Graph API bodies round-trip; endpoint metadata renders.

use meta::graph::media::{FileSize, MediaInfo, UploadMediaResponse};
use meta::graph::messages::{PacingStatus, SendMessageResponse};
use meta::graph::oauth::{AccessTokenQuery, AccessTokenResponse};
use meta::graph::phone_numbers::{PhoneNumber, PhoneNumberList, PlatformType, ThroughputLevel};
use meta::graph::smb_app_data::{SmbAppDataRequest, SmbAppDataResponse, SyncType};
use meta::graph::subscribed_apps::{SubscribeAppRequest, SubscribedAppList};
use meta::graph::templates::{
    CreateTemplateRequest, CreateTemplateResponse, TemplateList, is_valid_template_name,
    placeholders,
};
use meta::graph::{self, Endpoint, Method, RenderError, SuccessResponse};
use meta::webhook::templates::TemplateStatus;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::fixtures;

/// Parses `value` as `T` and checks it serializes back to the same JSON.
fn round_trip<T: DeserializeOwned + Serialize>(value: Value) -> T {
    let parsed: T =
        serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"));
    assert_eq!(serde_json::to_value(&parsed).expect("serialize"), value);
    parsed
}

#[test]
fn the_send_response_fixture_round_trips() {
    let value: Value = serde_json::from_slice(&fixtures::bytes(
        "meta-docs/send_text_response_example.json",
    ))
    .expect("json");
    let response: SendMessageResponse = round_trip(value.clone());
    assert_eq!(
        response.message_id().map(|m| m.as_str()),
        Some("wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA")
    );
    let contact = &response.contacts.as_ref().expect("contacts")[0];
    let built = SendMessageResponse::new(
        contact.input.clone().expect("input"),
        contact.wa_id.clone().expect("wa_id"),
        response.messages[0].id.clone(),
    );
    assert_eq!(serde_json::to_value(built).expect("ser"), value);
}

#[test]
fn a_paced_template_send_response_keeps_message_status() {
    let response: SendMessageResponse = round_trip(json!({"messaging_product": "whatsapp",
        "contacts": [{"input": "16505551234", "wa_id": "16505551234"}],
        "messages": [{"id": "wamid.A", "message_status": "held_for_quality_assessment"}]}));
    assert_eq!(
        response.messages[0].message_status,
        Some(PacingStatus::HeldForQualityAssessment)
    );
}

#[test]
fn media_bodies_round_trip_with_file_size_as_number_or_string() {
    let upload: UploadMediaResponse = round_trip(json!({"id": "1479537139650973"}));
    assert_eq!(upload.id, "1479537139650973");
    for size in [json!(12345), json!("12345")] {
        let info: MediaInfo = round_trip(
            json!({"messaging_product": "whatsapp", "url": "https://lookaside.fbsbx.com/x",
            "mime_type": "image/jpeg", "sha256": "abc", "file_size": size, "id": "1"}),
        );
        assert_eq!(
            info.file_size.as_ref().and_then(FileSize::bytes),
            Some(12345)
        );
    }
    let _: SuccessResponse = round_trip(json!({"success": true}));
    assert_eq!(
        serde_json::to_value(SuccessResponse::ok()).expect("ser"),
        json!({"success": true})
    );
}

#[test]
fn template_bodies_round_trip() {
    let list: TemplateList = round_trip(json!({"data": [
            {"name": "reservation_confirmation", "category": "UTILITY", "status": "APPROVED", "id": "1387372356726668"},
            {"name": "address_update", "category": "UTILITY", "status": "PENDING", "id": "1137051647947973",
             "language": "en_US", "parameter_format": "NAMED", "sub_category": "CUSTOM",
             "components": [{"type": "BODY", "text": "Hi {{first_name}}", "example": {"body_text_named_params": []}}]}],
        "paging": {"cursors": {"before": "QVFIU...", "after": "QVFIU..."}, "next": "https://graph.facebook.com/v23.0/10229..."}}));
    assert_eq!(list.data[1].status, Some(TemplateStatus::Pending));
    assert!(list.paging.as_ref().and_then(|p| p.next.as_ref()).is_some());
    let create: CreateTemplateRequest = round_trip(
        json!({"name": "order_confirmation", "language": "en_US",
        "category": "utility", "parameter_format": "named", "components": [{"type": "body",
        "text": "Thank you, {{first_name}}!", "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Pablo"}]}}]}),
    );
    assert!(is_valid_template_name(&create.name));
    assert!(!is_valid_template_name("Order Confirmation"));
    let created: CreateTemplateResponse =
        round_trip(json!({"id": "594425479261596", "status": "PENDING", "category": "UTILITY"}));
    assert_eq!(created.id.as_u64(), Some(594_425_479_261_596));
}

#[test]
fn coexistence_bodies_round_trip() {
    let request: SmbAppDataRequest =
        round_trip(json!({"messaging_product": "whatsapp", "sync_type": "smb_app_state_sync"}));
    assert_eq!(request.sync_type, SyncType::SmbAppStateSync);
    assert_eq!(
        serde_json::to_value(SmbAppDataRequest::new(SyncType::History)).expect("ser"),
        json!({"messaging_product": "whatsapp", "sync_type": "history"})
    );
    let response: SmbAppDataResponse =
        round_trip(json!({"messaging_product": "whatsapp", "request_id": "<REQUEST_ID>"}));
    assert_eq!(response.request_id, "<REQUEST_ID>");
    let number: PhoneNumber = round_trip(
        json!({"is_on_biz_app": true, "platform_type": "CLOUD_API", "id": "106540352242922"}),
    );
    assert!(number.is_coexistence());
    assert_eq!(number.platform_type, Some(PlatformType::CloudApi));
}

#[test]
fn phone_number_lists_and_subscriptions_round_trip() {
    let list: PhoneNumberList = round_trip(
        json!({"data": [{"verified_name": "Lucky Shrub", "code_verification_status": "VERIFIED",
        "display_phone_number": "+1 555-078-3881", "quality_rating": "GREEN", "platform_type": "CLOUD_API",
        "throughput": {"level": "STANDARD"}, "id": "106540352242922", "name_status": "APPROVED"}],
        "paging": {"cursors": {"before": "a", "after": "b"}}}),
    );
    let number = &list.data[0];
    assert_eq!(
        number.throughput.as_ref().and_then(|t| t.level.clone()),
        Some(ThroughputLevel::Standard)
    );
    let display = number.display_phone_number.as_ref().expect("display");
    assert_eq!(display.to_wa_id().expect("digits"), "15550783881");
    let _: SubscribeAppRequest = round_trip(
        json!({"override_callback_uri": "https://hub.example/webhook", "verify_token": "t"}),
    );
    let _: SubscribeAppRequest = round_trip(json!({}));
    let apps: SubscribedAppList = round_trip(json!({"data": [{"whatsapp_business_api_data":
        {"id": "670843887433847", "link": "https://www.facebook.com/games/?app_id=670843887433847", "name": "Lucky Shrub"},
        "override_callback_uri": "https://hub.example/webhook"}]}));
    assert_eq!(
        apps.data[0].override_callback_uri.as_deref(),
        Some("https://hub.example/webhook")
    );
}

#[test]
fn the_token_exchange_response_round_trips_and_the_query_hides_the_secret() {
    let token: AccessTokenResponse =
        round_trip(json!({"access_token": "EAAG...", "token_type": "bearer"}));
    assert_eq!(token.access_token, "EAAG...");
    let query = AccessTokenQuery {
        client_id: "1".to_owned(),
        client_secret: "s3cret".to_owned(),
        code: "c0de".to_owned(),
    };
    assert_eq!(query.query_pairs()[1], ("client_secret", "s3cret"));
    let shown = format!("{query:?}");
    assert!(
        !shown.contains("s3cret") && !shown.contains("c0de"),
        "{shown}"
    );
}

#[test]
fn endpoints_render_with_a_version_and_parameters() {
    assert_eq!(
        graph::SEND_MESSAGE,
        Endpoint {
            method: Method::Post,
            path: "/{phone_number_id}/messages"
        }
    );
    assert_eq!(
        graph::SEND_MESSAGE.render("25.0", &[("phone_number_id", "106540352242922")]),
        Ok("/v25.0/106540352242922/messages".to_owned())
    );
    assert_eq!(
        graph::GET_MEDIA.render("v23.0", &[("media_id", "42")]),
        Ok("/v23.0/42".to_owned())
    );
    assert_eq!(
        graph::EXCHANGE_TOKEN.render("21.0", &[]),
        Ok("/v21.0/oauth/access_token".to_owned())
    );
    assert_eq!(graph::LIST_TEMPLATES.parameters(), vec!["waba_id"]);
    assert_eq!(
        graph::SEND_MESSAGE.render("25.0", &[]),
        Err(RenderError::MissingParameter("phone_number_id".to_owned()))
    );
    assert!(matches!(
        graph::GET_MEDIA.render("25.0", &[("media_id", "../x")]),
        Err(RenderError::InvalidValue { .. })
    ));
    assert_eq!(graph::MARK_READ, graph::SEND_MESSAGE);
    assert_eq!(graph::DELETE_MEDIA.method.as_str(), "DELETE");
}

#[test]
fn every_endpoint_has_a_distinct_method_and_path() {
    let mut seen = std::collections::BTreeSet::new();
    for endpoint in graph::ALL_ENDPOINTS {
        assert!(endpoint.path.starts_with('/'), "{endpoint:?}");
        assert!(
            seen.insert((endpoint.method.as_str(), endpoint.path)),
            "{endpoint:?} listed twice"
        );
        let params: Vec<(&str, &str)> = endpoint
            .parameters()
            .into_iter()
            .map(|p| (p, "1"))
            .collect();
        assert!(endpoint.render("25.0", &params).is_ok(), "{endpoint:?}");
    }
}

#[test]
fn template_placeholders_are_listed_once_in_order_and_an_unclosed_one_ends_the_scan() {
    assert_eq!(
        placeholders("Hi {{1}}, order {{ 2 }} for {{1}} ({{first_name}})"),
        ["1", "2", "first_name"]
    );
    assert_eq!(placeholders("Broken {{1"), Vec::<&str>::new());
    assert_eq!(placeholders("No params, {{}} empty"), Vec::<&str>::new());
}
