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
    /// A history error (2593109: sharing declined), from `value.history[].errors[]` or
    /// `value.errors[]`.
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
                let scope = Scope {
                    waba_id: &entry.id,
                    entry_time: entry.time,
                    field: change.field(),
                    metadata: None,
                };
                push_change(&mut out, scope, &change.value);
            }
        }
        out
    }
}

/// What every event of one change shares.
#[derive(Clone, Copy)]
struct Scope<'a> {
    waba_id: &'a WabaId,
    entry_time: Option<Timestamp>,
    field: &'a str,
    metadata: Option<&'a Metadata>,
}

impl<'a> Scope<'a> {
    fn with_metadata(self, metadata: Option<&'a Metadata>) -> Self {
        Self { metadata, ..self }
    }

    fn event(self, kind: EventKind<'a>) -> Event<'a> {
        Event {
            waba_id: self.waba_id,
            entry_time: self.entry_time,
            field: self.field,
            metadata: self.metadata,
            kind,
        }
    }
}

fn push_change<'a>(out: &mut Vec<Event<'a>>, scope: Scope<'a>, value: &'a ChangeValue) {
    match value {
        ChangeValue::Messages(v) => push_messages(out, scope.with_metadata(v.metadata.as_ref()), v),
        ChangeValue::MessageEchoes(v) => {
            push_echoes(out, scope.with_metadata(v.metadata.as_ref()), v)
        }
        ChangeValue::StateSync(v) => {
            let scope = scope.with_metadata(v.metadata.as_ref());
            out.extend(
                v.state_sync
                    .iter()
                    .flatten()
                    .map(|e| scope.event(EventKind::StateSync(e))),
            );
        }
        ChangeValue::History(v) => push_history(out, scope.with_metadata(v.metadata.as_ref()), v),
        ChangeValue::AccountUpdate(v) => out.push(scope.event(EventKind::AccountUpdate(v))),
        ChangeValue::TemplateStatus(v) => out.push(scope.event(EventKind::TemplateStatus(v))),
        ChangeValue::TemplateCategory(v) => out.push(scope.event(EventKind::TemplateCategory(v))),
        ChangeValue::UserPreferences(v) => {
            push_preferences(out, scope.with_metadata(v.metadata.as_ref()), v);
        }
        ChangeValue::Unknown { field, value } => {
            out.push(scope.event(EventKind::Unknown { field, value }));
        }
    }
}

fn push_messages<'a>(out: &mut Vec<Event<'a>>, scope: Scope<'a>, v: &'a MessagesValue) {
    let contacts = v.contacts.as_deref().unwrap_or_default();
    for message in v.messages.iter().flatten() {
        let contact = find_contact(
            contacts,
            message.from.as_ref(),
            message.from_user_id.as_ref(),
        );
        out.push(scope.event(EventKind::InboundMessage { message, contact }));
    }
    for status in v.statuses.iter().flatten() {
        let contact = find_contact(contacts, status.recipient_id.as_ref(), None);
        out.push(scope.event(EventKind::Status { status, contact }));
    }
    out.extend(
        v.errors
            .iter()
            .flatten()
            .map(|e| scope.event(EventKind::ValueError(e))),
    );
}

fn push_echoes<'a>(out: &mut Vec<Event<'a>>, scope: Scope<'a>, v: &'a EchoesValue) {
    let contacts = v.contacts.as_deref().unwrap_or_default();
    for echo in v.message_echoes.iter().flatten() {
        let contact = find_contact(contacts, echo.to.as_ref(), echo.to_user_id.as_ref());
        out.push(scope.event(EventKind::Echo { echo, contact }));
    }
}

fn push_history<'a>(out: &mut Vec<Event<'a>>, scope: Scope<'a>, v: &'a HistoryValue) {
    for item in v.history.iter().flatten() {
        if let Some(threads) = &item.threads {
            let chunk = HistoryChunk {
                metadata: item.metadata.as_ref(),
                threads,
            };
            out.push(scope.event(EventKind::HistoryChunk(chunk)));
        }
        out.extend(
            item.errors
                .iter()
                .flatten()
                .map(|e| scope.event(EventKind::HistoryError(e))),
        );
    }
    out.extend(
        v.messages
            .iter()
            .flatten()
            .map(|m| scope.event(EventKind::HistoryMedia(m))),
    );
    // The decline may come as `value.errors[]` instead of `value.history[].errors[]`.
    out.extend(
        v.errors
            .iter()
            .flatten()
            .map(|e| scope.event(EventKind::HistoryError(e))),
    );
}

fn push_preferences<'a>(out: &mut Vec<Event<'a>>, scope: Scope<'a>, v: &'a UserPreferencesValue) {
    let contacts = v.contacts.as_deref().unwrap_or_default();
    for preference in v.user_preferences.iter().flatten() {
        let contact = find_contact(
            contacts,
            preference.wa_id.as_ref(),
            preference.user_id.as_ref(),
        );
        out.push(scope.event(EventKind::UserPreference {
            preference,
            contact,
        }));
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
