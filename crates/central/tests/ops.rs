//! The operator's side, with the real binary: backup while issuing, check,
//! restore; retention of personal data on a fixed clock; HTTPS with a
//! center's private CA and a certificate renewed by SIGHUP.
// clippy.toml lets #[test] functions panic; their helpers here may too: a failed unwrap is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use motcua_testkit::tls::TestCa;
use motcua_testkit::{central_command, eventually, spawn_central};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_motcua-central");
const LAND: &str = "vp-dat-dai-tai-nguyen";

// ---------- backup, check, restore ----------

/// Fills `db` (migrated) with served tickets of past days until it holds
/// about `mb` megabytes: what years of a busy center look like.
fn ballast(db: &Path, mb: u64) {
    let conn = motcua_central::db::open_and_migrate(db).unwrap();
    conn.execute_batch("PRAGMA synchronous = OFF").unwrap();
    let per_day = 2_000_i64;
    let mut day = 0_i64;
    loop {
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        if (pages * 4096) as u64 >= mb * 1_000_000 {
            break;
        }
        let tx = conn.unchecked_transaction().unwrap();
        for _ in 0..50 {
            tx.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
                 INSERT INTO tickets (id, token, center, service_id, day, seq, number, kiosk_id, issued_at, received_at, status,
                                      counter_id, called_at, finished_at)
                 SELECT printf('old-%d-%d', ?1, i), printf('tok%08d%06dxxxxxxxxxx', ?1, i), 'vp-tinh', ?3,
                        date('2020-01-01', printf('+%d days', ?1)), i, printf('B%03d', i), 'kiosk-sanh-1',
                        1577836800000 + ?1 * 86400000 + i * 1000, 1577836800000 + ?1 * 86400000 + i * 1000, 'served',
                        'vp-quay-05', 1577836800000 + ?1 * 86400000 + i * 1000 + 600000, 1577836800000 + ?1 * 86400000 + i * 1000 + 900000
                 FROM n",
                rusqlite::params![day, per_day, LAND],
            )
            .unwrap();
            day += 1;
        }
        tx.commit().unwrap();
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
}

/// Issues tickets one after another until `stop`, recording (start, latency, number).
async fn issue_loop(base: String, stop: Arc<AtomicBool>) -> Vec<(Instant, Duration, String)> {
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let started = Instant::now();
        let resp = http
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth("demo-kiosk")
            .header("Idempotency-Key", format!("loop-{n}-{}", uuid::Uuid::now_v7()))
            .json(&json!({"service_id": LAND, "kiosk_id": "kiosk-sanh-1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        let v: Value = resp.json().await.unwrap();
        out.push((started, started.elapsed(), v["ticket"]["number"].as_str().unwrap().to_string()));
    }
    out
}

fn numbers(db: &Path) -> Vec<u32> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt =
        conn.prepare("SELECT seq FROM tickets WHERE service_id = ?1 AND day > '2025-01-01' AND seq IS NOT NULL ORDER BY seq").unwrap();
    stmt.query_map([LAND], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

struct Measured {
    backup: Duration,
    longest_during: Duration,
    longest_before: Duration,
    p99_during: Duration,
    p99_before: Duration,
    issued_during: usize,
}

fn p99(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get((v.len() * 99 / 100).min(v.len().saturating_sub(1))).copied().unwrap_or_default()
}

/// Serves `db`, issues for a while, backs up to `out` while issuing, and
/// measures the longest issue during the backup against the one before.
async fn backup_while_issuing(
    bin: &str,
    central: &motcua_testkit::Central,
    out: &Path,
    baseline: Duration,
) -> (Measured, Vec<(Instant, Duration, String)>) {
    let base = format!("http://{}", central.server_addr().unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let issuing = tokio::spawn(issue_loop(base, stop.clone()));
    tokio::time::sleep(baseline).await;
    let started = Instant::now();
    let db = central.db.clone();
    let out2 = out.to_path_buf();
    let bin = bin.to_string();
    let output =
        tokio::task::spawn_blocking(move || central_command(&bin, &["backup", "--out", out2.to_str().unwrap()], &db)).await.unwrap();
    let ended = Instant::now();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    eprintln!("{}", String::from_utf8_lossy(&output.stdout).trim());
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let issued = issuing.await.unwrap();
    let during: Vec<_> = issued.iter().filter(|(at, lat, _)| *at + *lat >= started && *at <= ended).collect();
    let before: Vec<_> = issued.iter().filter(|(at, lat, _)| *at + *lat < started).collect();
    let m = Measured {
        backup: ended - started,
        longest_during: during.iter().map(|x| x.1).max().unwrap_or_default(),
        longest_before: before.iter().map(|x| x.1).max().unwrap_or_default(),
        p99_during: p99(during.iter().map(|x| x.1).collect()),
        p99_before: p99(before.iter().map(|x| x.1).collect()),
        issued_during: during.len(),
    };
    (m, issued)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_issuing_is_consistent_and_a_restore_continues_its_numbering() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("central.db");
    // Big enough that the copy takes many steps.
    ballast(&db, 40);
    let mut central = spawn_central(BIN, &db);
    let out = dir.path().join("backup").join("central-backup.db");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();

    let (m, issued) = backup_while_issuing(BIN, &central, &out, Duration::from_millis(1500)).await;
    eprintln!(
        "backup {:?}; {} tickets issued during it, longest {:?} (before it: {:?})",
        m.backup, m.issued_during, m.longest_during, m.longest_before
    );
    assert!(m.issued_during > 0, "issuing went on during the backup");
    assert!(m.longest_during < Duration::from_millis(500), "issuing paused {:?} during the backup", m.longest_during);

    // The backup checks clean, and holds a prefix of what was issued: B001..Bn with no gap.
    let check = central_command(BIN, &["check"], &out);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{text}");
    assert!(text.contains("integrity: ok") && text.lines().last() == Some("ok"), "{text}");
    let in_backup = numbers(&out);
    let n = in_backup.len() as u32;
    assert_eq!(in_backup, (1..=n).collect::<Vec<_>>(), "the backup is one moment of the database");
    assert!(n >= 1 && (n as usize) < issued.len(), "the backup ({n}) was taken while {} were issued", issued.len());
    let conn = rusqlite::Connection::open(&out).unwrap();
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM tickets t WHERE day > '2025-01-01' AND NOT EXISTS (SELECT 1 FROM idempotency i WHERE i.ticket_id = t.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0, "every ticket in the backup has its idempotency row");
    drop(conn);

    // A ticket issued after the backup, which the restore will lose.
    let lost = issued.last().unwrap().2.clone();

    // Restore: stop the server, put the backup in place of the database and its WAL, start again.
    central.stop();
    for f in ["central.db", "central.db-wal", "central.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(f));
    }
    std::fs::copy(&out, &db).unwrap();
    central.restart();
    let base = format!("http://{}", central.server_addr().unwrap());
    let http = reqwest::Client::new();
    let mut after = Vec::new();
    for i in 0..3 {
        let v: Value = http
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth("demo-kiosk")
            .header("Idempotency-Key", format!("after-restore-{i}"))
            .json(&json!({"service_id": LAND, "kiosk_id": "kiosk-sanh-1"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        after.push(v["ticket"]["number"].as_str().unwrap().to_string());
    }
    // Numbering continues from the backup: no number the backup holds is given again.
    assert_eq!(after, (n + 1..=n + 3).map(|s| format!("B{s:03}")).collect::<Vec<_>>());
    let all = numbers(&db);
    assert_eq!(all, (1..=n + 3).collect::<Vec<_>>(), "no number twice in the restored database");
    // What was issued after the backup is gone: its number comes again.
    let lost_seq: u32 = lost[1..].parse().unwrap();
    assert!(lost_seq > n, "{lost} was issued after the backup");
    eprintln!("issued before the restore: up to {lost}; the restored server went on from B{:03}", n + 1);
}

#[test]
fn check_reports_a_damaged_file_with_exit_status_1_and_a_missing_one_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    drop(motcua_central::db::open_and_migrate(&db).unwrap());
    let out = central_command(BIN, &["check"], &db);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE; DROP INDEX tickets_day_status;").unwrap();
    drop(conn);
    let out = central_command(BIN, &["check"], &db);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("schema: PROBLEM") && text.contains("tickets_day_status is missing"), "{text}");
    // Damage inside the file: page 2, a table's first page, overwritten.
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[4096..8192].fill(0x5a);
    std::fs::write(&db, &bytes).unwrap();
    let out = central_command(BIN, &["check"], &db);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("integrity: PROBLEM"), "{text}");
    let out = central_command(BIN, &["check"], &dir.path().join("none.db"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"));
}

/// Backup duration and the longest issue during it on a large database:
/// `MOTCUA_BACKUP_BENCH_MB=1024 MOTCUA_BENCH_BIN=target/release/motcua-central
/// cargo test -p motcua-central --test ops -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: builds a large database (1 GB by default)"]
async fn backup_of_a_large_database_while_issuing() {
    let mb: u64 = std::env::var("MOTCUA_BACKUP_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let dir = match std::env::var_os("MOTCUA_BACKUP_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let db = dir.path().join("central.db");
    let t = Instant::now();
    ballast(&db, mb);
    let size = std::fs::metadata(&db).unwrap().len();
    eprintln!("built {:.2} GB in {:?}", size as f64 / 1e9, t.elapsed());
    // The shipped build: MOTCUA_BENCH_BIN=target/release/motcua-central (the test's own is a debug build).
    let bin = std::env::var("MOTCUA_BENCH_BIN").unwrap_or_else(|_| BIN.to_string());
    eprintln!("server and backup: {bin}");
    let central = spawn_central(&bin, &db);
    let out = dir.path().join("backup.db");
    let (m, _) = backup_while_issuing(&bin, &central, &out, Duration::from_secs(30)).await;
    eprintln!(
        "BENCH backup of {:.2} GB: {:.1} s; {} tickets issued during it, p99 {:?} longest {:?} (before it: p99 {:?} longest {:?})",
        size as f64 / 1e9,
        m.backup.as_secs_f64(),
        m.issued_during,
        m.p99_during,
        m.longest_during,
        m.p99_before,
        m.longest_before
    );
    let t = Instant::now();
    let check = central_command(BIN, &["check"], &out);
    eprintln!(
        "check of the backup: {:.1} s, {}",
        t.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&check.stdout).trim().replace('\n', " | ")
    );
    assert!(check.status.success());
}

// ---------- retention ----------

#[tokio::test]
async fn personal_data_goes_after_the_retention_days_and_the_figures_stay() {
    use common::*;
    let api = Api::new(MONDAY_9AM);
    let code = "000.00.12.H62-261130-0101";
    let body = json!({"procedure_name": "Đăng ký khai sinh", "applicant_name": "Phạm Văn Hùng", "status": 9,
                      "received_at": "2026-11-30T01:00:00Z", "due_at": "2026-12-02T09:00:00Z",
                      "note": "Đã gọi ông Hùng, SĐT 0912 345 678"});
    let (s, _, _) = api.call("PUT", &format!("/api/v1/dossiers/{code}"), Some(STAFF), None, Some(body)).await;
    assert_eq!(s, 201);
    let (_, t) = api.issue(LAND, "k1").await;
    let token = t["ticket"]["token"].as_str().unwrap();
    let rating = json!({"ticket_token": token, "score": 1, "comment": "Tôi là Phạm Văn Hùng, chờ quá lâu"});
    let (s, _, _) = api.call("POST", "/api/v1/ratings", Some(KIOSK), None, Some(rating)).await;
    assert_eq!(s, 201);
    let figures = |api: &Api| {
        (
            api.count("SELECT count(*) FROM tickets"),
            api.count("SELECT count(*) FROM ratings"),
            api.count("SELECT sum(score) FROM ratings"),
            api.count("SELECT count(*) FROM dossiers WHERE status = 9"),
            api.count("SELECT count(*) FROM dossier_history"),
        )
    };
    let before = figures(&api);

    // 364 days later nothing has gone.
    api.clock.set(ts(MONDAY_9AM).checked_add(jiff::SignedDuration::from_hours(24 * 364)).unwrap());
    let r = motcua_central::ops::retention::run_once(&api.state, 365).await.unwrap();
    assert_eq!(r.applicant_names + r.rating_comments, 0, "{r}");
    let note = |api: &Api| api.count(&format!("SELECT count(*) FROM dossier_history WHERE code = '{code}' AND note IS NOT NULL"));
    assert_eq!(note(&api), 1, "the dossier's note stays while its name does");
    let (_, _, v) = api.call("GET", &format!("/api/v1/dossiers/{code}"), Some(KIOSK), None, None).await;
    assert_eq!(v["applicant"], "Phạm V** H***");

    // 366 days later the name, the note and the comment are gone; the figures are not.
    api.clock.set(ts(MONDAY_9AM).checked_add(jiff::SignedDuration::from_hours(24 * 366)).unwrap());
    let r = motcua_central::ops::retention::run_once(&api.state, 365).await.unwrap();
    assert!(r.applicant_names >= 1 && r.history_notes >= 1 && r.rating_comments == 1, "{r}");
    assert_eq!(note(&api), 0);
    let (s, _, v) = api.call("GET", &format!("/api/v1/dossiers/{code}"), Some(KIOSK), None, None).await;
    assert_eq!(s, 200, "the dossier's status can still be looked up");
    assert_eq!(v["applicant"], "");
    assert_eq!(v["status"]["code"], 9);
    assert!(v["history"].as_array().unwrap().iter().all(|h| h["note"].is_null()), "{v}");
    assert_eq!(api.count("SELECT count(*) FROM ratings WHERE comment IS NOT NULL"), 0);
    assert_eq!(api.count("SELECT count(*) FROM dossiers WHERE applicant_name LIKE '%Hùng%'"), 0);
    assert_eq!(figures(&api), before, "counts, scores and statuses stay");
    assert!(api.count("SELECT count(*) FROM meta WHERE key = 'retention_last_run'") == 1);
}

#[test]
fn purge_from_the_command_line_counts_then_removes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let conn = motcua_central::db::open_and_migrate(&db).unwrap();
    let old = jiff::Timestamp::now().as_millisecond() - 40 * 86_400_000;
    conn.execute(
        "INSERT INTO ratings (id, center, dossier_code, score, comment, created_at) VALUES ('r1', 'c', 'x', 2, 'số 0912345678', ?1)",
        [old],
    )
    .unwrap();
    drop(conn);
    let out = central_command(BIN, &["purge", "--older-than-days", "30", "--dry-run"], &db);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("would remove") && text.contains("1 rating comment(s)"), "{text}");
    let out = central_command(BIN, &["purge", "--older-than-days", "60"], &db);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 rating comment(s)"));
    let out = central_command(BIN, &["purge", "--older-than-days", "30"], &db);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("removed") && String::from_utf8_lossy(&out.stdout).contains("1 rating comment(s)")
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (n, comment): (i64, Option<String>) =
        conn.query_row("SELECT count(*), max(comment) FROM ratings", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((n, comment), (1, None));
}

// ---------- TLS ----------

/// `serve --tls-cert --tls-key` on port 0; its `https://` address.
fn serve_tls(db: &Path, cert: &Path, key: &Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .arg("--tls-cert")
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on https://").unwrap_or_else(|| panic!("{line:?}")).to_string();
    (child, addr)
}

fn client(ca: Option<&TestCa>) -> reqwest::Client {
    let mut b = reqwest::Client::builder().use_rustls_tls().timeout(Duration::from_secs(5));
    if let Some(ca) = ca {
        b = b.tls_built_in_root_certs(false).add_root_certificate(reqwest::Certificate::from_pem(ca.pem().as_bytes()).unwrap());
    }
    b.build().unwrap()
}

async fn health(client: &reqwest::Client, url: &str) -> Result<u16, String> {
    match client.get(format!("{url}/api/v1/health")).send().await {
        Ok(r) => Ok(r.status().as_u16()),
        Err(e) => {
            let mut msg = e.to_string();
            let mut s = std::error::Error::source(&e);
            while let Some(x) = s {
                msg.push_str(": ");
                msg.push_str(&x.to_string());
                s = x.source();
            }
            Err(msg)
        }
    }
}

#[tokio::test]
async fn https_with_a_private_ca_and_a_certificate_renewed_by_sighup() {
    let dir = tempfile::tempdir().unwrap();
    let old_ca = TestCa::new("Trung tâm PVHCC – CA 2026");
    let new_ca = TestCa::new("Trung tâm PVHCC – CA 2027");
    let files = old_ca.server_cert(dir.path(), "server", "motcua.test");
    let (mut child, addr) = serve_tls(&dir.path().join("c.db"), &files.cert, &files.key);
    let port = addr.rsplit(':').next().unwrap().to_string();
    for url in [format!("https://{addr}"), format!("https://localhost:{port}")] {
        assert_eq!(health(&client(Some(&old_ca)), &url).await, Ok(200), "{url}");
    }
    let url = format!("https://{addr}");
    // Without the center's CA the certificate is refused, clearly.
    let err = health(&client(None), &url).await.unwrap_err();
    assert!(err.contains("invalid peer certificate") && err.contains("UnknownIssuer"), "{err}");
    // Plain HTTP on the TLS port gets nothing.
    assert!(health(&reqwest::Client::new(), &format!("http://{addr}")).await.is_err());

    // A connection opened before the renewal.
    let kept = client(Some(&old_ca));
    assert_eq!(health(&kept, &url).await, Ok(200));

    // Renewal: new files in place, SIGHUP; new connections see the new certificate.
    let renewed = new_ca.server_cert(dir.path(), "renewed", "motcua.test");
    std::fs::copy(&renewed.cert, &files.cert).unwrap();
    std::fs::copy(&renewed.key, &files.key).unwrap();
    let hup = Command::new("kill").args(["-HUP", &child.id().to_string()]).status().unwrap();
    assert!(hup.success());
    assert!(
        eventually(Duration::from_secs(10), async || health(&client(Some(&new_ca)), &url).await == Ok(200)).await,
        "the renewed certificate is served after SIGHUP"
    );
    let err = health(&client(Some(&old_ca)), &url).await.unwrap_err();
    assert!(err.contains("invalid peer certificate"), "{err}");
    assert_eq!(health(&kept, &url).await, Ok(200), "a connection made before the renewal goes on");
    assert!(child.try_wait().unwrap().is_none(), "the server kept running");

    // A broken file on the next SIGHUP keeps the current certificate.
    std::fs::write(&files.cert, "not a certificate").unwrap();
    assert!(Command::new("kill").args(["-HUP", &child.id().to_string()]).status().unwrap().success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(health(&client(Some(&new_ca)), &url).await, Ok(200));

    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_certificate_that_cannot_be_read_stops_the_start_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let cert: PathBuf = dir.path().join("server.crt");
    let key: PathBuf = dir.path().join("server.key");
    std::fs::write(&cert, "-----BEGIN NOTHING-----\n").unwrap();
    std::fs::write(&key, "").unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("c.db"))
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--tls-cert") && err.contains("server.crt"), "{err}");
    let out = Command::new(BIN).args(["serve", "--db", "x.db", "--tls-cert", "a.pem"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"), "clap names the missing half");
}
