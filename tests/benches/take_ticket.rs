//! `take_ticket` end to end: engine → loopback central server → render →
//! loopback fake ESC/POS printer; p50/p99 over 1,000 taps online and
//! offline, and the time to sync 1,000 outbox tickets after the server
//! returns. Run: `cargo bench -p motcua-tests --bench take_ticket`.

use std::time::{Duration, Instant};

use motcua_engine::Kiosk;
use motcua_tests::*;

const TAPS: usize = 1000;
const SERVICES: [&str; 3] = [LAND, BUSINESS, BUILDING];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        samples.len(),
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
    );
}

async fn taps(kiosk: &Kiosk, n: usize, expect_offline: bool) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        let out = kiosk.take_ticket(SERVICES[i % SERVICES.len()], None).await.expect("take_ticket");
        samples.push(start.elapsed());
        assert!(out.printed, "{:?}", out.print_error);
        assert_eq!(out.ticket.offline, expect_offline);
    }
    samples
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("central.db");
    let mut central = Central::start(&db);
    let printer = FakePrinter::start(READY);
    let config = config(&central.url, &printer.spec(), &dir.path().join("kiosk"), "");
    let kiosk = Kiosk::start(config).await.expect("kiosk");

    taps(&kiosk, 20, false).await;
    report("take_ticket online (engine → server → render → printer)", taps(&kiosk, TAPS, false).await);

    central.stop();
    // The first tap after the loss pays the online budget, then the kiosk knows.
    taps(&kiosk, 1, true).await;
    report("take_ticket offline (journal + outbox → render → printer)", taps(&kiosk, TAPS, true).await);
    let waiting = kiosk.status().await.expect("kiosk status").outbox;

    let mut central = Central::start_on(&db, central.port);
    let start = Instant::now();
    while kiosk.status().await.expect("kiosk status").outbox > 0 {
        assert!(start.elapsed() < Duration::from_secs(60), "outbox not delivered");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    println!(
        "outbox sync: {waiting} offline tickets delivered {:.0} ms after the server returned (background task, incl. detection)",
        start.elapsed().as_secs_f64() * 1e3
    );

    // Delivery alone: a kiosk without background tasks, one explicit pass.
    let mut config2 = motcua_tests::config(&central.url, &printer.spec(), &dir.path().join("kiosk2"), "");
    config2.kiosk_code = "K2".into();
    let quiet = Kiosk::open(config2).await.expect("kiosk");
    central.stop();
    taps(&quiet, TAPS, true).await;
    let _central = Central::start_on(&db, central.port);
    let start = Instant::now();
    let report = quiet.sync_now().await.expect("sync");
    println!(
        "outbox sync: {} offline tickets delivered by one sync_now() pass in {:.0} ms (rejected {}, remaining {})",
        report.sent,
        start.elapsed().as_secs_f64() * 1e3,
        report.rejected,
        report.remaining
    );
}
