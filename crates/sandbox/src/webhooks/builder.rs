//! Meta-shaped webhook payloads, one constructor per kind of update.
//!
//! The inputs are plain sandbox structs; the output is a [`Change`] (`field` + `value`) that the
//! outbox batches into an envelope and serializes ASCII-only.

use serde_json::{Map, Value, json};

use crate::webhooks::Update;

/// One `changes[]` element.
#[derive(Clone, Debug)]
pub(crate) struct Change {
    field: &'static str,
    value: Value,
}

impl Change {
    pub(crate) fn field_name(&self) -> String {
        self.field.to_owned()
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

/// A Meta error object (`errors[]`).
#[derive(Clone, Debug)]
pub(crate) struct ErrorOut {
    pub(crate) code: i64,
    pub(crate) title: String,
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

fn base(meta: Meta<'_>) -> Map<String, Value> {
    let mut value = Map::new();
    value.insert("messaging_product".to_owned(), json!("whatsapp"));
    value.insert(
        "metadata".to_owned(),
        json!({"display_phone_number": meta.display_phone_number, "phone_number_id": meta.phone_number_id}),
    );
    value
}

fn contact(who: Who<'_>) -> Value {
    let mut c = json!({"profile": {"name": who.name}, "wa_id": who.wa_id});
    if let Some((user, parent)) = who.user_ids {
        c["user_id"] = json!(user);
        c["parent_user_id"] = json!(parent);
    }
    c
}

fn merge(into: &mut Map<String, Value>, content: &Value) {
    if let Some(obj) = content.as_object() {
        for (k, v) in obj {
            into.insert(k.clone(), v.clone());
        }
    }
}

pub(crate) fn error_json(e: &ErrorOut) -> Value {
    let mut v = json!({"code": e.code, "title": e.title, "message": e.title,
                       "error_data": {"details": e.details}});
    if e.href {
        v["href"] = json!("/documentation/business-messaging/whatsapp/support/error-codes");
    }
    v
}

/// A customer message: `field: messages` with `contacts` and `messages`.
pub(crate) fn inbound(meta: Meta<'_>, who: Who<'_>, msg: &Inbound) -> Change {
    let mut m = Map::new();
    if let Some(ctx) = &msg.context {
        m.insert("context".to_owned(), ctx.clone());
    }
    m.insert("from".to_owned(), json!(msg.from));
    if let Some(uid) = &msg.from_user_id {
        m.insert("from_user_id".to_owned(), json!(uid));
    }
    m.insert("id".to_owned(), json!(msg.id));
    m.insert("timestamp".to_owned(), json!(msg.timestamp_s.to_string()));
    if let Some(r) = &msg.referral {
        m.insert("referral".to_owned(), r.clone());
    }
    merge(&mut m, &msg.content);
    let mut value = base(meta);
    value.insert("contacts".to_owned(), json!([contact(who)]));
    value.insert("messages".to_owned(), json!([Value::Object(m)]));
    Change {
        field: "messages",
        value: Value::Object(value),
    }
}

/// A status of an API send: `field: messages` with `statuses` (and `contacts` beside it).
pub(crate) fn status(meta: Meta<'_>, who: Who<'_>, st: &StatusOut) -> Change {
    let mut s = json!({"id": st.id, "status": st.status, "timestamp": st.timestamp_s.to_string(),
                       "recipient_id": st.recipient_id});
    if let Some(b) = &st.biz_opaque_callback_data {
        s["biz_opaque_callback_data"] = json!(b);
    }
    if let Some(c) = &st.conversation {
        let mut conv = json!({"id": c.id, "origin": {"type": c.origin}});
        if let Some(exp) = c.expiration_s {
            conv["expiration_timestamp"] = json!(exp.to_string());
        }
        s["conversation"] = conv;
    }
    if let Some(p) = &st.pricing {
        s["pricing"] = json!({"billable": p.billable, "pricing_model": "PMP",
                              "type": p.pricing_type, "category": p.category});
    }
    if !st.errors.is_empty() {
        s["errors"] = Value::Array(st.errors.iter().map(error_json).collect());
    }
    let mut value = base(meta);
    value.insert("contacts".to_owned(), json!([contact(who)]));
    value.insert("statuses".to_owned(), json!([s]));
    Change {
        field: "messages",
        value: Value::Object(value),
    }
}

/// A message sent from the phone app: `field: smb_message_echoes`.
pub(crate) fn echo(meta: Meta<'_>, who: Who<'_>, e: &EchoOut) -> Change {
    let mut m = Map::new();
    m.insert("from".to_owned(), json!(e.from));
    m.insert("to".to_owned(), json!(e.to));
    if let Some((user, parent)) = &e.to_user_ids {
        m.insert("to_user_id".to_owned(), json!(user));
        m.insert("to_parent_user_id".to_owned(), json!(parent));
    }
    m.insert("id".to_owned(), json!(e.id));
    m.insert("timestamp".to_owned(), json!(e.timestamp_s.to_string()));
    merge(&mut m, &e.content);
    let mut value = base(meta);
    value.insert("contacts".to_owned(), json!([contact(who)]));
    value.insert("message_echoes".to_owned(), json!([Value::Object(m)]));
    Change {
        field: "smb_message_echoes",
        value: Value::Object(value),
    }
}

/// Address-book changes: `field: smb_app_state_sync`.
pub(crate) fn state_sync(meta: Meta<'_>, items: &[StateSyncOut]) -> Change {
    let items: Vec<Value> = items
        .iter()
        .map(|i| {
            let mut contact = json!({});
            let action = match &i.names {
                Some((full, first)) => {
                    contact["full_name"] = json!(full);
                    contact["first_name"] = json!(first);
                    "add"
                }
                None => "remove",
            };
            contact["phone_number"] = json!(i.phone_number);
            json!({"type": "contact", "contact": contact, "action": action,
                   "metadata": {"timestamp": i.timestamp_s.to_string()}})
        })
        .collect();
    let mut value = base(meta);
    value.insert("state_sync".to_owned(), Value::Array(items));
    Change {
        field: "smb_app_state_sync",
        value: Value::Object(value),
    }
}

/// One history chunk: `field: history` with `history[].metadata` and `threads`.
pub(crate) fn history_chunk(meta: Meta<'_>, chunk: &ChunkOut) -> Change {
    let threads: Vec<Value> = chunk
        .threads
        .iter()
        .map(|(id, messages)| {
            let messages: Vec<Value> = messages.iter().map(history_message).collect();
            json!({"id": id, "messages": messages})
        })
        .collect();
    let mut value = base(meta);
    value.insert(
        "history".to_owned(),
        json!([{"metadata": {"phase": chunk.phase, "chunk_order": chunk.chunk_order,
                             "progress": chunk.progress}, "threads": threads}]),
    );
    Change {
        field: "history",
        value: Value::Object(value),
    }
}

fn history_message(h: &HistoryMessageOut) -> Value {
    let mut m = Map::new();
    m.insert("from".to_owned(), json!(h.from));
    m.insert("id".to_owned(), json!(h.id));
    m.insert("timestamp".to_owned(), json!(h.timestamp_s.to_string()));
    match &h.content {
        Some(content) => merge(&mut m, content),
        None => {
            m.insert("type".to_owned(), json!("media_placeholder"));
        }
    }
    m.insert("history_context".to_owned(), json!({"status": h.status}));
    Value::Object(m)
}

/// Media follow-ups of a history export: `field: history` with `value.messages[]`.
pub(crate) fn history_media(meta: Meta<'_>, messages: &[(String, String, i64, Value)]) -> Change {
    let messages: Vec<Value> = messages
        .iter()
        .map(|(from, id, ts, content)| {
            let mut m = Map::new();
            m.insert("from".to_owned(), json!(from));
            m.insert("id".to_owned(), json!(id));
            m.insert("timestamp".to_owned(), json!(ts.to_string()));
            merge(&mut m, content);
            Value::Object(m)
        })
        .collect();
    let mut value = base(meta);
    value.insert("messages".to_owned(), Value::Array(messages));
    Change {
        field: "history",
        value: Value::Object(value),
    }
}

/// The business declined history sharing: one `history` webhook with error 2593109.
pub(crate) fn history_declined(meta: Meta<'_>, error: &ErrorOut) -> Change {
    let mut value = base(meta);
    value.insert(
        "history".to_owned(),
        json!([{"errors": [error_json(error)]}]),
    );
    Change {
        field: "history",
        value: Value::Object(value),
    }
}

/// `field: account_update`.
pub(crate) fn account_update(a: &AccountUpdateOut) -> Change {
    let mut v = Map::new();
    if let Some(p) = &a.phone_number {
        v.insert("phone_number".to_owned(), json!(p));
    }
    v.insert("event".to_owned(), json!(a.event));
    if let Some((waba, owner)) = &a.waba_info {
        v.insert(
            "waba_info".to_owned(),
            json!({"waba_id": waba, "owner_business_id": owner}),
        );
    }
    if let Some((reason, by)) = &a.disconnection {
        v.insert(
            "disconnection_info".to_owned(),
            json!({"reason": reason, "initiated_by": by}),
        );
    }
    Change {
        field: "account_update",
        value: Value::Object(v),
    }
}

/// `field: message_template_status_update`.
pub(crate) fn template_status(t: &TemplateStatusOut) -> Change {
    let mut v = json!({"event": t.event, "message_template_id": t.template_id,
                       "message_template_name": t.name, "message_template_language": t.language,
                       "reason": t.reason, "message_template_category": t.category});
    if let Some((reason, recommendation)) = &t.rejection {
        v["rejection_info"] = json!({"reason": reason, "recommendation": recommendation});
    }
    Change {
        field: "message_template_status_update",
        value: v,
    }
}

/// `field: user_preferences` (marketing stop / resume).
pub(crate) fn user_preferences(meta: Meta<'_>, who: Who<'_>, p: &PreferenceOut) -> Change {
    let (value_word, detail) = if p.stop {
        ("stop", "User requested to stop marketing messages")
    } else {
        ("resume", "User requested to resume marketing messages")
    };
    let mut value = base(meta);
    value.insert("contacts".to_owned(), json!([contact(who)]));
    value.insert(
        "user_preferences".to_owned(),
        json!([{"wa_id": p.wa_id, "detail": detail, "category": "marketing_messages",
                "value": value_word, "timestamp": p.timestamp_s}]),
    );
    Change {
        field: "user_preferences",
        value: Value::Object(value),
    }
}

/// The POST body for a batch: one entry (all updates of a batch share `entry[].id`), one change
/// per update, serialized ASCII-only.
pub(crate) fn envelope_bytes(updates: &[Update]) -> Vec<u8> {
    let Some(first) = updates.first() else {
        return b"{}".to_vec();
    };
    let changes: Vec<Value> = updates
        .iter()
        .map(|u| json!({"value": u.change.value, "field": u.change.field}))
        .collect();
    let mut entry = json!({"id": first.entry_id});
    if let Some(t) = first.entry_time_s {
        entry["time"] = json!(t);
    }
    entry["changes"] = Value::Array(changes);
    let envelope = json!({"object": "whatsapp_business_account", "entry": [entry]});
    meta::json::to_vec_ascii(&envelope).unwrap_or_default()
}
