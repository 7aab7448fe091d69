//! The fleet's rows: the latest heartbeat of each kiosk, maintenance, and
//! each center's notice. Changes run inside a transaction the caller holds
//! (the writer's, or the command line's), audited like other staff actions,
//! and bump `meta.fleet_version` so a running server notices what the
//! command line changed.

use std::collections::HashMap;

use jiff::Timestamp;
use motcua_domain::ErrorCode;
use motcua_domain::fleet::{HeartbeatRequest, Notice, PrinterHealth};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::AppError;
use crate::writer::calls::audit;

/// One kiosk as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskRow {
    /// Its id.
    pub kiosk_id: String,
    /// The center it reports for.
    pub center: String,
    /// Its printer at the last heartbeat; `None` if it never reported.
    pub printer: Option<PrinterHealth>,
    /// Offline tickets not yet delivered.
    pub outbox: u32,
    /// Tickets whose slip has not printed.
    pub unprinted: u32,
    /// Its software version.
    pub version: Option<String>,
    /// Seconds it had been running.
    pub uptime_s: Option<u64>,
    /// The last error it reported.
    pub last_error: Option<String>,
    /// Its last heartbeat.
    pub last_seen: Option<Timestamp>,
    /// Staff put it in maintenance.
    pub maintenance: bool,
}

impl KioskRow {
    /// What it reported differs from `other` (uptime and time aside).
    pub fn reports_differ(&self, other: &KioskRow) -> bool {
        (self.printer, self.outbox, self.unprinted, &self.version, &self.last_error)
            != (other.printer, other.outbox, other.unprinted, &other.version, &other.last_error)
    }
}

const COLUMNS: &str = "kiosk_id, center, printer, outbox, unprinted, version, uptime_s, last_error, last_seen, maintenance";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<KioskRow> {
    let printer: Option<String> = r.get(2)?;
    let printer = match printer {
        None => None,
        Some(p) => Some(PrinterHealth::parse(&p).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, format!("unknown printer state {p:?}").into())
        })?),
    };
    let uptime: Option<i64> = r.get(6)?;
    let last_seen: Option<i64> = r.get(8)?;
    Ok(KioskRow {
        kiosk_id: r.get(0)?,
        center: r.get(1)?,
        printer,
        outbox: r.get(3)?,
        unprinted: r.get(4)?,
        version: r.get(5)?,
        uptime_s: uptime.and_then(|u| u64::try_from(u).ok()),
        last_error: r.get(7)?,
        last_seen: last_seen.and_then(|ms| Timestamp::from_millisecond(ms).ok()),
        maintenance: r.get(9)?,
    })
}

/// One kiosk, in any center.
pub fn kiosk(conn: &Connection, kiosk_id: &str) -> Result<Option<KioskRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM kiosks WHERE kiosk_id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([kiosk_id], from_row).optional()?)
}

/// A center's kiosks by id, or every kiosk of the server (`None`).
pub fn kiosks(conn: &Connection, center: Option<&str>) -> Result<Vec<KioskRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM kiosks WHERE ?1 IS NULL OR center = ?1 ORDER BY center, kiosk_id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([center], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A heartbeat as stored: the row before (if any) and after.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The row before this heartbeat.
    pub before: Option<KioskRow>,
    /// The row now.
    pub after: KioskRow,
    /// The center's notice now showing.
    pub notice: Option<Notice>,
}

/// Stores a checked heartbeat of a kiosk of `center`; refuses a kiosk id
/// another center's kiosk reported first.
pub fn record_heartbeat(tx: &Connection, center: &str, req: &HeartbeatRequest, now: Timestamp) -> Result<Recorded, AppError> {
    let before = kiosk(tx, &req.kiosk_id)?;
    if before.as_ref().is_some_and(|b| b.center != center) {
        return Err(AppError::code(ErrorCode::KioskCenterMismatch));
    }
    tx.prepare_cached(
        "INSERT INTO kiosks (kiosk_id, center, printer, outbox, unprinted, version, uptime_s, last_error, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (kiosk_id) DO UPDATE SET printer = excluded.printer, outbox = excluded.outbox,
             unprinted = excluded.unprinted, version = excluded.version, uptime_s = excluded.uptime_s,
             last_error = excluded.last_error, last_seen = excluded.last_seen",
    )?
    .execute(params![
        req.kiosk_id,
        center,
        req.printer.as_str(),
        req.outbox,
        req.unprinted,
        req.version,
        i64::try_from(req.uptime_s).unwrap_or(i64::MAX),
        req.last_error,
        now.as_millisecond()
    ])?;
    let after = kiosk(tx, &req.kiosk_id)?.ok_or_else(|| AppError::Internal(format!("kiosk {} vanished", req.kiosk_id)))?;
    Ok(Recorded { before, after, notice: notice(tx, center, now)? })
}

/// The counter of control changes (maintenance, notices).
pub fn version(conn: &Connection) -> Result<i64, AppError> {
    let v: Option<String> = conn.query_row("SELECT value FROM meta WHERE key = 'fleet_version'", [], |r| r.get(0)).optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

fn bump(tx: &Connection) -> Result<(), AppError> {
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('fleet_version', '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
    )?
    .execute([])?;
    Ok(())
}

/// Puts a kiosk of `center` in maintenance or takes it out. A kiosk that
/// never reported may be set when the center's catalog names it
/// (`named`); any other unknown id, or another center's kiosk, is
/// `kiosk_not_found`.
pub fn set_maintenance(
    tx: &Connection,
    center: &str,
    kiosk_id: &str,
    named: bool,
    on: bool,
    actor: &str,
    now: Timestamp,
) -> Result<KioskRow, AppError> {
    match kiosk(tx, kiosk_id)? {
        Some(row) if row.center != center => return Err(AppError::code(ErrorCode::KioskNotFound)),
        None if !named => return Err(AppError::code(ErrorCode::KioskNotFound)),
        _ => {}
    }
    tx.prepare_cached(
        "INSERT INTO kiosks (kiosk_id, center, maintenance, maintenance_by, maintenance_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kiosk_id) DO UPDATE SET maintenance = excluded.maintenance,
             maintenance_by = excluded.maintenance_by, maintenance_at = excluded.maintenance_at",
    )?
    .execute(params![kiosk_id, center, on, actor, now.as_millisecond()])?;
    audit(tx, center, actor, "kiosk_maintenance", &serde_json::json!({ "kiosk_id": kiosk_id, "on": on }), now.as_millisecond())?;
    bump(tx)?;
    kiosk(tx, kiosk_id)?.ok_or_else(|| AppError::Internal(format!("kiosk {kiosk_id} vanished")))
}

/// Publishes a checked notice for every kiosk of `center`, replacing the last one.
pub fn set_notice(tx: &Connection, center: &str, notice: &Notice, actor: &str, now: Timestamp) -> Result<(), AppError> {
    tx.prepare_cached(
        "INSERT INTO notices (center, text_vi, text_en, until, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (center) DO UPDATE SET text_vi = excluded.text_vi, text_en = excluded.text_en,
             until = excluded.until, set_by = excluded.set_by, set_at = excluded.set_at",
    )?
    .execute(params![
        center,
        notice.text_vi,
        notice.text_en,
        notice.until.map(|u| u.as_millisecond()),
        actor,
        now.as_millisecond()
    ])?;
    audit(tx, center, actor, "notice_set", &serde_json::to_value(notice)?, now.as_millisecond())?;
    bump(tx)
}

/// Removes the center's notice; whether there was one.
pub fn clear_notice(tx: &Connection, center: &str, actor: &str, now: Timestamp) -> Result<bool, AppError> {
    let n = tx.prepare_cached("DELETE FROM notices WHERE center = ?1")?.execute([center])?;
    audit(tx, center, actor, "notice_clear", &serde_json::json!({}), now.as_millisecond())?;
    bump(tx)?;
    Ok(n > 0)
}

fn notice_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, Notice)> {
    let until: Option<i64> = r.get(3)?;
    Ok((r.get(0)?, Notice { text_vi: r.get(1)?, text_en: r.get(2)?, until: until.and_then(|u| Timestamp::from_millisecond(u).ok()) }))
}

/// The center's notice, if one shows at `now`.
pub fn notice(conn: &Connection, center: &str, now: Timestamp) -> Result<Option<Notice>, AppError> {
    let found = conn
        .prepare_cached("SELECT center, text_vi, text_en, until FROM notices WHERE center = ?1")?
        .query_row([center], notice_row)
        .optional()?;
    Ok(found.map(|(_, n)| n).filter(|n| n.is_current(now)))
}

/// Every center's notice that shows at `now`.
pub fn notices(conn: &Connection, now: Timestamp) -> Result<HashMap<String, Notice>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT center, text_vi, text_en, until FROM notices")?;
    let rows = stmt.query_map([], notice_row)?;
    let mut out = HashMap::new();
    for row in rows {
        let (center, n) = row?;
        if n.is_current(now) {
            out.insert(center, n);
        }
    }
    Ok(out)
}
