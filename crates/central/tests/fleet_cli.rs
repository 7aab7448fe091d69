//! The fleet with the real binary: an IT officer's `kiosk maintenance` and
//! `notice set|clear` reach kiosks listening to a running server within
//! seconds, survive a restart, and are refused with a reason when wrong; a
//! kiosk that stops reporting is told to consoles as it falls silent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Output;
use std::time::Duration;

use futures_util::StreamExt;
use motcua_testkit::{Central, spawn_central};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_motcua-central");

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "exit {}: {}{}", out.status, String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn refused(out: &Output) -> String {
    assert!(!out.status.success(), "expected a refusal, got: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn heartbeat(url: &str, kiosk_id: &str) -> Value {
    let body =
        json!({"kiosk_id": kiosk_id, "printer": "ok", "outbox": 0, "unprinted": 0, "version": "0.1.0", "uptime_s": 1, "last_error": null});
    let r =
        reqwest::Client::new().post(format!("{url}/api/v1/kiosks/heartbeat")).bearer_auth("demo-kiosk").json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn kiosks(url: &str) -> Value {
    reqwest::Client::new().get(format!("{url}/api/v1/kiosks")).bearer_auth("demo-staff").send().await.unwrap().json().await.unwrap()
}

/// A kiosk's event stream, read until an event holds every piece of `wanted`.
struct Events {
    stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    text: String,
}

impl Events {
    async fn open(url: &str) -> Events {
        let r = reqwest::Client::new().get(format!("{url}/api/v1/events")).bearer_auth("demo-kiosk").send().await.unwrap();
        assert_eq!(r.status(), 200);
        Events { stream: Box::pin(r.bytes_stream()), text: String::new() }
    }

    async fn until(&mut self, wanted: &[&str]) {
        let found = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                // Complete events only; what follows the one found is kept for the next wait.
                let mut at = 0;
                while let Some(len) = self.text[at..].find("\n\n") {
                    let block = &self.text[at..at + len];
                    at += len + 2;
                    if wanted.iter().all(|w| block.contains(w)) {
                        self.text.drain(..at);
                        return true;
                    }
                }
                match self.stream.next().await {
                    Some(Ok(chunk)) => self.text.push_str(&String::from_utf8_lossy(&chunk)),
                    _ => return false,
                }
            }
        })
        .await;
        assert_eq!(found, Ok(true), "no event with {wanted:?} in:\n{}", self.text);
    }
}

#[tokio::test]
async fn the_command_line_reaches_a_running_servers_kiosks_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_central(BIN, &dir.path().join("c.db"));
    let url = server.url.clone();
    assert_eq!(heartbeat(&url, "kiosk-sanh-1").await["maintenance"], false);
    let mut events = Events::open(&url).await;

    let out = ok(&server.command(&["kiosk", "maintenance", "--center", "vp-tinh", "--kiosk", "kiosk-sanh-1", "on"]));
    assert!(out.contains("maintenance on"), "{out}");
    events.until(&["event: maintenance_changed", "\"kiosk_id\":\"kiosk-sanh-1\"", "\"maintenance\":true"]).await;

    let out = ok(&server.command(&[
        "notice",
        "set",
        "--center",
        "vp-tinh",
        "--text",
        "Chiều nay Trung tâm nghỉ từ 15:00",
        "--text-en",
        "The center closes at 15:00 this afternoon",
        "--until",
        "2099-12-31T17:00",
    ]));
    assert!(out.contains("published until 2099-12-31 17:00"), "a local time of the center: {out}");
    events.until(&["event: notice_changed", "Chiều nay Trung tâm nghỉ từ 15:00", "\"until\":\"2099-12-31T10:00:00Z\""]).await;

    // Kept in the database: the same after a restart, for the kiosk and for staff.
    server.restart();
    let answer = heartbeat(&url, "kiosk-sanh-1").await;
    assert_eq!(answer["maintenance"], true);
    assert_eq!(answer["notice"]["text_en"], "The center closes at 15:00 this afternoon");
    let list = kiosks(&url).await;
    assert_eq!((list["kiosks"][0]["kiosk_id"].clone(), list["kiosks"][0]["maintenance"].clone()), (json!("kiosk-sanh-1"), json!(true)));
    assert_eq!(list["notice"]["until"], "2099-12-31T10:00:00Z");

    let mut events = Events::open(&url).await;
    assert!(ok(&server.command(&["notice", "clear", "--center", "vp-tinh"])).contains("cleared"));
    events.until(&["event: notice_changed", "\"notice\":null"]).await;
    ok(&server.command(&["kiosk", "maintenance", "--center", "vp-tinh", "--kiosk", "kiosk-sanh-1", "off"]));
    events.until(&["event: maintenance_changed", "\"maintenance\":false"]).await;
    assert_eq!(heartbeat(&url, "kiosk-sanh-1").await, json!({"kiosk_id": "kiosk-sanh-1", "maintenance": false, "notice": null}));

    let conn = rusqlite::Connection::open(&server.db).unwrap();
    let actors: Vec<String> = conn
        .prepare("SELECT actor || ' ' || action FROM audit WHERE action LIKE 'notice%' OR action = 'kiosk_maintenance' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(actors.len(), 4, "{actors:?}");
    assert!(actors.iter().all(|a| a.starts_with("cli")), "{actors:?}");
}

#[test]
fn wrong_command_lines_are_refused_with_what_is_known() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_central(BIN, &dir.path().join("c.db"));
    let err = refused(&server.command(&["kiosk", "maintenance", "--center", "vp-tinh", "--kiosk", "kiosk-typo", "on"]));
    assert!(err.contains("kiosk_not_found") && err.contains("kiosk-sanh-1"), "names the kiosks it knows: {err}");
    let err = refused(&server.command(&["kiosk", "maintenance", "--center", "nowhere", "--kiosk", "kiosk-sanh-1", "on"]));
    assert!(err.contains("unknown center") && err.contains("vp-tinh"), "{err}");
    let err = refused(&server.command(&["notice", "set", "--center", "vp-tinh", "--text", "Nghỉ", "--until", "tomorrow"]));
    assert!(err.contains("--until"), "{err}");
    let err = refused(&server.command(&["notice", "set", "--center", "vp-tinh", "--text", "Nghỉ", "--until", "2020-01-01T00:00:00Z"]));
    assert!(err.contains("not in the future"), "{err}");
    let err = refused(&server.command(&["notice", "set", "--center", "vp-tinh", "--text", "  "]));
    assert!(err.contains("text_vi"), "{err}");
    let conn = rusqlite::Connection::open(&server.db).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM notices", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0, "nothing stored");
}

#[tokio::test]
async fn a_kiosk_that_stops_reporting_is_told_to_consoles_as_it_falls_silent() {
    let dir = tempfile::tempdir().unwrap();
    let server = Central::spawn(BIN, &dir.path().join("c.db"), ["--demo", "--kiosk-silent-after", "1"]);
    let mut events = Events::open(&server.url).await;
    heartbeat(&server.url, "kiosk-sanh-2").await;
    events.until(&["event: kiosks_changed"]).await;
    // No more heartbeats: the watcher tells the console it fell silent.
    events.until(&["event: kiosks_changed", "\"center\":\"vp-tinh\""]).await;
    let k = &kiosks(&server.url).await["kiosks"][0];
    assert_eq!(k["silent"], true, "{k}");
    assert_eq!(k["alerts"][0]["text_vi"], "Ki-ốt sảnh 2 mất liên lạc quá 1 giây");
    assert_eq!(k["alerts"][0]["text_en"], "Lobby kiosk 2: silent for over 1 second");
}
