//! Call-next → the number on every lobby board, measured in the real
//! browser: CONSOLES simulated counter consoles (HTTP clients, one per
//! counter, each taking a ticket at the kiosk API and calling it every 1–3 s)
//! and BOARDS lobby boards in headless chromium windows. For every call and
//! every board: the board's own `shown_at` (window.__board, Date.now() right
//! after the DOM shows the call) minus the moment the console sent the
//! call-next request (same machine, same clock). Also the call-next round
//! trip the consoles see (loopback, so the server's own time plus a little).
//!
//! `cargo xtask bench-board [CONSOLES BOARDS CALLS_EACH]` runs it against the
//! release server (MOTCUA_CENTRAL_BIN); defaults 20 8 10. All boards share
//! this machine's CPU and chromium renders without a GPU here, so the boards'
//! own drawing (the ticker scrolls at 60 frames a second in each window) is
//! part of the figure; `BENCH_CHROMIUM_ARGS=--force-prefers-reduced-motion`
//! stops the scrolling to see the rest alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use motcua_tests::webdriver::{Chromedriver, Session};
use motcua_tests::{DOSSIER_READY, LAND, spawn_central};
use reqwest::blocking::Client;
use serde_json::{Value, json};

/// Chromium keeps at most 6 connections per host and browser profile, and
/// every board holds one for its event stream: four boards per browser.
const BOARDS_PER_BROWSER: usize = 4;
/// The collect-result service: a ticket needs a dossier code.
const RESULTS: &str = "vp-tra-ket-qua";

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut ms: Vec<f64>) {
    if ms.is_empty() {
        println!("{name}: no samples");
        return;
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "{name}: n={} p50={:.1} ms p99={:.1} ms max={:.1} ms",
        ms.len(),
        percentile(&ms, 0.50),
        percentile(&ms, 0.99),
        ms.last().copied().unwrap_or(0.0)
    );
}

/// One call as a console made it.
struct Call {
    call_id: String,
    sent_ms: i64,
    round_trip: Duration,
}

/// A ticket this counter will call next: one of its own service, or where
/// the kiosk refuses that (a service closed today), a land ticket
/// transferred to this counter.
fn take_ticket(http: &Client, url: &str, key: &str, counter: &str, service: &str) {
    let issue = |service: &str, key: String| {
        let resp = http
            .post(format!("{url}/api/v1/tickets"))
            .bearer_auth("demo-kiosk")
            .header("Idempotency-Key", key)
            .json(&json!({"service_id": service, "kiosk_id": "kiosk-bench", "dossier_code": (service == RESULTS).then_some(DOSSIER_READY)}))
            .send()
            .unwrap();
        resp.status().is_success().then(|| resp.json::<Value>().unwrap())
    };
    if issue(service, key.to_string()).is_some() {
        return;
    }
    let ticket = issue(LAND, format!("{key}-land")).expect("a land ticket");
    let token = ticket["ticket"]["token"].as_str().unwrap();
    let resp = http
        .post(format!("{url}/api/v1/tickets/{token}/transfer"))
        .bearer_auth("demo-staff")
        .json(&json!({"counter_id": counter}))
        .send()
        .unwrap();
    assert!(resp.status().is_success(), "transfer to {counter}: {}", resp.status());
}

/// A console at `counter` calling from `service`, `n` times, 1–3 s apart.
fn console(url: &str, index: usize, counter: &str, service: &str, n: usize, start: &Barrier) -> Vec<Call> {
    let http = Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (index as u64 + 1);
    let mut calls = Vec::new();
    start.wait();
    for k in 0..n {
        // xorshift: each console at its own pace.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(1000 + seed % 2000));
        take_ticket(&http, url, &format!("bench-{index}-{k}"), counter, service);
        let sent_ms = now_ms();
        let t0 = Instant::now();
        let resp = http.post(format!("{url}/api/v1/counters/{counter}/call-next")).bearer_auth("demo-staff").send().unwrap();
        let round_trip = t0.elapsed();
        if resp.status() == reqwest::StatusCode::OK {
            let v: Value = resp.json().unwrap();
            calls.push(Call { call_id: v["call_id"].as_str().unwrap().to_string(), sent_ms, round_trip });
        }
    }
    calls
}

fn open_board(s: &Session, url: &str) {
    s.goto(&format!("{url}/bang-hien-thi?center=vp-tinh&token=demo-display")).unwrap();
    s.wait_css("body[data-ready='1']", Duration::from_secs(30)).unwrap();
    s.wait_css("html[data-live='open']", Duration::from_secs(30)).unwrap();
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let consoles = args.first().copied().unwrap_or(20);
    let boards = args.get(1).copied().unwrap_or(8);
    let calls_each = args.get(2).copied().unwrap_or(10);
    let extra: Vec<&str> = std::env::var("BENCH_CHROMIUM_ARGS").ok().map(|v| v.leak().split_whitespace().collect()).unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    // An example gets no CARGO_BIN_EXE_*: `cargo xtask bench-board` names the release server.
    let bin = std::env::var_os("MOTCUA_CENTRAL_BIN").expect("MOTCUA_CENTRAL_BIN: run it with `cargo xtask bench-board`");
    let central = spawn_central(&bin, &dir.path().join("central.db"));
    let url = central.url.clone();
    println!("bench-board: server {} ({})", url, std::path::Path::new(&bin).display());

    // Counters and what they serve, as the board knows them.
    let board: Value = Client::new().get(format!("{url}/api/v1/board")).bearer_auth("demo-display").send().unwrap().json().unwrap();
    let counters: Vec<(String, String)> = board["counters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["counter"]["id"].as_str().unwrap().to_string(), c["services"][0].as_str().unwrap().to_string()))
        .collect();

    // The boards: windows of a few headless chromium browsers.
    let driver = Chromedriver::start().unwrap_or_else(|e| panic!("{e}"));
    let mut browsers: Vec<Session> = Vec::new();
    let mut windows: Vec<(usize, String)> = Vec::new();
    for i in 0..boards {
        if i % BOARDS_PER_BROWSER == 0 {
            browsers.push(driver.browser_with(1920, 1080, true, &extra).unwrap());
        } else {
            browsers.last().unwrap().new_window("window").unwrap();
        }
        let s = browsers.last().unwrap();
        s.viewport(1920, 1080).unwrap();
        open_board(s, &url);
        windows.push((browsers.len() - 1, s.window_handle().unwrap()));
    }
    println!("bench-board: {boards} boards in {} chromium browsers, {consoles} consoles × {calls_each} calls, 1–3 s apart", browsers.len());

    let start = Arc::new(Barrier::new(consoles));
    let began = Instant::now();
    let threads: Vec<_> = (0..consoles)
        .map(|i| {
            let (counter, service) = counters[i % counters.len()].clone();
            let (url, start) = (url.clone(), Arc::clone(&start));
            std::thread::spawn(move || console(&url, i, &counter, &service, calls_each, &start))
        })
        .collect();
    let calls: Vec<Call> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    let took = began.elapsed();
    std::thread::sleep(Duration::from_secs(2));

    let mut shown = Vec::new();
    let mut missing = 0;
    let mut by_read = 0;
    for (b, handle) in &windows {
        let s = &browsers[*b];
        s.switch_to(handle).unwrap();
        let events = s.js("return window.__board.events.map(e => [e.call_id, e.shown_at, e.via])", json!([])).unwrap();
        let seen: HashMap<&str, (i64, &str)> = events
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e[0].as_str().unwrap(), (e[1].as_i64().unwrap_or(0), e[2].as_str().unwrap_or(""))))
            .collect();
        for c in &calls {
            match seen.get(c.call_id.as_str()) {
                Some((at, via)) => {
                    shown.push((at - c.sent_ms) as f64);
                    by_read += usize::from(*via != "event");
                }
                None => missing += 1,
            }
        }
    }
    println!(
        "bench-board: {} calls in {:.1} s ({:.1} calls/s); {} shown by a read instead of an event; {missing} never shown",
        calls.len(),
        took.as_secs_f64(),
        calls.len() as f64 / took.as_secs_f64(),
        by_read
    );
    report("call-next sent → number shown on a board", shown);
    report("call-next round trip (loopback HTTP)", calls.iter().map(|c| c.round_trip.as_secs_f64() * 1e3).collect());
    drop(browsers);
    drop(central);
}
