//! The announcement as an ordered list of clips and silences (pure: no audio).

use serde::{Deserialize, Serialize};

use super::VoiceError;
use super::words::{character_clips, english_number_clips, vietnamese_number_words};

/// The longest ticket number read aloud (the domain's are 4–6 characters).
pub const MAX_NUMBER_CHARS: usize = 12;

/// How an announcement is spoken; a center may set these in its configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VoiceOptions {
    /// How many times the call is said after the chime (1–5; default 2).
    pub repeat: u8,
    /// Also say it in English after each Vietnamese reading (default off).
    pub english: bool,
    /// Silence between the parts of a call and between the characters of the
    /// ticket number, in milliseconds (default 200).
    pub gap_ms: u32,
    /// Silence between the words of the counter number ("hai · mươi · mốt"),
    /// in milliseconds (default 30).
    pub word_gap_ms: u32,
    /// Silence between repetitions, and between the Vietnamese and the
    /// English reading, in milliseconds (default 900).
    pub pause_ms: u32,
}

impl Default for VoiceOptions {
    fn default() -> Self {
        VoiceOptions { repeat: 2, english: false, gap_ms: 200, word_gap_ms: 30, pause_ms: 900 }
    }
}

impl VoiceOptions {
    /// The bounds a configuration must keep: 1–5 repetitions, silences up to 5 s.
    pub fn validate(&self) -> Result<(), VoiceError> {
        const MAX_SILENCE_MS: u32 = 5_000;
        if !(1..=5).contains(&self.repeat) {
            return Err(VoiceError::BadOptions(format!("repeat must be 1 to 5, not {}", self.repeat)));
        }
        for (name, ms) in [("gap_ms", self.gap_ms), ("word_gap_ms", self.word_gap_ms), ("pause_ms", self.pause_ms)] {
            if ms > MAX_SILENCE_MS {
                return Err(VoiceError::BadOptions(format!("{name} must be at most {MAX_SILENCE_MS}, not {ms}")));
            }
        }
        Ok(())
    }
}

/// One step of an announcement. As JSON: `{"clip":"vi-so-1"}` or `{"silence_ms":200}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanItem {
    /// Play this clip (a name from [`clip_names`](super::clip_names)).
    Clip(&'static str),
    /// This many milliseconds of silence.
    SilenceMs(u32),
}

/// The clips and silences that call ticket `number` to counter `counter_number`:
/// the chime, then `repeat` times "Mời công dân có số thứ tự", the number
/// letter by letter and digit by digit, "đến quầy số", the counter as a
/// Vietnamese number (and the same in English when asked).
///
/// Refuses a number with a character that cannot be read (only A–Z, Đ and
/// 0–9 can), an empty or over-long number, a counter above 999 and bad options.
pub fn plan(number: &str, counter_number: u32, opts: &VoiceOptions) -> Result<Vec<PlanItem>, VoiceError> {
    opts.validate()?;
    let (vi_chars, en_chars) = spell(number)?;
    let vi_counter: Vec<&'static str> = vietnamese_number_words(counter_number)?.into_iter().map(|w| w.clip()).collect();
    let en_counter = english_number_clips(counter_number)?;

    // A phrase is a list of parts separated by gap_ms; a part is a list of clips
    // separated by word_gap_ms (only the counter number has more than one).
    let mut vi: Vec<Vec<&'static str>> = vec![vec!["vi-moi-cong-dan"]];
    vi.extend(vi_chars.into_iter().map(|c| vec![c]));
    vi.extend([vec!["vi-den-quay-so"], vi_counter]);
    let mut en: Vec<Vec<&'static str>> = vec![vec!["en-ticket-number"]];
    en.extend(en_chars.into_iter().map(|c| vec![c]));
    en.extend([vec!["en-please-go-to-counter"], en_counter]);

    let mut items = vec![PlanItem::Clip("chime")];
    for round in 0..opts.repeat {
        push_silence(&mut items, if round == 0 { opts.gap_ms } else { opts.pause_ms });
        push_phrase(&mut items, &vi, opts);
        if opts.english {
            push_silence(&mut items, opts.pause_ms);
            push_phrase(&mut items, &en, opts);
        }
    }
    Ok(items)
}

/// The Vietnamese and English clips for each character of the number.
fn spell(number: &str) -> Result<(Vec<&'static str>, Vec<&'static str>), VoiceError> {
    let count = number.chars().count();
    if count == 0 {
        return Err(VoiceError::EmptyNumber);
    }
    if count > MAX_NUMBER_CHARS {
        return Err(VoiceError::NumberTooLong(number.to_owned()));
    }
    number
        .chars()
        .map(|c| character_clips(c).ok_or_else(|| VoiceError::UnreadableCharacter { number: number.to_owned(), character: c }))
        .collect()
}

fn push_phrase(items: &mut Vec<PlanItem>, parts: &[Vec<&'static str>], opts: &VoiceOptions) {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            push_silence(items, opts.gap_ms);
        }
        for (j, clip) in part.iter().enumerate() {
            if j > 0 {
                push_silence(items, opts.word_gap_ms);
            }
            items.push(PlanItem::Clip(clip));
        }
    }
}

fn push_silence(items: &mut Vec<PlanItem>, ms: u32) {
    if ms > 0 {
        items.push(PlanItem::SilenceMs(ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clips(items: &[PlanItem]) -> Vec<&'static str> {
        items
            .iter()
            .filter_map(|i| match i {
                PlanItem::Clip(c) => Some(*c),
                PlanItem::SilenceMs(_) => None,
            })
            .collect()
    }

    fn once() -> VoiceOptions {
        VoiceOptions { repeat: 1, ..VoiceOptions::default() }
    }

    #[test]
    fn b012_to_counter_15_reads_letters_digits_and_muoi_lam() {
        let items = plan("B012", 15, &once()).unwrap();
        assert_eq!(
            clips(&items),
            ["chime", "vi-moi-cong-dan", "vi-chu-b", "vi-so-0", "vi-so-1", "vi-so-2", "vi-den-quay-so", "vi-muoi", "vi-lam"]
        );
    }

    #[test]
    fn a001_to_counter_21_ends_with_hai_muoi_mot() {
        let items = plan("A001", 21, &once()).unwrap();
        assert_eq!(
            clips(&items),
            [
                "chime",
                "vi-moi-cong-dan",
                "vi-chu-a",
                "vi-so-0",
                "vi-so-0",
                "vi-so-1",
                "vi-den-quay-so",
                "vi-so-2",
                "vi-muoi-ngang",
                "vi-mot-sac"
            ]
        );
    }

    #[test]
    fn c105_to_counter_24_reads_digits_not_the_number_and_hai_muoi_tu() {
        let items = plan("C105", 24, &once()).unwrap();
        assert_eq!(
            clips(&items),
            [
                "chime",
                "vi-moi-cong-dan",
                "vi-chu-c",
                "vi-so-1",
                "vi-so-0",
                "vi-so-5",
                "vi-den-quay-so",
                "vi-so-2",
                "vi-muoi-ngang",
                "vi-tu"
            ]
        );
    }

    #[test]
    fn silences_sit_between_parts_and_words_exactly() {
        let o = VoiceOptions { repeat: 1, english: false, gap_ms: 200, word_gap_ms: 30, pause_ms: 900 };
        use PlanItem::{Clip, SilenceMs};
        assert_eq!(
            plan("A1", 21, &o).unwrap(),
            [
                Clip("chime"),
                SilenceMs(200),
                Clip("vi-moi-cong-dan"),
                SilenceMs(200),
                Clip("vi-chu-a"),
                SilenceMs(200),
                Clip("vi-so-1"),
                SilenceMs(200),
                Clip("vi-den-quay-so"),
                SilenceMs(200),
                Clip("vi-so-2"),
                SilenceMs(30),
                Clip("vi-muoi-ngang"),
                SilenceMs(30),
                Clip("vi-mot-sac"),
            ]
        );
    }

    #[test]
    fn said_twice_by_default_with_one_chime_and_a_pause_between() {
        let items = plan("B012", 6, &VoiceOptions::default()).unwrap();
        let c = clips(&items);
        assert_eq!(c.iter().filter(|&&x| x == "chime").count(), 1);
        assert_eq!(c.iter().filter(|&&x| x == "vi-moi-cong-dan").count(), 2);
        let second = c.iter().rposition(|&x| x == "vi-moi-cong-dan").unwrap();
        assert_eq!(c[1..second], c[second..], "both readings are the same");
        assert!(items.contains(&PlanItem::SilenceMs(900)));
    }

    #[test]
    fn english_follows_each_vietnamese_reading() {
        let o = VoiceOptions { repeat: 2, english: true, ..VoiceOptions::default() };
        let c = clips(&plan("B012", 6, &o).unwrap());
        let english = ["en-ticket-number", "en-letter-b", "en-0", "en-1", "en-2", "en-please-go-to-counter", "en-6"];
        let vietnamese = ["vi-moi-cong-dan", "vi-chu-b", "vi-so-0", "vi-so-1", "vi-so-2", "vi-den-quay-so", "vi-so-6"];
        let expected: Vec<&str> =
            std::iter::once("chime").chain([vietnamese, english, vietnamese, english].into_iter().flatten()).collect();
        assert_eq!(c, expected);
    }

    #[test]
    fn zero_silences_are_left_out() {
        let o = VoiceOptions { repeat: 1, english: false, gap_ms: 0, word_gap_ms: 0, pause_ms: 0 };
        assert!(plan("B012", 121, &o).unwrap().iter().all(|i| matches!(i, PlanItem::Clip(_))));
    }

    #[test]
    fn unreadable_numbers_are_refused_with_the_character() {
        match plan("B-12", 6, &once()) {
            Err(e @ VoiceError::UnreadableCharacter { character: '-', .. }) => {
                assert!(e.to_string().contains("\"B-12\""), "{e}");
                assert_eq!(e.code(), "voice_unreadable_number");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(plan("", 6, &once()), Err(VoiceError::EmptyNumber)));
        assert!(matches!(plan("A0000000000001", 6, &once()), Err(VoiceError::NumberTooLong(_))));
        assert!(matches!(plan("A001", 1000, &once()), Err(VoiceError::NumberTooLarge(1000))));
    }

    #[test]
    fn out_of_range_options_are_refused() {
        for o in [
            VoiceOptions { repeat: 0, ..VoiceOptions::default() },
            VoiceOptions { repeat: 6, ..VoiceOptions::default() },
            VoiceOptions { pause_ms: 5_001, ..VoiceOptions::default() },
        ] {
            assert!(matches!(plan("A001", 1, &o), Err(VoiceError::BadOptions(_))), "{o:?}");
        }
    }

    #[test]
    fn plan_items_have_a_stable_json_form() {
        let json = serde_json::to_string(&[PlanItem::Clip("chime"), PlanItem::SilenceMs(200)]).unwrap();
        assert_eq!(json, r#"[{"clip":"chime"},{"silence_ms":200}]"#);
    }

    #[test]
    fn options_deserialize_with_defaults_for_missing_fields() {
        let o: VoiceOptions = serde_json::from_str(r#"{"english":true}"#).unwrap();
        assert_eq!(o, VoiceOptions { english: true, ..VoiceOptions::default() });
        assert!(serde_json::from_str::<VoiceOptions>(r#"{"repeats":3}"#).is_err());
    }
}
