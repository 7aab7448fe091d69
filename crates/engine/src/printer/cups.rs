//! PDF to a CUPS queue through `lp`; status from `lpstat`.

use std::io::{ErrorKind, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::status::{PrinterState, PrinterStatus};
use super::{PrinterError, Timeouts};

/// What a finished command printed.
pub(crate) struct Output {
    success: bool,
    stdout: String,
    stderr: String,
}

fn cups_error(printer: &str, program: &str, e: std::io::Error) -> PrinterError {
    let detail = if e.kind() == ErrorKind::NotFound {
        format!("`{program}` not found (install the Debian package cups-client)")
    } else {
        format!("cannot run `{program}`: {e}")
    };
    PrinterError::CupsUnavailable { printer: printer.to_owned(), detail }
}

/// Runs a CUPS client command with a deadline; kills it when it passes.
pub(crate) fn run(printer: &str, program: &str, args: &[&str], stdin: Option<Vec<u8>>, timeout: Duration) -> Result<Output, PrinterError> {
    let mut child = Command::new(program)
        .args(args)
        .env("LC_ALL", "C") // lpstat's sentences are parsed below
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| cups_error(printer, program, e))?;
    if let (Some(data), Some(mut pipe)) = (stdin, child.stdin.take()) {
        std::thread::spawn(move || {
            let _ = pipe.write_all(&data);
        });
    }
    let readers = [child.stdout.take().map(reader), child.stderr.take().map(reader)];
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PrinterError::Timeout { printer: printer.to_owned(), action: "run CUPS command", after: timeout });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(cups_error(printer, program, e)),
        }
    };
    let [stdout, stderr] = readers.map(|r| r.and_then(|h| h.join().ok()).unwrap_or_default());
    Ok(Output { success: status.success(), stdout, stderr })
}

fn reader<R: Read + Send + 'static>(mut pipe: R) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

fn check_lpstat(printer: &str, queue: &str, out: &Output) -> Result<(), PrinterError> {
    if out.success {
        return Ok(());
    }
    let err = out.stderr.trim();
    if err.contains("Invalid destination") || err.contains("Unknown destination") || err.contains("No destinations") {
        Err(PrinterError::QueueNotFound { printer: printer.to_owned(), queue: queue.to_owned() })
    } else {
        Err(PrinterError::CupsUnavailable { printer: printer.to_owned(), detail: format!("lpstat: {err}") })
    }
}

/// Reads the queue's state: enabled/idle/printing and accepting jobs.
pub(crate) fn status(queue: &str, printer: &str, timeouts: Timeouts) -> Result<PrinterStatus, PrinterError> {
    let p = run(printer, "lpstat", &["-p", queue], None, timeouts.command)?;
    check_lpstat(printer, queue, &p)?;
    let a = run(printer, "lpstat", &["-a", queue], None, timeouts.command)?;
    check_lpstat(printer, queue, &a)?;
    let line = p.stdout.lines().next().unwrap_or_default().trim().to_owned();
    let (state, detail) = if line.contains("disabled") {
        (PrinterState::Offline, "disabled".to_owned())
    } else if a.stdout.contains("not accepting") {
        (PrinterState::Offline, "not accepting requests".to_owned())
    } else if line.contains("is idle") {
        (PrinterState::Ready, "idle".to_owned())
    } else if line.contains("now printing") {
        (PrinterState::Busy, "printing".to_owned())
    } else {
        (PrinterState::Ready, line.clone())
    };
    Ok(PrinterStatus::new(printer, state, Some(format!("{detail}: {line}"))))
}

/// Sends a PDF with `lp -d QUEUE`; returns CUPS's request id line.
pub(crate) fn print(
    queue: &str,
    printer: &str,
    timeouts: Timeouts,
    title: &str,
    pdf: &[u8],
) -> Result<(PrinterStatus, String), PrinterError> {
    let status = status(queue, printer, timeouts)?;
    status.ensure_printable()?;
    let out = run(printer, "lp", &["-d", queue, "-t", title, "--", "-"], Some(pdf.to_vec()), timeouts.command)?;
    if !out.success {
        return Err(PrinterError::Rejected { printer: printer.to_owned(), detail: format!("lp: {}", out.stderr.trim()) });
    }
    Ok((status, out.stdout.trim().to_owned()))
}
