//! The invariants of ARCHITECTURE §7 (1 and 2) checked against a running [`TestApp`], from the
//! sandbox's own record of what it delivered:
//!
//! - **no acknowledged loss**: every message carried by a webhook the hub answered 200 is stored;
//! - **exactly once**: each wamid is stored once, whatever was redelivered or reordered;
//! - **no phantoms**: nothing is stored that never went out on the wire;
//! - **monotone statuses**: no message's status is ever lower than at the previous check, in the
//!   lattice order of [`coexist_core::status`];
//! - **convergence** (full checks): a message's status lies between the join of the statuses
//!   the hub acknowledged and the join of every status that went out on the wire.
//!
//! A [`Ledger`] reads the sandbox's delivery log incrementally; call [`Ledger::check_step`]
//! after every step (cheap: new acknowledgements and changed messages only) and
//! [`Ledger::check_all`] now and then (everything, through the REST API).

use std::collections::{BTreeMap, BTreeSet};

use coexist_core::ids::Position;
use coexist_core::message::Origin;
use coexist_core::page::Limit;
use coexist_core::status::DeliveryStatus;
use coexist_core::store::MessageRecord;
use serde_json::Value;

use crate::app::TestApp;
use crate::deliveries::{Carried, carried};

/// A broken invariant, in words.
pub type Violation = String;

/// What the sandbox sent and the hub acknowledged, and what the checks saw last time.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Every delivery with an id above this one may still change (pending, or not yet read).
    since: u64,
    /// What each not-yet-settled delivery carries, and how many of its attempts were read.
    open: BTreeMap<u64, (Carried, usize)>,
    acked: BTreeSet<String>,
    acked_history: BTreeSet<String>,
    on_the_wire: BTreeSet<String>,
    acked_status: BTreeMap<String, DeliveryStatus>,
    wire_status: BTreeMap<String, DeliveryStatus>,
    /// Acknowledged since the last [`Ledger::check_step`].
    newly_acked: Vec<String>,
    last_status: BTreeMap<String, DeliveryStatus>,
    position: Position,
}

fn join(map: &mut BTreeMap<String, DeliveryStatus>, wamid: &str, status: DeliveryStatus) {
    let slot = map.entry(wamid.to_owned()).or_insert(status);
    *slot = (*slot).max(status);
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// Wamids of messages the hub acknowledged so far.
    pub fn acknowledged(&self) -> &BTreeSet<String> {
        &self.acked
    }

    /// How many of them came in `history` webhooks.
    pub fn acknowledged_history(&self) -> usize {
        self.acked_history.len()
    }

    /// Records a webhook posted by the test itself (not through the sandbox), and whether the
    /// hub answered it 200.
    pub fn record_direct(&mut self, body: &Value, acknowledged: bool) {
        self.apply(&carried(body), acknowledged);
    }

    fn apply(&mut self, c: &Carried, acknowledged: bool) {
        for m in &c.messages {
            self.on_the_wire.insert(m.wamid.clone());
            let status = m
                .history_status
                .as_deref()
                .and_then(DeliveryStatus::from_history);
            if let Some(status) = status {
                join(&mut self.wire_status, &m.wamid, status);
            }
            if acknowledged {
                if self.acked.insert(m.wamid.clone()) {
                    self.newly_acked.push(m.wamid.clone());
                }
                if m.field == "history" {
                    self.acked_history.insert(m.wamid.clone());
                }
                if let Some(status) = status {
                    join(&mut self.acked_status, &m.wamid, status);
                }
            }
        }
        for s in &c.statuses {
            let Some(status) = DeliveryStatus::from_webhook(&s.status) else {
                continue;
            };
            join(&mut self.wire_status, &s.wamid, status);
            if acknowledged {
                join(&mut self.acked_status, &s.wamid, status);
            }
        }
    }

    /// Reads the deliveries and attempts the sandbox made since the last call.
    pub async fn update(&mut self, app: &TestApp) {
        let log = app.sandbox.deliveries_since(self.since).await;
        for d in &log.deliveries {
            self.open
                .entry(d.id)
                .or_insert_with(|| (carried(&d.body), 0));
        }
        let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
        for a in &log.attempts {
            let index = seen.entry(a.delivery_id).or_default();
            *index += 1;
            let Some((c, read)) = self.open.get_mut(&a.delivery_id) else {
                continue;
            };
            if *index <= *read {
                continue;
            }
            *read = *index;
            let c = c.clone();
            if a.reached_the_wire() {
                self.apply(&c, a.acknowledged());
            }
        }
        // Settled deliveries never change again; read from the oldest one that still may.
        let pending: BTreeSet<u64> = log
            .deliveries
            .iter()
            .filter(|d| d.is_pending())
            .map(|d| d.id)
            .collect();
        let newest = log.deliveries.last().map_or(self.since, |d| d.id);
        self.since = pending.first().map_or(newest, |p| p - 1);
        self.open.retain(|id, _| *id > self.since);
    }

    /// The per-step check: reads the log, then looks up each newly acknowledged wamid through
    /// the REST API and every message that changed since the last step through the store.
    pub async fn check_step(&mut self, app: &TestApp) -> Result<(), Violation> {
        self.update(app).await;
        for wamid in std::mem::take(&mut self.newly_acked) {
            let found = app.messages_with_wamid(&wamid).await;
            if found.len() != 1 {
                return Err(format!(
                    "acknowledged message {wamid} is stored {} times (expected exactly once): {found:?}",
                    found.len()
                ));
            }
        }
        for message in self.changed_messages(app).await? {
            self.check_message(&message.wamid, message.status, message.origin)?;
        }
        Ok(())
    }

    async fn changed_messages(&mut self, app: &TestApp) -> Result<Vec<MessageRecord>, Violation> {
        let store = app.store();
        let mut ids = BTreeSet::new();
        loop {
            let events = store
                .events_since(app.org, self.position, Limit::new(Some(200)))
                .await
                .map_err(|e| format!("reading the change stream: {e}"))?;
            let done = events.len() < 200;
            for e in &events {
                self.position = self.position.max(e.position);
                ids.extend(e.message_id);
            }
            if done {
                break;
            }
        }
        let mut messages = Vec::new();
        for id in ids {
            let m = store
                .get_message(app.org, id)
                .await
                .map_err(|e| format!("message {id} named by the change stream: {e}"))?;
            messages.push(m);
        }
        Ok(messages)
    }

    fn check_message(
        &mut self,
        wamid: &Option<String>,
        status: Option<DeliveryStatus>,
        origin: Origin,
    ) -> Result<(), Violation> {
        let Some(wamid) = wamid else {
            // An API send still in the hub's outbox has no wamid yet: nothing Meta sent.
            return Ok(());
        };
        if origin != Origin::Api && !self.on_the_wire.contains(wamid) {
            return Err(format!(
                "{wamid} is stored but no webhook ever carried it (phantom)"
            ));
        }
        let Some(status) = status else {
            return match self.last_status.get(wamid) {
                Some(before) => Err(format!("{wamid} lost its status {before}")),
                None => Ok(()),
            };
        };
        if let Some(before) = self.last_status.get(wamid)
            && status < *before
        {
            return Err(format!(
                "{wamid}'s status moved backwards: {before} → {status}"
            ));
        }
        self.last_status.insert(wamid.clone(), status);
        Ok(())
    }

    /// The full check, through the REST API: every message of every chat.
    pub async fn check_all(&mut self, app: &TestApp) -> Result<(), Violation> {
        self.check_step(app).await?;
        let mut stored: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for m in app.all_messages().await {
            if let Some(wamid) = m["wamid"].as_str() {
                stored.entry(wamid.to_owned()).or_default().push(m);
            }
        }
        if let Some((wamid, copies)) = stored.iter().find(|(_, v)| v.len() != 1) {
            return Err(format!(
                "{wamid} is stored {} times: {copies:?}",
                copies.len()
            ));
        }
        if let Some(lost) = self.acked.iter().find(|w| !stored.contains_key(*w)) {
            return Err(format!("{lost} was acknowledged (200) but is not stored"));
        }
        for (wamid, copies) in &stored {
            let m = &copies[0];
            let status = m["status"].as_str().map(|s| {
                s.parse::<DeliveryStatus>()
                    .map_err(|e| format!("{wamid}: {e}"))
            });
            let status = status.transpose()?;
            let origin = serde_json::from_value(m["origin"].clone())
                .map_err(|e| format!("{wamid}: origin {}: {e}", m["origin"]))?;
            self.check_message(&Some(wamid.clone()), status, origin)?;
            self.check_convergence(wamid, status, origin)?;
        }
        Ok(())
    }

    /// After faults stop and retries drain: no delivery is pending any more, and every message
    /// that went out on the wire is stored (the stored set equals the sent set).
    pub async fn check_drained(&mut self, app: &TestApp) -> Result<(), Violation> {
        self.update(app).await;
        let log = app.sandbox.deliveries_since(self.since).await;
        if let Some(d) = log.deliveries.iter().find(|d| d.is_pending()) {
            return Err(format!(
                "delivery {} ({:?}) is still pending after the drain ({} attempts)",
                d.id, d.fields, d.attempts
            ));
        }
        if let Some(missing) = self.on_the_wire.iter().find(|w| !self.acked.contains(*w)) {
            return Err(format!(
                "{missing} went out but was never acknowledged after the drain"
            ));
        }
        self.check_all(app).await
    }

    /// Statuses from Meta only: the stored status is at least what was acknowledged and at most
    /// what was ever sent.
    fn check_convergence(
        &self,
        wamid: &str,
        status: Option<DeliveryStatus>,
        origin: Origin,
    ) -> Result<(), Violation> {
        let low = self.acked_status.get(wamid).copied();
        // The hub moves its own sends to `accepted` (or `failed`) from Meta's answer, before any
        // webhook: for those only the lower bound holds.
        let high = match origin {
            Origin::Api => Some(DeliveryStatus::Played),
            _ => self.wire_status.get(wamid).copied(),
        };
        let ok = match (status, low, high) {
            (None, None, _) => true,
            (None, Some(_), _) => false,
            (Some(s), low, high) => low.is_none_or(|l| s >= l) && high.is_some_and(|h| s <= h),
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{wamid}'s status is {status:?}, but the statuses acknowledged join to {low:?} \
                 and those sent to {high:?}"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use coexist_core::message::Origin;
    use coexist_core::status::DeliveryStatus;

    use super::{Ledger, join};

    fn ledger_with(wamid: &str) -> Ledger {
        let mut ledger = Ledger::new();
        ledger.on_the_wire.insert(wamid.to_owned());
        ledger
    }

    #[test]
    fn a_status_that_moves_backwards_is_a_violation() {
        let mut ledger = ledger_with("w");
        let w = Some("w".to_owned());
        ledger
            .check_message(&w, Some(DeliveryStatus::Read), Origin::BusinessApp)
            .unwrap();
        ledger
            .check_message(&w, Some(DeliveryStatus::Read), Origin::BusinessApp)
            .unwrap();
        let e = ledger
            .check_message(&w, Some(DeliveryStatus::Delivered), Origin::BusinessApp)
            .unwrap_err();
        assert!(e.contains("backwards"), "{e}");
        let e = ledger
            .check_message(&w, None, Origin::BusinessApp)
            .unwrap_err();
        assert!(e.contains("lost its status"), "{e}");
    }

    #[test]
    fn a_stored_message_that_never_went_out_is_a_phantom() {
        let mut ledger = ledger_with("w");
        let e = ledger
            .check_message(&Some("other".to_owned()), None, Origin::Customer)
            .unwrap_err();
        assert!(e.contains("phantom"), "{e}");
    }

    #[test]
    fn statuses_must_lie_between_what_was_acknowledged_and_what_was_sent() {
        let mut ledger = ledger_with("w");
        join(&mut ledger.acked_status, "w", DeliveryStatus::Delivered);
        join(&mut ledger.wire_status, "w", DeliveryStatus::Delivered);
        join(&mut ledger.wire_status, "w", DeliveryStatus::Read);
        let check = |s| ledger.check_convergence("w", s, Origin::BusinessApp);
        assert!(check(Some(DeliveryStatus::Delivered)).is_ok());
        assert!(check(Some(DeliveryStatus::Read)).is_ok());
        assert!(
            check(Some(DeliveryStatus::Sent)).is_err(),
            "below the acknowledged"
        );
        assert!(
            check(Some(DeliveryStatus::Played)).is_err(),
            "above anything sent"
        );
        assert!(check(None).is_err(), "acknowledged statuses were lost");
        // The hub's own sends: only the lower bound (it sets `accepted` itself).
        let api = |s| ledger.check_convergence("w", s, Origin::Api);
        assert!(api(Some(DeliveryStatus::Played)).is_ok());
        assert!(api(Some(DeliveryStatus::Accepted)).is_err());
    }
}
