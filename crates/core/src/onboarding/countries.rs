//! Which phone-number country codes coexistence onboarding refuses, as data.
//!
//! Meta's list has changed between versions of its page (META.md §10.1: the March 2026 copy
//! named Nigeria and South Africa, the September 2026 copy names none, and older third-party
//! lists named the EU, the UK and others). The list is therefore data with its source and the
//! date it was checked, shipped with the hub and replaceable without a code change; these types
//! only read it and answer "which unsupported region does this number belong to".

use serde::Deserialize;

/// A region whose numbers cannot be onboarded for coexistence.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Its name, as shown to the admin ("United Kingdom").
    pub name: String,
    /// International calling codes (or longer prefixes, e.g. `79` for Russian mobiles that
    /// share `+7` with Kazakhstan), digits only.
    pub calling_codes: Vec<String>,
}

/// The country rules: where the list comes from, and the regions it refuses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryRules {
    /// Where the list was taken from.
    pub source: String,
    /// When it was last checked (a date, as written in the file).
    pub checked_on: String,
    /// Anything the admin should know about how reliable the list is.
    #[serde(default)]
    pub note: Option<String>,
    /// The regions refused.
    #[serde(default)]
    pub unsupported: Vec<Region>,
}

impl CountryRules {
    /// Checks every calling code is 1–6 digits and no code is listed twice.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen: Vec<&str> = Vec::new();
        for region in &self.unsupported {
            if region.name.trim().is_empty() {
                return Err("a region has no name".to_owned());
            }
            for code in &region.calling_codes {
                let digits =
                    (1..=6).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit());
                if !digits {
                    return Err(format!(
                        "{}: calling code {code:?} must be 1 to 6 digits",
                        region.name
                    ));
                }
                if seen.contains(&code.as_str()) {
                    return Err(format!("calling code {code} is listed twice"));
                }
                seen.push(code);
            }
        }
        Ok(())
    }

    /// The unsupported region a number (digits, with its country code) belongs to, by the
    /// longest matching calling code.
    pub fn unsupported_region(&self, digits: &str) -> Option<(&Region, &str)> {
        self.unsupported
            .iter()
            .flat_map(|r| r.calling_codes.iter().map(move |c| (r, c.as_str())))
            .filter(|(_, code)| digits.starts_with(code))
            .max_by_key(|(_, code)| code.len())
    }
}

#[cfg(test)]
mod tests {
    use super::{CountryRules, Region};

    fn rules() -> CountryRules {
        CountryRules {
            source: "test".to_owned(),
            checked_on: "2026-11-26".to_owned(),
            note: None,
            unsupported: vec![
                Region {
                    name: "United Kingdom".to_owned(),
                    calling_codes: vec!["44".to_owned()],
                },
                Region {
                    name: "Russia".to_owned(),
                    calling_codes: vec!["73".to_owned(), "79".to_owned()],
                },
            ],
        }
    }

    #[test]
    fn a_number_is_matched_by_its_calling_code() {
        let r = rules();
        assert_eq!(
            r.unsupported_region("447700900123").unwrap().0.name,
            "United Kingdom"
        );
        assert_eq!(r.unsupported_region("79161234567").unwrap().1, "79");
        // +7 7xx is Kazakhstan, which shares +7 with Russia.
        assert!(r.unsupported_region("77011234567").is_none());
        assert!(r.unsupported_region("15550100001").is_none());
        assert!(r.validate().is_ok());
    }

    #[test]
    fn bad_codes_are_refused_naming_the_region() {
        let mut r = rules();
        r.unsupported[0].calling_codes.push("+44".to_owned());
        assert!(r.validate().unwrap_err().contains("United Kingdom"));
        let mut r = rules();
        r.unsupported[1].calling_codes.push("44".to_owned());
        assert!(r.validate().unwrap_err().contains("listed twice"));
    }
}
