//! Every kiosk screen fits the screens lobbies use, in the real app: portrait
//! 1080×1920 (standing kiosks), 1920×1080, 1366×768 and 1280×1024. On each
//! size the app is started with `--window-size`, walked through every screen
//! (and through the pages of long lists), and each screen is checked the way
//! a citizen would notice: nothing scrolls, every button, heading and the
//! ticket number lies inside the window and is not cut off, text is at least
//! 24 px and touch targets at least 72 px, the ticket number is one line.
//! Screenshots go to `target/screens/sizes/WxH-NN-name.png`.
//!
//! `MOTCUA_SCREEN_SIZES=1366x768,1080x1920` runs only some sizes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)] // the slip helpers serve the other app tests
#[path = "app_e2e/harness.rs"]
mod harness;

use std::time::Duration;

use harness::{kiosk_bin, start_driver, write_config};
use motcua_central::sources::upstream::{DEMO_CARD_DOSSIERS, DEMO_ID_CARD};
use motcua_tests::webdriver::{Session, screen_path};
use motcua_tests::{Central, DOSSIER_PROCESSING, DOSSIER_READY, LAND, central_bin};
use serde_json::{Value, json};

const SIZES: &[(u32, u32)] = &[(1080, 1920), (1920, 1080), (1366, 768), (1280, 1024)];

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// What a citizen would notice on the screen shown; one line per problem.
const FIT_CHECK: &str = r#"
const vw = window.innerWidth, vh = window.innerHeight;
const problems = [];
const name = (el) => {
  const id = el.dataset?.testid ? `[${el.dataset.testid}]` : "";
  const text = (el.innerText || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 40);
  return `${el.tagName.toLowerCase()}${id} "${text}"`;
};
const shown = (el) => {
  if (el.closest("[hidden]") || el.closest(".visually-hidden")) return false;
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && cs.visibility !== "hidden" && cs.display !== "none";
};
// Where the layer on top is open, only it counts.
const overlay = [...document.querySelectorAll(".overlay")].find((o) => !o.hidden);
const root = overlay || document.body;
for (const el of [document.scrollingElement, document.body, document.querySelector("main"), ...document.querySelectorAll(".dialog")]) {
  if (el && shown(el) && el.scrollHeight > el.clientHeight + 2) problems.push(`scrolls: ${name(el)} ${el.scrollHeight} > ${el.clientHeight}`);
}
const clipped = (el) => {
  const r = el.getBoundingClientRect();
  if (r.top < -1 || r.left < -1 || r.bottom > vh + 1 || r.right > vw + 1) return `outside the ${vw}×${vh} window at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`;
  for (let a = el.parentElement; a; a = a.parentElement) {
    const cs = getComputedStyle(a);
    if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
    const ar = a.getBoundingClientRect();
    if (r.bottom > ar.bottom + 1 || r.top < ar.top - 1 || r.right > ar.right + 1 || r.left < ar.left - 1) return `cut off by ${name(a)}`;
  }
  return null;
};
for (const el of root.querySelectorAll("button, h1, h2, [data-testid=ticket-number], .pager-count, input")) {
  if (!shown(el) || el.classList.contains("admin-corner")) continue;
  const why = clipped(el);
  if (why) problems.push(`${name(el)}: ${why}`);
  if (el.tagName === "BUTTON") {
    const r = el.getBoundingClientRect();
    if (r.width < 71.5 || r.height < 71.5) problems.push(`${name(el)}: touch target ${Math.round(r.width)}×${Math.round(r.height)} < 72 px`);
    if (el.scrollHeight > el.clientHeight + 2 || el.scrollWidth > el.clientWidth + 2) problems.push(`${name(el)}: its text spills out of the button`);
  }
}
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
const seen = new Set();
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!el || seen.has(el) || !n.textContent.trim() || !shown(el)) continue;
  seen.add(el);
  const px = parseFloat(getComputedStyle(el).fontSize);
  if (px < 23.5) problems.push(`${name(el)}: text ${px} px < 24 px`);
}
const num = document.querySelector("[data-testid=ticket-number]");
if (num && shown(num)) {
  const lh = parseFloat(getComputedStyle(num).fontSize) * 1.3;
  if (num.getBoundingClientRect().height > lh) problems.push(`ticket number wraps: ${num.getBoundingClientRect().height} px tall`);
  if (num.scrollWidth > num.clientWidth + 1) problems.push(`ticket number wider than its box`);
}
return problems;
"#;

struct Walk<'a> {
    s: &'a Session,
    size: (u32, u32),
    n: u32,
    problems: Vec<String>,
}

impl Walk<'_> {
    /// Checks the screen shown and saves its picture.
    fn check(&mut self, what: &str) {
        let t0 = std::time::Instant::now();
        self.s.settle().expect("settle");
        let t1 = t0.elapsed();
        self.n += 1;
        let (w, h) = self.size;
        let path = screen_path(&format!("sizes/{w}x{h}-{:02}-{what}", self.n));
        self.s.screenshot(&path).expect("screenshot");
        let t2 = t0.elapsed();
        let found = self.s.js(FIT_CHECK, json!([])).expect("fit check");
        eprintln!("check {what}: settle {t1:?} shot {t2:?} all {:?}", t0.elapsed());
        for p in found.as_array().into_iter().flatten().filter_map(Value::as_str) {
            self.problems.push(format!("{w}×{h} {what}: {p}"));
        }
    }

    /// Checks every page of the list `testid` (a pager), then goes back to its first page.
    fn check_pages(&mut self, testid: &str, what: &str) {
        self.check(what);
        let pages = self.pages(testid);
        for page in 2..=pages {
            self.s.click(&format!("{testid}-next")).expect("next page");
            self.check(&format!("{what}-page{page}"));
        }
        for _ in 1..pages {
            self.s.click(&format!("{testid}-prev")).expect("previous page");
        }
    }

    fn pages(&self, testid: &str) -> u64 {
        let v = self
            .s
            .js("const b = document.querySelector(`[data-testid='${arguments[0]}']`); return b ? Number(b.closest('.pager')?.dataset.pages || 1) : 0", json!([testid]))
            .expect("pages");
        v.as_u64().unwrap_or(0)
    }

    /// A code keyboard screen opened by the home tile `tile`: with `typed`
    /// typed (`NAME-keyboard`), then with a code that is none (`NAME-error`).
    fn code_screen(&mut self, tile: &str, typed: &str, name: &str) {
        self.s.click(tile).expect("the home tile");
        self.s.wait("keyboard-code", secs(5)).expect("keyboard");
        self.s.tap_keys(typed).expect("type");
        self.check(&format!("{name}-keyboard"));
        self.s.click("key-clear").expect("clear");
        self.s.tap_keys("ABC").expect("garbage");
        self.s.click("key-enter").expect("enter");
        self.s.wait("error", secs(10)).expect("error");
        self.check(&format!("{name}-error"));
    }

    fn home(&self) {
        if self.s.screen().expect("screen") != "home" {
            self.s.click("nav-home").or_else(|_| self.s.click("ticket-done")).expect("home button");
        }
        self.s.wait_css("main[data-screen='home']", secs(5)).expect("home");
    }
}

/// The demo's bookings (README, Appointments): slot 0 can be checked in
/// when the server starts, until 15 minutes after it; slot 1 from then on for
/// half an hour; slot 3 is too early for an hour at least.
const DEMO_NOW: &str = "DEM-KHA";
const DEMO_NEXT: &str = "DEM-KHD";
const DEMO_TOO_EARLY: &str = "DEM-KHE";

/// Opens the appointment screen from the home screen.
fn open_booking(s: &Session) {
    s.click("home-booking").expect("I have an appointment");
    s.wait("keyboard-code", secs(5)).expect("booking keyboard");
}

/// Types `code` on the appointment screen and taps enter.
fn type_booking_code(s: &Session, code: &str) {
    s.tap_keys(code).expect("type the code");
    s.click("key-enter").expect("enter");
}

/// Checks a demo booking in from the home screen (slot 0's, or slot 1's once
/// slot 0 has lapsed) and waits for its ticket.
fn check_in_demo(s: &Session) {
    for code in [DEMO_NOW, DEMO_NEXT] {
        open_booking(s);
        type_booking_code(s, code);
        s.wait_css("[data-testid='ticket-appointment'], [data-testid='booking-problem'][data-code='booking_lapsed']", secs(20))
            .expect("checked in, or lapsed");
        if s.exists_css("[data-testid='ticket-appointment']").expect("ticket") {
            return;
        }
        s.click("booking-home").expect("home");
    }
    panic!("neither {DEMO_NOW} nor {DEMO_NEXT} could be checked in");
}

fn walk(s: &Session, size: (u32, u32), central: &mut motcua_tests::Central, kiosk_id: &str) -> Vec<String> {
    let mut w = Walk { s, size, n: 0, problems: Vec::new() };
    // Only this run's pictures of this size.
    let prefix = format!("{}x{}-", size.0, size.1);
    if let Some(dir) = screen_path(&format!("sizes/{prefix}x")).parent()
        && let Ok(rd) = std::fs::read_dir(dir)
    {
        for e in rd.flatten().filter(|e| e.file_name().to_string_lossy().starts_with(&prefix)) {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let inner = s.js("return [window.innerWidth, window.innerHeight]", json!([])).expect("size");
    assert_eq!(inner, json!([size.0, size.1]), "the window has the size asked for with --window-size");

    w.check("home");
    // The center's notice on the home screen: everything still fits.
    let http = reqwest::blocking::Client::new();
    let staff = |method: reqwest::Method, path: String, body: Option<Value>| {
        let mut req = http.request(method, format!("{}{path}", central.url)).bearer_auth("demo-staff");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().expect("staff request");
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
    };
    let notice = json!({"text_vi": "Chiều thứ Sáu 02/01/2027 Trung tâm nghỉ để bảo trì hệ thống; ông/bà vui lòng quay lại sáng thứ Hai.",
                        "text_en": "On Friday afternoon 02/01/2027 the center closes for system maintenance; please come back on Monday morning."});
    staff(reqwest::Method::PUT, "/api/v1/notice".into(), Some(notice));
    s.wait("notice-banner", secs(15)).expect("the notice");
    w.check("home-notice");
    staff(reqwest::Method::DELETE, "/api/v1/notice".into(), None);
    s.wait_css("main[data-screen='home']:not(:has([data-testid='notice-banner']))", secs(15)).expect("the notice goes");
    // Maintenance: the calm full-screen message fits too.
    let kiosk_path = format!("/api/v1/kiosks/{kiosk_id}/maintenance");
    staff(reqwest::Method::PUT, kiosk_path.clone(), Some(json!({"on": true})));
    s.wait_css("[data-testid='maintenance']:not([hidden])", secs(15)).expect("maintenance");
    w.check("maintenance");
    staff(reqwest::Method::PUT, kiosk_path, Some(json!({"on": false})));
    s.wait_css("[data-testid='maintenance'][hidden], body:not(:has([data-testid='maintenance']))", secs(15)).expect("maintenance ends");
    s.click("lang-switch").expect("English");
    w.check("home-english");
    s.click("lang-switch").expect("Vietnamese");

    s.click("home-take").expect("take a number");
    s.wait("services", secs(10)).expect("services");
    w.check_pages("services", "services");
    s.click(&format!("service-{LAND}")).expect("a service (through the pages)");
    s.wait("priority-none", secs(5)).expect("priority");
    assert!(s.exists_css("[data-testid='priority-vp-tinh-nguoi-cao-tuoi']").expect("tiles"), "the priority categories are tiles");
    w.check_pages("priority", "priority");
    s.click("priority-none").expect("no priority");
    s.wait("ticket-number", secs(20)).expect("ticket");
    s.wait_for(
        "const i = document.querySelector(\"[data-testid='ticket-preview']\"); return !!i && i.complete && i.naturalWidth > 0",
        json!([]),
        secs(5),
    )
    .expect("slip preview");
    w.check("ticket");
    s.click("ticket-done").expect("done");

    s.click("home-take").expect("take");
    s.click("take-search").expect("search");
    s.tap_keys("ddaats").expect("type");
    s.wait("search-hit-0", secs(5)).expect("results");
    w.check_pages("search-hits", "search");
    w.home();

    s.click("home-take").expect("take");
    s.click("take-agency").expect("by agency");
    s.wait("agencies", secs(5)).expect("agencies");
    w.check_pages("agencies", "agencies");
    w.home();

    w.code_screen("home-lookup", "000.00-AB", "lookup");
    w.home();

    s.scanner_burst(DOSSIER_PROCESSING).expect("scan");
    s.wait("dossier", secs(10)).expect("dossier");
    w.check_pages("dossier-history", "dossier");
    w.home();
    s.scanner_burst(DOSSIER_READY).expect("scan");
    s.wait("dossier-take-collect", secs(10)).expect("ready dossier");
    w.check("dossier-ready");
    w.home();
    s.scanner_burst("000.00.12.H62-201105-9999").expect("scan an unknown code");
    s.wait("error", secs(10)).expect("error screen");
    w.check("error-screen");
    w.home();

    // A chip ID card: its holder's dossiers, one of them received at a commune
    // center (with "may be out of date": this server's limit is one second),
    // and a card that matches nothing.
    s.scanner_burst(DEMO_ID_CARD).expect("scan a card");
    s.wait("card-dossiers", secs(10)).expect("the card's dossiers");
    w.check_pages("card-list", "card-dossiers");
    s.click(&format!("card-dossier-{}", DEMO_CARD_DOSSIERS[0])).expect("open the ward's dossier");
    s.wait("dossier", secs(10)).expect("the ward's dossier");
    w.check_pages("dossier-pages", "dossier-elsewhere");
    w.home();
    s.scanner_burst(&DEMO_ID_CARD.replace("001099012345", "079203000111")).expect("scan an unknown card");
    s.wait("card-none", secs(10)).expect("no dossier for the card");
    w.check("card-none");
    w.home();

    s.click("home-collect").expect("collect");
    s.wait("keyboard-code", secs(5)).expect("keyboard");
    w.check("collect");
    s.scanner_burst(DOSSIER_PROCESSING).expect("scan");
    s.wait("not-ready", secs(15)).expect("not ready");
    w.check("collect-not-ready");
    s.click("not-ready-done").expect("home");

    s.click("home-procedures").expect("procedures");
    s.wait("agencies", secs(10)).expect("agencies");
    w.check_pages("agencies", "procedures");
    s.js("document.querySelector(\"[data-testid='agencies'] button\").click()", json!([])).expect("first agency");
    s.wait("fields", secs(5)).expect("fields");
    w.check_pages("fields", "fields");
    s.js("document.querySelector(\"[data-testid='fields'] button\").click()", json!([])).expect("first field");
    s.wait("procedure-list", secs(5)).expect("procedures");
    w.check_pages("procedure-list", "procedure-list");
    s.js("document.querySelector(\"[data-testid='procedure-list'] button\").click()", json!([])).expect("first procedure");
    s.wait("procedure-documents", secs(10)).expect("procedure");
    w.check_pages("procedure-documents", "procedure");
    w.home();

    s.click("home-rating").expect("rating");
    s.wait("keyboard-code", secs(5)).expect("rating keyboard");
    w.check("rating-ask");
    w.home();

    // Appointments: the code keyboard, a code that is none, too early, and
    // the appointment ticket checked in a second time (its longest form).
    w.code_screen("home-booking", "DEM-K", "booking");
    s.click("key-clear").expect("clear");
    type_booking_code(s, DEMO_TOO_EARLY);
    s.wait("booking-too-early", secs(15)).expect("too early");
    w.check("booking-too-early");
    w.home();
    check_in_demo(s);
    s.click("ticket-done").expect("done");
    check_in_demo(s);
    s.wait("ticket-repeat", secs(5)).expect("the second check-in is a reprint");
    w.check("ticket-appointment");
    s.click("ticket-done").expect("done");

    // The admin exit: five taps in the corner, then the PIN pad, which must fit.
    for _ in 0..5 {
        s.click("admin-corner").expect("corner");
    }
    s.wait("admin-dialog", secs(5)).expect("PIN pad");
    w.check("admin-pin");
    s.click("pin-0").expect("0 can be typed");
    s.click("admin-cancel").expect("cancel");
    assert!(s.exists_css("#admin-overlay[hidden]").expect("overlay"), "Hủy closes the PIN pad");

    // The longest number there is: an offline ticket of a kiosk with a four-letter code.
    central.stop();
    s.click("home-take").expect("take");
    s.click(&format!("service-{LAND}")).expect("service");
    s.click("priority-none").expect("no priority");
    s.wait_css("[data-testid='ticket-screen'][data-offline='true']", secs(30)).expect("an offline ticket");
    let number = s.text("ticket-number").expect("number");
    assert!(number.starts_with("B-LOB1-"), "an offline number with the kiosk code, got {number:?}");
    w.check("ticket-offline");
    s.click("ticket-done").expect("done");
    // A booking cannot be checked offline: said so, with an ordinary number one tap away.
    open_booking(s);
    w.check("booking-offline-keyboard");
    type_booking_code(s, DEMO_TOO_EARLY);
    s.wait_css("[data-testid='booking-problem'][data-code='booking_unverified']", secs(30)).expect("cannot verify");
    w.check("booking-unverified");
    w.home();
    central.restart();
    w.problems
}

#[test]
fn every_screen_fits_every_lobby_screen_size() {
    let _ = kiosk_bin();
    let sizes: Vec<(u32, u32)> = match std::env::var("MOTCUA_SCREEN_SIZES") {
        Ok(v) if !v.trim().is_empty() => v
            .split(',')
            .map(|s| {
                let (w, h) = s.trim().split_once('x').expect("WxH");
                (w.parse().expect("width"), h.parse().expect("height"))
            })
            .collect(),
        _ => SIZES.to_vec(),
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    // Word from the source is old after a second: the dossier screen's longest form, with its warning.
    let mut central = Central::spawn(central_bin!(), &tmp.path().join("central.db"), ["--demo", "--dossier-stale-after", "1s"]);
    let slips = tmp.path().join("slips");
    let (_driver, base) = start_driver();
    let mut problems = Vec::new();
    for (w, h) in sizes {
        let config = write_config(tmp.path(), &format!("s{w}x{h}"), &central.url, &slips, 300);
        let text = std::fs::read_to_string(&config).expect("config");
        let text: String = text
            .lines()
            .map(|l| if l.starts_with("kiosk_code") { "kiosk_code = \"LOB1\"\n".to_string() } else { format!("{l}\n") })
            .collect();
        std::fs::write(&config, text).expect("config");
        let s = Session::start(
            &base,
            &kiosk_bin(),
            &["--config".into(), config.display().to_string(), "--windowed".into(), "--window-size".into(), format!("{w}x{h}")],
        )
        .expect("start the kiosk app");
        s.wait_css("body[data-ready='1']", secs(30)).expect("home screen");
        problems.extend(walk(&s, (w, h), &mut central, &format!("kiosk-e2e-s{w}x{h}")));
        s.end().expect("end");
    }
    assert!(problems.is_empty(), "{} problems a citizen would see:\n{}", problems.len(), problems.join("\n"));
}
