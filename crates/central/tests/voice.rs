//! The assembled announcement checked with tools outside this crate: each
//! clip's run against opus-tools' own decoder (opusdec), and the whole WAV
//! against sox's statistics. A center's own recording (48 kHz stereo) replaces
//! a built-in clip. `cargo xtask setup` installs sox and opus-tools.
// clippy.toml lets #[test] functions panic; their helpers here may too: a failed unwrap is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use motcua_central::voice::{ClipSet, ClipSource, PlanItem, SAMPLE_RATE, VoiceError, VoiceOptions, WAV_HEADER_BYTES, plan};

fn clips_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("voice/clips")
}

/// Runs a tool the test needs; a missing tool fails the test (it is in xtask's TEST_PACKAGES).
fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed by this test ({e}): run `cargo xtask setup` or `apt-get install sox opus-tools`"));
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    // sox prints its statistics on stderr.
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The samples of a mono 16-bit WAV (any header layout: finds the data chunk).
fn wav_samples(bytes: &[u8]) -> Vec<i16> {
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        if &bytes[at..at + 4] == b"data" {
            let end = (at + 8 + size).min(bytes.len());
            return bytes[at + 8..end].chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect();
        }
        at += 8 + size + size % 2;
    }
    panic!("no data chunk")
}

/// opusdec's reading of a clip file, at our rate, without dither.
fn opusdec(file: &Path, tmp: &Path) -> Vec<i16> {
    let out = tmp.join(format!("{}.wav", file.file_stem().unwrap().to_str().unwrap()));
    run("opusdec", &["--quiet", "--no-dither", "--rate", &SAMPLE_RATE.to_string(), file.to_str().unwrap(), out.to_str().unwrap()]);
    wav_samples(&std::fs::read(out).unwrap())
}

/// Signal-to-difference ratio in dB: how closely `got` follows `want`.
fn snr_db(want: &[i16], got: &[i16]) -> f64 {
    let signal: f64 = want.iter().map(|&s| f64::from(s).powi(2)).sum();
    let noise: f64 = want.iter().zip(got).map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2)).sum();
    10.0 * (signal / noise.max(1.0)).log10()
}

fn sox_stat(file: &Path) -> impl Fn(&str) -> f64 {
    let stat = run("sox", &[file.to_str().unwrap(), "-n", "stat"]);
    move |key: &str| {
        let line = stat.lines().find(|l| l.starts_with(key)).unwrap_or_else(|| panic!("no {key:?} in sox stat:\n{stat}"));
        line.rsplit(':').next().unwrap().trim().parse().unwrap()
    }
}

#[test]
fn voice_announcement_holds_each_clip_as_opusdec_decodes_it_in_plan_order() {
    let tmp = tempfile::tempdir().unwrap();
    let set = ClipSet::embedded().unwrap();
    let opts = VoiceOptions { english: true, ..VoiceOptions::default() };
    let items = plan("B012", 15, &opts).unwrap();
    let pcm = wav_samples(&set.assemble_wav(&items).unwrap());

    let mut at = 0;
    let mut expected_len = 0;
    for item in &items {
        match *item {
            PlanItem::Clip(name) => {
                let reference = opusdec(&clips_dir().join(format!("{name}.ogg")), tmp.path());
                // Same length to the sample: pre-skip and end trim agree with opusdec's.
                assert_eq!(set.pcm(name).unwrap().len(), reference.len(), "{name}: length");
                let run = &pcm[at..at + reference.len()];
                let snr = snr_db(&reference, run);
                assert!(snr > 40.0, "{name} at sample {at}: {snr:.1} dB from opusdec's decoding");
                at += reference.len();
                expected_len += reference.len();
            }
            PlanItem::SilenceMs(ms) => {
                let n = (ms * SAMPLE_RATE / 1000) as usize;
                assert!(pcm[at..at + n].iter().all(|&s| s == 0), "silence of {ms} ms at sample {at}");
                at += n;
                expected_len += n;
            }
        }
    }
    assert_eq!(pcm.len(), expected_len, "total = clips + silences");
}

#[test]
fn voice_announcement_is_audible_and_never_clips_by_sox() {
    let tmp = tempfile::tempdir().unwrap();
    let set = ClipSet::embedded().unwrap();
    let items = plan("B012", 121, &VoiceOptions { english: true, ..VoiceOptions::default() }).unwrap();
    let wav = set.assemble_wav(&items).unwrap();
    let file = tmp.path().join("call.wav");
    std::fs::write(&file, &wav).unwrap();

    let stat = sox_stat(&file);
    let seconds = stat("Length (seconds)");
    let expected = (wav.len() - WAV_HEADER_BYTES) as f64 / 2.0 / f64::from(SAMPLE_RATE);
    assert!((seconds - expected).abs() < 0.001, "sox reads {seconds} s, expected {expected} s");
    assert!(seconds > 15.0 && seconds < 40.0, "{seconds} s for two bilingual readings");
    let rms = stat("RMS     amplitude");
    assert!(rms > 0.03, "RMS {rms}: too quiet");
    let (max, min) = (stat("Maximum amplitude"), stat("Minimum amplitude"));
    assert!(max < 0.99 && min > -0.99, "clipping: max {max}, min {min}");
    let full_scale = wav_samples(&wav).iter().filter(|&&s| s == i16::MAX || s == i16::MIN).count();
    assert_eq!(full_scale, 0, "samples at full scale");
}

#[test]
fn voice_clips_built_in_all_have_sound_and_headroom_by_sox() {
    let tmp = tempfile::tempdir().unwrap();
    for name in motcua_central::voice::clip_names() {
        let wav = tmp.path().join(format!("{name}.wav"));
        run("opusdec", &["--quiet", "--rate", "24000", clips_dir().join(format!("{name}.ogg")).to_str().unwrap(), wav.to_str().unwrap()]);
        let stat = sox_stat(&wav);
        let (rms, max, min) = (stat("RMS     amplitude"), stat("Maximum amplitude"), stat("Minimum amplitude"));
        assert!(rms > 0.03, "{name}: RMS {rms}");
        assert!(max < 0.99 && min > -0.99, "{name}: max {max}, min {min}");
    }
}

#[test]
fn voice_clip_recorded_by_a_center_at_48khz_stereo_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("five.wav");
    // 0.6 s of a two-channel 48 kHz "voice", as a center's recorder would make.
    run(
        "sox",
        &["-n", "-r", "48000", "-c", "2", "-b", "16", wav.to_str().unwrap(), "synth", "0.6", "sine", "300", "sine", "450", "gain", "-6"],
    );
    let ogg = dir.path().join("vi-so-5.ogg");
    run("opusenc", &["--quiet", "--bitrate", "64", wav.to_str().unwrap(), ogg.to_str().unwrap()]);
    std::fs::write(dir.path().join("vi-so-55.ogg"), b"a misspelt name: ignored with a warning").unwrap();

    let set = ClipSet::load(Some(dir.path())).unwrap();
    assert_eq!(set.replaced(), ["vi-so-5"]);
    assert_eq!(set.source("vi-so-5"), Some(&ClipSource::Folder(ogg.clone())));
    assert_eq!(set.ogg_bytes("vi-so-5").unwrap(), std::fs::read(&ogg).unwrap());
    // Decoded at our rate, whatever the file's: 0.6 s is 14 400 samples.
    assert_eq!(set.pcm("vi-so-5").unwrap().len(), 14_400);
    assert_eq!(set.source("vi-so-6"), Some(&ClipSource::Default));

    // The replacement is what an announcement for counter 5 plays.
    let items = plan("A001", 5, &VoiceOptions { repeat: 1, ..VoiceOptions::default() }).unwrap();
    let pcm = wav_samples(&set.assemble_wav(&items).unwrap());
    let five = set.pcm("vi-so-5").unwrap();
    assert_eq!(&pcm[pcm.len() - five.len()..], five);
}

#[test]
fn voice_clip_undecodable_in_the_folder_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("vi-den-quay-so.ogg");
    std::fs::write(&bad, b"RIFF not an ogg file").unwrap();
    match ClipSet::load(Some(dir.path())) {
        Err(e @ VoiceError::BadClip { .. }) => {
            assert!(e.to_string().contains(&bad.display().to_string()), "{e}");
            assert_eq!(e.code(), "voice_bad_clip");
        }
        other => panic!("{other:?}"),
    }
    let missing = dir.path().join("no-such-folder");
    assert!(matches!(ClipSet::load(Some(&missing)), Err(VoiceError::Folder { path, .. }) if path == missing));
}
