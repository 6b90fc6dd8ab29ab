//! The state changes of Embedded Signup, as `World` methods run under the world lock: seeding
//! the numbers available for signup, opening a window, scanning (Meta's checks, onboarding,
//! the finish event and the one-time code), exchanging the code, and registering a Cloud API
//! number.

use serde_json::{Value, json};

use super::{
    CODE_TTL_MS, Code, Facts, MIN_APP_VERSION, MIN_DAYS_IN_USE, Prospect, RECENT_DAYS, Session,
    SessionState, parse_version,
};
use crate::config::NumberMode;
use crate::error::{ControlError, GraphFailure};
use crate::state::phone::PhoneApp;
use crate::state::waba::{Lifecycle, Number, Waba, default_throughput};
use crate::webhooks::Update;
use crate::webhooks::builder::{self, AccountUpdateOut};
use crate::world::World;
use crate::world::phone_ops::SeedMessage;

const DAY_MS: u64 = 86_400_000;

/// The numbers seeded for signup: (number, business, mode, facts), eligible ones first.
fn seeded() -> Vec<(&'static str, &'static str, NumberMode, Facts)> {
    let ok = Facts::default;
    vec![
        (
            "15550109001",
            "Green Thumb Nursery",
            NumberMode::Coexistence,
            ok(),
        ),
        (
            "15550109101",
            "Lucky Shrub Orders",
            NumberMode::CloudApi,
            ok(),
        ),
        (
            "15550109102",
            "Lucky Shrub Returns",
            NumberMode::CloudApi,
            ok(),
        ),
        (
            "15550109005",
            "Corner Flower Stall",
            NumberMode::Coexistence,
            ok(),
        ),
        (
            "15550109002",
            "Old Phone Bakery",
            NumberMode::Coexistence,
            Facts {
                app_version: "2.24.10.79".to_owned(),
                ..ok()
            },
        ),
        (
            "15550109003",
            "Brand New Barber",
            NumberMode::Coexistence,
            Facts {
                days_in_use: 3,
                ..ok()
            },
        ),
        (
            "15550109004",
            "Unverified Crafts",
            NumberMode::Coexistence,
            Facts {
                business_verified: false,
                facebook_page_linked: false,
                ..ok()
            },
        ),
        (
            "447700900123",
            "Covent Garden Florist",
            NumberMode::Coexistence,
            ok(),
        ),
    ]
}

/// A spec for a number added through the control API.
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct ProspectSpec {
    pub(crate) display_phone_number: String,
    #[serde(default)]
    pub(crate) verified_name: Option<String>,
    pub(crate) mode: NumberMode,
    #[serde(flatten)]
    pub(crate) facts: Option<Facts>,
    #[serde(default)]
    pub(crate) seed_phone: bool,
}

impl World {
    /// Seeds the numbers available for signup, and counts the WABAs that exist at start as
    /// subscribed (the hub's own configuration subscribed them).
    pub(crate) fn seed_signup(&mut self) {
        let wabas: Vec<String> = self.wabas.keys().cloned().collect();
        self.signup.subscribed.extend(wabas);
        let app_only: Vec<(String, String, String, String)> = self
            .numbers
            .values()
            .filter(|n| n.is_coexistence() && n.lifecycle == Lifecycle::AppOnly)
            .map(|n| {
                let ids = (n.display_phone_number.clone(), n.verified_name.clone());
                (ids.0, ids.1, n.waba_id.clone(), n.id.clone())
            })
            .collect();
        for (display, name, waba_id, pnid) in app_only {
            let prospect = Prospect {
                display_phone_number: display.clone(),
                verified_name: name,
                mode: NumberMode::Coexistence,
                facts: Facts::default(),
                waba_id,
                phone_number_id: Some(pnid),
                seed_phone: false,
            };
            self.signup.prospects.insert(display, prospect);
        }
        for (display, name, mode, facts) in seeded() {
            let spec = ProspectSpec {
                display_phone_number: display.to_owned(),
                verified_name: Some(name.to_owned()),
                mode,
                facts: Some(facts),
                seed_phone: true,
            };
            let _ = self.add_prospect(spec);
        }
    }

    /// Adds a number available for signup; a coexistence one exists at once as an app-only
    /// number on its phone, on its own (not yet shared) business account.
    pub(crate) fn add_prospect(&mut self, spec: ProspectSpec) -> Result<Prospect, ControlError> {
        let display =
            crate::world::normalize_phone(&spec.display_phone_number).ok_or_else(|| {
                ControlError::bad_request(format!(
                    "{:?} is not a phone number",
                    spec.display_phone_number
                ))
            })?;
        let taken = self.signup.prospects.contains_key(&display)
            || self
                .numbers
                .values()
                .any(|n| n.display_phone_number == display);
        if taken {
            return Err(ControlError::conflict(format!("{display} already exists")));
        }
        let facts = spec.facts.unwrap_or_default();
        if parse_version(&facts.app_version).is_none() {
            return Err(ControlError::bad_request(format!(
                "app_version {:?} is not a version such as 2.24.17",
                facts.app_version
            )));
        }
        let waba_id = self.signup.numeric(15);
        let name = spec
            .verified_name
            .unwrap_or_else(|| format!("Business {}", &display[display.len() - 4..]));
        let phone_number_id = (spec.mode == NumberMode::Coexistence).then(|| {
            let pnid = self.signup.numeric(15);
            let number = fresh_number(
                &pnid,
                &waba_id,
                &display,
                &name,
                spec.mode,
                self.cfg.pair_rate,
            );
            self.numbers.insert(pnid.clone(), number);
            self.phones.insert(pnid.clone(), PhoneApp::new(self.now));
            pnid
        });
        let prospect = Prospect {
            display_phone_number: display.clone(),
            verified_name: name,
            mode: spec.mode,
            facts,
            waba_id,
            phone_number_id,
            seed_phone: spec.seed_phone,
        };
        self.signup.prospects.insert(display, prospect.clone());
        Ok(prospect)
    }

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

    fn ensure_waba(&mut self, waba_id: &str) {
        if !self.wabas.contains_key(waba_id) {
            let waba = Waba {
                id: waba_id.to_owned(),
                name: "Signed-up business".to_owned(),
                owner_business_id: self.signup.numeric(16),
                partner_business_id: self.signup.numeric(16),
            };
            self.wabas.insert(waba_id.to_owned(), waba);
        }
    }

    fn connect_coexistence(
        &mut self,
        p: &Prospect,
        share_history: bool,
    ) -> Result<Value, ControlError> {
        let pnid = p.phone_number_id.clone().ok_or_else(|| {
            ControlError::conflict(format!("{} has no phone", p.display_phone_number))
        })?;
        self.ensure_waba(&p.waba_id);
        if p.seed_phone {
            self.seed_phone_content(&pnid)?;
            if let Some(prospect) = self.signup.prospects.get_mut(&p.display_phone_number) {
                prospect.seed_phone = false;
            }
        }
        if let Some(phone) = self.phones.get_mut(&pnid) {
            phone.history_sharing = share_history;
        }
        match self.numbers[&pnid].lifecycle {
            Lifecycle::AppOnly => self.onboard(&pnid)?,
            // Onboarding again after a disconnection or offboarding.
            _ => self.reconnect(&pnid)?,
        }
        // Meta's coexistence example carries only the WABA (META.md §10.3).
        Ok(
            json!({"data": {"waba_id": p.waba_id}, "type": "WA_EMBEDDED_SIGNUP",
                  "event": "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING", "version": 3}),
        )
    }

    fn connect_cloud(&mut self, display: &str) -> Result<Value, ControlError> {
        let p = self.signup.prospects[display].clone();
        self.ensure_waba(&p.waba_id);
        let pnid = match &p.phone_number_id {
            Some(pnid) => pnid.clone(),
            None => {
                let pnid = self.signup.numeric(15);
                let number = fresh_number(
                    &pnid,
                    &p.waba_id,
                    display,
                    &p.verified_name,
                    p.mode,
                    self.cfg.pair_rate,
                );
                self.numbers.insert(pnid.clone(), number);
                if let Some(prospect) = self.signup.prospects.get_mut(display) {
                    prospect.phone_number_id = Some(pnid.clone());
                }
                pnid
            }
        };
        self.signup.awaiting_registration.insert(pnid.clone());
        let waba = self.wabas[&p.waba_id].clone();
        // UNCONFIRMED: which account_update the standard flow sends; PARTNER_APP_INSTALLED is
        // the event for "granted the app permissions" (META.md §5.7).
        let value = AccountUpdateOut {
            event: "PARTNER_APP_INSTALLED".to_owned(),
            phone_number: None,
            waba_info: Some((waba.id.clone(), waba.owner_business_id.clone())),
            disconnection: None,
        };
        let update = Update {
            entry_id: waba.partner_business_id.clone(),
            phone_number_id: Some(pnid.clone()),
            entry_time_s: Some(self.now_s()),
            change: builder::account_update(&value),
            batchable: true,
        };
        self.emit(update);
        Ok(json!({"data": {"phone_number_id": pnid, "waba_id": waba.id,
                           "business_id": waba.owner_business_id},
                  "type": "WA_EMBEDDED_SIGNUP", "event": "FINISH", "version": 3}))
    }

    /// Demo contacts and chats of the last six months, as a phone that has been in use has.
    fn seed_phone_content(&mut self, pnid: &str) -> Result<(), ControlError> {
        const PEOPLE: [(&str, &str, &str, u64); 4] = [
            (
                "16505550201",
                "Maria Lopez",
                "Are the lemon trees back in stock?",
                2,
            ),
            (
                "16505550202",
                "Tom Becker",
                "Can I pick up the order on Saturday?",
                3 * 24,
            ),
            (
                "16505550203",
                "Aiko Tanaka",
                "Thank you, the orchid arrived safely!",
                40 * 24,
            ),
            (
                "16505550204",
                "Sam Okafor",
                "Do you deliver to Oakland?",
                120 * 24,
            ),
        ];
        for (wa_id, name, line, hours) in PEOPLE {
            let first = name.split(' ').next().unwrap_or(name).to_owned();
            if let Some(phone) = self.phones.get_mut(pnid) {
                phone.contacts.insert(
                    wa_id.to_owned(),
                    crate::state::phone::PhoneContact {
                        full_name: name.to_owned(),
                        first_name: first,
                    },
                );
            }
            let age = hours * 3_600_000;
            let messages = vec![
                SeedMessage {
                    from_business: false,
                    age_ms: age + 600_000,
                    message: json!({"type": "text", "text": {"body": line}}),
                    status: None,
                },
                SeedMessage {
                    from_business: true,
                    age_ms: age,
                    message: json!({"type": "text", "text": {"body": "Thanks for your message! We'll get back to you shortly."}}),
                    status: None,
                },
            ];
            self.phone_seed_history(pnid, wa_id, Some(name), messages)?;
        }
        Ok(())
    }

    /// `GET /oauth/access_token`: a valid, unused, unexpired code of this app, with the app
    /// secret, becomes a business token for the code's business account.
    pub(crate) fn exchange_code(
        &mut self,
        client_id: &str,
        client_secret: &str,
        code: &str,
    ) -> Result<String, GraphFailure> {
        if client_secret != self.cfg.app_secret {
            return Err(GraphFailure::new(1, "Error validating client secret."));
        }
        // UNCONFIRMED: the subcodes of Facebook Login's code errors (36007 expired, 36008
        // mismatch, 36009 used), as Login's error reference describes them.
        let now = self.now;
        let entry = self.signup.codes.get_mut(code).ok_or_else(|| {
            GraphFailure::new(100, "Invalid verification code format.").with_subcode(36008)
        })?;
        if entry.app_id != client_id {
            return Err(GraphFailure::new(
                100,
                "Error validating verification code. The code was issued to another app.",
            )
            .with_subcode(36008));
        }
        if entry.used {
            return Err(
                GraphFailure::new(100, "This authorization code has been used.")
                    .with_subcode(36009),
            );
        }
        if now > entry.expires_at {
            return Err(
                GraphFailure::new(100, "This authorization code has expired.").with_subcode(36007),
            );
        }
        entry.used = true;
        let waba = entry.waba_id.clone();
        let token = self.signup.token("EAAS", 96);
        self.signup.tokens.insert(token.clone(), waba);
        Ok(token)
    }

    /// `POST /{phone_number_id}/register`: a Cloud API number joins the API. Coexistence
    /// numbers refuse: they are registered on the app already.
    pub(crate) fn register_number(&mut self, pnid: &str, pin: &str) -> Result<(), GraphFailure> {
        let number = self
            .numbers
            .get(pnid)
            .ok_or_else(|| GraphFailure::unknown_object(pnid))?;
        if number.is_coexistence() {
            // UNCONFIRMED: Meta says not to register coexistence numbers but documents no error.
            return Err(GraphFailure::invalid_parameter(
                "This phone number is registered on the WhatsApp Business app (coexistence) and must not be registered through the API.",
            ));
        }
        if pin.len() != 6 || !pin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(GraphFailure::invalid_parameter(
                "Invalid parameter: pin must be a six-digit two-step verification PIN.",
            ));
        }
        if number.is_connected() {
            return Ok(());
        }
        let now = self.now;
        let number = self.numbers.get_mut(pnid).expect("checked");
        number.connect(now, "registered");
        self.signup.awaiting_registration.remove(pnid);
        Ok(())
    }
}

fn fresh_number(
    pnid: &str,
    waba_id: &str,
    display: &str,
    name: &str,
    mode: NumberMode,
    pair_rate: crate::config::PairRate,
) -> Number {
    Number {
        id: pnid.to_owned(),
        waba_id: waba_id.to_owned(),
        display_phone_number: display.to_owned(),
        verified_name: name.to_owned(),
        mode,
        lifecycle: Lifecycle::AppOnly,
        onboarded_at: None,
        throughput_mps: default_throughput(mode),
        pair_rate,
        contacts_sync: None,
        history_sync: None,
        lifecycle_log: Vec::new(),
        throughput: Default::default(),
    }
}
