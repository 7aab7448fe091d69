//! One tap, one ticket: an online attempt the server committed but the kiosk
//! never heard of, then the offline slip the kiosk printed delivered under
//! the same key, leaves one ticket with the slip's number and QR token.
//! Ratings are idempotent like tickets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{Value, json};

const LAND: &str = "vp-dat-dai-tai-nguyen";
const ELDERLY: &str = "vp-tinh-nguoi-cao-tuoi";
const SLIP_TOKEN: &str = "SlipInTheCitizensHand_01";

/// The kiosk's online attempt: what it sends before it knows it is offline.
fn online(priority: Option<&str>) -> Value {
    match priority {
        Some(p) => json!({"service_id": LAND, "kiosk_id": "kiosk-1", "priority": p}),
        None => json!({"service_id": LAND, "kiosk_id": "kiosk-1"}),
    }
}

/// The same tap delivered from the outbox: the offline slip's number and token.
fn offline(priority: Option<&str>, number: &str, token: &str) -> Value {
    let mut body = online(priority);
    body["issued_at"] = json!("2026-11-30T02:00:03Z");
    body["offline"] = json!({"number": number, "token": token});
    body
}

async fn post(api: &Api, key: &str, body: Value) -> (u16, Value) {
    let (s, _, v) = api.call("POST", "/api/v1/tickets", Some(KIOSK), Some(key), Some(body)).await;
    (s.as_u16(), v)
}

#[tokio::test]
async fn an_offline_slip_delivered_under_its_committed_taps_key_is_that_one_ticket() {
    let api = Api::new(MONDAY_9AM);
    api.issue(LAND, "before").await;
    // The tap commits B002; its answer is lost on the way back.
    let (s, ghost) = post(&api, "tap-1", online(None)).await;
    assert_eq!((s, ghost["ticket"]["number"].as_str()), (201, Some("B002")));
    api.issue(LAND, "after").await;

    let (s, v) = post(&api, "tap-1", offline(None, "B-K1-001", SLIP_TOKEN)).await;
    assert_eq!(s, 200, "the same tap, not a new ticket: {v}");
    assert_eq!(v["ticket"]["id"], ghost["ticket"]["id"]);
    assert_eq!(v["ticket"]["number"], "B-K1-001", "the number on the citizen's slip");
    assert_eq!(v["ticket"]["token"], SLIP_TOKEN);
    assert_eq!(v["ticket"]["offline"], true);
    assert_eq!(v["ticket"]["position"], 2, "its place is the tap's, between B001 and B003");
    assert_eq!(api.count("SELECT count(*) FROM tickets"), 3);
    assert_eq!(api.count("SELECT count(*) FROM tickets WHERE online_number = 'B002'"), 1, "kept for the audit");

    // The slip's QR, through the API and on the phone page.
    let (s, _, looked) = api.call("GET", &format!("/api/v1/tickets/{SLIP_TOKEN}"), Some(KIOSK), None, None).await;
    assert_eq!((s.as_u16(), looked["ticket"]["number"].as_str()), (200, Some("B-K1-001")));
    let (s, _, page) = api.call("GET", &format!("/t/{SLIP_TOKEN}"), None, None, None).await;
    assert_eq!(s, 200);
    assert!(page.as_str().is_some_and(|p| p.contains("B-K1-001") && !p.contains("B002")), "{page}");
    // The ghost's own QR token never reached anyone: it leads nowhere now.
    let ghost_token = ghost["ticket"]["token"].as_str().unwrap();
    let (s, _, _) = api.call("GET", &format!("/api/v1/tickets/{ghost_token}"), Some(KIOSK), None, None).await;
    assert_eq!(s, 404);

    // The outbox retries the delivery (its answer lost too): the same ticket.
    let (s, again) = post(&api, "tap-1", offline(None, "B-K1-001", SLIP_TOKEN)).await;
    assert_eq!((s, &again["ticket"]["id"]), (200, &ghost["ticket"]["id"]));
    // The server's series does not hand B002 out again.
    let (_, next) = api.issue(LAND, "later").await;
    assert_eq!(next["ticket"]["number"], "B004");

    // The counter calls the citizen by the number on the slip.
    let mut called = Vec::new();
    for _ in 0..2 {
        let (_, _, c) = api.call("POST", "/api/v1/counters/vp-quay-06/call-next", Some(STAFF), None, None).await;
        called.push(c["ticket"]["number"].as_str().unwrap().to_owned());
    }
    assert_eq!(called, ["B001", "B-K1-001"]);
    let (_, _, board) = api.call("GET", "/api/v1/board", Some(STAFF), None, None).await;
    assert!(board.to_string().contains("B-K1-001") && !board.to_string().contains("\"B002\""), "{board}");
}

#[tokio::test]
async fn a_late_online_attempt_of_a_tap_delivered_offline_finds_the_same_ticket() {
    let api = Api::new(MONDAY_9AM);
    // The online attempt was held up in the network; the offline slip arrives first.
    let (s, first) = post(&api, "tap-1", offline(Some(ELDERLY), "B-K1-001", SLIP_TOKEN)).await;
    assert_eq!(s, 201);
    let (s, late) = post(&api, "tap-1", online(Some(ELDERLY))).await;
    assert_eq!((s, &late["ticket"]["id"]), (200, &first["ticket"]["id"]));
    assert_eq!(late["ticket"]["number"], "B-K1-001");
    assert_eq!(api.count("SELECT count(*) FROM tickets"), 1);
}

#[tokio::test]
async fn another_tap_under_the_same_key_is_still_refused() {
    let api = Api::new(MONDAY_9AM);
    post(&api, "tap-1", online(None)).await;
    let before = api.written();
    // Another priority: another tap, not this one's offline slip.
    let (s, v) = post(&api, "tap-1", offline(Some(ELDERLY), "B-K1-001", SLIP_TOKEN)).await;
    assert_eq!((s, code(&v)), (422, "idempotency_key_reused"));
    // Renumbered once, a second slip for the same tap is refused too.
    post(&api, "tap-1", offline(None, "B-K1-001", SLIP_TOKEN)).await;
    let (s, v) = post(&api, "tap-1", offline(None, "B-K1-002", "AnotherSlipToken_012345")).await;
    assert_eq!((s, code(&v)), (422, "idempotency_key_reused"));
    assert_eq!(api.written().0, before.0, "no ticket added");
    // An offline number already held by another ticket is not taken over.
    post(&api, "tap-2", online(None)).await;
    let (s, v) = post(&api, "tap-2", offline(None, "B-K1-001", "ThirdSlipToken_01234567")).await;
    assert_eq!((s, code(&v)), (409, "offline_ticket_conflict"));
    let (_, _, t) = api.call("GET", &format!("/api/v1/tickets/{SLIP_TOKEN}"), Some(KIOSK), None, None).await;
    assert_eq!(t["ticket"]["number"], "B-K1-001");
}

#[tokio::test]
async fn a_ghost_marked_absent_before_the_slip_arrived_waits_again_under_the_slips_number() {
    let api = Api::new(MONDAY_9AM);
    let (_, ghost) = post(&api, "tap-1", online(None)).await;
    api.issue(LAND, "other").await;
    // Called as B001 and marked absent: nobody held B001.
    let (_, _, c) = api.call("POST", "/api/v1/counters/vp-quay-06/call-next", Some(STAFF), None, None).await;
    assert_eq!(c["ticket"]["number"], "B001");
    let ghost_token = ghost["ticket"]["token"].as_str().unwrap();
    let (s, _, _) = api.call("POST", &format!("/api/v1/tickets/{ghost_token}/no-show"), Some(STAFF), None, None).await;
    assert_eq!(s, 200);

    let (s, v) = post(&api, "tap-1", offline(None, "B-K1-001", SLIP_TOKEN)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["ticket"]["status"].as_str(), v["ticket"]["position"].as_u64()), (Some("waiting"), Some(1)));
    let (_, _, c) = api.call("POST", "/api/v1/counters/vp-quay-06/call-next", Some(STAFF), None, None).await;
    assert_eq!(c["ticket"]["number"], "B-K1-001", "called first, by the number the citizen holds");
}

#[tokio::test]
async fn a_retried_rating_is_counted_once_and_a_rating_without_a_key_still_works() {
    let api = Api::new(MONDAY_9AM);
    let (_, t) = api.issue(LAND, "k").await;
    let token = t["ticket"]["token"].as_str().unwrap();
    let rating = json!({"ticket_token": token, "score": 3, "comment": "Cán bộ nhiệt tình"});
    let (s1, _, first) = api.call("POST", "/api/v1/ratings", Some(KIOSK), Some("rate-1"), Some(rating.clone())).await;
    let (s2, _, again) = api.call("POST", "/api/v1/ratings", Some(KIOSK), Some("rate-1"), Some(rating.clone())).await;
    assert_eq!((s1.as_u16(), s2.as_u16()), (201, 200));
    assert_eq!(first["id"], again["id"]);
    assert_eq!(api.count("SELECT count(*) FROM ratings"), 1);

    let other = json!({"ticket_token": token, "score": 1});
    let (s, _, v) = api.call("POST", "/api/v1/ratings", Some(KIOSK), Some("rate-1"), Some(other)).await;
    assert_eq!((s.as_u16(), code(&v)), (422, "idempotency_key_reused"));
    let (s, _, v) = api.call("POST", "/api/v1/ratings", Some(KIOSK), Some(""), Some(rating.clone())).await;
    assert_eq!((s.as_u16(), code(&v)), (400, "invalid_request"), "a key, if sent, must be a key");

    // An older kiosk sends no key: each rating counts.
    for _ in 0..2 {
        let (s, _, _) = api.call("POST", "/api/v1/ratings", Some(KIOSK), None, Some(rating.clone())).await;
        assert_eq!(s, 201);
    }
    assert_eq!(api.count("SELECT count(*) FROM ratings"), 3);
}
