//! Printer status: what the UI shows, and the ESC/POS `DLE EOT` exchange.

use serde::Serialize;

use super::PrinterError;

/// The state of a printer as far as the kiosk cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    /// Ready to print.
    Ready,
    /// Printing another job; a new job queues.
    Busy,
    /// Ready, but the roll is nearly finished.
    PaperNearEnd,
    /// No paper: printing is refused.
    PaperOut,
    /// Cover open: printing is refused.
    CoverOpen,
    /// Off, disabled, not accepting jobs, or folder missing.
    Offline,
    /// The transport cannot report status (a plain file): printing is tried.
    Unknown,
}

impl PrinterState {
    /// Whether a job may be sent in this state.
    pub fn can_print(self) -> bool {
        matches!(self, Self::Ready | Self::Busy | Self::PaperNearEnd | Self::Unknown)
    }

    /// A sentence for the UI, in Vietnamese.
    pub fn message_vi(self) -> &'static str {
        match self {
            Self::Ready => "Máy in sẵn sàng.",
            Self::Busy => "Máy in đang in, phiếu của bạn sẽ được in ngay sau.",
            Self::PaperNearEnd => "Máy in sắp hết giấy. Vui lòng báo cán bộ hướng dẫn.",
            Self::PaperOut => "Máy in hết giấy. Vui lòng báo cán bộ hướng dẫn.",
            Self::CoverOpen => "Nắp máy in đang mở. Vui lòng báo cán bộ hướng dẫn.",
            Self::Offline => "Máy in chưa sẵn sàng. Vui lòng báo cán bộ hướng dẫn.",
            Self::Unknown => "Không đọc được trạng thái máy in; phiếu vẫn được gửi in.",
        }
    }

    /// A sentence for the UI, in English.
    pub fn message_en(self) -> &'static str {
        match self {
            Self::Ready => "The printer is ready.",
            Self::Busy => "The printer is busy; your slip will print right after.",
            Self::PaperNearEnd => "The printer is running low on paper. Please tell a staff member.",
            Self::PaperOut => "The printer is out of paper. Please tell a staff member.",
            Self::CoverOpen => "The printer cover is open. Please tell a staff member.",
            Self::Offline => "The printer is not ready. Please tell a staff member.",
            Self::Unknown => "The printer status cannot be read; the slip is sent anyway.",
        }
    }
}

/// A printer's status, serialisable for the UI and `kioskctl printer-status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrinterStatus {
    /// The printer spec.
    pub printer: String,
    /// The state.
    pub state: PrinterState,
    /// Whether a job would be sent.
    pub can_print: bool,
    /// What the transport said (e.g. "idle", raw status bytes).
    pub detail: Option<String>,
    /// For the UI, in Vietnamese.
    pub message_vi: &'static str,
    /// For the UI, in English.
    pub message_en: &'static str,
}

impl PrinterStatus {
    /// A status with its messages filled in.
    pub fn new(printer: impl Into<String>, state: PrinterState, detail: Option<String>) -> Self {
        Self {
            printer: printer.into(),
            state,
            can_print: state.can_print(),
            detail,
            message_vi: state.message_vi(),
            message_en: state.message_en(),
        }
    }

    /// `Ok` when a job may be sent, else the matching error.
    pub fn ensure_printable(&self) -> Result<(), PrinterError> {
        let printer = self.printer.clone();
        match self.state {
            PrinterState::PaperOut => Err(PrinterError::PaperOut { printer }),
            PrinterState::CoverOpen => Err(PrinterError::CoverOpen { printer }),
            PrinterState::Offline => {
                Err(PrinterError::Offline { printer, detail: self.detail.clone().unwrap_or_else(|| "reported offline".to_owned()) })
            }
            _ => Ok(()),
        }
    }
}

/// `DLE EOT n`: real-time status transmission.
pub const DLE_EOT: [u8; 2] = [0x10, 0x04];
/// The requests we send: printer status, offline cause, roll paper sensor.
pub const REQUESTS: [u8; 3] = [1, 2, 4];

/// Bits 1 and 4 are always 1 and bits 0 and 7 always 0 in a status byte.
pub fn is_status_byte(b: u8) -> bool {
    b & 0x93 == 0x12
}

/// Decodes the answers to `DLE EOT 1`, `2` and `4`.
pub fn decode_escpos(printer: u8, offline_cause: u8, paper: u8) -> PrinterState {
    let paper_out = paper & 0x60 != 0 || offline_cause & 0x20 != 0;
    if paper_out {
        PrinterState::PaperOut
    } else if offline_cause & 0x04 != 0 {
        PrinterState::CoverOpen
    } else if printer & 0x08 != 0 || offline_cause & 0x40 != 0 {
        PrinterState::Offline
    } else if paper & 0x0c != 0 {
        PrinterState::PaperNearEnd
    } else {
        PrinterState::Ready
    }
}

/// A byte pipe to an ESC/POS printer, each operation bounded by a timeout.
pub(crate) trait Link {
    /// Sends bytes (a status request).
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrinterError>;
    /// Sends the print job; a transport may judge its failures differently.
    fn send_job(&mut self, job: &[u8]) -> Result<(), PrinterError> {
        self.send(job)
    }
    /// Reads one byte; `Ok(None)` when the transport cannot answer (EOF).
    fn recv_byte(&mut self) -> Result<Option<u8>, PrinterError>;
}

/// Asks the printer for its status with `DLE EOT 1/2/4`.
pub(crate) fn query_escpos(link: &mut dyn Link, printer: &str) -> Result<PrinterStatus, PrinterError> {
    let mut answers = [0u8; 3];
    for (answer, n) in answers.iter_mut().zip(REQUESTS) {
        link.send(&[DLE_EOT[0], DLE_EOT[1], n])?;
        let Some(byte) = link.recv_byte()? else {
            return Ok(PrinterStatus::new(printer, PrinterState::Unknown, Some("no status channel".to_owned())));
        };
        if !is_status_byte(byte) {
            return Err(PrinterError::BadStatus { printer: printer.to_owned(), request: n, byte });
        }
        *answer = byte;
    }
    let state = decode_escpos(answers[0], answers[1], answers[2]);
    let detail = format!("DLE EOT 1/2/4 = {:#04x} {:#04x} {:#04x}", answers[0], answers[1], answers[2]);
    Ok(PrinterStatus::new(printer, state, Some(detail)))
}

/// Status check, then the job if the printer can take it.
pub(crate) fn print_escpos(link: &mut dyn Link, printer: &str, job: &[u8]) -> Result<PrinterStatus, PrinterError> {
    let status = query_escpos(link, printer)?;
    status.ensure_printable()?;
    link.send_job(job)?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_documented_bits() {
        assert_eq!(decode_escpos(0x12, 0x12, 0x12), PrinterState::Ready);
        assert_eq!(decode_escpos(0x1a, 0x32, 0x72), PrinterState::PaperOut);
        assert_eq!(decode_escpos(0x1a, 0x16, 0x12), PrinterState::CoverOpen);
        assert_eq!(decode_escpos(0x12, 0x12, 0x1e), PrinterState::PaperNearEnd);
        assert_eq!(decode_escpos(0x1a, 0x12, 0x12), PrinterState::Offline);
        assert!(is_status_byte(0x12) && !is_status_byte(0x00) && !is_status_byte(0xff));
    }

    #[test]
    fn paper_out_refuses_with_its_code() {
        let s = PrinterStatus::new("escpos+tcp://p:9100", PrinterState::PaperOut, None);
        let err = s.ensure_printable().unwrap_err();
        assert_eq!(err.code(), "printer_paper_out");
        assert_eq!(err.message_vi(), "Máy in hết giấy. Vui lòng báo cán bộ hướng dẫn.");
        assert_eq!(err.message_en(), "The printer is out of paper. Please tell a staff member.");
    }

    #[test]
    fn status_json_is_stable() {
        let s = PrinterStatus::new("cups://PDF", PrinterState::Ready, Some("idle".to_owned()));
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["state"], "ready");
        assert_eq!(json["can_print"], true);
        assert_eq!(json["detail"], "idle");
        assert_eq!(json["message_en"], "The printer is ready.");
    }
}
