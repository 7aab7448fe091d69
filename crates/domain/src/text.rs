//! What a free text in a request must look like, said twice: as a Rust check
//! the server applies and as a regular expression the OpenAPI document
//! publishes, so that a client (or a fuzzer) that follows the document is
//! never refused. The patterns use the common subset of ECMA-262, Python and
//! Rust regular expressions; unit tests hold each pattern equal to its check
//! over every Unicode scalar value.

/// Rust's `char::is_whitespace` (Unicode `White_Space`), as a class body
/// (spelt out again in [`NON_BLANK`]: `concat!` takes only literals).
#[cfg(test)]
const WHITESPACE: &str = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// A text with at least one character that is not whitespace.
pub const NON_BLANK: &str = concat!(r"[^", r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000", r"]");

/// One line: no control character (`char::is_control`, C0, DEL and C1).
pub const ONE_LINE: &str = r"^[^\x00-\x1f\x7f-\x9f]*$";

/// One line with at least one character that is neither a control character nor whitespace.
pub const NON_BLANK_LINE: &str = concat!(
    r"^[^\x00-\x1f\x7f-\x9f]*",
    r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]",
    r"[^\x00-\x1f\x7f-\x9f]*$"
);

/// Whether a text is empty or only whitespace.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// Whether a text holds a control character (a line break among them).
pub fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// Characters, as JSON Schema's `maxLength` counts them (not bytes).
pub fn chars(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn every_char() -> impl Iterator<Item = char> {
        (0..=0x10_FFFF_u32).filter_map(char::from_u32)
    }

    #[test]
    fn the_whitespace_class_is_rusts() {
        assert!(NON_BLANK.contains(WHITESPACE));
        let ws = Regex::new(&format!("^[{WHITESPACE}]$")).unwrap();
        for c in every_char() {
            assert_eq!(ws.is_match(&c.to_string()), c.is_whitespace(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn each_pattern_is_its_check_for_every_character() {
        let non_blank = Regex::new(NON_BLANK).unwrap();
        let one_line = Regex::new(ONE_LINE).unwrap();
        let non_blank_line = Regex::new(NON_BLANK_LINE).unwrap();
        let agree = |s: &str| {
            assert_eq!(non_blank.is_match(s), !is_blank(s), "{s:?}");
            assert_eq!(one_line.is_match(s), !has_control(s), "{s:?}");
            assert_eq!(non_blank_line.is_match(s), !is_blank(s) && !has_control(s), "{s:?}");
        };
        for c in every_char() {
            agree(c.encode_utf8(&mut [0; 4]));
        }
        for s in [" a ", "\u{3000}x\u{a0}", "a\nb", " \u{85}", "Nghỉ trưa", "\u{200b}", "\u{feff}", "x\u{9f}"] {
            agree(s);
        }
        for s in ["", " ", "\u{3000}\u{a0}"] {
            assert!(!non_blank.is_match(s) && !non_blank_line.is_match(s) && is_blank(s), "{s:?}");
        }
        assert_eq!(chars("Nghỉ trưa"), 9);
    }
}
