//! Flattening an [`Envelope`] into typed events: every entry × change × array element, each
//! with the WABA id, the phone-scoped `metadata` and, for messages, statuses, echoes and
//! preferences, the matching value-level `contacts` entry.

use serde_json::Value;

use crate::error::WebhookError;
use crate::ids::{UserId, WaId, WabaId};
use crate::time::Timestamp;
use crate::webhook::account_update::AccountUpdate;
use crate::webhook::echoes::{EchoesValue, MessageEcho};
use crate::webhook::envelope::{ChangeValue, Contact, Envelope, Metadata};
use crate::webhook::history::{HistoryMetadata, HistoryThread, HistoryValue};
use crate::webhook::messages::{InboundMessage, MessagesValue};
use crate::webhook::state_sync::StateSyncEntry;
use crate::webhook::statuses::Status;
use crate::webhook::templates::{TemplateCategoryUpdate, TemplateStatusUpdate};
use crate::webhook::user_preferences::{UserPreference, UserPreferencesValue};

/// One event of a webhook delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<'a> {
    /// `entry[].id`: the WABA (or, on partner events, the partner; see `waba_info`).
    pub waba_id: &'a WabaId,
    /// `entry[].time`, when present.
    pub entry_time: Option<Timestamp>,
    /// The `changes[].field` name.
    pub field: &'a str,
    /// The business number, for phone-scoped fields.
    pub metadata: Option<&'a Metadata>,
    /// What happened.
    pub kind: EventKind<'a>,
}

/// A history chunk: `history[]` element with threads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryChunk<'a> {
    /// Phase, chunk order, progress.
    pub metadata: Option<&'a HistoryMetadata>,
    /// The threads.
    pub threads: &'a [HistoryThread],
}

/// The typed payload of an [`Event`].
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind<'a> {
    /// A user message (`messages` field).
    InboundMessage {
        /// The message.
        message: &'a InboundMessage,
        /// The matching `contacts[]` entry.
        contact: Option<&'a Contact>,
    },
    /// A status of a message the business sent through the API.
    Status {
        /// The status.
        status: &'a Status,
        /// The matching `contacts[]` entry (2026 BSUID payloads).
        contact: Option<&'a Contact>,
    },
    /// A message the business sent from the WhatsApp Business app.
    Echo {
        /// The echo.
        echo: &'a MessageEcho,
        /// The matching `contacts[]` entry.
        contact: Option<&'a Contact>,
    },
    /// An address-book change.
    StateSync(&'a StateSyncEntry),
    /// A history chunk.
    HistoryChunk(HistoryChunk<'a>),
    /// A history media follow-up (matches an earlier placeholder by `id`).
    HistoryMedia(&'a InboundMessage),
    /// A history error (2593109: sharing declined).
    HistoryError(&'a WebhookError),
    /// An account lifecycle event.
    AccountUpdate(&'a AccountUpdate),
    /// A template status change.
    TemplateStatus(&'a TemplateStatusUpdate),
    /// A template category change.
    TemplateCategory(&'a TemplateCategoryUpdate),
    /// A marketing preference change.
    UserPreference {
        /// The change.
        preference: &'a UserPreference,
        /// The matching `contacts[]` entry.
        contact: Option<&'a Contact>,
    },
    /// A value-level error (`value.errors[]` of field `messages`).
    ValueError(&'a WebhookError),
    /// A field this crate does not model.
    Unknown {
        /// The field name.
        field: &'a str,
        /// The raw value.
        value: &'a Value,
    },
}

impl Envelope {
    /// Every event of this delivery, in document order.
    pub fn events(&self) -> Vec<Event<'_>> {
        let mut out = Vec::new();
        for entry in &self.entry {
            for change in &entry.changes {
                let base = Event {
                    waba_id: &entry.id,
                    entry_time: entry.time,
                    field: change.field(),
                    metadata: None,
                    kind: EventKind::Unknown {
                        field: "",
                        value: &Value::Null,
                    },
                };
                push_change(&mut out, base, &change.value);
            }
        }
        out
    }
}

fn push_change<'a>(out: &mut Vec<Event<'a>>, base: Event<'a>, value: &'a ChangeValue) {
    let one = |kind| Event {
        kind,
        ..base.clone()
    };
    match value {
        ChangeValue::Messages(v) => push_messages(out, base, v),
        ChangeValue::MessageEchoes(v) => push_echoes(out, base, v),
        ChangeValue::StateSync(v) => {
            let base = Event {
                metadata: v.metadata.as_ref(),
                ..base
            };
            let entries = v.state_sync.iter().flatten();
            out.extend(entries.map(|e| Event {
                kind: EventKind::StateSync(e),
                ..base.clone()
            }));
        }
        ChangeValue::History(v) => push_history(out, base, v),
        ChangeValue::AccountUpdate(v) => out.push(one(EventKind::AccountUpdate(v))),
        ChangeValue::TemplateStatus(v) => out.push(one(EventKind::TemplateStatus(v))),
        ChangeValue::TemplateCategory(v) => out.push(one(EventKind::TemplateCategory(v))),
        ChangeValue::UserPreferences(v) => push_preferences(out, base, v),
        ChangeValue::Unknown { field, value } => out.push(one(EventKind::Unknown { field, value })),
    }
}

fn push_messages<'a>(out: &mut Vec<Event<'a>>, base: Event<'a>, v: &'a MessagesValue) {
    let base = Event {
        metadata: v.metadata.as_ref(),
        ..base
    };
    let contacts = v.contacts.as_deref().unwrap_or_default();
    for message in v.messages.iter().flatten() {
        let contact = find_contact(
            contacts,
            message.from.as_ref(),
            message.from_user_id.as_ref(),
        );
        out.push(Event {
            kind: EventKind::InboundMessage { message, contact },
            ..base.clone()
        });
    }
    for status in v.statuses.iter().flatten() {
        let contact = find_contact(contacts, status.recipient_id.as_ref(), None);
        out.push(Event {
            kind: EventKind::Status { status, contact },
            ..base.clone()
        });
    }
    for error in v.errors.iter().flatten() {
        out.push(Event {
            kind: EventKind::ValueError(error),
            ..base.clone()
        });
    }
}

fn push_echoes<'a>(out: &mut Vec<Event<'a>>, base: Event<'a>, v: &'a EchoesValue) {
    let base = Event {
        metadata: v.metadata.as_ref(),
        ..base
    };
    let contacts = v.contacts.as_deref().unwrap_or_default();
    for echo in v.message_echoes.iter().flatten() {
        let contact = find_contact(contacts, echo.to.as_ref(), echo.to_user_id.as_ref());
        out.push(Event {
            kind: EventKind::Echo { echo, contact },
            ..base.clone()
        });
    }
}

fn push_history<'a>(out: &mut Vec<Event<'a>>, base: Event<'a>, v: &'a HistoryValue) {
    let base = Event {
        metadata: v.metadata.as_ref(),
        ..base
    };
    for item in v.history.iter().flatten() {
        if let Some(threads) = &item.threads {
            let chunk = HistoryChunk {
                metadata: item.metadata.as_ref(),
                threads,
            };
            out.push(Event {
                kind: EventKind::HistoryChunk(chunk),
                ..base.clone()
            });
        }
        for error in item.errors.iter().flatten() {
            out.push(Event {
                kind: EventKind::HistoryError(error),
                ..base.clone()
            });
        }
    }
    for message in v.messages.iter().flatten() {
        out.push(Event {
            kind: EventKind::HistoryMedia(message),
            ..base.clone()
        });
    }
}

fn push_preferences<'a>(out: &mut Vec<Event<'a>>, base: Event<'a>, v: &'a UserPreferencesValue) {
    let base = Event {
        metadata: v.metadata.as_ref(),
        ..base
    };
    let contacts = v.contacts.as_deref().unwrap_or_default();
    for preference in v.user_preferences.iter().flatten() {
        let contact = find_contact(
            contacts,
            preference.wa_id.as_ref(),
            preference.user_id.as_ref(),
        );
        out.push(Event {
            kind: EventKind::UserPreference {
                preference,
                contact,
            },
            ..base.clone()
        });
    }
}

/// The contact matching `wa_id` or `user_id`; when nothing matches and there is exactly one
/// contact (username users may come without `from`), that one.
fn find_contact<'a>(
    contacts: &'a [Contact],
    wa_id: Option<&WaId>,
    user_id: Option<&UserId>,
) -> Option<&'a Contact> {
    let matched = contacts.iter().find(|c| c.matches(wa_id, user_id));
    matched.or(match contacts {
        [only] if wa_id.is_none() || only.wa_id.is_none() => Some(only),
        _ => None,
    })
}
