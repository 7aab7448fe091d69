//! Dossier lookups through the router: any center of the province, which
//! center holds the dossier, when the source last spoke about it, and the
//! lookup by chip ID card, whose number reaches the server only as a keyed hash.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use motcua_central::tokens::{self, Role};
use motcua_domain::id_card::{id_hash, unhex};
use serde_json::{Value, json};

const CARD_NUMBER: &str = "001099012345";
const OLD_NUMBER: &str = "162345678";
/// A demo dossier received at the ward's center (a commune center of the province).
const WARD_DOSSIER: &str = "000.45.31.H62-261125-0003";
/// Another province: a center without a parent.
const OTHER_PROVINCE: &str = include_str!("fixtures/district.toml");

fn integration_token(api: &Api, center: &str) -> String {
    let conn = rusqlite::Connection::open(&api.db).unwrap();
    tokens::create(&conn, Role::Integration, center, &format!("sync-{center}")).unwrap()
}

fn national(code: &str, name: &str, id: Option<&str>, received: &str, updated: &str) -> Value {
    let mut v = json!({"MaHoSo": code, "TenTTHC": "Đăng ký khai sinh", "ChuHoSo": name, "TrangThaiHoSo": "4",
                       "NgayTiepNhan": received, "NgayHenTra": "20261204163000", "NgayCapNhat": updated});
    if let Some(id) = id {
        v["SoGiayToChuHoSo"] = json!(id);
    }
    v
}

async fn push(api: &Api, token: &str, dossiers: Vec<Value>) {
    let (s, _, v) = api.call("POST", "/api/v1/dossiers/batch", Some(token), None, Some(json!({ "dossiers": dossiers }))).await;
    assert_eq!(s, 200, "{v}");
    for r in v["results"].as_array().unwrap() {
        assert_ne!(r["outcome"], "rejected", "{v}");
    }
}

/// What the kiosk does: fetch the key, hash the numbers, send the hashes.
async fn by_card(api: &Api, token: &str, numbers: &[&str]) -> (u16, Value) {
    let (s, _, key) = api.call("GET", "/api/v1/id-key", Some(KIOSK), None, None).await;
    assert_eq!(s, 200, "{key}");
    let bytes = unhex(key["key"].as_str().unwrap()).unwrap();
    let hashes: Vec<String> = numbers.iter().map(|n| id_hash(&bytes, n)).collect();
    let body = json!({"key_id": key["key_id"], "id_hashes": hashes});
    let (s, _, v) = api.call("POST", "/api/v1/dossiers/by-id-card", Some(token), None, Some(body)).await;
    (s.as_u16(), v)
}

fn codes(v: &Value) -> Vec<&str> {
    v["dossiers"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect()
}

fn db_bytes(api: &Api) -> Vec<u8> {
    let mut all = Vec::new();
    for ext in ["", "-wal", "-shm"] {
        let path = format!("{}{ext}", api.db.display());
        all.extend(std::fs::read(&path).unwrap_or_default());
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_card_finds_the_persons_dossiers_in_every_center_of_the_province_newest_first_masked() {
    let api = Api::with_catalog(MONDAY_9AM, 30, Some(OTHER_PROVINCE));
    let province = integration_token(&api, "vp-tinh");
    let ward = integration_token(&api, "vp-phuong-vinh-phuc");
    let other = integration_token(&api, "yl");
    push(
        &api,
        &province,
        vec![
            national("000.00.21.H62-261126-0031", "Nguyễn Văn An", Some(CARD_NUMBER), "20261126083000", "20261130084500"),
            national("000.00.21.H62-261127-0032", "Trần Thị Bình", Some("036188001234"), "20261127083000", "20261130084500"),
            // Our field name, with the separators an export may have.
            json!({"code": "000.00.10.H62-261120-0005", "procedure_name": "Đăng ký hộ kinh doanh", "applicant_name": "Nguyễn Văn An",
                   "applicant_id": "162 345 678", "status": 9, "received_at": "2026-11-20T01:30:00Z", "due_at": "2026-11-25T09:30:00Z"}),
        ],
    )
    .await;
    push(&api, &ward, vec![national("000.45.31.H62-261124-0007", "Nguyễn Văn An", Some(CARD_NUMBER), "20261124083000", "20261130084500")])
        .await;
    push(&api, &other, vec![national("000.00.01.H99-261128-0001", "Nguyễn Văn An", Some(CARD_NUMBER), "20261128083000", "20261130084500")])
        .await;

    let (s, v) = by_card(&api, KIOSK, &[CARD_NUMBER, OLD_NUMBER]).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        codes(&v),
        ["000.00.21.H62-261126-0031", "000.45.31.H62-261124-0007", "000.00.10.H62-261120-0005"],
        "newest first, the old 9-digit number too, the other province left out"
    );
    assert_eq!(v["more"], false);
    let first = &v["dossiers"][0];
    assert_eq!(first["applicant"], "Nguyễn V** A*", "masked as everywhere");
    assert_eq!(first["status"]["code"], 4);
    assert_eq!(first["due_at"], "2026-12-04T09:30:00Z");
    assert_eq!(first["center"]["id"], "vp-tinh");
    assert_eq!(first["heard_at"], "2026-11-30T02:00:00Z", "when the server heard from the source");
    let ward_one = &v["dossiers"][1];
    assert_eq!(ward_one["center"]["id"], "vp-phuong-vinh-phuc");
    assert_eq!(ward_one["center"]["level"], "commune");
    assert!(ward_one["center"]["address"].as_str().unwrap().contains("Vĩnh Phúc"));

    // Only the keyed hash is stored, never the number.
    let stored: String = rusqlite::Connection::open(&api.db)
        .unwrap()
        .query_row("SELECT applicant_id_hash FROM dossiers WHERE code = '000.00.21.H62-261126-0031'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, api.state.id_key.hash(CARD_NUMBER));
    let bytes = db_bytes(&api);
    for number in [CARD_NUMBER, OLD_NUMBER, "036188001234"] {
        assert!(!contains(&bytes, number), "{number} is in the database files in clear");
    }
}

#[tokio::test]
async fn a_card_that_matches_nothing_gets_an_empty_list() {
    let api = Api::new(MONDAY_9AM);
    let (s, v) = by_card(&api, KIOSK, &["079203000111"]).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"dossiers": [], "more": false}));
    let (_, _, metrics) = api.call("GET", "/metrics", None, None, None).await;
    let text = metrics.as_str().unwrap();
    assert!(text.contains("motcua_dossier_id_card_lookup_misses_total 1"), "{text}");
}

#[tokio::test]
async fn another_key_bad_hashes_and_other_roles_are_refused() {
    let api = Api::new(MONDAY_9AM);
    let good = "a".repeat(64);
    let call = |token: Option<&'static str>, body: Value| {
        let api = &api;
        async move { api.call("POST", "/api/v1/dossiers/by-id-card", token, None, Some(body)).await }
    };
    let (s, _, v) = call(Some(KIOSK), json!({"key_id": "0000000000000000", "id_hashes": [good]})).await;
    assert_eq!((s.as_u16(), code(&v)), (409, "id_key_changed"), "{v}");
    let key_id = api.state.id_key.id().to_string();
    for hashes in [json!([]), json!(["001099012345"]), json!([good, good, good]), json!([good.to_uppercase()])] {
        let (s, _, v) = call(Some(KIOSK), json!({"key_id": key_id, "id_hashes": hashes})).await;
        assert_eq!((s.as_u16(), code(&v)), (400, "invalid_request"), "{hashes}: {v}");
    }
    let (s, _, v) = call(Some(STAFF), json!({"key_id": key_id, "id_hashes": [good]})).await;
    assert_eq!((s.as_u16(), code(&v)), (403, "forbidden"), "{v}");
    let (s, _, _) = call(None, json!({"key_id": key_id, "id_hashes": [good]})).await;
    assert_eq!(s, 401);
    let (s, _, v) = api.call("GET", "/api/v1/id-key", Some(STAFF), None, None).await;
    assert_eq!((s.as_u16(), code(&v)), (403, "forbidden"), "only kiosks get the key");
}

#[tokio::test]
async fn card_lookups_share_the_rate_limit_of_code_lookups() {
    let api = Api::with_limit(MONDAY_9AM, 2);
    let (s, _, _) = api.call("GET", &format!("/api/v1/dossiers/{WARD_DOSSIER}"), Some(KIOSK), None, None).await;
    assert_eq!(s, 200);
    let (s, v) = by_card(&api, KIOSK, &[CARD_NUMBER]).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = by_card(&api, KIOSK, &[CARD_NUMBER]).await;
    assert_eq!((s, code(&v)), (429, "rate_limited"), "{v}");
    assert!(v["error"]["retry_after_s"].as_u64().is_some());
}

#[tokio::test]
async fn a_commune_centers_dossier_is_found_from_the_provincial_kiosk_with_where_to_collect() {
    let api = Api::with_catalog(MONDAY_9AM, 30, Some(OTHER_PROVINCE));
    let (s, _, v) = api.call("GET", &format!("/api/v1/dossiers/{WARD_DOSSIER}"), Some(KIOSK), None, None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["center"]["id"], "vp-phuong-vinh-phuc");
    assert_eq!(v["center"]["name"], "Trung tâm Phục vụ hành chính công phường Vĩnh Phúc");
    assert!(v["collect_at"].as_str().unwrap().contains("phường Vĩnh Phúc"), "{v}");
    assert_eq!(v["status"]["code"], 9);
    assert!(v.as_object().unwrap().contains_key("heard_at"), "heard_at is always present");
    assert_eq!(v["heard_at"], Value::Null, "a seeded dossier: no source has spoken about it");
    assert_eq!(v["stale"], false);

    // Another province's dossier is as unknown as a code nobody issued, and the answer says what to do.
    let yl = integration_token(&api, "yl");
    push(&api, &yl, vec![national("000.00.01.H99-261128-0001", "Lò Văn Páo", None, "20261128083000", "20261130084500")]).await;
    for code_ in ["000.00.01.H99-261128-0001", "000.00.12.H62-201105-9999"] {
        let (s, _, v) = api.call("GET", &format!("/api/v1/dossiers/{code_}"), Some(KIOSK), None, None).await;
        assert_eq!((s.as_u16(), code(&v)), (404, "dossier_not_found"), "{v}");
        assert!(v["error"]["message_vi"].as_str().unwrap().contains("hỏi tại bàn hướng dẫn"), "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("information desk"), "{v}");
    }
}

#[tokio::test]
async fn the_answer_says_when_the_source_last_spoke_and_when_that_is_too_old() {
    let api = Api::new(MONDAY_9AM);
    let token = integration_token(&api, "vp-tinh");
    let code_ = "000.00.21.H62-261126-0031";
    push(&api, &token, vec![national(code_, "Nguyễn Văn An", None, "20261126083000", "20261130084500")]).await;
    let get = || async {
        let (s, _, v) = api.call("GET", &format!("/api/v1/dossiers/{code_}"), Some(STAFF), None, None).await;
        assert_eq!(s, 200, "{v}");
        v
    };
    let v = get().await;
    assert_eq!((v["heard_at"].as_str(), &v["stale"]), (Some("2026-11-30T02:00:00Z"), &json!(false)));
    // Six hours later (the default limit) it is still current; a minute more and it may be out of date.
    api.clock.set(ts("2026-11-30T08:00:00Z"));
    assert_eq!(get().await["stale"], false);
    api.clock.set(ts("2026-11-30T08:01:00Z"));
    assert_eq!(get().await["stale"], true);
    // A complete pull pass of a source feeding the center vouches for it: fresh again.
    rusqlite::Connection::open(&api.db)
        .unwrap()
        .execute(
            "INSERT INTO pull_sources (name, url, centers, synced_at) VALUES ('dvc', 'http://x', 'vp-phuong-vinh-phuc,vp-tinh', ?1)",
            [ts("2026-11-30T08:00:30Z").as_millisecond()],
        )
        .unwrap();
    let v = get().await;
    assert_eq!((v["heard_at"].as_str(), &v["stale"]), (Some("2026-11-30T08:00:30Z"), &json!(false)));
}

#[tokio::test]
async fn the_openapi_document_says_heard_at_is_always_there_and_may_be_null() {
    let api = Api::new(MONDAY_9AM);
    let (_, _, doc) = api.call("GET", "/api/v1/openapi.json", None, None, None).await;
    let view = &doc["components"]["schemas"]["DossierView"];
    assert!(view["required"].as_array().unwrap().iter().any(|r| r == "heard_at"), "{view}");
    let heard = &view["properties"]["heard_at"];
    assert!(heard.to_string().contains("null"), "nullable: {heard}");
    assert!(doc["paths"]["/api/v1/dossiers/by-id-card"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/id-key"]["get"].is_object());
}

#[tokio::test]
async fn after_the_retention_days_the_card_no_longer_finds_the_dossier_but_its_code_does() {
    let api = Api::new(MONDAY_9AM);
    let token = integration_token(&api, "vp-tinh");
    let code_ = "000.00.21.H62-261126-0031";
    push(&api, &token, vec![national(code_, "Nguyễn Văn An", Some(CARD_NUMBER), "20261126083000", "20261130084500")]).await;
    let hashes = || api.count("SELECT count(*) FROM dossiers WHERE applicant_id_hash IS NOT NULL");
    let seeded = hashes();

    // A day short of a year: kept, still found by the card.
    api.clock.set(ts(MONDAY_9AM).checked_add(jiff::SignedDuration::from_hours(24 * 364)).unwrap());
    let r = motcua_central::ops::retention::run_once(&api.state, 365).await.unwrap();
    assert_eq!(r.applicant_id_hashes, 0, "{r}");
    let (s, v) = by_card(&api, KIOSK, &[CARD_NUMBER]).await;
    assert_eq!((s, codes(&v)), (200, vec![code_]), "{v}");

    // Past it: the hash is gone, so the card finds nothing; the code still finds the dossier.
    api.clock.set(ts(MONDAY_9AM).checked_add(jiff::SignedDuration::from_hours(24 * 366)).unwrap());
    let r = motcua_central::ops::retention::run_once(&api.state, 365).await.unwrap();
    assert!(r.applicant_id_hashes >= 1, "{r}");
    assert_eq!(hashes(), seeded - r.applicant_id_hashes as i64);
    let stored: Option<String> = rusqlite::Connection::open(&api.db)
        .unwrap()
        .query_row("SELECT applicant_id_hash FROM dossiers WHERE code = ?1", [code_], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, None);
    let (s, v) = by_card(&api, KIOSK, &[CARD_NUMBER]).await;
    assert_eq!((s, codes(&v)), (200, Vec::<&str>::new()), "{v}");
    let (s, _, v) = api.call("GET", &format!("/api/v1/dossiers/{code_}"), Some(KIOSK), None, None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["applicant"], "");
}
