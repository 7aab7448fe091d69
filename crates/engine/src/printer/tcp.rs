//! ESC/POS over a raw TCP port (9100 network printers).

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};

use super::status::{self, Link, PrinterStatus};
use super::{PrinterError, Timeouts};

struct TcpLink {
    stream: TcpStream,
    printer: String,
    timeouts: Timeouts,
}

fn io_error(printer: &str, action: &'static str, after: std::time::Duration, e: std::io::Error) -> PrinterError {
    match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => PrinterError::Timeout { printer: printer.to_owned(), action, after },
        ErrorKind::ConnectionRefused | ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => {
            PrinterError::Offline { printer: printer.to_owned(), detail: format!("{action}: {e}") }
        }
        // Before the job, a connection torn down under us means nothing there
        // can print: whatever answered the port (a print server whose printer
        // is off, or another program) is not a printer. For the citizen that
        // is "the printer is not ready", as when nobody answers at all. Once
        // the job is on its way the same error is `Io`: a slip may be half out.
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe | ErrorKind::UnexpectedEof
            if action != SEND_JOB =>
        {
            PrinterError::Offline { printer: printer.to_owned(), detail: format!("{action}: {e}") }
        }
        _ => PrinterError::Io { printer: printer.to_owned(), action, source: e },
    }
}

const SEND_JOB: &str = "send job";

impl TcpLink {
    fn write(&mut self, action: &'static str, bytes: &[u8]) -> Result<(), PrinterError> {
        self.stream.write_all(bytes).and_then(|()| self.stream.flush()).map_err(|e| io_error(&self.printer, action, self.timeouts.io, e))
    }
}

impl Link for TcpLink {
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrinterError> {
        self.write("send status request", bytes)
    }

    fn send_job(&mut self, job: &[u8]) -> Result<(), PrinterError> {
        self.write(SEND_JOB, job)
    }

    fn recv_byte(&mut self) -> Result<Option<u8>, PrinterError> {
        let mut b = [0u8; 1];
        match self.stream.read(&mut b) {
            Ok(0) => {
                Err(PrinterError::Offline { printer: self.printer.clone(), detail: "connection closed while reading status".to_owned() })
            }
            Ok(_) => Ok(Some(b[0])),
            Err(e) => Err(io_error(&self.printer, "read status", self.timeouts.io, e)),
        }
    }
}

fn connect(host: &str, port: u16, printer: &str, timeouts: Timeouts) -> Result<TcpLink, PrinterError> {
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| PrinterError::Offline { printer: printer.to_owned(), detail: format!("cannot resolve {host}: {e}") })?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeouts.connect) {
            Ok(stream) => {
                let setup = stream
                    .set_read_timeout(Some(timeouts.io))
                    .and_then(|()| stream.set_write_timeout(Some(timeouts.io)))
                    .and_then(|()| stream.set_nodelay(true));
                setup.map_err(|e| io_error(printer, "configure socket", timeouts.io, e))?;
                return Ok(TcpLink { stream, printer: printer.to_owned(), timeouts });
            }
            Err(e) => last = Some(io_error(printer, "connect", timeouts.connect, e)),
        }
    }
    Err(last.unwrap_or_else(|| PrinterError::Offline { printer: printer.to_owned(), detail: format!("{host} has no address") }))
}

/// Reads the printer's status.
pub(crate) fn status(host: &str, port: u16, printer: &str, timeouts: Timeouts) -> Result<PrinterStatus, PrinterError> {
    let mut link = connect(host, port, printer, timeouts)?;
    status::query_escpos(&mut link, printer)
}

/// Checks status and sends the job on one connection.
pub(crate) fn print(host: &str, port: u16, printer: &str, timeouts: Timeouts, job: &[u8]) -> Result<PrinterStatus, PrinterError> {
    let mut link = connect(host, port, printer, timeouts)?;
    let status = status::print_escpos(&mut link, printer, job)?;
    // Half-close so the printer sees the end of the job before we go.
    let _ = link.stream.shutdown(std::net::Shutdown::Write);
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_is_offline_before_the_job_and_an_io_error_during_it() {
        let reset = || std::io::Error::from(ErrorKind::ConnectionReset);
        let after = std::time::Duration::from_secs(1);
        for action in ["connect", "send status request", "read status"] {
            assert_eq!(io_error("p", action, after, reset()).code(), "printer_offline", "{action}");
        }
        assert_eq!(io_error("p", SEND_JOB, after, reset()).code(), "printer_io");
        assert_eq!(io_error("p", SEND_JOB, after, ErrorKind::TimedOut.into()).code(), "printer_timeout");
    }
}
