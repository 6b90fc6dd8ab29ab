//! Percentiles, medians and the printed output: a readable table on stdout, then one JSON
//! summary line (starting with `{"bench":`) that scripts can pick up.

use serde_json::Value;

/// The `q`-quantile (0.0–1.0) of sorted values, nearest rank; 0 when empty.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of any values (the mean of the middle two for an even count).
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Latency percentiles of one set of requests, in milliseconds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub(crate) struct Latency {
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
}

impl Latency {
    pub(crate) fn of(sorted_ms: &[f64]) -> Latency {
        Latency {
            p50_ms: quantile(sorted_ms, 0.50),
            p99_ms: quantile(sorted_ms, 0.99),
            max_ms: sorted_ms.last().copied().unwrap_or_default(),
        }
    }

    /// The median of each percentile over several runs.
    pub(crate) fn median_of(runs: &[Latency]) -> Latency {
        let pick = |f: fn(&Latency) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        Latency {
            p50_ms: pick(|l| l.p50_ms),
            p99_ms: pick(|l| l.p99_ms),
            max_ms: pick(|l| l.max_ms),
        }
    }
}

/// A fixed-width table printed row by row.
pub(crate) struct Table {
    widths: Vec<usize>,
    left: usize,
}

impl Table {
    /// Prints the header and remembers the column widths; the first `left` columns (names) are
    /// left-aligned, the others (numbers) right-aligned.
    pub(crate) fn new(headers: &[&str], left: usize) -> Table {
        let widths: Vec<usize> = headers.iter().map(|h| h.len().max(8)).collect();
        let table = Table { widths, left };
        table.row(&headers.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>());
        table
    }

    /// Prints one row.
    pub(crate) fn row(&self, cells: &[String]) {
        let mut line = String::new();
        for (i, (cell, width)) in cells.iter().zip(&self.widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            if i < self.left {
                line.push_str(&format!("{cell:<width$}"));
            } else {
                line.push_str(&format!("{cell:>width$}"));
            }
        }
        println!("{}", line.trim_end());
    }
}

/// Prints the JSON summary line: one line, `"bench"` first so scripts can grep for
/// `{"bench":"<name>"`.
pub(crate) fn print_json(bench: &str, summary: &Value) {
    let mut line = format!("{{\"bench\":{}", Value::from(bench));
    for (key, value) in summary.as_object().into_iter().flatten() {
        if key != "bench" {
            line.push_str(&format!(",{}:{value}", Value::from(key.as_str())));
        }
    }
    line.push('}');
    println!("{line}");
}

/// `12345.6` → `"12,346"`.
pub(crate) fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with one decimal.
pub(crate) fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::{median, quantile, thousands};

    #[test]
    fn quantiles_use_the_nearest_rank_and_medians_the_middle() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 50.0);
        assert_eq!(quantile(&v, 0.99), 99.0);
        assert_eq!(quantile(&v, 1.0), 100.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(1_234_567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
    }
}
