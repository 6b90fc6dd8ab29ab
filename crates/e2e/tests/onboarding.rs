//! Onboarding in real headless Chromium, from the first click to live traffic, against the
//! sandbox standing in for Meta: "Connect a number" → the preflight → the signup window with its
//! QR code → the scan → onboarded → the one-time syncs (once only) → a customer's message live
//! in the inbox. Same harness as `browser.rs`: waits poll the DOM, nothing asserts on timing.
//!
//! Run: `cargo test -p coexist-e2e --test onboarding -- --nocapture`
//! (`COEXIST_REQUIRE_BROWSER=1` fails instead of skipping without Chromium).

use anyhow::{Context, Result, bail, ensure};
use e2e::{Ctx, StackOptions, run};
use fantoccini::wd::WindowHandle;
use serde_json::{Value, json};

const DESKTOP: (u32, u32) = (1280, 900);

/// An admin signed in on a new browser, on the numbers page.
async fn admin(ctx: &Ctx) -> Result<std::sync::Arc<e2e::Browser>> {
    e2e::inbox::admin(ctx, DESKTOP).await
}

/// On "Connect a number": picks the model, types the number, answers the checklist.
async fn fill_preflight(
    b: &e2e::Browser,
    mode: &str,
    phone: &str,
    version: &str,
    confirm: &[&str],
) -> Result<()> {
    b.click("#connect-link").await?;
    b.wait_text("h1", "Connect a number").await?;
    b.click(&format!("input[name='mode'][value='{mode}']"))
        .await?;
    b.type_into("#phone", phone).await?;
    if mode == "coexistence" {
        b.type_into("#app-version", version).await?;
    }
    let scope = if mode == "coexistence" {
        ".coexistence-only"
    } else {
        ".cloud-only"
    };
    for item in confirm {
        b.click(&format!("{scope} input[value='{item}']")).await?;
    }
    Ok(())
}

/// The window the page opened, other than `main`.
async fn popup(b: &e2e::Browser, main: &WindowHandle) -> Result<WindowHandle> {
    let deadline = tokio::time::Instant::now() + e2e::PATIENCE;
    loop {
        let windows = b.client.windows().await?;
        if let Some(w) = windows.into_iter().find(|w| w != main) {
            return Ok(w);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("the signup window did not open");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Opens the signup window from the onboarding page and switches to it.
async fn open_signup(b: &e2e::Browser) -> Result<WindowHandle> {
    let main = b.client.window().await?;
    b.click("#launch-signup").await?;
    let window = popup(b, &main).await?;
    b.client.switch_to_window(window).await?;
    b.wait_text("#scan", "Scan with the phone").await?;
    b.wait_for("#qr svg path").await?;
    Ok(main)
}

/// Back on the onboarding page: waits for it to be onboarded and goes to the number.
async fn onboarded(b: &e2e::Browser, main: WindowHandle) -> Result<String> {
    b.client.switch_to_window(main).await?;
    b.wait_text("#step-label", "Onboarded").await?;
    let href = b
        .wait_js(
            "the number link",
            "const a = document.getElementById('number-link'); return a && a.getAttribute('href');",
            vec![],
        )
        .await?;
    b.click("#number-link").await?;
    let id = href
        .as_str()
        .context("a link")?
        .rsplit('/')
        .next()
        .context("an id")?
        .to_owned();
    b.wait_text("h1", "+1").await?;
    Ok(id)
}

/// A customer writes to the number; the message shows live in the inbox.
async fn live_message(ctx: &Ctx, b: &e2e::Browser, number: &str, text: &str) -> Result<()> {
    let status = ctx
        .stack
        .api("GET", &format!("/api/v1/numbers/{number}/onboarding"), None)
        .await?;
    let pnid = status["number"]["phone_number_id"]
        .as_str()
        .context("pnid")?
        .to_owned();
    b.goto(&format!("{}/", ctx.stack.base())).await?;
    b.wait_live().await?;
    let said = ctx
        .stack
        .sandbox
        .customer_says("16505550188", &pnid, text)
        .await;
    ensure!(
        said.body["webhook"] == true,
        "no webhook for the new number: {said:?}"
    );
    b.wait_text(".chat-row .ptext", text).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coexistence_number_is_onboarded_synced_once_and_takes_live_traffic() {
    run("onboard_coexistence", StackOptions::default(), async |ctx| {
        let b = admin(ctx).await?;
        let confirm = ["in_use", "verified_business", "facebook_page"];
        fill_preflight(&b, "coexistence", "+1 555 010 9001", "2.25.3.78", &confirm).await?;
        b.click("#preflight-check").await?;
        b.wait_text("#preflight-verdict", "Eligible").await?;
        b.click("#preflight-start").await?;
        b.wait_text("h1", "Onboarding +1").await?;
        let main = open_signup(&b).await?;
        b.screenshot("onboarding-signup-window").await?;
        b.click("#scan").await?;
        let number = onboarded(&b, main).await?;
        b.wait_for("#sync-contacts input[name='kind']").await?;
        b.wait_for("#countdown").await?;
        b.click("#request-sync").await?;
        b.wait_text("#sync-result", "Meta accepted the history sync").await?;
        ctx.stack.sandbox.flush().await;
        b.wait_text("#history-percent", "100%").await?;
        b.wait_js("both syncs accepted", "return ['contacts', 'history'].every((k) => document.getElementById(`sync-${k}`).dataset.state === 'accepted');", vec![]).await?;
        b.screenshot("onboarding-syncs").await?;
        let buttons = b.js("return document.querySelectorAll('#request-sync, input[name=\"kind\"]').length;", vec![]).await?;
        ensure!(buttons == json!(0), "the page still offers a sync: {buttons}");
        b.goto(&format!("{}/admin/numbers/{number}", ctx.stack.base())).await?;
        b.wait_for("#syncs").await?;
        let offered = b.js("return document.querySelectorAll('#request-sync, input[name=\"kind\"]').length;", vec![]).await?;
        ensure!(offered == json!(0), "a fresh page offers a sync again");
        let refused = ctx.stack.api("POST", &format!("/api/v1/numbers/{number}/sync"), Some(json!({"kind": "history"}))).await;
        let error = refused.err().context("the API accepted a second history request")?.to_string();
        ensure!(error.contains("409") && error.contains("sync_already_requested") && error.contains("offboard"), "{error}");
        live_message(ctx, &b, &number, "Hello! Is the lemon tree still available?").await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cloud_api_number_is_registered_and_takes_live_traffic() {
    run("onboard_cloud", StackOptions::default(), async |ctx| {
        let b = admin(ctx).await?;
        fill_preflight(
            &b,
            "cloud_api",
            "+1 555 010 9101",
            "",
            &["not_on_whatsapp", "can_receive_code"],
        )
        .await?;
        b.click("#preflight-start").await?;
        b.wait_text("h1", "Onboarding +1").await?;
        b.type_into("#pin", "246810").await?;
        let main = open_signup(&b).await?;
        // The phone confirms through the control API this time (the window polls and posts).
        let session = b
            .js("return document.body.dataset.session;", vec![])
            .await?;
        let session = session.as_str().context("a session id")?.to_owned();
        let scanned = ctx
            .stack
            .sandbox
            .control("POST", &format!("/signup/{session}/scan"), None)
            .await;
        ensure!(scanned.is_ok(), "{scanned:?}");
        let number = onboarded(&b, main).await?;
        b.wait_text("h1 .muted", "Cloud API only").await?;
        let syncs = b
            .js("return document.getElementById('syncs') === null;", vec![])
            .await?;
        ensure!(
            syncs == Value::Bool(true),
            "a Cloud API number has no syncs to offer"
        );
        let prospects = ctx
            .stack
            .sandbox
            .control("GET", "/signup/numbers", None)
            .await
            .body;
        let meta = prospects["numbers"]
            .as_array()
            .context("numbers")?
            .iter()
            .find(|n| n["display_phone_number"] == "15550109101")
            .cloned()
            .context("the number at Meta")?;
        ensure!(
            meta["lifecycle"]["state"] == "connected" && meta["subscribed"] == true,
            "{meta}"
        );
        live_message(ctx, &b, &number, "Do you ship to Canada?").await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preflight_refuses_an_ineligible_number_with_its_reasons() {
    run("onboard_refused", StackOptions::default(), async |ctx| {
        let b = admin(ctx).await?;
        fill_preflight(&b, "coexistence", "+44 7700 900123", "2.24.10", &["in_use"]).await?;
        b.click("#preflight-start").await?;
        b.wait_text("#preflight-verdict", "Not eligible").await?;
        for reason in [
            "United Kingdom",
            "older than 2.24.17",
            "business verification",
            "Facebook page",
        ] {
            b.wait_text("#preflight-checks", reason).await?;
        }
        b.screenshot("onboarding-preflight-refused").await?;
        let path = b.js("return location.pathname;", vec![]).await?;
        ensure!(
            path == "/admin/connect",
            "an ineligible number left the page: {path}"
        );
        let started = ctx.stack.api("GET", "/api/v1/onboardings", None).await?;
        ensure!(
            started["data"] == json!([]),
            "an onboarding was started: {started}"
        );
        Ok(())
    })
    .await;
}
