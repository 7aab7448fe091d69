//! The Vĩnh Phúc demo center (`--demo`): the catalog file in the repo, and
//! demo dossiers. Their codes are fixed (the README lists them), and the day
//! in each code is the day the dossier was received, on any day the demo is
//! seeded; due dates and later steps are placed relative to the seeding day
//! so "in processing", "overdue" and "ready" stay true.

use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp, ToSpan};
use rusqlite::{Connection, OptionalExtension, params};

use crate::catalog_file::{self, CatalogFile, CatalogFileError};

/// The demo catalog file, also an example of the format.
pub const DEMO_FILE: &str = include_str!("../demo/vinh-phuc.toml");

/// Seeds the demo into an empty database; a database that already has a
/// catalog is left as it is. Returns whether it seeded.
pub fn seed_if_empty(conn: &mut Connection, now: Timestamp) -> Result<bool, CatalogFileError> {
    if !catalog_file::existing_centers(conn)?.is_empty() {
        return Ok(false);
    }
    let file = catalog_file::parse(DEMO_FILE)?;
    catalog_file::import(conn, &file)?;
    seed_dossiers(conn, &file, now)?;
    seed_bookings(conn, now)?;
    Ok(true)
}

/// The cancel secret of every demo booking (`/dat-lich/huy/{CODE}?k=demo`).
pub const DEMO_CANCEL_SECRET: &str = "demo";

/// One demo booking as seeded: its code, service and slot start.
pub type SeededBooking = (String, String, Timestamp);

/// Books the demo's fixed codes for today (README, "Appointments"): slot 0 is
/// the first slot whose check-in has not closed (today's, or just after
/// midnight tomorrow's), so it can be checked in at once; slot 1, 2 … follow.
/// A code booked for today or a slot still to come stays as it is (a restart
/// keeps its check-in); an older one is booked again. Returns the bookings.
pub fn seed_bookings(conn: &mut Connection, now: Timestamp) -> Result<Vec<SeededBooking>, CatalogFileError> {
    let file = catalog_file::parse(DEMO_FILE)?;
    let catalogs = crate::catalog::load(conn).map_err(|e| CatalogFileError::Parse(e.to_string()))?;
    let tx = conn.transaction()?;
    let mut seeded = Vec::new();
    for d in &file.demo_bookings {
        let Some(code) = motcua_domain::booking::parse_code(&d.code) else { continue };
        let Some((cat, service)) = crate::bookings::find_service(&catalogs, &d.service) else { continue };
        let Some(a) = &service.appointments else { continue };
        let today = crate::tickets::local_day(cat, now);
        let kept: Option<(String, i64)> =
            tx.query_row("SELECT day, slot_start FROM bookings WHERE code = ?1", [&code], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        if let Some((day, start)) = kept
            && (day == today.to_string() || start >= now.as_millisecond())
        {
            seeded.push((code, service.id.clone(), crate::tickets::ts(start)));
            continue;
        }
        let after = now.checked_sub(SignedDuration::from_mins(i64::from(cat.center().appointments.check_in_after_min))).unwrap_or(now);
        let mut slots = crate::bookings::day_slots(cat, service, a, today);
        if let Ok(tomorrow) = today.tomorrow() {
            slots.extend(crate::bookings::day_slots(cat, service, a, tomorrow));
        }
        let Some(first) = slots.iter().position(|s| s.start >= after) else { continue };
        let Some(slot) = slots.get(first + d.slot as usize) else { continue };
        let day = crate::tickets::local_day(cat, slot.start);
        tx.execute("DELETE FROM bookings WHERE code = ?1", [&code])?;
        tx.execute(
            "INSERT INTO bookings (code, center, service_id, day, slot_start, slot_end, status, name, phone, cancel_hash,
                                   by_staff, created_at, updated_at, purge_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'booked', ?7, ?8, ?9, 0, ?10, ?10, ?11)",
            params![
                code,
                cat.center().id,
                service.id,
                day.to_string(),
                slot.start.as_millisecond(),
                slot.end.as_millisecond(),
                d.name,
                d.phone,
                crate::bookings::secret_hash(DEMO_CANCEL_SECRET),
                now.as_millisecond(),
                crate::bookings::purge_at(cat, day)
            ],
        )?;
        seeded.push((code, service.id.clone(), slot.start));
    }
    tx.commit()?;
    Ok(seeded)
}

/// The demo staff accounts, password `demo`, once: `canbo1` at counters 6
/// and 10 (B, land), `canbo2` at 7–9 (C, building), `canbo3` at 1–5 (A,
/// business), `giamdoc` the director (every counter).
pub fn seed_staff(conn: &Connection) -> Result<bool, crate::accounts::AccountError> {
    let ids = |list: &[&str]| list.iter().map(|c| (*c).to_string()).collect::<Vec<_>>();
    let counters = [
        ids(&["vp-quay-06", "vp-quay-10"]),
        ids(&["vp-quay-07", "vp-quay-08", "vp-quay-09"]),
        ids(&["vp-quay-01", "vp-quay-02", "vp-quay-03", "vp-quay-04", "vp-quay-05"]),
    ];
    crate::accounts::seed_demo(conn, crate::http::extract::DEMO_CENTER, &counters)
}

fn seed_dossiers(conn: &mut Connection, file: &CatalogFile, now: Timestamp) -> Result<(), CatalogFileError> {
    let tx = conn.transaction()?;
    for d in &file.dossiers {
        let Some(center) = file.centers.iter().find(|c| c.id == d.center) else { continue };
        let tz = jiff::tz::TimeZone::get(&center.time_zone).map_err(|e| CatalogFileError::Parse(e.to_string()))?;
        let today = now.to_zoned(tz.clone()).date();
        let at = |days_ago: i64, time: Time| -> Result<i64, CatalogFileError> {
            let day = today.checked_sub(days_ago.days()).map_err(|e| CatalogFileError::Parse(e.to_string()))?;
            let z = day.to_datetime(time).to_zoned(tz.clone()).map_err(|e| CatalogFileError::Parse(e.to_string()))?;
            Ok(z.timestamp().as_millisecond())
        };
        let procedure = file.procedures.iter().find(|p| p.id == d.procedure);
        let procedure_name = procedure.map(|p| p.name.clone()).unwrap_or_default();
        // The day in the code is the day received (never after today).
        let received_day = code_day(&d.code).map_or(d.received_days_ago, |day| (today - day).get_days().max(0).into());
        let received = at(received_day, Time::constant(8, 30, 0, 0))?;
        let due = at(-d.due_in_days, Time::constant(16, 30, 0, 0))?.max(at(received_day - 1, Time::constant(16, 30, 0, 0))?);
        let mut done_at = None;
        let mut history = Vec::new();
        for (i, h) in d.history.iter().enumerate() {
            let minute = i8::try_from(i * 7 % 60).unwrap_or(0);
            // No step before the day received, none after now.
            let t =
                at(h.days_ago.min(received_day), Time::constant(9, 0, 0, 0).saturating_add(minute.minutes()))?.min(now.as_millisecond());
            if matches!(h.status, 9 | 10) && done_at.is_none() {
                done_at = Some(t);
            }
            history.push((t, h));
        }
        if matches!(d.status, 9 | 10) && done_at.is_none() {
            done_at = Some(received);
        }
        tx.execute(
            "INSERT OR REPLACE INTO dossiers (code, center, procedure_id, procedure_name, applicant_name, status,
                 received_at, due_at, done_at, collect_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                d.code,
                d.center,
                d.procedure,
                procedure_name,
                d.applicant_name,
                d.status,
                received,
                due,
                done_at,
                d.collect_at,
                now.as_millisecond()
            ],
        )?;
        tx.execute("DELETE FROM dossier_history WHERE code = ?1", [&d.code])?;
        for (t, h) in history {
            tx.execute(
                "INSERT INTO dossier_history (code, at, status, unit, actor, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![d.code, t, h.status, h.unit, h.actor, h.note],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The day in a dossier code `…-YYMMDD-NNNN` (the day it was received).
fn code_day(code: &str) -> Option<jiff::civil::Date> {
    let ymd = code.split('-').nth(1).filter(|s| s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()))?;
    let n = |r: std::ops::Range<usize>| ymd.get(r).and_then(|x| x.parse::<i8>().ok());
    jiff::civil::Date::new(2000 + i16::from(n(0..2)?), n(2..4)?, n(4..6)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_file_is_valid_and_complete() {
        let file = catalog_file::parse(DEMO_FILE).expect("demo parses");
        catalog_file::validate(&file, &Default::default()).expect("demo validates");
        let province: Vec<_> = file.agencies.iter().filter(|a| a.center == "vp-tinh").collect();
        assert!(province.len() >= 21, "20 agencies and the investment desk, got {}", province.len());
        let ipa = province.iter().find(|a| a.id == "ipa-vinh-phuc").expect("investment desk");
        assert_eq!(ipa.on_behalf_of.len(), 9);
        let procedures = file
            .procedures
            .iter()
            .filter(|p| file.fields.iter().any(|f| f.id == p.field && province.iter().any(|a| a.id == f.agency)))
            .count();
        assert!(procedures >= 60, "{procedures}");
        for status in 1..=10 {
            assert!(file.dossiers.iter().any(|d| d.status == status), "a demo dossier in status {status}");
        }
        let capped: Vec<_> = file.services.iter().filter(|s| s.daily_cap.is_some()).collect();
        let with_hours: Vec<_> = file.services.iter().filter(|s| !s.hours.is_empty()).collect();
        assert_eq!((capped.len(), with_hours.len()), (1, 1));
        for c in ["vp-tinh", "vp-vinh-yen", "vp-yen-lac", "vp-tam-dao"] {
            assert!(file.centers.iter().any(|x| x.id == c), "{c}");
        }
    }

    #[test]
    fn the_first_demo_bookings_can_check_in_at_any_hour() {
        for at in ["2026-11-30T02:00:00Z", "2026-11-30T16:50:00Z", "2026-11-30T16:59:59Z", "2026-11-30T17:00:00Z"] {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut conn = crate::db::open_and_migrate(&dir.path().join("c.db")).expect("db");
            let now: Timestamp = at.parse().expect("ts");
            seed_if_empty(&mut conn, now).expect("seed");
            let seeded = seed_bookings(&mut conn, now).expect("bookings");
            assert_eq!(seeded.len(), 5, "{at}: {seeded:?}");
            let kha = seeded.iter().find(|(c, _, _)| c == "DEM-KHA").expect("DEM-KHA").2;
            let window = SignedDuration::from_mins(15);
            assert!(kha.checked_sub(window).unwrap() <= now && now <= kha.checked_add(window).unwrap(), "{at}: DEM-KHA at {kha}");
        }
    }

    #[test]
    fn seeding_fills_an_empty_database_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = crate::db::open_and_migrate(&dir.path().join("c.db")).expect("db");
        let now: Timestamp = "2026-11-28T01:00:00Z".parse().expect("ts");
        assert!(seed_if_empty(&mut conn, now).expect("seed"));
        assert!(!seed_if_empty(&mut conn, now).expect("second seed"));
        let n: i64 = conn.query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0)).expect("count");
        assert!(n >= 24, "{n}");
    }

    /// On any day the demo is seeded, "Ngày nhận" is the day in the code, the
    /// history runs from it to now in order, and the statuses stay true.
    #[test]
    fn received_dates_match_the_codes_on_any_day() {
        let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz");
        for day in ["2026-11-28T01:00:00Z", "2026-11-29T10:00:00Z", "2027-06-15T03:00:00Z", "2028-02-29T16:30:00Z"] {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut conn = crate::db::open_and_migrate(&dir.path().join("c.db")).expect("db");
            let now: Timestamp = day.parse().expect("ts");
            seed_if_empty(&mut conn, now).expect("seed");
            let mut stmt = conn.prepare("SELECT code, received_at, due_at, status FROM dossiers").expect("sql");
            let rows: Vec<(String, i64, i64, i64)> =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).expect("rows").map(|r| r.expect("row")).collect();
            for (code, received, due, _) in &rows {
                let got = Timestamp::from_millisecond(*received).expect("ts").to_zoned(tz.clone()).date();
                let yymmdd = got.strftime("%y%m%d").to_string();
                assert!(code.contains(&format!("-{yymmdd}-")), "{day}: {code} received {got}");
                assert!(due > received, "{day}: {code} is due after it was received");
                let steps: Vec<i64> = conn
                    .prepare("SELECT at FROM dossier_history WHERE code = ?1 ORDER BY rowid")
                    .expect("sql")
                    .query_map([code], |r| r.get(0))
                    .expect("rows")
                    .map(|r| r.expect("row"))
                    .collect();
                assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{day}: {code} history in order: {steps:?}");
                assert!(
                    steps.iter().all(|t| *t >= *received - 3_600_000 && *t <= now.as_millisecond()),
                    "{day}: {code} steps between receipt and now"
                );
            }
            let processing = rows.iter().find(|r| r.0 == "000.00.12.H62-261120-0004").expect("demo dossier");
            assert!(processing.2 > now.as_millisecond(), "{day}: still due in the future");
            let overdue = rows.iter().find(|r| r.0 == "000.00.15.H62-261029-0003").expect("demo dossier");
            assert!(overdue.2 < now.as_millisecond(), "{day}: overdue");
        }
    }
}
