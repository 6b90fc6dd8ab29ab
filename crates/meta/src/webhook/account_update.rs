//! WABA lifecycle: field `account_update` (Meta page `webhooks/reference/account_update`;
//! META.md §5.7). For coexistence, `PARTNER_REMOVED` (with `disconnection_info`) is the
//! disconnect signal; `ACCOUNT_OFFBOARDED` / `ACCOUNT_RECONNECTED` track device changes.
//!
//! Two `PARTNER_REMOVED` shapes exist: the reference page's (`waba_info`, `entry[].id` = the
//! partner) and the coexistence page's (`phone_number`, `entry[].id` = the customer WABA).
//! Both parse; [`AccountUpdate::target`] picks the right identifier.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{AppId, BusinessId, WaId, WabaId};
use crate::time::Timestamp;

string_enum! {
    /// `value.event`.
    pub enum AccountEvent {
        /// WABA deleted.
        AccountDeleted = "ACCOUNT_DELETED",
        /// Restricted; see `restriction_info`.
        AccountRestriction = "ACCOUNT_RESTRICTION",
        /// Policy violation; see `violation_info`.
        AccountViolation = "ACCOUNT_VIOLATION",
        /// Ad account linked (MM API onboarding).
        AdAccountLinked = "AD_ACCOUNT_LINKED",
        /// Authentication-international rate eligibility.
        AuthIntlPriceEligibilityUpdate = "AUTH_INTL_PRICE_ELIGIBILITY_UPDATE",
        /// Primary business location country set.
        BusinessPrimaryLocationCountryUpdate = "BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE",
        /// Disabled / reinstated; see `ban_info`.
        DisabledUpdate = "DISABLED_UPDATE",
        /// Marketing Messages API terms accepted.
        MmLiteTermsSigned = "MM_LITE_TERMS_SIGNED",
        /// WABA shared with a Solution Partner.
        PartnerAdded = "PARTNER_ADDED",
        /// The customer granted the app permissions.
        PartnerAppInstalled = "PARTNER_APP_INSTALLED",
        /// The customer uninstalled the app.
        PartnerAppUninstalled = "PARTNER_APP_UNINSTALLED",
        /// Partner-led business verification update.
        PartnerClientCertificationStatusUpdate = "PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE",
        /// WABA unshared: the coexistence disconnect signal.
        PartnerRemoved = "PARTNER_REMOVED",
        /// Volume pricing tier changed.
        VolumeBasedPricingTierUpdate = "VOLUME_BASED_PRICING_TIER_UPDATE",
        /// Offboarded after a device change or re-registration.
        AccountOffboarded = "ACCOUNT_OFFBOARDED",
        /// Reconnected after offboarding.
        AccountReconnected = "ACCOUNT_RECONNECTED",
    }
}

string_enum! {
    /// `disconnection_info.reason`.
    pub enum DisconnectionReason {
        /// Enforcement, or the client deleted their WhatsApp account.
        AccountDisconnected = "ACCOUNT_DISCONNECTED",
        /// The number was registered on the consumer app.
        BusinessDowngrade = "BUSINESS_DOWNGRADE",
        /// The client changed number.
        ChangeNumber = "CHANGE_NUMBER",
        /// A companion device was inactive for ~30 days.
        CompanionInactivity = "COMPANION_INACTIVITY",
        /// The phone (primary device) was inactive for ~14 days.
        PrimaryInactivity = "PRIMARY_INACTIVITY",
        /// The client re-registered on a new device.
        UserReRegistered = "USER_RE_REGISTERED",
    }
}

string_enum! {
    /// `disconnection_info.initiated_by`.
    pub enum InitiatedBy {
        /// The user.
        User = "USER",
        /// Meta's system.
        System = "SYSTEM",
    }
}

/// `value` of field `account_update`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountUpdate {
    /// What happened.
    pub event: AccountEvent,
    /// The business number (coexistence-page `PARTNER_REMOVED` shape).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<WaId>,
    /// The customer WABA (on `PARTNER_*` events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waba_info: Option<WabaInfo>,
    /// Why a coexistence number disconnected (on `PARTNER_REMOVED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disconnection_info: Option<DisconnectionInfo>,
    /// Restrictions (on `ACCOUNT_RESTRICTION`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction_info: Option<Vec<RestrictionInfo>>,
    /// Violation (on `ACCOUNT_VIOLATION`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violation_info: Option<ViolationInfo>,
    /// Ban state (on `DISABLED_UPDATE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ban_info: Option<BanInfo>,
    /// ISO country (on `BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Unknown fields (`volume_tier_info`, `auth_international_rate_eligibility`,
    /// `partner_client_certification_info`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Which account an [`AccountUpdate`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountTarget<'a> {
    /// `value.phone_number`.
    PhoneNumber(&'a WaId),
    /// `value.waba_info.waba_id`, else `entry[].id`.
    Waba(&'a WabaId),
}

impl AccountUpdate {
    /// An update with only `event`.
    pub fn new(event: AccountEvent) -> Self {
        Self {
            event,
            phone_number: None,
            waba_info: None,
            disconnection_info: None,
            restriction_info: None,
            violation_info: None,
            ban_info: None,
            country: None,
            extra: Map::new(),
        }
    }

    /// A coexistence `PARTNER_REMOVED` in the account_update reference shape.
    pub fn partner_removed(
        waba_id: WabaId,
        reason: DisconnectionReason,
        initiated_by: InitiatedBy,
    ) -> Self {
        Self {
            waba_info: Some(WabaInfo::new(waba_id)),
            disconnection_info: Some(DisconnectionInfo {
                reason: Some(reason),
                initiated_by: Some(initiated_by),
                extra: Map::new(),
            }),
            ..Self::new(AccountEvent::PartnerRemoved)
        }
    }

    /// Identifies the account per META.md §5.7: `phone_number` when present, else
    /// `waba_info.waba_id`, else the entry's id.
    pub fn target<'a>(&'a self, entry_id: &'a WabaId) -> AccountTarget<'a> {
        if let Some(phone) = &self.phone_number {
            return AccountTarget::PhoneNumber(phone);
        }
        let waba = self.waba_info.as_ref().and_then(|w| w.waba_id.as_ref());
        AccountTarget::Waba(waba.unwrap_or(entry_id))
    }

    /// The disconnection reason, if any.
    pub fn disconnection_reason(&self) -> Option<&DisconnectionReason> {
        self.disconnection_info.as_ref()?.reason.as_ref()
    }
}

/// `value.waba_info`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WabaInfo {
    /// The customer WABA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waba_id: Option<WabaId>,
    /// The customer's business portfolio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_business_id: Option<BusinessId>,
    /// The partner app (install/uninstall only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_app_id: Option<AppId>,
    /// Multi-partner solution id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solution_id: Option<String>,
    /// Partners of a multi-partner solution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solution_partner_business_ids: Option<Vec<BusinessId>>,
    /// Unknown fields (`ad_account_linked`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WabaInfo {
    /// Info naming only the WABA.
    pub fn new(waba_id: WabaId) -> Self {
        Self {
            waba_id: Some(waba_id),
            ..Self::default()
        }
    }
}

/// `value.disconnection_info`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DisconnectionInfo {
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<DisconnectionReason>,
    /// `USER` or `SYSTEM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initiated_by: Option<InitiatedBy>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `value.restriction_info[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RestrictionInfo {
    /// E.g. `RESTRICTED_BIZ_INITIATED_MESSAGING`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction_type: Option<String>,
    /// When it ends (integer Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Timestamp>,
    /// Unknown fields (`remediation`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `value.violation_info`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ViolationInfo {
    /// E.g. `ADULT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violation_type: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `value.ban_info`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BanInfo {
    /// `DISABLE`, `REINSTATE` or `SCHEDULE_FOR_DISABLE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waba_ban_state: Option<String>,
    /// A human-readable date such as `"April 17, 2025"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waba_ban_date: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
