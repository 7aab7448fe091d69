//! PDFs written to a folder (the demo default, and an archive).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::device::with_timeout;
use super::status::{PrinterState, PrinterStatus};
use super::{PrinterError, Timeouts};

/// Checks the folder exists and a file can be created in it.
pub(crate) fn status(dir: &Path, printer: &str, timeouts: Timeouts) -> Result<PrinterStatus, PrinterError> {
    let owned = dir.to_owned();
    let probe = with_timeout(timeouts.io, move || -> Result<(), String> {
        if !owned.is_dir() {
            return Err(format!("folder {} does not exist", owned.display()));
        }
        let path = owned.join(format!(".motcua-probe-{}", std::process::id()));
        let created = OpenOptions::new().write(true).create(true).truncate(true).open(&path);
        match created {
            Ok(_) => fs::remove_file(&path).map_err(|e| format!("cannot remove probe file: {e}")),
            Err(e) => Err(format!("folder {} is not writable: {e}", owned.display())),
        }
    });
    match probe {
        None => Err(PrinterError::Timeout { printer: printer.to_owned(), action: "check folder", after: timeouts.io }),
        Some(Err(detail)) => Ok(PrinterStatus::new(printer, PrinterState::Offline, Some(detail))),
        Some(Ok(())) => Ok(PrinterStatus::new(printer, PrinterState::Ready, Some(format!("writable: {}", dir.display())))),
    }
}

/// Keeps letters, digits, '-' and '_' of a ticket number for a file name.
fn file_safe(name: &str) -> String {
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if safe.is_empty() { "slip".to_owned() } else { safe }
}

/// Writes `pdf` as `<stem>.pdf` (or `<stem>-2.pdf`…) through a temp file
/// and a rename, so no half-written PDF ever appears.
pub(crate) fn print(
    dir: &Path,
    printer: &str,
    timeouts: Timeouts,
    stamp: &str,
    name: &str,
    pdf: &[u8],
) -> Result<(PrinterStatus, PathBuf), PrinterError> {
    let status = status(dir, printer, timeouts)?;
    status.ensure_printable()?;
    let stem = format!("{stamp}-{}", file_safe(name));
    let (dir, data) = (dir.to_owned(), pdf.to_vec());
    let written = with_timeout(timeouts.io, move || -> std::io::Result<PathBuf> {
        let tmp = dir.join(format!(".{stem}.{}.tmp", std::process::id()));
        let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
        f.write_all(&data)?;
        f.sync_all()?;
        drop(f);
        let mut target = dir.join(format!("{stem}.pdf"));
        let mut n = 2;
        while target.exists() {
            target = dir.join(format!("{stem}-{n}.pdf"));
            n += 1;
        }
        match fs::rename(&tmp, &target) {
            Ok(()) => Ok(target),
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e)
            }
        }
    });
    match written {
        None => Err(PrinterError::Timeout { printer: printer.to_owned(), action: "write PDF", after: timeouts.io }),
        Some(Err(source)) => Err(PrinterError::Io { printer: printer.to_owned(), action: "write PDF", source }),
        Some(Ok(path)) => Ok((status, path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_safe("A-K1-003"), "A-K1-003");
        assert_eq!(file_safe("../A 1"), "___A_1");
        assert_eq!(file_safe(""), "slip");
    }
}
