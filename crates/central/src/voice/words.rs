//! Numbers as spoken words: Vietnamese place-value reading ("hai mươi mốt") and
//! English ("twenty one"), each word being one clip of the set.

use super::VoiceError;
use super::clips::known_name;

/// The largest counter number that can be read aloud.
pub const MAX_SPOKEN_NUMBER: u32 = 999;

/// One Vietnamese word used to read a number, which is one clip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViWord {
    /// A digit word: không, một, hai, ba, bốn, năm, sáu, bảy, tám, chín.
    Digit(u8),
    /// "mười": ten, and the tens word of 10–19.
    Muoi,
    /// "mươi": the tens word of 20–99 ("hai mươi").
    MuoiTens,
    /// "mốt": one after "mươi" (21 "hai mươi mốt").
    Mot,
    /// "lăm": five after "mười"/"mươi" (15 "mười lăm").
    Lam,
    /// "tư": four after "mươi" (24 "hai mươi tư").
    Tu,
    /// "trăm": hundred.
    Tram,
    /// "linh": the zero tens after a hundred (105 "một trăm linh năm").
    Linh,
}

const VI_DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
const VI_DIGIT_CLIPS: [&str; 10] =
    ["vi-so-0", "vi-so-1", "vi-so-2", "vi-so-3", "vi-so-4", "vi-so-5", "vi-so-6", "vi-so-7", "vi-so-8", "vi-so-9"];

impl ViWord {
    /// The word as written.
    pub fn text(self) -> &'static str {
        match self {
            ViWord::Digit(d) => VI_DIGITS[usize::from(d % 10)],
            ViWord::Muoi => "mười",
            ViWord::MuoiTens => "mươi",
            ViWord::Mot => "mốt",
            ViWord::Lam => "lăm",
            ViWord::Tu => "tư",
            ViWord::Tram => "trăm",
            ViWord::Linh => "linh",
        }
    }

    /// The clip that says it.
    pub fn clip(self) -> &'static str {
        match self {
            ViWord::Digit(d) => VI_DIGIT_CLIPS[usize::from(d % 10)],
            ViWord::Muoi => "vi-muoi",
            ViWord::MuoiTens => "vi-muoi-ngang",
            ViWord::Mot => "vi-mot-sac",
            ViWord::Lam => "vi-lam",
            ViWord::Tu => "vi-tu",
            ViWord::Tram => "vi-tram",
            ViWord::Linh => "vi-linh",
        }
    }
}

/// Reads `n` (0–999) the way Vietnamese is spoken: 15 "mười lăm",
/// 21 "hai mươi mốt", 24 "hai mươi tư", 105 "một trăm linh năm".
pub fn vietnamese_number_words(n: u32) -> Result<Vec<ViWord>, VoiceError> {
    if n > MAX_SPOKEN_NUMBER {
        return Err(VoiceError::NumberTooLarge(n));
    }
    // Each value is below 10 (n ≤ 999), so the narrowing cannot lose anything.
    let [hundreds, tens, units] = [n / 100, n / 10 % 10, n % 10].map(|d| d as u8);
    let mut words = Vec::with_capacity(5);
    if n == 0 {
        words.push(ViWord::Digit(0));
        return Ok(words);
    }
    if hundreds > 0 {
        words.extend([ViWord::Digit(hundreds), ViWord::Tram]);
        if tens == 0 && units > 0 {
            // After "linh" the digit keeps its own name: 101 "linh một", 104 "linh bốn", 105 "linh năm".
            words.extend([ViWord::Linh, ViWord::Digit(units)]);
            return Ok(words);
        }
    }
    match tens {
        0 if hundreds == 0 => words.push(ViWord::Digit(units)),
        0 => {}
        1 => {
            words.push(ViWord::Muoi);
            match units {
                0 => {}
                5 => words.push(ViWord::Lam),
                u => words.push(ViWord::Digit(u)),
            }
        }
        t => {
            words.extend([ViWord::Digit(t), ViWord::MuoiTens]);
            match units {
                0 => {}
                1 => words.push(ViWord::Mot),
                4 => words.push(ViWord::Tu),
                5 => words.push(ViWord::Lam),
                u => words.push(ViWord::Digit(u)),
            }
        }
    }
    Ok(words)
}

/// The Vietnamese reading of `n` as text ("hai mươi mốt"), for logs and tests.
pub fn vietnamese_number_text(n: u32) -> Result<String, VoiceError> {
    Ok(vietnamese_number_words(n)?.iter().map(|w| w.text()).collect::<Vec<_>>().join(" "))
}

const EN_UNDER_20: [&str; 20] = [
    "en-0", "en-1", "en-2", "en-3", "en-4", "en-5", "en-6", "en-7", "en-8", "en-9", "en-10", "en-11", "en-12", "en-13", "en-14", "en-15",
    "en-16", "en-17", "en-18", "en-19",
];
const EN_TENS: [&str; 10] = ["", "", "en-20", "en-30", "en-40", "en-50", "en-60", "en-70", "en-80", "en-90"];

/// The English clips reading `n` (0–999): 6 "six", 21 "twenty one", 105 "one hundred five".
pub fn english_number_clips(n: u32) -> Result<Vec<&'static str>, VoiceError> {
    if n > MAX_SPOKEN_NUMBER {
        return Err(VoiceError::NumberTooLarge(n));
    }
    let (hundreds, rest) = ((n / 100) as usize, (n % 100) as usize);
    let mut clips = Vec::with_capacity(4);
    if hundreds > 0 {
        clips.extend([EN_UNDER_20[hundreds], "en-hundred"]);
        if rest == 0 {
            return Ok(clips);
        }
    }
    if rest < 20 {
        clips.push(EN_UNDER_20[rest]);
    } else {
        clips.push(EN_TENS[rest / 10]);
        if rest % 10 > 0 {
            clips.push(EN_UNDER_20[rest % 10]);
        }
    }
    Ok(clips)
}

/// The Vietnamese and English clips naming one character of a ticket number.
pub(super) fn character_clips(c: char) -> Option<(&'static str, &'static str)> {
    match c {
        '0'..='9' => {
            let d = c as usize - '0' as usize;
            Some((VI_DIGIT_CLIPS[d], EN_UNDER_20[d]))
        }
        'A'..='Z' | 'a'..='z' => {
            let l = c.to_ascii_lowercase();
            Some((known_name(&format!("vi-chu-{l}"))?, known_name(&format!("en-letter-{l}"))?))
        }
        // English has no Đ; the nearest letter is D.
        'Đ' | 'đ' => Some(("vi-chu-dd", "en-letter-d")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_numbers_follow_the_spoken_rules() {
        let table = [
            (0, "không"),
            (1, "một"),
            (4, "bốn"),
            (5, "năm"),
            (6, "sáu"),
            (10, "mười"),
            (11, "mười một"),
            (14, "mười bốn"),
            (15, "mười lăm"),
            (19, "mười chín"),
            (20, "hai mươi"),
            (21, "hai mươi mốt"),
            (24, "hai mươi tư"),
            (25, "hai mươi lăm"),
            (27, "hai mươi bảy"),
            (31, "ba mươi mốt"),
            (99, "chín mươi chín"),
            (100, "một trăm"),
            (101, "một trăm linh một"),
            (104, "một trăm linh bốn"),
            (105, "một trăm linh năm"),
            (110, "một trăm mười"),
            (111, "một trăm mười một"),
            (115, "một trăm mười lăm"),
            (121, "một trăm hai mươi mốt"),
            (124, "một trăm hai mươi tư"),
            (200, "hai trăm"),
            (305, "ba trăm linh năm"),
            (999, "chín trăm chín mươi chín"),
        ];
        for (n, text) in table {
            assert_eq!(vietnamese_number_text(n).unwrap(), text, "{n}");
        }
    }

    /// Reads the words back into a number with the grammar written the other
    /// way round, so every reading of 1..=999 is checked, not only the table.
    fn parse_vietnamese(words: &[ViWord]) -> Option<u32> {
        let digit = |w: Option<&ViWord>| match w {
            Some(ViWord::Digit(d)) => Some(u32::from(*d)),
            _ => None,
        };
        let mut rest = words;
        let mut n = 0;
        if let [ViWord::Digit(h @ 1..=9), ViWord::Tram, tail @ ..] = rest {
            n += u32::from(*h) * 100;
            rest = tail;
            if let [ViWord::Linh, ViWord::Digit(u @ 1..=9)] = rest {
                return Some(n + u32::from(*u));
            }
        }
        match rest {
            [] if n > 0 => Some(n),
            [ViWord::Digit(u)] if n == 0 => Some(u32::from(*u)),
            [ViWord::Muoi, unit @ ..] => match unit {
                [] => Some(n + 10),
                [ViWord::Lam] => Some(n + 15),
                [ViWord::Digit(u @ 1..=9)] if *u != 5 => Some(n + 10 + u32::from(*u)),
                _ => None,
            },
            [ViWord::Digit(t @ 2..=9), ViWord::MuoiTens, unit @ ..] => {
                let tens = n + u32::from(*t) * 10;
                match unit {
                    [] => Some(tens),
                    [ViWord::Mot] => Some(tens + 1),
                    [ViWord::Tu] => Some(tens + 4),
                    [ViWord::Lam] => Some(tens + 5),
                    [w] => digit(Some(w)).filter(|u| ![0, 1, 4, 5].contains(u)).map(|u| tens + u),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    #[test]
    fn every_number_to_999_reads_back_to_itself() {
        for n in 0..=MAX_SPOKEN_NUMBER {
            let words = vietnamese_number_words(n).unwrap();
            assert_eq!(parse_vietnamese(&words), Some(n), "{n}: {}", vietnamese_number_text(n).unwrap());
        }
    }

    #[test]
    fn numbers_above_999_are_refused() {
        assert!(matches!(vietnamese_number_words(1000), Err(VoiceError::NumberTooLarge(1000))));
        assert!(matches!(english_number_clips(1000), Err(VoiceError::NumberTooLarge(1000))));
    }

    #[test]
    fn english_numbers_use_teens_tens_and_hundred() {
        let table: [(u32, &[&str]); 8] = [
            (0, &["en-0"]),
            (6, &["en-6"]),
            (15, &["en-15"]),
            (20, &["en-20"]),
            (21, &["en-20", "en-1"]),
            (100, &["en-1", "en-hundred"]),
            (105, &["en-1", "en-hundred", "en-5"]),
            (999, &["en-9", "en-hundred", "en-90", "en-9"]),
        ];
        for (n, clips) in table {
            assert_eq!(english_number_clips(n).unwrap(), clips, "{n}");
        }
    }

    #[test]
    fn letters_and_digits_have_clips_and_others_do_not() {
        assert_eq!(character_clips('B'), Some(("vi-chu-b", "en-letter-b")));
        assert_eq!(character_clips('b'), Some(("vi-chu-b", "en-letter-b")));
        assert_eq!(character_clips('0'), Some(("vi-so-0", "en-0")));
        assert_eq!(character_clips('Đ'), Some(("vi-chu-dd", "en-letter-d")));
        for c in ['-', ' ', 'É', '½', '٣'] {
            assert_eq!(character_clips(c), None, "{c:?}");
        }
    }
}
