//! An appointment on the real kiosk app: a booking taken on the center's
//! hotline (staff token), its QR (the booking page's URL) made into a PNG by
//! `qrencode` and read back by `zbarimg`, typed into the app as a scanner's
//! keyboard burst on the home screen. The app checks the booking in and shows
//! the appointment ticket ("Đặt lịch HH:MM"), prints one slip with the same
//! mark, and a second scan shows the same number again. Typed on the new home
//! action, a booking scanned too early says when to come back.
//!
//! The server is the central server's own router and HTTP loop on loopback
//! with a clock the test sets (the check-in window), in this process.
//! Needs what app_e2e needs (the app binary, tauri-driver, WebKitWebDriver,
//! a display) and qrencode:
//! `xvfb-run -a cargo test -p motcua-tests --test app_appointment`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)] // the slip helpers serve the other app tests
#[path = "app_e2e/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::time::Duration;

use harness::{kiosk_bin, pdfs, start_driver, wait_new_pdf, write_config};
use jiff::ToSpan;
use motcua_tests::clocked::{ClockedCentral, book, bookable, local_hm};
use motcua_tests::webdriver::{Session, screen_path};
use motcua_tests::{pdf_words, run_tool, zbar};
use serde_json::json;

/// Monday 30 Nov 2026, 07:00 in Vĩnh Phúc: before the day's first slot.
const MONDAY_7AM: &str = "2026-11-30T00:00:00Z";
const DAY: &str = "2026-11-30";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The booking's QR as a PNG, by qrencode (Debian package qrencode).
fn qr_png(dir: &Path, text: &str) -> PathBuf {
    let png = dir.join("booking.png");
    let out = run_tool("qrencode", "qrencode", &["-o", png.to_str().unwrap(), "-s", "6", "-m", "4", text]);
    assert!(out.status.success(), "qrencode: {}", String::from_utf8_lossy(&out.stderr));
    png
}

/// A scanner burst, then the screen it leads to; a burst the page took for
/// typing (a gap over 35 ms on a loaded machine) is scanned again.
fn scan(s: &Session, text: &str, css: &str) {
    s.settle().unwrap();
    for attempt in 1..=2 {
        s.scanner_burst(text).unwrap();
        match s.wait_css(css, secs(20)) {
            Ok(()) => return,
            Err(e) if attempt == 2 => panic!("{css} after a scan: {e}"),
            Err(_) => eprintln!("app_appointment: the scan was not taken, scanning again"),
        }
    }
}

fn body_text(s: &Session) -> String {
    s.js("return document.body.innerText", json!([])).unwrap().as_str().unwrap_or_default().to_string()
}

#[test]
fn a_scanned_booking_qr_checks_in_and_shows_the_appointment_ticket() {
    let tmp = tempfile::tempdir().unwrap();
    let central = ClockedCentral::start(MONDAY_7AM.parse().unwrap());
    let (service, slots) = bookable(&central.url, DAY, 2);
    let (slot, early_slot) = (slots[1], slots[slots.len() - 1]);
    let booking = book(&central.url, &service, slot, "0987000001");
    let early = book(&central.url, &service, early_slot, "0987000002");
    let code = booking["code"].as_str().unwrap().to_owned();

    // The real decoder reads what the booking's QR holds.
    let qr_url = booking["qr_url"].as_str().unwrap();
    assert!(qr_url.ends_with(&format!("/dat-lich/b/{code}")), "{qr_url}");
    let scanned = zbar(&qr_png(tmp.path(), qr_url));
    assert_eq!(scanned, qr_url);

    central.set_now(slot - 10.minutes());
    let slips = tmp.path().join("slips");
    let config = write_config(tmp.path(), "appt", &central.url, &slips, 120);
    let (_driver, base) = start_driver();
    let s = Session::start(&base, &kiosk_bin(), &["--config".into(), config.display().to_string(), "--windowed".into()]).unwrap();
    s.wait_css("body[data-ready='1']", secs(30)).expect("home screen");
    assert!(s.exists_css("[data-testid='home-booking']").unwrap(), "the home screen has «Tôi đã đặt lịch hẹn»");
    assert!(body_text(&s).contains("Tôi đã đặt lịch hẹn"));

    // Scanned on the home screen: checked in, the appointment ticket on screen, one slip printed.
    let before = pdfs(&slips).len();
    scan(&s, &scanned, "[data-testid='ticket-appointment']");
    s.settle().unwrap();
    s.screenshot(&screen_path("appointment-01-ticket")).unwrap();
    let mark = format!("Đặt lịch {}", local_hm(slot));
    assert_eq!(s.text("ticket-appointment").unwrap(), mark);
    let number = s.text("ticket-number").unwrap();
    let printed = wait_new_pdf(&slips, before);
    assert_eq!(printed.len(), before + 1, "one slip");
    let words = pdf_words(printed.last().unwrap());
    assert!(words.contains(&mark) && words.contains(&number), "{mark:?} and {number} on the slip: {words}");
    assert!(!s.exists_css("[data-testid='ticket-repeat']").unwrap(), "a first check-in is no reprint");
    s.click("ticket-done").unwrap();
    s.wait_css("main[data-screen='home']", secs(5)).unwrap();

    // Scanned again: the same number, said to be a reprint.
    scan(&s, &scanned, "[data-testid='ticket-repeat']");
    assert_eq!(s.text("ticket-number").unwrap(), number);
    s.screenshot(&screen_path("appointment-02-repeat")).unwrap();
    s.click("ticket-done").unwrap();
    s.wait_css("main[data-screen='home']", secs(5)).unwrap();

    // Typed on the home action, long before its time: when to come back, in the center's time.
    s.click("home-booking").unwrap();
    s.wait("keyboard-code", secs(5)).unwrap();
    s.tap_keys(early["code"].as_str().unwrap()).unwrap();
    s.screenshot(&screen_path("appointment-03-typed")).unwrap();
    s.click("key-enter").unwrap();
    s.wait("booking-too-early", secs(20)).expect("too early");
    let opens = local_hm(early_slot - 15.minutes());
    assert_eq!(s.text("booking-come-back").unwrap(), format!("Mời ông/bà quay lại lúc {opens}."));
    s.screenshot(&screen_path("appointment-04-too-early")).unwrap();
    s.end().unwrap();
}
