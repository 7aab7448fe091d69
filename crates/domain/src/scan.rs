//! What a scanner (or a citizen's typing) gave the kiosk: a dossier code, a
//! ticket's lookup URL or token, a chip ID card's QR, an appointment's booking
//! code or QR, or something that is none of them.

use crate::booking::parse_code;
use crate::dossier_code::{CodeRejection, DossierCode, DossierCodeRules, query_value};
use crate::id_card::{IdCard, parse_id_card};

/// A ticket lookup token: 22 to 64 URL-safe characters (128 random bits or more).
pub fn is_ticket_token(s: &str) -> bool {
    (22..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The meaning of one scan or typed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanPayload {
    /// A dossier code from an appointment receipt.
    Dossier(DossierCode),
    /// A queue ticket's token, from its QR (lookup URL) or typed.
    Ticket(String),
    /// The QR of a chip ID card (căn cước): its numbers only.
    IdCard(IdCard),
    /// An appointment's booking code (`XXX-XXX`), from its QR (the booking's
    /// page, `/dat-lich/b/CODE`) or typed.
    Booking(String),
    /// Neither; the reason says why it is not a dossier code.
    Garbage(CodeRejection),
}

/// Tells apart a dossier code, a ticket lookup URL or token, a chip ID
/// card's QR (its strict shape, see [`crate::id_card`]), a booking code or
/// URL, and garbage.
/// A ticket URL is any URL whose path ends in `/t/TOKEN`; a booking URL any
/// URL whose path ends in `/dat-lich/b/CODE`; a URL carrying the code in
/// `?ma=` or `?code=` is a dossier. A bare booking code (exactly six
/// characters of [`crate::booking::CODE_ALPHABET`], the dash optional) cannot be a ticket
/// token (22 or more characters), a card (12 digits and `|`) or a dossier code
/// of the national shape; it is checked before a deployment's own dossier
/// pattern, so a pattern loose enough to take six letters cannot swallow it.
pub fn classify_scan(input: &str, rules: &DossierCodeRules) -> ScanPayload {
    if let Some(card) = parse_id_card(input) {
        return ScanPayload::IdCard(card);
    }
    let trimmed = input.trim();
    if let Some(token) = ticket_token_in_url(trimmed) {
        return ScanPayload::Ticket(token);
    }
    if let Some(code) = booking_code_in_url(trimmed).or_else(|| parse_code(trimmed)) {
        return ScanPayload::Booking(code);
    }
    match rules.parse(trimmed) {
        Ok(code) => ScanPayload::Dossier(code),
        Err(reason) => {
            let bare = trimmed.strip_prefix("t/").unwrap_or(trimmed);
            if is_ticket_token(bare) && query_value(trimmed, &["ma", "code"]).is_none() {
                ScanPayload::Ticket(bare.to_string())
            } else {
                ScanPayload::Garbage(reason)
            }
        }
    }
}

/// An http(s) URL's path without its query, fragment and trailing slashes,
/// split at its last `/`.
fn url_path_tail(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"))?;
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    path.trim_end_matches('/').rsplit_once('/')
}

fn ticket_token_in_url(s: &str) -> Option<String> {
    let (before, token) = url_path_tail(s)?;
    (before.ends_with("/t") && is_ticket_token(token)).then(|| token.to_string())
}

fn booking_code_in_url(s: &str) -> Option<String> {
    let (before, code) = url_path_tail(s)?;
    if before.ends_with("/dat-lich/b") { parse_code(code) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "Yk3v9_Qm2Lx-8ZpT4rWcNa";

    fn classify(s: &str) -> ScanPayload {
        classify_scan(s, &DossierCodeRules::default())
    }

    #[test]
    fn a_ticket_qr_url_gives_its_token() {
        assert_eq!(classify(&format!("https://motcua.example/t/{TOKEN}")), ScanPayload::Ticket(TOKEN.into()));
        assert_eq!(classify(&format!("http://127.0.0.1:8080/t/{TOKEN}?lang=en")), ScanPayload::Ticket(TOKEN.into()));
        assert_eq!(classify(&format!(" {TOKEN} ")), ScanPayload::Ticket(TOKEN.into()));
    }

    #[test]
    fn a_dossier_code_or_its_url_is_a_dossier() {
        let c = "000.00.12.H62-201105-0004";
        assert!(matches!(classify(c), ScanPayload::Dossier(d) if d.as_str() == c));
        assert!(matches!(classify(&format!("https://dvc.vinhphuc.gov.vn/tra-cuu?ma={c}")), ScanPayload::Dossier(_)));
    }

    #[test]
    fn a_card_qr_is_a_card_and_a_near_miss_is_garbage() {
        let card = "001099012345||Nguyễn Văn An|01011990|Nam|Số 1 Hùng Vương, Vĩnh Yên, Vĩnh Phúc|15082021";
        assert!(matches!(classify(card), ScanPayload::IdCard(_)));
        assert!(matches!(classify(&card.replace("|Nam|", "|M|")), ScanPayload::Garbage(_)));
        assert!(matches!(classify("001099012345"), ScanPayload::Garbage(_)));
    }

    #[test]
    fn a_booking_code_typed_or_scanned_is_a_booking() {
        let b = |s: &str| ScanPayload::Booking(s.into());
        assert_eq!(classify("HK7-K4Q"), b("HK7-K4Q"));
        assert_eq!(classify(" hk7k4q "), b("HK7-K4Q"), "any case, the dash optional");
        assert_eq!(classify("hk7-K4q"), b("HK7-K4Q"));
        assert_eq!(classify("https://motcua.example/dat-lich/b/HK7-K4Q"), b("HK7-K4Q"));
        assert_eq!(classify("http://127.0.0.1:9/dat-lich/b/hk7k4q/?lang=en#x"), b("HK7-K4Q"));
        assert_eq!(classify("https://x.vn/pre/fix/dat-lich/b/AAA-999"), b("AAA-999"));
        assert_eq!(classify("hk7 k4q"), b("HK7-K4Q"), "typed with a space");
    }

    #[test]
    fn a_near_miss_of_a_booking_code_is_not_one() {
        // B, G, I, L, O, S, Z, 0, 1, 2, 5, 8 are outside the alphabet; wrong
        // length, another separator, another URL path.
        for s in
            ["HB7-K4Q", "HK7-K40", "HK7-K4", "HK7-K4QQ", "HK7_K4Q", "HK7.K4Q", "https://x.vn/b/HK7-K4Q", "https://x.vn/dat-lich/HK7-K4Q"]
        {
            assert!(!matches!(classify(s), ScanPayload::Booking(_)), "{s:?}");
        }
        assert!(matches!(classify("https://x.vn/dat-lich/b/HK7-K4Q?ma=000.00.12.H62-201105-0004"), ScanPayload::Booking(_)));
    }

    #[test]
    fn booking_codes_never_collide_with_the_other_kinds() {
        // Every code of a sample of the 24^6 space is a booking, and nothing else is one.
        let alphabet: Vec<char> = crate::booking::CODE_ALPHABET.chars().collect();
        for i in 0..2000usize {
            let code: String = (0..6).map(|k| alphabet[(i * 7 + k * 13 + i / 24 * k) % alphabet.len()]).collect();
            assert!(matches!(classify(&code), ScanPayload::Booking(_)), "{code}");
            assert!(!is_ticket_token(&code));
            assert!(DossierCodeRules::default().parse(&code).is_err(), "{code} is also a dossier code");
        }
        assert_eq!(classify(&format!("https://x.vn/t/{TOKEN}")), ScanPayload::Ticket(TOKEN.into()));
        assert!(matches!(classify("000.00.12.H62-201105-0004"), ScanPayload::Dossier(_)));
        // A deployment's loose dossier pattern does not swallow booking codes.
        let loose = DossierCodeRules::with_pattern(r"^[A-Z0-9-]{6,7}$").unwrap();
        assert_eq!(classify_scan("HK7-K4Q", &loose), ScanPayload::Booking("HK7-K4Q".into()));
    }

    #[test]
    fn garbage_is_garbage() {
        for g in [
            "",
            "12345",
            "https://example.com/",
            "https://example.com/t/short",
            "DROP TABLE tickets;",
            "https://x.vn/t/has spaces in it but long enough",
        ] {
            assert!(matches!(classify(g), ScanPayload::Garbage(_)), "{g:?}");
        }
    }
}
