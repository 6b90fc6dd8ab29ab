//! Meta's error objects and error codes (Meta page "Error codes",
//! `…/whatsapp/support/error-codes`; META.md §2 and §6.4).
//!
//! Two shapes exist: the Graph API error body `{"error": {message, type, code, error_data,
//! error_subcode, fbtrace_id}}` ([`GraphErrorResponse`]) and the webhook error object
//! `{code, title, message, error_data: {details}, href}` ([`WebhookError`]) found in
//! `value.errors[]`, `messages[].errors[]`, `statuses[].errors[]` and `history[].errors[]`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The `href` Meta puts on webhook error objects.
pub const ERROR_CODES_HREF: &str = "/documentation/business-messaging/whatsapp/support/error-codes";

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $http:literal, $retry:literal, $title:literal, $details:literal; )+) => {
        /// A Meta error code. Every code of META.md §6.4's table has a variant; the range
        /// 200–299 is [`ErrorCode::ApiPermission`]; anything else is kept in
        /// [`ErrorCode::Other`]. Build from a number with [`ErrorCode::from_code`] so that
        /// known codes always map to their variant.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )+
            /// 200–299 "API Permission".
            ApiPermission(i64),
            /// A code not known to this crate.
            Other(i64),
        }

        impl ErrorCode {
            /// Maps a numeric code to its variant.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $( $code => Self::$variant, )+
                    200..=299 => Self::ApiPermission(code),
                    _ => Self::Other(code),
                }
            }

            /// The numeric code.
            pub fn code(&self) -> i64 {
                match self {
                    $( Self::$variant => $code, )+
                    Self::ApiPermission(c) | Self::Other(c) => *c,
                }
            }

            /// (title, default details, HTTP status, retryable) for known codes.
            fn facts(&self) -> (&'static str, &'static str, u16, bool) {
                match self {
                    $( Self::$variant => ($title, $details, $http, $retry), )+
                    Self::ApiPermission(_) => (
                        "API Permission",
                        "Permission is either not granted or has been removed.",
                        403,
                        false,
                    ),
                    Self::Other(_) => ("Unknown error", "An error this client does not know.", 400, false),
                }
            }
        }
    };
}

error_codes! {
    /// 0: authentication failed.
    AuthException = 0, 401, false, "AuthException", "We were unable to authenticate the app user.";
    /// 1: invalid request or possible server error.
    ApiUnknown = 1, 400, true, "API Unknown", "Invalid request or possible server error.";
    /// 2: temporary downtime or overload.
    ApiService = 2, 503, true, "API Service", "Temporary due to downtime or due to being overloaded.";
    /// 3: capability or permissions issue.
    ApiMethod = 3, 500, false, "API Method", "Capability or permissions issue.";
    /// 4: app call-rate limit (throttle).
    ApiTooManyCalls = 4, 400, true, "API Too Many Calls", "The app has reached its API call rate limit.";
    /// 10: permission denied.
    PermissionDenied = 10, 403, false, "Permission Denied", "Permission is either not granted or has been removed.";
    /// 33: the business phone number has been deleted.
    PhoneNumberDeleted = 33, 400, false, "Parameter value is not valid", "The business phone number has been deleted.";
    /// 100: invalid parameter.
    InvalidParameter = 100, 400, false, "Invalid parameter", "The request included one or more unsupported or misspelled parameters.";
    /// 190: access token expired.
    AccessTokenExpired = 190, 401, false, "Access token has expired", "Your access token has expired.";
    /// 368: temporarily blocked for policy violations.
    TemporarilyBlocked = 368, 403, false, "Temporarily blocked for policies violations", "The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.";
    /// 130403: the business has blocked the user.
    BusinessBlockedUser = 130403, 400, false, "This business has blocked the end user", "Message failed to send because the business has blocked this user.";
    /// 130429: Cloud API throughput reached (throttle).
    RateLimitHit = 130429, 400, true, "Rate limit hit", "Cloud API message throughput has been reached.";
    /// 130472: the user's number is part of an experiment.
    UserInExperiment = 130472, 400, false, "User's number is part of an experiment", "Message was not sent as part of an experiment.";
    /// 130497: the WABA may not message users in this country.
    CountryRestricted = 130497, 400, false, "Business account is restricted from messaging users in this country", "The WhatsApp Business Account is restricted from messaging users in certain countries.";
    /// 131000: unknown error.
    SomethingWentWrong = 131000, 500, true, "Something went wrong", "Message failed to send due to an unknown error.";
    /// 131005: access denied.
    AccessDenied = 131005, 403, false, "Access denied", "Permission is either not granted or has been removed.";
    /// 131008: a required parameter is missing.
    RequiredParameterMissing = 131008, 400, false, "Required parameter is missing", "The request is missing a required parameter.";
    /// 131009: a parameter value is invalid.
    InvalidParameterValue = 131009, 400, false, "Parameter value is not valid", "One or more parameter values are invalid.";
    /// 131016: a service is temporarily unavailable.
    ServiceUnavailable = 131016, 500, true, "Service unavailable", "A service is temporarily unavailable.";
    /// 131021: recipient equals sender.
    RecipientIsSender = 131021, 400, false, "Recipient cannot be sender", "Sender and recipient phone number is the same.";
    /// 131026: message undeliverable.
    MessageUndeliverable = 131026, 400, false, "Message Undeliverable", "Unable to deliver message.";
    /// 131031: account locked.
    AccountLocked = 131031, 403, false, "Account has been locked", "The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy, or we were unable to verify data included in the request against data set on the WhatsApp Business Account.";
    /// 131037: a 555 number needs an approved display name.
    DisplayNameNotApproved = 131037, 400, false, "WhatsApp provided number needs display name approval before message can be sent.", "The business phone number needs an approved display name before it can send messages.";
    /// 131042: payment issue.
    PaymentIssue = 131042, 400, false, "Business eligibility payment issue", "Message failed to send because there were one or more errors related to your payment method.";
    /// 131045: phone number registration error.
    IncorrectCertificate = 131045, 500, false, "Incorrect certificate", "Message failed to send due to a phone number registration error.";
    /// 131047: more than 24 h since the user last replied.
    ReEngagementMessage = 131047, 400, false, "Re-engagement message", "More than 24 hours have passed since the recipient last replied to the sender number.";
    /// 131048: spam rate limit (throttle; the hub should stop and check quality).
    SpamRateLimitHit = 131048, 400, false, "Spam rate limit hit", "Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.";
    /// 131049: per-user marketing limit (asynchronous).
    EcosystemEngagement = 131049, 400, false, "This message was not delivered to maintain healthy ecosystem engagement.", "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.";
    /// 131050: the user opted out of marketing messages (asynchronous).
    MarketingOptOut = 131050, 400, false, "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.", "The recipient has chosen to stop receiving marketing messages on WhatsApp from your business.";
    /// 131051: unsupported message type.
    UnsupportedMessageType = 131051, 400, false, "Unsupported message type", "Unsupported message type.";
    /// 131052: media download error (user-sent media).
    MediaDownloadError = 131052, 400, false, "Media download error", "Unable to download the media sent by the user.";
    /// 131053: media upload error.
    MediaUploadError = 131053, 400, false, "Media upload error", "Unable to upload the media used in the message.";
    /// 131056: business/consumer pair rate limit (throttle).
    PairRateLimitHit = 131056, 400, true, "(Business Account, Consumer Account) pair rate limit hit", "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.";
    /// 131057: account in maintenance mode.
    MaintenanceMode = 131057, 500, true, "Account in maintenance mode", "Business Account is in maintenance mode.";
    /// 131060: (coexistence) message from an unsupported device or on first contact; webhook only.
    /// Title is descriptive: META.md does not quote Meta's.
    CoexistenceUnsupportedMessage = 131060, 400, false, "Message not supported", "The message could not be delivered to Cloud API; check the WhatsApp Business app.";
    /// 131063: marketing templates disabled on Cloud API. Title is descriptive.
    MarketingDisabledOnCloudApi = 131063, 400, false, "Marketing messages disabled on Cloud API", "Marketing template messages are disabled on Cloud API for this business.";
    /// 131064: messaging limit after template-classification violations. Title is descriptive.
    TemplateClassificationLimit = 131064, 400, false, "Messaging limit reached", "Messaging limit reached due to template classification violations.";
    /// 132000: template parameter count mismatch.
    TemplateParamCountMismatch = 132000, 400, false, "Template Param Count Mismatch", "The number of variable parameter values included in the request did not match the number of variable parameters defined in the template.";
    /// 132001: template does not exist (HTTP 404).
    TemplateDoesNotExist = 132001, 404, false, "Template does not exist", "The template does not exist in the specified language or the template has not been approved.";
    /// 132005: hydrated template text too long.
    TemplateTextTooLong = 132005, 400, false, "Template Hydrated Text Too Long", "Translated text is too long.";
    /// 132007: template format/character policy violated.
    TemplateFormatPolicyViolated = 132007, 400, false, "Template Format Character Policy Violated", "Template content violates a WhatsApp policy.";
    /// 132012: template parameter format mismatch.
    TemplateParameterFormatMismatch = 132012, 400, false, "Template Parameter Format Mismatch", "Variable parameter values formatted incorrectly.";
    /// 132015: template paused.
    TemplatePaused = 132015, 400, false, "Template is Paused", "Template is paused due to low quality so it cannot be sent in a template message.";
    /// 132016: template disabled.
    TemplateDisabled = 132016, 400, false, "Template is Disabled", "Template has been paused too many times due to low quality and is now permanently disabled.";
    /// 132018: template parameter validation error (v23.0+). Title is descriptive.
    TemplateValidationError = 132018, 400, false, "Template validation error", "There was an issue with the parameters in your template.";
    /// 132068: Flow blocked.
    FlowBlocked = 132068, 400, false, "Flow is in blocked state", "Flow is in blocked state.";
    /// 132069: Flow throttled.
    FlowThrottled = 132069, 400, false, "Flow is in throttled state", "Flow is in throttled state and 10 messages using this flow were already sent in the last hour.";
    /// 133000: incomplete deregistration.
    IncompleteDeregistration = 133000, 500, false, "Incomplete Deregistration", "A previous deregistration attempt failed.";
    /// 133004: server temporarily unavailable.
    ServerTemporarilyUnavailable = 133004, 503, true, "Server Temporarily Unavailable", "Server is temporarily unavailable.";
    /// 133005: two-step PIN mismatch.
    TwoStepPinMismatch = 133005, 400, false, "Two step verification PIN Mismatch", "Two-step verification PIN incorrect.";
    /// 133006: phone number needs re-verification.
    PhoneReverificationNeeded = 133006, 400, false, "Phone number re-verification needed", "Phone number needs to be verified before registering.";
    /// 133008: too many PIN guesses.
    TooManyPinGuesses = 133008, 400, false, "Too Many two step verification PIN Guesses", "Too many incorrect two-step verification PIN guesses for this phone number.";
    /// 133009: PIN entered too fast.
    PinGuessedTooFast = 133009, 400, false, "Two step verification PIN Guessed Too Fast", "Two-step verification PIN was entered too quickly.";
    /// 133010: phone number not registered.
    PhoneNumberNotRegistered = 133010, 400, false, "Phone number Not Registered", "Phone number not registered on the WhatsApp Business Platform.";
    /// 133015: number recently deleted; wait.
    PhoneNumberRecentlyDeleted = 133015, 400, false, "Please wait a few minutes before attempting to register this phone number", "The phone number you are attempting to register was recently deleted, and deletion has not yet completed.";
    /// 133016: register/deregister rate limit (throttle).
    RegisterRateLimit = 133016, 400, true, "Account register deregister rate limit exceeded", "Registration or Deregistration failed because there were too many attempts for this phone number in a short period of time.";
    /// 134011: WhatsApp Payments terms of service pending. Title is descriptive.
    PaymentsTermsPending = 134011, 400, false, "WhatsApp Payments terms of service not accepted", "The WhatsApp Payments terms of service have not been accepted.";
    /// 135000: generic user error.
    GenericUserError = 135000, 400, false, "Generic user error", "Message failed to send because of an unknown error with your request parameters.";
    /// 80007: WABA Graph API rate limit (throttle).
    WabaRateLimit = 80007, 400, true, "Rate limit issues", "The WhatsApp Business Account has reached its rate limit.";
    /// 2388019: template count limit per WABA.
    TemplateLimitExceeded = 2388019, 400, false, "Message template limit exceeded", "The WhatsApp Business Account has reached its limit of message templates.";
    /// 2388040: template field character limit.
    TemplateCharacterLimit = 2388040, 400, false, "Field character limit exceeded", "One or more template fields exceed the character limit.";
    /// 2388047: template header format.
    TemplateHeaderFormat = 2388047, 400, false, "Header format incorrect", "The template header is not formatted correctly.";
    /// 2388072: template body format.
    TemplateBodyFormat = 2388072, 400, false, "Body format incorrect", "The template body is not formatted correctly.";
    /// 2388073: template footer format.
    TemplateFooterFormat = 2388073, 400, false, "Footer format incorrect", "The template footer is not formatted correctly.";
    /// 2388293: too many parameters for the template's length.
    TemplateParamsRatio = 2388293, 400, false, "Parameters to words ratio exceeded", "The template has too many parameters relative to its length.";
    /// 2388299: leading or trailing template parameters.
    TemplateLeadingTrailingParams = 2388299, 400, false, "Leading or trailing parameters", "The template body cannot start or end with a parameter.";
    /// 2593107: `smb_app_data` called more than once per sync type.
    SyncCallLimitExceeded = 2593107, 400, false, "Synchronization API call limit exceeded", "You have exceeded the maximum number of times to call the synchronization api for this phone number.";
    /// 2593108: `smb_app_data` called more than 24 h after onboarding.
    SyncWindowExpired = 2593108, 400, false, "Synchronization request window expired", "Synchronization request can only be made within 24 hours of onboarding";
    /// 2593109: (history webhook) history sharing turned off by the business.
    HistorySharingOff = 2593109, 400, false, "History sync is turned off by the business from the WhatsApp Business App", "History sharing is turned off by the business";
}

impl ErrorCode {
    /// Meta's title for this code (descriptive where META.md quotes none; see variant docs).
    pub fn title(&self) -> &'static str {
        self.facts().0
    }

    /// The `error_data.details` sentence Meta sends by default for this code.
    pub fn default_details(&self) -> &'static str {
        self.facts().1
    }

    /// The HTTP status of a synchronous error with this code, from the older Meta table
    /// (M-ERR-OLD); 400 where it gives none (throttling included: Meta has no 429).
    pub fn http_status(&self) -> u16 {
        self.facts().2
    }

    /// Whether retrying the same request later can succeed: throttles (4, 80007, 130429,
    /// 131056, 133016) and transient failures (1, 2, 131000, 131016, 131057, 133004).
    /// 131048 and 131064 are throttles too, but Meta's guidance is to stop, so they are not.
    pub fn is_retryable(&self) -> bool {
        self.facts().3
    }

    /// A full Graph API error with this code and its default details.
    pub fn to_graph_error(self) -> GraphErrorResponse {
        GraphError::from_code(self).into_response()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.title())
    }
}

impl From<i64> for ErrorCode {
    fn from(code: i64) -> Self {
        Self::from_code(code)
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ErrorCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer error code")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ErrorCode, E> {
                Ok(ErrorCode::from_code(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ErrorCode, E> {
                i64::try_from(v)
                    .map(ErrorCode::from_code)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
        }
        d.deserialize_i64(V)
    }
}

/// A Graph API error response body: `{"error": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphErrorResponse {
    /// The error object.
    pub error: GraphError,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl GraphErrorResponse {
    /// The HTTP status for this error (see [`ErrorCode::http_status`]).
    pub fn http_status(&self) -> u16 {
        self.error.code.http_status()
    }
}

/// The Graph API error object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphError {
    /// `"(#<code>) <title>"`. Meta says titles will be deprecated: don't parse this.
    pub message: String,
    /// Usually `"OAuthException"`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The error code: build logic on this and `error_data.details`.
    pub code: ErrorCode,
    /// `{messaging_product, details}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_data: Option<GraphErrorData>,
    /// Deprecated ("not returned in v16.0+"), yet still seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_subcode: Option<i64>,
    /// Meta's trace id for support requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fbtrace_id: Option<String>,
    /// Unknown fields (`is_transient`, `error_user_title`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `error.error_data` of a Graph error.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GraphErrorData {
    /// `"whatsapp"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messaging_product: Option<String>,
    /// A sentence describing the problem, often naming the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The Graph `message` text for a code: `"(#131009) Parameter value is not valid"`.
pub fn graph_message(code: ErrorCode) -> String {
    format!("(#{}) {}", code.code(), code.title())
}

impl GraphError {
    /// A complete error as Meta shapes it: `message` `"(#<code>) <title>"`, `type`
    /// `"OAuthException"`, `error_data` with `messaging_product: "whatsapp"` and the code's
    /// default details. No subcode and no `fbtrace_id` (add them with the `with_*` methods).
    pub fn from_code(code: ErrorCode) -> Self {
        Self {
            message: graph_message(code),
            type_: Some("OAuthException".to_owned()),
            code,
            error_data: Some(GraphErrorData {
                messaging_product: Some("whatsapp".to_owned()),
                details: Some(code.default_details().to_owned()),
                extra: Map::new(),
            }),
            error_subcode: None,
            fbtrace_id: None,
            extra: Map::new(),
        }
    }

    /// Replaces `error_data.details`.
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.error_data
            .get_or_insert_with(GraphErrorData::default)
            .details = Some(details.into());
        self
    }

    /// Sets `error_subcode`.
    pub fn with_subcode(mut self, subcode: i64) -> Self {
        self.error_subcode = Some(subcode);
        self
    }

    /// Sets `fbtrace_id`.
    pub fn with_fbtrace_id(mut self, id: impl Into<String>) -> Self {
        self.fbtrace_id = Some(id.into());
        self
    }

    /// `error_data.details`, if any.
    pub fn details(&self) -> Option<&str> {
        self.error_data.as_ref()?.details.as_deref()
    }

    /// Wraps this object in `{"error": …}`.
    pub fn into_response(self) -> GraphErrorResponse {
        GraphErrorResponse {
            error: self,
            extra: Map::new(),
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match self.details() {
            Some(details) => write!(f, ": {details}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for GraphError {}

/// An error object inside a webhook: `{code, title, message, error_data: {details}, href}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookError {
    /// The error code.
    pub code: ErrorCode,
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Same as the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `{details}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_data: Option<WebhookErrorData>,
    /// A link to the error-codes page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `error_data` of a webhook error.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WebhookErrorData {
    /// A sentence describing the problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Unknown fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WebhookError {
    /// The webhook error object Meta sends for `code`: title, the same message, the default
    /// details and the current `href`.
    pub fn from_code(code: ErrorCode) -> Self {
        Self {
            code,
            title: Some(code.title().to_owned()),
            message: Some(code.title().to_owned()),
            error_data: Some(WebhookErrorData {
                details: Some(code.default_details().to_owned()),
                extra: Map::new(),
            }),
            href: Some(ERROR_CODES_HREF.to_owned()),
            extra: Map::new(),
        }
    }

    /// Replaces `error_data.details`.
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.error_data
            .get_or_insert_with(WebhookErrorData::default)
            .details = Some(details.into());
        self
    }

    /// `error_data.details`, if any.
    pub fn details(&self) -> Option<&str> {
        self.error_data.as_ref()?.details.as_deref()
    }
}

/// A compact Meta error: the code and the `error_data.details` sentence. Returned by send
/// validation and request parsing; turn it into Meta's full body with
/// [`Rejection::to_graph_error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("(#{}) {}: {details}", code.code(), code.title())]
pub struct Rejection {
    /// The error code.
    pub code: ErrorCode,
    /// The details sentence, naming the field.
    pub details: String,
}

impl Rejection {
    /// A rejection with `code` and `details`.
    pub fn new(code: ErrorCode, details: impl Into<String>) -> Self {
        Self {
            code,
            details: details.into(),
        }
    }

    /// The full Graph error object.
    pub fn to_graph_error(&self) -> GraphError {
        GraphError::from_code(self.code).with_details(self.details.clone())
    }

    /// The full `{"error": …}` body.
    pub fn to_response(&self) -> GraphErrorResponse {
        self.to_graph_error().into_response()
    }

    /// The HTTP status to answer with.
    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }
}
