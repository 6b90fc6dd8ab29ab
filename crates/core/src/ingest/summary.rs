//! The `text` of a message: its body or caption where there is one, otherwise a short summary
//! that agents and full-text search can use.

use serde_json::Value;

/// The text of a message of type `kind` whose type-named object is `content`.
///
/// Text: the body. Media: the caption (documents: the caption, else the file name). Interactive
/// and button replies: what the customer tapped. Location: the place's name and address, else the
/// coordinates. Contacts: the names shared. Reaction: the emoji. Order: the item count. System:
/// Meta's sentence. Anything else: `None`.
pub fn text_of(kind: &str, content: Option<&Value>) -> Option<String> {
    let c = content?;
    let s = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let text = match kind {
        "text" => s(c, "body"),
        "image" | "video" | "sticker" | "audio" => s(c, "caption"),
        "document" => s(c, "caption").or_else(|| s(c, "filename")),
        "interactive" => interactive_text(c),
        "button" => s(c, "text").or_else(|| s(c, "payload")),
        "location" => location_text(c),
        "contacts" => contacts_text(c),
        "reaction" => s(c, "emoji").filter(|e| !e.is_empty()),
        "order" => order_text(c),
        "system" => s(c, "body"),
        _ => None,
    };
    text.filter(|t| !t.is_empty())
}

fn interactive_text(c: &Value) -> Option<String> {
    let kind = c.get("type").and_then(Value::as_str)?;
    let reply = c.get(kind)?;
    match kind {
        "nfm_reply" => reply.get("body").and_then(Value::as_str).map(str::to_owned),
        _ => reply
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

fn location_text(c: &Value) -> Option<String> {
    let name = c.get("name").and_then(Value::as_str);
    let address = c.get("address").and_then(Value::as_str);
    match (name, address) {
        (Some(n), Some(a)) => Some(format!("{n}, {a}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => {
            let lat = c.get("latitude").and_then(Value::as_f64)?;
            let long = c.get("longitude").and_then(Value::as_f64)?;
            Some(format!("{lat}, {long}"))
        }
    }
}

fn contacts_text(c: &Value) -> Option<String> {
    let names: Vec<&str> = c
        .as_array()?
        .iter()
        .filter_map(|card| card.get("name")?.get("formatted_name")?.as_str())
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

fn order_text(c: &Value) -> Option<String> {
    let items = c.get("product_items").and_then(Value::as_array)?;
    let count: i64 = items
        .iter()
        .filter_map(|i| i.get("quantity").and_then(Value::as_i64))
        .sum();
    let note = c
        .get("text")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty());
    Some(match note {
        Some(note) => format!("Order of {count} item(s): {note}"),
        None => format!("Order of {count} item(s)"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::text_of;

    #[test]
    fn body_and_captions_are_the_text() {
        assert_eq!(
            text_of("text", Some(&json!({"body": "hi"}))).as_deref(),
            Some("hi")
        );
        assert_eq!(
            text_of("image", Some(&json!({"caption": "cat", "id": "1"}))).as_deref(),
            Some("cat")
        );
        assert_eq!(text_of("image", Some(&json!({"id": "1"}))), None);
        assert_eq!(
            text_of("document", Some(&json!({"filename": "a.pdf"}))).as_deref(),
            Some("a.pdf")
        );
    }

    #[test]
    fn replies_locations_and_contacts_are_summarized() {
        let button =
            json!({"type": "button_reply", "button_reply": {"id": "x", "title": "Cancel"}});
        assert_eq!(
            text_of("interactive", Some(&button)).as_deref(),
            Some("Cancel")
        );
        let place = json!({"latitude": 1.5, "longitude": 2.0, "name": "HQ", "address": "1 Way"});
        assert_eq!(
            text_of("location", Some(&place)).as_deref(),
            Some("HQ, 1 Way")
        );
        let here = json!({"latitude": 1.5, "longitude": 2.0});
        assert_eq!(text_of("location", Some(&here)).as_deref(), Some("1.5, 2"));
        let cards = json!([{"name": {"formatted_name": "Chandler Bing"}}]);
        assert_eq!(
            text_of("contacts", Some(&cards)).as_deref(),
            Some("Chandler Bing")
        );
        assert_eq!(text_of("reaction", Some(&json!({"emoji": ""}))), None);
    }

    #[test]
    fn unknown_types_and_missing_content_have_no_text() {
        assert_eq!(text_of("poll", Some(&json!({"question": "?"}))), None);
        assert_eq!(text_of("text", None), None);
    }
}
