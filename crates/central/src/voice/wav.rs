//! One WAV file (RIFF, PCM 16-bit little-endian, mono) from a plan.

use super::{ClipSet, PlanItem, SAMPLE_RATE, VoiceError};

/// The size of the RIFF/WAVE header written before the samples.
pub const WAV_HEADER_BYTES: usize = 44;

/// Samples in `ms` milliseconds of silence at [`SAMPLE_RATE`].
fn silence_samples(ms: u32) -> usize {
    (u64::from(ms) * u64::from(SAMPLE_RATE) / 1000) as usize
}

/// The number of samples the plan's WAV will hold: every clip plus every silence.
pub fn plan_samples(set: &ClipSet, plan: &[PlanItem]) -> Result<usize, VoiceError> {
    plan.iter().try_fold(0usize, |sum, item| {
        Ok(sum
            + match *item {
                PlanItem::Clip(name) => set.pcm(name).ok_or_else(|| VoiceError::UnknownClip(name.to_owned()))?.len(),
                PlanItem::SilenceMs(ms) => silence_samples(ms),
            })
    })
}

impl ClipSet {
    /// The clips and silences of `plan` in order, as one WAV file (RIFF PCM
    /// s16le, mono, [`SAMPLE_RATE`] Hz).
    pub fn assemble_wav(&self, plan: &[PlanItem]) -> Result<Vec<u8>, VoiceError> {
        let samples = plan_samples(self, plan)?;
        let data_bytes =
            u32::try_from(samples * 2).map_err(|_| VoiceError::BadOptions("the announcement is too long for one WAV".to_owned()))?;
        let mut out = Vec::with_capacity(WAV_HEADER_BYTES + samples * 2);
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&(36 + data_bytes).to_le_bytes());
        out.extend_from_slice(b"WAVEfmt ");
        out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
        out.extend_from_slice(&1u16.to_le_bytes()); // PCM
        out.extend_from_slice(&1u16.to_le_bytes()); // mono
        out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
        out.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes()); // bytes per second
        out.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
        out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
        out.extend_from_slice(b"data");
        out.extend_from_slice(&data_bytes.to_le_bytes());
        for item in plan {
            match *item {
                PlanItem::Clip(name) => {
                    // plan_samples has checked every name.
                    for s in self.pcm(name).unwrap_or_default() {
                        out.extend_from_slice(&s.to_le_bytes());
                    }
                }
                PlanItem::SilenceMs(ms) => out.resize(out.len() + silence_samples(ms) * 2, 0),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{VoiceOptions, plan};
    use super::*;

    fn samples(wav: &[u8]) -> Vec<i16> {
        wav[WAV_HEADER_BYTES..].chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect()
    }

    #[test]
    fn header_says_mono_16_bit_at_the_sample_rate_with_the_right_sizes() {
        let set = ClipSet::embedded().unwrap();
        let wav = set.assemble_wav(&[PlanItem::Clip("vi-so-1"), PlanItem::SilenceMs(100)]).unwrap();
        let u32_at = |i: usize| u32::from_le_bytes(wav[i..i + 4].try_into().unwrap());
        let u16_at = |i: usize| u16::from_le_bytes(wav[i..i + 2].try_into().unwrap());
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(u32_at(4) as usize, wav.len() - 8);
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!((u16_at(20), u16_at(22), u32_at(24), u16_at(34)), (1, 1, SAMPLE_RATE, 16));
        assert_eq!(&wav[36..40], b"data");
        assert_eq!(u32_at(40) as usize, wav.len() - WAV_HEADER_BYTES);
        assert_eq!(samples(&wav).len(), set.pcm("vi-so-1").unwrap().len() + 2_400);
    }

    #[test]
    fn an_announcement_is_its_clips_in_order_separated_by_exact_silences() {
        let set = ClipSet::embedded().unwrap();
        let opts = VoiceOptions { english: true, ..VoiceOptions::default() };
        let items = plan("B012", 15, &opts).unwrap();
        let pcm = samples(&set.assemble_wav(&items).unwrap());
        assert_eq!(pcm.len(), plan_samples(&set, &items).unwrap());

        let mut at = 0;
        let mut clip_seconds = 0.0;
        for item in &items {
            match *item {
                PlanItem::Clip(name) => {
                    let clip = set.pcm(name).unwrap();
                    assert_eq!(&pcm[at..at + clip.len()], clip, "{name} at sample {at}");
                    at += clip.len();
                    clip_seconds += clip.len() as f64 / f64::from(SAMPLE_RATE);
                }
                PlanItem::SilenceMs(ms) => {
                    let n = silence_samples(ms);
                    assert!(pcm[at..at + n].iter().all(|&s| s == 0), "silence at sample {at}");
                    at += n;
                }
            }
        }
        assert_eq!(at, pcm.len());
        let silence_seconds: f64 = items.iter().map(|i| if let PlanItem::SilenceMs(ms) = i { f64::from(*ms) / 1000.0 } else { 0.0 }).sum();
        let total = pcm.len() as f64 / f64::from(SAMPLE_RATE);
        assert!((total - clip_seconds - silence_seconds).abs() < 1e-3, "{total} vs {clip_seconds} + {silence_seconds}");
    }

    #[test]
    fn a_plan_naming_an_unknown_clip_is_refused() {
        let set = ClipSet::embedded().unwrap();
        assert!(matches!(set.assemble_wav(&[PlanItem::Clip("vi-so-10")]), Err(VoiceError::UnknownClip(n)) if n == "vi-so-10"));
    }
}
