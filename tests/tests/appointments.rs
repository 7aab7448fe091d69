//! Checking an appointment in at the kiosk, against the central server (its
//! own router and HTTP loop on loopback, with a clock the test sets, so the
//! check-in window can be stood in): a booking made on the center's hotline
//! (staff token) checks in once and prints one slip marked "Đặt lịch HH:MM";
//! a second scan prints the same number again; too early says when to come
//! back, in the center's time; a lapsed booking offers an ordinary ticket for
//! its service; cancelled and unknown codes say so; a kiosk that cannot reach
//! the server says it cannot check and guesses nothing. `kioskctl check-in`
//! does the same for the IT officer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::{Timestamp, ToSpan};
use motcua_engine::Kiosk;
use motcua_tests::clocked::{ClockedCentral, book, bookable, local_hm};
use motcua_tests::*;
use serde_json::Value;

/// Monday 30 Nov 2026, 07:00 in Vĩnh Phúc: before the day's first slot.
const MONDAY_7AM: &str = "2026-11-30T00:00:00Z";
const DAY: &str = "2026-11-30";

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// The words of every PDF slip in `slips`, oldest first; the folder is emptied.
fn take_slips(slips: &Path) -> Vec<String> {
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(slips).unwrap().map(|e| e.unwrap().path()).collect();
    pdfs.sort();
    let words = pdfs.iter().map(|p| pdf_words(p)).collect();
    for p in pdfs {
        std::fs::remove_file(p).unwrap();
    }
    words
}

struct Setup {
    central: ClockedCentral,
    service: String,
    slots: Vec<Timestamp>,
    dir: tempfile::TempDir,
    slips: PathBuf,
}

fn setup() -> Setup {
    let central = ClockedCentral::start(at(MONDAY_7AM));
    let (service, slots) = bookable(&central.url, DAY, 4);
    let dir = tempfile::tempdir().unwrap();
    let slips = dir.path().join("slips");
    std::fs::create_dir_all(&slips).unwrap();
    Setup { central, service, slots, dir, slips }
}

impl Setup {
    fn printer(&self) -> String {
        format!("pdf+dir://{}", self.slips.display())
    }

    fn config(&self, url: &str) -> motcua_engine::Config {
        config(url, &self.printer(), &self.dir.path().join("kiosk"), "")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_checks_in_once_with_a_marked_slip_and_a_second_scan_reprints_the_same_number() {
    let s = tokio::task::block_in_place(setup);
    let slot = s.slots[2];
    let booking = tokio::task::block_in_place(|| book(&s.central.url, &s.service, slot, "0912345678"));
    let code = booking["code"].as_str().unwrap().to_owned();
    let kiosk = Kiosk::open(s.config(&s.central.url)).await.unwrap();

    // Half an hour before: too early, come back a quarter of an hour before the slot.
    s.central.set_now(slot - 30.minutes());
    let err = kiosk.check_in(&code).await.unwrap_err();
    assert_eq!(err.code(), "booking_too_early", "{err}");
    let body = err.body();
    let opens = slot - 15.minutes();
    assert_eq!(body.next_open_at, Some(opens));
    assert_eq!(body.next_open_local.as_deref(), Some(local_hm(opens).as_str()));
    assert!(body.message_vi.contains(&format!("Mời ông/bà quay lại lúc {}.", local_hm(opens))), "{}", body.message_vi);
    assert!(body.message.contains(&format!("come back at {}", local_hm(opens))), "{}", body.message);
    assert!(take_slips(&s.slips).is_empty(), "nothing printed");

    // Five minutes before: the appointment ticket, one slip with the mark. Typed in lower case without the dash.
    s.central.set_now(slot - 5.minutes());
    let typed = code.replace('-', "").to_lowercase();
    let first = kiosk.check_in(&typed).await.unwrap();
    assert!(first.outcome.printed && !first.repeat, "{:?}", first.outcome.print_error);
    let ticket = &first.outcome.ticket;
    assert_eq!(ticket.service_id, s.service);
    let appointment = ticket.appointment.as_ref().expect("an appointment ticket");
    assert_eq!((appointment.code.as_str(), appointment.slot_start), (code.as_str(), slot));
    assert_eq!(appointment.slot_local, local_hm(slot));
    let slips = take_slips(&s.slips);
    assert_eq!(slips.len(), 1, "one slip");
    let mark = format!("Đặt lịch {}", local_hm(slot));
    assert!(slips[0].contains(&mark) && slips[0].contains(&ticket.number), "{mark:?} and {} on the slip: {}", ticket.number, slips[0]);
    assert_eq!(qr_of_preview(&first.outcome.preview_png), ticket.lookup_url, "the slip's QR follows the ticket");

    // The booking's QR scanned again (the URL, as the phone shows it): the same number, printed again.
    let again = kiosk.check_in(booking["qr_url"].as_str().unwrap()).await.unwrap();
    assert!(again.repeat);
    assert_eq!((again.outcome.ticket.number.as_str(), again.outcome.ticket.id.as_str()), (ticket.number.as_str(), ticket.id.as_str()));
    let slips = take_slips(&s.slips);
    assert_eq!(slips.len(), 1);
    assert!(slips[0].contains(&mark) && slips[0].contains(&ticket.number), "{}", slips[0]);
    // The journal keeps it: a reprint by number keeps the mark, in English too.
    kiosk.reprint_in(&ticket.number, motcua_engine::Lang::En).await.unwrap();
    assert!(take_slips(&s.slips)[0].contains(&format!("Appointment {}", local_hm(slot))));

    // Scanned anywhere, the kiosk knows it for a booking.
    let motcua_engine::Lookup::Booking { code: seen } = kiosk.lookup(booking["qr_url"].as_str().unwrap()).await.unwrap() else {
        panic!("not a booking")
    };
    assert_eq!(seen, code);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lapsed_cancelled_and_unknown_bookings_say_what_to_do_and_offline_guesses_nothing() {
    let s = tokio::task::block_in_place(setup);
    let (lapsing, cancelled) = tokio::task::block_in_place(|| {
        let lapsing = book(&s.central.url, &s.service, s.slots[0], "0912000001");
        let cancelled = book(&s.central.url, &s.service, s.slots[1], "0912000002");
        let code = cancelled["code"].as_str().unwrap();
        let resp = reqwest::blocking::Client::new()
            .delete(format!("{}/api/v1/bookings/{code}", s.central.url))
            .bearer_auth("demo-staff")
            .send()
            .unwrap();
        assert!(resp.status().is_success(), "cancel: {}", resp.status());
        (lapsing, cancelled)
    });
    let kiosk = Kiosk::open(s.config(&s.central.url)).await.unwrap();

    // Twenty minutes after its slot started: lapsed; an ordinary ticket for the same service in one call.
    s.central.set_now(s.slots[0] + 20.minutes());
    let err = kiosk.check_in(lapsing["code"].as_str().unwrap()).await.unwrap_err();
    assert_eq!(err.code(), "booking_lapsed", "{err}");
    assert!(err.message_vi().contains("lấy số thường"), "{}", err.message_vi());
    let service = err.body().service_id.expect("the lapsed booking's service, for the one-tap ordinary ticket");
    assert_eq!(service, s.service, "the lapsed booking's own service");
    let ordinary = kiosk.take_ticket(&service, None).await.unwrap();
    assert!(ordinary.printed && ordinary.ticket.appointment.is_none());
    let slips = take_slips(&s.slips);
    assert_eq!(slips.len(), 1);
    assert!(!slips[0].contains("Đặt lịch"), "an ordinary ticket has no mark: {}", slips[0]);

    let err = kiosk.check_in(cancelled["code"].as_str().unwrap()).await.unwrap_err();
    assert_eq!(err.code(), "booking_cancelled", "{err}");
    assert!(err.message_vi().contains("đã được hủy"), "{}", err.message_vi());
    assert_eq!(err.body().service_id.as_deref(), Some(s.service.as_str()));

    let err = kiosk.check_in("AAA-AAA").await.unwrap_err();
    assert_eq!(err.code(), "booking_not_found", "{err}");
    let err = kiosk.check_in("HB8-0OI").await.unwrap_err();
    assert_eq!(err.code(), "not_a_booking_code", "refused without a request: {err}");
    assert!(take_slips(&s.slips).is_empty());

    // A kiosk that cannot reach the server: it says it cannot check, and prints nothing.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    drop(kiosk);
    let offline = Kiosk::open(s.config(&dead)).await.unwrap();
    let err = offline.check_in(lapsing["code"].as_str().unwrap()).await.unwrap_err();
    assert_eq!(err.code(), "booking_unverified", "{err}");
    assert!(err.message_vi().contains("chưa kiểm tra được lịch hẹn"), "{}", err.message_vi());
    assert!(take_slips(&s.slips).is_empty(), "no ticket on a guess");
    // The ordinary offline ticket it offers instead.
    let t = offline.take_ticket(&s.service, None).await.unwrap();
    assert!(t.ticket.offline && t.ticket.appointment.is_none());
}

fn kioskctl(args: &[&str], config: &Path) -> (bool, Value, Value) {
    let out = Command::new(kioskctl_bin()).args(args).arg("--config").arg(config).output().unwrap();
    let parse = |b: &[u8]| serde_json::from_slice(b).unwrap_or(Value::Null);
    (out.status.success(), parse(&out.stdout), parse(&out.stderr))
}

#[test]
fn kioskctl_checks_a_booking_in_and_says_why_not() {
    let s = setup();
    let slot = s.slots[3];
    let code = book(&s.central.url, &s.service, slot, "0912000003")["code"].as_str().unwrap().to_owned();
    let config = s.dir.path().join("kiosk.toml");
    std::fs::write(&config, config_text(&s.central.url, &s.printer(), &s.dir.path().join("kiosk"), "demo-kiosk", "")).unwrap();

    s.central.set_now(slot - 40.minutes());
    let (ok, _, err) = kioskctl(&["check-in", &code], &config);
    assert!(!ok);
    assert_eq!(err["code"], "booking_too_early");
    assert!(err["message_vi"].as_str().unwrap().contains(&format!("quay lại lúc {}", local_hm(slot - 15.minutes()))), "{err}");

    s.central.set_now(slot);
    let preview = s.dir.path().join("slip.png");
    let (ok, out, err) = kioskctl(&["check-in", &code.to_lowercase(), "--preview", preview.to_str().unwrap()], &config);
    assert!(ok, "{err}");
    assert_eq!((out["printed"].as_bool(), out["repeat"].as_bool()), (Some(true), Some(false)), "{out}");
    assert_eq!(out["ticket"]["appointment"]["code"], code.as_str());
    assert!(out.get("preview_png").is_none());
    assert_eq!(zbar(&preview), out["ticket"]["lookup_url"].as_str().unwrap());
    let number = out["ticket"]["number"].as_str().unwrap().to_owned();

    let (ok, out, _) = kioskctl(&["check-in", &code], &config);
    assert!(ok);
    assert_eq!((out["ticket"]["number"].as_str(), out["repeat"].as_bool()), (Some(number.as_str()), Some(true)));
    assert_eq!(take_slips(&s.slips).len(), 2, "printed, then printed again");

    let (ok, _, err) = kioskctl(&["check-in", "not a code"], &config);
    assert!(!ok);
    assert_eq!(err["code"], "not_a_booking_code");
}
