//! The staff half through the router: sign-in with sessions, CSRF and
//! lockout; counter actions with their call ids; transfers that keep the
//! issue time; pauses; calls out of order; announcements; and every refusal
//! with its stable code and nothing changed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::*;
use http_body_util::BodyExt;
use motcua_central::accounts::{self, StaffRole};
use serde_json::{Value, json};
use tower::ServiceExt;

const LAND: &str = "vp-dat-dai-tai-nguyen";
const BUILDING: &str = "vp-xay-dung-giao-thong";
const Q6: &str = "vp-quay-06";
const Q7: &str = "vp-quay-07";
const Q8: &str = "vp-quay-08";

/// A browser: keeps cookies, sends forms and JSON with the session's CSRF token.
struct Browser<'a> {
    api: &'a Api,
    cookies: Vec<(String, String)>,
    csrf: Option<String>,
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

impl<'a> Browser<'a> {
    fn new(api: &'a Api) -> Self {
        Self { api, cookies: Vec::new(), csrf: None }
    }

    async fn send(&mut self, method: &str, uri: &str, content_type: Option<&str>, body: String, csrf: Option<&str>) -> Resp {
        let mut req = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let c: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header(header::COOKIE, c.join("; "));
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        if let Some(t) = csrf {
            req = req.header("x-csrf-token", t);
        }
        let resp = self.api.app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, _) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !val.is_empty() {
                self.cookies.push((k.to_string(), val.to_string()));
            }
        }
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Resp { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&mut self, uri: &str) -> Resp {
        self.send("GET", uri, None, String::new(), None).await
    }

    /// Signs in through the form; returns the answer to the POST.
    async fn sign_in(&mut self, username: &str, password: &str) -> Resp {
        let page = self.get("/dang-nhap").await;
        assert_eq!(page.status, 200);
        let csrf = between(&page.text, "name=\"csrf\" value=\"", "\"");
        let form = format!("username={username}&password={password}&csrf={csrf}");
        let resp = self.send("POST", "/dang-nhap", Some("application/x-www-form-urlencoded"), form, None).await;
        if resp.status == StatusCode::SEE_OTHER {
            let console = self.get("/quay").await;
            assert_eq!(console.status, 200, "{}", console.text);
            self.csrf = Some(between(&console.text, "name=\"csrf-token\" content=\"", "\""));
        }
        resp
    }

    /// A JSON POST with the session's CSRF token.
    async fn post(&mut self, uri: &str, body: Value) -> Resp {
        let csrf = self.csrf.clone();
        self.send("POST", uri, Some("application/json"), body.to_string(), csrf.as_deref()).await
    }
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).unwrap_or_else(|| panic!("{start:?} not in {text}")) + start.len();
    let to = text[from..].find(end).unwrap() + from;
    text[from..to].to_string()
}

fn add_staff(api: &Api, name: &str, role: StaffRole, counters: &[&str]) {
    let conn = rusqlite::Connection::open(&api.db).unwrap();
    let counters: Vec<String> = counters.iter().map(|c| (*c).to_string()).collect();
    accounts::add(&conn, "vp-tinh", name, role, &counters, "mật-khẩu-đúng").unwrap();
}

async fn officer<'a>(api: &'a Api, name: &str, counters: &[&str]) -> Browser<'a> {
    add_staff(api, name, StaffRole::Officer, counters);
    let mut b = Browser::new(api);
    let r = b.sign_in(name, "mật-khẩu-đúng").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    b
}

fn status_of(api: &Api, number: &str) -> String {
    let conn = rusqlite::Connection::open(&api.db).unwrap();
    conn.query_row("SELECT status FROM tickets WHERE number = ?1", [number], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_session_cookie_and_the_console_carries_its_csrf_token() {
    let api = Api::new(MONDAY_9AM);
    add_staff(&api, "canbo1", StaffRole::Officer, &[Q6]);
    let mut b = Browser::new(&api);
    let r = b.sign_in("canbo1", "mật-khẩu-đúng").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/quay");
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("motcua_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");
    let page = b.get("/quay").await;
    assert!(page.text.contains("\"username\":\"canbo1\""));
    assert!(page.text.contains(Q6) && !page.text.contains("\"counters\":[{\"id\":\"vp-quay-01\""), "only the assigned counter to pick");
    // Signed in, the sign-in page goes to the console; signed out, the console goes to the sign-in page.
    assert_eq!(b.get("/dang-nhap").await.status, StatusCode::SEE_OTHER);
    let csrf = b.csrf.clone().unwrap();
    let out = b.send("POST", "/dang-xuat", Some("application/x-www-form-urlencoded"), format!("csrf={csrf}"), None).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let again = b.get("/quay").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.headers[header::LOCATION], "/dang-nhap");
    assert_eq!(api.count("SELECT count(*) FROM sessions"), 0);
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_the_fifth_locks_the_account_for_fifteen_minutes() {
    let api = Api::new(MONDAY_9AM);
    add_staff(&api, "canbo1", StaffRole::Officer, &[Q6]);
    let mut b = Browser::new(&api);
    for _ in 0..4 {
        let r = b.sign_in("canbo1", "sai").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text.contains("Tên đăng nhập hoặc mật khẩu không đúng"), "{}", r.text);
    }
    let r = b.sign_in("canbo1", "sai").await;
    assert_eq!(r.status, StatusCode::LOCKED);
    assert!(r.text.contains("tạm khoá 15 phút"), "{}", r.text);
    let r = b.sign_in("canbo1", "mật-khẩu-đúng").await;
    assert_eq!(r.status, StatusCode::LOCKED, "the right password waits too");
    assert_eq!(api.count("SELECT count(*) FROM sessions"), 0);
    assert_eq!(api.count("SELECT count(*) FROM audit WHERE action = 'account_locked'"), 1);
    api.clock.set(ts(MONDAY_9AM) + jiff::SignedDuration::from_mins(16));
    assert_eq!(b.sign_in("canbo1", "mật-khẩu-đúng").await.status, StatusCode::SEE_OTHER);
    // An unknown user gets the same answer as a wrong password.
    let mut other = Browser::new(&api);
    assert_eq!(other.sign_in("khong-co", "x").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_sign_in_form_without_its_csrf_cookie_is_refused() {
    let api = Api::new(MONDAY_9AM);
    add_staff(&api, "canbo1", StaffRole::Officer, &[Q6]);
    let mut b = Browser::new(&api);
    let r = b
        .send("POST", "/dang-nhap", Some("application/x-www-form-urlencoded"), "username=canbo1&password=mật-khẩu-đúng&csrf=x".into(), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(api.count("SELECT count(*) FROM sessions"), 0);
}

#[tokio::test]
async fn a_cross_site_post_with_the_session_cookie_but_no_csrf_token_changes_nothing() {
    let api = Api::new(MONDAY_9AM);
    let mut b = officer(&api, "canbo1", &[Q6]).await;
    api.issue(LAND, "k1").await;
    for (uri, body) in [
        (format!("/api/v1/counters/{Q6}/call-next"), String::new()),
        (format!("/api/v1/counters/{Q6}/pause"), String::new()),
        (format!("/api/v1/counters/{Q6}/call-number"), json!({"number": "B001", "reason": "x"}).to_string()),
    ] {
        for token in [None, Some("wrong")] {
            let r = b.send("POST", &uri, Some("application/json"), body.clone(), token).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
            assert_eq!(r.json()["error"]["code"], "csrf_failed", "{uri}");
        }
    }
    // A plain form post (what a foreign site can make) is refused too.
    let r =
        b.send("POST", &format!("/api/v1/counters/{Q6}/call-next"), Some("application/x-www-form-urlencoded"), String::new(), None).await;
    assert_eq!(r.json()["error"]["code"], "csrf_failed");
    assert_eq!(status_of(&api, "B001"), "waiting");
    assert_eq!(api.count("SELECT count(*) FROM calls"), 0);
    assert_eq!(api.count("SELECT count(*) FROM counter_state WHERE paused = 1"), 0);
}

#[tokio::test]
async fn kiosk_and_display_tokens_may_not_act_at_counters() {
    let api = Api::new(MONDAY_9AM);
    let (_, t) = api.issue(LAND, "k1").await;
    let token = t["ticket"]["token"].as_str().unwrap().to_string();
    for bearer in [KIOSK, "demo-display"] {
        for uri in [
            format!("/api/v1/counters/{Q6}/call-next"),
            format!("/api/v1/counters/{Q6}/pause"),
            format!("/api/v1/tickets/{token}/transfer"),
            format!("/api/v1/tickets/{token}/serve"),
        ] {
            let (s, _, v) = api.call("POST", &uri, Some(bearer), None, Some(json!({"service_id": BUILDING}))).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{bearer} {uri}");
            assert_eq!(code(&v), "forbidden");
        }
    }
    // A display token may not take tickets either; it reads the board.
    let (s, _, v) =
        api.call("POST", "/api/v1/tickets", Some("demo-display"), Some("k9"), Some(json!({"service_id": LAND, "kiosk_id": "x"}))).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    let (s, _, _) = api.call("GET", "/api/v1/board", Some("demo-display"), None, None).await;
    assert_eq!(s, 200);
    assert_eq!(status_of(&api, "B001"), "waiting");
    assert_eq!(api.count("SELECT count(*) FROM tickets"), 1);
}

#[tokio::test]
async fn an_officer_may_use_only_the_assigned_counters_of_their_own_center() {
    let api = Api::new(MONDAY_9AM);
    let mut b = officer(&api, "canbo1", &[Q6]).await;
    api.issue(BUILDING, "k1").await;
    let r = b.post(&format!("/api/v1/counters/{Q7}/call-next"), json!({})).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("counter_not_assigned")));
    let r = b.post("/api/v1/counters/vy-quay-01/call-next", json!({})).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("counter_not_found")),
        "another center's counter"
    );
    let r = b.get(&format!("/api/v1/counters/{Q7}/console")).await;
    assert_eq!(r.json()["error"]["code"], "counter_not_assigned");
    assert_eq!(status_of(&api, "C001"), "waiting");
    // A ticket called at a counter the officer does not hold is not theirs to finish.
    let (_, _, called) = api.call("POST", &format!("/api/v1/counters/{Q7}/call-next"), Some(STAFF), None, None).await;
    let token = called["ticket"]["token"].as_str().unwrap();
    let r = b.post(&format!("/api/v1/tickets/{token}/serve"), json!({})).await;
    assert_eq!(r.json()["error"]["code"], "counter_not_assigned");
    assert_eq!(status_of(&api, "C001"), "called");
}

#[tokio::test]
async fn every_call_answers_a_call_id_that_the_board_lists_and_the_voice_speaks() {
    let api = Api::new(MONDAY_9AM);
    let mut b = officer(&api, "canbo1", &[Q6]).await;
    api.issue(LAND, "k1").await;
    let r = b.post(&format!("/api/v1/counters/{Q6}/call-next"), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let first = r.json()["call_id"].as_str().unwrap().to_string();
    assert_eq!(r.json()["ticket"]["number"], "B001");
    let token = r.json()["ticket"]["token"].as_str().unwrap().to_string();
    let again = b.post(&format!("/api/v1/tickets/{token}/recall"), json!({})).await;
    let second = again.json()["call_id"].as_str().unwrap().to_string();
    assert_ne!(first, second, "a recall is a new call");
    let (_, _, board) = api.call("GET", "/api/v1/board", Some("demo-display"), None, None).await;
    assert_eq!(board["calls"][0]["call_id"], second.as_str());
    assert_eq!(board["calls"][0]["recall"], true);
    assert_eq!(board["calls"][1]["call_id"], first.as_str());
    assert_eq!(board["calls"][0]["counter"]["number"], 6);
    let q6 = board["counters"].as_array().unwrap().iter().find(|c| c["counter"]["id"] == Q6).unwrap();
    assert_eq!(q6["serving"], "B001");
    // The announcement is a WAV, for boards and staff only.
    let resp = api
        .app
        .clone()
        .oneshot(
            Request::get(format!("/api/v1/announcements/{first}"))
                .header("authorization", "Bearer demo-display")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()[header::CONTENT_TYPE], "audio/wav");
    let wav = resp.into_body().collect().await.unwrap().to_bytes();
    assert!(wav.len() > 24_000 * 2 * 5 && &wav[..4] == b"RIFF", "at least five seconds of speech: {} bytes", wav.len());
    let (s, _, v) = api.call("GET", &format!("/api/v1/announcements/{first}"), Some(KIOSK), None, None).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    let (s, _, _) = api.call("GET", "/api/v1/announcements/01a22604-fd1f-7781-8337-014950b1cffe", Some("demo-display"), None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_transferred_ticket_keeps_its_issue_time_and_a_counter_transfer_is_called_there_first() {
    let api = Api::new(MONDAY_9AM);
    let t0 = ts(MONDAY_9AM);
    api.issue(LAND, "b1").await; // B001 at 9:00
    api.clock.set(t0 + jiff::SignedDuration::from_mins(5));
    api.issue(BUILDING, "c1").await; // C001 at 9:05
    api.clock.set(t0 + jiff::SignedDuration::from_mins(10));
    api.issue(BUILDING, "c2").await; // C002 at 9:10
    let mut canbo1 = officer(&api, "canbo1", &[Q6]).await;
    let r = canbo1.post(&format!("/api/v1/counters/{Q6}/call-next"), json!({})).await;
    let token = r.json()["ticket"]["token"].as_str().unwrap().to_string();
    // Wrong desk: B001 belongs with building permits.
    let moved = canbo1.post(&format!("/api/v1/tickets/{token}/transfer"), json!({"service_id": BUILDING})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.json()["ticket"]["status"], "waiting");
    assert_eq!(moved.json()["ticket"]["number"], "B001", "the slip in the citizen's hand stays true");
    assert_eq!(moved.json()["ticket"]["ahead"], 0, "taken at 9:00, it goes before C001 (9:05)");
    let (_, _, board) = api.call("GET", "/api/v1/board", Some("demo-display"), None, None).await;
    let waiting = |id: &str| board["queues"].as_array().unwrap().iter().find(|q| q["service_id"] == id).unwrap()["waiting"].clone();
    assert_eq!((waiting(LAND), waiting(BUILDING)), (json!(0), json!(3)));
    let mut canbo2 = officer(&api, "canbo2", &[Q7, Q8]).await;
    let r = canbo2.post(&format!("/api/v1/counters/{Q7}/call-next"), json!({})).await;
    assert_eq!(r.json()["ticket"]["number"], "B001");
    // C002 sent to counter 8: counter 8 calls it before C001, counter 7 does not see it.
    let (_, _, c2) = api.call("GET", "/api/v1/queues", Some(KIOSK), None, None).await;
    assert!(c2.is_object());
    let c002 = token_of(&api, "C002");
    let r = canbo2.post(&format!("/api/v1/tickets/{c002}/transfer"), json!({"counter_id": Q8})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let console = canbo2.get(&format!("/api/v1/counters/{Q8}/console")).await.json();
    assert_eq!(console["services"][0]["next"][0]["number"], "C002");
    assert_eq!(console["services"][0]["next"][0]["transferred"], true);
    let r = canbo2.post(&format!("/api/v1/counters/{Q8}/call-next"), json!({})).await;
    assert_eq!(r.json()["ticket"]["number"], "C002");
    let r = canbo2.post(&format!("/api/v1/counters/{Q7}/call-next"), json!({})).await;
    assert_eq!(r.json()["ticket"]["number"], "C001");
    assert_eq!(api.count("SELECT count(*) FROM audit WHERE action = 'transfer'"), 2);
}

fn token_of(api: &Api, number: &str) -> String {
    let conn = rusqlite::Connection::open(&api.db).unwrap();
    conn.query_row("SELECT token FROM tickets WHERE number = ?1", [number], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn a_paused_counter_calls_nobody_and_the_board_and_kiosk_see_it() {
    let api = Api::new(MONDAY_9AM);
    let mut b = officer(&api, "canbo1", &[Q6]).await;
    api.issue(LAND, "k1").await;
    let r = b.post(&format!("/api/v1/counters/{Q6}/pause"), json!({})).await;
    assert_eq!((r.status, r.json()["paused"].as_bool()), (StatusCode::OK, Some(true)));
    let r = b.post(&format!("/api/v1/counters/{Q6}/call-next"), json!({})).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("counter_paused")));
    assert!(r.json()["error"]["message_vi"].as_str().unwrap().contains("tạm nghỉ"));
    assert_eq!(status_of(&api, "B001"), "waiting");
    let (_, _, board) = api.call("GET", "/api/v1/board", Some("demo-display"), None, None).await;
    let q6 = board["counters"].as_array().unwrap().iter().find(|c| c["counter"]["id"] == Q6).unwrap().clone();
    assert_eq!(q6["paused"], true);
    b.post(&format!("/api/v1/counters/{Q6}/resume"), json!({})).await;
    let r = b.post(&format!("/api/v1/counters/{Q6}/call-next"), json!({})).await;
    assert_eq!(r.json()["ticket"]["number"], "B001");
    let (_, _, queues) = api.call("GET", "/api/v1/queues", Some(KIOSK), None, None).await;
    let land = queues["queues"].as_array().unwrap().iter().find(|q| q["service_id"] == LAND).unwrap().clone();
    assert_eq!(land["serving"][0]["number"], "B001", "the kiosk's now-serving strip reads this");
}

#[tokio::test]
async fn a_number_is_called_out_of_order_only_with_a_reason_which_is_logged() {
    let api = Api::new(MONDAY_9AM);
    let mut b = officer(&api, "canbo1", &[Q6]).await;
    for k in ["k1", "k2", "k3"] {
        api.issue(LAND, k).await;
    }
    let r = b.post(&format!("/api/v1/counters/{Q6}/call-number"), json!({"number": "B003", "reason": "  "})).await;
    assert_eq!(r.json()["error"]["code"], "invalid_request");
    assert_eq!(status_of(&api, "B003"), "waiting");
    let r = b.post(&format!("/api/v1/counters/{Q6}/call-number"), json!({"number": "b3", "reason": "Người cao tuổi quay lại"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["ticket"]["number"], "B003");
    assert_eq!(api.count("SELECT count(*) FROM calls WHERE kind = 'number' AND reason = 'Người cao tuổi quay lại'"), 1);
    // The queue goes on in order after it.
    let r = b.post(&format!("/api/v1/counters/{Q6}/call-next"), json!({})).await;
    assert_eq!(r.json()["ticket"]["number"], "B001");
    assert_eq!(status_of(&api, "B003"), "served");
    // A citizen marked absent who comes back can be called by number.
    let token = r.json()["ticket"]["token"].as_str().unwrap().to_string();
    b.post(&format!("/api/v1/tickets/{token}/no-show"), json!({})).await;
    assert_eq!(status_of(&api, "B001"), "no_show");
    let r = b.post(&format!("/api/v1/counters/{Q6}/call-number"), json!({"number": "B001", "reason": "đã quay lại"})).await;
    assert_eq!(r.json()["ticket"]["status"], "called");
    let r = b.post(&format!("/api/v1/counters/{Q6}/call-number"), json!({"number": "B099", "reason": "x"})).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("ticket_not_found")));
}

#[tokio::test]
async fn a_session_ends_at_local_midnight() {
    let api = Api::new(MONDAY_9AM);
    let mut b = officer(&api, "canbo1", &[Q6]).await;
    assert_eq!(b.get(&format!("/api/v1/counters/{Q6}/console")).await.status, 200);
    api.clock.set("2026-11-30T17:00:01Z".parse().unwrap()); // 00:00:01 on Tuesday in Vĩnh Phúc
    let r = b.get(&format!("/api/v1/counters/{Q6}/console")).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    assert_eq!(b.get("/quay").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_board_keeps_its_display_token_in_a_cookie_and_cleans_the_address() {
    let api = Api::new(MONDAY_9AM);
    let mut tv = Browser::new(&api);
    let r = tv.get("/bang-hien-thi?center=vp-tinh&token=demo-display&layout=portrait").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/bang-hien-thi?center=vp-tinh&layout=portrait");
    let page = tv.get("/bang-hien-thi?center=vp-tinh&layout=portrait").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("class=\"board portrait\""));
    assert_eq!(tv.get("/api/v1/board").await.status, 200);
    let mut stranger = Browser::new(&api);
    assert_eq!(stranger.get("/bang-hien-thi?center=vp-tinh").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(stranger.get("/bang-hien-thi?center=vp-tinh&token=demo-kiosk").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(tv.get("/bang-hien-thi?center=vp-vinh-yen").await.status, StatusCode::FORBIDDEN);
}

#[test]
fn staff_accounts_are_managed_from_the_command_line_with_the_password_on_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let bin = env!("CARGO_BIN_EXE_motcua-central");
    let demo = motcua_central::demo::DEMO_FILE;
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(&catalog, demo).unwrap();
    assert!(Command::new(bin).args(["catalog", "import", "--db"]).arg(&db).arg(&catalog).output().unwrap().status.success());
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(bin)
            .args(args)
            .arg("--db")
            .arg(&db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(
        &["staff", "add", "--center", "vp-tinh", "--username", "canbo9", "--role", "officer", "--counters", "5,vp-quay-06"],
        "bí-mật-9\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["staff", "add", "--center", "vp-tinh", "--username", "canbo8", "--role", "officer", "--counters", "42"], "x1234\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no counter \"42\""), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["staff", "add", "--center", "vp-tinh", "--username", "canbo7", "--role", "officer"], "");
    assert!(!out.status.success(), "no password, no account");
    let list = String::from_utf8_lossy(&run(&["staff", "list"], "").stdout).into_owned();
    assert!(list.contains("vp-tinh\tcanbo9\tofficer\tvp-quay-05,vp-quay-06"), "{list}");
    assert!(!list.contains("canbo8") && !list.contains("canbo7"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let hash: String = conn.query_row("SELECT password_hash FROM staff WHERE username = 'canbo9'", [], |r| r.get(0)).unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("bí-mật-9"));
    assert!(accounts::verify_password(&hash, "bí-mật-9"));
    assert!(run(&["staff", "passwd", "--username", "canbo9"], "mới-hơn\n").status.success());
    assert!(run(&["staff", "disable", "--username", "canbo9"], "").status.success());
    assert!(String::from_utf8_lossy(&run(&["staff", "list"], "").stdout).contains("(disabled)"));
    let hash: String = conn.query_row("SELECT password_hash FROM staff WHERE username = 'canbo9'", [], |r| r.get(0)).unwrap();
    assert!(accounts::verify_password(&hash, "mới-hơn"));
}
