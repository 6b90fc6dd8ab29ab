//! Accepting a send from the API: Meta's shape and limits (`meta::graph::validate`), then the
//! domain rules (`coexist_core::outbox::check_send`), then one store transaction (message,
//! outbox entry, event), keyed by the client's `Idempotency-Key`.

use coexist_core::ids::MessageId;
use coexist_core::ids::OrgId;
use coexist_core::ingest::text_of;
use coexist_core::outbox::{SendContext, SendRefusal, check_send};
use coexist_core::store::{
    Author, Enqueued, MessageRecord, NewSend, SendTarget, StoreError, TargetInfo, TemplateRecord,
};
use coexist_core::templates::render_body;
use coexist_core::window::ServiceWindow;
use meta::error::Rejection;
use meta::graph::messages::MessagesRequest;
use meta::graph::send::{OutboundContent, SendMessageRequest};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::Sending;

/// The body fields the outbox sets itself; a client's values for them are ignored.
const OWNED_FIELDS: [&str; 4] = [
    "messaging_product",
    "recipient_type",
    "to",
    "biz_opaque_callback_data",
];

/// A send as the API received it.
#[derive(Debug, Clone)]
pub struct SendRequest {
    /// Whom to.
    pub target: SendTarget,
    /// The body, in Meta's message shape.
    pub body: Value,
    /// The client's `Idempotency-Key`.
    pub idempotency_key: Option<String>,
    /// Who asks.
    pub author: Option<Author>,
}

/// Why a send was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// Not in Meta's shape, or over one of Meta's limits: Meta's code and details.
    #[error("{}", .0.details)]
    Invalid(Rejection),
    /// Refused by a sending rule.
    #[error(transparent)]
    Refused(#[from] SendRefusal),
    /// The key was used for another request.
    #[error(
        "the Idempotency-Key was already used by message {0} with a different request; use a new key for a new message"
    )]
    KeyReused(MessageId),
    /// The chat or number does not exist.
    #[error("not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for SubmitError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => SubmitError::NotFound,
            other => SubmitError::Store(other),
        }
    }
}

/// An accepted send.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The message.
    pub message: MessageRecord,
    /// False when the idempotency key returned an earlier message.
    pub created: bool,
}

fn invalid(details: impl Into<String>) -> SubmitError {
    SubmitError::Invalid(Rejection::new(
        meta::error::ErrorCode::InvalidParameter,
        details,
    ))
}

/// The client's message without the fields the outbox owns.
fn client_message(body: Value) -> Result<Map<String, Value>, SubmitError> {
    let Value::Object(mut map) = body else {
        return Err(invalid(
            "the body must be a JSON object in Meta's message shape",
        ));
    };
    if map.get("recipient_type").and_then(Value::as_str) == Some("group") {
        return Err(invalid(
            "group messages are not supported: recipient_type must be individual",
        ));
    }
    for field in OWNED_FIELDS {
        map.remove(field);
    }
    Ok(map)
}

/// The SHA-256 of the target and message: a reused key must come with the same request.
fn request_sha256(target: &SendTarget, message: &Map<String, Value>) -> [u8; 32] {
    let target = match target {
        SendTarget::Chat(id) => format!("chat:{id}"),
        SendTarget::Recipient { number, wa_id } => format!("number:{number}:{wa_id}"),
    };
    let mut hash = Sha256::new();
    hash.update(target.as_bytes());
    hash.update([0]);
    // serde_json's maps are ordered by key, so equal JSON hashes equally.
    hash.update(Value::Object(message.clone()).to_string().as_bytes());
    hash.finalize().into()
}

impl Sending {
    /// Checks and records a send; see the module docs.
    pub async fn submit(&self, org: OrgId, req: SendRequest) -> Result<Submitted, SubmitError> {
        let message = client_message(req.body)?;
        let sha = request_sha256(&req.target, &message);
        if let Some(key) = &req.idempotency_key
            && let Some(found) = self.store.find_send_by_key(org, key).await?
        {
            if found.request_sha256 != sha {
                return Err(SubmitError::KeyReused(found.message.id));
            }
            return Ok(Submitted {
                message: found.message,
                created: false,
            });
        }
        let target = self.store.send_target(org, &req.target).await?;
        let content = self.validated(&message, &target)?;
        let template = self.check_rules(org, &content, &target).await?;
        let kind = content.type_name().to_owned();
        let text = match &content {
            OutboundContent::Template(t) => Some(
                template
                    .and_then(|r| r.components)
                    .and_then(|c| render_body(&c, t))
                    .unwrap_or_else(|| format!("template {}", t.name.as_deref().unwrap_or("?"))),
            ),
            _ => text_of(&kind, message.get(&kind)),
        };
        let now = self.clock.now();
        let new = NewSend {
            org,
            target: req.target,
            idempotency_key: req.idempotency_key,
            request_sha256: sha,
            content: message.get(&kind).cloned().unwrap_or(Value::Null),
            kind,
            text,
            reply_to: message
                .get("context")
                .and_then(|c| c.get("message_id"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            request: Value::Object(message),
            author: req.author,
            due_at: now,
            now,
        };
        let submitted = match self.store.enqueue_send(new).await? {
            Enqueued::Created(message) => Submitted {
                message,
                created: true,
            },
            Enqueued::Existing(message) => Submitted {
                message,
                created: false,
            },
            Enqueued::KeyReused(id) => return Err(SubmitError::KeyReused(id)),
        };
        if submitted.created {
            self.doorbell.ring(self.store.head_position().await?);
            self.outbox.notify();
        }
        Ok(submitted)
    }

    /// Parses and validates the message as Meta would, with `to` filled in.
    fn validated(
        &self,
        message: &Map<String, Value>,
        target: &TargetInfo,
    ) -> Result<OutboundContent, SubmitError> {
        let mut full = message.clone();
        full.insert("messaging_product".to_owned(), "whatsapp".into());
        full.insert("recipient_type".to_owned(), "individual".into());
        let to = target.wa_id.clone().unwrap_or_default();
        full.insert("to".to_owned(), to.into());
        let bytes = serde_json::to_vec(&Value::Object(full)).map_err(|e| invalid(e.to_string()))?;
        let request: SendMessageRequest =
            match MessagesRequest::from_json_slice(&bytes).map_err(SubmitError::Invalid)? {
                MessagesRequest::Send(request) => *request,
                MessagesRequest::MarkRead(_) => {
                    return Err(invalid(
                        "this is a mark-as-read body: use the chat's read receipt instead",
                    ));
                }
            };
        request.validate().map_err(SubmitError::Invalid)?;
        request
            .content
            .ok_or_else(|| invalid("The parameter type is required."))
    }

    /// The sending rules; returns the template the send names, if it is known.
    async fn check_rules(
        &self,
        org: OrgId,
        content: &OutboundContent,
        target: &TargetInfo,
    ) -> Result<Option<TemplateRecord>, SubmitError> {
        let template = match (content, &target.waba_id) {
            (OutboundContent::Template(t), Some(waba)) => {
                let name = t.name.as_deref().unwrap_or("");
                let language = t
                    .language
                    .as_ref()
                    .and_then(|l| l.code.as_deref())
                    .unwrap_or("");
                self.store.find_template(org, waba, name, language).await?
            }
            _ => None,
        };
        let cx = SendContext {
            number_state: target.state,
            window: ServiceWindow {
                last_customer_message_at: target.last_customer_message_at,
            },
            marketing_opt_out: target.marketing_opt_out,
            template: template.as_ref(),
            now: self.clock.now(),
        };
        check_send(content, &cx)?;
        Ok(template)
    }
}

#[cfg(test)]
mod tests {
    use coexist_core::ids::{ChatId, NumberId};
    use coexist_core::store::SendTarget;
    use serde_json::json;

    use super::{client_message, request_sha256};

    #[test]
    fn fields_the_outbox_owns_are_dropped_and_groups_refused() {
        let body = json!({"to": "1", "messaging_product": "x", "type": "text", "text": {"body": "hi"},
                          "biz_opaque_callback_data": "mine"});
        let map = client_message(body).unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["text", "type"]);
        assert!(client_message(json!({"recipient_type": "group"})).is_err());
        assert!(client_message(json!([1])).is_err());
    }

    #[test]
    fn the_request_hash_covers_target_and_body_but_not_key_order() {
        let a = client_message(json!({"type": "text", "text": {"body": "hi"}})).unwrap();
        let b = client_message(json!({"text": {"body": "hi"}, "type": "text"})).unwrap();
        let chat = SendTarget::Chat(ChatId(1));
        assert_eq!(request_sha256(&chat, &a), request_sha256(&chat, &b));
        let other = SendTarget::Recipient {
            number: NumberId(1),
            wa_id: "1".to_owned(),
        };
        assert_ne!(request_sha256(&chat, &a), request_sha256(&other, &a));
    }
}
