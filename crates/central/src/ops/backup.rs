//! `motcua-central backup`: a consistent copy of the database while the
//! server runs, through SQLite's online backup API.
//!
//! The copy reads one snapshot: a read transaction is opened on the source
//! before the first step and kept until the last, so the steps see the same
//! database even while the writer commits (WAL lets a reader and the writer
//! run side by side; without the open transaction SQLite would restart the
//! copy after every commit of another connection, and under steady ticket
//! issuing it would never finish). The writer is never blocked; the copy
//! goes in steps, each flushed to disk before the next, so the disk is shared
//! with the writer's fsyncs instead of flooded at the end. The file
//! appears under its name only once it is complete, checked and on disk.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

/// Pages copied per step (4 MiB with 4 KiB pages).
pub const PAGES_PER_STEP: i32 = 1024;
/// Rest between steps: the writer's fsyncs get the disk.
pub const PAUSE: Duration = Duration::from_millis(2);

/// Why a backup failed; the output file is then absent or left as it was.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// No database at the path.
    #[error("no database at {0}")]
    Missing(PathBuf),
    /// The output is the database itself.
    #[error("--out {0} is the database itself: write the backup to another file")]
    SameFile(PathBuf),
    /// SQLite refused (not a database, disk full, …).
    #[error("{path}: {source}")]
    Sql {
        /// The file concerned.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The copy failed its check.
    #[error("the copy failed its check ({0}); the database was not changed, the copy was removed")]
    CopyDamaged(String),
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// What a backup did.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// Pages in the copy.
    pub pages: u64,
    /// Bytes in the copy.
    pub bytes: u64,
    /// Steps taken.
    pub steps: u32,
    /// Copy, check and sync, end to end.
    pub duration: Duration,
    /// The schema version in the copy (`PRAGMA user_version`).
    pub schema_version: i64,
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> BackupError + '_ {
    move |source| BackupError::Sql { path: path.to_path_buf(), source }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.to_path_buf(), source }
}

/// The file's name with `suffix` appended (`central.db` → `central.db.partial`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Copies `db` to `out` (replaced if it exists) while the server may write
/// to `db`; `progress(copied, total)` after every step.
pub fn backup(db: &Path, out: &Path, mut progress: impl FnMut(u64, u64)) -> Result<BackupReport, BackupError> {
    let started = Instant::now();
    if !db.is_file() {
        return Err(BackupError::Missing(db.to_path_buf()));
    }
    let same = match (db.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(BackupError::SameFile(out.to_path_buf()));
    }
    // Read-write without create: a WAL reader may need to write the -shm
    // index; nothing is written to the database.
    let src = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(sql(db))?;
    src.busy_timeout(Duration::from_secs(10)).map_err(sql(db))?;
    // One snapshot for every step (see the module's note).
    src.execute_batch("BEGIN DEFERRED").map_err(sql(db))?;
    let _: i64 = src.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).map_err(sql(db))?;

    let partial = with_suffix(out, ".partial");
    for stale in [partial.clone(), with_suffix(&partial, "-journal")] {
        match std::fs::remove_file(&stale) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&stale)(e)),
            _ => {}
        }
    }
    let copied = (|| {
        let mut dst = Connection::open(&partial).map_err(sql(&partial))?;
        // The copy's pages reach the disk step by step: left to the kernel
        // they would pile up (a gigabyte fits in its cache) and go out in one
        // burst at the end, and the writer's fsync would wait behind it.
        let flusher = std::fs::File::open(&partial).map_err(io(&partial))?;
        let steps = {
            let b = Backup::new(&src, &mut dst).map_err(sql(&partial))?;
            let mut steps = 0u32;
            loop {
                let r = b.step(PAGES_PER_STEP).map_err(sql(&partial))?;
                flusher.sync_data().map_err(io(&partial))?;
                steps += 1;
                let p = b.progress();
                let total = u64::try_from(p.pagecount).unwrap_or(0);
                progress(total.saturating_sub(u64::try_from(p.remaining).unwrap_or(0)), total);
                match r {
                    StepResult::Done => break,
                    StepResult::More => std::thread::sleep(PAUSE),
                    // Another process holds a lock on the copy, or the source
                    // connection itself writes (it does not): wait and retry.
                    _ => std::thread::sleep(Duration::from_millis(50)),
                }
            }
            steps
        };
        // A file of its own: no -wal beside it to lose when it is copied.
        dst.pragma_update(None, "journal_mode", "DELETE").map_err(sql(&partial))?;
        let check: String = dst.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(sql(&partial))?;
        if check != "ok" {
            return Err(BackupError::CopyDamaged(check));
        }
        let pages: i64 = dst.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(sql(&partial))?;
        let schema_version: i64 = dst.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql(&partial))?;
        dst.close().map_err(|(_, e)| sql(&partial)(e))?;
        Ok((steps, u64::try_from(pages).unwrap_or(0), schema_version))
    })();
    // The snapshot is released whatever happened.
    let _ = src.execute_batch("COMMIT");
    drop(src);
    let (steps, pages, schema_version) = match copied {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let file = std::fs::File::open(&partial).map_err(io(&partial))?;
    file.sync_all().map_err(io(&partial))?;
    let bytes = file.metadata().map_err(io(&partial))?.len();
    drop(file);
    std::fs::rename(&partial, out).map_err(io(out))?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself survives a power cut once its folder is synced.
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))?;
    }
    Ok(BackupReport { pages, bytes, steps, duration: started.elapsed(), schema_version })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_is_a_checked_copy_in_a_file_of_its_own() {
        let (dir, conn) = crate::db::temp_db();
        conn.execute_batch("INSERT INTO meta (key, value) VALUES ('x', 'y')").unwrap();
        let out = dir.path().join("b.db");
        let report = backup(&dir.path().join("c.db"), &out, |_, _| {}).unwrap();
        assert!(report.pages > 0 && report.bytes > 0);
        assert!(!with_suffix(&out, ".partial").exists());
        assert!(!with_suffix(&out, "-wal").exists());
        let copy = Connection::open(&out).unwrap();
        let v: String = copy.query_row("SELECT value FROM meta WHERE key = 'x'", [], |r| r.get(0)).unwrap();
        assert_eq!(v, "y");
        let mode: String = copy.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete");
    }

    #[test]
    fn the_database_itself_and_a_missing_one_are_refused() {
        let (dir, _conn) = crate::db::temp_db();
        let db = dir.path().join("c.db");
        assert!(matches!(backup(&db, &db, |_, _| {}), Err(BackupError::SameFile(_))));
        let missing = dir.path().join("none.db");
        assert!(matches!(backup(&missing, &dir.path().join("o.db"), |_, _| {}), Err(BackupError::Missing(_))));
        assert!(!missing.exists(), "a backup never creates the database");
    }
}
