//! The clip set: the default clips built into the binary, each replaceable by a
//! file of the same name in a folder a center configures, decoded once at load.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::decode::decode_ogg_opus;
use super::{SAMPLE_RATE, VoiceError};

/// Declares the clip names and embeds the committed `voice/clips/NAME.ogg` files.
macro_rules! embedded_clips {
    ($($name:literal),* $(,)?) => {
        const CLIP_NAMES: &[&str] = &[$($name),*];
        const EMBEDDED: &[&[u8]] = &[$(include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/voice/clips/", $name, ".ogg"))),*];
    };
}

// The same list, with what each clip says, is voice/clips.tsv and the table in docs/voice.md.
embedded_clips! {
    "chime", "vi-moi-cong-dan", "vi-den-quay-so",
    "vi-so-0", "vi-so-1", "vi-so-2", "vi-so-3", "vi-so-4", "vi-so-5", "vi-so-6", "vi-so-7", "vi-so-8", "vi-so-9",
    "vi-muoi", "vi-muoi-ngang", "vi-mot-sac", "vi-lam", "vi-tu", "vi-tram", "vi-linh",
    "vi-chu-a", "vi-chu-b", "vi-chu-c", "vi-chu-d", "vi-chu-dd", "vi-chu-e", "vi-chu-f", "vi-chu-g", "vi-chu-h", "vi-chu-i",
    "vi-chu-j", "vi-chu-k", "vi-chu-l", "vi-chu-m", "vi-chu-n", "vi-chu-o", "vi-chu-p", "vi-chu-q", "vi-chu-r", "vi-chu-s",
    "vi-chu-t", "vi-chu-u", "vi-chu-v", "vi-chu-w", "vi-chu-x", "vi-chu-y", "vi-chu-z",
    "en-ticket-number", "en-please-go-to-counter",
    "en-0", "en-1", "en-2", "en-3", "en-4", "en-5", "en-6", "en-7", "en-8", "en-9",
    "en-10", "en-11", "en-12", "en-13", "en-14", "en-15", "en-16", "en-17", "en-18", "en-19",
    "en-20", "en-30", "en-40", "en-50", "en-60", "en-70", "en-80", "en-90", "en-hundred",
    "en-letter-a", "en-letter-b", "en-letter-c", "en-letter-d", "en-letter-e", "en-letter-f", "en-letter-g",
    "en-letter-h", "en-letter-i", "en-letter-j", "en-letter-k", "en-letter-l", "en-letter-m", "en-letter-n",
    "en-letter-o", "en-letter-p", "en-letter-q", "en-letter-r", "en-letter-s", "en-letter-t", "en-letter-u",
    "en-letter-v", "en-letter-w", "en-letter-x", "en-letter-y", "en-letter-z",
}

/// A clip longer than this is surely a wrong file (a whole recording session), not a word.
pub const MAX_CLIP_SECONDS: usize = 10;
/// A file bigger than this is refused before decoding.
const MAX_CLIP_BYTES: u64 = 1024 * 1024;

/// Every clip name (file name without `.ogg`), in the order of docs/voice.md.
pub fn clip_names() -> &'static [&'static str] {
    CLIP_NAMES
}

/// The set's own `'static` spelling of a clip name, if the set has that clip.
pub(super) fn known_name(name: &str) -> Option<&'static str> {
    CLIP_NAMES.iter().copied().find(|&n| n == name)
}

/// Where a clip of the loaded set came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClipSource {
    /// The default clip built into the binary.
    Default,
    /// A center's file that replaced the default one.
    Folder(PathBuf),
}

#[derive(Debug)]
struct Clip {
    ogg: Arc<[u8]>,
    pcm: Vec<i16>,
    source: ClipSource,
}

/// All the clips, decoded to mono 16-bit PCM at [`SAMPLE_RATE`]; cheap to
/// share behind an `Arc`, never changed after load.
#[derive(Debug)]
pub struct ClipSet {
    clips: HashMap<&'static str, Clip>,
}

impl ClipSet {
    /// The default clips built into the binary.
    pub fn embedded() -> Result<ClipSet, VoiceError> {
        Self::load(None)
    }

    /// The default clips, each replaced by `folder/NAME.ogg` where that file
    /// exists. A replacement that cannot be read or decoded is an error naming
    /// the file; `.ogg` files with names the set does not use are logged and
    /// ignored (a misspelt name would otherwise go unnoticed).
    pub fn load(folder: Option<&Path>) -> Result<ClipSet, VoiceError> {
        if let Some(dir) = folder {
            warn_unknown_files(dir)?;
        }
        let mut clips = HashMap::with_capacity(CLIP_NAMES.len());
        for (&name, &embedded) in CLIP_NAMES.iter().zip(EMBEDDED) {
            let file = folder.map(|dir| dir.join(format!("{name}.ogg")));
            let clip = match file {
                Some(path) if path.exists() => {
                    let ogg = read_limited(&path)?;
                    let pcm = checked_decode(&ogg, &path.display().to_string())?;
                    Clip { ogg: ogg.into(), pcm, source: ClipSource::Folder(path) }
                }
                _ => {
                    let pcm = checked_decode(embedded, &format!("built-in {name}.ogg"))?;
                    Clip { ogg: embedded.into(), pcm, source: ClipSource::Default }
                }
            };
            clips.insert(name, clip);
        }
        Ok(ClipSet { clips })
    }

    /// The clip's Ogg/Opus file as loaded (for `GET /am-thanh/{name}.ogg`).
    pub fn ogg_bytes(&self, name: &str) -> Option<&[u8]> {
        self.clips.get(name).map(|c| &*c.ogg)
    }

    /// The clip's decoded samples: mono, 16-bit, [`SAMPLE_RATE`] Hz.
    pub fn pcm(&self, name: &str) -> Option<&[i16]> {
        self.clips.get(name).map(|c| c.pcm.as_slice())
    }

    /// Where the clip came from: built in, or which file of the folder.
    pub fn source(&self, name: &str) -> Option<&ClipSource> {
        self.clips.get(name).map(|c| &c.source)
    }

    /// The names of the clips a center's folder replaced, in set order (for the log at start).
    pub fn replaced(&self) -> Vec<&'static str> {
        CLIP_NAMES.iter().copied().filter(|n| matches!(self.source(n), Some(ClipSource::Folder(_)))).collect()
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, VoiceError> {
    let bad = |reason: String| VoiceError::BadClip { file: path.display().to_string(), reason };
    let len = std::fs::metadata(path).map_err(|e| bad(e.to_string()))?.len();
    if len > MAX_CLIP_BYTES {
        return Err(bad(format!("{len} bytes: a clip file must be at most {MAX_CLIP_BYTES} bytes")));
    }
    std::fs::read(path).map_err(|e| bad(e.to_string()))
}

fn checked_decode(ogg: &[u8], file: &str) -> Result<Vec<i16>, VoiceError> {
    let bad = |reason: String| VoiceError::BadClip { file: file.to_owned(), reason };
    let pcm = decode_ogg_opus(ogg).map_err(bad)?;
    if pcm.is_empty() {
        return Err(bad("no sound after decoding".to_owned()));
    }
    if pcm.len() > MAX_CLIP_SECONDS * SAMPLE_RATE as usize {
        return Err(bad(format!("longer than {MAX_CLIP_SECONDS} s: a clip is one word or phrase (trim the silence?)")));
    }
    Ok(pcm)
}

fn warn_unknown_files(dir: &Path) -> Result<(), VoiceError> {
    let entries = std::fs::read_dir(dir).map_err(|source| VoiceError::Folder { path: dir.to_path_buf(), source })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let is_ogg = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ogg"));
        if is_ogg && !CLIP_NAMES.contains(&stem) {
            tracing::warn!(file = %path.display(), "voice folder: not a clip name, ignored (see docs/voice.md for the names)");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_match_clips_tsv_which_generate_sh_reads() {
        let tsv = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/voice/clips.tsv"));
        let names: Vec<&str> = tsv.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).filter_map(|l| l.split('\t').next()).collect();
        assert_eq!(names, CLIP_NAMES);
    }

    #[test]
    fn a_clip_set_can_be_shared_between_request_handlers() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<ClipSet>();
    }

    #[test]
    fn docs_voice_md_has_a_table_row_for_every_clip() {
        let doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/voice.md"));
        let rows: Vec<&str> =
            doc.lines().filter_map(|l| l.strip_prefix("| `")).filter_map(|l| l.split_once(".ogg` |")).map(|(name, _)| name).collect();
        assert_eq!(rows, CLIP_NAMES);
    }

    #[test]
    fn every_name_the_words_use_is_in_the_set() {
        for n in 0..=super::super::MAX_SPOKEN_NUMBER {
            for w in super::super::vietnamese_number_words(n).unwrap() {
                assert!(CLIP_NAMES.contains(&w.clip()), "{}", w.clip());
            }
            for c in super::super::english_number_clips(n).unwrap() {
                assert!(CLIP_NAMES.contains(&c), "{c}");
            }
        }
        for c in ('A'..='Z').chain('0'..='9').chain(['Đ']) {
            let (vi, en) = super::super::words::character_clips(c).unwrap();
            assert!(CLIP_NAMES.contains(&vi) && CLIP_NAMES.contains(&en), "{c}");
        }
    }

    #[test]
    fn the_built_in_set_loads_with_every_clip_short_and_audible() {
        let set = ClipSet::embedded().unwrap();
        let mut total_bytes = 0;
        for name in clip_names() {
            let pcm = set.pcm(name).unwrap();
            let seconds = pcm.len() as f64 / f64::from(SAMPLE_RATE);
            assert!((0.08..=2.5).contains(&seconds), "{name}: {seconds} s");
            let peak = pcm.iter().map(|s| s.unsigned_abs()).max().unwrap();
            assert!(peak > 3_000 && peak < 32_000, "{name}: peak {peak}");
            assert_eq!(set.source(name), Some(&ClipSource::Default));
            total_bytes += set.ogg_bytes(name).unwrap().len();
        }
        assert!(total_bytes < 512 * 1024, "the built-in set is {total_bytes} bytes");
        assert!(set.replaced().is_empty());
        assert_eq!(set.ogg_bytes("nope"), None);
    }
}
