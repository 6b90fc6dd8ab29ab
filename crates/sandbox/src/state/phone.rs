//! The WhatsApp Business App on the business's phone, for coexistence numbers: its address
//! book, the chats it holds (which the history export reads), when it was last opened, and
//! whether the owner agreed to share history.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// A contact in the phone's address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PhoneContact {
    pub(crate) full_name: String,
    pub(crate) first_name: String,
}

/// One message as the phone holds it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChatMessage {
    pub(crate) wamid: String,
    /// Sent by the business (from the app or through the API) rather than by the customer.
    pub(crate) from_business: bool,
    pub(crate) at: u64,
    /// The content in Meta's `{"type": …, "<type>": {…}}` form.
    pub(crate) content: Value,
    /// `history_context.status` (uppercase: SENT, DELIVERED, READ, PLAYED, PENDING, ERROR).
    pub(crate) status: String,
    /// Revoked messages are not exported.
    pub(crate) revoked: bool,
}

impl ChatMessage {
    /// The content's `type`.
    pub(crate) fn kind(&self) -> &str {
        self.content
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("text")
    }

    /// Whether the content is media that the history export replaces by a placeholder.
    pub(crate) fn is_media(&self) -> bool {
        is_media_type(self.kind())
    }
}

/// Media types (exported as `media_placeholder` in history chunks).
pub(crate) fn is_media_type(kind: &str) -> bool {
    matches!(kind, "image" | "video" | "audio" | "document" | "sticker")
}

/// The phone app of one coexistence number.
#[derive(Debug, Serialize)]
pub(crate) struct PhoneApp {
    pub(crate) contacts: BTreeMap<String, PhoneContact>,
    /// Chats by customer wa_id, oldest message first.
    pub(crate) chats: BTreeMap<String, Vec<ChatMessage>>,
    pub(crate) last_opened_at: u64,
    /// The owner agreed to share chat history at onboarding.
    pub(crate) history_sharing: bool,
}

impl PhoneApp {
    pub(crate) fn new(now: u64) -> Self {
        PhoneApp {
            contacts: BTreeMap::new(),
            chats: BTreeMap::new(),
            last_opened_at: now,
            history_sharing: true,
        }
    }

    /// Appends a message to the chat with `wa_id`, keeping the chat in time order.
    pub(crate) fn record(&mut self, wa_id: &str, message: ChatMessage) {
        let chat = self.chats.entry(wa_id.to_owned()).or_default();
        let at = chat.partition_point(|m| m.at <= message.at);
        chat.insert(at, message);
    }

    /// Finds a message by wamid.
    pub(crate) fn find_mut(&mut self, wamid: &str) -> Option<&mut ChatMessage> {
        self.chats
            .values_mut()
            .flat_map(|chat| chat.iter_mut())
            .find(|m| m.wamid == wamid)
    }
}

#[cfg(test)]
mod tests {
    use super::{ChatMessage, PhoneApp};
    use serde_json::json;

    fn msg(wamid: &str, at: u64) -> ChatMessage {
        ChatMessage {
            wamid: wamid.to_owned(),
            from_business: false,
            at,
            content: json!({"type": "text", "text": {"body": wamid}}),
            status: "READ".to_owned(),
            revoked: false,
        }
    }

    #[test]
    fn chats_stay_in_time_order_whatever_the_insertion_order() {
        let mut phone = PhoneApp::new(0);
        phone.record("1", msg("b", 20));
        phone.record("1", msg("a", 10));
        phone.record("1", msg("c", 30));
        let order: Vec<_> = phone.chats["1"].iter().map(|m| m.wamid.as_str()).collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert!(phone.find_mut("b").is_some());
        assert!(phone.find_mut("z").is_none());
    }
}
