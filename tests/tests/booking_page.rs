//! The phone's booking pages in a real browser: Debian's chromium, headless,
//! at a phone's 360×740, through chromedriver, against the real
//! `motcua-central --demo`. A citizen books through the pages (the page's
//! script solves the real proof of work), the QR in a screenshot decodes
//! (zbarimg) to the booking's address, the `.ics` is served, a second
//! booking with the same phone gets the limit message naming the first
//! (from a plain-HTTP LAN address, where the page has no WebCrypto and uses
//! its own SHA-256), and the cancel link frees the place. Every page is
//! under 50 KB and no wider than the phone.
//!
//! Screenshots: target/screens/booking-slots.png and booking.png
//! (`cargo xtask screens` copies them into docs/screens). Needs `chromium`,
//! `chromium-driver` and `zbar-tools`; without them it fails, it never skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use motcua_tests::webdriver::{Chromedriver, Session, screen_path};
use motcua_tests::{central_bin, spawn_central, zbar};
use reqwest::blocking::Client;
use serde_json::{Value, json};

const A: &str = "vp-dang-ky-doanh-nghiep-dau-tu";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The page is whole, small and fits the phone's width.
fn check_page(s: &Session) {
    let size = s.js("return new Blob([document.documentElement.outerHTML]).size", json!([])).unwrap().as_u64().unwrap();
    assert!(size < 50 * 1024, "{} is {size} bytes", s.url().unwrap());
    let (inner, wide) = (
        s.js("return innerWidth", json!([])).unwrap(),
        s.js("return document.documentElement.scrollWidth", json!([])).unwrap().as_u64().unwrap(),
    );
    assert_eq!(inner, 360, "a phone's width");
    assert!(wide <= 360, "{} is {wide} px wide on a 360 px phone", s.url().unwrap());
}

/// The test id of the `n`-th link of the page's list of choices.
fn nth_choice(s: &Session, n: usize) -> String {
    s.js("const a = document.querySelectorAll('.choices a')[arguments[0]]; return a ? a.dataset.testid : null", json!([n]))
        .unwrap()
        .as_str()
        .unwrap_or_else(|| panic!("no choice {n} on {}", s.url().unwrap()))
        .to_string()
}

/// What the slot's line says ("còn 3/4 chỗ").
fn slot_note(s: &Session, testid: &str) -> String {
    s.js("return document.querySelector(`[data-testid='${arguments[0]}'] small`).textContent", json!([testid]))
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// Name, phone, "Đặt lịch"; waits for the next page (the booking or the form with its error).
fn fill_and_book(s: &Session, phone: &str) {
    s.type_into("name", "Nguyễn Văn An").unwrap();
    s.type_into("phone", phone).unwrap();
    s.click("submit").unwrap();
    s.wait_for("return !document.getElementById('book') || !!document.querySelector(\"[data-testid='error']\")", json!([]), secs(60))
        .unwrap();
}

#[test]
fn a_citizen_books_on_a_phone_gets_a_qr_and_a_calendar_file_and_cancels() {
    let dir = tempfile::tempdir().unwrap();
    let central = spawn_central(central_bin!(), &dir.path().join("central.db"));
    let http = Client::builder().timeout(secs(30)).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let driver = Chromedriver::start().unwrap_or_else(|e| panic!("{e}"));
    let s = driver.phone(360, 740, &[]).unwrap();

    // Center → service (its papers listed) → a day → its first time.
    s.goto(&format!("{}/dat-lich", central.url)).unwrap();
    check_page(&s);
    assert_eq!(s.text("lang").unwrap(), "English");
    s.click("center-vp-tinh").unwrap();
    s.wait(&format!("service-{A}"), secs(10)).unwrap();
    check_page(&s);
    s.click(&format!("service-{A}")).unwrap();
    s.wait_css("details", secs(10)).unwrap();
    check_page(&s);
    // Tomorrow (the first open day after today): all its times are ahead, whenever the test runs.
    let day = nth_choice(&s, 1);
    s.click(&day).unwrap();
    s.wait_css(".choices", secs(10)).unwrap();
    check_page(&s);
    let slots_url = s.url().unwrap();
    s.screenshot(&screen_path("booking-slots")).unwrap();
    let slot = nth_choice(&s, 0);
    let before = slot_note(&s, &slot);
    s.click(&slot).unwrap();
    s.wait("name", secs(10)).unwrap();
    check_page(&s);
    fill_and_book(&s, "0912 345 678");

    // The booking's page: code, QR, calendar, cancel link.
    s.wait("code", secs(10)).unwrap();
    check_page(&s);
    let code = s.text("code").unwrap();
    let booked_url = s.url().unwrap();
    assert!(booked_url.contains(&format!("/dat-lich/b/{code}?k=")), "{booked_url}");
    let shot = screen_path("booking");
    s.screenshot(&shot).unwrap();
    let resp = http.get(format!("{}/api/v1/bookings/{code}", central.url)).send().unwrap();
    let booking: Value = resp.json().unwrap();
    let qr_url = booking["booking"]["qr_url"].as_str().unwrap();
    assert!(qr_url.ends_with(&format!("/dat-lich/b/{code}")), "{booking}");
    assert_eq!(zbar(&shot), qr_url, "the QR on the phone's screen");
    let body = s.js("return document.body.innerText", json!([])).unwrap().as_str().unwrap().to_string();
    assert!(body.contains("Đặt lịch thành công.") && body.contains("Huỷ lịch hẹn") && body.contains("Thêm vào lịch"), "{body}");
    assert!(!body.contains("Nguyễn Văn An") && !body.contains("0912"), "name masked, no phone: {body}");

    // In English, the cancel link stays.
    s.click("lang").unwrap();
    s.wait_for("return document.documentElement.lang === 'en'", json!([]), secs(10)).unwrap();
    let body = s.js("return document.body.innerText", json!([])).unwrap().as_str().unwrap().to_string();
    assert!(body.contains("Your booking code") && body.contains("Add to calendar") && body.contains(&code), "{body}");
    assert!(s.exists_css("[data-testid='cancel-link']").unwrap(), "{body}");
    check_page(&s);

    let ics_href = s.js("return document.querySelector(\"[data-testid='ics']\").href", json!([])).unwrap().as_str().unwrap().to_string();
    let ics = http.get(&ics_href).send().unwrap();
    assert_eq!(ics.status(), 200);
    assert!(ics.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = ics.text().unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.contains("BEGIN:VEVENT\r\n") && ics.ends_with("END:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains(&format!("UID:{code}@")), "{ics}");

    s.goto(&slots_url).unwrap();
    s.wait(&slot, secs(10)).unwrap();
    let taken = slot_note(&s, &slot);
    assert_ne!(taken, before, "the booked place is taken: {before} → {taken}");

    // The same phone again, another time that day, from a LAN name over
    // plain HTTP (no WebCrypto there): the limit, naming the first booking.
    let lan = driver.phone(360, 740, &["--host-resolver-rules=MAP motcua.lan 127.0.0.1"]).unwrap();
    let lan_slots = slots_url.replace("127.0.0.1", "motcua.lan");
    assert_ne!(lan_slots, slots_url, "{slots_url}");
    lan.goto(&lan_slots).unwrap();
    lan.wait_css(".choices", secs(10)).unwrap();
    assert_eq!(lan.js("return window.isSecureContext", json!([])).unwrap(), false);
    let other = nth_choice(&lan, 1);
    lan.click(&other).unwrap();
    lan.wait("name", secs(10)).unwrap();
    fill_and_book(&lan, "0912345678");
    check_page(&lan);
    let refused = lan.data("error", "code").unwrap();
    assert_eq!(refused.as_deref(), Some("booking_limit"), "{}", lan.text("error").unwrap());
    assert_eq!(lan.text("existing-booking").unwrap(), code);
    assert!(lan.text("error").unwrap().contains("đã có lịch hẹn cho dịch vụ này"), "{}", lan.text("error").unwrap());
    lan.end().unwrap();

    // Cancel through the cancel link; the place is free again.
    s.goto(&booked_url).unwrap();
    s.click("cancel-link").unwrap();
    s.wait("confirm-cancel", secs(10)).unwrap();
    check_page(&s);
    s.click("confirm-cancel").unwrap();
    s.wait_for("return document.body.innerText.includes('Đã huỷ lịch hẹn')", json!([]), secs(10)).unwrap();
    assert!(s.text("notice").unwrap().contains("đã được trả lại"), "{}", s.text("notice").unwrap());
    s.goto(&slots_url).unwrap();
    s.wait(&slot, secs(10)).unwrap();
    assert_eq!(slot_note(&s, &slot), before, "freed");
    s.goto(&format!("{}/dat-lich/b/{code}", central.url)).unwrap();
    assert!(s.text("state").unwrap().contains("đã được huỷ"));
    s.end().unwrap();
}
