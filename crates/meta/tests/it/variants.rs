//! Assertions on the typed variants each fixture yields, one module per area; the helpers
//! that read fixtures are here.

mod account;
mod history;
mod messages;
mod statuses;

use meta::webhook::{ChangeValue, Envelope};

use crate::fixtures;

fn parse(rel: &str) -> Envelope {
    meta::webhook::parse(&fixtures::bytes(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn pywa(rel: &str, case: &str) -> Envelope {
    let cases = fixtures::pywa_cases(rel);
    let (_, body) = cases
        .iter()
        .find(|(name, _)| name == case)
        .unwrap_or_else(|| panic!("no case {case}"));
    meta::webhook::parse(body).unwrap_or_else(|e| panic!("{rel}#{case}: {e}"))
}

fn only_value(envelope: &Envelope) -> &ChangeValue {
    assert_eq!(envelope.entry.len(), 1);
    assert_eq!(envelope.entry[0].changes.len(), 1);
    &envelope.entry[0].changes[0].value
}

fn first_message(envelope: &Envelope) -> &meta::webhook::messages::InboundMessage {
    let ChangeValue::Messages(value) = only_value(envelope) else {
        panic!("not a messages value")
    };
    &value.messages.as_ref().expect("messages")[0]
}
