//! What customers do: write (any inbound type, with reply context or a click-to-WhatsApp
//! referral), edit and revoke their messages, read the business's messages, stop or resume
//! marketing, change their profile name, change their phone number.

use serde_json::{Map, Value, json};

use crate::error::ControlError;
use crate::ids::Direction;
use crate::state::media::default_mime;
use crate::state::messages::{MessageRecord, Origin};
use crate::state::phone::{ChatMessage, is_media_type};
use crate::webhooks::builder::{self, Inbound, NumberChangeOut, PreferenceOut};
use crate::world::{StatusStep, World};

/// Customers may edit a message for 15 minutes and revoke it for two days (META.md §3.12).
const EDIT_WINDOW_MS: u64 = 15 * 60_000;
const REVOKE_WINDOW_MS: u64 = 2 * 86_400_000;

/// A customer message as the control API receives it: inbound content plus options.
#[derive(Debug, Clone)]
pub(crate) struct CustomerMessage {
    /// `{"type": …, "<type>": {…}}`, optionally with `context` and `referral`.
    pub(crate) message: Value,
    /// Profile name to use (and keep) for this customer.
    pub(crate) name: Option<String>,
}

/// What a customer action produced.
#[derive(Debug, Clone)]
pub(crate) struct CustomerOutcome {
    pub(crate) wamid: String,
    /// Whether a webhook went out (not when the number is off the API).
    pub(crate) webhook: bool,
    pub(crate) media_id: Option<String>,
}

impl World {
    /// A customer writes to a business number.
    pub(crate) fn customer_send(
        &mut self,
        wa_id: &str,
        pnid: &str,
        input: CustomerMessage,
    ) -> Result<CustomerOutcome, ControlError> {
        self.require_number(pnid)?;
        let mut obj = message_object(input.message)?;
        let context = obj.remove("context");
        let referral = obj.remove("referral");
        let Scripted {
            kind,
            content,
            media_id,
        } = self.scripted(pnid, wa_id, input.name.as_deref(), obj)?;
        builder::check_context(context.as_ref(), referral.as_ref())
            .map_err(ControlError::bad_request)?;
        let wamid = self.ids.wamid(wa_id, Direction::Inbound);
        self.remember_customer_message(pnid, wa_id, &wamid, &kind, &content);
        let connected = self.numbers[pnid].is_connected();
        if connected {
            let now = self.now;
            let thread = self.thread(pnid, wa_id);
            thread.last_customer_message_at = Some(now);
            if referral.is_some() {
                thread.referral_entry_at = Some(now);
            }
            let inbound = Inbound {
                from: wa_id.to_owned(),
                from_user_id: None,
                id: wamid.clone(),
                timestamp_s: self.now_s(),
                content,
                context,
                referral,
            };
            self.emit_inbound(pnid, wa_id, &inbound);
        }
        Ok(CustomerOutcome {
            wamid,
            webhook: connected,
            media_id,
        })
    }

    fn remember_customer_message(
        &mut self,
        pnid: &str,
        wa_id: &str,
        wamid: &str,
        kind: &str,
        content: &Value,
    ) {
        self.messages.insert(
            wamid.to_owned(),
            MessageRecord {
                wamid: wamid.to_owned(),
                phone_number_id: pnid.to_owned(),
                wa_id: wa_id.to_owned(),
                origin: Origin::Customer,
                kind: kind.to_owned(),
                at: self.now,
                status: "received".to_owned(),
                biz_opaque_callback_data: None,
                pricing: None,
                pricing_on_delivery_sent: false,
                revoked: false,
            },
        );
        let now = self.now;
        if let Some(phone) = self.phones.get_mut(pnid) {
            phone.record(
                wa_id,
                ChatMessage {
                    wamid: wamid.to_owned(),
                    from_business: false,
                    at: now,
                    content: content.clone(),
                    status: "READ".to_owned(),
                    revoked: false,
                },
            );
        }
    }

    fn emit_inbound(&mut self, pnid: &str, wa_id: &str, inbound: &Inbound) {
        let (Some(meta), Some(who)) = (self.meta_of(pnid), self.who(wa_id)) else {
            return;
        };
        let change = builder::inbound(meta, who, inbound);
        let update = self.phone_update(pnid, change);
        self.emit(update);
    }

    /// Reads a message a script sends through `pnid` to or from `wa_id` (a customer's, or the
    /// owner's on the phone): its `type`, the customer (created with `name` if new), its media
    /// stored and filled in, and its shape checked with `meta`. The order is the ids' order,
    /// so a seed gives the same ids whoever sends.
    pub(crate) fn scripted(
        &mut self,
        pnid: &str,
        wa_id: &str,
        name: Option<&str>,
        mut obj: Map<String, Value>,
    ) -> Result<Scripted, ControlError> {
        let kind = content_type(&obj)?;
        self.customer_or_create(wa_id, name);
        let media_id = if is_media_type(&kind) {
            Some(self.attach_media(pnid, &kind, &mut obj)?)
        } else {
            None
        };
        let content = Value::Object(obj);
        checked(&content)?;
        Ok(Scripted {
            kind,
            content,
            media_id,
        })
    }

    /// Makes a media object for customer or phone media, filling `id`, `mime_type`, `sha256`
    /// (and `url`) into the content object.
    pub(crate) fn attach_media(
        &mut self,
        pnid: &str,
        kind: &str,
        content: &mut Map<String, Value>,
    ) -> Result<String, ControlError> {
        let media = content
            .get_mut(kind)
            .and_then(Value::as_object_mut)
            .ok_or_else(|| ControlError::bad_request(format!("`{kind}` object is missing")))?;
        let mime = media
            .get("mime_type")
            .and_then(Value::as_str)
            .unwrap_or(default_mime(kind))
            .to_owned();
        let filename = media
            .get("filename")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let id = self.ids.numeric(16);
        let len = 512 + (self.ids.numeric(3).parse::<usize>().unwrap_or(0) % 2048);
        let bytes = self.ids.bytes(len);
        let now = self.now;
        let encoding = self.cfg.media_sha256;
        let stored = self
            .media
            .insert(id.clone(), &mime, bytes.into(), filename, pnid, now);
        media.insert("mime_type".to_owned(), json!(stored.mime_type));
        media.insert("sha256".to_owned(), json!(encoding.write(&stored.sha256)));
        media.insert("id".to_owned(), json!(stored.id));
        media.insert("url".to_owned(), json!(self.media_url(&id)));
        Ok(id)
    }

    /// The download URL of a media object (served by the sandbox, bearer token required).
    pub(crate) fn media_url(&self, id: &str) -> String {
        format!(
            "{}/whatsapp_business/attachments/?mid={id}&source=sandbox",
            self.public_base_url
        )
    }

    /// A customer edits one of their messages (within 15 minutes).
    pub(crate) fn customer_edit(
        &mut self,
        wa_id: &str,
        pnid: &str,
        original: &str,
        message: Value,
    ) -> Result<CustomerOutcome, ControlError> {
        self.own_customer_message(wa_id, pnid, original, EDIT_WINDOW_MS, "edited")?;
        let mut message = message;
        let obj = message
            .as_object_mut()
            .ok_or_else(|| ControlError::bad_request("`message` must be a JSON object"))?;
        let kind = content_type(obj)?;
        if is_media_type(&kind) {
            self.attach_media(pnid, &kind, obj)?;
        }
        let new_content = Value::Object(obj.clone());
        checked(&new_content)?;
        if let Some(m) = self.phones.get_mut(pnid).and_then(|p| p.find_mut(original)) {
            m.content = new_content.clone();
        }
        let content = json!({"type": "edit", "edit": {"original_message_id": original, "message": new_content}});
        Ok(self.customer_meta_message(wa_id, pnid, content))
    }

    /// A customer deletes one of their messages (within two days).
    pub(crate) fn customer_revoke(
        &mut self,
        wa_id: &str,
        pnid: &str,
        original: &str,
    ) -> Result<CustomerOutcome, ControlError> {
        self.own_customer_message(wa_id, pnid, original, REVOKE_WINDOW_MS, "revoked")?;
        if let Some(record) = self.messages.get_mut(original) {
            record.revoked = true;
        }
        if let Some(m) = self.phones.get_mut(pnid).and_then(|p| p.find_mut(original)) {
            m.revoked = true;
        }
        let content = json!({"type": "revoke", "revoke": {"original_message_id": original}});
        Ok(self.customer_meta_message(wa_id, pnid, content))
    }

    fn own_customer_message(
        &self,
        wa_id: &str,
        pnid: &str,
        original: &str,
        window_ms: u64,
        verb: &str,
    ) -> Result<(), ControlError> {
        self.require_number(pnid)?;
        let record = self
            .messages
            .get(original)
            .filter(|m| {
                m.origin == Origin::Customer && m.wa_id == wa_id && m.phone_number_id == pnid
            })
            .ok_or_else(|| {
                ControlError::not_found(format!(
                    "{original} is not a message from customer {wa_id} to number {pnid}"
                ))
            })?;
        if record.revoked {
            return Err(ControlError::conflict(format!(
                "{original} was already revoked"
            )));
        }
        if self.now > record.at + window_ms {
            return Err(ControlError::conflict(format!(
                "{original} can no longer be {verb}: the window is {} minutes",
                window_ms / 60_000
            )));
        }
        Ok(())
    }

    /// An edit or revoke notice: a `messages` webhook with its own wamid.
    fn customer_meta_message(
        &mut self,
        wa_id: &str,
        pnid: &str,
        content: Value,
    ) -> CustomerOutcome {
        let wamid = self.ids.wamid(wa_id, Direction::Inbound);
        let connected = self.numbers[pnid].is_connected();
        if connected {
            let inbound = Inbound {
                from: wa_id.to_owned(),
                from_user_id: None,
                id: wamid.clone(),
                timestamp_s: self.now_s(),
                content,
                context: None,
                referral: None,
            };
            self.emit_inbound(pnid, wa_id, &inbound);
        }
        CustomerOutcome {
            wamid,
            webhook: connected,
            media_id: None,
        }
    }

    /// The customer reads the business's API messages (all unread ones, or those listed).
    pub(crate) fn customer_read(
        &mut self,
        wa_id: &str,
        pnid: &str,
        wamids: Option<Vec<String>>,
    ) -> Result<Vec<String>, ControlError> {
        self.require_number(pnid)?;
        let targets: Vec<String> = match wamids {
            Some(list) => list,
            None => self
                .messages
                .values()
                .filter(|m| {
                    m.origin == Origin::Api && m.wa_id == wa_id && m.phone_number_id == pnid
                })
                .filter(|m| matches!(m.status.as_str(), "accepted" | "sent" | "delivered"))
                .filter(|m| m.kind != "reaction")
                .map(|m| m.wamid.clone())
                .collect(),
        };
        for wamid in &targets {
            let ok = self
                .messages
                .get(wamid)
                .is_some_and(|m| m.origin == Origin::Api && m.wa_id == wa_id);
            if !ok {
                return Err(ControlError::not_found(format!(
                    "{wamid} is not an API message to {wa_id}"
                )));
            }
        }
        for wamid in &targets {
            self.advance_status(wamid, StatusStep::Read);
        }
        Ok(targets)
    }

    /// The customer stops (or resumes) marketing messages: `user_preferences` webhook.
    pub(crate) fn customer_marketing(
        &mut self,
        wa_id: &str,
        pnid: &str,
        stop: bool,
    ) -> Result<(), ControlError> {
        self.require_number(pnid)?;
        self.customer_or_create(wa_id, None).marketing_stopped = stop;
        if !self.numbers[pnid].is_connected() {
            return Ok(());
        }
        let pref = PreferenceOut {
            wa_id: wa_id.to_owned(),
            stop,
            timestamp_s: self.now_s(),
        };
        let (Some(meta), Some(who)) = (self.meta_of(pnid), self.who(wa_id)) else {
            return Ok(());
        };
        let change = builder::user_preferences(meta, who, &pref);
        let update = self.phone_update(pnid, change);
        self.emit(update);
        Ok(())
    }

    /// A customer changes phone number: Meta tells the business with a `system` message from
    /// the old number naming the new one. Afterwards the customer writes from the new number,
    /// a customer of its own (same name, a new BSUID: it changes with the number); the old
    /// number's conversation state stays with the old number.
    pub(crate) fn customer_change_number(
        &mut self,
        old_wa_id: &str,
        pnid: &str,
        new_wa_id: &str,
    ) -> Result<CustomerOutcome, ControlError> {
        self.require_number(pnid)?;
        if old_wa_id == new_wa_id {
            return Err(ControlError::bad_request(format!(
                "new_wa_id {new_wa_id} is the customer's current number"
            )));
        }
        let name = self.customer_or_create(old_wa_id, None).name.clone();
        self.customer_or_create(new_wa_id, Some(&name));
        let wamid = self.ids.wamid(old_wa_id, Direction::Inbound);
        let connected = self.numbers[pnid].is_connected();
        if connected && let Some(meta) = self.meta_of(pnid) {
            let notice = NumberChangeOut {
                old_wa_id: old_wa_id.to_owned(),
                new_wa_id: new_wa_id.to_owned(),
                id: wamid.clone(),
                timestamp_s: self.now_s(),
            };
            let change = builder::number_change(meta, &notice);
            let update = self.phone_update(pnid, change);
            self.emit(update);
        }
        Ok(CustomerOutcome {
            wamid,
            webhook: connected,
            media_id: None,
        })
    }

    pub(crate) fn require_number(&self, pnid: &str) -> Result<(), ControlError> {
        if self.numbers.contains_key(pnid) {
            Ok(())
        } else {
            Err(ControlError::not_found(format!(
                "unknown phone_number_id {pnid}"
            )))
        }
    }
}

/// A scripted message's content (see [`World::scripted`]).
pub(crate) struct Scripted {
    /// Its `type`.
    pub(crate) kind: String,
    /// The content object, media filled in.
    pub(crate) content: Value,
    /// The media stored for it.
    pub(crate) media_id: Option<String>,
}

/// The object of a scripted `message`.
pub(crate) fn message_object(message: Value) -> Result<Map<String, Value>, ControlError> {
    match message {
        Value::Object(obj) => Ok(obj),
        _ => Err(ControlError::bad_request("`message` must be a JSON object")),
    }
}

/// Refuses content that does not fit Meta's shape for its type (checked with `meta`).
pub(crate) fn checked(content: &Value) -> Result<(), ControlError> {
    builder::parse_content(content)
        .map(|_| ())
        .map_err(ControlError::bad_request)
}

/// The `type` of a content object, checking its same-named object is there when required.
pub(crate) fn content_type(obj: &Map<String, Value>) -> Result<String, ControlError> {
    let kind = obj
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| ControlError::bad_request("`message.type` is required"))?
        .to_owned();
    if !obj.contains_key(&kind) {
        return Err(ControlError::bad_request(format!(
            "`message.{kind}` is required for type {kind}"
        )));
    }
    Ok(kind)
}
