//! The Vĩnh Phúc demo center (`--demo`): the catalog file in the repo, and
//! demo dossiers whose dates are placed relative to the day they are seeded.

use jiff::civil::Time;
use jiff::{Timestamp, ToSpan};
use rusqlite::{Connection, params};

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
    Ok(true)
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
        let received = at(d.received_days_ago, Time::constant(8, 30, 0, 0))?;
        let due = at(-d.due_in_days, Time::constant(16, 30, 0, 0))?;
        let mut done_at = None;
        let mut history = Vec::new();
        for (i, h) in d.history.iter().enumerate() {
            let minute = i8::try_from(i * 7 % 60).unwrap_or(0);
            let t = at(h.days_ago, Time::constant(9, 0, 0, 0).saturating_add(minute.minutes()))?.min(now.as_millisecond());
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
    fn seeding_fills_an_empty_database_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = crate::db::open_and_migrate(&dir.path().join("c.db")).expect("db");
        let now: Timestamp = "2026-11-28T01:00:00Z".parse().expect("ts");
        assert!(seed_if_empty(&mut conn, now).expect("seed"));
        assert!(!seed_if_empty(&mut conn, now).expect("second seed"));
        let n: i64 = conn.query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0)).expect("count");
        assert!(n >= 24, "{n}");
    }
}
