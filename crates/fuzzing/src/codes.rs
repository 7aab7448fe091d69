//! The dossier-code parser and the scan classifier: what a citizen types or
//! a scanner sends, in any bytes.

use std::sync::OnceLock;

use motcua_domain::booking::{CODE_ALPHABET, parse_code};
use motcua_domain::dossier_code::DEFAULT_PATTERN;
use motcua_domain::scan::is_ticket_token;
use motcua_domain::{CodeRejection, DossierCodeRules, ScanPayload, classify_scan};
use regex::Regex;

use crate::{Outcome, Violation, check_message, ensure, text};

fn rules() -> &'static DossierCodeRules {
    static RULES: OnceLock<DossierCodeRules> = OnceLock::new();
    RULES.get_or_init(DossierCodeRules::default)
}

fn pattern() -> Result<&'static Regex, Violation> {
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    PATTERN
        .get_or_init(|| Regex::new(DEFAULT_PATTERN).ok())
        .as_ref()
        .ok_or_else(|| Violation("the default pattern does not compile".into()))
}

fn check_rejection(r: &CodeRejection) -> Outcome {
    check_message("rejection (vi)", &r.message_vi())?;
    check_message("rejection (en)", &r.message_en())?;
    if let CodeRejection::Date(d) = r {
        ensure!(d.len() == 6 && d.bytes().all(|b| b.is_ascii_digit()), "a date rejection names {d:?}, not the code's six digits");
    }
    Ok(())
}

/// `DossierCodeRules::parse`: an accepted code has the national shape, is
/// normalised (upper case, no spaces, at most 64 bytes) and parses to itself;
/// surrounding whitespace changes nothing; a refusal explains itself in both
/// languages.
pub fn dossier_code(data: &[u8]) -> Outcome {
    let input = text(data);
    let parsed = rules().parse(&input);
    match &parsed {
        Ok(code) => {
            let c = code.as_str();
            ensure!((1..=64).contains(&c.len()), "accepted code of {} bytes: {c:?}", c.len());
            ensure!(pattern()?.is_match(c), "accepted code {c:?} does not match the pattern");
            ensure!(!c.contains(char::is_whitespace) && c.to_uppercase() == c, "accepted code {c:?} is not normalised");
            ensure!(rules().parse(c).as_ref() == Ok(code), "{c:?} does not parse to itself");
        }
        Err(r) => check_rejection(r)?,
    }
    let padded = format!(" \t{input}\r\n");
    ensure!(rules().parse(&padded) == parsed, "surrounding whitespace changes the answer for {input:?}");
    Ok(())
}

/// `classify_scan`: a ticket is a valid token, a dossier code and a booking
/// code parse to themselves, garbage explains itself; surrounding whitespace changes nothing.
pub fn scan(data: &[u8]) -> Outcome {
    let input = text(data);
    let payload = classify_scan(&input, rules());
    match &payload {
        ScanPayload::Ticket(token) => ensure!(is_ticket_token(token), "ticket token {token:?} is not a token"),
        ScanPayload::Dossier(code) => {
            ensure!(rules().parse(code.as_str()).as_ref() == Ok(code), "dossier {code} does not parse to itself")
        }
        ScanPayload::IdCard(card) => {
            let numbers: Vec<&str> = card.numbers().collect();
            ensure!(numbers[0].len() == 12 && numbers[0].bytes().all(|b| b.is_ascii_digit()), "a card's number is not 12 digits");
            ensure!(
                numbers[1..].iter().all(|n| n.len() == 9 && n.bytes().all(|b| b.is_ascii_digit())),
                "a card's old number is not 9 digits"
            );
        }
        ScanPayload::Booking(code) => {
            ensure!(
                code.len() == 7 && code.as_bytes()[3] == b'-' && code.chars().filter(|c| *c != '-').all(|c| CODE_ALPHABET.contains(c)),
                "booking code {code:?} is not XXX-XXX of the alphabet"
            );
            ensure!(parse_code(code).as_deref() == Some(code.as_str()), "booking code {code} does not parse to itself");
        }
        ScanPayload::Garbage(r) => check_rejection(r)?,
    }
    let padded = format!("\n {input} \n");
    ensure!(classify_scan(&padded, rules()) == payload, "surrounding whitespace changes the answer for {input:?}");
    Ok(())
}
