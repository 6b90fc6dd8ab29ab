//! Working a chat in real headless Chromium: resolve and reopen, snooze, labels and the label
//! filter, a private note that mentions a colleague, a canned response, a quoted reply and the
//! contact's attributes. Each test drives the inbox with clicks and keys (the shortcuts where
//! the inbox has them), then checks what the screen shows and, through the REST API, what the
//! hub stored.
//!
//! Run: `COEXIST_REQUIRE_BROWSER=1 cargo test -p coexist-e2e --test chat_actions`

use anyhow::{Context, Result, ensure};
use coexist_core::time::{Clock, HOUR_MS, MINUTE_MS, Timestamp};
use e2e::inbox::{agent, open_row, shortcut};
use e2e::{Browser, Stack, StackOptions, eventually, run};
use fantoccini::Locator;
use fantoccini::key::Key;
use hub::clock::SystemClock;
use serde_json::{Value, json};

const GRACE: &str = "16505550123";
const ALAN_KAY: &str = "16505550999";

/// The chat's inbox status as the API reports it.
async fn status(s: &Stack, wa_id: &str) -> Result<String> {
    let chat = s.chat(wa_id).await?;
    Ok(chat["status"].as_str().unwrap_or_default().to_owned())
}

/// Waits until the header's resolve button reads exactly `label` (`Resolve` or `Reopen`).
async fn resolve_button_reads(b: &Browser, label: &str) -> Result<()> {
    b.wait_js(
        &format!("the resolve button to read {label:?}"),
        "const l = document.querySelector('.chat-head [data-action=resolve] .lbl'); return l && l.textContent === arguments[0];",
        vec![json!(label)],
    )
    .await
    .map(|_| ())
}

/// Waits until no element matches `css`.
async fn wait_gone(b: &Browser, css: &str) -> Result<()> {
    b.wait_js(
        &format!("no {css}"),
        "return document.querySelector(arguments[0]) === null;",
        vec![json!(css)],
    )
    .await
    .map(|_| ())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_resolves_the_button_reopens_and_a_new_customer_message_reopens_too() {
    run("resolve_reopen", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.customer_says(GRACE, "Grace Hopper", "The parcel arrived, thank you!")
            .await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;
        ensure!(status(s, GRACE).await? == "open", "a new chat is open");

        shortcut(&b, "e").await?;
        b.wait_text("#window-bar .st-resolved", "Resolved").await?;
        b.wait_text(".chat-row.active .st-resolved", "Resolved")
            .await?;
        resolve_button_reads(&b, "Reopen").await?;
        ensure!(status(s, GRACE).await? == "resolved", "e did not resolve");

        b.click(".chat-head [data-action=resolve]").await?;
        resolve_button_reads(&b, "Resolve").await?;
        wait_gone(&b, "#window-bar .st-resolved").await?;
        wait_gone(&b, ".chat-row.active .st-resolved").await?;
        ensure!(status(s, GRACE).await? == "open", "Reopen did not reopen");

        // Resolved again, the customer writes: the chat reopens by itself, live.
        shortcut(&b, "e").await?;
        resolve_button_reads(&b, "Reopen").await?;
        ensure!(status(s, GRACE).await? == "resolved", "e did not resolve");
        s.customer_says(GRACE, "Grace Hopper", "One more thing: do you gift-wrap?")
            .await?;
        b.wait_text(".msg.customer .text", "gift-wrap").await?;
        resolve_button_reads(&b, "Resolve").await?;
        wait_gone(&b, "#window-bar .st-resolved").await?;
        ensure!(
            status(s, GRACE).await? == "open",
            "a customer message did not reopen the chat"
        );
        Ok(())
    })
    .await;
}

/// The date part a user types into a `datetime-local` field (the harness's Chromium speaks
/// en-US: month, day, year) for the browser's local day `days` from now, and that day at 14:30
/// local time as RFC 3339.
async fn afternoon_in(b: &Browser, days: u32) -> Result<(String, String)> {
    let answer = b
        .js(
            "const d = new Date(); d.setDate(d.getDate() + arguments[0]); d.setHours(14, 30, 0, 0);
             const p = (n, w) => String(n).padStart(w, '0');
             return [p(d.getMonth() + 1, 2) + p(d.getDate(), 2) + p(d.getFullYear(), 4), d.toISOString()];",
            vec![json!(days)],
        )
        .await?;
    let part = |i: usize| answer[i].as_str().unwrap_or_default().to_owned();
    Ok((part(0), part(1)))
}

/// The chat's `snoozed_until` as the API reports it.
async fn snoozed_until(s: &Stack, wa_id: &str) -> Result<Timestamp> {
    let chat = s.chat(wa_id).await?;
    let until = chat["snoozed_until"]
        .as_str()
        .with_context(|| format!("no snoozed_until: {chat}"))?;
    Ok(Timestamp::parse_rfc3339(until)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn z_snoozes_for_an_hour_or_until_a_picked_time_and_the_customer_wakes_it() {
    run("snooze", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.customer_says(
            GRACE,
            "Grace Hopper",
            "I will be back from holiday next week.",
        )
        .await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;

        // `z` opens the menu on its first choice; Enter takes it.
        shortcut(&b, "z").await?;
        b.wait_text(".menu [role=menuitem]", "In 1 hour").await?;
        let asked_at = SystemClock.now();
        b.press(Key::Enter).await?;
        b.wait_text("#window-bar .st-snoozed", "Snoozed until")
            .await?;
        b.wait_text(".chat-row.active .st-snoozed", "Snoozed")
            .await?;
        ensure!(status(s, GRACE).await? == "snoozed", "Enter did not snooze");
        let until = snoozed_until(s, GRACE).await?;
        let hour = until.since(asked_at);
        ensure!(
            (HOUR_MS - MINUTE_MS..HOUR_MS + MINUTE_MS).contains(&hour),
            "snoozed for {hour} ms, not an hour"
        );

        // The customer writes: the chat wakes up.
        s.customer_says(GRACE, "Grace Hopper", "Actually, a quick question now.")
            .await?;
        b.wait_text(".msg.customer .text", "a quick question")
            .await?;
        wait_gone(&b, "#window-bar .st-snoozed").await?;
        ensure!(
            status(s, GRACE).await? == "open",
            "the customer did not wake it"
        );

        snooze_until_a_picked_time(s, &b).await
    })
    .await;
}

/// Clicks Snooze, types a date and time into the menu's field and confirms.
async fn snooze_until_a_picked_time(s: &Stack, b: &Browser) -> Result<()> {
    b.click(".chat-head [data-action=snooze]").await?;
    let field = ".menu input[type=datetime-local]";
    b.wait_for(field).await?;
    let (date, expected) = afternoon_in(b, 2).await?;
    let input = b.client.find(Locator::Css(field)).await?;
    input.send_keys(&date).await?;
    input.send_keys(&char::from(Key::Right).to_string()).await?;
    input.send_keys("0230PM").await?;
    b.click(".menu .btn.primary").await?;
    b.wait_text("#window-bar .st-snoozed", "Snoozed until")
        .await?;
    ensure!(
        status(s, GRACE).await? == "snoozed",
        "the picked time did not snooze"
    );
    let until = snoozed_until(s, GRACE).await?;
    let expected = Timestamp::parse_rfc3339(&expected)?;
    ensure!(
        until == expected,
        "snoozed until {}, picked {}",
        until.to_rfc3339(),
        expected.to_rfc3339()
    );
    Ok(())
}

/// The chat's labels as the API reports them, sorted.
async fn labels(s: &Stack, wa_id: &str) -> Result<Vec<String>> {
    let chat = s.chat(wa_id).await?;
    let mut labels: Vec<String> = chat["labels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str().map(str::to_owned))
        .collect();
    labels.sort();
    Ok(labels)
}

/// The contact names of the chat-list rows, top to bottom.
async fn row_names(b: &Browser) -> Result<Value> {
    b.js(
        "return [...document.querySelectorAll('#chat-list .chat-row .row-name')].map((el) => el.textContent);",
        vec![],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_are_added_from_the_menu_filter_the_list_and_are_removed_again() {
    run("labels", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.customer_says(ALAN_KAY, "Alan Kay", "Hello from another customer")
            .await?;
        s.customer_says(
            GRACE,
            "Grace Hopper",
            "I would like a refund for order 4211.",
        )
        .await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;

        // `l` opens the menu; with no labels yet, the new-label field has the focus.
        shortcut(&b, "l").await?;
        b.wait_for(".menu input[aria-label='New label']").await?;
        b.keys("vip").await?;
        b.press(Key::Enter).await?;
        b.wait_text("#window-bar .label-chip", "vip").await?;
        b.wait_text(".chat-row.active .label-chip", "vip").await?;
        ensure!(labels(s, GRACE).await? == ["vip"], "l + vip did not label");

        b.click(".chat-head [data-action=labels]").await?;
        b.type_into(".menu input[aria-label='New label']", "refund")
            .await?;
        b.press(Key::Enter).await?;
        b.wait_text("#window-bar .label-chip", "refund").await?;
        ensure!(
            labels(s, GRACE).await? == ["refund", "vip"],
            "the second label was not added"
        );

        filter_by_vip_then_remove_the_labels(s, &b).await
    })
    .await;
}

/// Filters the list by `vip` (a label added on this page), then takes both labels off: with the
/// chip's × and from the menu.
async fn filter_by_vip_then_remove_the_labels(s: &Stack, b: &Browser) -> Result<()> {
    b.wait_for("#f-label option[value='vip']").await?;
    let select = b.client.find(Locator::Css("#f-label")).await?;
    select.click().await?;
    select.select_by_value("vip").await?;
    b.wait_js(
        "only Grace in the vip list",
        "return [...document.querySelectorAll('#chat-list .chat-row .row-name')].map((el) => el.textContent).join() === 'Grace Hopper';",
        vec![],
    )
    .await?;
    let search = b.js("return location.search;", vec![]).await?;
    ensure!(search == "?label=vip", "the URL keeps the filter: {search}");
    let listed = s.api("GET", "/api/v1/chats?label=vip", None).await?;
    ensure!(
        listed["data"].as_array().map(Vec::len) == Some(1)
            && listed["data"][0]["contact"]["wa_id"] == GRACE,
        "the API's vip list: {listed}"
    );

    b.click("#window-bar .label-chip button[aria-label='Remove label vip']")
        .await?;
    b.wait_text("#chat-list .empty", "No chats in this view.")
        .await?;
    wait_gone(b, "#window-bar button[aria-label='Remove label vip']").await?;
    ensure!(
        labels(s, GRACE).await? == ["refund"],
        "× did not remove vip"
    );

    // `l` opens the menu on the first label, checked; Enter unchecks it.
    shortcut(b, "l").await?;
    b.wait_js(
        "the checked refund label, focused",
        "const el = document.activeElement; return el.matches('.menu [role=menuitemcheckbox][aria-checked=true]') && el.textContent === 'refund';",
        vec![],
    )
    .await?;
    b.press(Key::Enter).await?;
    wait_gone(b, "#window-bar .label-chip").await?;
    ensure!(
        labels(s, GRACE).await?.is_empty(),
        "the menu did not remove refund"
    );
    let names = row_names(b).await?;
    ensure!(names == json!([]), "the vip list still shows {names}");
    Ok(())
}

/// A user's id by email (through the API).
async fn user_id(s: &Stack, email: &str) -> Result<String> {
    let users = s.api("GET", "/api/v1/users", None).await?;
    users["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["email"] == email)
        .and_then(|u| u["id"].as_str().map(str::to_owned))
        .with_context(|| format!("no user {email}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_mentions_a_colleague_picked_after_at_and_rings_their_bell() {
    run("note_mention", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.customer_says(GRACE, "Grace Hopper", "Who can help me with a refund?")
            .await?;
        let alan = agent(ctx, "alan@example.com", "Alan Turing").await?;
        let bob = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&bob, "Grace Hopper").await?;

        // `n` switches the composer to a private note; `@ala` offers Alan, Enter picks him.
        shortcut(&bob, "n").await?;
        bob.wait_js(
            "the note tab, focused",
            "return document.querySelector('.note-tab').getAttribute('aria-selected') === 'true' && document.activeElement.id === 'composer-input';",
            vec![],
        )
        .await?;
        bob.keys("@ala").await?;
        bob.wait_text(".suggest li[aria-selected=true]", "Alan Turing")
            .await?;
        bob.press(Key::Enter).await?;
        bob.keys("can you check the refund for order 4211?")
            .await?;
        bob.press(Key::Enter).await?;
        bob.wait_text(".note .text", "refund for order 4211").await?;
        bob.wait_text(".note .mention", "@Alan Turing").await?;
        bob.wait_text(".note .who", "Private note · Bob Baker").await?;

        let id = s.chat_id(GRACE).await?;
        let notes = s
            .api("GET", &format!("/api/v1/chats/{id}/notes"), None)
            .await?;
        let note = &notes["data"][0];
        ensure!(
            note["body"] == "@alan@example.com can you check the refund for order 4211?",
            "the stored note: {notes}"
        );
        ensure!(
            note["mentions"] == json!([user_id(s, "alan@example.com").await?]),
            "the note should mention Alan: {notes}"
        );
        let messages = s
            .api("GET", &format!("/api/v1/chats/{id}/messages"), None)
            .await?;
        ensure!(
            !messages["data"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|m| m["direction"] == "outbound"),
            "a note must not reach the customer: {messages}"
        );

        alan_opens_his_notification(&alan, &bob).await
    })
    .await;
}

/// Alan's bell shows one unread mention; opening it from the bell opens the chat and marks it
/// read. Bob, the author, is not notified.
async fn alan_opens_his_notification(alan: &Browser, bob: &Browser) -> Result<()> {
    alan.wait_text("#notif-count", "1").await?;
    alan.wait_text(
        ".toast",
        "Bob Baker mentioned you in a note on Grace Hopper",
    )
    .await?;
    alan.click("#notif-btn").await?;
    alan.wait_text(".notif-item.unread", "mentioned you")
        .await?;
    alan.click(".notif-item.unread").await?;
    alan.wait_text("#chat-title", "Grace Hopper").await?;
    alan.wait_text(".note .text", "refund for order 4211")
        .await?;
    alan.wait_js(
        "the bell to be quiet",
        "return document.getElementById('notif-count').hidden;",
        vec![],
    )
    .await?;
    // The page marks it read without waiting for the answer: the hub may store it a moment
    // after the bell went quiet.
    eventually("Alan's mention, read, through the API", async || {
        let mine = alan.fetch_json("/api/v1/notifications").await?;
        let list = mine["data"].as_array().context("a list")?;
        let read = list.len() == 1 && list[0]["kind"] == "mention" && !list[0]["read_at"].is_null();
        Ok(if read { Ok(()) } else { Err(mine.to_string()) })
    })
    .await?;
    let bobs = bob.fetch_json("/api/v1/notifications").await?;
    ensure!(bobs["data"] == json!([]), "the author was notified: {bobs}");
    Ok(())
}

/// The chat's outbound messages (newest first) through the API.
async fn outbound(s: &Stack, wa_id: &str) -> Result<Vec<Value>> {
    let id = s.chat_id(wa_id).await?;
    let page = s
        .api("GET", &format!("/api/v1/chats/{id}/messages"), None)
        .await?;
    Ok(page["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["direction"] == "outbound")
        .cloned()
        .collect())
}

const SHIPPING: &str = "Orders leave our warehouse within 2 working days.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_and_a_shortcut_put_a_canned_response_in_the_reply() {
    run("canned", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        for (name, body) in [
            ("shipping", SHIPPING),
            ("returns", "You can return anything within 30 days."),
        ] {
            let canned = json!({"shortcut": name, "body": body});
            s.api("POST", "/api/v1/canned-responses", Some(canned))
                .await?;
        }
        s.customer_says(GRACE, "Grace Hopper", "When will my order ship?")
            .await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;

        // `r` puts the cursor in the reply; `/` lists both, `/sh` only one.
        shortcut(&b, "r").await?;
        b.keys("/").await?;
        b.wait_text(".suggest .sc", "/returns").await?;
        b.wait_text(".suggest .sc", "/shipping").await?;
        b.keys("sh").await?;
        b.wait_js(
            "only /shipping offered",
            "return [...document.querySelectorAll('.suggest .sc')].map((el) => el.textContent).join() === '/shipping';",
            vec![],
        )
        .await?;
        b.press(Key::Enter).await?;
        b.wait_js(
            "the canned text in the composer",
            "return document.getElementById('composer-input').value === arguments[0];",
            vec![json!(SHIPPING)],
        )
        .await?;
        // The cursor is after the inserted text: what follows is typed on.
        b.keys(" Bob").await?;
        b.press(Key::Enter).await?;
        let sent = format!("{SHIPPING} Bob");
        b.wait_text(".msg.out.agent .text", &sent).await?;
        b.wait_text(".msg.out.agent .who", "Bob Baker").await?;
        let composer = b
            .js("return document.getElementById('composer-input').value;", vec![])
            .await?;
        ensure!(composer == "", "the composer was not emptied: {composer}");

        let out = outbound(s, GRACE).await?;
        ensure!(
            out.len() == 1 && out[0]["text"] == sent.as_str(),
            "the stored reply: {out:?}"
        );
        Ok(())
    })
    .await;
}

/// The wamid Meta was asked to quote in the send of `text` (the sandbox's record of it).
async fn quoted_at_meta(s: &Stack, text: &str) -> Result<Value> {
    eventually(&format!("Meta to receive {text:?}"), async || {
        let sent = s.sandbox.sent().await;
        let request = sent["sent"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| &r["request"])
            .find(|r| r["text"]["body"] == text);
        Ok(match request {
            Some(r) => Ok(r["context"]["message_id"].clone()),
            None => Err(sent.to_string()),
        })
    })
    .await
}

/// The `#m-…` id of the message matching `css` whose text is `text`.
async fn bubble_id(b: &Browser, css: &str, text: &str) -> Result<String> {
    let id = b
        .wait_js(
            &format!("{text:?} in {css}"),
            "const m = [...document.querySelectorAll(arguments[0])].find((el) => el.querySelector('.text')?.textContent === arguments[1]); return m ? m.id : null;",
            vec![json!(css), json!(text)],
        )
        .await?;
    Ok(id.as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_quotes_the_message_it_answers_and_the_quote_leads_back_to_it() {
    run("reply_to", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        let vase = "Is the blue vase still in stock?";
        let lyon = "Also, do you ship to Lyon?";
        let vase_wamid = s.customer_says(GRACE, "Grace Hopper", vase).await?;
        s.advance(5).await;
        let lyon_wamid = s.customer_says(GRACE, "Grace Hopper", lyon).await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;

        // The reply button shows on hovering the older message.
        let vase_bubble = bubble_id(&b, ".msg.customer", vase).await?;
        b.hover(&format!("#{vase_bubble} .bubble")).await?;
        b.click(&format!("#{vase_bubble} .msg-actions button"))
            .await?;
        b.wait_text(".composer .reply-chip", vase).await?;
        b.keys("Yes, two are left.").await?;
        b.press(Key::Enter).await?;
        let first = ".msg.out.agent .quote";
        b.wait_text(first, vase).await?;
        b.wait_text(first, "Grace Hopper").await?;
        wait_gone(&b, ".composer .reply-chip").await?;

        // Shift+R quotes the customer's last message.
        shortcut(&b, "R").await?;
        b.wait_text(".composer .reply-chip", lyon).await?;
        b.keys("Yes, we ship to Lyon.").await?;
        b.press(Key::Enter).await?;
        b.wait_text(".msg.out.agent .quote", lyon).await?;

        let out = outbound(s, GRACE).await?;
        let reply_to = |text: &str| {
            out.iter()
                .find(|m| m["text"] == text)
                .map(|m| m["reply_to"].clone())
        };
        ensure!(
            reply_to("Yes, two are left.") == Some(json!(vase_wamid))
                && reply_to("Yes, we ship to Lyon.") == Some(json!(lyon_wamid)),
            "stored replies: {out:?}"
        );
        ensure!(
            quoted_at_meta(s, "Yes, two are left.").await? == json!(vase_wamid),
            "Meta was not asked to quote the vase question"
        );

        // Clicking a quote scrolls to the quoted message and flashes it.
        let answer = bubble_id(&b, ".msg.out.agent", "Yes, two are left.").await?;
        b.click(&format!("#{answer} .quote")).await?;
        b.wait_for(&format!("#{vase_bubble}.highlight")).await?;
        Ok(())
    })
    .await;
}

/// The value field of the attribute row that was `original` when the panel rendered.
fn value_field(original: &str) -> String {
    format!("#panel .attr-row[data-original='{original}'] input[aria-label='Attribute value']")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contact_attributes_are_edited_added_and_removed_in_the_panel() {
    run("contact_attributes", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        s.customer_says(GRACE, "Grace Hopper", "Please note my new city.")
            .await?;
        let contact = s.chat(GRACE).await?["contact"]["id"]
            .as_str()
            .context("the chat's contact")?
            .to_owned();
        let path = format!("/api/v1/contacts/{contact}");
        s.api("PATCH", &path, Some(json!({"attributes": {"plan": "Basic", "legacy_id": "X-17"}})))
            .await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        open_row(&b, "Grace Hopper").await?;

        // `i` opens the contact panel with the attributes.
        shortcut(&b, "i").await?;
        b.wait_for(&value_field("plan")).await?;
        let plan = b.client.find(Locator::Css(&value_field("plan"))).await?;
        plan.clear().await?;
        plan.send_keys("Plant club").await?;
        b.click("#panel .attr-row[data-original='legacy_id'] button[aria-label='Remove attribute legacy_id']")
            .await?;
        b.click("#panel .attrs + .chat-actions .btn.ghost").await?;
        b.type_into("#panel .attr-row[data-original=''] input[aria-label='Attribute name']", "city")
            .await?;
        b.type_into(&value_field(""), "Oakland").await?;
        b.click("#panel .attrs + .chat-actions .btn:not(.ghost)")
            .await?;
        b.wait_text(".toast", "Contact saved").await?;

        let stored = s.api("GET", &path, None).await?;
        ensure!(
            stored["attributes"] == json!({"plan": "Plant club", "city": "Oakland"}),
            "stored attributes: {}",
            stored["attributes"]
        );
        // Closed and opened again (`i` twice), the panel reads them back from the hub.
        shortcut(&b, "i").await?;
        b.wait_for("#panel[hidden]").await?;
        shortcut(&b, "i").await?;
        b.wait_for(&value_field("city")).await?;
        let shown = b
            .js(
                "return Object.fromEntries([...document.querySelectorAll('#panel .attr-row')].map((r) => [...r.querySelectorAll('input')].map((i) => i.value)));",
                vec![],
            )
            .await?;
        ensure!(
            shown == json!({"plan": "Plant club", "city": "Oakland"}),
            "the panel shows {shown}"
        );
        Ok(())
    })
    .await;
}
