//! The fuzz targets' harnesses. Each takes the fuzzer's bytes, runs the code
//! under test and checks what must hold whatever the input: no panic (the
//! fuzzer sees it), and the invariants below (a [`Violation`]).
//!
//! `fuzz/` (cargo fuzz, nightly, excluded from the workspace) calls these
//! functions from its libFuzzer targets; `tests/corpus.rs` replays every file
//! of the committed corpus `fuzz/corpus/TARGET/` through the same functions on
//! stable, so a regression shows in `cargo test` without libFuzzer.
#![warn(missing_docs)]

use std::borrow::Cow;

pub mod bodies;
pub mod catalog;
pub mod codes;
pub mod config;
pub mod slip;

/// An invariant that did not hold, said in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation(pub String);

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a harness answers.
pub type Outcome = Result<(), Violation>;

/// Fails the harness with a message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err($crate::Violation(format!($($arg)+)));
        }
    };
}
pub(crate) use ensure;

/// One fuzz target: its name (the file in `fuzz/fuzz_targets/` and the folder
/// in `fuzz/corpus/`), what libFuzzer runs, and what the corpus replay runs
/// (the same, plus checks too slow for millions of runs).
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The target's name.
    pub name: &'static str,
    /// The harness libFuzzer calls.
    pub fuzz: fn(&[u8]) -> Outcome,
    /// The harness the stable corpus replay calls.
    pub replay: fn(&[u8]) -> Outcome,
}

/// Every target.
pub const TARGETS: [Target; 6] = [
    Target { name: "dossier_code", fuzz: codes::dossier_code, replay: codes::dossier_code },
    Target { name: "scan", fuzz: codes::scan, replay: codes::scan },
    Target { name: "catalog_file", fuzz: catalog::catalog_file, replay: catalog::catalog_file },
    Target { name: "kiosk_config", fuzz: config::kiosk_config, replay: config::kiosk_config },
    Target { name: "slip", fuzz: slip::fuzz, replay: slip::replay },
    Target { name: "json_bodies", fuzz: bodies::json_bodies, replay: bodies::json_bodies },
];

/// The input as text. Invalid UTF-8 becomes U+FFFD rather than a wasted run:
/// every entry point here takes text that was already decoded.
pub(crate) fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// A user-facing message: not blank, and in NFC (as the rules ask of every
/// Vietnamese message).
pub(crate) fn check_message(what: &str, message: &str) -> Outcome {
    use unicode_normalization::is_nfc;
    ensure!(!message.trim().is_empty(), "{what}: empty message");
    ensure!(is_nfc(message), "{what}: message not in NFC: {message:?}");
    Ok(())
}
