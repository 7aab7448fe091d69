//! `cargo xtask …`: set up a machine, run the demo, run every test, run the load test.
//!
//!     cargo xtask demo       install what is missing, build, start the demo server and the kiosk
//!     cargo xtask test       install what is missing, build, run every test (unit, API, printers, engine, UI, e2e)
//!     cargo xtask screens    run the tests that take screenshots (app end to end, staff pages) and copy them into docs/screens
//!     cargo xtask setup      only install what is missing (Debian packages, CUPS queue, tauri-driver)
//!     cargo xtask loadtest   release build, then N simulated kiosks against the server on loopback
//!     cargo xtask server     only the demo central server (no window needed)
//!     cargo xtask chaos      2,000 taps from 4 kiosks through network faults and server kills (tests/src/chaos.rs)
//!     cargo xtask fuzz       every cargo-fuzz target, 10 M executions each (nightly; see fuzz.rs)

mod fuzz;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

/// Debian packages to build the workspace (Tauri 2 with WebKitGTK 4.1; cmake builds the bundled libopus for voice calls).
const BUILD_PACKAGES: &[&str] = &["build-essential", "pkg-config", "libssl-dev", "libwebkit2gtk-4.1-dev", "librsvg2-dev", "cmake"];
/// Debian packages the tests use: a display, the WebKit driver, QR and PDF decoders, a print spooler, fonts.
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "zbar-tools",
    "poppler-utils",
    "cups",
    "cups-client",
    "printer-driver-cups-pdf",
    "fonts-noto-core",
    // Voice calls: sox's statistics and opus-tools' reference decoder check the assembled announcement.
    "sox",
    "opus-tools",
    // The counter console and lobby board in a real browser (tests/tests/staff_pages.rs).
    "chromium",
    "chromium-driver",
    // A D-Bus session bus for the single-instance test (tests/tests/single_instance.rs).
    "dbus-daemon",
    // A chip ID card's QR for the card lookup test (tests/tests/app_id_card.rs).
    "qrencode",
    // A venv for schemathesis (crates/central/tests/conformance.rs).
    "python3-venv",
    // SIGHUP to the server (certificate reload) and tmpfs mounts (kiosk store faults).
    "procps",
    "mount",
];

/// The schemathesis the API conformance test runs (crates/central/tests/conformance.rs
/// names the same version), installed from PyPI into ~/.cache/motcua/schemathesis-VERSION.
const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// sha256("1234"): the demo kiosk's admin PIN is 1234 (a demo only).
const DEMO_PIN_HASH: &str = "03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4";

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(true),
        Some("demo") => demo(),
        Some("server") => server_only(),
        Some("test") => test(),
        Some("screens") => screens(),
        Some("loadtest") => loadtest(&args[1..]),
        Some("bench-board") => bench_board(&args[1..]),
        Some("bench-dossiers") => bench_dossiers(&args[1..]),
        Some("chaos") => chaos(),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        _ => {
            Err("usage: cargo xtask demo | test | screens | setup | server | loadtest [KIOSKS SECONDS] | bench-board [CONSOLES BOARDS CALLS_EACH] | bench-dossiers [EXISTING PUSH BATCH LOOKUPS] | chaos | fuzz [--runs N | --seconds S] [--jobs J] [--minimize] [TARGET…]"
                .into())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The repository: `cargo run` tells the running xtask where its manifest is
/// (the compile-time path is only a fallback, and may belong to another checkout
/// sharing the target folder).
fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    println!("xtask: $ {shown}");
    let status = cmd.status().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed ({status})")) }
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Installs the Debian packages that are missing (and only those).
fn apt_install(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        println!("xtask: system packages present");
        return Ok(());
    }
    println!("xtask: installing missing packages: {}", missing.join(" "));
    let sudo = if is_root() { vec![] } else { vec!["sudo"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut c = Command::new(all[0]);
        c.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    apt(&["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(missing.iter().copied());
    apt(&args)
}

fn has_command(name: &str) -> bool {
    std::env::var_os("PATH").map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file())).unwrap_or(false)
        || cargo_bin().join(name).is_file()
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/root/.cargo"))
        .join("bin")
}

/// Everything a fresh Debian machine needs; with `for_tests`, also the test tools.
fn setup(for_tests: bool) -> Result<()> {
    let mut packages: Vec<&str> = BUILD_PACKAGES.to_vec();
    packages.push("fonts-noto-core");
    if for_tests {
        packages.extend_from_slice(TEST_PACKAGES);
    }
    if for_tests && !has_command("node") {
        packages.push("nodejs");
    }
    apt_install(&packages)?;
    if for_tests {
        run(Command::new("bash").arg(root().join(".ci/cups-setup.sh")))?;
        if !has_command("tauri-driver") {
            run(cargo().args(["install", "tauri-driver", "--locked", "--version", "^2"]))?;
        }
        schemathesis()?;
    }
    Ok(())
}

/// Installs schemathesis (pinned) into its own venv when it is missing.
fn schemathesis() -> Result<()> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .ok_or("neither XDG_CACHE_HOME nor HOME is set")?;
    let venv = cache.join(format!("motcua/schemathesis-{SCHEMATHESIS_VERSION}"));
    if venv.join("bin/schemathesis").is_file() {
        return Ok(());
    }
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", &format!("schemathesis=={SCHEMATHESIS_VERSION}")]))
}

/// Starts the central server on a free loopback port and returns it with its URL.
fn start_central(bin: &Path, db: &Path, extra: &[&str]) -> Result<(Child, String)> {
    let mut child = Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--demo", "--db"])
        .arg(db)
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout from the server")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
    let url = line.trim().strip_prefix("listening on ").ok_or_else(|| format!("unexpected server output {line:?}"))?.to_string();
    Ok((child, url))
}

fn demo_dir() -> Result<PathBuf> {
    let dir = root().join("demo-output");
    std::fs::create_dir_all(dir.join("slips")).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn print_try_it(url: &str) {
    println!(
        "\nThe demo central server (Vĩnh Phúc) is at {url}\n\
         Try it:\n  curl {url}/api/v1/health\n  \
         curl -H 'Authorization: Bearer demo-kiosk' {url}/api/v1/dossiers/000.00.12.H62-261120-0004\n  \
         curl -X POST -H 'Authorization: Bearer demo-kiosk' -H 'Idempotency-Key: try-1' -H 'Content-Type: application/json' \\\n       \
         -d '{{\"service_id\":\"vp-dat-dai-tai-nguyen\",\"kiosk_id\":\"try\"}}' {url}/api/v1/tickets\n  \
         then open the ticket's lookup_url in a browser.\n\n\
         The staff half, in a browser:\n  \
         counter console   {url}/quay   (sign in as canbo1, password demo: counters 6 and 10, service B Đất đai)\n  \
         lobby board       {url}/bang-hien-thi?center=vp-tinh&token=demo-display   (touch it once to turn on the sound)\n  \
         Take a ticket for Đất đai at the kiosk, pick counter 6 in the console and press F1.\n"
    );
}

fn server_only() -> Result<()> {
    apt_install(BUILD_PACKAGES)?;
    run(cargo().args(["build", "-p", "motcua-central", "--bin", "motcua-central"]))?;
    let dir = demo_dir()?;
    let (mut child, url) = start_central(&target_dir().join("debug/motcua-central"), &dir.join("central.db"), &[])?;
    print_try_it(&url);
    println!("Press Ctrl+C to stop.");
    let _ = child.wait();
    Ok(())
}

fn demo() -> Result<()> {
    if !root().join("src-tauri").is_dir() {
        return server_only();
    }
    setup(false)?;
    run(cargo().args(["build", "-p", "motcua-central", "-p", "motcua-kiosk", "--bins"]))?;
    let dir = demo_dir()?;
    let (mut central, url) = start_central(&target_dir().join("debug/motcua-central"), &dir.join("central.db"), &[])?;
    let slips = dir.join("slips");
    let config = dir.join("kiosk.toml");
    let text = format!(
        "# Written by `cargo xtask demo`.\n\
         kiosk_id = \"demo-kiosk-1\"\nkiosk_code = \"K1\"\ncenter_id = \"vp-tinh\"\n\
         central_url = \"{url}\"\ntoken = \"demo-kiosk\"\nprinter = \"pdf+dir://{}\"\npaper_mm = 80\n\
         language = \"vi\"\nidle_timeout_s = 90\nadmin_pin_hash = \"{DEMO_PIN_HASH}\"\noffline = \"issue\"\n\
         printer_unavailable = \"screen\"\ndata_dir = \"{}\"\nfullscreen = false\n",
        slips.display(),
        dir.join("kiosk-data").display()
    );
    std::fs::write(&config, text).map_err(|e| format!("cannot write {}: {e}", config.display()))?;
    print_try_it(&url);
    println!("Slips are printed as PDF files into {}\nThe kiosk admin PIN is 1234.\n", slips.display());
    let app = target_dir().join("debug/motcua-kiosk");
    let has_display = std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    let mut cmd = if has_display {
        Command::new(&app)
    } else {
        println!("xtask: no display found: the kiosk runs under xvfb-run (invisible); the server stays usable with curl.");
        apt_install(&["xvfb", "xauth"])?;
        let mut c = Command::new("xvfb-run");
        c.arg("-a").arg(&app);
        c
    };
    cmd.arg("--config").arg(&config).arg("--windowed");
    let status = cmd.status().map_err(|e| format!("cannot start the kiosk {}: {e}", app.display()));
    let _ = central.kill();
    let _ = central.wait();
    let status = status?;
    if status.success() { Ok(()) } else { Err(format!("the kiosk exited with {status}")) }
}

fn test() -> Result<()> {
    setup(true)?;
    // The code's own rules first: formatted, and clippy clean (no unwrap,
    // expect or panic outside tests; public items documented).
    ensure_components(&["rustfmt", "clippy"])?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    // Every binary a test runs: cargo builds a package's own binaries for its
    // tests, but not another package's (kioskctl, the app).
    run(cargo().args(["build", "--workspace", "--bins"]))?;
    // UI logic with node's built-in test runner.
    if root().join("ui/tests").is_dir() {
        run(Command::new("node").current_dir(root()).args(["--test", "ui/tests/"]))?;
    }
    // Everything else, the real app's end-to-end test included.
    cargo_test_with_display(&["--no-fail-fast"])
}

/// Adds the rustup components that are missing (a minimal toolchain has neither
/// rustfmt nor clippy).
fn ensure_components(components: &[&str]) -> Result<()> {
    let has = |c: &str| {
        let probe = if c == "rustfmt" { vec!["fmt", "--version"] } else { vec!["clippy", "--version"] };
        cargo().args(probe).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    };
    let missing: Vec<&str> = components.iter().copied().filter(|c| !has(c)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    run(Command::new("rustup").args(["component", "add"]).args(&missing))
}

/// `cargo test --workspace ARGS` under a virtual display, with tauri-driver on
/// PATH and the app binary the end-to-end test drives.
fn cargo_test_with_display(args: &[&str]) -> Result<()> {
    let mut path = std::env::var_os("PATH").unwrap_or_default();
    let mut parts: Vec<PathBuf> = std::env::split_paths(&path).collect();
    parts.push(cargo_bin());
    if let Ok(p) = std::env::join_paths(parts) {
        path = p;
    }
    run(Command::new("xvfb-run")
        .current_dir(root())
        .args(["-a", "-s", "-screen 0 1920x1920x24"])
        .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--workspace"])
        .args(args)
        .env("PATH", path)
        .env("MOTCUA_KIOSK_BIN", target_dir().join("debug/motcua-kiosk")))
}

/// Batch push of dossiers into a big database while kiosks look dossiers up
/// (crates/central/examples/dossier_bench.rs), release build; the database
/// (about 1 GB for a million dossiers) is deleted afterwards.
fn bench_dossiers(args: &[String]) -> Result<()> {
    run(cargo().args(["build", "--release", "-p", "motcua-central", "--bin", "motcua-central", "--example", "dossier_bench"]))?;
    let dir = std::env::temp_dir().join(format!("motcua-bench-dossiers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let release = target_dir().join("release");
    let result = run(Command::new(release.join("examples/dossier_bench")).arg(release.join("motcua-central")).arg(&dir).args(args));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Call-next → the number on every lobby board, in headless chromium, against
/// the release server (tests/examples/bench_board.rs).
fn bench_board(args: &[String]) -> Result<()> {
    apt_install(&["chromium", "chromium-driver"])?;
    run(cargo().args(["build", "--release", "-p", "motcua-central", "--bin", "motcua-central"]))?;
    run(cargo()
        .args(["run", "-p", "motcua-tests", "--example", "bench_board", "--"])
        .args(args)
        .env("MOTCUA_CENTRAL_BIN", target_dir().join("release/motcua-central")))
}

/// The long network fault run: 2,000 taps from 4 kiosks, a 60 s blackhole,
/// two `kill -9` restarts; prints the figures the README quotes.
fn chaos() -> Result<()> {
    apt_install(&["zbar-tools"])?;
    run(cargo().args(["test", "-p", "motcua-tests", "--test", "chaos", "--", "--ignored", "--nocapture", "--exact", "chaos_long"]))
}

/// Refreshes docs/screens on purpose: runs the tests that take screenshots
/// (the kiosk app end to end and its fleet test, the staff, report and booking pages in chromium), which save them
/// under the target folder (`target/screens`), then replaces the committed
/// ones with them.
fn screens() -> Result<()> {
    setup(true)?;
    run(cargo().args(["build", "--workspace", "--bins"]))?;
    let from = target_dir().join("screens");
    // Only this run's pictures: a screen renamed or gone must not come back.
    if from.is_dir() {
        std::fs::remove_dir_all(&from).map_err(|e| format!("cannot empty {}: {e}", from.display()))?;
    }
    cargo_test_with_display(&[
        "--test",
        "app_e2e",
        "--test",
        "app_fleet",
        "--test",
        "staff_pages",
        "--test",
        "app_screens",
        "--test",
        "reports_page",
        "--test",
        "booking_page",
    ])?;
    let to = root().join("docs/screens");
    let mut shots: Vec<PathBuf> = std::fs::read_dir(&from)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    if shots.is_empty() {
        return Err(format!("the tests left no screenshots in {}", from.display()));
    }
    shots.sort();
    std::fs::create_dir_all(&to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    // A screen renamed or gone must not linger.
    for old in std::fs::read_dir(&to).map_err(|e| format!("cannot read {}: {e}", to.display()))?.filter_map(|e| e.ok()) {
        if old.path().extension().is_some_and(|x| x == "png") {
            std::fs::remove_file(old.path()).map_err(|e| format!("cannot remove {}: {e}", old.path().display()))?;
        }
    }
    for shot in &shots {
        let Some(name) = shot.file_name() else { continue };
        std::fs::copy(shot, to.join(name)).map_err(|e| format!("cannot copy {}: {e}", shot.display()))?;
    }
    // A few screens on a portrait standing kiosk and a short landscape one
    // (app_screens takes every screen at four sizes in target/screens/sizes).
    let sizes = from.join("sizes");
    let mut picked = 0;
    for e in std::fs::read_dir(&sizes).map_err(|e| format!("cannot read {}: {e}", sizes.display()))?.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().to_string();
        let Some((size, rest)) = name.split_once('-') else { continue };
        let kind = match size {
            "1080x1920" => "portrait",
            "1366x768" => "landscape",
            _ => continue,
        };
        // NN-screen.png → portrait-screen.png, for the screens the README shows.
        let screen = rest.split_once('-').map_or(rest, |(_, s)| s);
        if ["home.png", "services.png", "ticket.png", "dossier.png", "search.png"].contains(&screen) {
            std::fs::copy(e.path(), to.join(format!("{kind}-{screen}"))).map_err(|err| format!("cannot copy {name}: {err}"))?;
            picked += 1;
        }
    }
    println!("xtask: {picked} portrait and landscape screens copied");
    println!("xtask: {} screenshots copied into {}; review them with `git status` / `git diff --stat`", shots.len(), to.display());
    Ok(())
}

fn loadtest(args: &[String]) -> Result<()> {
    let kiosks = args.first().map(String::as_str).unwrap_or("64");
    let seconds = args.get(1).map(String::as_str).unwrap_or("10");
    run(cargo().args(["build", "--release", "-p", "motcua-central", "--bin", "motcua-central", "--example", "loadgen"]))?;
    let dir = std::env::temp_dir().join(format!("motcua-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let release = target_dir().join("release");
    let (mut central, url) = start_central(&release.join("motcua-central"), &dir.join("central.db"), &["--lookup-limit", "1000000000"])?;
    println!("xtask: server {url}, {kiosks} kiosks, {seconds} s per run (server and load generator share this machine)");
    let _ = std::io::stdout().flush();
    let generator = release.join("examples/loadgen");
    let pid = central.id().to_string();
    let mut result = Ok(());
    for mode in ["tickets", "lookups"] {
        if let Err(e) = run(Command::new(&generator).args([&url, mode, kiosks, seconds, &pid])) {
            result = Err(e);
        }
    }
    let _ = central.kill();
    let _ = central.wait();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
