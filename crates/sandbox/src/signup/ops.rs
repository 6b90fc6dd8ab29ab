//! The state changes of an Embedded Signup session, as `World` methods run under the world
//! lock: opening a window, and scanning (Meta's checks, then connecting the number, the finish
//! event and the one-time code). The numbers on offer are in `prospects`; what connecting does
//! is in `connect`.

use serde_json::Value;

use super::{
    CODE_TTL_MS, Code, MIN_APP_VERSION, MIN_DAYS_IN_USE, Prospect, RECENT_DAYS, Session,
    SessionState, parse_version,
};
use crate::config::NumberMode;
use crate::error::ControlError;
use crate::world::World;

const DAY_MS: u64 = 86_400_000;

impl World {
    /// Opens a signup window for the app and configuration the hub passed.
    pub(crate) fn open_signup(
        &mut self,
        app_id: &str,
        config_id: &str,
        feature: Option<&str>,
        origin: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Session, ControlError> {
        if app_id.trim().is_empty() || config_id.trim().is_empty() {
            return Err(ControlError::bad_request(
                "app_id and config_id are required, as FB.login needs them",
            ));
        }
        let coexistence = match feature.filter(|f| !f.is_empty()) {
            None => false,
            Some(super::COEXISTENCE_FEATURE) => true,
            Some(other) => {
                return Err(ControlError::bad_request(format!(
                    "unknown featureType {other:?} (the coexistence flow is {})",
                    super::COEXISTENCE_FEATURE
                )));
            }
        };
        let session = Session {
            id: self.signup.token("", 16).to_ascii_lowercase(),
            app_id: app_id.trim().to_owned(),
            config_id: config_id.trim().to_owned(),
            coexistence,
            origin: origin.map(str::to_owned).filter(|o| !o.is_empty()),
            phone_hint: phone.and_then(crate::world::normalize_phone),
            created_at: self.now,
            state: SessionState::Open,
        };
        self.signup
            .sessions
            .insert(session.id.clone(), session.clone());
        Ok(session)
    }

    /// The window's session.
    pub(crate) fn signup_session(&self, id: &str) -> Result<&Session, ControlError> {
        self.signup
            .sessions
            .get(id)
            .ok_or_else(|| ControlError::not_found(format!("no signup session {id:?}")))
    }

    /// The window is closed without finishing.
    pub(crate) fn cancel_signup(&mut self, id: &str) -> Result<Session, ControlError> {
        let session = self.open_session_mut(id)?;
        session.state = SessionState::Cancelled;
        Ok(session.clone())
    }

    fn open_session_mut(&mut self, id: &str) -> Result<&mut Session, ControlError> {
        let session = self
            .signup
            .sessions
            .get_mut(id)
            .ok_or_else(|| ControlError::not_found(format!("no signup session {id:?}")))?;
        if !matches!(session.state, SessionState::Open) {
            return Err(ControlError::conflict(format!(
                "signup session {id} is over (state: {})",
                serde_json::to_value(&session.state)
                    .ok()
                    .and_then(|v| v.get("state").cloned())
                    .unwrap_or(Value::Null)
            )));
        }
        Ok(session)
    }

    /// The phone scans the window's QR code and the owner confirms: Meta checks the number,
    /// onboards it, and the window gets the finish event and the one-time code. A refusal is
    /// kept on the session (the window shows it) and returned.
    pub(crate) fn scan(
        &mut self,
        id: &str,
        phone: Option<&str>,
        share_history: bool,
    ) -> Result<Session, ControlError> {
        let session = self.open_session_mut(id)?.clone();
        let display = self.pick_prospect(&session, phone)?;
        let prospect = self.signup.prospects[&display].clone();
        let reasons = self.eligibility(&session, &prospect);
        if !reasons.is_empty() {
            let state = SessionState::Refused {
                display_phone_number: display,
                reasons: reasons.clone(),
            };
            self.open_session_mut(id)?.state = state;
            return Err(ControlError::conflict(reasons.join(" ")));
        }
        let event = match prospect.mode {
            NumberMode::Coexistence => self.connect_coexistence(&prospect, share_history)?,
            NumberMode::CloudApi => self.connect_cloud(&display)?,
        };
        let code = self.signup.token("AQ", 64);
        self.signup.codes.insert(
            code.clone(),
            Code {
                waba_id: prospect.waba_id.clone(),
                app_id: session.app_id.clone(),
                expires_at: self.now + CODE_TTL_MS,
                used: false,
            },
        );
        let state = SessionState::Finished {
            event,
            code,
            display_phone_number: display,
        };
        let session = self.open_session_mut(id)?;
        session.state = state;
        Ok(session.clone())
    }

    fn pick_prospect(
        &self,
        session: &Session,
        phone: Option<&str>,
    ) -> Result<String, ControlError> {
        let wanted = if session.coexistence {
            NumberMode::Coexistence
        } else {
            NumberMode::CloudApi
        };
        let asked = match phone {
            Some(p) => Some(crate::world::normalize_phone(p).ok_or_else(|| {
                ControlError::bad_request(format!("{p:?} is not a phone number"))
            })?),
            None => session.phone_hint.clone(),
        };
        let Some(display) = asked else {
            return self
                .signup
                .prospects
                .values()
                .find(|p| p.mode == wanted && self.is_available(p))
                .map(|p| p.display_phone_number.clone())
                .ok_or_else(|| ControlError::conflict("no number is available for this signup"));
        };
        let prospect = self.signup.prospects.get(&display).ok_or_else(|| {
            ControlError::not_found(format!("{display} is not a number available for signup"))
        })?;
        if prospect.mode != wanted {
            return Err(ControlError::conflict(match wanted {
                NumberMode::Coexistence => format!(
                    "{display} is not on the WhatsApp Business app: it cannot be connected with coexistence"
                ),
                NumberMode::CloudApi => format!(
                    "{display} is in use on the WhatsApp Business app: this window adds a new Cloud API number; use the coexistence flow to keep the app"
                ),
            }));
        }
        Ok(display)
    }

    fn is_available(&self, p: &Prospect) -> bool {
        p.phone_number_id
            .as_ref()
            .and_then(|id| self.numbers.get(id))
            .is_none_or(|n| !n.is_connected())
    }

    /// Meta's checks, in words (empty: eligible).
    fn eligibility(&self, session: &Session, p: &Prospect) -> Vec<String> {
        let mut reasons = Vec::new();
        if !self.is_available(p) {
            reasons.push(format!(
                "{} is already connected to a business platform account.",
                p.display_phone_number
            ));
        }
        if !session.coexistence {
            return reasons;
        }
        let [a, b, c] = MIN_APP_VERSION;
        if parse_version(&p.facts.app_version).is_none_or(|v| v < MIN_APP_VERSION) {
            reasons.push(format!(
                "WhatsApp Business app {} is out of date: update to {a}.{b}.{c} or later.",
                p.facts.app_version
            ));
        }
        if p.facts.days_in_use < MIN_DAYS_IN_USE {
            reasons.push(format!(
                "This number has been used on the WhatsApp Business app for {} days; it needs at least {MIN_DAYS_IN_USE}.",
                p.facts.days_in_use
            ));
        }
        let opened = p
            .phone_number_id
            .as_ref()
            .and_then(|id| self.phones.get(id))
            .map(|phone| phone.last_opened_at);
        if opened.is_some_and(|at| at + RECENT_DAYS * DAY_MS < self.now) {
            reasons.push(format!(
                "The WhatsApp Business app has not been used in the last {RECENT_DAYS} days."
            ));
        }
        if !p.facts.business_verified {
            reasons.push("The business portfolio is not verified.".to_owned());
        }
        if !p.facts.facebook_page_linked {
            reasons
                .push("No Facebook page is linked to this WhatsApp Business account.".to_owned());
        }
        reasons
    }
}
