//! Voice calls: "Mời công dân có số thứ tự B012 đến quầy số 6" assembled from
//! short recorded clips (docs/voice.md lists them and says how to replace them).
//!
//! [`plan`] turns a call into clip names and silences (pure); a [`ClipSet`]
//! holds the decoded clips (built in, or a center's own recordings) and
//! [`ClipSet::assemble_wav`] joins a plan into one WAV for a PA system.

mod clips;
mod decode;
mod plan;
mod wav;
mod words;

use std::path::PathBuf;

pub use clips::{ClipSet, ClipSource, MAX_CLIP_SECONDS, clip_names};
pub use plan::{MAX_NUMBER_CHARS, PlanItem, VoiceOptions, plan};
pub use wav::{WAV_HEADER_BYTES, plan_samples};
pub use words::{MAX_SPOKEN_NUMBER, ViWord, english_number_clips, vietnamese_number_text, vietnamese_number_words};

/// The one rate every clip is decoded at and every WAV is written at: Opus
/// decodes natively to it, and it keeps the voice band (to 12 kHz) whole.
pub const SAMPLE_RATE: u32 = 24_000;

/// What can go wrong reading a call aloud or loading the clips.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    /// The ticket number has a character no clip says.
    #[error("ticket number {number:?} has {character:?}, which cannot be read aloud (only letters A–Z and Đ, and digits 0–9)")]
    UnreadableCharacter {
        /// The whole number as given.
        number: String,
        /// The first character that cannot be read.
        character: char,
    },
    /// The ticket number is empty.
    #[error("the ticket number is empty")]
    EmptyNumber,
    /// The ticket number is longer than [`MAX_NUMBER_CHARS`].
    #[error("ticket number {0:?} is longer than {MAX_NUMBER_CHARS} characters")]
    NumberTooLong(String),
    /// A counter number above [`MAX_SPOKEN_NUMBER`].
    #[error("counter number {0} cannot be read aloud (0 to {MAX_SPOKEN_NUMBER} can)")]
    NumberTooLarge(u32),
    /// Voice options out of their bounds.
    #[error("voice options: {0}")]
    BadOptions(String),
    /// A plan names a clip the set does not have.
    #[error("no voice clip is named {0:?}")]
    UnknownClip(String),
    /// The configured clip folder cannot be read.
    #[error("voice clip folder {}: {source}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why it cannot be read.
        source: std::io::Error,
    },
    /// A clip file (a center's, or a built-in one) cannot be used.
    #[error("voice clip {file}: {reason}")]
    BadClip {
        /// The file's path, or "built-in NAME.ogg".
        file: String,
        /// Why, in a sentence.
        reason: String,
    },
}

impl VoiceError {
    /// A stable code for the HTTP layer's `{code, message}`.
    pub fn code(&self) -> &'static str {
        match self {
            VoiceError::UnreadableCharacter { .. } | VoiceError::EmptyNumber | VoiceError::NumberTooLong(_) => "voice_unreadable_number",
            VoiceError::NumberTooLarge(_) => "voice_counter_out_of_range",
            VoiceError::BadOptions(_) => "voice_bad_options",
            VoiceError::UnknownClip(_) => "voice_unknown_clip",
            VoiceError::Folder { .. } | VoiceError::BadClip { .. } => "voice_bad_clip",
        }
    }
}

impl ClipSet {
    /// The whole announcement for a call as one WAV: [`plan`] then [`ClipSet::assemble_wav`].
    pub fn announcement_wav(&self, number: &str, counter_number: u32, opts: &VoiceOptions) -> Result<Vec<u8>, VoiceError> {
        self.assemble_wav(&plan(number, counter_number, opts)?)
    }
}
