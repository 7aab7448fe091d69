//! Maintenance and the center's notice reach the running kiosk app end to
//! end: staff set them on the real central server, the engine hears them on
//! its event stream and the webview shows them — the notice as a banner on
//! the home screen, maintenance as a full-screen message that leaves the
//! admin corner working. Screenshots: `target/screens/fleet-*.png`.
//!
//! Needs what `app_e2e` needs (the app binary, tauri-driver, WebKitWebDriver,
//! a display): `cargo build -p motcua-kiosk && xvfb-run -a cargo test -p
//! motcua-tests --test app_fleet`. Without them it fails, it never skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "app_e2e/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::time::{Duration, Instant};

use harness::{kiosk_bin, start_driver, write_config};
use motcua_tests::webdriver::{Session, screen_path};
use motcua_tests::{central_bin, spawn_central, wait_until};
use reqwest::blocking::Client;
use serde_json::{Value, json};

/// The kiosk id `write_config(…, "fleet", …)` gives.
const KIOSK_ID: &str = "kiosk-e2e-fleet";
const NOTICE_VI: &str = "Chiều nay Trung tâm nghỉ từ 15:00";
const NOTICE_EN: &str = "The center closes at 15:00 this afternoon";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A staff request; the answer's JSON.
fn staff(http: &Client, method: reqwest::Method, url: String, body: Option<Value>) -> Value {
    let mut req = http.request(method, &url).bearer_auth("demo-staff");
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().unwrap();
    assert!(resp.status().is_success(), "{url}: {}", resp.status());
    resp.json().unwrap()
}

fn shot(s: &Session, name: &str) {
    s.settle().unwrap();
    s.screenshot(&screen_path(name)).unwrap();
}

/// The element a finger lands on at the centre of `[data-testid=testid]`.
fn hit(s: &Session, testid: &str) -> String {
    let script = "const r = document.querySelector(`[data-testid='${arguments[0]}']`).getBoundingClientRect();
                  const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                  return e?.closest('[data-testid]')?.dataset.testid ?? ''";
    s.js(script, json!([testid])).unwrap().as_str().unwrap_or_default().to_string()
}

#[test]
fn maintenance_and_the_notice_reach_the_running_kiosk_app() {
    let _ = kiosk_bin();
    let tmp = tempfile::tempdir().unwrap();
    let central = spawn_central(central_bin!(), &tmp.path().join("central.db"));
    let url = central.url.clone();
    let http = Client::builder().timeout(secs(20)).build().unwrap();
    let (_driver, base) = start_driver();
    let config = write_config(tmp.path(), "fleet", &url, &tmp.path().join("slips"), 300);
    let s = Session::start(&base, &kiosk_bin(), &["--config".into(), config.display().to_string(), "--windowed".into()]).unwrap();
    s.wait_css("body[data-ready='1']", secs(30)).unwrap();
    wait_until("the app's first heartbeat", secs(30), || {
        let list = staff(&http, reqwest::Method::GET, format!("{url}/api/v1/kiosks"), None);
        list["kiosks"].as_array().unwrap().iter().any(|k| k["kiosk_id"] == KIOSK_ID && k["printer"] == "ok").then_some(())
    });
    assert!(!s.exists_css("[data-testid='notice-banner']").unwrap(), "no notice yet");

    // A notice: a banner on the home screen within seconds (the heartbeat is 30 s: this is the event stream).
    let start = Instant::now();
    let notice = json!({"text_vi": NOTICE_VI, "text_en": NOTICE_EN});
    staff(&http, reqwest::Method::PUT, format!("{url}/api/v1/notice"), Some(notice));
    s.wait_css("main[data-screen='home'] [data-testid='notice-banner']", secs(10)).unwrap();
    assert!(start.elapsed() < secs(10), "live: {:?}", start.elapsed());
    assert_eq!(s.text("notice-text").unwrap(), NOTICE_VI);
    let px =
        s.js("return parseFloat(getComputedStyle(document.querySelector(\"[data-testid='notice-text']\")).fontSize)", json!([])).unwrap();
    assert!(px.as_f64().unwrap() >= 26.0, "notice text ≥ 26 px, got {px}");
    shot(&s, "fleet-notice");
    s.click("lang-switch").unwrap();
    assert_eq!(s.text("notice-text").unwrap(), NOTICE_EN);
    s.click("lang-switch").unwrap();
    // The home screen's banner only: not on the other screens.
    s.click("home-take").unwrap();
    s.wait_css("main[data-screen='services']", secs(5)).unwrap();
    assert!(!s.exists_css("[data-testid='notice-banner']").unwrap(), "the notice is the home screen's");
    s.click("nav-home").unwrap();
    s.wait_css("main[data-screen='home'] [data-testid='notice-banner']", secs(5)).unwrap();

    // Maintenance: the calm full screen covers the home screen.
    staff(&http, reqwest::Method::PUT, format!("{url}/api/v1/kiosks/{KIOSK_ID}/maintenance"), Some(json!({"on": true})));
    s.wait_css("[data-testid='maintenance']:not([hidden])", secs(10)).unwrap();
    assert_eq!(s.text("maintenance-title").unwrap(), "Máy đang bảo trì, mời ông/bà dùng máy bên cạnh");
    assert_eq!(hit(&s, "home-take"), "maintenance", "the home screen cannot be touched");
    shot(&s, "fleet-maintenance");

    // The admin corner still opens the PIN pad above it.
    for _ in 0..5 {
        s.click("admin-corner").unwrap();
    }
    s.wait_css("#admin-overlay:not([hidden]) [data-testid='admin-dialog']", secs(5)).unwrap();
    shot(&s, "fleet-admin-pin");
    assert_eq!(hit(&s, "admin-cancel"), "admin-cancel", "the PIN pad is above the maintenance screen");
    s.click("admin-cancel").unwrap();
    s.wait_css("#admin-overlay[hidden]", secs(5)).unwrap();

    // Taken out of maintenance and the notice cleared: the home screen as before.
    staff(&http, reqwest::Method::PUT, format!("{url}/api/v1/kiosks/{KIOSK_ID}/maintenance"), Some(json!({"on": false})));
    s.wait_css("[data-testid='maintenance'][hidden]", secs(10)).unwrap();
    assert_eq!(hit(&s, "home-take"), "home-take");
    staff(&http, reqwest::Method::DELETE, format!("{url}/api/v1/notice"), None);
    wait_until("the notice taken off", secs(10), || (!s.exists_css("[data-testid='notice-banner']").unwrap()).then_some(()));
    s.end().unwrap();
}
