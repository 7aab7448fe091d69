//! Refusals that must be plain and must not leak: garbage scans never reach
//! the server, a revoked token is "not authorised" (not offline), a printer
//! without paper promises no ticket (or shows it on screen, per config).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_engine::Kiosk;
use motcua_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_scans_get_clear_errors_and_send_no_request() {
    let lobby = Lobby::open(central_bin!(), READY);
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let before = lobby.requests_total().await;
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
    assert_eq!(lobby.requests_total().await, before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_not_authorised_and_never_offline() {
    let lobby = Lobby::open(central_bin!(), READY);
    let token = lobby.create_token("kiosk-revoked");
    let config = motcua_engine::Config::parse(&lobby.config_text(&token, ""), |_| None).unwrap();
    let kiosk = Kiosk::open(config).await.unwrap();
    assert!(kiosk.take_ticket(LAND, None).await.unwrap().printed);

    lobby.revoke_token("kiosk-revoked");
    let err = kiosk.take_ticket(LAND, None).await.unwrap_err();
    assert_eq!(err.code(), "not_authorised");
    assert!(err.message_vi().contains("chưa được cấp quyền"));
    let status = kiosk.status().await.unwrap();
    assert!(!status.authorised && status.online);
    assert_eq!(status.outbox, 0, "no offline ticket");
    assert_eq!(kiosk.lookup(DOSSIER_READY).await.unwrap_err().code(), "not_authorised");
    assert_eq!(lobby.printer.wait_jobs(1).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_out_refuses_before_issuing_when_configured_to() {
    let lobby = Lobby::open(central_bin!(), PAPER_OUT);
    let mut config = lobby.config("");
    config.printer_unavailable = motcua_engine::PrinterUnavailablePolicy::Refuse;
    let kiosk = Kiosk::open(config).await.unwrap();
    let err = kiosk.take_ticket(LAND, None).await.unwrap_err();
    assert_eq!(err.code(), "printer_paper_out");
    assert_eq!(err.message_vi(), "Máy in hết giấy. Vui lòng báo cán bộ hướng dẫn.");
    assert_eq!(kiosk.status().await.unwrap().printer.state, motcua_engine::printer::PrinterState::PaperOut);
    assert!(kiosk.unprinted().unwrap().is_empty(), "no ticket was issued");
    lobby.printer.set_status(Status::READY);
    assert_eq!(kiosk.take_ticket(LAND, None).await.unwrap().ticket.number, "B001", "the server issued nothing before");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_out_shows_the_ticket_on_screen_and_it_can_be_reprinted() {
    let lobby = Lobby::open(central_bin!(), PAPER_OUT);
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let out = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(!out.printed);
    assert_eq!(out.print_error.as_ref().unwrap().code, "printer_paper_out");
    assert_eq!(qr_of_preview(&out.preview_png), out.ticket.lookup_url, "the QR is on screen for the phone");
    assert!(lobby.printer.jobs().is_empty());
    assert_eq!(kiosk.status().await.unwrap().pending_prints, 1);

    lobby.printer.set_status(Status::READY);
    let again = kiosk.reprint(&out.ticket.id).await.unwrap();
    assert!(again.printed);
    assert_eq!(qr_of_job(&lobby.printer.wait_jobs(1)[0]), out.ticket.lookup_url);
}
