//! The facade's own choices: errors instead of silent fallbacks.

use super::*;

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>(_: &T) {}

/// Tauri keeps the kiosk in managed state and runs commands on any thread.
#[test]
fn the_kiosk_and_its_futures_cross_threads() {
    send_sync::<Kiosk>();
    let make = |k: &'static Kiosk| {
        send(&k.take_ticket("s", None));
        send(&k.collect_result("c"));
        send(&k.lookup("x"));
        send(&k.reprint("x"));
        send(&k.status());
        send(&k.heartbeat());
        send(&k.sync_now());
        send(&k.print_checklist("p"));
        send(&k.print_dossier("d"));
        send(&k.take_ticket_in("s", None, Lang::En));
        send(&k.collect_result_in("c", Lang::En));
        send(&k.reprint_in("x", Lang::En));
        send(&k.print_checklist_in("p", Lang::En));
        send(&k.print_dossier_in("d", Lang::En));
        send(&k.rate(RatingInput { ticket_token: None, dossier_code: None, score: 3, comment: None }));
        send(&k.load_catalog());
        send(&k.verify_admin_pin("0000"));
    };
    let _ = make;
}

const PIN_1234: &str = "sha256:03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4";

/// A kiosk with no central server to talk to (nothing here needs one).
async fn offline_kiosk(dir: &std::path::Path) -> Kiosk {
    let text = format!(
        r#"
kiosk_id = "kiosk-unit-1"
center_id = "vp-tinh"
central_url = "http://127.0.0.1:9"
token = "t"
printer = "pdf+dir://{slips}"
admin_pin_hash = "{PIN_1234}"
data_dir = "{data}"
online_budget_ms = 200
"#,
        slips = dir.join("slips").display(),
        data = dir.join("data").display(),
    );
    Kiosk::open(Config::parse(&text, |_| None).unwrap()).await.unwrap()
}

fn catalog_json(center: &str) -> String {
    serde_json::json!({
        "center": {"id": center, "name": "Trung tâm", "level": "province", "time_zone": "Asia/Ho_Chi_Minh", "address": "", "hotline": ""},
        "agencies": [], "fields": [], "procedures": [], "services": [], "counters": [], "priority_categories": []
    })
    .to_string()
}

#[tokio::test]
async fn a_poisoned_lock_keeps_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = offline_kiosk(dir.path()).await;
    kiosk.inner.install_catalog(&catalog_json("vp-tinh"), None).unwrap();
    let inner = kiosk.inner.clone();
    let poisoner = std::thread::spawn(move || {
        let _guard = inner.catalog.write().unwrap();
        panic!("a panic while holding the catalog lock");
    });
    assert!(poisoner.join().is_err());
    assert!(kiosk.inner.catalog.is_poisoned());
    assert_eq!(kiosk.catalog().unwrap().center.id, "vp-tinh");
    assert!(kiosk.status().await.unwrap().catalog_loaded);
    kiosk.inner.install_catalog(&catalog_json("vp-tinh"), Some("\"e2\"".into())).unwrap();
}

#[tokio::test]
async fn a_store_that_cannot_count_is_an_error_not_an_empty_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = offline_kiosk(dir.path()).await;
    assert_eq!(kiosk.status().await.unwrap().outbox, 0);
    let conn = rusqlite::Connection::open(dir.path().join("data").join("kiosk.db")).unwrap();
    conn.execute_batch("ALTER TABLE outbox RENAME TO outbox_gone").unwrap();
    let err = kiosk.status().await.unwrap_err();
    assert_eq!(err.code(), "store", "{err}");
}

#[test]
fn an_undelivered_ticket_without_a_uuid_is_a_damaged_journal_not_a_nil_id() {
    let ticket = |id: &str| KioskTicket { ahead: Some(2), ..KioskTicket::sample(id, "B-K1-001") };
    let id = uuid::Uuid::now_v7();
    let view = undelivered_view(ticket(&id.to_string())).unwrap();
    assert_eq!((view.id, view.position, view.offline), (id, Some(3), true));
    let err = undelivered_view(ticket("not-a-uuid")).unwrap_err();
    assert_eq!(err.code(), "store");
    assert!(err.to_string().contains("not-a-uuid") && err.to_string().contains("B-K1-001"), "{err}");
}

#[tokio::test]
async fn the_admin_pin_is_checked_by_the_engine_with_its_own_code() {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = offline_kiosk(dir.path()).await;
    kiosk.verify_admin_pin("1234").await.unwrap();
    assert_eq!(kiosk.verify_admin_pin("0000").await.unwrap_err().code(), "admin_pin_wrong");
}

/// A catalog with one queue and one priority category, named in both languages.
fn bilingual_catalog() -> String {
    serde_json::json!({
        "center": {"id": "vp-tinh", "name": "Trung tâm Phục vụ hành chính công tỉnh Vĩnh Phúc",
                   "name_en": "Vinh Phuc Public Administration Service Center",
                   "level": "province", "time_zone": "Asia/Ho_Chi_Minh", "address": "", "hotline": ""},
        "agencies": [], "fields": [], "procedures": [], "counters": [],
        "services": [{"center": "vp-tinh", "id": "vp-dat-dai", "letter": "B", "name": "Đất đai – Tài nguyên môi trường",
                      "name_en": "Land and environment", "kind": "submit", "area": "Khu A, tầng 1", "avg_service_s": 600}],
        "priority_categories": [{"center": "vp-tinh", "id": "vp-cao-tuoi", "name": "Người cao tuổi", "name_en": "Elderly person"}]
    })
    .to_string()
}

/// The words of the one PDF the kiosk wrote into `slips` since it was last emptied.
fn printed_words(slips: &std::path::Path) -> String {
    let mut pdfs: Vec<_> = std::fs::read_dir(slips).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    let words = motcua_testkit::pdf_words(&pdfs[0]);
    std::fs::remove_file(pdfs.remove(0)).unwrap();
    words
}

#[tokio::test]
async fn a_ticket_taken_in_english_prints_an_english_slip() {
    let dir = tempfile::tempdir().unwrap();
    let slips = dir.path().join("slips");
    std::fs::create_dir_all(&slips).unwrap();
    let kiosk = offline_kiosk(dir.path()).await;
    kiosk.inner.install_catalog(&bilingual_catalog(), None).unwrap();
    assert_eq!(kiosk.config().language, Lang::Vi, "the configured default");

    // The citizen switched the screen to English: the server is unreachable,
    // so this is an offline ticket, printed in English.
    let en = kiosk.take_ticket_in("vp-dat-dai", Some("vp-cao-tuoi"), kiosk.slip_lang(Some("en")).unwrap()).await.unwrap();
    assert!(en.printed && en.ticket.offline, "{:?}", en.print_error);
    let words = printed_words(&slips);
    for english in [
        "Vinh Phuc Public Administration Service Center",
        "YOUR NUMBER",
        "Land and environment",
        "PRIORITY: Elderly person",
        "ISSUED OFFLINE",
        "Waiting time",
        "Issued at",
        "Scan the QR",
    ] {
        assert!(words.contains(english), "{english:?} missing from the English slip: {words}");
    }
    assert!(!words.contains("SỐ THỨ TỰ") && !words.contains("Đất đai"), "{words}");

    // Without a language, the configured one; a reprint follows the language asked for.
    let vi = kiosk.take_ticket("vp-dat-dai", None).await.unwrap();
    let words = printed_words(&slips);
    assert!(words.contains("SỐ THỨ TỰ CỦA BẠN") && words.contains("Đất đai – Tài nguyên môi trường"), "{words}");
    kiosk.reprint_in(&vi.ticket.number, Lang::En).await.unwrap();
    assert!(printed_words(&slips).contains("YOUR NUMBER"));
}

#[tokio::test]
async fn a_slip_language_other_than_vi_or_en_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = offline_kiosk(dir.path()).await;
    assert_eq!(kiosk.slip_lang(None).unwrap(), Lang::Vi);
    assert_eq!(kiosk.slip_lang(Some("EN")).unwrap(), Lang::En);
    for bad in ["fr", "", "english"] {
        assert_eq!(kiosk.slip_lang(Some(bad)).unwrap_err().code(), "invalid_request", "{bad:?}");
    }
}
