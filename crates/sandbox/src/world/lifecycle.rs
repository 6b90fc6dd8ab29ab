//! A number's connection to the API: onboarding, disconnection (`PARTNER_REMOVED`, on owner
//! request or after ~14 days without opening the app), offboarding and reconnection.

use crate::config::PartnerRemovedShape;
use crate::error::ControlError;
use crate::state::waba::Lifecycle;
use crate::webhooks::Update;
use crate::webhooks::builder::{self, AccountUpdateOut};
use crate::world::World;

impl World {
    /// Fires when the phone may have been idle for the configured number of days.
    pub(crate) fn check_inactivity(&mut self, pnid: &str) {
        let limit_ms = self.cfg.inactivity_days * 86_400_000;
        let idle = self
            .phones
            .get(pnid)
            .is_some_and(|p| p.last_opened_at + limit_ms <= self.now);
        let connected = self.numbers.get(pnid).is_some_and(|n| n.is_connected());
        if idle && connected {
            self.disconnect(pnid, "PRIMARY_INACTIVITY", "SYSTEM");
        }
    }

    /// `PARTNER_REMOVED` with `disconnection_info`: the number leaves the API.
    pub(crate) fn disconnect(&mut self, pnid: &str, reason: &str, initiated_by: &str) {
        let now = self.now;
        let Some(number) = self.numbers.get_mut(pnid) else {
            return;
        };
        number.lifecycle = Lifecycle::Disconnected {
            reason: reason.to_owned(),
            initiated_by: initiated_by.to_owned(),
        };
        number.log(now, &format!("PARTNER_REMOVED {reason}"));
        let display = number.display_phone_number.clone();
        let waba = self.wabas[&number.waba_id].clone();
        let disconnection = Some((reason.to_owned(), initiated_by.to_owned()));
        let (entry_id, value) = match self.cfg.partner_removed_shape {
            PartnerRemovedShape::Coexistence => (
                waba.id.clone(),
                AccountUpdateOut {
                    event: "PARTNER_REMOVED".to_owned(),
                    phone_number: Some(display),
                    waba_info: None,
                    disconnection,
                },
            ),
            PartnerRemovedShape::Reference => (
                waba.partner_business_id.clone(),
                AccountUpdateOut {
                    event: "PARTNER_REMOVED".to_owned(),
                    phone_number: None,
                    waba_info: Some((waba.id.clone(), waba.owner_business_id.clone())),
                    disconnection,
                },
            ),
        };
        self.emit_account_update(entry_id, pnid, value);
    }

    /// The owner disconnects in the app (Settings > Account > Business Platform > Disconnect).
    pub(crate) fn owner_disconnect(
        &mut self,
        pnid: &str,
        reason: Option<&str>,
        initiated_by: Option<&str>,
    ) -> Result<(), ControlError> {
        self.require_connected(pnid)?;
        // UNCONFIRMED: Meta lists no reason for a plain owner disconnect; ACCOUNT_DISCONNECTED
        // with initiated_by USER is the closest documented pair.
        self.disconnect(
            pnid,
            reason.unwrap_or("ACCOUNT_DISCONNECTED"),
            initiated_by.unwrap_or("USER"),
        );
        Ok(())
    }

    /// `ACCOUNT_OFFBOARDED` (device change or re-registration).
    pub(crate) fn offboard(&mut self, pnid: &str) -> Result<(), ControlError> {
        self.require_connected(pnid)?;
        let now = self.now;
        let number = self.numbers.get_mut(pnid).expect("checked");
        number.lifecycle = Lifecycle::Offboarded;
        number.log(now, "ACCOUNT_OFFBOARDED");
        let waba_id = number.waba_id.clone();
        self.emit_account_update(waba_id, pnid, simple("ACCOUNT_OFFBOARDED"));
        Ok(())
    }

    /// `ACCOUNT_RECONNECTED`: back on the API with a fresh onboarding time (so the one-shot
    /// syncs may be requested again, as after a new Embedded Signup).
    pub(crate) fn reconnect(&mut self, pnid: &str) -> Result<(), ControlError> {
        self.require_number(pnid)?;
        let now = self.now;
        let number = self.numbers.get_mut(pnid).expect("checked");
        if number.is_connected() || number.lifecycle == Lifecycle::AppOnly {
            return Err(ControlError::conflict(format!(
                "{pnid} is not disconnected or offboarded (state: {:?})",
                number.lifecycle
            )));
        }
        number.connect(now, "ACCOUNT_RECONNECTED");
        let waba_id = number.waba_id.clone();
        if let Some(phone) = self.phones.get_mut(pnid) {
            phone.last_opened_at = now;
        }
        self.schedule_inactivity_check(pnid);
        self.emit_account_update(waba_id, pnid, simple("ACCOUNT_RECONNECTED"));
        Ok(())
    }

    /// Onboarding of an app-only number (the later Embedded Signup stand-in calls this):
    /// connected as of now; `PARTNER_APP_INSTALLED` (UNCONFIRMED for the coexistence flow).
    pub(crate) fn onboard(&mut self, pnid: &str) -> Result<(), ControlError> {
        self.require_number(pnid)?;
        let now = self.now;
        let number = self.numbers.get_mut(pnid).expect("checked");
        if number.lifecycle != Lifecycle::AppOnly {
            return Err(ControlError::conflict(format!(
                "{pnid} is not app-only (state: {:?}); use reconnect",
                number.lifecycle
            )));
        }
        number.connect(now, "onboarded");
        let waba = self.wabas[&number.waba_id].clone();
        if let Some(phone) = self.phones.get_mut(pnid) {
            phone.last_opened_at = now;
        }
        self.schedule_inactivity_check(pnid);
        let value = AccountUpdateOut {
            event: "PARTNER_APP_INSTALLED".to_owned(),
            phone_number: None,
            waba_info: Some((waba.id.clone(), waba.owner_business_id.clone())),
            disconnection: None,
        };
        self.emit_account_update(waba.partner_business_id.clone(), pnid, value);
        Ok(())
    }

    fn require_connected(&self, pnid: &str) -> Result<(), ControlError> {
        self.require_number(pnid)?;
        if !self.numbers[pnid].is_connected() {
            return Err(ControlError::conflict(format!(
                "{pnid} is not connected (state: {:?})",
                self.numbers[pnid].lifecycle
            )));
        }
        Ok(())
    }

    fn emit_account_update(&mut self, entry_id: String, pnid: &str, value: AccountUpdateOut) {
        let update = Update {
            entry_id,
            phone_number_id: Some(pnid.to_owned()),
            entry_time_s: Some(self.now_s()),
            change: builder::account_update(&value),
            batchable: true,
        };
        self.emit(update);
    }
}

fn simple(event: &str) -> AccountUpdateOut {
    AccountUpdateOut {
        event: event.to_owned(),
        ..AccountUpdateOut::default()
    }
}
