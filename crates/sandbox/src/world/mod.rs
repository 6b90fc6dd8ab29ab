//! The simulated world: all state, the timer queue, and the outbox. Every operation is a
//! synchronous method run under one lock at a known sandbox time, so a seed and a sequence of
//! calls determine every byte the sandbox emits.

pub(crate) mod inbound;
mod lifecycle;
pub(crate) mod phone_ops;
pub(crate) mod send;
mod setup;
mod statuses;
pub(crate) mod templates_ops;

use std::collections::BTreeMap;

use bytes::Bytes;
use rand_chacha::ChaCha20Rng;

use crate::auto::AutoState;
use crate::config::SandboxConfig;
use crate::ids::Ids;
use crate::scheduler::Scheduler;
use crate::state::customer::{Customer, Thread};
use crate::state::media::MediaStore;
use crate::state::messages::{MessageRecord, SentEntry};
use crate::state::phone::PhoneApp;
use crate::state::templates::Templates;
use crate::state::waba::{Number, Waba};
use crate::webhooks::Update;
use crate::webhooks::builder::{Meta, Who};
use crate::webhooks::outbox::{AttemptPlan, Outbox, PostResult};

pub(crate) use statuses::StatusStep;

/// Work scheduled in sandbox time.
#[derive(Debug)]
pub(crate) enum Task {
    /// Close a webhook batch into a delivery.
    Flush(u64),
    /// Attempt a delivery (first try or retry).
    Attempt(u64),
    /// Move an API-sent message to its next status.
    Status { wamid: String, step: StatusStep },
    /// Meta's review of a created template ends (approved).
    TemplateReview { template_id: String },
    /// Check whether a coexistence phone has been idle for too long.
    InactivityCheck { phone_number_id: String },
    /// Emit a prepared update (history chunks, follow-ups) at its time.
    Emit(Box<Update>),
    /// Generate the next piece of auto-mode traffic.
    Auto,
}

/// What the pump must do next.
#[derive(Debug)]
pub(crate) enum Step {
    /// Nothing is due.
    Idle,
    /// POST this body; report the result with [`World::finish_attempt`].
    Send {
        delivery_id: u64,
        body: Bytes,
        signature: String,
        /// Sandbox time of the attempt (its due time), which retries count from.
        at: u64,
    },
}

/// Everything the sandbox knows.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) cfg: SandboxConfig,
    /// Sandbox time of the operation being run (Unix ms).
    pub(crate) now: u64,
    pub(crate) ids: Ids,
    pub(crate) latency_rng: ChaCha20Rng,
    pub(crate) fault_rng: ChaCha20Rng,
    pub(crate) wabas: BTreeMap<String, Waba>,
    pub(crate) numbers: BTreeMap<String, Number>,
    pub(crate) customers: BTreeMap<String, Customer>,
    pub(crate) threads: BTreeMap<(String, String), Thread>,
    pub(crate) phones: BTreeMap<String, PhoneApp>,
    pub(crate) templates: Templates,
    pub(crate) media: MediaStore,
    pub(crate) messages: BTreeMap<String, MessageRecord>,
    pub(crate) sent_log: Vec<SentEntry>,
    pub(crate) tasks: Scheduler<Task>,
    pub(crate) outbox: Outbox,
    pub(crate) auto: Option<AutoState>,
    /// `http://ADDR` of the running server, for media URLs.
    pub(crate) public_base_url: String,
    /// Embedded Signup: windows, codes, business tokens, numbers available for signup.
    pub(crate) signup: crate::signup::Signups,
}

impl World {
    /// Moves the world's time to `now` (never backwards).
    pub(crate) fn at(&mut self, now: u64) -> &mut Self {
        self.now = self.now.max(now);
        self
    }

    /// Runs every task due at or before `now` until one needs an HTTP attempt.
    pub(crate) fn step(&mut self, now: u64) -> Step {
        while let Some((due, task)) = self.tasks.pop_due(now) {
            self.now = self.now.max(due);
            let Task::Attempt(id) = task else {
                self.run(task);
                continue;
            };
            let has_url = self.cfg.webhook_url.is_some();
            let plan = self.outbox.plan_attempt(
                id,
                self.now,
                has_url,
                &mut self.cfg.faults,
                &self.cfg.delivery,
                &mut self.tasks,
            );
            if let AttemptPlan::Send {
                delivery_id,
                body,
                signature,
            } = plan
            {
                return Step::Send {
                    delivery_id,
                    body,
                    signature,
                    at: self.now,
                };
            }
        }
        self.now = self.now.max(now);
        Step::Idle
    }

    /// Records the HTTP result of a delivery attempt made at sandbox time `at`.
    pub(crate) fn finish_attempt(&mut self, delivery_id: u64, result: PostResult, at: u64) {
        self.outbox.finish_attempt(
            delivery_id,
            at,
            result,
            &self.cfg.faults,
            &mut self.fault_rng,
            &self.cfg.delivery,
            &mut self.tasks,
        );
    }

    fn run(&mut self, task: Task) {
        match task {
            Task::Flush(id) => {
                let secret = self.cfg.app_secret.clone();
                let signer = move |body: &[u8]| meta::signature::sign(secret.as_bytes(), body);
                self.outbox.flush(
                    id,
                    self.now,
                    &signer,
                    &self.cfg.faults,
                    &mut self.fault_rng,
                    &mut self.tasks,
                );
            }
            Task::Attempt(_) => {}
            Task::Status { wamid, step } => self.advance_status(&wamid, step),
            Task::TemplateReview { template_id } => {
                let _ = self.review_template(&template_id, true, None);
            }
            Task::InactivityCheck { phone_number_id } => self.check_inactivity(&phone_number_id),
            Task::Emit(update) => self.emit(*update),
            Task::Auto => crate::auto::tick(self),
        }
    }

    /// Queues an update, due now (plus any configured delay).
    pub(crate) fn emit(&mut self, update: Update) {
        let due = self.now + self.cfg.faults.delay_ms;
        self.outbox
            .enqueue(update, due, &self.cfg.delivery, &mut self.tasks);
    }

    /// `value.metadata` of a number.
    pub(crate) fn meta_of(&self, phone_number_id: &str) -> Option<Meta<'_>> {
        self.numbers.get(phone_number_id).map(|n| Meta {
            display_phone_number: &n.display_phone_number,
            phone_number_id: &n.id,
        })
    }

    /// `value.contacts[]` of a customer.
    pub(crate) fn who(&self, wa_id: &str) -> Option<Who<'_>> {
        let bsuid = self.cfg.bsuid;
        self.customers.get(wa_id).map(|c| Who {
            wa_id: &c.wa_id,
            name: &c.name,
            user_ids: bsuid.then_some((c.user_id.as_str(), c.parent_user_id.as_str())),
        })
    }

    /// An update about a number, addressed to its WABA.
    pub(crate) fn phone_update(
        &self,
        phone_number_id: &str,
        change: crate::webhooks::Change,
    ) -> Update {
        let waba_id = self
            .numbers
            .get(phone_number_id)
            .map(|n| n.waba_id.clone())
            .unwrap_or_default();
        Update {
            entry_id: waba_id,
            phone_number_id: Some(phone_number_id.to_owned()),
            entry_time_s: None,
            change,
            batchable: true,
        }
    }

    /// The customer, created on first use with a seeded name and BSUIDs.
    pub(crate) fn customer_or_create(&mut self, wa_id: &str, name: Option<&str>) -> &mut Customer {
        if !self.customers.contains_key(wa_id) {
            let (user_id, parent_user_id) = self.ids.bsuid_pair(wa_id);
            let name = name
                .map(str::to_owned)
                .unwrap_or_else(|| format!("Customer {}", tail(wa_id)));
            self.customers.insert(
                wa_id.to_owned(),
                Customer {
                    wa_id: wa_id.to_owned(),
                    name,
                    user_id,
                    parent_user_id,
                    marketing_stopped: false,
                },
            );
        }
        let customer = self.customers.get_mut(wa_id).expect("inserted above");
        if let Some(name) = name {
            customer.name = name.to_owned();
        }
        customer
    }

    /// The conversation state of a customer with a number.
    pub(crate) fn thread(&mut self, phone_number_id: &str, wa_id: &str) -> &mut Thread {
        self.threads
            .entry((phone_number_id.to_owned(), wa_id.to_owned()))
            .or_default()
    }

    /// Unix seconds of the current time.
    pub(crate) fn now_s(&self) -> i64 {
        (self.now / 1_000) as i64
    }
}

/// The last four digits of a number, for default names.
fn tail(wa_id: &str) -> &str {
    &wa_id[wa_id.len().saturating_sub(4)..]
}

/// Digits of a phone number as Meta normalizes `to` (drops `+`, spaces, dashes, parentheses).
pub(crate) fn normalize_phone(input: &str) -> Option<String> {
    let digits: String = input
        .chars()
        .filter(|c| !matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let ok = (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::normalize_phone;

    #[test]
    fn phone_numbers_are_normalized_to_digits() {
        assert_eq!(
            normalize_phone("+1 (650) 555-1234").as_deref(),
            Some("16505551234")
        );
        assert_eq!(
            normalize_phone("16505551234").as_deref(),
            Some("16505551234")
        );
        assert_eq!(normalize_phone("abc"), None);
        assert_eq!(normalize_phone("+12"), None);
    }
}
