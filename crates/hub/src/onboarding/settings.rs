//! Onboarding's configuration: the Meta app and Embedded Signup configuration, the key that
//! seals business tokens, and the outgoing webhook for reminders; and which signup window the
//! admin page opens (Meta's, the sandbox's, or none).

use crate::config::{DEFAULT_GRAPH_BASE_URL, Secret};

/// Onboarding's part of the configuration (flags, `COEXIST_*` variables, or the file's keys).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnboardingConfig {
    /// The Meta app id (`--meta-app-id`, `COEXIST_META_APP_ID`).
    pub meta_app_id: Option<String>,
    /// The Embedded Signup configuration id (`--meta-config-id`, `COEXIST_META_CONFIG_ID`).
    pub meta_config_id: Option<String>,
    /// The key sealing business tokens: 32 bytes, base64 or hex (`COEXIST_SECRET_KEY`). Without
    /// one, a key file is created in the data directory (mode 0600) on first start.
    pub secret_key: Option<Secret>,
    /// The previous key, still used to open tokens sealed before a rotation
    /// (`COEXIST_SECRET_KEY_PREVIOUS`).
    pub secret_key_previous: Option<Secret>,
    /// Where reminders are POSTed as signed JSON (`COEXIST_ALERT_WEBHOOK_URL`).
    pub alert_webhook_url: Option<String>,
    /// The HMAC-SHA256 key of their `X-Coexist-Signature-256` header
    /// (`COEXIST_ALERT_WEBHOOK_SECRET`).
    pub alert_webhook_secret: Option<Secret>,
}

/// Which signup window the "Connect a number" page opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignupMode {
    /// Meta's Embedded Signup through the Facebook JS SDK.
    Meta {
        /// The app id.
        app_id: String,
        /// The Embedded Signup configuration id.
        config_id: String,
    },
    /// The sandbox's stand-in window (the Graph base URL is not Meta's).
    Sandbox {
        /// `http://sandbox/_sandbox/signup`.
        window_url: String,
        /// The app id passed along (and checked by the code exchange).
        app_id: String,
        /// The configuration id passed along.
        config_id: String,
    },
    /// Meta's Graph API without an app id and configuration id: no signup window.
    Unavailable {
        /// What to configure.
        why: String,
    },
}

/// The app id the sandbox window and code exchange use when none is configured.
pub const SANDBOX_APP_ID: &str = "coexist-sandbox-app";
/// The configuration id used likewise.
pub const SANDBOX_CONFIG_ID: &str = "coexist-sandbox-config";

impl SignupMode {
    /// Decides from the Graph base URL and the configured ids: Meta's window when the hub talks
    /// to Meta, the sandbox's when it talks to anything else (a sandbox speaking Meta's wire
    /// contract).
    pub fn decide(graph_base_url: &str, c: &OnboardingConfig) -> SignupMode {
        let ids = c.meta_app_id.clone().zip(c.meta_config_id.clone());
        let is_meta = graph_base_url.trim_end_matches('/') == DEFAULT_GRAPH_BASE_URL
            || graph_base_url.starts_with("https://graph.facebook.com/");
        match (is_meta, ids) {
            (true, Some((app_id, config_id))) => SignupMode::Meta { app_id, config_id },
            (true, None) => SignupMode::Unavailable {
                why: "Set --meta-app-id and --meta-config-id (COEXIST_META_APP_ID, COEXIST_META_CONFIG_ID) to the Meta app and its Embedded Signup configuration.".to_owned(),
            },
            (false, ids) => {
                let origin = reqwest::Url::parse(graph_base_url)
                    .map(|u| u.origin().ascii_serialization())
                    .unwrap_or_else(|_| graph_base_url.to_owned());
                let (app_id, config_id) = ids.unwrap_or_else(|| {
                    (SANDBOX_APP_ID.to_owned(), SANDBOX_CONFIG_ID.to_owned())
                });
                SignupMode::Sandbox {
                    window_url: format!("{origin}/_sandbox/signup"),
                    app_id,
                    config_id,
                }
            }
        }
    }

    /// The app id the code is exchanged for, when there is a window.
    pub fn app_id(&self) -> Option<&str> {
        match self {
            SignupMode::Meta { app_id, .. } | SignupMode::Sandbox { app_id, .. } => Some(app_id),
            SignupMode::Unavailable { .. } => None,
        }
    }

    /// What the admin page needs to open the window: Meta's JS SDK parameters, the sandbox
    /// window's URL, or why there is none.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        const FEATURE: &str = "whatsapp_business_app_onboarding";
        match self {
            SignupMode::Meta { app_id, config_id } => json!({
                "mode": "meta", "app_id": app_id, "config_id": config_id,
                "sdk_url": "https://connect.facebook.net/en_US/sdk.js", "coexistence_feature": FEATURE}),
            SignupMode::Sandbox {
                window_url,
                app_id,
                config_id,
            } => json!({
                "mode": "sandbox", "window_url": window_url, "app_id": app_id,
                "config_id": config_id, "coexistence_feature": FEATURE}),
            SignupMode::Unavailable { why } => json!({"mode": "unavailable", "why": why}),
        }
    }

    /// `meta`, `sandbox` or `unavailable`.
    pub fn kind(&self) -> &'static str {
        match self {
            SignupMode::Meta { .. } => "meta",
            SignupMode::Sandbox { .. } => "sandbox",
            SignupMode::Unavailable { .. } => "unavailable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{OnboardingConfig, SignupMode};

    #[test]
    fn meta_needs_both_ids_and_anything_else_is_a_sandbox() {
        let none = OnboardingConfig::default();
        assert_eq!(
            SignupMode::decide("https://graph.facebook.com", &none).kind(),
            "unavailable"
        );
        let ids = OnboardingConfig {
            meta_app_id: Some("1".to_owned()),
            meta_config_id: Some("2".to_owned()),
            ..OnboardingConfig::default()
        };
        assert_eq!(
            SignupMode::decide("https://graph.facebook.com", &ids),
            SignupMode::Meta {
                app_id: "1".to_owned(),
                config_id: "2".to_owned()
            }
        );
        let SignupMode::Sandbox { window_url, .. } =
            SignupMode::decide("http://127.0.0.1:9000/v23.0", &none)
        else {
            panic!("a sandbox")
        };
        assert_eq!(window_url, "http://127.0.0.1:9000/_sandbox/signup");
    }
}
