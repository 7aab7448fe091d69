//! A stand-in for the province's one-stop system: an HTTP endpoint that
//! lists dossiers in the national portal's field names and `yyyyMMddHHmmss`
//! dates, the way the pull connector meets the real one behind the
//! data-sharing gateway. `--demo` runs one with dossiers that arrive and
//! change while you watch; tests run one with faults (a token that expires,
//! a 500 now and then, a slow page).
//!
//! `GET /api/hoso?updated_since=yyyyMMddHHmmss&page=1&page_size=100` →
//! `{"data": [...], "page": 1, "total": 42}`, sorted by `NgayCapNhat` then
//! `MaHoSo`; or `?cursor=…&page_size=100` → `{"data": [...], "next_cursor": "…"}`.
//! `POST /token` (client credentials, form-encoded) → `{"access_token", "expires_in"}`.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};

/// What the stand-in does wrong, on purpose.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Client credentials `POST /token` accepts; `None`: no token needed.
    pub credentials: Option<(String, String)>,
    /// A token is refused as expired (`401 {"error": "token_expired"}`) after this many data requests (0: never).
    pub token_uses: u32,
    /// Every Nth data request answers `500` (0: never).
    pub fail_every: u32,
    /// The first request for this page number answers only after this long.
    pub slow_page: Option<(u32, Duration)>,
}

/// What the stand-in has seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Data requests answered, whatever the answer.
    pub requests: u32,
    /// `500` answers served on purpose.
    pub errors: u32,
    /// Tokens issued.
    pub tokens: u32,
    /// `token_expired` answers.
    pub expired: u32,
    /// Requests that waited on purpose.
    pub slowed: u32,
}

struct Inner {
    /// Records by `MaHoSo`.
    records: BTreeMap<String, Value>,
    faults: Faults,
    tokens: HashMap<String, u32>,
    stats: Stats,
    slowed_pages: Vec<u32>,
}

/// A running stand-in, on 127.0.0.1 and a port of its own.
#[derive(Clone)]
pub struct Upstream {
    inner: Arc<Mutex<Inner>>,
    addr: SocketAddr,
}

impl Upstream {
    /// Starts one on a free port with `faults`.
    pub async fn start(faults: Faults) -> std::io::Result<Upstream> {
        let inner = Arc::new(Mutex::new(Inner {
            records: BTreeMap::new(),
            faults,
            tokens: HashMap::new(),
            stats: Stats::default(),
            slowed_pages: Vec::new(),
        }));
        let app = Router::new().route("/api/hoso", get(list)).route("/token", post(token)).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "the stand-in one-stop system stopped");
            }
        });
        Ok(Upstream { inner, addr })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The dossier list endpoint.
    pub fn url(&self) -> String {
        format!("http://{}/api/hoso", self.addr)
    }

    /// The token endpoint.
    pub fn token_url(&self) -> String {
        format!("http://{}/token", self.addr)
    }

    /// Adds or replaces a record (national field names), by its `MaHoSo`.
    pub fn put(&self, record: Value) {
        let code = record.get("MaHoSo").and_then(Value::as_str).unwrap_or_default().to_string();
        self.lock().records.insert(code, record);
    }

    /// Changes fields of a record (and nothing if there is none).
    pub fn update(&self, code: &str, fields: Value) {
        if let (Some(rec), Some(changes)) = (self.lock().records.get_mut(code).and_then(Value::as_object_mut), fields.as_object()) {
            for (k, v) in changes {
                rec.insert(k.clone(), v.clone());
            }
        }
    }

    /// A record as it stands.
    pub fn get(&self, code: &str) -> Option<Value> {
        self.lock().records.get(code).cloned()
    }

    /// What it has answered.
    pub fn stats(&self) -> Stats {
        self.lock().stats
    }

    /// Changes the faults from now on.
    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }
}

fn error(status: StatusCode, code: &str, text: &str) -> Response {
    (status, axum::Json(json!({"error": code, "error_description": text}))).into_response()
}

async fn token(State(inner): State<Arc<Mutex<Inner>>>, axum::Form(form): axum::Form<HashMap<String, String>>) -> Response {
    let mut g = inner.lock().unwrap_or_else(PoisonError::into_inner);
    let ok = match &g.faults.credentials {
        Some((id, secret)) => form.get("client_id") == Some(id) && form.get("client_secret") == Some(secret),
        None => true,
    };
    if !ok || form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    }
    let token = motcua_domain::id_card::hex(&rand::random::<[u8; 16]>());
    g.tokens.insert(token.clone(), 0);
    g.stats.tokens += 1;
    axum::Json(json!({"access_token": token, "token_type": "bearer", "expires_in": 300})).into_response()
}

async fn list(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let page: u32 = q.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1);
    let size: usize = q.get("page_size").and_then(|p| p.parse().ok()).filter(|p| (1..=1000).contains(p)).unwrap_or(100);
    let slow = {
        let mut g = inner.lock().unwrap_or_else(PoisonError::into_inner);
        g.stats.requests += 1;
        if g.faults.credentials.is_some() {
            let token = headers
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|h| h.strip_prefix("Bearer "))
                .map(str::to_string)
                .unwrap_or_default();
            let limit = g.faults.token_uses;
            let Some(uses) = g.tokens.get_mut(&token) else {
                return error(StatusCode::UNAUTHORIZED, "invalid_token", "no such token");
            };
            *uses += 1;
            if limit > 0 && *uses > limit {
                g.stats.expired += 1;
                return error(StatusCode::UNAUTHORIZED, "token_expired", "the access token has expired");
            }
        }
        let n = g.stats.requests;
        if g.faults.fail_every > 0 && n % g.faults.fail_every == 0 {
            g.stats.errors += 1;
            return error(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Lỗi hệ thống, vui lòng thử lại sau");
        }
        match g.faults.slow_page {
            Some((p, wait)) if p == page && !g.slowed_pages.contains(&page) => {
                g.slowed_pages.push(page);
                g.stats.slowed += 1;
                Some(wait)
            }
            _ => None,
        }
    };
    if let Some(wait) = slow {
        tokio::time::sleep(wait).await;
    }
    let g = inner.lock().unwrap_or_else(PoisonError::into_inner);
    let key = |r: &Value| {
        let t = r.get("NgayCapNhat").and_then(Value::as_str).unwrap_or_default().to_string();
        let c = r.get("MaHoSo").and_then(Value::as_str).unwrap_or_default().to_string();
        (t, c)
    };
    let mut all: Vec<&Value> = g.records.values().collect();
    all.sort_by_key(|r| key(r));
    if let Some(since) = q.get("updated_since") {
        all.retain(|r| key(r).0.as_str() >= since.as_str());
    }
    if let Some(cursor) = q.get("cursor") {
        let (t, c) = cursor.split_once('~').unwrap_or((cursor.as_str(), ""));
        all.retain(|r| {
            let (rt, rc) = key(r);
            (rt.as_str(), rc.as_str()) > (t, c)
        });
        let data: Vec<Value> = all.iter().take(size).map(|r| (*r).clone()).collect();
        let next = data.last().map(|r| {
            let (t, c) = key(r);
            format!("{t}~{c}")
        });
        return axum::Json(json!({"data": data, "next_cursor": next.unwrap_or_else(|| cursor.clone())})).into_response();
    }
    let total = all.len();
    let skip = usize::try_from(page - 1).unwrap_or(0).saturating_mul(size);
    let data: Vec<Value> = all.iter().skip(skip).take(size).map(|r| (*r).clone()).collect();
    // A cursor client's first page (no cursor yet) gets where the next one starts.
    let next = data.last().map(|r| {
        let (t, c) = key(r);
        format!("{t}~{c}")
    });
    axum::Json(json!({"data": data, "page": page, "page_size": size, "total": total, "next_cursor": next})).into_response()
}

/// `yyyyMMddHHmmss` in `tz`.
pub fn compact(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%Y%m%d%H%M%S").to_string()
}

// ---------------------------------------------------------------- the demo

/// The demo's mapping file: the stand-in's units → the demo's centers.
pub const DEMO_MAPPING: &str = r#"# The demo's one-stop system (see crates/central/src/sources/upstream.rs).
[source]
name = "demo-mot-cua"
every = "10s"
center_field = "DonViTiepNhan.MaDonVi"
page_size = 50

[centers]
"000.00.00.H62" = "vp-tinh"
"000.45.31.H62" = "vp-phuong-vinh-phuc"
"000.46.31.H62" = "vp-xa-yen-lac"
"#;

/// The demo ID card: the made-up person of DOMAIN.md, whose two dossiers the
/// demo's one-stop system holds (docs/demo-id-card.png is its QR).
pub const DEMO_ID_CARD: &str = "001099012345||Nguyễn Văn An|01011990|Nam|Số 1 Hùng Vương, Vĩnh Yên, Vĩnh Phúc|15082021";

/// The demo card holder's two dossiers: one at the ward's center, one at the province's.
pub const DEMO_CARD_DOSSIERS: [&str; 2] = ["000.45.31.H62-261124-0007", "000.00.21.H62-261126-0031"];

/// One demo record: code (its day is the day received), unit, procedure,
/// applicant, ID number, status, days until due, the processing unit.
struct Seed {
    code: &'static str,
    unit: &'static str,
    procedure: (&'static str, &'static str),
    applicant: &'static str,
    id: Option<&'static str>,
    status: u8,
    due_in_days: i64,
    processing: &'static str,
}

const SEEDS: [Seed; 4] = [
    Seed {
        code: DEMO_CARD_DOSSIERS[0],
        unit: "000.45.31.H62",
        procedure: ("1.001193", "Đăng ký khai sinh"),
        applicant: "Nguyễn Văn An",
        id: Some("001099012345"),
        status: 9,
        due_in_days: 1,
        processing: "Công chức tư pháp – hộ tịch phường Vĩnh Phúc",
    },
    Seed {
        code: DEMO_CARD_DOSSIERS[1],
        unit: "000.00.00.H62",
        procedure: ("1.001914", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"),
        applicant: "Nguyễn Văn An",
        id: Some("001099012345"),
        status: 4,
        due_in_days: 6,
        processing: "Phòng Hành chính tư pháp – Sở Tư pháp",
    },
    Seed {
        code: "000.46.31.H62-261127-0012",
        unit: "000.46.31.H62",
        procedure: ("1.000894", "Đăng ký kết hôn"),
        applicant: "Trần Thị Bình",
        id: Some("036188001234"),
        status: 2,
        due_in_days: 2,
        processing: "Bộ phận Một cửa xã Yên Lạc",
    },
    Seed {
        code: "000.00.12.H62-261128-0044",
        unit: "000.00.00.H62",
        procedure: ("1.009794", "Cấp giấy phép xây dựng mới đối với công trình cấp II"),
        applicant: "Lê Văn Cường",
        id: None,
        status: 2,
        due_in_days: 12,
        processing: "Bộ phận Một cửa – Sở Xây dựng",
    },
];

/// The day in a code `…-YYMMDD-NNNN`.
fn code_day(code: &str) -> Option<jiff::civil::Date> {
    let ymd = code.split('-').nth(1).filter(|s| s.len() == 6)?;
    let n = |r: std::ops::Range<usize>| ymd.get(r).and_then(|x| x.parse::<i8>().ok());
    jiff::civil::Date::new(2000 + i16::from(n(0..2)?), n(2..4)?, n(4..6)?).ok()
}

fn at(day: jiff::civil::Date, h: i8, m: i8, tz: &TimeZone) -> Option<Timestamp> {
    day.at(h, m, 0, 0).to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}

/// The demo's records as they stand at `now`.
pub fn demo_records(now: Timestamp, tz: &TimeZone) -> Vec<Value> {
    let today = now.to_zoned(tz.clone()).date();
    SEEDS
        .iter()
        .filter_map(|s| {
            let day = code_day(s.code).filter(|d| *d <= today).unwrap_or(today);
            let received = at(day, 8, 30, tz)?;
            let due = at(today.checked_add(s.due_in_days.days()).ok()?, 16, 30, tz)?.max(received);
            let mut r = json!({
                "MaHoSo": s.code,
                "MaTTHC": s.procedure.0,
                "TenTTHC": s.procedure.1,
                "ChuHoSo": s.applicant,
                "SoDienThoai": "0912000000",
                "TrangThaiHoSo": s.status.to_string(),
                "NgayTiepNhan": compact(received, tz),
                "NgayHenTra": compact(due, tz),
                "DonViXuLy": s.processing,
                "NgayCapNhat": compact(now.checked_sub(1.minutes()).unwrap_or(now), tz),
                "DonViTiepNhan": {"MaDonVi": s.unit},
                "MaLinhVuc": "HT",
            });
            if let (Some(id), Some(o)) = (s.id, r.as_object_mut()) {
                o.insert("SoGiayToChuHoSo".into(), json!(id));
            }
            Some(r)
        })
        .collect()
}

/// What the demo's one-stop system does next, every half minute: a dossier
/// moves on, or a new one arrives (at most 30).
async fn evolve(upstream: Upstream, tz: TimeZone) {
    let moves: [(&str, u8, &str, &str); 4] = [
        ("000.46.31.H62-261127-0012", 4, "Công chức tư pháp – hộ tịch xã Yên Lạc", "Kiểm tra hồ sơ, trình ký"),
        ("000.00.12.H62-261128-0044", 4, "Phòng Quản lý hoạt động xây dựng – Sở Xây dựng", "Chuyển thẩm định hồ sơ"),
        ("000.46.31.H62-261127-0012", 9, "Công chức tư pháp – hộ tịch xã Yên Lạc", "Đã ký Giấy chứng nhận kết hôn"),
        ("000.00.12.H62-261128-0044", 5, "Phòng Quản lý hoạt động xây dựng – Sở Xây dựng", "Đề nghị bổ sung bản vẽ kết cấu"),
    ];
    let mut step = 0usize;
    let mut arrived = 0u32;
    loop {
        tokio::time::sleep(Duration::from_secs(30)).await;
        let now = Timestamp::now();
        let stamp = compact(now, &tz);
        if let Some((code, status, unit, _)) = moves.get(step) {
            upstream.update(code, json!({"TrangThaiHoSo": status.to_string(), "DonViXuLy": unit, "NgayCapNhat": stamp}));
            step += 1;
        } else if arrived < 30 {
            arrived += 1;
            let today = now.to_zoned(tz.clone()).date();
            let code = format!("000.00.10.H62-{}-{:04}", today.strftime("%y%m%d"), 9000 + arrived);
            let due = at(today.checked_add(3.days()).unwrap_or(today), 16, 30, &tz).unwrap_or(now);
            upstream.put(json!({
                "MaHoSo": code, "MaTTHC": "2.002155", "TenTTHC": "Đăng ký thành lập doanh nghiệp tư nhân",
                "ChuHoSo": "Đỗ Minh Khoa", "TrangThaiHoSo": "1", "NgayTiepNhan": stamp, "NgayHenTra": compact(due, &tz),
                "DonViXuLy": "Cổng Dịch vụ công tỉnh Vĩnh Phúc", "NgayCapNhat": stamp, "DonViTiepNhan": {"MaDonVi": "000.00.00.H62"},
            }));
            step = 0;
        }
    }
}

/// `serve --demo`: starts the demo's one-stop system, pulls once before the
/// server answers (so its dossiers are there from the first request), then
/// every 10 seconds while it changes every 30.
pub async fn start_demo(state: &crate::state::SharedState) -> Result<(), String> {
    let catalogs = state.catalogs.current();
    let Some(cat) = catalogs.center(crate::http::extract::DEMO_CENTER) else {
        tracing::warn!("the demo's one-stop system is off: this database has no demo center");
        return Ok(());
    };
    let tz = cat.tz.clone();
    let upstream = Upstream::start(Faults::default()).await.map_err(|e| format!("demo one-stop system: {e}"))?;
    for r in demo_records(state.clock.now(), &tz) {
        upstream.put(r);
    }
    let over = super::pull::spec::Overrides { url: Some(upstream.url()), ..Default::default() };
    let source = match super::pull::Source::new(DEMO_MAPPING, &over, &catalogs, state.id_key.clone()) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            tracing::warn!(error = %e, "the demo's one-stop system is off");
            return Ok(());
        }
    };
    let sink = super::pull::Sink::Writer(state.writer.clone());
    source.pass(&sink, &*state.clock).await;
    tracing::info!(url = %upstream.url(), "DEMO MODE: a stand-in one-stop system changes dossiers every 30 s; the server pulls every 10 s");
    let clock = state.clock.clone();
    let first = source.clone();
    tokio::spawn(async move {
        tokio::time::sleep(first.settings.every).await;
        super::pull::run(first, sink, clock).await;
    });
    tokio::spawn(evolve(upstream, tz));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_records_speak_the_national_shape() {
        let tz = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
        let now: Timestamp = "2026-11-29T03:00:00Z".parse().unwrap();
        let records = demo_records(now, &tz);
        assert_eq!(records.len(), 4);
        let card: Vec<_> = records.iter().filter(|r| r["SoGiayToChuHoSo"] == "001099012345").collect();
        assert_eq!(card.len(), 2);
        assert_eq!(records[0]["NgayTiepNhan"], "20261124083000", "received on the day in its code");
        assert!(crate::id_key::IdKey::from_bytes([0; 32]).hash("x").len() == 64);
        assert!(motcua_domain::parse_id_card(DEMO_ID_CARD).is_some());
    }
}
