//! Processes for the end-to-end run: tauri-driver, the kiosk config and the
//! slips it prints (the central server comes from the testkit).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use motcua_tests::webdriver::{self, kill_group, unused_port};

const HOW: &str = "run the app end-to-end tests through `cargo xtask test` (or see src-tauri/README.md): \
they need MOTCUA_KIOSK_BIN=path/to/motcua-kiosk, tauri-driver on PATH \
(`cargo install tauri-driver --locked --version ^2`), WebKitWebDriver (apt webkit2gtk-driver) \
and a display (xvfb-run -a)";

/// tauri-driver (in its own process group), killed with the WebKitWebDriver
/// and the app it started on drop.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        kill_group(&mut self.0);
    }
}

/// The kiosk binary under test: `MOTCUA_KIOSK_BIN`, else `motcua-kiosk` of
/// the profile these tests were built with; fails (never skips) without it.
pub fn kiosk_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("MOTCUA_KIOSK_BIN") {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "MOTCUA_KIOSK_BIN={} is not a file: {HOW}", p.display());
        return p;
    }
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/app_e2e-… → target/<profile>/motcua-kiosk
    let p = exe.parent().and_then(Path::parent).expect("target/<profile>").join("motcua-kiosk");
    assert!(p.is_file(), "MOTCUA_KIOSK_BIN is not set and {} is missing: {HOW}", p.display());
    p
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

/// Starts tauri-driver (which starts WebKitWebDriver) and waits until it is
/// ready; returns it and its base URL.
pub fn start_driver() -> (Driver, String) {
    let (child, base) = webdriver::start_driver("tauri-driver", |port| {
        let mut cmd = Command::new("tauri-driver");
        cmd.args(["--port", &port.to_string(), "--native-port", &unused_port().to_string()]).stdout(Stdio::null()).stderr(Stdio::inherit());
        cmd
    })
    .unwrap_or_else(|e| panic!("{e}: {HOW}"));
    (Driver(child), base)
}

/// PDF files in `dir`.
pub fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "pdf")).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Waits until `dir` holds more than `before` PDFs; returns them all.
pub fn wait_new_pdf(dir: &Path, before: usize) -> Vec<PathBuf> {
    let what = format!("a new slip PDF in {}", dir.display());
    motcua_tests::wait_until(&what, Duration::from_secs(10), || Some(pdfs(dir)).filter(|now| now.len() > before))
}
