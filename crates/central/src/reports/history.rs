//! Plausible past days for a center, so the reports have something to show:
//! the demo's 90 days (`serve --demo`) and the benchmark's year.
//!
//! Offices open Monday to Friday 07:30–11:30 and 13:30–17:00 and Saturday
//! morning; tickets come in a morning peak (08:00–10:00) and a smaller
//! afternoon one, Mondays bring a third more people than a Wednesday and
//! Fridays a little less. Each ticket goes to the counter of its service
//! that is free first; whoever is still waiting at 11:30 is called after
//! lunch, and whoever is left at closing time is never called. Service times
//! follow the catalog's average (shortened when the counters could not cope
//! with the volume asked for), a few citizens do not come when called, some
//! numbers are recalled, a few tickets come from a kiosk that was offline. A
//! share of the served citizens rate (mostly satisfied, less so after a long
//! wait) and leave a comment; most served dossier tickets become a dossier
//! whose result is ready on time, some late, and a few are still open past
//! their due date. Everything is deterministic for a given seed, and nothing
//! is placed on today or later.

use std::collections::HashMap;

use jiff::civil::{Date, Time};
use jiff::{Timestamp, ToSpan};
use motcua_domain::ServiceKind;
use rusqlite::{Connection, params};
use uuid::Uuid;

use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::tickets::local_day;

/// How much history to make.
#[derive(Debug, Clone)]
pub struct HistoryOptions {
    /// Days ending yesterday.
    pub days: u32,
    /// Tickets on an ordinary Wednesday, for the whole center; `None`: what
    /// keeps its counters 72 % busy at the catalog's service times.
    pub tickets_per_day: Option<f64>,
    /// Share of served tickets that are rated.
    pub rated_share: f64,
    /// Share of served dossier tickets that become a dossier.
    pub dossier_share: f64,
    /// The random seed.
    pub seed: u64,
}

impl HistoryOptions {
    /// The demo's volume for a center: its counters 72 % busy on a Wednesday (a Monday nearly full).
    pub fn demo(cat: &CenterCatalog, days: u32) -> Self {
        Self { days, tickets_per_day: None, rated_share: 0.22, dossier_share: 0.4, seed: seed_of(&cat.center().id) }
    }
}

fn seed_of(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// What was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryStats {
    /// Tickets.
    pub tickets: u64,
    /// Calls (recalls included).
    pub calls: u64,
    /// Ratings.
    pub ratings: u64,
    /// Dossiers.
    pub dossiers: u64,
}

/// Half-hour slots from 07:00 and their share of a weekday's tickets.
const SLOTS: [f64; 20] = [0.5, 1.6, 2.2, 2.4, 2.2, 1.9, 1.6, 1.2, 0.8, 0.2, 0.1, 0.1, 0.4, 1.2, 1.4, 1.3, 1.1, 0.9, 0.6, 0.3];
/// Monday to Sunday against a Wednesday.
const WEEKDAY: [f64; 7] = [1.35, 1.05, 1.0, 0.95, 0.9, 0.35, 0.0];
/// Hours a counter is open on a weekday.
const OPEN_S: f64 = 7.5 * 3600.0;

const FAMILY: [&str; 12] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"];
const MIDDLE: [&str; 8] = ["Văn", "Thị", "Hữu", "Minh", "Thu", "Đức", "Ngọc", "Thanh"];
const GIVEN: [&str; 14] = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Quang", "Thảo", "Tuấn"];

const PRAISE: [&str; 6] = [
    "Cán bộ hướng dẫn tận tình, chu đáo.",
    "Thủ tục nhanh gọn, không phải chờ lâu.",
    "Rất hài lòng với thái độ phục vụ.",
    "Phòng chờ sạch sẽ, có nước uống và chỗ ngồi.",
    "Hướng dẫn rõ ràng, dễ hiểu, làm một lần là xong.",
    "Lấy số bằng máy rất tiện, biết trước phải chờ bao lâu.",
];
const MIXED: [&str; 3] =
    ["Tạm được, nhưng chờ hơi lâu.", "Nên có thêm ghế ngồi ở khu chờ.", "Cán bộ nhiệt tình nhưng hệ thống phần mềm chậm."];
const COMPLAINTS: [&str; 5] = [
    "Phải chờ quá lâu, đề nghị mở thêm quầy vào sáng thứ Hai.",
    "Cán bộ giải thích chưa rõ, phải đi lại nhiều lần.",
    "Gọi số nhanh quá, tôi chưa kịp đến quầy.",
    "Chỗ để xe chật, khó tìm chỗ.",
    "Hồ sơ trả chậm so với ngày hẹn.",
];

/// The instant the local day starts, in ms.
fn midnight(day: Date, tz: &jiff::tz::TimeZone) -> Result<i64, AppError> {
    let z = day.to_datetime(Time::midnight()).to_zoned(tz.clone()).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(z.timestamp().as_millisecond())
}

/// SplitMix64: small, fast even unoptimised, and the same sequence on every
/// machine for a seed (the history is made, not drawn securely).
struct StdRng(u64);

impl StdRng {
    fn seed_from_u64(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn gen_bool(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in [lo, hi).
    fn gen_f64(&mut self, lo: f64, hi: f64) -> f64 {
        lo + self.unit() * (hi - lo)
    }

    /// Uniform in [lo, hi) (lo when the range is empty).
    fn gen_i64(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + i64::try_from(self.next_u64() % u64::try_from(hi - lo).unwrap_or(1)).unwrap_or(0)
    }

    /// An index below `n` (0 when `n` is 0).
    fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.gen_i64(0, i64::try_from(n).unwrap_or(0))).unwrap_or(0)
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        out
    }
}

fn uuid_at(ms: i64, rng: &mut StdRng) -> Uuid {
    let bytes: [u8; 10] = rng.bytes();
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(ms).unwrap_or(0), &bytes).into_uuid()
}

fn token(rng: &mut StdRng) -> String {
    use base64::Engine;
    let bytes: [u8; 16] = rng.bytes();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u1 = rng.gen_f64(f64::EPSILON, 1.0);
    let u2 = rng.unit();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// `n` working days after `day` (Saturdays and Sundays skipped).
fn add_working_days(day: Date, n: u32) -> Date {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d = d.tomorrow().unwrap_or(d);
        if d.weekday().to_monday_zero_offset() < 5 {
            left -= 1;
        }
    }
    d
}

struct Ticket {
    service: usize,
    issued_s: i64,
    priority: bool,
    offline: bool,
}

/// Generates the history of one center into `conn`, a transaction per 30
/// days, and stores the days' report summaries.
pub fn generate(conn: &mut Connection, cat: &CenterCatalog, opts: &HistoryOptions, now: Timestamp) -> Result<HistoryStats, AppError> {
    let mut rng = StdRng::seed_from_u64(opts.seed);
    // A big batch: a larger page cache, and statement journals (the report
    // triggers make every insert a multi-row statement) in memory.
    conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")?;
    let tz = cat.tz.clone();
    let center = cat.center().id.clone();
    let today = local_day(cat, now);
    let now_ms = now.as_millisecond();
    let services: Vec<&motcua_domain::Service> =
        cat.catalog.services.iter().filter(|s| cat.catalog.counters_of(&s.id).next().is_some()).collect();
    if services.is_empty() || opts.days == 0 {
        return Ok(HistoryStats::default());
    }
    let counters = &cat.catalog.counters;
    // A service's share of the counters (a counter serving two services is half each's).
    let capacity: Vec<f64> = services
        .iter()
        .map(|s| counters.iter().filter(|c| c.services.contains(&s.id)).map(|c| 1.0 / c.services.len() as f64).sum::<f64>())
        .collect();
    let avg: Vec<f64> = services.iter().map(|s| f64::from(s.avg_service_s.max(60))).collect();
    // Demand follows what each service can serve, so every service is about as busy.
    let weights: Vec<f64> = capacity.iter().zip(&avg).map(|(c, a)| c / a).collect();
    let weight_sum: f64 = weights.iter().sum();
    let per_day = opts.tickets_per_day.unwrap_or(0.72 * OPEN_S * weight_sum);
    // Mean service time: the catalog's, shorter when the counters could not
    // otherwise serve the volume asked for (the benchmark's year).
    let mean_service: Vec<f64> = (0..services.len())
        .map(|i| avg[i].min(0.85 * OPEN_S * capacity[i] / (per_day * weights[i] / weight_sum).max(1.0)).max(45.0))
        .collect();
    // Who works at each counter: the demo officers where they sit, else a made-up name.
    let demo_officer = |counter: &str| match counter {
        "vp-quay-06" | "vp-quay-10" => Some("canbo1"),
        "vp-quay-07" | "vp-quay-08" | "vp-quay-09" => Some("canbo2"),
        "vp-quay-01" | "vp-quay-02" | "vp-quay-03" | "vp-quay-04" | "vp-quay-05" => Some("canbo3"),
        _ => None,
    };
    let officers: Vec<String> =
        counters.iter().map(|c| demo_officer(&c.id).map(str::to_string).unwrap_or_else(|| format!("cb.quay{:02}", c.number))).collect();
    let priorities: Vec<&str> = cat.catalog.priority_categories.iter().map(|p| p.id.as_str()).collect();
    let procedures_of: Vec<Vec<&motcua_domain::catalog::Procedure>> = services
        .iter()
        .map(|s| cat.catalog.procedures.iter().filter(|p| s.procedures.contains(&p.id) || s.fields.contains(&p.field)).collect())
        .collect();
    let field_agency: HashMap<&str, usize> = cat
        .catalog
        .fields
        .iter()
        .filter_map(|f| cat.catalog.agencies.iter().position(|a| a.id == f.agency).map(|i| (f.id.as_str(), i)))
        .collect();
    let mut stats = HistoryStats::default();
    let mut ready_codes: Vec<String> = Vec::new();
    let first = today.checked_sub(i64::from(opts.days).days()).map_err(|e| AppError::Internal(e.to_string()))?;
    let days: Vec<Date> = (0..opts.days).filter_map(|i| first.checked_add(i64::from(i).days()).ok()).filter(|d| *d < today).collect();

    for chunk in days.chunks(30) {
        let tx = conn.transaction()?;
        for day in chunk {
            let w = usize::try_from(day.weekday().to_monday_zero_offset()).unwrap_or(0);
            let factor = WEEKDAY[w] * rng.gen_f64(0.85, 1.15);
            if factor <= 0.0 {
                continue;
            }
            let saturday = w == 5;
            // Seconds after midnight to an instant (made-up days ignore a
            // daylight-saving change, which Vietnam does not have).
            let start_ms = midnight(*day, &tz)?;
            let at = |seconds: i64| start_ms + seconds * 1000;
            let close_s: i64 = if saturday { 11 * 3600 + 1800 } else { 17 * 3600 };
            // Arrivals, all services, in time order.
            let mut tickets: Vec<Ticket> = Vec::new();
            for (si, s) in services.iter().enumerate() {
                let mut n = (per_day * weights[si] / weight_sum * factor * rng.gen_f64(0.85, 1.15)).round() as u32;
                if let Some(cap) = s.daily_cap {
                    n = n.min(cap);
                }
                let slots: &[f64] = if saturday { &SLOTS[..10] } else { &SLOTS };
                let total: f64 = slots.iter().sum();
                for _ in 0..n {
                    let mut pick = rng.gen_f64(0.0, total);
                    let mut slot = 0;
                    for (k, wgt) in slots.iter().enumerate() {
                        if pick < *wgt {
                            slot = k;
                            break;
                        }
                        pick -= wgt;
                    }
                    let issued_s = 7 * 3600 + i64::try_from(slot).unwrap_or(0) * 1800 + rng.gen_i64(0, 1800);
                    tickets.push(Ticket {
                        service: si,
                        issued_s,
                        priority: !priorities.is_empty() && rng.gen_bool(0.07),
                        offline: rng.gen_bool(0.01),
                    });
                }
            }
            tickets.sort_by_key(|t| t.issued_s);
            let mut free_at: Vec<i64> = vec![7 * 3600 + 1800; counters.len()];
            let mut seq: Vec<u32> = vec![0; services.len()];
            let mut offline_seq: HashMap<(usize, u8), u32> = HashMap::new();
            let mut agency_seq: HashMap<usize, u32> = HashMap::new();
            // A substitute now and then.
            let substitute: Vec<bool> = counters.iter().map(|_| rng.gen_bool(0.08)).collect();
            for t in &tickets {
                let s = services[t.service];
                let letter = &s.letter;
                let (number, seq_col) = if t.offline {
                    let kiosk: u8 = if rng.gen_bool(0.5) { 1 } else { 2 };
                    let n = offline_seq.entry((t.service, kiosk)).or_insert(0);
                    *n += 1;
                    (format!("{letter}-K{kiosk}-{:03}", n), None)
                } else {
                    seq[t.service] += 1;
                    (format!("{letter}{:03}", seq[t.service]), Some(seq[t.service]))
                };
                // The counter of this service that is free first.
                let choice = counters
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.services.contains(&s.id))
                    .min_by_key(|(i, _)| free_at[*i])
                    .map(|(i, _)| i);
                let mut call_s = choice.map(|i| free_at[i].max(t.issued_s + 20));
                if let Some(c) = call_s.as_mut() {
                    if (11 * 3600 + 1800..13 * 3600 + 1800).contains(c) {
                        *c = 13 * 3600 + 1800 + rng.gen_i64(0, 120);
                    }
                    if *c >= close_s {
                        call_s = None;
                    }
                }
                let issued_ms = at(t.issued_s);
                let id = uuid_at(issued_ms, &mut rng);
                let received_ms = if t.offline { issued_ms + rng.gen_i64(5, 40) * 60_000 } else { issued_ms };
                let (status, counter_id, called_ms, finished_ms, officer) = match (choice, call_s) {
                    (Some(ci), Some(call)) => {
                        let wait_min = (call - t.issued_s) / 60;
                        let no_show = rng.gen_bool(if wait_min > 60 { 0.12 } else { 0.05 });
                        let dur = if no_show {
                            45.0
                        } else {
                            let sigma: f64 = 0.45;
                            (mean_service[t.service] * (sigma * normal(&mut rng) - sigma * sigma / 2.0).exp()).max(40.0)
                        };
                        let end = call + dur as i64;
                        free_at[ci] = end + rng.gen_i64(10, 40);
                        let officer = if substitute[ci] { format!("cb.du-phong{}", ci % 3 + 1) } else { officers[ci].clone() };
                        (
                            if no_show { "no_show" } else { "served" },
                            Some(counters[ci].id.clone()),
                            Some(at(call)),
                            Some(at(end)),
                            Some(officer),
                        )
                    }
                    _ => ("expired", None, None, None, None),
                };
                let dossier_code = if s.kind == ServiceKind::Collect && !ready_codes.is_empty() {
                    Some(ready_codes.swap_remove(rng.index(ready_codes.len())))
                } else {
                    None
                };
                tx.prepare_cached(
                    "INSERT INTO tickets (id, token, center, service_id, day, seq, number, priority, kiosk_id, issued_at, received_at,
                                          status, counter_id, called_at, finished_at, dossier_code, offline)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                )?
                .execute(params![
                    id.to_string(),
                    token(&mut rng),
                    center,
                    s.id,
                    day.to_string(),
                    seq_col,
                    number,
                    if t.priority { priorities.get(rng.index(priorities.len())).copied() } else { None },
                    if t.offline { "kiosk-sanh-2" } else { "kiosk-sanh-1" },
                    issued_ms,
                    received_ms,
                    status,
                    counter_id,
                    called_ms,
                    finished_ms,
                    dossier_code,
                    t.offline
                ])?;
                stats.tickets += 1;
                let (Some(counter), Some(called), Some(finished), Some(officer)) = (&counter_id, called_ms, finished_ms, &officer) else {
                    continue;
                };
                let mut call = |kind: &str, at_ms: i64, rng: &mut StdRng| -> Result<(), AppError> {
                    tx.prepare_cached(
                        "INSERT INTO calls (id, center, counter_id, ticket_id, number, service_id, kind, actor, at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    )?
                    .execute(params![
                        uuid_at(at_ms, rng).to_string(),
                        center,
                        counter,
                        id.to_string(),
                        number,
                        s.id,
                        kind,
                        officer,
                        at_ms
                    ])?;
                    stats.calls += 1;
                    Ok(())
                };
                call("next", called, &mut rng)?;
                if status == "no_show" || rng.gen_bool(0.06) {
                    call("recall", called + 25_000, &mut rng)?;
                }
                if status != "served" {
                    continue;
                }
                let waited_min = (called - issued_ms) / 60_000;
                if rng.gen_bool(opts.rated_share) {
                    let bad = if waited_min > 45 { 0.22 } else { 0.05 };
                    let r = rng.unit();
                    let score: u8 = if r < bad {
                        1
                    } else if r < bad + 0.3 {
                        2
                    } else {
                        3
                    };
                    let comment = if rng.gen_bool(if score == 1 { 0.5 } else { 0.07 }) {
                        let list: &[&str] = match score {
                            1 => &COMPLAINTS,
                            2 => &MIXED,
                            _ => &PRAISE,
                        };
                        Some(list[rng.index(list.len())])
                    } else {
                        None
                    };
                    let rated = finished + rng.gen_i64(20, 180) * 1000;
                    tx.prepare_cached(
                        "INSERT INTO ratings (id, center, ticket_id, score, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        uuid_at(rated, &mut rng).to_string(),
                        center,
                        id.to_string(),
                        score,
                        comment,
                        rated
                    ])?;
                    stats.ratings += 1;
                }
                let procs = &procedures_of[t.service];
                if s.kind != ServiceKind::Submit || procs.is_empty() || !rng.gen_bool(opts.dossier_share) {
                    continue;
                }
                let p = procs[rng.index(procs.len())];
                let agency = field_agency.get(p.field.as_str()).copied().unwrap_or(0);
                let n = agency_seq.entry(agency).or_insert(1000);
                *n += 1;
                let code = format!("000.00.{:02}.H62-{}-{:04}", 30 + agency % 70, day.strftime("%y%m%d"), n);
                let due_day = add_working_days(*day, p.processing_days.max(1));
                let due = midnight(due_day, &tz)? + (16 * 3600 + 1800) * 1000;
                let received = finished;
                let r = rng.unit();
                let refused = r < 0.005;
                let withdrawn = (0.005..0.01).contains(&r);
                // When its result is ready: on time mostly, late sometimes, never for a few.
                let done = if refused || withdrawn {
                    None
                } else if r < 0.93 {
                    let span = (due - received - 3_600_000).max(3_600_000);
                    Some(received + 3_600_000 + rng.gen_i64(0, span))
                } else if r < 0.998 {
                    Some(due + rng.gen_i64(1, 10) * 86_400_000)
                } else {
                    None
                };
                let done = done.filter(|d| *d <= now_ms);
                let returned = done.map(|d| d + rng.gen_i64(0, 6) * 86_400_000 + rng.gen_i64(0, 3_600_000)).filter(|r| *r <= now_ms);
                let status: u8 = match (refused, withdrawn, done, returned) {
                    (true, _, _, _) => 3,
                    (_, true, _, _) => 7,
                    (_, _, _, Some(_)) => 10,
                    (_, _, Some(_), None) => 9,
                    _ => [2, 4, 4, 4, 5, 6][rng.index(6)],
                };
                let given = FAMILY[rng.index(FAMILY.len())];
                let applicant = format!("{given} {} {}", MIDDLE[rng.index(MIDDLE.len())], GIVEN[rng.index(GIVEN.len())]);
                let updated = returned.or(done).unwrap_or(received);
                let unit = cat.catalog.agencies.get(agency).map(|a| a.name.as_str()).unwrap_or("");
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO dossiers (code, center, procedure_id, procedure_name, applicant_name, status, received_at, due_at,
                                                     done_at, collect_at, updated_at, returned_at, unit)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )?
                .execute(params![
                    code,
                    center,
                    p.id,
                    p.name,
                    applicant,
                    status,
                    received,
                    due,
                    done,
                    "Quầy trả kết quả",
                    updated,
                    returned,
                    unit
                ])?;
                stats.dossiers += 1;
                let step = |at_ms: i64, st: u8, note: &str| -> Result<(), AppError> {
                    tx.prepare_cached("INSERT INTO dossier_history (code, at, status, unit, actor, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
                        .execute(params![code, at_ms, st, unit, officer, note])?;
                    Ok(())
                };
                step(received, if refused { 3 } else { 2 }, "Tiếp nhận tại quầy")?;
                if !refused && received + 86_400_000 < now_ms {
                    step(received + 86_400_000, 4, "Chuyển cơ quan chuyên môn xử lý")?;
                }
                if let Some(d) = done {
                    step(d, 9, "Có kết quả, mời công dân đến nhận")?;
                    ready_codes.push(code.clone());
                    if ready_codes.len() > 500 {
                        ready_codes.swap_remove(0);
                    }
                }
                if let Some(ret) = returned {
                    step(ret, 10, "Đã trả kết quả")?;
                    if rng.gen_bool(0.05) {
                        tx.prepare_cached(
                            "INSERT INTO ratings (id, center, dossier_code, score, comment, created_at) VALUES (?1, ?2, ?3, ?4, NULL, ?5)",
                        )?
                        .execute(params![
                            uuid_at(ret, &mut rng).to_string(),
                            center,
                            code,
                            if rng.gen_bool(0.85) { 3 } else { 2 },
                            ret
                        ])?;
                        stats.ratings += 1;
                    }
                }
                if withdrawn {
                    step(received + 2 * 3_600_000, 7, "Công dân rút hồ sơ")?;
                }
            }
        }
        super::summary::build(&tx, &center, chunk, today, &tz, now)?;
        tx.commit()?;
    }
    Ok(stats)
}

/// The demo's history: `days` days for every center of the database.
pub fn seed_demo(conn: &mut Connection, now: Timestamp, days: u32) -> Result<HistoryStats, AppError> {
    let catalogs = crate::catalog::load(conn).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut ids: Vec<&String> = catalogs.centers.keys().collect();
    ids.sort();
    let mut total = HistoryStats::default();
    for id in ids {
        let Some(cat) = catalogs.center(id) else { continue };
        let s = generate(conn, cat, &HistoryOptions::demo(cat, days), now)?;
        total.tickets += s.tickets;
        total.calls += s.calls;
        total.ratings += s.ratings;
        total.dossiers += s.dossiers;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends() {
        let fri = jiff::civil::date(2026, 11, 27);
        assert_eq!(add_working_days(fri, 1), jiff::civil::date(2026, 11, 30));
        assert_eq!(add_working_days(fri, 5), jiff::civil::date(2026, 12, 4));
    }
}
