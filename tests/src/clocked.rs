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
