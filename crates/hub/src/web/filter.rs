//! The inbox page's filter: `?view=&status=&label=&number_id=`, read leniently (what does not
//! fit is ignored), turned into the store's [`ChatFilter`] and back into links.

use coexist_core::ids::{NumberId, UserId};
use coexist_core::inbox::InboxStatus;
use coexist_core::store::{AssigneeFilter, ChatFilter};
use coexist_core::time::Timestamp;
use serde::Deserialize;

/// `?view=&status=&label=&number_id=` of the inbox page. Values that do not fit are ignored
/// (a page shows the default view rather than an error).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct InboxQuery {
    view: Option<String>,
    status: Option<String>,
    label: Option<String>,
    number_id: Option<String>,
}

/// The filter the page shows, after ignoring what does not fit.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageFilter {
    pub(crate) view: &'static str,
    pub(crate) status: Option<InboxStatus>,
    pub(crate) label: Option<String>,
    pub(crate) number_id: Option<NumberId>,
}

impl PageFilter {
    pub(crate) fn from_query(q: &InboxQuery) -> PageFilter {
        let view = match q.view.as_deref() {
            Some("mine") => "mine",
            Some("unassigned") => "unassigned",
            _ => "all",
        };
        PageFilter {
            view,
            status: q
                .status
                .as_deref()
                .and_then(|s| InboxStatus::ALL.into_iter().find(|st| st.as_str() == s)),
            label: q
                .label
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty() && l.chars().count() <= 32)
                .map(str::to_owned),
            number_id: q.number_id.as_deref().and_then(|n| n.parse().ok()),
        }
    }

    pub(crate) fn chat_filter(&self, user: UserId, now: Timestamp) -> ChatFilter {
        ChatFilter {
            number_id: self.number_id,
            assignee: match self.view {
                "mine" => Some(AssigneeFilter::User(user)),
                "unassigned" => Some(AssigneeFilter::Nobody),
                _ => None,
            },
            status: self.status,
            label: self.label.clone(),
            now: Some(now),
        }
    }

    /// The query string that keeps this filter (`?view=mine&label=vip`), or "".
    pub(crate) fn query(&self, view: &str) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if view != "all" {
            pairs.push(("view", view.to_owned()));
        }
        if let Some(s) = self.status {
            pairs.push(("status", s.as_str().to_owned()));
        }
        if let Some(l) = &self.label {
            pairs.push(("label", l.clone()));
        }
        if let Some(n) = self.number_id {
            pairs.push(("number_id", n.to_string()));
        }
        if pairs.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode_component(&v)))
            .collect();
        format!("?{}", encoded.join("&"))
    }
}

/// Percent-encodes a query value (every byte but RFC 3986's unreserved ones), e.g. the
/// `next` of a sign-in redirect.
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{InboxQuery, PageFilter};

    #[test]
    fn unknown_filters_fall_back_and_known_ones_survive_in_links() {
        let q = InboxQuery {
            view: Some("mine".to_owned()),
            status: Some("nonsense".to_owned()),
            label: Some("vip & co".to_owned()),
            number_id: Some("x".to_owned()),
        };
        let f = PageFilter::from_query(&q);
        assert_eq!(f.query("mine"), "?view=mine&label=vip%20%26%20co");
        assert_eq!(f.query("all"), "?label=vip%20%26%20co");
        assert_eq!(
            PageFilter::from_query(&InboxQuery::default()).query("all"),
            ""
        );
    }
}
