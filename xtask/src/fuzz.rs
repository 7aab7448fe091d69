//! `cargo xtask fuzz`: every libFuzzer target of `fuzz/` for a number of
//! executions or a time budget, reported per target (see README, "Fuzzing").
//!
//!     cargo xtask fuzz [--runs N | --seconds S] [--jobs J] [--minimize] [TARGET…]
//!
//! Builds once (`cargo +nightly fuzz build`, release with overflow checks and
//! debug assertions, no sanitizer: the targets are safe Rust and a sanitizer
//! would halve the executions), then per target: replays the committed corpus
//! and seeds, fuzzes with J processes sharing one scratch corpus
//! (`target/fuzz-corpus/TARGET`, seeded by the committed one), and prints
//! executions, executions per second, new inputs and crashes. With
//! `--minimize`, the scratch corpus is folded into `fuzz/corpus/TARGET` and
//! the result minimized with `cargo fuzz cmin`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{Result, cargo_bin, has_command, root, run};

/// Every target, with the longest input worth trying and its dictionary.
/// Keep in step with `crates/fuzzing/src/lib.rs` (`TARGETS`).
const TARGETS: [(&str, usize, Option<&str>); 6] = [
    // The parser refuses more than 512 bytes at once: a little past that is enough.
    ("dossier_code", 600, None),
    ("scan", 600, None),
    ("catalog_file", 4096, Some("toml.dict")),
    ("kiosk_config", 2048, Some("toml.dict")),
    // Four names and a number: long enough for long words and many lines,
    // short enough to render the whole slip ~1,000 times a second.
    ("slip", 320, None),
    ("json_bodies", 2048, Some("json.dict")),
];

/// What the issue asks of a `cargo xtask fuzz` run.
const DEFAULT_RUNS: u64 = 10_000_000;

struct Options {
    runs: Option<u64>,
    seconds: Option<u64>,
    jobs: u64,
    minimize: bool,
    targets: Vec<&'static str>,
}

fn options(args: &[String]) -> Result<Options> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u64);
    let mut o = Options { runs: None, seconds: None, jobs: cores.min(2), minimize: false, targets: Vec::new() };
    let mut it = args.iter();
    let number = |v: Option<&String>, flag: &str| -> Result<u64> {
        v.and_then(|s| s.replace('_', "").parse().ok()).ok_or_else(|| format!("{flag} needs a number"))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => o.runs = Some(number(it.next(), "--runs")?),
            "--seconds" => o.seconds = Some(number(it.next(), "--seconds")?),
            "--jobs" => o.jobs = number(it.next(), "--jobs")?.max(1),
            "--minimize" => o.minimize = true,
            name => match TARGETS.iter().find(|t| t.0 == name) {
                Some(t) => o.targets.push(t.0),
                None => {
                    let names: Vec<&str> = TARGETS.iter().map(|t| t.0).collect();
                    return Err(format!(
                        "usage: cargo xtask fuzz [--runs N | --seconds S] [--jobs J] [--minimize] [TARGET…]; targets: {}",
                        names.join(" ")
                    ));
                }
            },
        }
    }
    if o.runs.is_none() && o.seconds.is_none() {
        o.runs = Some(DEFAULT_RUNS);
    }
    if o.targets.is_empty() {
        o.targets = TARGETS.iter().map(|t| t.0).collect();
    }
    Ok(o)
}

/// `cargo +nightly …` through rustup, whatever toolchain runs the xtask.
fn nightly_cargo() -> Command {
    let mut c = Command::new("cargo");
    c.arg("+nightly").current_dir(root()).env_remove("CARGO").env_remove("RUSTUP_TOOLCHAIN").env_remove("RUSTC");
    c
}

fn ensure_tools() -> Result<()> {
    let nightly = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.starts_with("nightly")))
        .unwrap_or(false);
    if !nightly {
        run(Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    if !has_command("cargo-fuzz") {
        run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]).env_remove("CARGO"))?;
    }
    Ok(())
}

/// Flags of every `cargo fuzz` build, run and cmin: one build serves them all.
const BUILD_FLAGS: [&str; 4] = ["--release", "--debug-assertions", "--sanitizer", "none"];

fn binary(target: &str) -> PathBuf {
    root().join("fuzz/target/x86_64-unknown-linux-gnu/release").join(target)
}

/// What one libFuzzer process reported.
#[derive(Default)]
struct Report {
    execs: u64,
    new_units: u64,
    crash: Option<String>,
}

fn stat(line: &str, name: &str) -> Option<u64> {
    line.strip_prefix(name)?.trim().trim_start_matches(':').trim().parse().ok()
}

/// Runs one libFuzzer process to the end, reading its final statistics.
fn libfuzzer(bin: &Path, args: &[String]) -> Result<Report> {
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let mut report = Report::default();
    let mut tail: Vec<String> = Vec::new();
    if let Some(err) = child.stderr.take() {
        for line in BufReader::new(err).lines().map_while(std::result::Result::ok) {
            if let Some(n) = stat(&line, "stat::number_of_executed_units") {
                report.execs = n;
            } else if let Some(n) = stat(&line, "stat::new_units_added") {
                report.new_units = n;
            } else if let Some(path) = line.split("Test unit written to ").nth(1) {
                report.crash = Some(path.trim().to_string());
            }
            tail.push(line);
            if tail.len() > 40 {
                tail.remove(0);
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() && report.crash.is_none() {
        report.crash = Some(format!("exit {status}:\n{}", tail.join("\n")));
    } else if let Some(crash) = &mut report.crash {
        crash.push_str(&format!("\n{}", tail.join("\n")));
    }
    Ok(report)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect()).unwrap_or_default()
}

fn size_of(dir: &Path) -> u64 {
    files_in(dir).iter().filter_map(|p| p.metadata().ok()).map(|m| m.len()).sum()
}

/// One target: replay, fuzz, maybe minimize. Answers the line of the summary.
fn fuzz_target(name: &str, max_len: usize, dict: Option<&str>, o: &Options) -> Result<(String, bool)> {
    let fuzz = root().join("fuzz");
    let committed = fuzz.join("corpus").join(name);
    let seeds = fuzz.join("seeds").join(name);
    let scratch = crate::target_dir().join("fuzz-corpus").join(name);
    let artifacts = fuzz.join("artifacts").join(name);
    for dir in [&committed, &scratch, &artifacts] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let bin = binary(name);
    let mut common = vec![
        format!("-max_len={max_len}"),
        "-timeout=10".to_string(),
        "-rss_limit_mb=2048".to_string(),
        "-print_final_stats=1".to_string(),
        format!("-artifact_prefix={}/", artifacts.display()),
    ];
    if let Some(d) = dict {
        common.push(format!("-dict={}", fuzz.join("dicts").join(d).display()));
    }
    // The committed corpus and the seeds, each file once: a crash here is a regression.
    let mut replay = common.clone();
    replay.push("-runs=0".into());
    replay.extend([committed.display().to_string(), seeds.display().to_string()]);
    let r = libfuzzer(&bin, &replay)?;
    if let Some(crash) = r.crash {
        return Ok((format!("{name:<14} committed corpus crashes: {crash}"), false));
    }
    println!("xtask: {name}: {} committed corpus and seed files pass", files_in(&committed).len() + files_in(&seeds).len());

    let started = Instant::now();
    let before = files_in(&scratch).len();
    let reports: Vec<Result<Report>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..o.jobs)
            .map(|_| {
                let mut args = common.clone();
                if let Some(runs) = o.runs {
                    args.push(format!("-runs={}", runs.div_ceil(o.jobs)));
                }
                if let Some(secs) = o.seconds {
                    args.push(format!("-max_total_time={secs}"));
                }
                // The first folder takes what is new; the others only seed it.
                args.extend([scratch.display().to_string(), committed.display().to_string(), seeds.display().to_string()]);
                let bin = bin.clone();
                s.spawn(move || libfuzzer(&bin, &args))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a fuzzing thread panicked".into()))).collect()
    });
    let secs = started.elapsed().as_secs_f64();
    let mut execs = 0;
    let mut crashes = Vec::new();
    for r in reports {
        let r = r?;
        execs += r.execs;
        crashes.extend(r.crash);
    }
    let new_inputs = files_in(&scratch).len().saturating_sub(before);
    if o.minimize && crashes.is_empty() {
        minimize(name, &committed, &scratch, max_len)?;
    }
    let corpus = files_in(&committed);
    let line = format!(
        "{name:<14} {execs:>12} execs  {secs:>7.0} s  {:>7.0} exec/s  {new_inputs:>5} new inputs  corpus {:>4} files {:>6} KiB  crashes: {}",
        execs as f64 / secs.max(0.001),
        corpus.len(),
        size_of(&committed) / 1024,
        if crashes.is_empty() { "none".to_string() } else { crashes.join("\n") },
    );
    Ok((line, crashes.is_empty()))
}

/// Folds the scratch corpus into the committed one and minimizes it:
/// `cargo fuzz cmin` keeps the smallest set with the same coverage.
fn minimize(name: &str, committed: &Path, scratch: &Path, max_len: usize) -> Result<()> {
    for f in files_in(scratch) {
        if let Some(file_name) = f.file_name() {
            std::fs::copy(&f, committed.join(file_name)).map_err(|e| format!("{}: {e}", f.display()))?;
        }
    }
    let mut cmd = nightly_cargo();
    cmd.args(["fuzz", "cmin"]).args(BUILD_FLAGS).arg(name).arg(committed).args(["--", &format!("-max_len={max_len}")]);
    run(&mut cmd)
}

/// `cargo xtask fuzz`.
pub fn fuzz(args: &[String]) -> Result<()> {
    let o = options(args)?;
    ensure_tools()?;
    let mut build = nightly_cargo();
    build.args(["fuzz", "build"]).args(BUILD_FLAGS);
    run(&mut build)?;
    let budget = match (o.runs, o.seconds) {
        (Some(r), Some(s)) => format!("{r} executions or {s} s"),
        (Some(r), None) => format!("{r} executions"),
        (None, Some(s)) => format!("{s} s"),
        (None, None) => String::new(),
    };
    println!("xtask: fuzzing {} target(s), {budget} each, {} process(es) per target", o.targets.len(), o.jobs);
    let mut lines = Vec::new();
    let mut clean = true;
    for name in &o.targets {
        let Some(&(_, max_len, dict)) = TARGETS.iter().find(|t| t.0 == *name) else { continue };
        let (line, ok) = fuzz_target(name, max_len, dict, &o)?;
        println!("xtask: {line}");
        lines.push(line);
        clean &= ok;
    }
    println!("\nxtask: fuzz summary ({budget} per target, {} process(es), cargo-fuzz in {})", o.jobs, cargo_bin().display());
    for line in &lines {
        println!("  {line}");
    }
    if clean {
        Ok(())
    } else {
        Err("a fuzz target crashed: see fuzz/artifacts/ and reproduce with `cargo +nightly fuzz run TARGET FILE`".into())
    }
}
