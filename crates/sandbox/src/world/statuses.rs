//! Status webhooks of API sends: `sent → delivered → read` (or `failed`), with `pricing` on
//! `sent` and on the first of `delivered`/`read`, and `conversation` per the webhook version
//! (META.md §4).

use rand::Rng;

use crate::webhooks::builder::{self, Conversation, ErrorOut, PricingOut, StatusOut};
use crate::world::{Task, World};

/// A status a message can move to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StatusStep {
    Sent,
    Delivered,
    Read,
    Played,
    Failed { code: i64, details: String },
}

impl StatusStep {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            StatusStep::Sent => "sent",
            StatusStep::Delivered => "delivered",
            StatusStep::Read => "read",
            StatusStep::Played => "played",
            StatusStep::Failed { .. } => "failed",
        }
    }

    /// Parses a status name from the control API.
    pub(crate) fn parse(name: &str, code: Option<i64>) -> Option<StatusStep> {
        Some(match name {
            "sent" => StatusStep::Sent,
            "delivered" => StatusStep::Delivered,
            "read" => StatusStep::Read,
            "played" => StatusStep::Played,
            "failed" => StatusStep::Failed {
                code: code.unwrap_or(131026),
                details: "Message Undeliverable.".to_owned(),
            },
            _ => return None,
        })
    }
}

/// Position in the lattice `accepted < sent < delivered < read < played`; failed is terminal.
fn rank(status: &str) -> u8 {
    match status {
        "accepted" => 0,
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        "played" => 4,
        "failed" => 5,
        _ => 0,
    }
}

impl World {
    fn jitter(&mut self) -> u64 {
        match self.cfg.status_timings.jitter_ms {
            0 => 0,
            j => self.latency_rng.random_range(0..=j),
        }
    }

    /// Schedules `sent`, then `delivered` and `read` as configured (reactions: `sent` only).
    pub(crate) fn schedule_progress(&mut self, wamid: &str, sent_only: bool) {
        let t = self.cfg.status_timings.clone();
        let sent_at = self.now + t.sent_ms + self.jitter();
        self.push_status(wamid, sent_at, StatusStep::Sent);
        if sent_only {
            return;
        }
        let delivered_at = sent_at.max(self.now + t.delivered_ms + self.jitter());
        let read_at = delivered_at.max(self.now + t.read_ms + self.jitter());
        let skip_delivered = self
            .latency_rng
            .random_bool(t.skip_delivered_probability.clamp(0.0, 1.0));
        let reads = self
            .latency_rng
            .random_bool(t.read_probability.clamp(0.0, 1.0));
        if !skip_delivered || !reads {
            self.push_status(wamid, delivered_at, StatusStep::Delivered);
        }
        if reads {
            self.push_status(wamid, read_at, StatusStep::Read);
        }
    }

    fn push_status(&mut self, wamid: &str, due: u64, step: StatusStep) {
        self.tasks.push(
            due,
            Task::Status {
                wamid: wamid.to_owned(),
                step,
            },
        );
    }

    /// Moves an API message to `step` and emits its status, unless that would move it
    /// backwards (a late `delivered` after a forced `read` is dropped, as the lattice says).
    pub(crate) fn advance_status(&mut self, wamid: &str, step: StatusStep) {
        let Some(record) = self.messages.get(wamid) else {
            return;
        };
        let current = rank(&record.status);
        if current == rank("failed") || rank(step.name()) <= current {
            return;
        }
        self.emit_status(wamid, step);
    }

    /// Emits a status for `wamid` whatever its current status (control API "force").
    pub(crate) fn emit_status(&mut self, wamid: &str, step: StatusStep) -> bool {
        let version = self.cfg.webhook_api_version;
        let now_s = self.now_s();
        let Some(record) = self.messages.get_mut(wamid) else {
            return false;
        };
        let with_pricing = match step {
            StatusStep::Sent => true,
            StatusStep::Delivered | StatusStep::Read => !record.pricing_on_delivery_sent,
            StatusStep::Played | StatusStep::Failed { .. } => false,
        };
        if with_pricing && step != StatusStep::Sent {
            record.pricing_on_delivery_sent = true;
        }
        record.status = step.name().to_owned();
        let (pnid, wa_id) = (record.phone_number_id.clone(), record.wa_id.clone());
        let mut status = StatusOut {
            id: wamid.to_owned(),
            status: step.name().to_owned(),
            timestamp_s: now_s,
            recipient_id: wa_id.clone(),
            biz_opaque_callback_data: record.biz_opaque_callback_data.clone(),
            conversation: None,
            pricing: None,
            errors: Vec::new(),
        };
        if let (true, Some(p)) = (with_pricing, &record.pricing) {
            status.pricing = Some(PricingOut {
                billable: p.billable,
                pricing_type: p.pricing_type.clone(),
                category: p.category.clone(),
            });
            if version < 24 || p.in_fep {
                status.conversation = Some(Conversation {
                    id: p.conversation_id.clone(),
                    expiration_s: (step == StatusStep::Sent).then_some(p.conversation_expires_s),
                    origin: p.category.clone(),
                });
            }
        }
        if let StatusStep::Failed { code, details } = &step {
            status.errors.push(ErrorOut {
                code: *code,
                details: details.clone(),
                href: true,
            });
        }
        self.mirror_status_on_phone(&pnid, wamid, &step);
        let (Some(meta), Some(who)) = (self.meta_of(&pnid), self.who(&wa_id)) else {
            return false;
        };
        let change = builder::status(meta, who, &status);
        let update = self.phone_update(&pnid, change);
        self.emit(update);
        true
    }

    /// The phone app shows API messages with their ticks; history exports read them.
    fn mirror_status_on_phone(&mut self, pnid: &str, wamid: &str, step: &StatusStep) {
        if let Some(message) = self.phones.get_mut(pnid).and_then(|p| p.find_mut(wamid)) {
            message.status = match step {
                StatusStep::Failed { .. } => "ERROR".to_owned(),
                other => other.name().to_ascii_uppercase(),
            };
        }
    }
}
