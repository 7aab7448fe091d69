//! Printers: one string in the config names a printer and its transport.
//!
//! | spec | transport | job |
//! |---|---|---|
//! | `escpos+tcp://HOST:PORT` | raw TCP (port 9100 network printers) | ESC/POS raster |
//! | `escpos+file:///dev/usb/lp0` | USB/serial device file | ESC/POS raster |
//! | `cups://QUEUE` | `lp -d QUEUE` | PDF |
//! | `pdf+dir:///folder` | files in a folder | PDF |
//!
//! Blocking std I/O, every step bounded by a timeout; the engine calls it
//! from `spawn_blocking`. ESC/POS printers are asked `DLE EOT` before a job
//! is sent, so paper out refuses the print instead of losing the slip.

mod cups;
mod device;
mod error;
mod pdf_dir;
pub mod status;
mod tcp;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use jiff::civil::DateTime;
use motcua_receipt::{Layout, Paper, Raster, Renderer, escpos};

pub use error::{ErrorBody, PrinterError};
pub use status::{PrinterState, PrinterStatus};

/// Where and how slips are printed, parsed from the config string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterSpec {
    /// ESC/POS over raw TCP.
    EscPosTcp {
        /// Host name or address.
        host: String,
        /// Port (9100 when omitted).
        port: u16,
    },
    /// ESC/POS to a device file (or a plain file, for captures).
    EscPosFile {
        /// Absolute path.
        path: PathBuf,
    },
    /// A CUPS queue, fed PDFs through `lp`.
    Cups {
        /// Queue name.
        queue: String,
    },
    /// A folder receiving one PDF per slip.
    PdfDir {
        /// Absolute path.
        dir: PathBuf,
    },
}

impl FromStr for PrinterSpec {
    type Err = PrinterError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| PrinterError::SpecInvalid { value: value.to_owned(), reason: reason.to_owned() };
        let trimmed = value.trim();
        let Some((scheme, rest)) = trimmed.split_once("://") else {
            return Err(invalid("no scheme"));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "escpos+tcp" => {
                let rest = rest.trim_end_matches('/');
                let (host, port) = match rest.rsplit_once(':') {
                    Some((h, p)) if !h.ends_with(':') || h.starts_with('[') => {
                        let port = p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| invalid("port must be 1–65535"))?;
                        (h, port)
                    }
                    _ => (rest, 9100),
                };
                let host = host.trim_start_matches('[').trim_end_matches(']');
                if host.is_empty() || host.contains(['/', ' ', '?', '#']) {
                    return Err(invalid("missing or malformed host"));
                }
                Ok(PrinterSpec::EscPosTcp { host: host.to_owned(), port })
            }
            "escpos+file" => {
                if !rest.starts_with('/') || rest.len() < 2 {
                    return Err(invalid("needs an absolute path, e.g. escpos+file:///dev/usb/lp0"));
                }
                Ok(PrinterSpec::EscPosFile { path: PathBuf::from(rest) })
            }
            "cups" => {
                let queue = rest.trim_end_matches('/');
                if queue.is_empty() || queue.contains(['/', '#', ' ', '\t']) || queue.chars().any(char::is_control) {
                    return Err(invalid("needs a queue name without '/', '#' or spaces"));
                }
                Ok(PrinterSpec::Cups { queue: queue.to_owned() })
            }
            "pdf+dir" => {
                if !rest.starts_with('/') {
                    return Err(invalid("needs an absolute folder, e.g. pdf+dir:///var/lib/motcua/slips"));
                }
                Ok(PrinterSpec::PdfDir { dir: PathBuf::from(rest) })
            }
            _ => Err(invalid(&format!("unknown scheme {scheme:?}"))),
        }
    }
}

impl fmt::Display for PrinterSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterSpec::EscPosTcp { host, port } if host.contains(':') => write!(f, "escpos+tcp://[{host}]:{port}"),
            PrinterSpec::EscPosTcp { host, port } => write!(f, "escpos+tcp://{host}:{port}"),
            PrinterSpec::EscPosFile { path } => write!(f, "escpos+file://{}", path.display()),
            PrinterSpec::Cups { queue } => write!(f, "cups://{queue}"),
            PrinterSpec::PdfDir { dir } => write!(f, "pdf+dir://{}", dir.display()),
        }
    }
}

/// Timeouts for every printer operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP connect / device open.
    pub connect: Duration,
    /// One read or write (status byte, job bytes, file write).
    pub io: Duration,
    /// A CUPS command (`lpstat`, `lp`) from start to exit.
    pub command: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { connect: Duration::from_secs(3), io: Duration::from_secs(5), command: Duration::from_secs(10) }
    }
}

/// What a printer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobFormat {
    /// An ESC/POS raster job.
    EscPos,
    /// A PDF.
    Pdf,
}

/// The rendered form of a slip.
#[derive(Debug, Clone, PartialEq)]
pub enum PrintData {
    /// For ESC/POS printers; encoded with feed and cut when sent.
    Raster(Raster),
    /// For CUPS and folders.
    Pdf(Vec<u8>),
}

/// A slip ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintJob {
    /// The ticket number (or dossier code): file names and CUPS titles.
    pub name: String,
    /// When the slip was issued, local time: file names.
    pub created_at: DateTime,
    /// The rendered slip.
    pub data: PrintData,
}

impl PrintJob {
    /// Renders `layout` in the form `format` needs.
    pub fn render(
        renderer: &Renderer,
        layout: &Layout,
        paper: Paper,
        format: JobFormat,
        name: impl Into<String>,
        created_at: DateTime,
    ) -> Result<Self, PrinterError> {
        let data = match format {
            JobFormat::EscPos => PrintData::Raster(renderer.raster(layout, paper)?),
            JobFormat::Pdf => PrintData::Pdf(renderer.pdf(layout, paper)?),
        };
        Ok(Self { name: name.into(), created_at, data })
    }
}

/// What happened to a printed job.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrintOutcome {
    /// Status read before sending.
    pub status: PrinterStatus,
    /// The PDF written (pdf+dir).
    pub path: Option<PathBuf>,
    /// CUPS's answer, e.g. "request id is PDF-3 (1 file(s))".
    pub cups_request: Option<String>,
}

/// A configured printer. Its clones share one device: one exchange at a
/// time, so a background status read never meets a citizen's job on the
/// wire (a port-9100 printer serves one connection at a time).
#[derive(Debug, Clone)]
pub struct Printer {
    spec: PrinterSpec,
    timeouts: Timeouts,
    io: Arc<Mutex<()>>,
}

impl Printer {
    /// A printer with default timeouts.
    pub fn new(spec: PrinterSpec) -> Self {
        Self { spec, timeouts: Timeouts::default(), io: Arc::new(Mutex::new(())) }
    }

    /// The device, for one exchange. The lock guards no data: a panic
    /// during another exchange leaves nothing half-written to recover.
    fn device(&self) -> MutexGuard<'_, ()> {
        self.io.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces the timeouts.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The spec.
    pub fn spec(&self) -> &PrinterSpec {
        &self.spec
    }

    /// The job format this printer takes.
    pub fn format(&self) -> JobFormat {
        match self.spec {
            PrinterSpec::EscPosTcp { .. } | PrinterSpec::EscPosFile { .. } => JobFormat::EscPos,
            PrinterSpec::Cups { .. } | PrinterSpec::PdfDir { .. } => JobFormat::Pdf,
        }
    }

    /// Renders `layout` for this printer.
    pub fn job(
        &self,
        renderer: &Renderer,
        layout: &Layout,
        paper: Paper,
        name: impl Into<String>,
        created_at: DateTime,
    ) -> Result<PrintJob, PrinterError> {
        PrintJob::render(renderer, layout, paper, self.format(), name, created_at)
    }

    /// Reads the printer's status.
    pub fn status(&self) -> Result<PrinterStatus, PrinterError> {
        let _device = self.device();
        let name = self.spec.to_string();
        match &self.spec {
            PrinterSpec::EscPosTcp { host, port } => tcp::status(host, *port, &name, self.timeouts),
            PrinterSpec::EscPosFile { path } => device::status(path, &name, self.timeouts),
            PrinterSpec::Cups { queue } => cups::status(queue, &name, self.timeouts),
            PrinterSpec::PdfDir { dir } => pdf_dir::status(dir, &name, self.timeouts),
        }
    }

    /// Checks the status, then prints; paper out, cover open and offline
    /// refuse the job before anything is sent.
    pub fn print(&self, job: &PrintJob) -> Result<PrintOutcome, PrinterError> {
        let _device = self.device();
        let name = self.spec.to_string();
        let wrong = |expected| PrinterError::WrongFormat { printer: name.clone(), expected };
        let outcome = |status| PrintOutcome { status, path: None, cups_request: None };
        match (&self.spec, &job.data) {
            (PrinterSpec::EscPosTcp { host, port }, PrintData::Raster(r)) => {
                tcp::print(host, *port, &name, self.timeouts, &escpos::encode(r)).map(outcome)
            }
            (PrinterSpec::EscPosFile { path }, PrintData::Raster(r)) => {
                device::print(path, &name, self.timeouts, &escpos::encode(r)).map(outcome)
            }
            (PrinterSpec::Cups { queue }, PrintData::Pdf(pdf)) => {
                let (status, request) = cups::print(queue, &name, self.timeouts, &job.name, pdf)?;
                Ok(PrintOutcome { status, path: None, cups_request: Some(request) })
            }
            (PrinterSpec::PdfDir { dir }, PrintData::Pdf(pdf)) => {
                let stamp = job.created_at.strftime("%Y%m%d-%H%M%S").to_string();
                let (status, path) = pdf_dir::print(dir, &name, self.timeouts, &stamp, &job.name, pdf)?;
                Ok(PrintOutcome { status, path: Some(path), cups_request: None })
            }
            (PrinterSpec::EscPosTcp { .. } | PrinterSpec::EscPosFile { .. }, _) => Err(wrong("ESC/POS raster")),
            (PrinterSpec::Cups { .. } | PrinterSpec::PdfDir { .. }, _) => Err(wrong("PDF")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> PrinterSpec {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_four_forms_and_prints_them_back() {
        assert_eq!(parse("escpos+tcp://192.0.2.10:9100"), PrinterSpec::EscPosTcp { host: "192.0.2.10".into(), port: 9100 });
        assert_eq!(parse("escpos+tcp://printer.lan"), PrinterSpec::EscPosTcp { host: "printer.lan".into(), port: 9100 });
        assert_eq!(parse("escpos+tcp://[::1]:9101"), PrinterSpec::EscPosTcp { host: "::1".into(), port: 9101 });
        assert_eq!(parse("escpos+file:///dev/usb/lp0"), PrinterSpec::EscPosFile { path: "/dev/usb/lp0".into() });
        assert_eq!(parse("cups://PDF"), PrinterSpec::Cups { queue: "PDF".into() });
        assert_eq!(parse("pdf+dir:///var/lib/motcua/slips"), PrinterSpec::PdfDir { dir: "/var/lib/motcua/slips".into() });
        for s in ["escpos+tcp://192.0.2.10:9100", "escpos+tcp://[::1]:9101", "escpos+file:///dev/usb/lp0", "cups://PDF", "pdf+dir:///tmp/x"]
        {
            assert_eq!(parse(s).to_string(), s);
        }
    }

    #[test]
    fn a_bad_spec_names_the_value_and_the_expected_forms() {
        for bad in [
            "",
            "lp0",
            "http://x",
            "escpos+tcp://host:99999",
            "escpos+tcp://:9100",
            "escpos+file://dev/lp0",
            "cups://",
            "cups://my queue",
            "pdf+dir://relative",
        ] {
            let err = bad.parse::<PrinterSpec>().unwrap_err();
            assert_eq!(err.code(), "printer_spec_invalid", "{bad}");
            let msg = err.to_string();
            assert!(msg.contains(&format!("{bad:?}")), "{msg}");
            assert!(msg.contains("escpos+tcp://HOST:PORT") && msg.contains("cups://QUEUE"), "{msg}");
        }
    }

    #[test]
    fn each_transport_takes_its_format() {
        assert_eq!(Printer::new(parse("cups://PDF")).format(), JobFormat::Pdf);
        assert_eq!(Printer::new(parse("escpos+file:///dev/usb/lp0")).format(), JobFormat::EscPos);
        let printer = Printer::new(parse("cups://PDF"));
        let job = PrintJob {
            name: "A012".into(),
            created_at: jiff::civil::date(2026, 11, 28).at(8, 15, 12, 0),
            data: PrintData::Raster(Raster::new(8, 1)),
        };
        assert_eq!(printer.print(&job).unwrap_err().code(), "printer_job_format");
    }
}
