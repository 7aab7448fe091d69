//! The director's reports through the router, on a known history made with
//! a fixed clock through the real API (kiosk tickets, an offline ticket,
//! calls, a recall, a no-show, a transfer, ratings), every figure computed by
//! hand: the page's numbers, the spreadsheet read back with calamine, the
//! CSV, the monthly PDF read back with pdftotext, the command line, who may
//! see what, and the refusals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Cursor;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
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
const Q10: &str = "vp-quay-10";
const PASSWORD: &str = "mật-khẩu-đúng";

/// Monday 23 Nov 2026 at HH:MM in Vĩnh Phúc (UTC+7).
fn mon(hm: &str) -> String {
    local("2026-11-23", hm)
}

fn local(day: &str, hm: &str) -> String {
    let t: jiff::civil::DateTime = format!("{day}T{hm}").parse().unwrap();
    t.to_zoned(jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap()).unwrap().timestamp().to_string()
}

struct Browser<'a> {
    api: &'a Api,
    cookies: Vec<(String, String)>,
    csrf: Option<String>,
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl<'a> Browser<'a> {
    fn new(api: &'a Api) -> Self {
        Self { api, cookies: Vec::new(), csrf: None }
    }

    async fn send(&mut self, method: &str, uri: &str, content_type: Option<&str>, body: String) -> Resp {
        let mut req = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let c: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header(header::COOKIE, c.join("; "));
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        if let Some(t) = &self.csrf {
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
        let body = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        Resp { status, headers, body }
    }

    async fn get(&mut self, uri: &str) -> Resp {
        self.send("GET", uri, None, String::new()).await
    }

    async fn sign_in(&mut self, username: &str) {
        self.cookies.clear();
        let page = self.get("/dang-nhap").await;
        let csrf = between(&page.text(), "name=\"csrf\" value=\"", "\"");
        let form = format!("username={username}&password={PASSWORD}&csrf={csrf}");
        let resp = self.send("POST", "/dang-nhap", Some("application/x-www-form-urlencoded"), form).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
        let console = self.get("/quay").await;
        self.csrf = Some(between(&console.text(), "name=\"csrf-token\" content=\"", "\""));
    }

    async fn post(&mut self, uri: &str, body: Value) -> Value {
        let r = self.send("POST", uri, Some("application/json"), body.to_string()).await;
        assert!(r.status.is_success(), "{uri}: {} {}", r.status, r.text());
        r.json()
    }
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).unwrap_or_else(|| panic!("{start:?} not in the page")) + start.len();
    let to = text[from..].find(end).unwrap() + from;
    text[from..to].to_string()
}

/// The raw value of the page cell with this test id.
fn value(html: &str, testid: &str) -> String {
    between(html, &format!("data-testid=\"{testid}\" data-value=\""), "\"")
}

fn num(html: &str, testid: &str) -> f64 {
    let v = value(html, testid);
    v.parse().unwrap_or_else(|_| panic!("{testid} = {v:?} is not a number"))
}

fn add_staff(api: &Api, center: &str, name: &str, role: StaffRole, counters: &[&str]) {
    let conn = rusqlite::Connection::open(&api.db).unwrap();
    let counters: Vec<String> = counters.iter().map(|c| (*c).to_string()).collect();
    accounts::add(&conn, center, name, role, &counters, PASSWORD).unwrap();
}

async fn issue(api: &Api, service: &str, extra: Value) -> Value {
    let mut body = json!({"service_id": service, "kiosk_id": "kiosk-sanh-1"});
    body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    let key = uuid::Uuid::now_v7().to_string();
    let (s, _, v) = api.call("POST", "/api/v1/tickets", Some(KIOSK), Some(&key), Some(body)).await;
    assert!(s.is_success(), "{s} {v}");
    v["ticket"].clone()
}

async fn rate(api: &Api, ticket: &Value, score: u8, comment: Option<&str>) {
    let body = json!({"ticket_token": ticket["token"], "score": score, "comment": comment});
    let (s, _, v) = api.call("POST", "/api/v1/ratings", Some(KIOSK), None, Some(body)).await;
    assert!(s.is_success(), "{s} {v}");
}

fn token(t: &Value) -> String {
    t["token"].as_str().unwrap().to_string()
}

/// The known Monday (23 Nov 2026), all through the API:
///
/// | ticket | issued | first call | counter, officer (last call) | end | wait | service |
/// |---|---|---|---|---|---|---|
/// | B001 | 08:00 | 08:10 Q6 | Q6 canbo1 | served 08:20 (by the next call) | 10 min | 10 min |
/// | B002 | 08:02 | 08:20 Q6, recalled 08:21 | Q6 canbo1 | no-show 08:25 | 18 min | |
/// | B003 | 08:04 | 08:40 Q6, transferred to C 08:45, called 08:50 Q7 | Q7 canbo2 | served 09:00 | 36 min | 10 min |
/// | B-K1-001 (offline, delivered 08:30) | 07:50 | 08:31 Q10 | Q10 canbo1 | served 09:00 | 41 min | 29 min |
/// | C001 | 08:05 | 09:05 Q7 | Q7 canbo2 | served 09:15 | 60 min | 10 min |
/// | C002 | 16:00 | never | | the day ends | | |
///
/// Ratings: B001 3 (08:25), B003 1 with a comment (09:05), C001 2 (09:20).
async fn known_monday(api: &Api) {
    add_staff(api, "vp-tinh", "canbo1", StaffRole::Officer, &[Q6, Q10]);
    add_staff(api, "vp-tinh", "canbo2", StaffRole::Officer, &[Q7, Q8]);
    add_staff(api, "vp-tinh", "giamdoc", StaffRole::Director, &[]);
    let at = |hm: &str| api.clock.set(ts(&mon(hm)));
    let mut c1 = Browser::new(api);
    let mut c2 = Browser::new(api);
    at("07:55");
    c1.sign_in("canbo1").await;
    c2.sign_in("canbo2").await;
    at("08:00");
    let b001 = issue(api, LAND, json!({})).await;
    at("08:02");
    let b002 = issue(api, LAND, json!({})).await;
    at("08:04");
    let b003 = issue(api, LAND, json!({})).await;
    at("08:05");
    let c001 = issue(api, BUILDING, json!({})).await;
    at("08:10");
    assert_eq!(c1.post(&format!("/api/v1/counters/{Q6}/call-next"), json!({})).await["ticket"]["number"], "B001");
    at("08:20");
    assert_eq!(c1.post(&format!("/api/v1/counters/{Q6}/call-next"), json!({})).await["ticket"]["number"], "B002");
    at("08:21");
    c1.post(&format!("/api/v1/tickets/{}/recall", token(&b002)), json!({})).await;
    at("08:25");
    c1.post(&format!("/api/v1/tickets/{}/no-show", token(&b002)), json!({})).await;
    rate(api, &b001, 3, None).await;
    at("08:30");
    let offline = issue(
        api,
        LAND,
        json!({"issued_at": ts(&mon("07:50")), "offline": {"number": "B-K1-001", "token": "offline-token-0000000000001"}}),
    )
    .await;
    assert_eq!(offline["number"], "B-K1-001");
    at("08:31");
    assert_eq!(c1.post(&format!("/api/v1/counters/{Q10}/call-next"), json!({})).await["ticket"]["number"], "B-K1-001");
    at("08:40");
    assert_eq!(c1.post(&format!("/api/v1/counters/{Q6}/call-next"), json!({})).await["ticket"]["number"], "B003");
    at("08:45");
    c1.post(&format!("/api/v1/tickets/{}/transfer", token(&b003)), json!({"service_id": BUILDING})).await;
    at("08:50");
    assert_eq!(c2.post(&format!("/api/v1/counters/{Q7}/call-next"), json!({})).await["ticket"]["number"], "B003");
    at("09:00");
    c2.post(&format!("/api/v1/tickets/{}/serve", token(&b003)), json!({})).await;
    c1.post(&format!("/api/v1/tickets/{}/serve", token(&offline)), json!({})).await;
    at("09:05");
    assert_eq!(c2.post(&format!("/api/v1/counters/{Q7}/call-next"), json!({})).await["ticket"]["number"], "C001");
    rate(api, &b003, 1, Some("Chờ lâu quá, phải chuyển sang quầy khác")).await;
    at("09:15");
    c2.post(&format!("/api/v1/tickets/{}/serve", token(&c001)), json!({})).await;
    at("09:20");
    rate(api, &c001, 2, None).await;
    at("16:00");
    issue(api, BUILDING, json!({})).await;
}

/// An API with the known Monday behind it and the clock on Tuesday 09:00.
async fn after_monday() -> Api {
    let api = Api::new(&mon("07:30"));
    known_monday(&api).await;
    api.clock.set(ts(&local("2026-11-24", "09:00")));
    api
}

async fn director(api: &Api) -> Browser<'_> {
    let mut b = Browser::new(api);
    b.sign_in("giamdoc").await;
    b
}

const MONDAY: &str = "from=2026-11-23&to=2026-11-23";

#[tokio::test]
async fn the_page_shows_the_hand_computed_figures_of_a_known_monday() {
    let api = after_monday().await;
    let mut b = director(&api).await;
    let page = b.get(&format!("/bao-cao?{MONDAY}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"), "{csp}");
    let h = page.text();
    assert!(!h.contains("style=") && !h.contains("<style") && !h.contains("onclick"), "nothing inline under the CSP");

    // The whole center.
    let s = |k: &str| num(&h, &format!("tong-quan.{k}.gia-tri"));
    assert_eq!(s("so-phieu"), 6.0);
    assert_eq!(s("ngoai-tuyen"), 1.0);
    assert_eq!(s("da-goi"), 5.0);
    assert_eq!(s("da-phuc-vu"), 4.0);
    assert_eq!(s("vang-mat"), 1.0);
    assert_eq!(s("chua-goi"), 1.0, "C002 was never called");
    assert_eq!(s("ty-le-vang"), 0.2, "1 no-show of 5 served or absent");
    assert_eq!(s("cho-tb"), 33.0, "(10 + 18 + 36 + 41 + 60) / 5 minutes");
    assert_eq!(s("cho-trung-vi"), 36.0, "the 3rd of 10, 18, 36, 41, 60");
    assert_eq!(s("cho-p90"), 60.0, "the 5th of 5");
    assert_eq!(s("trong-15"), 0.2);
    assert_eq!(s("trong-30"), 0.4);
    assert_eq!(s("trong-60"), 1.0, "a wait of exactly 60:00 is within 60 minutes");
    assert_eq!(s("phuc-vu-tb"), 14.8, "(10 + 29 + 10 + 10) / 4 = 14.75");
    assert_eq!(s("so-danh-gia"), 3.0);
    assert_eq!(s("ty-le-hai-long"), 0.6667);
    assert!(
        h.contains("data-testid=\"tile-median\"><span class=\"r-tile-label\">Chờ trung vị</span><strong class=\"r-tile-value\">36 phút")
    );

    // By the service the ticket was taken for: the transferred B003 stays a B ticket.
    let svc = |s: &str, k: &str| num(&h, &format!("theo-dich-vu.{s}.{k}"));
    assert_eq!((svc(LAND, "so-phieu"), svc(LAND, "da-phuc-vu"), svc(LAND, "vang-mat")), (4.0, 3.0, 1.0));
    assert_eq!(svc(LAND, "cho-tb"), 26.3, "(10 + 18 + 41 + 36) / 4 = 26.25");
    assert_eq!(svc(LAND, "cho-trung-vi"), 18.0, "the 2nd of 10, 18, 36, 41");
    assert_eq!(svc(LAND, "cho-p90"), 41.0);
    assert_eq!(svc(LAND, "trong-30"), 0.5);
    assert_eq!(svc(LAND, "ty-le-vang"), 0.25);
    assert_eq!(svc(LAND, "phuc-vu-tb"), 16.3, "(10 + 29 + 10) / 3");
    assert_eq!((svc(BUILDING, "so-phieu"), svc(BUILDING, "da-phuc-vu"), svc(BUILDING, "chua-goi")), (2.0, 1.0, 1.0));
    assert_eq!(svc(BUILDING, "cho-trung-vi"), 60.0);
    assert_eq!(svc("vp-ly-lich-tu-phap", "so-phieu"), 0.0, "every service shows, with zeros");
    assert_eq!(svc("tong", "so-phieu"), 6.0);

    // By the counter and officer of the last call.
    let ctr = |c: &str, k: &str| num(&h, &format!("theo-quay.{c}.{k}"));
    assert_eq!((ctr(Q6, "da-goi"), ctr(Q6, "da-phuc-vu"), ctr(Q6, "vang-mat")), (2.0, 1.0, 1.0));
    assert_eq!(ctr(Q6, "phuc-vu-tb"), 10.0);
    assert_eq!((ctr(Q7, "da-phuc-vu"), ctr(Q7, "phuc-vu-tb")), (2.0, 10.0), "B003 counts where it was served");
    assert_eq!((ctr(Q10, "da-phuc-vu"), ctr(Q10, "phuc-vu-tb")), (1.0, 29.0));
    let off = |o: &str, k: &str| num(&h, &format!("theo-can-bo.{o}.{k}"));
    assert_eq!((off("canbo1", "da-goi"), off("canbo1", "da-phuc-vu"), off("canbo1", "phuc-vu-tb")), (3.0, 2.0, 19.5));
    assert_eq!((off("canbo2", "da-phuc-vu"), off("canbo2", "gio-phuc-vu")), (2.0, 0.3));

    // Ratings by the rated ticket's service and counter, and the comment.
    assert_eq!(num(&h, &format!("danh-gia-dich-vu.{LAND}.ty-le-hai-long")), 0.5);
    assert_eq!(num(&h, &format!("danh-gia-dich-vu.{BUILDING}.ty-le-hai-long")), 1.0);
    assert_eq!(num(&h, &format!("danh-gia-quay.{Q6}.rat-hai-long")), 1.0);
    assert_eq!((num(&h, &format!("danh-gia-quay.{Q7}.hai-long")), num(&h, &format!("danh-gia-quay.{Q7}.khong-hai-long"))), (1.0, 1.0));
    assert_eq!(value(&h, "gop-y.0.gop-y"), "Chờ lâu quá, phải chuyển sang quầy khác");
    assert_eq!(value(&h, "gop-y.0.so-phieu"), "B003");
    assert_eq!(value(&h, "gop-y.0.thoi-gian"), "2026-11-23T09:05");

    // Monday's hours of issue: the offline ticket at 07:50, four at 08:xx, C002 at 16:00.
    assert_eq!((num(&h, "theo-gio.t2.07:00"), num(&h, "theo-gio.t2.08:00"), num(&h, "theo-gio.t2.16:00")), (1.0, 4.0, 1.0));
    assert_eq!(num(&h, "theo-gio.t2.so-ngay"), 1.0);
    assert_eq!(num(&h, "thoi-gian-cho.0-5.so-phieu"), 0.0);
    assert_eq!(num(&h, "thoi-gian-cho.5-10.so-phieu"), 1.0);
    assert_eq!(num(&h, "thoi-gian-cho.30-60.so-phieu"), 3.0, "36, 41 and 60");

    // The English switch keeps the figures and changes the words.
    let en = b.get(&format!("/bao-cao?{MONDAY}&lang=en")).await.text();
    assert!(en.contains("Tickets by service") && en.contains("Peak hours"), "English titles");
    assert!(h.contains("Số phiếu theo dịch vụ") && h.contains("Giờ cao điểm"), "Vietnamese titles");
    assert_eq!(num(&en, "tong-quan.cho-trung-vi.gia-tri"), 36.0);
}

#[tokio::test]
async fn a_day_once_over_is_summarised_and_reads_back_as_it_was_live() {
    let api = Api::new(&mon("07:30"));
    known_monday(&api).await;
    // Monday 18:00: the day is still today, read live.
    api.clock.set(ts(&mon("18:00")));
    let mut b = director(&api).await;
    let live = b.get(&format!("/bao-cao?{MONDAY}")).await.text();
    assert_eq!(api.count("SELECT count(*) FROM report_days WHERE day = '2026-11-23'"), 0, "today is never stored");
    // Tuesday: Monday is summarised once, on the first report that needs it.
    api.clock.set(ts(&local("2026-11-24", "09:00")));
    let mut b = director(&api).await;
    let stored = b.get(&format!("/bao-cao?{MONDAY}")).await.text();
    assert_eq!(api.count("SELECT count(*) FROM report_days WHERE day = '2026-11-23'"), 1);
    for k in ["so-phieu", "da-phuc-vu", "vang-mat", "cho-tb", "cho-trung-vi", "cho-p90", "trong-15", "phuc-vu-tb", "ty-le-hai-long"] {
        assert_eq!(value(&live, &format!("tong-quan.{k}.gia-tri")), value(&stored, &format!("tong-quan.{k}.gia-tri")), "{k}");
    }
    // Live, C002 was still waiting; once the day is over it was never called.
    assert_eq!(num(&live, "tong-quan.dang-cho.gia-tri"), 1.0);
    assert_eq!(num(&stored, "tong-quan.chua-goi.gia-tri"), 1.0);

    // A kiosk that was offline on Monday delivers a ticket on Tuesday: Monday is counted again.
    issue(&api, LAND, json!({"issued_at": ts(&mon("10:00")), "offline": {"number": "B-K2-001", "token": "offline-token-0000000000002"}}))
        .await;
    assert_eq!(api.count("SELECT count(*) FROM report_days WHERE day = '2026-11-23'"), 0, "the change unmarks the day");
    let again = b.get(&format!("/bao-cao?{MONDAY}")).await.text();
    assert_eq!(num(&again, "tong-quan.so-phieu.gia-tri"), 7.0);
    assert_eq!(num(&again, "tong-quan.ngoai-tuyen.gia-tri"), 2.0);
}

#[tokio::test]
async fn filters_narrow_to_a_service_a_counter_or_an_officer() {
    let api = after_monday().await;
    let mut b = director(&api).await;
    let h = b.get(&format!("/bao-cao?{MONDAY}&service={BUILDING}")).await.text();
    assert_eq!(num(&h, "tong-quan.so-phieu.gia-tri"), 2.0, "C001 and C002");
    assert_eq!(num(&h, "tong-quan.ty-le-hai-long.gia-tri"), 1.0, "only C001's rating");
    let h = b.get(&format!("/bao-cao?{MONDAY}&counter=6")).await.text();
    assert_eq!(num(&h, "tong-quan.so-phieu.gia-tri"), 2.0, "B001 and B002 ended at counter 6; a counter number works too");
    assert_eq!(num(&h, "tong-quan.cho-trung-vi.gia-tri"), 10.0, "the 1st of 10 and 18");
    let h = b.get(&format!("/bao-cao?{MONDAY}&officer=canbo2")).await.text();
    assert_eq!(num(&h, "tong-quan.da-phuc-vu.gia-tri"), 2.0);
    assert_eq!(num(&h, "tong-quan.cho-tb.gia-tri"), 48.0, "(36 + 60) / 2");
}

#[tokio::test]
async fn an_officer_sees_only_their_counters_and_no_dossiers() {
    let api = after_monday().await;
    let mut b = Browser::new(&api);
    b.sign_in("canbo2").await;
    let page = b.get(&format!("/bao-cao?{MONDAY}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let h = page.text();
    assert!(h.contains("data-testid=\"officer-scope\""));
    assert_eq!(num(&h, "tong-quan.so-phieu.gia-tri"), 2.0, "B003 and C001, called at counter 7");
    assert!(!h.contains(&format!("theo-quay.{Q6}.")), "no other counter");
    assert!(!h.contains("ho-so-co-quan") && !h.contains("hs-tiep-nhan"), "no dossiers");
    assert!(!h.contains("thang.pdf"), "no monthly report link");
    let r = b.get(&format!("/bao-cao/xuat.xlsx?{MONDAY}&counter={Q6}")).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("counter_not_assigned")));
    let r = b.get(&format!("/bao-cao?{MONDAY}&officer=canbo1")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("chỉ xem được số liệu của chính mình"), "{}", r.text());
    let r = b.get("/bao-cao/thang.pdf?month=2026-11").await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
}

#[tokio::test]
async fn a_provincial_director_sees_the_district_centers_and_a_district_one_only_theirs() {
    let api = after_monday().await;
    add_staff(&api, "vp-tam-dao", "giamdoc.tamdao", StaffRole::Director, &[]);
    let mut b = director(&api).await;
    let h = b.get(&format!("/bao-cao?{MONDAY}")).await.text();
    for c in ["vp-tinh", "vp-vinh-yen", "vp-yen-lac", "vp-tam-dao"] {
        assert!(h.contains(&format!("<option value=\"{c}\"")), "{c} in the center filter");
    }
    let r = b.get(&format!("/bao-cao?{MONDAY}&center=vp-tam-dao")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Trung tâm Phục vụ hành chính công huyện Tam Đảo"));
    assert_eq!(num(&r.text(), "tong-quan.so-phieu.gia-tri"), 0.0);
    let mut d = Browser::new(&api);
    d.sign_in("giamdoc.tamdao").await;
    let r = d.get(&format!("/bao-cao/xuat.csv?{MONDAY}&center=vp-tinh")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.json()["error"]["message_vi"].as_str().unwrap().contains("không được xem báo cáo của trung tâm vp-tinh"));
}

#[tokio::test]
async fn bad_periods_and_missing_sign_in_are_refused_plainly() {
    let api = after_monday().await;
    let mut anon = Browser::new(&api);
    let r = anon.get("/bao-cao").await;
    assert_eq!((r.status, r.headers[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/dang-nhap"));
    let r = anon.get(&format!("/bao-cao/xuat.xlsx?{MONDAY}")).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let mut b = director(&api).await;
    let r = b.get("/bao-cao?from=2026-13-01").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("from phải là ngày dạng NNNN-TT-NN"), "{}", r.text());
    let r = b.get("/bao-cao/xuat.xlsx?from=2026-11-30&to=2026-11-01").await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")));
    assert!(r.json()["error"]["message_vi"].as_str().unwrap().contains("trước ngày bắt đầu"), "{}", r.text());
    let r = b.get("/bao-cao/xuat.csv?from=2020-01-01&to=2026-11-01").await;
    assert!(r.json()["error"]["message_vi"].as_str().unwrap().contains("tối đa 731 ngày"), "{}", r.text());
    let r = b.get("/bao-cao/thang.pdf?month=11-2026").await;
    assert!(r.json()["error"]["message_vi"].as_str().unwrap().contains("NNNN-TT"), "{}", r.text());
    let r = b.get(&format!("/bao-cao?{MONDAY}&service=khong-co")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// A local date-time as a spreadsheet's serial number (days since 1899-12-30).
fn excel_serial(t: &str) -> f64 {
    let t: jiff::civil::DateTime = t.parse().unwrap();
    let base: jiff::civil::DateTime = "1899-12-30T00:00".parse().unwrap();
    (t - base).total((jiff::Unit::Second, jiff::SpanRelativeTo::days_are_24_hours())).unwrap() / 86_400.0
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> calamine::Range<Data> {
    book.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

/// The row whose first cell is `first`.
fn row<'a>(r: &'a calamine::Range<Data>, first: &str) -> &'a [Data] {
    r.rows()
        .find(|row| row.first().is_some_and(|c| matches!(c, Data::String(s) if s == first)))
        .unwrap_or_else(|| panic!("no row {first:?}"))
}

#[tokio::test]
async fn the_spreadsheet_has_a_sheet_per_table_vietnamese_headers_real_dates_and_numbers() {
    let api = after_monday().await;
    let mut b = director(&api).await;
    let r = b.get(&format!("/bao-cao/xuat.xlsx?{MONDAY}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(r.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("bao-cao-vp-tinh-2026-11-23-2026-11-23.xlsx"));
    let mut book = Xlsx::new(Cursor::new(r.body.clone())).unwrap();
    let names = book.sheet_names();
    for s in [
        "Tổng quan",
        "Theo dịch vụ",
        "Theo ngày",
        "Phiếu TB theo giờ và thứ",
        "Phân bố thời gian chờ",
        "Theo quầy",
        "Theo cán bộ",
        "Đánh giá theo dịch vụ",
        "Đánh giá theo quầy",
        "Góp ý của công dân",
        "Hồ sơ theo cơ quan",
        "Hồ sơ theo thủ tục",
    ] {
        assert!(names.iter().any(|n| n == s), "sheet {s} in {names:?}");
    }
    let svc = sheet(&mut book, "Theo dịch vụ");
    let header: Vec<String> = svc.rows().next().unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(&header[..4], ["Dịch vụ", "Số phiếu", "Đã gọi", "Đã phục vụ"]);
    let land = row(&svc, "B · Đất đai – Tài nguyên môi trường");
    assert_eq!(land[1], Data::Float(4.0), "counts are numbers");
    assert_eq!(land[6], Data::Float(0.25), "the no-show rate is a number (shown as 25.0%)");
    assert_eq!(land[8], Data::Float(18.0), "median wait");
    let days = sheet(&mut book, "Theo ngày");
    let monday = &days.rows().nth(1).unwrap();
    match &monday[0] {
        Data::DateTime(d) => assert_eq!(d.as_f64(), excel_serial("2026-11-23T00:00"), "a real date"),
        other => panic!("the date is {other:?}, not a date"),
    }
    assert_eq!(monday[1], Data::String("Thứ Hai".into()));
    assert_eq!(monday[2], Data::Float(6.0));
    let summary = sheet(&mut book, "Tổng quan");
    assert_eq!(row(&summary, "Thời gian chờ trung vị (phút)")[1], Data::Float(36.0));
    assert_eq!(row(&summary, "Thời gian phục vụ trung bình (phút)")[1], Data::Float(14.8));
    let comments = sheet(&mut book, "Góp ý của công dân");
    let c = comments.rows().nth(1).unwrap();
    match &c[0] {
        Data::DateTime(t) => assert!((t.as_f64() - excel_serial("2026-11-23T09:05")).abs() < 1e-6, "{t:?}"),
        other => panic!("the time is {other:?}, not a date and time"),
    }
    assert_eq!(c[5], Data::String("Chờ lâu quá, phải chuyển sang quầy khác".into()));

    // English headers on request, the same numbers.
    let r = b.get(&format!("/bao-cao/xuat.xlsx?{MONDAY}&lang=en")).await;
    let mut book = Xlsx::new(Cursor::new(r.body)).unwrap();
    let svc = sheet(&mut book, "By service");
    assert_eq!(row(&svc, "Total")[1], Data::Float(6.0));
}

#[tokio::test]
async fn the_csv_has_the_same_tables_as_plain_values() {
    let api = after_monday().await;
    let mut b = director(&api).await;
    let r = b.get(&format!("/bao-cao/xuat.csv?{MONDAY}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let text = r.text();
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for spreadsheets");
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| *l == "Theo dịch vụ").expect("the table's title line");
    assert!(
        lines[at + 1].starts_with("Dịch vụ,Số phiếu,Đã gọi,Đã phục vụ,Vắng mặt,Không được gọi,Tỷ lệ vắng mặt (%)"),
        "{}",
        lines[at + 1]
    );
    let land = lines[at..].iter().find(|l| l.starts_with("B · Đất đai")).unwrap();
    assert!(land.starts_with("B · Đất đai – Tài nguyên môi trường,4,4,3,1,0,25.0,26.3,18,41,25.0,50.0,100.0,16.3"), "{land}");
    assert!(text.contains("\n2026-11-23,Thứ Hai,6,4,1,1,"), "ISO dates");
}

#[tokio::test]
async fn the_monthly_pdf_is_one_signable_a4_page_in_vietnamese() {
    let api = after_monday().await;
    let mut b = director(&api).await;
    let r = b.get("/bao-cao/thang.pdf?month=2026-11").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("thang.pdf");
    std::fs::write(&path, &r.body).unwrap();
    let info = motcua_testkit::run_tool("pdfinfo", "poppler-utils", &[path.to_str().unwrap()]);
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")), "one page: {info}");
    assert!(info.contains("595.276 x 841.89") || info.contains("(A4)"), "A4: {info}");
    // Line by line as laid out (the key figures stand in two columns).
    let out = motcua_testkit::run_tool("pdftotext", "poppler-utils", &["-layout", path.to_str().unwrap(), "-"]);
    let words: String = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    for expected in [
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH",
        "VĨNH PHÚC Độc lập – Tự do – Hạnh phúc",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BÁO CÁO KẾT QUẢ PHỤC VỤ THÁNG 11/2026",
        "Từ ngày 01/11/2026 đến ngày 30/11/2026",
        "Số phiếu đã cấp 6",
        "Vắng mặt (tỷ lệ) 1 (20,0%)",
        "Trung vị / P90 thời gian chờ 36 / 60 phút",
        "Được gọi trong 15 / 30 / 60 phút 20,0% / 40,0% / 100,0%",
        "Số đánh giá / tỷ lệ hài lòng 3 / 66,7%",
        "B · Đất đai – Tài nguyên môi trường 4 3 1 26,3 18 25,0% 16,3",
        "Tổng 6 4 1 33,0 36 20,0% 14,8",
        "Vĩnh Phúc, ngày 24 tháng 11 năm 2026",
        "NGƯỜI LẬP BIỂU",
        "GIÁM ĐỐC",
        "(Ký, đóng dấu, ghi rõ họ tên)",
    ] {
        assert!(words.contains(expected), "{expected:?} not in the PDF text:\n{words}");
    }
}

#[tokio::test]
async fn dossier_figures_follow_their_definitions() {
    let api = Api::new(MONDAY_9AM);
    add_staff(&api, "vp-tinh", "giamdoc", StaffRole::Director, &[]);
    // March 2026, by import (the way the province's nightly export comes in), with
    // two procedures of two agencies. D2 is ready only in April; D5 was refused.
    let (p1, p2) = {
        let conn = rusqlite::Connection::open(&api.db).unwrap();
        let cats = motcua_central::catalog::load(&conn).unwrap();
        let cat = cats.center("vp-tinh").unwrap();
        let agency_of = |p: &motcua_domain::catalog::Procedure| cat.catalog.fields.iter().find(|f| f.id == p.field).unwrap().agency.clone();
        let p1 = cat.catalog.procedures[0].clone();
        let p2 = cat.catalog.procedures.iter().find(|p| agency_of(p) != agency_of(&p1)).unwrap().clone();
        (p1, p2)
    };
    let d =
        |n: u32, p: &motcua_domain::catalog::Procedure, status: u8, received: &str, due: &str, returned: Option<&str>, updated: &str| {
            json!({"code": format!("000.00.12.H62-2603{:02}-{n:04}", n), "procedure_id": p.id, "procedure_name": p.name,
               "applicant_name": "Nguyễn Văn An", "status": status, "received_at": received, "due_at": due,
               "returned_at": returned, "updated_at": updated})
        };
    let rows = json!({"dossiers": [
        d(1, &p1, 10, "2026-03-02 08:00", "2026-03-10 16:30", Some("2026-03-09 10:00"), "2026-03-09 10:00"),
        d(2, &p1, 9, "2026-03-03 08:00", "2026-03-05 16:30", None, "2026-04-15 09:00"),
        d(3, &p2, 4, "2026-03-04 08:00", "2026-04-20 16:30", None, "2026-03-05 09:00"),
        d(4, &p2, 10, "2026-03-05 08:00", "2026-03-06 16:30", Some("2026-03-12 15:00"), "2026-03-12 15:00"),
        d(5, &p2, 3, "2026-03-05 09:00", "2026-03-20 16:30", None, "2026-03-05 09:30"),
        // Two from a source that gives no procedure id: counted by name, under "Khác".
        json!({"code": "000.00.12.H62-260306-0006", "procedure_name": "Thủ tục của nguồn cũ", "applicant_name": "Trần Thị Bình",
               "status": 4, "received_at": "2026-03-06 08:00", "due_at": "2026-05-06 16:30", "updated_at": "2026-03-06 08:00"}),
        json!({"code": "000.00.12.H62-260306-0007", "procedure_name": "Thủ tục của nguồn cũ", "applicant_name": "Lê Văn Cường",
               "status": 10, "received_at": "2026-03-06 09:00", "due_at": "2026-03-20 16:30", "returned_at": "2026-03-10 10:00",
               "updated_at": "2026-03-10 10:00"}),
    ]});
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    std::fs::write(&file, rows.to_string()).unwrap();
    let report = motcua_central::sources::import::import(&motcua_central::sources::import::ImportOptions {
        db: api.db.clone(),
        center: "vp-tinh".into(),
        file,
        mapping: None,
        dry_run: false,
        as_of: None,
    })
    .unwrap();
    assert_eq!(report.created, 7, "{report:?}");
    let mut b = director(&api).await;
    let h = b.get("/bao-cao?from=2026-03-01&to=2026-03-31").await.text();
    let t = |k: &str| num(&h, &format!("ho-so-co-quan.tong.{k}"));
    assert_eq!(t("tiep-nhan"), 7.0);
    assert_eq!(t("da-giai-quyet"), 3.0, "D1, D4 and D7; D2 only in April");
    assert_eq!((t("dung-han"), t("tre-han")), (2.0, 1.0), "D1 and D7 on time, D4 late");
    assert!((t("ty-le-dung-han") - 2.0 / 3.0).abs() < 1e-3, "{}", t("ty-le-dung-han"));
    assert_eq!(t("da-tra"), 3.0);
    let other = |k: &str| num(&h, &format!("ho-so-co-quan.khac.{k}"));
    assert_eq!((other("tiep-nhan"), other("da-giai-quyet"), other("dung-han"), other("da-tra")), (2.0, 1.0, 1.0, 1.0));
    assert_eq!(num(&h, "ho-so-thu-tuc.~Thủ tục của nguồn cũ.tiep-nhan"), 2.0);
    assert_eq!(t("dang-qua-han"), 1.0, "D2: due 5 March, still open on 31 March; D3 not due yet; D5 refused");
    assert_eq!(num(&h, &format!("ho-so-thu-tuc.{}.tiep-nhan", p2.id)), 3.0);
    // April: D2 is resolved, late.
    let h = b.get("/bao-cao?from=2026-04-01&to=2026-04-30").await.text();
    assert_eq!((num(&h, "ho-so-co-quan.tong.da-giai-quyet"), num(&h, "ho-so-co-quan.tong.tre-han")), (1.0, 1.0));
    assert_eq!(num(&h, "ho-so-co-quan.tong.dang-qua-han"), 1.0, "D3, due 20 April, still in processing");
}

#[tokio::test]
async fn today_live_shows_who_waits_the_longest_wait_the_counters_and_the_usual_monday() {
    let api = Api::new(&mon("07:30"));
    known_monday(&api).await;
    let day = "2026-11-30";
    let at = |hm: &str| api.clock.set(ts(&local(day, hm)));
    at("08:00");
    let mut c1 = Browser::new(&api);
    c1.sign_in("canbo1").await;
    let mut c2 = Browser::new(&api);
    c2.sign_in("canbo2").await;
    at("08:30");
    issue(&api, LAND, json!({})).await;
    at("08:40");
    issue(&api, LAND, json!({})).await;
    at("08:45");
    c1.post(&format!("/api/v1/counters/{Q6}/call-next"), json!({})).await;
    c2.post(&format!("/api/v1/counters/{Q8}/pause"), json!({})).await;
    at("09:00");
    let mut b = director(&api).await;
    let h = b.get("/bao-cao").await.text();
    assert!(h.contains("Hôm nay — Thứ Hai, 30/11/2026"));
    assert_eq!(num(&h, &format!("cho.{LAND}.dang-cho")), 1.0);
    assert_eq!(num(&h, &format!("cho.{LAND}.lau-nhat")), 20.0, "B002 has waited since 08:40");
    assert!(h.contains("data-testid=\"today-longest\">B002 · B · 20 phút"), "the longest wait");
    assert!(h.contains(&format!("data-testid=\"counter-{Q6}\" data-state=\"serving\"")));
    assert!(h.contains(&format!("data-testid=\"counter-{Q8}\" data-state=\"paused\"")));
    assert!(h.contains(&format!("data-testid=\"counter-{Q7}\" data-state=\"closed\"")));
    assert!(h.contains("Quầy đang mở: 1 · Tạm nghỉ: 1 · Chưa mở: 18"));
    // Today against last Monday (the only Monday with tickets).
    assert_eq!((num(&h, "gio-hom-nay.8.hom-nay"), num(&h, "gio-hom-nay.8.trung-binh")), (2.0, 4.0));
    assert_eq!(num(&h, "gio-hom-nay.7.trung-binh"), 1.0);
    assert!(h.contains("trung bình 1 thứ hai gần nhất"));
    // The panel alone, as the page refreshes it.
    let panel = b.get("/bao-cao/hom-nay").await;
    assert_eq!(panel.status, StatusCode::OK);
    assert!(panel.headers.contains_key(header::CONTENT_SECURITY_POLICY));
    assert_eq!(num(&panel.text(), &format!("cho.{LAND}.dang-cho")), 1.0);
}

#[tokio::test]
async fn the_report_command_writes_the_same_figures_for_a_scheduled_job() {
    let api = after_monday().await;
    drop(director(&api).await);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bao-cao.xlsx");
    let bin = env!("CARGO_BIN_EXE_motcua-central");
    let run = |args: &[&str]| std::process::Command::new(bin).args(args).output().unwrap();
    let db = api.db.to_str().unwrap();
    let o =
        run(&["report", "--db", db, "--center", "vp-tinh", "--from", "2026-11-23", "--to", "2026-11-23", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("6 tickets, 4 served, 3 ratings"));
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let svc = book.worksheet_range("Theo dịch vụ").unwrap();
    assert_eq!(row(&svc, "Tổng")[1], Data::Float(6.0));
    let csv = dir.path().join("bao-cao.csv");
    let o = run(&[
        "report",
        "--db",
        db,
        "--center",
        "vp-tinh",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-23",
        "--counter",
        "7",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&csv).unwrap().contains("Số phiếu đã cấp,2"));
    let o = run(&[
        "report",
        "--db",
        db,
        "--center",
        "vp-nowhere",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-23",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown center \"vp-nowhere\"; centers in"));
    let o =
        run(&["report", "--db", db, "--center", "vp-tinh", "--from", "2026-11-31", "--to", "2026-11-23", "--out", csv.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--from must be a date YYYY-MM-DD"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_demo_history_has_morning_peaks_a_monday_rush_a_few_overdue_dossiers_and_mostly_happy_citizens() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let mut conn = motcua_central::db::open_and_migrate(&db).unwrap();
    let now = ts(MONDAY_9AM);
    motcua_central::demo::seed_if_empty(&mut conn, now).unwrap();
    let stats = motcua_central::reports::history::seed_demo(&mut conn, now, 90).unwrap();
    assert!(stats.tickets > 20_000 && stats.ratings > 3_000 && stats.dossiers > 3_000, "{stats:?}");
    let q = |sql: &str| -> f64 { conn.query_row(sql, [], |r| r.get::<_, f64>(0)).unwrap() };
    assert_eq!(q("SELECT count(*) FROM tickets WHERE day >= '2026-11-30'"), 0.0, "nothing today or later: numbering starts at 001");
    assert_eq!(q("SELECT count(*) FROM tickets WHERE day < '2026-09-01'"), 0.0, "90 days");
    // Per weekday (strftime %w: 0 Sunday, 1 Monday, 3 Wednesday) at the provincial center.
    let per_day = |w: u8| {
        q(&format!("SELECT count(*) * 1.0 / count(DISTINCT day) FROM tickets WHERE center = 'vp-tinh' AND strftime('%w', day) = '{w}'"))
    };
    assert!(per_day(1) > 1.2 * per_day(3), "Monday rush: {} vs {}", per_day(1), per_day(3));
    assert_eq!(q("SELECT count(*) FROM tickets WHERE strftime('%w', day) = '0'"), 0.0, "closed on Sunday");
    assert!(per_day(6) > 0.0 && per_day(6) < 0.5 * per_day(3), "Saturday morning only");
    let hour = |from: u8, to: u8| {
        q(&format!(
            "SELECT count(*) FROM tickets WHERE center = 'vp-tinh'
             AND ((issued_at / 1000 + 7 * 3600) % 86400) / 3600 BETWEEN {from} AND {to}"
        ))
    };
    assert!(hour(8, 9) > 1.5 * hour(14, 15), "the morning peak: {} vs {}", hour(8, 9), hour(14, 15));
    let wait = |w: u8| {
        q(&format!(
            "SELECT avg(called_at - issued_at) / 60000.0 FROM tickets WHERE center = 'vp-tinh' AND status = 'served' AND strftime('%w', day) = '{w}'"
        ))
    };
    assert!(wait(1) > wait(3) && wait(3) > 2.0, "Mondays wait longer: {} vs {} min", wait(1), wait(3));
    let overdue = q(&format!(
        "SELECT count(*) FROM dossiers WHERE done_at IS NULL AND status IN (1, 2, 4, 5, 6) AND due_at < {}",
        now.as_millisecond()
    ));
    let dossiers = q("SELECT count(*) FROM dossiers");
    assert!(overdue >= 3.0 && overdue < 0.01 * dossiers, "a few overdue dossiers: {overdue} of {dossiers}");
    let satisfied = q("SELECT avg(score >= 2) FROM ratings");
    assert!(satisfied > 0.85 && satisfied < 1.0, "mostly positive: {satisfied}");
    assert!(q("SELECT count(*) FROM ratings WHERE comment IS NOT NULL") > 50.0, "some comments");
    let rules = motcua_domain::DossierCodeRules::default();
    let mut stmt = conn.prepare("SELECT code FROM dossiers").unwrap();
    for code in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let code = code.unwrap();
        assert!(rules.parse(&code).is_ok(), "{code} is a valid dossier code");
    }
    // Every past day of every center is summarised, so the dashboard is quick at once.
    let centers = q("SELECT count(*) FROM catalog_entries WHERE kind = 'center'");
    assert!(centers >= 4.0, "the demo's centers: {centers}");
    assert_eq!(q("SELECT count(*) FROM report_days"), 90.0 * centers);
}
