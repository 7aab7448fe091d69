//! The kiosk engine reports its health to the real central server: the
//! server's view follows the printer within one heartbeat; maintenance and
//! the center's notice reach the engine live (not at the next heartbeat) and
//! are still shown after a restart while the server is away.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use motcua_engine::{Kiosk, KioskEvent, KioskStatus};
use motcua_tests::*;
use serde_json::{Value, json};

const KIOSK_ID: &str = "kiosk-test-1";

/// This kiosk as staff see it, once it reported.
async fn seen(url: &str) -> Option<Value> {
    let list: Value =
        reqwest::Client::new().get(format!("{url}/api/v1/kiosks")).bearer_auth("demo-staff").send().await.ok()?.json().await.ok()?;
    list["kiosks"].as_array()?.iter().find(|k| k["kiosk_id"] == KIOSK_ID).cloned()
}

/// Waits until the server's view of this kiosk satisfies `ok`; how long it took.
async fn server_shows(url: &str, within: Duration, what: &str, ok: impl Fn(&Value) -> bool) -> Duration {
    let start = Instant::now();
    let mut last = Value::Null;
    while start.elapsed() < within {
        if let Some(k) = seen(url).await {
            if ok(&k) {
                return start.elapsed();
            }
            last = k;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not show {what} within {within:?}; it shows {last}");
}

async fn staff(method: reqwest::Method, url: &str, path: &str, body: Option<Value>) -> Value {
    let mut req = reqwest::Client::new().request(method, format!("{url}{path}")).bearer_auth("demo-staff");
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

/// The next status event that satisfies `ok`.
async fn status_event(events: &mut tokio::sync::broadcast::Receiver<KioskEvent>, within: Duration, ok: impl Fn(&KioskStatus) -> bool) {
    let found = tokio::time::timeout(within, async {
        loop {
            if let Ok(KioskEvent::Status { status }) = events.recv().await
                && ok(&status)
            {
                return status;
            }
        }
    })
    .await;
    assert!(found.is_ok(), "no such status event within {within:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_view_follows_the_printer_within_one_heartbeat() {
    let lobby = Lobby::open(central_bin!(), READY);
    let url = lobby.central.url.clone();
    let period = Duration::from_secs(2);
    // One heartbeat, plus what polling the server and a busy machine add.
    let one_heartbeat = period + Duration::from_secs(1);
    let kiosk = Kiosk::start(lobby.config("heartbeat_s = 2")).await.unwrap();
    server_shows(&url, Duration::from_secs(10), "the first heartbeat", |k| k["printer"] == "ok").await;

    lobby.printer.set_status(Status::PAPER_NEAR_END);
    let took = server_shows(&url, Duration::from_secs(8), "paper near end", |k| k["printer"] == "paper_near_end").await;
    assert!(took <= one_heartbeat, "within one heartbeat: {took:?}");
    let k = seen(&url).await.unwrap();
    assert_eq!(k["alerts"][0]["text_vi"], "kiosk-test-1 sắp hết giấy", "no catalog name: the id");
    assert_eq!(k["version"], env!("CARGO_PKG_VERSION"));

    lobby.printer.set_status(Status::PAPER_OUT);
    let took = server_shows(&url, Duration::from_secs(8), "paper out", |k| k["printer"] == "paper_out").await;
    assert!(took <= one_heartbeat, "within one heartbeat: {took:?}");

    // A ticket on screen only: the unprinted count and the error go at once.
    let outcome = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(!outcome.printed);
    server_shows(&url, Duration::from_secs(3), "the unprinted ticket", |k| k["unprinted"] == 1 && k["last_error"] == "printer_paper_out")
        .await;
    lobby.printer.set_status(Status::READY);
    server_shows(&url, Duration::from_secs(8), "the printer back", |k| k["printer"] == "ok" && k["alerts"] == json!([])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_and_the_notice_reach_the_kiosk_live_and_outlast_a_restart_offline() {
    let mut lobby = Lobby::open(central_bin!(), READY);
    let url = lobby.central.url.clone();
    // The default 30 s heartbeat: what follows arrives by the event stream.
    let kiosk = Kiosk::start(lobby.config("")).await.unwrap();
    let mut events = kiosk.subscribe();
    server_shows(&url, Duration::from_secs(10), "the first heartbeat", |k| k["printer"] == "ok").await;

    let start = Instant::now();
    staff(reqwest::Method::PUT, &url, &format!("/api/v1/kiosks/{KIOSK_ID}/maintenance"), Some(json!({"on": true}))).await;
    status_event(&mut events, Duration::from_secs(10), |s| s.maintenance).await;
    let notice = json!({"text_vi": "Chiều nay nghỉ từ 15:00", "text_en": "Closing at 15:00 today"});
    staff(reqwest::Method::PUT, &url, "/api/v1/notice", Some(notice)).await;
    status_event(&mut events, Duration::from_secs(10), |s| s.notice.as_ref().is_some_and(|n| n.text_vi == "Chiều nay nghỉ từ 15:00")).await;
    assert!(start.elapsed() < Duration::from_secs(20), "live, not at the next heartbeat: {:?}", start.elapsed());
    drop(kiosk);

    // Restarted while the server is away: the kiosk still shows both.
    lobby.central.stop();
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let status = kiosk.status().await.unwrap();
    assert!(!status.online);
    assert!(status.maintenance);
    assert_eq!(status.notice.as_ref().and_then(|n| n.text_en.as_deref()), Some("Closing at 15:00 today"));

    // Back: staff cleared both meanwhile; one heartbeat brings it.
    lobby.central.restart();
    staff(reqwest::Method::DELETE, &url, "/api/v1/notice", None).await;
    staff(reqwest::Method::PUT, &url, &format!("/api/v1/kiosks/{KIOSK_ID}/maintenance"), Some(json!({"on": false}))).await;
    let answer = kiosk.heartbeat().await.unwrap();
    assert!(!answer.maintenance && answer.notice.is_none());
    let status = kiosk.status().await.unwrap();
    assert!(!status.maintenance && status.notice.is_none());
}
