//! Templates from the business account: synced (at start, periodically, on request) with
//! `GET /{waba-id}/message_templates`, kept current between syncs by the
//! `message_template_status_update` webhooks that ingest already applies to the same table, and
//! created with `POST /{waba-id}/message_templates`.

use std::collections::BTreeSet;

use coexist_core::ids::OrgId;
use coexist_core::store::{StoreError, TemplateDefinition, TemplateFilter, TemplateRecord};
use meta::graph::templates::{Template, is_valid_template_name};
use serde::Serialize;
use serde_json::Value;

use super::Sending;
use crate::graph::GraphError;

/// Why templates could not be synced or created.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The request is not a template Meta would take; says what is wrong.
    #[error("{0}")]
    Invalid(String),
    /// No WABA to work on.
    #[error("{0}")]
    NoWaba(String),
    /// Meta refused, or could not be reached.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// The business accounts synced.
    pub wabas: Vec<String>,
    /// Templates stored or updated.
    pub templates: u64,
    /// Accounts whose listing failed, with why.
    pub errors: Vec<String>,
}

fn definition(t: Template) -> Option<TemplateDefinition> {
    Some(TemplateDefinition {
        id: t.id?.as_str().to_owned(),
        name: t.name?,
        language: t.language?,
        category: t.category.map(|c| c.as_str().to_owned()),
        status: t.status.map(|s| s.as_str().to_owned()),
        parameter_format: t.parameter_format,
        components: serde_json::to_value(t.components.unwrap_or_default()).unwrap_or(Value::Null),
    })
}

impl Sending {
    /// The WABAs of the organization's numbers.
    async fn wabas(&self, org: OrgId) -> Result<BTreeSet<String>, StoreError> {
        let numbers = self.store.list_numbers(org).await?;
        Ok(numbers.into_iter().filter_map(|n| n.waba_id).collect())
    }

    /// Lists every WABA's templates and stores them. A WABA whose listing fails is reported
    /// and the others are still synced.
    pub async fn sync_templates(&self, org: OrgId) -> Result<SyncReport, StoreError> {
        let mut report = SyncReport::default();
        for waba in self.wabas(org).await? {
            match self.graph.list_templates(&waba).await {
                Ok(list) => {
                    let defs: Vec<_> = list.into_iter().filter_map(definition).collect();
                    let now = self.clock.now();
                    report.templates += self.store.upsert_templates(org, &waba, defs, now).await?;
                    report.wabas.push(waba);
                }
                Err(e) => {
                    tracing::warn!(%waba, error = %e, "template sync failed");
                    report.errors.push(format!("{waba}: {e}"));
                }
            }
        }
        Ok(report)
    }

    /// Creates and submits a template (Meta's create body) on `waba_id` (or the organization's
    /// only WABA); answers the stored template, usually `PENDING`.
    pub async fn create_template(
        &self,
        org: OrgId,
        waba_id: Option<String>,
        body: Value,
    ) -> Result<TemplateRecord, TemplateError> {
        let wabas = self.wabas(org).await?;
        let waba = match waba_id {
            Some(w) if wabas.contains(&w) => w,
            Some(w) => {
                return Err(TemplateError::NoWaba(format!(
                    "business account {w} has no number in this organization"
                )));
            }
            None if wabas.len() == 1 => wabas.into_iter().next().unwrap_or_default(),
            None => {
                return Err(TemplateError::NoWaba(
                    "say which business account: pass waba_id (the organization has none or several)".to_owned(),
                ));
            }
        };
        let (name, language) = check_create(&body)?;
        let created = self.graph.create_template(&waba, &body).await?;
        let def = TemplateDefinition {
            id: created.id.as_str().to_owned(),
            name: name.clone(),
            language: language.clone(),
            category: created
                .category
                .map(|c| c.as_str().to_owned())
                .or_else(|| body["category"].as_str().map(str::to_owned)),
            status: Some(
                created
                    .status
                    .map_or_else(|| "PENDING".to_owned(), |s| s.as_str().to_owned()),
            ),
            parameter_format: body["parameter_format"].as_str().map(str::to_owned),
            components: uppercase_types(body["components"].clone()),
        };
        self.store
            .upsert_templates(org, &waba, vec![def], self.clock.now())
            .await?;
        let found = self
            .store
            .find_template(org, &waba, &name, &language)
            .await?;
        found.ok_or(TemplateError::Store(StoreError::NotFound))
    }

    /// Templates, optionally of one number's WABA and with one status.
    pub async fn list_templates(
        &self,
        org: OrgId,
        waba_id: Option<String>,
        status: Option<String>,
    ) -> Result<Vec<TemplateRecord>, StoreError> {
        let filter = TemplateFilter { waba_id, status };
        self.store.list_templates(org, filter).await
    }
}

/// Meta's rules a create body must meet before it is worth a Graph call (META.md §8.1).
fn check_create(body: &Value) -> Result<(String, String), TemplateError> {
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    let name = text("name").ok_or_else(|| TemplateError::Invalid("name is required".to_owned()))?;
    if !is_valid_template_name(&name) {
        return Err(TemplateError::Invalid(format!(
            "name {name:?} must be lowercase letters, digits and underscores (at most 512)"
        )));
    }
    let language = text("language")
        .ok_or_else(|| TemplateError::Invalid("language is required (e.g. en_US)".to_owned()))?;
    let category = text("category").unwrap_or_default().to_ascii_uppercase();
    if !matches!(
        category.as_str(),
        "MARKETING" | "UTILITY" | "AUTHENTICATION"
    ) {
        return Err(TemplateError::Invalid(
            "category must be MARKETING, UTILITY or AUTHENTICATION".to_owned(),
        ));
    }
    if !body.get("components").is_some_and(Value::is_array) {
        return Err(TemplateError::Invalid(
            "components must be an array".to_owned(),
        ));
    }
    Ok((name, language))
}

/// Meta lists component types in upper case whatever case they were created in.
fn uppercase_types(mut components: Value) -> Value {
    for c in components.as_array_mut().into_iter().flatten() {
        if let Some(kind) = c.get("type").and_then(Value::as_str) {
            let upper = kind.to_ascii_uppercase();
            c["type"] = Value::String(upper);
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{check_create, uppercase_types};

    #[test]
    fn create_bodies_are_checked_before_meta_sees_them() {
        let good = json!({"name": "order_confirmation", "language": "en_US", "category": "utility",
                          "components": [{"type": "body", "text": "Hi {{1}}"}]});
        assert_eq!(check_create(&good).unwrap().0, "order_confirmation");
        let bad_name = json!({"name": "Order Confirmation", "language": "en_US", "category": "utility", "components": []});
        assert!(
            check_create(&bad_name)
                .unwrap_err()
                .to_string()
                .contains("lowercase")
        );
        let bad_category =
            json!({"name": "a", "language": "en_US", "category": "promo", "components": []});
        assert!(
            check_create(&bad_category)
                .unwrap_err()
                .to_string()
                .contains("category")
        );
        let no_components = json!({"name": "a", "language": "en_US", "category": "utility"});
        assert!(check_create(&no_components).is_err());
    }

    #[test]
    fn component_types_are_stored_in_upper_case() {
        let c = uppercase_types(json!([{"type": "body", "text": "x"}]));
        assert_eq!(c[0]["type"], "BODY");
    }
}
