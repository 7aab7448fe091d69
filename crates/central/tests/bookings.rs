//! Appointments (issue 10): slots, booking, cancel, the proof of work, check-in
//! windows and the appointment ticket's place, over the real router and a
//! real SQLite file with a fixed clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::{Api, KIOSK, MONDAY_9AM, STAFF, code, ts};
use serde_json::{Value, json};

/// The demo's business-registration queue: 30-minute slots of 4 places,
/// around the clock. Monday 30 Nov 2026 09:00 local is 02:00Z.
const A: &str = "vp-dang-ky-doanh-nghiep-dau-tu";

/// 30 Nov 2026 at `hh:mm` local (UTC+7), as the API writes it.
fn at(hh: u32, mm: u32) -> String {
    let h = hh as i64 - 7;
    let (day, h) = if h < 0 { (29, h + 24) } else { (30, h) };
    format!("2026-11-{day:02}T{h:02}:{mm:02}:00Z")
}

async fn book(api: &Api, token: Option<&str>, slot: &str, phone: &str) -> (StatusCode, Value) {
    let body = json!({"service_id": A, "slot_start": slot, "name": "Nguyễn Văn An", "phone": phone});
    let (s, _, v) = api.call("POST", "/api/v1/bookings", token, None, Some(body)).await;
    (s, v)
}

async fn check_in(api: &Api, code: &str) -> (StatusCode, Value) {
    let (s, _, v) =
        api.call("POST", &format!("/api/v1/bookings/{code}/check-in"), Some(KIOSK), None, Some(json!({"kiosk_id": "kiosk-1"}))).await;
    (s, v)
}

#[tokio::test]
async fn slots_list_free_places_and_a_holiday_is_closed() {
    let api = Api::new(MONDAY_9AM);
    let (s, _, v) = api.call("GET", &format!("/api/v1/slots?service={A}&date=2026-11-30"), None, None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["closed"].is_null());
    let slots = v["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 48, "around the clock, every 30 minutes");
    let slot = |start: &str| slots.iter().find(|x| x["start"] == start).unwrap_or_else(|| panic!("slot {start} in {v}"));
    assert_eq!(slot(&at(9, 30))["places"], 4);
    assert_eq!(slot(&at(9, 30))["free"], 3, "the demo booked DEM-KHD at 09:30");
    assert_eq!(slot(&at(9, 0))["free"], 0, "a slot that has started takes no booking");
    assert_eq!(slot(&at(14, 0))["free"], 4);
    assert_eq!(slot(&at(14, 0))["end"], at(14, 30));

    // Past, too far ahead, not taking appointments, unknown.
    let (s, _, v) = api.call("GET", &format!("/api/v1/slots?service={A}&date=2026-11-29"), None, None, None).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_closed"));
    let (s, _, v) = api.call("GET", &format!("/api/v1/slots?service={A}&date=2026-12-30"), None, None, None).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_closed"), "14 days ahead at most");
    let (s, _, v) = api.call("GET", "/api/v1/slots?service=vp-bao-hiem-xa-hoi&date=2026-11-30", None, None, None).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_closed"));
    let (s, _, v) = api.call("GET", "/api/v1/slots?service=nope&date=2026-11-30", None, None, None).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "service_not_found"));
    let (s, _, v) = api.call("GET", &format!("/api/v1/slots?service={A}&date=30/11/2026"), None, None, None).await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_request"));

    // New Year's Day seen from late December: closed, with the reason.
    let api = Api::new("2026-12-28T02:00:00Z");
    let (s, _, v) = api.call("GET", &format!("/api/v1/slots?service={A}&date=2027-01-01"), None, None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["closed"]["reason_vi"], "Tết Dương lịch");
    assert_eq!(v["closed"]["reason"], "New Year's Day");
    assert_eq!(v["slots"], json!([]));
    let (s, v) = book(&api, Some(STAFF), "2027-01-01T02:00:00Z", "0912345678").await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_closed"), "no booking on a holiday");
}

#[tokio::test]
async fn a_booking_checks_in_and_its_ticket_waits_at_its_slot_time() {
    let api = Api::new(MONDAY_9AM);
    let (s, v) = book(&api, Some(STAFF), &at(10, 0), "0912 345 678").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let b = &v["booking"];
    let booking = b["code"].as_str().unwrap().to_string();
    assert!(motcua_domain::booking::parse_code(&booking).as_deref() == Some(booking.as_str()), "{booking}");
    assert_eq!(b["status"], "booked");
    assert_eq!(b["center"], "vp-tinh");
    assert_eq!(b["slot_start"], at(10, 0));
    assert_eq!(b["slot_end"], at(10, 30));
    assert_eq!(b["name_masked"], "Nguyễn V** A*");
    assert_eq!(b["qr_url"], format!("http://central.test/dat-lich/b/{booking}"));
    assert!(b["cancel_url"].as_str().unwrap().starts_with(&format!("http://central.test/dat-lich/huy/{booking}?k=")));
    assert!(b["ticket_token"].is_null());

    // The public view: masked, no cancel link; the code in any case, without its dash.
    let lower = booking.replace('-', "").to_lowercase();
    let (s, _, v) = api.call("GET", &format!("/api/v1/bookings/{lower}"), None, None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["booking"]["code"], booking.as_str());
    assert!(v["booking"]["cancel_url"].is_null());
    assert!(!v.to_string().contains("0912"), "no phone number in public: {v}");

    // Walk-ins at 09:00 and 09:20.
    let (_, w1) = api.issue(A, "walk-1").await;
    api.clock.set(ts(&at(9, 20)));
    let (_, w2) = api.issue(A, "walk-2").await;

    // 09:40: check-in opens at 09:45.
    api.clock.set(ts(&at(9, 40)));
    let (s, v) = check_in(&api, &booking).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_too_early"));
    assert_eq!(v["error"]["next_open_at"], at(9, 45));
    assert!(v["error"]["message_vi"].as_str().unwrap().contains("09:45"), "{v}");

    // 09:50: the appointment ticket, numbered like the walk-ins.
    api.clock.set(ts(&at(9, 50)));
    let (s, v) = check_in(&api, &booking).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let t = &v["ticket"];
    assert_eq!(t["number"], "A003", "{t}");
    assert_eq!(t["appointment"], json!({"slot_start": at(10, 0), "code": booking}));
    assert_eq!(v["booking"]["status"], "checked_in");
    assert_eq!(v["booking"]["ticket_token"], t["token"]);
    // Before its slot it waits by its slot time: behind the walk-ins who came before 10:00.
    assert_eq!(t["ahead"], 2, "{t}");
    assert!(w1["ticket"]["appointment"].is_null() && w2["ticket"]["ahead"] == 1);

    // A walk-in at 10:05 comes after it.
    api.clock.set(ts(&at(10, 5)));
    let (_, w3) = api.issue(A, "walk-3").await;
    assert_eq!(w3["ticket"]["ahead"], 3, "{w3}");

    // A second scan reprints the same ticket.
    let (s, again) = check_in(&api, &booking).await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["ticket"]["token"], t["token"]);
    assert_eq!(again["ticket"]["number"], "A003");
    assert_eq!(api.count(&format!("SELECT count(*) FROM tickets WHERE booking_code = '{booking}'")), 1);

    // The ticket's phone page says it is an appointment.
    let (_, _, page) = api.call("GET", &format!("/t/{}", t["token"].as_str().unwrap()), None, None, None).await;
    assert!(page.as_str().unwrap().contains("Đặt lịch 10:00"), "{page}");

    // The booking's public view now leads to the ticket.
    let (_, _, v) = api.call("GET", &format!("/api/v1/bookings/{booking}"), None, None, None).await;
    assert_eq!(v["booking"]["ticket_token"], t["token"]);

    // 10:06: its slot has started, so it is called before the walk-ins who waited since 09:00;
    // then the walk-ins, in their order.
    let mut order = Vec::new();
    for _ in 0..4 {
        let (s, _, v) = api.call("POST", "/api/v1/counters/vp-quay-01/call-next", Some(STAFF), None, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        order.push(v["ticket"]["number"].as_str().unwrap().to_string());
    }
    assert_eq!(order, ["A003", "A001", "A002", "A004"]);
}

#[tokio::test]
async fn a_full_slot_names_the_next_free_ones_and_a_cancel_frees_a_place() {
    let api = Api::new(MONDAY_9AM);
    let mut cancel_urls = Vec::new();
    for i in 0..4 {
        let (s, v) = book(&api, Some(STAFF), &at(11, 0), &format!("091200030{i}")).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        cancel_urls.push(v["booking"]["cancel_url"].as_str().unwrap().to_string());
    }
    let (s, v) = book(&api, Some(STAFF), &at(11, 0), "0912000399").await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "slot_full"), "{v}");
    assert_eq!(v["error"]["next_free_slots"], json!([at(11, 30), at(12, 0), at(12, 30)]));
    assert!(v["error"]["existing_booking"].is_null());

    // The cancel link's key, wrong then right.
    let url = cancel_urls[0].strip_prefix("http://central.test/dat-lich/huy/").unwrap();
    let (booking, k) = url.split_once("?k=").unwrap();
    let (s, _, v) = api.call("DELETE", &format!("/api/v1/bookings/{booking}?k=wrong"), None, None, None).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    let (s, _, v) = api.call("DELETE", &format!("/api/v1/bookings/{booking}?k={k}"), None, None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["booking"]["status"], "cancelled");
    let (_, _, v) = api.call("GET", &format!("/api/v1/slots?service={A}&date=2026-11-30"), None, None, None).await;
    let free = v["slots"].as_array().unwrap().iter().find(|x| x["start"] == at(11, 0)).unwrap()["free"].clone();
    assert_eq!(free, 1);
    let (s, v) = book(&api, Some(STAFF), &at(11, 0), "0912000399").await;
    assert_eq!(s, StatusCode::CREATED, "the freed place is taken again: {v}");

    // A cancelled booking does not check in.
    api.clock.set(ts(&at(10, 50)));
    let (s, v) = check_in(&api, booking).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_cancelled"));
}

#[tokio::test]
async fn one_active_booking_per_phone_per_service_per_day() {
    let api = Api::new(MONDAY_9AM);
    let (s, first) = book(&api, Some(STAFF), &at(13, 0), "0987654321").await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = book(&api, Some(STAFF), &at(15, 0), "+84 987 654 321").await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_limit"), "{v}");
    assert_eq!(v["error"]["existing_booking"], first["booking"]["code"]);
    // Another day is another booking.
    let (s, v) = book(&api, Some(STAFF), "2026-12-01T06:00:00Z", "0987654321").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // Not a slot of the service.
    let (s, v) = book(&api, Some(STAFF), "2026-11-30T06:10:00Z", "0912000111").await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_closed"));
    let (s, v) = book(&api, Some(STAFF), &at(13, 0), "12345").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_request"));
}

#[tokio::test]
async fn a_public_booking_needs_a_solved_challenge_used_once() {
    let api = Api::new(MONDAY_9AM);
    let (s, v) = book(&api, None, &at(14, 0), "0912000201").await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "challenge_failed"));
    // A kiosk token is not staff: still a challenge.
    let (s, v) = book(&api, Some(KIOSK), &at(14, 0), "0912000201").await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "challenge_failed"));

    let (s, _, c) = api.call("GET", "/api/v1/bookings/challenge", None, None, None).await;
    assert_eq!(s, StatusCode::OK);
    let challenge = c["challenge"].as_str().unwrap();
    let bits = c["difficulty_bits"].as_u64().unwrap() as u32;
    assert!(bits >= 10, "{c}");
    assert_eq!(c["expires_at"], "2026-11-30T02:10:00Z");
    let body = |solution: &str| json!({"service_id": A, "slot_start": at(14, 0), "name": "Lê Thị Hoa", "phone": "0912000201", "challenge": solution});
    // A wrong nonce: find one that does not solve it.
    let wrong = (0..).map(|n| format!("{challenge}:{n}")).find(|s| {
        use sha2::Digest;
        !motcua_domain::booking::leading_zero_bits(&sha2::Sha256::digest(s.as_bytes()), bits)
    });
    let (s, _, v) = api.call("POST", "/api/v1/bookings", None, None, Some(body(&wrong.unwrap()))).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "challenge_failed"));

    let solved = motcua_central::bookings::solve(challenge, bits);
    let (s, _, v) = api.call("POST", "/api/v1/bookings", None, None, Some(body(&solved))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _, v) = api.call("POST", "/api/v1/bookings", None, None, Some(body(&solved))).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "challenge_failed"), "one solution books once");

    // Expired.
    let (_, _, c) = api.call("GET", "/api/v1/bookings/challenge", None, None, None).await;
    let solved = motcua_central::bookings::solve(c["challenge"].as_str().unwrap(), bits);
    api.clock.set(ts("2026-11-30T02:11:00Z"));
    let (s, _, v) = api.call("POST", "/api/v1/bookings", None, None, Some(body(&solved))).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "challenge_failed"));
}

#[tokio::test]
async fn check_in_windows_with_a_fixed_clock() {
    let api = Api::new(MONDAY_9AM);
    let mut codes = Vec::new();
    for (i, slot) in [at(10, 0), at(10, 30), at(11, 0)].iter().enumerate() {
        let (s, v) = book(&api, Some(STAFF), slot, &format!("09120005{i:02}")).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        codes.push(v["booking"]["code"].as_str().unwrap().to_string());
    }
    // Exactly 15 minutes before and after are inside.
    api.clock.set(ts(&at(10, 15)));
    let (s, v) = check_in(&api, &codes[0]).await;
    assert_eq!(s, StatusCode::CREATED, "10:15 for 10:00 is inside: {v}");
    api.clock.set(ts(&at(10, 14)));
    let (s, v) = check_in(&api, &codes[2]).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_too_early"));
    assert_eq!(v["error"]["next_open_at"], at(10, 45));
    api.clock.set(ts(&at(10, 45)));
    let (s, _) = check_in(&api, &codes[2]).await;
    assert_eq!(s, StatusCode::CREATED, "10:45 for 11:00 is inside");

    // 10:46 for 10:30 is a minute late: lapsed, and it stays lapsed.
    api.clock.set(ts(&at(10, 46)));
    let (s, v) = check_in(&api, &codes[1]).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_lapsed"));
    let (_, _, v) = api.call("GET", &format!("/api/v1/bookings/{}", codes[1]), None, None, None).await;
    assert_eq!(v["booking"]["status"], "lapsed");
    let (s, v) = check_in(&api, &codes[1]).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_lapsed"));

    let (s, v) = check_in(&api, "ACD-ACD").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "booking_not_found"));
    let (s, v) = check_in(&api, "not-a-code").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "booking_not_found"));
    let (s, _, v) = api.call("POST", &format!("/api/v1/bookings/{}/check-in", codes[0]), None, None, Some(json!({"kiosk_id": "k"}))).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"), "the kiosk's token is needed");
}

#[tokio::test]
async fn names_and_phone_numbers_go_the_day_after_the_appointment() {
    let api = Api::new(MONDAY_9AM);
    let (s, v) = book(&api, Some(STAFF), &at(16, 0), "0912000777").await;
    assert_eq!(s, StatusCode::CREATED);
    let booking = v["booking"]["code"].as_str().unwrap().to_string();
    let (s, v) = book(&api, Some(STAFF), "2026-12-01T02:00:00Z", "0912000778").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let tomorrow = v["booking"]["code"].as_str().unwrap().to_string();

    // Still the same day, late: kept.
    api.clock.set(ts("2026-11-30T16:59:00Z"));
    let r = motcua_central::ops::retention::run_once(&api.state, 365).await.unwrap();
    assert_eq!(r.booking_contacts, 0);
    // Local midnight: today's bookings (the demo's too) lose name and phone; tomorrow's stay.
    api.clock.set(ts("2026-11-30T17:00:00Z"));
    let r = motcua_central::ops::retention::run_once(&api.state, 365).await.unwrap();
    assert_eq!(r.booking_contacts as i64, api.count("SELECT count(*) FROM bookings WHERE day = '2026-11-30'"));
    let row = |code: &str| {
        let conn = rusqlite::Connection::open(&api.db).unwrap();
        conn.query_row("SELECT name, phone, status FROM bookings WHERE code = ?1", [code], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?))
        })
        .unwrap()
    };
    assert_eq!(row(&booking), (String::new(), None, "booked".to_string()), "kept as a figure, without who");
    assert_eq!(row(&tomorrow).1.as_deref(), Some("0912000778"));
    let r = motcua_central::ops::retention::run_once(&api.state, 365).await.unwrap();
    assert_eq!(r.booking_contacts, 0, "a second run finds nothing");
}

#[tokio::test]
async fn the_demo_bookings_check_in_at_once_and_only_at_their_center() {
    let api = Api::new(MONDAY_9AM);
    // Seeded at 09:00: DEM-KHA and DEM-KHC at 09:00, DEM-KHD at 09:30, DEM-KHE at 10:30, DEM-DAT at 09:00 (B).
    let (s, v) = check_in(&api, "dem-kha").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["ticket"]["appointment"]["slot_start"], at(9, 0));
    let number = v["ticket"]["number"].clone();
    // The counter console marks it ("Đặt lịch 09:00"), due now: first in line.
    let (s, _, console) = api.call("GET", "/api/v1/counters/vp-quay-01/console", Some(STAFF), None, None).await;
    assert_eq!(s, StatusCode::OK, "{console}");
    let a = console["services"].as_array().unwrap().iter().find(|x| x["service_id"] == A).unwrap();
    assert_eq!(a["next"][0]["number"], number, "{a}");
    assert_eq!(a["next"][0]["appointment_at"], at(9, 0));
    let (s, v) = check_in(&api, "DEMKHD").await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_too_early"), "09:30 opens at 09:15");
    assert_eq!(v["error"]["next_open_at"], at(9, 15));
    let (s, v) = check_in(&api, "DEM-KHE").await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "booking_too_early"));
    assert_eq!(v["error"]["next_open_at"], at(10, 15));
    let (_, _, v) = api.call("DELETE", "/api/v1/bookings/DEM-KHC?k=demo", None, None, None).await;
    assert_eq!(v["booking"]["status"], "cancelled", "the demo's cancel links take k=demo");

    // A kiosk of another center: not found there, and told so.
    let other = {
        let conn = rusqlite::Connection::open(&api.db).unwrap();
        motcua_central::tokens::create(&conn, motcua_central::tokens::Role::Kiosk, "vp-vinh-yen", "kiosk-vy").unwrap()
    };
    let (s, _, v) = api.call("POST", "/api/v1/bookings/DEM-DAT/check-in", Some(&other), None, Some(json!({"kiosk_id": "kiosk-vy"}))).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "booking_not_found"));
    assert!(v["error"]["message_vi"].as_str().unwrap().contains("trung tâm khác"), "{v}");
}

/// The slot race against the real binary: 100 attempts at once on a slot of 4
/// places give exactly 4 bookings; the 96 others are `slot_full` with the next free slots.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_attempts_at_once_on_four_places_give_four_bookings() {
    let dir = tempfile::tempdir().unwrap();
    let server = motcua_testkit::spawn_central(env!("CARGO_BIN_EXE_motcua-central"), &dir.path().join("central.db"));
    let url = format!("http://{}", server.server_addr().unwrap());
    let c = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap();
    // A slot still free: today's first with 4 free places, else tomorrow's.
    let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
    let today = jiff::Timestamp::now().to_zoned(tz).date();
    let mut slot = None;
    for day in [today, today.tomorrow().unwrap()] {
        let v: Value = c.get(format!("{url}/api/v1/slots?service={A}&date={day}")).send().await.unwrap().json().await.unwrap();
        slot = v["slots"].as_array().unwrap().iter().find(|s| s["free"] == 4 && s["places"] == 4).map(|s| s["start"].clone());
        if slot.is_some() {
            break;
        }
    }
    let slot = slot.expect("a free slot today or tomorrow");
    let mut tasks = Vec::new();
    for i in 0..100 {
        let (c, url, slot) = (c.clone(), url.clone(), slot.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"service_id": A, "slot_start": slot, "name": "Nguyễn Văn An", "phone": format!("0913{i:06}")});
            let r = c.post(format!("{url}/api/v1/bookings")).bearer_auth("demo-staff").json(&body).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }));
    }
    let mut booked = Vec::new();
    let mut full = 0;
    for t in tasks {
        let (s, v) = t.await.unwrap();
        match s {
            201 => booked.push(v["booking"]["code"].as_str().unwrap().to_string()),
            409 => {
                assert_eq!(code(&v), "slot_full", "{v}");
                let next = v["error"]["next_free_slots"].as_array().unwrap();
                assert!(!next.is_empty() && next.len() <= 3, "{v}");
                assert!(next.iter().all(|n| n.as_str().unwrap() > slot.as_str().unwrap()), "{v}");
                full += 1;
            }
            other => panic!("unexpected {other}: {v}"),
        }
    }
    booked.sort();
    booked.dedup();
    assert_eq!((booked.len(), full), (4, 96));
    let conn = rusqlite::Connection::open(dir.path().join("central.db")).unwrap();
    let stored: i64 = conn
        .query_row("SELECT count(*) FROM bookings WHERE service_id = ?1 AND status = 'booked' AND by_staff = 1", [A], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 4, "exactly 4 stored");
}

#[tokio::test]
async fn public_attempts_for_one_phone_number_are_budgeted() {
    let api = Api::new(MONDAY_9AM);
    let mut statuses = Vec::new();
    for i in 0..4 {
        let (_, _, c) = api.call("GET", "/api/v1/bookings/challenge", None, None, None).await;
        let solved = motcua_central::bookings::solve(c["challenge"].as_str().unwrap(), c["difficulty_bits"].as_u64().unwrap() as u32);
        // Each on another slot; the second and third hit the one-per-day limit, the fourth the budget.
        let body = json!({"service_id": A, "slot_start": at(12 + i, 0), "name": "Lê Thị Hoa", "phone": "0912000888", "challenge": solved});
        let (s, h, v) = api.call("POST", "/api/v1/bookings", None, None, Some(body)).await;
        statuses.push((s.as_u16(), code(&v).to_string()));
        if s == StatusCode::TOO_MANY_REQUESTS {
            assert!(h.get("retry-after").is_some(), "{h:?}");
            assert!(v["error"]["retry_after_s"].as_u64().unwrap() >= 1);
        }
    }
    let expected = [(201, "<none>"), (409, "booking_limit"), (409, "booking_limit"), (429, "rate_limited")];
    assert_eq!(statuses, expected.map(|(s, c)| (s, c.to_string())));
    // Staff on the hotline are not budgeted.
    let (s, v) = book(&api, Some(STAFF), &at(16, 0), "0912000889").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}
