//! Retention of personal data (Decree 13/2023/NĐ-CP): after a number of
//! days the server forgets who a record was about and keeps what it was:
//! counts, times, statuses and scores stay for the reports.
//!
//! What goes, and from when the days count:
//! - `dossiers.applicant_name` (emptied), `dossiers.applicant_id_hash` (the
//!   keyed hash of the applicant's ID card number, so the card no longer
//!   finds it) and the notes of its history (free text about the applicant's
//!   case): from the dossier's last change, so a dossier still moving keeps
//!   what its citizen reads and finds at the kiosk;
//! - `ratings.comment`: from the rating;
//! - `calls.reason` (why an officer called a number out of order, free text
//!   that may name the citizen): from the call.
//!
//! - `bookings.name`, `bookings.phone` (and an ID card hash): from the local
//!   midnight after the appointment's day, whatever the retention days.
//!
//! The server runs it once a day ([`spawn`]); `motcua-central purge` runs it
//! from cron. Rows are changed in small batches, each its own transaction
//! through the single writer, so ticket issuing never waits behind a purge.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::error::AppError;
use crate::state::SharedState;

/// Days personal data is kept unless the operator says otherwise.
pub const DEFAULT_DAYS: u32 = 365;
/// Rows changed per kind in one transaction.
const BATCH: i64 = 500;
/// How often the server purges.
const EVERY: Duration = Duration::from_secs(24 * 3600);
/// Where the last purge is recorded (`meta` table).
pub const LAST_RUN_KEY: &str = "retention_last_run";

/// What one purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Applicant names emptied.
    pub applicant_names: u64,
    /// Applicants' ID card hashes removed.
    pub applicant_id_hashes: u64,
    /// History notes removed.
    pub history_notes: u64,
    /// Rating comments removed.
    pub rating_comments: u64,
    /// Reasons of out-of-order calls removed.
    pub call_reasons: u64,
    /// Bookings whose name and phone number were removed (the day after the appointment).
    pub booking_contacts: u64,
}

impl PurgeReport {
    /// Rows changed.
    pub fn total(&self) -> u64 {
        self.applicant_names
            + self.applicant_id_hashes
            + self.history_notes
            + self.rating_comments
            + self.call_reasons
            + self.booking_contacts
    }

    fn add(&mut self, o: PurgeReport) {
        self.applicant_names += o.applicant_names;
        self.applicant_id_hashes += o.applicant_id_hashes;
        self.history_notes += o.history_notes;
        self.rating_comments += o.rating_comments;
        self.call_reasons += o.call_reasons;
        self.booking_contacts += o.booking_contacts;
    }
}

impl std::fmt::Display for PurgeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} applicant name(s), {} ID card hash(es), {} history note(s), {} rating comment(s), {} call reason(s), {} booking contact(s)",
            self.applicant_names,
            self.applicant_id_hashes,
            self.history_notes,
            self.rating_comments,
            self.call_reasons,
            self.booking_contacts
        )
    }
}

/// The instant before which personal data goes: `days` before `now`.
pub fn cutoff(now: Timestamp, days: u32) -> Timestamp {
    now.checked_sub(SignedDuration::from_hours(24 * i64::from(days))).unwrap_or(Timestamp::MIN)
}

/// One batch: at most [`BATCH`] rows of each kind older than `cutoff`, and
/// of bookings whose day ended before `now`.
pub fn purge_batch(conn: &Connection, cutoff: Timestamp, now: Timestamp) -> rusqlite::Result<PurgeReport> {
    let c = cutoff.as_millisecond();
    let run = |sql: &str| conn.prepare_cached(sql)?.execute(params![c, BATCH]).map(|n| n as u64);
    Ok(PurgeReport {
        applicant_names: run("UPDATE dossiers SET applicant_name = '' WHERE rowid IN
              (SELECT rowid FROM dossiers WHERE applicant_name != '' AND updated_at < ?1 LIMIT ?2)")?,
        applicant_id_hashes: run("UPDATE dossiers SET applicant_id_hash = NULL WHERE rowid IN
              (SELECT rowid FROM dossiers WHERE applicant_id_hash IS NOT NULL AND updated_at < ?1 LIMIT ?2)")?,
        history_notes: run("UPDATE dossier_history SET note = NULL WHERE id IN
              (SELECT h.id FROM dossier_history h JOIN dossiers d ON d.code = h.code
               WHERE h.note IS NOT NULL AND d.updated_at < ?1 LIMIT ?2)")?,
        rating_comments: run("UPDATE ratings SET comment = NULL WHERE rowid IN
              (SELECT rowid FROM ratings WHERE comment IS NOT NULL AND created_at < ?1 LIMIT ?2)")?,
        call_reasons: run("UPDATE calls SET reason = NULL WHERE rowid IN
              (SELECT rowid FROM calls WHERE reason IS NOT NULL AND at < ?1 LIMIT ?2)")?,
        booking_contacts: crate::bookings::purge(conn, now, BATCH)?,
    })
}

/// What a purge would remove, without removing it (`purge --dry-run`).
pub fn count(conn: &Connection, cutoff: Timestamp, now: Timestamp) -> rusqlite::Result<PurgeReport> {
    let c = cutoff.as_millisecond();
    let n = |sql: &str| conn.query_row(sql, [c], |r| r.get::<_, i64>(0)).map(|n| n.max(0) as u64);
    Ok(PurgeReport {
        applicant_names: n("SELECT count(*) FROM dossiers WHERE applicant_name != '' AND updated_at < ?1")?,
        applicant_id_hashes: n("SELECT count(*) FROM dossiers WHERE applicant_id_hash IS NOT NULL AND updated_at < ?1")?,
        history_notes: n("SELECT count(*) FROM dossier_history h JOIN dossiers d ON d.code = h.code
                          WHERE h.note IS NOT NULL AND d.updated_at < ?1")?,
        rating_comments: n("SELECT count(*) FROM ratings WHERE comment IS NOT NULL AND created_at < ?1")?,
        call_reasons: n("SELECT count(*) FROM calls WHERE reason IS NOT NULL AND at < ?1")?,
        booking_contacts: conn
            .query_row("SELECT count(*) FROM bookings WHERE purged_at IS NULL AND purge_at <= ?1", [now.as_millisecond()], |r| {
                r.get::<_, i64>(0)
            })?
            .max(0) as u64,
    })
}

fn record(conn: &Connection, now: Timestamp, cutoff: Timestamp, report: &PurgeReport) -> rusqlite::Result<()> {
    let value = serde_json::json!({ "at": now, "cutoff": cutoff, "removed": report }).to_string();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![LAST_RUN_KEY, value],
    )?;
    Ok(())
}

/// Purges on a connection of its own (the command line), batch by batch,
/// each batch its own transaction.
pub fn purge(conn: &Connection, now: Timestamp, days: u32) -> rusqlite::Result<PurgeReport> {
    let cutoff = cutoff(now, days);
    let mut total = PurgeReport::default();
    loop {
        let tx = conn.unchecked_transaction()?;
        let step = purge_batch(&tx, cutoff, now)?;
        tx.commit()?;
        total.add(step);
        if step.total() == 0 {
            break;
        }
    }
    record(conn, now, cutoff, &total)?;
    Ok(total)
}

/// Purges through the server's writer, one batch per writer job, so issuing
/// goes on between batches. "Now" is the server's clock.
pub async fn run_once(state: &SharedState, days: u32) -> Result<PurgeReport, AppError> {
    let now = state.clock.now();
    let cutoff = cutoff(now, days);
    let mut total = PurgeReport::default();
    loop {
        let step = state.writer.exec(move |tx, _| Ok(purge_batch(tx, cutoff, now)?)).await?;
        total.add(step);
        if step.total() == 0 {
            break;
        }
    }
    state.writer.exec(move |tx, _| Ok(record(tx, now, cutoff, &total)?)).await?;
    Ok(total)
}

/// The daily purge inside `serve`: once at start, then every 24 hours.
pub fn spawn(state: SharedState, days: u32) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_once(&state, days).await {
                Ok(r) if r.total() > 0 => tracing::info!(days, removed = %r, "personal data past its retention removed"),
                Ok(_) => tracing::debug!(days, "retention: nothing past its time"),
                Err(e) => tracing::error!(error = %e, "retention purge failed; it runs again in 24 hours"),
            }
            tokio::time::sleep(EVERY).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_is_older_than_the_cutoff_goes_and_the_figures_stay() {
        let (_dir, conn) = crate::db::temp_db();
        let old = 1_000_i64;
        let new = 10_000_i64;
        for (code, at) in [("old", old), ("new", new)] {
            conn.execute(
                "INSERT INTO dossiers (code, center, procedure_name, applicant_name, status, received_at, due_at, updated_at, applicant_id_hash)
                 VALUES (?1, 'c', 'Cấp giấy phép', 'Nguyễn Văn An', 9, ?2, ?2, ?2, ?3)",
                params![code, at, "ab".repeat(32)],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO dossier_history (code, at, status, unit, note) VALUES (?1, ?2, 9, 'u', 'gọi cho ông An 0912345678')",
                params![code, at],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO ratings (id, center, dossier_code, score, comment, created_at) VALUES (?1, 'c', ?1, 1, 'chờ lâu', ?2)",
                params![code, at],
            )
            .unwrap();
        }
        let cut = Timestamp::from_millisecond(5_000).unwrap();
        assert_eq!(count(&conn, cut, cut).unwrap().total(), 4);
        let report = purge_batch(&conn, cut, cut).unwrap();
        assert_eq!(
            report,
            PurgeReport {
                applicant_names: 1,
                applicant_id_hashes: 1,
                history_notes: 1,
                rating_comments: 1,
                call_reasons: 0,
                booking_contacts: 0
            }
        );
        let hashes: Vec<Option<String>> = conn
            .prepare("SELECT applicant_id_hash FROM dossiers ORDER BY code")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(hashes, [Some("ab".repeat(32)), None], "the old dossier's card no longer finds it");
        let names: Vec<String> = conn
            .prepare("SELECT applicant_name FROM dossiers ORDER BY code")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(names, ["Nguyễn Văn An", ""]);
        let (n, scores): (i64, i64) =
            conn.query_row("SELECT count(*), sum(score) FROM ratings", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!((n, scores), (2, 2), "ratings are still counted");
        assert_eq!(purge_batch(&conn, cut, cut).unwrap().total(), 0, "a second pass finds nothing");
    }

    #[test]
    fn the_cutoff_is_whole_days_before_now() {
        let now: Timestamp = "2027-12-01T02:00:00Z".parse().unwrap();
        assert_eq!(cutoff(now, 365).to_string(), "2026-12-01T02:00:00Z");
    }
}
