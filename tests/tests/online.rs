//! Online: a tap prints a ticket whose QR finds it waiting; collect result,
//! dossier lookup, search and checklists against the real server.

use motcua_engine::{HitKind, Kiosk, Lookup};
use motcua_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tap_prints_a_ticket_whose_qr_finds_it_waiting_at_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(&dir.path().join("central.db"));
    let printer = FakePrinter::start(READY);
    let kiosk = Kiosk::open(config(&central.url, &printer.spec(), &dir.path().join("kiosk"), "")).await.unwrap();

    let first = kiosk.take_ticket(LAND, None).await.unwrap();
    let second = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(first.printed && second.printed, "{:?}", second.print_error);
    assert_eq!(first.ticket.number, "B001");
    assert_eq!(second.ticket.number, "B002");
    assert!(!second.ticket.offline);
    assert_eq!(second.ticket.area, kiosk.catalog().unwrap().service(LAND).unwrap().area);

    let jobs = printer.wait_jobs(2);
    let url = qr_of_job(&jobs[1]);
    assert_eq!(url, second.ticket.lookup_url);
    assert_eq!(qr_of_preview(&second.preview_png), url, "the preview is the printed slip");

    let Lookup::Ticket { ticket, service_name } = kiosk.lookup(&url).await.unwrap() else { panic!("not a ticket") };
    assert_eq!(ticket.number, "B002");
    assert_eq!(ticket.status, motcua_domain::TicketStatus::Waiting);
    assert_eq!(ticket.position, Some(2));
    assert_eq!(ticket.ahead, Some(1));
    assert!(service_name.contains("Đất đai") || !service_name.is_empty());
    assert_eq!(kiosk.status().await.unwrap().pending_prints, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_result_queues_a_ready_dossier_and_says_when_one_is_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(&dir.path().join("central.db"));
    let printer = FakePrinter::start(READY);
    let kiosk = Kiosk::open(config(&central.url, &printer.spec(), &dir.path().join("kiosk"), "")).await.unwrap();

    let ready = kiosk.collect_result(&format!(" {} ", DOSSIER_READY.to_lowercase())).await.unwrap();
    assert!(ready.ticket.number.starts_with('K'), "{}", ready.ticket.number);
    assert_eq!(ready.ticket.dossier_code.as_deref(), Some(DOSSIER_READY));
    assert!(ready.printed);

    let err = kiosk.collect_result(DOSSIER_PROCESSING).await.unwrap_err();
    assert_eq!(err.code(), "dossier_not_ready");
    let body = serde_json::to_value(&err).unwrap();
    assert!(body["due_at"].is_string(), "{body}");
    assert!(body["message_vi"].as_str().unwrap().contains("chưa có kết quả"));

    let Lookup::Dossier { dossier } = kiosk.lookup(DOSSIER_PROCESSING).await.unwrap() else { panic!("not a dossier") };
    assert_eq!(dossier.status.code, 4);
    assert!(dossier.applicant.contains('*'), "masked: {}", dossier.applicant);
    let report = kiosk.print_dossier(DOSSIER_PROCESSING).await.unwrap();
    assert!(report.printed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_is_accent_insensitive_and_checklists_print() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(&dir.path().join("central.db"));
    let slips = dir.path().join("slips");
    std::fs::create_dir_all(&slips).unwrap();
    let kiosk = Kiosk::open(config(&central.url, &format!("pdf+dir://{}", slips.display()), &dir.path().join("kiosk"), "")).await.unwrap();
    let catalog = kiosk.catalog().unwrap();
    let target = catalog.procedures.iter().find(|p| p.name.to_lowercase().contains("xây dựng")).expect("a building procedure");
    let query = motcua_engine::search::fold(&target.name);
    let hits = kiosk.search(&query);
    assert_eq!(hits[0].id, target.id, "{hits:?}");
    assert_eq!(hits[0].kind, HitKind::Procedure);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(hits[0].service_id.is_some());
    assert!(kiosk.search("qqqqzzzz").is_empty());

    let info = kiosk.procedure(&target.id).unwrap();
    assert!(!info.field_name.is_empty() && !info.agency_name.is_empty());
    let report = kiosk.print_checklist(&target.id).await.unwrap();
    assert!(report.printed, "{:?}", report.print_error);
    assert_eq!(std::fs::read_dir(&slips).unwrap().count(), 1);
    assert_eq!(kiosk.procedure("nope").unwrap_err().code(), "procedure_not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_call_reaches_the_kiosk_as_live_events() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(&dir.path().join("central.db"));
    let printer = FakePrinter::start(READY);
    let kiosk = Kiosk::start(config(&central.url, &printer.spec(), &dir.path().join("kiosk"), "")).await.unwrap();
    let mut events = kiosk.subscribe();
    let ticket = kiosk.take_ticket(LAND, None).await.unwrap().ticket;
    // Let the event stream connect before the call.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/counters/vp-quay-06/call-next", central.url))
        .bearer_auth("demo-staff")
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());

    let (mut called, mut serving) = (false, false);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !(called && serving) {
        let ev = tokio::time::timeout_at(deadline, events.recv()).await.expect("events in time").unwrap();
        match ev {
            motcua_engine::KioskEvent::TicketCalled { number, counter, .. } if number == ticket.number => {
                assert_eq!(counter.id, "vp-quay-06");
                called = true;
            }
            motcua_engine::KioskEvent::NowServing { queues } => {
                serving |= queues.iter().any(|q| q.serving.iter().any(|s| s.number == ticket.number));
            }
            _ => {}
        }
    }
}
