//! The chip ID card (căn cước công dân) and the keyed hash that stands for
//! its number. The QR on the card, typed by a scanner as a keyboard burst:
//!
//! ```text
//! <12-digit ID>|<old 9-digit ID or empty>|<full name>|<ddMMyyyy birth>|<Nam/Nữ>|<permanent address>|<ddMMyyyy issued>
//! ```
//!
//! The shape is recognised strictly: anything else is not a card. Only the
//! numbers are kept from a scan (the name, birth date and address are read
//! to check the shape and dropped), and they leave the kiosk only as
//! [`id_hash`]: HMAC-SHA256 under the deployment's secret key. Neither
//! [`IdCard`] nor anything here prints a number in `Debug` output.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Bytes of a deployment's ID key.
pub const ID_KEY_BYTES: usize = 32;

/// Longest text looked at as a card (a long address is ~150 characters).
const MAX_CARD_TEXT: usize = 600;

/// The numbers read from a chip ID card's QR. `Debug` shows no digit.
#[derive(Clone, PartialEq, Eq)]
pub struct IdCard {
    number: String,
    old_number: Option<String>,
}

impl std::fmt::Debug for IdCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdCard(<redacted>)")
    }
}

impl IdCard {
    /// The 12-digit ID number, then the old 9-digit one when the card carries it.
    pub fn numbers(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.number.as_str()).chain(self.old_number.as_deref())
    }

    /// The keyed hashes of [`IdCard::numbers`], in the same order.
    pub fn hashes(&self, key: &[u8]) -> Vec<String> {
        self.numbers().map(|n| id_hash(key, n)).collect()
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `ddMMyyyy`, a real date between 1900 and 2100.
fn ddmmyyyy(s: &str) -> bool {
    if !digits(s, 8) {
        return false;
    }
    let n = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i16>().ok());
    let (Some(d), Some(m), Some(y)) = (n(0..2), n(2..4), n(4..8)) else { return false };
    let (Ok(d), Ok(m)) = (i8::try_from(d), i8::try_from(m)) else { return false };
    (1900..=2100).contains(&y) && jiff::civil::Date::new(y, m, d).is_ok()
}

/// A person's name: letters (with Vietnamese diacritics, composed or not), spaces, `'`, `-`, `.`.
fn name_like(s: &str) -> bool {
    let n = s.chars().count();
    (1..=120).contains(&n)
        && s.chars().any(char::is_alphabetic)
        && s.chars().all(|c| c.is_alphabetic() || c == ' ' || matches!(c, '\u{0300}'..='\u{036F}' | '\'' | '-' | '.'))
}

/// The gender field: `Nam` or `Nữ` (composed or decomposed).
fn gender(s: &str) -> bool {
    matches!(s, "Nam" | "Nữ" | "Nu\u{31B}\u{303}" | "N\u{1B0}\u{303}")
}

/// Reads a chip ID card's QR, strictly: seven `|`-separated fields, a
/// 12-digit number, an empty or 9-digit old number, a name, a real birth
/// date, Nam/Nữ, an address and a real issue date. Anything else is `None`.
pub fn parse_id_card(text: &str) -> Option<IdCard> {
    let text = text.trim_matches(|c: char| c == '\r' || c == '\n' || c == ' ');
    if text.len() > MAX_CARD_TEXT {
        return None;
    }
    let parts: Vec<&str> = text.split('|').collect();
    let [number, old, name, birth, sex, address, issued] = parts.as_slice() else { return None };
    let address_ok = (1..=300).contains(&address.trim().chars().count()) && !address.chars().any(char::is_control);
    let ok = digits(number, 12)
        && (old.is_empty() || digits(old, 9))
        && name_like(name.trim())
        && ddmmyyyy(birth)
        && gender(sex.trim())
        && address_ok
        && ddmmyyyy(issued);
    ok.then(|| IdCard { number: (*number).to_string(), old_number: (!old.is_empty()).then(|| (*old).to_string()) })
}

/// An ID number as a source gives it: 12 digits (căn cước) or 9 (the old
/// chứng minh nhân dân), spaces, dots and hyphens between digits allowed.
/// `None` for anything else. The error says nothing of the value.
pub fn normalise_id_number(text: &str) -> Option<String> {
    let kept: String = text.trim().chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    (digits(&kept, 12) || digits(&kept, 9)).then_some(kept)
}

/// The keyed hash that stands for an ID number: HMAC-SHA256 of its ASCII
/// digits under the deployment's key, as 64 lower-case hex digits.
pub fn id_hash(key: &[u8], number: &str) -> String {
    // HMAC takes a key of any length; the error branch cannot happen, and
    // must not fall back to something unkeyed.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(number.as_bytes());
            hex(&mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// The key's fingerprint, safe to show and to send: the first 16 hex digits
/// of SHA-256 over "motcua-id-key" and the key.
pub fn key_id(key: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"motcua-id-key");
    h.update(key);
    hex(&h.finalize()).chars().take(16).collect()
}

/// Whether a text is an ID hash as [`id_hash`] writes it.
pub fn is_id_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Bytes of lower- or upper-case hex; `None` if it is not hex.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The made-up person of DOMAIN.md.
    const CARD: &str = "001099012345||Nguyễn Văn An|01011990|Nam|Số 1 Hùng Vương, Vĩnh Yên, Vĩnh Phúc|15082021";

    #[test]
    fn a_card_gives_its_numbers_and_nothing_else() {
        let card = parse_id_card(CARD).expect("a card");
        assert_eq!(card.numbers().collect::<Vec<_>>(), ["001099012345"]);
        let with_old =
            parse_id_card("036188001234|162345678|Trần Thị Bình|15071988|Nữ|Thôn 2, xã Yên Lạc, Vĩnh Phúc|02032022\r\n").expect("a card");
        assert_eq!(with_old.numbers().collect::<Vec<_>>(), ["036188001234", "162345678"]);
        let debug = format!("{card:?} {:?}", Some(&with_old));
        assert!(!debug.contains("0010") && !debug.contains("1623"), "{debug}");
    }

    #[test]
    fn decomposed_vietnamese_is_still_a_card() {
        let nfd = "001099012345||Nguye\u{302}\u{303}n Va\u{306}n An|01011990|Nu\u{31B}\u{303}|So\u{302}\u{301} 1|15082021";
        assert!(parse_id_card(nfd).is_some());
    }

    #[test]
    fn anything_else_is_not_a_card() {
        for bad in [
            "",
            "000.00.12.H62-201105-0004",
            "001099012345",
            // Eleven digits, a letter, a wrong old number, six fields, eight fields.
            "00109901234||Nguyễn Văn An|01011990|Nam|Số 1|15082021",
            "00109901234X||Nguyễn Văn An|01011990|Nam|Số 1|15082021",
            "001099012345|12345|Nguyễn Văn An|01011990|Nam|Số 1|15082021",
            "001099012345||Nguyễn Văn An|01011990|Nam|15082021",
            "001099012345||Nguyễn Văn An|01011990|Nam|Số 1|15082021|x",
            // Not a date, not a gender, digits in the name, no address.
            "001099012345||Nguyễn Văn An|31021990|Nam|Số 1|15082021",
            "001099012345||Nguyễn Văn An|01011990|Male|Số 1|15082021",
            "001099012345||Nguyen 2|01011990|Nam|Số 1|15082021",
            "001099012345||Nguyễn Văn An|01011990|Nam||15082021",
            "001099012345||Nguyễn Văn An|01011990|Nam|Số 1|2021-08-15",
        ] {
            assert!(parse_id_card(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn sources_give_numbers_with_separators() {
        assert_eq!(normalise_id_number(" 001 099 012 345 ").as_deref(), Some("001099012345"));
        assert_eq!(normalise_id_number("162.345.678").as_deref(), Some("162345678"));
        for bad in ["", "12345", "0010990123456", "00109901234a", "CCCD 001099012345"] {
            assert_eq!(normalise_id_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_hash_is_keyed_hmac_sha256() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(id_hash(b"Jefe", "what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let a = id_hash(&[1; 32], "001099012345");
        assert!(is_id_hash(&a));
        assert_ne!(a, id_hash(&[2; 32], "001099012345"), "another deployment, another hash");
        assert_eq!(key_id(&[1; 32]).len(), 16);
        assert_eq!(unhex(&hex(&[0, 15, 255])), Some(vec![0, 15, 255]));
        assert_eq!(unhex("zz"), None);
    }
}
