//! Business accounts (WABAs) and their phone numbers, with each number's coexistence
//! lifecycle: app-only → onboarded (at a time) → disconnected / offboarded → reconnected.

use serde::Serialize;

use crate::config::{NumberMode, PairRate};
use crate::ratelimit::Throughput;

/// A WhatsApp Business Account.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Waba {
    pub(crate) id: String,
    pub(crate) name: String,
    /// The customer's business portfolio (`owner_business_id`).
    pub(crate) owner_business_id: String,
    /// The partner business that `PARTNER_*` events name in `entry[].id` (reference shape).
    pub(crate) partner_business_id: String,
}

/// Where a number stands with the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum Lifecycle {
    /// On the WhatsApp Business App only: no webhooks, no API.
    AppOnly,
    /// Connected to the API (onboarded or reconnected).
    Connected,
    /// `PARTNER_REMOVED`: the API connection is gone.
    Disconnected {
        reason: String,
        initiated_by: String,
    },
    /// `ACCOUNT_OFFBOARDED` (device change, re-registration).
    Offboarded,
}

/// One recorded lifecycle transition.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LifecycleEvent {
    pub(crate) at: u64,
    pub(crate) event: String,
}

/// A request to `smb_app_data`, remembered to enforce "once per sync type".
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SyncRequest {
    pub(crate) request_id: String,
    pub(crate) at: u64,
}

/// A business phone number.
#[derive(Debug, Serialize)]
pub(crate) struct Number {
    pub(crate) id: String,
    pub(crate) waba_id: String,
    pub(crate) display_phone_number: String,
    pub(crate) verified_name: String,
    pub(crate) mode: NumberMode,
    pub(crate) lifecycle: Lifecycle,
    /// When the number was (last) onboarded; the 24 h `smb_app_data` deadline counts from here.
    pub(crate) onboarded_at: Option<u64>,
    pub(crate) throughput_mps: u32,
    pub(crate) pair_rate: PairRate,
    pub(crate) contacts_sync: Option<SyncRequest>,
    pub(crate) history_sync: Option<SyncRequest>,
    pub(crate) lifecycle_log: Vec<LifecycleEvent>,
    #[serde(skip)]
    pub(crate) throughput: Throughput,
}

/// Meta's default throughput: 20 msg/s on coexistence numbers, 80 otherwise.
pub(crate) fn default_throughput(mode: NumberMode) -> u32 {
    match mode {
        NumberMode::Coexistence => 20,
        NumberMode::CloudApi => 80,
    }
}

/// Highest throughput Meta grants (and the sandbox accepts as a setting).
pub(crate) const MAX_THROUGHPUT_MPS: u32 = 1_000;

impl Number {
    /// Whether webhooks flow and the API works for this number.
    pub(crate) fn is_connected(&self) -> bool {
        self.lifecycle == Lifecycle::Connected
    }

    /// Whether the WhatsApp Business App runs on this number.
    pub(crate) fn is_coexistence(&self) -> bool {
        self.mode == NumberMode::Coexistence
    }

    /// Marks the number connected as of `now`, with fresh one-shot sync allowances.
    pub(crate) fn connect(&mut self, now: u64, event: &str) {
        self.lifecycle = Lifecycle::Connected;
        self.onboarded_at = Some(now);
        self.contacts_sync = None;
        self.history_sync = None;
        self.log(now, event);
    }

    pub(crate) fn log(&mut self, at: u64, event: &str) {
        self.lifecycle_log.push(LifecycleEvent {
            at,
            event: event.to_owned(),
        });
    }

    /// `platform_type` as `GET /{phone_number_id}` reports it.
    pub(crate) fn platform_type(&self) -> &'static str {
        if self.is_connected() {
            "CLOUD_API"
        } else {
            "NOT_APPLICABLE"
        }
    }

    /// `is_on_biz_app`: the number runs the WhatsApp Business App (coexistence).
    pub(crate) fn is_on_biz_app(&self) -> bool {
        self.is_coexistence() && !matches!(self.lifecycle, Lifecycle::Offboarded)
    }
}
