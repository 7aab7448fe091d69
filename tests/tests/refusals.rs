//! Refusals that must be plain and must not leak: garbage scans never reach
//! the server, a revoked token is "not authorised" (not offline), a printer
//! without paper promises no ticket (or shows it on screen, per config).

use motcua_engine::Kiosk;
use motcua_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_scans_get_clear_errors_and_send_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(&dir.path().join("central.db"));
    let printer = FakePrinter::start(READY);
    let kiosk = Kiosk::open(config(&central.url, &printer.spec(), &dir.path().join("kiosk"), "")).await.unwrap();
    let before = central.requests_total();
    for garbage in ["", "12345", "DROP TABLE tickets;", "https://example.com/", "https://x.vn/t/short", "000.00.12.H62-269999-0004"] {
        let err = kiosk.lookup(garbage).await.unwrap_err();
        assert_eq!(err.code(), "not_a_code", "{garbage:?}");
        assert!(!err.message_vi().is_empty() && !err.message_en().is_empty());
        assert_eq!(kiosk.collect_result(garbage).await.unwrap_err().code(), "not_a_code", "{garbage:?}");
    }
    let body = serde_json::to_value(kiosk.lookup("12345").await.unwrap_err()).unwrap();
    assert_eq!(body["code"], "not_a_code");
    assert!(body["message_vi"].as_str().unwrap().contains("mã hồ sơ"));
    // The first scrape is counted once it has answered; nothing else arrived.
    assert_eq!(central.requests_total(), before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_not_authorised_and_never_offline() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(&dir.path().join("central.db"));
    let printer = FakePrinter::start(READY);
    let token = central.create_token("kiosk-revoked");
    let text = config_text(&central.url, &printer.spec(), &dir.path().join("kiosk"), &token, "");
    let config = motcua_engine::Config::parse(&text, |_| None).unwrap();
    let kiosk = Kiosk::open(config).await.unwrap();
    assert!(kiosk.take_ticket(LAND, None).await.unwrap().printed);

    central.revoke_token("kiosk-revoked");
    let err = kiosk.take_ticket(LAND, None).await.unwrap_err();
    assert_eq!(err.code(), "not_authorised");
    assert!(err.message_vi().contains("chưa được cấp quyền"));
    let status = kiosk.status().await.unwrap();
    assert!(!status.authorised && status.online);
    assert_eq!(status.outbox, 0, "no offline ticket");
    assert_eq!(kiosk.lookup(DOSSIER_READY).await.unwrap_err().code(), "not_authorised");
    assert_eq!(printer.wait_jobs(1).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_out_refuses_before_issuing_when_configured_to() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(&dir.path().join("central.db"));
    let printer = FakePrinter::start(PAPER_OUT);
    let mut config = config(&central.url, &printer.spec(), &dir.path().join("kiosk"), "");
    config.printer_unavailable = motcua_engine::PrinterUnavailablePolicy::Refuse;
    let kiosk = Kiosk::open(config).await.unwrap();
    let err = kiosk.take_ticket(LAND, None).await.unwrap_err();
    assert_eq!(err.code(), "printer_paper_out");
    assert_eq!(err.message_vi(), "Máy in hết giấy. Vui lòng báo cán bộ hướng dẫn.");
    assert_eq!(kiosk.status().await.unwrap().printer.state, motcua_engine::printer::PrinterState::PaperOut);
    assert!(kiosk.unprinted().unwrap().is_empty(), "no ticket was issued");
    printer.set_status(READY);
    assert_eq!(kiosk.take_ticket(LAND, None).await.unwrap().ticket.number, "B001", "the server issued nothing before");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_out_shows_the_ticket_on_screen_and_it_can_be_reprinted() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(&dir.path().join("central.db"));
    let printer = FakePrinter::start(PAPER_OUT);
    let kiosk = Kiosk::open(config(&central.url, &printer.spec(), &dir.path().join("kiosk"), "")).await.unwrap();
    let out = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(!out.printed);
    assert_eq!(out.print_error.as_ref().unwrap().code, "printer_paper_out");
    assert_eq!(qr_of_preview(&out.preview_png), out.ticket.lookup_url, "the QR is on screen for the phone");
    assert!(printer.jobs().is_empty());
    assert_eq!(kiosk.status().await.unwrap().pending_prints, 1);

    printer.set_status(READY);
    let again = kiosk.reprint(&out.ticket.id).await.unwrap();
    assert!(again.printed);
    assert_eq!(qr_of_job(&printer.wait_jobs(1)[0]), out.ticket.lookup_url);
}
