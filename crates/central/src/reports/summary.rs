//! The summary tables: a day, once over, is added up per hour of issue,
//! service, counter and officer and stored, so a month or a year is read from
//! a few thousand rows instead of every ticket and call. Today is never
//! stored: it is added up live from the same facts by the same code.

use std::collections::{BTreeMap, HashSet};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rusqlite::{Connection, params};

use super::facts::{self, Figures, Hist, Ratings};
use crate::error::AppError;

/// What one summary row is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// Local hour of issue.
    pub hour: u8,
    /// The service the tickets were taken for.
    pub service_id: String,
    /// The counter of their last call ('' never called).
    pub counter_id: String,
    /// Who made that call ('' never called).
    pub officer: String,
}

/// What one ratings summary row is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RatingKey {
    /// The rated ticket's service ('' for a dossier).
    pub service_id: String,
    /// The rated ticket's counter.
    pub counter_id: String,
    /// Who called the rated ticket.
    pub officer: String,
    /// A dossier was rated, not a ticket.
    pub dossier: bool,
}

/// One day added up.
#[derive(Debug, Clone, Default)]
pub struct DayRows {
    /// Ticket figures by key.
    pub tickets: BTreeMap<Key, Figures>,
    /// Ratings by key.
    pub ratings: BTreeMap<RatingKey, Ratings>,
}

/// The instants a local day starts and ends (the next day's start), in ms.
pub fn day_bounds(day: Date, tz: &TimeZone) -> Result<(i64, i64), AppError> {
    let start = day.to_zoned(tz.clone()).map_err(|e| AppError::Internal(e.to_string()))?;
    let end = start.tomorrow().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((start.timestamp().as_millisecond(), end.timestamp().as_millisecond()))
}

/// Adds up one day from the tickets, calls and ratings as they are now.
pub fn summarize_day(conn: &Connection, center: &str, day: Date, today: Date, tz: &TimeZone) -> Result<DayRows, AppError> {
    let mut rows = DayRows::default();
    for t in facts::day_tickets(conn, center, day, today, tz)? {
        let key = Key { hour: t.hour, service_id: t.service_id.clone(), counter_id: t.counter_id.clone(), officer: t.officer.clone() };
        rows.tickets.entry(key).or_default().add(&t);
    }
    let (from, to) = day_bounds(day, tz)?;
    for r in facts::ratings(conn, center, from, to, false)? {
        let key = RatingKey { dossier: r.dossier_code.is_some(), service_id: r.service_id, counter_id: r.counter_id, officer: r.officer };
        rows.ratings.entry(key).or_default().add(r.score, 1);
    }
    Ok(rows)
}

/// Stores a day's summary, replacing what was stored, and marks it built.
pub fn store_day(tx: &Connection, center: &str, day: Date, rows: &DayRows, now: Timestamp) -> Result<(), AppError> {
    let d = day.to_string();
    tx.prepare_cached("DELETE FROM report_tickets WHERE center = ?1 AND day = ?2")?.execute(params![center, d])?;
    tx.prepare_cached("DELETE FROM report_ratings WHERE center = ?1 AND day = ?2")?.execute(params![center, d])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO report_tickets (center, day, hour, service_id, counter_id, officer, issued, offline, called, served,
                                     no_show, not_called, wait_s, service_s, wait_hist)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    for (k, f) in &rows.tickets {
        ins.execute(params![
            center,
            d,
            k.hour,
            k.service_id,
            k.counter_id,
            k.officer,
            n(f.issued),
            n(f.offline),
            n(f.called),
            n(f.served),
            n(f.no_show),
            n(f.not_called),
            n(f.wait_s),
            n(f.service_s),
            f.wait_hist.encode()
        ])?;
    }
    let mut ins = tx.prepare_cached(
        "INSERT INTO report_ratings (center, day, service_id, counter_id, officer, dossier, score1, score2, score3)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (k, r) in &rows.ratings {
        ins.execute(params![center, d, k.service_id, k.counter_id, k.officer, k.dossier, n(r.n[0]), n(r.n[1]), n(r.n[2])])?;
    }
    tx.prepare_cached("INSERT OR REPLACE INTO report_days (center, day, built_at) VALUES (?1, ?2, ?3)")?.execute(params![
        center,
        d,
        now.as_millisecond()
    ])?;
    Ok(())
}

/// The days in `[from, to]` (inclusive) whose summary is stored and current.
pub fn built_days(conn: &Connection, center: &str, from: Date, to: Date) -> Result<HashSet<Date>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT day FROM report_days WHERE center = ?1 AND day BETWEEN ?2 AND ?3")?;
    let rows = stmt.query_map(params![center, from.to_string(), to.to_string()], |r| r.get::<_, String>(0))?;
    let mut out = HashSet::new();
    for d in rows {
        if let Ok(d) = d?.parse() {
            out.insert(d);
        }
    }
    Ok(out)
}

/// The days of `days` that are over (before `today`) and not summarised yet.
pub fn missing(conn: &Connection, center: &str, days: &[Date], today: Date) -> Result<Vec<Date>, AppError> {
    let past: Vec<Date> = days.iter().copied().filter(|d| *d < today).collect();
    let (Some(first), Some(last)) = (past.iter().min(), past.iter().max()) else { return Ok(Vec::new()) };
    let built = built_days(conn, center, *first, *last)?;
    Ok(past.into_iter().filter(|d| !built.contains(d)).collect())
}

/// Summarises and stores `days` (each must be over) in the caller's transaction.
pub fn build(tx: &Connection, center: &str, days: &[Date], today: Date, tz: &TimeZone, now: Timestamp) -> Result<(), AppError> {
    for day in days.iter().filter(|d| **d < today) {
        let rows = summarize_day(tx, center, *day, today, tz)?;
        store_day(tx, center, *day, &rows, now)?;
    }
    Ok(())
}

/// Stored summaries of `[from, to]`, by day. Days not built are absent.
pub fn read(conn: &Connection, center: &str, from: Date, to: Date) -> Result<BTreeMap<Date, DayRows>, AppError> {
    let mut out: BTreeMap<Date, DayRows> = BTreeMap::new();
    let (f, t) = (from.to_string(), to.to_string());
    let mut day_cache: (String, Option<Date>) = (String::new(), None);
    let mut parse_day = |s: String| -> Option<Date> {
        if day_cache.0 != s {
            day_cache = (s.clone(), s.parse().ok());
        }
        day_cache.1
    };
    let mut stmt = conn.prepare_cached(
        "SELECT day, hour, service_id, counter_id, officer, issued, offline, called, served, no_show, not_called, wait_s,
                service_s, wait_hist
         FROM report_tickets WHERE center = ?1 AND day BETWEEN ?2 AND ?3",
    )?;
    let mut rows = stmt.query(params![center, f, t])?;
    let u = |v: i64| u64::try_from(v).unwrap_or(0);
    while let Some(r) = rows.next()? {
        let Some(day) = parse_day(r.get(0)?) else { continue };
        let key = Key { hour: r.get(1)?, service_id: r.get(2)?, counter_id: r.get(3)?, officer: r.get(4)? };
        let hist: String = r.get(13)?;
        let figures = Figures {
            issued: u(r.get(5)?),
            offline: u(r.get(6)?),
            called: u(r.get(7)?),
            served: u(r.get(8)?),
            no_show: u(r.get(9)?),
            not_called: u(r.get(10)?),
            waiting: 0,
            wait_s: u(r.get(11)?),
            service_s: u(r.get(12)?),
            wait_hist: Hist::decode(&hist).map_err(|e| AppError::Internal(format!("report_tickets {day}: {e}")))?,
        };
        out.entry(day).or_default().tickets.insert(key, figures);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT day, service_id, counter_id, officer, dossier, score1, score2, score3
         FROM report_ratings WHERE center = ?1 AND day BETWEEN ?2 AND ?3",
    )?;
    let mut rows = stmt.query(params![center, from.to_string(), to.to_string()])?;
    while let Some(r) = rows.next()? {
        let Some(day) = parse_day(r.get(0)?) else { continue };
        let key = RatingKey { service_id: r.get(1)?, counter_id: r.get(2)?, officer: r.get(3)?, dossier: r.get(4)? };
        let ratings = Ratings { n: [u(r.get(5)?), u(r.get(6)?), u(r.get(7)?)] };
        out.entry(day).or_default().ratings.insert(key, ratings);
    }
    Ok(out)
}
