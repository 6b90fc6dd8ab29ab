//! Messages the sandbox knows by wamid (API sends, echoes, customer messages) and the log of
//! every Graph `/messages` request (`GET /_sandbox/sent`).

use serde::Serialize;
use serde_json::Value;

/// Who produced a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Origin {
    /// Sent through the Graph API.
    Api,
    /// Typed on the phone app (an echo).
    BusinessApp,
    /// Written by the customer.
    Customer,
}

/// `pricing` and (when it applies) `conversation` of an API send, fixed at accept time.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Pricing {
    pub(crate) billable: bool,
    /// `regular`, `free_customer_service` or `free_entry_point`.
    pub(crate) pricing_type: String,
    /// `service`, `utility`, `marketing`, `authentication`, `referral_conversion`.
    pub(crate) category: String,
    /// `conversation.id` (per FEP window, or per message before webhook v24).
    pub(crate) conversation_id: String,
    /// `conversation.expiration_timestamp` in Unix seconds (only on `sent`).
    pub(crate) conversation_expires_s: i64,
    /// Whether the message went out inside an open free entry point window.
    pub(crate) in_fep: bool,
}

/// One message known by wamid.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MessageRecord {
    pub(crate) wamid: String,
    pub(crate) phone_number_id: String,
    /// The customer on the other side.
    pub(crate) wa_id: String,
    pub(crate) origin: Origin,
    /// Content `type` (`text`, `template`, `reaction`, ...).
    pub(crate) kind: String,
    pub(crate) at: u64,
    /// Latest status: `accepted`, `sent`, `delivered`, `read`, `failed` (API sends) or
    /// `received` (customer messages) or `echoed`.
    pub(crate) status: String,
    pub(crate) biz_opaque_callback_data: Option<String>,
    pub(crate) pricing: Option<Pricing>,
    /// `pricing` already went out on `delivered` (so `read` carries none).
    pub(crate) pricing_on_delivery_sent: bool,
    pub(crate) revoked: bool,
}

/// One `POST /{phone_number_id}/messages` as the Graph API saw it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SentEntry {
    pub(crate) wamid: Option<String>,
    pub(crate) phone_number_id: String,
    pub(crate) to: Option<String>,
    pub(crate) request: Value,
    pub(crate) at: u64,
    /// `{"accepted": true}` or `{"error": {"code": …, "http_status": …, "details": …}}`.
    pub(crate) result: Value,
}
