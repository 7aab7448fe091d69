//! Replays every committed corpus file (`fuzz/corpus/TARGET/*`, what the
//! fuzzer kept for its coverage) and every hand-written seed
//! (`fuzz/seeds/TARGET/*`) through the harness libFuzzer runs, on stable and
//! without libFuzzer: what once passed keeps passing.

// A test crate: a failed assertion is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use motcua_fuzzing::TARGETS;

fn files(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.map(|entry| entry.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

#[test]
fn every_committed_corpus_file_passes_its_harness() {
    let mut failures = Vec::new();
    for target in TARGETS {
        let (corpus, seeds) = (files("corpus", target.name), files("seeds", target.name));
        assert!(!corpus.is_empty() || !seeds.is_empty(), "{} has neither corpus nor seeds", target.name);
        let files = [corpus, seeds].concat();
        for file in &files {
            let data = std::fs::read(file).unwrap();
            let outcome = std::panic::catch_unwind(|| (target.replay)(&data));
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(v)) => failures.push(format!("{}: {v}", file.display())),
                Err(_) => failures.push(format!("{}: panicked", file.display())),
            }
        }
        println!("{}: {} corpus files pass", target.name, files.len());
    }
    assert!(failures.is_empty(), "{} corpus file(s) fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    for target in TARGETS {
        let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fuzz_targets").join(format!("{}.rs", target.name));
        assert!(file.is_file(), "{} has no {}", target.name, file.display());
    }
}
