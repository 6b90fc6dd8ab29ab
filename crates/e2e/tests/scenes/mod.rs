//! The showcase behind the README's screenshots: a plant shop on one coexistence number, with
//! imported history, customers, the owner answering from the phone, agents (one of them in the
//! browser), labels, a snooze, a private note with a mention, an edited and a deleted message,
//! a photo, and a Cloud-API-only second number.

use std::time::Duration;

use anyhow::{Context, Result};
use e2e::inbox::{open_row, shortcut};
use e2e::{Browser, Ctx, PASSWORD, Stack};
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::{Value, json};

const MARIA: &str = "16505550101";
const TOM: &str = "16505550102";
const PRIYA: &str = "16505550103";
const LUCAS: &str = "16505550104";
const SOPHIE: &str = "16505550105";
const PICKUP: &str = "16505550177";
const KENJI: &str = "16505550106";
const AMARA: &str = "16505550107";

fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

fn said(from: &str, days_ago: f64, body: &str) -> Value {
    json!({"from": from, "days_ago": days_ago, "message": text(body)})
}

/// An agent's reply through the API (as an integration would send it).
async fn api_reply(s: &Stack, wa_id: &str, body: &str) -> Result<()> {
    let id = s.chat_id(wa_id).await?;
    s.api(
        "POST",
        &format!("/api/v1/chats/{id}/messages"),
        Some(text(body)),
    )
    .await?;
    s.sandbox.flush().await;
    Ok(())
}

async fn history(s: &Stack) -> Result<()> {
    s.import_history(json!([
        {"wa_id": MARIA, "name": "Maria G.", "messages": [
            said("customer", 41.3, "Hi! Do you ship plants to Oakland?"),
            json!({"from": "business", "days_ago": 41.28, "message": text("We do, and shipping is free over $40."), "status": "READ"}),
            said("customer", 41.2, "Perfect, I just ordered the monstera."),
        ]},
        {"wa_id": TOM, "name": "Tom", "messages": [
            said("customer", 20.4, "Can you deliver 40 terracotta pots on Friday?"),
            json!({"from": "business", "days_ago": 20.3, "message": text("Yes, Friday morning works. Invoice to follow."), "status": "READ"}),
            said("customer", 20.2, "Great, thanks!"),
        ]},
    ]))
    .await
}

async fn other_chats(s: &Stack) -> Result<()> {
    s.customer_says(LUCAS, "Lucas Martin", "Did my order ship?")
        .await?;
    s.advance(240).await;
    api_reply(s, LUCAS, "It did! Tracking: 1Z 999 AA1 0123 4567 84.").await?;
    s.advance(30).await;
    let lucas = s.chat_id(LUCAS).await?;
    s.api("POST", &format!("/api/v1/chats/{lucas}/resolve"), None)
        .await?;
    snoozed_and_phone_only(s).await?;
    waiting(s).await
}

/// Sophie snoozed until Monday; Noah only ever heard from the phone app.
async fn snoozed_and_phone_only(s: &Stack) -> Result<()> {
    s.customer_says(
        SOPHIE,
        "Sophie Dubois",
        "I am back from holiday on Monday, can we talk then?",
    )
    .await?;
    let sophie = s.chat_id(SOPHIE).await?;
    s.api(
        "POST",
        &format!("/api/v1/chats/{sophie}/snooze"),
        Some(json!({"until": next_monday_nine()})),
    )
    .await?;
    s.advance(600).await;
    s.sandbox
        .control(
            "POST",
            &format!("/customers/{PICKUP}/profile"),
            Some(json!({"name": "Noah Williams"})),
        )
        .await;
    s.phone_says(PICKUP, "Your order #4388 is ready for pickup at the shop.")
        .await?;
    s.advance(300).await;
    Ok(())
}

/// Customers waiting: Kenji on the second number, Amara (assigned to Alan), Priya.
async fn waiting(s: &Stack) -> Result<()> {
    s.control("POST", &format!("/customers/{KENJI}/send"),
        json!({"phone_number_id": s.cloud, "name": "Kenji Sato", "message": text("Is the support line open on Saturdays?")}))
        .await?;
    s.advance(420).await;
    s.customer_says(AMARA, "Amara Okafor", "What time do you open on Saturday?")
        .await?;
    let amara = s.chat_id(AMARA).await?;
    let users = s.api("GET", "/api/v1/users", None).await?;
    let alan = users["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["name"] == "Alan Turing")
        .and_then(|u| u["id"].as_str())
        .context("Alan is a user")?
        .to_owned();
    s.api(
        "POST",
        &format!("/api/v1/chats/{amara}/assign"),
        Some(json!({"user_id": alan})),
    )
    .await?;
    s.advance(480).await;
    s.customer_says(PRIYA, "Priya Patel", "Do you sell gift cards?")
        .await?;
    s.advance(60).await;
    s.customer_says(
        PRIYA,
        "Priya Patel",
        "It is for my sister's birthday on Friday.",
    )
    .await?;
    Ok(())
}

/// RFC 3339 of next Monday 09:00 UTC, from the hub's clock as the API reports it.
fn next_monday_nine() -> String {
    use coexist_core::time::{Clock, DAY_MS, HOUR_MS};
    let now = hub::clock::SystemClock.now();
    // 1970-01-01 was a Thursday: day 0 → weekday 3 (Monday = 0).
    let day = now.millis().div_euclid(DAY_MS);
    let weekday = (day + 3).rem_euclid(7);
    let monday = day + (7 - weekday);
    coexist_core::time::Timestamp(monday * DAY_MS + 9 * HOUR_MS).to_rfc3339()
}

/// Maria's live conversation up to the agent's turn.
async fn maria(s: &Stack) -> Result<()> {
    s.control(
        "POST",
        &format!("/phones/{}/contacts", s.coexist),
        json!({"phone_number": MARIA, "full_name": "Maria Garcia", "first_name": "Maria"}),
    )
    .await?;
    s.customer_says(
        MARIA,
        "Maria G.",
        "Hello again! The monstera has yellow leaves on the lower stems. What should I do?",
    )
    .await?;
    s.advance(40).await;
    let first = s
        .customer_says(
            MARIA,
            "Maria G.",
            "Its in the living room, 2 m from the window",
        )
        .await?;
    s.advance(20).await;
    s.control("POST", &format!("/customers/{MARIA}/edit"),
        json!({"phone_number_id": s.coexist, "message_id": first, "message": text("It's in the living room, about 2 m from a north-facing window.")}))
        .await?;
    s.advance(15).await;
    let oops = s
        .customer_says(MARIA, "Maria G.", "Sorry, that photo was of my cat")
        .await?;
    s.advance(10).await;
    s.control(
        "POST",
        &format!("/customers/{MARIA}/revoke"),
        json!({"phone_number_id": s.coexist, "message_id": oops}),
    )
    .await?;
    s.advance(60).await;
    s.phone_says(
        MARIA,
        "Hi Maria! Bob from the team will help you with this, one moment.",
    )
    .await?;
    s.advance(45).await;
    Ok(())
}

/// A photo of a healthy plant, drawn by Chromium from an SVG (Meta takes PNG and JPEG).
async fn plant_photo(b: &Browser) -> Result<std::path::PathBuf> {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" id="art" width="480" height="360" viewBox="0 0 480 360">
<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f4efe6"/><stop offset="1" stop-color="#e2d8c8"/></linearGradient>
<linearGradient id="pot" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#b65a35"/><stop offset="1" stop-color="#d9774c"/></linearGradient></defs>
<rect width="480" height="360" fill="url(#bg)"/><rect y="290" width="480" height="70" fill="#cdbfa9"/>
<g fill="#2f7d4f"><ellipse cx="190" cy="140" rx="70" ry="38" transform="rotate(-35 190 140)"/><ellipse cx="300" cy="130" rx="75" ry="40" transform="rotate(30 300 130)"/>
<ellipse cx="245" cy="95" rx="45" ry="70" fill="#3b9460"/><ellipse cx="165" cy="210" rx="60" ry="30" transform="rotate(-15 165 210)" fill="#3b9460"/><ellipse cx="320" cy="205" rx="62" ry="30" transform="rotate(18 320 205)"/></g>
<g stroke="#f4efe6" stroke-width="5" stroke-linecap="round"><path d="M230 120l-40 30M260 110l40 25M245 60v70"/></g>
<path d="M240 250V120" stroke="#2a6b43" stroke-width="6"/>
<path d="M170 240h140l-16 95h-108z" fill="url(#pot)"/><rect x="162" y="232" width="156" height="22" rx="5" fill="#c4663d"/></svg>"##;
    b.goto(&format!(
        "data:text/html,<body style='margin:0'>{}</body>",
        svg.replace('#', "%23")
    ))
    .await?;
    let png = b
        .client
        .find(Locator::Css("#art"))
        .await?
        .screenshot()
        .await?;
    let path = std::env::temp_dir().join(format!("coexist-e2e-plant-{}.png", std::process::id()));
    std::fs::write(&path, png)?;
    Ok(path)
}

/// What Bob does in the browser.
async fn bob_answers(s: &Stack, b: &Browser) -> Result<()> {
    open_row(b, "Maria Garcia").await?;
    shortcut(b, "a").await?;
    b.wait_text(".chat-head [data-action=assign]", "Bob Baker")
        .await?;
    let id = s.chat_id(MARIA).await?;
    s.api(
        "PUT",
        &format!("/api/v1/chats/{id}/labels"),
        Some(json!({"labels": ["vip", "plant-care"]})),
    )
    .await?;
    b.wait_text(".window-bar .label-chip", "plant-care").await?;
    // The reply is a canned response: `/` then its shortcut, Enter picks it, Enter sends.
    b.type_into("#composer-input", "/water").await?;
    b.wait_text(".suggest .sc", "/watering").await?;
    b.press(Key::Enter).await?;
    b.wait_js(
        "the canned text in the composer",
        "return document.getElementById('composer-input').value.startsWith('Yellow lower leaves');",
        vec![],
    )
    .await?;
    b.press(Key::Enter).await?;
    b.wait_text(".msg.out.agent .text", "Yellow lower leaves")
        .await?;
    s.advance(1).await;
    s.advance(5).await;
    let photo = plant_photo_in_new_tab(b).await?;
    b.client
        .find(Locator::Css(".composer input[type=file]"))
        .await?
        .send_keys(&photo.display().to_string())
        .await?;
    b.wait_js("the upload", "return document.querySelector('.attach-chip') && !document.querySelector('.attach-chip').textContent.includes('uploading');", vec![]).await?;
    b.type_into("#composer-input", "A healthy one for comparison")
        .await?;
    b.press(Key::Enter).await?;
    b.wait_for(".msg.out.agent .media img").await?;
    s.advance(2).await;
    b.click(".composer-tabs .note-tab").await?;
    b.type_into(
        "#composer-input",
        "@alan@example.com can you check whether we still have the 21 cm pot for Maria?",
    )
    .await?;
    b.press(Key::Enter).await?;
    b.wait_text(".note .text", "21 cm pot").await?;
    maria_quotes_bob(s, b).await
}

/// Maria answers Bob's first reply, quoting it. Meta's clock runs behind the hub's here (the
/// scene started it in the past), so it is first moved just past the hub's now: the answer
/// then comes after everything Bob did.
async fn maria_quotes_bob(s: &Stack, b: &Browser) -> Result<()> {
    use coexist_core::time::Clock;
    let id = s.chat_id(MARIA).await?;
    let page = s
        .api(
            "GET",
            &format!("/api/v1/chats/{id}/messages?limit=50"),
            None,
        )
        .await?;
    let bobs = page["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["origin"] == "api" && m["type"] == "text")
        .and_then(|m| m["wamid"].as_str())
        .context("Bob's reply has a wamid")?
        .to_owned();
    let behind_ms = hub::clock::SystemClock.now().millis() - i64::try_from(s.sandbox.now_ms())?;
    s.advance(u64::try_from(behind_ms.max(0) / 1_000)? + 20)
        .await;
    let display = s.sandbox.numbers()[0].display_phone_number.clone();
    let reply = json!({"type": "text", "text": {"body": "Thanks! How often should I water it in winter?"},
        "context": {"from": display, "id": bobs}});
    s.customer_sends(MARIA, "Maria G.", reply).await?;
    b.wait_text(".msg.customer .quote", "Yellow lower leaves")
        .await
}

/// Draws the photo in a second tab, so the inbox tab keeps its state.
async fn plant_photo_in_new_tab(b: &Browser) -> Result<std::path::PathBuf> {
    let inbox = b.client.window().await?;
    let tab = b.client.new_window(true).await?;
    b.client.switch_to_window(tab.handle.clone()).await?;
    let photo = plant_photo(b).await;
    b.client.close_window().await?;
    b.client.switch_to_window(inbox).await?;
    photo
}

pub(crate) async fn showcase(ctx: &Ctx) -> Result<()> {
    let s = &ctx.stack;
    s.user("bob@example.com", "Bob Baker", "agent").await?;
    s.user("alan@example.com", "Alan Turing", "agent").await?;
    s.api("POST", "/api/v1/canned-responses", Some(json!({"shortcut": "watering",
        "body": "Yellow lower leaves usually mean too much water. Let the top 5 cm of soil dry out before watering again."})))
        .await?;
    s.control(
        "POST",
        &format!("/phones/{}/contacts", s.coexist),
        json!({"phone_number": TOM, "full_name": "Tom's Garden Supplies"}),
    )
    .await?;
    history(s).await?;
    other_chats(s).await?;
    maria(s).await?;
    let b = ctx.browser(1440, 900).await?;
    b.sign_in(&s.base(), "bob@example.com", PASSWORD).await?;
    bob_answers(s, &b).await?;
    screenshots(s, &b).await
}

/// The chat with the contact panel, then the list beside an imported chat, then a disconnected
/// number's banner.
async fn screenshots(s: &Stack, b: &Browser) -> Result<()> {
    let contact = s
        .api(
            "GET",
            &format!("/api/v1/chats/{}", s.chat_id(MARIA).await?),
            None,
        )
        .await?;
    let contact_id = contact["contact"]["id"]
        .as_str()
        .context("contact id")?
        .to_owned();
    s.api("PATCH", &format!("/api/v1/contacts/{contact_id}"),
        Some(json!({"attributes": {"customer_id": "C-1042", "city": "Oakland", "plan": "Plant club"}})))
        .await?;
    shortcut(b, "i").await?;
    b.wait_js(
        "the attributes in the panel",
        "return [...document.querySelectorAll('#panel input')].some((i) => i.value === 'C-1042');",
        vec![],
    )
    .await?;
    // Tall enough for the whole conversation: imported history, the customer (an edited and a
    // deleted message, a quoted reply), the phone app, Bob with ticks, a photo and a note.
    b.resize(1440, 1640).await?;
    b.js(
        "const t = document.getElementById('thread'); t.scrollTop = t.scrollHeight; return true;",
        vec![],
    )
    .await?;
    b.screenshot("chat").await?;
    b.resize(1440, 900).await?;
    shortcut(b, "i").await?;
    open_row(b, "Tom's Garden Supplies").await?;
    b.wait_text(".sys-sep, .thread-top", "").await?;
    b.screenshot("chat-list").await?;
    s.disconnect_for_inactivity().await?;
    b.wait_for(".banner.danger").await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    b.screenshot("health-disconnected").await?;
    Ok(())
}
