//! Reminders to open the WhatsApp Business app. Meta disconnects a coexistence number whose
//! phone app was not opened for about 14 days (`PRIMARY_INACTIVITY`); at 10 and 12 days
//! without a sign of life from the app, the worker records a reminder (shown to admins in the
//! app) and POSTs a signed event to the configured alert webhook (an email or chat relay can
//! sit behind it).
//!
//! Each reminder is recorded once per threshold and inactivity period (the store's unique key),
//! so restarts never repeat it; a webhook that fails is tried again on later ticks, up to
//! [`MAX_ATTEMPTS`] times. The event:
//!
//! ```json
//! {"id": "reminder-7", "type": "number.app_inactive", "created_at": "…",
//!  "data": {"number_id": "3", "phone_number_id": "…", "display_phone_number": "…",
//!           "threshold_days": 10, "inactive_days": 10, "days_until_disconnect": 4,
//!           "app_last_seen_at": "…", "message": "…"}}
//! ```
//!
//! signed as `X-Coexist-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`.

use std::sync::Arc;
use std::time::Duration;

use coexist_core::ids::OrgId;
use coexist_core::number::{INACTIVITY_DISCONNECT_DAYS, NumberMode};
use coexist_core::onboarding::reminder_due;
use coexist_core::store::{NumberRecord, ReminderRecord, StoreError};
use coexist_core::time::Timestamp;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::watch;

use super::Onboarding;
use super::view::health_of;
use crate::config::Secret;

/// Webhook attempts per reminder.
pub const MAX_ATTEMPTS: u32 = 5;
/// How often the worker looks.
pub const TICK: Duration = Duration::from_secs(60);
/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-coexist-signature-256";

/// The outgoing alert webhook.
#[derive(Debug, Clone)]
pub struct AlertHook {
    url: String,
    secret: Secret,
    http: reqwest::Client,
}

impl AlertHook {
    /// A hook POSTing to `url`, signing with `secret`.
    pub fn new(url: &str, secret: Secret) -> AlertHook {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        AlertHook {
            url: url.to_owned(),
            secret,
            http,
        }
    }

    /// `sha256=<hex>` of `body`.
    pub fn sign(&self, body: &[u8]) -> String {
        sign(self.secret.expose().as_bytes(), body)
    }

    async fn post(&self, event: &Value) -> Result<(), String> {
        let body = event.to_string();
        let response = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, self.sign(body.as_bytes()))
            .header("x-coexist-event", "number.app_inactive")
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!(
                "the alert webhook answered HTTP {}",
                response.status()
            ))
        }
    }
}

/// `sha256=<hex HMAC-SHA256(key, body)>`.
pub fn sign(key: &[u8], body: &[u8]) -> String {
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn label(n: &NumberRecord) -> String {
    n.display_phone_number
        .as_deref()
        .map_or_else(|| n.phone_number_id.clone(), |d| format!("+{d}"))
}

/// The event for a reminder.
fn event(n: &NumberRecord, r: &ReminderRecord, now: Timestamp) -> Value {
    let inactive_days = now.since(r.period_start).max(0) / coexist_core::time::DAY_MS;
    let left = (INACTIVITY_DISCONNECT_DAYS - inactive_days).max(0);
    json!({
        "id": format!("reminder-{}", r.id),
        "type": "number.app_inactive",
        "created_at": r.created_at,
        "data": {
            "number_id": n.id,
            "phone_number_id": n.phone_number_id,
            "display_phone_number": n.display_phone_number,
            "threshold_days": r.days,
            "inactive_days": inactive_days,
            "days_until_disconnect": left,
            "app_last_seen_at": r.period_start,
            "message": format!(
                "The WhatsApp Business app on {} has not been opened for {inactive_days} days. Meta disconnects the number after about {INACTIVITY_DISCONNECT_DAYS} days ({left} left): open the app on the phone.",
                label(n)
            ),
        }
    })
}

impl Onboarding {
    /// One pass: records the reminders that fell due and delivers undelivered ones. Returns the
    /// reminders created now.
    pub async fn run_reminders_once(&self, org: OrgId) -> Result<Vec<ReminderRecord>, StoreError> {
        let now = self.clock.now();
        let mut created = Vec::new();
        for n in self.store.list_numbers(org).await? {
            let health = health_of(&n, now);
            let Some(activity) = health
                .app_activity
                .filter(|_| n.mode == NumberMode::Coexistence)
            else {
                continue;
            };
            let reminders = self.store.list_reminders(org, Some(n.id)).await?;
            let sent = reminders
                .iter()
                .filter(|r| r.period_start == activity.last_seen_at)
                .map(|r| r.days)
                .max();
            let Some(days) = reminder_due(&activity, sent) else {
                continue;
            };
            if let Some(r) = self
                .store
                .record_reminder(org, n.id, days, activity.last_seen_at, now)
                .await?
            {
                created.push(r);
            }
        }
        self.deliver_reminders(org, now).await?;
        Ok(created)
    }

    /// POSTs every reminder not yet delivered (and not out of attempts).
    async fn deliver_reminders(&self, org: OrgId, now: Timestamp) -> Result<(), StoreError> {
        let Some(hook) = &self.alerts else {
            return Ok(());
        };
        let pending: Vec<ReminderRecord> = self
            .store
            .list_reminders(org, None)
            .await?
            .into_iter()
            .filter(|r| r.delivered_at.is_none() && r.attempts < MAX_ATTEMPTS)
            .collect();
        for r in pending {
            let number = self.store.get_number(org, r.number_id).await?;
            let outcome = hook.post(&event(&number, &r, now)).await;
            if let Err(e) = &outcome {
                tracing::warn!(reminder = r.id, error = %e, "alert webhook failed; tried again later");
            }
            self.store
                .record_reminder_attempt(org, r.id, outcome, now)
                .await?;
        }
        Ok(())
    }

    /// Runs [`Onboarding::run_reminders_once`] every [`TICK`] until `shutdown` turns true.
    pub fn spawn_reminders(
        self: &Arc<Self>,
        org: OrgId,
        mut shutdown: watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                if let Err(e) = this.run_reminders_once(org).await {
                    tracing::warn!(error = %e, "reminders: a pass failed; trying again later");
                }
                tokio::select! {
                    _ = tokio::time::sleep(TICK) => {}
                    _ = shutdown.wait_for(|stop| *stop) => break,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn signatures_match_the_published_hmac_sha256_vector() {
        // COMPLIANCE.md §4.1: HMAC-SHA256(key="secret", msg="test").
        assert_eq!(
            sign(b"secret", b"test"),
            "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"
        );
    }
}
