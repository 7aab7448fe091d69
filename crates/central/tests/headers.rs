//! Security headers on every page the server renders and every API answer:
//! a strict CSP (the pages hold no inline script or style for it to allow),
//! no sniffing, no referrer, no framing, and nothing with personal data
//! cached (ticket page, ticket and dossier lookups). Chromium runs the pages
//! under this CSP in tests/tests/staff_pages.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::*;
use http_body_util::BodyExt;
use motcua_central::accounts::{self, StaffRole};
use motcua_central::http::security::CSP;
use tower::ServiceExt;

const PROCESSING: &str = "000.00.12.H62-261120-0004";

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

async fn get(api: &Api, uri: &str, cookie: Option<&str>) -> Page {
    send(api, Request::builder().uri(uri), cookie, Body::empty()).await
}

async fn send(api: &Api, mut req: axum::http::request::Builder, cookie: Option<&str>, body: Body) -> Page {
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let resp = api.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Page { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
}

fn cookie_of(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .find(|kv| kv.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {headers:?}"))
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("{start:?} not in {text}")) + start.len();
    &text[from..from + text[from..].find(end).unwrap()]
}

/// The headers every answer carries.
fn assert_secured(what: &str, h: &HeaderMap) {
    assert_eq!(h[header::CONTENT_SECURITY_POLICY], CSP, "{what}");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{what}");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{what}");
}

/// A page the CSP lets run whole: every script a file of ours (or a JSON
/// data block), every style a stylesheet of ours; no inline handler or style.
fn assert_page(what: &str, page: &Page, status: StatusCode) {
    assert_eq!(page.status, status, "{what}: {}", page.text);
    assert_secured(what, &page.headers);
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store", "{what}");
    assert!(page.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{what}");
    let html = &page.text;
    assert!(!html.contains("<style") && !html.contains(" style="), "{what}: inline style\n{html}");
    for script in html.split("<script").skip(1) {
        let tag = &script[..script.find('>').unwrap()];
        assert!(tag.contains("type=\"application/json\"") || tag.contains("src=\"/assets/"), "{what}: inline script <script{tag}>");
    }
    for attr in [" onclick=", " onload=", " onerror=", " onsubmit=", "javascript:"] {
        assert!(!html.contains(attr), "{what}: {attr}");
    }
    for link in html.split("<link").skip(1) {
        let tag = &link[..link.find('>').unwrap()];
        assert!(tag.contains("href=\"/assets/"), "{what}: <link{tag}>");
    }
}

#[tokio::test]
async fn every_page_carries_a_strict_csp_and_no_inline_code() {
    let api = Api::new(MONDAY_9AM);

    let login = get(&api, "/dang-nhap", None).await;
    assert_page("sign-in", &login, StatusCode::OK);
    assert_page("sign-in (English)", &get(&api, "/dang-nhap?lang=en", None).await, StatusCode::OK);

    // The console, signed in.
    let conn = rusqlite::Connection::open(&api.db).unwrap();
    accounts::add(&conn, "vp-tinh", "canbo1", StaffRole::Officer, &["vp-quay-06".into()], "mật-khẩu-đúng").unwrap();
    let csrf = between(&login.text, "name=\"csrf\" value=\"", "\"");
    let form = format!("username=canbo1&password=mật-khẩu-đúng&csrf={csrf}");
    let signed = send(
        &api,
        Request::builder().method("POST").uri("/dang-nhap").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
        Some(&cookie_of(&login.headers, "motcua_login")),
        Body::from(form),
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    assert_secured("sign-in answer", &signed.headers);
    let session = cookie_of(&signed.headers, "motcua_session");
    assert_page("console", &get(&api, "/quay", Some(&session)).await, StatusCode::OK);
    assert_page("console (English)", &get(&api, "/quay?lang=en", Some(&session)).await, StatusCode::OK);
    let redirect = get(&api, "/quay", None).await;
    assert_eq!(redirect.status, StatusCode::SEE_OTHER);
    assert_secured("console, signed out", &redirect.headers);

    // The reports (an officer sees their counters), their live panel and an export.
    let reports = get(&api, "/bao-cao", Some(&session)).await;
    assert_page("reports", &reports, StatusCode::OK);
    assert!(reports.text.contains("src=\"/assets/reports.js\"") && reports.text.contains("<svg"), "{}", reports.text);
    assert_page("reports (English)", &get(&api, "/bao-cao?lang=en&from=2026-11-01&to=2026-11-30", Some(&session)).await, StatusCode::OK);
    assert_page("reports, a bad date", &get(&api, "/bao-cao?from=2026-13-01", Some(&session)).await, StatusCode::BAD_REQUEST);
    let export = get(&api, "/bao-cao/xuat.csv", Some(&session)).await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    assert_secured("reports export", &export.headers);
    assert_eq!(export.headers[header::CACHE_CONTROL], "no-store");

    // The lobby board, with its display token kept in a cookie.
    let given = get(&api, "/bang-hien-thi?center=vp-tinh&token=demo-display", None).await;
    assert_eq!(given.status, StatusCode::SEE_OTHER);
    let display = cookie_of(&given.headers, "motcua_display");
    assert_page("board", &get(&api, "/bang-hien-thi?center=vp-tinh", Some(&display)).await, StatusCode::OK);
    assert_page("board (portrait)", &get(&api, "/bang-hien-thi?center=vp-tinh&layout=portrait", Some(&display)).await, StatusCode::OK);
    assert_page("board without a token", &get(&api, "/bang-hien-thi?center=vp-tinh", None).await, StatusCode::UNAUTHORIZED);

    // The citizen's phone page.
    let (s, v) = api.issue("vp-dat-dai-tai-nguyen", "headers-1").await;
    assert_eq!(s, 201, "{v}");
    let token = v["ticket"]["token"].as_str().unwrap();
    let phone = get(&api, &format!("/t/{token}"), None).await;
    assert_page("ticket page", &phone, StatusCode::OK);
    assert!(phone.text.contains("href=\"/assets/ticket.css\""), "{}", phone.text);
    assert_page("ticket page (English)", &get(&api, &format!("/t/{token}?lang=en"), None).await, StatusCode::OK);
    assert_page("no such ticket", &get(&api, "/t/NoSuchToken_0123456789ab", None).await, StatusCode::NOT_FOUND);

    // The booking pages for phones, each step, the booking's page and the cancel page (the demo's DEM-KHD, k=demo).
    for (what, uri, status) in [
        ("booking: centers", "/dat-lich", StatusCode::OK),
        ("booking: services", "/dat-lich?center=vp-tinh&lang=en", StatusCode::OK),
        ("booking: days", "/dat-lich?service=vp-dang-ky-doanh-nghiep-dau-tu", StatusCode::OK),
        ("booking: slots", "/dat-lich?service=vp-dang-ky-doanh-nghiep-dau-tu&date=2026-11-30", StatusCode::OK),
        ("booking: form", "/dat-lich?service=vp-dang-ky-doanh-nghiep-dau-tu&slot=2026-11-30T07:00:00Z", StatusCode::OK),
        ("booking: the booking", "/dat-lich/b/DEM-KHD?k=demo", StatusCode::OK),
        ("booking: cancel", "/dat-lich/huy/DEM-KHD?k=demo&lang=en", StatusCode::OK),
        ("booking: no such booking", "/dat-lich/b/ZZZ-ZZZ", StatusCode::NOT_FOUND),
    ] {
        assert_page(what, &get(&api, uri, None).await, status);
    }

    // What the pages load is served, typed and not sniffed.
    for (asset, ty) in [
        ("ticket.css", "text/css"),
        ("console.js", "text/javascript"),
        ("board.css", "text/css"),
        ("booking.css", "text/css"),
        ("booking.js", "text/javascript"),
    ] {
        let a = get(&api, &format!("/assets/{asset}"), None).await;
        assert_eq!(a.status, 200, "{asset}");
        assert!(a.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with(ty), "{asset}");
        assert_secured(asset, &a.headers);
    }
}

#[tokio::test]
async fn answers_with_personal_data_are_never_stored() {
    let api = Api::new(MONDAY_9AM);
    let (_, v) = api.issue("vp-dat-dai-tai-nguyen", "headers-2").await;
    let token = v["ticket"]["token"].as_str().unwrap().to_string();
    for (uri, bearer) in [
        (format!("/api/v1/tickets/{token}"), KIOSK),
        (format!("/api/v1/dossiers/{PROCESSING}"), KIOSK),
        ("/api/v1/dossiers/000.00.12.H62-261130-9999".to_string(), KIOSK),
        ("/api/v1/queues".to_string(), KIOSK),
        ("/api/v1/counters/vp-quay-06/console".to_string(), STAFF),
        ("/api/v1/kiosks".to_string(), STAFF),
    ] {
        let (status, h, body) = api.call("GET", &uri, Some(bearer), None, None).await;
        assert!(status == 200 || status == 404, "{uri}: {status} {body}");
        assert_secured(&uri, &h);
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{uri}");
    }
    // A refusal too, and the answer that issued the ticket.
    let (_, h, _) = api.call("GET", "/api/v1/dossiers/hello", Some(KIOSK), None, None).await;
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    let (_, h, _) = api
        .call(
            "POST",
            "/api/v1/tickets",
            Some(KIOSK),
            Some("headers-2"),
            Some(serde_json::json!({"service_id": "vp-dat-dai-tai-nguyen", "kiosk_id": "k"})),
        )
        .await;
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    // The catalog keeps its own revalidation (ETag): it holds no personal data.
    let (_, h, _) = api.call("GET", "/api/v1/catalog", Some(KIOSK), None, None).await;
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    assert_secured("catalog", &h);
}
