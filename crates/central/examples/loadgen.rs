//! Load generator: N simulated kiosks on loopback, each issuing tickets (or
//! looking up dossiers) back to back for a bounded time; reports the rate and
//! latency percentiles. Run through `cargo xtask loadtest`.
//!
//!     loadgen URL tickets|lookups KIOSKS SECONDS

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

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i.min(sorted.len() - 1)]) / 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, mode, kiosks, seconds] = args.as_slice() else {
        return Err("usage: loadgen URL tickets|lookups KIOSKS SECONDS".into());
    };
    let kiosks: usize = kiosks.parse().map_err(|_| "KIOSKS must be a number")?;
    let seconds: u64 = seconds.parse().map_err(|_| "SECONDS must be a number")?;
    let lookups = mode == "lookups";
    // One keep-alive HTTP/1.1 connection per kiosk, as a kiosk has.
    let authority = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..kiosks {
        let authority = authority.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat_us = Vec::new();
            let mut errors = 0u64;
            let stream = tokio::net::TcpStream::connect(&authority).await.map_err(|e| e.to_string())?;
            let _ = stream.set_nodelay(true);
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
            tokio::spawn(conn);
            for i in 0..MAX_PER_KIOSK {
                if Instant::now() >= deadline {
                    break;
                }
                let t = Instant::now();
                let req = if lookups {
                    Request::get(format!("/api/v1/dossiers/{}", CODES[(k + i) % CODES.len()])).body(Full::new(Bytes::new()))
                } else {
                    let body = json!({"service_id": SERVICES[(k + i) % SERVICES.len()], "kiosk_id": format!("load-{k}")});
                    Request::post("/api/v1/tickets")
                        .header("idempotency-key", uuid::Uuid::now_v7().to_string())
                        .header("content-type", "application/json")
                        .body(Full::new(Bytes::from(body.to_string())))
                };
                let req = req.map(|mut r| {
                    r.headers_mut().insert("host", hyper::header::HeaderValue::from_static("localhost"));
                    r.headers_mut().insert("authorization", hyper::header::HeaderValue::from_static("Bearer demo-kiosk"));
                    r
                });
                let ok = match req {
                    Ok(req) => match sender.send_request(req).await {
                        Ok(r) => {
                            let good = r.status().is_success();
                            let _ = r.into_body().collect().await;
                            good
                        }
                        Err(_) => false,
                    },
                    Err(_) => false,
                };
                if ok {
                    lat_us.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                } else {
                    errors += 1;
                }
            }
            Ok::<_, String>((lat_us, errors))
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.map_err(|e| e.to_string())??;
        all.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_unstable();
    println!(
        "{mode}: {} ok, {errors} errors in {elapsed:.1} s with {kiosks} kiosks = {:.0}/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        all.len(),
        all.len() as f64 / elapsed,
        pct(&all, 0.50),
        pct(&all, 0.99),
        pct(&all, 1.0),
    );
    if errors > 0 { Err(format!("{errors} requests failed")) } else { Ok(()) }
}
