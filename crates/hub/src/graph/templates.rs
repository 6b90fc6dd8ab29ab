//! Template management: list (`GET /{waba_id}/message_templates`, following `paging.next`) and
//! create (`POST /{waba_id}/message_templates`).

use meta::graph::templates::{CreateTemplateResponse, Template, TemplateList};
use meta::graph::{CREATE_TEMPLATE, LIST_TEMPLATES};
use reqwest::Method;
use serde_json::Value;

use super::{GraphClient, GraphError, read_json, send};

/// The most pages one listing follows (Meta pages 25 by default; 40 pages is 1,000 templates,
/// beyond Meta's per-WABA maximum for unverified businesses).
const MAX_PAGES: usize = 40;

impl GraphClient {
    /// Every template of `waba_id`.
    pub async fn list_templates(&self, waba_id: &str) -> Result<Vec<Template>, GraphError> {
        let mut url = self.url(LIST_TEMPLATES, &[("waba_id", waba_id)])?;
        url.push_str("?limit=100");
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let request = self.request(Method::GET, &url)?;
            let page: TemplateList = read_json(send(request).await?).await?;
            let empty = page.data.is_empty();
            all.extend(page.data);
            match page.paging.and_then(|p| p.next) {
                Some(next) if !empty => url = next,
                _ => break,
            }
        }
        Ok(all)
    }

    /// Creates a template (Meta's create body) for review.
    pub async fn create_template(
        &self,
        waba_id: &str,
        body: &Value,
    ) -> Result<CreateTemplateResponse, GraphError> {
        let url = self.url(CREATE_TEMPLATE, &[("waba_id", waba_id)])?;
        let request = self.request(Method::POST, &url)?.json(body);
        read_json(send(request).await?).await
    }
}
