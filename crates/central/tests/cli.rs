//! What an IT officer does with the binary: import a catalog, create and revoke
//! tokens; and what a lobby display sees: live events.
// clippy.toml lets #[test] functions panic; their helpers here may too: a failed unwrap is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use futures_util::StreamExt;

const BIN: &str = env!("CARGO_BIN_EXE_motcua-central");

fn central(args: &[&str], db: &Path) -> Output {
    Command::new(BIN).args(args).arg("--db").arg(db).output().expect("run motcua-central")
}

fn serve(db: &Path, demo: bool) -> (Child, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--db"]).arg(db);
    if demo {
        cmd.arg("--demo");
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("line");
    let url = line.trim().strip_prefix("listening on ").expect("listening line").to_string();
    (child, url)
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const DISTRICT: &str = r#"
format = 1
[[centers]]
id = "yl"
name = "Trung tâm Phục vụ hành chính công huyện Yên Lạc"
level = "district"
time_zone = "Asia/Ho_Chi_Minh"
address = "Thị trấn Yên Lạc"
hotline = "0211 000"
[[agencies]]
center = "yl"
id = "yl-tu-phap"
name = "Phòng Tư pháp"
[[fields]]
id = "yl-ho-tich"
agency = "yl-tu-phap"
name = "Hộ tịch"
[[procedures]]
id = "yl-khai-sinh"
field = "yl-ho-tich"
name = "Đăng ký khai sinh"
fee = "Không thu phí"
processing_days = 1
submit_at = "Quầy 1"
legal_basis = "Luật Hộ tịch 2014"
documents = [{ name = "Giấy chứng sinh", form = "original", count = 1 }]
[[services]]
center = "yl"
id = "yl-tiep-nhan"
letter = "A"
name = "Tiếp nhận hồ sơ"
kind = "submit"
area = "Tầng 1"
fields = ["yl-ho-tich"]
avg_service_s = 300
[[counters]]
center = "yl"
id = "yl-quay-1"
number = 1
name = "Quầy 1"
services = ["yl-tiep-nhan"]
"#;

#[test]
fn a_bad_catalog_is_refused_with_every_place_and_a_good_one_is_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        DISTRICT.replace("fields = [\"yl-ho-tich\"]", "fields = [\"yl-dat-dai\"]").replace("number = 1", "number = 1\nfloor = 2"),
    )
    .expect("write");
    let out = Command::new(BIN).args(["catalog", "import", "--db"]).arg(&db).arg(&bad).output().expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown field `floor`"), "{err}");
    let bad2 = dir.path().join("bad2.toml");
    std::fs::write(&bad2, DISTRICT.replace("fields = [\"yl-ho-tich\"]", "fields = [\"yl-dat-dai\"]")).expect("write");
    let out = Command::new(BIN).args(["catalog", "import", "--db"]).arg(&db).arg(&bad2).output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("services[0].fields[0]: unknown field \"yl-dat-dai\""), "{err}");

    let good = dir.path().join("good.toml");
    std::fs::write(&good, DISTRICT).expect("write");
    let out = Command::new(BIN).args(["catalog", "import", "--db"]).arg(&db).arg(&good).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 1 center(s)"));
}

#[tokio::test]
async fn a_created_token_works_for_its_center_only_and_a_revoked_one_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let good = dir.path().join("yl.toml");
    std::fs::write(&good, DISTRICT).expect("write");
    assert!(Command::new(BIN).args(["catalog", "import", "--db"]).arg(&db).arg(&good).status().expect("import").success());
    let out = central(&["token", "create", "--role", "kiosk", "--center", "nowhere", "--name", "k"], &db);
    assert!(!out.status.success(), "unknown center refused");
    let out = central(&["token", "create", "--role", "kiosk", "--center", "yl", "--name", "kiosk-1"], &db);
    assert!(out.status.success());
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let stored: String =
        rusqlite::Connection::open(&db).expect("db").query_row("SELECT group_concat(hash) FROM tokens", [], |r| r.get(0)).expect("hash");
    assert!(!stored.contains(&token), "only the hash is stored");

    let (child, url) = serve(&db, false);
    let _server = Kill(child);
    let c = reqwest::Client::new();
    let catalog: serde_json::Value =
        c.get(format!("{url}/api/v1/catalog")).bearer_auth(&token).send().await.expect("get").json().await.expect("json");
    assert_eq!(catalog["center"]["id"], "yl", "the token sees its own center");
    let demo = c.get(format!("{url}/api/v1/catalog")).bearer_auth("demo-kiosk").send().await.expect("get");
    assert_eq!(demo.status(), 401, "demo tokens only work with --demo");

    assert!(central(&["token", "revoke", "--center", "yl", "--name", "kiosk-1"], &db).status.success());
    let r = c.get(format!("{url}/api/v1/catalog")).bearer_auth(&token).send().await.expect("get");
    assert_eq!(r.status(), 401);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn a_display_hears_the_call_as_a_server_sent_event() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (child, url) = serve(&dir.path().join("c.db"), true);
    let _server = Kill(child);
    let c = reqwest::Client::new();
    let events = c.get(format!("{url}/api/v1/events")).bearer_auth("demo-kiosk").send().await.expect("events");
    assert_eq!(events.status(), 200);
    let mut stream = events.bytes_stream();
    let r = c
        .post(format!("{url}/api/v1/tickets"))
        .bearer_auth("demo-kiosk")
        .header("Idempotency-Key", "sse-1")
        .json(&serde_json::json!({"service_id": "vp-dat-dai-tai-nguyen", "kiosk_id": "k"}))
        .send()
        .await
        .expect("issue");
    assert_eq!(r.status(), 201);
    let r = c.post(format!("{url}/api/v1/counters/vp-quay-06/call-next")).bearer_auth("demo-staff").send().await.expect("call");
    assert_eq!(r.status(), 200);
    let mut text = String::new();
    let got = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = stream.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.expect("chunk")));
            if text.contains("event: ticket_called") && text.contains("\"number\":\"B001\"") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(got, Ok(true), "events seen: {text}");
    assert!(text.contains("event: queue_changed"), "{text}");
}
