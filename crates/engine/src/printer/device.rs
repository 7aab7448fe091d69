//! ESC/POS to a device file: USB (`/dev/usb/lp0`) or serial printers.
//!
//! Device files have no read/write timeouts in std, so every operation runs
//! on a helper thread that owns a duplicate of the file handle and the caller
//! waits for it with a timeout. A thread stuck on a dead device is left
//! behind (it ends when the device call returns); the caller is never stuck.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::status::{self, Link, PrinterState, PrinterStatus};
use super::{PrinterError, Timeouts};

/// Runs `f` on a helper thread; `None` when it did not finish in `timeout`.
/// A helper thread that cannot be started (the OS is out of threads) is also
/// `None`: to the citizen the printer was not reached in time either way, and
/// the caller's timeout error names the printer and the step.
pub(crate) fn with_timeout<T: Send + 'static>(timeout: Duration, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("printer-io".to_owned()).spawn(move || {
        let _ = tx.send(f());
    });
    match spawned {
        Ok(_) => rx.recv_timeout(timeout).ok(),
        Err(_) => None,
    }
}

struct DeviceLink {
    file: File,
    printer: String,
    timeout: Duration,
}

impl DeviceLink {
    fn run<T: Send + 'static>(
        &self,
        action: &'static str,
        f: impl FnOnce(File) -> std::io::Result<T> + Send + 'static,
    ) -> Result<T, PrinterError> {
        let file = self.file.try_clone().map_err(|source| PrinterError::Io { printer: self.printer.clone(), action, source })?;
        match with_timeout(self.timeout, move || f(file)) {
            None => Err(PrinterError::Timeout { printer: self.printer.clone(), action, after: self.timeout }),
            Some(Err(source)) => Err(PrinterError::Io { printer: self.printer.clone(), action, source }),
            Some(Ok(v)) => Ok(v),
        }
    }
}

impl Link for DeviceLink {
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrinterError> {
        let data = bytes.to_vec();
        self.run("send", move |mut f| f.write_all(&data).and_then(|()| f.flush()))
    }

    fn recv_byte(&mut self) -> Result<Option<u8>, PrinterError> {
        self.run("read status", |mut f| {
            let mut b = [0u8; 1];
            match f.read(&mut b)? {
                0 => Ok(None),
                _ => Ok(Some(b[0])),
            }
        })
    }
}

fn is_device(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

fn open(path: &Path, printer: &str, timeouts: Timeouts) -> Result<DeviceLink, PrinterError> {
    let owned = path.to_owned();
    let opened = with_timeout(timeouts.connect, move || OpenOptions::new().read(true).write(true).open(owned));
    match opened {
        None => Err(PrinterError::Timeout { printer: printer.to_owned(), action: "open device", after: timeouts.connect }),
        Some(Err(e)) if e.kind() == ErrorKind::NotFound => Err(PrinterError::Offline {
            printer: printer.to_owned(),
            detail: format!("{} is not present (unplugged or switched off?)", path.display()),
        }),
        Some(Err(source)) => Err(PrinterError::Io { printer: printer.to_owned(), action: "open device", source }),
        Some(Ok(file)) => Ok(DeviceLink { file, printer: printer.to_owned(), timeout: timeouts.io }),
    }
}

/// Reads the printer's status; a plain file (a capture) has none.
pub(crate) fn status(path: &Path, printer: &str, timeouts: Timeouts) -> Result<PrinterStatus, PrinterError> {
    if !is_device(path) {
        return plain_file_status(path, printer);
    }
    let mut link = open(path, printer, timeouts)?;
    status::query_escpos(&mut link, printer)
}

fn plain_file_status(path: &Path, printer: &str) -> Result<PrinterStatus, PrinterError> {
    let parent_ok = path.parent().is_some_and(|p| p.as_os_str().is_empty() || p.is_dir());
    if path.is_file() || parent_ok {
        Ok(PrinterStatus::new(printer, PrinterState::Unknown, Some("not a device: bytes are appended to the file".to_owned())))
    } else {
        Ok(PrinterStatus::new(printer, PrinterState::Offline, Some(format!("{} is not present", path.display()))))
    }
}

/// Checks status and sends the job. A plain file gets the bytes appended.
pub(crate) fn print(path: &Path, printer: &str, timeouts: Timeouts, job: &[u8]) -> Result<PrinterStatus, PrinterError> {
    if is_device(path) {
        let mut link = open(path, printer, timeouts)?;
        return status::print_escpos(&mut link, printer, job);
    }
    let status = plain_file_status(path, printer)?;
    status.ensure_printable()?;
    let (owned, data) = (path.to_owned(), job.to_vec());
    let written = with_timeout(timeouts.io, move || {
        let mut f = OpenOptions::new().create(true).append(true).open(owned)?;
        f.write_all(&data)?;
        f.sync_all()
    });
    match written {
        None => Err(PrinterError::Timeout { printer: printer.to_owned(), action: "write file", after: timeouts.io }),
        Some(Err(source)) => Err(PrinterError::Io { printer: printer.to_owned(), action: "write file", source }),
        Some(Ok(())) => Ok(status),
    }
}
