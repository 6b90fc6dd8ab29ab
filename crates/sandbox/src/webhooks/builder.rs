//! Meta-shaped webhook payloads, one constructor per kind of update, built from the `meta`
//! crate's typed values (never hand-written JSON).
//!
//! The inputs are plain sandbox structs; message content arrives in Meta's own
//! `{"type": …, "<type>": {…}}` form and is parsed into `meta`'s `MessageContent` (so content
//! the sandbox cannot model is refused up front). The output is a [`Change`] that the outbox
//! batches into an envelope and serializes ASCII-only with `meta::json::to_vec_ascii`.

use meta::error::{ErrorCode, WebhookError};
use meta::ids::{
    BusinessId, ConversationId, DisplayPhoneNumber, PhoneNumberId, TemplateId, UserId, WaId,
    WabaId, Wamid,
};
use meta::time::Timestamp;
use meta::webhook::account_update::{
    AccountEvent, AccountUpdate, DisconnectionInfo, DisconnectionReason, InitiatedBy, WabaInfo,
};
use meta::webhook::content::{System, SystemType};
use meta::webhook::echoes::{EchoesValue, MessageEcho};
use meta::webhook::history::{
    HistoryItem, HistoryMessage, HistoryStatus, HistoryThread, HistoryValue,
};
use meta::webhook::messages::{Context, InboundMessage, MessageContent, MessagesValue, Referral};
use meta::webhook::state_sync::{StateSyncEntry, StateSyncValue};
use meta::webhook::statuses::{
    Conversation as MetaConversation, ConversationCategory, ConversationOrigin, DeliveryStatus,
    Pricing, PricingCategory, PricingType, Status,
};
use meta::webhook::templates::{
    RejectionInfo, TemplateCategory, TemplateReason, TemplateStatus, TemplateStatusUpdate,
};
use meta::webhook::user_preferences::{
    PreferenceCategory, PreferenceValue, UserPreference, UserPreferencesValue,
};
use meta::webhook::{ChangeValue, Contact, Entry, Envelope, Metadata};
use serde_json::{Map, Value};

use crate::webhooks::Update;

/// One `changes[]` element.
#[derive(Clone, Debug)]
pub(crate) struct Change(meta::webhook::Change);

impl Change {
    fn of(value: ChangeValue) -> Change {
        Change(meta::webhook::Change::new(value))
    }

    pub(crate) fn field_name(&self) -> String {
        self.0.field().to_owned()
    }
}

/// `value.metadata` of phone-scoped fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Meta<'a> {
    pub(crate) display_phone_number: &'a str,
    pub(crate) phone_number_id: &'a str,
}

/// `value.contacts[]` element.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Who<'a> {
    pub(crate) wa_id: &'a str,
    pub(crate) name: &'a str,
    /// BSUIDs, when BSUID mode is on.
    pub(crate) user_ids: Option<(&'a str, &'a str)>,
}

/// A customer message (`messages[]`).
#[derive(Clone, Debug)]
pub(crate) struct Inbound {
    pub(crate) from: String,
    pub(crate) from_user_id: Option<String>,
    pub(crate) id: String,
    pub(crate) timestamp_s: i64,
    /// `{"type": …, "<type>": {…}}`.
    pub(crate) content: Value,
    pub(crate) context: Option<Value>,
    pub(crate) referral: Option<Value>,
}

/// `statuses[].conversation`.
#[derive(Clone, Debug)]
pub(crate) struct Conversation {
    pub(crate) id: String,
    pub(crate) expiration_s: Option<i64>,
    pub(crate) origin: String,
}

/// `statuses[].pricing`.
#[derive(Clone, Debug)]
pub(crate) struct PricingOut {
    pub(crate) billable: bool,
    pub(crate) pricing_type: String,
    pub(crate) category: String,
}

/// A Meta error object (`errors[]`): title and message come from the code.
#[derive(Clone, Debug)]
pub(crate) struct ErrorOut {
    pub(crate) code: i64,
    pub(crate) details: String,
    pub(crate) href: bool,
}

/// One status (`statuses[]`).
#[derive(Clone, Debug)]
pub(crate) struct StatusOut {
    pub(crate) id: String,
    pub(crate) status: String,
    pub(crate) timestamp_s: i64,
    pub(crate) recipient_id: String,
    pub(crate) biz_opaque_callback_data: Option<String>,
    pub(crate) conversation: Option<Conversation>,
    pub(crate) pricing: Option<PricingOut>,
    pub(crate) errors: Vec<ErrorOut>,
}

/// One echo (`message_echoes[]`).
#[derive(Clone, Debug)]
pub(crate) struct EchoOut {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) to_user_ids: Option<(String, String)>,
    pub(crate) id: String,
    pub(crate) timestamp_s: i64,
    pub(crate) content: Value,
}

/// One address-book change (`state_sync[]`).
#[derive(Clone, Debug)]
pub(crate) struct StateSyncOut {
    pub(crate) phone_number: String,
    /// `(full_name, first_name)` for `add`; `None` for `remove`.
    pub(crate) names: Option<(String, String)>,
    pub(crate) timestamp_s: i64,
}

/// One message of a history thread.
#[derive(Clone, Debug)]
pub(crate) struct HistoryMessageOut {
    pub(crate) from: String,
    pub(crate) id: String,
    pub(crate) timestamp_s: i64,
    /// Content, or `None` for a `media_placeholder`.
    pub(crate) content: Option<Value>,
    pub(crate) status: String,
}

/// One history chunk.
#[derive(Clone, Debug)]
pub(crate) struct ChunkOut {
    pub(crate) phase: u8,
    pub(crate) chunk_order: u32,
    pub(crate) progress: u8,
    pub(crate) threads: Vec<(String, Vec<HistoryMessageOut>)>,
}

/// A media follow-up of a history export: `(from, wamid, timestamp, content)`.
pub(crate) type MediaOut = (String, String, i64, Value);

/// `account_update` value.
#[derive(Clone, Debug, Default)]
pub(crate) struct AccountUpdateOut {
    pub(crate) event: String,
    pub(crate) phone_number: Option<String>,
    pub(crate) waba_info: Option<(String, String)>,
    pub(crate) disconnection: Option<(String, String)>,
}

/// `message_template_status_update` value.
#[derive(Clone, Debug)]
pub(crate) struct TemplateStatusOut {
    pub(crate) event: String,
    pub(crate) template_id: u64,
    pub(crate) name: String,
    pub(crate) language: String,
    pub(crate) reason: String,
    pub(crate) category: String,
    pub(crate) rejection: Option<(String, String)>,
}

/// `user_preferences[]` element.
#[derive(Clone, Debug)]
pub(crate) struct PreferenceOut {
    pub(crate) wa_id: String,
    pub(crate) stop: bool,
    pub(crate) timestamp_s: i64,
}

/// Ids the sandbox made itself are always valid; an unparsable one (an odd configured display
/// number) degrades to "0" rather than panicking.
fn id<T>(s: &str, parse: fn(String) -> Result<T, meta::ids::IdError>) -> T {
    parse(s.to_owned())
        .or_else(|_| parse("0".to_owned()))
        .unwrap_or_else(|_| unreachable!("\"0\" is a valid id"))
}

fn wa(s: &str) -> WaId {
    id(s, WaId::parse)
}

fn wamid(s: &str) -> Wamid {
    id(s, Wamid::parse)
}

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_unix_secs(secs)
}

/// Parses content in Meta's `{"type": …, "<type>": {…}}` form into `meta`'s typed content,
/// naming what was wrong when it does not fit.
pub(crate) fn parse_content(content: &Value) -> Result<MessageContent, String> {
    let mut object = content
        .as_object()
        .cloned()
        .ok_or_else(|| "message content must be a JSON object".to_owned())?;
    object.insert("id".to_owned(), Value::String("wamid.content".to_owned()));
    object.insert("timestamp".to_owned(), Value::String("0".to_owned()));
    let message: InboundMessage = serde_json::from_value(Value::Object(object))
        .map_err(|e| format!("message content does not match Meta's shape: {e}"))?;
    match message.content {
        MessageContent::Missing { .. } => Err("the object named by `type` is missing".to_owned()),
        content => Ok(content),
    }
}

fn content(value: &Value) -> MessageContent {
    // Content was validated with `parse_content` when it entered the sandbox.
    parse_content(value).unwrap_or(MessageContent::Missing {
        type_name: value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("text")
            .to_owned(),
    })
}

fn metadata(meta: Meta<'_>) -> Metadata {
    Metadata::new(
        id(meta.display_phone_number, DisplayPhoneNumber::parse),
        id(meta.phone_number_id, PhoneNumberId::parse),
    )
}

fn contact(who: Who<'_>) -> Contact {
    let mut c = Contact::new(wa(who.wa_id), who.name);
    if let Some((user, parent)) = who.user_ids {
        c.user_id = Some(id(user, UserId::parse));
        c.parent_user_id = Some(id(parent, UserId::parse));
    }
    c
}

fn webhook_error(e: &ErrorOut) -> WebhookError {
    let mut error =
        WebhookError::from_code(ErrorCode::from_code(e.code)).with_details(e.details.clone());
    if !e.href {
        error.href = None;
    }
    error
}

/// A customer message: `field: messages` with `contacts` and `messages`.
pub(crate) fn inbound(meta: Meta<'_>, who: Who<'_>, msg: &Inbound) -> Change {
    let mut m = InboundMessage::new(
        wa(&msg.from),
        wamid(&msg.id),
        ts(msg.timestamp_s),
        content(&msg.content),
    );
    m.from_user_id = msg.from_user_id.as_deref().map(|u| id(u, UserId::parse));
    m.context = msg
        .context
        .clone()
        .and_then(|c| serde_json::from_value::<Context>(c).ok());
    m.referral = msg
        .referral
        .clone()
        .and_then(|r| serde_json::from_value::<Referral>(r).ok());
    Change::of(ChangeValue::Messages(MessagesValue::inbound(
        metadata(meta),
        contact(who),
        m,
    )))
}

/// Checks reply context and referral objects before they are accepted.
pub(crate) fn check_context(
    context: Option<&Value>,
    referral: Option<&Value>,
) -> Result<(), String> {
    if let Some(c) = context {
        serde_json::from_value::<Context>(c.clone())
            .map_err(|e| format!("invalid `context`: {e}"))?;
    }
    if let Some(r) = referral {
        serde_json::from_value::<Referral>(r.clone())
            .map_err(|e| format!("invalid `referral`: {e}"))?;
    }
    Ok(())
}

/// A customer's number change as Meta announces it (META.md §3.10): a `system` message sent
/// from the old number, with the new one in `system.wa_id`.
#[derive(Clone, Debug)]
pub(crate) struct NumberChangeOut {
    pub(crate) old_wa_id: String,
    pub(crate) new_wa_id: String,
    pub(crate) id: String,
    pub(crate) timestamp_s: i64,
}

/// `field: messages` with one `system` message of type `user_changed_number` and, as Meta sends
/// system messages, no `contacts` array.
pub(crate) fn number_change(meta: Meta<'_>, c: &NumberChangeOut) -> Change {
    let system = System {
        body: Some(format!(
            "User A changed from {} to {}",
            c.old_wa_id, c.new_wa_id
        )),
        type_: Some(SystemType::UserChangedNumber),
        wa_id: Some(wa(&c.new_wa_id)),
        extra: Map::new(),
    };
    let message = InboundMessage::new(
        wa(&c.old_wa_id),
        wamid(&c.id),
        ts(c.timestamp_s),
        MessageContent::System(system),
    );
    Change::of(ChangeValue::Messages(MessagesValue {
        messages: Some(vec![message]),
        ..MessagesValue::for_number(metadata(meta))
    }))
}

/// A status of an API send: `field: messages` with `statuses` (and `contacts` beside it).
pub(crate) fn status(meta: Meta<'_>, who: Who<'_>, st: &StatusOut) -> Change {
    let mut s = Status::new(
        wamid(&st.id),
        DeliveryStatus::from_wire(&st.status),
        ts(st.timestamp_s),
        wa(&st.recipient_id),
    );
    s.biz_opaque_callback_data = st.biz_opaque_callback_data.clone();
    s.conversation = st.conversation.as_ref().map(|c| MetaConversation {
        id: Some(id(&c.id, ConversationId::parse)),
        expiration_timestamp: c.expiration_s.map(ts),
        origin: Some(ConversationOrigin {
            type_: ConversationCategory::from_wire(&c.origin),
            extra: Map::new(),
        }),
        extra: Map::new(),
    });
    if let Some(p) = &st.pricing {
        let mut pricing = Pricing::pmp(
            PricingType::from_wire(&p.pricing_type),
            PricingCategory::from_wire(&p.category),
        );
        pricing.billable = Some(p.billable);
        s = s.with_pricing(pricing);
    }
    if !st.errors.is_empty() {
        s = s.with_errors(st.errors.iter().map(webhook_error).collect());
    }
    let mut value = MessagesValue::status(metadata(meta), s);
    value.contacts = Some(vec![contact(who)]);
    Change::of(ChangeValue::Messages(value))
}

/// A message sent from the phone app: `field: smb_message_echoes` (with `contacts`).
pub(crate) fn echo(meta: Meta<'_>, who: Who<'_>, e: &EchoOut) -> Change {
    let mut m = MessageEcho::new(
        wa(&e.from),
        wa(&e.to),
        wamid(&e.id),
        ts(e.timestamp_s),
        content(&e.content),
    );
    if let Some((user, parent)) = &e.to_user_ids {
        m.to_user_id = Some(id(user, UserId::parse));
        m.to_parent_user_id = Some(id(parent, UserId::parse));
    }
    let mut value = EchoesValue::single(metadata(meta), m);
    value.contacts = Some(vec![contact(who)]);
    Change::of(ChangeValue::MessageEchoes(value))
}

/// Address-book changes: `field: smb_app_state_sync` (`remove` carries only the number).
pub(crate) fn state_sync(meta: Meta<'_>, items: &[StateSyncOut]) -> Change {
    let entries = items
        .iter()
        .map(|i| match &i.names {
            Some((full, first)) => {
                StateSyncEntry::add_contact(wa(&i.phone_number), full, first, ts(i.timestamp_s))
            }
            None => StateSyncEntry::remove_contact(wa(&i.phone_number), ts(i.timestamp_s)),
        })
        .collect();
    Change::of(ChangeValue::StateSync(StateSyncValue::new(
        metadata(meta),
        entries,
    )))
}

/// One history chunk: `field: history` with `history[].metadata` and `threads`.
pub(crate) fn history_chunk(meta: Meta<'_>, chunk: &ChunkOut) -> Change {
    let threads = chunk
        .threads
        .iter()
        .map(|(thread, messages)| HistoryThread {
            id: wa(thread),
            messages: messages.iter().map(history_message).collect(),
            extra: Map::new(),
        })
        .collect();
    let item = HistoryItem::chunk(
        u32::from(chunk.phase),
        chunk.chunk_order,
        u32::from(chunk.progress),
        threads,
    );
    Change::of(ChangeValue::History(HistoryValue::chunks(
        metadata(meta),
        vec![item],
    )))
}

fn history_message(h: &HistoryMessageOut) -> HistoryMessage {
    let body = match &h.content {
        Some(c) => content(c),
        None => MessageContent::MediaPlaceholder,
    };
    HistoryMessage::new(
        wa(&h.from),
        wamid(&h.id),
        ts(h.timestamp_s),
        body,
        HistoryStatus::from_wire(&h.status),
    )
}

/// Media follow-ups of a history export: `field: history` with `value.messages[]`.
pub(crate) fn history_media(meta: Meta<'_>, messages: &[MediaOut]) -> Change {
    let messages = messages
        .iter()
        .map(|(from, mid, t, c)| InboundMessage::new(wa(from), wamid(mid), ts(*t), content(c)))
        .collect();
    Change::of(ChangeValue::History(HistoryValue::media(
        metadata(meta),
        messages,
    )))
}

/// The business declined history sharing: one `history` webhook with error 2593109.
pub(crate) fn history_declined(meta: Meta<'_>, error: &ErrorOut) -> Change {
    let item = HistoryItem {
        errors: Some(vec![webhook_error(error)]),
        ..HistoryItem::default()
    };
    Change::of(ChangeValue::History(HistoryValue::chunks(
        metadata(meta),
        vec![item],
    )))
}

/// `field: account_update`.
pub(crate) fn account_update(a: &AccountUpdateOut) -> Change {
    let mut value = AccountUpdate::new(AccountEvent::from_wire(&a.event));
    value.phone_number = a.phone_number.as_deref().map(wa);
    value.waba_info = a.waba_info.as_ref().map(|(waba, owner)| {
        let mut info = WabaInfo::new(id(waba, WabaId::parse));
        info.owner_business_id = Some(id(owner, BusinessId::parse));
        info
    });
    value.disconnection_info = a
        .disconnection
        .as_ref()
        .map(|(reason, by)| DisconnectionInfo {
            reason: Some(DisconnectionReason::from_wire(reason)),
            initiated_by: Some(InitiatedBy::from_wire(by)),
            extra: Map::new(),
        });
    Change::of(ChangeValue::AccountUpdate(Box::new(value)))
}

/// `field: message_template_status_update` (`message_template_id` is an integer).
pub(crate) fn template_status(t: &TemplateStatusOut) -> Change {
    let mut value = TemplateStatusUpdate::new(
        TemplateStatus::from_wire(&t.event),
        TemplateId::from_integer(t.template_id),
        &t.name,
        &t.language,
    );
    value.reason = Some(Some(TemplateReason::from_wire(&t.reason)));
    value.message_template_category = Some(TemplateCategory::from_wire(&t.category));
    value.rejection_info = t
        .rejection
        .as_ref()
        .map(|(reason, recommendation)| RejectionInfo {
            reason: Some(reason.clone()),
            recommendation: Some(recommendation.clone()),
            extra: Map::new(),
        });
    Change::of(ChangeValue::TemplateStatus(value))
}

/// `field: user_preferences` (marketing stop / resume).
pub(crate) fn user_preferences(meta: Meta<'_>, who: Who<'_>, p: &PreferenceOut) -> Change {
    let (value, detail) = if p.stop {
        (
            PreferenceValue::Stop,
            "User requested to stop marketing messages",
        )
    } else {
        (
            PreferenceValue::Resume,
            "User requested to resume marketing messages",
        )
    };
    let preference = UserPreference {
        wa_id: Some(wa(&p.wa_id)),
        user_id: who.user_ids.map(|(user, _)| id(user, UserId::parse)),
        detail: Some(detail.to_owned()),
        category: Some(PreferenceCategory::MarketingMessages),
        value: Some(value),
        timestamp: Some(Timestamp::integer(p.timestamp_s)),
        extra: Map::new(),
    };
    let value = UserPreferencesValue {
        messaging_product: Some("whatsapp".to_owned()),
        metadata: Some(metadata(meta)),
        contacts: Some(vec![contact(who)]),
        user_preferences: Some(vec![preference]),
        extra: Map::new(),
    };
    Change::of(ChangeValue::UserPreferences(value))
}

/// The POST body for a batch: one entry (all updates of a batch share `entry[].id`), one change
/// per update, serialized ASCII-only.
pub(crate) fn envelope_bytes(updates: &[Update]) -> Vec<u8> {
    let Some(first) = updates.first() else {
        return b"{}".to_vec();
    };
    let changes = updates.iter().map(|u| u.change.0.clone()).collect();
    let mut entry = Entry::new(id(&first.entry_id, WabaId::parse), changes);
    if let Some(t) = first.entry_time_s {
        entry = entry.with_time(t);
    }
    meta::json::to_vec_ascii(&Envelope::new(vec![entry])).unwrap_or_default()
}
