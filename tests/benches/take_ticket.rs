//! `take_ticket` end to end: engine → loopback central server → render →
//! loopback fake ESC/POS printer; p50/p99 over 1,000 taps online and
//! offline, and the time to sync 1,000 outbox tickets after the server
//! returns. Run: `cargo bench -p motcua-tests --bench take_ticket`.
//! The kiosk reaches the server through the testkit's loopback front (one
//! more hop), which keeps the server's address across its restarts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
    let mut lobby = Lobby::open(central_bin!(), READY);
    let kiosk = Kiosk::start(lobby.config("")).await.expect("kiosk");

    taps(&kiosk, 20, false).await;
    report("take_ticket online (engine → server → render → printer)", taps(&kiosk, TAPS, false).await);

    lobby.central.stop();
    // The first tap after the loss pays the online budget, then the kiosk knows.
    taps(&kiosk, 1, true).await;
    report("take_ticket offline (journal + outbox → render → printer)", taps(&kiosk, TAPS, true).await);
    let waiting = kiosk.status().await.expect("kiosk status").outbox;

    lobby.central.restart();
    let start = Instant::now();
    assert!(
        eventually(Duration::from_secs(60), async || kiosk.status().await.expect("kiosk status").outbox == 0).await,
        "outbox not delivered"
    );
    println!(
        "outbox sync: {waiting} offline tickets delivered {:.0} ms after the server returned (background task, incl. detection)",
        start.elapsed().as_secs_f64() * 1e3
    );

    // Delivery alone: a kiosk without background tasks, one explicit pass.
    let mut config2 = config(&lobby.central.url, &lobby.printer.spec(), &lobby.dir.path().join("kiosk2"), "");
    config2.kiosk_code = "K2".into();
    let quiet = Kiosk::open(config2).await.expect("kiosk");
    lobby.central.stop();
    taps(&quiet, TAPS, true).await;
    lobby.central.restart();
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
