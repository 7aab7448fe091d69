//! What the cross-crate tests share beyond the testkit: the demo center's
//! ids, kiosk configs, a lobby (the central server under test, a fake
//! ESC/POS printer and a temp folder), and a W3C WebDriver client
//! ([`webdriver`]) for the real-browser tests. The testkit is re-exported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod chaos;
pub mod clocked;
pub mod webdriver;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use motcua_engine::Config;
pub use motcua_testkit::*;

/// Demo services (24/7, no cap).
pub const LAND: &str = "vp-dat-dai-tai-nguyen";
/// Letter A.
pub const BUSINESS: &str = "vp-dang-ky-doanh-nghiep-dau-tu";
/// Letter C.
pub const BUILDING: &str = "vp-xay-dung-giao-thong";
/// Demo dossier ready to collect.
pub const DOSSIER_READY: &str = "000.00.23.H62-261127-0007";
/// Demo dossier still in processing.
pub const DOSSIER_PROCESSING: &str = "000.00.12.H62-261120-0004";

/// A printer that is ready.
pub const READY: Answer = Answer::Status(Status::READY);
/// A printer out of paper.
pub const PAPER_OUT: Answer = Answer::Status(Status::PAPER_OUT);

/// The path of this package's `central-under-test` binary, which cargo
/// builds before the tests. A macro because `env!` must be read while the
/// test itself is compiled.
#[macro_export]
macro_rules! central_bin {
    () => {
        env!("CARGO_BIN_EXE_central-under-test")
    };
}

/// The `kioskctl` binary of the profile these tests were built with. It is
/// another package's binary, which cargo does not build for these tests:
/// `cargo xtask test` builds every binary first.
pub fn kioskctl_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test> → target/<profile>/kioskctl
    let bin = exe.parent().and_then(Path::parent).expect("target/<profile>").join("kioskctl");
    assert!(bin.is_file(), "{} is missing: run `cargo build --workspace --bins` first (`cargo xtask test` does)", bin.display());
    bin
}

/// One kiosk's surroundings: the demo central server, a fake ESC/POS
/// printer, and a temp folder for the server's database and the kiosk's data.
pub struct Lobby {
    /// The demo central server (its database is in `dir`).
    pub central: Central,
    /// The kiosk's printer.
    pub printer: FakePrinter,
    /// Removed on drop.
    pub dir: tempfile::TempDir,
}

impl Lobby {
    /// Starts the server (`central_bin!()`) and a printer answering `printer`.
    pub fn open(central_bin: &str, printer: Answer) -> Lobby {
        let dir = tempfile::tempdir().expect("tempdir");
        let central = spawn_central(central_bin, &dir.path().join("central.db"));
        Lobby { central, printer: FakePrinter::start(printer), dir }
    }

    /// The kiosk's data folder.
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("kiosk")
    }

    /// The config text of a kiosk of this lobby with `token`; `extra` lines appended.
    pub fn config_text(&self, token: &str, extra: &str) -> String {
        config_text(&self.central.url, &self.printer.spec(), &self.data(), token, extra)
    }

    /// The checked config of a kiosk of this lobby (demo token).
    pub fn config(&self, extra: &str) -> Config {
        config(&self.central.url, &self.printer.spec(), &self.data(), extra)
    }

    /// The same config written to `kiosk.toml`, for `kioskctl --config`.
    pub fn config_file(&self, extra: &str) -> PathBuf {
        let path = self.dir.path().join("kiosk.toml");
        std::fs::write(&path, self.config_text("demo-kiosk", extra)).expect("write kiosk.toml");
        path
    }

    /// Creates a kiosk token named `name` with the server's command line.
    pub fn create_token(&self, name: &str) -> String {
        let out = self.central.command(&["token", "create", "--role", "kiosk", "--center", "vp-tinh", "--name", name]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    /// Revokes the tokens named `name`.
    pub fn revoke_token(&self, name: &str) {
        let out = self.central.command(&["token", "revoke", "--center", "vp-tinh", "--name", name]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// The server's `motcua_http_requests_total` (the scrape itself is
    /// counted once it has answered).
    pub async fn requests_total(&self) -> u64 {
        let text = reqwest::get(format!("{}/metrics", self.central.url)).await.unwrap().text().await.unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("motcua_http_requests_total "))
            .and_then(|v| v.trim().parse().ok())
            .expect("motcua_http_requests_total in /metrics")
    }
}

/// The text of a kiosk config for `central_url` and `printer` in `data_dir`;
/// `extra` lines are appended.
pub fn config_text(central_url: &str, printer: &str, data_dir: &Path, token: &str, extra: &str) -> String {
    format!(
        r#"kiosk_id = "kiosk-test-1"
kiosk_code = "K1"
center_id = "vp-tinh"
central_url = "{central_url}"
token = "{token}"
printer = "{printer}"
paper_mm = 80
language = "vi"
idle_timeout_s = 60
admin_pin_hash = "sha256:03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4"
offline = "issue"
printer_unavailable = "screen"
data_dir = "{}"
online_budget_ms = 400
{extra}
"#,
        data_dir.display()
    )
}

/// A checked config with the demo token (environment overrides ignored).
pub fn config(central_url: &str, printer: &str, data_dir: &Path, extra: &str) -> Config {
    Config::parse(&config_text(central_url, printer, data_dir, "demo-kiosk", extra), |_| None).unwrap()
}

/// The QR code of a `data:image/png;base64,…` preview.
pub fn qr_of_preview(data_url: &str) -> String {
    let b64 = data_url.strip_prefix("data:image/png;base64,").expect("a PNG data URL");
    qr_of_png(&base64::engine::general_purpose::STANDARD.decode(b64).expect("base64"))
}
