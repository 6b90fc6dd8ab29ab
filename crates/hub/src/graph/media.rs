//! Media: the URL and facts of a media id (`GET /{media_id}`), the download (bearer token
//! required, size-bounded), and upload (`POST /{phone_number_id}/media`, multipart).

use bytes::Bytes;
use meta::graph::media::{MediaInfo, UploadMediaResponse, upload_form};
use meta::graph::{GET_MEDIA, UPLOAD_MEDIA};
use reqwest::Method;

use super::{GraphClient, GraphError, error_of, read_json, retry_after_ms, send};

impl GraphClient {
    /// `GET /{media_id}?phone_number_id=…`: where to download it, and what Meta says it is.
    pub async fn media_info(
        &self,
        media_id: &str,
        phone_number_id: &str,
    ) -> Result<MediaInfo, GraphError> {
        let url = self.url(GET_MEDIA, &[("media_id", media_id)])?;
        let mut url = reqwest::Url::parse(&url).map_err(|e| GraphError::Url(e.to_string()))?;
        url.query_pairs_mut()
            .append_pair("phone_number_id", phone_number_id);
        let request = self.request(Method::GET, url.as_str())?;
        read_json(send(request).await?).await
    }

    /// Downloads a media URL with the bearer token; at most `max_bytes`. Returns the bytes and
    /// the `Content-Type`.
    pub async fn download(
        &self,
        url: &str,
        max_bytes: u64,
    ) -> Result<(Bytes, Option<String>), GraphError> {
        // Meta's download URL is not a Graph API call: the bearer token alone.
        let mut response = send(self.bearer(self.http.get(url))).await?;
        let status = response.status();
        if !status.is_success() {
            let retry_after_ms = retry_after_ms(response.headers());
            let body = response.bytes().await.unwrap_or_default();
            return Err(error_of(status, &body, retry_after_ms));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| GraphError::NoAnswer(format!("reading the media: {e}")))?
        {
            if (bytes.len() + chunk.len()) as u64 > max_bytes {
                return Err(GraphError::Decode(format!(
                    "the media is larger than {max_bytes} bytes"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok((Bytes::from(bytes), content_type))
    }

    /// Uploads `bytes` as `mime_type` for `phone_number_id`; Meta's new media id.
    pub async fn upload_media(
        &self,
        phone_number_id: &str,
        bytes: Bytes,
        mime_type: &str,
        filename: &str,
    ) -> Result<UploadMediaResponse, GraphError> {
        let url = self.url(UPLOAD_MEDIA, &[("phone_number_id", phone_number_id)])?;
        let part = reqwest::multipart::Part::stream(bytes)
            .file_name(filename.to_owned())
            .mime_str(mime_type)
            .map_err(|e| GraphError::NotSent(format!("invalid MIME type {mime_type:?}: {e}")))?;
        let form = reqwest::multipart::Form::new()
            .text(upload_form::MESSAGING_PRODUCT, "whatsapp")
            .text(upload_form::TYPE, mime_type.to_owned())
            .part(upload_form::FILE, part);
        let request = self.request(Method::POST, &url)?.multipart(form);
        read_json(send(request).await?).await
    }
}
