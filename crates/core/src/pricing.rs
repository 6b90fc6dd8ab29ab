//! What messages cost: a rate table (per category and market, shipped as data and replaceable
//! by the operator) applied to the pricing Meta reported in status webhooks (META.md §7.5).
//!
//! Meta's per-message pricing charges a template message when it is *delivered*; its status
//! webhooks say how each message was priced (`pricing.type`: `regular`, `free_customer_service`,
//! `free_entry_point`; `pricing.category`). The hub never decides pricing itself: it counts
//! what Meta reported and multiplies by the table's rate for the recipient's market (the longest
//! matching country calling code prefix). Amounts are integer micro-units of the table's
//! currency, so sums are exact.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::NumberId;
use crate::store::{AppMessageCount, PricedMessage};
use crate::time::{DAY_MS, Timestamp};

/// Micro-units per currency unit.
pub const MICROS: i64 = 1_000_000;

/// A rate table as shipped (`crates/hub/data/rates.toml`) or configured.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateTable {
    /// A name for this version of the table.
    pub version: String,
    /// The date (YYYY-MM-DD) from which these rates apply.
    pub valid_from: String,
    /// ISO 4217 currency code of every rate.
    pub currency: String,
    /// True for the sample table shipped with coexist: not Meta's prices.
    #[serde(default)]
    pub sample: bool,
    /// Free text shown with every report (where the rates come from).
    #[serde(default)]
    pub note: Option<String>,
    /// The market used when no prefix matches the recipient.
    pub default_market: String,
    /// Markets with their calling-code prefixes and per-category rates.
    pub markets: Vec<Market>,
}

/// One market of the rate table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Its name (`India`, `Rest of Western Europe`, ...).
    pub name: String,
    /// Country calling code prefixes of recipients in it (`"91"`, `"1"`).
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Rate per delivered message, by pricing category (`marketing`, `utility`,
    /// `authentication`, `authentication-international`, `service`), in the table's currency.
    pub rates: BTreeMap<String, f64>,
}

/// A rate table that does not make sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rate table: {0}")]
pub struct RateTableError(String);

impl RateTable {
    /// Checks the table: a known default market, prefixes of digits, rates finite and ≥ 0.
    pub fn validate(&self) -> Result<(), RateTableError> {
        let err = |m: String| Err(RateTableError(m));
        if !self.markets.iter().any(|m| m.name == self.default_market) {
            return err(format!(
                "default_market {:?} is not one of the markets",
                self.default_market
            ));
        }
        for m in &self.markets {
            if let Some(p) = m
                .prefixes
                .iter()
                .find(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
            {
                return err(format!("market {:?}: prefix {p:?} is not digits", m.name));
            }
            if let Some((c, r)) = m.rates.iter().find(|(_, r)| !r.is_finite() || **r < 0.0) {
                return err(format!("market {:?}: rate for {c} is {r}", m.name));
            }
        }
        Ok(())
    }

    /// The market of a recipient (`wa_id` digits): the longest matching prefix, else the default.
    pub fn market_of(&self, recipient: Option<&str>) -> &Market {
        let digits = recipient.unwrap_or("");
        let best = self
            .markets
            .iter()
            .flat_map(|m| m.prefixes.iter().map(move |p| (p, m)))
            .filter(|(p, _)| digits.starts_with(p.as_str()))
            .max_by_key(|(p, _)| p.len());
        match best {
            Some((_, m)) => m,
            None => self
                .markets
                .iter()
                .find(|m| m.name == self.default_market)
                .unwrap_or(&self.markets[0]),
        }
    }

    /// The rate in micro-units for `category` in the recipient's market (falling back to the
    /// default market); `None` when neither has one.
    pub fn rate_micros(&self, category: &str, recipient: Option<&str>) -> Option<i64> {
        let key = rate_key(category);
        let default = self.markets.iter().find(|m| m.name == self.default_market);
        let rate = self
            .market_of(recipient)
            .rates
            .get(key)
            .or_else(|| default.and_then(|m| m.rates.get(key)))?;
        Some((rate * MICROS as f64).round() as i64)
    }
}

/// Meta writes `authentication-international` in pricing and `authentication_international`
/// in conversations; `marketing_lite` is priced as marketing unless the table says otherwise.
fn rate_key(category: &str) -> &str {
    match category {
        "authentication_international" => "authentication-international",
        other => other,
    }
}

/// The `pricing.type` values Meta documents (META.md §7.5).
const KNOWN_PRICING_TYPES: [&str; 3] = ["regular", "free_customer_service", "free_entry_point"];

/// How to group a cost report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// By pricing category.
    Category,
    /// By our number.
    Number,
    /// By UTC day.
    Day,
}

/// Free messages, by Meta's reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FreeCounts {
    /// Inside an open customer service window (`free_customer_service`).
    pub free_customer_service: u64,
    /// Inside a free entry point window (`free_entry_point`).
    pub free_entry_point: u64,
}

/// One group of a cost report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostGroup {
    /// The category, number id or day (`YYYY-MM-DD`); `total` for the totals.
    pub key: String,
    /// Billable messages delivered (Meta charges these).
    pub billable: u64,
    /// Their cost in micro-units.
    pub cost_micros: i64,
    /// Their cost as a decimal string in the table's currency.
    pub cost: String,
    /// Free API messages, by reason.
    pub free: FreeCounts,
    /// Billable-priced messages not (yet) delivered: not charged.
    pub not_delivered: u64,
    /// Billable messages whose category has no rate in the table (counted, costed at 0).
    pub unrated: u64,
    /// Messages the business sent from the phone app: always free.
    pub app_messages: u64,
    /// Messages whose `pricing.type` coexist does not know, by that type (also counted above:
    /// as billable when Meta said `billable: true`, else as free), so a new type shows.
    pub other_pricing_types: BTreeMap<String, u64>,
}

impl CostGroup {
    fn new(key: String) -> Self {
        CostGroup {
            key,
            billable: 0,
            cost_micros: 0,
            cost: format_micros(0),
            free: FreeCounts::default(),
            not_delivered: 0,
            unrated: 0,
            app_messages: 0,
            other_pricing_types: BTreeMap::new(),
        }
    }

    fn add_priced(&mut self, m: &PricedMessage, table: &RateTable) {
        let category = m.category.as_deref().unwrap_or("unknown");
        let kind = m.pricing_type.as_deref();
        if let Some(other) = kind.filter(|k| !KNOWN_PRICING_TYPES.contains(k)) {
            *self
                .other_pricing_types
                .entry(other.to_owned())
                .or_default() += 1;
        }
        // Meta's known types decide; for a type coexist does not know (or none), `billable`
        // does: a new billable type must not be reported as free.
        let billable = match kind {
            Some("regular") => true,
            Some("free_customer_service" | "free_entry_point") => false,
            _ => m.billable == Some(true),
        };
        match kind {
            Some("free_customer_service") => self.free.free_customer_service += 1,
            Some("free_entry_point") => self.free.free_entry_point += 1,
            _ if billable && !m.delivered => self.not_delivered += 1,
            _ if billable => {
                self.billable += 1;
                match table.rate_micros(category, m.recipient.as_deref()) {
                    Some(rate) => self.cost_micros += rate,
                    None => self.unrated += 1,
                }
            }
            // Another pricing type without `billable: true`, or `billable: false` without a
            // type: free for a reason Meta did not name; counted as service-window free, the
            // only non-FEP free kind.
            _ => self.free.free_customer_service += 1,
        }
        self.cost = format_micros(self.cost_micros);
    }

    fn add(&mut self, other: &CostGroup) {
        self.billable += other.billable;
        self.cost_micros += other.cost_micros;
        self.cost = format_micros(self.cost_micros);
        self.free.free_customer_service += other.free.free_customer_service;
        self.free.free_entry_point += other.free.free_entry_point;
        self.not_delivered += other.not_delivered;
        self.unrated += other.unrated;
        self.app_messages += other.app_messages;
        for (kind, n) in &other.other_pricing_types {
            *self.other_pricing_types.entry(kind.clone()).or_default() += n;
        }
    }
}

/// A cost report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostReport {
    /// How it is grouped.
    pub group_by: GroupBy,
    /// The currency of every amount.
    pub currency: String,
    /// The groups, in key order.
    pub groups: Vec<CostGroup>,
    /// Everything together.
    pub total: CostGroup,
}

/// `micros` as a decimal string with at least two decimals (`1234500` → `"1.2345"`).
pub fn format_micros(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let abs = micros.unsigned_abs();
    let frac = format!("{:06}", abs % MICROS as u64);
    let frac = frac.trim_end_matches('0');
    let frac = if frac.len() < 2 {
        format!("{frac:0<2}")
    } else {
        frac.to_owned()
    };
    format!("{sign}{}.{frac}", abs / MICROS as u64)
}

/// `YYYY-MM-DD` of the UTC day of `t`.
pub fn day_key(t: Timestamp) -> String {
    let day = Timestamp(t.0.div_euclid(DAY_MS) * DAY_MS);
    day.to_rfc3339().chars().take(10).collect()
}

fn key_of(group_by: GroupBy, number: NumberId, at: Timestamp, category: &str) -> String {
    match group_by {
        GroupBy::Category => category.to_owned(),
        GroupBy::Number => number.to_string(),
        GroupBy::Day => day_key(at),
    }
}

/// Prices `messages` with `table` and counts `app` (phone-app messages) per group. Phone-app
/// messages have no category: grouped by category they count only in the total.
pub fn report(
    table: &RateTable,
    messages: &[PricedMessage],
    app: &[AppMessageCount],
    group_by: GroupBy,
) -> CostReport {
    let mut groups: BTreeMap<String, CostGroup> = BTreeMap::new();
    for m in messages {
        let category = m.category.as_deref().unwrap_or("unknown");
        let key = key_of(group_by, m.number_id, m.priced_at, category);
        groups
            .entry(key.clone())
            .or_insert_with(|| CostGroup::new(key))
            .add_priced(m, table);
    }
    let mut total = CostGroup::new("total".to_owned());
    for a in app {
        total.app_messages += a.count;
        if group_by == GroupBy::Category {
            continue;
        }
        let key = key_of(group_by, a.number_id, a.day, "");
        groups
            .entry(key.clone())
            .or_insert_with(|| CostGroup::new(key))
            .app_messages += a.count;
    }
    let app_total = total.app_messages;
    for g in groups.values() {
        total.add(g);
    }
    if group_by != GroupBy::Category {
        // Counted once above and once more through the groups.
        total.app_messages = app_total;
    }
    CostReport {
        group_by,
        currency: table.currency.clone(),
        groups: groups.into_values().collect(),
        total,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{GroupBy, Market, RateTable, day_key, format_micros, report};
    use crate::ids::NumberId;
    use crate::store::{AppMessageCount, PricedMessage};
    use crate::time::Timestamp;

    const T: Timestamp = Timestamp(1_772_442_000_000); // 2026-03-02T09:00:00Z

    fn table() -> RateTable {
        let rates = |m: f64, u: f64| {
            BTreeMap::from([("marketing".to_owned(), m), ("utility".to_owned(), u)])
        };
        RateTable {
            version: "test".to_owned(),
            valid_from: "2026-01-01".to_owned(),
            currency: "USD".to_owned(),
            sample: true,
            note: None,
            default_market: "Other".to_owned(),
            markets: vec![
                Market {
                    name: "North America".to_owned(),
                    prefixes: vec!["1".to_owned()],
                    rates: rates(0.025, 0.004),
                },
                Market {
                    name: "Caribbean".to_owned(),
                    prefixes: vec!["1876".to_owned()],
                    rates: rates(0.05, 0.01),
                },
                Market {
                    name: "Other".to_owned(),
                    prefixes: vec![],
                    rates: rates(0.06, 0.008),
                },
            ],
        }
    }

    fn priced(recipient: &str, category: &str, kind: &str, delivered: bool) -> PricedMessage {
        PricedMessage {
            number_id: NumberId(1),
            recipient: Some(recipient.to_owned()),
            priced_at: T,
            category: Some(category.to_owned()),
            pricing_type: Some(kind.to_owned()),
            billable: Some(kind == "regular"),
            delivered,
        }
    }

    #[test]
    fn the_longest_prefix_picks_the_market() {
        let t = table();
        assert!(t.validate().is_ok());
        assert_eq!(t.market_of(Some("16505551234")).name, "North America");
        assert_eq!(t.market_of(Some("18765551234")).name, "Caribbean");
        assert_eq!(t.market_of(Some("4915112345")).name, "Other");
        assert_eq!(
            t.rate_micros("marketing", Some("18765551234")),
            Some(50_000)
        );
        assert_eq!(t.rate_micros("authentication", Some("1650")), None);
    }

    #[test]
    fn delivered_regular_messages_are_charged_and_free_ones_counted_by_reason() {
        let messages = vec![
            priced("16505551234", "marketing", "regular", true),
            priced("16505551234", "marketing", "regular", true),
            priced("4915112345", "utility", "regular", true),
            priced("16505551234", "marketing", "regular", false),
            priced("16505551234", "service", "free_customer_service", true),
            priced(
                "16505551234",
                "referral_conversion",
                "free_entry_point",
                true,
            ),
        ];
        let app = [AppMessageCount {
            number_id: NumberId(1),
            day: T,
            count: 7,
        }];
        let r = report(&table(), &messages, &app, GroupBy::Category);
        assert_eq!(r.total.billable, 3);
        assert_eq!(r.total.cost_micros, 25_000 * 2 + 8_000);
        assert_eq!(r.total.cost, "0.058");
        assert_eq!(r.total.not_delivered, 1);
        assert_eq!(r.total.free.free_customer_service, 1);
        assert_eq!(r.total.free.free_entry_point, 1);
        assert_eq!(r.total.app_messages, 7);
        let marketing = r.groups.iter().find(|g| g.key == "marketing").unwrap();
        assert_eq!((marketing.billable, marketing.cost_micros), (2, 50_000));
    }

    #[test]
    fn an_unknown_billable_pricing_type_is_charged_in_its_category_and_shown() {
        let mut billed = priced("16505551234", "marketing", "paid_new_kind", true);
        billed.billable = Some(true);
        let mut pending = priced("16505551234", "marketing", "paid_new_kind", false);
        pending.billable = Some(true);
        let mut free = priced("16505551234", "service", "free_new_kind", true);
        free.billable = Some(false);
        let r = report(&table(), &[billed, pending, free], &[], GroupBy::Category);
        assert_eq!(
            r.total.billable, 1,
            "billable: true wins over an unknown type"
        );
        assert_eq!(r.total.cost_micros, 25_000);
        assert_eq!(r.total.not_delivered, 1);
        assert_eq!(r.total.free.free_customer_service, 1);
        let marketing = r.groups.iter().find(|g| g.key == "marketing").unwrap();
        assert_eq!((marketing.billable, marketing.cost_micros), (1, 25_000));
        assert_eq!(
            r.total.other_pricing_types,
            BTreeMap::from([
                ("free_new_kind".to_owned(), 1),
                ("paid_new_kind".to_owned(), 2)
            ])
        );
        assert_eq!(marketing.other_pricing_types["paid_new_kind"], 2);
    }

    #[test]
    fn grouping_by_day_or_number_carries_app_messages_once() {
        let messages = vec![priced("16505551234", "marketing", "regular", true)];
        let app = [AppMessageCount {
            number_id: NumberId(1),
            day: T,
            count: 2,
        }];
        let by_day = report(&table(), &messages, &app, GroupBy::Day);
        assert_eq!(by_day.groups.len(), 1);
        assert_eq!(by_day.groups[0].key, "2026-03-02");
        assert_eq!(by_day.groups[0].app_messages, 2);
        assert_eq!(by_day.total.app_messages, 2);
        let by_number = report(&table(), &messages, &app, GroupBy::Number);
        assert_eq!(by_number.groups[0].key, "1");
    }

    #[test]
    fn amounts_format_exactly() {
        assert_eq!(format_micros(0), "0.00");
        assert_eq!(format_micros(1_234_500), "1.2345");
        assert_eq!(format_micros(50_000), "0.05");
        assert_eq!(format_micros(-10), "-0.00001");
        assert_eq!(day_key(Timestamp(0)), "1970-01-01");
    }

    #[test]
    fn bad_tables_are_refused() {
        let mut t = table();
        t.default_market = "Mars".to_owned();
        assert!(t.validate().is_err());
        let mut t = table();
        t.markets[0].prefixes.push("+1".to_owned());
        assert!(t.validate().is_err());
    }
}
