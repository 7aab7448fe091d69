//! `POST /api/v1/dossiers/batch` through the router: the province's one-stop
//! system pushing dossiers with an integration token, in our shape and the
//! national portal's, in order, never letting an older update win.
// clippy.toml lets #[test] functions panic; their helpers here may too: a failed unwrap is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use motcua_central::tokens::{self, Role};
use serde_json::{Value, json};

const BATCH: &str = "/api/v1/dossiers/batch";
/// A demo dossier of vp-tinh, status 4.
const PROCESSING: &str = "000.00.12.H62-261120-0004";
/// A demo dossier of vp-vinh-yen.
const VINH_YEN: &str = "000.20.31.H62-261118-0007";

fn integration_token(api: &Api, center: &str, name: &str) -> String {
    let conn = rusqlite::Connection::open(&api.db).unwrap();
    tokens::create(&conn, Role::Integration, center, name).unwrap()
}

fn ours(code: &str, status: u8, updated_at: &str) -> Value {
    json!({"code": code, "procedure_name": "Đăng ký khai sinh", "procedure_id": "1.001193", "applicant_name": "Phạm Văn Hùng",
           "status": status, "received_at": "2026-11-30T01:00:00Z", "due_at": "2026-12-02T09:00:00Z", "updated_at": updated_at})
}

async fn push(api: &Api, token: &str, dossiers: Vec<Value>) -> Value {
    let (s, _, v) = api.call("POST", BATCH, Some(token), None, Some(json!({ "dossiers": dossiers }))).await;
    assert_eq!(s, 200, "{v}");
    v
}

fn outcomes(v: &Value) -> Vec<&str> {
    v["results"].as_array().unwrap().iter().map(|r| r["outcome"].as_str().unwrap()).collect()
}

async fn lookup(api: &Api, code: &str) -> Value {
    let (s, _, v) = api.call("GET", &format!("/api/v1/dossiers/{code}"), Some(STAFF), None, None).await;
    assert_eq!(s, 200, "{v}");
    v
}

#[tokio::test]
async fn each_dossier_gets_its_outcome_in_request_order_and_a_bad_one_blocks_no_other() {
    let api = Api::new(MONDAY_9AM);
    let token = integration_token(&api, "vp-tinh", "motcua-sync");
    let new = "000.00.12.H62-261130-0101";
    // The demo dossiers were seeded "now" (02:00Z): a newer update comes after.
    let mut moved = ours(PROCESSING, 5, "2026-11-30T02:05:00Z");
    moved["procedure_name"] = json!("Cấp giấy phép xây dựng");
    moved["applicant_name"] = json!("Nguyễn Thị Lan");
    moved["note"] = json!("Thiếu bản vẽ mặt bằng");
    let v = push(
        &api,
        &token,
        vec![
            ours(new, 2, "2026-11-30T01:00:00Z"),
            moved,
            json!({"code": "not a code", "procedure_name": "X", "status": 11, "received_at": "2026-11-30T01:00:00Z"}),
            ours(new, 2, "2026-11-30T01:00:00Z"),
            json!("a string"),
            ours("000.00.12.H62-261130-0102", 4, "2026-11-30T01:00:00Z"),
        ],
    )
    .await;
    assert_eq!(outcomes(&v), ["created", "updated", "rejected", "unchanged", "rejected", "created"], "{v}");
    let r = &v["results"];
    assert_eq!(r[0]["code"], new);
    assert!(r[0]["error"].is_null(), "documented fields are always there: {}", r[0]);
    assert_eq!(r[2]["code"], "not a code");
    assert_eq!(r[2]["error"]["code"], "invalid_dossier_code", "the first problem's code");
    let message = r[2]["error"]["message"].as_str().unwrap();
    for part in
        ["code:", "status: status must be a national status code 1..10", "missing applicant_name (ChuHoSo)", "missing due_at (NgayHenTra)"]
    {
        assert!(message.contains(part), "{part} in {message}");
    }
    assert_eq!(r[4]["code"], Value::Null);
    assert_eq!(r[4]["error"]["code"], "invalid_request");

    let v = lookup(&api, PROCESSING).await;
    assert_eq!(v["status"]["code"], 5);
    assert_eq!(v["applicant"], "Nguyễn T** L**", "masked as on every public surface");
    let last = v["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["status"]["code"].as_u64(), last["at"].as_str()), (Some(5), Some("2026-11-30T02:05:00Z")));
    assert_eq!((last["actor"].as_str(), last["note"].as_str()), (Some("motcua-sync"), Some("Thiếu bản vẽ mặt bằng")));
    assert_eq!(lookup(&api, new).await["history"].as_array().map(Vec::len), Some(1));
    assert_eq!(api.count("SELECT count(*) FROM dossiers WHERE source = 'push'"), 3);

    let (_, _, m) = api.call("GET", "/metrics", None, None, None).await;
    let m = m.as_str().unwrap();
    for line in [
        "motcua_dossier_batches_total 1",
        "motcua_dossier_batch_items_total{outcome=\"created\"} 2",
        "motcua_dossier_batch_items_total{outcome=\"rejected\"} 2",
    ] {
        assert!(m.contains(line), "{line} in {m}");
    }
}

#[tokio::test]
async fn an_older_update_never_overwrites_a_newer_one_and_a_replay_changes_nothing() {
    let api = Api::new(MONDAY_9AM);
    let token = integration_token(&api, "vp-tinh", "motcua-sync");
    let code = "000.00.12.H62-261130-0101";
    assert_eq!(outcomes(&push(&api, &token, vec![ours(code, 4, "2026-11-30T01:00:00Z")]).await), ["created"]);
    // Delivered late: an update from before the stored one.
    assert_eq!(outcomes(&push(&api, &token, vec![ours(code, 9, "2026-11-30T00:30:00Z")]).await), ["unchanged"]);
    assert_eq!(lookup(&api, code).await["status"]["code"], 4);
    // Newer: applied, and the older one in the same batch after it is not.
    let v = push(&api, &token, vec![ours(code, 9, "2026-11-30T01:30:00Z"), ours(code, 5, "2026-11-30T01:10:00Z")]).await;
    assert_eq!(outcomes(&v), ["updated", "unchanged"]);
    let v = lookup(&api, code).await;
    assert_eq!(v["status"]["code"], 9);
    assert_eq!(v["history"].as_array().map(Vec::len), Some(2));
    // The whole history replayed, in any order: nothing changes.
    let before = api.count("SELECT count(*) FROM dossier_history");
    let replay = vec![ours(code, 9, "2026-11-30T01:30:00Z"), ours(code, 4, "2026-11-30T01:00:00Z"), ours(code, 5, "2026-11-30T01:10:00Z")];
    assert_eq!(outcomes(&push(&api, &token, replay).await), ["unchanged", "unchanged", "unchanged"]);
    assert_eq!(api.count("SELECT count(*) FROM dossier_history"), before);
    // A time too far ahead of the server's clock is refused, not allowed to pin the dossier.
    let v = push(&api, &token, vec![ours(code, 10, "2026-12-30T01:00:00Z")]).await;
    assert_eq!(outcomes(&v), ["rejected"]);
    assert!(v["results"][0]["error"]["message"].as_str().unwrap().contains("ahead of the server's clock"), "{v}");
}

#[tokio::test]
async fn the_national_shape_with_a_string_status_and_local_dates() {
    let api = Api::new(MONDAY_9AM);
    let token = integration_token(&api, "vp-tinh", "lgsp");
    let phone = "0912345678";
    let national = |status: Value, updated: &str| {
        json!({"MaHoSo": "000.00.23.h62-261127-0031", "MaTTHC": "1.004227", "TenTTHC": "Cấp phiếu lý lịch tư pháp",
               "ChuHoSo": "Đỗ Thị Mai", "SoDienThoai": phone, "TrangThaiHoSo": status,
               "NgayTiepNhan": "20261127083000", "NgayHenTra": "20261204163000", "DonViXuLy": "Sở Tư pháp",
               "NgayCapNhat": updated, "MaLinhVuc": "LLTP", "TrichYeuHoSo": "Cấp phiếu số 1"})
    };
    let v = push(&api, &token, vec![national(json!("9"), "20261130084500"), national(json!(4), "20261130080000")]).await;
    assert_eq!(outcomes(&v), ["created", "unchanged"], "{v}");
    assert_eq!(v["results"][0]["code"], "000.00.23.H62-261127-0031", "normalised");
    let (s, _, v) = api.call("GET", "/api/v1/dossiers/000.00.23.H62-261127-0031", Some(KIOSK), None, None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"]["code"], 9);
    assert_eq!(v["received_at"], "2026-11-27T01:30:00Z", "08:30 in Vĩnh Phúc");
    assert_eq!(v["due_at"], "2026-12-04T09:30:00Z");
    assert_eq!(v["procedure_id"], "1.004227");
    assert_eq!(v["applicant"], "Đỗ T** M**");
    assert_eq!(v["history"][0]["at"], "2026-11-30T01:45:00Z", "the step is dated by NgayCapNhat");
    assert_eq!(v["history"][0]["unit"], "Sở Tư pháp");
    assert!(!v.to_string().contains(phone));
    // The phone number is read and dropped: it is in no file of the database.
    let dir = api.db.parent().unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(phone.len()).any(|w| w == phone.as_bytes()), "the phone number was stored");
    }
    // An unknown field is refused by name; a number as the status works too.
    let mut typo = national(json!(10), "20261130085000");
    typo["TrangThai"] = json!(10);
    let v = push(&api, &token, vec![typo]).await;
    assert_eq!(v["results"][0]["error"]["message"], "TrangThai: unknown field");
}

#[tokio::test]
async fn only_an_integration_token_pushes_and_it_does_nothing_else() {
    let api = Api::new(MONDAY_9AM);
    let token = integration_token(&api, "vp-tinh", "motcua-sync");
    let body = json!({"dossiers": [ours("000.00.12.H62-261130-0101", 2, "2026-11-30T01:00:00Z")]});
    for (who, status) in [(Some(KIOSK), 403), (Some(STAFF), 403), (Some("demo-display"), 403), (None, 401)] {
        let (s, _, v) = api.call("POST", BATCH, who, None, Some(body.clone())).await;
        assert_eq!(s, status, "{who:?}: {v}");
        assert_eq!(code(&v), if status == 401 { "unauthorized" } else { "forbidden" });
    }
    assert_eq!(api.count("SELECT count(*) FROM dossiers WHERE code = '000.00.12.H62-261130-0101'"), 0);
    let t = Some(token.as_str());
    for (method, uri, body) in [
        ("GET", format!("/api/v1/dossiers/{PROCESSING}"), None),
        ("PUT", format!("/api/v1/dossiers/{PROCESSING}"), Some(ours(PROCESSING, 4, "2026-11-30T01:00:00Z"))),
        ("POST", "/api/v1/tickets".to_string(), Some(json!({"service_id": "vp-dat-dai-tai-nguyen", "kiosk_id": "k"}))),
        ("GET", "/api/v1/queues".to_string(), None),
        ("GET", "/api/v1/catalog".to_string(), None),
        ("GET", "/api/v1/board".to_string(), None),
        ("POST", "/api/v1/counters/vp-quay-06/call-next".to_string(), None),
        ("POST", "/api/v1/ratings".to_string(), Some(json!({"dossier_code": PROCESSING, "score": 3}))),
    ] {
        let (s, _, v) = api.call(method, &uri, t, Some("k1"), body).await;
        assert_eq!((s.as_u16(), code(&v)), (403, "forbidden"), "{method} {uri}: {v}");
    }
    assert_eq!(api.written(), (0, 0, api.count("SELECT count(*) FROM dossier_history"), 0));
    // A dossier held by another center is refused for that item alone.
    let v =
        push(&api, &token, vec![ours(VINH_YEN, 9, "2026-11-30T01:00:00Z"), ours("000.00.12.H62-261130-0101", 2, "2026-11-30T01:00:00Z")])
            .await;
    assert_eq!(outcomes(&v), ["rejected", "created"]);
    assert_eq!(v["results"][0]["error"]["code"], "forbidden");
}

#[tokio::test]
async fn a_thousand_pass_a_thousand_and_one_store_nothing() {
    let api = Api::new(MONDAY_9AM);
    let token = integration_token(&api, "vp-tinh", "motcua-sync");
    let items = |n: usize, day: u32| -> Vec<Value> {
        (1..=n).map(|i| ours(&format!("000.00.12.H62-2611{day:02}-{i:04}"), 2, "2026-11-30T01:00:00Z")).collect()
    };
    let before = api.count("SELECT count(*) FROM dossiers");
    let (s, _, v) = api.call("POST", BATCH, Some(&token), None, Some(json!({"dossiers": items(1001, 29)}))).await;
    assert_eq!((s.as_u16(), code(&v)), (413, "batch_too_large"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("at most 1000"));
    assert_eq!(api.count("SELECT count(*) FROM dossiers"), before, "nothing stored");
    // A full batch is far over the 64 KiB of other requests, and passes.
    let body = json!({"dossiers": items(1000, 28)});
    assert!(body.to_string().len() > 64 * 1024);
    let (s, _, v) = api.call("POST", BATCH, Some(&token), None, Some(body)).await;
    assert_eq!(s, 200);
    assert_eq!(outcomes(&v).iter().filter(|o| **o == "created").count(), 1000);
    assert_eq!(api.count("SELECT count(*) FROM dossiers"), before + 1000);
}

#[tokio::test]
async fn a_malformed_request_stores_nothing() {
    let api = Api::new(MONDAY_9AM);
    let token = integration_token(&api, "vp-tinh", "motcua-sync");
    let before = api.count("SELECT count(*) FROM dossiers");
    for body in ["{\"dossiers\": [", "[]", "{\"items\": []}", "{\"dossiers\": {}}", ""] {
        let (s, _, v) = api.call_raw("POST", BATCH, Some(&token), None, Some(body.to_string())).await;
        assert_eq!((s.as_u16(), code(&v)), (400, "invalid_request"), "{body}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("nothing was stored"));
    }
    assert_eq!(api.count("SELECT count(*) FROM dossiers"), before);
    let (s, _, v) = api.call("POST", BATCH, Some(&token), None, Some(json!({"dossiers": []}))).await;
    assert_eq!((s.as_u16(), v), (200, json!({"results": []})));
}

#[tokio::test]
async fn a_staff_change_at_the_counter_still_wins_and_a_later_source_update_follows_it() {
    let api = Api::new(MONDAY_9AM);
    let token = integration_token(&api, "vp-tinh", "motcua-sync");
    let code = "000.00.12.H62-261130-0101";
    push(&api, &token, vec![ours(code, 4, "2026-11-30T01:00:00Z")]).await;
    let mut put = ours(code, 9, "");
    let obj = put.as_object_mut().unwrap();
    obj.remove("code");
    obj.remove("updated_at");
    let (s, _, v) = api.call("PUT", &format!("/api/v1/dossiers/{code}"), Some(STAFF), None, Some(put)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"]["code"], 9);
    // The staff change is dated now (09:00 local); the source's record of 08:30 is older.
    assert_eq!(outcomes(&push(&api, &token, vec![ours(code, 4, "2026-11-30T01:30:00Z")]).await), ["unchanged"]);
    assert_eq!(outcomes(&push(&api, &token, vec![ours(code, 10, "2026-11-30T02:05:00Z")]).await), ["updated"]);
    assert_eq!(lookup(&api, code).await["status"]["code"], 10);
}

#[tokio::test]
async fn the_batch_is_in_the_openapi_document() {
    let api = Api::new(MONDAY_9AM);
    let (s, _, v) = api.call("GET", "/api/v1/openapi.json", None, None, None).await;
    assert_eq!(s, 200);
    let op = &v["paths"]["/api/v1/dossiers/batch"]["post"];
    assert!(op["responses"]["200"].is_object() && op["responses"]["413"].is_object(), "{op}");
    for schema in ["DossierBatchRequest", "BatchDossier", "DossierBatchResponse", "BatchItemResult", "WriteOutcome"] {
        assert!(v["components"]["schemas"][schema].is_object(), "{schema}");
    }
}
