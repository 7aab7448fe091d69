//! API conformance: schemathesis (PyPI, pinned; `cargo xtask setup` installs
//! it in a venv) generates requests from the server's own
//! `/api/v1/openapi.json` and runs every check against the real
//! `motcua-central serve --demo`: no 5xx, every status and body as
//! documented, schema-valid requests accepted and invalid ones refused,
//! missing or wrong tokens refused, stateful runs along the document's links.
//! Any failure fails the test; without schemathesis it fails, it never skips.
//!
//! `MOTCUA_SCHEMATHESIS` names another schemathesis binary,
//! `MOTCUA_SCHEMATHESIS_EXAMPLES` the cases per operation (default 40),
//! `MOTCUA_SCHEMATHESIS_SEED` the seed of a run to replay.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use motcua_testkit::Central;

/// The version `cargo xtask setup` installs (xtask's `SCHEMATHESIS_VERSION`).
const VERSION: &str = "4.32.5";
/// The whole run's bound: 40 cases per operation take about a minute on two cores.
const LIMIT: Duration = Duration::from_secs(240);

fn schemathesis() -> PathBuf {
    if let Some(bin) = std::env::var_os("MOTCUA_SCHEMATHESIS") {
        return PathBuf::from(bin);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .expect("HOME or XDG_CACHE_HOME");
    let bin = cache.join(format!("motcua/schemathesis-{VERSION}/bin/schemathesis"));
    assert!(bin.is_file(), "{} is missing: `cargo xtask setup` installs schemathesis {VERSION}", bin.display());
    bin
}

/// The count in the summary line "N generated, …".
fn generated(output: &str) -> Option<u64> {
    output.lines().find_map(|l| l.trim().split_once(" generated").and_then(|(n, _)| n.trim().parse().ok()))
}

#[test]
fn the_server_conforms_to_its_own_openapi_document() {
    let bin = schemathesis();
    let dir = tempfile::tempdir().unwrap();
    // A lookup budget no test run reaches: 429 is documented, but a run
    // answered 429 all along would test nothing behind it.
    let central =
        Central::spawn(env!("CARGO_BIN_EXE_motcua-central"), &dir.path().join("central.db"), ["--demo", "--lookup-limit", "1000000"]);
    let made = central.command(&["token", "create", "--role", "integration", "--center", "vp-tinh", "--name", "schemathesis"]);
    assert!(made.status.success(), "token create: {}", String::from_utf8_lossy(&made.stderr));
    let integration = String::from_utf8(made.stdout).unwrap().trim().to_string();
    // Straight to the server, not through the test kit's front.
    let url = format!("http://{}", central.server_addr().unwrap());
    let examples = std::env::var("MOTCUA_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "40".into());
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis.toml");

    let mut cmd = Command::new(&bin);
    cmd.arg("--config-file")
        .arg(&config)
        .args(["run", &format!("{url}/api/v1/openapi.json"), "--checks", "all", "--max-examples", &examples])
        .args(["--no-color", "--generation-database", "none", "--max-failures", "1000"])
        .env("MOTCUA_INTEGRATION_TOKEN", &integration)
        // Hypothesis writes its files into the working folder.
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Ok(seed) = std::env::var("MOTCUA_SCHEMATHESIS_SEED") {
        cmd.args(["--seed", &seed]);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = pipe.read_to_string(&mut s);
            s
        })
    };
    let reader = drain(Box::new(child.stdout.take().unwrap()));
    let errors = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("schemathesis ran longer than {LIMIT:?}:\n{}", reader.join().unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let out = reader.join().unwrap();
    let err = errors.join().unwrap();
    let cases = generated(&out).unwrap_or(0);
    println!("schemathesis {VERSION}: {cases} cases in {:.0} s\n{out}", start.elapsed().as_secs_f64());
    assert!(status.success(), "schemathesis found failures ({status}):\n{out}\n{err}");
    // 26 operations × a few cases each at the very least: a run that reached
    // nothing (a wrong URL, a document it could not read) must not pass.
    assert!(cases >= 500, "only {cases} cases generated:\n{out}");
}

#[test]
fn the_summary_count_is_read() {
    assert_eq!(generated("Test cases:\n  1319 generated, 1319 passed, 44 skipped\n"), Some(1319));
    assert_eq!(generated("nothing here"), None);
}
