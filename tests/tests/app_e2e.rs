//! The kiosk app end to end, in its real webview: the release or debug
//! `motcua-kiosk` binary driven through tauri-driver + WebKitWebDriver
//! against the real central server with demo data. Every screen visited is
//! saved as `target/screens/NN-name.png`; `cargo xtask screens` runs this
//! test and copies them into `docs/screens` (a test run never writes there).
//!
//! Needs the app binary (`MOTCUA_KIOSK_BIN`, else `motcua-kiosk` next to the
//! test's profile), `tauri-driver` on PATH, WebKitWebDriver and a display:
//! `xvfb-run -a cargo test -p motcua-tests --test app_e2e` (what `cargo xtask
//! test` does). Without them it fails, it never skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "app_e2e/harness.rs"]
mod harness;

use std::path::Path;
use std::time::{Duration, Instant};

use harness::{kiosk_bin, pdfs, start_driver, wait_new_pdf, write_config};
use motcua_tests::webdriver::{Session, screen_path};
use motcua_tests::{Central, central_bin, spawn_central};
use serde_json::Value;

const IN_PROCESSING: &str = "000.00.12.H62-261120-0004";
const READY: &str = "000.00.23.H62-261127-0007";
const OVERDUE: &str = "000.00.15.H62-261029-0003";
const LAND_SERVICE: &str = "vp-dat-dai-tai-nguyen";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Saves screenshots in order as `target/screens/NN-name.png` (under the
/// target folder, never the source tree).
struct Shots {
    n: u32,
}

impl Shots {
    fn new() -> Self {
        Shots { n: 0 }
    }

    fn take(&mut self, s: &Session, name: &str) {
        // Let transitions and fonts settle so the picture is what a citizen sees.
        s.settle().expect("page settles");
        self.take_now(s, name);
    }

    fn take_now(&mut self, s: &Session, name: &str) {
        self.n += 1;
        let path = screen_path(&format!("{:02}-{name}", self.n));
        s.screenshot(&path).expect("screenshot");
    }
}

fn start_app(base: &str, config: &Path) -> Session {
    let started = Instant::now();
    let s = Session::start(base, &kiosk_bin(), &["--config".into(), config.display().to_string(), "--windowed".into()])
        .expect("start the kiosk app");
    s.wait_css("body[data-ready='1']", secs(30)).expect("home screen ready");
    eprintln!("app_e2e: home screen interactive {} ms after the session request", started.elapsed().as_millis());
    s
}

fn home(s: &Session) {
    if s.screen().expect("screen") != "home" {
        s.click("nav-home").or_else(|_| s.click("ticket-done")).expect("home button");
    }
    s.wait_css("main[data-screen='home']", secs(5)).expect("home");
}

/// The ticket the central server holds for a lookup URL `…/t/TOKEN`.
fn server_ticket(central: &str, lookup_url: &str) -> Value {
    let token = lookup_url.rsplit('/').next().expect("token");
    let resp = reqwest::blocking::Client::new()
        .get(format!("{central}/api/v1/tickets/{token}"))
        .bearer_auth("demo-kiosk")
        .send()
        .expect("GET ticket");
    assert!(resp.status().is_success(), "server does not know ticket {token}: {}", resp.status());
    resp.json::<Value>().expect("ticket json")
}

fn take_ticket_flow(s: &Session, shots: &mut Shots, central: &str, slips: &Path) {
    let before = pdfs(slips).len();
    s.click("home-take").expect("take a number");
    s.wait(&format!("service-{LAND_SERVICE}"), secs(10)).expect("service tiles");
    shots.take(s, "take-choose-service");
    s.click(&format!("service-{LAND_SERVICE}")).expect("land service");
    s.wait("priority-none", secs(5)).expect("priority question");
    shots.take(s, "take-priority");
    s.click("priority-none").expect("no priority");
    s.wait("ticket-number", secs(20)).expect("ticket shown");
    let decoded = "const i = document.querySelector(\"[data-testid='ticket-preview']\"); return !!i && i.complete && i.naturalWidth > 0";
    s.wait_for(decoded, serde_json::json!([]), secs(5)).expect("the slip preview decoded");
    shots.take(s, "take-ticket");
    let number = s.text("ticket-number").expect("number");
    assert!(number.starts_with('B') && number.len() == 4, "a server number like B001, got {number:?}");
    assert!(s.exists_css("[data-testid='ticket-preview'][src^='data:image/png;base64,']").expect("preview"), "the slip preview is shown");
    let decoded = s
        .js(
            "const i = document.querySelector(\"[data-testid='ticket-preview']\"); return [i.complete, i.naturalWidth, i.naturalHeight]",
            serde_json::json!([]),
        )
        .expect("img");
    assert!(decoded[1].as_u64().unwrap_or(0) >= 384, "the preview is a real slip image: {decoded}");
    let url = s.data("ticket-screen", "lookupUrl").expect("data").expect("lookup url");
    let server = server_ticket(central, &url);
    assert_eq!(server["ticket"]["number"], number.as_str(), "the number on screen is the server's");
    let new = wait_new_pdf(slips, before);
    assert_eq!(new.len(), before + 1, "one slip printed");
    s.click("ticket-done").expect("done");
    s.wait_css("main[data-screen='home']", secs(5)).expect("home after the ticket");

    // A counter calls the ticket: the now-serving strip shows it (engine event → Tauri event).
    let http = reqwest::blocking::Client::new();
    let catalog: Value =
        http.get(format!("{central}/api/v1/catalog")).bearer_auth("demo-kiosk").send().expect("catalog").json().expect("json");
    let counter = catalog["counters"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["services"].as_array().is_some_and(|s| s.iter().any(|x| x == LAND_SERVICE))))
        .and_then(|c| c["id"].as_str())
        .expect("a counter of the land service")
        .to_string();
    let called = http.post(format!("{central}/api/v1/counters/{counter}/call-next")).bearer_auth("demo-staff").send().expect("call next");
    assert!(called.status().is_success(), "call-next: {}", called.status());
    s.wait_css(&format!("[data-testid='serving-item'][data-number='{number}']"), secs(20)).expect("the strip shows the called number");
    shots.take(s, "home-now-serving");
}

fn search_flow(s: &Session, shots: &mut Shots) {
    s.click("home-take").expect("take a number");
    s.click("take-search").expect("search");
    s.wait("keyboard-text", secs(5)).expect("keyboard");
    // Telex: "ddaats" composes "đất"; the search itself ignores accents.
    s.tap_keys("ddaats").expect("type");
    assert_eq!(s.text("search-input").expect("input").trim(), "đất");
    s.wait("search-hit-0", secs(5)).expect("results");
    shots.take(s, "take-search-telex");
    home(s);
}

fn lookup_typed_flow(s: &Session, shots: &mut Shots) {
    s.click("home-lookup").expect("lookup");
    s.wait("keyboard-code", secs(5)).expect("code keyboard");
    s.tap_keys(IN_PROCESSING).expect("type the code");
    assert_eq!(s.text("code-input").expect("input").trim(), IN_PROCESSING);
    shots.take(s, "lookup-keyboard");
    s.click("key-enter").expect("look up");
    s.wait("dossier", secs(10)).expect("dossier shown");
    assert_eq!(s.data("dossier", "code").expect("data").as_deref(), Some(IN_PROCESSING));
    assert_eq!(s.data("dossier", "status").expect("data").as_deref(), Some("4"));
    assert!(s.text("dossier-status").expect("status").contains("Đang xử lý"));
    let applicant = s.text("dossier-applicant").expect("applicant");
    assert!(applicant.contains('*'), "the name is masked on a public screen: {applicant}");
    shots.take(s, "lookup-dossier-processing");
    home(s);
}

fn lookup_garbage_flow(s: &Session, shots: &mut Shots) {
    s.click("home-lookup").expect("lookup");
    s.tap_keys("ABC-12").expect("type garbage");
    s.click("key-enter").expect("look up");
    s.wait("error", secs(10)).expect("error shown");
    assert_eq!(s.data("error", "code").expect("data").as_deref(), Some("not_a_code"));
    let msg = s.text("error-message").expect("message");
    assert!(msg.contains("mã hồ sơ"), "a clear Vietnamese message, got {msg:?}");
    assert_eq!(s.screen().expect("screen"), "lookup", "the citizen stays where the code can be fixed");
    shots.take(s, "lookup-not-a-code");
    home(s);
}

fn scanner_flow(s: &Session, shots: &mut Shots) {
    // On the home screen, nothing focused: a receipt's barcode is scanned.
    s.scanner_burst(READY).expect("burst");
    s.wait("dossier", secs(10)).expect("dossier from a scan");
    assert_eq!(s.data("dossier", "code").expect("data").as_deref(), Some(READY));
    assert_eq!(s.data("dossier", "status").expect("data").as_deref(), Some("9"));
    assert!(s.exists_css("[data-testid='dossier-take-collect']").expect("collect button"));
    shots.take(s, "scan-dossier-ready");
    home(s);
    // A scanner URL with the code inside also works, and an overdue dossier says so.
    s.scanner_burst(&format!("https://dichvucong.vinhphuc.gov.vn/tra-cuu?ma={OVERDUE}")).expect("burst");
    s.wait("dossier-overdue", secs(10)).expect("overdue badge");
    shots.take(s, "scan-dossier-overdue");
    home(s);
}

fn collect_not_ready_flow(s: &Session, shots: &mut Shots) {
    s.click("home-collect").expect("collect");
    s.wait("keyboard-code", secs(5)).expect("code keyboard");
    shots.take(s, "collect-scan-or-type");
    s.scanner_burst(IN_PROCESSING).expect("burst");
    s.wait("not-ready", secs(15)).expect("not ready yet");
    assert!(s.text("not-ready-due").expect("due").contains("ngày"), "the due date is shown");
    shots.take(s, "collect-not-ready");
    s.click("not-ready-done").expect("home");
    s.wait_css("main[data-screen='home']", secs(5)).expect("home");
}

fn procedure_flow(s: &Session, shots: &mut Shots) {
    s.click("home-procedures").expect("procedures");
    s.wait("agencies", secs(10)).expect("agencies");
    s.click("agency-so-tu-phap").expect("justice");
    s.wait("fields", secs(5)).expect("fields");
    s.js("document.querySelector(\"[data-testid='fields'] button\").click()", serde_json::json!([])).expect("first field");
    s.wait("procedure-list", secs(5)).expect("procedures of the field");
    s.js("document.querySelector(\"[data-testid='procedure-list'] button\").click()", serde_json::json!([])).expect("first procedure");
    s.wait("procedure-documents", secs(10)).expect("procedure detail");
    shots.take(s, "procedure-detail");
    s.click("procedure-print").expect("print checklist");
    s.wait("procedure-printed", secs(10)).expect("checklist printed");
    home(s);
}

fn rating_flow(s: &Session, shots: &mut Shots, slips: &Path) {
    // Take a ticket, then rate it by scanning the slip's QR (its lookup URL).
    let before = pdfs(slips).len();
    s.click("home-take").expect("take");
    s.click(&format!("service-{LAND_SERVICE}")).expect("service");
    s.click("priority-vp-tinh-nguoi-cao-tuoi").expect("elderly priority");
    s.wait("ticket-number", secs(20)).expect("ticket");
    assert!(s.text("ticket-priority").expect("priority").contains("cao tuổi"));
    let url = s.data("ticket-screen", "lookupUrl").expect("data").expect("url");
    wait_new_pdf(slips, before);
    s.click("ticket-done").expect("done");
    s.click("home-rating").expect("rating");
    s.wait("keyboard-code", secs(5)).expect("rating asks for the ticket");
    s.scanner_burst(&url).expect("scan the ticket QR");
    s.wait("rating-faces", secs(10)).expect("faces");
    s.click("rate-3").expect("very satisfied");
    shots.take(s, "rating-faces");
    s.click("rating-send").expect("send");
    s.wait("thanks", secs(10)).expect("thanks");
    shots.take(s, "rating-thanks");
    // The thank-you screen also goes home by itself after a few seconds.
    if s.screen().expect("screen") == "thanks" {
        let _ = s.click("thanks-home");
    }
    s.wait_css("main[data-screen='home']", secs(10)).expect("home after the rating");
}

fn language_flow(s: &Session, shots: &mut Shots) {
    assert_eq!(s.text("screen-title").expect("title"), "Xin mời chọn việc ông/bà cần làm");
    s.click("lang-switch").expect("switch to English");
    assert_eq!(s.text("screen-title").expect("title"), "Please choose what you need");
    assert!(s.text("home-take").expect("tile").contains("Take a number"));
    shots.take(s, "home-english");
    s.click("large-switch").expect("large text");
    assert!(s.exists_css("html.large").expect("large"));
    shots.take(s, "home-english-large-text");
    s.click("large-switch").expect("normal text");
    s.click("lang-switch").expect("back to Vietnamese");
    assert_eq!(s.text("screen-title").expect("title"), "Xin mời chọn việc ông/bà cần làm");
}

/// The slip follows the language on screen, not the configured one (vi).
fn english_slip_flow(s: &Session, slips: &Path) {
    let before = pdfs(slips);
    s.click("lang-switch").expect("English");
    s.click("home-take").expect("take");
    s.click(&format!("service-{LAND_SERVICE}")).expect("service");
    s.click("priority-none").expect("no priority");
    s.wait("ticket-number", secs(20)).expect("ticket");
    let new: Vec<_> = wait_new_pdf(slips, before.len()).into_iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(new.len(), 1, "one new slip: {new:?}");
    let words = motcua_tests::pdf_words(&new[0]);
    assert!(words.contains("YOUR NUMBER") && words.contains("Land, natural resources"), "an English slip: {words}");
    assert!(!words.contains("SỐ THỨ TỰ"), "{words}");
    s.click("ticket-done").expect("done");
}

fn idle_flow(s: &Session, shots: &mut Shots) {
    s.click("lang-switch").expect("English");
    s.click("home-lookup").expect("lookup");
    s.tap_keys("000.00.12").expect("type part of a code");
    // idle_timeout_s = 10: the countdown shows for the last 5 s.
    s.wait("idle-dialog", secs(12)).expect("countdown shown");
    shots.take(s, "idle-countdown");
    s.wait_css("main[data-screen='home']", secs(12)).expect("back home");
    assert!(s.exists_css("#idle-overlay[hidden]").expect("overlay"), "the countdown is gone");
    assert_eq!(s.text("screen-title").expect("title"), "Xin mời chọn việc ông/bà cần làm", "language back to the default");
    s.click("home-lookup").expect("lookup again");
    assert!(s.exists_css("[data-testid='code-input'] .placeholder").expect("input"), "the last citizen's typing is cleared");
    home(s);
    // The admin PIN pad opened by accident and left alone closes by itself.
    for _ in 0..5 {
        s.click("admin-corner").expect("corner");
    }
    s.wait("admin-dialog", secs(5)).expect("PIN pad");
    s.wait_css("#admin-overlay[hidden]", secs(15)).expect("the PIN pad closes after the idle timeout");
}

fn offline_flow(s: &Session, shots: &mut Shots, mut central: Central, slips: &Path) {
    central.stop();
    let before = pdfs(slips).len();
    s.click("home-take").expect("take");
    s.click(&format!("service-{LAND_SERVICE}")).expect("service (catalog cached)");
    s.click("priority-none").expect("no priority");
    // The kiosk waits `online_budget_ms` for the server first: the printing screen shows meanwhile.
    if s.exists_css("[data-testid='printing']").expect("printing?") {
        shots.take_now(s, "printing");
    }
    s.wait("ticket-number", secs(30)).expect("an offline ticket");
    assert_eq!(s.data("ticket-screen", "offline").expect("data").as_deref(), Some("true"));
    let number = s.text("ticket-number").expect("number");
    assert!(number.starts_with("B-"), "an offline number like B-E7-001, got {number:?}");
    assert!(s.exists_css("[data-testid='ticket-offline']").expect("note"));
    wait_new_pdf(slips, before);
    s.wait("banner-offline", secs(20)).expect("offline banner");
    shots.take(s, "offline-ticket");
    s.click("ticket-done").expect("done");
    s.wait("banner-offline", secs(5)).expect("banner on home");
    shots.take(s, "offline-home-banner");
}

#[test]
fn kiosk_app_end_to_end() {
    let started = Instant::now();
    let _ = kiosk_bin();
    let tmp = tempfile::tempdir().expect("tempdir");
    let central = spawn_central(central_bin!(), &tmp.path().join("central.db"));
    let central_url = central.url.clone();
    let slips = tmp.path().join("slips");
    let (_driver, base) = start_driver();
    let mut shots = Shots::new();

    // Session 1: a patient idle timeout, for the citizen flows.
    let config = write_config(tmp.path(), "main", &central_url, &slips, 300);
    let s = start_app(&base, &config);
    shots.take(&s, "home");
    language_flow(&s, &mut shots);
    take_ticket_flow(&s, &mut shots, &central_url, &slips);
    search_flow(&s, &mut shots);
    lookup_typed_flow(&s, &mut shots);
    lookup_garbage_flow(&s, &mut shots);
    scanner_flow(&s, &mut shots);
    collect_not_ready_flow(&s, &mut shots);
    procedure_flow(&s, &mut shots);
    rating_flow(&s, &mut shots, &slips);
    english_slip_flow(&s, &slips);
    s.end().expect("end session 1");

    // Session 2: a 10 s idle timeout, then the server goes away.
    let config = write_config(tmp.path(), "idle", &central_url, &slips, 10);
    let s = start_app(&base, &config);
    // A number is being served (called in session 1): the strip says so at
    // once, not after the first poll.
    s.wait_css("[data-testid='serving-item']", Duration::from_millis(1000)).expect("the now-serving strip is right within a second");
    idle_flow(&s, &mut shots);
    offline_flow(&s, &mut shots, central, &slips);
    s.end().expect("end session 2");
    eprintln!("app_e2e: {} screenshots in target/screens, {:?} in all", shots.n, started.elapsed());
}
