//! Message templates of a WABA: the seeded approved ones, created ones under review, and the
//! checks a template send goes through (exists in that language, approved, parameter count).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

/// One template in one language.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Template {
    pub(crate) id: String,
    pub(crate) waba_id: String,
    pub(crate) name: String,
    pub(crate) language: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub(crate) category: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`.
    pub(crate) status: String,
    /// `POSITIONAL` or `NAMED`.
    pub(crate) parameter_format: String,
    /// Components as created (uppercase `type`), returned by `GET message_templates`.
    pub(crate) components: Vec<Value>,
    pub(crate) created_at: u64,
}

/// The parameter counts a template expects, per component.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParamCounts {
    pub(crate) header: usize,
    pub(crate) body: usize,
}

impl Template {
    /// Counts distinct `{{…}}` placeholders in the header and body texts.
    pub(crate) fn expected_params(&self) -> ParamCounts {
        let mut counts = ParamCounts::default();
        for component in &self.components {
            let kind = component
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_ascii_uppercase();
            let text = component.get("text").and_then(Value::as_str).unwrap_or("");
            match kind.as_str() {
                "HEADER" => counts.header = count_placeholders(text),
                "BODY" => counts.body = count_placeholders(text),
                _ => {}
            }
        }
        counts
    }

    pub(crate) fn category_lower(&self) -> String {
        self.category.to_ascii_lowercase()
    }
}

/// Distinct `{{name}}` placeholders in `text`.
pub(crate) fn count_placeholders(text: &str) -> usize {
    meta::graph::templates::placeholders(text).len()
}

/// Templates by id.
#[derive(Debug, Default)]
pub(crate) struct Templates {
    pub(crate) items: BTreeMap<String, Template>,
}

impl Templates {
    /// The template named `name` in `language` on `waba_id`.
    pub(crate) fn find(&self, waba_id: &str, name: &str, language: &str) -> Option<&Template> {
        self.items
            .values()
            .find(|t| t.waba_id == waba_id && t.name == name && t.language == language)
    }

    /// Whether any language of `name` exists on `waba_id`.
    pub(crate) fn name_exists(&self, waba_id: &str, name: &str) -> bool {
        self.items
            .values()
            .any(|t| t.waba_id == waba_id && t.name == name)
    }

    pub(crate) fn insert(&mut self, template: Template) {
        self.items.insert(template.id.clone(), template);
    }
}

/// The templates every sandbox WABA starts with, all approved: `(name, language, category,
/// components)`.
pub(crate) fn seeded() -> Vec<(&'static str, &'static str, &'static str, Vec<Value>)> {
    vec![
        (
            "hello_world",
            "en_US",
            "UTILITY",
            vec![
                json!({"type": "HEADER", "format": "TEXT", "text": "Hello World"}),
                json!({"type": "BODY", "text": "Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us."}),
                json!({"type": "FOOTER", "text": "WhatsApp Business Platform sample message"}),
            ],
        ),
        (
            "order_update",
            "en_US",
            "UTILITY",
            vec![
                json!({"type": "BODY", "text": "Hi {{1}}, your order {{2}} is now {{3}}.",
                       "example": {"body_text": [["Pablo", "SKBUP2-4CPIG9", "on its way"]]}}),
                json!({"type": "FOOTER", "text": "Lucky Shrub"}),
            ],
        ),
        (
            "spring_sale",
            "en_US",
            "MARKETING",
            vec![
                json!({"type": "BODY", "text": "Hi {{1}}! Our spring sale is on: {{2}} off all succulents this week.",
                       "example": {"body_text": [["Pablo", "20%"]]}}),
                json!({"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Stop promotions"}]}),
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::count_placeholders;

    #[test]
    fn placeholders_are_counted_once_each() {
        assert_eq!(count_placeholders("Hi {{1}}, order {{2}} for {{1}}"), 2);
        assert_eq!(count_placeholders("Thanks {{first_name}}!"), 1);
        assert_eq!(count_placeholders("No params"), 0);
        assert_eq!(count_placeholders("Broken {{1"), 0);
    }
}
