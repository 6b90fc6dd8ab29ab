//! One source of configuration values: flags, the environment, or a TOML file.

use std::path::{Path, PathBuf};

use coexist_core::number::NumberMode;
use serde::Deserialize;

use super::{ConfigError, NumberConfig, Secret, SendingConfig};

/// The values one source sets; every one optional. The TOML file has the same keys.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigLayer {
    /// `listen`.
    pub listen: Option<String>,
    /// `data_dir`.
    pub data_dir: Option<PathBuf>,
    /// `public_url`.
    pub public_url: Option<String>,
    /// `app_secret`.
    pub app_secret: Option<Secret>,
    /// `app_secret_previous`.
    pub app_secret_previous: Option<Secret>,
    /// `verify_token`.
    pub verify_token: Option<Secret>,
    /// `graph_base_url`.
    pub graph_base_url: Option<String>,
    /// `access_token`.
    pub access_token: Option<Secret>,
    /// `org_name`.
    pub org_name: Option<String>,
    /// One number to register: its `phone_number_id`.
    pub phone_number_id: Option<String>,
    /// That number's `display_phone_number`.
    pub display_phone_number: Option<String>,
    /// That number's `waba_id`.
    pub waba_id: Option<String>,
    /// That number's mode: `coexistence` or `cloud_api`.
    pub number_mode: Option<String>,
    /// Several numbers (`[[numbers]]` tables in the file).
    #[serde(default)]
    pub numbers: Vec<NumberConfig>,
    /// `[sending]`: the outbox, governors, templates, media and costs.
    #[serde(default)]
    pub sending: Option<SendingConfig>,
    /// `meta_app_id`: the Meta app (Embedded Signup, code exchange).
    #[serde(default)]
    pub meta_app_id: Option<String>,
    /// `meta_config_id`: the Embedded Signup configuration.
    #[serde(default)]
    pub meta_config_id: Option<String>,
    /// `secret_key`: seals business tokens at rest (32 bytes, base64 or hex).
    #[serde(default)]
    pub secret_key: Option<Secret>,
    /// `secret_key_previous`: still opens tokens sealed before a key rotation.
    #[serde(default)]
    pub secret_key_previous: Option<Secret>,
    /// `alert_webhook_url`: where phone-app reminders are POSTed.
    #[serde(default)]
    pub alert_webhook_url: Option<String>,
    /// `alert_webhook_secret`: signs them (HMAC-SHA256).
    #[serde(default)]
    pub alert_webhook_secret: Option<Secret>,
}

/// Where a layer came from, to name a bad value's key in errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerOrigin {
    /// Command-line flags.
    Flags,
    /// `COEXIST_*` environment variables.
    Env,
    /// A TOML file.
    File(PathBuf),
}

impl LayerOrigin {
    /// How a user sets `key` in this source: `--data-dir`, `COEXIST_DATA_DIR`, or
    /// `data_dir in FILE`.
    pub fn key(&self, key: &str) -> String {
        match self {
            LayerOrigin::Flags => format!("--{}", key.replace('_', "-")),
            LayerOrigin::Env => env_name(key),
            LayerOrigin::File(path) => format!("`{key}` in {}", path.display()),
        }
    }
}

/// A layer and its origin.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Where it came from.
    pub origin: LayerOrigin,
    /// What it sets.
    pub values: ConfigLayer,
}

/// The environment variable of a key: `COEXIST_` and the key in capitals.
pub(crate) fn env_name(key: &str) -> String {
    format!("COEXIST_{}", key.to_ascii_uppercase())
}

impl Layer {
    /// Values set on the command line.
    pub fn flags(values: ConfigLayer) -> Layer {
        Layer {
            origin: LayerOrigin::Flags,
            values,
        }
    }

    /// Values from `COEXIST_*` variables, read through `lookup` (pass `|k| std::env::var(k).ok()`).
    /// Variables set to the empty string count as unset.
    pub fn env(lookup: impl Fn(&str) -> Option<String>) -> Layer {
        let get = |key: &str| lookup(&env_name(key)).filter(|v| !v.trim().is_empty());
        let values = ConfigLayer {
            listen: get("listen"),
            data_dir: get("data_dir").map(PathBuf::from),
            public_url: get("public_url"),
            app_secret: get("app_secret").map(Secret::new),
            app_secret_previous: get("app_secret_previous").map(Secret::new),
            verify_token: get("verify_token").map(Secret::new),
            graph_base_url: get("graph_base_url"),
            access_token: get("access_token").map(Secret::new),
            org_name: get("org_name"),
            phone_number_id: get("phone_number_id"),
            display_phone_number: get("display_phone_number"),
            waba_id: get("waba_id"),
            number_mode: get("number_mode"),
            numbers: Vec::new(),
            sending: None,
            meta_app_id: get("meta_app_id"),
            meta_config_id: get("meta_config_id"),
            secret_key: get("secret_key").map(Secret::new),
            secret_key_previous: get("secret_key_previous").map(Secret::new),
            alert_webhook_url: get("alert_webhook_url"),
            alert_webhook_secret: get("alert_webhook_secret").map(Secret::new),
        };
        Layer {
            origin: LayerOrigin::Env,
            values,
        }
    }

    /// Values from a TOML file. Unknown keys are refused, so a typo does not pass silently.
    pub fn file(path: &Path) -> Result<Layer, ConfigError> {
        let file_error = |message: String| ConfigError::File {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
        let values: ConfigLayer =
            toml::from_str(&text).map_err(|e| file_error(e.to_string().trim_end().to_owned()))?;
        Ok(Layer {
            origin: LayerOrigin::File(path.to_owned()),
            values,
        })
    }
}

/// Every number to register: the lists of all layers (a higher layer's entry replaces a lower
/// one's with the same phone number id), then the single number set by keys.
pub(super) fn merge_numbers(layers: &[Layer]) -> Result<Vec<NumberConfig>, ConfigError> {
    let mut numbers: Vec<NumberConfig> = Vec::new();
    let listed = layers.iter().rev().flat_map(|l| l.values.numbers.iter());
    for number in listed.cloned().chain(single_number(layers)?) {
        numbers.retain(|n| n.phone_number_id != number.phone_number_id);
        numbers.push(number);
    }
    Ok(numbers)
}

/// The number described by the `phone_number_id`, `display_phone_number`, `waba_id` and
/// `number_mode` keys, each taken from the highest layer that sets it.
fn single_number(layers: &[Layer]) -> Result<Option<NumberConfig>, ConfigError> {
    let first = |get: fn(&ConfigLayer) -> Option<&String>| {
        layers
            .iter()
            .find_map(|l| get(&l.values).map(|v| (v.clone(), &l.origin)))
    };
    let display = first(|l| l.display_phone_number.as_ref());
    let waba = first(|l| l.waba_id.as_ref());
    let mode = first(|l| l.number_mode.as_ref());
    let Some((phone_number_id, _)) = first(|l| l.phone_number_id.as_ref()) else {
        let stray = [&display, &waba, &mode].into_iter().flatten().next();
        return match stray {
            Some((_, origin)) => Err(ConfigError::Invalid {
                key: origin.key("phone_number_id"),
                message:
                    "a number's display number, WABA or mode was given without its phone number id"
                        .to_owned(),
            }),
            None => Ok(None),
        };
    };
    let mode = match mode {
        Some((value, origin)) => parse_mode(&value, &origin.key("number_mode"))?,
        None => NumberMode::Coexistence,
    };
    Ok(Some(NumberConfig {
        phone_number_id,
        display_phone_number: display.map(|(v, _)| v),
        waba_id: waba.map(|(v, _)| v),
        mode,
        onboarded_at: None,
    }))
}

fn parse_mode(value: &str, key: &str) -> Result<NumberMode, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::Invalid {
        key: key.to_owned(),
        message: format!("{value:?} is not a number mode: expected coexistence or cloud_api"),
    })
}
