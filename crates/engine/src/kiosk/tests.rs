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
