//! The real server binary on a free loopback port with a temp database:
//! concurrency, idempotent retries, and `kill -9`.
// clippy.toml lets #[test] functions panic; their helpers here may too: a failed unwrap is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use motcua_testkit::{Central, eventually, spawn_central};
use serde_json::{Value, json};

fn start(db: &std::path::Path) -> Central {
    spawn_central(env!("CARGO_BIN_EXE_motcua-central"), db)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client")
}

async fn issue(c: &reqwest::Client, url: &str, service: &str, key: &str) -> reqwest::Result<(u16, Value)> {
    let r = c
        .post(format!("{url}/api/v1/tickets"))
        .bearer_auth("demo-kiosk")
        .header("Idempotency-Key", key)
        .json(&json!({"service_id": service, "kiosk_id": "load"}))
        .send()
        .await?;
    let status = r.status().as_u16();
    Ok((status, r.json().await?))
}

const SERVICES: [&str; 3] = ["vp-dat-dai-tai-nguyen", "vp-dang-ky-doanh-nghiep-dau-tu", "vp-xay-dung-giao-thong"];

fn seq_of(number: &str) -> u32 {
    number.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().expect("number")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_kiosks_get_consecutive_unique_durable_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("central.db");
    let server = start(&db);
    let c = client();
    let mut tasks = Vec::new();
    for k in 0..64 {
        let (c, url) = (c.clone(), server.url.clone());
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..50 {
                let service = SERVICES[(k + i) % SERVICES.len()];
                let key = uuid::Uuid::now_v7().to_string();
                let (s, v) = issue(&c, &url, service, &key).await.expect("issue");
                assert_eq!(s, 201, "{v}");
                let t = v["ticket"].clone();
                if i % 10 == 0 {
                    let (s2, again) = issue(&c, &url, service, &key).await.expect("retry");
                    assert_eq!(s2, 200);
                    assert_eq!(again["ticket"]["id"], t["id"], "a retry never makes a second ticket");
                }
                acked.push((service.to_string(), t["number"].as_str().expect("n").to_string(), t["id"].as_str().expect("id").to_string()));
            }
            acked
        }));
    }
    let mut acked = Vec::new();
    for t in tasks {
        acked.extend(t.await.expect("task"));
    }
    assert_eq!(acked.len(), 64 * 50);
    let mut per_service: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (s, n, _) in &acked {
        per_service.entry(s.clone()).or_default().push(seq_of(n));
    }
    for (service, mut seqs) in per_service {
        seqs.sort_unstable();
        let want: Vec<u32> = (1..=seqs.len() as u32).collect();
        assert_eq!(seqs, want, "{service}: consecutive from 1, no gaps, no repeats");
    }
    let conn = rusqlite::Connection::open(&db).expect("open db");
    let stored: HashSet<String> = conn
        .prepare("SELECT id FROM tickets")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(stored.len(), acked.len(), "one stored ticket per acknowledged ticket");
    assert!(acked.iter().all(|(_, _, id)| stored.contains(id)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_ticket_survives_kill_9_and_numbering_continues() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("central.db");
    let mut server = start(&db);
    let c = client();
    let stop = Arc::new(AtomicBool::new(false));
    let acked_so_far = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (c, url, stop, acked_so_far) = (c.clone(), server.url.clone(), stop.clone(), acked_so_far.clone());
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                match issue(&c, &url, SERVICES[0], &uuid::Uuid::now_v7().to_string()).await {
                    Ok((201, v)) => {
                        acked.push((
                            v["ticket"]["id"].as_str().expect("id").to_string(),
                            seq_of(v["ticket"]["number"].as_str().expect("n")),
                        ));
                        acked_so_far.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok((s, v)) => panic!("unexpected {s}: {v}"),
                    Err(_) => break, // the server is gone
                }
            }
            acked
        }));
    }
    // Kill it in the middle of the load, once there is a load to lose.
    let loaded = eventually(Duration::from_secs(60), async || acked_so_far.load(Ordering::Relaxed) >= 200).await;
    assert!(loaded, "the load ran before the kill ({} tickets)", acked_so_far.load(Ordering::Relaxed));
    server.stop();
    stop.store(true, Ordering::Relaxed);
    let mut acked = Vec::new();
    for t in tasks {
        acked.extend(t.await.expect("task"));
    }
    assert!(acked.len() >= 200);

    server.restart();
    let conn = rusqlite::Connection::open(&db).expect("open db");
    for (id, _) in &acked {
        let n: i64 = conn.query_row("SELECT count(*) FROM tickets WHERE id = ?1", [id], |r| r.get(0)).expect("count");
        assert_eq!(n, 1, "acknowledged ticket {id} lost");
    }
    let max_stored: u32 = conn.query_row("SELECT max(seq) FROM tickets WHERE service_id = ?1", [SERVICES[0]], |r| r.get(0)).expect("max");
    let max_acked = acked.iter().map(|(_, s)| *s).max().expect("some");
    assert!(max_stored >= max_acked);
    let (s, v) = issue(&c, &server.url, SERVICES[0], "after-restart").await.expect("issue after restart");
    assert_eq!(s, 201);
    assert_eq!(seq_of(v["ticket"]["number"].as_str().expect("n")), max_stored + 1, "numbering continues without reuse");
}
