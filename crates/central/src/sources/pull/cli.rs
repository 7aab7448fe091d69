//! `motcua-central dossiers pull`: one pass (for cron), or a pass every
//! `--every` until stopped, into the database file directly. The server may
//! run on the same file at the same time (SQLite waits for the other writer).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::spec::Overrides;
use super::{Sink, Source, wait_after};
use crate::clock::{Clock, SystemClock};

/// Runs the command; the exit status of a single pass: 0 every record
/// written or unchanged, 2 some rejected, 1 the pass failed or could not start.
pub fn pull(db: PathBuf, source: Option<String>, mapping: PathBuf, every: Option<Duration>, center: Option<String>) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let setup = || -> Result<(Source, Sink), String> {
        let text = std::fs::read_to_string(&mapping).map_err(|e| format!("cannot read {}: {e}", mapping.display()))?;
        if !db.exists() {
            return Err(format!("no database at {}: import a catalog first (motcua-central catalog import)", db.display()));
        }
        let conn = crate::db::open_and_migrate(&db).map_err(|e| e.to_string())?;
        let key = crate::id_key::IdKey::load_or_create(&db)?;
        key.reconcile(&conn).map_err(|e| e.to_string())?;
        let catalogs = crate::catalog::load(&conn).map_err(|e| e.to_string())?;
        let over = Overrides { url: source, every, center };
        let src = Source::new(&text, &over, &catalogs, key).map_err(|e| format!("{}: {e}", mapping.display()))?;
        Ok((src, Sink::Db(Arc::new(Mutex::new(conn)))))
    };
    let (src, sink) = match setup() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing was pulled");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    runtime.block_on(async move {
        let mut failures = 0u32;
        loop {
            let report = src.pass(&sink, &*clock).await;
            for p in &report.problems {
                println!("{p}");
            }
            match &report.error {
                None => println!("{}: {}", src.settings.name, report.summary()),
                Some(e) => println!("{}: pass failed after {}: {e}", src.settings.name, report.summary()),
            }
            if every.is_none() {
                return match (&report.error, report.rejected) {
                    (Some(_), _) => ExitCode::FAILURE,
                    (None, 0) => ExitCode::SUCCESS,
                    (None, _) => ExitCode::from(2),
                };
            }
            failures = if report.error.is_some() { failures.saturating_add(1) } else { 0 };
            let wait = wait_after(src.settings.every, failures);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
            }
        }
    })
}
