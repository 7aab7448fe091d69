//! One kiosk per data folder, with or without a D-Bus session bus: an
//! exclusive lock on `data_dir/kiosk.lock`, held while the app runs. The
//! single-instance plugin (D-Bus on Linux) only focuses the running kiosk
//! where a session bus exists; a bare kiosk session has none, and two apps
//! on one store would sync one outbox twice and print from two windows.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock, held until dropped (the process ends).
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
    /// The lock file.
    pub path: PathBuf,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another kiosk holds it; its process id when it wrote one.
    Held {
        /// The lock file.
        path: PathBuf,
        /// The running kiosk's process id.
        pid: Option<u32>,
    },
    /// The folder or file cannot be used.
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Held { path, pid: Some(pid) } => {
                write!(f, "another motcua-kiosk (process {pid}) is already running on this data folder ({})", path.display())
            }
            LockError::Held { path, pid: None } => {
                write!(f, "another motcua-kiosk is already running on this data folder ({})", path.display())
            }
            LockError::Io(path, e) => write!(f, "cannot use the lock file {}: {e}", path.display()),
        }
    }
}

/// Takes the lock of `data_dir` (created if missing) and writes this
/// process id into it.
pub fn lock(data_dir: &Path) -> Result<InstanceLock, LockError> {
    let path = data_dir.join("kiosk.lock");
    let io = |e| LockError::Io(path.clone(), e);
    std::fs::create_dir_all(data_dir).map_err(|e| LockError::Io(data_dir.to_path_buf(), e))?;
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
    // File locks are std since 1.89; the toolchain this builds with is newer.
    #[allow(clippy::incompatible_msrv)]
    let locked = file.try_lock();
    match locked {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let pid = file.read_to_string(&mut text).ok().and_then(|_| text.trim().parse().ok());
            return Err(LockError::Held { path, pid });
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    // The process id only helps the message of a second launch: a full disk
    // that cannot take it must not cost the lock.
    let pid_written = (|| {
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        writeln!(file, "{}", std::process::id())?;
        file.flush()
    })();
    if let Err(e) = pid_written {
        tracing::warn!(error = %e, path = %path.display(), "the process id could not be written into the lock file");
    }
    Ok(InstanceLock { _file: file, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_until_the_first_goes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = lock(dir.path()).expect("first");
        match lock(dir.path()) {
            Err(LockError::Held { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Held, got {other:?}"),
        }
        let other = tempfile::tempdir().expect("tempdir");
        lock(other.path()).expect("another folder is another kiosk");
        drop(first);
        lock(dir.path()).expect("free again");
    }
}
