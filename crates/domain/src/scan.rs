//! What a scanner (or a citizen's typing) gave the kiosk: a dossier code, a
//! ticket's lookup URL or token, a chip ID card's QR, or something that is none of them.

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
    /// Neither; the reason says why it is not a dossier code.
    Garbage(CodeRejection),
}

/// Tells apart a dossier code, a ticket lookup URL or token, a chip ID
/// card's QR (its strict shape, see [`crate::id_card`]) and garbage.
/// A ticket URL is any URL whose path ends in `/t/TOKEN`; a URL carrying the
/// code in `?ma=` or `?code=` is a dossier.
pub fn classify_scan(input: &str, rules: &DossierCodeRules) -> ScanPayload {
    if let Some(card) = parse_id_card(input) {
        return ScanPayload::IdCard(card);
    }
    let trimmed = input.trim();
    if let Some(token) = ticket_token_in_url(trimmed) {
        return ScanPayload::Ticket(token);
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

fn ticket_token_in_url(s: &str) -> Option<String> {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"))?;
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    let path = path.trim_end_matches('/');
    let (before, token) = path.rsplit_once('/')?;
    (before.ends_with("/t") && is_ticket_token(token)).then(|| token.to_string())
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
