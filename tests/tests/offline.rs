//! Offline: server stopped → offline tickets → server back → all synced,
//! unique, none lost, placed by issue time, and their QR lookups work.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::time::Duration;

use motcua_engine::{Kiosk, Lookup};
use motcua_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_tickets_sync_when_the_server_returns_and_their_qr_works() {
    let mut lobby = Lobby::open(central_bin!(), READY);
    let kiosk = Kiosk::start(lobby.config("")).await.unwrap();
    let online = kiosk.take_ticket(LAND, None).await.unwrap();
    assert_eq!(online.ticket.number, "B001");

    lobby.central.stop();
    let mut offline = Vec::new();
    for (service, priority) in [(LAND, None), (LAND, Some("vp-tinh-nguoi-cao-tuoi")), (BUSINESS, None), (LAND, None), (BUILDING, None)] {
        let out = kiosk.take_ticket(service, priority).await.unwrap();
        assert!(out.ticket.offline && out.printed, "{:?}", out.print_error);
        offline.push(out.ticket);
    }
    let numbers: Vec<_> = offline.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["B-K1-001", "B-K1-002", "A-K1-001", "B-K1-003", "C-K1-001"]);
    assert_eq!(offline[1].priority_name.as_deref().map(|n| !n.is_empty()), Some(true));
    let jobs = lobby.printer.wait_jobs(6);
    assert_eq!(qr_of_job(&jobs[5]), offline[4].lookup_url, "the offline slip's QR");
    let status = kiosk.status().await.unwrap();
    assert!(!status.online && status.authorised);
    assert_eq!(status.outbox, 5);
    // Scanning an undelivered offline slip while offline answers from the journal.
    let Lookup::Ticket { ticket: local, .. } = kiosk.lookup(&offline[0].lookup_url).await.unwrap() else { panic!("not a ticket") };
    assert_eq!((local.number.as_str(), local.offline), ("B-K1-001", true));
    assert_eq!(local.status, motcua_domain::TicketStatus::Waiting);
    // A ticket this kiosk never issued cannot be answered while offline.
    let stranger = "https://motcua.example/t/NeverIssuedHere_0123456";
    assert_eq!(kiosk.lookup(stranger).await.unwrap_err().code(), "server_unreachable");

    lobby.central.restart();
    let synced = eventually(Duration::from_secs(10), async || kiosk.status().await.unwrap().outbox == 0).await;
    assert!(synced, "outbox not delivered: {:?}", kiosk.status().await.unwrap());
    let after = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(!after.ticket.offline);
    assert_eq!(after.ticket.number, "B002");

    let mut tokens = HashSet::new();
    let mut positions = Vec::new();
    for t in &offline {
        let Lookup::Ticket { ticket, .. } = kiosk.lookup(&t.lookup_url).await.unwrap() else { panic!("not a ticket") };
        assert_eq!(ticket.number, t.number);
        assert!(ticket.offline);
        assert_eq!(ticket.status, motcua_domain::TicketStatus::Waiting);
        assert!(tokens.insert(ticket.token.clone()));
        if t.service_id == LAND && t.priority.is_none() {
            positions.push((t.number.clone(), ticket.position.unwrap()));
        }
    }
    // B001 (online) is first; offline tickets follow by issue time, before B002 issued later.
    assert_eq!(positions, [("B-K1-001".to_owned(), 3), ("B-K1-003".to_owned(), 4)], "priority B-K1-002 goes first");
    let Lookup::Ticket { ticket: last, .. } = kiosk.lookup(&after.ticket.lookup_url).await.unwrap() else { panic!() };
    assert_eq!(last.position, Some(5));
    let status = kiosk.status().await.unwrap();
    assert!(status.online && status.last_sync.is_some() && status.outbox_rejected == 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_refuse_policy_issues_nothing_and_collect_result_is_never_offline() {
    let mut lobby = Lobby::open(central_bin!(), READY);
    // Fetch the catalog once, then lose the server.
    drop(Kiosk::open(lobby.config("")).await.unwrap());
    lobby.central.stop();
    let kiosk = Kiosk::open(lobby.config("").with_offline_refused()).await.unwrap();
    assert!(kiosk.catalog().is_ok(), "the cached catalog works offline");
    assert_eq!(kiosk.take_ticket(LAND, None).await.unwrap_err().code(), "offline_refused");
    let err = kiosk.collect_result(DOSSIER_READY).await.unwrap_err();
    assert_eq!(err.code(), "server_unreachable");
    assert!(err.message_vi().contains("quầy"));
    assert_eq!(kiosk.status().await.unwrap().outbox, 0);
    assert!(lobby.printer.jobs().is_empty());
}

trait Refuse {
    fn with_offline_refused(self) -> Self;
}

impl Refuse for motcua_engine::Config {
    fn with_offline_refused(mut self) -> Self {
        self.offline = motcua_engine::OfflinePolicy::Refuse;
        self
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tap_the_server_committed_unheard_is_one_ticket_under_the_slips_number() {
    let lobby = Lobby::open(central_bin!(), READY);
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let proxy = lobby.central.proxy();
    // The server commits the tap; its answer, and every retry's, is lost.
    proxy.set_fault(Fault::LoseTicketAnswer);
    let slip = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(slip.ticket.offline && slip.printed);
    assert_eq!(slip.ticket.number, "B-K1-001");
    let stats = proxy.stats();
    assert_eq!(stats.tickets_aimed, 1);
    assert!(stats.ticket_answers_dropped >= 1, "{stats:?}");
    let http = reqwest::Client::new();
    let staff =
        |method: reqwest::Method, path: &str| http.request(method, format!("{}{path}", lobby.central.url)).bearer_auth("demo-staff");
    let waiting = async || {
        let q: serde_json::Value = staff(reqwest::Method::GET, "/api/v1/queues").send().await.unwrap().json().await.unwrap();
        q["queues"].as_array().unwrap().iter().find(|s| s["service_id"] == LAND).unwrap()["waiting"].as_u64().unwrap()
    };
    assert_eq!(waiting().await, 1, "the server holds the tap already (it would be B001)");

    proxy.set_fault(Fault::None);
    let report = kiosk.sync_now().await.unwrap();
    assert_eq!((report.sent, report.remaining, report.rejected), (1, 0, 0), "{report:?}");
    assert_eq!(waiting().await, 1, "still one ticket for one tap");
    let Lookup::Ticket { ticket, .. } = kiosk.lookup(&slip.ticket.lookup_url).await.unwrap() else { panic!("not a ticket") };
    assert_eq!((ticket.number.as_str(), ticket.position), ("B-K1-001", Some(1)), "the slip's QR finds it, first in line");
    let page = reqwest::get(&slip.ticket.lookup_url).await.unwrap().text().await.unwrap();
    assert!(page.contains("B-K1-001") && !page.contains("B001"), "the phone page shows the slip's number");
    // The server's series goes on without the number nobody holds.
    assert_eq!(kiosk.take_ticket(LAND, None).await.unwrap().ticket.number, "B002");
    let called: serde_json::Value =
        staff(reqwest::Method::POST, "/api/v1/counters/vp-quay-06/call-next").send().await.unwrap().json().await.unwrap();
    assert_eq!(called["ticket"]["number"], "B-K1-001", "the counter calls the number on the slip");
}
