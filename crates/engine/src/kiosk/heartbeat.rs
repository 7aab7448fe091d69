//! The heartbeat: the kiosk tells the central server how it is (printer,
//! outbox, unprinted tickets, last error) every `heartbeat_s` (30 s by
//! default) and at once when any of it changes, so staff see "Ki-ốt sảnh 1
//! sắp hết giấy" before a citizen finds out. The answer says whether staff
//! put the kiosk in maintenance and which notice the center shows; both are
//! kept in the store, so a kiosk restarted while offline shows them still.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use motcua_domain::fleet::{HeartbeatRequest, HeartbeatResponse, PrinterHealth};
use tokio::time::Instant;

use super::Inner;
use crate::client::Retry;
use crate::error::EngineError;
use crate::printer::PrinterState;

/// The version the kiosk reports.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a heartbeat reports, apart from the uptime: a change of any of it
/// sends a heartbeat at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    printer: PrinterHealth,
    outbox: u32,
    unprinted: u32,
    last_error: Option<String>,
}

/// The printer as the server's five states see it. Busy prints; a transport
/// that cannot report status (or not read yet) is tried, so counts as ok.
pub(crate) fn health(state: PrinterState) -> PrinterHealth {
    match state {
        PrinterState::Ready | PrinterState::Busy | PrinterState::Unknown => PrinterHealth::Ok,
        PrinterState::PaperNearEnd => PrinterHealth::PaperNearEnd,
        PrinterState::PaperOut => PrinterHealth::PaperOut,
        PrinterState::CoverOpen => PrinterHealth::CoverOpen,
        PrinterState::Offline => PrinterHealth::Offline,
    }
}

impl Inner {
    /// Reads the printer now (off the async threads) and records its state.
    pub(crate) async fn read_printer(self: &Arc<Self>) -> Result<(), EngineError> {
        let me = self.clone();
        match tokio::task::spawn_blocking(move || me.printer.status()).await? {
            Ok(s) => self.note_printer(s),
            Err(e) => self.note_printer_error(&e),
        }
        Ok(())
    }

    /// What a heartbeat would report now; a store that cannot count is an error.
    pub(crate) fn report(&self) -> Result<Report, EngineError> {
        let status = self.snapshot()?;
        Ok(Report {
            printer: health(status.printer.state),
            outbox: status.outbox,
            unprinted: status.pending_prints,
            last_error: self.fleet().last_error.clone(),
        })
    }

    /// Sends one heartbeat and takes the answer (maintenance, notice).
    pub(crate) async fn send_heartbeat(&self, report: &Report) -> Result<HeartbeatResponse, EngineError> {
        let beat = HeartbeatRequest {
            kiosk_id: self.config.kiosk_id.clone(),
            printer: report.printer,
            outbox: report.outbox,
            unprinted: report.unprinted,
            version: VERSION.to_owned(),
            uptime_s: self.started.elapsed().as_secs(),
            last_error: report.last_error.clone(),
        };
        let result = self.client.heartbeat(&beat, Retry::Once).await;
        self.note(&result);
        let answer = result?;
        self.apply_fleet(Some(answer.maintenance), Some(answer.notice.clone()));
        Ok(answer)
    }
}

/// The background task: a heartbeat every period (reading the printer
/// first), and one at once whenever what it reports changed or one is forced.
pub(crate) async fn run(inner: Arc<Inner>) {
    let period = inner.config.heartbeat;
    let mut sent: Option<Report> = None;
    let mut due = Instant::now();
    loop {
        let periodic = Instant::now() >= due;
        if periodic && let Err(e) = inner.read_printer().await {
            tracing::warn!(error = %e, "heartbeat: printer status not read");
        }
        let forced = inner.force_beat.swap(false, Ordering::Relaxed);
        match inner.report() {
            Ok(report) if periodic || forced || sent.as_ref() != Some(&report) => {
                match inner.send_heartbeat(&report).await {
                    Ok(_) => sent = Some(report),
                    Err(e) => {
                        // Unreachable is the offline banner's business; a refusal needs IT.
                        if e.is_unreachable() {
                            tracing::debug!(error = %e, "heartbeat not delivered");
                        } else {
                            tracing::warn!(error = %e, "heartbeat refused by the central server");
                        }
                        sent = None;
                    }
                }
                due = Instant::now() + period;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "heartbeat: the store could not be read");
                due = Instant::now() + period;
            }
        }
        tokio::select! {
            () = inner.heartbeat_wake.notified() => {}
            () = tokio::time::sleep_until(due) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_states_map_to_the_servers_five() {
        assert_eq!(health(PrinterState::Busy), PrinterHealth::Ok);
        assert_eq!(health(PrinterState::Unknown), PrinterHealth::Ok);
        assert_eq!(health(PrinterState::PaperNearEnd), PrinterHealth::PaperNearEnd);
        assert_eq!(health(PrinterState::PaperOut), PrinterHealth::PaperOut);
        assert_eq!(health(PrinterState::CoverOpen), PrinterHealth::CoverOpen);
        assert_eq!(health(PrinterState::Offline), PrinterHealth::Offline);
    }
}
