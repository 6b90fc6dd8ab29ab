//! From Meta's typed envelope to domain [`Change`]s: every entry × change × array element.
//!
//! Provenance is decided here: `messages` are from the customer, `smb_message_echoes` from the
//! business's phone app, `history` is imported (direction from `from` versus the business
//! number). Edits and revokes, from either side, become [`Amendment`]s of the original message.

use meta::error::WebhookError;
use meta::webhook::account_update::AccountUpdate;
use meta::webhook::content::{System, SystemType};
use meta::webhook::echoes::MessageEcho;
use meta::webhook::envelope::{Contact, Envelope, Metadata};
use meta::webhook::events::{Event, EventKind, HistoryChunk as WireChunk};
use meta::webhook::history::HistoryMessage;
use meta::webhook::messages::{InboundMessage, MessageContent};
use meta::webhook::state_sync::StateSyncEntry;
use meta::webhook::statuses::Status;
use meta::webhook::templates::{TemplateCategoryUpdate, TemplateStatusUpdate};
use meta::webhook::user_preferences::UserPreference;
use serde::Serialize;
use serde_json::Value;

use super::{
    AccountChange, Amendment, AmendmentKind, Change, ContactRef, ContactSync, HistoryChunk,
    HistoryMedia, JsonText, NewMessage, NumberRef, PreferenceChange, StatusChange, TemplateChange,
    Unparsed, UserNumberChange, ValueError, text_of,
};
use crate::message::{Direction, Editor, Origin};
use crate::status::DeliveryStatus;
use crate::store::MessageError;
use crate::time::Timestamp;

/// Meta's code for "the business turned history sharing off".
pub const HISTORY_DECLINED_CODE: i64 = 2_593_109;

/// Every domain change in `envelope`, in document order. `received_at` stands in for times a
/// payload does not carry.
pub fn normalize(envelope: &Envelope, received_at: Timestamp) -> Vec<Change> {
    let mut out = Vec::new();
    for event in envelope.events() {
        push_event(&mut out, &event, received_at);
    }
    out
}

fn push_event(out: &mut Vec<Change>, e: &Event<'_>, received_at: Timestamp) {
    let entry_time = e
        .entry_time
        .map_or(received_at, |t| Timestamp::from_unix_secs(t.as_unix_secs()));
    let Some(number) = e.metadata.map(|m| number_ref(m, e)) else {
        return push_unscoped(out, e, entry_time);
    };
    match &e.kind {
        EventKind::InboundMessage { message, contact } => {
            push_inbound(out, number, message, *contact)
        }
        EventKind::Status { status, contact } => out.push(status_change(number, status, *contact)),
        EventKind::Echo { echo, contact } => out.push(echo_change(number, echo, *contact)),
        EventKind::StateSync(entry) => out.push(contact_sync(number, entry, entry_time)),
        EventKind::HistoryChunk(chunk) => push_history_chunk(out, &number, chunk),
        EventKind::HistoryMedia(message) => out.push(history_media(number, message)),
        EventKind::HistoryError(error) => out.push(history_error(number, error)),
        EventKind::UserPreference {
            preference,
            contact,
        } => out.push(preference_change(number, preference, *contact, entry_time)),
        EventKind::ValueError(error) => {
            out.push(Change::Error(value_error(Some(number), e.field, error)))
        }
        _ => push_unscoped(out, e, entry_time),
    }
}

/// Changes that are not about one phone number's traffic (or lack its `metadata`).
fn push_unscoped(out: &mut Vec<Change>, e: &Event<'_>, at: Timestamp) {
    let change = match &e.kind {
        EventKind::AccountUpdate(update) => Change::Account(account_change(e, update, at)),
        EventKind::TemplateStatus(update) => Change::Template(template_status(e, update, at)),
        EventKind::TemplateCategory(update) => Change::Template(template_category(e, update, at)),
        EventKind::ValueError(error) => Change::Error(value_error(None, e.field, error)),
        EventKind::Unknown { field, value } => Change::Unparsed(Unparsed {
            number: NumberRef::from_raw_value(value, e.waba_id.as_str()),
            field: (*field).to_owned(),
            reason: format!("webhook field {field:?} is not modelled by coexist yet; kept raw"),
            raw: (*value).clone(),
        }),
        other => Change::Unparsed(Unparsed {
            number: None,
            field: e.field.to_owned(),
            reason: "phone-scoped change without metadata.phone_number_id".to_owned(),
            raw: debug_json(other),
        }),
    };
    out.push(change);
}

fn number_ref(m: &Metadata, e: &Event<'_>) -> NumberRef {
    NumberRef {
        phone_number_id: m.phone_number_id.as_str().to_owned(),
        display_phone_number: Some(m.display_phone_number.as_str().to_owned()),
        waba_id: Some(e.waba_id.as_str().to_owned()),
    }
}

fn contact_ref(
    wa_id: Option<&str>,
    user_id: Option<&str>,
    contact: Option<&Contact>,
) -> ContactRef {
    let from_contact = |f: fn(&Contact) -> Option<&str>| contact.and_then(f).map(str::to_owned);
    ContactRef {
        // The `contacts[]` entry is Meta's canonical form of the user; `from`/`to` may carry a
        // `+` or, in documentation payloads, a placeholder.
        wa_id: from_contact(|c| c.wa_id.as_ref().map(|w| w.as_str()))
            .or_else(|| wa_id.map(normalize_digits)),
        user_id: from_contact(|c| c.user_id.as_ref().map(|u| u.as_str()))
            .or_else(|| user_id.map(str::to_owned)),
        parent_user_id: from_contact(|c| c.parent_user_id.as_ref().map(|u| u.as_str())),
        profile_name: from_contact(|c| c.profile.as_ref()?.name.as_deref()),
    }
}

/// Strips the `+` and separators Meta's echoes may carry in `to` (META.md §5.2).
fn normalize_digits(s: &str) -> String {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_owned();
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        s.to_owned()
    } else {
        digits
    }
}

fn first_error(errors: Option<&Vec<WebhookError>>) -> Option<MessageError> {
    errors?.first().map(message_error)
}

fn message_error(e: &WebhookError) -> MessageError {
    MessageError {
        code: e.code.code(),
        title: e.title.clone().or_else(|| e.message.clone()),
        details: e.details().map(str::to_owned),
    }
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn debug_json<T: std::fmt::Debug>(value: &T) -> Value {
    Value::String(format!("{value:?}"))
}

/// The type name, the type-named object and the text of a message's content, read from the
/// message's own JSON (`raw`), so unknown types keep their object too. The object is borrowed:
/// a message writes it out as text ([`JsonText`]) and needs no copy of it.
fn content_parts<'r>(
    content: &MessageContent,
    raw: &'r Value,
) -> (String, Option<&'r Value>, Option<String>) {
    let kind = content.type_name().to_owned();
    let object = raw.get(&kind);
    let text = text_of(&kind, object);
    (kind, object, text)
}

/// An inbound message, followed by a [`UserNumberChange`] when it is a number-change notice.
fn push_inbound(
    out: &mut Vec<Change>,
    number: NumberRef,
    m: &InboundMessage,
    contact: Option<&Contact>,
) {
    let change = inbound(number, m, contact);
    let renumbered = match (&change, &m.content) {
        (Change::Message(stored), MessageContent::System(system)) => {
            user_number_change(stored, system)
        }
        _ => None,
    };
    out.push(change);
    out.extend(renumbered.map(Change::UserNumberChange));
}

/// The number change a `system` message announces: `user_changed_number` (or its older name
/// `customer_changed_number`) with a new `system.wa_id` that differs from the sender's. Any other
/// system message (a BSUID change, an identity change, or a notice without a new number) is only
/// a message: META.md does not say where a new BSUID would be, so nothing is guessed.
fn user_number_change(stored: &NewMessage, system: &System) -> Option<UserNumberChange> {
    let is_number_change = matches!(
        system.type_,
        Some(SystemType::UserChangedNumber | SystemType::CustomerChangedNumber)
    );
    let new_wa_id = normalize_digits(system.wa_id.as_ref()?.as_str());
    if !is_number_change || stored.contact.wa_id.as_deref() == Some(new_wa_id.as_str()) {
        return None;
    }
    Some(UserNumberChange {
        number: stored.number.clone(),
        contact: stored.contact.clone(),
        new_wa_id,
        wamid: stored.wamid.clone(),
        timestamp: stored.timestamp,
    })
}

fn inbound(number: NumberRef, m: &InboundMessage, contact: Option<&Contact>) -> Change {
    let contact = contact_ref(
        m.from.as_ref().map(|w| w.as_str()),
        m.from_user_id.as_ref().map(|u| u.as_str()),
        contact,
    );
    let timestamp = Timestamp::from_unix_secs(m.timestamp.as_unix_secs());
    if let Some(kind) = amendment_kind(&m.content) {
        return Change::Amendment(Amendment {
            number,
            contact,
            target_wamid: kind.0,
            event_wamid: m.id.as_str().to_owned(),
            by: Editor::Customer,
            timestamp,
            kind: kind.1,
        });
    }
    let raw = to_json(m);
    let (kind, content, text) = content_parts(&m.content, &raw);
    Change::Message(NewMessage {
        number,
        contact,
        wamid: m.id.as_str().to_owned(),
        direction: Direction::Inbound,
        origin: Origin::Customer,
        kind,
        text,
        content: content.map(JsonText::from),
        timestamp,
        reply_to: m
            .context
            .as_ref()
            .and_then(|c| c.id.as_ref())
            .map(|w| w.as_str().to_owned()),
        error: first_error(m.errors.as_ref()),
        status: None,
        media_placeholder: false,
        referral: m.referral.is_some(),
        raw: JsonText::from(raw),
    })
}

/// The target wamid and what an `edit` or `revoke` content does; `None` for other content.
fn amendment_kind(content: &MessageContent) -> Option<(String, AmendmentKind)> {
    match content {
        MessageContent::Revoke(r) => Some((
            r.original_message_id.as_str().to_owned(),
            AmendmentKind::Revoke,
        )),
        MessageContent::Edit(edit) => {
            let (message_type, content) = match &edit.message {
                Some(m) => {
                    let raw = to_json(m);
                    let (kind, object, _) = content_parts(&m.content, &raw);
                    (kind, object.cloned())
                }
                None => ("unknown".to_owned(), None),
            };
            let text = text_of(&message_type, content.as_ref());
            Some((
                edit.original_message_id.as_str().to_owned(),
                AmendmentKind::Edit {
                    message_type,
                    text,
                    content,
                },
            ))
        }
        _ => None,
    }
}

fn status_change(number: NumberRef, s: &Status, contact: Option<&Contact>) -> Change {
    let pricing = s.pricing.as_ref();
    let conversation = s.conversation.as_ref();
    Change::Status(StatusChange {
        contact: contact_ref(s.recipient_id.as_ref().map(|w| w.as_str()), None, contact),
        number,
        wamid: s.id.as_str().to_owned(),
        status: s.status.as_str().to_owned(),
        timestamp: Timestamp::from_unix_secs(s.timestamp.as_unix_secs()),
        pricing_category: pricing
            .and_then(|p| p.category.as_ref())
            .map(|c| c.as_str().to_owned()),
        pricing_type: pricing
            .and_then(|p| p.type_.as_ref())
            .map(|t| t.as_str().to_owned()),
        pricing_model: pricing
            .and_then(|p| p.pricing_model.as_ref())
            .map(|m| m.as_str().to_owned()),
        billable: pricing.and_then(|p| p.billable),
        conversation_id: conversation
            .and_then(|c| c.id.as_ref())
            .map(|i| i.as_str().to_owned()),
        conversation_origin: conversation
            .and_then(|c| c.origin.as_ref())
            .map(|o| o.type_.as_str().to_owned()),
        biz_opaque_callback_data: s.biz_opaque_callback_data.clone(),
        error: first_error(s.errors.as_ref()),
        errors: s.errors.as_ref().map(to_json),
        raw: to_json(s),
    })
}

fn echo_change(number: NumberRef, echo: &MessageEcho, contact: Option<&Contact>) -> Change {
    // Meta: `from` is the business and `to` the user; some captured payloads have them reversed,
    // so the user is whichever of the two is not the business number.
    let business = number.display_phone_number.as_deref();
    let to = echo.to.as_ref().map(|w| w.as_str());
    let from = echo.from.as_ref().map(|w| w.as_str());
    let user = match (to, from) {
        (Some(t), Some(f)) if business.is_some_and(|b| normalize_digits(t) == b) => Some(f),
        (t, _) => t,
    };
    let contact = contact_ref(user, echo.to_user_id.as_ref().map(|u| u.as_str()), contact);
    let timestamp = Timestamp::from_unix_secs(echo.timestamp.as_unix_secs());
    if let Some((target, kind)) = amendment_kind(&echo.content) {
        return Change::Amendment(Amendment {
            number,
            contact,
            target_wamid: target,
            event_wamid: echo.id.as_str().to_owned(),
            by: Editor::BusinessApp,
            timestamp,
            kind,
        });
    }
    let raw = to_json(echo);
    let (kind, content, text) = content_parts(&echo.content, &raw);
    Change::Message(NewMessage {
        number,
        contact,
        wamid: echo.id.as_str().to_owned(),
        direction: Direction::Outbound,
        origin: Origin::BusinessApp,
        kind,
        text,
        content: content.map(JsonText::from),
        timestamp,
        reply_to: echo
            .context
            .as_ref()
            .and_then(|c| c.id.as_ref())
            .map(|w| w.as_str().to_owned()),
        error: first_error(echo.errors.as_ref()),
        status: None,
        media_placeholder: false,
        referral: false,
        raw: JsonText::from(raw),
    })
}

fn contact_sync(number: NumberRef, entry: &StateSyncEntry, at: Timestamp) -> Change {
    let contact = entry.contact.as_ref();
    let Some(phone) = contact.and_then(|c| c.phone_number.as_ref()) else {
        return Change::Unparsed(Unparsed {
            number: Some(number),
            field: "smb_app_state_sync".to_owned(),
            reason: "state_sync entry without contact.phone_number".to_owned(),
            raw: to_json(entry),
        });
    };
    Change::ContactSync(ContactSync {
        number,
        wa_id: normalize_digits(phone.as_str()),
        action: entry
            .action
            .as_ref()
            .map_or("add", |a| a.as_str())
            .to_owned(),
        full_name: contact.and_then(|c| c.full_name.clone()),
        first_name: contact.and_then(|c| c.first_name.clone()),
        timestamp: entry
            .metadata
            .as_ref()
            .and_then(|m| m.timestamp)
            .map_or(at, |t| Timestamp::from_unix_secs(t.as_unix_secs())),
    })
}

fn push_history_chunk(out: &mut Vec<Change>, number: &NumberRef, chunk: &WireChunk<'_>) {
    let meta = chunk.metadata;
    let mut count = 0u64;
    for thread in chunk.threads {
        for m in &thread.messages {
            count += 1;
            out.push(history_message(number, thread.id.as_str(), m));
        }
    }
    out.push(Change::HistoryChunk(HistoryChunk {
        number: number.clone(),
        phase: meta.and_then(|m| m.phase).map_or(0, i64::from),
        chunk_order: meta.and_then(|m| m.chunk_order).map_or(0, i64::from),
        progress: meta.and_then(|m| m.progress).map_or(0, i64::from),
        messages: count,
    }));
}

fn history_message(number: &NumberRef, thread: &str, m: &HistoryMessage) -> Change {
    let business = number.display_phone_number.as_deref();
    let from = m.from.as_ref().map(|w| normalize_digits(w.as_str()));
    let outbound = match (&from, business) {
        (Some(f), Some(b)) => f == b,
        (Some(f), None) => f != thread,
        (None, _) => false,
    };
    let raw = to_json(m);
    let (kind, content, text) = content_parts(&m.content, &raw);
    let status = m
        .history_context
        .as_ref()
        .and_then(|c| c.status.as_ref())
        .and_then(|s| DeliveryStatus::from_history(s.as_str()));
    Change::Message(NewMessage {
        number: number.clone(),
        contact: ContactRef {
            wa_id: Some(normalize_digits(thread)),
            ..ContactRef::default()
        },
        wamid: m.id.as_str().to_owned(),
        direction: if outbound {
            Direction::Outbound
        } else {
            Direction::Inbound
        },
        origin: Origin::History,
        media_placeholder: matches!(m.content, MessageContent::MediaPlaceholder),
        kind,
        text,
        content: content.map(JsonText::from),
        timestamp: Timestamp::from_unix_secs(m.timestamp.as_unix_secs()),
        reply_to: m
            .context
            .as_ref()
            .and_then(|c| c.id.as_ref())
            .map(|w| w.as_str().to_owned()),
        error: first_error(m.errors.as_ref()),
        status: status.filter(|_| outbound),
        referral: false,
        raw: JsonText::from(raw),
    })
}

fn history_media(number: NumberRef, m: &InboundMessage) -> Change {
    let raw = to_json(m);
    let (kind, content, text) = content_parts(&m.content, &raw);
    let content = content.cloned();
    let business = number.display_phone_number.as_deref();
    let from = m.from.as_ref().map(|w| normalize_digits(w.as_str()));
    let outbound = from.as_deref().is_some_and(|f| Some(f) == business);
    let message = NewMessage {
        number: number.clone(),
        contact: ContactRef {
            wa_id: from.filter(|_| !outbound),
            ..ContactRef::default()
        },
        wamid: m.id.as_str().to_owned(),
        direction: if outbound {
            Direction::Outbound
        } else {
            Direction::Inbound
        },
        origin: Origin::History,
        kind: kind.clone(),
        text: text.clone(),
        content: content.as_ref().map(JsonText::from),
        timestamp: Timestamp::from_unix_secs(m.timestamp.as_unix_secs()),
        reply_to: None,
        error: first_error(m.errors.as_ref()),
        status: None,
        media_placeholder: false,
        referral: false,
        raw: JsonText::from(&raw),
    };
    Change::HistoryMedia(Box::new(HistoryMedia {
        number,
        wamid: m.id.as_str().to_owned(),
        kind,
        text,
        content,
        raw,
        message,
    }))
}

fn history_error(number: NumberRef, error: &WebhookError) -> Change {
    let v = value_error(Some(number), "history", error);
    if v.error.code == HISTORY_DECLINED_CODE {
        Change::HistoryDeclined(v)
    } else {
        Change::Error(v)
    }
}

fn value_error(number: Option<NumberRef>, field: &str, error: &WebhookError) -> ValueError {
    ValueError {
        number,
        field: field.to_owned(),
        error: message_error(error),
        raw: to_json(error),
    }
}

fn preference_change(
    number: NumberRef,
    p: &UserPreference,
    contact: Option<&Contact>,
    at: Timestamp,
) -> Change {
    Change::Preference(PreferenceChange {
        number,
        contact: contact_ref(
            p.wa_id.as_ref().map(|w| w.as_str()),
            p.user_id.as_ref().map(|u| u.as_str()),
            contact,
        ),
        category: p
            .category
            .as_ref()
            .map_or("marketing_messages", |c| c.as_str())
            .to_owned(),
        value: p.value.as_ref().map_or("", |v| v.as_str()).to_owned(),
        detail: p.detail.clone(),
        timestamp: p
            .timestamp
            .map_or(at, |t| Timestamp::from_unix_secs(t.as_unix_secs())),
    })
}

fn account_change(e: &Event<'_>, u: &AccountUpdate, at: Timestamp) -> AccountChange {
    let waba = u
        .waba_info
        .as_ref()
        .and_then(|w| w.waba_id.as_ref())
        .unwrap_or(e.waba_id);
    let info = u.disconnection_info.as_ref();
    AccountChange {
        display_phone_number: u
            .phone_number
            .as_ref()
            .map(|p| normalize_digits(p.as_str())),
        waba_id: Some(waba.as_str().to_owned()),
        event: u.event.as_str().to_owned(),
        reason: info
            .and_then(|i| i.reason.as_ref())
            .map(|r| r.as_str().to_owned()),
        initiated_by: info
            .and_then(|i| i.initiated_by.as_ref())
            .map(|r| r.as_str().to_owned()),
        timestamp: at,
        raw: to_json(u).to_string(),
    }
}

fn template_status(e: &Event<'_>, u: &TemplateStatusUpdate, at: Timestamp) -> TemplateChange {
    TemplateChange {
        waba_id: e.waba_id.as_str().to_owned(),
        field: e.field.to_owned(),
        template_id: u
            .message_template_id
            .as_ref()
            .map_or_else(String::new, |t| t.as_str().to_owned()),
        name: u.message_template_name.clone(),
        language: u.message_template_language.clone(),
        event: Some(u.event.as_str().to_owned()),
        reason: u
            .reason
            .as_ref()
            .and_then(Option::as_ref)
            .map(|r| r.as_str().to_owned()),
        category: u
            .message_template_category
            .as_ref()
            .map(|c| c.as_str().to_owned()),
        timestamp: at,
        raw: to_json(u).to_string(),
    }
}

fn template_category(e: &Event<'_>, u: &TemplateCategoryUpdate, at: Timestamp) -> TemplateChange {
    TemplateChange {
        waba_id: e.waba_id.as_str().to_owned(),
        field: e.field.to_owned(),
        template_id: u
            .message_template_id
            .as_ref()
            .map_or_else(String::new, |t| t.as_str().to_owned()),
        name: u.message_template_name.clone(),
        language: u.message_template_language.clone(),
        event: None,
        reason: None,
        category: u.new_category.as_ref().map(|c| c.as_str().to_owned()),
        timestamp: at,
        raw: to_json(u).to_string(),
    }
}
