//! What the business owner does in the WhatsApp Business App on a coexistence number: send
//! (echoes), edit and revoke, change the address book (state sync), open the app, hold old
//! chats (history), decline history sharing.

use serde_json::{Value, json};

use crate::error::ControlError;
use crate::ids::Direction;
use crate::state::messages::{MessageRecord, Origin};
use crate::state::phone::{ChatMessage, PhoneApp, PhoneContact, is_media_type};
use crate::webhooks::builder::{self, EchoOut, StateSyncOut};
use crate::world::World;
use crate::world::inbound::{Scripted, checked, content_type, message_object};

/// One message of a thread seeded onto the phone.
#[derive(Debug, Clone)]
pub(crate) struct SeedMessage {
    pub(crate) from_business: bool,
    /// How long before now the message was exchanged, in ms.
    pub(crate) age_ms: u64,
    pub(crate) message: Value,
    /// `history_context.status`; defaults to READ.
    pub(crate) status: Option<String>,
}

impl World {
    /// The phone of a coexistence number; using it counts as opening the app.
    fn open_phone(&mut self, pnid: &str) -> Result<&mut PhoneApp, ControlError> {
        self.require_number(pnid)?;
        let now = self.now;
        if !self.phones.contains_key(pnid) {
            return Err(ControlError::conflict(format!(
                "{pnid} is a Cloud-API-only number: it has no WhatsApp Business App"
            )));
        }
        let opened = {
            let phone = self.phones.get_mut(pnid).expect("checked");
            let moved = phone.last_opened_at != now;
            phone.last_opened_at = now;
            moved
        };
        if opened {
            self.schedule_inactivity_check(pnid);
        }
        Ok(self.phones.get_mut(pnid).expect("checked"))
    }

    /// The owner opens the app (keeps the number from being disconnected for inactivity).
    pub(crate) fn phone_open(&mut self, pnid: &str) -> Result<u64, ControlError> {
        Ok(self.open_phone(pnid)?.last_opened_at)
    }

    /// The owner sends a message from the phone: an `smb_message_echoes` webhook.
    pub(crate) fn phone_send(
        &mut self,
        pnid: &str,
        to: &str,
        message: Value,
    ) -> Result<(String, Option<String>), ControlError> {
        self.open_phone(pnid)?;
        let wa_id = crate::world::normalize_phone(to).ok_or_else(|| {
            ControlError::bad_request(format!("`to` ({to:?}) is not a phone number"))
        })?;
        let Scripted {
            kind,
            content,
            media_id,
        } = self.scripted(pnid, &wa_id, None, message_object(message)?)?;
        let wamid = self.ids.wamid(&wa_id, Direction::Outbound);
        self.messages.insert(
            wamid.clone(),
            MessageRecord {
                wamid: wamid.clone(),
                phone_number_id: pnid.to_owned(),
                wa_id: wa_id.clone(),
                origin: Origin::BusinessApp,
                kind,
                at: self.now,
                status: "echoed".to_owned(),
                biz_opaque_callback_data: None,
                pricing: None,
                pricing_on_delivery_sent: false,
                revoked: false,
            },
        );
        let now = self.now;
        self.open_phone(pnid)?.record(
            &wa_id,
            ChatMessage {
                wamid: wamid.clone(),
                from_business: true,
                at: now,
                content: content.clone(),
                status: "DELIVERED".to_owned(),
                revoked: false,
            },
        );
        self.emit_echo(pnid, &wa_id, &wamid, content);
        Ok((wamid, media_id))
    }

    fn emit_echo(&mut self, pnid: &str, wa_id: &str, wamid: &str, content: Value) {
        if !self.numbers[pnid].is_connected() {
            return;
        }
        let to_user_ids = self
            .cfg
            .bsuid
            .then(|| &self.customers[wa_id])
            .map(|c| (c.user_id.clone(), c.parent_user_id.clone()));
        let echo = EchoOut {
            from: self.numbers[pnid].display_phone_number.clone(),
            to: wa_id.to_owned(),
            to_user_ids,
            id: wamid.to_owned(),
            timestamp_s: self.now_s(),
            content,
        };
        let (Some(meta), Some(who)) = (self.meta_of(pnid), self.who(wa_id)) else {
            return;
        };
        let change = builder::echo(meta, who, &echo);
        let update = self.phone_update(pnid, change);
        self.emit(update);
    }

    /// The owner edits (`Some(message)`) or deletes (`None`) a business message: an echo of
    /// type `edit`/`revoke` with its own id.
    pub(crate) fn phone_edit_or_revoke(
        &mut self,
        pnid: &str,
        original: &str,
        message: Option<Value>,
    ) -> Result<String, ControlError> {
        self.open_phone(pnid)?;
        let record = self
            .messages
            .get(original)
            .filter(|m| m.phone_number_id == pnid && m.origin != Origin::Customer)
            .ok_or_else(|| {
                ControlError::not_found(format!("{original} is not a business message of {pnid}"))
            })?;
        if record.revoked {
            return Err(ControlError::conflict(format!(
                "{original} was already revoked"
            )));
        }
        let wa_id = record.wa_id.clone();
        let content = match message {
            Some(mut new) => {
                let obj = new
                    .as_object_mut()
                    .ok_or_else(|| ControlError::bad_request("`message` must be a JSON object"))?;
                let kind = content_type(obj)?;
                if is_media_type(&kind) {
                    self.attach_media(pnid, &kind, obj)?;
                }
                checked(&new)?;
                if let Some(m) = self.phones.get_mut(pnid).and_then(|p| p.find_mut(original)) {
                    m.content = new.clone();
                }
                json!({"type": "edit", "edit": {"original_message_id": original, "message": new}})
            }
            None => {
                if let Some(r) = self.messages.get_mut(original) {
                    r.revoked = true;
                }
                if let Some(m) = self.phones.get_mut(pnid).and_then(|p| p.find_mut(original)) {
                    m.revoked = true;
                }
                json!({"type": "revoke", "revoke": {"original_message_id": original}})
            }
        };
        let wamid = self.ids.wamid(&wa_id, Direction::Outbound);
        self.emit_echo(pnid, &wa_id, &wamid, content);
        Ok(wamid)
    }

    /// Adds or edits (`Some(full_name)`) or removes (`None`) an address-book contact.
    pub(crate) fn phone_contact(
        &mut self,
        pnid: &str,
        phone_number: &str,
        full_name: Option<(String, Option<String>)>,
    ) -> Result<(), ControlError> {
        let number = crate::world::normalize_phone(phone_number).ok_or_else(|| {
            ControlError::bad_request(format!("{phone_number:?} is not a phone number"))
        })?;
        let phone = self.open_phone(pnid)?;
        let names = match full_name {
            Some((full, first)) => {
                let first = first.unwrap_or_else(|| first_word(&full));
                let contact = PhoneContact {
                    full_name: full.clone(),
                    first_name: first.clone(),
                };
                phone.contacts.insert(number.clone(), contact);
                Some((full, first))
            }
            None => {
                if phone.contacts.remove(&number).is_none() {
                    return Err(ControlError::not_found(format!(
                        "{number} is not in the address book of {pnid}"
                    )));
                }
                None
            }
        };
        if self.numbers[pnid].is_connected() {
            let item = StateSyncOut {
                phone_number: number,
                names,
                timestamp_s: self.now_s(),
            };
            let meta = self.meta_of(pnid).expect("number exists");
            let change = builder::state_sync(meta, &[item]);
            let update = self.phone_update(pnid, change);
            self.emit(update);
        }
        Ok(())
    }

    /// Puts old threads on the phone (what a later history export will send).
    pub(crate) fn phone_seed_history(
        &mut self,
        pnid: &str,
        wa_id: &str,
        name: Option<&str>,
        messages: Vec<SeedMessage>,
    ) -> Result<Vec<String>, ControlError> {
        self.require_number(pnid)?;
        if !self.phones.contains_key(pnid) {
            return Err(ControlError::conflict(format!(
                "{pnid} has no WhatsApp Business App"
            )));
        }
        let wa_id = crate::world::normalize_phone(wa_id)
            .ok_or_else(|| ControlError::bad_request(format!("{wa_id:?} is not a phone number")))?;
        self.customer_or_create(&wa_id, name);
        let mut wamids = Vec::with_capacity(messages.len());
        for seed in messages {
            wamids.push(self.seed_one(pnid, &wa_id, seed)?);
        }
        Ok(wamids)
    }

    fn seed_one(
        &mut self,
        pnid: &str,
        wa_id: &str,
        seed: SeedMessage,
    ) -> Result<String, ControlError> {
        let mut message = seed.message;
        let obj = message
            .as_object_mut()
            .ok_or_else(|| ControlError::bad_request("each history message must be an object"))?;
        let kind = content_type(obj)?;
        if is_media_type(&kind) {
            self.attach_media(pnid, &kind, obj)?;
        }
        checked(&message)?;
        let direction = if seed.from_business {
            Direction::Outbound
        } else {
            Direction::Inbound
        };
        let wamid = self.ids.wamid(wa_id, direction);
        let at = self.now.saturating_sub(seed.age_ms);
        let status = seed
            .status
            .map(|s| s.to_ascii_uppercase())
            .unwrap_or_else(|| "READ".to_owned());
        let phone = self.phones.get_mut(pnid).expect("checked by caller");
        phone.record(
            wa_id,
            ChatMessage {
                wamid: wamid.clone(),
                from_business: seed.from_business,
                at,
                content: message,
                status,
                revoked: false,
            },
        );
        Ok(wamid)
    }

    /// The owner turns history sharing off (or back on) before the export is requested.
    pub(crate) fn phone_history_sharing(
        &mut self,
        pnid: &str,
        share: bool,
    ) -> Result<(), ControlError> {
        self.require_number(pnid)?;
        let phone = self.phones.get_mut(pnid).ok_or_else(|| {
            ControlError::conflict(format!("{pnid} has no WhatsApp Business App"))
        })?;
        phone.history_sharing = share;
        Ok(())
    }
}

fn first_word(full: &str) -> String {
    full.split_whitespace().next().unwrap_or(full).to_owned()
}
