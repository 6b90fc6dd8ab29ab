//! The cost report: Meta's pricing of every message (from status webhooks) priced with a rate
//! table, plus the messages the phone app sent for free. The rate table is data: the sample
//! shipped in `crates/hub/data/rates.toml`, or the operator's (`[sending] rates_path`).

use std::path::Path;

use coexist_core::ids::OrgId;
use coexist_core::pricing::{CostReport, GroupBy, RateTable, report};
use coexist_core::store::{Store, StoreError};
use coexist_core::time::Timestamp;
use serde::Serialize;

/// The sample rate table shipped with coexist (not Meta's prices).
pub const SAMPLE_RATES: &str = include_str!("../data/rates.toml");

/// Reads and checks a rate table: `path`, or the shipped sample.
pub fn load_rates(path: Option<&Path>) -> Result<RateTable, String> {
    let (text, origin) = match path {
        Some(p) => (
            std::fs::read_to_string(p).map_err(|e| format!("rate table {}: {e}", p.display()))?,
            p.display().to_string(),
        ),
        None => (SAMPLE_RATES.to_owned(), "the shipped sample".to_owned()),
    };
    let table: RateTable = toml::from_str(&text)
        .map_err(|e| format!("rate table {origin}: {}", e.to_string().trim_end()))?;
    table
        .validate()
        .map_err(|e| format!("rate table {origin}: {e}"))?;
    Ok(table)
}

/// Which rates a report used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatesInfo {
    /// The table's version name.
    pub version: String,
    /// From when its rates apply.
    pub valid_from: String,
    /// True for the sample table: not Meta's prices.
    pub sample: bool,
    /// The table's note.
    pub note: Option<String>,
}

/// A report with its period and rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Costs {
    /// Start of the period (inclusive).
    pub from: Timestamp,
    /// End of the period (exclusive).
    pub to: Timestamp,
    /// The rates used.
    pub rates: RatesInfo,
    /// The report.
    #[serde(flatten)]
    pub report: CostReport,
}

/// The cost report of `org` for `[from, to)`.
pub async fn costs(
    store: &dyn Store,
    rates: &RateTable,
    org: OrgId,
    from: Timestamp,
    to: Timestamp,
    group_by: GroupBy,
) -> Result<Costs, StoreError> {
    let priced = store.priced_messages(org, from, to).await?;
    let app = store.app_message_counts(org, from, to).await?;
    Ok(Costs {
        from,
        to,
        rates: RatesInfo {
            version: rates.version.clone(),
            valid_from: rates.valid_from.clone(),
            sample: rates.sample,
            note: rates.note.clone(),
        },
        report: report(rates, &priced, &app, group_by),
    })
}

#[cfg(test)]
mod tests {
    use super::load_rates;

    #[test]
    fn the_shipped_sample_loads_and_says_it_is_a_sample() {
        let table = load_rates(None).unwrap();
        assert!(table.sample);
        assert_eq!(table.currency, "USD");
        assert_eq!(table.market_of(Some("5511987654321")).name, "Brazil");
        assert_eq!(
            table.rate_micros("marketing", Some("16505551234")),
            Some(25_000)
        );
    }

    #[test]
    fn a_missing_or_broken_table_names_the_file() {
        let err = load_rates(Some(std::path::Path::new("/nope/rates.toml"))).unwrap_err();
        assert!(err.contains("/nope/rates.toml"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rates.toml");
        std::fs::write(&path, "version = 1").unwrap();
        assert!(load_rates(Some(&path)).unwrap_err().contains("rates.toml"));
    }
}
