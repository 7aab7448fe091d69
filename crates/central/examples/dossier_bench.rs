//! Dossier push benchmark: a database that already holds EXISTING dossiers
//! (default 1,000,000), then PUSH more (default 100,000) through
//! `POST /api/v1/dossiers/batch` in batches of BATCH (default 1,000), one
//! batch after another as a one-stop system sends them, while kiosks look
//! dossiers up (LOOKUPS a second in all, default 50: a busy province's
//! lobbies). Reports dossiers/s, the latency of a batch, and the lookup
//! latency before and during the push. Run through `cargo xtask bench-dossiers`.
//!
//!     dossier_bench SERVER_BIN DIR [EXISTING PUSH BATCH LOOKUPS]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use jiff::{Timestamp, ToSpan};
use rusqlite::params;
use serde_json::{Value, json};

/// How many dossiers a code prefix holds: 10,000 a day (the code's sequence) over many days.
fn code(prefix: &str, i: u64) -> String {
    let day = jiff::civil::date(2024, 1, 1).checked_add(i64::try_from(i / 10_000).unwrap_or(0).days()).unwrap_or_default();
    format!("{prefix}-{}-{:04}", day.strftime("%y%m%d"), i % 10_000)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

fn seed(db: &Path, existing: u64) -> Result<(), String> {
    let mut conn = motcua_central::db::open_and_migrate(db).map_err(|e| e.to_string())?;
    motcua_central::demo::seed_if_empty(&mut conn, Timestamp::now()).map_err(|e| e.to_string())?;
    let key = motcua_central::id_key::IdKey::load_or_create(db)?;
    key.reconcile(&conn).map_err(|e| e.to_string())?;
    conn.execute_batch("PRAGMA synchronous = OFF").map_err(|e| e.to_string())?;
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    {
        let mut d = tx
            .prepare(
                "INSERT INTO dossiers (code, center, procedure_id, procedure_name, applicant_name, status, received_at, due_at,
                     collect_at, updated_at, source, source_updated_at, heard_at, unit, applicant_id_hash)
                 VALUES (?1, 'vp-tinh', '1.001914', 'Cấp Phiếu lý lịch tư pháp', 'Nguyễn Văn Bình', ?2, ?3, ?4,
                     'Quầy 20 – Trả kết quả', ?5, 'import', ?5, ?5, 'Sở Tư pháp', ?6)",
            )
            .map_err(|e| e.to_string())?;
        let mut h = tx
            .prepare(
                "INSERT INTO dossier_history (code, at, status, unit, actor, note) VALUES (?1, ?2, ?3, 'Sở Tư pháp', 'import:bench', NULL)",
            )
            .map_err(|e| e.to_string())?;
        let base = Timestamp::now().as_millisecond() - 86_400_000 * 30;
        for i in 0..existing {
            let c = code("000.00.77.H62", i);
            let at = base + i64::try_from(i).unwrap_or(0);
            // One dossier in three carries its applicant's ID hash.
            let hash = (i % 3 == 0).then(|| key.hash(&format!("{:012}", 1_000_000 + i)));
            let status = 2 + (i % 3) as u8;
            d.execute(params![c, status, at, at + 86_400_000 * 10, at, hash]).map_err(|e| e.to_string())?;
            h.execute(params![c, at, status]).map_err(|e| e.to_string())?;
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").map_err(|e| e.to_string())?;
    Ok(())
}

fn start(bin: &str, db: &Path) -> Result<(Child, String), String> {
    use std::io::BufRead;
    let mut child = Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--lookup-limit", "1000000000", "--db"])
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{bin}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    std::io::BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
    let url = line.trim().strip_prefix("listening on ").ok_or(format!("unexpected: {line}"))?.to_string();
    Ok((child, url))
}

/// The kiosks' lookups on a thread and runtime of their own, so the time
/// the pushing client spends on its batches is not counted in a lookup.
fn lookups_thread(
    url: String,
    token: String,
    existing: u64,
    rate: u64,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Result<Vec<f64>, String>> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        Ok(rt.block_on(lookups(url, token, existing, rate, stop)))
    })
}

/// Kiosks looking up random existing dossiers, `rate` a second in all,
/// until `stop`; their latencies in ms.
async fn lookups(url: String, token: String, existing: u64, rate: u64, stop: Arc<AtomicBool>) -> Vec<f64> {
    const KIOSKS: u64 = 8;
    let mut tasks = Vec::new();
    for k in 0..KIOSKS {
        let (url, token, stop) = (url.clone(), token.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut lat = Vec::new();
            let mut i: u64 = 7919 * (k + 1);
            let mut tick = tokio::time::interval(Duration::from_micros((1_000_000 * KIOSKS / rate.max(1)).max(1)));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                i = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let c = code("000.00.77.H62", (i >> 11) % existing.max(1));
                let t = Instant::now();
                match http.get(format!("{url}/api/v1/dossiers/{c}")).bearer_auth(&token).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    Ok(r) => eprintln!("lookup {c}: HTTP {}", r.status()),
                    Err(e) => eprintln!("lookup {c}: {e}"),
                }
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    all.sort_by(f64::total_cmp);
    all
}

fn batch(start: u64, size: u64) -> Value {
    let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap_or(jiff::tz::TimeZone::UTC);
    let now = Timestamp::now();
    let f = |t: Timestamp| t.to_zoned(tz.clone()).strftime("%Y%m%d%H%M%S").to_string();
    let items: Vec<Value> = (start..start + size)
        .map(|i| {
            json!({"MaHoSo": code("000.00.88.H62", i), "MaTTHC": "1.001193", "TenTTHC": "Đăng ký khai sinh",
                   "ChuHoSo": "Trần Thị Hoa", "SoGiayToChuHoSo": format!("{:012}", 5_000_000 + i), "TrangThaiHoSo": "2",
                   "NgayTiepNhan": f(now.checked_sub(2.hours()).unwrap_or(now)), "NgayHenTra": f(now.checked_add(72.hours()).unwrap_or(now)),
                   "DonViXuLy": "Bộ phận Một cửa", "NgayCapNhat": f(now.checked_sub(1.minutes()).unwrap_or(now))})
        })
        .collect();
    json!({ "dossiers": items })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (bin, dir) = match args.as_slice() {
        [_, bin, dir, ..] => (bin.clone(), dir.clone()),
        _ => return Err("usage: dossier_bench SERVER_BIN DIR [EXISTING PUSH BATCH LOOKUPS]".into()),
    };
    let num = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (existing, push, size, rate) = (num(3, 1_000_000), num(4, 100_000), num(5, 1_000), num(6, 50));
    let db = Path::new(&dir).join("bench.db");
    let t = Instant::now();
    seed(&db, existing)?;
    let bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("seeded {existing} dossiers in {:.1} s ({} MiB)", t.elapsed().as_secs_f64(), bytes / (1 << 20));
    let (kiosk, integration) = {
        let conn = rusqlite::Connection::open(&db).map_err(|e| e.to_string())?;
        let k = motcua_central::tokens::create(&conn, motcua_central::tokens::Role::Kiosk, "vp-tinh", "bench-kiosk")
            .map_err(|e| e.to_string())?;
        let i = motcua_central::tokens::create(&conn, motcua_central::tokens::Role::Integration, "vp-tinh", "bench-sync")
            .map_err(|e| e.to_string())?;
        (k, i)
    };
    // The one-stop system's side: every batch made before the clock starts.
    let bodies = (0..push.div_ceil(size))
        .map(|b| serde_json::to_vec(&batch(b * size, size.min(push - b * size))).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let (mut child, url) = start(&bin, &db)?;

    // Lookups alone.
    let stop = Arc::new(AtomicBool::new(false));
    let before = lookups_thread(url.clone(), kiosk.clone(), existing, rate, stop.clone());
    tokio::time::sleep(Duration::from_secs(30)).await;
    stop.store(true, Ordering::Relaxed);
    let before = before.join().map_err(|_| "the lookup thread panicked".to_string())??;

    // The push, with lookups beside it.
    let stop = Arc::new(AtomicBool::new(false));
    let during = lookups_thread(url.clone(), kiosk.clone(), existing, rate, stop.clone());
    let http = reqwest::Client::new();
    let mut batches = Vec::new();
    let started = Instant::now();
    let mut created = 0u64;
    for (b, body) in bodies.into_iter().enumerate() {
        let t = Instant::now();
        let resp = http
            .post(format!("{url}/api/v1/dossiers/batch"))
            .bearer_auth(&integration)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        let answer: Value = match resp {
            Ok(r) if r.status().is_success() => r.json().await.map_err(|e| e.to_string())?,
            Ok(r) => return Err(format!("batch {b}: HTTP {}", r.status())),
            Err(e) => return Err(format!("batch {b}: {e}")),
        };
        batches.push(t.elapsed().as_secs_f64() * 1000.0);
        created += answer["results"].as_array().map_or(0, |r| r.iter().filter(|x| x["outcome"] == "created").count() as u64);
    }
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let during = during.join().map_err(|_| "the lookup thread panicked".to_string())??;
    let _ = child.kill();
    let _ = child.wait();
    batches.sort_by(f64::total_cmp);
    println!(
        "push: {created} of {push} dossiers created in {elapsed:.1} s = {:.0} dossiers/s; per batch of {size}: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        created as f64 / elapsed,
        pct(&batches, 0.5),
        pct(&batches, 0.99),
        pct(&batches, 1.0)
    );
    for (what, l) in [("before", &before), ("during", &during)] {
        println!(
            "lookups {what} the push ({rate}/s from 8 kiosks): {} in total, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            l.len(),
            pct(l, 0.5),
            pct(l, 0.99),
            pct(l, 1.0)
        );
    }
    if created != push { Err(format!("{} dossiers were not created", push - created)) } else { Ok(()) }
}
