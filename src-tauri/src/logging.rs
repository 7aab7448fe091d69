//! Logs: a daily-rotated file in the data folder (14 kept) and stderr.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

/// Starts logging into `dir/kiosk.YYYY-MM-DD.log`; keep the guard alive.
pub fn init(dir: &Path) -> Result<WorkerGuard, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("kiosk")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = match EnvFilter::try_from_env("MOTCUA_LOG") {
        Ok(f) => f,
        Err(e) => {
            // Unset is the normal case; a value that does not parse is said, not swallowed.
            if std::env::var_os("MOTCUA_LOG").is_some() {
                eprintln!("motcua-kiosk: MOTCUA_LOG ignored ({e}); logging at info");
            }
            EnvFilter::new("info")
        }
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(writer).with_ansi(false))
        .with(fmt::layer().with_writer(std::io::stderr))
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(guard)
}

/// Logs to stderr only (the journal under systemd or cage): when the data
/// folder cannot take the log file (read-only, full), what went wrong with it
/// must still be said somewhere.
pub fn init_stderr() {
    let filter = EnvFilter::try_from_env("MOTCUA_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::registry().with(filter).with(fmt::layer().with_writer(std::io::stderr)).try_init();
}
