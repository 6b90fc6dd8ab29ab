//! [`JsonText`]: a JSON value already written out as text.

use serde::{Serialize, Serializer};
use serde_json::Value;

/// A JSON value as text, written once when a webhook is normalized.
///
/// What the store keeps verbatim (a message's object as Meta sent it, its type-named content)
/// is turned into text here, on the thread that parsed the webhook, rather than on the
/// database's single writer thread, which every webhook waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonText(String);

impl JsonText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value it holds (parsed again: for tests and tools, not the hot path).
    pub fn to_value(&self) -> Value {
        // Only ever built from a `Value`, so it always parses.
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }
}

impl From<&Value> for JsonText {
    fn from(value: &Value) -> Self {
        JsonText(value.to_string())
    }
}

impl From<Value> for JsonText {
    fn from(value: Value) -> Self {
        JsonText::from(&value)
    }
}

/// Serializes as the JSON value it holds, not as a string.
impl Serialize for JsonText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::JsonText;

    #[test]
    fn it_holds_the_text_and_serializes_as_the_value() {
        let text = JsonText::from(json!({"b": 1, "a": [true, null]}));
        assert_eq!(text.as_str(), r#"{"a":[true,null],"b":1}"#);
        assert_eq!(text.to_value(), json!({"a": [true, null], "b": 1}));
        assert_eq!(
            serde_json::to_value(&text).unwrap(),
            json!({"a": [true, null], "b": 1})
        );
    }
}
