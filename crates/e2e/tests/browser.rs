//! The web inbox in real headless Chromium, against a hub and an in-process sandbox playing
//! Meta, the customers and the business's phone. Every wait polls the DOM with a generous
//! timeout; nothing asserts on timing. The one timing figure (webhook to screen) is measured and
//! printed, never asserted.
//!
//! Run: `cargo test -p coexist-e2e --test browser -- --nocapture`
//! (`COEXIST_REQUIRE_BROWSER=1` fails instead of skipping without Chromium;
//! `COEXIST_UPDATE_SCREENSHOTS=1` refreshes `docs/screenshots/`).

mod scenes;

use anyhow::{Context, Result, ensure};
use coexist_core::time::Clock;
use e2e::inbox::{DESKTOP, agent, open_row, pick_template, shortcut};
use e2e::{PASSWORD, StackOptions, run};
use fantoccini::key::Key;
use hub::clock::SystemClock;
use serde_json::{Value, json};

const ADA: &str = "16505550123";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_and_the_right_one_signs_in() {
    run("sign_in", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.user("ada@example.com", "Ada Admin", "admin").await?;
        let b = ctx.browser(DESKTOP.0, DESKTOP.1).await?;
        b.goto(&format!("{}/", s.base())).await?;
        b.wait_js(
            "the login page",
            "return location.pathname === '/login';",
            vec![],
        )
        .await?;
        b.type_into("#email", "ada@example.com").await?;
        b.type_into("#password", "not the password").await?;
        b.click("#login-form button[type=submit]").await?;
        b.wait_text("#login-error", "Wrong email or password.")
            .await?;
        b.screenshot("login-refused").await?;
        let path = b.js("return location.pathname;", vec![]).await?;
        ensure!(
            path == "/login",
            "a wrong password left the login page: {path}"
        );
        b.goto(&format!("{}/", s.base())).await?;
        b.wait_js(
            "still signed out",
            "return location.pathname === '/login';",
            vec![],
        )
        .await?;
        b.sign_in(&s.base(), "ada@example.com", PASSWORD).await?;
        b.wait_text(".me-name", "Ada Admin").await?;
        Ok(())
    })
    .await;
}

/// Installs an observer that notes (browser clock, ms) when `text` first shows in the chat
/// list or the thread.
const OBSERVE: &str = r#"
const text = arguments[0];
window.__seen = window.__seen || {};
const shown = () => [...document.querySelectorAll('.ptext, .msg .text')].some((el) => el.textContent === text);
if (shown()) { window.__seen[text] = Date.now(); return true; }
const obs = new MutationObserver(() => {
  if (!window.__seen[text] && shown()) { window.__seen[text] = Date.now(); obs.disconnect(); }
});
obs.observe(document.body, { childList: true, subtree: true, characterData: true });
return true;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_message_appears_live_and_the_time_to_screen_is_measured() {
    run("live_message", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        let mut latencies = Vec::new();
        for i in 0..9 {
            let text = format!("Live message {i}: is order {} on its way?", 4200 + i);
            b.js(OBSERVE, vec![json!(text)]).await?;
            let sent_at = SystemClock.now().millis();
            s.customer_says(ADA, "Grace Hopper", &text).await?;
            let seen = b
                .wait_js("the message on screen", "return (window.__seen || {})[arguments[0]] || null;", vec![json!(text)])
                .await?;
            latencies.push(seen.as_i64().context("a time")? - sent_at);
            if i == 0 {
                // The first one arrives in the list; open the chat so the rest also land in
                // the thread.
                open_row(&b, "Grace Hopper").await?;
                b.wait_text(".msg.customer .text", &text).await?;
            }
        }
        b.wait_text(".msg.customer .who", "Grace Hopper").await?;
        latencies.sort_unstable();
        println!(
            "webhook POST to message on screen, {} messages: median {} ms, min {} ms, max {} ms (all: {latencies:?})",
            latencies.len(),
            latencies[latencies.len() / 2],
            latencies[0],
            latencies[latencies.len() - 1]
        );
        Ok(())
    })
    .await;
}

/// The `data-status` of the newest outbound bubble containing `text`.
async fn bubble_status(b: &e2e::Browser, text: &str, status: &str) -> Result<()> {
    let script = "const m = [...document.querySelectorAll('.msg.out')].reverse().find((el) => el.textContent.includes(arguments[0])); return m && m.dataset.status === arguments[1] && m.querySelector('.tick').dataset.status === arguments[1];";
    b.wait_js(
        &format!("{text:?} to be {status}"),
        script,
        vec![json!(text), json!(status)],
    )
    .await
    .map(|_| ())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_replies_and_sees_the_ticks_advance() {
    run("ticks", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.customer_says(
            ADA,
            "Grace Hopper",
            "Can I still change the delivery address?",
        )
        .await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;
        let reply = "Of course: send me the new address and I will update the order.";
        b.type_into("#composer-input", reply).await?;
        b.press(Key::Enter).await?;
        b.wait_text(".msg.out.agent .text", reply).await?;
        b.wait_text(".msg.out.agent .who", "Bob Baker").await?;
        // Meta accepts it and says `sent` right away; `delivered` after 1 s and `read` after
        // 5 s of Meta's (the sandbox's) time.
        bubble_status(&b, reply, "sent").await?;
        s.advance(1).await;
        bubble_status(&b, reply, "delivered").await?;
        s.advance(5).await;
        bubble_status(&b, reply, "read").await?;
        let read_tick = b
            .js(
                "return document.querySelector('.msg.out .tick.read') !== null;",
                vec![],
            )
            .await?;
        ensure!(read_tick == true, "no blue tick on a read message");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_from_the_phone_app_shows_as_such() {
    run("phone_app", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.customer_says(ADA, "Grace Hopper", "Do you deliver on Sundays?")
            .await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;
        let typed = "Yes, Sundays until noon. (typed on the phone)";
        s.phone_says(ADA, typed).await?;
        b.wait_text(".msg.out.phone .text", typed).await?;
        b.wait_text(".msg.out.phone .who", "Sent from the phone app")
            .await?;
        b.wait_text(".chat-row .who.phone", "Phone:").await?;
        Ok(())
    })
    .await;
}

/// A customer wrote from a new phone number before WhatsApp's notice of the change arrived:
/// until the notice the list shows two chats; after it, one (Meta's `user_changed_number`
/// merges them), and the agent who was reading the newer chat is taken to the kept one, which
/// holds what the customer sent from both numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_who_changes_number_ends_as_one_chat() {
    run("number_change", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        let new_number = "16505559876";
        s.customer_says(ADA, "Grace Hopper", "Hello from my old phone").await?;
        s.advance(2).await;
        s.customer_says(new_number, "Grace Hopper", "It's me, on my new phone").await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        let graces = "return [...document.querySelectorAll('.chat-row .row-name')].filter((n) => n.textContent.includes('Grace Hopper')).length === arguments[0];";
        b.wait_js("two chats with Grace", graces, vec![json!(2)]).await?;
        // The newest chat is on top: the one from the new number.
        open_row(&b, "Grace Hopper").await?;
        b.wait_text(".msg.customer .text", "It's me, on my new phone").await?;
        let old_text = "return [...document.querySelectorAll('.msg .text')].some((el) => el.textContent.includes('Hello from my old phone'));";
        ensure!(b.js(old_text, vec![]).await? == false, "the new number's chat already shows the old phone's message");
        let change = json!({"phone_number_id": s.coexist, "new_wa_id": new_number});
        s.control("POST", &format!("/customers/{ADA}/change-number"), change).await?;
        b.wait_js("one chat with Grace", graces, vec![json!(1)]).await?;
        b.wait_text(".msg.customer .text", "Hello from my old phone").await?;
        b.wait_text(".msg.customer .text", "It's me, on my new phone").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_the_window_the_composer_offers_templates_and_sends_one() {
    run("template", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        // Only the owner wrote (from the phone): the customer never opened a window.
        s.sandbox
            .control(
                "POST",
                "/customers/16505550777/profile",
                Some(json!({"name": "Grace Hopper"})),
            )
            .await;
        s.phone_says("16505550777", "Your order is ready for pickup.")
            .await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;
        b.wait_text("#window-bar", "Window closed").await?;
        pick_template(&b, "order_update").await?;
        for (name, value) in [
            ("body:1", "Grace"),
            ("body:2", "SKBUP2-4CPIG9"),
            ("body:3", "on its way"),
        ] {
            b.type_into(&format!("input[name='{name}']"), value).await?;
        }
        b.wait_text(
            ".tpl-bubble",
            "Hi Grace, your order SKBUP2-4CPIG9 is now on its way.",
        )
        .await?;
        b.screenshot("template-picker").await?;
        b.click("#template-send").await?;
        b.wait_text(".msg.out.agent", "SKBUP2-4CPIG9").await?;
        // The outbox hands it to Meta on its own schedule: wait for Meta to have it.
        let deadline = tokio::time::Instant::now() + e2e::PATIENCE;
        let template = loop {
            if let Some(t) = find_template_send(&s.sandbox.sent().await) {
                break t;
            }
            ensure!(
                tokio::time::Instant::now() < deadline,
                "Meta received no template"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        ensure!(template["template"]["name"] == "order_update", "{template}");
        bubble_status(&b, "SKBUP2-4CPIG9", "sent").await?;
        Ok(())
    })
    .await;
}

fn find_template_send(sent: &Value) -> Option<Value> {
    let list = sent.get("sent").or(Some(sent))?.as_array()?.clone();
    list.into_iter().find_map(|item| {
        let body = item.get("request").or(item.get("body")).unwrap_or(&item);
        (body["type"] == "template").then(|| body.clone())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_agent_sees_the_assignment_change_live() {
    run("assignment", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.customer_says(ADA, "Grace Hopper", "Who can help me with a refund?")
            .await?;
        let alan = agent(ctx, "alan@example.com", "Alan Turing").await?;
        let bob = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&bob, "Grace Hopper").await?;
        bob.wait_text(".chat-head [data-action=assign]", "Assign")
            .await?;
        open_row(&alan, "Grace Hopper").await?;
        // `a` assigns the open chat to me.
        shortcut(&alan, "a").await?;
        alan.wait_text(".chat-head [data-action=assign]", "Alan Turing")
            .await?;
        // Bob did nothing: the stream told his page.
        bob.wait_text(".chat-head [data-action=assign]", "Alan Turing")
            .await?;
        bob.wait_js(
            "Alan's avatar on the row",
            "return [...document.querySelectorAll('.chat-row .assignee-chip')].some((el) => el.title === 'Assigned to Alan Turing');",
            vec![],
        )
        .await?;
        // A note that mentions Alan reaches his bell.
        bob.click(".composer-tabs .note-tab").await?;
        bob.type_into("#composer-input", "@alan@example.com the customer wants a refund for order 4211").await?;
        bob.press(Key::Enter).await?;
        alan.wait_text(".note .text", "refund for order 4211").await?;
        alan.wait_text("#notif-count", "1").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_reorder_live_and_scrolling_up_loads_older_messages() {
    run("scroll_and_reorder", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        for i in 1..=70 {
            s.customer_says(ADA, "Grace Hopper", &format!("Message {i} of 70")).await?;
        }
        // Meta's clock stands still in explicit mode; move it so the messages differ in time.
        s.advance(2).await;
        s.customer_says("16505550999", "Alan Kay", "Hello from another customer").await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        let top_is = "return document.querySelector('.chat-row .row-name').textContent === arguments[0];";
        let on_top = b.js(top_is, vec![json!("Alan Kay")]).await?;
        ensure!(on_top == true, "the newest chat is not on top");
        s.advance(2).await;
        s.customer_says(ADA, "Grace Hopper", "Message 71, the newest").await?;
        b.wait_js("Grace's row to move to the top", top_is, vec![json!("Grace Hopper")])
            .await?;
        open_row(&b, "Grace Hopper").await?;
        b.wait_text(".msg.customer .text", "Message 71, the newest").await?;
        let oldest = "return [...document.querySelectorAll('.msg .text')].some((el) => el.textContent === 'Message 1 of 70');";
        ensure!(b.js(oldest, vec![]).await? == false, "the first page already holds the oldest message");
        // Scroll up until the start of the conversation is loaded.
        let scroll_up = format!("document.getElementById('thread').scrollTop = 0; {oldest}");
        b.wait_js("the oldest message after scrolling up", &scroll_up, vec![])
            .await?;
        b.wait_text(".thread-top", "Start of the conversation").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_resumes_without_losing_a_message() {
    let options = StackOptions {
        proxy: true,
        ..StackOptions::default()
    };
    run("dropped_stream", options, async |ctx| {
        let s = &ctx.stack;
        s.customer_says(ADA, "Grace Hopper", "Before the connection drops").await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;
        let proxy = s.proxy.as_ref().context("the stack has a proxy")?;
        proxy.cut();
        b.wait_js("the page to notice the drop", "return document.body.dataset.stream !== 'live';", vec![]).await?;
        b.wait_text("#conn-state", "Reconnecting").await?;
        s.customer_says(ADA, "Grace Hopper", "Sent while the agent was offline (1)").await?;
        s.customer_says(ADA, "Grace Hopper", "Sent while the agent was offline (2)").await?;
        proxy.restore();
        b.wait_text(".msg.customer .text", "Sent while the agent was offline (1)").await?;
        b.wait_text(".msg.customer .text", "Sent while the agent was offline (2)").await?;
        b.wait_live().await?;
        let count = b
            .js("return [...document.querySelectorAll('.msg.customer .text')].filter((el) => el.textContent.includes('offline')).length;", vec![])
            .await?;
        ensure!(count == 2, "expected each message once, found {count}");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_sized_screen_the_list_and_the_chat_are_separate_views() {
    run("phone_layout", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.user("bob@example.com", "Bob Baker", "agent").await?;
        s.customer_says(ADA, "Grace Hopper", "Hello from my phone!").await?;
        let b = ctx.browser(390, 844).await?;
        b.sign_in(&s.base(), "bob@example.com", PASSWORD).await?;
        let visible = "return [getComputedStyle(document.querySelector('.sidebar')).display !== 'none', getComputedStyle(document.querySelector('#chat')).display !== 'none'];";
        let both = b.js(visible, vec![]).await?;
        ensure!(both == json!([true, false]), "the list alone should show: {both}");
        b.screenshot("phone-list").await?;
        open_row(&b, "Grace Hopper").await?;
        b.wait_js("the chat alone", "return getComputedStyle(document.querySelector('.sidebar')).display === 'none' && getComputedStyle(document.querySelector('#chat')).display !== 'none';", vec![]).await?;
        b.wait_text(".msg.customer .text", "Hello from my phone!").await?;
        b.screenshot("phone-chat").await?;
        b.click(".chat-head .back").await?;
        b.wait_js("the list again", "return getComputedStyle(document.querySelector('.sidebar')).display !== 'none';", vec![]).await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_the_chat_list_and_a_chat() {
    // Meta's clock starts 45 minutes back, so the scene's messages spread over the last
    // three quarters of an hour and end before the agent answers (at the hub's real now).
    let options = StackOptions {
        sandbox_minutes_ago: 45,
        ..StackOptions::default()
    };
    run("screenshots", options, async |ctx| {
        scenes::showcase(ctx).await
    })
    .await;
}
