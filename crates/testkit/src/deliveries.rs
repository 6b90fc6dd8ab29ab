//! The sandbox's webhook delivery log, typed, and what a webhook body carries as Meta's wire
//! shape says (read from the raw JSON, independently of the hub's own parser).

use serde::Deserialize;
use serde_json::Value;

/// `GET /_sandbox/webhooks/deliveries`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeliveryLog {
    /// Each signed POST body, oldest first.
    pub deliveries: Vec<Delivery>,
    /// Every attempt, in the order they happened.
    pub attempts: Vec<Attempt>,
}

/// One signed webhook body and where it stands.
#[derive(Debug, Clone, Deserialize)]
pub struct Delivery {
    /// Its id (increasing).
    pub id: u64,
    /// `pending`, `delivered` or `abandoned`.
    pub state: String,
    /// The `field` of each change inside.
    pub fields: Vec<String>,
    /// Sandbox time it was signed, Unix ms.
    pub created_at: u64,
    /// Attempts so far.
    pub attempts: u32,
    /// For a duplicate delivery, the delivery it copies byte for byte.
    pub duplicate_of: Option<u64>,
    /// The body, parsed.
    pub body: Value,
}

impl Delivery {
    /// Whether the sandbox will attempt it again.
    pub fn is_pending(&self) -> bool {
        self.state == "pending"
    }
}

/// One attempt to POST a delivery.
#[derive(Debug, Clone, Deserialize)]
pub struct Attempt {
    /// The delivery.
    pub delivery_id: u64,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// Sandbox time, Unix ms.
    pub at: u64,
    /// `ok`, `dropped_by_fault`, `http_status`, `timeout`, `error`, `lost`, `no_webhook_url`.
    pub outcome: String,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<u16>,
    /// When the next attempt is due, if any.
    pub next_attempt_at: Option<u64>,
}

impl Attempt {
    /// The receiver answered 200: whatever the sandbox then pretended (`dropped_by_fault`), the
    /// hub acknowledged this body and must have stored it.
    pub fn acknowledged(&self) -> bool {
        self.status_code == Some(200)
    }

    /// The body went out on the wire (the receiver may have stored it even without a 200).
    pub fn reached_the_wire(&self) -> bool {
        !matches!(self.outcome.as_str(), "lost" | "no_webhook_url")
    }
}

/// A message a webhook body carries that the hub must store as a message of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedMessage {
    /// Meta's id.
    pub wamid: String,
    /// `messages`, `smb_message_echoes` or `history`.
    pub field: String,
    /// For history messages of the business: the status it had on the phone
    /// (`history_context.status`, uppercase as Meta sends it).
    pub history_status: Option<String>,
}

/// A status a webhook body carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedStatus {
    /// The message it is about.
    pub wamid: String,
    /// Meta's value (`sent`, `delivered`, `read`, `played`, `failed`).
    pub status: String,
}

/// Everything of interest in one webhook body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    /// Messages to store (edits and revokes are events on other messages, not messages).
    pub messages: Vec<CarriedMessage>,
    /// Delivery statuses.
    pub statuses: Vec<CarriedStatus>,
}

/// What `body` carries, over every entry × change, per Meta's wire shape.
pub fn carried(body: &Value) -> Carried {
    let mut out = Carried::default();
    for change in array(&body["entry"])
        .iter()
        .flat_map(|e| array(&e["changes"]))
    {
        let field = change["field"].as_str().unwrap_or_default();
        let value = &change["value"];
        match field {
            "messages" => {
                push_messages(&mut out, field, array(&value["messages"]));
                for s in array(&value["statuses"]) {
                    if let (Some(wamid), Some(status)) = (s["id"].as_str(), s["status"].as_str()) {
                        out.statuses.push(CarriedStatus {
                            wamid: wamid.to_owned(),
                            status: status.to_owned(),
                        });
                    }
                }
            }
            "smb_message_echoes" => push_messages(&mut out, field, array(&value["message_echoes"])),
            "history" => push_history(&mut out, value),
            _ => {}
        }
    }
    out
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn push_messages(out: &mut Carried, field: &str, messages: &[Value]) {
    for m in messages {
        let kind = m["type"].as_str().unwrap_or_default();
        // An edit or a revoke amends the message it names; it is not a message itself.
        if matches!(kind, "edit" | "revoke") {
            continue;
        }
        if let Some(wamid) = m["id"].as_str() {
            out.messages.push(CarriedMessage {
                wamid: wamid.to_owned(),
                field: field.to_owned(),
                history_status: None,
            });
        }
    }
}

fn push_history(out: &mut Carried, value: &Value) {
    let business = value["metadata"]["display_phone_number"]
        .as_str()
        .map(digits);
    for thread in array(&value["history"])
        .iter()
        .flat_map(|h| array(&h["threads"]))
    {
        for m in array(&thread["messages"]) {
            let Some(wamid) = m["id"].as_str() else {
                continue;
            };
            let from_business = m["from"].as_str().map(digits) == business;
            let status = m["history_context"]["status"].as_str();
            out.messages.push(CarriedMessage {
                wamid: wamid.to_owned(),
                field: "history".to_owned(),
                history_status: status.filter(|_| from_business).map(str::to_owned),
            });
        }
    }
    // Media follow-ups: the content of earlier placeholders, same wamid.
    push_messages(out, "history", array(&value["messages"]));
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::carried;

    #[test]
    fn messages_echoes_and_history_are_carried_but_edits_and_revokes_are_not() {
        let body = json!({"entry": [{"changes": [
            {"field": "messages", "value": {
                "messages": [{"id": "w1", "type": "text"}, {"id": "w2", "type": "edit"}],
                "statuses": [{"id": "w9", "status": "read"}]}},
            {"field": "smb_message_echoes", "value": {
                "message_echoes": [{"id": "w3", "type": "image"}, {"id": "w4", "type": "revoke"}]}},
            {"field": "history", "value": {
                "metadata": {"display_phone_number": "15550100001"},
                "history": [{"threads": [{"messages": [
                    {"id": "w5", "from": "15550100001", "history_context": {"status": "READ"}},
                    {"id": "w6", "from": "16505550101", "history_context": {"status": "READ"}}]}]}]}}
        ]}]});
        let c = carried(&body);
        let wamids: Vec<&str> = c.messages.iter().map(|m| m.wamid.as_str()).collect();
        assert_eq!(wamids, ["w1", "w3", "w5", "w6"]);
        assert_eq!(c.messages[2].history_status.as_deref(), Some("READ"));
        assert_eq!(
            c.messages[3].history_status, None,
            "customers' messages have no status"
        );
        assert_eq!(c.statuses.len(), 1);
        assert_eq!(c.statuses[0].status, "read");
    }
}
