//! The API through the router (no socket): behaviour a kiosk or a counter sees,
//! and every error code, with nothing stored by a refused request.
// clippy.toml lets #[test] functions panic; their helpers here may too: a failed unwrap is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;

const LAND: &str = "vp-dat-dai-tai-nguyen";
const CAPPED: &str = "vp-ly-lich-tu-phap";
const OFFICE_HOURS: &str = "vp-bao-hiem-xa-hoi";
const COLLECT: &str = "vp-tra-ket-qua";
const READY: &str = "000.00.23.H62-261127-0007";
const PROCESSING: &str = "000.00.12.H62-261120-0004";
const ELDERLY: &str = "vp-tinh-nguoi-cao-tuoi";

#[tokio::test]
async fn health_needs_no_token() {
    let api = Api::new(MONDAY_9AM);
    let (s, _, v) = api.call("GET", "/api/v1/health", None, None, None).await;
    assert_eq!(s, 200);
    assert_eq!(v, json!({"status": "ok"}));
}

#[tokio::test]
async fn tickets_are_numbered_per_service_with_the_letter_and_no_gaps() {
    let api = Api::new(MONDAY_9AM);
    let (s1, a) = api.issue(LAND, "k1").await;
    let (_, b) = api.issue(LAND, "k2").await;
    let (_, other) = api.issue(CAPPED, "k3").await;
    assert_eq!(s1, 201);
    assert_eq!(a["ticket"]["number"], "B001");
    assert_eq!(b["ticket"]["number"], "B002");
    assert_eq!(other["ticket"]["number"], "D001");
    assert_eq!(b["ticket"]["status"], "waiting");
    assert_eq!(b["ticket"]["position"], 2);
    assert_eq!(b["ticket"]["ahead"], 1);
    let token = b["ticket"]["token"].as_str().expect("token");
    assert!(token.len() >= 22 && !token.contains("B002"), "unguessable token: {token}");
    assert_eq!(b["ticket"]["lookup_url"], format!("http://central.test/t/{token}"));
}

#[tokio::test]
async fn numbering_restarts_at_local_midnight_not_utc_midnight() {
    // 23:30 in Vĩnh Phúc is 16:30 UTC, and 00:30 the next local day is 17:30 UTC: same UTC date.
    let api = Api::new("2026-11-30T16:30:00Z");
    let (_, a) = api.issue(LAND, "k1").await;
    api.clock.set(ts("2026-11-30T17:30:00Z"));
    let (_, b) = api.issue(LAND, "k2").await;
    assert_eq!(a["ticket"]["number"], "B001");
    assert_eq!(b["ticket"]["number"], "B001", "a new local day starts a new series");
}

#[tokio::test]
async fn retry_with_same_key_returns_same_ticket_and_another_body_is_refused() {
    let api = Api::new(MONDAY_9AM);
    let (s1, first) = api.issue(LAND, "tap-1").await;
    let (s2, again) = api.issue(LAND, "tap-1").await;
    assert_eq!((s1.as_u16(), s2.as_u16()), (201, 200));
    assert_eq!(first["ticket"]["id"], again["ticket"]["id"]);
    assert_eq!(api.count("SELECT count(*) FROM tickets"), 1);
    let before = api.written();
    let (s3, other) = api.issue(CAPPED, "tap-1").await;
    assert_eq!(s3, 422);
    assert_eq!(code(&other), "idempotency_key_reused");
    assert_eq!(api.written(), before);
}

#[tokio::test]
async fn priority_goes_first_but_at_most_two_in_a_row() {
    let api = Api::new(MONDAY_9AM);
    let issue = |key: &'static str, prio: bool| {
        let body = if prio {
            json!({"service_id": LAND, "kiosk_id": "k", "priority": ELDERLY})
        } else {
            json!({"service_id": LAND, "kiosk_id": "k"})
        };
        let api = &api;
        async move { api.call("POST", "/api/v1/tickets", Some(KIOSK), Some(key), Some(body)).await }
    };
    issue("n1", false).await;
    issue("n2", false).await;
    for k in ["p1", "p2", "p3"] {
        let (s, _, v) = issue(k, true).await;
        assert_eq!(s, 201, "{v}");
    }
    let mut called = Vec::new();
    loop {
        let (s, _, v) = api.call("POST", "/api/v1/counters/vp-quay-06/call-next", Some(STAFF), None, None).await;
        if s == 204 {
            break;
        }
        assert_eq!(s, 200, "{v}");
        called.push(v["ticket"]["number"].as_str().expect("number").to_string());
    }
    // B003..B005 are the priority tickets.
    assert_eq!(called, ["B003", "B004", "B001", "B005", "B002"]);
}

#[tokio::test]
async fn a_late_ticket_is_placed_by_its_issue_time_and_keeps_its_offline_number() {
    let api = Api::new(MONDAY_9AM);
    api.issue(LAND, "a").await;
    let body = json!({
        "service_id": LAND, "kiosk_id": "kiosk-2", "issued_at": "2026-11-30T01:30:00Z",
        "offline": {"number": "B-K2-001", "token": "OfflineToken_0123456789"}
    });
    let (s, _, v) = api.call("POST", "/api/v1/tickets", Some(KIOSK), Some("late"), Some(body)).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["ticket"]["number"], "B-K2-001");
    assert_eq!(v["ticket"]["offline"], true);
    assert_eq!(v["ticket"]["position"], 1, "issued before B001, so called before it");
    let (_, _, looked) = api.call("GET", "/api/v1/tickets/OfflineToken_0123456789", Some(KIOSK), None, None).await;
    assert_eq!(looked["ticket"]["number"], "B-K2-001");
    let (_, b) = api.issue(LAND, "after").await;
    assert_eq!(b["ticket"]["number"], "B002", "offline tickets take no number from the server's series");
}

#[tokio::test]
async fn a_called_ticket_shows_its_counter_and_the_phone_page_says_so() {
    let api = Api::new(MONDAY_9AM);
    let (_, t) = api.issue(LAND, "k").await;
    let token = t["ticket"]["token"].as_str().expect("token").to_string();
    let (_, _, page) = api.call("GET", &format!("/t/{token}"), None, None, None).await;
    let page = page.as_str().expect("html").to_string();
    assert!(page.contains("B001") && page.contains("Bạn là người tiếp theo"), "{page}");
    assert!(page.contains("http-equiv=\"refresh\""), "the page updates itself");
    let (s, _, called) = api.call("POST", "/api/v1/counters/vp-quay-06/call-next", Some(STAFF), None, None).await;
    assert_eq!(s, 200);
    assert_eq!(called["ticket"]["counter"]["number"], 6);
    let (_, _, v) = api.call("GET", &format!("/api/v1/tickets/{token}"), Some(KIOSK), None, None).await;
    assert_eq!(v["ticket"]["status"], "called");
    let (_, _, page) = api.call("GET", &format!("/t/{token}"), None, None, None).await;
    assert!(page.as_str().expect("html").contains("Mời đến Quầy 6"), "{page}");
    let (_, _, page) = api.call("GET", &format!("/t/{token}?lang=en"), None, None, None).await;
    assert!(page.as_str().expect("html").contains("Please go to Quầy 6"), "{page}");
    let (s, _, v) = api.call("POST", &format!("/api/v1/tickets/{token}/serve"), Some(STAFF), None, None).await;
    assert_eq!((s.as_u16(), v["ticket"]["status"].as_str()), (200, Some("served")));
    let (s, _, v) = api.call("POST", &format!("/api/v1/tickets/{token}/no-show"), Some(STAFF), None, None).await;
    assert_eq!((s.as_u16(), code(&v)), (409, "ticket_state_conflict"));
}

#[tokio::test]
async fn queues_show_waiting_and_now_serving() {
    let api = Api::new(MONDAY_9AM);
    for k in ["a", "b", "c"] {
        api.issue(LAND, k).await;
    }
    api.call("POST", "/api/v1/counters/vp-quay-06/call-next", Some(STAFF), None, None).await;
    let (_, _, v) = api.call("GET", "/api/v1/queues", Some(KIOSK), None, None).await;
    let q = v["queues"].as_array().expect("queues").iter().find(|q| q["service_id"] == LAND).expect("land").clone();
    assert_eq!(q["waiting"], 2);
    assert_eq!(q["serving"][0]["number"], "B001");
    assert_eq!(q["serving"][0]["counter"]["number"], 6);
}

#[tokio::test]
async fn estimated_wait_uses_the_configured_average_before_there_is_data() {
    let api = Api::new(MONDAY_9AM);
    for k in ["a", "b", "c"] {
        api.issue(LAND, k).await;
    }
    let (_, v) = api.issue(LAND, "d").await;
    let catalog = api.call("GET", "/api/v1/catalog", Some(KIOSK), None, None).await.2;
    let service = catalog["services"].as_array().expect("services").iter().find(|s| s["id"] == LAND).expect("svc").clone();
    let avg = service["avg_service_s"].as_u64().expect("avg");
    let counters = catalog["counters"]
        .as_array()
        .expect("counters")
        .iter()
        .filter(|c| c["services"].as_array().is_some_and(|s| s.iter().any(|x| x == LAND)))
        .count() as u64;
    assert_eq!(v["ticket"]["estimated_wait_s"].as_u64(), Some(3 * avg / counters));
}

#[tokio::test]
async fn catalog_has_an_etag_and_answers_304_when_unchanged() {
    let api = Api::new(MONDAY_9AM);
    let (s, h, v) = api.call("GET", "/api/v1/catalog", Some(KIOSK), None, None).await;
    assert_eq!(s, 200);
    assert_eq!(v["center"]["id"], "vp-tinh");
    assert!(v["procedures"].as_array().expect("procedures").len() >= 60);
    let etag = h.get("etag").expect("etag").to_str().expect("ascii").to_string();
    let req = axum::http::Request::builder()
        .uri("/api/v1/catalog")
        .header("authorization", "Bearer demo-kiosk")
        .header("if-none-match", &etag)
        .body(axum::body::Body::empty())
        .expect("req");
    let resp = tower::ServiceExt::oneshot(api.app.clone(), req).await.expect("resp");
    assert_eq!(resp.status(), 304);
}

#[tokio::test]
async fn dossier_lookup_masks_the_name_and_explains_the_status() {
    let api = Api::new(MONDAY_9AM);
    let (s, _, v) = api.call("GET", &format!("/api/v1/dossiers/{}", PROCESSING.to_lowercase()), Some(KIOSK), None, None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["code"], PROCESSING);
    assert_eq!(v["applicant"], "Nguyễn T** L**");
    assert_eq!(v["status"]["code"], 4);
    assert_eq!(v["status"]["label_vi"], "Đang xử lý");
    assert!(v["history"].as_array().is_some_and(|h| !h.is_empty()));
}

#[tokio::test]
async fn overdue_is_derived_from_the_due_date() {
    let api = Api::new(MONDAY_9AM);
    let (_, _, v) = api.call("GET", "/api/v1/dossiers/000.00.15.H62-261029-0003", Some(KIOSK), None, None).await;
    assert_eq!(v["overdue"], true, "{v}");
    let (_, _, v) = api.call("GET", &format!("/api/v1/dossiers/{PROCESSING}"), Some(KIOSK), None, None).await;
    assert_eq!(v["overdue"], false);
}

#[tokio::test]
async fn a_ready_dossier_gets_a_collect_ticket() {
    let api = Api::new(MONDAY_9AM);
    let body = json!({"service_id": COLLECT, "kiosk_id": "k", "dossier_code": READY});
    let (s, _, v) = api.call("POST", "/api/v1/tickets", Some(KIOSK), Some("c1"), Some(body)).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["ticket"]["number"], "K001");
    assert_eq!(v["ticket"]["dossier_code"], READY);
}

#[tokio::test]
async fn staff_put_creates_a_dossier_and_a_status_change_appends_history() {
    let api = Api::new(MONDAY_9AM);
    let code = "000.00.12.H62-261130-0101";
    let body = json!({"procedure_name": "Đăng ký khai sinh", "applicant_name": "Phạm Văn Hùng", "status": 2,
                      "received_at": "2026-11-30T01:00:00Z", "due_at": "2026-12-02T09:00:00Z", "note": "Tiếp nhận"});
    let (s, _, v) = api.call("PUT", &format!("/api/v1/dossiers/{code}"), Some(STAFF), None, Some(body.clone())).await;
    assert_eq!(s, 201, "{v}");
    let mut update = body.clone();
    update["status"] = json!(9);
    let (s, _, v) = api.call("PUT", &format!("/api/v1/dossiers/{code}"), Some(STAFF), None, Some(update)).await;
    assert_eq!(s, 200);
    assert_eq!(v["history"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["history"][1]["status"]["code"], 9);
    assert_eq!(v["history"][1]["actor"], "demo-staff");
    let (s, _, v) = api.call("PUT", &format!("/api/v1/dossiers/{code}"), Some(STAFF), None, Some(body)).await;
    assert_eq!(s, 200);
    assert_eq!(v["history"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn ratings_are_stored_for_a_ticket_or_a_dossier() {
    let api = Api::new(MONDAY_9AM);
    let (_, t) = api.issue(LAND, "k").await;
    let token = t["ticket"]["token"].as_str().expect("token");
    let (s, _, v) = api
        .call(
            "POST",
            "/api/v1/ratings",
            Some(KIOSK),
            None,
            Some(json!({"ticket_token": token, "score": 3, "comment": "Cán bộ nhiệt tình"})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, _, _) = api.call("POST", "/api/v1/ratings", Some(KIOSK), None, Some(json!({"dossier_code": PROCESSING, "score": 1}))).await;
    assert_eq!(s, 201);
    assert_eq!(api.count("SELECT count(*) FROM ratings"), 2);
}

#[tokio::test]
async fn openapi_and_metrics_are_served() {
    let api = Api::new(MONDAY_9AM);
    let (s, _, v) = api.call("GET", "/api/v1/openapi.json", None, None, None).await;
    assert_eq!(s, 200);
    assert!(v["paths"]["/api/v1/tickets"]["post"].is_object());
    assert!(v["components"]["schemas"]["IssueTicketRequest"].is_object());
    api.issue(LAND, "k").await;
    let (_, _, m) = api.call("GET", "/metrics", None, None, None).await;
    let m = m.as_str().expect("text").to_string();
    assert!(m.contains("motcua_tickets_issued_total 1"), "{m}");
    assert!(m.contains("motcua_http_request_duration_seconds_bucket"));
}

// ---- every error code, and nothing stored ----

#[allow(clippy::too_many_arguments)]
async fn refused(
    api: &Api,
    method: &str,
    uri: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<String>,
    status: u16,
    want: &str,
) -> serde_json::Value {
    let before = api.written();
    let (s, h, v) = api.call_raw(method, uri, token, key, body).await;
    assert_eq!((s.as_u16(), code(&v)), (status, want), "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(v["error"]["message_vi"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(api.written(), before, "a refused request stored nothing");
    if want == "rate_limited" {
        assert!(h.get("retry-after").is_some());
    }
    v
}

fn ticket(service: &str) -> Option<String> {
    Some(json!({"service_id": service, "kiosk_id": "k"}).to_string())
}

#[tokio::test]
async fn auth_errors() {
    let api = Api::new(MONDAY_9AM);
    refused(&api, "POST", "/api/v1/tickets", None, Some("k"), ticket(LAND), 401, "unauthorized").await;
    refused(&api, "POST", "/api/v1/tickets", Some("wrong-token"), Some("k"), ticket(LAND), 401, "unauthorized").await;
    refused(&api, "POST", "/api/v1/counters/vp-quay-06/call-next", Some(KIOSK), None, None, 403, "forbidden").await;
}

#[tokio::test]
async fn request_errors() {
    let api = Api::new(MONDAY_9AM);
    refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("k"), Some("{not json".into()), 400, "invalid_request").await;
    refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), None, ticket(LAND), 400, "invalid_request").await;
    refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("k"), Some(json!({"service_id": LAND}).to_string()), 400, "invalid_request")
        .await;
    refused(
        &api,
        "POST",
        "/api/v1/tickets",
        Some(KIOSK),
        Some("k"),
        Some(json!({"service_id": LAND, "kiosk_id": "k", "issued_at": "2030-01-01T00:00:00Z"}).to_string()),
        422,
        "dates_out_of_order",
    )
    .await;
    refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("k"), ticket("no-such-service"), 404, "service_not_found").await;
    refused(
        &api,
        "POST",
        "/api/v1/tickets",
        Some(KIOSK),
        Some("k"),
        Some(json!({"service_id": LAND, "kiosk_id": "k", "priority": "vip"}).to_string()),
        404,
        "priority_not_found",
    )
    .await;
    let big = json!({"service_id": LAND, "kiosk_id": "k", "dossier_code": "x".repeat(70_000)}).to_string();
    refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("k"), Some(big), 413, "payload_too_large").await;
    refused(&api, "GET", "/api/v1/nope", Some(KIOSK), None, None, 404, "not_found").await;
    refused(
        &api,
        "POST",
        "/api/v1/ratings",
        Some(KIOSK),
        None,
        Some(json!({"dossier_code": PROCESSING, "score": 5}).to_string()),
        400,
        "invalid_request",
    )
    .await;
    refused(
        &api,
        "POST",
        "/api/v1/ratings",
        Some(KIOSK),
        None,
        Some(json!({"ticket_token": "NoSuchToken_0123456789ab", "score": 2}).to_string()),
        404,
        "ticket_not_found",
    )
    .await;
    let bad_status = json!({"procedure_name": "X", "applicant_name": "Y", "status": 11, "received_at": "2026-11-30T01:00:00Z", "due_at": "2026-12-02T09:00:00Z"});
    refused(
        &api,
        "PUT",
        "/api/v1/dossiers/000.00.12.H62-261130-0102",
        Some(STAFF),
        None,
        Some(bad_status.to_string()),
        400,
        "invalid_request",
    )
    .await;
    refused(&api, "POST", "/api/v1/counters/no-such-counter/call-next", Some(STAFF), None, None, 404, "counter_not_found").await;
}

#[tokio::test]
async fn lookup_errors() {
    let api = Api::new(MONDAY_9AM);
    refused(&api, "GET", "/api/v1/dossiers/hello", Some(KIOSK), None, None, 400, "invalid_dossier_code").await;
    refused(&api, "GET", "/api/v1/dossiers/000.00.12.H62-261130-9999", Some(KIOSK), None, None, 404, "dossier_not_found").await;
    refused(&api, "GET", "/api/v1/tickets/NoSuchToken_0123456789ab", Some(KIOSK), None, None, 404, "ticket_not_found").await;
    let (_, _, m) = api.call("GET", "/metrics", None, None, None).await;
    let m = m.as_str().expect("text").to_string();
    assert!(m.contains("motcua_dossier_lookup_misses_total 1") && m.contains("motcua_dossier_lookup_invalid_total 1"), "{m}");
}

#[tokio::test]
async fn dossier_lookups_are_rate_limited_per_token() {
    let api = Api::with_limit(MONDAY_9AM, 3);
    for _ in 0..3 {
        let (s, _, _) = api.call("GET", &format!("/api/v1/dossiers/{PROCESSING}"), Some(KIOSK), None, None).await;
        assert_eq!(s, 200);
    }
    refused(&api, "GET", &format!("/api/v1/dossiers/{PROCESSING}"), Some(KIOSK), None, None, 429, "rate_limited").await;
    let (s, _, _) = api.call("GET", &format!("/api/v1/dossiers/{PROCESSING}"), Some(STAFF), None, None).await;
    assert_eq!(s, 200, "another token has its own budget");
}

#[tokio::test]
async fn queue_errors_say_when_to_come_back() {
    let api = Api::new(SUNDAY_8PM);
    let v = refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("k"), ticket(OFFICE_HOURS), 409, "service_closed").await;
    // Next opening: Monday 07:30 in Vĩnh Phúc.
    assert_eq!(v["error"]["next_open_at"], "2026-11-30T00:30:00Z");

    let body = |code: &str| Some(json!({"service_id": COLLECT, "kiosk_id": "k", "dossier_code": code}).to_string());
    let v = refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("k"), body(PROCESSING), 409, "dossier_not_ready").await;
    assert!(v["error"]["due_at"].is_string());
    refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("k"), body("not a code"), 400, "invalid_dossier_code").await;
    refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("k"), body("000.00.12.H62-261130-9999"), 404, "dossier_not_found").await;
    // Schema-valid, but a collect-result service needs a dossier: 422, not 400 (README, "API conformance").
    refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("k"), ticket(COLLECT), 422, "dossier_code_mismatch").await;

    for i in 0..60 {
        let (s, v) = api.issue(CAPPED, &format!("cap-{i}")).await;
        assert_eq!(s, 201, "{v}");
    }
    let v = refused(&api, "POST", "/api/v1/tickets", Some(KIOSK), Some("cap-60"), ticket(CAPPED), 409, "daily_cap_reached").await;
    assert_eq!(v["error"]["next_open_at"], "2026-11-29T17:00:00Z", "the next numbering day, local midnight");
}
