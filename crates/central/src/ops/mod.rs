//! The operator's side: backups, checks, retention of personal data, TLS.

pub mod backup;
pub mod check;
pub mod retention;
pub mod tls;

use std::path::PathBuf;

/// The operator's `serve` options: TLS and retention.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOps {
    /// Serve HTTPS with this certificate chain (PEM); SIGHUP reloads it. Needs --tls-key.
    #[arg(long, env = "MOTCUA_CENTRAL_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, env = "MOTCUA_CENTRAL_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Days personal data (applicant names, comments, notes) is kept before the daily purge removes it.
    #[arg(long, default_value_t = retention::DEFAULT_DAYS, env = "MOTCUA_CENTRAL_RETENTION_DAYS",
          value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub retention_days: u32,
}

impl ServeOps {
    /// The TLS files, when both are given.
    pub fn tls(&self) -> Option<tls::TlsFiles> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(tls::TlsFiles { cert: cert.clone(), key: key.clone() }),
            _ => None,
        }
    }
}

/// The operator's commands.
#[derive(Debug, clap::Subcommand)]
pub enum OpsCmd {
    /// Copy the database to a file while the server runs (SQLite's online backup): consistent,
    /// checked, and under its name only once complete. Ticket issuing goes on meanwhile.
    Backup {
        /// The server's database.
        #[arg(long, env = "MOTCUA_CENTRAL_DB")]
        db: PathBuf,
        /// The backup file (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a database or a backup: SQLite integrity, foreign keys, schema version and tables.
    /// Read-only. Exit status: 0 sound, 1 problems found, 2 cannot be checked.
    Check {
        /// The database or backup file.
        #[arg(long, env = "MOTCUA_CENTRAL_DB")]
        db: PathBuf,
    },
    /// Remove personal data (applicant names, comments, notes) older than N days, keeping the
    /// anonymous figures; for cron when the server's own daily purge is not wanted.
    Purge {
        /// The server's database.
        #[arg(long, env = "MOTCUA_CENTRAL_DB")]
        db: PathBuf,
        /// Remove what is older than this many days.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_500))]
        older_than_days: u32,
        /// Count what would go, change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Runs an operator's command; its exit status.
pub fn run(cmd: OpsCmd) -> std::process::ExitCode {
    use std::process::ExitCode;
    match cmd {
        OpsCmd::Backup { db, out } => {
            let mut shown = 0u64;
            let result = backup::backup(&db, &out, |done, total| {
                // A line per 10 % on a terminal that watches a large copy.
                let tenth = (done * 10).checked_div(total).unwrap_or(10);
                if tenth > shown && tenth < 10 {
                    shown = tenth;
                    eprintln!("… {}%", tenth * 10);
                }
            });
            match result {
                Ok(r) => {
                    println!(
                        "backup of {} written to {}: {} pages, {:.1} MB, schema {}, checked, in {:.2} s",
                        db.display(),
                        out.display(),
                        r.pages,
                        r.bytes as f64 / 1e6,
                        r.schema_version,
                        r.duration.as_secs_f64()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: backup failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        OpsCmd::Check { db } => match check::check(&db) {
            Ok(report) => {
                println!("database: {}", report.summary);
                for f in &report.findings {
                    match &f.result {
                        Ok(text) => println!("{}: {text}", f.what),
                        Err(problem) => println!("{}: PROBLEM: {problem}", f.what),
                    }
                }
                if report.ok() {
                    println!("ok");
                    ExitCode::SUCCESS
                } else {
                    println!("NOT OK: restore the last good backup (see docs/deployment.md)");
                    ExitCode::from(1)
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        OpsCmd::Purge { db, older_than_days, dry_run } => {
            let result = (|| -> Result<String, String> {
                if !db.is_file() {
                    return Err(format!("no database at {}", db.display()));
                }
                let conn = crate::db::open_and_migrate(&db).map_err(|e| e.to_string())?;
                let now = jiff::Timestamp::now();
                let cutoff = retention::cutoff(now, older_than_days);
                if dry_run {
                    let n = retention::count(&conn, cutoff, now).map_err(|e| e.to_string())?;
                    return Ok(format!("would remove, from before {cutoff}: {n}"));
                }
                let n = retention::purge(&conn, now, older_than_days).map_err(|e| e.to_string())?;
                Ok(format!("removed, from before {cutoff}: {n}"))
            })();
            match result {
                Ok(line) => {
                    println!("{line}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
