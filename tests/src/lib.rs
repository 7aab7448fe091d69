//! Helpers for the cross-crate tests: the real central server binary on a
//! loopback port, a fake ESC/POS printer, an ESC/POS → raster decoder, QR
//! decoding with zbarimg, kiosk configs in temp folders, and a W3C WebDriver
//! client ([`webdriver`]) for the real-browser tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod webdriver;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use motcua_engine::Config;
use motcua_receipt::Raster;

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

/// The `motcua-central` binary: `MOTCUA_CENTRAL_BIN` when set (a benchmark
/// against the release build), else the one next to this test's target
/// profile, built once with the same target dir when missing.
pub fn central_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("MOTCUA_CENTRAL_BIN") {
            return PathBuf::from(p);
        }
        let exe = std::env::current_exe().expect("current exe");
        // target/<profile>/deps/<test> → target/<profile>
        let profile_dir = exe.parent().and_then(Path::parent).expect("profile dir").to_path_buf();
        let candidates = [profile_dir.join("motcua-central"), profile_dir.parent().unwrap().join("release/motcua-central")];
        let mut bin = candidates[0].clone();
        if !bin.exists() {
            let target_dir = profile_dir.parent().expect("target dir");
            let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            cmd.args(["build", "-p", "motcua-central", "--bin", "motcua-central"]).env("CARGO_TARGET_DIR", target_dir);
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            let status = cmd.status().expect("run cargo build for motcua-central");
            assert!(status.success(), "cargo build -p motcua-central failed");
            if !bin.exists() && candidates[1].exists() {
                bin = candidates[1].clone();
            }
        }
        assert!(bin.exists(), "motcua-central not found at {}", bin.display());
        bin
    })
    .clone()
}

/// The `kioskctl` binary of the same profile; built once when missing.
pub fn kioskctl_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let bin = central_bin().with_file_name("kioskctl");
        if !bin.exists() {
            let profile_dir = bin.parent().expect("profile dir");
            let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            cmd.args(["build", "-p", "motcua-engine", "--bin", "kioskctl"])
                .env("CARGO_TARGET_DIR", profile_dir.parent().expect("target dir"));
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            assert!(cmd.status().expect("run cargo build for kioskctl").success(), "cargo build kioskctl failed");
        }
        bin
    })
    .clone()
}

/// A running central server (killed on drop).
pub struct Central {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its port.
    pub port: u16,
    /// Its database file.
    pub db: PathBuf,
}

impl Central {
    /// Starts `motcua-central serve --demo` on a free port.
    pub fn start(db: &Path) -> Central {
        Self::start_on(db, 0)
    }

    /// Starts it on `port` (0 = any); retries a few times while the port is released.
    pub fn start_on(db: &Path, port: u16) -> Central {
        for attempt in 0..50 {
            let mut child = Command::new(central_bin())
                .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--demo", "--db"])
                .arg(db)
                .env("RUST_LOG", "warn")
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn motcua-central");
            let stdout = child.stdout.take().expect("stdout");
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).expect("first line");
            if let Some(url) = line.trim().strip_prefix("listening on ") {
                let port = url.rsplit(':').next().unwrap().parse().unwrap();
                return Central { child: Some(child), url: url.to_owned(), port, db: db.to_path_buf() };
            }
            let _ = child.wait();
            assert!(attempt < 49, "motcua-central did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        unreachable!()
    }

    /// Kills the server (like a power cut).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// `motcua_http_requests_total` (the scrape itself is counted after it answers).
    pub fn requests_total(&self) -> u64 {
        let text = http::blocking_get(&format!("{}/metrics", self.url));
        text.lines()
            .find_map(|l| l.strip_prefix("motcua_http_requests_total "))
            .and_then(|v| v.trim().parse().ok())
            .expect("motcua_http_requests_total in /metrics")
    }

    /// Creates a kiosk token named `name`.
    pub fn create_token(&self, name: &str) -> String {
        let out = Command::new(central_bin())
            .args(["token", "create", "--role", "kiosk", "--center", "vp-tinh", "--name", name, "--db"])
            .arg(&self.db)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    /// Revokes the tokens named `name`.
    pub fn revoke_token(&self, name: &str) {
        let out = Command::new(central_bin())
            .args(["token", "revoke", "--center", "vp-tinh", "--name", name, "--db"])
            .arg(&self.db)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Central {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A tiny blocking HTTP GET (no client needed in sync helpers).
mod http {
    use std::io::{Read, Write};

    pub fn blocking_get(url: &str) -> String {
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) = rest.split_once('/').unwrap();
        let mut s = std::net::TcpStream::connect(host).unwrap();
        write!(s, "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }
}

/// Status bytes a fake printer answers to `DLE EOT 1/2/4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    /// `DLE EOT 1`.
    pub printer: u8,
    /// `DLE EOT 2`.
    pub offline: u8,
    /// `DLE EOT 4`.
    pub paper: u8,
}

/// Ready.
pub const READY: Status = Status { printer: 0x12, offline: 0x12, paper: 0x12 };
/// Paper out.
pub const PAPER_OUT: Status = Status { printer: 0x1a, offline: 0x32, paper: 0x72 };

/// A fake ESC/POS network printer on 127.0.0.1: answers status queries,
/// records every job (status queries excluded). Any number of connections.
#[derive(Clone)]
pub struct FakePrinter {
    /// Its port.
    pub port: u16,
    status: Arc<Mutex<Status>>,
    jobs: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl FakePrinter {
    /// Starts one answering `status`.
    pub fn start(status: Status) -> FakePrinter {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let printer = FakePrinter { port, status: Arc::new(Mutex::new(status)), jobs: Arc::new(Mutex::new(Vec::new())) };
        let p = printer.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let p = p.clone();
                std::thread::spawn(move || p.serve(stream));
            }
        });
        printer
    }

    fn serve(&self, mut stream: std::net::TcpStream) {
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let (mut pending, mut job, mut in_job) = (Vec::new(), Vec::new(), false);
        let mut buf = [0u8; 65536];
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if in_job {
                job.extend_from_slice(&buf[..n]);
                continue;
            }
            pending.extend_from_slice(&buf[..n]);
            while pending.len() >= 3 && pending[0] == 0x10 && pending[1] == 0x04 {
                let s = *self.status.lock().unwrap();
                let byte = match pending[2] {
                    1 => s.printer,
                    2 => s.offline,
                    4 => s.paper,
                    _ => 0x12,
                };
                let _ = stream.write_all(&[byte]);
                pending.drain(..3);
            }
            let partial = pending.first() == Some(&0x10) && pending.len() < 3;
            if !pending.is_empty() && !partial {
                in_job = true;
                job.append(&mut pending);
            }
        }
        if !job.is_empty() {
            self.jobs.lock().unwrap().push(job);
        }
    }

    /// Changes the status it answers.
    pub fn set_status(&self, status: Status) {
        *self.status.lock().unwrap() = status;
    }

    /// The spec for a kiosk config.
    pub fn spec(&self) -> String {
        format!("escpos+tcp://127.0.0.1:{}", self.port)
    }

    /// Jobs received so far.
    pub fn jobs(&self) -> Vec<Vec<u8>> {
        self.jobs.lock().unwrap().clone()
    }

    /// Waits until `n` jobs have arrived (the job lands when the kiosk closes the connection).
    pub fn wait_jobs(&self, n: usize) -> Vec<Vec<u8>> {
        for _ in 0..200 {
            let jobs = self.jobs();
            if jobs.len() >= n {
                return jobs;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the printer got {} jobs, expected {n}", self.jobs().len());
    }
}

/// Parses `ESC @`, `GS v 0` bands, `ESC d n`, `GS V 66 n` back into the image.
pub fn decode_escpos(bytes: &[u8]) -> Raster {
    let (mut i, mut width, mut height, mut bits) = (0, None, 0u32, Vec::new());
    let (mut init, mut cut) = (false, false);
    while i < bytes.len() {
        match &bytes[i..] {
            [0x1b, b'@', ..] => {
                init = true;
                i += 2;
            }
            [0x1d, b'v', b'0', 0, xl, xh, yl, yh, ..] => {
                let stride = u16::from_le_bytes([*xl, *xh]) as usize;
                let rows = u16::from_le_bytes([*yl, *yh]) as usize;
                assert_eq!(*width.get_or_insert(stride), stride);
                bits.extend_from_slice(&bytes[i + 8..i + 8 + stride * rows]);
                height += rows as u32;
                i += 8 + stride * rows;
            }
            [0x1b, b'd', _, ..] => i += 3,
            [0x1d, b'V', 66, _, ..] => {
                cut = true;
                i += 4;
            }
            rest => panic!("unexpected bytes at {i}: {:02x?}", &rest[..rest.len().min(8)]),
        }
    }
    assert!(init && cut, "ESC @ … partial cut");
    Raster { width: width.unwrap() as u32 * 8, height, bits }
}

/// Decodes the QR code in a PNG with zbarimg.
pub fn qr_of_png(png: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slip.png");
    std::fs::write(&path, png).unwrap();
    let out = match Command::new("zbarimg").args(["--raw", "-q"]).arg(&path).output() {
        Ok(out) => out,
        Err(e) => panic!("`zbarimg` could not be run ({e}): install the Debian package zbar-tools (apt-get install zbar-tools)"),
    };
    assert!(out.status.success(), "zbarimg found no QR code in the slip");
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

/// The QR of an ESC/POS job.
pub fn qr_of_job(job: &[u8]) -> String {
    qr_of_png(&decode_escpos(job).to_png().unwrap())
}

/// The QR of a `data:image/png;base64,…` preview.
pub fn qr_of_preview(data_url: &str) -> String {
    use base64::Engine as _;
    let b64 = data_url.strip_prefix("data:image/png;base64,").expect("PNG data URL");
    qr_of_png(&base64::engine::general_purpose::STANDARD.decode(b64).expect("base64 PNG"))
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

/// A checked config (environment overrides ignored).
pub fn config(central_url: &str, printer: &str, data_dir: &Path, extra: &str) -> Config {
    Config::parse(&config_text(central_url, printer, data_dir, "demo-kiosk", extra), |_| None).unwrap()
}

/// Polls `f` until it holds, for at most `secs` seconds.
pub async fn eventually(secs: u64, mut f: impl AsyncFnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}
