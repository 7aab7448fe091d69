//! The `Kiosk` facade: the only API the UI (and `kioskctl`) uses.

mod feed;
mod heartbeat;
mod id_card;
mod state;
mod sync;
mod tickets;

use std::sync::{Arc, Mutex, RwLock};

use jiff::Timestamp;
use motcua_domain::api::RatingRequest;
use motcua_domain::fleet::HeartbeatResponse;
use motcua_domain::{Catalog, DossierCodeRules, ScanPayload, classify_scan};
use motcua_receipt::{Lang, Renderer, slips};
use tokio::sync::{Notify, broadcast};
use tokio::task::JoinHandle;

pub use tickets::CRASH_AFTER_JOURNAL_ENV;

use crate::client::{CentralClient, Retry};
use crate::config::Config;
use crate::error::EngineError;
use crate::printer::{Printer, PrinterState, PrinterStatus};
use crate::slip;
use crate::store::Store;
use crate::types::{
    CheckInOutcome, KioskEvent, KioskStatus, KioskTicket, Lookup, PrintReport, ProcedureInfo, RatingInput, SearchHit, SyncReport,
    TicketOutcome,
};
pub(crate) use state::Inner;
use state::{CatalogState, FleetState, Health};

/// The whole kiosk without a window. Dropping it stops its background tasks.
pub struct Kiosk {
    inner: Arc<Inner>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Kiosk {
    /// Opens the store, refreshes the catalog, and spawns the outbox sync,
    /// now-serving and heartbeat tasks (the outbox left by a previous run is resumed).
    pub async fn start(config: Config) -> Result<Kiosk, EngineError> {
        let mut kiosk = Self::open(config).await?;
        kiosk.tasks.push(tokio::spawn(sync::run(kiosk.inner.clone())));
        kiosk.tasks.push(tokio::spawn(heartbeat::run(kiosk.inner.clone())));
        kiosk.tasks.push(tokio::spawn(feed::run_events(kiosk.inner.clone())));
        kiosk.tasks.push(tokio::spawn(feed::run_polling(kiosk.inner.clone())));
        Ok(kiosk)
    }

    /// Like [`Kiosk::start`] without background tasks: for `kioskctl` and
    /// tests, which call [`Kiosk::sync_now`] themselves.
    pub async fn open(config: Config) -> Result<Kiosk, EngineError> {
        let rules = match &config.dossier_code_pattern {
            Some(p) => DossierCodeRules::with_pattern(p).map_err(|e| EngineError::ConfigInvalid {
                key: "dossier_code_pattern".into(),
                value: p.clone(),
                expected: format!("a valid regular expression ({e})"),
            })?,
            None => DossierCodeRules::default(),
        };
        let (store, store_fault) = Store::open_or_degraded(&config.data_dir)?;
        if let Some(f) = &store_fault {
            tracing::error!(code = f.code, error = %f, "KIOSK STORE FAULT: running degraded, online tickets only");
        }
        let client = CentralClient::new(&config)?;
        let printer = Printer::new(config.printer.clone());
        let printer_status = PrinterStatus::new(config.printer.to_string(), PrinterState::Unknown, Some("not checked yet".into()));
        let last_sync = match store.setting("last_sync")? {
            None => None,
            // Only a status field: a damaged value must not keep the kiosk from starting.
            Some(text) => match text.parse::<Timestamp>() {
                Ok(at) => Some(at),
                Err(e) => {
                    tracing::warn!(value = %text, error = %e, "stored last_sync is not a timestamp; shown as never synced");
                    None
                }
            },
        };
        let cached = store.cached_catalog()?;
        let mut fleet = FleetState::load(&store)?;
        if let Some(f) = &store_fault {
            // The heartbeat tells the console.
            fleet.last_error = Some(f.code.clone());
        }
        let (events, _) = broadcast::channel(256);
        let inner = Arc::new(Inner {
            renderer: Renderer::new()?,
            config,
            store,
            client,
            printer,
            rules,
            catalog: RwLock::new(None::<CatalogState>),
            health: Mutex::new(Health { online: None, authorised: true, printer: printer_status, last_sync, offline_reason: None }),
            queues: Mutex::new(None),
            events,
            sync_wake: Notify::new(),
            sync_lock: tokio::sync::Mutex::new(()),
            fleet: Mutex::new(fleet),
            heartbeat_wake: Notify::new(),
            force_beat: std::sync::atomic::AtomicBool::new(false),
            started: std::time::Instant::now(),
            id_key: tokio::sync::Mutex::new(None),
            store_fault: Mutex::new(store_fault),
        });
        if let Some((etag, json)) = cached
            && let Err(e) = inner.install_catalog(&json, etag)
        {
            tracing::warn!(error = %e, "cached catalog ignored");
        }
        let budget = inner.config.online_budget.min(std::time::Duration::from_secs(2));
        match inner.refresh_catalog(Retry::Within(budget)).await {
            Ok(_) => {}
            Err(e @ EngineError::ConfigInvalid { .. }) => return Err(e),
            Err(e) => tracing::warn!(error = %e, "catalog not refreshed at start"),
        }
        Ok(Kiosk { inner, tasks: Vec::new() })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The language a slip prints in: `code` ("vi" or "en", the language the
    /// citizen chose on screen) when given, else the configured one.
    /// Anything else is `invalid_request`, never a silent fallback.
    pub fn slip_lang(&self, code: Option<&str>) -> Result<Lang, EngineError> {
        match code {
            None => Ok(self.inner.config.language),
            Some(code) => Lang::from_code(code).ok_or_else(|| EngineError::InvalidInput(format!("language {code:?} is not vi or en"))),
        }
    }

    /// The catalog (cached; works offline once fetched).
    pub fn catalog(&self) -> Result<Arc<Catalog>, EngineError> {
        self.inner.cached().map(|(c, _)| c).ok_or(EngineError::CatalogUnavailable)
    }

    /// The catalog; when none was ever fetched, asks the server once more
    /// (so the error says whether the server is unreachable).
    pub async fn load_catalog(&self) -> Result<Arc<Catalog>, EngineError> {
        match self.catalog() {
            Err(EngineError::CatalogUnavailable) => self.inner.refresh_catalog(Retry::Once).await,
            other => other,
        }
    }

    /// Accent- and case-insensitive search, best first, at most 30 hits.
    /// Without a catalog there is nothing to find: no hits (the screen that
    /// searches has already shown `catalog_unavailable` from [`Kiosk::load_catalog`]).
    pub fn search(&self, text: &str) -> Vec<SearchHit> {
        self.inner.cached().map(|(_, index)| index.search(text)).unwrap_or_default()
    }

    /// Takes a number: issued online, or offline when the server cannot be
    /// reached (per config); journalled, then printed in the configured language.
    pub async fn take_ticket(&self, service_id: &str, priority: Option<&str>) -> Result<TicketOutcome, EngineError> {
        self.take_ticket_in(service_id, priority, self.inner.config.language).await
    }

    /// [`Kiosk::take_ticket`] with the slip in `lang`: the language the
    /// citizen chose on screen.
    pub async fn take_ticket_in(&self, service_id: &str, priority: Option<&str>, lang: Lang) -> Result<TicketOutcome, EngineError> {
        self.inner.take_ticket(service_id, priority, lang).await
    }

    /// A ticket in the collect-result queue, or `dossier_not_ready` with the due date.
    pub async fn collect_result(&self, dossier_code: &str) -> Result<TicketOutcome, EngineError> {
        self.collect_result_in(dossier_code, self.inner.config.language).await
    }

    /// [`Kiosk::collect_result`] with the slip in `lang`.
    pub async fn collect_result_in(&self, dossier_code: &str, lang: Lang) -> Result<TicketOutcome, EngineError> {
        self.inner.collect_result(dossier_code, lang).await
    }

    /// A dossier code → its status; a ticket QR → the ticket's status; a
    /// chip ID card's QR → its holder's dossiers (the numbers leave the kiosk
    /// only as keyed hashes); anything else → `not_a_code` without a request.
    pub async fn lookup(&self, text: &str) -> Result<Lookup, EngineError> {
        let inner = &self.inner;
        match classify_scan(text, &inner.rules) {
            ScanPayload::Garbage(reason) => Err(EngineError::NotACode(reason)),
            ScanPayload::IdCard(card) => inner.id_card_lookup(&card).await,
            // Checking in prints a ticket: the screen it opens asks nothing more.
            ScanPayload::Booking(code) => Ok(Lookup::Booking { code }),
            ScanPayload::Dossier(code) => {
                let r = inner.client.dossier(code.as_str(), inner.retry()).await;
                inner.note(&r);
                Ok(Lookup::Dossier { dossier: r? })
            }
            ScanPayload::Ticket(token) => {
                let r = inner.client.ticket(&token, inner.retry()).await;
                inner.note(&r);
                let ticket = match r {
                    Ok(t) => t,
                    // An offline ticket the server has not received yet is still
                    // this kiosk's to answer for: the citizen holds its slip.
                    Err(e) if e.is_unreachable() || matches!(e, EngineError::TicketNotFound(_)) => {
                        match inner.store.find(&token)?.filter(|j| j.ticket.token == token) {
                            Some(entry) => undelivered_view(entry.ticket)?,
                            None => return Err(e),
                        }
                    }
                    Err(e) => return Err(e),
                };
                // A queue missing from the cached catalog (renamed or removed
                // since) is shown by its id rather than failing the lookup.
                let service_name = inner
                    .cached()
                    .and_then(|(c, _)| c.service(&ticket.service_id).map(|s| s.name.clone()))
                    .unwrap_or_else(|| ticket.service_id.clone());
                Ok(Lookup::Ticket { ticket, service_name })
            }
        }
    }

    /// Checks a booking in by its code or QR (`XXX-XXX`, any case, the dash
    /// optional, or the booking page's URL) and prints its appointment
    /// ticket in the configured language; a second check-in prints the same ticket.
    pub async fn check_in(&self, code: &str) -> Result<CheckInOutcome, EngineError> {
        self.check_in_in(code, self.inner.config.language).await
    }

    /// [`Kiosk::check_in`] with the slip in `lang`.
    pub async fn check_in_in(&self, code: &str, lang: Lang) -> Result<CheckInOutcome, EngineError> {
        self.inner.check_in(code, lang).await
    }

    /// A procedure with its field, agency and queue.
    pub fn procedure(&self, id: &str) -> Result<ProcedureInfo, EngineError> {
        let catalog = self.catalog()?;
        let procedure = catalog.procedures.iter().find(|p| p.id == id).ok_or_else(|| EngineError::ProcedureNotFound(id.to_owned()))?;
        // The catalog import checks these references; an empty name only
        // hides a line of the procedure screen, it does not block the citizen.
        let field = catalog.fields.iter().find(|f| f.id == procedure.field);
        let agency = field.and_then(|f| catalog.agencies.iter().find(|a| a.id == f.agency));
        Ok(ProcedureInfo {
            procedure: procedure.clone(),
            field_name: field.map(|f| f.name.clone()).unwrap_or_default(),
            agency_name: agency.map(|a| a.name.clone()).unwrap_or_default(),
            service_id: catalog.service_for_procedure(id).map(|s| s.id.clone()),
        })
    }

    /// Prints a procedure's document checklist.
    pub async fn print_checklist(&self, procedure_id: &str) -> Result<PrintReport, EngineError> {
        self.print_checklist_in(procedure_id, self.inner.config.language).await
    }

    /// [`Kiosk::print_checklist`] in `lang`.
    pub async fn print_checklist_in(&self, procedure_id: &str, lang: Lang) -> Result<PrintReport, EngineError> {
        let info = self.procedure(procedure_id)?;
        let catalog = self.catalog()?;
        let now = Timestamp::now();
        let layout = slips::checklist(&slip::checklist(&catalog, &info.procedure, now, lang), lang);
        self.inner.print_slip(layout, info.procedure.id.clone(), now).await
    }

    /// Prints a dossier's status slip.
    pub async fn print_dossier(&self, code: &str) -> Result<PrintReport, EngineError> {
        self.print_dossier_in(code, self.inner.config.language).await
    }

    /// [`Kiosk::print_dossier`] in `lang`.
    pub async fn print_dossier_in(&self, code: &str, lang: Lang) -> Result<PrintReport, EngineError> {
        let code = self.inner.rules.parse(code).map_err(EngineError::NotACode)?;
        let catalog = self.catalog()?;
        let r = self.inner.client.dossier(code.as_str(), self.inner.retry()).await;
        self.inner.note(&r);
        let dossier = r?;
        let now = Timestamp::now();
        let layout = slips::dossier(&slip::dossier(&catalog, &dossier, lang, now), lang);
        self.inner.print_slip(layout, dossier.code.clone(), now).await
    }

    /// Prints a journalled ticket again (by id, server id, token or number).
    pub async fn reprint(&self, ticket_id: &str) -> Result<TicketOutcome, EngineError> {
        self.reprint_in(ticket_id, self.inner.config.language).await
    }

    /// [`Kiosk::reprint`] in `lang`.
    pub async fn reprint_in(&self, ticket_id: &str, lang: Lang) -> Result<TicketOutcome, EngineError> {
        self.inner.reprint(ticket_id, lang).await
    }

    /// Tickets whose slip has not printed yet (newest first).
    pub fn unprinted(&self) -> Result<Vec<KioskTicket>, EngineError> {
        self.inner.store.unprinted(100)
    }

    /// Sends a satisfaction rating.
    pub async fn rate(&self, rating: RatingInput) -> Result<(), EngineError> {
        if !(1..=3).contains(&rating.score) {
            return Err(EngineError::InvalidInput(format!("score {} is not 1, 2 or 3", rating.score)));
        }
        let dossier_code = match rating.dossier_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => Some(self.inner.rules.parse(c).map_err(EngineError::NotACode)?.to_string()),
            None => None,
        };
        let request = RatingRequest {
            ticket_token: rating.ticket_token.filter(|t| !t.trim().is_empty()),
            dossier_code,
            score: rating.score,
            comment: rating.comment.filter(|c| !c.trim().is_empty()),
        };
        if request.ticket_token.is_none() && request.dossier_code.is_none() {
            return Err(EngineError::InvalidInput("a rating needs a ticket or a dossier".into()));
        }
        // One key per rating, reused by every retry: the server counts it once.
        let key = uuid::Uuid::now_v7().to_string();
        let r = self.inner.client.rate(&request, &key, self.inner.retry()).await;
        self.inner.note(&r);
        r
    }

    /// Online/offline, printer (read now), outbox length, last sync,
    /// maintenance and notice. A store that cannot be read is an error
    /// (`store`), never an empty outbox.
    pub async fn status(&self) -> Result<KioskStatus, EngineError> {
        self.inner.read_printer().await?;
        self.inner.snapshot()
    }

    /// Reads the printer and sends one heartbeat now (`kioskctl status`); the
    /// answer (maintenance, notice) is kept as the background task keeps it.
    pub async fn heartbeat(&self) -> Result<HeartbeatResponse, EngineError> {
        self.inner.read_printer().await?;
        let report = self.inner.report()?;
        self.inner.send_heartbeat(&report).await
    }

    /// Asks the server whether it is there (and refreshes the catalog).
    pub async fn probe(&self) -> Result<(), EngineError> {
        self.inner.refresh_catalog(Retry::Once).await.map(|_| ())
    }

    /// Runs one outbox pass now.
    pub async fn sync_now(&self) -> Result<SyncReport, EngineError> {
        sync::pass(&self.inner).await
    }

    /// The queues as last heard from the server (empty before the first
    /// answer): what a page shows before the next `now_serving` event.
    pub fn queues(&self) -> Vec<motcua_domain::api::QueueState> {
        self.inner.queues_now()
    }

    /// Live events: now serving, tickets called, status changes.
    pub fn subscribe(&self) -> broadcast::Receiver<KioskEvent> {
        self.inner.events.subscribe()
    }

    /// Whether `pin` is the admin PIN.
    pub fn check_admin_pin(&self, pin: &str) -> bool {
        self.inner.config.check_admin_pin(pin)
    }

    /// `Ok` when `pin` is the admin PIN; else `admin_pin_wrong`, after a
    /// pause that slows down guessing on the touch screen.
    pub async fn verify_admin_pin(&self, pin: &str) -> Result<(), EngineError> {
        if self.check_admin_pin(pin) {
            tracing::info!("admin PIN accepted");
            return Ok(());
        }
        tracing::warn!("admin PIN refused");
        tokio::time::sleep(WRONG_PIN_PAUSE).await;
        Err(EngineError::AdminPinWrong)
    }
}

/// How long a wrong admin PIN keeps the pad waiting.
const WRONG_PIN_PAUSE: std::time::Duration = std::time::Duration::from_millis(800);

/// How a ticket this kiosk issued offline, and has not delivered yet, stands:
/// waiting, at a place the server will set when it receives it. Its id is the
/// kiosk's own UUIDv7; a journal entry without one is damaged (`store`).
fn undelivered_view(t: KioskTicket) -> Result<motcua_domain::api::TicketView, EngineError> {
    let id = uuid::Uuid::parse_str(&t.id)
        .map_err(|e| EngineError::Store(format!("journal entry {} ({}) has no valid ticket id: {e}", t.id, t.number)))?;
    Ok(motcua_domain::api::TicketView {
        id,
        token: t.token,
        number: t.number,
        service_id: t.service_id,
        priority: t.priority,
        issued_at: t.issued_at,
        status: motcua_domain::TicketStatus::Waiting,
        position: t.ahead.map(|a| a.saturating_add(1)),
        ahead: t.ahead,
        estimated_wait_s: t.estimated_wait_s,
        counter: None,
        called_at: None,
        lookup_url: t.lookup_url,
        offline: true,
        dossier_code: t.dossier_code,
        appointment: None,
    })
}

#[cfg(test)]
mod tests;
