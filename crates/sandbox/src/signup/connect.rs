//! What a finished signup does on Meta's side: the business account, the number (onboarded to
//! coexistence with its phone content, or a Cloud API number awaiting registration), the code
//! exchanged for a business token, and registering a Cloud API number.

use serde_json::{Value, json};

use super::Prospect;
use crate::config::NumberMode;
use crate::error::{ControlError, GraphFailure};
use crate::state::waba::{Lifecycle, Number, Waba, default_throughput};
use crate::webhooks::Update;
use crate::webhooks::builder::{self, AccountUpdateOut};
use crate::world::World;
use crate::world::phone_ops::SeedMessage;

impl World {
    /// Creates the business account a signed-up number belongs to, if new.
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

    /// Onboards a coexistence number (again, after a disconnection) and returns the finish
    /// event the popup posts.
    pub(super) fn connect_coexistence(
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

    /// Creates (or reuses) a Cloud API number awaiting registration and returns the finish
    /// event the popup posts.
    pub(super) fn connect_cloud(&mut self, display: &str) -> Result<Value, ControlError> {
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

/// A number as Meta creates it at signup: app-only, with the mode's default throughput.
pub(super) fn fresh_number(
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
