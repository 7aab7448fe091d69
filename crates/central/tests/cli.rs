//! What an IT officer does with the binary: import a catalog, create and revoke
//! tokens; and what a lobby display sees: live events.
// clippy.toml lets #[test] functions panic; their helpers here may too: a failed unwrap is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use futures_util::StreamExt;
use motcua_testkit::{Central, central_command, spawn_central};

const BIN: &str = env!("CARGO_BIN_EXE_motcua-central");

fn central(args: &[&str], db: &Path) -> Output {
    central_command(BIN, args, db)
}

fn import(file: &Path, db: &Path) -> Output {
    central(&["catalog", "import", file.to_str().expect("UTF-8 path")], db)
}

const DISTRICT: &str = include_str!("fixtures/district.toml");

#[test]
fn a_bad_catalog_is_refused_with_every_place_and_a_good_one_is_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        DISTRICT.replace("fields = [\"yl-ho-tich\"]", "fields = [\"yl-dat-dai\"]").replace("number = 1", "number = 1\nfloor = 2"),
    )
    .expect("write");
    let out = import(&bad, &db);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown field `floor`"), "{err}");
    let bad2 = dir.path().join("bad2.toml");
    std::fs::write(&bad2, DISTRICT.replace("fields = [\"yl-ho-tich\"]", "fields = [\"yl-dat-dai\"]")).expect("write");
    let out = import(&bad2, &db);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("services[0].fields[0]: unknown field \"yl-dat-dai\""), "{err}");

    let good = dir.path().join("good.toml");
    std::fs::write(&good, DISTRICT).expect("write");
    let out = import(&good, &db);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 1 center(s)"));
}

#[tokio::test]
async fn a_created_token_works_for_its_center_only_and_a_revoked_one_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let good = dir.path().join("yl.toml");
    std::fs::write(&good, DISTRICT).expect("write");
    assert!(import(&good, &db).status.success());
    let out = central(&["token", "create", "--role", "kiosk", "--center", "nowhere", "--name", "k"], &db);
    assert!(!out.status.success(), "unknown center refused");
    let out = central(&["token", "create", "--role", "kiosk", "--center", "yl", "--name", "kiosk-1"], &db);
    assert!(out.status.success());
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let stored: String =
        rusqlite::Connection::open(&db).expect("db").query_row("SELECT group_concat(hash) FROM tokens", [], |r| r.get(0)).expect("hash");
    assert!(!stored.contains(&token), "only the hash is stored");

    let server = Central::spawn(BIN, &db, [] as [&str; 0]);
    let url = &server.url;
    let c = reqwest::Client::new();
    let catalog: serde_json::Value =
        c.get(format!("{url}/api/v1/catalog")).bearer_auth(&token).send().await.expect("get").json().await.expect("json");
    assert_eq!(catalog["center"]["id"], "yl", "the token sees its own center");
    let demo = c.get(format!("{url}/api/v1/catalog")).bearer_auth("demo-kiosk").send().await.expect("get");
    assert_eq!(demo.status(), 401, "demo tokens only work with --demo");

    assert!(central(&["token", "revoke", "--center", "yl", "--name", "kiosk-1"], &db).status.success());
    let r = c.get(format!("{url}/api/v1/catalog")).bearer_auth(&token).send().await.expect("get");
    assert_eq!(r.status(), 401);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn a_display_hears_the_call_as_a_server_sent_event() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = spawn_central(BIN, &dir.path().join("c.db"));
    let url = &server.url;
    let c = reqwest::Client::new();
    let events = c.get(format!("{url}/api/v1/events")).bearer_auth("demo-kiosk").send().await.expect("events");
    assert_eq!(events.status(), 200);
    let mut stream = events.bytes_stream();
    let r = c
        .post(format!("{url}/api/v1/tickets"))
        .bearer_auth("demo-kiosk")
        .header("Idempotency-Key", "sse-1")
        .json(&serde_json::json!({"service_id": "vp-dat-dai-tai-nguyen", "kiosk_id": "k"}))
        .send()
        .await
        .expect("issue");
    assert_eq!(r.status(), 201);
    let r = c.post(format!("{url}/api/v1/counters/vp-quay-06/call-next")).bearer_auth("demo-staff").send().await.expect("call");
    assert_eq!(r.status(), 200);
    let mut text = String::new();
    let got = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = stream.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.expect("chunk")));
            if text.contains("event: ticket_called") && text.contains("\"number\":\"B001\"") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(got, Ok(true), "events seen: {text}");
    assert!(text.contains("event: queue_changed"), "{text}");
}
