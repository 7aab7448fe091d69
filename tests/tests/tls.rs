//! A center that serves HTTPS with its own certificate authority: the kiosk
//! engine and `kioskctl` trust it through `ca_file`; a kiosk without it
//! refuses the server with a clear error (and keeps the lobby going offline,
//! never sending its token).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use motcua_engine::{Config, Kiosk};
use motcua_testkit::tls::TestCa;
use motcua_tests::*;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `serve --demo` over TLS on a free port; its `https://localhost:PORT`.
fn serve_tls(dir: &std::path::Path, ca: &TestCa) -> (Server, String) {
    let files = ca.server_cert(dir, "server", "motcua.test");
    let mut child = Command::new(central_bin!())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.join("central.db"))
        .arg("--tls-cert")
        .arg(&files.cert)
        .arg("--tls-key")
        .arg(&files.key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on https://").unwrap_or_else(|| panic!("{line:?}")).to_string();
    let port = addr.rsplit(':').next().unwrap().to_string();
    (Server(child), format!("https://localhost:{port}"))
}

fn kiosk_config(url: &str, printer: &FakePrinter, data: &std::path::Path, extra: &str) -> (String, Config) {
    let text = config_text(url, &printer.spec(), data, "demo-kiosk", &format!("lookup_base_url = \"{url}\"\n{extra}"));
    let config = Config::parse(&text, |_| None).unwrap();
    (text, config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_talks_https_with_the_centers_ca_and_refuses_an_unknown_one() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Trung tâm Phục vụ hành chính công – CA nội bộ");
    let ca_file = ca.write(&dir.path().join("center-ca.pem"));
    let (_server, url) = serve_tls(dir.path(), &ca);
    let printer = FakePrinter::start(READY);
    let data = dir.path().join("kiosk");

    // With the center's CA: online, the QR points at the https address.
    let (text, config) = kiosk_config(&url, &printer, &data, &format!("ca_file = \"{}\"", ca_file.display()));
    let kiosk = Kiosk::open(config).await.unwrap();
    let out = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(!out.ticket.offline && out.printed);
    assert_eq!(out.ticket.number, "B001");
    assert!(out.ticket.lookup_url.starts_with("https://"), "{}", out.ticket.lookup_url);
    drop(kiosk);

    // kioskctl with the same config.
    let with_ca = dir.path().join("kiosk.toml");
    std::fs::write(&with_ca, &text).unwrap();
    let out = Command::new(kioskctl_bin()).args(["take-ticket", "--service", LAND, "--config"]).arg(&with_ca).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ticket"]["number"], "B002");

    // Without it: the certificate is refused, with a code and a sentence that names the fix.
    let (text, config) = kiosk_config(&url, &printer, &data, "");
    let kiosk = Kiosk::open(config).await.unwrap();
    let err = kiosk.probe().await.unwrap_err();
    assert_eq!(err.code(), "server_certificate_untrusted", "{err}");
    let msg = err.to_string();
    assert!(msg.contains("ca_file") && msg.contains("UnknownIssuer"), "{msg}");
    let status = kiosk.status().await.unwrap();
    assert!(!status.online);
    assert_eq!(status.offline_reason.as_deref(), Some("server_certificate_untrusted"));
    // The lobby goes on offline; the outbox keeps the ticket (never "rejected").
    let offline = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(offline.ticket.offline);
    let report = kiosk.sync_now().await.unwrap();
    assert_eq!((report.sent, report.rejected, report.remaining), (0, 0, 1));
    assert_eq!(report.error.as_ref().map(|e| e.code.as_str()), Some("server_certificate_untrusted"));
    drop(kiosk);

    let without = dir.path().join("kiosk-no-ca.toml");
    std::fs::write(&without, &text).unwrap();
    let out = Command::new(kioskctl_bin()).args(["status", "--config"]).arg(&without).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(v["heartbeat"]["error"]["code"], "server_certificate_untrusted", "{v}");

    // A ca_file that is not a certificate stops the start with the key named.
    std::fs::write(&ca_file, "hello").unwrap();
    let (_, config) = kiosk_config(&url, &printer, &data, &format!("ca_file = \"{}\"", ca_file.display()));
    let err = Kiosk::open(config).await.err().unwrap();
    assert_eq!(err.code(), "config_invalid");
    assert!(err.to_string().contains("ca_file"), "{err}");
}
