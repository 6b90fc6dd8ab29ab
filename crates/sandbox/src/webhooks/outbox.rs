//! The webhook outbox: updates become batches in sandbox time, batches become signed
//! deliveries, deliveries are attempted until one is answered 200 or the retry cap is reached.
//!
//! Everything here is synchronous and deterministic; the HTTP POST itself happens in the pump
//! (`server.rs`) between [`Outbox::plan_attempt`] and [`Outbox::finish_attempt`].

use std::collections::BTreeMap;

use bytes::Bytes;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

use crate::config::{DeliveryConfig, Faults};
use crate::scheduler::Scheduler;
use crate::webhooks::Update;
use crate::webhooks::builder;
use crate::world::Task;

type BatchKey = (String, Option<String>, bool);

#[derive(Debug)]
struct Batch {
    key: BatchKey,
    updates: Vec<Update>,
    /// When the batch closes: an update joins only if it falls due within the window.
    flush_ms: u64,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DeliveryState {
    Pending,
    Delivered,
    Abandoned,
}

/// One signed POST body and its attempts.
#[derive(Debug)]
pub(crate) struct Delivery {
    pub(crate) id: u64,
    pub(crate) body: Bytes,
    pub(crate) signature: String,
    pub(crate) fields: Vec<String>,
    pub(crate) created_ms: u64,
    pub(crate) attempts: u32,
    pub(crate) duplicate_of: Option<u64>,
    pub(crate) state: DeliveryState,
}

/// How one attempt ended, as the deliveries log shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// The receiver answered 200.
    Ok,
    /// Delivered and answered 200, but the `drop_first_attempt` fault made it count as failed.
    DroppedByFault,
    /// The receiver answered something other than 200.
    HttpStatus,
    /// No answer within the timeout.
    Timeout,
    /// Connection refused, DNS, TLS...
    Error,
    /// The `lose_next` fault swallowed it: never sent.
    Lost,
    /// No webhook URL is configured.
    NoWebhookUrl,
}

/// One line of the deliveries log.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AttemptRecord {
    pub(crate) delivery_id: u64,
    pub(crate) attempt: u32,
    pub(crate) at: u64,
    pub(crate) outcome: Outcome,
    pub(crate) status_code: Option<u16>,
    pub(crate) error: Option<String>,
    pub(crate) next_attempt_at: Option<u64>,
    pub(crate) duplicate_of: Option<u64>,
    pub(crate) fields: Vec<String>,
}

/// What the pump must do for an attempt.
#[derive(Debug)]
pub(crate) enum AttemptPlan {
    Send {
        delivery_id: u64,
        body: Bytes,
        signature: String,
    },
    /// Nothing to send (lost in transit or no URL); already recorded.
    Skip,
}

/// The result of the HTTP POST, as the pump saw it.
#[derive(Debug)]
pub(crate) enum PostResult {
    Status(u16),
    Timeout,
    Error(String),
}

/// Batches, deliveries and the log of every attempt.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    open: BTreeMap<BatchKey, u64>,
    batches: BTreeMap<u64, Batch>,
    pub(crate) deliveries: BTreeMap<u64, Delivery>,
    pub(crate) log: Vec<AttemptRecord>,
    next_id: u64,
}

impl Outbox {
    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Queues `update`, due at `due_ms`, joining the open batch of its key when it can.
    pub(crate) fn enqueue(
        &mut self,
        update: Update,
        due_ms: u64,
        cfg: &DeliveryConfig,
        tasks: &mut Scheduler<Task>,
    ) {
        let key = update.batch_key();
        let open = self.open.get(&key).and_then(|id| self.batches.get_mut(id));
        let window = cfg.batch_window_ms;
        if update.batchable
            && let Some(batch) = open
            && batch.updates.len() < cfg.max_batch.max(1)
            && due_ms <= batch.flush_ms
            && due_ms + window >= batch.flush_ms
        {
            batch.updates.push(update);
            return;
        }
        let id = self.next_id();
        let batchable = update.batchable;
        let flush_ms = due_ms + cfg.batch_window_ms;
        self.batches.insert(
            id,
            Batch {
                key: key.clone(),
                updates: vec![update],
                flush_ms,
            },
        );
        if batchable {
            self.open.insert(key, id);
        }
        tasks.push(flush_ms, Task::Flush(id));
    }

    /// Closes batch `id` into a signed delivery and schedules its first attempt now.
    pub(crate) fn flush(
        &mut self,
        id: u64,
        now_ms: u64,
        signer: &dyn Fn(&[u8]) -> String,
        faults: &Faults,
        rng: &mut ChaCha20Rng,
        tasks: &mut Scheduler<Task>,
    ) {
        let Some(mut batch) = self.batches.remove(&id) else {
            return;
        };
        if self.open.get(&batch.key) == Some(&id) {
            self.open.remove(&batch.key);
        }
        if batch.updates.len() > 1 && rng.random_bool(faults.reorder_probability.clamp(0.0, 1.0)) {
            batch.updates.shuffle(rng);
        }
        let fields = batch
            .updates
            .iter()
            .map(|u| u.change.field_name())
            .collect();
        let body = Bytes::from(builder::envelope_bytes(&batch.updates));
        let signature = signer(&body);
        let delivery_id = self.next_id();
        self.deliveries.insert(
            delivery_id,
            Delivery {
                id: delivery_id,
                body,
                signature,
                fields,
                created_ms: now_ms,
                attempts: 0,
                duplicate_of: None,
                state: DeliveryState::Pending,
            },
        );
        tasks.push(now_ms, Task::Attempt(delivery_id));
    }

    /// Decides what attempt `id` does now: send, or skip because a fault or a missing URL
    /// swallows it (recorded and retried like a timeout).
    pub(crate) fn plan_attempt(
        &mut self,
        id: u64,
        now_ms: u64,
        has_url: bool,
        faults: &mut Faults,
        cfg: &DeliveryConfig,
        tasks: &mut Scheduler<Task>,
    ) -> AttemptPlan {
        let Some(delivery) = self.deliveries.get_mut(&id) else {
            return AttemptPlan::Skip;
        };
        if delivery.state != DeliveryState::Pending {
            return AttemptPlan::Skip;
        }
        delivery.attempts += 1;
        let outcome = if !has_url {
            Outcome::NoWebhookUrl
        } else if faults.lose_next > 0 {
            faults.lose_next -= 1;
            Outcome::Lost
        } else {
            return AttemptPlan::Send {
                delivery_id: id,
                body: delivery.body.clone(),
                signature: delivery.signature.clone(),
            };
        };
        self.record_failure(id, now_ms, outcome, None, None, cfg, tasks);
        AttemptPlan::Skip
    }

    /// Records the result of a POST: 200 settles the delivery (maybe duplicating it, maybe
    /// pretending it failed), anything else schedules a retry.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn finish_attempt(
        &mut self,
        id: u64,
        now_ms: u64,
        result: PostResult,
        faults: &Faults,
        rng: &mut ChaCha20Rng,
        cfg: &DeliveryConfig,
        tasks: &mut Scheduler<Task>,
    ) {
        let (outcome, status, error) = match result {
            PostResult::Status(200) => (Outcome::Ok, Some(200), None),
            PostResult::Status(code) => (Outcome::HttpStatus, Some(code), None),
            PostResult::Timeout => (Outcome::Timeout, None, None),
            PostResult::Error(e) => (Outcome::Error, None, Some(e)),
        };
        if outcome != Outcome::Ok {
            return self.record_failure(id, now_ms, outcome, status, error, cfg, tasks);
        }
        let Some(delivery) = self.deliveries.get(&id) else {
            return;
        };
        let first_attempt = delivery.attempts == 1 && delivery.duplicate_of.is_none();
        let drop_p = faults.drop_first_attempt_probability.clamp(0.0, 1.0);
        if first_attempt && rng.random_bool(drop_p) {
            return self.record_failure(
                id,
                now_ms,
                Outcome::DroppedByFault,
                status,
                None,
                cfg,
                tasks,
            );
        }
        self.settle(id, now_ms, status);
        let dup_p = faults.duplicate_probability.clamp(0.0, 1.0);
        if delivery_is_original(self, id) && rng.random_bool(dup_p) {
            self.duplicate(id, now_ms, tasks);
        }
    }

    fn settle(&mut self, id: u64, now_ms: u64, status: Option<u16>) {
        let Some(delivery) = self.deliveries.get_mut(&id) else {
            return;
        };
        delivery.state = DeliveryState::Delivered;
        let record = AttemptRecord {
            delivery_id: id,
            attempt: delivery.attempts,
            at: now_ms,
            outcome: Outcome::Ok,
            status_code: status,
            error: None,
            next_attempt_at: None,
            duplicate_of: delivery.duplicate_of,
            fields: delivery.fields.clone(),
        };
        self.log.push(record);
    }

    fn duplicate(&mut self, id: u64, now_ms: u64, tasks: &mut Scheduler<Task>) {
        let Some(original) = self.deliveries.get(&id) else {
            return;
        };
        let copy = Delivery {
            id: 0,
            body: original.body.clone(),
            signature: original.signature.clone(),
            fields: original.fields.clone(),
            created_ms: now_ms,
            attempts: 0,
            duplicate_of: Some(id),
            state: DeliveryState::Pending,
        };
        let copy_id = self.next_id();
        self.deliveries.insert(
            copy_id,
            Delivery {
                id: copy_id,
                ..copy
            },
        );
        tasks.push(now_ms, Task::Attempt(copy_id));
    }

    #[allow(clippy::too_many_arguments)]
    fn record_failure(
        &mut self,
        id: u64,
        now_ms: u64,
        outcome: Outcome,
        status: Option<u16>,
        error: Option<String>,
        cfg: &DeliveryConfig,
        tasks: &mut Scheduler<Task>,
    ) {
        let Some(delivery) = self.deliveries.get_mut(&id) else {
            return;
        };
        let next = next_attempt_at(delivery, now_ms, cfg);
        match next {
            Some(at) => tasks.push(at, Task::Attempt(id)),
            None => delivery.state = DeliveryState::Abandoned,
        }
        let record = AttemptRecord {
            delivery_id: id,
            attempt: delivery.attempts,
            at: now_ms,
            outcome,
            status_code: status,
            error,
            next_attempt_at: next,
            duplicate_of: delivery.duplicate_of,
            fields: delivery.fields.clone(),
        };
        self.log.push(record);
    }

    /// Deliveries not yet settled.
    pub(crate) fn pending(&self) -> impl Iterator<Item = &Delivery> {
        self.deliveries
            .values()
            .filter(|d| d.state == DeliveryState::Pending)
    }

    /// Updates still waiting in batches (not yet signed).
    pub(crate) fn queued_updates(&self) -> usize {
        self.batches.values().map(|b| b.updates.len()).sum()
    }
}

fn delivery_is_original(outbox: &Outbox, id: u64) -> bool {
    outbox
        .deliveries
        .get(&id)
        .is_some_and(|d| d.duplicate_of.is_none())
}

/// The retry time after attempt number `delivery.attempts` failed, or `None` past the cap.
fn next_attempt_at(delivery: &Delivery, now_ms: u64, cfg: &DeliveryConfig) -> Option<u64> {
    let index = (delivery.attempts as usize).saturating_sub(1);
    let delay = cfg
        .retry_schedule_ms
        .get(index)
        .or(cfg.retry_schedule_ms.last())
        .copied()?;
    let at = now_ms + delay;
    (at <= delivery.created_ms + cfg.retry_cap_ms).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::{Delivery, DeliveryState, next_attempt_at};
    use crate::config::DeliveryConfig;
    use bytes::Bytes;

    fn delivery(attempts: u32) -> Delivery {
        Delivery {
            id: 1,
            body: Bytes::new(),
            signature: String::new(),
            fields: vec![],
            created_ms: 0,
            attempts,
            duplicate_of: None,
            state: DeliveryState::Pending,
        }
    }

    #[test]
    fn retries_follow_the_schedule_then_repeat_the_last_step_until_the_cap() {
        let cfg = DeliveryConfig {
            retry_schedule_ms: vec![0, 60_000, 300_000],
            retry_cap_ms: 1_000_000,
            ..DeliveryConfig::default()
        };
        assert_eq!(next_attempt_at(&delivery(1), 0, &cfg), Some(0));
        assert_eq!(next_attempt_at(&delivery(2), 0, &cfg), Some(60_000));
        assert_eq!(next_attempt_at(&delivery(3), 60_000, &cfg), Some(360_000));
        assert_eq!(next_attempt_at(&delivery(4), 660_000, &cfg), Some(960_000));
        assert_eq!(next_attempt_at(&delivery(5), 960_000, &cfg), None);
    }
}
