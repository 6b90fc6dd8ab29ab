//! Message templates: what a template definition (as the Graph API lists it, META.md §8) asks
//! of a template send (META.md §6.2.2), checked before the send reaches Meta, and the text a
//! send shows once its parameters are filled in.
//!
//! Checked: the header (text placeholders, or one media or location parameter for a media
//! header), the body placeholders, and URL buttons whose URL holds a placeholder. With
//! `parameter_format` `NAMED` the names must match (order is free); with `POSITIONAL` (the
//! default) the count. Components the definition does not know (carousels, limited-time
//! offers) are left to Meta.

use serde_json::Value;

use meta::graph::template_message::{ComponentType, TemplateComponent, TemplateMessage};

/// The `{{…}}` placeholders of `text`, each once, in order of first appearance (Meta's rule:
/// `meta::graph::templates::placeholders`).
pub fn placeholders(text: &str) -> Vec<String> {
    meta::graph::templates::placeholders(text)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// What one part of a template expects.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Text parameters filling these placeholders.
    Text(Vec<String>),
    /// One parameter of this type (`image`, `video`, `document`, `location`).
    One(String),
}

/// What a template definition expects of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    named: bool,
    header: Option<Expect>,
    body: Vec<String>,
    /// URL buttons with a placeholder: (index, placeholders).
    url_buttons: Vec<(u64, Vec<String>)>,
}

fn component_type(c: &Value) -> String {
    c.get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_uppercase()
}

impl Expected {
    /// Reads a definition's `components` and `parameter_format` (`NAMED`/`POSITIONAL`).
    pub fn of(components: &Value, parameter_format: Option<&str>) -> Expected {
        let named = parameter_format.is_some_and(|f| f.eq_ignore_ascii_case("named"));
        let mut expected = Expected {
            named,
            header: None,
            body: Vec::new(),
            url_buttons: Vec::new(),
        };
        for c in components.as_array().into_iter().flatten() {
            let text = c.get("text").and_then(Value::as_str).unwrap_or("");
            match component_type(c).as_str() {
                "HEADER" => expected.header = header_expect(c, text),
                "BODY" => expected.body = placeholders(text),
                "BUTTONS" => expected.url_buttons = url_buttons(c),
                _ => {}
            }
        }
        expected
    }

    /// Checks a send's parameters; the error is one sentence naming the part that is wrong.
    pub fn check(&self, send: &TemplateMessage) -> Result<(), String> {
        let components = send.components.as_deref().unwrap_or(&[]);
        let find = |kind: ComponentType| components.iter().find(|c| c.type_ == kind);
        self.check_header(find(ComponentType::Header))?;
        self.check_text("body", &self.body, find(ComponentType::Body))?;
        for (index, names) in &self.url_buttons {
            let button = components.iter().find(|c| {
                c.type_ == ComponentType::Button
                    && c.index.as_ref().and_then(|i| i.as_u64()) == Some(*index)
            });
            let Some(button) = button else {
                return Err(format!(
                    "button {index} has a URL with a placeholder: send a button component with sub_type url and index {index}"
                ));
            };
            self.check_text(&format!("button {index}"), names, Some(button))?;
        }
        Ok(())
    }

    fn check_header(&self, sent: Option<&TemplateComponent>) -> Result<(), String> {
        match &self.header {
            Some(Expect::Text(names)) => self.check_text("header", names, sent),
            Some(Expect::One(kind)) => {
                let params = sent.and_then(|c| c.parameters.as_deref()).unwrap_or(&[]);
                match params {
                    [p] if p.type_.as_deref() == Some(kind.as_str()) => Ok(()),
                    _ => Err(format!(
                        "the header is a {kind}: send a header component with one {kind} parameter"
                    )),
                }
            }
            None => self.check_text("header", &[], sent),
        }
    }

    fn check_text(
        &self,
        part: &str,
        names: &[String],
        sent: Option<&TemplateComponent>,
    ) -> Result<(), String> {
        let params = sent.and_then(|c| c.parameters.as_deref()).unwrap_or(&[]);
        if self.named {
            let mut given: Vec<&str> = params
                .iter()
                .filter_map(|p| p.parameter_name.as_deref())
                .collect();
            given.sort_unstable();
            let mut wanted: Vec<&str> = names.iter().map(String::as_str).collect();
            wanted.sort_unstable();
            if given != wanted || given.len() != params.len() {
                return Err(format!(
                    "{part} expects named parameters [{}] but got [{}]",
                    wanted.join(", "),
                    given.join(", ")
                ));
            }
            return Ok(());
        }
        if params.len() != names.len() {
            let list = names
                .iter()
                .map(|n| format!("{{{{{n}}}}}"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(format!(
                "{part} expects {} parameter{}{} but {} {} given",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                if list.is_empty() {
                    String::new()
                } else {
                    format!(" ({list})")
                },
                params.len(),
                if params.len() == 1 { "was" } else { "were" },
            ));
        }
        Ok(())
    }
}

fn header_expect(c: &Value, text: &str) -> Option<Expect> {
    let format = c
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or("TEXT")
        .to_ascii_uppercase();
    match format.as_str() {
        "IMAGE" | "VIDEO" | "DOCUMENT" | "LOCATION" => Some(Expect::One(format.to_lowercase())),
        _ => {
            let names = placeholders(text);
            (!names.is_empty()).then_some(Expect::Text(names))
        }
    }
}

fn url_buttons(c: &Value) -> Vec<(u64, Vec<String>)> {
    let buttons = c.get("buttons").and_then(Value::as_array);
    buttons
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, b)| component_type(b) == "URL")
        .filter_map(|(i, b)| {
            let url = b.get("url").and_then(Value::as_str).unwrap_or("");
            let names = placeholders(url);
            (!names.is_empty()).then_some((i as u64, names))
        })
        .collect()
}

/// The body text of a send with its parameters filled in (positional `{{1}}` by position,
/// named `{{name}}` by name); placeholders without a text value stay as they are.
pub fn render_body(components: &Value, send: &TemplateMessage) -> Option<String> {
    let body = components
        .as_array()?
        .iter()
        .find(|c| component_type(c) == "BODY")?;
    let mut text = body.get("text").and_then(Value::as_str)?.to_owned();
    let params = send
        .components
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .find(|c| c.type_ == ComponentType::Body)
        .and_then(|c| c.parameters.as_deref())
        .unwrap_or(&[]);
    for (i, p) in params.iter().enumerate() {
        let Some(value) = p.text.as_deref() else {
            continue;
        };
        let name = p
            .parameter_name
            .clone()
            .unwrap_or_else(|| (i + 1).to_string());
        text = text.replace(&format!("{{{{{name}}}}}"), value);
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use meta::graph::template_message::{
        ButtonIndex, ComponentType, TemplateComponent, TemplateMessage, TemplateParameter,
    };
    use serde_json::{Map, json};

    use super::{Expected, placeholders, render_body};

    fn send(components: Vec<TemplateComponent>) -> TemplateMessage {
        let mut t = TemplateMessage::new("order_update", "en_US");
        t.components = Some(components);
        t
    }

    fn component(kind: ComponentType, params: Vec<TemplateParameter>) -> TemplateComponent {
        TemplateComponent {
            type_: kind,
            sub_type: None,
            index: None,
            parameters: Some(params),
            extra: Map::new(),
        }
    }

    #[test]
    fn placeholders_are_listed_once_in_order() {
        assert_eq!(placeholders("Hi {{1}}, {{2}} for {{1}}"), ["1", "2"]);
        assert_eq!(placeholders("Thanks {{ first_name }}!"), ["first_name"]);
        assert!(placeholders("none {{").is_empty());
    }

    #[test]
    fn positional_body_counts_must_match() {
        let def = json!([{"type": "BODY", "text": "Hi {{1}}, order {{2}} is {{3}}."}]);
        let expected = Expected::of(&def, Some("POSITIONAL"));
        let two = send(vec![TemplateComponent::body_text(&["a", "b"])]);
        let err = expected.check(&two).unwrap_err();
        assert!(
            err.contains("body expects 3 parameters ({{1}}, {{2}}, {{3}}) but 2 were given"),
            "{err}"
        );
        let three = send(vec![TemplateComponent::body_text(&["a", "b", "c"])]);
        assert!(expected.check(&three).is_ok());
    }

    #[test]
    fn named_parameters_must_name_every_placeholder() {
        let def = json!([{"type": "body", "text": "Thanks {{first_name}}, order {{order}}"}]);
        let expected = Expected::of(&def, Some("NAMED"));
        let good = send(vec![component(
            ComponentType::Body,
            vec![
                TemplateParameter::named_text("order", "1"),
                TemplateParameter::named_text("first_name", "Pablo"),
            ],
        )]);
        assert!(expected.check(&good).is_ok());
        let bad = send(vec![component(
            ComponentType::Body,
            vec![TemplateParameter::named_text("name", "Pablo")],
        )]);
        assert!(
            expected
                .check(&bad)
                .unwrap_err()
                .contains("[first_name, order]")
        );
    }

    #[test]
    fn a_media_header_needs_its_media_parameter() {
        let def = json!([{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "Hi"}]);
        let expected = Expected::of(&def, None);
        assert!(expected.check(&send(vec![])).unwrap_err().contains("image"));
        let image = TemplateParameter::of_type("image");
        let ok = send(vec![component(ComponentType::Header, vec![image])]);
        assert!(expected.check(&ok).is_ok());
    }

    #[test]
    fn parameters_for_a_part_without_placeholders_are_refused() {
        let def = json!([{"type": "BODY", "text": "Hello"}]);
        let expected = Expected::of(&def, None);
        let extra = send(vec![TemplateComponent::body_text(&["x"])]);
        assert!(
            expected
                .check(&extra)
                .unwrap_err()
                .contains("body expects 0")
        );
    }

    #[test]
    fn url_buttons_with_a_placeholder_need_their_parameter() {
        let def = json!([
            {"type": "BODY", "text": "Track it"},
            {"type": "BUTTONS", "buttons": [
                {"type": "QUICK_REPLY", "text": "Stop"},
                {"type": "URL", "text": "Track", "url": "https://x.test/t/{{1}}"}
            ]}
        ]);
        let expected = Expected::of(&def, None);
        assert!(
            expected
                .check(&send(vec![]))
                .unwrap_err()
                .contains("index 1")
        );
        let mut button = component(ComponentType::Button, vec![TemplateParameter::text("abc")]);
        button.sub_type = Some("url".to_owned());
        button.index = Some(ButtonIndex::String("1".to_owned()));
        assert!(expected.check(&send(vec![button])).is_ok());
    }

    #[test]
    fn the_body_is_rendered_with_its_parameters() {
        let def = json!([{"type": "BODY", "text": "Hi {{1}}, order {{2}}."}]);
        let s = send(vec![TemplateComponent::body_text(&["Pablo", "A-1"])]);
        assert_eq!(render_body(&def, &s).unwrap(), "Hi Pablo, order A-1.");
    }
}
