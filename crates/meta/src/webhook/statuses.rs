//! Outbound message statuses: field `messages`, `value.statuses[]` (Meta page
//! `webhooks/reference/messages/status`; META.md §4), with the pricing objects of both the
//! per-message (PMP) and the older conversation-based (CBP) models.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::WebhookError;
use crate::ids::{ConversationId, UserId, WaId, Wamid};
use crate::time::Timestamp;

string_enum! {
    /// `statuses[].status`.
    pub enum DeliveryStatus {
        /// One check mark.
        Sent = "sent",
        /// Two check marks.
        Delivered = "delivered",
        /// Two blue check marks (may arrive without `delivered`).
        Read = "read",
        /// First play of a voice message.
        Played = "played",
        /// Failed; `errors` says why.
        Failed = "failed",
        /// Deleted (older payloads).
        Deleted = "deleted",
    }
}

string_enum! {
    /// `pricing.pricing_model`.
    pub enum PricingModel {
        /// Per-message pricing (since 1 July 2025).
        Pmp = "PMP",
        /// Conversation-based pricing (before 1 July 2025).
        Cbp = "CBP",
    }
}

string_enum! {
    /// `pricing.type` (PMP).
    pub enum PricingType {
        /// Billable.
        Regular = "regular",
        /// Free inside the customer service window.
        FreeCustomerService = "free_customer_service",
        /// Free inside a free entry point window.
        FreeEntryPoint = "free_entry_point",
    }
}

string_enum! {
    /// `pricing.category`. Note the hyphen in `authentication-international`, as Meta writes it
    /// in the pricing table.
    pub enum PricingCategory {
        /// Authentication template.
        Authentication = "authentication",
        /// Authentication template, international rate.
        AuthenticationInternational = "authentication-international",
        /// Marketing template.
        Marketing = "marketing",
        /// Marketing Messages Lite.
        MarketingLite = "marketing_lite",
        /// Free entry point.
        ReferralConversion = "referral_conversion",
        /// Service (non-template).
        Service = "service",
        /// Utility template.
        Utility = "utility",
    }
}

string_enum! {
    /// `conversation.origin.type`. Note the underscore in `authentication_international`, as
    /// Meta writes it in the conversation table.
    pub enum ConversationCategory {
        /// Authentication.
        Authentication = "authentication",
        /// Authentication, international rate.
        AuthenticationInternational = "authentication_international",
        /// Marketing.
        Marketing = "marketing",
        /// Marketing Messages Lite.
        MarketingLite = "marketing_lite",
        /// Free entry point.
        ReferralConversion = "referral_conversion",
        /// Service.
        Service = "service",
        /// Utility.
        Utility = "utility",
    }
}

/// One element of `value.statuses[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// The wamid of the message sent.
    pub id: Wamid,
    /// The new status.
    pub status: DeliveryStatus,
    /// When the status changed (string of Unix seconds).
    pub timestamp: Timestamp,
    /// The user (or group id when `recipient_type` is `group`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_id: Option<WaId>,
    /// `group` for group messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_type: Option<String>,
    /// Group participant phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_participant_id: Option<WaId>,
    /// Group participant BSUID (2026).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_participant_user_id: Option<UserId>,
    /// Group participant parent BSUID (2026).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_participant_parent_user_id: Option<UserId>,
    /// Present when the identity-change check is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_identity_key_hash: Option<String>,
    /// The opaque string sent with the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biz_opaque_callback_data: Option<String>,
    /// Pricing conversation (omitted from v24.0 outside free entry point windows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation: Option<Conversation>,
    /// Pricing (on `sent` and on one of `delivered`/`read`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pricing: Option<Pricing>,
    /// Why the message failed (on `failed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<WebhookError>>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Status {
    /// A bare status for `recipient`.
    pub fn new(id: Wamid, status: DeliveryStatus, timestamp: Timestamp, recipient: WaId) -> Self {
        Self {
            id,
            status,
            timestamp,
            recipient_id: Some(recipient),
            recipient_type: None,
            recipient_participant_id: None,
            recipient_participant_user_id: None,
            recipient_participant_parent_user_id: None,
            recipient_identity_key_hash: None,
            biz_opaque_callback_data: None,
            conversation: None,
            pricing: None,
            errors: None,
            extra: Map::new(),
        }
    }

    /// Sets `pricing`.
    pub fn with_pricing(mut self, pricing: Pricing) -> Self {
        self.pricing = Some(pricing);
        self
    }

    /// Sets `errors` (use with [`DeliveryStatus::Failed`]).
    pub fn with_errors(mut self, errors: Vec<WebhookError>) -> Self {
        self.errors = Some(errors);
        self
    }
}

/// `statuses[].conversation`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Conversation {
    /// Conversation id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<ConversationId>,
    /// Expiry (only on `sent`), string of Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_timestamp: Option<Timestamp>,
    /// `{type}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<ConversationOrigin>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `conversation.origin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationOrigin {
    /// The conversation category.
    #[serde(rename = "type")]
    pub type_: ConversationCategory,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `statuses[].pricing`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Pricing {
    /// Deprecated in favour of `type` + `category`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable: Option<bool>,
    /// `PMP` or `CBP`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pricing_model: Option<PricingModel>,
    /// PMP charge type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<PricingType>,
    /// The category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<PricingCategory>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Pricing {
    /// PMP pricing with `type` and `category`; `billable` is derived from `type`.
    pub fn pmp(type_: PricingType, category: PricingCategory) -> Self {
        Self {
            billable: Some(type_ == PricingType::Regular),
            pricing_model: Some(PricingModel::Pmp),
            type_: Some(type_),
            category: Some(category),
            extra: Map::new(),
        }
    }
}
