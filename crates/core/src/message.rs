//! What a message is to us beyond Meta's wire shape: its direction, its origin (provenance) and
//! the policies that follow from the origin (ARCHITECTURE §4).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which way a message travelled, seen from the business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From a customer to the business.
    Inbound,
    /// From the business to a customer (from the phone app, through the API, or imported).
    Outbound,
}

/// Where a message came from. Every message carries one; the inbox shows it plainly and the
/// policies below are keyed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Written by the customer, received live (`messages` webhook).
    Customer,
    /// Typed by the business owner in the WhatsApp Business App on the phone (an
    /// `smb_message_echoes` webhook).
    BusinessApp,
    /// Sent through coexist's outbox (an agent, a bot, a campaign or an API client).
    Api,
    /// Imported from the phone's chat history at onboarding (`history` webhooks).
    History,
}

impl Direction {
    /// The stable lowercase name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

impl Origin {
    /// The stable lowercase name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Customer => "customer",
            Origin::BusinessApp => "business_app",
            Origin::Api => "api",
            Origin::History => "history",
        }
    }

    /// Whether a message of this origin opens or extends Meta's customer service window. Only
    /// live customer messages do: echoes, history and our own sends never do (META.md §5.8).
    pub fn opens_service_window(self) -> bool {
        matches!(self, Origin::Customer)
    }

    /// Whether a message of this origin counts as unread and notifies agents. History is quiet;
    /// echoes are shown but the owner already saw them on the phone.
    pub fn counts_unread(self) -> bool {
        matches!(self, Origin::Customer)
    }

    /// Whether a message of this origin may trigger bots, automations and SLA clocks.
    pub fn triggers_automation(self) -> bool {
        matches!(self, Origin::Customer)
    }

    /// Whether an echo of this origin means a human took over the chat (pauses a bot).
    pub fn is_human_takeover(self) -> bool {
        matches!(self, Origin::BusinessApp)
    }

    /// Whether opt-out keywords in such a message are honoured.
    pub fn honours_opt_out_keywords(self) -> bool {
        matches!(self, Origin::Customer)
    }

    /// Whether Meta may bill for it: only our own API sends are ever billable (per their
    /// `pricing`); phone-app messages and history are free.
    pub fn may_be_billable(self) -> bool {
        matches!(self, Origin::Api)
    }
}

/// A name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownName {
    kind: &'static str,
    value: String,
}

impl UnknownName {
    /// An unknown `value` of the named `kind`.
    pub fn new(kind: &'static str, value: &str) -> Self {
        UnknownName {
            kind,
            value: value.to_owned(),
        }
    }
}

impl FromStr for Direction {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "inbound" => Ok(Direction::Inbound),
            "outbound" => Ok(Direction::Outbound),
            _ => Err(UnknownName {
                kind: "direction",
                value: s.to_owned(),
            }),
        }
    }
}

impl FromStr for Origin {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "customer" => Ok(Origin::Customer),
            "business_app" => Ok(Origin::BusinessApp),
            "api" => Ok(Origin::Api),
            "history" => Ok(Origin::History),
            _ => Err(UnknownName {
                kind: "origin",
                value: s.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who changed a message after it was sent (an edit or a revoke).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Editor {
    /// The customer edited or deleted their message (`messages` webhook of type edit/revoke).
    Customer,
    /// The owner edited or deleted it on the phone (an echo of type edit/revoke).
    BusinessApp,
}

impl Editor {
    /// The stable lowercase name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Editor::Customer => "customer",
            Editor::BusinessApp => "business_app",
        }
    }
}

impl FromStr for Editor {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "customer" => Ok(Editor::Customer),
            "business_app" => Ok(Editor::BusinessApp),
            _ => Err(UnknownName::new("editor", s)),
        }
    }
}

impl fmt::Display for Editor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{Direction, Editor, Origin};

    const ALL: [Origin; 4] = [
        Origin::Customer,
        Origin::BusinessApp,
        Origin::Api,
        Origin::History,
    ];

    #[test]
    fn only_live_customer_messages_open_the_service_window() {
        let openers: Vec<Origin> = ALL
            .into_iter()
            .filter(|o| o.opens_service_window())
            .collect();
        assert_eq!(openers, vec![Origin::Customer]);
    }

    #[test]
    fn history_is_quiet_and_never_automates() {
        assert!(!Origin::History.counts_unread());
        assert!(!Origin::History.triggers_automation());
        assert!(!Origin::History.honours_opt_out_keywords());
        assert!(!Origin::History.may_be_billable());
    }

    #[test]
    fn echoes_are_a_human_takeover_and_free() {
        assert!(Origin::BusinessApp.is_human_takeover());
        assert!(!Origin::BusinessApp.counts_unread());
        assert!(!Origin::BusinessApp.may_be_billable());
    }

    #[test]
    fn names_round_trip() {
        for o in ALL {
            assert_eq!(o.as_str().parse::<Origin>().unwrap(), o);
        }
        for d in [Direction::Inbound, Direction::Outbound] {
            assert_eq!(d.as_str().parse::<Direction>().unwrap(), d);
        }
        assert!("phone".parse::<Origin>().is_err());
        for e in [Editor::Customer, Editor::BusinessApp] {
            assert_eq!(e.to_string().parse::<Editor>().unwrap(), e);
        }
    }
}
