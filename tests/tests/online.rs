//! Online: a tap prints a ticket whose QR finds it waiting; collect result,
//! dossier lookup, search and checklists against the real server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use motcua_engine::{HitKind, Kiosk, KioskEvent, Lookup};
use motcua_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tap_prints_a_ticket_whose_qr_finds_it_waiting_at_its_position() {
    let lobby = Lobby::open(central_bin!(), READY);
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();

    let first = kiosk.take_ticket(LAND, None).await.unwrap();
    let second = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(first.printed && second.printed, "{:?}", second.print_error);
    assert_eq!(first.ticket.number, "B001");
    assert_eq!(second.ticket.number, "B002");
    assert!(!second.ticket.offline);
    assert_eq!(second.ticket.area, kiosk.catalog().unwrap().service(LAND).unwrap().area);

    let jobs = lobby.printer.wait_jobs(2);
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
    let lobby = Lobby::open(central_bin!(), READY);
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();

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
    let lobby = Lobby::open(central_bin!(), READY);
    let slips = lobby.dir.path().join("slips");
    std::fs::create_dir_all(&slips).unwrap();
    let kiosk = Kiosk::open(config(&lobby.central.url, &format!("pdf+dir://{}", slips.display()), &lobby.data(), "")).await.unwrap();
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

/// The kiosk follows the server's event stream from a background task, and
/// a call made before that stream is up is not replayed (it shows at the next
/// poll instead). So the counter calls a fresh ticket until the kiosk hears a
/// call live, rather than waiting a while and hoping the stream is up by then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_call_reaches_the_kiosk_as_live_events() {
    let lobby = Lobby::open(central_bin!(), READY);
    let kiosk = Kiosk::start(lobby.config("")).await.unwrap();
    let mut events = kiosk.subscribe();
    let staff = reqwest::Client::new();
    let give_up = Instant::now() + Duration::from_secs(20);
    let heard = loop {
        let ticket = kiosk.take_ticket(LAND, None).await.unwrap().ticket;
        let resp = staff
            .post(format!("{}/api/v1/counters/vp-quay-06/call-next", lobby.central.url))
            .bearer_auth("demo-staff")
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
        let call = next_event(&mut events, Duration::from_secs(1), |ev| match ev {
            KioskEvent::TicketCalled { number, counter, .. } if *number == ticket.number => Some(counter.id.clone()),
            _ => None,
        })
        .await;
        if let Some(counter) = call {
            assert_eq!(counter, "vp-quay-06");
            break ticket.number;
        }
        assert!(Instant::now() < give_up, "no call reached the kiosk as a live event");
    };
    let serving = next_event(&mut events, Duration::from_secs(10), |ev| match ev {
        KioskEvent::NowServing { queues } => queues.iter().any(|q| q.serving.iter().any(|s| s.number == heard)).then_some(()),
        _ => None,
    })
    .await;
    assert!(serving.is_some(), "the now-serving strip never showed {heard}");
}

/// The first event `pick` accepts within `within`.
async fn next_event<T>(
    events: &mut tokio::sync::broadcast::Receiver<KioskEvent>,
    within: Duration,
    mut pick: impl FnMut(&KioskEvent) -> Option<T>,
) -> Option<T> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Err(_) => return None,
            Ok(Ok(ev)) => {
                if let Some(v) = pick(&ev) {
                    return Some(v);
                }
            }
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
            Ok(Err(e)) => panic!("kiosk events: {e}"),
        }
    }
}
