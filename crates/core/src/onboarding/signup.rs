//! The message Meta's Embedded Signup posts to the page that opened it ("session logging",
//! META.md §10.3), and what it means for the onboarding.
//!
//! ```json
//! {"type": "WA_EMBEDDED_SIGNUP", "event": "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING",
//!  "data": {"waba_id": "…"}, "version": 3}
//! ```
//!
//! Meta's coexistence example carries only `waba_id`; the standard flows (`FINISH`,
//! `FINISH_ONLY_WABA`) also carry `phone_number_id`, and the docs mention `business_id`. So
//! `phone_number_id` is optional: without it the hub finds the number with
//! `GET /{waba_id}/phone_numbers`. A cancel carries `current_step`, or, when the user reported an
//! error, `error_message` and `error_id`.

use serde_json::Value;

use crate::number::NumberMode;

/// The `type` of every Embedded Signup message.
pub const MESSAGE_TYPE: &str = "WA_EMBEDDED_SIGNUP";
/// The finish event of the coexistence flow (`featureType: whatsapp_business_app_onboarding`).
pub const FINISH_COEXISTENCE: &str = "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING";
/// The finish event of the standard flow with a number.
pub const FINISH: &str = "FINISH";
/// The finish event of a standard flow where the business added no number.
pub const FINISH_ONLY_WABA: &str = "FINISH_ONLY_WABA";

/// A finished signup: the business account and, when Meta says, the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignupFinish {
    /// Meta's event name.
    pub event: String,
    /// The customer's WhatsApp Business Account.
    pub waba_id: String,
    /// The number, when the event carries it.
    pub phone_number_id: Option<String>,
    /// The customer's business portfolio, when the event carries it.
    pub business_id: Option<String>,
}

/// What the page received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignupEvent {
    /// The signup finished.
    Finished(SignupFinish),
    /// The business left the flow, or reported an error in it.
    Cancelled {
        /// The screen they left at.
        current_step: Option<String>,
        /// The error they reported, in Meta's words.
        error_message: Option<String>,
        /// Meta's id of that error.
        error_id: Option<String>,
    },
}

/// A message that is not a usable Embedded Signup event, with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SignupEventError(pub String);

fn text(data: &Value, key: &str) -> Option<String> {
    match data.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// A Graph id: digits only, so it can never change the shape of a URL it is put in.
fn graph_id(data: &Value, key: &str) -> Result<Option<String>, SignupEventError> {
    match text(data, key) {
        None => Ok(None),
        Some(id) if id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(id)),
        Some(id) => Err(SignupEventError(format!(
            "data.{key} {id:?} is not a Meta id (digits only)"
        ))),
    }
}

impl SignupEvent {
    /// Reads the message posted by Meta's window (or the sandbox's stand-in).
    pub fn parse(message: &Value) -> Result<SignupEvent, SignupEventError> {
        if message.get("type").and_then(Value::as_str) != Some(MESSAGE_TYPE) {
            return Err(SignupEventError(format!(
                "not an Embedded Signup message: \"type\" must be {MESSAGE_TYPE:?}"
            )));
        }
        let event = message
            .get("event")
            .and_then(Value::as_str)
            .ok_or_else(|| SignupEventError("the message has no \"event\"".to_owned()))?;
        let data = message.get("data").cloned().unwrap_or(Value::Null);
        if event == "CANCEL" {
            return Ok(SignupEvent::Cancelled {
                current_step: text(&data, "current_step"),
                error_message: text(&data, "error_message"),
                error_id: text(&data, "error_id"),
            });
        }
        if !matches!(event, FINISH | FINISH_ONLY_WABA | FINISH_COEXISTENCE) {
            return Err(SignupEventError(format!(
                "unknown Embedded Signup event {event:?}"
            )));
        }
        let waba_id = graph_id(&data, "waba_id")?.ok_or_else(|| {
            SignupEventError(format!("the {event} event carries no data.waba_id"))
        })?;
        Ok(SignupEvent::Finished(SignupFinish {
            event: event.to_owned(),
            waba_id,
            phone_number_id: graph_id(&data, "phone_number_id")?,
            business_id: graph_id(&data, "business_id")?,
        }))
    }
}

impl SignupFinish {
    /// Checks that the signup that finished is the one the admin chose.
    pub fn check_mode(&self, mode: NumberMode) -> Result<(), SignupEventError> {
        match (mode, self.event.as_str()) {
            (NumberMode::Coexistence, FINISH_COEXISTENCE) | (NumberMode::CloudApi, FINISH) => Ok(()),
            (_, FINISH_ONLY_WABA) => Err(SignupEventError(
                "the signup finished without a phone number (FINISH_ONLY_WABA): start again and add the number in Meta's window".to_owned(),
            )),
            (NumberMode::Coexistence, _) => Err(SignupEventError(format!(
                "a coexistence onboarding must finish with {FINISH_COEXISTENCE}, but Meta sent {}: the number was connected as a Cloud API number, not kept on the WhatsApp Business app",
                self.event
            ))),
            (NumberMode::CloudApi, _) => Err(SignupEventError(format!(
                "a Cloud API onboarding must finish with {FINISH}, but Meta sent {}",
                self.event
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{SignupEvent, SignupFinish};
    use crate::number::NumberMode;

    #[test]
    fn the_coexistence_finish_has_only_a_business_account() {
        let m = json!({"data": {"waba_id": "102290129340398"}, "type": "WA_EMBEDDED_SIGNUP",
                       "event": "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING", "version": 3});
        let SignupEvent::Finished(f) = SignupEvent::parse(&m).unwrap() else {
            panic!("not a finish")
        };
        assert_eq!(f.waba_id, "102290129340398");
        assert_eq!(f.phone_number_id, None);
        assert!(f.check_mode(NumberMode::Coexistence).is_ok());
        assert!(f.check_mode(NumberMode::CloudApi).is_err());
    }

    #[test]
    fn the_standard_finish_carries_the_number() {
        let m = json!({"type": "WA_EMBEDDED_SIGNUP", "event": "FINISH", "version": 3,
                       "data": {"phone_number_id": "106540352242922", "waba_id": "1", "business_id": "2"}});
        let SignupEvent::Finished(f) = SignupEvent::parse(&m).unwrap() else {
            panic!("not a finish")
        };
        assert_eq!(f.phone_number_id.as_deref(), Some("106540352242922"));
        assert_eq!(f.business_id.as_deref(), Some("2"));
        assert!(f.check_mode(NumberMode::CloudApi).is_ok());
        let err = f.check_mode(NumberMode::Coexistence).unwrap_err();
        assert!(
            err.0.contains("not kept on the WhatsApp Business app"),
            "{err}"
        );
    }

    #[test]
    fn cancels_and_reported_errors_are_read() {
        let m = json!({"type": "WA_EMBEDDED_SIGNUP", "event": "CANCEL", "version": 3,
                       "data": {"error_message": "App version too old", "error_id": "524126"}});
        assert_eq!(
            SignupEvent::parse(&m).unwrap(),
            SignupEvent::Cancelled {
                current_step: None,
                error_message: Some("App version too old".to_owned()),
                error_id: Some("524126".to_owned()),
            }
        );
    }

    #[test]
    fn other_messages_and_unsafe_ids_are_refused_with_the_reason() {
        let cases = [
            (json!({"type": "other"}), "not an Embedded Signup message"),
            (
                json!({"type": "WA_EMBEDDED_SIGNUP", "event": "FINISH", "data": {}}),
                "no data.waba_id",
            ),
            (
                json!({"type": "WA_EMBEDDED_SIGNUP", "event": "FINISH", "data": {"waba_id": "1/../2"}}),
                "digits only",
            ),
            (
                json!({"type": "WA_EMBEDDED_SIGNUP", "event": "PARTY"}),
                "unknown Embedded Signup event",
            ),
        ];
        for (message, why) in cases {
            let err = SignupEvent::parse(&message).unwrap_err();
            assert!(err.0.contains(why), "{message}: {err}");
        }
        let only_waba = SignupFinish {
            event: "FINISH_ONLY_WABA".to_owned(),
            waba_id: "1".to_owned(),
            phone_number_id: None,
            business_id: None,
        };
        assert!(only_waba.check_mode(NumberMode::CloudApi).is_err());
    }
}
