//! The fleet through the router, with a clock the test moves: heartbeats and
//! their refusals, one center never reporting for another's kiosks, what
//! staff see (state, silence, alerts), the gauges of `/metrics`, maintenance
//! and the notice with their audit rows and events, and the OpenAPI document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use motcua_central::tokens::{self, Role};
use serde_json::{Value, json};

const KIOSK1: &str = "kiosk-sanh-1";

fn beat(kiosk_id: &str, printer: &str) -> Value {
    json!({"kiosk_id": kiosk_id, "printer": printer, "outbox": 0, "unprinted": 0, "version": "0.1.0", "uptime_s": 60, "last_error": null})
}

async fn heartbeat(api: &Api, token: &str, body: Value) -> (u16, Value) {
    let (s, _, v) = api.call("POST", "/api/v1/kiosks/heartbeat", Some(token), None, Some(body)).await;
    (s.as_u16(), v)
}

async fn kiosks(api: &Api) -> Value {
    let (s, _, v) = api.call("GET", "/api/v1/kiosks", Some(STAFF), None, None).await;
    assert_eq!(s, 200, "{v}");
    v
}

fn kiosk<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["kiosks"].as_array().unwrap().iter().find(|k| k["kiosk_id"] == id).unwrap_or_else(|| panic!("{id} not listed: {list}"))
}

/// A kiosk token of another center, created as `motcua-central token create` does.
fn token_of(api: &Api, center: &str, role: Role) -> String {
    let conn = rusqlite::Connection::open(&api.db).unwrap();
    tokens::create(&conn, role, center, "test").unwrap()
}

#[tokio::test]
async fn a_heartbeat_is_answered_with_what_the_kiosk_must_show() {
    let api = Api::new(MONDAY_9AM);
    let (s, v) = heartbeat(&api, KIOSK, beat(KIOSK1, "ok")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"kiosk_id": KIOSK1, "maintenance": false, "notice": null}), "every field present, null when empty");
    let list = kiosks(&api).await;
    let k = kiosk(&list, KIOSK1);
    assert_eq!(k["name"], "Ki-ốt sảnh 1", "the catalog's name");
    assert_eq!(k["name_en"], "Lobby kiosk 1");
    assert_eq!(k["printer"], "ok");
    assert_eq!(k["version"], "0.1.0");
    assert_eq!(k["last_seen"], MONDAY_9AM);
    assert_eq!(k["last_seen_age_s"], 0);
    assert_eq!((k["silent"].as_bool(), k["maintenance"].as_bool()), (Some(false), Some(false)));
    assert_eq!(k["alerts"], json!([]));
    assert_eq!(list["notice"], Value::Null);
    assert_eq!(list["silent_after_s"], 120);
}

#[tokio::test]
async fn a_malformed_heartbeat_is_refused_with_invalid_request_and_nothing_stored() {
    let api = Api::new(MONDAY_9AM);
    let mut missing = beat(KIOSK1, "ok");
    missing.as_object_mut().unwrap().remove("last_error");
    let mut extra = beat(KIOSK1, "ok");
    extra["colour"] = json!("blue");
    let mut negative = beat(KIOSK1, "ok");
    negative["outbox"] = json!(-1);
    let mut bad_error = beat(KIOSK1, "ok");
    bad_error["last_error"] = json!("Printer: paper out!");
    for body in [missing, extra, negative, bad_error, beat(KIOSK1, "jammed"), beat("sảnh 1", "ok"), beat("", "ok"), json!([])] {
        let (s, v) = heartbeat(&api, KIOSK, body.clone()).await;
        assert_eq!((s, code(&v)), (400, "invalid_request"), "{body}: {v}");
    }
    let (s, _, v) = api.call_raw("POST", "/api/v1/kiosks/heartbeat", Some(KIOSK), None, Some("{not json".into())).await;
    assert_eq!((s.as_u16(), code(&v)), (400, "invalid_request"));
    assert_eq!(api.count("SELECT count(*) FROM kiosks"), 0);
}

#[tokio::test]
async fn only_a_kiosk_token_may_report_and_only_for_its_own_centers_kiosks() {
    let api = Api::new(MONDAY_9AM);
    let (s, v) = heartbeat(&api, "nope", beat(KIOSK1, "ok")).await;
    assert_eq!((s, code(&v)), (401, "unauthorized"));
    for token in [STAFF, "demo-display"] {
        let (s, v) = heartbeat(&api, token, beat(KIOSK1, "ok")).await;
        assert_eq!((s, code(&v)), (403, "forbidden"), "{token}");
    }
    let yen_lac = token_of(&api, "vp-yen-lac", Role::Kiosk);
    // The catalog says kiosk-sanh-1 is the provincial center's.
    let (s, v) = heartbeat(&api, &yen_lac, beat(KIOSK1, "paper_out")).await;
    assert_eq!((s, code(&v)), (403, "kiosk_center_mismatch"), "{v}");
    // A kiosk the catalog does not name belongs to the center that reported it first.
    assert_eq!(heartbeat(&api, KIOSK, beat("kiosk-khong-ten", "ok")).await.0, 200);
    let (s, v) = heartbeat(&api, &yen_lac, beat("kiosk-khong-ten", "paper_out")).await;
    assert_eq!((s, code(&v)), (403, "kiosk_center_mismatch"));
    assert_eq!(heartbeat(&api, &yen_lac, beat("kiosk-yen-lac-1", "ok")).await.0, 200);
    let list = kiosks(&api).await;
    let ids: Vec<_> = list["kiosks"].as_array().unwrap().iter().map(|k| k["kiosk_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["kiosk-khong-ten"], "staff see only their center's kiosks");
    assert_eq!(kiosk(&list, "kiosk-khong-ten")["printer"], "ok", "the other center's report changed nothing");
    let (s, _, v) = api.call("PUT", "/api/v1/kiosks/kiosk-yen-lac-1/maintenance", Some(STAFF), None, Some(json!({"on": true}))).await;
    assert_eq!((s.as_u16(), code(&v)), (404, "kiosk_not_found"), "another center's kiosk is not found");
    let (s, _, v) = api.call("GET", "/api/v1/kiosks", Some(KIOSK), None, None).await;
    assert_eq!((s.as_u16(), code(&v)), (403, "forbidden"), "a kiosk token does not read the fleet");
}

#[tokio::test]
async fn a_kiosk_without_heartbeat_for_two_minutes_is_silent_and_alerted() {
    let api = Api::new(MONDAY_9AM);
    heartbeat(&api, KIOSK, beat(KIOSK1, "paper_near_end")).await;
    let k = kiosks(&api).await["kiosks"][0].clone();
    assert_eq!(
        k["alerts"],
        json!([{"code": "paper_near_end", "text_vi": "Ki-ốt sảnh 1 sắp hết giấy", "text_en": "Lobby kiosk 1: paper running low"}])
    );
    api.clock.set(ts("2026-11-30T02:01:59Z"));
    assert_eq!(kiosks(&api).await["kiosks"][0]["silent"], false);
    api.clock.set(ts("2026-11-30T02:02:00Z"));
    let k = kiosks(&api).await["kiosks"][0].clone();
    assert_eq!((k["silent"].as_bool(), k["last_seen_age_s"].as_u64()), (Some(true), Some(120)));
    let texts: Vec<_> = k["alerts"].as_array().unwrap().iter().map(|a| a["text_vi"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Ki-ốt sảnh 1 sắp hết giấy", "Ki-ốt sảnh 1 mất liên lạc quá 2 phút"]);
    heartbeat(&api, KIOSK, beat(KIOSK1, "ok")).await;
    let k = kiosks(&api).await["kiosks"][0].clone();
    assert_eq!((k["silent"].as_bool(), k["alerts"].clone()), (Some(false), json!([])), "heard again");
}

#[tokio::test]
async fn metrics_carry_a_gauge_per_kiosk() {
    let api = Api::new(MONDAY_9AM);
    let mut b = beat(KIOSK1, "paper_out");
    b["outbox"] = json!(3);
    b["unprinted"] = json!(2);
    heartbeat(&api, KIOSK, b).await;
    api.clock.set(ts("2026-11-30T02:05:00Z"));
    let (_, _, m) = api.call("GET", "/metrics", None, None, None).await;
    let m = m.as_str().unwrap();
    let labels = "center=\"vp-tinh\",kiosk_id=\"kiosk-sanh-1\"";
    for line in [
        format!("motcua_kiosk_printer_state{{{labels},state=\"paper_out\"}} 1"),
        format!("motcua_kiosk_printer_state{{{labels},state=\"ok\"}} 0"),
        format!("motcua_kiosk_outbox{{{labels}}} 3"),
        format!("motcua_kiosk_unprinted{{{labels}}} 2"),
        format!("motcua_kiosk_silent{{{labels}}} 1"),
        format!("motcua_kiosk_last_seen_age_seconds{{{labels}}} 300"),
        format!("motcua_kiosk_maintenance{{{labels}}} 0"),
        "# TYPE motcua_kiosk_outbox gauge".to_string(),
    ] {
        assert!(m.contains(&line), "missing {line}:\n{m}");
    }
}

#[tokio::test]
async fn staff_set_maintenance_and_the_notice_audited_and_kiosks_hear_them() {
    let api = Api::new(MONDAY_9AM);
    let mut events = api.state.events.subscribe();
    heartbeat(&api, KIOSK, beat(KIOSK1, "paper_out")).await;
    let (s, _, v) = api.call("PUT", "/api/v1/kiosks/kiosk-sanh-1/maintenance", Some(STAFF), None, Some(json!({"on": true}))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["maintenance"].as_bool(), v["alerts"].clone()), (Some(true), json!([])), "no alert while in maintenance");
    let (s, _, v) = api
        .call(
            "PUT",
            "/api/v1/notice",
            Some(STAFF),
            None,
            Some(json!({"text_vi": "Chiều nay nghỉ từ 15:00", "until": "2026-11-30T08:00:00Z"})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"notice": {"text_vi": "Chiều nay nghỉ từ 15:00", "text_en": null, "until": "2026-11-30T08:00:00Z"}}));
    let (_, answer) = heartbeat(&api, KIOSK, beat(KIOSK1, "ok")).await;
    assert_eq!(answer["maintenance"], true);
    assert_eq!(answer["notice"]["text_vi"], "Chiều nay nghỉ từ 15:00");
    assert_eq!(kiosks(&api).await["notice"]["until"], "2026-11-30T08:00:00Z");

    // Every kiosk of the center heard it at once, not at its next heartbeat.
    let mut names = Vec::new();
    while let Ok(ev) = events.try_recv() {
        names.push(ev.name());
        if let motcua_domain::api::QueueEvent::MaintenanceChanged { kiosk_id, maintenance, .. } = &ev {
            assert_eq!((kiosk_id.as_str(), *maintenance), (KIOSK1, true));
        }
    }
    assert!(names.contains(&"maintenance_changed") && names.contains(&"notice_changed") && names.contains(&"kiosks_changed"), "{names:?}");

    let (s, _, v) = api.call("DELETE", "/api/v1/notice", Some(STAFF), None, None).await;
    assert_eq!((s.as_u16(), v), (200, json!({"notice": null})));
    let (_, _, v) = api.call("PUT", "/api/v1/kiosks/kiosk-sanh-1/maintenance", Some(STAFF), None, Some(json!({"on": false}))).await;
    assert_eq!(v["maintenance"], false);
    let (_, answer) = heartbeat(&api, KIOSK, beat(KIOSK1, "ok")).await;
    assert_eq!((answer["maintenance"].clone(), answer["notice"].clone()), (json!(false), Value::Null));
    assert_eq!(api.count("SELECT count(*) FROM audit WHERE actor = 'demo-staff' AND action = 'kiosk_maintenance'"), 2);
    assert_eq!(api.count("SELECT count(*) FROM audit WHERE action IN ('notice_set', 'notice_clear')"), 2);
}

#[tokio::test]
async fn a_notice_expires_at_its_until() {
    let api = Api::new(MONDAY_9AM);
    api.call("PUT", "/api/v1/notice", Some(STAFF), None, Some(json!({"text_vi": "Nghỉ trưa", "until": "2026-11-30T05:00:00Z"}))).await;
    api.clock.set(ts("2026-11-30T05:00:00Z"));
    let (_, answer) = heartbeat(&api, KIOSK, beat(KIOSK1, "ok")).await;
    assert_eq!(answer["notice"], Value::Null);
}

#[tokio::test]
async fn bad_maintenance_and_notice_requests_are_refused() {
    let api = Api::new(MONDAY_9AM);
    let api = &api;
    let put = |uri: &'static str, body: Value| async move { api.call("PUT", uri, Some(STAFF), None, Some(body)).await };
    let (s, _, v) = put("/api/v1/kiosks/kiosk-never-seen/maintenance", json!({"on": true})).await;
    assert_eq!((s.as_u16(), code(&v)), (404, "kiosk_not_found"));
    let (s, _, v) = put("/api/v1/kiosks/kiosk-sanh-1/maintenance", json!({"on": "yes"})).await;
    assert_eq!((s.as_u16(), code(&v)), (400, "invalid_request"));
    // A kiosk the catalog names may be put in maintenance before it ever reported.
    let (s, _, v) = put("/api/v1/kiosks/kiosk-sanh-2/maintenance", json!({"on": true})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["printer"].clone(), v["last_seen"].clone(), v["silent"].clone()), (Value::Null, Value::Null, json!(false)));
    for body in [
        json!({"text_vi": ""}),
        json!({"text_vi": "x".repeat(301)}),
        json!({"text_vi": "Nghỉ", "until": "tomorrow"}),
        json!({"text_vi": "Nghỉ", "colour": "red"}),
    ] {
        let (s, _, v) = put("/api/v1/notice", body.clone()).await;
        assert_eq!((s.as_u16(), code(&v)), (400, "invalid_request"), "{body}");
    }
    // Well-formed, but already over: a rule no schema states, so 422 (README, "API conformance").
    let (s, _, v) = put("/api/v1/notice", json!({"text_vi": "Nghỉ", "until": "2026-11-30T01:00:00Z"})).await;
    assert_eq!((s.as_u16(), code(&v)), (422, "dates_out_of_order"));
    let (s, _, v) = api.call("PUT", "/api/v1/notice", Some(KIOSK), None, Some(json!({"text_vi": "x"}))).await;
    assert_eq!((s.as_u16(), code(&v)), (403, "forbidden"), "a kiosk token may not publish");
    let (s, _, v) = api.call("DELETE", "/api/v1/notice", None, None, None).await;
    assert_eq!((s.as_u16(), code(&v)), (401, "unauthorized"));
    assert_eq!(api.count("SELECT count(*) FROM notices"), 0);
}

#[tokio::test]
async fn the_fleet_is_in_the_openapi_document_with_every_field_required() {
    let api = Api::new(MONDAY_9AM);
    let (_, _, doc) = api.call("GET", "/api/v1/openapi.json", None, None, None).await;
    let op = &doc["paths"]["/api/v1/kiosks/heartbeat"]["post"];
    for status in ["200", "400", "401", "403"] {
        assert!(op["responses"][status].is_object(), "heartbeat {status}: {op}");
    }
    for (path, method) in [
        ("/api/v1/kiosks", "get"),
        ("/api/v1/kiosks/{kiosk_id}/maintenance", "put"),
        ("/api/v1/notice", "put"),
        ("/api/v1/notice", "delete"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op["responses"]["401"].is_object() && op["responses"]["403"].is_object(), "{method} {path}: {op}");
    }
    let schemas = &doc["components"]["schemas"];
    for name in ["HeartbeatRequest", "HeartbeatResponse", "Notice", "KioskView", "KiosksResponse", "NoticeResponse", "KioskAlert"] {
        let schema = &schemas[name];
        let mut properties: Vec<&String> = schema["properties"].as_object().unwrap_or_else(|| panic!("{name}: {schema}")).keys().collect();
        let mut required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        properties.sort();
        required.sort();
        assert_eq!(properties, required, "{name}: every documented field is always present");
    }
}
