//! The pull connector against a stand-in one-stop system on port 0 that
//! speaks the national field names and `yyyyMMddHHmmss` dates, pages, lets
//! its tokens expire, answers 500 now and then and is slow on one page: the
//! real `motcua-central dossiers pull` and `serve --pull` on a real database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use motcua_central::sources::upstream::{Faults, Upstream, compact};
use motcua_domain::id_card::{id_hash, unhex};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_motcua-central");
const CARD: &str = "001099012345";

fn vn() -> TimeZone {
    TimeZone::get("Asia/Ho_Chi_Minh").unwrap()
}

/// A database with the demo catalog (its seeded dossiers too).
fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("central.db");
    let mut conn = motcua_central::db::open_and_migrate(&db).unwrap();
    motcua_central::demo::seed_if_empty(&mut conn, Timestamp::now()).unwrap();
    db
}

/// A national-shape record received two days ago, updated `updated`; its
/// agency (`000.00.97`) is one no demo dossier has, so the codes never meet
/// the demo's fixed ones (`000.00.21.H62-261128-0058`) whatever the day.
fn record(n: usize, updated: Timestamp) -> Value {
    let tz = vn();
    let now = Timestamp::now();
    let received = now.checked_sub(48.hours()).unwrap();
    let day = received.to_zoned(tz.clone()).strftime("%y%m%d").to_string();
    json!({
        "MaHoSo": format!("000.00.97.H62-{day}-{n:04}"),
        "MaTTHC": "1.001914",
        "TenTTHC": "Cấp Phiếu lý lịch tư pháp",
        "ChuHoSo": format!("Người Nộp Số {n}"),
        "SoDienThoai": "0912000000",
        "TrangThaiHoSo": "2",
        "NgayTiepNhan": compact(received, &tz),
        "NgayHenTra": compact(now.checked_add(72.hours()).unwrap(), &tz),
        "DonViXuLy": "Sở Tư pháp",
        "NgayCapNhat": compact(updated, &tz),
        "DonViTiepNhan": {"MaDonVi": "000.00.00.H62"},
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "MucPhi": 200000}],
    })
}

/// `count` records updated a minute apart, the last a minute ago.
fn records(count: usize) -> Vec<Value> {
    let now = Timestamp::now();
    (1..=count).map(|n| record(n, now.checked_sub(((count - n + 1) as i64).minutes()).unwrap())).collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

async fn pull(db: &Path, upstream: &Upstream, mapping: &Path) -> Run {
    let out = tokio::process::Command::new(BIN)
        .args(["dossiers", "pull", "--db"])
        .arg(db)
        .args(["--source", &upstream.url(), "--mapping"])
        .arg(mapping)
        .env("TEST_CLIENT_ID", "motcua")
        .env("TEST_CLIENT_SECRET", "s3cret")
        .env("RUST_LOG", "info")
        .output()
        .await
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn query<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    rusqlite::Connection::open(db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_pages_through_an_expiring_token_a_500_and_a_slow_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let faults = Faults {
        credentials: Some(("motcua".into(), "s3cret".into())),
        token_uses: 2,
        fail_every: 4,
        slow_page: Some((2, Duration::from_secs(3))),
    };
    let upstream = Upstream::start(faults).await.unwrap();
    for r in records(250) {
        upstream.put(r);
    }
    let mapping = write(
        dir.path(),
        "dvc.toml",
        &format!(
            r#"[source]
name = "dvc-test"
center = "vp-tinh"
page_size = 100
timeout = "1s"
backoff = "50ms"
token_url = "{}"
client_id_env = "TEST_CLIENT_ID"
client_secret_env = "TEST_CLIENT_SECRET"
"#,
            upstream.token_url()
        ),
    );
    let run = pull(&db, &upstream, &mapping).await;
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("dvc-test: pages 3, created 250, updated 0, unchanged 0, rejected 0"), "{}", run.stdout);
    let stats = upstream.stats();
    assert_eq!(stats.slowed, 1, "the slow page was asked once, timed out, and asked again: {stats:?}");
    assert!(stats.expired >= 1 && stats.tokens >= 2, "an expired token was replaced: {stats:?}");
    assert!(stats.errors >= 1, "a 500 was tried again: {stats:?}");
    assert!(run.stderr.contains("token refused, fetching a new one"), "{}", run.stderr);
    assert!(run.stderr.contains("request failed, trying again"), "{}", run.stderr);
    assert_eq!(query::<i64>(&db, "SELECT count(*) FROM dossiers WHERE source = 'pull'"), 250);
    let failures: i64 = query(&db, "SELECT request_failures FROM pull_sources WHERE name = 'dvc-test'");
    assert!(failures >= 3, "the timeout, the expired token and the 500 are counted: {failures}");
    let heard: Option<i64> = query(&db, "SELECT heard_at FROM dossiers WHERE source = 'pull' LIMIT 1");
    assert!(heard.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_pass_asks_only_for_what_changed_and_an_older_update_never_wins() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let upstream = Upstream::start(Faults::default()).await.unwrap();
    let all = records(150);
    for r in &all {
        upstream.put(r.clone());
    }
    let mapping = write(dir.path(), "dvc.toml", "[source]\nname = \"dvc\"\ncenter = \"vp-tinh\"\npage_size = 100\nfull_every = \"0s\"\n");
    let run = pull(&db, &upstream, &mapping).await;
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("pages 2, created 150"), "{}", run.stdout);

    let tz = vn();
    let now = compact(Timestamp::now(), &tz);
    let code = |i: usize| all[i]["MaHoSo"].as_str().unwrap().to_string();
    upstream.update(&code(10), json!({"TrangThaiHoSo": "4", "NgayCapNhat": now}));
    upstream.update(&code(20), json!({"TrangThaiHoSo": "9", "NgayCapNhat": now}));
    // The mirror already holds a newer word on dossier 30 (a counter changed it a moment ago).
    let ahead = Timestamp::now().checked_add(2.minutes()).unwrap().as_millisecond();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("UPDATE dossiers SET source_updated_at = ?1, status = 5 WHERE code = ?2", rusqlite::params![ahead, code(30)])
        .unwrap();
    upstream.update(&code(30), json!({"TrangThaiHoSo": "10", "NgayCapNhat": now}));

    let run = pull(&db, &upstream, &mapping).await;
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let summary = run.stdout.lines().last().unwrap().to_string();
    assert!(summary.contains("pages 1, created 0, updated 2,"), "{summary}");
    let unchanged: u32 = summary.split("unchanged ").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    assert!(unchanged < 10, "only the overlap and the refused older update came again, not all 150: {summary}");
    let status = |c: String| query::<i64>(&db, &format!("SELECT status FROM dossiers WHERE code = '{c}'"));
    assert_eq!((status(code(10)), status(code(20)), status(code(30))), (4, 9, 5), "the older update did not win");
    let steps: i64 = query(&db, &format!("SELECT count(*) FROM dossier_history WHERE code = '{}'", code(20)));
    assert_eq!(steps, 2, "received, then ready: the status history is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_that_do_not_map_are_reported_with_their_place_and_the_rest_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let upstream = Upstream::start(Faults::default()).await.unwrap();
    let mut rs = records(8);
    for r in &mut rs {
        r.as_object_mut().unwrap().remove("SoDienThoai");
    }
    rs[1]["DonViTiepNhan"]["MaDonVi"] = json!("000.45.31.H62");
    rs[1]["GiayTo"] = json!({"So": CARD});
    rs[5]["TrangThaiHoSo"] = json!("DA_HUY");
    rs[6]["DonViTiepNhan"]["MaDonVi"] = json!("999.99.99.H62");
    rs[7]["GiayTo"] = json!({"So": "0010990123"});
    let codes: Vec<String> = rs.iter().map(|r| r["MaHoSo"].as_str().unwrap().to_string()).collect();
    for r in rs {
        upstream.put(r);
    }
    let mapping = write(
        dir.path(),
        "dvc.toml",
        r#"[source]
name = "dvc"
center_field = "DonViTiepNhan.MaDonVi"

[columns]
"GiayTo.So" = "applicant_id"

[status]
"1" = 1
"2" = 2
"4" = 4
"9" = 9
"10" = 10

[centers]
"000.00.00.H62" = "vp-tinh"
"000.45.31.H62" = "vp-phuong-vinh-phuc"
"#,
    );
    let run = pull(&db, &upstream, &mapping).await;
    assert_eq!(run.code, Some(2), "some records rejected, the rest written:\n{}\n{}", run.stdout, run.stderr);
    let want = [
        format!("page 1, item 6 ({}) \"TrangThaiHoSo\": status \"DA_HUY\" is not in the mapping file's [status] table", codes[5]),
        format!(
            "page 1, item 7 ({}): DonViTiepNhan.MaDonVi: receiving unit \"999.99.99.H62\" is not in the mapping file's [centers] table",
            codes[6]
        ),
        format!("page 1, item 8 ({}) \"GiayTo.So\": not an ID card number", codes[7]),
    ];
    for line in &want {
        assert!(run.stdout.contains(line.as_str()), "{line}\nin\n{}", run.stdout);
    }
    assert!(run.stdout.contains("created 5, updated 0, unchanged 0, rejected 3"), "{}", run.stdout);
    assert!(!run.stdout.contains("0010990123") && !run.stderr.contains("0010990123"), "a bad ID number is not repeated");
    let center: String = query(&db, &format!("SELECT center FROM dossiers WHERE code = '{}'", codes[1]));
    assert_eq!(center, "vp-phuong-vinh-phuc", "the record's receiving unit decides its center");
    let hash: String = query(&db, &format!("SELECT applicant_id_hash FROM dossiers WHERE code = '{}'", codes[1]));
    let key = motcua_central::id_key::IdKey::load(&db).unwrap().unwrap();
    assert_eq!(hash, key.hash(CARD), "the nested ID number, hashed on arrival");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_pass_cut_short_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let upstream = Upstream::start(Faults { fail_every: 2, ..Default::default() }).await.unwrap();
    for r in records(120) {
        upstream.put(r);
    }
    let mapping = write(
        dir.path(),
        "dvc.toml",
        "[source]\nname = \"dvc\"\ncenter = \"vp-tinh\"\nincremental = \"cursor\"\npage_size = 50\nattempts = 1\n",
    );
    let run = pull(&db, &upstream, &mapping).await;
    assert_eq!(run.code, Some(1), "the pass failed on page 2:\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("pass failed after pages 1, created 50"), "{}", run.stdout);
    assert!(run.stdout.contains("HTTP 500"), "{}", run.stdout);
    assert_eq!(query::<i64>(&db, "SELECT count(*) FROM dossiers WHERE source = 'pull'"), 50, "page 1 is kept");
    let cursor: Option<String> = query(&db, "SELECT cursor FROM pull_sources WHERE name = 'dvc'");
    assert!(cursor.is_some(), "where page 1 ended is kept with it");
    let (failed, in_row): (i64, i64) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT failed_passes, failures_in_row FROM pull_sources", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((failed, in_row), (1, 1));

    upstream.set_faults(Faults::default());
    let run = pull(&db, &upstream, &mapping).await;
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("pages 2, created 70, updated 0, unchanged 0"), "resumed after page 1: {}", run.stdout);
    assert_eq!(query::<i64>(&db, "SELECT failures_in_row FROM pull_sources"), 0);
}

/// A server started by the test with its log in `log`.
struct Server {
    child: tokio::process::Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

async fn serve(db: &Path, log: &Path, args: &[&str], rust_log: &str) -> Server {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(args)
        .env("RUST_LOG", rust_log)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await.unwrap().unwrap().unwrap();
    let url = line.trim().strip_prefix("listening on ").unwrap().to_string();
    Server { child, url }
}

async fn until<T>(what: &str, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn metrics(url: &str) -> String {
    reqwest::get(format!("{url}/metrics")).await.unwrap().text().await.unwrap()
}

fn metric(text: &str, line_start: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(line_start)).and_then(|v| v.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_pulls_from_its_config_and_shows_lag_and_failures_in_metrics_and_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let kiosk = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        motcua_central::tokens::create(&conn, motcua_central::tokens::Role::Kiosk, "vp-tinh", "kiosk-1").unwrap()
    };
    let upstream = Upstream::start(Faults::default()).await.unwrap();
    let rs = records(5);
    let code = rs[0]["MaHoSo"].as_str().unwrap().to_string();
    for r in rs {
        upstream.put(r);
    }
    let mapping = write(
        dir.path(),
        "dvc.toml",
        &format!(
            "[source]\nname = \"dvc-serve\"\nurl = \"{}\"\ncenter = \"vp-tinh\"\nevery = \"1s\"\nattempts = 2\nbackoff = \"100ms\"\n",
            upstream.url()
        ),
    );
    let log = dir.path().join("central.log");
    let server = serve(&db, &log, &["--pull", mapping.to_str().unwrap()], "warn").await;
    let http = reqwest::Client::new();
    let dossier: Value = until("the pulled dossier", async || {
        let resp = http.get(format!("{}/api/v1/dossiers/{code}", server.url)).bearer_auth(&kiosk).send().await.ok()?;
        if resp.status() != 200 {
            return None;
        }
        resp.json().await.ok()
    })
    .await;
    let heard: Timestamp = dossier["heard_at"].as_str().unwrap().parse().unwrap();
    assert!(Timestamp::now().duration_since(heard).as_secs() < 30, "heard from the source just now: {dossier}");
    assert_eq!(dossier["stale"], false);

    let text = metrics(&server.url).await;
    let lag = metric(&text, "motcua_dossier_pull_lag_seconds{source=\"dvc-serve\"} ").expect("the lag gauge");
    assert!((0.0..30.0).contains(&lag), "{lag}");
    assert!(metric(&text, "motcua_dossier_pull_passes_total{source=\"dvc-serve\",result=\"ok\"} ").unwrap() >= 1.0);
    assert_eq!(metric(&text, "motcua_dossier_pull_records_total{source=\"dvc-serve\",outcome=\"created\"} "), Some(5.0));

    // The source falls over: the failures show, the lag grows, the log says so.
    upstream.set_faults(Faults { fail_every: 1, ..Default::default() });
    let text = until("failed passes in /metrics", async || {
        let t = metrics(&server.url).await;
        (metric(&t, "motcua_dossier_pull_failures_in_row{source=\"dvc-serve\"} ")? >= 2.0).then_some(t)
    })
    .await;
    assert!(metric(&text, "motcua_dossier_pull_passes_total{source=\"dvc-serve\",result=\"failed\"} ").unwrap() >= 2.0);
    assert!(metric(&text, "motcua_dossier_pull_request_failures_total{source=\"dvc-serve\"} ").unwrap() >= 4.0);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("dossier pull: pass failed") && logged.contains("HTTP 500"), "{logged}");

    upstream.set_faults(Faults::default());
    until("the source back", async || {
        let t = metrics(&server.url).await;
        (metric(&t, "motcua_dossier_pull_failures_in_row{source=\"dvc-serve\"} ")? == 0.0).then_some(())
    })
    .await;
}

fn files_contain(paths: &[PathBuf], needle: &str) -> Vec<String> {
    paths
        .iter()
        .filter(|p| std::fs::read(p).unwrap_or_default().windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|p| p.display().to_string())
        .collect()
}

/// The three ways in and the lookup, with every log line the server writes
/// (trace level): the ID number is in no log line and no database file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_number_never_reaches_the_log_or_the_database_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (kiosk, integration) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let k = motcua_central::tokens::create(&conn, motcua_central::tokens::Role::Kiosk, "vp-tinh", "kiosk-1").unwrap();
        let i = motcua_central::tokens::create(&conn, motcua_central::tokens::Role::Integration, "vp-tinh", "sync").unwrap();
        (k, i)
    };
    let bad = "0010990123";
    // Pull: one good number, one bad.
    let upstream = Upstream::start(Faults::default()).await.unwrap();
    let mut rs = records(2);
    rs[0]["SoGiayToChuHoSo"] = json!(CARD);
    rs[1]["SoGiayToChuHoSo"] = json!(bad);
    let pulled = rs[0]["MaHoSo"].as_str().unwrap().to_string();
    for r in rs {
        upstream.put(r);
    }
    let mapping = write(
        dir.path(),
        "dvc.toml",
        &format!("[source]\nname = \"dvc\"\nurl = \"{}\"\ncenter = \"vp-tinh\"\nevery = \"1s\"\n", upstream.url()),
    );
    let log = dir.path().join("central.log");
    let server = serve(&db, &log, &["--pull", mapping.to_str().unwrap()], "trace").await;
    let http = reqwest::Client::new();
    // Push: the number in our shape and the national one, and a bad one.
    let tz = vn();
    let received = compact(Timestamp::now().checked_sub(1.hours()).unwrap(), &tz);
    let due = compact(Timestamp::now().checked_add(48.hours()).unwrap(), &tz);
    let item = |code: &str, id: &str| {
        json!({"MaHoSo": code, "TenTTHC": "Đăng ký khai sinh", "ChuHoSo": "Nguyễn Văn An", "TrangThaiHoSo": 2,
               "NgayTiepNhan": received, "NgayHenTra": due, "SoGiayToChuHoSo": id})
    };
    let today = Timestamp::now().to_zoned(tz.clone()).strftime("%y%m%d").to_string();
    let batch =
        json!({"dossiers": [item(&format!("000.00.12.H62-{today}-0801"), CARD), item(&format!("000.00.12.H62-{today}-0802"), bad)]});
    let resp = http.post(format!("{}/api/v1/dossiers/batch", server.url)).bearer_auth(&integration).json(&batch).send().await.unwrap();
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["results"][0]["outcome"], "created", "{answer}");
    assert_eq!(answer["results"][1]["outcome"], "rejected", "{answer}");
    assert!(!answer.to_string().contains(bad), "the refusal does not repeat the number: {answer}");
    // Files: a CSV export with the number in a column.
    let csv = write(
        dir.path(),
        "hoso.csv",
        &format!(
            "MaHoSo,TenTTHC,ChuHoSo,SoGiayToChuHoSo,TrangThaiHoSo,NgayTiepNhan,NgayHenTra\n000.00.12.H62-{today}-0803,Đăng ký khai sinh,Nguyễn Văn An,{CARD},2,{received},{due}\n"
        ),
    );
    let out = tokio::process::Command::new(BIN)
        .args(["dossiers", "import", "--db"])
        .arg(&db)
        .args(["--center", "vp-tinh"])
        .arg(&csv)
        .env("RUST_LOG", "trace")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let import_output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    // The kiosk's lookup: it finds all three ways in.
    let key: Value = http.get(format!("{}/api/v1/id-key", server.url)).bearer_auth(&kiosk).send().await.unwrap().json().await.unwrap();
    let hash = id_hash(&unhex(key["key"].as_str().unwrap()).unwrap(), CARD);
    let found: Value = until("the pulled dossier under the card", async || {
        let body = json!({"key_id": key["key_id"], "id_hashes": [hash]});
        let resp = http.post(format!("{}/api/v1/dossiers/by-id-card", server.url)).bearer_auth(&kiosk).json(&body).send().await.ok()?;
        let v: Value = resp.json().await.ok()?;
        (v["dossiers"].as_array()?.len() == 3).then_some(v)
    })
    .await;
    assert!(found.to_string().contains(&pulled), "{found}");
    drop(server);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("dossier pull: pass complete") && logged.contains("TRACE"), "the log is at trace level:\n{logged}");
    let mut files = vec![log.clone()];
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("central.db") {
            files.push(entry.path());
        }
    }
    assert!(files.len() >= 3, "the database, its WAL and the key: {files:?}");
    for number in [CARD, bad] {
        assert_eq!(files_contain(&files, number), Vec::<String>::new(), "{number} in clear");
        assert!(!import_output.contains(number), "{number} in the import's output: {import_output}");
    }
}
