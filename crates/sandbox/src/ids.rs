//! Seeded randomness and the identifiers made from it.
//!
//! One seed drives everything. It is split into independent ChaCha streams (ids, traffic,
//! delivery faults, status latencies) so that turning on a fault knob does not change the
//! wamids of an otherwise identical run.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// The independent random streams of one run.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stream {
    Ids = 1,
    Traffic = 2,
    Faults = 3,
    Latency = 4,
    Setup = 5,
    /// Embedded Signup's own stream, far from the others, so using signup never changes the
    /// ids of a run that does not.
    Signup = 0x5161_0000,
}

/// A seeded RNG for one stream.
pub(crate) fn rng(seed: u64, stream: Stream) -> ChaCha20Rng {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// A numeric Graph id drawn from `rng`: `digits` digits, no leading 0.
pub(crate) fn numeric_id(rng: &mut ChaCha20Rng, digits: usize) -> String {
    let mut out = String::with_capacity(digits);
    out.push(char::from(b'1' + rng.random_range(0..9u8)));
    for _ in 1..digits {
        out.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    out
}

/// Direction byte inside a wamid, as in Meta's examples (0x12 inbound, 0x11 outbound).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Inbound,
    Outbound,
}

/// Makes every id the sandbox hands out.
#[derive(Debug)]
pub(crate) struct Ids {
    rng: ChaCha20Rng,
}

impl Ids {
    pub(crate) fn new(seed: u64) -> Self {
        Ids {
            rng: rng(seed, Stream::Ids),
        }
    }

    /// A numeric Graph id (WABA, phone number, media, template): `digits` digits, no leading 0.
    pub(crate) fn numeric(&mut self, digits: usize) -> String {
        numeric_id(&mut self.rng, digits)
    }

    fn hex_upper(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| {
                let v = self.rng.random_range(0..16u8);
                char::from_digit(u32::from(v), 16)
                    .unwrap_or('0')
                    .to_ascii_uppercase()
            })
            .collect()
    }

    /// A wamid shaped like Meta's: base64 of a small record holding the customer's number.
    pub(crate) fn wamid(&mut self, wa_id: &str, direction: Direction) -> String {
        let (tag, hex) = match direction {
            Direction::Inbound => (0x12u8, format!("3A{}", self.hex_upper(18))),
            Direction::Outbound => (0x11u8, self.hex_upper(18)),
        };
        let wa = wa_id.as_bytes();
        let mut raw = vec![0x1c, 0x18, wa.len().min(255) as u8];
        raw.extend_from_slice(&wa[..wa.len().min(255)]);
        raw.extend_from_slice(&[0x15, 0x02, 0x00, tag, 0x18, hex.len() as u8]);
        raw.extend_from_slice(hex.as_bytes());
        raw.push(0x00);
        format!("wamid.{}", STANDARD.encode(raw))
    }

    /// A business-scoped user id and its parent, e.g. `US.1349…` and `US.ENT.1181…`.
    pub(crate) fn bsuid_pair(&mut self, wa_id: &str) -> (String, String) {
        let country = country_of(wa_id);
        let user = format!("{country}.{}", self.numeric(20));
        let parent = format!("{country}.ENT.{}", self.numeric(20));
        (user, parent)
    }

    /// An opaque request id (`smb_app_data`) or trace id.
    pub(crate) fn token(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        (0..len)
            .map(|_| char::from(ALPHABET[self.rng.random_range(0..ALPHABET.len())]))
            .collect()
    }

    /// A lowercase hex id (conversation ids).
    pub(crate) fn hex_lower(&mut self, len: usize) -> String {
        self.hex_upper(len).to_ascii_lowercase()
    }

    /// Random bytes (synthetic media content).
    pub(crate) fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.rng.random::<u8>()).collect()
    }
}

/// ISO country of a phone number by its calling code (only the codes the sandbox uses; the
/// rest map to `US`, which is fine for an opaque id prefix).
pub(crate) fn country_of(wa_id: &str) -> &'static str {
    const CODES: &[(&str, &str)] = &[
        ("972", "IL"),
        ("351", "PT"),
        ("234", "NG"),
        ("254", "KE"),
        ("44", "GB"),
        ("49", "DE"),
        ("33", "FR"),
        ("34", "ES"),
        ("39", "IT"),
        ("55", "BR"),
        ("52", "MX"),
        ("54", "AR"),
        ("91", "IN"),
        ("81", "JP"),
        ("62", "ID"),
        ("20", "EG"),
        ("7", "RU"),
        ("1", "US"),
    ];
    CODES
        .iter()
        .find(|(code, _)| wa_id.starts_with(code))
        .map(|(_, country)| *country)
        .unwrap_or("US")
}

#[cfg(test)]
mod tests {
    use super::{Direction, Ids, country_of};
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    #[test]
    fn same_seed_gives_same_ids_and_different_seeds_differ() {
        let mut a = Ids::new(7);
        let mut b = Ids::new(7);
        let mut c = Ids::new(8);
        let wa = a.wamid("16505551234", Direction::Outbound);
        assert_eq!(wa, b.wamid("16505551234", Direction::Outbound));
        assert_ne!(wa, c.wamid("16505551234", Direction::Outbound));
        assert_eq!(a.numeric(15), b.numeric(15));
    }

    #[test]
    fn wamid_decodes_to_a_record_holding_the_number() {
        let wamid = Ids::new(1).wamid("16505551234", Direction::Inbound);
        let raw = STANDARD
            .decode(wamid.strip_prefix("wamid.").expect("prefix"))
            .expect("base64");
        assert_eq!(&raw[3..14], b"16505551234");
        assert_eq!(raw[17], 0x12);
    }

    #[test]
    fn numeric_ids_have_the_requested_length_without_leading_zero() {
        let mut ids = Ids::new(3);
        for _ in 0..50 {
            let id = ids.numeric(15);
            assert_eq!(id.len(), 15);
            assert!(!id.starts_with('0'));
            assert!(id.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn bsuid_carries_the_country_of_the_number() {
        let (user, parent) = Ids::new(1).bsuid_pair("447700900123");
        assert!(user.starts_with("GB."));
        assert!(parent.starts_with("GB.ENT."));
        assert_eq!(country_of("16505551234"), "US");
    }
}
