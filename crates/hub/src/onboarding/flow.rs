//! One onboarding, step by step (the state machine is `coexist_core::onboarding::FlowStep`):
//!
//! 1. [`Onboarding::start`]: the preflight must pass; the onboarding is recorded as `started`
//!    and the page opens the signup window.
//! 2. [`Onboarding::finish`]: the page posts Meta's finish message and the code. The hub
//!    exchanges the code for the business's token (sealed at once), subscribes the app to the
//!    business account, finds and checks the number, registers it (Cloud API only) and
//!    configures it, recording every step and Meta's answer in the audit trail.
//! 3. A step that fails leaves the onboarding at its last completed step with the reason;
//!    [`Onboarding::resume`] tries the remaining steps again (safe: subscribing, registering and
//!    configuring are idempotent at Meta and here). The code exchange is the exception: Meta's
//!    code works once, so a failure there means starting again.

use coexist_core::ids::{OnboardingId, OrgId};
use coexist_core::number::NumberMode;
use coexist_core::onboarding::{
    FlowStep, PreflightAnswers, PreflightReport, SignupEvent, SignupFinish, meta_advice,
    phone_digits,
};
use coexist_core::store::{
    AuditActor, NewAudit, NewOnboarding, NumberSetup, OnboardingAdvance, OnboardingRecord,
    StoreError,
};
use meta::graph::phone_numbers::PhoneNumber;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Onboarding;
use crate::graph::{GraphClient, GraphError};

/// What the admin asks for on the "Connect a number" page.
#[derive(Debug, Clone, Deserialize)]
pub struct StartRequest {
    /// Coexistence or Cloud API only.
    pub mode: NumberMode,
    /// The number, with its country code.
    pub phone: String,
    /// The checklist answers.
    #[serde(flatten)]
    pub answers: PreflightAnswers,
}

/// What the page posts when the signup window finishes (or is cancelled).
#[derive(Debug, Clone, Deserialize)]
pub struct FinishRequest {
    /// The `WA_EMBEDDED_SIGNUP` message, as Meta posted it.
    pub event: Value,
    /// The code from `FB.login`'s callback.
    #[serde(default)]
    pub code: Option<String>,
    /// Cloud API only: the two-step verification PIN to register with (never stored).
    #[serde(default)]
    pub pin: Option<String>,
}

/// Why an onboarding request was refused.
#[derive(Debug, thiserror::Error)]
pub enum OnboardingError {
    /// The preflight did not pass.
    #[error("the number is not eligible")]
    NotEligible(Box<PreflightReport>),
    /// There is no signup window to open.
    #[error("{0}")]
    Unavailable(String),
    /// The request does not fit (bad message, missing code, wrong step).
    #[error("{0}")]
    Invalid(String),
    /// Another request changed the onboarding first.
    #[error("{0}")]
    Conflict(String),
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

/// A step that failed: the message for the admin, and Meta's answer for the audit trail.
struct StepFailure {
    message: String,
    meta: Option<Value>,
}

impl StepFailure {
    fn from_graph(what: &str, e: &GraphError, then: &str) -> StepFailure {
        let (advice, meta) = match e {
            GraphError::Meta { http_status, error } => {
                let a = meta_advice(error.code);
                let said = error
                    .details
                    .as_deref()
                    .or(error.title.as_deref())
                    .unwrap_or("");
                (
                    format!(
                        "Meta answered {} ({}): {said}. {} {}",
                        error.code, a.title, a.meaning, a.action
                    ),
                    Some(
                        json!({"http_status": http_status, "code": error.code, "title": error.title, "details": error.details}),
                    ),
                )
            }
            other => (other.to_string(), Some(json!({"error": other.to_string()}))),
        };
        StepFailure {
            message: format!("{what} failed. {advice} {then}").trim().to_owned(),
            meta,
        }
    }

    fn plain(message: impl Into<String>) -> StepFailure {
        StepFailure {
            message: message.into(),
            meta: None,
        }
    }
}

fn audit(by: AuditActor, action: &str, detail: Value, meta: Option<Value>) -> NewAudit {
    NewAudit {
        meta,
        ..NewAudit::new(by, action, detail)
    }
}

/// Whether Meta's display number (`+1 555-010-9001`) is `digits`.
pub(super) fn same_number(display: &str, digits: &str) -> bool {
    phone_digits(display).is_some_and(|d| d == digits)
}

impl Onboarding {
    /// Runs the preflight and, when it passes, records a new onboarding at `started`.
    pub async fn start(
        &self,
        org: OrgId,
        by: AuditActor,
        req: StartRequest,
    ) -> Result<(OnboardingRecord, PreflightReport), OnboardingError> {
        let now = self.clock.now();
        let report = self
            .preflight(org, req.mode, &req.phone, &req.answers)
            .await;
        let detail = serde_json::to_value(&report).unwrap_or(Value::Null);
        if !report.eligible {
            let entry = audit(by, "preflight.refused", detail, None);
            self.store.append_audit(org, entry, now).await?;
            return Err(OnboardingError::NotEligible(Box::new(report)));
        }
        if let super::SignupMode::Unavailable { why } = &self.signup {
            return Err(OnboardingError::Unavailable(why.clone()));
        }
        let new = NewOnboarding {
            mode: req.mode,
            phone: report.phone.clone(),
            preflight: detail,
            by,
        };
        let record = self.store.start_onboarding(org, new, now).await?;
        Ok((record, report))
    }

    /// Takes the signup window's message and code, then runs the remaining steps.
    pub async fn finish(
        &self,
        org: OrgId,
        id: OnboardingId,
        by: AuditActor,
        req: FinishRequest,
    ) -> Result<OnboardingRecord, OnboardingError> {
        let record = self.store.get_onboarding(org, id).await?;
        if record.step != FlowStep::Started {
            return Err(OnboardingError::Conflict(format!(
                "this onboarding already received Meta's answer (it is at step {})",
                record.step
            )));
        }
        let event = SignupEvent::parse(&req.event).map_err(|e| OnboardingError::Invalid(e.0))?;
        let finish = match event {
            SignupEvent::Cancelled {
                current_step,
                error_message,
                error_id,
            } => {
                let detail = json!({"current_step": current_step, "error_message": error_message, "error_id": error_id});
                let entry = audit(
                    by,
                    "onboarding.cancelled_in_signup",
                    detail,
                    Some(req.event.clone()),
                );
                let step = OnboardingAdvance::to(FlowStep::Started, FlowStep::Cancelled, entry);
                let cancelled = self.advance(org, id, step).await?;
                let why = error_message.map_or_else(
                    || "The signup window was closed before it finished.".to_owned(),
                    |m| format!("Meta's signup window reported: {m}"),
                );
                return self
                    .fail(org, &cancelled, by, StepFailure::plain(why))
                    .await;
            }
            SignupEvent::Finished(f) => f,
        };
        if let Err(e) = finish.check_mode(record.mode) {
            return self.fail(org, &record, by, StepFailure::plain(e.0)).await;
        }
        let code = req
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                OnboardingError::Invalid("the code from Meta's signup window is missing".to_owned())
            })?
            .to_owned();
        let record = self
            .code_received(org, &record, by, &finish, &req.event)
            .await?;
        self.run_steps(org, record, by, Some(&code), req.pin.as_deref())
            .await
    }

    /// Tries the remaining steps again after a failure.
    pub async fn resume(
        &self,
        org: OrgId,
        id: OnboardingId,
        by: AuditActor,
        pin: Option<&str>,
    ) -> Result<OnboardingRecord, OnboardingError> {
        let record = self.store.get_onboarding(org, id).await?;
        if !record.step.can_resume() {
            return Err(OnboardingError::Conflict(match record.step {
                FlowStep::CodeReceived => "Meta's code works only once, so this onboarding cannot continue: cancel it and start again.".to_owned(),
                step => format!("an onboarding at step {step} has nothing to resume"),
            }));
        }
        self.run_steps(org, record, by, None, pin).await
    }

    /// Abandons an onboarding that has not finished.
    pub async fn cancel(
        &self,
        org: OrgId,
        id: OnboardingId,
        by: AuditActor,
    ) -> Result<OnboardingRecord, OnboardingError> {
        let record = self.store.get_onboarding(org, id).await?;
        let entry = audit(
            by,
            "onboarding.cancelled",
            json!({"at_step": record.step}),
            None,
        );
        let step = OnboardingAdvance::to(record.step, FlowStep::Cancelled, entry);
        self.advance(org, id, step).await
    }

    async fn advance(
        &self,
        org: OrgId,
        id: OnboardingId,
        step: OnboardingAdvance,
    ) -> Result<OnboardingRecord, OnboardingError> {
        let now = self.clock.now();
        match self.store.advance_onboarding(org, id, step, now).await {
            Ok(r) => Ok(r),
            Err(StoreError::Conflict(m)) => Err(OnboardingError::Conflict(m)),
            Err(StoreError::Invalid(m)) => Err(OnboardingError::Invalid(m)),
            Err(e) => Err(OnboardingError::Store(e)),
        }
    }

    /// Records a failed step on the onboarding (which stays where it was) and returns it.
    async fn fail(
        &self,
        org: OrgId,
        record: &OnboardingRecord,
        by: AuditActor,
        failure: StepFailure,
    ) -> Result<OnboardingRecord, OnboardingError> {
        let entry = audit(
            by,
            "onboarding.step_failed",
            json!({"at_step": record.step, "error": failure.message}),
            failure.meta,
        );
        let now = self.clock.now();
        Ok(self
            .store
            .fail_onboarding(org, record.id, failure.message, entry, now)
            .await?)
    }

    async fn code_received(
        &self,
        org: OrgId,
        record: &OnboardingRecord,
        by: AuditActor,
        finish: &SignupFinish,
        event: &Value,
    ) -> Result<OnboardingRecord, OnboardingError> {
        let now = self.clock.now();
        let detail = json!({"event": finish.event, "waba_id": finish.waba_id,
                            "phone_number_id": finish.phone_number_id, "business_id": finish.business_id});
        let step = OnboardingAdvance {
            waba_id: Some(finish.waba_id.clone()),
            phone_number_id: finish.phone_number_id.clone(),
            business_id: finish.business_id.clone(),
            onboarded_at: Some(now),
            ..OnboardingAdvance::to(
                FlowStep::Started,
                FlowStep::CodeReceived,
                audit(
                    by,
                    "onboarding.signup_finished",
                    detail,
                    Some(event.clone()),
                ),
            )
        };
        self.advance(org, record.id, step).await
    }

    /// Runs steps until the onboarding is done or one fails (then recorded on it).
    async fn run_steps(
        &self,
        org: OrgId,
        mut record: OnboardingRecord,
        by: AuditActor,
        code: Option<&str>,
        pin: Option<&str>,
    ) -> Result<OnboardingRecord, OnboardingError> {
        while !record.step.is_terminal() {
            let outcome = match record.step {
                FlowStep::CodeReceived => match code {
                    Some(code) => self.exchange(org, &record, by, code).await,
                    None => return Ok(record),
                },
                FlowStep::TokenStored => self.subscribe(org, &record, by).await,
                FlowStep::Subscribed => self.after_subscribe(org, &record, by, pin).await,
                FlowStep::Registered => self.configure(org, &record, by, None).await,
                FlowStep::Started | FlowStep::Onboarded | FlowStep::Cancelled => return Ok(record),
            };
            record = match outcome {
                Ok(next) => next,
                Err(Ok(failure)) => return self.fail(org, &record, by, failure).await,
                Err(Err(e)) => return Err(e),
            };
        }
        Ok(record)
    }

    async fn exchange(
        &self,
        org: OrgId,
        record: &OnboardingRecord,
        by: AuditActor,
        code: &str,
    ) -> Step {
        let app_id = self.signup.app_id().unwrap_or_default();
        let secret = self
            .app_secret
            .as_ref()
            .map(|s| s.expose())
            .unwrap_or_default();
        let waba = record.waba_id.clone().unwrap_or_default();
        let answer = match self.graph.exchange_code(app_id, secret, code).await {
            Ok(answer) => answer,
            Err(e) => {
                let then = "Meta's code works once and for about 30 seconds: cancel this onboarding and start again.";
                return Err(Ok(StepFailure::from_graph(
                    "Exchanging the signup code",
                    &e,
                    then,
                )));
            }
        };
        let token = self.sealer.seal(org, &waba, &answer.access_token);
        // Never the token itself: only what Meta said about it.
        let meta = json!({"token_type": answer.token_type, "expires_in": answer.expires_in});
        let step = OnboardingAdvance {
            token: Some(token),
            ..OnboardingAdvance::to(
                FlowStep::CodeReceived,
                FlowStep::TokenStored,
                audit(
                    by,
                    "onboarding.token_stored",
                    json!({"waba_id": waba, "key_id": self.sealer.key_id()}),
                    Some(meta),
                ),
            )
        };
        self.advance(org, record.id, step).await.map_err(Err)
    }

    /// The Graph client speaking with the business's own token.
    async fn business_graph(
        &self,
        org: OrgId,
        record: &OnboardingRecord,
    ) -> Result<GraphClient, StepFailure> {
        let waba = record.waba_id.clone().unwrap_or_default();
        let sealed = self
            .store
            .business_token(org, &waba)
            .await
            .map_err(|e| StepFailure::plain(format!("Reading the business token failed: {e}")))?
            .ok_or_else(|| {
                StepFailure::plain(
                    "No business token is stored for this business account: start again.",
                )
            })?;
        let token = self
            .sealer
            .open(org, &waba, &sealed)
            .map_err(|e| StepFailure::plain(format!("The business token cannot be opened: {e}")))?;
        Ok(self.graph.with_token(&token))
    }

    async fn subscribe(&self, org: OrgId, record: &OnboardingRecord, by: AuditActor) -> Step {
        let graph = self.business_graph(org, record).await.map_err(Ok)?;
        let waba = record.waba_id.clone().unwrap_or_default();
        let answer = graph.subscribe_app(&waba).await.map_err(|e| {
            Ok(StepFailure::from_graph(
                "Subscribing to the business account's webhooks",
                &e,
                "Try again.",
            ))
        })?;
        let entry = audit(
            by,
            "onboarding.subscribed",
            json!({"waba_id": waba}),
            Some(answer),
        );
        let step = OnboardingAdvance::to(FlowStep::TokenStored, FlowStep::Subscribed, entry);
        self.advance(org, record.id, step).await.map_err(Err)
    }

    /// Finds the number on the business account and checks it fits the chosen model, then
    /// registers it (Cloud API) or configures it (coexistence).
    async fn after_subscribe(
        &self,
        org: OrgId,
        record: &OnboardingRecord,
        by: AuditActor,
        pin: Option<&str>,
    ) -> Step {
        let graph = self.business_graph(org, record).await.map_err(Ok)?;
        let number = self.find_number(&graph, record).await.map_err(Ok)?;
        let pnid = number
            .id
            .as_ref()
            .map(|i| i.as_str().to_owned())
            .unwrap_or_default();
        if record.mode == NumberMode::Coexistence && number.is_on_biz_app != Some(true) {
            return Err(Ok(StepFailure::plain(format!(
                "Meta reports +{} is not on the WhatsApp Business app (is_on_biz_app: {:?}, platform_type: {:?}), so it is not a coexistence number. Nothing was synced; check the number in Meta Business Suite.",
                record.phone, number.is_on_biz_app, number.platform_type
            ))));
        }
        match record.mode {
            NumberMode::Coexistence => self.configure(org, record, by, Some(&number)).await,
            NumberMode::CloudApi => self.register(org, record, by, &graph, &pnid, pin).await,
        }
    }

    async fn find_number(
        &self,
        graph: &GraphClient,
        record: &OnboardingRecord,
    ) -> Result<PhoneNumber, StepFailure> {
        let fields = "id,display_phone_number,verified_name,is_on_biz_app,platform_type";
        if let Some(pnid) = &record.phone_number_id {
            return graph.phone_number(pnid, fields).await.map_err(|e| {
                StepFailure::from_graph("Reading the number from Meta", &e, "Try again.")
            });
        }
        let waba = record.waba_id.clone().unwrap_or_default();
        let list = graph.phone_numbers(&waba).await.map_err(|e| {
            StepFailure::from_graph("Listing the business account's numbers", &e, "Try again.")
        })?;
        let count = list.data.len();
        let matching = list.data.iter().find(|n| {
            n.display_phone_number
                .as_ref()
                .is_some_and(|d| same_number(d.as_str(), &record.phone))
        });
        match (matching, count) {
            (Some(n), _) => Ok(n.clone()),
            (None, 1) => Ok(list.data[0].clone()),
            (None, _) => Err(StepFailure::plain(format!(
                "The business account has {count} numbers and none is +{}: check which number was connected in Meta's window.",
                record.phone
            ))),
        }
    }

    async fn register(
        &self,
        org: OrgId,
        record: &OnboardingRecord,
        by: AuditActor,
        graph: &GraphClient,
        pnid: &str,
        pin: Option<&str>,
    ) -> Step {
        let pin = pin
            .map(str::trim)
            .filter(|p| p.len() == 6 && p.bytes().all(|b| b.is_ascii_digit()));
        let Some(pin) = pin else {
            return Err(Ok(StepFailure::plain(
                "Registering a Cloud API number needs its six-digit two-step verification PIN: type it and resume.",
            )));
        };
        let answer = graph.register_number(pnid, pin).await.map_err(|e| {
            Ok(StepFailure::from_graph(
                "Registering the number",
                &e,
                "Check the PIN and resume.",
            ))
        })?;
        let entry = audit(
            by,
            "onboarding.registered",
            json!({"phone_number_id": pnid}),
            Some(answer),
        );
        let step = OnboardingAdvance {
            phone_number_id: Some(pnid.to_owned()),
            ..OnboardingAdvance::to(FlowStep::Subscribed, FlowStep::Registered, entry)
        };
        self.advance(org, record.id, step).await.map_err(Err)
    }

    /// The number becomes a configured number of the organization, with its mode and
    /// onboarding time; the onboarding is done.
    async fn configure(
        &self,
        org: OrgId,
        record: &OnboardingRecord,
        by: AuditActor,
        number: Option<&PhoneNumber>,
    ) -> Step {
        let pnid = number
            .and_then(|n| n.id.as_ref().map(|i| i.as_str().to_owned()))
            .or_else(|| record.phone_number_id.clone())
            .unwrap_or_default();
        let setup = NumberSetup {
            phone_number_id: pnid.clone(),
            display_phone_number: Some(record.phone.clone()),
            waba_id: record.waba_id.clone(),
            mode: record.mode,
            onboarded_at: record.onboarded_at,
        };
        let now = self.clock.now();
        let configured = self
            .store
            .upsert_number(org, setup, now)
            .await
            .map_err(|e| {
                Ok(StepFailure::plain(format!(
                    "Configuring the number in coexist failed: {e}"
                )))
            })?;
        let meta = number.and_then(|n| serde_json::to_value(n).ok());
        let detail = json!({"phone_number_id": pnid, "number_id": configured.id, "mode": record.mode,
                            "onboarded_at": record.onboarded_at});
        let step = OnboardingAdvance {
            phone_number_id: Some(pnid),
            number_id: Some(configured.id),
            ..OnboardingAdvance::to(
                record.step,
                FlowStep::Onboarded,
                audit(by, "onboarding.onboarded", detail, meta),
            )
        };
        self.advance(org, record.id, step).await.map_err(Err)
    }
}

/// The outcome of one step: the onboarding after it, a failure to record on it, or an error
/// of the request itself.
type Step = Result<OnboardingRecord, Result<StepFailure, OnboardingError>>;
