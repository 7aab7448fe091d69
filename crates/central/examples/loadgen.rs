//! Load generator: N simulated kiosks on loopback, each issuing tickets (or
//! looking up dossiers) back to back for a bounded time; reports the rate,
//! the latency percentiles of the requests served, the requests the server
//! shed (503 `server_busy`: the kiosk waits `Retry-After`, as a real one
//! backs off), the failures (anything else, a 10 s timeout included) and,
//! given the server's pid, its peak resident memory. Run through
//! `cargo xtask loadtest`.
//!
//!     loadgen URL tickets|lookups KIOSKS SECONDS [SERVER_PID]

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::json;

const SERVICES: [&str; 3] = ["vp-dat-dai-tai-nguyen", "vp-dang-ky-doanh-nghiep-dau-tu", "vp-xay-dung-giao-thong"];
const CODES: [&str; 4] =
    ["000.00.12.H62-261120-0004", "000.00.15.H62-261122-0027", "000.00.23.H62-261127-0007", "000.00.10.H62-261118-0022"];
/// Upper bound on requests per kiosk, so a run always ends.
const MAX_PER_KIOSK: usize = 200_000;
/// A request not answered in this time is a failure (what overload must not cause).
const TIMEOUT: Duration = Duration::from_secs(10);

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i.min(sorted.len() - 1)]) / 1000.0
}

/// What one kiosk saw.
#[derive(Default)]
struct Tally {
    served_us: Vec<u32>,
    shed: u64,
    failed: u64,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, what: String) {
        self.failed += 1;
        if self.failures.len() < 3 {
            self.failures.push(what);
        }
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// One keep-alive HTTP/1.1 connection, as a kiosk has.
async fn connect(authority: &str) -> Result<Sender, String> {
    let stream = tokio::net::TcpStream::connect(authority).await.map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    Ok(sender)
}

fn request(lookups: bool, k: usize, i: usize) -> Result<Request<Full<Bytes>>, String> {
    let req = if lookups {
        Request::get(format!("/api/v1/dossiers/{}", CODES[(k + i) % CODES.len()])).body(Full::new(Bytes::new()))
    } else {
        let body = json!({"service_id": SERVICES[(k + i) % SERVICES.len()], "kiosk_id": format!("load-{k}")});
        Request::post("/api/v1/tickets")
            .header("idempotency-key", uuid::Uuid::now_v7().to_string())
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
    };
    req.map(|mut r| {
        r.headers_mut().insert("host", hyper::header::HeaderValue::from_static("localhost"));
        r.headers_mut().insert("authorization", hyper::header::HeaderValue::from_static("Bearer demo-kiosk"));
        r
    })
    .map_err(|e| e.to_string())
}

async fn kiosk(authority: String, lookups: bool, k: usize, deadline: Instant) -> Tally {
    let mut t = Tally::default();
    let mut sender = None;
    for i in 0..MAX_PER_KIOSK {
        if Instant::now() >= deadline {
            break;
        }
        if sender.is_none() {
            match connect(&authority).await {
                Ok(s) => sender = Some(s),
                Err(e) => {
                    t.fail(format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            }
        }
        let Some(s) = sender.as_mut() else { continue };
        let req = match request(lookups, k, i) {
            Ok(r) => r,
            Err(e) => {
                t.fail(e);
                continue;
            }
        };
        let started = Instant::now();
        let answer = tokio::time::timeout(TIMEOUT, async {
            let r = s.send_request(req).await.map_err(|e| e.to_string())?;
            let status = r.status().as_u16();
            let retry_after = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
            let _ = r.into_body().collect().await;
            Ok::<_, String>((status, retry_after))
        })
        .await;
        match answer {
            Ok(Ok((status, _))) if (200..300).contains(&status) => {
                t.served_us.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
            }
            Ok(Ok((503, Some(wait)))) => {
                t.shed += 1;
                tokio::time::sleep(Duration::from_secs(wait)).await;
            }
            Ok(Ok((status, _))) => t.fail(format!("HTTP {status}")),
            Ok(Err(e)) => {
                t.fail(e);
                sender = None;
            }
            Err(_) => {
                t.fail(format!("no answer in {TIMEOUT:?}"));
                sender = None;
            }
        }
    }
    t
}

/// A `/proc/PID/status` field in KiB (`VmRSS`, `VmHWM`).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (url, mode, kiosks, seconds, pid) = match args.as_slice() {
        [_, url, mode, kiosks, seconds] => (url, mode, kiosks, seconds, None),
        [_, url, mode, kiosks, seconds, pid] => {
            (url, mode, kiosks, seconds, Some(pid.parse::<u32>().map_err(|_| "SERVER_PID must be a number")?))
        }
        _ => return Err("usage: loadgen URL tickets|lookups KIOSKS SECONDS [SERVER_PID]".into()),
    };
    let kiosks: usize = kiosks.parse().map_err(|_| "KIOSKS must be a number")?;
    let seconds: u64 = seconds.parse().map_err(|_| "SECONDS must be a number")?;
    let lookups = mode == "lookups";
    let authority = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    // The server's resident memory, sampled while the load runs.
    let sampler = pid.map(|pid| {
        tokio::spawn(async move {
            let mut peak = 0;
            while Instant::now() < deadline + Duration::from_millis(500) {
                peak = peak.max(status_kib(pid, "VmRSS").unwrap_or(0));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            peak
        })
    });
    let tasks: Vec<_> = (0..kiosks).map(|k| tokio::spawn(kiosk(authority.clone(), lookups, k, deadline))).collect();
    let mut all = Vec::new();
    let (mut shed, mut failed, mut failures) = (0, 0, Vec::new());
    for t in tasks {
        let t = t.await.map_err(|e| e.to_string())?;
        all.extend(t.served_us);
        shed += t.shed;
        failed += t.failed;
        failures.extend(t.failures);
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_unstable();
    println!(
        "{mode}: {} served, {shed} shed (503), {failed} failed in {elapsed:.1} s with {kiosks} kiosks = {:.0}/s; \
         served latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        all.len(),
        all.len() as f64 / elapsed,
        pct(&all, 0.50),
        pct(&all, 0.99),
        pct(&all, 1.0),
    );
    if let (Some(sampler), Some(pid)) = (sampler, pid) {
        let peak = sampler.await.map_err(|e| e.to_string())?;
        let hwm = status_kib(pid, "VmHWM").unwrap_or(0);
        println!(
            "{mode}: server peak RSS {:.1} MiB during the run (high-water mark since start {:.1} MiB)",
            peak as f64 / 1024.0,
            hwm as f64 / 1024.0
        );
    }
    failures.truncate(5);
    if failed > 0 { Err(format!("{failed} requests failed, e.g. {failures:?}")) } else { Ok(()) }
}
