//! Template lifecycle webhooks: fields `message_template_status_update` and
//! `template_category_update` (Meta pages `webhooks/reference/message_template_status_update`
//! and `…/template_category_update`; META.md §8.3–§8.4). `message_template_id` is a JSON
//! integer here; [`TemplateId`] keeps that representation.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::TemplateId;
use crate::time::Timestamp;
use crate::wire::double_option;

string_enum! {
    /// A template status: the `event` of `message_template_status_update`, and `status` in
    /// the Graph API.
    pub enum TemplateStatus {
        /// Can be sent.
        Approved = "APPROVED",
        /// Archived.
        Archived = "ARCHIVED",
        /// Deleted.
        Deleted = "DELETED",
        /// Disabled.
        Disabled = "DISABLED",
        /// At risk of being disabled.
        Flagged = "FLAGGED",
        /// Under appeal.
        InAppeal = "IN_APPEAL",
        /// WABA at its template limit.
        LimitExceeded = "LIMIT_EXCEEDED",
        /// Cannot be edited.
        Locked = "LOCKED",
        /// Paused.
        Paused = "PAUSED",
        /// Under review.
        Pending = "PENDING",
        /// Restored.
        Reinstated = "REINSTATED",
        /// Deleted via WhatsApp Manager; deliveries continue up to 30 days.
        PendingDeletion = "PENDING_DELETION",
        /// Rejected.
        Rejected = "REJECTED",
    }
}

string_enum! {
    /// A template category (uppercase in webhooks and GET responses).
    pub enum TemplateCategory {
        /// Marketing.
        Marketing = "MARKETING",
        /// Utility.
        Utility = "UTILITY",
        /// Authentication.
        Authentication = "AUTHENTICATION",
    }
}

string_enum! {
    /// `reason` of `message_template_status_update`.
    pub enum TemplateReason {
        /// Abusive content.
        AbusiveContent = "ABUSIVE_CONTENT",
        /// Deprecated.
        CategoryNotAvailable = "CATEGORY_NOT_AVAILABLE",
        /// Wrong category.
        IncorrectCategory = "INCORRECT_CATEGORY",
        /// Invalid format; see `rejection_info`.
        InvalidFormat = "INVALID_FORMAT",
        /// No reason (also used for paused).
        None = "NONE",
        /// Promotional.
        Promotional = "PROMOTIONAL",
        /// Scam.
        Scam = "SCAM",
        /// Tag/content mismatch.
        TagContentMismatch = "TAG_CONTENT_MISMATCH",
    }
}

/// `value` of field `message_template_status_update`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateStatusUpdate {
    /// The new status.
    pub event: TemplateStatus,
    /// The template id (a JSON integer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_template_id: Option<TemplateId>,
    /// The template name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_template_name: Option<String>,
    /// `en-US` in Meta's example, `en_US` in pywa's: kept as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_template_language: Option<String>,
    /// The reason; `Some(None)` is an explicit `null` (template scheduled for deletion).
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub reason: Option<Option<TemplateReason>>,
    /// The category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_template_category: Option<TemplateCategory>,
    /// Why it was rejected (for `INVALID_FORMAT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejection_info: Option<RejectionInfo>,
    /// Unknown fields (`disable_info`, `other_info`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TemplateStatusUpdate {
    /// An update for a template.
    pub fn new(event: TemplateStatus, id: TemplateId, name: &str, language: &str) -> Self {
        Self {
            event,
            message_template_id: Some(id),
            message_template_name: Some(name.to_owned()),
            message_template_language: Some(language.to_owned()),
            reason: None,
            message_template_category: None,
            rejection_info: None,
            extra: Map::new(),
        }
    }
}

/// `rejection_info`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RejectionInfo {
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `value` of field `template_category_update`: an impending change (`new_category`,
/// `correct_category`, `category_update_timestamp`) or a completed one (`previous_category`,
/// `new_category`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TemplateCategoryUpdate {
    /// The template id (a JSON integer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_template_id: Option<TemplateId>,
    /// The template name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_template_name: Option<String>,
    /// The language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_template_language: Option<String>,
    /// The category before the change (completed form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_category: Option<TemplateCategory>,
    /// The new (or current) category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_category: Option<TemplateCategory>,
    /// The category it will become (impending form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct_category: Option<TemplateCategory>,
    /// When the impending change applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_update_timestamp: Option<Timestamp>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
