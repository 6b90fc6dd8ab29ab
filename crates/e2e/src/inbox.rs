//! What an agent does in the inbox, as steps the browser tests share: sign in on a desktop
//! window, open a chat from the list, press a shortcut.

use std::sync::Arc;

use anyhow::Result;
use serde_json::json;

use crate::{Browser, Ctx, PASSWORD};

/// The desktop window the inbox tests use (CSS pixels).
pub const DESKTOP: (u32, u32) = (1440, 900);

/// Creates an agent (signing in with [`PASSWORD`]) and signs them in on a new desktop browser.
pub async fn agent(ctx: &Ctx, email: &str, name: &str) -> Result<Arc<Browser>> {
    ctx.stack.user(email, name, "agent").await?;
    let b = ctx.browser(DESKTOP.0, DESKTOP.1).await?;
    b.sign_in(&ctx.stack.base(), email, PASSWORD).await?;
    Ok(b)
}

/// Creates the admin Ada (signing in with [`PASSWORD`]), signs her in on a new browser window
/// of `size` and opens the admin's numbers page.
pub async fn admin(ctx: &Ctx, size: (u32, u32)) -> Result<Arc<Browser>> {
    ctx.stack
        .user("ada@example.com", "Ada Admin", "admin")
        .await?;
    let b = ctx.browser(size.0, size.1).await?;
    b.sign_in(&ctx.stack.base(), "ada@example.com", PASSWORD)
        .await?;
    b.click("#admin-link").await?;
    b.wait_text("h1", "Numbers").await?;
    Ok(b)
}

/// Clicks the chat-list row whose name contains `name` and waits for the chat to open.
pub async fn open_row(b: &Browser, name: &str) -> Result<()> {
    b.wait_text(".chat-row .row-name", name).await?;
    b.js(
        "const row = [...document.querySelectorAll('.chat-row')].find((r) => r.querySelector('.row-name').textContent.includes(arguments[0])); row.querySelector('a').click(); return true;",
        vec![json!(name)],
    )
    .await?;
    b.wait_text("#chat-title", name).await
}

/// In a chat whose window is closed, picks the first template whose name starts with `prefix`
/// in the composer's template picker (once the approved templates are listed).
pub async fn pick_template(b: &Browser, prefix: &str) -> Result<()> {
    b.wait_for("#template-select option[value]:not([value=''])")
        .await?;
    b.js(
        "const s = document.getElementById('template-select'); s.value = [...s.options].find((o) => o.text.startsWith(arguments[0])).value; s.dispatchEvent(new Event('change')); return true;",
        vec![json!(prefix)],
    )
    .await
    .map(|_| ())
}

/// Takes the focus out of any field, so keys go to the shortcuts.
pub async fn blur(b: &Browser) -> Result<()> {
    b.js(
        "document.activeElement && document.activeElement.blur(); return true;",
        vec![],
    )
    .await
    .map(|_| ())
}

/// Presses a keyboard shortcut of the inbox (`e`, `z`, `l`, …) with no field focused.
pub async fn shortcut(b: &Browser, key: &str) -> Result<()> {
    blur(b).await?;
    b.keys(key).await
}
