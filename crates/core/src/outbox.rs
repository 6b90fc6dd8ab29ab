//! The sending rules, pure: what may be sent before it reaches Meta (ARCHITECTURE §3, §7
//! invariant 5), and what an answer from Meta means for the message (ARCHITECTURE §5
//! "Outbound", META.md §6.4).
//!
//! - [`check_send`]: the service window (free-form only inside it, templates anywhere), the
//!   template (known, approved, in that language, parameters matching), marketing opt-out and
//!   the number's connection. Each refusal is a [`SendRefusal`] with a stable code.
//! - [`classify`]: a Graph answer becomes retry-the-number (130429), retry-the-pair (131056),
//!   retry (transient codes, 5xx, a request that never left), interrupted (no answer after the
//!   request may have reached Meta) or failed for good.
//! - [`backoff_ms`]: exponential back-off with jitter; the jitter is an input, so callers own the
//!   (seeded) randomness.

use meta::error::ErrorCode;
use meta::graph::send::OutboundContent;
use serde_json::Value;

use crate::number::NumberState;
use crate::store::{MessageError, TemplateRecord};
use crate::templates::Expected;
use crate::time::Timestamp;
use crate::window::ServiceWindow;

/// Why a send is refused before it reaches Meta. Every variant has a stable [`SendRefusal::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendRefusal {
    /// A free-form message outside the 24-hour customer service window.
    #[error("{}", window_message(*.closed_at))]
    OutsideServiceWindow {
        /// When the window closed; `None` if the customer never wrote.
        closed_at: Option<Timestamp>,
    },
    /// No template of that name in that language is known for the number's WABA.
    #[error(
        "template {name:?} in {language:?} is not known for this number's business account; sync templates or check the name and language"
    )]
    TemplateNotFound {
        /// The name sent.
        name: String,
        /// The language sent.
        language: String,
    },
    /// The template exists but Meta has not approved it (or paused or disabled it).
    #[error("template {name:?} in {language:?} is {status}, not APPROVED: it cannot be sent")]
    TemplateNotApproved {
        /// The name.
        name: String,
        /// The language.
        language: String,
        /// Its status.
        status: String,
    },
    /// The parameters do not fit the template.
    #[error("template {name:?}: {problem}")]
    TemplateParameters {
        /// The template.
        name: String,
        /// What is wrong, naming the part.
        problem: String,
    },
    /// A marketing template to a contact who stopped marketing messages.
    #[error(
        "the contact stopped marketing messages from this business; marketing templates cannot be sent to them (utility and authentication templates still can)"
    )]
    MarketingOptOut,
    /// The number is disconnected from the Cloud API or offboarded.
    #[error("the number is {state}: Meta refuses its sends until it is connected again")]
    NumberDisconnected {
        /// Its state.
        state: String,
    },
}

fn window_message(closed_at: Option<Timestamp>) -> String {
    match closed_at {
        Some(at) => format!(
            "the 24-hour customer service window closed at {at}: outside it only a template message can be sent"
        ),
        None => "the customer has not written to this number, so no customer service window is open: only a template message can be sent".to_owned(),
    }
}

impl SendRefusal {
    /// The stable API code.
    pub fn code(&self) -> &'static str {
        match self {
            SendRefusal::OutsideServiceWindow { .. } => "outside_service_window",
            SendRefusal::TemplateNotFound { .. } => "template_not_found",
            SendRefusal::TemplateNotApproved { .. } => "template_not_approved",
            SendRefusal::TemplateParameters { .. } => "template_parameters",
            SendRefusal::MarketingOptOut => "marketing_opt_out",
            SendRefusal::NumberDisconnected { .. } => "number_disconnected",
        }
    }
}

/// Whether a number in `state` may send (disconnected and offboarded numbers may not).
pub fn number_can_send(state: NumberState) -> bool {
    !matches!(state, NumberState::Disconnected | NumberState::Offboarded)
}

/// The error a queued message fails with when its number was disconnected or offboarded
/// before the outbox sent it: it is not handed to Meta. The code is Meta's 133010 (what Meta
/// answers a send from a number that is not registered), the title the send API's stable
/// refusal code `number_disconnected`, the details a sentence for people.
pub fn number_disconnected_error(state: NumberState) -> MessageError {
    let refusal = SendRefusal::NumberDisconnected {
        state: state.as_str().to_owned(),
    };
    MessageError {
        code: ErrorCode::PhoneNumberNotRegistered.code(),
        title: Some(refusal.code().to_owned()),
        details: Some(format!(
            "Not sent: {refusal}. The message was queued before that and was not handed to Meta; send it again once the number is connected."
        )),
    }
}

/// What a send is checked against.
#[derive(Debug, Clone, Copy)]
pub struct SendContext<'a> {
    /// The number's state.
    pub number_state: NumberState,
    /// The chat's window (default: never opened).
    pub window: ServiceWindow,
    /// The contact stopped marketing messages.
    pub marketing_opt_out: bool,
    /// The template the send names, as stored (`None`: not known).
    pub template: Option<&'a TemplateRecord>,
    /// Now.
    pub now: Timestamp,
}

/// Checks a send (already valid in Meta's shape) against the domain rules.
pub fn check_send(content: &OutboundContent, cx: &SendContext<'_>) -> Result<(), SendRefusal> {
    if !number_can_send(cx.number_state) {
        return Err(SendRefusal::NumberDisconnected {
            state: cx.number_state.as_str().to_owned(),
        });
    }
    let OutboundContent::Template(t) = content else {
        if !cx.window.is_open(cx.now) {
            return Err(SendRefusal::OutsideServiceWindow {
                closed_at: cx.window.closes_at(),
            });
        }
        return Ok(());
    };
    let name = t.name.clone().unwrap_or_default();
    let language = t
        .language
        .as_ref()
        .and_then(|l| l.code.clone())
        .unwrap_or_default();
    let Some(record) = cx.template else {
        return Err(SendRefusal::TemplateNotFound { name, language });
    };
    let status = record
        .status
        .clone()
        .unwrap_or_else(|| "UNKNOWN".to_owned());
    if !status.eq_ignore_ascii_case("APPROVED") {
        return Err(SendRefusal::TemplateNotApproved {
            name,
            language,
            status,
        });
    }
    let marketing = record
        .category
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("MARKETING"));
    if marketing && cx.marketing_opt_out {
        return Err(SendRefusal::MarketingOptOut);
    }
    // A template known only from webhooks has no definition: Meta checks its parameters.
    if let Some(components) = &record.components {
        let expected = Expected::of(components, record.parameter_format.as_deref());
        expected
            .check(t)
            .map_err(|problem| SendRefusal::TemplateParameters { name, problem })?;
    }
    Ok(())
}

/// What an attempt's answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Over the number's throughput (130429, or a bare HTTP 429): pause the number, try
    /// again, after the answer's `Retry-After` (milliseconds) when it had one.
    RetryNumber(MessageError, Option<i64>),
    /// Over the pair rate (131056): pause the pair, try again.
    RetryPair(MessageError),
    /// A transient failure (Meta's retryable codes, 5xx, a request that never left): try again.
    Retry(MessageError),
    /// No answer after the request may have reached Meta: never sent again automatically.
    Interrupted(String),
    /// Refused for good: the message fails with this error.
    Failed(MessageError),
}

/// What came back from one Graph send.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// An HTTP answer that is not a success: its status and Meta's error, if the body had one.
    Error {
        /// HTTP status.
        http_status: u16,
        /// Meta's error code, title and details, when the body was a Graph error.
        meta: Option<MessageError>,
        /// The start of the body, when it was not a Graph error.
        body: String,
        /// The answer's `Retry-After`, in milliseconds, when it had one.
        retry_after_ms: Option<i64>,
    },
    /// The request never reached Meta (connection refused, DNS, connect timeout).
    NotSent(String),
    /// The request was sent but no answer came in time (or the connection broke after sending).
    NoAnswer(String),
}

/// Classifies a failed attempt.
pub fn classify(answer: &Answer) -> Verdict {
    match answer {
        Answer::NotSent(why) => Verdict::Retry(network_error(format!(
            "the request did not reach the Graph API: {why}"
        ))),
        Answer::NoAnswer(why) => Verdict::Interrupted(format!(
            "The request reached the network but no answer came back ({why}); Meta may have accepted it, so it is not sent again automatically. A status webhook from Meta will complete it if it was sent."
        )),
        Answer::Error {
            http_status,
            meta: Some(error),
            ..
        } => classify_meta(*http_status, error.clone()),
        Answer::Error {
            http_status,
            body,
            retry_after_ms,
            ..
        } => {
            let error = MessageError {
                code: ErrorCode::ApiUnknown.code(),
                title: Some(format!("HTTP {http_status} from the Graph API")),
                details: Some(body.chars().take(300).collect()),
            };
            // Meta documents no 429 (throttling comes as 130429 in an error object), but a
            // gateway or proxy in front of it may answer a bare one: it means "too fast".
            if *http_status == 429 {
                Verdict::RetryNumber(error, *retry_after_ms)
            } else if *http_status >= 500 {
                Verdict::Retry(error)
            } else {
                Verdict::Failed(error)
            }
        }
    }
}

fn classify_meta(http_status: u16, error: MessageError) -> Verdict {
    let code = ErrorCode::from_code(error.code);
    match code {
        ErrorCode::RateLimitHit => Verdict::RetryNumber(error, None),
        ErrorCode::PairRateLimitHit => Verdict::RetryPair(error),
        _ if code.is_retryable() || http_status >= 500 => Verdict::Retry(error),
        _ => Verdict::Failed(error),
    }
}

fn network_error(details: String) -> MessageError {
    MessageError {
        code: ErrorCode::ApiService.code(),
        title: Some("Graph API unreachable".to_owned()),
        details: Some(details),
    }
}

/// Meta's error body (`{"error": {code, message, error_data: {details}}}`) as a message error:
/// the code, the title (Meta's for known codes, else the `message`), the details.
pub fn meta_error(body: &Value) -> Option<MessageError> {
    let error = body.get("error")?;
    let code = error.get("code").and_then(Value::as_i64)?;
    let known = ErrorCode::from_code(code);
    let title = if matches!(known, ErrorCode::Other(_)) {
        error
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
    } else {
        Some(known.title().to_owned())
    };
    let details = error
        .pointer("/error_data/details")
        .and_then(Value::as_str)
        .or_else(|| error.get("message").and_then(Value::as_str))
        .map(str::to_owned);
    Some(MessageError {
        code,
        title,
        details,
    })
}

/// Exponential back-off: `base_ms · 2^(attempt-1)`, capped at `max_ms`, then spread by
/// `jitter` (a number in `[0, 1)`) over `[50 %, 100 %]` of that, so retries of many messages
/// do not arrive together.
pub fn backoff_ms(attempt: u32, base_ms: i64, max_ms: i64, jitter: f64) -> i64 {
    let exp = attempt.saturating_sub(1).min(30);
    let raw = base_ms.saturating_mul(1_i64 << exp).min(max_ms).max(1);
    let spread = 0.5 + 0.5 * jitter.clamp(0.0, 1.0);
    ((raw as f64) * spread).round() as i64
}

/// Meta's pair-rate guidance: retry after 4^X seconds, X = 0, 1, 2, … per failure (META.md
/// §7.2), capped at `max_ms`.
pub fn pair_backoff_ms(attempt: u32, max_ms: i64) -> i64 {
    let x = attempt.saturating_sub(1).min(15);
    1_000_i64
        .saturating_mul(4_i64.saturating_pow(x))
        .min(max_ms)
}

#[cfg(test)]
mod tests {
    use meta::graph::send::OutboundContent;
    use meta::graph::template_message::{TemplateComponent, TemplateMessage};
    use meta::webhook::content::Text;
    use serde_json::json;

    use super::{
        Answer, SendContext, SendRefusal, Verdict, backoff_ms, check_send, classify, meta_error,
        pair_backoff_ms,
    };
    use crate::number::NumberState;
    use crate::store::{MessageError, TemplateRecord};
    use crate::time::{HOUR_MS, Timestamp};
    use crate::window::ServiceWindow;

    const NOW: Timestamp = Timestamp(1_750_000_000_000);

    fn cx(template: Option<&TemplateRecord>) -> SendContext<'_> {
        SendContext {
            number_state: NumberState::Live,
            window: ServiceWindow::default(),
            marketing_opt_out: false,
            template,
            now: NOW,
        }
    }

    fn text() -> OutboundContent {
        OutboundContent::Text(Text::new("hi"))
    }

    fn template(category: &str, status: &str) -> TemplateRecord {
        TemplateRecord {
            id: "1".to_owned(),
            waba_id: "w".to_owned(),
            name: Some("order_update".to_owned()),
            language: Some("en_US".to_owned()),
            category: Some(category.to_owned()),
            status: Some(status.to_owned()),
            reason: None,
            parameter_format: Some("POSITIONAL".to_owned()),
            components: Some(json!([{"type": "BODY", "text": "Hi {{1}}"}])),
            updated_at: NOW,
        }
    }

    fn send_template(params: &[&str]) -> OutboundContent {
        OutboundContent::Template(
            TemplateMessage::new("order_update", "en_US")
                .with_component(TemplateComponent::body_text(params)),
        )
    }

    #[test]
    fn free_form_outside_the_window_is_refused_with_when_it_closed() {
        let mut c = cx(None);
        c.window = ServiceWindow::default().with_customer_message(NOW.plus_ms(-25 * HOUR_MS));
        let err = check_send(&text(), &c).unwrap_err();
        assert_eq!(err.code(), "outside_service_window");
        assert_eq!(
            err,
            SendRefusal::OutsideServiceWindow {
                closed_at: Some(NOW.plus_ms(-HOUR_MS))
            }
        );
        assert!(err.to_string().contains("only a template"), "{err}");
        c.window = ServiceWindow::default().with_customer_message(NOW.plus_ms(-HOUR_MS));
        assert!(check_send(&text(), &c).is_ok());
    }

    #[test]
    fn templates_may_go_outside_the_window_when_approved_and_complete() {
        let t = template("UTILITY", "APPROVED");
        assert!(check_send(&send_template(&["Pablo"]), &cx(Some(&t))).is_ok());
        let err = check_send(&send_template(&[]), &cx(Some(&t))).unwrap_err();
        assert_eq!(err.code(), "template_parameters");
        let unknown = check_send(&send_template(&["x"]), &cx(None)).unwrap_err();
        assert_eq!(unknown.code(), "template_not_found");
        let pending = template("UTILITY", "PENDING");
        let err = check_send(&send_template(&["x"]), &cx(Some(&pending))).unwrap_err();
        assert_eq!(err.code(), "template_not_approved");
    }

    #[test]
    fn marketing_to_an_opted_out_contact_is_refused_but_utility_is_not() {
        let marketing = template("MARKETING", "APPROVED");
        let mut c = cx(Some(&marketing));
        c.marketing_opt_out = true;
        let err = check_send(&send_template(&["x"]), &c).unwrap_err();
        assert_eq!(err, SendRefusal::MarketingOptOut);
        let utility = template("UTILITY", "APPROVED");
        c.template = Some(&utility);
        assert!(check_send(&send_template(&["x"]), &c).is_ok());
    }

    #[test]
    fn a_disconnected_number_refuses_everything() {
        let mut c = cx(None);
        c.number_state = NumberState::Disconnected;
        let err = check_send(&send_template(&["x"]), &c).unwrap_err();
        assert_eq!(err.code(), "number_disconnected");
    }

    #[test]
    fn a_template_known_only_from_webhooks_leaves_parameters_to_meta() {
        let mut t = template("UTILITY", "APPROVED");
        t.components = None;
        assert!(check_send(&send_template(&[]), &cx(Some(&t))).is_ok());
    }

    fn meta(code: i64) -> Answer {
        Answer::Error {
            http_status: 400,
            meta: Some(MessageError {
                code,
                title: None,
                details: None,
            }),
            body: String::new(),
            retry_after_ms: None,
        }
    }

    #[test]
    fn meta_answers_are_classified() {
        assert!(matches!(
            classify(&meta(130429)),
            Verdict::RetryNumber(_, None)
        ));
        assert!(matches!(classify(&meta(131056)), Verdict::RetryPair(_)));
        assert!(matches!(classify(&meta(131000)), Verdict::Retry(_)));
        assert!(matches!(classify(&meta(131047)), Verdict::Failed(_)));
        assert!(matches!(classify(&meta(132001)), Verdict::Failed(_)));
        let html = Answer::Error {
            http_status: 502,
            meta: None,
            body: "<html>".to_owned(),
            retry_after_ms: None,
        };
        assert!(matches!(classify(&html), Verdict::Retry(_)));
        let bare = |http_status, retry_after_ms| Answer::Error {
            http_status,
            meta: None,
            body: String::new(),
            retry_after_ms,
        };
        assert!(
            matches!(classify(&bare(429, None)), Verdict::RetryNumber(_, None)),
            "a bare 429 is throttling, not a failure"
        );
        assert!(matches!(
            classify(&bare(429, Some(7_000))),
            Verdict::RetryNumber(_, Some(7_000))
        ));
        assert!(matches!(classify(&bare(400, None)), Verdict::Failed(_)));
        assert!(matches!(
            classify(&Answer::NotSent("refused".to_owned())),
            Verdict::Retry(_)
        ));
        assert!(matches!(
            classify(&Answer::NoAnswer("timeout".to_owned())),
            Verdict::Interrupted(_)
        ));
    }

    #[test]
    fn meta_error_bodies_keep_code_title_and_details() {
        let body = json!({"error": {"message": "(#131047) Re-engagement message", "code": 131047,
            "error_data": {"details": "More than 24 hours have passed."}}});
        let e = meta_error(&body).unwrap();
        assert_eq!(e.code, 131047);
        assert_eq!(e.title.as_deref(), Some("Re-engagement message"));
        assert_eq!(
            e.details.as_deref(),
            Some("More than 24 hours have passed.")
        );
        assert!(meta_error(&json!({"ok": true})).is_none());
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered_within_half() {
        assert_eq!(backoff_ms(1, 1_000, 60_000, 0.999_999), 1_000);
        assert_eq!(backoff_ms(3, 1_000, 60_000, 0.999_999), 4_000);
        assert_eq!(backoff_ms(20, 1_000, 60_000, 0.999_999), 60_000);
        assert_eq!(backoff_ms(3, 1_000, 60_000, 0.0), 2_000);
        assert_eq!(pair_backoff_ms(1, 600_000), 1_000);
        assert_eq!(pair_backoff_ms(3, 600_000), 16_000);
        assert_eq!(pair_backoff_ms(30, 600_000), 600_000);
    }
}
