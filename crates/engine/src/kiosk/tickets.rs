//! Tickets: issue (online, or offline into the journal + outbox), print,
//! reprint; and the printing of any slip.

use std::sync::Arc;

use base64::Engine as _;
use jiff::Timestamp;
use motcua_domain::api::{IssueTicketRequest, OfflineTicket, TicketView};
use motcua_domain::catalog::Service;
use motcua_domain::{Catalog, ScanPayload, ServiceKind, classify_scan};
use motcua_receipt::{Lang, Layout, slips};
use rand::RngCore;

use super::state::Inner;
use crate::client::Retry;
use crate::config::{OfflinePolicy, PrinterUnavailablePolicy};
use crate::error::{BookingProblem, EngineError};
use crate::printer::{PrintData, PrintJob, PrinterError};
use crate::slip;
use crate::store::PrintState;
use crate::types::{Appointment, CheckInOutcome, KioskTicket, PrintReport, TicketOutcome};

/// Set to `1` by tests: abort the process right after the journal commit,
/// before printing (simulates a kiosk killed at the worst moment).
pub const CRASH_AFTER_JOURNAL_ENV: &str = "MOTCUA_TEST_CRASH_AFTER_JOURNAL";

fn issued_local(catalog: &Catalog, at: Timestamp) -> String {
    slip::local(at, &slip::center_tz(catalog)).strftime("%H:%M %d/%m/%Y").to_string()
}

fn local_day(catalog: &Catalog, at: Timestamp) -> String {
    slip::local(at, &slip::center_tz(catalog)).date().to_string()
}

/// A 128-bit URL-safe token (22 characters), like the server's.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn png_data_url(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
}

/// The ticket as the kiosk shows it, from the server's view.
fn from_view(catalog: &Catalog, service: &Service, view: TicketView) -> KioskTicket {
    let priority_name =
        view.priority.as_ref().and_then(|p| catalog.priority_categories.iter().find(|c| &c.id == p)).map(|c| c.name.clone());
    KioskTicket {
        id: view.id.to_string(),
        number: view.number,
        service_id: view.service_id,
        service_name: service.name.clone(),
        service_name_en: service.name_en.clone(),
        area: service.area.clone(),
        priority: view.priority,
        priority_name,
        issued_at: view.issued_at,
        issued_local: issued_local(catalog, view.issued_at),
        ahead: view.ahead,
        estimated_wait_s: view.estimated_wait_s,
        lookup_url: view.lookup_url,
        token: view.token,
        offline: view.offline,
        dossier_code: view.dossier_code,
        appointment: None,
    }
}

impl Inner {
    /// Reads the printer before a ticket is promised: `Ok(None)` ready,
    /// `Ok(Some(e))` screen-only, `Err` refuse (per config).
    async fn printer_gate(self: &Arc<Self>) -> Result<Option<PrinterError>, EngineError> {
        let me = self.clone();
        let status = tokio::task::spawn_blocking(move || me.printer.status()).await?;
        let problem = match status {
            Ok(s) => {
                let problem = s.ensure_printable().err();
                self.note_printer(s);
                problem
            }
            Err(e) => {
                self.note_printer_error(&e);
                Some(e)
            }
        };
        match (problem, self.config.printer_unavailable) {
            (None, _) => Ok(None),
            (Some(e), PrinterUnavailablePolicy::Refuse) => Err(EngineError::Printer(e)),
            (Some(e), PrinterUnavailablePolicy::Screen) => Ok(Some(e)),
        }
    }

    /// Renders a slip, prints it when `print`, and returns the PNG preview.
    pub(crate) async fn render_and_print(
        self: &Arc<Self>,
        layout: Layout,
        name: String,
        created_at: jiff::civil::DateTime,
        print: bool,
    ) -> Result<(Option<Result<(), PrinterError>>, String), EngineError> {
        let me = self.clone();
        let (outcome, png) = tokio::task::spawn_blocking(move || -> Result<_, EngineError> {
            let paper = me.config.paper;
            let raster = me.renderer.raster(&layout, paper)?;
            let png = raster.to_png()?;
            if !print {
                return Ok((None, png));
            }
            let data = match me.printer.format() {
                crate::printer::JobFormat::EscPos => PrintData::Raster(raster),
                crate::printer::JobFormat::Pdf => PrintData::Pdf(me.renderer.pdf(&layout, paper)?),
            };
            let job = PrintJob { name, created_at, data };
            Ok((Some(me.printer.print(&job).map(|o| o.status)), png))
        })
        .await??;
        let outcome = outcome.map(|r| match r {
            Ok(status) => {
                self.note_printer(status);
                Ok(())
            }
            Err(e) => {
                self.note_printer_error(&e);
                Err(e)
            }
        });
        Ok((outcome, png_data_url(&png)))
    }

    /// Prints a journalled ticket in `lang` (unless `screen_only` says why
    /// not) and records the result.
    pub(crate) async fn print_ticket(
        self: &Arc<Self>,
        catalog: &Catalog,
        ticket: KioskTicket,
        screen_only: Option<PrinterError>,
        lang: Lang,
    ) -> Result<TicketOutcome, EngineError> {
        let layout = slips::ticket(&slip::ticket(catalog, &ticket, lang), lang)?;
        let created = slip::local(ticket.issued_at, &slip::center_tz(catalog));
        let print = screen_only.is_none();
        let (outcome, preview_png) = self.render_and_print(layout, ticket.number.clone(), created, print).await?;
        let error = match outcome {
            Some(Ok(())) => None,
            Some(Err(e)) => Some(e),
            None => screen_only,
        };
        let state = if error.is_none() { PrintState::Printed } else { PrintState::Failed };
        // The slip is out (or not) either way: a store that cannot record it
        // is reported, and the ticket stays reprintable where it is journalled.
        if let Err(e) = self.store.set_print_state(&ticket.id, state, error.as_ref().map(PrinterError::code)) {
            tracing::error!(error = %e, number = %ticket.number, "print state not recorded in the store");
            self.note_store_error(&e);
        }
        match &error {
            Some(e) => self.record_error(e.code()),
            None => self.clear_error(),
        }
        // The unprinted count may have moved: the heartbeat compares.
        self.fleet_changed();
        Ok(TicketOutcome { ticket, printed: error.is_none(), print_error: error.map(|e| EngineError::Printer(e).body()), preview_png })
    }

    /// Prints any other slip (checklist, dossier).
    pub(crate) async fn print_slip(self: &Arc<Self>, layout: Layout, name: String, now: Timestamp) -> Result<PrintReport, EngineError> {
        let created = match self.cached() {
            Some((c, _)) => slip::local(now, &slip::center_tz(&c)),
            None => now.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
        };
        let (outcome, preview_png) = self.render_and_print(layout, name, created, true).await?;
        let error = outcome.and_then(Result::err);
        Ok(PrintReport { printed: error.is_none(), print_error: error.map(|e| EngineError::Printer(e).body()), preview_png })
    }

    fn crash_hook(&self) {
        if std::env::var(CRASH_AFTER_JOURNAL_ENV).is_ok_and(|v| v == "1") {
            tracing::warn!("{CRASH_AFTER_JOURNAL_ENV}=1: aborting after the journal commit");
            std::process::abort();
        }
    }

    /// A citizen's tap on a service: issue, journal, print.
    pub(crate) async fn take_ticket(
        self: &Arc<Self>,
        service_id: &str,
        priority: Option<&str>,
        lang: Lang,
    ) -> Result<TicketOutcome, EngineError> {
        let catalog = self.catalog_or_fetch().await?;
        let service = catalog.service(service_id).ok_or_else(|| EngineError::ServiceNotFound(service_id.to_owned()))?;
        if service.kind == ServiceKind::Collect {
            return Err(EngineError::InvalidInput(format!(
                "{service_id} is a collect-result queue: use collect_result with the dossier code"
            )));
        }
        let priority = priority.map(str::trim).filter(|p| !p.is_empty());
        if let Some(p) = priority
            && !catalog.priority_categories.iter().any(|c| c.id == p)
        {
            return Err(EngineError::PriorityNotFound(p.to_owned()));
        }
        let screen_only = self.printer_gate().await?;
        let key = uuid::Uuid::now_v7().to_string();
        let request = IssueTicketRequest {
            service_id: service.id.clone(),
            priority: priority.map(str::to_owned),
            kiosk_id: self.config.kiosk_id.clone(),
            issued_at: None,
            dossier_code: None,
            offline: None,
        };
        let body = serde_json::to_string(&request)?;
        let online = if self.known_offline() {
            Err(EngineError::ServerUnreachable { detail: "the server did not answer the last request".into(), collect: false })
        } else {
            let r = self.client.issue(&body, &key, self.client.interactive()).await;
            self.note(&r);
            r
        };
        let ticket = match online {
            Ok((view, _)) => {
                let ticket = from_view(&catalog, service, view);
                self.journal_online(&catalog, &ticket, &key);
                self.bump_waiting(&ticket.service_id);
                ticket
            }
            Err(e) if e.is_unreachable() => match self.config.offline {
                OfflinePolicy::Refuse => return Err(EngineError::OfflineRefused(e.to_string())),
                OfflinePolicy::Issue => {
                    // An offline ticket exists only in the journal: no journal, no ticket.
                    if let Some(f) = self.offline_blocked() {
                        tracing::warn!(code = f.code, "offline ticket refused: the store is degraded");
                        return Err(EngineError::StoreFault(Box::new(f)));
                    }
                    self.issue_offline(&catalog, service, request, &key).inspect_err(|e| self.note_store_error(e))?
                }
            },
            Err(e) => return Err(e),
        };
        self.crash_hook();
        self.print_ticket(&catalog, ticket, screen_only, lang).await
    }

    /// Journals a ticket the server issued. The server committed it before
    /// answering, so it is the record; a store that cannot keep the local
    /// copy (reprints) is reported and the citizen still gets the slip.
    fn journal_online(&self, catalog: &Catalog, ticket: &KioskTicket, key: &str) {
        if let Err(e) = self.store.journal_online(ticket, key, &local_day(catalog, ticket.issued_at)) {
            tracing::error!(error = %e, number = %ticket.number, "online ticket not journalled locally; the server holds it");
            self.note_store_error(&e);
        }
    }

    /// An offline ticket: kiosk-scoped number, journal + outbox in one transaction.
    ///
    /// It keeps `key`, the key of the tap's online attempt: that attempt may
    /// have been committed by a server whose answer never arrived. Delivered
    /// under the same key, the offline ticket is recognised as the same tap,
    /// and the server keeps one ticket, under the number on this slip.
    fn issue_offline(
        &self,
        catalog: &Catalog,
        service: &Service,
        mut request: IssueTicketRequest,
        key: &str,
    ) -> Result<KioskTicket, EngineError> {
        let now = Timestamp::now();
        let token = new_token();
        let ahead = self.bump_waiting(&service.id);
        let counters = catalog.counters_of(&service.id).count().max(1) as u32;
        let priority_name =
            request.priority.as_ref().and_then(|p| catalog.priority_categories.iter().find(|c| &c.id == p)).map(|c| c.name.clone());
        let ticket = self.store.journal_offline(&service.id, &local_day(catalog, now), key, |draft| {
            let number = format!("{}-{}-{:03}", service.letter, self.config.kiosk_code, draft.seq);
            request.issued_at = Some(now);
            request.offline = Some(OfflineTicket { number: number.clone(), token: token.clone() });
            let body = serde_json::to_string(&request)?;
            let ticket = KioskTicket {
                id: draft.id,
                number,
                service_id: service.id.clone(),
                service_name: service.name.clone(),
                service_name_en: service.name_en.clone(),
                area: service.area.clone(),
                priority: request.priority.clone(),
                priority_name,
                issued_at: now,
                issued_local: issued_local(catalog, now),
                ahead,
                estimated_wait_s: ahead.map(|a| a * service.avg_service_s / counters),
                lookup_url: format!("{}/t/{}", self.config.lookup_base_url, token),
                token: token.clone(),
                offline: true,
                dossier_code: None,
                appointment: None,
            };
            Ok((ticket, body))
        })?;
        self.sync_wake.notify_one();
        self.fleet_changed();
        Ok(ticket)
    }

    /// A ticket in the collect-result queue for a dossier that is ready.
    pub(crate) async fn collect_result(self: &Arc<Self>, text: &str, lang: Lang) -> Result<TicketOutcome, EngineError> {
        let code = self.rules.parse(text).map_err(EngineError::NotACode)?;
        let catalog = self.catalog_or_fetch().await?;
        let service = catalog
            .services
            .iter()
            .find(|s| s.kind == ServiceKind::Collect)
            .ok_or_else(|| EngineError::ServiceNotFound("(collect-result service)".into()))?;
        let screen_only = self.printer_gate().await?;
        let key = uuid::Uuid::now_v7().to_string();
        let request = IssueTicketRequest {
            service_id: service.id.clone(),
            priority: None,
            kiosk_id: self.config.kiosk_id.clone(),
            issued_at: None,
            dossier_code: Some(code.to_string()),
            offline: None,
        };
        let body = serde_json::to_string(&request)?;
        let result = self.client.issue(&body, &key, self.retry()).await;
        self.note(&result);
        let (view, _) = result.map_err(|e| match e {
            EngineError::ServerUnreachable { detail, .. } => EngineError::ServerUnreachable { detail, collect: true },
            other => other,
        })?;
        let ticket = from_view(&catalog, service, view);
        self.journal_online(&catalog, &ticket, &key);
        self.print_ticket(&catalog, ticket, screen_only, lang).await
    }

    /// A citizen's booking code or booking QR: checks the booking in and
    /// prints its appointment ticket (a second check-in prints the same
    /// ticket again). Refusals say what to do (`booking_too_early` with the
    /// local time to come back); an unreachable server is
    /// `booking_unverified`, never a guess.
    pub(crate) async fn check_in(self: &Arc<Self>, text: &str, lang: Lang) -> Result<CheckInOutcome, EngineError> {
        let code = match classify_scan(text, &self.rules) {
            ScanPayload::Booking(code) => code,
            _ => return Err(EngineError::NotABookingCode(text.trim().chars().take(80).collect())),
        };
        let catalog = self.catalog_or_fetch().await?;
        let screen_only = self.printer_gate().await?;
        let r = self.client.check_in(&code, &self.config.kiosk_id, self.retry()).await;
        self.note(&r);
        let tz = slip::center_tz(&catalog);
        let checked = match r {
            Ok(c) => c,
            Err(e) if e.is_unreachable() => return Err(EngineError::BookingUnverified(e.to_string())),
            Err(EngineError::Booking(mut b)) => {
                b.next_open_local = b.next_open_at.map(|at| slip::local(at, &tz).strftime("%H:%M").to_string());
                // The ordinary ticket offered instead is for the booking's own service.
                if matches!(b.problem, BookingProblem::Lapsed | BookingProblem::Cancelled) && b.service_id.is_none() {
                    match self.client.booking_service(&code, Retry::Once).await {
                        Ok(id) => b.service_id = catalog.service(&id).map(|s| s.id.clone()),
                        Err(e) => tracing::warn!(error = %e, "the lapsed booking's service is not known: the citizen chooses it"),
                    }
                }
                tracing::info!(code = %code, problem = b.problem.code(), "booking check-in refused");
                return Err(EngineError::Booking(b));
            }
            Err(e) => return Err(e),
        };
        let catalog = match catalog.service(&checked.ticket.service_id) {
            Some(_) => catalog,
            // A service added since the catalog was cached.
            None => self.refresh_catalog(Retry::Once).await?,
        };
        let service =
            catalog.service(&checked.ticket.service_id).ok_or_else(|| EngineError::ServiceNotFound(checked.ticket.service_id.clone()))?;
        let mut ticket = from_view(&catalog, service, checked.ticket);
        ticket.appointment = Some(Appointment {
            code: checked.code.clone(),
            slot_start: checked.slot_start,
            slot_local: slip::local(checked.slot_start, &tz).strftime("%H:%M").to_string(),
        });
        // One journal entry per booking, whichever kiosk checked it in first.
        self.journal_online(&catalog, &ticket, &format!("booking:{}", checked.code));
        if checked.created {
            self.bump_waiting(&ticket.service_id);
        }
        tracing::info!(code = %checked.code, number = %ticket.number, repeat = !checked.created, "booking checked in");
        let outcome = self.print_ticket(&catalog, ticket, screen_only, lang).await?;
        Ok(CheckInOutcome { outcome, repeat: !checked.created })
    }

    /// Prints a journalled ticket again.
    pub(crate) async fn reprint(self: &Arc<Self>, id: &str, lang: Lang) -> Result<TicketOutcome, EngineError> {
        let entry = self.store.find(id.trim())?.ok_or_else(|| EngineError::TicketNotFound(id.to_owned()))?;
        let catalog = self.cached().map(|(c, _)| c).ok_or(EngineError::CatalogUnavailable)?;
        self.print_ticket(&catalog, entry.ticket, None, lang).await
    }
}
