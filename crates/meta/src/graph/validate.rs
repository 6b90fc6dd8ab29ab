//! Send-side validation as Meta does it (META.md §6.2, §7.6, §7.7): a pure check of a
//! [`SendMessageRequest`] that returns the Meta error ([`Rejection`]) to answer with. Both the sandbox (to
//! reject like Meta) and the hub (to fail fast) call it.
//!
//! Codes: a required parameter missing → 131008; a value out of bounds (length, count,
//! duplicate, both `id` and `link`, reaction as a reply) → 131009; an unknown `type` → 100.
//! `error_data.details` is one sentence naming the field, e.g. "Parameter text.body is too
//! long: 4097 characters, maximum 4096." Lengths count Unicode characters.

use std::collections::BTreeSet;

use crate::error::{ErrorCode, Rejection};
use crate::graph::interactive::{
    InteractiveHeader, InteractiveMessage, InteractiveType, ListSection, ReplyButton,
};
use crate::graph::send::{OutboundContent, RecipientType, SendMessageRequest};
use crate::graph::template_message::TemplateMessage;
use crate::webhook::content::{ContactCard, Media};

/// Text and count limits of the send API.
pub mod limits {
    /// `text.body`.
    pub const TEXT_BODY_MAX: usize = 4096;
    /// Media `caption` (image, video, document).
    pub const CAPTION_MAX: usize = 1024;
    /// Reply buttons per message.
    pub const BUTTONS_MAX: usize = 3;
    /// Reply button title.
    pub const BUTTON_TITLE_MAX: usize = 20;
    /// Reply button id.
    pub const BUTTON_ID_MAX: usize = 256;
    /// Body of a reply-button message.
    pub const BUTTON_BODY_MAX: usize = 1024;
    /// Body of a list message (and of other interactive types).
    pub const LIST_BODY_MAX: usize = 4096;
    /// Interactive text header.
    pub const HEADER_TEXT_MAX: usize = 60;
    /// Interactive footer.
    pub const FOOTER_TEXT_MAX: usize = 60;
    /// `action.button` of a list.
    pub const LIST_BUTTON_MAX: usize = 20;
    /// Sections per list.
    pub const LIST_SECTIONS_MAX: usize = 10;
    /// Rows across all sections of a list.
    pub const LIST_ROWS_MAX: usize = 10;
    /// Section title.
    pub const SECTION_TITLE_MAX: usize = 24;
    /// Row id.
    pub const ROW_ID_MAX: usize = 200;
    /// Row title.
    pub const ROW_TITLE_MAX: usize = 24;
    /// Row description.
    pub const ROW_DESCRIPTION_MAX: usize = 72;
}

use limits::{
    BUTTON_BODY_MAX, BUTTON_ID_MAX, BUTTON_TITLE_MAX, BUTTONS_MAX, CAPTION_MAX, FOOTER_TEXT_MAX,
    HEADER_TEXT_MAX, LIST_BODY_MAX, LIST_BUTTON_MAX, LIST_ROWS_MAX, LIST_SECTIONS_MAX,
    ROW_DESCRIPTION_MAX, ROW_ID_MAX, ROW_TITLE_MAX, SECTION_TITLE_MAX, TEXT_BODY_MAX,
};

type Check = Result<(), Rejection>;

impl SendMessageRequest {
    /// Validates this request; see [`validate`].
    pub fn validate(&self) -> Check {
        validate(self)
    }
}

/// Checks `request` as Meta's send endpoint does and returns the first problem as Meta's
/// error object.
pub fn validate(request: &SendMessageRequest) -> Check {
    match request.messaging_product.as_deref() {
        None => return Err(missing("messaging_product")),
        Some("whatsapp") => {}
        Some(other) => {
            return Err(invalid(format!(
                "Parameter messaging_product must be \"whatsapp\", got {other:?}."
            )));
        }
    }
    if let Some(RecipientType::Other(other)) = &request.recipient_type {
        return Err(invalid(format!(
            "Parameter recipient_type must be \"individual\" or \"group\", got {other:?}."
        )));
    }
    required_text(request.to.as_deref(), "to")?;
    if request
        .context
        .as_ref()
        .is_some_and(|c| c.message_id.is_none())
    {
        return Err(missing("context.message_id"));
    }
    let content = request.content.as_ref().ok_or_else(|| missing("type"))?;
    if request.context.is_some() && matches!(content, OutboundContent::Reaction(_)) {
        return Err(invalid(
            "A reaction cannot be sent as a reply: remove context.".to_owned(),
        ));
    }
    validate_content(content)
}

fn validate_content(content: &OutboundContent) -> Check {
    match content {
        OutboundContent::Text(text) => {
            let body = required_text(Some(&text.body), "text.body")?;
            max_len("text.body", body, TEXT_BODY_MAX)
        }
        OutboundContent::Image(m) => validate_media("image", m, true),
        OutboundContent::Video(m) => validate_media("video", m, true),
        OutboundContent::Document(m) => validate_media("document", m, true),
        OutboundContent::Audio(m) => validate_media("audio", m, false),
        OutboundContent::Sticker(m) => validate_media("sticker", m, false),
        OutboundContent::Interactive(i) => validate_interactive(i),
        OutboundContent::Reaction(r) => r
            .message_id
            .as_ref()
            .map(|_| ())
            .ok_or_else(|| missing("reaction.message_id")),
        OutboundContent::Template(t) => validate_template(t),
        OutboundContent::Contacts(cards) => validate_contacts(cards),
        OutboundContent::Location(_) => Ok(()),
        OutboundContent::Missing { type_name } => Err(missing(type_name)),
        OutboundContent::Unknown { type_name, .. } => Err(Rejection::new(
            ErrorCode::InvalidParameter,
            format!("Parameter type has an unsupported value {type_name:?}."),
        )),
    }
}

fn validate_media(kind: &str, media: &Media, captioned: bool) -> Check {
    match (&media.id, &media.link) {
        (None, None) => return Err(missing(&format!("{kind}.id or {kind}.link"))),
        (Some(_), Some(_)) => {
            return Err(invalid(format!(
                "Only one of {kind}.id and {kind}.link may be given."
            )));
        }
        _ => {}
    }
    match (&media.caption, captioned) {
        (Some(caption), true) => max_len(&format!("{kind}.caption"), caption, CAPTION_MAX),
        _ => Ok(()),
    }
}

fn validate_interactive(message: &InteractiveMessage) -> Check {
    let body_max = match message.type_ {
        InteractiveType::Button => BUTTON_BODY_MAX,
        _ => LIST_BODY_MAX,
    };
    let needs_body = matches!(
        message.type_,
        InteractiveType::Button | InteractiveType::List
    );
    match message.body.as_ref().and_then(|b| b.text.as_deref()) {
        Some(text) => max_len(
            "interactive.body.text",
            required_text(Some(text), "interactive.body.text")?,
            body_max,
        )?,
        None if needs_body => return Err(missing("interactive.body.text")),
        None => {}
    }
    if let Some(footer) = message.footer.as_ref().and_then(|f| f.text.as_deref()) {
        max_len("interactive.footer.text", footer, FOOTER_TEXT_MAX)?;
    }
    if let Some(header) = &message.header {
        validate_header(header)?;
    }
    match message.type_ {
        InteractiveType::Button => validate_buttons(message),
        InteractiveType::List => validate_list(message),
        _ => Ok(()),
    }
}

fn validate_header(header: &InteractiveHeader) -> Check {
    match header.type_.as_deref() {
        None => Err(missing("interactive.header.type")),
        Some("text") => {
            let text = required_text(header.text.as_deref(), "interactive.header.text")?;
            max_len("interactive.header.text", text, HEADER_TEXT_MAX)
        }
        Some(kind @ ("image" | "video" | "document")) => {
            let media = match kind {
                "image" => &header.image,
                "video" => &header.video,
                _ => &header.document,
            };
            let field = format!("interactive.header.{kind}");
            validate_media(
                &field,
                media.as_ref().ok_or_else(|| missing(&field))?,
                false,
            )
        }
        Some(other) => Err(invalid(format!(
            "Parameter interactive.header.type has an unsupported value {other:?}."
        ))),
    }
}

fn validate_buttons(message: &InteractiveMessage) -> Check {
    let action = message
        .action
        .as_ref()
        .ok_or_else(|| missing("interactive.action"))?;
    let buttons = action.buttons.as_deref().filter(|b| !b.is_empty());
    let buttons = buttons.ok_or_else(|| missing("interactive.action.buttons"))?;
    if buttons.len() > BUTTONS_MAX {
        return Err(invalid(format!(
            "Parameter interactive.action.buttons has {} buttons, maximum {BUTTONS_MAX}.",
            buttons.len()
        )));
    }
    let (mut titles, mut ids) = (BTreeSet::new(), BTreeSet::new());
    for (i, button) in buttons.iter().enumerate() {
        let (id, title) = button_fields(button, i)?;
        if !titles.insert(title) {
            return Err(invalid(format!(
                "Button titles must be unique: {title:?} appears twice."
            )));
        }
        if !ids.insert(id) {
            return Err(invalid(format!(
                "Button ids must be unique: {id:?} appears twice."
            )));
        }
    }
    Ok(())
}

fn button_fields(button: &ReplyButton, i: usize) -> Result<(&str, &str), Rejection> {
    let field = format!("interactive.action.buttons[{i}].reply");
    let reply = button.reply.as_ref().ok_or_else(|| missing(&field))?;
    let id = required_text(reply.id.as_deref(), &format!("{field}.id"))?;
    let title = required_text(reply.title.as_deref(), &format!("{field}.title"))?;
    max_len(&format!("{field}.id"), id, BUTTON_ID_MAX)?;
    max_len(&format!("{field}.title"), title, BUTTON_TITLE_MAX)?;
    Ok((id, title))
}

fn validate_list(message: &InteractiveMessage) -> Check {
    let action = message
        .action
        .as_ref()
        .ok_or_else(|| missing("interactive.action"))?;
    let button = required_text(action.button.as_deref(), "interactive.action.button")?;
    max_len("interactive.action.button", button, LIST_BUTTON_MAX)?;
    let sections = action.sections.as_deref().filter(|s| !s.is_empty());
    let sections = sections.ok_or_else(|| missing("interactive.action.sections"))?;
    if sections.len() > LIST_SECTIONS_MAX {
        return Err(invalid(format!(
            "Parameter interactive.action.sections has {} sections, maximum {LIST_SECTIONS_MAX}.",
            sections.len()
        )));
    }
    let rows: usize = sections
        .iter()
        .map(|s| s.rows.as_ref().map_or(0, Vec::len))
        .sum();
    if rows > LIST_ROWS_MAX {
        return Err(invalid(format!(
            "Parameter interactive.action.sections has {rows} rows in total, maximum {LIST_ROWS_MAX}."
        )));
    }
    let mut ids = BTreeSet::new();
    for (i, section) in sections.iter().enumerate() {
        validate_section(section, i, &mut ids)?;
    }
    Ok(())
}

fn validate_section<'a>(section: &'a ListSection, i: usize, ids: &mut BTreeSet<&'a str>) -> Check {
    let field = format!("interactive.action.sections[{i}]");
    if let Some(title) = &section.title {
        max_len(&format!("{field}.title"), title, SECTION_TITLE_MAX)?;
    }
    let rows = section.rows.as_deref().filter(|r| !r.is_empty());
    let rows = rows.ok_or_else(|| missing(&format!("{field}.rows")))?;
    for (j, row) in rows.iter().enumerate() {
        let row_field = format!("{field}.rows[{j}]");
        let id = required_text(row.id.as_deref(), &format!("{row_field}.id"))?;
        max_len(&format!("{row_field}.id"), id, ROW_ID_MAX)?;
        let title = required_text(row.title.as_deref(), &format!("{row_field}.title"))?;
        max_len(&format!("{row_field}.title"), title, ROW_TITLE_MAX)?;
        if let Some(description) = &row.description {
            max_len(
                &format!("{row_field}.description"),
                description,
                ROW_DESCRIPTION_MAX,
            )?;
        }
        if !ids.insert(id) {
            return Err(invalid(format!(
                "Row ids must be unique: {id:?} appears twice."
            )));
        }
    }
    Ok(())
}

fn validate_template(template: &TemplateMessage) -> Check {
    required_text(template.name.as_deref(), "template.name")?;
    let code = template.language.as_ref().and_then(|l| l.code.as_deref());
    required_text(code, "template.language.code")?;
    for (i, component) in template.components.iter().flatten().enumerate() {
        for (j, parameter) in component.parameters.iter().flatten().enumerate() {
            let field = format!("template.components[{i}].parameters[{j}]");
            let kind = required_text(parameter.type_.as_deref(), &format!("{field}.type"))?;
            if kind == "text" {
                required_text(parameter.text.as_deref(), &format!("{field}.text"))?;
            }
        }
    }
    Ok(())
}

fn validate_contacts(cards: &[ContactCard]) -> Check {
    if cards.is_empty() {
        return Err(missing("contacts"));
    }
    for (i, card) in cards.iter().enumerate() {
        let formatted = card.name.as_ref().and_then(|n| n.formatted_name.as_deref());
        required_text(formatted, &format!("contacts[{i}].name.formatted_name"))?;
    }
    Ok(())
}

/// A present, non-empty string, or 131008 naming `field`.
fn required_text<'a>(value: Option<&'a str>, field: &str) -> Result<&'a str, Rejection> {
    value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| missing(field))
}

fn max_len(field: &str, value: &str, max: usize) -> Check {
    let len = value.chars().count();
    if len > max {
        return Err(invalid(format!(
            "Parameter {field} is too long: {len} characters, maximum {max}."
        )));
    }
    Ok(())
}

fn missing(field: &str) -> Rejection {
    Rejection::new(
        ErrorCode::RequiredParameterMissing,
        format!("The parameter {field} is required."),
    )
}

fn invalid(details: String) -> Rejection {
    Rejection::new(ErrorCode::InvalidParameterValue, details)
}
