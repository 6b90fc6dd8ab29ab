//! The web routes against a real hub on 127.0.0.1:0 with a SQLite store and a manual clock:
//! sign-in redirects, the server-rendered inbox (rows with provenance, window chips, health
//! banners), page security headers, and asset caching.

use std::sync::Arc;

use coexist_core::inbox::{Email, PersonName, Role};
use coexist_core::store::{NewSession, NewUser, Store};
use coexist_core::time::{HOUR_MS, Timestamp};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::clock::ManualClock;
use crate::config::{Config, NumberConfig};
use crate::{App, Deps, ShutdownHandle};

/// 2026-03-02T09:00:00Z.
const NOW: Timestamp = Timestamp(1_772_442_000_000);
const PNID: &str = "106540352242922";

struct Hub {
    base: String,
    client: reqwest::Client,
    store: Arc<dyn Store>,
    org: coexist_core::ids::OrgId,
    clock: Arc<ManualClock>,
    shutdown: ShutdownHandle,
    _dir: tempfile::TempDir,
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.shutdown.shutdown();
    }
}

async fn hub() -> Hub {
    hub_with(|_| {}).await
}

async fn hub_with(configure: impl FnOnce(&mut Config)) -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_testing(dir.path());
    configure(&mut config);
    let clock = Arc::new(ManualClock::new(NOW));
    let app = App::build(config, Deps::with_clock(clock.clone()))
        .await
        .unwrap();
    let hub = Hub {
        base: format!("http://{}", app.addr()),
        client: reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap(),
        store: app.store(),
        org: app.org(),
        clock,
        shutdown: app.shutdown_handle(),
        _dir: dir,
    };
    tokio::spawn(app.run_until_stopped());
    hub
}

impl Hub {
    /// A user with a session; returns the cookie header value.
    async fn sign_in(&self, email: &str, name: &str) -> String {
        let user = self
            .store
            .create_user(
                self.org,
                NewUser {
                    email: Email::parse(email).unwrap(),
                    name: PersonName::parse(name).unwrap(),
                    role: Role::Agent,
                    password_hash: "$argon2id$unused".to_owned(),
                },
                NOW,
            )
            .await
            .unwrap();
        let secret = format!("session-of-{email}");
        let session = NewSession {
            user: user.id,
            hash: Sha256::digest(secret.as_bytes()).into(),
            expires_at: NOW.plus_ms(7 * 24 * HOUR_MS),
        };
        self.store
            .create_session(self.org, session, NOW)
            .await
            .unwrap();
        format!("cx_session={secret}; cx_tzo=60")
    }

    async fn webhook(&self, value: Value, field: &str) {
        let body = json!({
            "object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"field": field, "value": value}]}]
        })
        .to_string();
        let signature = meta::signature::sign(b"test-app-secret", body.as_bytes());
        let r = self
            .client
            .post(format!("{}/webhooks/whatsapp", self.base))
            .header("content-type", "application/json")
            .header("x-hub-signature-256", signature)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        request.send().await.unwrap()
    }
}

fn metadata() -> Value {
    json!({"display_phone_number": "15550783881", "phone_number_id": PNID})
}

async fn seed_two_chats(hub: &Hub) {
    let at = |offset_s: i64| (NOW.unix_secs() - offset_s).to_string();
    hub.webhook(json!({
        "messaging_product": "whatsapp", "metadata": metadata(),
        "contacts": [{"profile": {"name": "Ada Lovelace"}, "wa_id": "16505550123"}],
        "messages": [{"from": "16505550123", "id": "wamid.A1", "timestamp": at(3600), "type": "text",
                      "text": {"body": "Is my order <b>4211</b> on its way?"}}]
    }), "messages").await;
    hub.webhook(json!({
        "messaging_product": "whatsapp", "metadata": metadata(),
        "message_echoes": [{"from": "15550783881", "to": "16505550999", "id": "wamid.E1",
                            "timestamp": at(60), "type": "text", "text": {"body": "Typed on the phone"}}]
    }), "smb_message_echoes").await;
}

#[tokio::test]
async fn signed_out_pages_redirect_to_the_login_page_which_keeps_where_to_return() {
    let hub = hub().await;
    let r = hub.get("/chats/12?view=mine", None).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/login?next=%2Fchats%2F12%3Fview%3Dmine"
    );
    let r = hub
        .get("/login?next=%2Fchats%2F12&error=invalid_credentials", None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"name="next" value="/chats/12""#), "{html}");
    assert!(html.contains("Wrong email or password."), "{html}");
    let stale = hub.get("/", Some("cx_session=not-a-session")).await;
    assert_eq!(stale.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_inbox_is_rendered_by_the_server_with_provenance_and_windows() {
    let hub = hub().await;
    let cookie = hub.sign_in("bob@example.com", "Bob Agent").await;
    seed_two_chats(&hub).await;
    let r = hub.get("/", Some(&cookie)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self' 'sha256-"), "{csp}");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    // Newest activity first: the echo's chat (a minute ago) above Ada's (an hour ago).
    let echo = html.find("Typed on the phone").expect("echo row");
    let ada = html.find("Ada Lovelace").expect("customer row");
    assert!(echo < ada, "rows out of order");
    assert!(
        html.contains(r#"<span class="who phone">"#),
        "no phone-app marker"
    );
    // Customer text is escaped, never markup.
    assert!(
        html.contains("Is my order &#60;b&#62;4211&#60;/b&#62; on its way?"),
        "{html}"
    );
    // Ada wrote an hour ago: 23 h left; the echo-only chat was never opened by the customer.
    assert!(html.contains("23 h left"), "{html}");
    assert!(html.contains("Templates only"), "{html}");
    // Local time from the cx_tzo cookie (UTC+1): Ada's message at 08:00Z shows as 09:00.
    assert!(html.contains(">09:00</time>"), "{html}");
    assert!(html.contains("Bob Agent"), "{html}");
    assert!(html.contains(r#"<script type="importmap">"#));
    let boot = html.split(r#"id="boot">"#).nth(1).unwrap();
    let boot: Value = serde_json::from_str(boot.split("</script>").next().unwrap()).unwrap();
    assert_eq!(boot["server_now_ms"], NOW.millis());
    assert!(
        boot["stream_head"]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .unwrap()
            > 0
    );
}

#[tokio::test]
async fn views_filter_the_first_paint_and_a_deep_link_marks_its_chat() {
    let hub = hub().await;
    let cookie = hub.sign_in("bob@example.com", "Bob Agent").await;
    seed_two_chats(&hub).await;
    let mine = hub
        .get("/?view=mine", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(mine.contains("No chats in this view."), "{mine}");
    assert!(mine.contains(r#"href="/?view=mine" data-view="mine" aria-current="page""#));
    let all = hub
        .get("/chats/1", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(all.contains(r#"data-view="chat""#));
    assert!(all.contains(r#"aria-current="true""#), "{all}");
    let bad = hub.get("/chats/abc", Some(&cookie)).await;
    assert_eq!(bad.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn assets_are_served_hashed_for_a_year_and_plain_with_revalidation() {
    let hub = hub().await;
    let cookie = hub.sign_in("bob@example.com", "Bob Agent").await;
    let html = hub.get("/", Some(&cookie)).await.text().await.unwrap();
    let css = html
        .split(r#"rel="stylesheet" href=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let hashed = hub.get(&css, None).await;
    assert_eq!(hashed.status(), StatusCode::OK);
    assert_eq!(
        hashed.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        hashed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let plain = hub.get("/assets/js/app.js", None).await;
    assert_eq!(plain.headers()["cache-control"], "no-cache");
    let etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    let again = hub
        .client
        .get(format!("{}/assets/js/app.js", hub.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        hub.get("/assets/js/nope.js", None).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_phone_app_unopened_for_12_days_raises_an_urgent_banner_and_marks_the_number() {
    let hub = hub_with(|config| {
        config.numbers = vec![NumberConfig {
            phone_number_id: PNID.to_owned(),
            display_phone_number: Some("15550783881".to_owned()),
            waba_id: None,
            mode: coexist_core::number::NumberMode::Coexistence,
            onboarded_at: Some(NOW.plus_ms(-12 * 24 * HOUR_MS)),
        }];
    })
    .await;
    let cookie = hub.sign_in("bob@example.com", "Bob Agent").await;
    let html = hub.get("/", Some(&cookie)).await.text().await.unwrap();
    assert!(
        html.contains(r#"<div class="banner critical" role="alert">"#),
        "{html}"
    );
    assert!(
        html.contains("The WhatsApp Business App on +1 555 078 3881 was last opened 12 days ago."),
        "{html}"
    );
    assert!(html.contains("2 days left"), "{html}");
    assert!(html.contains(r#"class="number-chip at_risk""#), "{html}");
}

#[tokio::test]
async fn a_running_history_import_shows_its_progress_by_phase_and_stays_quiet() {
    let hub = hub().await;
    let cookie = hub.sign_in("bob@example.com", "Bob Agent").await;
    let old = (NOW.unix_secs() - 40 * 86_400).to_string();
    hub.webhook(
        json!({
            "messaging_product": "whatsapp", "metadata": metadata(),
            "history": [{"metadata": {"phase": 0, "chunk_order": 1, "progress": 55}, "threads": [{
                "id": "16505551234",
                "messages": [
                    {"from": "16505551234", "id": "wamid.H1", "timestamp": old, "type": "text",
                     "text": {"body": "Do you ship to Oakland?"}, "history_context": {"status": "READ"}},
                    {"from": "15550783881", "id": "wamid.H2", "timestamp": old, "type": "text",
                     "text": {"body": "We do!"}, "history_context": {"status": "READ"}}
                ]
            }]}]
        }),
        "history",
    )
    .await;
    let html = hub.get("/", Some(&cookie)).await.text().await.unwrap();
    assert!(
        html.contains("Importing the chat history of +1 555 078 3881: 55%"),
        "{html}"
    );
    assert!(
        html.contains(r#"<progress class="progress" value="55" max="100""#),
        "{html}"
    );
    assert!(
        html.contains("<strong>Last day: </strong>1 chunk · 2 messages"),
        "{html}"
    );
    assert!(
        html.contains("<strong>Days 1–90: </strong>waiting"),
        "{html}"
    );
    // History is quiet: its chat shows as history with no unread badge.
    assert!(html.contains(r#"<span class="who history">"#), "{html}");
    assert!(!html.contains("unread-badge"), "{html}");
}

#[tokio::test]
async fn a_history_import_silent_for_6_hours_shows_a_stalled_banner_with_what_to_do() {
    let hub = hub().await;
    let old = (NOW.unix_secs() - 40 * 86_400).to_string();
    hub.webhook(
        json!({
            "messaging_product": "whatsapp", "metadata": metadata(),
            "history": [{"metadata": {"phase": 1, "chunk_order": 1, "progress": 30}, "threads": [{
                "id": "16505551234",
                "messages": [{"from": "16505551234", "id": "wamid.H1", "timestamp": old,
                    "type": "text", "text": {"body": "Hello?"}, "history_context": {"status": "READ"}}]
            }]}]
        }),
        "history",
    )
    .await;
    hub.clock
        .advance_ms(coexist_core::number::HISTORY_STALL_HOURS * HOUR_MS);
    let cookie = hub.sign_in("bob@example.com", "Bob Agent").await;
    let html = hub.get("/", Some(&cookie)).await.text().await.unwrap();
    assert!(
        html.contains("The chat history import of +1 555 078 3881 has stalled at 30%."),
        "{html}"
    );
    assert!(
        html.contains("nothing has arrived for 6 hours") && html.contains("Meta support"),
        "{html}"
    );
    assert!(!html.contains("Importing the chat history"), "{html}");
    assert!(!html.contains(r#"class="number-chip syncing""#), "{html}");
}
