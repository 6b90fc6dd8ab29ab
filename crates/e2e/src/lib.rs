//! Browser tests of the web inbox: a sandbox playing Meta and a hub in this process, real
//! headless Chromium driven through chromedriver. The tests live in `tests/browser.rs` and
//! `tests/chat_actions.rs` (the onboarding in `tests/onboarding.rs`, the axe-core accessibility
//! check in `tests/accessibility.rs`); this library is their harness.
//!
//! - [`browser`]: chromedriver and Chromium, waits that poll the DOM, screenshots.
//! - [`inbox`]: an agent's steps in the inbox (sign in, open a chat, press a shortcut).
//! - [`stack`]: the sandbox and the hub, API calls with an admin token, scripted customers and
//!   the business's phone.
//! - [`proxy`]: a TCP proxy that can drop every connection between the browser and the hub.
//!
//! Without Chromium and chromedriver every test prints why and passes, unless
//! `COEXIST_REQUIRE_BROWSER=1`. `COEXIST_UPDATE_SCREENSHOTS=1` also writes the screenshots to
//! `docs/screenshots/`.

pub mod browser;
pub mod inbox;
pub mod proxy;
pub mod stack;

use std::sync::{Arc, Mutex};

use anyhow::Result;

pub use browser::{Browser, PATIENCE};
pub use stack::{PASSWORD, Stack, StackOptions};

/// What a scenario gets: the running stack and a way to open browsers that are closed for it
/// afterwards, whatever happens.
pub struct Ctx {
    /// The sandbox and the hub.
    pub stack: Stack,
    browsers: Mutex<Vec<Arc<Browser>>>,
}

impl Ctx {
    /// Opens a Chromium window of `width`×`height`.
    pub async fn browser(&self, width: u32, height: u32) -> Result<Arc<Browser>> {
        let browser = Arc::new(Browser::start(width, height).await?);
        if let Ok(mut all) = self.browsers.lock() {
            all.push(browser.clone());
        }
        Ok(browser)
    }

    fn take_browsers(&self) -> Vec<Arc<Browser>> {
        self.browsers
            .lock()
            .map(|mut all| std::mem::take(&mut *all))
            .unwrap_or_default()
    }
}

/// Polls `probe` for at most [`PATIENCE`] until it answers `Ok(found)`; `Err(seen)` polls again
/// and `seen` names what it saw, for the failure. For state the hub or the sandbox reach on
/// their own schedule (the outbox's send to Meta, a request the page sends without waiting).
pub async fn eventually<T>(
    what: &str,
    mut probe: impl AsyncFnMut() -> Result<Result<T, String>>,
) -> Result<T> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let seen = match probe().await? {
            Ok(found) => return Ok(found),
            Err(seen) => seen,
        };
        if tokio::time::Instant::now() > deadline {
            anyhow::bail!("waited {PATIENCE:?} for {what}; last saw {seen}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Runs a scenario: skips without a browser, starts the stack, runs `body`, then closes every
/// browser and the stack. A failure saves a screenshot of each browser
/// (`target/screenshots/failed-<test>-<n>.png`) and panics with the error.
pub async fn run(test: &str, options: StackOptions, body: impl AsyncFnOnce(&Ctx) -> Result<()>) {
    if !browser::available(test) {
        return;
    }
    let stack = Stack::start(options)
        .await
        .unwrap_or_else(|e| panic!("{test}: the stack did not start: {e:#}"));
    let ctx = Ctx {
        stack,
        browsers: Mutex::new(Vec::new()),
    };
    let result = body(&ctx).await;
    let browsers = ctx.take_browsers();
    if result.is_err() {
        for (i, b) in browsers.iter().enumerate() {
            if let Ok(path) = b.debug_screenshot(&format!("failed-{test}-{i}")).await {
                eprintln!("{test}: screenshot of browser {i} at {}", path.display());
            }
        }
    }
    for b in &browsers {
        b.close().await;
    }
    ctx.stack.stop().await;
    if let Err(e) = result {
        panic!("{test}: {e:#}");
    }
}
