//! Headless Chromium driven through chromedriver (W3C WebDriver, fantoccini), as STACK.md §5
//! verified: chromedriver is a child process on a free loopback port, each browser gets a fresh
//! profile directory, and the browser is closed at the end of every test.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::process::{Child, Command};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Set to 1 in CI: a missing browser then fails the tests instead of skipping them.
const REQUIRE: &str = "COEXIST_REQUIRE_BROWSER";
/// How long any wait may take before the test fails: generous, the machine is shared.
pub const PATIENCE: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(40);

/// Whether Chromium and chromedriver are installed. Without them a test prints why and passes,
/// unless `COEXIST_REQUIRE_BROWSER=1`, which makes it fail.
pub fn available(test: &str) -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!(
        "{} not installed (apt-get install chromium chromium-driver)",
        missing.join(" and ")
    );
    if std::env::var(REQUIRE).is_ok_and(|v| v == "1") {
        panic!("{test}: {why}, and {REQUIRE}=1");
    }
    eprintln!("skipping {test}: {why}");
    false
}

/// A free loopback port (bound, read, released).
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// One Chromium window.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: std::sync::Mutex<Option<Child>>,
    _profile: TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium of `width`×`height` CSS pixels.
    pub async fn start(width: u32, height: u32) -> Result<Browser> {
        let port = free_port()?;
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting chromedriver")?;
        let url = format!("http://127.0.0.1:{port}");
        wait_for_driver(&url, &mut driver).await?;
        let profile = tempfile::tempdir()?;
        let client = connect(&url, profile.path(), width, height).await?;
        Ok(Browser {
            client,
            driver: std::sync::Mutex::new(Some(driver)),
            _profile: profile,
        })
    }

    /// Ends the session (Chromium exits), then chromedriver.
    pub async fn close(&self) {
        let _ = self.client.clone().close().await;
        let driver = self.driver.lock().map(|mut d| d.take()).unwrap_or(None);
        if let Some(mut driver) = driver {
            let _ = driver.kill().await;
        }
    }

    /// Makes the viewport `width`×`height` CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) -> Result<()> {
        fit_viewport(&self.client, width, height).await
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    /// Runs a script (`arguments[i]` are `args`) and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.client
            .execute(script, args)
            .await
            .map_err(|e| anyhow!("script failed: {e}\n{script}"))
    }

    /// Polls `script` (which returns a truthy value when ready) until it is ready; fails after
    /// [`PATIENCE`] naming `what`.
    pub async fn wait_js(&self, what: &str, script: &str, args: Vec<Value>) -> Result<Value> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let value = self.js(script, args.clone()).await?;
            let ready = match &value {
                Value::Null | Value::Bool(false) => false,
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if ready {
                return Ok(value);
            }
            if tokio::time::Instant::now() > deadline {
                let url = self.client.current_url().await.map(|u| u.to_string());
                bail!("waited {PATIENCE:?} for {what} (page {url:?})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until an element matching `css` exists and returns its text.
    pub async fn wait_for(&self, css: &str) -> Result<String> {
        let script = "const el = document.querySelector(arguments[0]); return el ? (el.innerText || el.textContent || ' ') : null;";
        let v = self
            .wait_js(&format!("an element {css}"), script, vec![json!(css)])
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Waits until some element matching `css` contains `text`.
    pub async fn wait_text(&self, css: &str, text: &str) -> Result<()> {
        let script = "return [...document.querySelectorAll(arguments[0])].some((el) => (el.textContent || '').includes(arguments[1]));";
        self.wait_js(
            &format!("{text:?} in {css}"),
            script,
            vec![json!(css), json!(text)],
        )
        .await
        .map(|_| ())
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.wait_for(css).await?;
        let el = self.client.find(Locator::Css(css)).await?;
        el.click().await.with_context(|| format!("clicking {css}"))
    }

    /// Types into the first element matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        self.wait_for(css).await?;
        let el = self.client.find(Locator::Css(css)).await?;
        el.send_keys(text)
            .await
            .with_context(|| format!("typing into {css}"))
    }

    /// Presses keys on whatever has focus.
    pub async fn keys(&self, text: &str) -> Result<()> {
        let el = self.client.active_element().await?;
        el.send_keys(text).await.context("pressing keys")
    }

    /// Presses one key (Enter, Escape, an arrow…) on whatever has focus.
    pub async fn press(&self, key: Key) -> Result<()> {
        self.keys(&char::from(key).to_string()).await
    }

    /// Moves the mouse over the first element matching `css` (what `:hover` shows).
    pub async fn hover(&self, css: &str) -> Result<()> {
        self.wait_for(css).await?;
        let element = self.client.find(Locator::Css(css)).await?;
        let mouse = MouseActions::new("mouse".to_owned()).then(PointerAction::MoveToElement {
            element,
            duration: None,
            x: 0.0,
            y: 0.0,
        });
        self.client
            .perform_actions(mouse)
            .await
            .with_context(|| format!("hovering over {css}"))
    }

    /// GETs `path` of the hub from the page, as the signed-in user (the session's cookie), and
    /// returns the JSON answer; fails on a non-2xx answer.
    pub async fn fetch_json(&self, path: &str) -> Result<Value> {
        let script = "return fetch(arguments[0], { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(async (r) => ({ ok: r.ok, status: r.status, body: await r.text() }));";
        let answer = self.js(script, vec![json!(path)]).await?;
        let body = answer["body"].as_str().unwrap_or_default();
        if answer["ok"] != true {
            bail!("GET {path} from the page: {}: {body}", answer["status"]);
        }
        serde_json::from_str(body).with_context(|| format!("GET {path}: not JSON: {body}"))
    }

    /// Signs in through the login page and waits for the inbox to be live.
    pub async fn sign_in(&self, base: &str, email: &str, password: &str) -> Result<()> {
        self.goto(&format!("{base}/login")).await?;
        self.type_into("#email", email).await?;
        self.type_into("#password", password).await?;
        self.click("#login-form button[type=submit]").await?;
        self.wait_live().await
    }

    /// Waits until the inbox has started and its stream is connected.
    pub async fn wait_live(&self) -> Result<()> {
        self.wait_js(
            "the inbox to be ready and live",
            "return document.body.dataset.ready === 'true' && document.body.dataset.stream === 'live';",
            vec![],
        )
        .await
        .map(|_| ())
    }

    /// Saves a PNG of the viewport to `target/screenshots/NAME.png`, and to
    /// `docs/screenshots/NAME.png` when `COEXIST_UPDATE_SCREENSHOTS=1`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let update_docs = std::env::var("COEXIST_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1");
        self.save_screenshot(name, update_docs).await
    }

    /// Saves a PNG of the viewport to `target/screenshots/NAME.png` only (failures).
    pub async fn debug_screenshot(&self, name: &str) -> Result<PathBuf> {
        self.save_screenshot(name, false).await
    }

    async fn save_screenshot(&self, name: &str, update_docs: bool) -> Result<PathBuf> {
        // Let fonts, images and the last frame settle; passing toasts are not part of the
        // picture.
        self.js(
            "document.querySelectorAll('.toast').forEach((t) => t.remove()); return document.fonts ? document.fonts.ready.then(() => true) : true;",
            vec![],
        )
        .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await.context("screenshot")?;
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let target = root.join("target/screenshots");
        std::fs::create_dir_all(&target)?;
        let path = target.join(format!("{name}.png"));
        std::fs::write(&path, &png)?;
        if update_docs {
            let docs = root.join("docs/screenshots");
            std::fs::create_dir_all(&docs)?;
            std::fs::write(docs.join(format!("{name}.png")), &png)?;
        }
        Ok(path)
    }
}

async fn wait_for_driver(url: &str, driver: &mut Child) -> Result<()> {
    let http = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Some(status) = driver.try_wait()? {
            bail!("chromedriver exited at start: {status}");
        }
        if let Ok(r) = http.get(format!("{url}/status")).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!("chromedriver did not answer on {url}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn connect(url: &str, profile: &Path, width: u32, height: u32) -> Result<Client> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--force-color-profile=srgb",
                // One locale whatever the machine's: date fields take en-US order.
                "--lang=en-US",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    let mut builder = ClientBuilder::rustls().context("rustls connector")?;
    builder.capabilities(caps);
    let client = builder
        .connect(url)
        .await
        .context("starting a Chromium session")?;
    fit_viewport(&client, width, height).await?;
    Ok(client)
}

/// `--window-size` and `set_window_size` set the outer window; this makes the viewport itself
/// `width`×`height`.
async fn fit_viewport(client: &Client, width: u32, height: u32) -> Result<()> {
    client.set_window_size(width, height).await?;
    let inner: Value = client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await?;
    let (iw, ih) = (
        inner[0].as_u64().unwrap_or(u64::from(width)),
        inner[1].as_u64().unwrap_or(u64::from(height)),
    );
    let (dw, dh) = (
        u64::from(width).saturating_sub(iw),
        u64::from(height).saturating_sub(ih),
    );
    if dw > 0 || dh > 0 {
        let w = u32::try_from(u64::from(width) + dw).unwrap_or(width);
        let h = u32::try_from(u64::from(height) + dh).unwrap_or(height);
        client.set_window_size(w, h).await?;
    }
    Ok(())
}
