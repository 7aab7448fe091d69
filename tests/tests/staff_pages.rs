//! The staff half of the lobby in a real browser: Debian's chromium, headless,
//! driven through chromedriver against the real `motcua-central --demo`.
//! An officer signs in and works the counter console; the lobby board in
//! another browser follows within a second and queues the voice; the kiosk's
//! now-serving data and the citizen's phone page follow too. The board
//! reconnects by itself after the server restarts, asks for a touch when
//! sound is blocked, and refused staff actions change nothing.
//!
//! Screenshots go to target/screens/ (console, board landscape and portrait).
//! Needs `chromium` and `chromium-driver` (`cargo xtask setup` installs them);
//! without them it fails, it never skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use motcua_tests::webdriver::{Chromedriver, Session, screen_path};
use motcua_tests::{BUILDING, BUSINESS, Central, DOSSIER_READY, LAND, central_bin, spawn_central};
use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::{Value, json};

/// W3C key value of F1.
const F1: &str = "\u{E031}";
const PRIORITY_ELDERLY: &str = "vp-tinh-nguoi-cao-tuoi";
const RESULTS: &str = "vp-tra-ket-qua";

/// Browser tests one at a time: two cores, and the timing checks are about
/// the product, not about chromium instances fighting for a CPU.
static BROWSERS: Mutex<()> = Mutex::new(());

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// The demo server in a temp folder, plain HTTP to it, and chromedriver.
struct Lobby {
    central: Central,
    http: Client,
    driver: Option<Chromedriver>,
    _dir: tempfile::TempDir,
}

impl Lobby {
    fn start(browsers: bool) -> Lobby {
        let dir = tempfile::tempdir().unwrap();
        let central = spawn_central(central_bin!(), &dir.path().join("central.db"));
        let http = Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(secs(30)).build().unwrap();
        let driver = browsers.then(|| Chromedriver::start().unwrap_or_else(|e| panic!("{e}")));
        Lobby { central, http, driver, _dir: dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.central.url)
    }

    fn browser(&self, width: u32, height: u32, autoplay: bool) -> Session {
        self.driver.as_ref().expect("chromedriver").browser(width, height, autoplay).unwrap()
    }

    /// A ticket taken at the kiosk (demo-kiosk token).
    fn take_ticket(&self, service: &str, extra: Value) -> Value {
        let mut body = json!({"service_id": service, "kiosk_id": "kiosk-test-1"});
        body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
        let key = format!("staff-pages-{}-{}", now_ms(), rand_suffix());
        let resp = self
            .http
            .post(self.url("/api/v1/tickets"))
            .bearer_auth("demo-kiosk")
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .unwrap();
        assert!(resp.status().is_success(), "take a ticket: {}", resp.text().unwrap());
        resp.json::<Value>().unwrap()["ticket"].clone()
    }

    /// GET with a bearer token; (status, JSON or null).
    fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let resp = self.http.get(self.url(path)).bearer_auth(token).send().unwrap();
        let status = resp.status();
        (status, resp.json().unwrap_or(Value::Null))
    }

    /// POST JSON with a bearer token; (status, JSON or null).
    fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let resp = self.http.post(self.url(path)).bearer_auth(token).json(&body).send().unwrap();
        let status = resp.status();
        (status, resp.json().unwrap_or(Value::Null))
    }

    /// What the kiosk's now-serving strip reads: service → (waiting, [(counter number, number)]).
    fn kiosk_queues(&self) -> HashMap<String, (u64, Vec<(u64, String)>)> {
        let (status, v) = self.get("/api/v1/queues", "demo-kiosk");
        assert_eq!(status, StatusCode::OK);
        v["queues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                let serving = q["serving"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| (s["counter"]["number"].as_u64().unwrap(), s["number"].as_str().unwrap().to_string()))
                    .collect();
                (q["service_id"].as_str().unwrap().to_string(), (q["waiting"].as_u64().unwrap(), serving))
            })
            .collect()
    }

    /// The citizen's phone page for a ticket.
    fn phone_page(&self, ticket: &Value) -> String {
        self.http.get(self.url(&format!("/t/{}", ticket["token"].as_str().unwrap()))).send().unwrap().text().unwrap()
    }

    /// A counter's console as the staff API sees it.
    fn console(&self, counter: &str) -> Value {
        let (status, v) = self.get(&format!("/api/v1/counters/{counter}/console"), "demo-staff");
        assert_eq!(status, StatusCode::OK, "{v}");
        v
    }

    /// Opens the board with the display token (kept in a cookie) and waits for its first read and its stream.
    fn open_board(&self, s: &Session, query: &str) {
        s.goto(&self.url(&format!("/bang-hien-thi?center=vp-tinh&token=demo-display{query}"))).unwrap();
        assert!(!s.url().unwrap().contains("token="), "the token is taken out of the address");
        s.wait_css("body[data-ready='1']", secs(10)).unwrap();
        s.wait_css("html[data-live='open']", secs(10)).unwrap();
    }

    /// Signs in through the form and lands on the console.
    fn sign_in(&self, s: &Session, user: &str, lang: &str) {
        s.goto(&self.url(&format!("/dang-nhap{lang}"))).unwrap();
        s.type_into("username", user).unwrap();
        s.type_into("password", "demo").unwrap();
        s.click("sign-in").unwrap();
        s.wait("console", secs(10)).unwrap();
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// How many calls the board has recorded (window.__board.events).
fn events_len(board: &Session) -> u64 {
    board.js("return window.__board.events.length", json!([])).unwrap().as_u64().unwrap()
}

/// The board's record of a call of `number` after the first `since` ones, waited for.
fn board_event(board: &Session, number: &str, since: u64, timeout: Duration) -> Value {
    board
        .wait_for(
            "return window.__board.events.slice(arguments[1]).find(e => e.number === arguments[0] && e.shown_at) || null",
            json!([number, since]),
            timeout,
        )
        .unwrap()
}

/// F1 on the console as an officer presses it: the focus on nothing in
/// particular, and not right after the previous press (a bounce is ignored).
fn f1(console: &Session) {
    console.js("document.activeElement?.blur()", json!([])).unwrap();
    // Longer than the console's CALL_BOUNCE_MS (600): a known interval, not a guess.
    std::thread::sleep(Duration::from_millis(700));
    console.press(F1).unwrap();
}

/// The board's counter tile: (state, serving, text).
fn tile(board: &Session, counter: u32) -> (String, String, String) {
    let v = board
        .js(
            "const t = document.querySelector(`[data-testid='board-counter-${arguments[0]}']`); return t ? [t.dataset.state, t.dataset.serving, t.innerText] : null",
            json!([counter]),
        )
        .unwrap();
    (v[0].as_str().unwrap().into(), v[1].as_str().unwrap().into(), v[2].as_str().unwrap().into())
}

fn wait_tile(board: &Session, counter: u32, state: &str) -> (String, String, String) {
    board
        .wait_for(
            "const t = document.querySelector(`[data-testid='board-counter-${arguments[0]}']`); return t && t.dataset.state === arguments[1]",
            json!([counter, state]),
            secs(2),
        )
        .unwrap_or_else(|e| panic!("counter {counter} should be {state} on the board: {e}"));
    tile(board, counter)
}

fn board_waiting(board: &Session, letter: &str) -> u64 {
    board
        .js("return Number(document.querySelector(`[data-testid='board-queue-${arguments[0]}']`).dataset.waiting)", json!([letter]))
        .unwrap()
        .as_u64()
        .unwrap()
}

/// The latest number's font size as a share of the screen height.
fn number_height(board: &Session) -> f64 {
    board
        .js(
            "return parseFloat(getComputedStyle(document.querySelector(\"[data-testid='board-now-number']\")).fontSize) / innerHeight",
            json!([]),
        )
        .unwrap()
        .as_f64()
        .unwrap()
}

fn wait_text(s: &Session, testid: &str, needle: &str) -> String {
    s.wait_for(
        "const e = document.querySelector(`[data-testid='${arguments[0]}']`); return e && !e.hidden && e.innerText.includes(arguments[1]) ? e.innerText : null",
        json!([testid, needle]),
        secs(5),
    )
    .unwrap_or_else(|e| panic!("{testid} should say {needle:?}: {e}"))
    .as_str()
    .unwrap()
    .to_string()
}

fn shot(s: &Session, name: &str) {
    s.settle().unwrap();
    let path = screen_path(name);
    s.screenshot(&path).unwrap();
    eprintln!("staff_pages: screenshot {}", path.display());
}

/// Picks a counter on the console's first screen (an account with several).
fn pick_counter(s: &Session, counter: &str) {
    s.click(&format!("pick-{counter}")).unwrap();
    s.wait("current-none", secs(10)).unwrap();
}

/// Clicks a console button and waits for the answer in the live region or the error line.
fn press_button(console: &Session, testid: &str) {
    console.js("document.querySelector(\"[data-testid='console-status']\").textContent = ''", json!([])).unwrap();
    console.click(testid).unwrap();
    console
        .wait_for(
            "const s = document.querySelector(\"[data-testid='console-status']\"), e = document.querySelector(\"[data-testid='console-error']\"); return (s.innerText || (!e.hidden && e.innerText)) || null",
            json!([]),
            secs(5),
        )
        .unwrap();
}

#[test]
fn console_and_board_follow_calls_recalls_no_shows_transfers_and_pauses() {
    let _one = BROWSERS.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let lobby = Lobby::start(true);

    // The officer: canbo1 may use counters 6 and 10, so the console asks.
    let console = lobby.browser(1366, 768, false);
    lobby.sign_in(&console, "canbo1", "");
    assert!(console.url().unwrap().ends_with("/quay"));
    console.wait("counter-picker", secs(5)).unwrap();
    assert!(console.exists_css("[data-testid='pick-vp-quay-10']").unwrap());
    assert!(!console.exists_css("[data-testid='pick-vp-quay-07']").unwrap(), "only the account's counters are offered");
    pick_counter(&console, "vp-quay-06");
    for off in ["recall", "serve", "no-show", "transfer"] {
        let disabled = console.js("return document.querySelector(`[data-testid='${arguments[0]}']`).disabled", json!([off])).unwrap();
        assert_eq!(disabled, json!(true), "{off} makes no sense without a current ticket");
    }

    // The lobby TV.
    let board = lobby.browser(1920, 1080, true);
    lobby.open_board(&board, "");

    // A citizen takes B001 at the kiosk; the console lists it.
    let b001 = lobby.take_ticket(LAND, json!({}));
    assert_eq!(b001["number"], "B001");
    wait_text(&console, "waiting-B", "1 đang chờ");
    console.wait("next-B001", secs(5)).unwrap();
    assert_eq!(board_waiting(&board, "B"), 1);

    // F1 calls it: the board shows "B001 → Quầy 6" within a second and queues the voice.
    let pressed = now_ms();
    console.press(F1).unwrap();
    let ev = board_event(&board, "B001", 0, secs(2));
    let shown_ms = ev["shown_at"].as_i64().unwrap() - pressed;
    eprintln!("staff_pages: F1 → B001 shown on the board in {shown_ms} ms (via {})", ev["via"]);
    assert!(shown_ms < 1000, "the board showed the call {shown_ms} ms after F1");
    assert_eq!(ev["counter"], 6);
    assert_eq!(ev["recall"], false);
    let call1 = ev["call_id"].as_str().unwrap().to_string();
    assert_eq!(board.data("board-now", "number").unwrap().as_deref(), Some("B001"));
    assert_eq!(board.data("board-now", "counter").unwrap().as_deref(), Some("6"));
    let hero = board.text("board-now").unwrap();
    assert!(hero.contains("B001") && (hero.contains("Quầy 6") || hero.contains("Counter 6")), "{hero}");
    assert!(board.exists_css("[data-testid='board-now'].fresh").unwrap(), "the latest call is highlighted");
    board.wait_for("return window.__board.queued.includes(arguments[0])", json!([call1]), secs(1)).unwrap();
    board.wait_for("return window.__board.played.includes(arguments[0])", json!([call1]), secs(5)).unwrap();
    assert!(number_height(&board) >= 0.12, "the number is {} of the screen height", number_height(&board));
    // The console, the kiosk's strip and the citizen's phone.
    assert_eq!(console.text("current-number").unwrap(), "B001");
    wait_text(&console, "console-status", "Đã gọi số B001 đến Quầy 6");
    assert_eq!(lobby.console("vp-quay-06")["current"]["call_id"], json!(call1));
    assert_eq!(lobby.kiosk_queues()[LAND].1, vec![(6, "B001".to_string())]);
    let phone = lobby.phone_page(&b001);
    assert!(phone.contains("Mời đến Quầy 6"), "{phone}");
    wait_tile(&board, 6, "serving");
    assert_eq!(tile(&board, 6).1, "B001");
    assert_eq!(board_waiting(&board, "B"), 0);

    // Recall: shown again with a new call id, queued behind the one playing.
    let seen = events_len(&board);
    press_button(&console, "recall");
    let ev2 = board_event(&board, "B001", seen, secs(1));
    assert_eq!(ev2["recall"], true);
    let call2 = ev2["call_id"].as_str().unwrap().to_string();
    assert_ne!(call1, call2);
    assert_eq!(board.data("board-now", "callId").unwrap().as_deref(), Some(call2.as_str()));
    board.wait_for("return window.__board.queued.includes(arguments[0])", json!([call2]), secs(1)).unwrap();
    let played = board.js("return window.__board.played", json!([])).unwrap();
    assert_eq!(played, json!([call1]), "a recall never cuts the announcement playing");

    // No-show: the counter is free on the board, the strip and the phone.
    press_button(&console, "no-show");
    wait_text(&console, "console-status", "vắng mặt");
    wait_tile(&board, 6, "idle");
    assert!(lobby.kiosk_queues()[LAND].1.is_empty());
    let phone = lobby.phone_page(&b001);
    assert!(phone.contains("không có mặt"), "{phone}");

    // Transfer: B002 goes to service C keeping its issue time; C's count rises on the board.
    let b002 = lobby.take_ticket(LAND, json!({}));
    console.wait("next-B002", secs(5)).unwrap();
    let seen = events_len(&board);
    f1(&console);
    board_event(&board, "B002", seen, secs(2));
    console.wait_for("return document.querySelector(\"[data-testid='current']\").dataset.number === 'B002'", json!([]), secs(5)).unwrap();
    let c_before = board_waiting(&board, "C");
    console.click("transfer").unwrap();
    console.wait_css("[data-testid='transfer-dialog'][open]", secs(2)).unwrap();
    console.click("transfer-dialog-submit").unwrap();
    wait_text(&console, "transfer-dialog-error", "Chọn dịch vụ hoặc quầy");
    console
        .js(
            "const s = document.querySelector(\"[data-testid='transfer-service']\"); s.value = arguments[0]; s.dispatchEvent(new Event('change'))",
            json!([BUILDING]),
        )
        .unwrap();
    console.click("transfer-dialog-submit").unwrap();
    wait_text(&console, "console-status", "Đã chuyển số B002");
    board
        .wait_for(
            "return Number(document.querySelector(\"[data-testid='board-queue-C']\").dataset.waiting) === arguments[0]",
            json!([c_before + 1]),
            secs(1),
        )
        .unwrap();
    wait_tile(&board, 6, "idle");
    console.wait("current-none", secs(5)).unwrap();
    let moved = lobby.get(&format!("/api/v1/tickets/{}", b002["token"].as_str().unwrap()), "demo-kiosk").1;
    assert_eq!(moved["ticket"]["service_id"], BUILDING, "{moved}");
    assert_eq!(moved["ticket"]["issued_at"], b002["issued_at"], "a transfer keeps the issue time");

    // canbo2 at counter 7 calls it.
    {
        let other = lobby.browser(1366, 768, false);
        lobby.sign_in(&other, "canbo2", "");
        pick_counter(&other, "vp-quay-07");
        other.wait("next-B002", secs(5)).unwrap();
        let seen = events_len(&board);
        f1(&other);
        let ev = board_event(&board, "B002", seen, secs(2));
        assert_eq!(ev["counter"], 7);
        wait_text(&other, "current-number", "B002");
        wait_tile(&board, 7, "serving");
        assert_eq!(lobby.kiosk_queues()[BUILDING].1, vec![(7, "B002".to_string())]);
        assert!(lobby.phone_page(&b002).contains("Mời đến Quầy 7"));
    }

    // Pause: "Tạm nghỉ" on the board; call-next then answers counter_paused in the console.
    press_button(&console, "pause-toggle");
    wait_text(&console, "counter-state", "Tạm nghỉ");
    let (_, _, text) = wait_tile(&board, 6, "paused");
    assert!(text.contains("Tạm nghỉ") || text.contains("Closed"), "{text}");
    lobby.take_ticket(LAND, json!({}));
    console.wait("next-B003", secs(5)).unwrap();
    f1(&console);
    wait_text(&console, "console-error", "Quầy đang tạm nghỉ");
    assert_eq!(lobby.console("vp-quay-06")["services"][0]["waiting"], 1, "a paused counter calls nobody");
    press_button(&console, "pause-toggle");
    wait_text(&console, "counter-state", "Đang mở");
    wait_tile(&board, 6, "idle");

    // Screenshots: a working morning.
    let b_prio = lobby.take_ticket(LAND, json!({"priority": PRIORITY_ELDERLY}));
    for (service, counter) in [(BUSINESS, "vp-quay-01"), (BUSINESS, "vp-quay-02"), (BUILDING, "vp-quay-08"), (BUSINESS, "vp-quay-03")] {
        lobby.take_ticket(service, json!({}));
        let (status, v) = lobby.post(&format!("/api/v1/counters/{counter}/call-next"), "demo-staff", json!({}));
        assert_eq!(status, StatusCode::OK, "{v}");
    }
    for _ in 0..3 {
        lobby.take_ticket(LAND, json!({}));
        lobby.take_ticket(BUSINESS, json!({}));
    }
    lobby.take_ticket(LAND, json!({"priority": PRIORITY_ELDERLY}));
    lobby.post("/api/v1/counters/vp-quay-05/pause", "demo-staff", json!({}));
    let landscape = lobby.browser(1920, 1080, true);
    lobby.open_board(&landscape, "&alternate=0");
    let portrait = lobby.browser(1080, 1920, true);
    lobby.open_board(&portrait, "&layout=portrait&alternate=0");
    assert!(number_height(&portrait) >= 0.12, "portrait: the number is {} of the screen height", number_height(&portrait));
    f1(&console);
    // The priority ticket comes first (the server's rule), shown with its category.
    let prio = b_prio["number"].as_str().unwrap();
    for b in [&board, &landscape, &portrait] {
        board_event(b, prio, 0, secs(2));
    }
    wait_text(&console, "current-priority", "Người cao tuổi");
    console.wait_css("[data-testid='next-B'] li.prio", secs(5)).unwrap();
    shot(&console, "console");
    shot(&landscape, "board-landscape");
    shot(&portrait, "board-portrait");
    for b in [&landscape, &portrait] {
        let overflow = b
            .js(
                "return [document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]",
                json!([]),
            )
            .unwrap();
        assert_eq!(overflow, json!([0, 0]), "nothing spills out of the screen");
    }
    eprintln!("staff_pages: the whole flow took {:?}", started.elapsed());
}

#[test]
fn console_shows_priority_dossier_and_english_and_keys_call_once() {
    let _one = BROWSERS.lock().unwrap_or_else(|e| e.into_inner());
    let lobby = Lobby::start(true);
    // A collect-result ticket with its dossier, for counter 20.
    let k = lobby.take_ticket(RESULTS, json!({"dossier_code": DOSSIER_READY}));
    let console = lobby.browser(1366, 768, false);
    lobby.sign_in(&console, "giamdoc", "?lang=en");
    assert!(console.url().unwrap().ends_with("/quay?lang=en"));
    console.wait("counter-picker", secs(5)).unwrap();
    assert_eq!(console.js("return document.querySelectorAll('[data-testid^=pick-]').length", json!([])).unwrap(), 20);
    pick_counter(&console, "vp-quay-20");
    wait_text(&console, "waiting-K", "1 waiting");
    wait_text(&console, "oldest-K", "longest wait");
    // Space with the focus on a button calls the next number once, and does not press that button.
    console.js("document.querySelector(\"[data-testid='call-number']\").focus()", json!([])).unwrap();
    console.press(" ").unwrap();
    wait_text(&console, "current-number", k["number"].as_str().unwrap());
    assert!(!console.exists_css("[data-testid='call-number-dialog'][open]").unwrap(), "Space did not open the dialog");
    wait_text(&console, "current-dossier", DOSSIER_READY);
    wait_text(&console, "console-status", "Called");
    let t0 = console.text("current-timer").unwrap();
    console
        .wait_for("return document.querySelector(\"[data-testid='current-timer']\").innerText !== arguments[0]", json!([t0]), secs(5))
        .expect("the service timer runs");
    assert!(console.text("current").unwrap().contains("Taken at"));

    // The choice is remembered: a reload opens counter 20 again.
    console.goto(&lobby.url("/quay?lang=en")).unwrap();
    wait_text(&console, "current-number", k["number"].as_str().unwrap());

    // Call a given number: the reason is required, and the number is called out of order.
    console.click("serve").unwrap();
    console.wait("current-none", secs(5)).unwrap();
    let k2 = lobby.take_ticket(RESULTS, json!({"dossier_code": DOSSIER_READY}));
    let k3 = lobby.take_ticket(RESULTS, json!({"dossier_code": DOSSIER_READY}));
    console.wait(&format!("next-{}", k3["number"].as_str().unwrap()), secs(5)).unwrap();
    console.click("call-number").unwrap();
    console.type_into("call-number-input", k3["number"].as_str().unwrap()).unwrap();
    console.click("call-number-dialog-submit").unwrap();
    wait_text(&console, "call-number-dialog-error", "reason");
    console.type_into("call-number-reason", "came back from the photocopier").unwrap();
    console.click("call-number-dialog-submit").unwrap();
    wait_text(&console, "current-number", k3["number"].as_str().unwrap());
    assert_eq!(lobby.console("vp-quay-20")["services"][0]["next"][0]["number"], k2["number"], "the queue keeps its order");

    // A second F1 right away is taken as a bounce: one call, not two.
    console.click("serve").unwrap();
    console.wait("current-none", secs(5)).unwrap();
    let k4 = lobby.take_ticket(RESULTS, json!({"dossier_code": DOSSIER_READY}));
    console.wait(&format!("next-{}", k4["number"].as_str().unwrap()), secs(5)).unwrap();
    console.js("document.activeElement?.blur()", json!([])).unwrap();
    console.press(&format!("{F1}{F1}")).unwrap();
    wait_text(&console, "current-number", k2["number"].as_str().unwrap());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(lobby.console("vp-quay-20")["services"][0]["waiting"], 1, "one press, one call");
}

#[test]
fn board_marks_a_lost_connection_and_comes_back_without_a_reload() {
    let _one = BROWSERS.lock().unwrap_or_else(|e| e.into_inner());
    let mut lobby = Lobby::start(true);
    let board = lobby.browser(1920, 1080, true);
    lobby.open_board(&board, "");
    board.js("window.__sameDocument = 42", json!([])).unwrap();
    assert!(board.exists_css("[data-testid='live-lost'][hidden]").unwrap());

    // Power cut: the marker appears.
    lobby.central.stop();
    let lost_at = Instant::now();
    board.wait_css("[data-testid='live-lost']:not([hidden])", secs(5)).unwrap();
    eprintln!("staff_pages: marker shown {:?} after the server died", lost_at.elapsed());
    let text = board.text("live-lost").unwrap();
    assert!(text.contains("Mất kết nối") && text.contains("Connection lost"), "{text}");

    // A call while the server is back but before the stream is: the poll or the stream brings it.
    lobby.central.restart();
    let back_at = Instant::now();
    board.wait_css("[data-testid='live-lost'][hidden]", secs(15)).unwrap();
    eprintln!("staff_pages: marker gone {:?} after the server came back", back_at.elapsed());
    board.wait_css("html[data-live='open']", secs(5)).unwrap();
    lobby.take_ticket(LAND, json!({}));
    let sent = now_ms();
    let (status, v) = lobby.post("/api/v1/counters/vp-quay-10/call-next", "demo-staff", json!({}));
    assert_eq!(status, StatusCode::OK, "{v}");
    let ev = board_event(&board, "B001", 0, secs(2));
    assert_eq!(ev["via"], "event", "after the restart the stream delivers the call");
    assert!(ev["shown_at"].as_i64().unwrap() - sent < 1000);
    assert_eq!(ev["counter"], 10);
    assert_eq!(board.js("return window.__sameDocument", json!([])).unwrap(), 42, "no reload");
}

#[test]
fn board_asks_for_a_touch_when_sound_is_blocked_then_plays_the_queue() {
    let _one = BROWSERS.lock().unwrap_or_else(|e| e.into_inner());
    let lobby = Lobby::start(true);
    // Chromium's default autoplay policy: no sound before a touch.
    let board = lobby.browser(1920, 1080, false);
    lobby.open_board(&board, "");
    lobby.take_ticket(LAND, json!({}));
    let (status, v) = lobby.post("/api/v1/counters/vp-quay-06/call-next", "demo-staff", json!({}));
    assert_eq!(status, StatusCode::OK, "{v}");
    let call_id = v["call_id"].as_str().unwrap().to_string();
    board.wait("sound-unlock", secs(5)).unwrap();
    let text = board.text("sound-unlock").unwrap();
    assert!(text.contains("Chạm để bật âm thanh") && text.contains("Touch to turn on sound"), "{text}");
    assert_eq!(board.js("return window.__board.played", json!([])).unwrap(), json!([]));
    board.click("sound-unlock").unwrap();
    board.wait_for("return window.__board.played.includes(arguments[0])", json!([call_id]), secs(5)).unwrap();
    assert!(!board.exists_css("[data-testid='sound-unlock']").unwrap());
}

/// `sox FILE -n stat` as numbers by name.
fn sox_stat(path: &std::path::Path) -> HashMap<String, f64> {
    let out = std::process::Command::new("sox")
        .arg(path)
        .args(["-n", "stat"])
        .output()
        .unwrap_or_else(|e| panic!("sox is needed ({e}): apt-get install sox, or cargo xtask setup"));
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter_map(|(k, v)| Some((k.trim().to_string(), v.trim().parse().ok()?)))
        .collect()
}

#[test]
fn announcement_of_a_call_is_a_wav_that_is_heard_and_not_clipped() {
    let lobby = Lobby::start(false);
    lobby.take_ticket(LAND, json!({}));
    let (_, v) = lobby.post("/api/v1/counters/vp-quay-06/call-next", "demo-staff", json!({}));
    let call_id = v["call_id"].as_str().unwrap();
    for token in ["demo-display", "demo-staff"] {
        let resp = lobby.http.get(lobby.url(&format!("/api/v1/announcements/{call_id}"))).bearer_auth(token).send().unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "audio/wav");
        let wav = resp.bytes().unwrap();
        assert_eq!(&wav[..4], b"RIFF");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call.wav");
        std::fs::write(&path, &wav).unwrap();
        let stat = sox_stat(&path);
        eprintln!(
            "staff_pages: announcement {:.1} s, RMS {:.3}, peak {:.3}",
            stat["Length (seconds)"], stat["RMS     amplitude"], stat["Maximum amplitude"]
        );
        assert!(stat["Length (seconds)"] > 6.0, "chime, phrase, B-0-0-1, counter 6, twice");
        assert!(stat["RMS     amplitude"] > 0.02, "not silent");
        assert!(stat["Maximum amplitude"] < 0.99 && stat["Minimum amplitude"] > -0.99, "not clipped");
    }
    // A kiosk may not fetch it.
    let (status, body) = lobby.get(&format!("/api/v1/announcements/{call_id}"), "demo-kiosk");
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

/// A browser-less sign-in: (status, Set-Cookie session value or "", page).
fn form_sign_in(lobby: &Lobby, user: &str, password: &str) -> (StatusCode, String, String) {
    let page = lobby.http.get(lobby.url("/dang-nhap")).send().unwrap();
    let login_cookie = cookie_of(&page, "motcua_login");
    let html = page.text().unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_string();
    let resp = lobby
        .http
        .post(lobby.url("/dang-nhap"))
        .header("Cookie", format!("motcua_login={login_cookie}"))
        .form(&[("username", user), ("password", password), ("csrf", &csrf)])
        .send()
        .unwrap();
    let status = resp.status();
    let session = cookie_of(&resp, "motcua_session");
    (status, session, resp.text().unwrap())
}

fn cookie_of(resp: &reqwest::blocking::Response, name: &str) -> String {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")).map(|r| r.split(';').next().unwrap_or("").to_string()))
        .unwrap_or_default()
}

#[test]
fn refused_staff_actions_say_why_and_change_nothing() {
    let _one = BROWSERS.lock().unwrap_or_else(|e| e.into_inner());
    let lobby = Lobby::start(true);
    let b001 = lobby.take_ticket(LAND, json!({}));
    lobby.take_ticket(BUILDING, json!({}));
    // What must stay as it is.
    let snapshot =
        || (lobby.console("vp-quay-06"), lobby.console("vp-quay-07"), lobby.get("/api/v1/board", "demo-display").1["calls"].clone());
    let strip =
        |(a, b, c): (Value, Value, Value)| (a["current"].clone(), a["services"].clone(), b["current"].clone(), b["services"].clone(), c);
    let before = strip(snapshot());

    // Wrong password, in the browser: the form says so.
    let s = lobby.browser(1366, 768, false);
    s.goto(&lobby.url("/dang-nhap")).unwrap();
    s.type_into("username", "canbo3").unwrap();
    s.type_into("password", "wrong").unwrap();
    s.click("sign-in").unwrap();
    assert_eq!(wait_text(&s, "login-error", "không đúng"), "Tên đăng nhập hoặc mật khẩu không đúng.");
    // Four more: locked, and then even the right password is refused with the lock's message.
    for i in 2..=5 {
        let (status, session, _) = form_sign_in(&lobby, "canbo3", "wrong");
        assert!(session.is_empty());
        let want = if i < 5 { StatusCode::UNAUTHORIZED } else { StatusCode::LOCKED };
        assert_eq!(status, want, "attempt {i}");
    }
    s.goto(&lobby.url("/dang-nhap")).unwrap();
    s.type_into("username", "canbo3").unwrap();
    s.type_into("password", "demo").unwrap();
    s.click("sign-in").unwrap();
    wait_text(&s, "login-error", "Tài khoản tạm khoá 15 phút");
    assert!(s.url().unwrap().contains("/dang-nhap"));
    let (status, session, _) = form_sign_in(&lobby, "canbo3", "demo");
    assert_eq!((status, session.as_str()), (StatusCode::LOCKED, ""));

    // Kiosk and display tokens on staff actions.
    let code = |v: &Value| v["error"]["code"].as_str().unwrap_or_default().to_string();
    for token in ["demo-kiosk", "demo-display"] {
        for (path, body) in [
            ("/api/v1/counters/vp-quay-06/call-next".to_string(), json!({})),
            ("/api/v1/counters/vp-quay-06/pause".to_string(), json!({})),
            ("/api/v1/counters/vp-quay-06/call-number".to_string(), json!({"number": "B001", "reason": "x"})),
            (format!("/api/v1/tickets/{}/transfer", b001["token"].as_str().unwrap()), json!({"service_id": BUILDING})),
        ] {
            let (status, v) = lobby.post(&path, token, body);
            assert_eq!((status, code(&v).as_str()), (StatusCode::FORBIDDEN, "forbidden"), "{token} on {path}: {v}");
        }
    }

    // canbo1, signed in, on counter 7 (not assigned) and on another center's counter.
    let (status, session) = {
        let (status, session, _) = form_sign_in(&lobby, "canbo1", "demo");
        (status, session)
    };
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = lobby.http.get(lobby.url("/quay")).header("Cookie", format!("motcua_session={session}")).send().unwrap().text().unwrap();
    let csrf = page.split("name=\"csrf-token\" content=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_string();
    let as_canbo1 = |path: &str, csrf: Option<&str>, form: bool| {
        let mut req = lobby.http.post(lobby.url(path)).header("Cookie", format!("motcua_session={session}"));
        if let Some(c) = csrf {
            req = req.header("X-CSRF-Token", c);
        }
        req = if form { req.header("Origin", "http://evil.example").form(&[("x", "1")]) } else { req.json(&json!({})) };
        let resp = req.send().unwrap();
        let status = resp.status();
        (status, resp.json::<Value>().unwrap_or(Value::Null))
    };
    let (status, v) = as_canbo1("/api/v1/counters/vp-quay-07/call-next", Some(&csrf), false);
    assert_eq!((status, code(&v).as_str()), (StatusCode::FORBIDDEN, "counter_not_assigned"), "{v}");
    let (status, v) = as_canbo1("/api/v1/counters/vp-quay-07/pause", Some(&csrf), false);
    assert_eq!((status, code(&v).as_str()), (StatusCode::FORBIDDEN, "counter_not_assigned"), "{v}");
    let (status, v) = as_canbo1("/api/v1/counters/vy-quay-01/call-next", Some(&csrf), false);
    assert!(status.is_client_error() && status != StatusCode::OK, "another center's counter: {status} {v}");
    eprintln!("staff_pages: another center's counter answers {status} {}", code(&v));

    // A cross-site form post (the cookie rides along, no CSRF token): refused.
    let (status, v) = as_canbo1("/api/v1/counters/vp-quay-06/call-next", None, true);
    assert_eq!((status, code(&v).as_str()), (StatusCode::FORBIDDEN, "csrf_failed"), "{v}");
    let (status, v) = as_canbo1("/api/v1/counters/vp-quay-06/pause", Some("not-the-token"), false);
    assert_eq!((status, code(&v).as_str()), (StatusCode::FORBIDDEN, "csrf_failed"), "{v}");
    let resp = lobby
        .http
        .post(lobby.url("/dang-xuat"))
        .header("Cookie", format!("motcua_session={session}"))
        .header("Origin", "http://evil.example")
        .form(&[("csrf", "")])
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "sign-out without the token");
    let still = lobby.http.get(lobby.url("/quay")).header("Cookie", format!("motcua_session={session}")).send().unwrap();
    assert_eq!(still.status(), StatusCode::OK, "the session survived the forged sign-out");

    assert_eq!(strip(snapshot()), before, "nothing changed");
    assert!(!lobby.console("vp-quay-06")["counter"]["paused"].as_bool().unwrap());
}

#[test]
fn the_console_alerts_a_kiosk_running_out_of_paper_live_and_staff_set_maintenance_and_the_notice() {
    let _one = BROWSERS.lock().unwrap_or_else(|e| e.into_inner());
    let lobby = Lobby::start(true);
    let beat = |printer: &str| {
        let body = json!({"kiosk_id": "kiosk-sanh-1", "printer": printer, "outbox": 0, "unprinted": 0, "version": "0.1.0", "uptime_s": 5, "last_error": null});
        let (status, v) = lobby.post("/api/v1/kiosks/heartbeat", "demo-kiosk", body);
        assert_eq!(status, StatusCode::OK, "{v}");
        v
    };
    beat("ok");
    let console = lobby.browser(1366, 768, false);
    lobby.sign_in(&console, "canbo1", "");
    console.wait_css("html[data-live='open']", secs(10)).unwrap();
    assert!(console.exists_css("[data-testid='kiosk-alerts'][hidden]").unwrap(), "no alert while the kiosk is fine");

    // The kiosk reports: the console says so within a second, by the kiosk's catalog name.
    let start = Instant::now();
    beat("paper_near_end");
    wait_text(&console, "kiosk-alerts", "Ki-ốt sảnh 1 sắp hết giấy");
    assert!(start.elapsed() < secs(3), "live, not on the next poll: {:?}", start.elapsed());
    shot(&console, "console-kiosk-alert");

    // Maintenance from the console: the kiosk is told, and the alert goes (staff see to it).
    console.js("document.querySelector(\"[data-testid='fleet']\").open = true", json!([])).unwrap();
    console.click("maintenance-kiosk-sanh-1").unwrap();
    console.wait_css("[data-testid='maintenance-kiosk-sanh-1'][data-on='true']", secs(5)).unwrap();
    console.wait_css("[data-testid='kiosk-alerts'][hidden]", secs(5)).unwrap();
    assert_eq!(beat("paper_near_end")["maintenance"], true);

    // A notice for every kiosk of the center, then taken off.
    console.type_into("notice-text", "Chiều nay Trung tâm nghỉ từ 15:00").unwrap();
    console.click("notice-publish").unwrap();
    wait_text(&console, "notice-current", "Chiều nay Trung tâm nghỉ từ 15:00");
    assert_eq!(beat("ok")["notice"]["text_vi"], "Chiều nay Trung tâm nghỉ từ 15:00");
    console.click("notice-clear").unwrap();
    console.wait_css("[data-testid='notice-current'][hidden]", secs(5)).unwrap();
    assert_eq!(beat("ok")["notice"], Value::Null);
}
