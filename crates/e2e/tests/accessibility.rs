//! The web inbox checked by axe-core, the open-source accessibility engine, in real headless
//! Chromium: the login page, the chat list, an open chat with the contact panel, the template
//! picker outside the service window, the admin's "Connect a number" page and the phone-sized
//! layout, against the WCAG 2.0 and 2.1 A and AA rules. A violation fails the test with its rule,
//! impact, the elements concerned and axe's help text.
//!
//! axe-core is not part of the repository: `.ci/run` installs a pinned version with npm and names
//! its `axe.min.js` in `COEXIST_AXE_JS`. Locally:
//!
//! ```sh
//! npm install --prefix .ci --no-save axe-core@4.10.3
//! COEXIST_AXE_JS=$PWD/.ci/node_modules/axe-core/axe.min.js \
//!     cargo test -p coexist-e2e --test accessibility -- --nocapture
//! ```
//!
//! Without `COEXIST_AXE_JS` the tests print why and pass, unless `COEXIST_REQUIRE_AXE=1`
//! (`COEXIST_REQUIRE_BROWSER=1` likewise for Chromium).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use e2e::inbox::{DESKTOP, admin, agent, open_row, pick_template, shortcut};
use e2e::{Browser, PASSWORD, StackOptions, run};
use serde_json::{Value, json};

/// The path of `axe.min.js`.
const AXE_JS: &str = "COEXIST_AXE_JS";
/// Set to 1 in CI: a missing axe-core then fails the tests instead of skipping them.
const REQUIRE: &str = "COEXIST_REQUIRE_AXE";
/// The rules axe runs: WCAG 2.0 and 2.1, levels A and AA.
const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
/// How many elements a violation lists in the failure.
const SHOWN_TARGETS: usize = 3;

const GRACE: &str = "16505550123";
const NOAH: &str = "16505550177";

/// axe-core's source, or `None` (after printing why) when the test should skip.
fn axe_source(test: &str) -> Option<String> {
    let required = std::env::var(REQUIRE).is_ok_and(|v| v == "1");
    let why = match std::env::var(AXE_JS) {
        Ok(path) => match std::fs::read_to_string(PathBuf::from(&path)) {
            Ok(source) => return Some(source),
            Err(e) => format!("{AXE_JS}={path} cannot be read: {e}"),
        },
        Err(_) => format!(
            "{AXE_JS} is not set (npm install --prefix .ci --no-save axe-core, then {AXE_JS}=$PWD/.ci/node_modules/axe-core/axe.min.js)"
        ),
    };
    if required {
        panic!("{test}: {why}, and {REQUIRE}=1");
    }
    eprintln!("skipping {test}: {why}");
    None
}

/// Runs axe on the page as it is now and returns one line per violation (empty: none).
/// `screen` names the page in those lines.
async fn audit(b: &Browser, axe: &str, screen: &str) -> Result<Vec<String>> {
    // Executed by WebDriver, the source is not subject to the page's Content-Security-Policy.
    let loaded = b
        .js(
            &format!("{axe}\n;return typeof window.axe === 'object' ? window.axe.version : null;"),
            vec![],
        )
        .await?;
    if loaded.is_null() {
        bail!("axe-core did not load on {screen}");
    }
    let script = "return window.axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
        .then((r) => ({ passes: r.passes.length, incomplete: r.incomplete.map((v) => `${v.id} on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
            violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: n.failureSummary })) })) }));";
    let result = b.js(script, vec![json!(TAGS)]).await?;
    let violations = result["violations"]
        .as_array()
        .context("axe's violations")?;
    println!(
        "{screen}: {} rule(s) passed, {} violated, left for a person to review: {}",
        result["passes"],
        violations.len(),
        result["incomplete"]
    );
    Ok(violations.iter().map(|v| describe(screen, v)).collect())
}

fn describe(screen: &str, v: &Value) -> String {
    let nodes = v["nodes"].as_array().cloned().unwrap_or_default();
    let mut targets: Vec<String> = nodes
        .iter()
        .take(SHOWN_TARGETS)
        .map(|n| n["target"].as_str().unwrap_or("?").to_owned())
        .collect();
    if nodes.len() > SHOWN_TARGETS {
        targets.push(format!("and {} more", nodes.len() - SHOWN_TARGETS));
    }
    let summary = nodes
        .first()
        .and_then(|n| n["summary"].as_str())
        .unwrap_or_default()
        .replace('\n', " ");
    format!(
        "[{screen}] {} ({}): {}\n    on {}\n    {summary}\n    {}",
        v["id"].as_str().unwrap_or("?"),
        v["impact"].as_str().unwrap_or("?"),
        v["help"].as_str().unwrap_or_default(),
        targets.join(", "),
        v["url"].as_str().unwrap_or_default(),
    )
}

/// The violations of every screen a test checks, reported together at its end.
struct Audit<'a> {
    axe: &'a str,
    found: Vec<String>,
}

impl Audit<'_> {
    async fn check(&mut self, b: &Browser, screen: &str) -> Result<()> {
        let lines = audit(b, self.axe, screen).await?;
        self.found.extend(lines);
        Ok(())
    }

    fn verdict(self) -> Result<()> {
        if self.found.is_empty() {
            return Ok(());
        }
        bail!(
            "axe-core found {} violation(s) of WCAG 2.1 A/AA:\n{}",
            self.found.len(),
            self.found.join("\n")
        )
    }
}

/// The check itself: on a page with known faults, axe reports them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_reports_the_faults_of_a_faulty_page() {
    let Some(axe) = axe_source("a11y_self_check") else {
        return;
    };
    run("a11y_self_check", StackOptions::default(), async |ctx| {
        let b = ctx.browser(DESKTOP.0, DESKTOP.1).await?;
        b.goto("data:text/html,<html lang=en><title>t</title><main><input id=x><p style='color:%23aaa;background:%23fff'>faint</p></main></html>")
            .await?;
        let found = audit(&b, &axe, "faulty page").await?.join("\n");
        for rule in ["label", "color-contrast"] {
            anyhow::ensure!(found.contains(&format!("] {rule} (")), "axe missed {rule}: {found}");
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_page_has_no_accessibility_violations() {
    let Some(axe) = axe_source("a11y_login") else {
        return;
    };
    run("a11y_login", StackOptions::default(), async |ctx| {
        let mut audit = Audit {
            axe: &axe,
            found: Vec::new(),
        };
        let b = ctx.browser(DESKTOP.0, DESKTOP.1).await?;
        b.goto(&format!("{}/login", ctx.stack.base())).await?;
        b.wait_for("#login-form").await?;
        audit.check(&b, "login").await?;
        // The refusal shows an error message on the page.
        b.type_into("#email", "ada@example.com").await?;
        b.type_into("#password", "not the password").await?;
        b.click("#login-form button[type=submit]").await?;
        b.wait_text("#login-error", "Wrong email or password.")
            .await?;
        audit.check(&b, "login refused").await?;
        audit.verdict()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_chat_panel_and_template_picker_have_no_accessibility_violations() {
    let Some(axe) = axe_source("a11y_inbox") else {
        return;
    };
    run("a11y_inbox", StackOptions::default(), async |ctx| {
        let s = &ctx.stack;
        let mut audit = Audit {
            axe: &axe,
            found: Vec::new(),
        };
        s.sandbox
            .control(
                "POST",
                &format!("/customers/{NOAH}/profile"),
                Some(json!({"name": "Noah Williams"})),
            )
            .await;
        s.phone_says(NOAH, "Your order is ready for pickup.")
            .await?;
        s.customer_says(
            GRACE,
            "Grace Hopper",
            "Can I still change the delivery address?",
        )
        .await?;
        s.phone_says(GRACE, "Yes: send it here and we will update the order.")
            .await?;
        let b = agent(ctx, "bob@example.com", "Bob Baker").await?;
        b.wait_text(".chat-row .row-name", "Noah Williams").await?;
        audit.check(&b, "chat list").await?;

        open_row(&b, "Grace Hopper").await?;
        b.type_into("#composer-input", "Of course, what is the new address?")
            .await?;
        b.press(fantoccini::key::Key::Enter).await?;
        b.wait_text(".msg.out.agent .text", "new address").await?;
        b.click(".composer-tabs .note-tab").await?;
        b.type_into("#composer-input", "She moved last week.")
            .await?;
        b.press(fantoccini::key::Key::Enter).await?;
        b.wait_text(".note .text", "moved last week").await?;
        audit.check(&b, "open chat").await?;
        shortcut(&b, "i").await?;
        b.wait_for("#panel:not([hidden])").await?;
        audit.check(&b, "contact panel").await?;
        shortcut(&b, "i").await?;

        open_row(&b, "Noah Williams").await?;
        b.wait_text("#window-bar", "Window closed").await?;
        pick_template(&b, "order_update").await?;
        b.wait_for("input[name='body:1']").await?;
        audit.check(&b, "template picker").await?;

        // The menus and the shortcuts dialog, over the chat.
        shortcut(&b, "z").await?;
        b.wait_for(".menu:not([hidden])").await?;
        audit.check(&b, "snooze menu").await?;
        b.press(fantoccini::key::Key::Escape).await?;
        shortcut(&b, "l").await?;
        b.wait_for(".menu:not([hidden])").await?;
        audit.check(&b, "labels menu").await?;
        b.press(fantoccini::key::Key::Escape).await?;
        b.click("#help-btn").await?;
        b.wait_for("#help-dialog[open] #shortcut-list dt").await?;
        audit.check(&b, "shortcuts dialog").await?;
        b.click("#help-close").await?;
        b.click("#notif-btn").await?;
        b.wait_for("#notif-btn[aria-expanded=true]").await?;
        audit.check(&b, "notifications").await?;
        b.press(fantoccini::key::Key::Escape).await?;
        b.click("#me-btn").await?;
        b.wait_for("#me-btn[aria-expanded=true]").await?;
        audit.check(&b, "account menu").await?;
        b.press(fantoccini::key::Key::Escape).await?;
        b.click(".number-chip").await?;
        b.wait_for(".number-chip[aria-expanded=true]").await?;
        audit.check(&b, "number details").await?;
        b.press(fantoccini::key::Key::Escape).await?;

        // A disconnected number's banner.
        s.disconnect_for_inactivity().await?;
        b.wait_for(".banner.danger").await?;
        audit.check(&b, "disconnected banner").await?;
        audit.verdict()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connect_a_number_page_has_no_accessibility_violations() {
    let Some(axe) = axe_source("a11y_connect") else {
        return;
    };
    run("a11y_connect", StackOptions::default(), async |ctx| {
        let mut audit = Audit {
            axe: &axe,
            found: Vec::new(),
        };
        let b = admin(ctx, DESKTOP).await?;
        audit.check(&b, "numbers").await?;
        b.click("#connect-link").await?;
        b.wait_text("h1", "Connect a number").await?;
        audit.check(&b, "connect a number").await?;
        b.click("input[name='mode'][value='coexistence']").await?;
        b.type_into("#phone", "+44 7700 900123").await?;
        b.type_into("#app-version", "2.24.10").await?;
        b.click("#preflight-start").await?;
        b.wait_text("#preflight-verdict", "Not eligible").await?;
        audit.check(&b, "preflight refused").await?;
        b.goto(&format!("{}/admin/numbers/1", ctx.stack.base()))
            .await?;
        b.wait_text("h1", "+1").await?;
        audit.check(&b, "a number").await?;
        b.goto(&format!("{}/admin/connect", ctx.stack.base()))
            .await?;
        b.click("input[name='mode'][value='coexistence']").await?;
        b.type_into("#phone", "+1 555 010 9001").await?;
        b.type_into("#app-version", "2.25.3.78").await?;
        for item in ["in_use", "verified_business", "facebook_page"] {
            b.click(&format!(".coexistence-only input[value='{item}']"))
                .await?;
        }
        b.click("#preflight-start").await?;
        b.wait_text("h1", "Onboarding +1").await?;
        audit.check(&b, "onboarding").await?;
        audit.verdict()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_sized_layout_has_no_accessibility_violations() {
    let Some(axe) = axe_source("a11y_phone") else {
        return;
    };
    // Meta's clock starts 23 hours back: the customer wrote then, so the window is in its last
    // hour and its countdown shows in the warning colour.
    let options = StackOptions {
        sandbox_minutes_ago: 23 * 60,
        ..StackOptions::default()
    };
    run("a11y_phone", options, async |ctx| {
        let s = &ctx.stack;
        let mut audit = Audit {
            axe: &axe,
            found: Vec::new(),
        };
        s.user("bob@example.com", "Bob Baker", "agent").await?;
        s.customer_says(GRACE, "Grace Hopper", "Hello from my phone!")
            .await?;
        let b = ctx.browser(390, 844).await?;
        b.sign_in(&s.base(), "bob@example.com", PASSWORD).await?;
        b.wait_for(".chat-row .win-soon").await?;
        audit.check(&b, "phone list").await?;
        open_row(&b, "Grace Hopper").await?;
        b.wait_text(".msg.customer .text", "Hello from my phone!")
            .await?;
        audit.check(&b, "phone chat").await?;
        audit.verdict()
    })
    .await;
}
