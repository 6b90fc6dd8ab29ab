//! The hub's configuration.
//!
//! Values come from up to three layers, highest precedence first: command-line flags,
//! `COEXIST_*` environment variables, a TOML file (`--config FILE`); anything none of them sets
//! takes its default. Each layer is a [`ConfigLayer`] (every value optional); [`Config::resolve`]
//! merges them and validates the result, naming the flag, variable or file key of a bad value.
//!
//! Environment variables (each also a flag: `COEXIST_APP_SECRET` is `--app-secret`):
//! `COEXIST_LISTEN`, `COEXIST_DATA_DIR`, `COEXIST_PUBLIC_URL`, `COEXIST_APP_SECRET`,
//! `COEXIST_APP_SECRET_PREVIOUS`, `COEXIST_VERIFY_TOKEN`, `COEXIST_GRAPH_BASE_URL`,
//! `COEXIST_ACCESS_TOKEN`, `COEXIST_ORG_NAME`, and one number to register at start:
//! `COEXIST_PHONE_NUMBER_ID`, `COEXIST_DISPLAY_PHONE_NUMBER`, `COEXIST_WABA_ID`,
//! `COEXIST_NUMBER_MODE`. The file may list several numbers as `[[numbers]]` tables.
//! Onboarding: `COEXIST_META_APP_ID`, `COEXIST_META_CONFIG_ID`, `COEXIST_SECRET_KEY`,
//! `COEXIST_SECRET_KEY_PREVIOUS`, `COEXIST_ALERT_WEBHOOK_URL`, `COEXIST_ALERT_WEBHOOK_SECRET`.

mod layer;
mod sending;

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use coexist_core::number::NumberMode;
use coexist_core::store::NumberSetup;
use coexist_core::time::Timestamp;
use serde::{Deserialize, Deserializer};

pub use layer::{ConfigLayer, Layer, LayerOrigin};
pub use sending::{DEFAULT_GRAPH_VERSION, SendingConfig};

pub use crate::onboarding::OnboardingConfig;

/// Where the hub listens when nothing says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The data directory when nothing says otherwise.
pub const DEFAULT_DATA_DIR: &str = "./coexist-data";
/// The SQLite database file, inside the data directory.
pub const DATABASE_FILE: &str = "coexist.sqlite3";
/// Meta's Graph API.
pub const DEFAULT_GRAPH_BASE_URL: &str = "https://graph.facebook.com";
/// The organization that receives numbers first seen in a webhook.
pub const DEFAULT_ORG_NAME: &str = "default";

/// A secret value (app secret, verify token, access token). Its `Debug` and `Display` never show
/// it, so a logged config leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// A number to register at start (it may also just appear in webhooks, unconfigured).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberConfig {
    /// Meta's phone number id.
    pub phone_number_id: String,
    /// The number as people dial it, digits only.
    pub display_phone_number: Option<String>,
    /// Its WhatsApp Business Account.
    pub waba_id: Option<String>,
    /// `coexistence` (default) or `cloud_api`.
    #[serde(default = "default_mode")]
    pub mode: NumberMode,
    /// When it was onboarded (RFC 3339); starts the phone-app activity clock.
    pub onboarded_at: Option<Timestamp>,
}

fn default_mode() -> NumberMode {
    NumberMode::Coexistence
}

impl NumberConfig {
    /// What the store needs to register it.
    pub fn setup(&self) -> NumberSetup {
        NumberSetup {
            phone_number_id: self.phone_number_id.clone(),
            display_phone_number: self.display_phone_number.clone(),
            waba_id: self.waba_id.clone(),
            mode: self.mode,
            onboarded_at: self.onboarded_at,
        }
    }
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Where the database and other files live.
    pub data_dir: PathBuf,
    /// The URL Meta reaches this hub at (behind a proxy), used to print the webhook URL.
    pub public_url: Option<String>,
    /// The Meta app secret: webhook signatures are checked against it, and every Graph API
    /// call carries its `appsecret_proof` for the access token.
    pub app_secret: Option<Secret>,
    /// The previous app secret, still accepted while a rotation is under way.
    pub app_secret_previous: Option<Secret>,
    /// The token Meta's verification handshake must present.
    pub verify_token: Option<Secret>,
    /// Meta's Graph API (or a sandbox standing in for it).
    pub graph_base_url: String,
    /// The Graph API access token.
    pub access_token: Option<Secret>,
    /// The default organization's name.
    pub org_name: String,
    /// Numbers to register at start.
    pub numbers: Vec<NumberConfig>,
    /// The outbox, governors, templates, media and costs (`[sending]` in the file).
    pub sending: SendingConfig,
    /// Onboarding: the Meta app and signup configuration, the sealing key, reminder alerts.
    pub onboarding: OnboardingConfig,
}

/// A configuration value that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read or parsed.
    #[error("config file {path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong (with line and column for syntax errors).
        message: String,
    },
    /// A value is not valid; `key` names where it came from (`--listen`, `COEXIST_LISTEN`, ...).
    #[error("{key}: {message}")]
    Invalid {
        /// The flag, variable or file key.
        key: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Config {
    /// Merges `layers` (highest precedence first) over the defaults and validates the result.
    pub fn resolve(layers: &[Layer]) -> Result<Config, ConfigError> {
        let listen = pick(layers, |l| l.listen.as_ref());
        let listen = match listen {
            Some((value, origin)) => parse_listen(value, &origin.key("listen"))?,
            None => DEFAULT_LISTEN.parse().expect("the default address parses"),
        };
        let graph_base_url = match pick(layers, |l| l.graph_base_url.as_ref()) {
            Some((value, origin)) => parse_base_url(value, &origin.key("graph_base_url"))?,
            None => DEFAULT_GRAPH_BASE_URL.to_owned(),
        };
        let public_url = match pick(layers, |l| l.public_url.as_ref()) {
            Some((value, origin)) => Some(parse_base_url(value, &origin.key("public_url"))?),
            None => None,
        };
        Ok(Config {
            listen,
            data_dir: value(layers, |l| l.data_dir.clone())
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
            public_url,
            app_secret: secret(layers, |l| l.app_secret.as_ref()),
            app_secret_previous: secret(layers, |l| l.app_secret_previous.as_ref()),
            verify_token: secret(layers, |l| l.verify_token.as_ref()),
            graph_base_url,
            access_token: secret(layers, |l| l.access_token.as_ref()),
            org_name: value(layers, |l| l.org_name.clone())
                .unwrap_or_else(|| DEFAULT_ORG_NAME.to_owned()),
            numbers: layer::merge_numbers(layers)?,
            sending: sending_of(layers)?,
            onboarding: onboarding_of(layers)?,
        })
    }

    /// A configuration for tests: port 0, fixed secrets, the given data directory.
    pub fn for_testing(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.into(),
            public_url: None,
            app_secret: Some(Secret::new("test-app-secret")),
            app_secret_previous: None,
            verify_token: Some(Secret::new("test-verify-token")),
            graph_base_url: "http://127.0.0.1:9".to_owned(),
            access_token: Some(Secret::new("test-access-token")),
            org_name: DEFAULT_ORG_NAME.to_owned(),
            numbers: Vec::new(),
            sending: SendingConfig::default(),
            onboarding: OnboardingConfig::default(),
        }
    }

    /// The SQLite database file.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

/// The `[sending]` table of the highest layer that has one, validated.
fn sending_of(layers: &[Layer]) -> Result<SendingConfig, ConfigError> {
    let Some((sending, origin)) = pick(layers, |l| l.sending.as_ref()) else {
        return Ok(SendingConfig::default());
    };
    sending.validate().map_err(|message| ConfigError::Invalid {
        key: origin.key("sending"),
        message,
    })?;
    Ok(sending.clone())
}

/// Onboarding's keys, each from the highest layer that sets it; the alert URL validated.
fn onboarding_of(layers: &[Layer]) -> Result<OnboardingConfig, ConfigError> {
    let text = |get: fn(&ConfigLayer) -> Option<&String>| {
        value(layers, |l| get(l).cloned()).filter(|v| !v.trim().is_empty())
    };
    let alert_webhook_url = match pick(layers, |l| l.alert_webhook_url.as_ref()) {
        Some((url, origin)) => Some(parse_base_url(url, &origin.key("alert_webhook_url"))?),
        None => None,
    };
    Ok(OnboardingConfig {
        meta_app_id: text(|l| l.meta_app_id.as_ref()),
        meta_config_id: text(|l| l.meta_config_id.as_ref()),
        secret_key: secret(layers, |l| l.secret_key.as_ref()),
        secret_key_previous: secret(layers, |l| l.secret_key_previous.as_ref()),
        alert_webhook_url,
        alert_webhook_secret: secret(layers, |l| l.alert_webhook_secret.as_ref()),
    })
}

/// The first layer that sets a value, with that layer.
fn pick<'a, T: ?Sized>(
    layers: &'a [Layer],
    get: impl Fn(&'a ConfigLayer) -> Option<&'a T>,
) -> Option<(&'a T, &'a LayerOrigin)> {
    layers
        .iter()
        .find_map(|l| get(&l.values).map(|v| (v, &l.origin)))
}

fn value<T>(layers: &[Layer], get: impl Fn(&ConfigLayer) -> Option<T>) -> Option<T> {
    layers.iter().find_map(|l| get(&l.values))
}

/// Secrets set to the empty string count as unset: an empty app secret must never be used to
/// "verify" anything.
fn secret(layers: &[Layer], get: impl Fn(&ConfigLayer) -> Option<&Secret>) -> Option<Secret> {
    value(layers, |l| get(l).cloned()).filter(|s| !s.expose().is_empty())
}

fn parse_listen(value: &str, key: &str) -> Result<SocketAddr, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::Invalid {
        key: key.to_owned(),
        message: format!("{value:?} is not a socket address such as 127.0.0.1:8080"),
    })
}

fn parse_base_url(value: &str, key: &str) -> Result<String, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        key: key.to_owned(),
        message,
    };
    let url = reqwest::Url::parse(value.trim())
        .map_err(|e| invalid(format!("{value:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!("{value:?} must be an http or https URL")));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests;
