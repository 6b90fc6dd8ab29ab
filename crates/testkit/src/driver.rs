//! [`SandboxDriver`]: the sandbox's control API as typed Rust calls, in-process (no socket), plus
//! the Graph API calls a hub would make, for tests that stand in for parts of the hub.
//!
//! ```ignore
//! let wamid = app.sandbox.customer("16505550101").says("hi").await?;
//! app.sandbox.phone().echo("16505550101", "typed on the phone").await?;
//! app.sandbox.advance(60).await;
//! ```

use std::sync::Arc;

use coexist_core::time::Timestamp;
use hub::clock::ManualClock;
use sandbox::{ControlResponse, Faults, NumberInfo, NumberMode, SandboxHandle};
use serde_json::{Value, json};

use crate::deliveries::DeliveryLog;

/// A control or Graph call the sandbox refused: its HTTP status and JSON body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the sandbox answered {status}: {body}")]
pub struct SandboxError {
    /// HTTP status.
    pub status: u16,
    /// The JSON body (`{"error": {...}}`).
    pub body: Value,
}

/// What a driver call returns: the JSON answer, or why the sandbox refused.
pub type SandboxResult<T = Value> = Result<T, SandboxError>;

fn ok(response: ControlResponse) -> SandboxResult {
    if response.is_ok() {
        Ok(response.body)
    } else {
        Err(SandboxError {
            status: response.status,
            body: response.body,
        })
    }
}

/// The `wamid` of a control answer.
fn wamid_of(body: &Value) -> SandboxResult<String> {
    body.get("wamid")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| SandboxError {
            status: 200,
            body: json!({"error": {"message": "no wamid in the answer"}, "answer": body}),
        })
}

/// Drives an in-process sandbox. Every call that changes something delivers the webhooks it
/// caused (and anything else due) before it returns, so tests never sleep.
pub struct SandboxDriver {
    handle: SandboxHandle,
    clock: Arc<ManualClock>,
    http: reqwest::Client,
    access_token: String,
}

impl SandboxDriver {
    pub(crate) fn new(handle: SandboxHandle, clock: Arc<ManualClock>, access_token: &str) -> Self {
        SandboxDriver {
            handle,
            clock,
            http: reqwest::Client::new(),
            access_token: access_token.to_owned(),
        }
    }

    /// The sandbox itself, for anything the driver does not wrap.
    pub fn handle(&self) -> &SandboxHandle {
        &self.handle
    }

    /// Calls any control endpoint (`path` relative to `/_sandbox`).
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> SandboxResult {
        ok(self.handle.control(method, path, body).await)
    }

    /// POSTs `body` to a control `path` that answers with the wamid of the message it made.
    async fn post_for_wamid(&self, path: &str, body: Value) -> SandboxResult<String> {
        wamid_of(&self.control("POST", path, Some(body)).await?)
    }

    /// Every number the sandbox created.
    pub fn numbers(&self) -> &[NumberInfo] {
        self.handle.numbers()
    }

    /// The first coexistence number's phone number id.
    pub fn coexistence_number(&self) -> String {
        self.number_of(NumberMode::Coexistence)
    }

    /// The first Cloud-API-only number's phone number id.
    pub fn cloud_number(&self) -> String {
        self.number_of(NumberMode::CloudApi)
    }

    fn number_of(&self, mode: NumberMode) -> String {
        self.handle
            .number(mode)
            .unwrap_or_else(|| panic!("the sandbox has no {mode:?} number"))
            .phone_number_id
            .clone()
    }

    /// The display phone number (digits) of a number.
    pub fn display_number(&self, phone_number_id: &str) -> String {
        self.numbers()
            .iter()
            .find(|n| n.phone_number_id == phone_number_id)
            .unwrap_or_else(|| panic!("the sandbox has no number {phone_number_id}"))
            .display_phone_number
            .clone()
    }

    /// A customer writing to the coexistence number (`.on(..)` picks another number).
    pub fn customer(&self, wa_id: &str) -> Customer<'_> {
        Customer {
            driver: self,
            wa_id: wa_id.to_owned(),
            number: self.coexistence_number(),
        }
    }

    /// The owner's WhatsApp Business App on the coexistence number.
    pub fn phone(&self) -> Phone<'_> {
        self.phone_of(&self.coexistence_number())
    }

    /// The phone app of a given number.
    pub fn phone_of(&self, phone_number_id: &str) -> Phone<'_> {
        Phone {
            driver: self,
            number: phone_number_id.to_owned(),
        }
    }

    /// Sandbox time, Unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.handle.now_ms()
    }

    /// Moves both clocks (the sandbox's and the hub's) forward and delivers everything that
    /// became due, in order. Returns the new time in Unix milliseconds.
    pub async fn advance(&self, seconds: u64) -> u64 {
        self.advance_ms(seconds.saturating_mul(1_000)).await
    }

    /// Like [`SandboxDriver::advance`] in milliseconds.
    pub async fn advance_ms(&self, ms: u64) -> u64 {
        // The hub's clock moves first: deliveries made during the advance happen at its end.
        let target = self.handle.now_ms().saturating_add(ms);
        self.clock.set(Timestamp(target as i64));
        let body = json!({"seconds": ms as f64 / 1_000.0});
        let answer = self.control("POST", "/clock/advance", Some(body)).await;
        answer.expect("advancing the sandbox clock");
        let now = self.handle.now_ms();
        self.clock.set(Timestamp(now as i64));
        now
    }

    /// Delivers everything due now and waits until it is done.
    pub async fn flush(&self) {
        self.handle.flush().await;
    }

    /// Sets delivery faults (every field: use `..Faults::default()` for the rest).
    pub async fn faults(&self, faults: &Faults) -> SandboxResult {
        let patch = serde_json::to_value(faults).expect("faults serialize");
        self.control("POST", "/faults", Some(patch)).await
    }

    /// Changes run-time settings (`/_sandbox/settings`, deep-merged), e.g.
    /// `json!({"delivery": {"retry_schedule_ms": [30000, 120000]}})`.
    pub async fn settings(&self, patch: Value) -> SandboxResult {
        self.control("POST", "/settings", Some(patch)).await
    }

    /// Every webhook delivery and attempt so far.
    pub async fn deliveries(&self) -> DeliveryLog {
        self.deliveries_since(0).await
    }

    /// Deliveries with an id above `since`, and their attempts.
    pub async fn deliveries_since(&self, since: u64) -> DeliveryLog {
        let body = self
            .control("GET", &format!("/webhooks/deliveries?since={since}"), None)
            .await
            .expect("the deliveries log");
        serde_json::from_value(body).expect("the deliveries log has the documented shape")
    }

    /// Everything the Graph API was asked to send (`/_sandbox/sent`).
    pub async fn sent(&self) -> Value {
        self.handle.sent().await
    }

    /// The sandbox's whole state (`/_sandbox/state`).
    pub async fn state(&self) -> Value {
        self.handle.state().await
    }

    /// Onboards a number (starts its 24-hour sync window).
    pub async fn onboard(&self, phone_number_id: &str) -> SandboxResult {
        let path = format!("/numbers/{phone_number_id}/onboard");
        self.control("POST", &path, None).await
    }

    /// The owner disconnects the number in the app (`account_update` PARTNER_REMOVED).
    pub async fn disconnect(&self, phone_number_id: &str) -> SandboxResult {
        let path = format!("/numbers/{phone_number_id}/disconnect");
        self.control("POST", &path, None).await
    }

    /// Reconnects a disconnected number.
    pub async fn reconnect(&self, phone_number_id: &str) -> SandboxResult {
        let path = format!("/numbers/{phone_number_id}/reconnect");
        self.control("POST", &path, None).await
    }

    /// Emits a status for an API send now, whatever the lattice says (Meta may reorder).
    pub async fn force_status(&self, wamid: &str, status: &str) -> SandboxResult {
        let body = json!({"status": status});
        let path = format!("/messages/{wamid}/status");
        self.control("POST", &path, Some(body)).await
    }

    /// A Graph API call with the access token, as the hub makes them: `(status, body)`.
    pub async fn graph(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.handle.graph_base_url());
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(&self.access_token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .expect("the sandbox's Graph API answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Sends a text through the Graph API as the hub's outbox would; returns the wamid. Its
    /// statuses follow on the sandbox's timings.
    pub async fn api_send_text(
        &self,
        phone_number_id: &str,
        to: &str,
        text: &str,
    ) -> SandboxResult<String> {
        let body = json!({"messaging_product": "whatsapp", "recipient_type": "individual",
                          "to": to, "type": "text", "text": {"body": text}});
        let path = format!("/{phone_number_id}/messages");
        let (status, answer) = self.graph("POST", &path, Some(body)).await;
        // Graph calls deliver their webhooks right after answering: wait for them.
        self.flush().await;
        match answer["messages"][0]["id"].as_str() {
            Some(wamid) if status == 200 => Ok(wamid.to_owned()),
            _ => Err(SandboxError {
                status,
                body: answer,
            }),
        }
    }

    /// Requests the one-shot `smb_app_data` export (`"history"` or `"smb_app_state_sync"`).
    pub async fn request_sync(&self, phone_number_id: &str, sync_type: &str) -> SandboxResult {
        let body = json!({"messaging_product": "whatsapp", "sync_type": sync_type});
        let path = format!("/{phone_number_id}/smb_app_data");
        let (status, answer) = self.graph("POST", &path, Some(body)).await;
        self.flush().await;
        if status == 200 {
            Ok(answer)
        } else {
            Err(SandboxError {
                status,
                body: answer,
            })
        }
    }
}

/// A customer (a WhatsApp user) writing to one business number.
pub struct Customer<'a> {
    driver: &'a SandboxDriver,
    wa_id: String,
    number: String,
}

impl Customer<'_> {
    /// The same customer writing to another number.
    pub fn on(mut self, phone_number_id: &str) -> Self {
        self.number = phone_number_id.to_owned();
        self
    }

    fn path(&self, action: &str) -> String {
        format!("/customers/{}/{action}", self.wa_id)
    }

    /// Sends any inbound content (`{"type": .., "<type>": {..}}`, optional `context`); returns
    /// the wamid.
    pub async fn sends(&self, message: Value) -> SandboxResult<String> {
        let body = json!({"phone_number_id": self.number, "message": message});
        self.driver.post_for_wamid(&self.path("send"), body).await
    }

    /// Writes a text.
    pub async fn says(&self, text: &str) -> SandboxResult<String> {
        self.sends(json!({"type": "text", "text": {"body": text}}))
            .await
    }

    /// Replies to `wamid` (a message of the business) with a text.
    pub async fn replies(&self, wamid: &str, text: &str) -> SandboxResult<String> {
        let from = self.driver.display_number(&self.number);
        let message = json!({"type": "text", "text": {"body": text},
                             "context": {"from": from, "id": wamid}});
        self.sends(message).await
    }

    /// Reacts to `wamid` with an emoji.
    pub async fn reacts(&self, wamid: &str, emoji: &str) -> SandboxResult<String> {
        self.sends(json!({"type": "reaction", "reaction": {"message_id": wamid, "emoji": emoji}}))
            .await
    }

    /// Sends an image with a caption.
    pub async fn sends_image(&self, caption: &str) -> SandboxResult<String> {
        self.sends(json!({"type": "image", "image": {"caption": caption}}))
            .await
    }

    /// Edits one of their texts (Meta allows 15 minutes).
    pub async fn edits(&self, wamid: &str, text: &str) -> SandboxResult<String> {
        let body = json!({"phone_number_id": self.number, "message_id": wamid,
                          "message": {"type": "text", "text": {"body": text}}});
        self.driver.post_for_wamid(&self.path("edit"), body).await
    }

    /// Deletes one of their messages for everyone (Meta allows two days).
    pub async fn revokes(&self, wamid: &str) -> SandboxResult<String> {
        let body = json!({"phone_number_id": self.number, "message_id": wamid});
        self.driver.post_for_wamid(&self.path("revoke"), body).await
    }

    /// Reads the business's API messages (read receipts): all unread ones.
    pub async fn reads_everything(&self) -> SandboxResult {
        let body = json!({"phone_number_id": self.number});
        self.driver
            .control("POST", &self.path("read"), Some(body))
            .await
    }

    /// Changes their WhatsApp profile name (used by later webhooks).
    pub async fn renames(&self, name: &str) -> SandboxResult {
        let body = json!({"name": name});
        self.driver
            .control("POST", &self.path("profile"), Some(body))
            .await
    }
}

/// The owner using the WhatsApp Business App of one coexistence number.
pub struct Phone<'a> {
    driver: &'a SandboxDriver,
    number: String,
}

impl Phone<'_> {
    fn path(&self, action: &str) -> String {
        format!("/phones/{}/{action}", self.number)
    }

    /// Sends any content to `to` from the phone (an `smb_message_echoes` webhook); returns the
    /// wamid.
    pub async fn send(&self, to: &str, message: Value) -> SandboxResult<String> {
        let body = json!({"to": to, "message": message});
        self.driver.post_for_wamid(&self.path("send"), body).await
    }

    /// Types a text to `to` on the phone.
    pub async fn echo(&self, to: &str, text: &str) -> SandboxResult<String> {
        self.send(to, json!({"type": "text", "text": {"body": text}}))
            .await
    }

    /// Sends an image with a caption from the phone.
    pub async fn echo_image(&self, to: &str, caption: &str) -> SandboxResult<String> {
        self.send(to, json!({"type": "image", "image": {"caption": caption}}))
            .await
    }

    /// Edits a message sent from the phone.
    pub async fn edits(&self, wamid: &str, text: &str) -> SandboxResult<String> {
        let body =
            json!({"message_id": wamid, "message": {"type": "text", "text": {"body": text}}});
        self.driver.post_for_wamid(&self.path("edit"), body).await
    }

    /// Deletes a message sent from the phone.
    pub async fn revokes(&self, wamid: &str) -> SandboxResult<String> {
        let body = json!({"message_id": wamid});
        self.driver.post_for_wamid(&self.path("revoke"), body).await
    }

    /// Adds or edits an address-book contact (`smb_app_state_sync`).
    pub async fn add_contact(&self, phone_number: &str, full_name: &str) -> SandboxResult {
        let body = json!({"phone_number": phone_number, "full_name": full_name});
        self.driver
            .control("POST", &self.path("contacts"), Some(body))
            .await
    }

    /// Removes an address-book contact.
    pub async fn remove_contact(&self, phone_number: &str) -> SandboxResult {
        let path = self.path(&format!("contacts/{phone_number}"));
        self.driver.control("DELETE", &path, None).await
    }

    /// The owner opens the app (keeps the number from being disconnected for inactivity).
    pub async fn open(&self) -> SandboxResult {
        self.driver.control("POST", &self.path("open"), None).await
    }

    /// Puts old threads on the phone, for the history export
    /// (`{"threads": [{"wa_id", "name", "messages": [{"from", "days_ago", "message"}]}]}`).
    pub async fn seed_history(&self, threads: Value) -> SandboxResult {
        self.driver
            .control("POST", &self.path("history"), Some(threads))
            .await
    }
}
