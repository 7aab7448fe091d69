//! Printer errors with stable codes and messages a citizen can read.

use std::time::Duration;

use serde::Serialize;

/// What went wrong with a printer. `code()` is stable; `Display` is the
/// technical sentence for logs (names the printer and what failed).
#[derive(Debug, thiserror::Error)]
pub enum PrinterError {
    /// The printer string in the config is not one of the known forms.
    #[error(
        "invalid printer {value:?}: {reason}. Expected one of: escpos+tcp://HOST:PORT, escpos+file:///dev/usb/lp0, cups://QUEUE, pdf+dir:///path/to/folder"
    )]
    SpecInvalid {
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The printer reports no paper.
    #[error("printer {printer}: paper out")]
    PaperOut {
        /// Printer spec.
        printer: String,
    },
    /// The printer reports its cover open.
    #[error("printer {printer}: cover open")]
    CoverOpen {
        /// Printer spec.
        printer: String,
    },
    /// The printer is off, unplugged, unreachable or disabled.
    #[error("printer {printer} is offline: {detail}")]
    Offline {
        /// Printer spec.
        printer: String,
        /// Why we think so.
        detail: String,
    },
    /// An operation did not finish in time.
    #[error("printer {printer}: {action} timed out after {} ms", after.as_millis())]
    Timeout {
        /// Printer spec.
        printer: String,
        /// What was being done ("connect", "read status", "send job"…).
        action: &'static str,
        /// The timeout that expired.
        after: Duration,
    },
    /// An I/O error.
    #[error("printer {printer}: {action} failed: {source}")]
    Io {
        /// Printer spec.
        printer: String,
        /// What was being done.
        action: &'static str,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The printer answered something that is not ESC/POS status.
    #[error("printer {printer}: unexpected status byte {byte:#04x} for DLE EOT {request}")]
    BadStatus {
        /// Printer spec.
        printer: String,
        /// The `n` of `DLE EOT n`.
        request: u8,
        /// The answer.
        byte: u8,
    },
    /// CUPS is not installed or its scheduler does not answer.
    #[error("printer {printer}: CUPS unavailable: {detail}")]
    CupsUnavailable {
        /// Printer spec.
        printer: String,
        /// What failed.
        detail: String,
    },
    /// The CUPS queue does not exist.
    #[error("printer {printer}: CUPS has no queue named {queue:?}")]
    QueueNotFound {
        /// Printer spec.
        printer: String,
        /// Queue name.
        queue: String,
    },
    /// CUPS refused the job.
    #[error("printer {printer}: job rejected: {detail}")]
    Rejected {
        /// Printer spec.
        printer: String,
        /// What `lp` said.
        detail: String,
    },
    /// The job was rendered for another kind of printer.
    #[error("printer {printer} needs a {expected} job")]
    WrongFormat {
        /// Printer spec.
        printer: String,
        /// What it needs ("ESC/POS raster" or "PDF").
        expected: &'static str,
    },
    /// The slip could not be rendered.
    #[error("slip could not be rendered: {0}")]
    Render(#[from] motcua_receipt::ReceiptError),
}

/// The error as the UI and the CLI show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorBody {
    /// Stable code.
    pub code: &'static str,
    /// For the citizen, in Vietnamese.
    pub message_vi: &'static str,
    /// For the citizen, in English.
    pub message_en: &'static str,
    /// Technical detail (printer and what failed).
    pub detail: String,
}

impl PrinterError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            PrinterError::SpecInvalid { .. } => "printer_spec_invalid",
            PrinterError::PaperOut { .. } => "printer_paper_out",
            PrinterError::CoverOpen { .. } => "printer_cover_open",
            PrinterError::Offline { .. } => "printer_offline",
            PrinterError::Timeout { .. } => "printer_timeout",
            PrinterError::Io { .. } => "printer_io",
            PrinterError::BadStatus { .. } => "printer_bad_status",
            PrinterError::CupsUnavailable { .. } => "cups_unavailable",
            PrinterError::QueueNotFound { .. } => "cups_queue_not_found",
            PrinterError::Rejected { .. } => "printer_rejected",
            PrinterError::WrongFormat { .. } => "printer_job_format",
            PrinterError::Render(_) => "slip_render_failed",
        }
    }

    /// A sentence for the citizen, in Vietnamese.
    pub fn message_vi(&self) -> &'static str {
        match self {
            PrinterError::PaperOut { .. } => "Máy in hết giấy. Vui lòng báo cán bộ hướng dẫn.",
            PrinterError::CoverOpen { .. } => "Nắp máy in đang mở. Vui lòng báo cán bộ hướng dẫn.",
            PrinterError::Offline { .. } | PrinterError::Timeout { .. } => "Máy in chưa sẵn sàng. Vui lòng báo cán bộ hướng dẫn.",
            PrinterError::SpecInvalid { .. } | PrinterError::QueueNotFound { .. } => {
                "Máy in chưa được cấu hình đúng. Vui lòng báo cán bộ hướng dẫn."
            }
            _ => "Không in được phiếu. Vui lòng báo cán bộ hướng dẫn.",
        }
    }

    /// A sentence for the citizen, in English.
    pub fn message_en(&self) -> &'static str {
        match self {
            PrinterError::PaperOut { .. } => "The printer is out of paper. Please tell a staff member.",
            PrinterError::CoverOpen { .. } => "The printer cover is open. Please tell a staff member.",
            PrinterError::Offline { .. } | PrinterError::Timeout { .. } => "The printer is not ready. Please tell a staff member.",
            PrinterError::SpecInvalid { .. } | PrinterError::QueueNotFound { .. } => {
                "The printer is not set up correctly. Please tell a staff member."
            }
            _ => "The slip could not be printed. Please tell a staff member.",
        }
    }

    /// Code, both messages and the technical detail.
    pub fn body(&self) -> ErrorBody {
        ErrorBody { code: self.code(), message_vi: self.message_vi(), message_en: self.message_en(), detail: self.to_string() }
    }
}
