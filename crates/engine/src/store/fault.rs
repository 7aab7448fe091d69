//! When the store cannot be used as it should: a corrupt file, a read-only
//! data folder, a full disk. The kiosk then starts degraded rather than not
//! at all: online tickets go on (the server journals them), offline tickets
//! stop (their only record would be the store), and the IT officer is told
//! on the screen, in the log and in the heartbeat. Nothing is deleted: a
//! corrupt file is renamed aside, an unwritable one is left as it is.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::ErrorCode;
use serde::{Deserialize, Serialize};

/// What is wrong with the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The file is damaged (not a database, or its pages are broken).
    Corrupt,
    /// The data folder or the file cannot be written (read-only mount, permissions).
    ReadOnly,
    /// The disk is full.
    Full,
    /// Another input/output failure.
    Unavailable,
}

impl FaultKind {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Corrupt => "store_corrupt",
            Self::ReadOnly => "store_read_only",
            Self::Full => "store_full",
            Self::Unavailable => "store_unavailable",
        }
    }

    /// The kind of a SQLite failure, if it is one of the store's own.
    pub fn of_sqlite(e: &rusqlite::Error) -> Option<FaultKind> {
        match e.sqlite_error_code()? {
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => Some(Self::Corrupt),
            ErrorCode::ReadOnly => Some(Self::ReadOnly),
            ErrorCode::DiskFull => Some(Self::Full),
            ErrorCode::CannotOpen | ErrorCode::SystemIoFailure | ErrorCode::PermissionDenied => Some(Self::Unavailable),
            _ => None,
        }
    }

    /// The kind of a file-system failure.
    pub fn of_io(e: &std::io::Error) -> FaultKind {
        match e.kind() {
            std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => Self::ReadOnly,
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => Self::Full,
            _ => Self::Unavailable,
        }
    }
}

/// Where online tickets are journalled while degraded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Journal {
    /// In a fresh store file (after a corrupt one was set aside).
    Disk,
    /// In memory only, until the kiosk restarts with a usable store.
    Memory,
}

/// A store problem, as the status, the log and `kioskctl` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreFault {
    /// What is wrong.
    pub kind: FaultKind,
    /// `store_corrupt`, `store_read_only`, `store_full`, `store_unavailable`.
    pub code: String,
    /// What SQLite or the system said.
    pub detail: String,
    /// The store file.
    pub path: PathBuf,
    /// Where a corrupt file was moved (never deleted).
    pub kept_aside: Option<PathBuf>,
    /// When it was found.
    pub since: Timestamp,
    /// Where online tickets are journalled meanwhile.
    pub journal: Journal,
    /// No offline tickets before this time (after a corrupt store the
    /// offline numbers of the day are unknown); `None`: until restart.
    pub offline_until: Option<Timestamp>,
    /// Offline tickets still waiting for delivery in the unwritable file,
    /// when it could be read: they go out once it is writable again.
    pub waiting_in_file: Option<u32>,
}

impl StoreFault {
    /// A fault found now.
    pub fn new(kind: FaultKind, detail: impl Into<String>, path: &Path) -> StoreFault {
        StoreFault {
            kind,
            code: kind.code().to_owned(),
            detail: detail.into(),
            path: path.to_path_buf(),
            kept_aside: None,
            since: Timestamp::now(),
            journal: Journal::Memory,
            offline_until: None,
            waiting_in_file: None,
        }
    }

    /// Whether offline tickets are refused at `now`.
    pub fn blocks_offline(&self, now: Timestamp) -> bool {
        match (self.journal, self.offline_until) {
            (Journal::Memory, _) => true,
            (Journal::Disk, Some(until)) => now < until,
            (Journal::Disk, None) => true,
        }
    }

    /// What the IT officer should do, in English.
    pub fn advice(&self) -> String {
        match self.kind {
            FaultKind::Corrupt => match &self.kept_aside {
                Some(aside) => format!(
                    "the damaged file was kept as {}; a new store was started; keep the damaged file for recovery \
                     (sqlite3 FILE .recover) and check the disk",
                    aside.display()
                ),
                None => "the damaged file could not be moved aside; move it away by hand and restart the kiosk".to_owned(),
            },
            FaultKind::ReadOnly => "make the data folder writable (mount, permissions) and restart the kiosk".to_owned(),
            FaultKind::Full => "free space on the disk of the data folder and restart the kiosk".to_owned(),
            FaultKind::Unavailable => "check the data folder and its disk, then restart the kiosk".to_owned(),
        }
    }
}

impl std::fmt::Display for StoreFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            FaultKind::Corrupt => "is damaged",
            FaultKind::ReadOnly => "cannot be written (read-only)",
            FaultKind::Full => "cannot be written: the disk is full",
            FaultKind::Unavailable => "cannot be used",
        };
        let journal = match self.journal {
            Journal::Disk => "online tickets are journalled in a new store",
            Journal::Memory => "online tickets are journalled in memory only",
        };
        if self.path.as_os_str().is_empty() {
            // Found while running: the store is the one opened at start.
            return write!(f, "local store {what} ({}); {}", self.detail, self.advice());
        }
        write!(
            f,
            "local store {} {what} ({}); {journal}, offline tickets are refused; {}",
            self.path.display(),
            self.detail,
            self.advice()
        )?;
        if let Some(n) = self.waiting_in_file.filter(|n| *n > 0) {
            write!(f, "; {n} offline ticket(s) wait in the file and are sent once it is writable")?;
        }
        Ok(())
    }
}

/// Writes and syncs a small file in `dir`: what a database write needs.
/// `Err` says why the folder cannot take it.
pub fn probe_dir(dir: &Path) -> Result<(), std::io::Error> {
    let probe = dir.join(".motcua-write-test");
    let result = (|| {
        let mut f = std::fs::File::create(&probe)?;
        f.write_all(&[0u8; 16 * 1024])?;
        f.sync_all()
    })();
    let _ = std::fs::remove_file(&probe);
    result
}

/// `kiosk.db` → `kiosk.db.corrupt-20261130T011500Z`, with its `-wal` and
/// `-shm` beside it; the new name of the database.
pub fn set_aside(path: &Path, now: Timestamp) -> Result<PathBuf, std::io::Error> {
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let aside = |p: &Path| {
        let mut name = p.as_os_str().to_owned();
        name.push(format!(".corrupt-{stamp}"));
        PathBuf::from(name)
    };
    let moved = aside(path);
    std::fs::rename(path, &moved)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            let mut to = moved.as_os_str().to_owned();
            to.push(suffix);
            std::fs::rename(&side, PathBuf::from(to))?;
        }
    }
    Ok(moved)
}

/// Offline tickets waiting in a store that cannot be written, read without
/// writing anything (`immutable`); `None` when it cannot be read either.
pub fn waiting_in(path: &Path) -> Option<u32> {
    if !path.is_file() {
        return None;
    }
    let count = |conn: rusqlite::Connection| conn.query_row("SELECT count(*) FROM outbox WHERE state = 'pending'", [], |r| r.get(0)).ok();
    // With its WAL when that can be read; else the main file alone.
    if let Ok(conn) = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        && let Some(n) = count(conn)
    {
        return Some(n);
    }
    let uri = format!("file:{}?immutable=1", path.display());
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI;
    count(rusqlite::Connection::open_with_flags(uri, flags).ok()?)
}
