//! `Envelope::events()` flattening and the webhook builders the sandbox uses.

use meta::error::{ErrorCode, WebhookError};
use meta::ids::{DisplayPhoneNumber, PhoneNumberId, UserId, WaId, WabaId, Wamid};
use meta::time::Timestamp;
use meta::webhook::account_update::{AccountUpdate, DisconnectionReason, InitiatedBy};
use meta::webhook::echoes::{EchoesValue, MessageEcho};
use meta::webhook::history::{
    HistoryItem, HistoryMessage, HistoryStatus, HistoryThread, HistoryValue,
};
use meta::webhook::messages::{InboundMessage, MessageContent, MessagesValue};
use meta::webhook::state_sync::{StateSyncEntry, StateSyncValue};
use meta::webhook::statuses::{DeliveryStatus, Pricing, PricingCategory, PricingType, Status};
use meta::webhook::templates::{TemplateStatus, TemplateStatusUpdate};
use meta::webhook::user_preferences::{PreferenceValue, UserPreference, UserPreferencesValue};
use meta::webhook::{Change, ChangeValue, Contact, Entry, Envelope, EventKind, Metadata};

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().expect("valid id")
}

fn metadata() -> Metadata {
    Metadata::new(
        id::<DisplayPhoneNumber>("15550783881"),
        id::<PhoneNumberId>("106540352242922"),
    )
}

fn user() -> WaId {
    id("16505551234")
}

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_unix_secs(secs)
}

/// Serializes the envelope ASCII-only, parses it back and checks equality.
fn reparsed(envelope: &Envelope) -> Envelope {
    let bytes = meta::json::to_vec_ascii(envelope).expect("serialize");
    let back = meta::webhook::parse(&bytes).expect("parse");
    assert_eq!(&back, envelope);
    back
}

#[test]
fn builders_make_envelopes_that_parse_back_identically() {
    let waba: WabaId = id("102290129340398");
    let entries = vec![
        Entry::new(waba.clone(), number_changes()),
        Entry::new(
            waba.clone(),
            vec![Change::new(ChangeValue::AccountUpdate(Box::new(
                AccountUpdate::partner_removed(
                    waba.clone(),
                    DisconnectionReason::CompanionInactivity,
                    InitiatedBy::System,
                ),
            )))],
        )
        .with_time(1_748_477_359),
        Entry::new(
            waba,
            vec![Change::new(ChangeValue::TemplateStatus(
                TemplateStatusUpdate::new(
                    TemplateStatus::Approved,
                    meta::ids::TemplateId::from_integer(1_689_556_908_129_832),
                    "order_confirmation",
                    "en_US",
                ),
            ))],
        )
        .with_time(1_751_247_548),
    ];
    let envelope = reparsed(&Envelope::new(entries));
    let kinds: Vec<&str> = envelope
        .events()
        .iter()
        .map(|e| kind_name(&e.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            "inbound",
            "status",
            "echo",
            "state_sync",
            "state_sync",
            "history_chunk",
            "history_error",
            "account_update",
            "template_status"
        ]
    );
}

/// One change of each field a number's webhooks carry: an inbound reply, a priced status, an
/// echo, the address book (an add and a remove), and history (a chunk and a decline).
fn number_changes() -> Vec<Change> {
    let text = InboundMessage::text(user(), id("wamid.IN"), ts(1_749_416_383), "Grüße 👋")
        .replying_to(id("15550783881"), id("wamid.OUT"));
    let status = Status::new(
        id("wamid.OUT"),
        DeliveryStatus::Read,
        ts(1_750_030_073),
        user(),
    )
    .with_pricing(Pricing::pmp(
        PricingType::Regular,
        PricingCategory::Marketing,
    ));
    let echo = MessageEcho::new(
        id("15550783881"),
        user(),
        id("wamid.ECHO"),
        ts(1),
        MessageContent::Text(meta::webhook::content::Text::new("from the app")),
    );
    let contacts = vec![
        StateSyncEntry::add_contact(user(), "Pablo Morales", "Pablo", ts(3)),
        StateSyncEntry::remove_contact(user(), ts(4)),
    ];
    let history = vec![
        HistoryItem::chunk(0, 1, 100, vec![placeholder_thread()]),
        HistoryItem::declined(),
    ];
    vec![
        Change::new(ChangeValue::Messages(MessagesValue::inbound(
            metadata(),
            Contact::new(user(), "Sheena"),
            text,
        ))),
        Change::new(ChangeValue::Messages(MessagesValue::status(
            metadata(),
            status,
        ))),
        Change::new(ChangeValue::MessageEchoes(EchoesValue::single(
            metadata(),
            echo,
        ))),
        Change::new(ChangeValue::StateSync(StateSyncValue::new(
            metadata(),
            contacts,
        ))),
        Change::new(ChangeValue::History(HistoryValue::chunks(
            metadata(),
            history,
        ))),
    ]
}

/// A history thread with one business message whose media comes later.
fn placeholder_thread() -> HistoryThread {
    HistoryThread {
        id: user(),
        messages: vec![HistoryMessage::new(
            id("15550783881"),
            id("wamid.H"),
            ts(2),
            MessageContent::MediaPlaceholder,
            HistoryStatus::Read,
        )],
        extra: Default::default(),
    }
}

fn kind_name(kind: &EventKind<'_>) -> &'static str {
    match kind {
        EventKind::InboundMessage { .. } => "inbound",
        EventKind::Status { .. } => "status",
        EventKind::Echo { .. } => "echo",
        EventKind::StateSync(_) => "state_sync",
        EventKind::HistoryChunk(_) => "history_chunk",
        EventKind::HistoryMedia(_) => "history_media",
        EventKind::HistoryError(_) => "history_error",
        EventKind::AccountUpdate(_) => "account_update",
        EventKind::TemplateStatus(_) => "template_status",
        EventKind::TemplateCategory(_) => "template_category",
        EventKind::UserPreference { .. } => "user_preference",
        EventKind::ValueError(_) => "value_error",
        EventKind::Unknown { .. } => "unknown",
    }
}

#[test]
fn events_match_each_message_to_its_contact_in_a_batch() {
    let other: WaId = id("12125557890");
    let mut value = MessagesValue::for_number(metadata());
    value.contacts = Some(vec![
        Contact::new(user(), "Sheena"),
        Contact::new(other.clone(), "Ravi"),
    ]);
    value.messages = Some(vec![
        InboundMessage::text(other.clone(), id("wamid.1"), ts(1), "from Ravi"),
        InboundMessage::text(user(), id("wamid.2"), ts(2), "from Sheena"),
    ]);
    value.statuses = Some(vec![Status::new(
        id("wamid.3"),
        DeliveryStatus::Sent,
        ts(3),
        other,
    )]);
    value.errors = Some(vec![WebhookError::from_code(ErrorCode::RateLimitHit)]);
    let envelope = Envelope::single(id("1"), ChangeValue::Messages(value));
    let events = envelope.events();
    let names: Vec<Option<&str>> = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::InboundMessage { contact, .. } | EventKind::Status { contact, .. } => {
                contact.and_then(Contact::name)
            }
            _ => None,
        })
        .collect();
    assert_eq!(names, [Some("Ravi"), Some("Sheena"), Some("Ravi"), None]);
    assert!(
        matches!(events[3].kind, EventKind::ValueError(e) if e.code == ErrorCode::RateLimitHit)
    );
    assert!(
        events
            .iter()
            .all(|e| e.metadata == Some(&metadata()) && e.waba_id == "1")
    );
}

#[test]
fn a_username_user_without_phone_matches_by_bsuid() {
    let bsuid: UserId = id("US.13491208655302741918");
    let contact = Contact {
        user_id: Some(bsuid.clone()),
        ..Contact::default()
    };
    let mut message = InboundMessage::text(user(), id("wamid.1"), ts(1), "hi");
    message.from = None;
    message.from_user_id = Some(bsuid);
    let mut value = MessagesValue::for_number(metadata());
    value.contacts = Some(vec![
        Contact::new(id("19999999999"), "someone else"),
        contact.clone(),
    ]);
    value.messages = Some(vec![message]);
    let envelope = reparsed(&Envelope::single(id("1"), ChangeValue::Messages(value)));
    let events = envelope.events();
    let EventKind::InboundMessage { contact: found, .. } = &events[0].kind else {
        panic!("inbound")
    };
    assert_eq!(*found, Some(&contact));
}

#[test]
fn user_preferences_and_unknown_fields_become_events() {
    let preference = UserPreference {
        wa_id: Some(user()),
        detail: Some("User requested to stop marketing messages".to_owned()),
        category: Some("marketing_messages".into()),
        value: Some(PreferenceValue::Stop),
        timestamp: Some(ts(1_731_705_721)),
        ..UserPreference::default()
    };
    let value = UserPreferencesValue {
        messaging_product: Some("whatsapp".to_owned()),
        metadata: Some(metadata()),
        contacts: Some(vec![Contact::new(user(), "Sheena")]),
        user_preferences: Some(vec![preference]),
        extra: Default::default(),
    };
    let envelope = reparsed(&Envelope::single(
        id("1"),
        ChangeValue::UserPreferences(value),
    ));
    let events = envelope.events();
    let EventKind::UserPreference {
        preference,
        contact,
    } = &events[0].kind
    else {
        panic!("preference")
    };
    assert_eq!(preference.value, Some(PreferenceValue::Stop));
    assert_eq!(contact.and_then(Contact::name), Some("Sheena"));

    let unknown = ChangeValue::Unknown {
        field: "calls".to_owned(),
        value: serde_json::json!({"calls": []}),
    };
    let envelope = reparsed(&Envelope::single(id("1"), unknown));
    assert!(matches!(
        envelope.events()[0].kind,
        EventKind::Unknown { field: "calls", .. }
    ));
    assert_eq!(envelope.events()[0].field, "calls");
}

#[test]
fn a_history_media_follow_up_is_its_own_event() {
    let image = MessageContent::Image(
        meta::webhook::content::Media::from_id(id("24230790383178626"))
            .with_caption("Black Prince"),
    );
    let follow_up = InboundMessage::new(
        user(),
        id::<Wamid>("wamid.PLACEHOLDER"),
        ts(1_738_796_547),
        image,
    );
    let envelope = reparsed(&Envelope::single(
        id("1"),
        ChangeValue::History(HistoryValue::media(metadata(), vec![follow_up])),
    ));
    let events = envelope.events();
    assert!(matches!(events[0].kind, EventKind::HistoryMedia(m) if m.id == "wamid.PLACEHOLDER"));
}
