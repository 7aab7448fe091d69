//! A kiosk killed between the journal commit and the print keeps the
//! ticket: it is there on restart and can be reprinted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use motcua_engine::{CRASH_AFTER_JOURNAL_ENV, Kiosk};
use motcua_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_killed_between_journal_and_print_can_reprint_after_restart() {
    let mut lobby = Lobby::open(central_bin!(), READY);
    let config_file = lobby.config_file("");

    // Online, then offline: both die right after the journal commit.
    let mut numbers = Vec::new();
    for round in 0..2 {
        if round == 1 {
            lobby.central.stop();
        }
        let out = Command::new(kioskctl_bin())
            .args(["take-ticket", "--service", LAND, "--config"])
            .arg(&config_file)
            .env(CRASH_AFTER_JOURNAL_ENV, "1")
            .output()
            .unwrap();
        assert!(!out.status.success(), "the process should have died");
        assert!(out.stdout.is_empty(), "no ticket was promised on screen");
        numbers.push(if round == 0 { "B001".to_owned() } else { "B-K1-001".to_owned() });
    }
    assert!(lobby.printer.jobs().is_empty(), "nothing printed before the crash");

    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let status = kiosk.status().await.unwrap();
    assert_eq!(status.pending_prints, 2);
    assert_eq!(status.outbox, 1, "the offline ticket is in the outbox");
    let unprinted: Vec<_> = kiosk.unprinted().unwrap().into_iter().map(|t| t.number).collect();
    assert_eq!(unprinted, ["B-K1-001", "B001"]);
    for number in &numbers {
        let out = kiosk.reprint(number).await.unwrap();
        assert!(out.printed, "{:?}", out.print_error);
        let jobs = lobby.printer.wait_jobs(1 + numbers.iter().position(|n| n == number).unwrap());
        assert_eq!(qr_of_job(jobs.last().unwrap()), out.ticket.lookup_url);
    }
    assert_eq!(kiosk.status().await.unwrap().pending_prints, 0);
    assert_eq!(kiosk.reprint("Z999").await.unwrap_err().code(), "ticket_not_found");
}
