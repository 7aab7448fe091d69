//! The reports' benchmark: a year of a busy provincial center (about
//! 1,000,000 tickets, 300,000 dossiers, 200,000 ratings, made up by
//! `reports::history`), then the month view (`GET /bao-cao` of a past month)
//! and the year's export (`GET /bao-cao/xuat.xlsx`) through the real router,
//! signed in as the director.
//!
//! ```sh
//! CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
//!     cargo run --release -p motcua-central --example report_bench [-- DB]
//! ```
//!
//! The database (default `target/report-bench.db`) is made once and reused;
//! delete it to make it again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use jiff::{Timestamp, ToSpan};
use motcua_central::clock::FixedClock;
use motcua_central::reports::history::{self, HistoryOptions};
use motcua_central::state::{self, Config};
use tower::ServiceExt;

const CENTER: &str = "vp-tinh";

fn main() {
    let db = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target/report-bench.db"));
    let now = Timestamp::now();
    if !db.exists() {
        make(&db, now);
    }
    {
        let conn = motcua_central::db::open_and_migrate(&db).unwrap();
        let n = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        println!(
            "database {}: {} tickets, {} calls, {} ratings, {} dossiers ({} MB)",
            db.display(),
            n("SELECT count(*) FROM tickets"),
            n("SELECT count(*) FROM calls"),
            n("SELECT count(*) FROM ratings"),
            n("SELECT count(*) FROM dossiers"),
            std::fs::metadata(&db).map(|m| m.len() / 1_000_000).unwrap_or(0)
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(run(db, now));
}

fn make(db: &std::path::Path, now: Timestamp) {
    let t = Instant::now();
    let mut conn = motcua_central::db::open_and_migrate(db).unwrap();
    motcua_central::demo::seed_if_empty(&mut conn, now).unwrap();
    motcua_central::demo::seed_staff(&conn).unwrap();
    let catalogs = motcua_central::catalog::load(&conn).unwrap();
    let cat = catalogs.center(CENTER).unwrap().clone();
    let opts = HistoryOptions { days: 365, tickets_per_day: Some(3_800.0), rated_share: 0.21, dossier_share: 0.4, seed: 2026 };
    let stats = history::generate(&mut conn, &cat, &opts, now).unwrap();
    conn.execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    println!("made a year in {:.1} s: {stats:?}", t.elapsed().as_secs_f64());
}

struct App {
    router: axum::Router,
    cookie: String,
}

impl App {
    async fn get(&self, uri: &str) -> (u16, usize, Duration) {
        let start = Instant::now();
        let req = Request::builder().uri(uri).header(header::COOKIE, &self.cookie).body(Body::empty()).unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.len(), start.elapsed())
    }
}

async fn sign_in(router: &axum::Router) -> String {
    let page = router.clone().oneshot(Request::builder().uri("/dang-nhap").body(Body::empty()).unwrap()).await.unwrap();
    let login_cookie = page.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let html = String::from_utf8(page.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let form = format!("username=giamdoc&password=demo&csrf={csrf}");
    let req = Request::builder()
        .method("POST")
        .uri("/dang-nhap")
        .header(header::COOKIE, login_cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    resp.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("motcua_session=") && c.len() > 20)
        .expect("a session cookie")
}

async fn time(app: &App, label: &str, uri: &str, runs: usize) {
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..runs {
        let (status, len, d) = app.get(uri).await;
        assert_eq!(status, 200, "{uri}");
        size = len;
        times.push(d.as_secs_f64() * 1000.0);
    }
    let first = times[0];
    times.sort_by(f64::total_cmp);
    println!(
        "{label:<44} median {:>7.1} ms  min {:>7.1}  max {:>7.1}  (first {:>7.1}; {} KB)  {uri}",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        first,
        size / 1000
    );
}

async fn run(db: PathBuf, now: Timestamp) {
    let config = Config {
        db: db.clone(),
        demo: true,
        lookup_limit_per_min: 30,
        public_url: "http://bench.test".into(),
        voice: Default::default(),
        kiosk_silent_after: motcua_central::fleet::DEFAULT_SILENT_AFTER,
        limits: Default::default(),
        dossiers: Default::default(),
    };
    let state = state::build(config, Arc::new(FixedClock::new(now))).unwrap();
    let router = motcua_central::app(state.clone());
    let cookie = sign_in(&router).await;
    let app = App { router, cookie };
    let today = now.to_zoned(jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap()).date();
    let last_month = today.first_of_month().yesterday().unwrap();
    let (m_from, m_to) = (last_month.first_of_month(), last_month);
    let y_from = today.checked_sub(364.days()).unwrap();
    let month = format!("from={m_from}&to={m_to}");
    let year = format!("from={y_from}&to={today}");
    if let Ok(only) = std::env::var("REPORT_BENCH_ONLY") {
        // Profiling one request: `REPORT_BENCH_ONLY=year perf record …`.
        let uri = match only.as_str() {
            "year" => format!("/bao-cao/xuat.csv?{year}"),
            "month" => format!("/bao-cao?{month}"),
            other => other.to_string(),
        };
        time(&app, "only", &uri, 10).await;
        return;
    }
    let conn = motcua_central::db::open(&db).unwrap();

    // Cold: no day summarised yet; the first request builds what it needs.
    conn.execute_batch("DELETE FROM report_days; DELETE FROM report_tickets; DELETE FROM report_ratings;").unwrap();
    time(&app, "month view, cold (summarises 30 days first)", &format!("/bao-cao?{month}"), 1).await;
    time(&app, "year export, cold (summarises 335 more days)", &format!("/bao-cao/xuat.xlsx?{year}"), 1).await;
    // Warm: the summaries stored.
    time(&app, "month view (a past month)", &format!("/bao-cao?{month}"), 7).await;
    time(&app, "month view (this month, today live)", "/bao-cao", 7).await;
    time(&app, "year export (XLSX, 365 days)", &format!("/bao-cao/xuat.xlsx?{year}"), 7).await;
    time(&app, "year export (CSV)", &format!("/bao-cao/xuat.csv?{year}"), 5).await;
    time(&app, "year view (the page)", &format!("/bao-cao?{year}"), 5).await;
    time(&app, "monthly PDF", &format!("/bao-cao/thang.pdf?month={}", m_from.strftime("%Y-%m")), 5).await;
    time(&app, "month view, one counter", &format!("/bao-cao?{month}&counter=6"), 5).await;
}
