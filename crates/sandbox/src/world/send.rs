//! `POST /{phone_number_id}/messages`: the checks Meta makes synchronously (number, recipient,
//! template, throughput, pair rate, window when configured), then acceptance with a wamid, a
//! pricing decision, and the statuses that will follow.

use serde_json::{Value, json};

use crate::error::GraphFailure;
use crate::ids::Direction;
use crate::state::messages::{MessageRecord, Origin, Pricing, SentEntry};
use crate::state::phone::ChatMessage;
use crate::world::{StatusStep, World, normalize_phone};

/// A template reference from a send request.
#[derive(Debug, Clone)]
pub(crate) struct TemplateRef {
    pub(crate) name: String,
    pub(crate) language: String,
    pub(crate) header_params: usize,
    pub(crate) body_params: usize,
}

/// What the Graph layer extracted from a (validated) send request.
#[derive(Debug, Clone)]
pub(crate) struct SendInput {
    /// `to` exactly as sent.
    pub(crate) to: String,
    /// Message `type`.
    pub(crate) kind: String,
    pub(crate) template: Option<TemplateRef>,
    /// `reaction.message_id` for reactions.
    pub(crate) reaction_to: Option<String>,
    pub(crate) biz_opaque_callback_data: Option<String>,
    /// The content object in webhook form (`{"type": …, "<type>": {…}}`), kept for the phone.
    pub(crate) content: Value,
    /// The whole request body, for `GET /_sandbox/sent`.
    pub(crate) request: Value,
}

/// A successful send.
#[derive(Debug, Clone)]
pub(crate) struct Accepted {
    pub(crate) wamid: String,
    pub(crate) input: String,
    pub(crate) wa_id: String,
}

/// What happens to an accepted message.
enum Fate {
    Deliver,
    Fail(i64, String),
}

impl World {
    /// Handles one send request for `phone_number_id` at the current time.
    pub(crate) fn send(
        &mut self,
        phone_number_id: &str,
        input: SendInput,
    ) -> Result<Accepted, GraphFailure> {
        self.check_number_can_send(phone_number_id)?;
        let result = self.try_send(phone_number_id, &input);
        let (wamid, outcome) = match &result {
            Ok(accepted) => (Some(accepted.wamid.clone()), json!({"accepted": true})),
            Err(failure) => (None, failure_json(failure)),
        };
        self.sent_log.push(SentEntry {
            wamid,
            phone_number_id: phone_number_id.to_owned(),
            to: Some(input.to.clone()),
            request: input.request.clone(),
            at: self.now,
            result: outcome,
        });
        result
    }

    /// Refuses sends from unknown numbers and from numbers cut off from the API.
    pub(crate) fn check_number_can_send(&self, phone_number_id: &str) -> Result<(), GraphFailure> {
        let number = self
            .numbers
            .get(phone_number_id)
            .ok_or_else(|| GraphFailure::unknown_object(phone_number_id))?;
        if !number.is_connected() {
            // UNCONFIRMED (META.md §14 item 16): Meta does not document what a send after
            // PARTNER_REMOVED/offboarding returns; 133010 "Account not registered" is the
            // closest documented meaning ("re-onboard").
            return Err(GraphFailure::new(
                133010,
                "The phone number is not connected to Cloud API (disconnected or offboarded); onboard it again.",
            ));
        }
        Ok(())
    }

    fn try_send(&mut self, pnid: &str, input: &SendInput) -> Result<Accepted, GraphFailure> {
        let wa_id = normalize_phone(&input.to).ok_or_else(|| {
            GraphFailure::invalid_parameter(format!(
                "Invalid parameter: `to` ({:?}) is not a phone number",
                input.to
            ))
        })?;
        if self.numbers[pnid].display_phone_number == wa_id {
            return Err(GraphFailure::new(131021, "Recipient cannot be sender."));
        }
        let template_category = self.check_template(pnid, input)?;
        let now = self.now;
        let window_open = self.thread(pnid, &wa_id).service_window_open(now);
        if input.template.is_none() && !window_open && self.cfg.window_error_sync {
            return Err(re_engagement());
        }
        self.check_rates(pnid, &wa_id)?;
        Ok(self.accept(pnid, &wa_id, input, template_category, window_open))
    }

    fn check_template(
        &self,
        pnid: &str,
        input: &SendInput,
    ) -> Result<Option<String>, GraphFailure> {
        let Some(t) = &input.template else {
            return Ok(None);
        };
        let waba_id = &self.numbers[pnid].waba_id;
        let found = self
            .templates
            .find(waba_id, &t.name, &t.language)
            .filter(|tpl| tpl.status == "APPROVED");
        let Some(template) = found else {
            let why = if self.templates.name_exists(waba_id, &t.name) {
                format!(
                    "template name ({}) does not exist in {} or is not approved",
                    t.name, t.language
                )
            } else {
                format!(
                    "template name ({}) does not exist in {}",
                    t.name, t.language
                )
            };
            return Err(GraphFailure::new(132001, why));
        };
        let expected = template.expected_params();
        if expected.body != t.body_params || expected.header != t.header_params {
            return Err(GraphFailure::new(
                132000,
                format!(
                    "body: number of localizable_params ({}) does not match the expected number of params ({}); header: ({}) vs ({})",
                    t.body_params, expected.body, t.header_params, expected.header
                ),
            ));
        }
        Ok(Some(template.category_lower()))
    }

    fn check_rates(&mut self, pnid: &str, wa_id: &str) -> Result<(), GraphFailure> {
        let now = self.now;
        let number = self.numbers.get_mut(pnid).expect("checked");
        let (limit, pair_rate) = (number.throughput_mps, number.pair_rate);
        if !number.throughput.try_acquire(now, limit) {
            return Err(GraphFailure::new(
                130429,
                "Cloud API message throughput has been reached.",
            ));
        }
        if !self.thread(pnid, wa_id).pair.try_acquire(now, pair_rate) {
            return Err(GraphFailure::new(
                131056,
                "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
            ));
        }
        Ok(())
    }

    fn accept(
        &mut self,
        pnid: &str,
        wa_id: &str,
        input: &SendInput,
        template_category: Option<String>,
        window_open: bool,
    ) -> Accepted {
        self.customer_or_create(wa_id, None);
        let wamid = self.ids.wamid(wa_id, Direction::Outbound);
        let fate = self.fate(wa_id, input, template_category.as_deref(), window_open);
        let pricing = self.price(pnid, wa_id, template_category.as_deref());
        self.messages.insert(
            wamid.clone(),
            MessageRecord {
                wamid: wamid.clone(),
                phone_number_id: pnid.to_owned(),
                wa_id: wa_id.to_owned(),
                origin: Origin::Api,
                kind: input.kind.clone(),
                at: self.now,
                status: "accepted".to_owned(),
                biz_opaque_callback_data: input.biz_opaque_callback_data.clone(),
                pricing: Some(pricing),
                pricing_on_delivery_sent: false,
                revoked: false,
            },
        );
        self.record_on_phone(pnid, wa_id, &wamid, &input.content);
        match fate {
            Fate::Fail(code, details) => self.schedule_failure(&wamid, code, details),
            Fate::Deliver => self.schedule_progress(&wamid, input.kind == "reaction"),
        }
        Accepted {
            wamid,
            input: input.to.clone(),
            wa_id: wa_id.to_owned(),
        }
    }

    /// Decides, at accept time, whether the message will fail asynchronously.
    fn fate(
        &mut self,
        wa_id: &str,
        input: &SendInput,
        category: Option<&str>,
        window_open: bool,
    ) -> Fate {
        if input.template.is_none() && !window_open {
            let e = re_engagement();
            return Fate::Fail(e.code, e.details);
        }
        if category == Some("marketing") && self.customers[wa_id].marketing_stopped {
            return Fate::Fail(
                131050,
                "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.".to_owned(),
            );
        }
        if let Some(target) = &input.reaction_to {
            let known = self.messages.get(target).is_some_and(|m| !m.revoked);
            if !known {
                return Fate::Fail(
                    131009,
                    format!("Reaction target {target} is unknown, deleted, or too old."),
                );
            }
        }
        let p = self.cfg.status_timings.failure_probability.clamp(0.0, 1.0);
        if rand::Rng::random_bool(&mut self.latency_rng, p) {
            return Fate::Fail(131026, "Message Undeliverable.".to_owned());
        }
        Fate::Deliver
    }

    /// Per-message pricing (PMP) fixed at accept time, opening a FEP window when a reply to a
    /// click-to-WhatsApp entry comes within 24 h.
    fn price(&mut self, pnid: &str, wa_id: &str, template_category: Option<&str>) -> Pricing {
        let now = self.now;
        let per_message_id = self.ids.hex_lower(32);
        let fep_id = self.ids.hex_lower(32);
        let thread = self.thread(pnid, wa_id);
        if thread.open_fep(now).is_none() && thread.reply_opens_fep(now) {
            thread.fep_entry_used = thread.referral_entry_at;
            thread.fep = Some(crate::state::customer::FepWindow {
                opened_at: now,
                until: now + crate::state::customer::FEP_WINDOW_MS,
                conversation_id: fep_id,
            });
        }
        if let Some(fep) = thread.open_fep(now) {
            return Pricing {
                billable: false,
                pricing_type: "free_entry_point".to_owned(),
                category: "referral_conversion".to_owned(),
                conversation_id: fep.conversation_id.clone(),
                conversation_expires_s: (fep.until / 1_000) as i64,
                in_fep: true,
            };
        }
        let window_open = thread.service_window_open(now);
        let (billable, pricing_type, category) = match template_category {
            None => (false, "free_customer_service", "service".to_owned()),
            Some("utility") if window_open => {
                (false, "free_customer_service", "utility".to_owned())
            }
            Some(category) => (true, "regular", category.to_owned()),
        };
        Pricing {
            billable,
            pricing_type: pricing_type.to_owned(),
            category,
            conversation_id: per_message_id,
            conversation_expires_s: ((now + crate::state::customer::SERVICE_WINDOW_MS) / 1_000)
                as i64,
            in_fep: false,
        }
    }

    /// API-sent messages show up in the WhatsApp Business App too (coexistence).
    fn record_on_phone(&mut self, pnid: &str, wa_id: &str, wamid: &str, content: &Value) {
        let now = self.now;
        if let Some(phone) = self.phones.get_mut(pnid) {
            phone.record(
                wa_id,
                ChatMessage {
                    wamid: wamid.to_owned(),
                    from_business: true,
                    at: now,
                    content: content.clone(),
                    status: "PENDING".to_owned(),
                    revoked: false,
                },
            );
        }
    }

    fn schedule_failure(&mut self, wamid: &str, code: i64, details: String) {
        let due = self.now + self.cfg.status_timings.sent_ms;
        self.tasks.push(
            due,
            crate::world::Task::Status {
                wamid: wamid.to_owned(),
                step: StatusStep::Failed { code, details },
            },
        );
    }
}

/// 131047: more than 24 hours since the customer last wrote.
fn re_engagement() -> GraphFailure {
    GraphFailure::new(
        131047,
        "More than 24 hours have passed since the recipient last replied to the sender number.",
    )
}

fn failure_json(f: &GraphFailure) -> Value {
    json!({"error": {"code": f.code, "details": f.details}})
}
