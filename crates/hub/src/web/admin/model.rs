//! What the admin templates show, computed from records: rows of numbers, onboardings, steps,
//! syncs, history phases, reminders and audit entries, and the three models in words.

use std::collections::HashMap;

use coexist_core::number::{HistoryImport, NumberMode};
use coexist_core::onboarding::FlowStep;
use coexist_core::store::{AuditActor, AuditRecord, OnboardingRecord, ReminderRecord};
use coexist_core::time::Timestamp;

use crate::onboarding::view::{NumberView, SyncView};
use crate::web::view::{number_label, phone};

/// A way to run a number, with what it keeps and what it gives up.
pub(super) struct Model {
    pub(super) key: &'static str,
    pub(super) name: &'static str,
    pub(super) summary: &'static str,
    pub(super) keeps: &'static [&'static str],
    pub(super) gives_up: &'static [&'static str],
    pub(super) offered: bool,
}

/// The three models (META.md §5.8–5.9).
pub(super) const MODELS: [Model; 3] = [
    Model {
        key: "coexistence",
        name: "Coexistence",
        summary: "Keep the WhatsApp Business app on the phone and add the API on the same number.",
        keeps: &[
            "The phone app keeps working: messages typed on the phone show in coexist as sent from the phone app.",
            "The address book and up to 6 months of 1:1 chats can be imported once, within 24 hours of onboarding.",
            "Calls, catalog, labels, quick replies and the business profile stay in the app.",
        ],
        gives_up: &[
            "Group chats stay on the phone: they are never mirrored to coexist.",
            "Broadcast lists become read-only and no new ones can be made: use campaigns instead.",
            "Disappearing messages, view once and live location are turned off for 1:1 chats.",
            "Linked devices are unlinked at onboarding; WhatsApp for Windows and Wear OS are not supported (their messages produce no echoes).",
            "Sending through the API is fixed at 20 messages per second.",
            "The app must be opened on the phone at least every 14 days, or Meta disconnects the number.",
        ],
        offered: true,
    },
    Model {
        key: "cloud_api",
        name: "Cloud API only",
        summary: "The number moves to the API entirely: no phone app.",
        keeps: &[
            "Up to 80 messages per second (1,000 when Meta upgrades the number).",
            "Everything happens in coexist: agents, bots, campaigns, the archive.",
        ],
        gives_up: &[
            "The WhatsApp Business app (and WhatsApp) stop working on this number.",
            "No chat history or address book comes along.",
            "Groups, broadcast lists, calls and status are not available on the API.",
        ],
        offered: true,
    },
    Model {
        key: "app_only",
        name: "App only",
        summary: "Keep using only the WhatsApp Business app. coexist cannot see or send anything on such a number.",
        keeps: &["Every app feature, unchanged."],
        gives_up: &[
            "No shared inbox, bots, campaigns or archive: conversations live on one phone (and up to four linked devices).",
            "Choose this for a number whose country coexistence does not support, until Meta supports it.",
        ],
        offered: false,
    },
];

/// A time for people (UTC).
pub(super) fn when(t: Timestamp) -> String {
    let s = t.to_rfc3339();
    s.replacen('T', " ", 1).trim_end_matches('Z').to_owned() + " UTC"
}

pub(super) fn mode_label(mode: NumberMode) -> &'static str {
    match mode {
        NumberMode::Coexistence => "Coexistence",
        NumberMode::CloudApi => "Cloud API only",
    }
}

/// One number in the list.
pub(super) struct NumberRow {
    pub(super) href: String,
    pub(super) label: String,
    pub(super) mode: &'static str,
    pub(super) lifecycle: &'static str,
    pub(super) title: String,
    pub(super) detail: String,
    pub(super) syncs: String,
}

pub(super) fn number_row(v: &NumberView) -> NumberRow {
    let syncs = v
        .syncs
        .iter()
        .map(|s| format!("{}: {}", s.kind.as_str(), s.state.replace('_', " ")))
        .collect::<Vec<_>>()
        .join(" · ");
    NumberRow {
        href: format!("/admin/numbers/{}", v.number.id),
        label: number_label(&v.number),
        mode: mode_label(v.number.mode),
        lifecycle: v.lifecycle.state,
        title: v.lifecycle.title.clone(),
        detail: v.lifecycle.detail.clone(),
        syncs,
    }
}

/// One onboarding in the list.
pub(super) struct OnboardingRow {
    pub(super) href: String,
    pub(super) phone: String,
    pub(super) mode: &'static str,
    pub(super) step: &'static str,
    pub(super) error: Option<String>,
    pub(super) started: String,
}

pub(super) fn onboarding_row(o: &OnboardingRecord) -> OnboardingRow {
    OnboardingRow {
        href: format!("/admin/onboardings/{}", o.id),
        phone: phone(&o.phone),
        mode: mode_label(o.mode),
        step: o.step.label(),
        error: o.error.clone(),
        started: when(o.started_at),
    }
}

/// One step of an onboarding: `done`, `current`, `failed` or `todo`.
pub(super) struct StepRow {
    pub(super) label: &'static str,
    pub(super) state: &'static str,
}

pub(super) fn steps(o: &OnboardingRecord) -> Vec<StepRow> {
    let mut path = vec![FlowStep::Started];
    while let Some(next) = path.last().and_then(|s| s.next(o.mode)) {
        path.push(next);
    }
    let at = path.iter().position(|s| *s == o.step);
    path.iter()
        .enumerate()
        .map(|(i, step)| StepRow {
            label: step.label(),
            state: match at {
                Some(at) if i < at => "done",
                Some(at) if i == at && *step == FlowStep::Onboarded => "done",
                Some(at) if i == at + 1 && o.error.is_some() => "failed",
                Some(at) if i == at => "current",
                _ => "todo",
            },
        })
        .collect()
}

/// A sync on the number page.
pub(super) struct SyncRow {
    pub(super) kind: &'static str,
    pub(super) label: &'static str,
    pub(super) state: &'static str,
    pub(super) can_request: bool,
    pub(super) explanation: String,
}

pub(super) fn sync_row(s: &SyncView) -> SyncRow {
    SyncRow {
        kind: s.kind.as_str(),
        label: match s.kind.as_str() {
            "contacts" => "Contacts (the phone's address book)",
            _ => "Chat history (up to 6 months of 1:1 chats)",
        },
        state: s.state,
        can_request: s.can_request,
        explanation: s.explanation.clone(),
    }
}

/// One history phase: its label and what arrived.
pub(super) fn phases(h: &HistoryImport) -> Vec<(&'static str, String)> {
    [(0, "Last day"), (1, "Days 1–90"), (2, "Days 90–180")]
        .into_iter()
        .map(|(phase, label)| {
            let text = h.phases.get(&phase).map_or_else(
                || "waiting".to_owned(),
                |p| format!("{} chunks · {} messages", p.chunks, p.messages),
            );
            (label, text)
        })
        .collect()
}

/// An audit entry.
pub(super) struct AuditRow {
    pub(super) at: String,
    pub(super) who: String,
    pub(super) action: String,
    pub(super) detail: String,
    pub(super) meta: String,
}

pub(super) fn audit_row(a: &AuditRecord, names: &HashMap<i64, String>) -> AuditRow {
    let who = match a.by {
        AuditActor::User(id) => names
            .get(&id.0)
            .cloned()
            .unwrap_or_else(|| format!("user {id}")),
        AuditActor::Token(id) => format!("API token {id}"),
        AuditActor::System => "coexist".to_owned(),
    };
    AuditRow {
        at: when(a.at),
        who,
        action: a.action.clone(),
        detail: a.detail.to_string(),
        meta: a.meta.as_ref().map(ToString::to_string).unwrap_or_default(),
    }
}

/// A reminder.
pub(super) struct ReminderRow {
    pub(super) number: String,
    pub(super) days: i64,
    pub(super) created: String,
    pub(super) delivery: String,
}

pub(super) fn reminder_row(r: &ReminderRecord, number: String) -> ReminderRow {
    let delivery = match (&r.delivered_at, &r.last_error) {
        (Some(at), _) => format!("sent to the alert webhook at {}", when(*at)),
        (None, Some(e)) => format!("alert webhook failed {} times: {e}", r.attempts),
        (None, None) => "shown here (no alert webhook configured)".to_owned(),
    };
    ReminderRow {
        number,
        days: r.days,
        created: when(r.created_at),
        delivery,
    }
}
