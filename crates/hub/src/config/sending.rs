//! `[sending]`: the outbox, its governors and workers, templates, media and costs. Every key has
//! a default, so the table is optional; unknown keys are refused.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// The Graph API version used when `graph_base_url` does not end in one.
pub const DEFAULT_GRAPH_VERSION: &str = "v23.0";

/// Settings of the sending side.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SendingConfig {
    /// Graph API version (`v23.0`) when `graph_base_url` has none in its path.
    pub graph_version: String,
    /// How long one Graph call may take, in milliseconds.
    pub graph_timeout_ms: u64,
    /// How long connecting to the Graph API may take, in milliseconds (a connect failure is
    /// retried: the request never left).
    pub graph_connect_timeout_ms: u64,
    /// Send starts per second for coexistence numbers (Meta: fixed 20).
    pub coexistence_mps: u32,
    /// Send starts per second for Cloud API numbers (Meta: 80 by default, up to 1,000).
    pub cloud_api_mps: u32,
    /// Send starts per second of particular numbers, by Meta's phone number id, instead of
    /// their mode's default (a number Meta upgraded to 1,000, or a lower share).
    pub throughput_mps: BTreeMap<String, u32>,
    /// Milliseconds added to the governor's one-second window, so network jitter between our
    /// start and Meta's receipt cannot put more than the limit into one of Meta's seconds.
    pub governor_margin_ms: i64,
    /// The pair rate: one message to the same user per this many milliseconds (Meta: 6,000).
    pub pair_interval_ms: i64,
    /// Messages to the same user that may go back to back (Meta allows up to 45).
    pub pair_burst: u32,
    /// How long a claim holds, in milliseconds; must exceed `graph_timeout_ms`. An attempt with
    /// no answer after it is interrupted (never re-sent).
    pub lease_ms: i64,
    /// Attempts before a retryable error fails the message.
    pub max_attempts: u32,
    /// First retry delay, in milliseconds (doubling, with jitter).
    pub retry_base_ms: i64,
    /// Longest retry delay, in milliseconds.
    pub retry_max_ms: i64,
    /// Graph sends in flight at once.
    pub concurrency: usize,
    /// Start the background workers (outbox, media, template sync). Tests turn them off and
    /// drive the workers one step at a time.
    pub workers: bool,
    /// Seconds between template syncs (0: only at start and on request).
    pub template_sync_interval_s: u64,
    /// Where downloaded and uploaded media live (default: `media` in the data directory).
    pub media_dir: Option<PathBuf>,
    /// A rate table (TOML) to use instead of the sample one shipped with coexist.
    pub rates_path: Option<PathBuf>,
    /// Seed of the retry jitter (default: from the OS); tests fix it.
    pub jitter_seed: Option<u64>,
}

impl Default for SendingConfig {
    fn default() -> Self {
        SendingConfig {
            graph_version: DEFAULT_GRAPH_VERSION.to_owned(),
            graph_timeout_ms: 15_000,
            graph_connect_timeout_ms: 5_000,
            coexistence_mps: coexist_core::governor::COEXISTENCE_MPS,
            cloud_api_mps: coexist_core::governor::CLOUD_API_MPS,
            throughput_mps: BTreeMap::new(),
            governor_margin_ms: 50,
            pair_interval_ms: coexist_core::governor::PAIR_INTERVAL_MS,
            pair_burst: 10,
            lease_ms: 30_000,
            max_attempts: 8,
            retry_base_ms: 1_000,
            retry_max_ms: 300_000,
            concurrency: 32,
            workers: true,
            template_sync_interval_s: 3_600,
            media_dir: None,
            rates_path: None,
            jitter_seed: None,
        }
    }
}

impl SendingConfig {
    /// Checks values that would make the outbox unsafe or stuck; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if self.lease_ms <= i64::try_from(self.graph_timeout_ms).unwrap_or(i64::MAX) {
            return Err(format!(
                "sending.lease_ms ({}) must be longer than sending.graph_timeout_ms ({}): a claim must outlive its Graph call",
                self.lease_ms, self.graph_timeout_ms
            ));
        }
        let positive = [
            ("coexistence_mps", i64::from(self.coexistence_mps)),
            ("cloud_api_mps", i64::from(self.cloud_api_mps)),
            ("pair_interval_ms", self.pair_interval_ms),
            ("pair_burst", i64::from(self.pair_burst)),
            ("max_attempts", i64::from(self.max_attempts)),
            ("retry_base_ms", self.retry_base_ms),
            (
                "concurrency",
                i64::try_from(self.concurrency).unwrap_or(i64::MAX),
            ),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, v)| *v <= 0) {
            return Err(format!("sending.{key} must be at least 1"));
        }
        if let Some((id, _)) = self.throughput_mps.iter().find(|(_, v)| **v == 0) {
            return Err(format!("sending.throughput_mps.{id} must be at least 1"));
        }
        if self.governor_margin_ms < 0 {
            return Err("sending.governor_margin_ms must not be negative".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::SendingConfig;

    #[test]
    fn defaults_follow_meta_and_validate() {
        let c = SendingConfig::default();
        assert_eq!(
            (c.coexistence_mps, c.cloud_api_mps, c.pair_interval_ms),
            (20, 80, 6_000)
        );
        assert!(c.validate().is_ok());
    }

    #[test]
    fn a_lease_shorter_than_the_graph_timeout_is_refused() {
        let c = SendingConfig {
            lease_ms: 1_000,
            ..SendingConfig::default()
        };
        assert!(c.validate().unwrap_err().contains("lease_ms"));
        let c = SendingConfig {
            concurrency: 0,
            ..SendingConfig::default()
        };
        assert!(c.validate().unwrap_err().contains("concurrency"));
    }

    #[test]
    fn the_toml_table_takes_partial_values_and_refuses_unknown_keys() {
        let text = "cloud_api_mps = 100\nworkers = false\n[throughput_mps]\n\"123\" = 1000";
        let c: SendingConfig = toml::from_str(text).unwrap();
        assert_eq!(
            (c.cloud_api_mps, c.workers, c.coexistence_mps),
            (100, false, 20)
        );
        assert_eq!(c.throughput_mps.get("123"), Some(&1000));
        assert!(toml::from_str::<SendingConfig>("nope = 1").is_err());
    }
}
