//! The dossier code (mã hồ sơ) printed on the appointment receipt, e.g.
//! `000.00.12.H62-201105-0004`: agency electronic id, received date (YYMMDD),
//! daily sequence. Parsed leniently (case, spaces, a URL wrapper) and checked
//! against a configurable pattern, so that what cannot be a code is refused
//! on the kiosk and never sent to the server.

use regex::Regex;
use serde::{Deserialize, Serialize};

/// The pattern of the current circular. A deployment may configure another;
/// a named group `date` (YYMMDD) is checked to be a real calendar date.
pub const DEFAULT_PATTERN: &str =
    r"^(?P<agency>[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2})-(?P<date>[0-9]{6})-(?P<seq>[0-9]{4})$";

/// What the API takes in a path or a body: a code of [`DEFAULT_PATTERN`] as
/// printed (ASCII letters in either case), with a real calendar date (years
/// 2000–2099, so every year divisible by 4 is a leap year). The OpenAPI
/// document publishes it; a unit test keeps it equal to
/// [`DossierCodeRules::parse_exact`]. Written in the common subset of
/// ECMA-262, Python and Rust regular expressions.
pub const API_PATTERN: &str = concat!(
    r"^[0-9A-Za-z]{3}\.[0-9A-Za-z]{2}\.[0-9A-Za-z]{2}\.[A-Za-z][0-9]{2}-",
    r"(?:[0-9]{2}(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)|02(?:0[1-9]|1[0-9]|2[0-8]))",
    r"|(?:[02468][048]|[13579][26])0229)",
    r"-[0-9]{4}$"
);

/// Longest input looked at; a scanner burst longer than this is not a code.
const MAX_INPUT: usize = 512;

/// A syntactically valid dossier code, normalised (upper case, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DossierCode(String);

impl DossierCode {
    /// The normalised code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DossierCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a text is not a dossier code. Each reason has a message a citizen can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeRejection {
    /// Nothing entered.
    #[error("nothing was entered")]
    Empty,
    /// Longer than any dossier code.
    #[error("the text is too long to be a dossier code")]
    TooLong,
    /// Not the shape of a dossier code.
    #[error("the text does not have the shape of a dossier code")]
    Shape,
    /// A date in the code that does not exist.
    #[error("the date in the code ({0}) is not a real date")]
    Date(String),
}

/// The one example of a dossier code the citizen is shown, in error
/// messages and on the kiosk's lookup screen (ui/js/screens/dossier.js).
pub const EXAMPLE_CODE: &str = "000.00.12.H62-201105-0004";

impl CodeRejection {
    /// What the citizen reads, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Empty => "Chưa nhập mã hồ sơ. Vui lòng nhập hoặc quét mã trên giấy hẹn trả kết quả.".into(),
            Self::TooLong | Self::Shape => {
                format!("Đây không phải mã hồ sơ. Mã hồ sơ in trên giấy hẹn trả kết quả, có dạng {EXAMPLE_CODE}.")
            }
            Self::Date(d) => format!("Ngày trong mã hồ sơ ({d}) không đúng. Vui lòng kiểm tra lại mã trên giấy hẹn."),
        }
    }

    /// What the citizen reads, in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Empty => "No dossier code entered. Please type or scan the code on your appointment receipt.".into(),
            Self::TooLong | Self::Shape => {
                format!("This is not a dossier code. The code is printed on your appointment receipt and looks like {EXAMPLE_CODE}.")
            }
            Self::Date(d) => format!("The date in the dossier code ({d}) is not valid. Please check the code on your receipt."),
        }
    }
}

/// The rules a deployment uses to accept dossier codes.
#[derive(Debug, Clone)]
pub struct DossierCodeRules {
    pattern: Regex,
}

impl Default for DossierCodeRules {
    fn default() -> Self {
        // The default pattern is a constant checked by a unit test.
        #[allow(clippy::expect_used)]
        let pattern = Regex::new(DEFAULT_PATTERN).expect("default dossier pattern compiles");
        Self { pattern }
    }
}

impl DossierCodeRules {
    /// Rules with a deployment's own pattern (a regular expression on the
    /// normalised, upper-case code, anchored by the caller).
    pub fn with_pattern(pattern: &str) -> Result<Self, regex::Error> {
        Ok(Self { pattern: Regex::new(pattern)? })
    }

    /// Reads a dossier code as an API client sends it: exactly the code,
    /// letters in either case, nothing around it (no spaces, no URL). What a
    /// kiosk scanned or a citizen typed goes through [`Self::parse`] first.
    pub fn parse_exact(&self, input: &str) -> Result<DossierCode, CodeRejection> {
        let code = self.parse(input)?;
        if code.as_str().eq_ignore_ascii_case(input) { Ok(code) } else { Err(CodeRejection::Shape) }
    }

    /// Reads a dossier code from what was typed or scanned.
    pub fn parse(&self, input: &str) -> Result<DossierCode, CodeRejection> {
        let input = input.trim();
        if input.is_empty() {
            return Err(CodeRejection::Empty);
        }
        if input.len() > MAX_INPUT {
            return Err(CodeRejection::TooLong);
        }
        let inner = query_value(input, &["ma", "code", "mahoso", "ma_ho_so"]).unwrap_or_else(|| input.to_string());
        let code: String = inner.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
        if code.is_empty() {
            return Err(CodeRejection::Empty);
        }
        if code.len() > 64 {
            return Err(CodeRejection::TooLong);
        }
        let caps = self.pattern.captures(&code).ok_or(CodeRejection::Shape)?;
        if let Some(date) = caps.name("date") {
            check_yymmdd(date.as_str())?;
        }
        Ok(DossierCode(code))
    }
}

fn check_yymmdd(d: &str) -> Result<(), CodeRejection> {
    let bad = || CodeRejection::Date(d.to_string());
    if d.len() != 6 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| d.get(r).and_then(|s| s.parse::<i16>().ok()).ok_or_else(bad);
    let (yy, mm, dd) = (n(0..2)?, n(2..4)?, n(4..6)?);
    let month = i8::try_from(mm).map_err(|_| bad())?;
    let day = i8::try_from(dd).map_err(|_| bad())?;
    jiff::civil::Date::new(2000 + yy, month, day).map(|_| ()).map_err(|_| bad())
}

/// The value of the first of `keys` in a URL's query string, percent-decoded.
pub(crate) fn query_value(input: &str, keys: &[&str]) -> Option<String> {
    let (_, query) = input.split_once('?')?;
    let query = query.split('#').next().unwrap_or(query);
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if keys.iter().any(|key| key.eq_ignore_ascii_case(k)) {
            return Some(percent_decode(v));
        }
    }
    None
}

/// Percent-decoding of a URL component; `+` is a space. Invalid escapes stay as they are.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<String, CodeRejection> {
        DossierCodeRules::default().parse(s).map(|c| c.as_str().to_string())
    }

    #[test]
    fn real_codes_from_four_provinces_are_accepted() {
        for code in ["000.00.12.H62-201105-0004", "000.00.14.H56-200203-0118", "000.17.22.H56-210531-0001", "000.A0.01.H26-210212-9090"] {
            assert_eq!(parse(code).as_deref(), Ok(code));
        }
    }

    #[test]
    fn case_spaces_and_url_wrappers_are_tolerated() {
        let want = Ok("000.A0.01.H26-210212-9090".to_string());
        assert_eq!(parse("  000.a0.01.h26-210212-9090\n"), want);
        assert_eq!(parse("000.A0.01.H26 - 210212 - 9090"), want);
        assert_eq!(parse("https://dichvucong.hanoi.gov.vn/tra-cuu?ma=000.A0.01.H26-210212-9090"), want);
        assert_eq!(parse("http://x.vn/hs?lang=vi&code=000.a0.01.h26-210212-9090#top"), want);
        assert_eq!(parse("https://x.vn/?ma=000.A0.01.H26%2D210212%2D9090"), want);
    }

    #[test]
    fn what_cannot_be_a_code_is_refused_with_a_reason() {
        assert_eq!(parse(""), Err(CodeRejection::Empty));
        assert_eq!(parse("   "), Err(CodeRejection::Empty));
        assert_eq!(parse("hello"), Err(CodeRejection::Shape));
        assert_eq!(parse("000.00.12.H62-201105-004"), Err(CodeRejection::Shape));
        assert_eq!(parse("000.00.12.H62-201105-0004; DROP TABLE"), Err(CodeRejection::Shape));
        assert_eq!(parse("000.00.12.H62-201305-0004"), Err(CodeRejection::Date("201305".into())));
        assert_eq!(parse("000.00.12.H62-210229-0004"), Err(CodeRejection::Date("210229".into())));
        assert_eq!(parse(&"9".repeat(600)), Err(CodeRejection::TooLong));
        assert_eq!(parse("https://x.vn/?q=1"), Err(CodeRejection::Shape));
    }

    #[test]
    fn the_api_takes_the_code_exactly_in_either_case() {
        let rules = DossierCodeRules::default();
        assert_eq!(rules.parse_exact("000.a0.01.h26-210212-9090").map(|c| c.to_string()), Ok("000.A0.01.H26-210212-9090".into()));
        for loose in [" 000.A0.01.H26-210212-9090", "000.A0.01.H26 - 210212 - 9090", "https://x.vn/?ma=000.A0.01.H26-210212-9090"] {
            assert_eq!(rules.parse_exact(loose), Err(CodeRejection::Shape), "{loose}");
        }
    }

    #[test]
    fn the_published_pattern_is_the_exact_parser() {
        let pattern = Regex::new(API_PATTERN).expect("API pattern compiles");
        let rules = DossierCodeRules::default();
        let mut checked = 0;
        for yy in 0..100 {
            for mm in 0..14 {
                for dd in 0..33 {
                    let code = format!("000.00.12.H62-{yy:02}{mm:02}{dd:02}-0004");
                    assert_eq!(pattern.is_match(&code), rules.parse_exact(&code).is_ok(), "{code}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 46_200);
        for code in [
            "000.A0.01.H26-210212-9090",
            "000.a0.01.h26-210212-9090",
            "AbC.dE.fG.h00-000229-0000",
            "000.00.12.H62-010229-0004",
            "000.00.12.H62-201105-000",
            "000.00.12.H62-201105-00040",
            "000.00.12.662-201105-0004",
            "000.00.12.H62_201105-0004",
            "0000.00.12.H62-201105-0004",
            "000.00.12.H62-201105-0004 ",
            "000.00.12.Ĥ62-201105-0004",
            "",
        ] {
            assert_eq!(pattern.is_match(code), rules.parse_exact(code).is_ok(), "{code:?}");
        }
    }

    #[test]
    fn a_deployment_can_configure_another_pattern() {
        let rules = DossierCodeRules::with_pattern(r"^HS-[0-9]{8}$").expect("pattern");
        assert_eq!(rules.parse("hs-12345678").map(|c| c.to_string()), Ok("HS-12345678".into()));
        assert_eq!(rules.parse("000.00.12.H62-201105-0004"), Err(CodeRejection::Shape));
    }

    #[test]
    fn every_rejection_speaks_both_languages() {
        for r in [CodeRejection::Empty, CodeRejection::TooLong, CodeRejection::Shape, CodeRejection::Date("1".into())] {
            assert!(!r.message_vi().is_empty() && !r.message_en().is_empty());
        }
    }
}
