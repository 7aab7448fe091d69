//! Test helpers: the router over a fresh demo database with a clock the test sets.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use jiff::Timestamp;
use motcua_central::clock::FixedClock;
use motcua_central::state::{self, Config};
use serde_json::Value;
use tower::ServiceExt;

/// Monday 30 Nov 2026, 09:00 in Vĩnh Phúc: every demo service is open.
pub const MONDAY_9AM: &str = "2026-11-30T02:00:00Z";
/// Sunday 29 Nov 2026, 20:00 in Vĩnh Phúc: the office-hours service is closed.
pub const SUNDAY_8PM: &str = "2026-11-29T13:00:00Z";

pub const KIOSK: &str = "demo-kiosk";
pub const STAFF: &str = "demo-staff";

pub struct Api {
    pub app: Router,
    /// The state behind the router (its event sender, the fleet).
    pub state: state::SharedState,
    pub clock: Arc<FixedClock>,
    pub db: PathBuf,
    _dir: tempfile::TempDir,
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

impl Api {
    pub fn new(now: &str) -> Self {
        Self::with_limit(now, 30)
    }

    pub fn with_limit(now: &str, lookup_limit_per_min: u32) -> Self {
        Self::with_catalog(now, lookup_limit_per_min, None)
    }

    /// The demo and, when given, another catalog file (TOML text) beside it.
    pub fn with_catalog(now: &str, lookup_limit_per_min: u32, extra: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("central.db");
        let mut conn = motcua_central::db::open_and_migrate(&db).expect("db");
        motcua_central::demo::seed_if_empty(&mut conn, ts(now)).expect("seed");
        if let Some(text) = extra {
            let file = motcua_central::catalog_file::parse(text).expect("extra catalog parses");
            motcua_central::catalog_file::import(&mut conn, &file).expect("extra catalog imports");
        }
        drop(conn);
        let clock = Arc::new(FixedClock::new(ts(now)));
        let config = Config {
            db: db.clone(),
            demo: true,
            lookup_limit_per_min,
            public_url: "http://central.test".into(),
            voice: Default::default(),
            kiosk_silent_after: motcua_central::fleet::DEFAULT_SILENT_AFTER,
            dossiers: Default::default(),
            limits: Default::default(),
        };
        let state = state::build(config, clock.clone()).expect("state");
        Self { app: motcua_central::app(state.clone()), state, clock, db, _dir: dir }
    }

    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        let raw = body.map(|b| b.to_string());
        self.call_raw(method, uri, token, key, raw).await
    }

    pub async fn call_raw(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<String>,
    ) -> (StatusCode, HeaderMap, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let body = match body {
            Some(b) => {
                req = req.header("content-type", "application/json");
                Body::from(b)
            }
            None => Body::empty(),
        };
        let resp = self.app.clone().oneshot(req.body(body).expect("request")).await.expect("response");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, headers, json)
    }

    pub async fn issue(&self, service: &str, key: &str) -> (StatusCode, Value) {
        let (s, _, v) = self
            .call(
                "POST",
                "/api/v1/tickets",
                Some(KIOSK),
                Some(key),
                Some(serde_json::json!({"service_id": service, "kiosk_id": "kiosk-1"})),
            )
            .await;
        (s, v)
    }

    pub fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).expect("open");
        conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }

    /// Rows that a request could have written.
    pub fn written(&self) -> (i64, i64, i64, i64) {
        (
            self.count("SELECT count(*) FROM tickets"),
            self.count("SELECT count(*) FROM idempotency"),
            self.count("SELECT count(*) FROM dossier_history"),
            self.count("SELECT count(*) FROM ratings"),
        )
    }
}

pub fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<none>")
}
