//! Processes for the end-to-end run: the real central server (demo data),
//! tauri-driver, and the kiosk config.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const HOW: &str = "run the app end-to-end tests through `cargo xtask test` (or see src-tauri/README.md): \
they need MOTCUA_KIOSK_BIN=path/to/motcua-kiosk, tauri-driver on PATH \
(`cargo install tauri-driver --locked --version ^2`), WebKitWebDriver (apt webkit2gtk-driver) \
and a display (xvfb-run -a)";

/// A child process (in its own process group) killed with its children on drop.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        // tauri-driver starts WebKitWebDriver, which starts the app: end them all.
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn own_group(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0)
}

/// The kiosk binary under test; fails (never skips) without it.
pub fn kiosk_bin() -> PathBuf {
    let Some(p) = std::env::var_os("MOTCUA_KIOSK_BIN") else { panic!("MOTCUA_KIOSK_BIN is not set: {HOW}") };
    let p = PathBuf::from(p);
    assert!(p.is_file(), "MOTCUA_KIOSK_BIN={} is not a file: {HOW}", p.display());
    p
}

/// `motcua-central` next to this test's target dir, or `MOTCUA_CENTRAL_BIN`.
pub fn central_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("MOTCUA_CENTRAL_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/app_e2e-… → target/<profile>/motcua-central
    let bin = exe.parent().and_then(Path::parent).expect("target dir").join("motcua-central");
    assert!(bin.is_file(), "{} is missing: build it (cargo build -p motcua-central) or set MOTCUA_CENTRAL_BIN", bin.display());
    bin
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Starts `motcua-central serve --demo` on a free port; returns it and its URL.
pub fn start_central(dir: &Path) -> (Proc, String) {
    let mut child = own_group(&mut Command::new(central_bin()))
        .args(["serve", "--listen", "127.0.0.1:0", "--demo", "--db"])
        .arg(dir.join("central.db"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start motcua-central");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("listening on ") {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(30)).expect("central server printed its address");
    (Proc(child), url)
}

/// Writes a kiosk.toml for the demo center with PDF slips in `slips`.
pub fn write_config(dir: &Path, name: &str, central_url: &str, slips: &Path, idle_timeout_s: u32) -> PathBuf {
    std::fs::create_dir_all(slips).expect("slips dir");
    let path = dir.join(format!("{name}.toml"));
    let text = format!(
        r#"kiosk_id = "kiosk-e2e-{name}"
kiosk_code = "E{code}"
center_id = "vp-tinh"
central_url = "{central_url}"
token = "demo-kiosk"
printer = "pdf+dir://{slips}"
language = "vi"
idle_timeout_s = {idle_timeout_s}
# PIN 1234
admin_pin_hash = "sha256:03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4"
data_dir = "{data}"
fullscreen = false
online_budget_ms = 1500
"#,
        code = name.len(),
        slips = slips.display(),
        data = dir.join(format!("data-{name}")).display(),
    );
    std::fs::write(&path, text).expect("write config");
    path
}

/// Starts tauri-driver (which starts WebKitWebDriver) and waits for it.
pub fn start_driver() -> (Proc, String) {
    let port = free_port();
    let native = free_port();
    let child = own_group(&mut Command::new("tauri-driver"))
        .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("tauri-driver did not start ({e}): {HOW}"));
    let proc = Proc(child);
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::blocking::Client::new();
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        if http.get(format!("{base}/status")).send().is_ok() {
            return (proc, base);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("tauri-driver did not answer on {base}: {HOW}");
}

/// PDF files in `dir`.
pub fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "pdf")).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Waits until `dir` holds more than `before` PDFs; returns the new ones.
pub fn wait_new_pdf(dir: &Path, before: usize) -> Vec<PathBuf> {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let now = pdfs(dir);
        if now.len() > before {
            return now;
        }
        assert!(Instant::now() < end, "no new slip PDF appeared in {}", dir.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}
