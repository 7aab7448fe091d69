//! Reports for the center director: waiting, service, satisfaction and
//! on-time figures of a period, today live, as a page (`/bao-cao`), a
//! spreadsheet, CSV and a one-page monthly PDF.
//!
//! Every figure is defined once, in [`facts`] (tickets and ratings) and
//! [`dossiers`]; [`report`] adds them up for a period and a scope;
//! [`tables`] turns a report into the typed tables the page, the XLSX and
//! the CSV share. Past days are read from summary tables ([`summary`]),
//! built once a day is over; today is always added up live.

pub mod dossiers;
pub mod export;
pub mod facts;
pub mod history;
pub mod pdf;
pub mod report;
pub mod summary;
pub mod svg;
pub mod tables;

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;

pub use report::{Period, Report, Scope, Today};

use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::state::SharedState;
use crate::tickets::local_day;

/// Days summarised per writer transaction when a report asks for them: a
/// day of a busy center takes a few milliseconds, so the writer is never
/// held long.
const DAYS_PER_BUILD: usize = 7;

/// Makes sure the summaries of `days` are stored, building the missing ones
/// (days that are over) through the writer. Answers how many it built.
pub async fn prepare(state: &SharedState, cat: &Arc<CenterCatalog>, days: Vec<Date>) -> Result<usize, AppError> {
    let today = local_day(cat, state.clock.now());
    let center = cat.center().id.clone();
    let missing = {
        let state = state.clone();
        let center = center.clone();
        tokio::task::spawn_blocking(move || {
            let conn = state.pool.get()?;
            summary::missing(&conn, &center, &days, today)
        })
        .await
        .map_err(|e| AppError::Internal(format!("report task: {e}")))??
    };
    for chunk in missing.chunks(DAYS_PER_BUILD) {
        let (chunk, center, tz) = (chunk.to_vec(), center.clone(), cat.tz.clone());
        state
            .writer
            .exec(move |tx, now| {
                let today = now.to_zoned(tz.clone()).date();
                summary::build(tx, &center, &chunk, today, &tz, now)
            })
            .await?;
    }
    Ok(missing.len())
}

/// What `motcua-central report` writes.
#[derive(Debug, Clone)]
pub struct CliReport {
    /// The SQLite file.
    pub db: std::path::PathBuf,
    /// The center.
    pub center: String,
    /// First day, YYYY-MM-DD.
    pub from: String,
    /// Last day, YYYY-MM-DD.
    pub to: String,
    /// `.xlsx` (default) or `.csv`.
    pub out: std::path::PathBuf,
    /// Only this service.
    pub service: Option<String>,
    /// Only this counter (id or number).
    pub counter: Option<String>,
}

/// `motcua-central report`: the page's figures for a period into a file,
/// for a scheduled job. Builds missing summaries with its own connection.
pub fn run_cli(args: &CliReport, now: Timestamp) -> Result<String, String> {
    let mut conn = crate::db::open_and_migrate(&args.db).map_err(|e| e.to_string())?;
    let catalogs = crate::catalog::load(&conn).map_err(|e| e.to_string())?;
    let Some(cat) = catalogs.center(&args.center).cloned() else {
        let mut known: Vec<_> = catalogs.centers.keys().cloned().collect();
        known.sort();
        return Err(format!("unknown center {:?}; centers in {}: {}", args.center, args.db.display(), known.join(", ")));
    };
    let said = |e: AppError| match e.api() {
        Some(api) => api.message.clone(),
        None => e.to_string(),
    };
    let period = Period::new(report::parse_day("--from", &args.from).map_err(said)?, report::parse_day("--to", &args.to).map_err(said)?)
        .map_err(said)?;
    let service = match &args.service {
        Some(s) if cat.service(s).is_none() => return Err(format!("center {} has no service {s:?}", args.center)),
        s => s.clone(),
    };
    let counter = match &args.counter {
        Some(c) => Some(
            cat.catalog
                .counters
                .iter()
                .find(|x| x.id == *c || c.parse::<u32>().is_ok_and(|n| n == x.number))
                .map(|x| x.id.clone())
                .ok_or_else(|| format!("center {} has no counter {c:?}", args.center))?,
        ),
        None => None,
    };
    let scope = Scope { center: args.center.clone(), service, counters: counter.map(|c| vec![c]), officer: None, dossiers: true };
    let today = local_day(&cat, now);
    let days = period.days_until(today);
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    let missing = summary::missing(&tx, &args.center, &days, today).map_err(said)?;
    summary::build(&tx, &args.center, &missing, today, &cat.tz, now).map_err(said)?;
    tx.commit().map_err(|e| e.to_string())?;
    let report = report::build(&conn, &cat, &scope, period, now).map_err(said)?;
    let tables = tables::tables(&report, &cat, false);
    let csv = args.out.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let bytes = if csv { export::csv(&tables, false) } else { export::xlsx(&tables, false) }.map_err(said)?;
    write_atomically(&args.out, &bytes)?;
    Ok(format!(
        "{}: {} to {}, {} tickets, {} served, {} ratings{} → {} ({} tables)",
        args.center,
        period.from,
        period.to,
        report.total.issued,
        report.total.served,
        report.ratings.total(),
        report.dossiers.as_ref().map(|d| format!(", {} dossiers received", d.total.received)).unwrap_or_default(),
        args.out.display(),
        tables.len()
    ))
}

/// Writes through a temporary file in the same folder, so a scheduled job
/// never leaves half a spreadsheet where the previous one was.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "report".into());
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
