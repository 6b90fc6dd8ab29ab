//! Template creation and review: created templates are `PENDING` until Meta's review (a timer,
//! or the control API) approves or rejects them, each with a `message_template_status_update`.

use serde_json::Value;

use crate::error::{ControlError, GraphFailure};
use crate::state::templates::Template;
use crate::webhooks::Update;
use crate::webhooks::builder::{self, TemplateStatusOut};
use crate::world::{Task, World};

/// A template creation request, as the Graph layer parsed it.
#[derive(Debug, Clone)]
pub(crate) struct NewTemplate {
    pub(crate) name: String,
    pub(crate) language: String,
    pub(crate) category: String,
    pub(crate) parameter_format: Option<String>,
    pub(crate) components: Vec<Value>,
}

const CATEGORIES: &[&str] = &["MARKETING", "UTILITY", "AUTHENTICATION"];

impl World {
    /// `POST /{waba_id}/message_templates`.
    pub(crate) fn create_template(
        &mut self,
        waba_id: &str,
        new: NewTemplate,
    ) -> Result<Template, GraphFailure> {
        if !self.wabas.contains_key(waba_id) {
            return Err(GraphFailure::unknown_object(waba_id));
        }
        let name_ok = !new.name.is_empty()
            && new.name.len() <= 512
            && new
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !name_ok {
            return Err(GraphFailure::invalid_parameter(format!(
                "Invalid parameter: template name {:?} must match ^[a-z0-9_]+$ (at most 512 characters)",
                new.name
            )));
        }
        let category = new.category.to_ascii_uppercase();
        if !CATEGORIES.contains(&category.as_str()) {
            return Err(GraphFailure::invalid_parameter(format!(
                "Invalid parameter: category {:?} must be one of MARKETING, UTILITY, AUTHENTICATION",
                new.category
            )));
        }
        if self
            .templates
            .find(waba_id, &new.name, &new.language)
            .is_some()
        {
            return Err(GraphFailure::invalid_parameter(format!(
                "Content in This Language Already Exists: {} already has a {} translation",
                new.name, new.language
            ))
            .with_subcode(2388024));
        }
        let template = Template {
            id: self.ids.numeric(16),
            waba_id: waba_id.to_owned(),
            name: new.name,
            language: new.language,
            category,
            status: "PENDING".to_owned(),
            parameter_format: new
                .parameter_format
                .unwrap_or_else(|| "positional".to_owned())
                .to_ascii_uppercase(),
            components: new.components.into_iter().map(uppercase_type).collect(),
            created_at: self.now,
        };
        self.templates.insert(template.clone());
        if let Some(delay) = self.cfg.template_review_ms {
            self.tasks.push(
                self.now + delay,
                Task::TemplateReview {
                    template_id: template.id.clone(),
                },
            );
        }
        Ok(template)
    }

    /// Meta's review: approve, or reject with a reason. Only `PENDING` templates are reviewed.
    pub(crate) fn review_template(
        &mut self,
        template_id: &str,
        approve: bool,
        reason: Option<&str>,
    ) -> Result<(), ControlError> {
        let now_s = self.now_s();
        let template =
            self.templates.items.get_mut(template_id).ok_or_else(|| {
                ControlError::not_found(format!("unknown template {template_id}"))
            })?;
        if template.status != "PENDING" {
            return Err(ControlError::conflict(format!(
                "template {template_id} is {}, not PENDING",
                template.status
            )));
        }
        let (event, reason) = if approve {
            ("APPROVED", "NONE".to_owned())
        } else {
            ("REJECTED", reason.unwrap_or("INVALID_FORMAT").to_owned())
        };
        template.status = event.to_owned();
        let rejection = (reason == "INVALID_FORMAT").then(|| {
            (
                "Your template has parameters placed next to each other without text or punctuation between them.".to_owned(),
                "Separate parameters with descriptive text and ensure each parameter is clearly contextualized.".to_owned(),
            )
        });
        let value = TemplateStatusOut {
            event: event.to_owned(),
            template_id: template.id.parse().unwrap_or(0),
            name: template.name.clone(),
            language: template.language.clone(),
            reason,
            category: template.category.clone(),
            rejection,
        };
        let update = Update {
            entry_id: template.waba_id.clone(),
            phone_number_id: None,
            entry_time_s: Some(now_s),
            change: builder::template_status(&value),
            batchable: true,
        };
        self.emit(update);
        Ok(())
    }
}

/// Meta answers components with uppercase `type`s whatever case they were created with.
fn uppercase_type(mut component: Value) -> Value {
    if let Some(kind) = component.get("type").and_then(Value::as_str) {
        let upper = kind.to_ascii_uppercase();
        component["type"] = Value::String(upper);
    }
    component
}
