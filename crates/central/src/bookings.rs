//! Appointments (đặt lịch hẹn): a service's slots from its opening hours and
//! settings, stored bookings, the proof of work a public booking solves, and
//! the per-IP and per-phone budgets (README, "Appointments").

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use hmac::{Hmac, Mac};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp, ToSpan};
use motcua_domain::booking::{Booking, BookingStatus, ClosedReason, Slot};
use motcua_domain::catalog::{AppointmentSettings, Service};
use motcua_domain::{ApiError, ErrorCode};
use rusqlite::{Connection, OptionalExtension, Row, params};
use sha2::{Digest, Sha256};

use crate::catalog::{Catalogs, CenterCatalog, hex};
use crate::error::AppError;
use crate::state::RateLimiter;
use crate::tickets::{local_day, ts};

/// Leading zero bits of a public booking's proof of work: about 16,000
/// hashes, a second or two on a cheap phone.
pub const POW_BITS: u32 = 14;
/// How long a challenge may be solved and used.
pub const CHALLENGE_TTL: SignedDuration = SignedDuration::from_mins(10);
/// Public bookings per client IP per minute (a carrier's NAT shares one IP).
pub const PER_IP_PER_MIN: u32 = 20;
/// Booking attempts per phone number per minute.
pub const PER_PHONE_PER_MIN: u32 = 3;
/// Public booking lookups (`GET /api/v1/bookings/{code}`) per client IP per minute.
pub const LOOKUPS_PER_IP_PER_MIN: u32 = 60;

/// The center and service a service id names (service ids are unique across centers).
pub fn find_service<'a>(catalogs: &'a Catalogs, service_id: &str) -> Option<(&'a std::sync::Arc<CenterCatalog>, &'a Service)> {
    let mut centers: Vec<&std::sync::Arc<CenterCatalog>> = catalogs.centers.values().collect();
    centers.sort_by(|a, b| a.center().id.cmp(&b.center().id));
    centers.into_iter().find_map(|c| c.service(service_id).map(|s| (c, s)))
}

/// A slot as the catalog defines it, before bookings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotDef {
    /// Start.
    pub start: Timestamp,
    /// End.
    pub end: Timestamp,
    /// Places offered to bookings.
    pub places: u32,
}

/// Places a slot offers: the configured places, at most what the service's
/// counters handle in a slot's time less the walk-ins' share.
pub fn places(cat: &CenterCatalog, service: &Service, a: &AppointmentSettings) -> u32 {
    let counters = u64::try_from(cat.catalog.counters_of(&service.id).count().max(1)).unwrap_or(1);
    let capacity = counters * u64::from(a.slot_minutes) * 60 / u64::from(service.avg_service_s.max(1));
    let for_bookings = capacity * u64::from(100 - a.walk_in_percent.min(100)) / 100;
    u32::try_from(for_bookings).unwrap_or(u32::MAX).min(a.places_per_slot)
}

/// The enabled appointment settings of a service, or `booking_closed`.
pub fn settings(service: &Service) -> Result<&AppointmentSettings, AppError> {
    match &service.appointments {
        Some(a) if a.enabled => Ok(a),
        _ => Err(AppError::msg(
            ErrorCode::BookingClosed,
            format!("service {} takes no appointments", service.id),
            format!("Dịch vụ {} không nhận đặt lịch hẹn", service.name),
        )),
    }
}

/// A day's slots by the service's opening hours (none on a closed day).
pub fn day_slots(cat: &CenterCatalog, service: &Service, a: &AppointmentSettings, day: Date) -> Vec<SlotDef> {
    let Some(hours) = cat.hours(&service.id) else { return Vec::new() };
    let len = i64::from(a.slot_minutes);
    let places = places(cat, service, a);
    let mut out = Vec::new();
    for (open, close) in hours.windows_on(day.weekday()) {
        // A window to 24:00 ends at the next midnight.
        let close = if close == Time::MAX { day.tomorrow().map(|d| d.to_datetime(Time::midnight())) } else { Ok(day.to_datetime(close)) };
        let Ok(close) = close else { continue };
        let mut t = day.to_datetime(open);
        while let Ok(end) = t.checked_add(len.minutes()) {
            if end > close {
                break;
            }
            let zoned = |dt: jiff::civil::DateTime| dt.to_zoned(cat.tz.clone()).ok().map(|z| z.timestamp());
            if let (Some(start), Some(end_ts)) = (zoned(t), zoned(end)) {
                out.push(SlotDef { start, end: end_ts, places });
            }
            t = end;
        }
    }
    out
}

/// Why a day of a service takes no bookings, when it takes none; an error
/// when the day is out of reach (past, beyond `days_ahead`).
pub fn day_state(
    cat: &CenterCatalog,
    service: &Service,
    a: &AppointmentSettings,
    day: Date,
    now: Timestamp,
) -> Result<Option<ClosedReason>, AppError> {
    let today = local_day(cat, now);
    let last = today.checked_add(i64::from(a.days_ahead).days()).unwrap_or(today);
    if day < today || day > last {
        return Err(AppError::msg(
            ErrorCode::BookingClosed,
            format!("bookings are taken from {today} to {last}"),
            format!("Chỉ đặt lịch được từ ngày {} đến ngày {}", vi_date(today), vi_date(last)),
        ));
    }
    if let Some(c) = cat.closed_on(day) {
        return Ok(Some(ClosedReason { reason: c.reason_en.clone().unwrap_or_else(|| c.reason.clone()), reason_vi: c.reason.clone() }));
    }
    if cat.hours(&service.id).is_some_and(|h| h.windows_on(day.weekday()).is_empty()) {
        return Ok(Some(ClosedReason {
            reason: "No opening hours that day".into(), reason_vi: "Không làm việc vào ngày này".into()
        }));
    }
    Ok(None)
}

/// `dd/mm/yyyy`.
pub fn vi_date(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// Places taken in each slot of a service's day, by slot start (ms).
pub fn taken(conn: &Connection, service_id: &str, day: Date) -> Result<HashMap<i64, u32>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT slot_start, count(*) FROM bookings WHERE service_id = ?1 AND day = ?2 AND status != 'cancelled' GROUP BY slot_start",
    )?;
    let rows = stmt.query_map(params![service_id, day.to_string()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u32>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A day's slots with their free places (a slot that has started has none).
pub fn slots_with_free(
    conn: &Connection,
    cat: &CenterCatalog,
    service: &Service,
    a: &AppointmentSettings,
    day: Date,
    now: Timestamp,
) -> Result<Vec<Slot>, AppError> {
    let defs = day_slots(cat, service, a, day);
    let taken = taken(conn, &service.id, day)?;
    Ok(defs
        .into_iter()
        .map(|d| {
            let used = taken.get(&d.start.as_millisecond()).copied().unwrap_or(0);
            let free = if d.start <= now { 0 } else { d.places.saturating_sub(used) };
            Slot { start: d.start, end: d.end, places: d.places, free }
        })
        .collect())
}

/// Up to 3 slot starts after `after` with a free place, from its day to the last bookable day.
pub fn next_free_slots(
    conn: &Connection,
    cat: &CenterCatalog,
    service: &Service,
    a: &AppointmentSettings,
    after: Timestamp,
    now: Timestamp,
) -> Result<Vec<Timestamp>, AppError> {
    let mut out = Vec::new();
    let mut day = local_day(cat, after.max(now));
    for _ in 0..=a.days_ahead.min(60) {
        if matches!(day_state(cat, service, a, day, now), Ok(None)) {
            for s in slots_with_free(conn, cat, service, a, day, now)? {
                if s.start > after && s.free > 0 {
                    out.push(s.start);
                    if out.len() == 3 {
                        return Ok(out);
                    }
                }
            }
        }
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => break,
        }
    }
    Ok(out)
}

/// A stored booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRow {
    /// `XXX-XXX`.
    pub code: String,
    /// Its center.
    pub center: String,
    /// Its service.
    pub service_id: String,
    /// The slot's local day.
    pub day: Date,
    /// Slot start, Unix ms.
    pub slot_start_ms: i64,
    /// Slot end, Unix ms.
    pub slot_end_ms: i64,
    /// Where it stands.
    pub status: BookingStatus,
    /// The name (empty once purged).
    pub name: String,
    /// The phone's digits (none once purged).
    pub phone: Option<String>,
    /// SHA-256 hex of the cancel secret.
    pub cancel_hash: String,
    /// The appointment ticket, once checked in.
    pub ticket_id: Option<String>,
}

/// Columns in the order [`BookingRow::from_row`] reads them.
pub const COLUMNS: &str = "code, center, service_id, day, slot_start, slot_end, status, name, phone, cancel_hash, ticket_id";

impl BookingRow {
    /// Reads a row selected with [`COLUMNS`].
    pub fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        let conv = |col: usize, msg: String| rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into());
        let day: String = r.get(3)?;
        let status: String = r.get(6)?;
        Ok(Self {
            code: r.get(0)?,
            center: r.get(1)?,
            service_id: r.get(2)?,
            day: day.parse().map_err(|e: jiff::Error| conv(3, e.to_string()))?,
            slot_start_ms: r.get(4)?,
            slot_end_ms: r.get(5)?,
            status: BookingStatus::parse(&status).ok_or_else(|| conv(6, status.clone()))?,
            name: r.get(7)?,
            phone: r.get(8)?,
            cancel_hash: r.get(9)?,
            ticket_id: r.get(10)?,
        })
    }
}

/// The booking with this code (already in its shown form).
pub fn by_code(conn: &Connection, code: &str) -> Result<Option<BookingRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM bookings WHERE code = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([code], BookingRow::from_row).optional()?)
}

/// A typed code in its shown form, or `booking_not_found`.
pub fn parse_code(input: &str) -> Result<String, AppError> {
    motcua_domain::booking::parse_code(input).ok_or_else(|| AppError::code(ErrorCode::BookingNotFound))
}

/// SHA-256 hex of a cancel secret.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The booking as the API shows it; `cancel_secret` only in the answer to the booking itself.
pub fn view(row: &BookingRow, ticket_token: Option<String>, base_url: &str, cancel_secret: Option<&str>) -> Booking {
    let base = base_url.trim_end_matches('/');
    Booking {
        code: row.code.clone(),
        service_id: row.service_id.clone(),
        center: row.center.clone(),
        slot_start: ts(row.slot_start_ms),
        slot_end: ts(row.slot_end_ms),
        status: row.status,
        name_masked: motcua_domain::mask_name(&row.name),
        ticket_token,
        cancel_url: cancel_secret.map(|k| format!("{base}/dat-lich/huy/{}?k={k}", row.code)),
        qr_url: format!("{base}/dat-lich/b/{}", row.code),
    }
}

/// The lookup token of a booking's ticket.
pub fn ticket_token(conn: &Connection, row: &BookingRow) -> Result<Option<String>, AppError> {
    let Some(id) = &row.ticket_id else { return Ok(None) };
    Ok(conn.prepare_cached("SELECT token FROM tickets WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?)
}

/// A phone number's digits in the national form (`0912345678`), or `invalid_request`.
pub fn normalise_phone(input: &str) -> Result<String, AppError> {
    let trimmed = input.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, trimmed),
    };
    let ok_chars = rest.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'));
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.strip_prefix("84") {
        Some(r) if plus || digits.len() == 11 => format!("0{r}"),
        _ if plus => String::new(),
        _ => digits,
    };
    if !ok_chars || national.len() != 10 || !national.starts_with('0') || national.starts_with("00") {
        return Err(AppError::invalid(
            "phone must be a Vietnamese phone number of 10 digits, e.g. 0912 345 678",
            "Số điện thoại phải gồm 10 chữ số, ví dụ 0912 345 678",
        ));
    }
    Ok(national)
}

/// A citizen's name for a booking: 1 to 100 characters, not blank; trimmed.
pub fn check_name(name: &str) -> Result<String, AppError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 100 || n.chars().any(char::is_control) {
        return Err(AppError::invalid("name must be 1 to 100 characters", "Họ tên phải có từ 1 đến 100 ký tự"));
    }
    Ok(n.to_string())
}

/// A new booking code, `XXX-XXX`.
pub fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    let mut idx = [0u8; 6];
    for n in &mut idx {
        *n = rng.gen_range(0..24);
    }
    motcua_domain::booking::code_from_indices(idx)
}

/// A new cancel secret: 96 random bits, URL-safe.
pub fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `slot_full` with the next free slots.
pub fn slot_full(next: Vec<Timestamp>) -> AppError {
    let mut e = ApiError::new(ErrorCode::SlotFull);
    e.next_free_slots = Some(next);
    AppError::Api(Box::new(e))
}

/// The proof-of-work challenges and the booking budgets of a running server.
pub struct Guard {
    key: [u8; 32],
    used: Mutex<HashMap<String, i64>>,
    /// Bookings per client IP.
    pub per_ip: RateLimiter,
    /// Booking attempts per phone number.
    pub per_phone: RateLimiter,
    /// Public lookups of a booking by code, per client IP.
    pub lookups: RateLimiter,
    /// Leading zero bits a solution needs.
    pub bits: u32,
}

impl Default for Guard {
    fn default() -> Self {
        use rand::RngCore;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self {
            key,
            used: Mutex::new(HashMap::new()),
            per_ip: RateLimiter::default(),
            per_phone: RateLimiter::default(),
            lookups: RateLimiter::default(),
            bits: POW_BITS,
        }
    }
}

type HmacSha256 = Hmac<Sha256>;

fn challenge_failed(en: &str, vi: &str) -> AppError {
    AppError::msg(ErrorCode::ChallengeFailed, en, vi)
}

impl Guard {
    fn sign(&self, body: &str) -> Option<HmacSha256> {
        let mut mac = HmacSha256::new_from_slice(&self.key).ok()?;
        mac.update(body.as_bytes());
        Some(mac)
    }

    /// A new challenge: `{expiry ms}.{random}.{signature}`, stateless until used.
    pub fn challenge(&self, now: Timestamp) -> (String, Timestamp) {
        use rand::RngCore;
        let expires = now.checked_add(CHALLENGE_TTL).unwrap_or(now);
        let mut r = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut r);
        let body = format!("{}.{}", expires.as_millisecond(), hex(&r));
        let sig = self.sign(&body).map(|m| hex(&m.finalize().into_bytes()[..16])).unwrap_or_default();
        (format!("{body}.{sig}"), expires)
    }

    /// Checks a solution `challenge:nonce` and holds the challenge as used;
    /// returns the challenge, to [`Guard::release`] when the booking fails.
    pub fn verify(&self, solution: &str, now: Timestamp) -> Result<String, AppError> {
        let Some((challenge, nonce)) = solution.rsplit_once(':') else {
            return Err(challenge_failed("challenge must be `challenge:nonce`", "Thiếu lời giải xác minh"));
        };
        let parts: Vec<&str> = challenge.split('.').collect();
        let [exp, rand, sig] = parts.as_slice() else {
            return Err(challenge_failed("not a challenge of this server", "Mã xác minh không hợp lệ"));
        };
        let body = format!("{exp}.{rand}");
        let sig = (0..sig.len())
            .step_by(2)
            .map(|i| sig.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<Vec<u8>>>()
            .unwrap_or_default();
        let signed = sig.len() == 16 && self.sign(&body).is_some_and(|m| m.verify_truncated_left(&sig).is_ok());
        if !signed || nonce.len() > 64 {
            return Err(challenge_failed("not a challenge of this server", "Mã xác minh không hợp lệ"));
        }
        let exp: i64 = exp.parse().unwrap_or(0);
        if exp < now.as_millisecond() {
            return Err(challenge_failed("the challenge has expired; fetch a new one", "Mã xác minh đã hết hạn. Vui lòng thử lại"));
        }
        if !motcua_domain::booking::leading_zero_bits(&Sha256::digest(solution.as_bytes()), self.bits) {
            return Err(challenge_failed("the proof of work is wrong", "Lời giải xác minh không đúng"));
        }
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        let now_ms = now.as_millisecond();
        used.retain(|_, e| *e >= now_ms);
        if used.insert(challenge.to_string(), exp).is_some() {
            return Err(challenge_failed("this challenge was already used; fetch a new one", "Mã xác minh đã được dùng. Vui lòng thử lại"));
        }
        Ok(challenge.to_string())
    }

    /// Frees a challenge whose booking was refused, so the page may retry with it.
    pub fn release(&self, challenge: &str) {
        self.used.lock().unwrap_or_else(PoisonError::into_inner).remove(challenge);
    }
}

/// Solves a challenge (tests and `kioskctl`-like tools): the first nonce that works.
pub fn solve(challenge: &str, bits: u32) -> String {
    let mut n: u64 = 0;
    loop {
        let s = format!("{challenge}:{n}");
        if motcua_domain::booking::leading_zero_bits(&Sha256::digest(s.as_bytes()), bits) {
            return s;
        }
        n += 1;
    }
}

/// The local midnight after `day`: a booking's name and phone number are kept until then.
pub fn purge_at(cat: &CenterCatalog, day: Date) -> i64 {
    day.tomorrow().ok().and_then(|d| d.to_zoned(cat.tz.clone()).ok()).map_or(i64::MAX, |z| z.timestamp().as_millisecond())
}

/// Empties names and phone numbers of bookings whose day has ended (the day
/// after the appointment), at most `limit` rows; returns how many.
pub fn purge(conn: &Connection, now: Timestamp, limit: i64) -> Result<u64, rusqlite::Error> {
    let n = conn
        .prepare_cached(
            "UPDATE bookings SET name = '', phone = NULL, id_hash = NULL, purged_at = ?1
         WHERE rowid IN (SELECT rowid FROM bookings WHERE purged_at IS NULL AND purge_at <= ?1 LIMIT ?2)",
        )?
        .execute(params![now.as_millisecond(), limit])?;
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_take_the_national_form() {
        assert_eq!(normalise_phone("0912 345 678").unwrap(), "0912345678");
        assert_eq!(normalise_phone("+84 912.345.678").unwrap(), "0912345678");
        assert_eq!(normalise_phone("84912345678").unwrap(), "0912345678");
        assert!(normalise_phone("12345").is_err());
        assert!(normalise_phone("0912a45678").is_err());
    }

    #[test]
    fn a_challenge_is_solved_once_and_refused_when_tampered_or_reused() {
        let g = Guard { bits: 8, ..Guard::default() };
        let now: Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
        let (c, _) = g.challenge(now);
        let solved = solve(&c, 8);
        let tampered = solved.replacen('.', "9.", 1);
        assert!(g.verify(&tampered, now).is_err(), "a changed expiry breaks the signature");
        let later = now.checked_add(SignedDuration::from_mins(11)).unwrap();
        assert!(g.verify(&solved, later).is_err(), "expired");
        g.verify(&solved, now).expect("solved");
        assert!(g.verify(&solved, now).is_err(), "used once");
        g.release(&c);
        g.verify(&solved, now).expect("released after a refused booking");
    }
}
