//! Builders for the changes a normalized webhook holds. Values follow Meta's examples
//! (META.md §3–§5); only what the store looks at is filled in.

use coexist_core::ingest::{
    AccountChange, Amendment, AmendmentKind, Change, ContactRef, ContactSync, HistoryChunk,
    HistoryMedia, JsonText, NewMessage, NumberRef, PreferenceChange, StatusChange, TemplateChange,
    Unparsed, UserNumberChange, ValueError,
};
use coexist_core::message::{Direction, Editor, Origin};
use coexist_core::status::DeliveryStatus;
use coexist_core::store::MessageError;
use coexist_core::time::Timestamp;
use serde_json::{Value, json};

/// Meta's phone number id of the test number.
pub const PHONE_ID: &str = "106540352242922";
/// Its display number.
pub const DISPLAY: &str = "15550783881";
/// Its WABA.
pub const WABA: &str = "102290129340398";
/// A customer.
pub const CUSTOMER: &str = "16505551234";
/// Another customer.
pub const OTHER: &str = "12125557890";
/// A moment in June 2025; test times are offsets from it.
pub const T0: Timestamp = Timestamp(1_750_000_000_000);

/// `T0` plus `secs` seconds.
pub fn at(secs: i64) -> Timestamp {
    T0.plus_ms(secs * 1_000)
}

/// The test number as webhooks name it.
pub fn number() -> NumberRef {
    NumberRef {
        phone_number_id: PHONE_ID.to_owned(),
        display_phone_number: Some(DISPLAY.to_owned()),
        waba_id: Some(WABA.to_owned()),
    }
}

/// Another number, named only by its phone number id.
pub fn bare_number(phone_number_id: &str) -> NumberRef {
    NumberRef {
        phone_number_id: phone_number_id.to_owned(),
        display_phone_number: None,
        waba_id: None,
    }
}

/// A WhatsApp user by wa_id.
pub fn who(wa_id: &str) -> ContactRef {
    ContactRef {
        wa_id: Some(wa_id.to_owned()),
        ..ContactRef::default()
    }
}

fn message(
    wamid: &str,
    wa_id: &str,
    ts: Timestamp,
    origin: Origin,
    direction: Direction,
    kind: &str,
    content: Option<Value>,
) -> NewMessage {
    let text = coexist_core::ingest::text_of(kind, content.as_ref());
    NewMessage {
        number: number(),
        contact: who(wa_id),
        wamid: wamid.to_owned(),
        direction,
        origin,
        kind: kind.to_owned(),
        text,
        content: content.as_ref().map(JsonText::from),
        timestamp: ts,
        reply_to: None,
        error: None,
        status: None,
        media_placeholder: false,
        referral: false,
        raw: json!({ "id": wamid, "type": kind, kind: content }).into(),
    }
}

/// A text from customer `wa_id`, live.
pub fn text(wamid: &str, wa_id: &str, ts: Timestamp, body: &str) -> NewMessage {
    let content = json!({ "body": body });
    message(
        wamid,
        wa_id,
        ts,
        Origin::Customer,
        Direction::Inbound,
        "text",
        Some(content),
    )
}

/// Customer `old` changed number to `new`: the `system` notice Meta sends from the old number
/// (META.md §3.10), then the change it announces, as normalization produces them.
pub fn number_change(wamid: &str, old: &str, new: &str, ts: Timestamp) -> Vec<Change> {
    let content = json!({
        "body": format!("User A changed from {old} to {new}"),
        "wa_id": new,
        "type": "user_changed_number",
    });
    let notice = message(
        wamid,
        old,
        ts,
        Origin::Customer,
        Direction::Inbound,
        "system",
        Some(content),
    );
    let change = UserNumberChange {
        number: number(),
        contact: who(old),
        new_wa_id: new.to_owned(),
        wamid: wamid.to_owned(),
        timestamp: ts,
    };
    vec![Change::Message(notice), Change::UserNumberChange(change)]
}

/// An image from customer `wa_id`, live, with a caption.
pub fn image(wamid: &str, wa_id: &str, ts: Timestamp, caption: &str) -> NewMessage {
    let content = json!({ "caption": caption, "mime_type": "image/jpeg", "id": "1234567890" });
    message(
        wamid,
        wa_id,
        ts,
        Origin::Customer,
        Direction::Inbound,
        "image",
        Some(content),
    )
}

/// A text the owner typed on the phone to `wa_id` (an echo).
pub fn echo(wamid: &str, wa_id: &str, ts: Timestamp, body: &str) -> NewMessage {
    let content = json!({ "body": body });
    message(
        wamid,
        wa_id,
        ts,
        Origin::BusinessApp,
        Direction::Outbound,
        "text",
        Some(content),
    )
}

/// An imported history text; `inbound`: written by the customer.
pub fn history_text(
    wamid: &str,
    wa_id: &str,
    ts: Timestamp,
    inbound: bool,
    body: &str,
) -> NewMessage {
    let direction = if inbound {
        Direction::Inbound
    } else {
        Direction::Outbound
    };
    let mut m = message(
        wamid,
        wa_id,
        ts,
        Origin::History,
        direction,
        "text",
        Some(json!({ "body": body })),
    );
    m.contact.profile_name = None;
    m.status = Some(DeliveryStatus::Read);
    m
}

/// An imported history media placeholder (content follows in a media follow-up).
pub fn history_placeholder(wamid: &str, wa_id: &str, ts: Timestamp) -> NewMessage {
    let mut m = message(
        wamid,
        wa_id,
        ts,
        Origin::History,
        Direction::Outbound,
        "media_placeholder",
        None,
    );
    m.media_placeholder = true;
    m.status = Some(DeliveryStatus::Played);
    m
}

/// The media follow-up of placeholder `wamid` (an image with `caption`).
pub fn history_media(wamid: &str, wa_id: &str, ts: Timestamp, caption: &str) -> HistoryMedia {
    let content =
        json!({ "caption": caption, "mime_type": "image/jpeg", "id": "24230790383178626" });
    let mut m = message(
        wamid,
        wa_id,
        ts,
        Origin::History,
        Direction::Outbound,
        "image",
        Some(content.clone()),
    );
    m.status = Some(DeliveryStatus::Played);
    HistoryMedia {
        number: number(),
        wamid: wamid.to_owned(),
        kind: "image".to_owned(),
        text: Some(caption.to_owned()),
        content: Some(content),
        raw: m.raw.to_value(),
        message: m,
    }
}

/// A status webhook for `wamid`.
pub fn status(wamid: &str, status: &str, ts: Timestamp) -> StatusChange {
    let priced = matches!(status, "sent" | "delivered");
    StatusChange {
        number: number(),
        contact: who(CUSTOMER),
        wamid: wamid.to_owned(),
        status: status.to_owned(),
        timestamp: ts,
        pricing_category: priced.then(|| "marketing".to_owned()),
        pricing_type: priced.then(|| "regular".to_owned()),
        pricing_model: priced.then(|| "PMP".to_owned()),
        billable: priced.then_some(true),
        conversation_id: priced.then(|| "72b14d6bd5407799e66f64d1b338e567".to_owned()),
        conversation_origin: priced.then(|| "marketing".to_owned()),
        biz_opaque_callback_data: Some("outbox-7".to_owned()),
        error: None,
        errors: None,
        raw: json!({ "id": wamid, "status": status }),
    }
}

/// A `failed` status with Meta's error.
pub fn failed(wamid: &str, ts: Timestamp, code: i64, title: &str, details: &str) -> StatusChange {
    let mut s = status(wamid, "failed", ts);
    s.error = Some(MessageError {
        code,
        title: Some(title.to_owned()),
        details: Some(details.to_owned()),
    });
    s.errors =
        Some(json!([{ "code": code, "title": title, "error_data": { "details": details } }]));
    s
}

/// An edit of `target` to the text `body`.
pub fn edit(target: &str, event: &str, by: Editor, ts: Timestamp, body: &str) -> Amendment {
    Amendment {
        number: number(),
        contact: who(CUSTOMER),
        target_wamid: target.to_owned(),
        event_wamid: event.to_owned(),
        by,
        timestamp: ts,
        kind: AmendmentKind::Edit {
            message_type: "text".to_owned(),
            text: Some(body.to_owned()),
            content: Some(json!({ "body": body })),
        },
    }
}

/// A revoke (delete) of `target`.
pub fn revoke(target: &str, event: &str, by: Editor, ts: Timestamp) -> Amendment {
    Amendment {
        number: number(),
        contact: who(CUSTOMER),
        target_wamid: target.to_owned(),
        event_wamid: event.to_owned(),
        by,
        timestamp: ts,
        kind: AmendmentKind::Revoke,
    }
}

/// An address-book `add` (added or edited) on the phone.
pub fn contact_add(wa_id: &str, full: &str, first: &str, ts: Timestamp) -> ContactSync {
    ContactSync {
        number: number(),
        wa_id: wa_id.to_owned(),
        action: "add".to_owned(),
        full_name: Some(full.to_owned()),
        first_name: Some(first.to_owned()),
        timestamp: ts,
    }
}

/// An address-book `remove` on the phone.
pub fn contact_remove(wa_id: &str, ts: Timestamp) -> ContactSync {
    ContactSync {
        number: number(),
        wa_id: wa_id.to_owned(),
        action: "remove".to_owned(),
        full_name: None,
        first_name: None,
        timestamp: ts,
    }
}

/// A history chunk's bookkeeping.
pub fn chunk(phase: i64, chunk_order: i64, progress: i64, messages: u64) -> HistoryChunk {
    HistoryChunk {
        number: number(),
        phase,
        chunk_order,
        progress,
        messages,
    }
}

/// A value-level error on the test number.
pub fn value_error(field: &str, code: i64, title: &str) -> ValueError {
    ValueError {
        number: Some(number()),
        field: field.to_owned(),
        error: MessageError {
            code,
            title: Some(title.to_owned()),
            details: None,
        },
        raw: json!({ "code": code, "title": title }),
    }
}

/// The business declined to share history (2593109).
pub fn history_declined() -> Change {
    Change::HistoryDeclined(value_error(
        "history",
        2_593_109,
        "History sync is turned off by the business from the WhatsApp Business App",
    ))
}

/// An `account_update`.
pub fn account(
    event: &str,
    display: Option<&str>,
    waba: Option<&str>,
    ts: Timestamp,
) -> AccountChange {
    AccountChange {
        display_phone_number: display.map(str::to_owned),
        waba_id: waba.map(str::to_owned),
        event: event.to_owned(),
        reason: None,
        initiated_by: None,
        timestamp: ts,
        raw: json!({ "event": event, "phone_number": display }).to_string(),
    }
}

/// `PARTNER_REMOVED` with `disconnection_info`.
pub fn partner_removed(reason: &str, initiated_by: &str, ts: Timestamp) -> AccountChange {
    let mut a = account("PARTNER_REMOVED", Some(DISPLAY), Some(WABA), ts);
    a.reason = Some(reason.to_owned());
    a.initiated_by = Some(initiated_by.to_owned());
    a.raw = json!({
        "phone_number": DISPLAY,
        "event": "PARTNER_REMOVED",
        "disconnection_info": { "reason": reason, "initiated_by": initiated_by },
    })
    .to_string();
    a
}

/// A template status update.
pub fn template(template_id: &str, event: &str, ts: Timestamp) -> TemplateChange {
    TemplateChange {
        waba_id: WABA.to_owned(),
        field: "message_template_status_update".to_owned(),
        template_id: template_id.to_owned(),
        name: Some("order_update".to_owned()),
        language: Some("en_US".to_owned()),
        event: Some(event.to_owned()),
        reason: None,
        category: Some("UTILITY".to_owned()),
        timestamp: ts,
        raw: json!({ "event": event, "message_template_id": template_id }).to_string(),
    }
}

/// A `user_preferences` marketing change (`stop` or `resume`).
pub fn preference(wa_id: &str, value: &str, ts: Timestamp) -> PreferenceChange {
    PreferenceChange {
        number: number(),
        contact: who(wa_id),
        category: "marketing_messages".to_owned(),
        value: value.to_owned(),
        detail: Some("User requested to stop marketing messages".to_owned()),
        timestamp: ts,
    }
}

/// Something normalization could not type.
pub fn unparsed(field: &str) -> Unparsed {
    Unparsed {
        number: Some(number()),
        field: field.to_owned(),
        reason: "unknown webhook field".to_owned(),
        raw: json!({ "something": "new" }),
    }
}

/// A customer text on another number, named only by its phone number id.
pub fn bare_message(wamid: &str, phone_number_id: &str, ts: Timestamp) -> NewMessage {
    let mut m = text(wamid, CUSTOMER, ts, "on another number");
    m.number = bare_number(phone_number_id);
    m
}
