//! SQLite: opening, pragmas, embedded migrations, a small pool of read connections.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;

/// Numbered migrations (the number is the file's prefix), applied in order;
/// `PRAGMA user_version` records the number of the last one applied. Numbers
/// may have gaps (6 was never used), but a new migration takes a number above
/// the last one: a database already past a gap would never apply it.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_staff.sql")),
    (3, include_str!("../migrations/0003_sources.sql")),
    (4, include_str!("../migrations/0004_fleet.sql")),
    (5, include_str!("../migrations/0005_reliability.sql")),
    (7, include_str!("../migrations/0007_reports.sql")),
    (8, include_str!("../migrations/0008_sources.sql")),
    (9, include_str!("../migrations/0009_bookings.sql")),
];

/// The schema this server writes: the last migration's number.
fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |(n, _)| *n)
}

/// Storage errors.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The file could not be opened, or its pragmas not set.
    #[error("database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A migration failed; it was rolled back, and the schema stays at the one before.
    #[error("database migration {number}: {source}")]
    Migrate {
        /// The migration's number (its file's prefix).
        number: usize,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The schema is newer than this server: refuse rather than guess at it.
    #[error("database {path} was written by a newer server (schema {found}, this server knows {known})")]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The schema version in the file.
        found: i64,
        /// The last migration this server has.
        known: usize,
    },
    /// A query failed.
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// A thread panicked while holding the read pool's lock.
    #[error("a database lock was poisoned by a panic")]
    Poisoned,
}

/// Opens a connection with the pragmas every connection uses: WAL, full
/// durability (a commit is fsynced before it returns), foreign keys, and a
/// busy timeout so a CLI import and the server can share the file.
pub fn open(path: &Path) -> Result<Connection, DbError> {
    let wrap = |source| DbError::Open { path: path.to_path_buf(), source };
    let conn = Connection::open(path).map_err(wrap)?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(wrap)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;",
    )
    .map_err(wrap)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Opens the database and brings its schema up to date.
pub fn open_and_migrate(path: &Path) -> Result<Connection, DbError> {
    let mut conn = open(path)?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Whether the file's schema is this server's: every migration applied, none newer.
pub fn schema_is_current(conn: &Connection) -> Result<bool, DbError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(current == latest())
}

/// The schema version this server writes (its last migration's number).
pub fn known_version() -> usize {
    usize::try_from(latest()).unwrap_or(0)
}

/// An in-memory database with the migrations up to `version` applied: the
/// schema a file of that version must have (`motcua-central check`).
pub fn reference_schema(version: usize) -> Result<Connection, DbError> {
    let mut conn = Connection::open_in_memory()?;
    for (n, sql) in MIGRATIONS.iter().filter(|(n, _)| usize::try_from(*n).is_ok_and(|n| n <= version)) {
        let number = usize::try_from(*n).unwrap_or(0);
        let tx = conn.transaction().map_err(|source| DbError::Migrate { number, source })?;
        tx.execute_batch(sql).map_err(|source| DbError::Migrate { number, source })?;
        tx.commit().map_err(|source| DbError::Migrate { number, source })?;
    }
    Ok(conn)
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), DbError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest() {
        return Err(DbError::TooNew { path: path.to_path_buf(), found: current, known: usize::try_from(latest()).unwrap_or(0) });
    }
    for (n, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > current) {
        let number = usize::try_from(*n).unwrap_or(0);
        let tx = conn.transaction().map_err(|source| DbError::Migrate { number, source })?;
        tx.execute_batch(sql).map_err(|source| DbError::Migrate { number, source })?;
        tx.pragma_update(None, "user_version", *n).map_err(|source| DbError::Migrate { number, source })?;
        tx.commit().map_err(|source| DbError::Migrate { number, source })?;
    }
    Ok(())
}

/// Read connections for request handlers; WAL lets them read while the
/// writer commits.
pub struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// A pooled connection, returned to the pool on drop.
pub struct PooledConn<'a> {
    pool: &'a ReadPool,
    conn: Option<Connection>,
}

impl std::ops::Deref for PooledConn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // Always Some until drop.
        self.conn.as_ref().unwrap_or_else(|| unreachable!("connection taken before drop"))
    }
}

impl Drop for PooledConn<'_> {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.pool.idle.lock())
            && idle.len() < 32
        {
            idle.push(conn);
        }
    }
}

impl ReadPool {
    /// A pool over the database file (already migrated).
    pub fn new(path: &Path) -> Self {
        Self { path: path.to_path_buf(), idle: Mutex::new(Vec::new()) }
    }

    /// An idle connection, or a new one.
    pub fn get(&self) -> Result<PooledConn<'_>, DbError> {
        let reused = self.idle.lock().map_err(|_| DbError::Poisoned)?.pop();
        let conn = match reused {
            Some(c) => c,
            None => open(&self.path)?,
        };
        Ok(PooledConn { pool: self, conn: Some(conn) })
    }
}

/// A migrated database in a temporary folder, for unit tests.
#[cfg(test)]
pub(crate) fn temp_db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = open_and_migrate(&dir.path().join("c.db")).unwrap();
    (dir, conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_set_wal_and_full_sync() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.db");
        let conn = open_and_migrate(&path).expect("first open");
        drop(conn);
        let conn = open_and_migrate(&path).expect("second open is a no-op");
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(v, latest());
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
        assert_eq!(mode, "wal");
        let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).expect("sync");
        assert_eq!(sync, 2, "synchronous=FULL");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.db");
        let conn = open_and_migrate(&path).expect("open");
        conn.pragma_update(None, "user_version", 99).expect("bump");
        drop(conn);
        assert!(matches!(open_and_migrate(&path), Err(DbError::TooNew { found: 99, .. })));
    }
}
