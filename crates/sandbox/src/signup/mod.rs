//! A stand-in for Meta's Embedded Signup (META.md §10): the popup window with a real QR code,
//! the simulated phone that "scans" it, the one-time code and its exchange for a business
//! token, and the numbers available for signup with the facts Meta checks.
//!
//! The hub opens `GET /_sandbox/signup?app_id=…&config_id=…&feature=…&origin=…` where it would
//! call Meta's `FB.login`. Scanning (the popup's button, the phone page the QR code leads to,
//! or `POST /_sandbox/signup/{session}/scan`) onboards the number and the popup posts to its
//! opener exactly Meta's session-logging message plus the code `FB.login`'s callback would
//! give, so the hub walks the real path: code → `GET /oauth/access_token` → business token →
//! `POST /{waba}/subscribed_apps` → (Cloud API) `POST /{phone}/register` → `smb_app_data`.
//!
//! - The state changes: `prospects` (the numbers on offer, seeded or added), `ops` (sessions
//!   and scanning), `connect` (the number, codes, tokens, registration).
//! - `page`: the popup and phone pages. `control`: the `/_sandbox/signup` routes.
//! - The Graph side (`/oauth/access_token`, `/register`, business-token scope) is in
//!   `crate::graph::signup`.
//!
//! Randomness comes from its own seeded stream, so using signup never changes the ids of a run
//! that does not.

mod connect;
mod control;
mod ops;
mod page;
mod prospects;

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

pub(crate) use control::{pages, routes};

use crate::config::NumberMode;
use crate::ids::{Stream, numeric_id, rng};

/// The oldest WhatsApp Business app version Meta accepts for coexistence (META.md §10.1).
pub(crate) const MIN_APP_VERSION: [u32; 3] = [2, 24, 17];
/// Days a number must have been used on the app (third-party material; UNCONFIRMED).
pub(crate) const MIN_DAYS_IN_USE: u32 = 7;
/// Days within which the phone app must have been opened ("recent activity").
pub(crate) const RECENT_DAYS: u64 = 7;
/// Lifetime of the code `FB.login` returns (a third-party summary says 30 s; UNCONFIRMED).
pub(crate) const CODE_TTL_MS: u64 = 30_000;
/// The `featureType` of the coexistence flow.
pub(crate) const COEXISTENCE_FEATURE: &str = "whatsapp_business_app_onboarding";

/// What Meta knows (or checks) about a number before letting it through Embedded Signup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Facts {
    /// The WhatsApp Business app version on the phone (coexistence).
    pub(crate) app_version: String,
    /// Days the number has been used on the app.
    pub(crate) days_in_use: u32,
    /// The business portfolio is verified.
    pub(crate) business_verified: bool,
    /// A Facebook page is linked.
    pub(crate) facebook_page_linked: bool,
}

impl Default for Facts {
    fn default() -> Self {
        Facts {
            app_version: "2.25.3.78".to_owned(),
            days_in_use: 420,
            business_verified: true,
            facebook_page_linked: true,
        }
    }
}

/// A number a business can bring through Embedded Signup.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Prospect {
    /// Digits.
    pub(crate) display_phone_number: String,
    /// The business name.
    pub(crate) verified_name: String,
    /// Coexistence (on a phone with the app) or Cloud API only (a fresh number).
    pub(crate) mode: NumberMode,
    /// Eligibility facts.
    pub(crate) facts: Facts,
    /// The business account it joins.
    pub(crate) waba_id: String,
    /// Its Graph id (coexistence numbers have one from the start; Cloud API ones at signup).
    pub(crate) phone_number_id: Option<String>,
    /// Give the phone demo contacts and chats before its first onboarding.
    pub(crate) seed_phone: bool,
}

/// Where a signup window stands.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum SessionState {
    /// Waiting for the phone to scan.
    Open,
    /// Onboarded: the message and the code the window posts.
    Finished {
        event: serde_json::Value,
        code: String,
        display_phone_number: String,
    },
    /// Meta refused the number; the reasons, as the window shows them.
    Refused {
        display_phone_number: String,
        reasons: Vec<String>,
    },
    /// The window was closed without finishing.
    Cancelled,
}

/// One signup window.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) app_id: String,
    pub(crate) config_id: String,
    /// `featureType: whatsapp_business_app_onboarding`.
    pub(crate) coexistence: bool,
    /// The opener's origin, which the window posts to.
    pub(crate) origin: Option<String>,
    /// The number the hub's admin typed (the real window asks for it; this one is told).
    pub(crate) phone_hint: Option<String>,
    pub(crate) created_at: u64,
    #[serde(flatten)]
    pub(crate) state: SessionState,
}

/// A one-time code, as `FB.login` hands it to the page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Code {
    pub(crate) waba_id: String,
    pub(crate) app_id: String,
    pub(crate) expires_at: u64,
    pub(crate) used: bool,
}

/// Everything Embedded Signup keeps.
#[derive(Debug)]
pub(crate) struct Signups {
    rng: ChaCha20Rng,
    /// By display number.
    pub(crate) prospects: BTreeMap<String, Prospect>,
    pub(crate) sessions: BTreeMap<String, Session>,
    pub(crate) codes: BTreeMap<String, Code>,
    /// Business token → its business account.
    pub(crate) tokens: BTreeMap<String, String>,
    /// Business accounts the app is subscribed to.
    pub(crate) subscribed: BTreeSet<String>,
    /// Cloud API numbers signed up and waiting for `POST /register`.
    pub(crate) awaiting_registration: BTreeSet<String>,
}

impl Signups {
    /// Empty, on the run's seed.
    pub(crate) fn new(seed: u64) -> Self {
        Signups {
            rng: rng(seed, Stream::Signup),
            prospects: BTreeMap::new(),
            sessions: BTreeMap::new(),
            codes: BTreeMap::new(),
            tokens: BTreeMap::new(),
            subscribed: BTreeSet::new(),
            awaiting_registration: BTreeSet::new(),
        }
    }

    /// A numeric Graph id of `digits` digits.
    pub(crate) fn numeric(&mut self, digits: usize) -> String {
        numeric_id(&mut self.rng, digits)
    }

    /// An opaque token of `len` characters after `prefix`.
    pub(crate) fn token(&mut self, prefix: &str, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let body: String = (0..len)
            .map(|_| char::from(ALPHABET[self.rng.random_range(0..ALPHABET.len())]))
            .collect();
        format!("{prefix}{body}")
    }

    /// The business account a business token belongs to.
    pub(crate) fn token_waba(&self, token: &str) -> Option<&str> {
        self.tokens.get(token).map(String::as_str)
    }
}

/// `2.24.17` or `2.24.17.78` → `[2, 24, 17]`.
pub(crate) fn parse_version(s: &str) -> Option<[u32; 3]> {
    let mut parts = s.trim().split('.');
    let mut out = [0u32; 3];
    for slot in &mut out {
        *slot = parts.next()?.parse().ok()?;
    }
    Some(out)
}
