use super::*;

#[test]
fn offline_tickets_get_consecutive_numbers_and_an_outbox_row_each() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 1..=3 {
        let t = store
            .journal_offline("svc", "2026-11-28", &format!("key-{i}"), |d| {
                assert_eq!(d.seq, i);
                Ok((KioskTicket::sample(&d.id, &format!("B-K1-{:03}", d.seq)), format!("{{\"n\":{i}}}")))
            })
            .unwrap();
        assert_eq!(t.number, format!("B-K1-{i:03}"));
    }
    let next_day = store.journal_offline("svc", "2026-11-29", "key-4", |d| Ok((KioskTicket::sample(&d.id, "x"), "{}".into()))).unwrap();
    assert_eq!(next_day.number, "x");
    let rows = store.outbox_pending(10).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].body, "{\"n\":1}");
    assert_eq!(store.counts().unwrap(), (4, 0, 4));

    store.acknowledge(&[(rows[0].seq, rows[0].journal_id.clone(), "srv-1".into())], Timestamp::now()).unwrap();
    store.reject(rows[1].seq, &rows[1].journal_id, "invalid_request: x").unwrap();
    assert_eq!(store.counts().unwrap(), (2, 1, 4));
    let found = store.find("srv-1").unwrap().unwrap();
    assert_eq!(found.sync_state, "synced");
    assert_eq!(found.print_state, PrintState::Pending);
    store.set_print_state(&found.ticket.id, PrintState::Printed, None).unwrap();
    assert_eq!(store.find("B-K1-001").unwrap().unwrap().print_state, PrintState::Printed);
    assert!(store.setting("last_sync").unwrap().is_some());
}

#[test]
fn a_failed_build_leaves_nothing_behind_and_reopening_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        let r = store.journal_offline("svc", "d", "k1", |_| Err(EngineError::Internal("boom".into())));
        assert!(r.is_err());
        store.journal_online(&KioskTicket::sample("on-1", "B001"), "k2", "d").unwrap();
        store.save_catalog(Some("\"e1\""), "{}").unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.counts().unwrap(), (0, 0, 1));
    assert_eq!(store.cached_catalog().unwrap(), Some((Some("\"e1\"".into()), "{}".into())));
    assert_eq!(store.unprinted(10).unwrap()[0].number, "B001");
}

#[test]
fn a_store_from_a_newer_kiosk_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let path = dir.path().join("kiosk.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = std::fs::read(&path).unwrap();

    let err = Store::open(dir.path()).unwrap_err();
    assert!(matches!(&err, EngineError::StoreTooNew { found: 99, known, .. } if *known == MIGRATIONS.len()), "{err:?}");
    assert_eq!(err.code(), "store_too_new");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()) && msg.contains("schema 99") && msg.contains("knows 1"), "{msg}");

    assert_eq!(std::fs::read(&path).unwrap(), before, "the refused file is not written");
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, 99);
}

#[test]
fn a_print_state_outside_the_three_known_is_an_error_not_pending() {
    assert_eq!(PrintState::parse("pending").unwrap(), PrintState::Pending);
    for s in [PrintState::Pending, PrintState::Printed, PrintState::Failed] {
        assert_eq!(PrintState::parse(s.as_str()).unwrap(), s);
    }
    let err = PrintState::parse("queued").unwrap_err();
    assert_eq!(err.code(), "store");
    assert!(err.to_string().contains("\"queued\""));
}

#[test]
fn a_garbage_store_is_set_aside_not_deleted_and_a_new_one_started() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    std::fs::write(&path, b"garbage, not a database: half a page written before the power went").unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code(), "store_corrupt", "{err}");
    assert!(path.is_file(), "the strict open changes nothing");

    let (store, fault) = Store::open_or_degraded(dir.path()).unwrap();
    let fault = fault.unwrap();
    assert_eq!((fault.kind, fault.journal), (FaultKind::Corrupt, Journal::Disk));
    let aside = fault.kept_aside.clone().unwrap();
    assert!(std::fs::read(&aside).unwrap().starts_with(b"garbage"), "kept as it was");
    assert!(fault.blocks_offline(Timestamp::now()));
    assert_eq!(store.counts().unwrap(), (0, 0, 0));
    drop(store);
    // Remembered by the new store until the pause is over.
    let (_, again) = Store::open_or_degraded(dir.path()).unwrap();
    assert_eq!(again.and_then(|f| f.kept_aside), Some(aside));
}

#[test]
fn a_damaged_page_is_found_at_open_by_the_check() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.save_catalog(Some("\"e\""), &"x".repeat(20_000)).unwrap();
    }
    let path = dir.path().join("kiosk.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(conn);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[4096..8192].fill(0xa5);
    std::fs::write(&path, &bytes).unwrap();
    let (_, fault) = Store::open_or_degraded(dir.path()).unwrap();
    let fault = fault.unwrap();
    assert_eq!(fault.code, "store_corrupt", "{fault}");
    assert!(fault.kept_aside.is_some());
}
