//! Onboarding's Graph calls (META.md §5.5, §5.6, §10.3): exchange Embedded Signup's code for a
//! business token, subscribe the app to the business account, list and read its numbers,
//! register a Cloud API number, and request the one-time coexistence syncs. Calls made for a
//! business use its own token ([`GraphClient::with_token`]).

use meta::graph::oauth::{AccessTokenQuery, AccessTokenResponse};
use meta::graph::phone_numbers::{PhoneNumber, PhoneNumberList, RegisterRequest};
use meta::graph::smb_app_data::{SmbAppDataRequest, SmbAppDataResponse, SyncType};
use meta::graph::{
    EXCHANGE_TOKEN, GET_PHONE_NUMBER, LIST_PHONE_NUMBERS, REGISTER_PHONE_NUMBER, SMB_APP_DATA,
    SUBSCRIBE_APP,
};
use reqwest::Method;
use serde_json::{Map, Value};

use super::{GraphClient, GraphError, read_json, send};

/// `url` with `pairs` appended as a percent-encoded query string.
fn with_query(url: &str, pairs: &[(&str, &str)]) -> Result<reqwest::Url, GraphError> {
    let mut url = reqwest::Url::parse(url).map_err(|e| GraphError::Url(e.to_string()))?;
    url.query_pairs_mut().extend_pairs(pairs);
    Ok(url)
}

impl GraphClient {
    /// The same client, speaking with `token` (a business's token) instead of the configured one.
    pub fn with_token(&self, token: &str) -> GraphClient {
        GraphClient {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    /// `GET /oauth/access_token?client_id&client_secret&code`: the business token for a code.
    /// Sent without a bearer token, as Meta's page shows.
    pub async fn exchange_code(
        &self,
        app_id: &str,
        app_secret: &str,
        code: &str,
    ) -> Result<AccessTokenResponse, GraphError> {
        let url = self.url(EXCHANGE_TOKEN, &[])?;
        let query = AccessTokenQuery {
            client_id: app_id.to_owned(),
            client_secret: app_secret.to_owned(),
            code: code.to_owned(),
        };
        let request = self.http.get(with_query(&url, &query.query_pairs())?);
        read_json(send(request).await?).await
    }

    /// `POST /{waba_id}/subscribed_apps`: webhooks of the business account reach this app.
    pub async fn subscribe_app(&self, waba_id: &str) -> Result<Value, GraphError> {
        let url = self.url(SUBSCRIBE_APP, &[("waba_id", waba_id)])?;
        let request = self.request(Method::POST, &url)?.json(&Map::new());
        read_json(send(request).await?).await
    }

    /// `GET /{waba_id}/phone_numbers` with the fields onboarding needs.
    pub async fn phone_numbers(&self, waba_id: &str) -> Result<PhoneNumberList, GraphError> {
        let url = self.url(LIST_PHONE_NUMBERS, &[("waba_id", waba_id)])?;
        let fields = [(
            "fields",
            "id,display_phone_number,verified_name,is_on_biz_app,platform_type,code_verification_status",
        )];
        let request = self.request(Method::GET, with_query(&url, &fields)?.as_str())?;
        read_json(send(request).await?).await
    }

    /// `GET /{phone_number_id}?fields=…`.
    pub async fn phone_number(
        &self,
        phone_number_id: &str,
        fields: &str,
    ) -> Result<PhoneNumber, GraphError> {
        let url = self.url(GET_PHONE_NUMBER, &[("phone_number_id", phone_number_id)])?;
        let request = self.request(
            Method::GET,
            with_query(&url, &[("fields", fields)])?.as_str(),
        )?;
        read_json(send(request).await?).await
    }

    /// `POST /{phone_number_id}/register` with the two-step verification PIN (Cloud API
    /// numbers only: coexistence numbers are registered on the app already).
    pub async fn register_number(
        &self,
        phone_number_id: &str,
        pin: &str,
    ) -> Result<Value, GraphError> {
        let url = self.url(
            REGISTER_PHONE_NUMBER,
            &[("phone_number_id", phone_number_id)],
        )?;
        let body = RegisterRequest {
            messaging_product: "whatsapp".to_owned(),
            pin: pin.to_owned(),
            extra: Map::new(),
        };
        let request = self.request(Method::POST, &url)?.json(&body);
        read_json(send(request).await?).await
    }

    /// `POST /{phone_number_id}/smb_app_data`: one of the once-only syncs. Callers must have
    /// recorded the request durably first; this only makes the call.
    pub async fn smb_app_data(
        &self,
        phone_number_id: &str,
        sync_type: SyncType,
    ) -> Result<SmbAppDataResponse, GraphError> {
        let url = self.url(SMB_APP_DATA, &[("phone_number_id", phone_number_id)])?;
        let body = SmbAppDataRequest::new(sync_type);
        let request = self.request(Method::POST, &url)?.json(&body);
        read_json(send(request).await?).await
    }
}
