//! Configuration of a sandbox run: who it pretends to be, where it delivers webhooks, how time
//! moves, and every behavioural knob (status timings, retries, faults, limits).
//!
//! Everything has a default (`SandboxConfig::explicit`, `SandboxConfig::auto`) so tests only set
//! what they care about.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// How the sandbox moves: on its own, or only when a test says so (omicron's `SimMode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Realistic seeded traffic from customers and the phone, on a clock that follows real time.
    Auto,
    /// Nothing happens until a test says so; the clock moves only through `clock/advance`.
    Explicit,
}

/// Whether a number is shared with the WhatsApp Business App or lives on Cloud API only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberMode {
    /// On the WhatsApp Business App and Cloud API at the same time (20 msg/s, echoes, history).
    Coexistence,
    /// A plain Cloud API number (80 msg/s by default).
    CloudApi,
}

/// One business phone number the sandbox creates at start.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NumberSpec {
    /// Digits only, as Meta writes `display_phone_number`.
    pub display_phone_number: String,
    /// Coexistence or Cloud-API-only.
    pub mode: NumberMode,
    /// The business name shown to customers.
    pub verified_name: String,
    /// Messages per second; `None` means Meta's default for the mode (20 or 80).
    pub throughput_mps: Option<u32>,
    /// Whether the number starts onboarded (connected to the API) at the start time. A
    /// coexistence number that is not onboarded is "app only" until `onboard` is called.
    pub onboarded: bool,
}

impl NumberSpec {
    /// The default pair: one coexistence number and one Cloud-API-only number, both onboarded.
    pub fn default_pair() -> Vec<NumberSpec> {
        vec![
            NumberSpec {
                display_phone_number: "15550100001".to_owned(),
                mode: NumberMode::Coexistence,
                verified_name: "Lucky Shrub".to_owned(),
                throughput_mps: None,
                onboarded: true,
            },
            NumberSpec {
                display_phone_number: "15550100002".to_owned(),
                mode: NumberMode::CloudApi,
                verified_name: "Lucky Shrub Support".to_owned(),
                throughput_mps: None,
                onboarded: true,
            },
        ]
    }
}

/// When `sent`, `delivered` and `read` follow an accepted API send, and how often sends fail.
/// Delays are sandbox milliseconds after the send; `*_jitter_ms` adds a seeded random extra.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StatusTimings {
    /// Delay of the `sent` status.
    pub sent_ms: u64,
    /// Delay of `delivered`.
    pub delivered_ms: u64,
    /// Delay of `read`.
    pub read_ms: u64,
    /// Random extra added to each delay (0 = exact).
    pub jitter_ms: u64,
    /// Probability that the customer reads the message at all.
    pub read_probability: f64,
    /// Probability that the customer reads without a `delivered` first (Meta may skip it).
    pub skip_delivered_probability: f64,
    /// Probability that an accepted send ends in `failed` (131026, undeliverable).
    pub failure_probability: f64,
}

impl StatusTimings {
    fn explicit() -> Self {
        StatusTimings {
            sent_ms: 0,
            delivered_ms: 1_000,
            read_ms: 5_000,
            jitter_ms: 0,
            read_probability: 1.0,
            skip_delivered_probability: 0.0,
            failure_probability: 0.0,
        }
    }

    fn auto() -> Self {
        StatusTimings {
            sent_ms: 300,
            delivered_ms: 1_500,
            read_ms: 20_000,
            jitter_ms: 4_000,
            read_probability: 0.75,
            skip_delivered_probability: 0.05,
            failure_probability: 0.01,
        }
    }
}

/// How webhooks are batched and retried.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeliveryConfig {
    /// Most updates (changes) in one POST.
    pub max_batch: usize,
    /// Updates of the same WABA and number due within this many ms share a POST.
    pub batch_window_ms: u64,
    /// Delay before each retry after a failed attempt; the last one repeats until the cap.
    pub retry_schedule_ms: Vec<u64>,
    /// No attempt is made later than this after the first one (Meta: 36 hours).
    pub retry_cap_ms: u64,
    /// An attempt that takes longer than this (real time) counts as failed.
    pub timeout_ms: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            max_batch: 10,
            batch_window_ms: 0,
            retry_schedule_ms: vec![
                0,
                60_000,
                5 * 60_000,
                30 * 60_000,
                2 * 3_600_000,
                6 * 3_600_000,
                12 * 3_600_000,
            ],
            retry_cap_ms: 36 * 3_600_000,
            timeout_ms: 10_000,
        }
    }
}

/// Fault knobs for webhook delivery. All probabilities are in `0.0..=1.0`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Probability that a delivered POST is sent a second time, byte for byte.
    pub duplicate_probability: f64,
    /// Probability that the updates inside one POST are shuffled.
    pub reorder_probability: f64,
    /// Extra sandbox milliseconds before every update becomes due.
    pub delay_ms: u64,
    /// Probability that a first attempt is delivered but treated as failed (so it is retried).
    pub drop_first_attempt_probability: f64,
    /// The next N attempts are lost in transit: never sent, treated as timeouts and retried.
    pub lose_next: u32,
}

/// The `PARTNER_REMOVED` shape to emit (META.md §5.7: two shapes, which one is live is
/// UNCONFIRMED).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerRemovedShape {
    /// The coexistence page's: `value.phone_number`, `entry.id` = the customer's WABA.
    Coexistence,
    /// The account_update reference's: `value.waba_info`, `entry.id` = the partner business.
    Reference,
}

/// How the sandbox writes a media object's `sha256` in media webhooks and `GET /{media-id}`
/// (META.md §3.3: Meta's example is hex, other fixtures look like base64).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sha256Encoding {
    /// 64 lowercase hex digits (the default).
    Hex,
    /// Standard base64 of the 32 bytes.
    Base64,
    /// Neither (`sha256:<hex>`): a fault, to test clients that cannot read the hash.
    Unreadable,
}

impl Sha256Encoding {
    /// The hash written this way, from its hex form.
    pub fn write(self, hex_sha256: &str) -> String {
        use base64::Engine;
        match self {
            Sha256Encoding::Hex => hex_sha256.to_owned(),
            Sha256Encoding::Base64 => hex::decode(hex_sha256)
                .map(|b| base64::engine::general_purpose::STANDARD.encode(b))
                .unwrap_or_else(|_| hex_sha256.to_owned()),
            Sha256Encoding::Unreadable => format!("sha256:{hex_sha256}"),
        }
    }
}

/// Knobs of the history export.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HistoryConfig {
    /// Most messages in one history chunk.
    pub chunk_messages: usize,
    /// Sandbox ms between two chunks (0 = all due at once, still out of order).
    pub chunk_interval_ms: u64,
    /// Sandbox ms after the last chunk before media follow-ups arrive.
    pub media_followup_delay_ms: u64,
    /// Most contacts in one `smb_app_state_sync` webhook of the initial export.
    pub contacts_per_webhook: usize,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            chunk_messages: 20,
            chunk_interval_ms: 0,
            media_followup_delay_ms: 0,
            contacts_per_webhook: 50,
        }
    }
}

/// Pair-rate limit per (business number, customer), GCRA-style (META.md §7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairRate {
    /// One message per this many ms is the sustained rate (Meta: 6 s).
    pub interval_ms: u64,
    /// Messages that may go out back to back before the rate applies (Meta: 45 in 6 s).
    pub burst: u32,
}

impl Default for PairRate {
    fn default() -> Self {
        PairRate {
            interval_ms: 6_000,
            burst: 45,
        }
    }
}

/// Everything a sandbox run needs. Build one with [`SandboxConfig::explicit`] or
/// [`SandboxConfig::auto`] and change fields.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Where webhooks go. `None` keeps them queued (visible in the deliveries log as unsent).
    pub webhook_url: Option<String>,
    /// Key of `X-Hub-Signature-256`.
    pub app_secret: String,
    /// The only bearer token the Graph API accepts.
    pub access_token: String,
    /// Auto or explicit.
    pub mode: Mode,
    /// Seed of every random choice.
    pub seed: u64,
    /// Graph version printed in `graph_base_url` (any version is accepted on requests).
    pub graph_version: String,
    /// Webhook API version (Meta drops `conversation` from statuses from 24 on).
    pub webhook_api_version: u32,
    /// Sandbox time at start, in Unix ms. `None`: a fixed date in explicit mode, the wall clock
    /// in auto mode.
    pub start_time_ms: Option<u64>,
    /// Auto mode only: sandbox seconds per real second.
    pub time_scale: f64,
    /// Numbers created at start (all on one WABA).
    pub numbers: Vec<NumberSpec>,
    /// Status progression of API sends.
    pub status_timings: StatusTimings,
    /// Batching and retries.
    pub delivery: DeliveryConfig,
    /// Delivery faults (changeable at run time through the control API).
    pub faults: Faults,
    /// Free-form sends outside the 24 h window: `false` (default, as live traffic) accepts them
    /// and sends a `failed` status with 131047; `true` answers a synchronous 400.
    pub window_error_sync: bool,
    /// Default pair rate for every number.
    pub pair_rate: PairRate,
    /// Shape of `PARTNER_REMOVED`.
    pub partner_removed_shape: PartnerRemovedShape,
    /// How media hashes are written.
    pub media_sha256: Sha256Encoding,
    /// Refuse Graph calls without a valid `appsecret_proof` (the Meta app's "Require App
    /// Secret" setting). A proof that is given is always checked.
    pub require_appsecret_proof: bool,
    /// History export knobs.
    pub history: HistoryConfig,
    /// Sandbox ms before a created template is approved on its own (`None`: only by control).
    pub template_review_ms: Option<u64>,
    /// Days without opening the app after which a coexistence number is disconnected.
    pub inactivity_days: u64,
    /// Add business-scoped user ids (`user_id`, `parent_user_id`, `to_user_id`, ...).
    pub bsuid: bool,
    /// Give the phone app a seeded address book and six months of chats at start.
    pub seed_phone: bool,
    /// Auto mode: mean sandbox ms between two generated events.
    pub auto_mean_interval_ms: u64,
}

/// 2026-03-02T09:00:00Z, the explicit-mode epoch: fixed so runs are byte-identical.
pub const EXPLICIT_EPOCH_MS: u64 = 1_772_442_000_000;

impl SandboxConfig {
    /// A config for tests: explicit mode, fixed epoch, no latency on `sent`.
    pub fn explicit(webhook_url: Option<String>, app_secret: &str, access_token: &str) -> Self {
        SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            webhook_url,
            app_secret: app_secret.to_owned(),
            access_token: access_token.to_owned(),
            mode: Mode::Explicit,
            seed: 1,
            graph_version: "v23.0".to_owned(),
            webhook_api_version: 23,
            start_time_ms: None,
            time_scale: 1.0,
            numbers: NumberSpec::default_pair(),
            status_timings: StatusTimings::explicit(),
            delivery: DeliveryConfig::default(),
            faults: Faults::default(),
            window_error_sync: false,
            pair_rate: PairRate::default(),
            partner_removed_shape: PartnerRemovedShape::Coexistence,
            media_sha256: Sha256Encoding::Hex,
            require_appsecret_proof: false,
            history: HistoryConfig::default(),
            template_review_ms: Some(60_000),
            inactivity_days: 14,
            bsuid: true,
            seed_phone: false,
            auto_mean_interval_ms: 8_000,
        }
    }

    /// A config for demos: auto mode, realistic latencies, a populated phone.
    pub fn auto(webhook_url: Option<String>, app_secret: &str, access_token: &str) -> Self {
        SandboxConfig {
            mode: Mode::Auto,
            status_timings: StatusTimings::auto(),
            seed_phone: true,
            template_review_ms: Some(30_000),
            ..SandboxConfig::explicit(webhook_url, app_secret, access_token)
        }
    }

    /// The default config of a mode.
    pub fn for_mode(
        mode: Mode,
        webhook_url: Option<String>,
        app_secret: &str,
        access_token: &str,
    ) -> Self {
        match mode {
            Mode::Auto => SandboxConfig::auto(webhook_url, app_secret, access_token),
            Mode::Explicit => SandboxConfig::explicit(webhook_url, app_secret, access_token),
        }
    }
}
