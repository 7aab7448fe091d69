//! The phone's booking pages (`/dat-lich`) over HTTP, without a browser: each
//! step's links, the form post with a solved proof of work, the refusals in
//! plain words, the booking's page, its `.ics`, the cancel page, the redirect
//! to the ticket's page after check-in, and every page under 50 KB.
//! (tests/tests/booking_page.rs books through the same pages in Chromium.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Api, KIOSK, MONDAY_9AM, STAFF};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const A: &str = "vp-dang-ky-doanh-nghiep-dau-tu";
/// 30 Nov 2026 14:00 in Vĩnh Phúc.
const TWO_PM: &str = "2026-11-30T07:00:00Z";
const LIMIT: usize = 50 * 1024;

struct Page {
    status: StatusCode,
    location: Option<String>,
    content_type: String,
    body: String,
}

async fn send(api: &Api, method: &str, uri: &str, form: Option<&[(&str, &str)]>) -> Page {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match form {
        Some(fields) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            let encoded: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
            Body::from(encoded.join("&"))
        }
        None => Body::empty(),
    };
    let resp = api.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let location = resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string());
    let content_type = resp.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    assert!(bytes.len() < LIMIT, "{uri} is {} bytes, over 50 KB", bytes.len());
    Page { status, location, content_type, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

async fn get(api: &Api, uri: &str) -> Page {
    send(api, "GET", uri, None).await
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The value of `attr="…"` in the tag that holds `marker` in `html`.
fn attr<'a>(html: &'a str, marker: &str, attr: &str) -> &'a str {
    let at = html.find(marker).unwrap_or_else(|| panic!("{marker} not in {html}"));
    let rest = &html[html[..at].rfind('<').unwrap()..];
    let start = rest.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
    let end = rest[start..].find('"').unwrap();
    &rest[start..start + end]
}

/// Posts the booking form for `slot` as the page's script would (the proof of work solved).
async fn book(api: &Api, slot: &str, name: &str, phone: &str, solve: bool) -> Page {
    let form = get(api, &format!("/dat-lich?service={A}&slot={slot}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let challenge = attr(&form.body, "id=\"book\"", "data-challenge").to_string();
    let bits: u32 = attr(&form.body, "id=\"book\"", "data-bits").parse().unwrap();
    let solution = if solve { motcua_central::bookings::solve(&challenge, bits) } else { String::new() };
    let fields = [
        ("service", A),
        ("slot", slot),
        ("lang", "vi"),
        ("challenge", &challenge),
        ("solution", &solution),
        ("name", name),
        ("phone", phone),
    ];
    send(api, "POST", "/dat-lich", Some(&fields)).await
}

#[tokio::test]
async fn each_step_is_a_page_of_links_from_center_to_slot() {
    let api = Api::new(MONDAY_9AM);
    let p = get(&api, "/dat-lich").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.content_type.starts_with("text/html"));
    assert!(p.body.contains("Chọn trung tâm") && p.body.contains("href=\"/dat-lich?center=vp-tinh\""), "{}", p.body);
    assert!(!p.body.contains("center=vp-tam-dao"), "a center without appointments is not offered");

    let p = get(&api, "/dat-lich?center=vp-tinh").await;
    assert!(p.body.contains(&format!("data-testid=\"service-{A}\"")), "{}", p.body);
    assert!(p.body.contains("data-testid=\"service-vp-dat-dai-tai-nguyen\""));
    assert!(!p.body.contains("service-vp-bao-hiem-xa-hoi"), "a service without appointments is not offered");

    // The days: today and 14 ahead; the service's procedures and the documents to bring.
    let p = get(&api, &format!("/dat-lich?service={A}")).await;
    assert_eq!(p.body.matches("data-testid=\"day-").count(), 15, "{}", p.body);
    assert!(p.body.contains("Thứ Hai, 30/11/2026"));
    assert!(p.body.contains("Giấy tờ cần mang theo") && p.body.contains("<details>") && p.body.contains("Bản chính"), "{}", p.body);

    // The slots of today: started ones are gone, the demo's booking shows in the free places.
    let p = get(&api, &format!("/dat-lich?service={A}&date=2026-11-30")).await;
    assert!(!p.body.contains("data-testid=\"slot-0900\""), "09:00 has started");
    let slot = |id: &str| {
        let at = p.body.find(&format!("data-testid=\"slot-{id}\"")).unwrap_or_else(|| panic!("slot {id} in {}", p.body));
        p.body[p.body[..at].rfind("<li>").unwrap()..].split("</li>").next().unwrap().to_string()
    };
    assert!(slot("0930").contains("còn 3/4 chỗ"), "{}", slot("0930"));
    assert!(
        slot("1400").contains("còn 4/4 chỗ")
            && slot("1400").contains(&format!("href=\"/dat-lich?service={A}&#38;slot=2026-11-30T07:00:00Z\"")),
        "{}",
        slot("1400")
    );

    // English throughout.
    let p = get(&api, &format!("/dat-lich?service={A}&date=2026-11-30&lang=en")).await;
    assert!(p.body.contains("Choose a time") && p.body.contains("4 of 4 places free") && p.body.contains("lang=\"en\""), "{}", p.body);
    assert!(p.body.contains("&#38;lang=en\""), "links keep the language");
}

#[tokio::test]
async fn a_holiday_shows_as_closed_with_its_name_and_a_full_slot_cannot_be_chosen() {
    let api = Api::new("2026-12-28T02:00:00Z");
    let p = get(&api, &format!("/dat-lich?service={A}")).await;
    let at = p.body.find("data-testid=\"day-2027-01-01\"").unwrap();
    let day = &p.body[at - 30..at + 120];
    assert!(day.contains("<span class=\"off\"") && p.body[at..].split("</li>").next().unwrap().contains("Nghỉ: Tết Dương lịch"), "{day}");
    let p = get(&api, &format!("/dat-lich?service={A}&date=2027-01-01&lang=en")).await;
    assert!(p.body.contains("Closed: New Year&#39;s Day"), "{}", p.body);

    let api = Api::new(MONDAY_9AM);
    for phone in ["0911000001", "0911000002", "0911000003", "0911000004"] {
        let (s, _, v) = api
            .call(
                "POST",
                "/api/v1/bookings",
                Some(STAFF),
                None,
                Some(json!({"service_id": A, "slot_start": TWO_PM, "name": "Lê Văn Bình", "phone": phone})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let p = get(&api, &format!("/dat-lich?service={A}&date=2026-11-30")).await;
    let at = p.body.find("data-testid=\"slot-1400\"").unwrap();
    let li = p.body[p.body[..at].rfind("<li>").unwrap()..].split("</li>").next().unwrap();
    assert!(li.contains("<span class=\"off\"") && li.contains("Hết chỗ") && !li.contains("href="), "{li}");

    // Posted anyway (an old page): slot_full in plain words with the next free slots as links.
    let p = book(&api, TWO_PM, "Trần Thị Cúc", "0987654321", true).await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
    assert!(p.body.contains("data-code=\"slot_full\"") && p.body.contains("Khung giờ này vừa hết chỗ"), "{}", p.body);
    assert!(p.body.contains("data-testid=\"next-slot-0\" ") || p.body.contains("data-testid=\"next-slot-0\">"), "{}", p.body);
    assert!(p.body.contains("slot=2026-11-30T07:30:00Z"), "the next free slot, 14:30: {}", p.body);
    assert!(p.body.contains("value=\"Trần Thị Cúc\""), "the form keeps what was typed");
}

#[tokio::test]
async fn a_booking_through_the_form_shows_its_code_qr_calendar_and_cancel_link() {
    let api = Api::new(MONDAY_9AM);
    let p = book(&api, TWO_PM, "Nguyễn Văn An", "0912 345 678", true).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let location = p.location.unwrap();
    let (path, query) = location.split_once('?').unwrap();
    let code = path.strip_prefix("/dat-lich/b/").unwrap().to_string();
    assert!(motcua_domain::booking::parse_code(&code).as_deref() == Some(code.as_str()), "{location}");
    assert!(query.starts_with("k="), "{location}");

    let page = get(&api, &location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("data-testid=\"code\">{code}<")), "{}", page.body);
    assert!(page.body.contains("<svg") && page.body.contains("data-testid=\"qr\""));
    assert!(page.body.contains("Nguyễn V** A*") || !page.body.contains("Nguyễn Văn An"), "the name is masked: {}", page.body);
    assert!(!page.body.contains("Nguyễn Văn An") && !page.body.contains("0912"), "no full name or phone on the page");
    assert!(page.body.contains("14:00–14:30") && page.body.contains("Thứ Hai, 30/11/2026"));
    assert!(page.body.contains("Giấy tờ cần mang theo"));
    let cancel = attr(&page.body, "data-testid=\"cancel-link\"", "href").replace("&#38;", "&");
    assert!(cancel.starts_with(&format!("/dat-lich/huy/{code}?k=")), "{cancel}");
    // Without the secret (someone who only has the QR): no cancel link.
    let public = get(&api, &format!("/dat-lich/b/{}", code.to_lowercase().replace('-', ""))).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(!public.body.contains("cancel-link") && public.body.contains(&code));

    // The slot lost a place.
    let slots = get(&api, &format!("/dat-lich?service={A}&date=2026-11-30")).await;
    assert!(slots.body.contains("còn 3/4 chỗ</small></a></li>") && slots.body.contains("slot=2026-11-30T07:00:00Z"));

    // .ics: iCalendar with CRLF lines and UTC times.
    let ics = get(&api, &format!("/dat-lich/b/{code}.ics")).await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.content_type.starts_with("text/calendar"), "{}", ics.content_type);
    assert!(ics.body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && ics.body.ends_with("END:VCALENDAR\r\n"), "{}", ics.body);
    assert!(!ics.body.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    assert!(ics.body.contains("DTSTART:20261130T070000Z\r\n") && ics.body.contains("DTEND:20261130T073000Z\r\n"), "{}", ics.body);
    assert!(ics.body.replace("\r\n ", "").contains(&format!("URL:http://central.test/dat-lich/b/{code}")));
    for line in ics.body.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
    }
    // Unfolded, every content line is NAME:value; the event has what RFC 5545 requires.
    let unfolded = ics.body.replace("\r\n ", "");
    let names: Vec<&str> = unfolded.lines().map(|l| l.split([':', ';']).next().unwrap()).collect();
    for (line, name) in unfolded.lines().zip(&names) {
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '-') && line.len() > name.len(), "{line:?}");
    }
    for required in ["PRODID", "VERSION", "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION"] {
        assert!(names.contains(&required), "{required} in {unfolded}");
    }
    assert_eq!(names.iter().filter(|n| **n == "BEGIN").count(), names.iter().filter(|n| **n == "END").count());
    assert!(
        unfolded.contains("SUMMARY:Lịch hẹn ") && unfolded.contains("LOCATION:Trung tâm Phục vụ hành chính công tỉnh Vĩnh Phúc\\, "),
        "{unfolded}"
    );

    // Cancel: the confirm page, then the POST; the place is free again.
    let wrong = get(&api, &format!("/dat-lich/huy/{code}?k=nope")).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(!wrong.body.contains("confirm-cancel"));
    let confirm = get(&api, &cancel).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("data-testid=\"confirm-cancel\"") && confirm.body.contains("Huỷ lịch hẹn?"), "{}", confirm.body);
    let k = cancel.split("k=").nth(1).unwrap();
    let done = send(&api, "POST", &format!("/dat-lich/huy/{code}"), Some(&[("k", k), ("lang", "vi")])).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Chỗ của ông/bà đã được trả lại"), "{}", done.body);
    let slots = get(&api, &format!("/dat-lich?service={A}&date=2026-11-30")).await;
    let at = slots.body.find("data-testid=\"slot-1400\"").unwrap();
    assert!(slots.body[at..].split("</li>").next().unwrap().contains("còn 4/4 chỗ"), "freed");
    let after = get(&api, &location).await;
    assert!(
        after.body.contains("Lịch hẹn này đã được huỷ.") && !after.body.contains("<svg") && !after.body.contains("cancel-link"),
        "{}",
        after.body
    );
}

#[tokio::test]
async fn refusals_are_plain_words_on_the_form() {
    let api = Api::new(MONDAY_9AM);
    // No proof of work (JavaScript off): challenge_failed, a fresh challenge to try again.
    let p = book(&api, TWO_PM, "Nguyễn Văn An", "0912345678", false).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(p.body.contains("data-code=\"challenge_failed\"") && p.body.contains("bấm “Đặt lịch” lần nữa"), "{}", p.body);
    assert!(p.body.contains("Trang này cần bật JavaScript"), "the noscript advice");
    // A wrong phone number.
    let p = book(&api, TWO_PM, "Nguyễn Văn An", "12345", true).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.body.contains("Số điện thoại phải gồm 10 chữ số"), "{}", p.body);
    let p = book(&api, TWO_PM, "   ", "0912345678", true).await;
    assert!(p.body.contains("Họ tên phải có từ 1 đến 100 ký tự"), "{}", p.body);

    // One booking per phone per service per day: the second names the first.
    let first = book(&api, TWO_PM, "Nguyễn Văn An", "0912345678", true).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let code = first.location.unwrap().split('?').next().unwrap().trim_start_matches("/dat-lich/b/").to_string();
    let p = book(&api, "2026-11-30T08:00:00Z", "Nguyễn Văn An", "0912345678", true).await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("data-code=\"booking_limit\"") && p.body.contains(&format!("href=\"/dat-lich/b/{code}\"")), "{}", p.body);
    assert!(p.body.contains(&format!("đã có lịch hẹn cho dịch vụ này trong ngày ({code})")));

    // Too many attempts for one phone number: rate_limited, with the wait.
    let mut limited = None;
    for _ in 0..5 {
        let p = book(&api, "2026-11-30T09:00:00Z", "Nguyễn Văn An", "0912345678", true).await;
        if p.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(p);
            break;
        }
    }
    let p = limited.expect("the per-phone budget runs out");
    assert!(p.body.contains("data-code=\"rate_limited\"") && p.body.contains("Vui lòng đợi"), "{}", p.body);
}

#[tokio::test]
async fn after_check_in_the_booking_page_is_the_tickets_page() {
    let api = Api::new(MONDAY_9AM);
    // DEM-KHD: the demo's 09:30 booking, in its check-in window at 09:15.
    api.clock.set(common::ts("2026-11-30T02:20:00Z"));
    let p = get(&api, "/dat-lich/b/DEM-KHD").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let (s, _, v) = api.call("POST", "/api/v1/bookings/DEM-KHD/check-in", Some(KIOSK), None, Some(json!({"kiosk_id": "kiosk-1"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["ticket"]["token"].as_str().unwrap();
    let p = get(&api, "/dat-lich/b/DEM-KHD?lang=en").await;
    assert!(p.status.is_redirection());
    assert_eq!(p.location.as_deref(), Some(format!("/t/{token}?lang=en").as_str()));
    let p = get(&api, "/dat-lich/huy/DEM-KHD?k=demo").await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(!p.body.contains("confirm-cancel"));

    let p = get(&api, "/dat-lich/b/ZZZ-ZZZ").await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(p.body.contains("Không tìm thấy"));
}

#[tokio::test]
async fn the_pages_and_their_assets_are_small_and_run_under_the_csp() {
    let api = Api::new(MONDAY_9AM);
    for uri in ["/assets/booking.js", "/assets/booking.css"] {
        let p = get(&api, uri).await;
        assert_eq!(p.status, StatusCode::OK, "{uri}");
    }
    let req = Request::builder().uri(format!("/dat-lich?service={A}&slot={TWO_PM}")).body(Body::empty()).unwrap();
    let resp = api.app.clone().oneshot(req).await.unwrap();
    let csp = resp.headers().get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let body = String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(body.contains("<script src=\"/assets/booking.js\" defer></script>"));
    assert!(!body.contains("<script>") && !body.contains("style=\""), "no inline script or style");
}
