//! Send-side validation: META.md §6.2's examples pass; each rule rejects with the right code
//! and a details sentence naming the field.

use meta::error::{ErrorCode, Rejection};
use meta::graph::interactive::{InteractiveMessage, ListRow, ListSection};
use meta::graph::messages::MessagesRequest;
use meta::graph::send::{OutboundContent, SendMessageRequest};
use meta::graph::template_message::{TemplateComponent, TemplateMessage, TemplateParameter};
use meta::graph::validate::limits;
use serde_json::{Value, json};

/// The request bodies of META.md §6.2 (text, templates, media, buttons, list, reaction,
/// contextual reply).
fn meta_examples() -> Vec<Value> {
    vec![
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+16505551234", "type": "text",
               "text": {"preview_url": true, "body": "As requested, here's the link to our latest product: https://www.meta.com/quest/quest-3/"}}),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+16505551234", "type": "template",
               "template": {"name": "order_confirmation", "language": {"code": "en_US"}, "components": [
                   {"type": "body", "parameters": [{"type": "text", "text": "Jessica"}, {"type": "text", "text": "SKBUP2-4CPIG9"}]}]}}),
        json!({"messaging_product": "whatsapp", "to": "+16505551234", "type": "template",
               "template": {"name": "order_confirmation", "language": {"code": "en_US"}, "components": [
                   {"type": "header", "parameters": [{"type": "image", "image": {"id": "1234"}}]},
                   {"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Pablo"}]},
                   {"type": "button", "sub_type": "quick_reply", "index": 0, "parameters": [{"type": "payload", "payload": "P"}]},
                   {"type": "button", "sub_type": "url", "index": "1", "parameters": [{"type": "text", "text": "x"}]}]}}),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+16505551234", "type": "image",
               "image": {"id": "1479537139650973", "caption": "The best succulent ever?"}}),
        json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "document",
               "document": {"link": "https://example.com/order_abc123.pdf", "filename": "order_abc123.pdf"}}),
        json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "audio", "audio": {"id": "1", "voice": true}}),
        json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "sticker", "sticker": {"id": "2"}}),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+16505551234", "type": "interactive",
               "interactive": {"type": "button", "header": {"type": "image", "image": {"id": "2762702990552401"}},
                   "body": {"text": "Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!"},
                   "footer": {"text": "Lucky Shrub: Your gateway to succulents!™"},
                   "action": {"buttons": [{"type": "reply", "reply": {"id": "change-button", "title": "Change"}},
                                          {"type": "reply", "reply": {"id": "cancel-button", "title": "Cancel"}}]}}}),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+16505551234", "type": "interactive",
               "interactive": {"type": "list", "header": {"type": "text", "text": "Choose Shipping Option"},
                   "body": {"text": "Which shipping option do you prefer?"}, "footer": {"text": "Lucky Shrub: Your gateway to succulents™"},
                   "action": {"button": "Shipping Options", "sections": [{"title": "I want it ASAP!", "rows": [
                       {"id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days"}]}]}}}),
        json!({"messaging_product": "whatsapp", "to": "+16505551234", "type": "interactive",
               "interactive": {"type": "cta_url", "body": {"text": "See"}, "action": {"name": "cta_url",
                   "parameters": {"display_text": "Open", "url": "https://example.com"}}}}),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+16505551234", "type": "reaction",
               "reaction": {"message_id": "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQUZCMTY0MDc2MUYwNzBDNTY5MAA=", "emoji": "\u{1F600}"}}),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+16505551234",
               "context": {"message_id": "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA="},
               "type": "text", "text": {"body": "You're welcome, Pablo!"}}),
        json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "location",
               "location": {"latitude": 37.4611978, "longitude": -122.2164385, "name": "HQ"}}),
        json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "contacts",
               "contacts": [{"name": {"formatted_name": "Chandler Bing", "first_name": "Chandler"}}]}),
    ]
}

fn parse_send(value: &Value) -> SendMessageRequest {
    let body = serde_json::to_vec(value).expect("serialize");
    match MessagesRequest::from_json_slice(&body).unwrap_or_else(|e| panic!("{e}: {value}")) {
        MessagesRequest::Send(request) => *request,
        MessagesRequest::MarkRead(_) => panic!("not a send request"),
    }
}

fn rejection(value: Value) -> Rejection {
    parse_send(&value).validate().expect_err("must be rejected")
}

fn assert_rejected(value: Value, code: ErrorCode, field: &str) {
    let rejection = rejection(value);
    assert_eq!(rejection.code, code, "{rejection}");
    assert!(
        rejection.details.contains(field),
        "details {:?} should name {field}",
        rejection.details
    );
    assert!(
        rejection.details.ends_with('.'),
        "{:?} is a sentence",
        rejection.details
    );
}

fn text(body: &str) -> Value {
    json!({"messaging_product": "whatsapp", "to": "1", "type": "text", "text": {"body": body}})
}

fn buttons(list: Value) -> Value {
    json!({"messaging_product": "whatsapp", "to": "1", "type": "interactive",
           "interactive": {"type": "button", "body": {"text": "b"}, "action": {"buttons": list}}})
}

fn button(id: &str, title: &str) -> Value {
    json!({"type": "reply", "reply": {"id": id, "title": title}})
}

fn list(sections: Value) -> Value {
    json!({"messaging_product": "whatsapp", "to": "1", "type": "interactive",
           "interactive": {"type": "list", "body": {"text": "b"}, "action": {"button": "Open", "sections": sections}}})
}

fn rows(n: usize, prefix: &str) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"id": format!("{prefix}{i}"), "title": "t"}))
            .collect(),
    )
}

#[test]
fn meta_s_examples_pass_and_round_trip() {
    for example in meta_examples() {
        let request = parse_send(&example);
        assert_eq!(request.validate(), Ok(()), "{example}");
        assert_eq!(serde_json::to_value(&request).expect("serialize"), example);
    }
}

#[test]
fn text_body_over_4096_is_rejected_and_4096_passes() {
    assert_eq!(
        parse_send(&text(&"é".repeat(limits::TEXT_BODY_MAX))).validate(),
        Ok(())
    );
    assert_rejected(
        text(&"a".repeat(limits::TEXT_BODY_MAX + 1)),
        ErrorCode::InvalidParameterValue,
        "text.body",
    );
    assert_rejected(text(""), ErrorCode::RequiredParameterMissing, "text.body");
}

#[test]
fn caption_over_1024_is_rejected() {
    let long = "c".repeat(limits::CAPTION_MAX + 1);
    for kind in ["image", "video", "document"] {
        let request = json!({"messaging_product": "whatsapp", "to": "1", "type": kind, kind: {"id": "5", "caption": long}});
        assert_rejected(
            request,
            ErrorCode::InvalidParameterValue,
            &format!("{kind}.caption"),
        );
    }
}

#[test]
fn media_needs_exactly_one_of_id_and_link() {
    let neither = json!({"messaging_product": "whatsapp", "to": "1", "type": "image", "image": {"caption": "c"}});
    assert_rejected(
        neither,
        ErrorCode::RequiredParameterMissing,
        "image.id or image.link",
    );
    let both = json!({"messaging_product": "whatsapp", "to": "1", "type": "audio", "audio": {"id": "1", "link": "https://x"}});
    assert_rejected(
        both,
        ErrorCode::InvalidParameterValue,
        "audio.id and audio.link",
    );
}

#[test]
fn more_than_three_buttons_are_rejected() {
    let four = json!([
        button("a", "A"),
        button("b", "B"),
        button("c", "C"),
        button("d", "D")
    ]);
    assert_rejected(
        buttons(four),
        ErrorCode::InvalidParameterValue,
        "interactive.action.buttons",
    );
}

#[test]
fn button_titles_must_fit_20_characters_and_be_unique() {
    let long = json!([button("a", &"T".repeat(limits::BUTTON_TITLE_MAX + 1))]);
    assert_rejected(
        buttons(long),
        ErrorCode::InvalidParameterValue,
        "interactive.action.buttons[0].reply.title",
    );
    let duplicate = json!([button("a", "Same"), button("b", "Same")]);
    assert_rejected(
        buttons(duplicate),
        ErrorCode::InvalidParameterValue,
        "\"Same\"",
    );
    let missing_id = json!([{"type": "reply", "reply": {"title": "T"}}]);
    assert_rejected(
        buttons(missing_id),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.buttons[0].reply.id",
    );
    assert_rejected(
        buttons(json!([])),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.buttons",
    );
}

#[test]
fn list_limits_are_enforced() {
    let eleven_sections: Vec<Value> = (0..11)
        .map(|i| json!({"title": "s", "rows": rows(1, &format!("s{i}r"))}))
        .collect();
    assert_rejected(
        list(Value::Array(eleven_sections)),
        ErrorCode::InvalidParameterValue,
        "sections",
    );
    let eleven_rows =
        json!([{"title": "a", "rows": rows(6, "a")}, {"title": "b", "rows": rows(5, "b")}]);
    assert_rejected(
        list(eleven_rows),
        ErrorCode::InvalidParameterValue,
        "11 rows",
    );
    let ten_rows =
        json!([{"title": "a", "rows": rows(5, "a")}, {"title": "b", "rows": rows(5, "b")}]);
    assert_eq!(parse_send(&list(ten_rows)).validate(), Ok(()));
    let long_section =
        json!([{"title": "S".repeat(limits::SECTION_TITLE_MAX + 1), "rows": rows(1, "r")}]);
    assert_rejected(
        list(long_section),
        ErrorCode::InvalidParameterValue,
        "interactive.action.sections[0].title",
    );
    let long_row = json!([{"rows": [{"id": "r", "title": "T".repeat(limits::ROW_TITLE_MAX + 1)}]}]);
    assert_rejected(
        list(long_row),
        ErrorCode::InvalidParameterValue,
        "sections[0].rows[0].title",
    );
    let long_desc = json!([{"rows": [{"id": "r", "title": "t", "description": "d".repeat(limits::ROW_DESCRIPTION_MAX + 1)}]}]);
    assert_rejected(
        list(long_desc),
        ErrorCode::InvalidParameterValue,
        "rows[0].description",
    );
    let long_id = json!([{"rows": [{"id": "i".repeat(limits::ROW_ID_MAX + 1), "title": "t"}]}]);
    assert_rejected(
        list(long_id),
        ErrorCode::InvalidParameterValue,
        "rows[0].id",
    );
    let duplicate_ids = json!([{"rows": [{"id": "x", "title": "a"}, {"id": "x", "title": "b"}]}]);
    assert_rejected(
        list(duplicate_ids),
        ErrorCode::InvalidParameterValue,
        "\"x\"",
    );
    assert_rejected(
        list(json!([])),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.sections",
    );
}

#[test]
fn list_button_label_is_limited_to_20() {
    let mut request = list(json!([{"rows": rows(1, "r")}]));
    request["interactive"]["action"]["button"] = json!("B".repeat(limits::LIST_BUTTON_MAX + 1));
    assert_rejected(
        request,
        ErrorCode::InvalidParameterValue,
        "interactive.action.button",
    );
}

#[test]
fn header_and_footer_over_60_are_rejected() {
    let mut request = buttons(json!([button("a", "A")]));
    request["interactive"]["footer"] = json!({"text": "f".repeat(limits::FOOTER_TEXT_MAX + 1)});
    assert_rejected(
        request,
        ErrorCode::InvalidParameterValue,
        "interactive.footer.text",
    );
    let mut request = list(json!([{"rows": rows(1, "r")}]));
    request["interactive"]["header"] =
        json!({"type": "text", "text": "h".repeat(limits::HEADER_TEXT_MAX + 1)});
    assert_rejected(
        request,
        ErrorCode::InvalidParameterValue,
        "interactive.header.text",
    );
}

#[test]
fn button_body_is_limited_to_1024_and_list_body_to_4096() {
    let mut request = buttons(json!([button("a", "A")]));
    request["interactive"]["body"] = json!({"text": "b".repeat(limits::BUTTON_BODY_MAX + 1)});
    assert_rejected(
        request,
        ErrorCode::InvalidParameterValue,
        "interactive.body.text",
    );
    let mut request = list(json!([{"rows": rows(1, "r")}]));
    request["interactive"]["body"] = json!({"text": "b".repeat(limits::BUTTON_BODY_MAX + 1)});
    assert_eq!(parse_send(&request).validate(), Ok(()));
    request["interactive"]["body"] = json!({"text": "b".repeat(limits::LIST_BODY_MAX + 1)});
    assert_rejected(
        request,
        ErrorCode::InvalidParameterValue,
        "interactive.body.text",
    );
}

#[test]
fn missing_to_type_or_content_object_is_131008() {
    assert_rejected(
        json!({"messaging_product": "whatsapp", "type": "text", "text": {"body": "b"}}),
        ErrorCode::RequiredParameterMissing,
        "to",
    );
    assert_rejected(
        json!({"messaging_product": "whatsapp", "to": "1", "text": {"body": "b"}}),
        ErrorCode::RequiredParameterMissing,
        "type",
    );
    assert_rejected(
        json!({"messaging_product": "whatsapp", "to": "1", "type": "text"}),
        ErrorCode::RequiredParameterMissing,
        "text",
    );
    assert_rejected(
        json!({"to": "1", "type": "text", "text": {"body": "b"}}),
        ErrorCode::RequiredParameterMissing,
        "messaging_product",
    );
}

#[test]
fn an_unknown_type_is_100() {
    let request =
        json!({"messaging_product": "whatsapp", "to": "1", "type": "hologram", "hologram": {}});
    assert_rejected(request.clone(), ErrorCode::InvalidParameter, "\"hologram\"");
    assert_eq!(
        serde_json::to_value(parse_send(&request)).expect("serialize"),
        request
    );
}

#[test]
fn a_reaction_cannot_be_a_reply() {
    let request = json!({"messaging_product": "whatsapp", "to": "1", "context": {"message_id": "wamid.A"},
                         "type": "reaction", "reaction": {"message_id": "wamid.B", "emoji": "👍"}});
    assert_rejected(request, ErrorCode::InvalidParameterValue, "context");
    let no_target = json!({"messaging_product": "whatsapp", "to": "1", "type": "reaction", "reaction": {"emoji": "👍"}});
    assert_rejected(
        no_target,
        ErrorCode::RequiredParameterMissing,
        "reaction.message_id",
    );
}

#[test]
fn templates_need_a_name_and_a_language_code() {
    let request = json!({"messaging_product": "whatsapp", "to": "1", "type": "template", "template": {"language": {"code": "en"}}});
    assert_rejected(
        request,
        ErrorCode::RequiredParameterMissing,
        "template.name",
    );
    let request = json!({"messaging_product": "whatsapp", "to": "1", "type": "template", "template": {"name": "n"}});
    assert_rejected(
        request,
        ErrorCode::RequiredParameterMissing,
        "template.language.code",
    );
}

#[test]
fn json_problems_in_a_request_map_to_meta_errors() {
    let missing_body = br#"{"messaging_product":"whatsapp","to":"1","type":"text","text":{}}"#;
    let error = MessagesRequest::from_json_slice(missing_body).expect_err("must fail");
    assert_eq!(error.code, ErrorCode::RequiredParameterMissing);
    assert_eq!(error.details, "The parameter text.body is required.");
    let wrong_type =
        br#"{"messaging_product":"whatsapp","to":"1","type":"text","text":{"body":5}}"#;
    let error = MessagesRequest::from_json_slice(wrong_type).expect_err("must fail");
    assert_eq!(error.code, ErrorCode::InvalidParameter);
    assert!(error.details.contains("text.body"), "{error}");
    let not_json = MessagesRequest::from_json_slice(b"{").expect_err("must fail");
    assert_eq!(not_json.code, ErrorCode::InvalidParameter);
}

#[test]
fn mark_read_with_typing_round_trips_and_has_no_to_or_type() {
    let body = crate::fixtures::bytes("meta-docs/mark_read_typing_indicator_request_example.json");
    let MessagesRequest::MarkRead(request) =
        MessagesRequest::from_json_slice(&body).expect("parse")
    else {
        panic!("mark read expected");
    };
    assert!(request.typing_indicator.is_some());
    let json = serde_json::to_value(&request).expect("serialize");
    assert_eq!(json, serde_json::from_slice::<Value>(&body).expect("json"));
    let built =
        meta::graph::messages::MarkReadRequest::new(request.message_id.clone()).with_typing();
    assert_eq!(serde_json::to_value(&built).expect("serialize"), json);
}

#[test]
fn builders_produce_valid_requests() {
    let template = TemplateMessage::new("order_confirmation", "en_US")
        .with_component(TemplateComponent::body_text(&["Jessica", "SKBUP2-4CPIG9"]))
        .with_component(TemplateComponent::quick_reply(0, "yes"));
    let list_message = InteractiveMessage::list(
        "Which?",
        "Options",
        vec![ListSection::new(
            "Fast",
            vec![ListRow::new("express", "Express")],
        )],
    );
    let requests = [
        SendMessageRequest::text("+16505551234", "hi"),
        SendMessageRequest::template("16505551234", template),
        SendMessageRequest::interactive(
            "1",
            InteractiveMessage::buttons("Pick", &[("a", "A"), ("b", "B")]),
        ),
        SendMessageRequest::interactive("1", list_message),
        SendMessageRequest::reaction("1", "wamid.X".parse().expect("id"), "👍"),
        SendMessageRequest::image("1", "123".parse().expect("id"), Some("cap"))
            .replying_to("wamid.Y".parse().expect("id"))
            .with_callback_data("cb"),
    ];
    for request in requests {
        assert_eq!(request.validate(), Ok(()), "{request:?}");
        let json = serde_json::to_vec(&request).expect("serialize");
        let MessagesRequest::Send(back) = MessagesRequest::from_json_slice(&json).expect("parse")
        else {
            panic!()
        };
        assert_eq!(*back, request);
    }
    let named = TemplateParameter::named_text("first_name", "Pablo");
    assert_eq!(
        serde_json::to_value(named).expect("ser"),
        json!({"type": "text", "parameter_name": "first_name", "text": "Pablo"})
    );
    assert!(matches!(
        SendMessageRequest::text("1", "x").content,
        Some(OutboundContent::Text(_))
    ));
}
