use super::*;

fn ticket(id: &str, number: &str) -> KioskTicket {
    KioskTicket {
        id: id.into(),
        number: number.into(),
        service_id: "svc".into(),
        service_name: "Đất đai".into(),
        service_name_en: None,
        area: "Khu A".into(),
        priority: None,
        priority_name: None,
        issued_at: "2026-11-28T01:15:00Z".parse().unwrap(),
        issued_local: "08:15 28/11/2026".into(),
        ahead: None,
        estimated_wait_s: None,
        lookup_url: "http://x/t/tok".into(),
        token: format!("tok-{id}"),
        offline: true,
        dossier_code: None,
    }
}

#[test]
fn offline_tickets_get_consecutive_numbers_and_an_outbox_row_each() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 1..=3 {
        let t = store
            .journal_offline("svc", "2026-11-28", &format!("key-{i}"), |d| {
                assert_eq!(d.seq, i);
                Ok((ticket(&d.id, &format!("B-K1-{:03}", d.seq)), format!("{{\"n\":{i}}}")))
            })
            .unwrap();
        assert_eq!(t.number, format!("B-K1-{i:03}"));
    }
    let next_day = store.journal_offline("svc", "2026-11-29", "key-4", |d| Ok((ticket(&d.id, "x"), "{}".into()))).unwrap();
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
        store.journal_online(&ticket("on-1", "B001"), "k2", "d").unwrap();
        store.save_catalog(Some("\"e1\""), "{}").unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.counts().unwrap(), (0, 0, 1));
    assert_eq!(store.cached_catalog().unwrap(), Some((Some("\"e1\"".into()), "{}".into())));
    assert_eq!(store.unprinted(10).unwrap()[0].number, "B001");
}
