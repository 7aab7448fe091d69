//! The central server at a time the test sets: the server's own router and
//! HTTP loop (`motcua_central::server::serve`) over a fresh demo database,
//! in this process, on loopback port 0, with a `FixedClock`. For what the
//! real clock cannot reach on demand: an appointment's check-in window.

use std::sync::Arc;

use jiff::Timestamp;
use motcua_central::clock::FixedClock;
use motcua_central::state::{self, Config};

/// A running server whose clock stands still until moved.
pub struct ClockedCentral {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The server's clock.
    pub clock: Arc<FixedClock>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl ClockedCentral {
    /// Seeds the demo center at `now` and serves it, with the clock at `now`.
    pub fn start(now: Timestamp) -> ClockedCentral {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("central.db");
        let mut conn = motcua_central::db::open_and_migrate(&db).expect("central db");
        motcua_central::demo::seed_if_empty(&mut conn, now).expect("demo seed");
        drop(conn);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let clock = Arc::new(FixedClock::new(now));
        let config = Config {
            db,
            demo: true,
            lookup_limit_per_min: 600,
            public_url: url.clone(),
            voice: Default::default(),
            kiosk_silent_after: motcua_central::fleet::DEFAULT_SILENT_AFTER,
            dossiers: Default::default(),
            limits: Default::default(),
        };
        let state = state::build(config, clock.clone()).expect("server state");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                let app = motcua_central::app(state);
                motcua_central::server::serve(listener, app, &Default::default(), None, async {
                    let _ = stopped.await;
                })
                .await;
            });
        });
        ClockedCentral { url, clock, stop: Some(stop), _dir: dir }
    }

    /// Moves the server's clock.
    pub fn set_now(&self, now: Timestamp) {
        self.clock.set(now);
    }
}

impl Drop for ClockedCentral {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A service of the demo that takes appointments on `day` (YYYY-MM-DD), and
/// its slots with a free place, when it has at least `at_least` of them.
pub fn bookable(central: &str, day: &str, at_least: usize) -> (String, Vec<Timestamp>) {
    let http = reqwest::blocking::Client::new();
    let catalog: serde_json::Value =
        http.get(format!("{central}/api/v1/catalog")).bearer_auth("demo-kiosk").send().expect("catalog").json().expect("json");
    for s in catalog["services"].as_array().expect("services") {
        let id = s["id"].as_str().expect("service id");
        let Ok(resp) = http.get(format!("{central}/api/v1/slots?service={id}&date={day}")).send() else { continue };
        if !resp.status().is_success() {
            continue;
        }
        let slots: serde_json::Value = resp.json().expect("slots json");
        let free: Vec<Timestamp> = slots["slots"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["free"].as_u64().unwrap_or(0) > 0)
            .map(|s| s["start"].as_str().expect("start").parse().expect("RFC 3339"))
            .collect();
        if slots["closed"].is_null() && free.len() >= at_least {
            return (id.to_owned(), free);
        }
    }
    panic!("no demo service takes appointments on {day}: {catalog}");
}

/// Books `slot` of `service` as the center's hotline does (staff token, no
/// challenge): the booking (`code`, `qr_url`, …).
pub fn book(central: &str, service: &str, slot: Timestamp, phone: &str) -> serde_json::Value {
    let resp = reqwest::blocking::Client::new()
        .post(format!("{central}/api/v1/bookings"))
        .bearer_auth("demo-staff")
        .json(&serde_json::json!({"service_id": service, "slot_start": slot.to_string(), "name": "Nguyễn Thị Hoa", "phone": phone}))
        .send()
        .expect("POST /bookings");
    let status = resp.status();
    let body: serde_json::Value = resp.json().expect("booking json");
    assert_eq!(status.as_u16(), 201, "{body}");
    body["booking"].clone()
}

/// `HH:MM` in Vĩnh Phúc (the demo center's time).
pub fn local_hm(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz")).strftime("%H:%M").to_string()
}
