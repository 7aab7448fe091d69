//! Overload and slow clients, against the real binary on loopback with small
//! limits: a burst over the limit is answered at once (201, or 503
//! `server_busy` with `Retry-After`), never left to time out; a client that
//! trickles its headers or its body, or says nothing, is cut off after its
//! deadline while others are served; the event stream outlives every
//! deadline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use motcua_testkit::Central;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LAND: &str = "vp-dat-dai-tai-nguyen";

fn start(dir: &tempfile::TempDir, limits: &[&str]) -> (Central, String) {
    let mut args = vec!["--demo"];
    args.extend_from_slice(limits);
    let central = Central::spawn(env!("CARGO_BIN_EXE_motcua-central"), &dir.path().join("central.db"), args);
    // Straight to the server: the test kit's front would add its own connections.
    let url = format!("http://{}", central.server_addr().unwrap());
    (central, url)
}

fn ticket_body() -> Value {
    json!({"service_id": LAND, "kiosk_id": "kiosk-burst"})
}

async fn issue(c: &reqwest::Client, url: &str) -> reqwest::Result<reqwest::Response> {
    c.post(format!("{url}/api/v1/tickets"))
        .bearer_auth("demo-kiosk")
        .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
        .json(&ticket_body())
        .send()
        .await
}

fn tickets_on_disk(central: &Central) -> i64 {
    let conn = rusqlite::Connection::open(&central.db).unwrap();
    conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0)).unwrap()
}

fn metric(text: &str, name: &str) -> u64 {
    text.lines().find_map(|l| l.strip_prefix(name)?.trim().parse().ok()).unwrap_or_else(|| panic!("{name} in\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_over_the_limit_is_shed_with_retry_after_and_nobody_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let (central, url) = start(&dir, &["--max-in-flight", "2", "--max-queued", "0"]);
    // Every request on its own connection, all at once.
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).pool_max_idle_per_host(0).build().unwrap();
    let started = Instant::now();
    let answers = futures_util::future::join_all((0..200).map(|_| issue(&client, &url))).await;
    let elapsed = started.elapsed();
    let (mut issued, mut shed) = (0, 0);
    for answer in answers {
        let resp = answer.unwrap_or_else(|e| panic!("every request is answered, none times out: {e}"));
        match resp.status().as_u16() {
            201 => issued += 1,
            503 => {
                assert_eq!(resp.headers()["retry-after"], "1");
                let body: Value = resp.json().await.unwrap();
                assert_eq!(body["error"]["code"], "server_busy", "{body}");
                assert_eq!(body["error"]["retry_after_s"], 1, "{body}");
                let vi = body["error"]["message_vi"].as_str().unwrap();
                assert!(vi.contains("quá tải"), "a Vietnamese message: {vi}");
                shed += 1;
            }
            other => panic!("201 or 503, not {other}: {}", resp.text().await.unwrap()),
        }
    }
    println!("200 at once with 2 slots and no queue: {issued} issued, {shed} shed in {elapsed:?}");
    assert!(shed > 0, "two slots cannot take 200 requests at once");
    assert!(issued > 0, "the slots serve while the rest is shed");
    assert!(elapsed < Duration::from_secs(10), "answered, not left waiting: {elapsed:?}");
    assert_eq!(tickets_on_disk(&central), issued, "a shed request stores nothing");
    let metrics = client.get(format!("{url}/metrics")).send().await.unwrap().text().await.unwrap();
    assert_eq!(metric(&metrics, "motcua_http_requests_shed_total "), shed);
    // The burst over, the next one is served.
    assert_eq!(issue(&client, &url).await.unwrap().status(), 201);
}

/// What became of a slow connection: closed (with what the server sent) and when.
struct Cut {
    after: Duration,
    answer: String,
}

/// Sends `head` then `trickle` one byte every 200 ms until the server
/// closes the connection (or 10 s pass).
async fn trickle(addr: &str, head: &[u8], trickle: &[u8]) -> Cut {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    s.write_all(head).await.unwrap();
    let (mut rd, mut wr) = s.into_split();
    let body: Vec<u8> = trickle.iter().copied().cycle().take(50).collect();
    let writer = tokio::spawn(async move {
        for b in body {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if wr.write_all(&[b]).await.is_err() {
                break;
            }
        }
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), rd.read_to_end(&mut answer)).await;
    let after = started.elapsed();
    writer.abort();
    assert!(read.is_ok(), "the slow connection is still open after 10 s");
    Cut { after, answer: String::from_utf8_lossy(&answer).into_owned() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_at_their_deadline_while_others_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let (_central, url) = start(&dir, &["--header-timeout-s", "1", "--request-timeout-s", "2"]);
    let addr = url.trim_start_matches("http://").to_string();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();

    // The event stream, opened first: it must outlive every deadline.
    let mut events = client.get(format!("{url}/api/v1/events")).bearer_auth("demo-kiosk").send().await.unwrap();
    assert_eq!(events.status(), 200);
    let opened = Instant::now();
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(Instant, String)>::new()));
    let reader = {
        let received = received.clone();
        tokio::spawn(async move {
            while let Ok(Some(chunk)) = events.chunk().await {
                received.lock().unwrap().push((Instant::now(), String::from_utf8_lossy(&chunk).into_owned()));
            }
        })
    };

    let body = ticket_body().to_string();
    let post = format!(
        "POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-kiosk\r\nIdempotency-Key: slow-body\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let slow_headers = (0..10).map(|_| {
        let addr = addr.clone();
        tokio::spawn(async move { trickle(&addr, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n", b"X-Slow: a\r\n").await })
    });
    let slow_bodies = (0..10).map(|_| {
        let (addr, post, body) = (addr.clone(), post.clone(), body.clone());
        tokio::spawn(async move { trickle(&addr, post.as_bytes(), body.as_bytes()).await })
    });
    let silent = {
        let addr = addr.clone();
        tokio::spawn(async move { trickle(&addr, b"", b"").await })
    };
    let slow_headers: Vec<_> = slow_headers.collect();
    let slow_bodies: Vec<_> = slow_bodies.collect();

    // Meanwhile a kiosk that sends its request at once is served at once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let t = Instant::now();
    let resp = issue(&client, &url).await.unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    assert!(t.elapsed() < Duration::from_secs(1), "served at once: {:?}", t.elapsed());

    for h in slow_headers {
        let cut = h.await.unwrap();
        // Cut at the 1 s header deadline, with nothing sent back.
        assert!(cut.after >= Duration::from_millis(900) && cut.after < Duration::from_secs(3), "headers: {:?}", cut.after);
        assert!(!cut.answer.contains("200 OK"), "{}", cut.answer);
    }
    for h in slow_bodies {
        let cut = h.await.unwrap();
        assert!(cut.after >= Duration::from_millis(1900) && cut.after < Duration::from_secs(4), "body: {:?}", cut.after);
        assert!(cut.answer.starts_with("HTTP/1.1 408"), "{}", cut.answer);
        assert!(cut.answer.contains("\"request_timeout\""), "{}", cut.answer);
    }
    let cut = silent.await.unwrap();
    assert!(cut.after < Duration::from_secs(3) && cut.answer.is_empty(), "a silent connection: {:?} {}", cut.after, cut.answer);

    // Past every deadline, the event stream is open and still delivers.
    tokio::time::sleep_until((opened + Duration::from_secs(3)).into()).await;
    let last = Instant::now();
    let resp = issue(&client, &url).await.unwrap();
    assert_eq!(resp.status(), 201);
    let delivered = motcua_testkit::eventually(Duration::from_secs(5), async || {
        received.lock().unwrap().iter().any(|(at, text)| *at > last && text.contains("queue_changed"))
    })
    .await;
    assert!(delivered, "the event stream delivers after the deadlines: {:?}", received.lock().unwrap());
    assert!(!reader.is_finished(), "the event stream is still open");
    reader.abort();
}
