//! The kiosk's shared state: what the facade and its background tasks share.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard};

use jiff::Timestamp;
use motcua_domain::api::QueuesResponse;
use motcua_domain::fleet::Notice;
use motcua_domain::{Catalog, DossierCodeRules};
use motcua_receipt::Renderer;
use tokio::sync::{Notify, broadcast};

use crate::client::{CentralClient, Retry};
use crate::config::Config;
use crate::error::EngineError;
use crate::printer::{Printer, PrinterError, PrinterState, PrinterStatus};
use crate::search::SearchIndex;
use crate::store::{Store, StoreFault};
use crate::types::{KioskEvent, KioskStatus};

/// A catalog with its search index and ETag.
pub(crate) struct CatalogState {
    pub catalog: Arc<Catalog>,
    pub index: Arc<SearchIndex>,
    pub etag: Option<String>,
}

/// What the kiosk knows about its surroundings.
pub(crate) struct Health {
    /// `None` until the server answered or failed once.
    pub online: Option<bool>,
    pub authorised: bool,
    pub printer: PrinterStatus,
    pub last_sync: Option<Timestamp>,
    /// The code of the last "unreachable" failure while offline.
    pub offline_reason: Option<String>,
}

/// What staff set for this kiosk, as the server last said, and the last error
/// the kiosk reports in its heartbeat.
#[derive(Debug, Clone, Default)]
pub(crate) struct FleetState {
    pub maintenance: bool,
    pub notice: Option<Notice>,
    pub last_error: Option<String>,
}

/// Store settings that keep the server's word across a restart while offline.
const MAINTENANCE_KEY: &str = "fleet_maintenance";
const NOTICE_KEY: &str = "fleet_notice";

impl FleetState {
    /// The maintenance and notice last stored; a damaged value is logged and
    /// read as none (the next heartbeat sets it again).
    pub fn load(store: &Store) -> Result<FleetState, EngineError> {
        let maintenance = store.setting(MAINTENANCE_KEY)?.as_deref() == Some("1");
        let notice = match store.setting(NOTICE_KEY)? {
            None => None,
            Some(json) => serde_json::from_str(&json)
                .inspect_err(|e| tracing::warn!(error = %e, "stored notice unreadable; none shown until the server says"))
                .ok(),
        };
        Ok(FleetState { maintenance, notice, last_error: None })
    }
}

/// Shared by the facade and the background tasks.
pub(crate) struct Inner {
    pub config: Config,
    pub store: Store,
    pub client: CentralClient,
    pub printer: Printer,
    pub renderer: Renderer,
    pub rules: DossierCodeRules,
    pub catalog: RwLock<Option<CatalogState>>,
    pub health: Mutex<Health>,
    pub queues: Mutex<Option<QueuesResponse>>,
    pub events: broadcast::Sender<KioskEvent>,
    /// Wakes the outbox sync task.
    pub sync_wake: Notify,
    /// One outbox pass at a time.
    pub sync_lock: tokio::sync::Mutex<()>,
    /// Maintenance, notice, last error.
    pub fleet: Mutex<FleetState>,
    /// Wakes the heartbeat task: something it reports may have changed.
    pub heartbeat_wake: Notify,
    /// The next heartbeat goes even if nothing changed (back online, events reconnected).
    pub force_beat: AtomicBool,
    /// When the kiosk started (the heartbeat's uptime).
    pub started: std::time::Instant,
    /// The deployment's ID key, fetched when a card is first scanned; in memory only.
    pub id_key: tokio::sync::Mutex<Option<super::id_card::HeldKey>>,
    /// The store's problem, found at start or while running.
    pub store_fault: Mutex<Option<StoreFault>>,
}

// Lock poisoning: the values behind `health`, `catalog` and `queues` are
// only ever replaced whole or bumped by one field under the lock, so a panic
// elsewhere cannot leave them half-written. A poisoned lock is recovered
// (`PoisonError::into_inner`) rather than turned into "no catalog" or "no
// status" for the citizen; `a_poisoned_lock_keeps_the_catalog` pins it.
impl Inner {
    fn health(&self) -> MutexGuard<'_, Health> {
        self.health.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn catalog_state(&self) -> RwLockReadGuard<'_, Option<CatalogState>> {
        self.catalog.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn queues(&self) -> MutexGuard<'_, Option<QueuesResponse>> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn fleet(&self) -> MutexGuard<'_, FleetState> {
        self.fleet.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Something the heartbeat reports may have changed: it compares and sends.
    pub fn fleet_changed(&self) {
        self.heartbeat_wake.notify_one();
    }

    /// Sends a heartbeat soon even if nothing it reports changed.
    pub fn force_heartbeat(&self) {
        self.force_beat.store(true, Ordering::Relaxed);
        self.heartbeat_wake.notify_one();
    }

    /// Records the code of an error the kiosk met; the heartbeat reports it.
    pub fn record_error(&self, code: &str) {
        let changed = {
            let mut f = self.fleet();
            let changed = f.last_error.as_deref() != Some(code);
            f.last_error = Some(code.to_owned());
            changed
        };
        if changed {
            self.fleet_changed();
        }
    }

    /// A slip printed: the last error is behind us, but for a store fault,
    /// which stands until the kiosk restarts with a usable store.
    pub fn clear_error(&self) {
        let standing = self.store_fault().map(|f| f.code);
        let changed = {
            let mut f = self.fleet();
            let changed = f.last_error != standing;
            f.last_error = standing;
            changed
        };
        if changed {
            self.fleet_changed();
        }
    }

    /// Takes what the server says staff set (heartbeat answer or live
    /// event); keeps it in the store and tells the UI when it changed.
    pub fn apply_fleet(&self, maintenance: Option<bool>, notice: Option<Option<Notice>>) {
        let (m_changed, n_changed) = {
            let mut f = self.fleet();
            let m_changed = maintenance.is_some_and(|m| m != f.maintenance);
            let n_changed = notice.as_ref().is_some_and(|n| *n != f.notice);
            if let Some(m) = maintenance {
                f.maintenance = m;
            }
            if let Some(n) = notice.clone() {
                f.notice = n;
            }
            (m_changed, n_changed)
        };
        if !m_changed && !n_changed {
            return;
        }
        let stored = (|| {
            if let Some(m) = maintenance.filter(|_| m_changed) {
                tracing::info!(maintenance = m, "maintenance set by staff");
                self.store.set_setting(MAINTENANCE_KEY, Some(if m { "1" } else { "0" }))?;
            }
            if let Some(n) = notice.filter(|_| n_changed) {
                tracing::info!(shown = n.is_some(), "center notice changed");
                let json = n.as_ref().map(serde_json::to_string).transpose()?;
                self.store.set_setting(NOTICE_KEY, json.as_deref())?;
            }
            Ok::<_, EngineError>(())
        })();
        if let Err(e) = stored {
            // Shown now; only a restart while offline would forget it.
            tracing::error!(error = %e, "maintenance or notice not kept in the store");
        }
        self.publish_status();
    }

    /// The status as last known, without asking the printer. A store that
    /// cannot count its outbox is an error, never an empty outbox.
    pub fn snapshot(&self) -> Result<KioskStatus, EngineError> {
        let (outbox, outbox_rejected, pending_prints) = self.store.counts()?;
        let catalog_loaded = self.catalog_state().is_some();
        let (maintenance, notice) = {
            let f = self.fleet();
            (f.maintenance, f.notice.clone().filter(|n| n.is_current(Timestamp::now())))
        };
        let store = self.store_fault().map(Box::new);
        let h = self.health();
        Ok(KioskStatus {
            // Not yet known counts as offline: the UI shows the offline banner
            // until the server has answered once.
            online: h.online.unwrap_or(false),
            authorised: h.authorised,
            printer: h.printer.clone(),
            outbox,
            outbox_rejected,
            pending_prints,
            last_sync: h.last_sync,
            catalog_loaded,
            maintenance,
            notice,
            offline_reason: if h.online == Some(true) { None } else { h.offline_reason.clone() },
            store,
        })
    }

    /// The store's problem, if it has one.
    pub fn store_fault(&self) -> Option<StoreFault> {
        self.store_fault.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Offline tickets are refused now because of the store: its fault.
    pub fn offline_blocked(&self) -> Option<StoreFault> {
        self.store_fault().filter(|f| f.blocks_offline(Timestamp::now()))
    }

    /// A store write failed while running: a full disk, a read-only or a
    /// damaged file becomes the kiosk's store fault (status, log, heartbeat);
    /// other errors are only logged by the caller.
    pub fn note_store_error(&self, e: &EngineError) {
        let EngineError::StoreFault(f) = e else { return };
        let changed = {
            let mut current = self.store_fault.lock().unwrap_or_else(PoisonError::into_inner);
            let changed = current.as_ref().is_none_or(|c| c.kind != f.kind);
            if changed {
                let mut fault = (**f).clone();
                if fault.path.as_os_str().is_empty() {
                    fault.path = self.config.data_dir.join("kiosk.db");
                }
                *current = Some(fault);
            }
            changed
        };
        if changed {
            tracing::error!(code = f.code, error = %f, "the local store failed; offline tickets are refused until the kiosk restarts with a usable store");
            self.record_error(&f.code);
            self.publish_status();
        }
    }

    /// Sends an event; with no window or test listening it goes nowhere, which is fine.
    pub fn publish(&self, event: KioskEvent) {
        if self.events.send(event).is_err() {
            tracing::trace!("kiosk event without subscribers");
        }
    }

    fn publish_status(&self) {
        match self.snapshot() {
            Ok(status) => self.publish(KioskEvent::Status { status }),
            // The UI keeps its last status; the next `status` call returns this error.
            Err(e) => tracing::error!(error = %e, "status event not sent: the store failed"),
        }
    }

    /// Known to be offline: a citizen's tap does not wait for the network.
    pub fn known_offline(&self) -> bool {
        self.health().online == Some(false)
    }

    /// The retry policy for a citizen's request right now.
    pub fn retry(&self) -> Retry {
        if self.known_offline() { Retry::Once } else { self.client.interactive() }
    }

    /// Learns from a server answer: online/offline, authorised or not.
    pub fn note<T>(&self, result: &Result<T, EngineError>) {
        let (online, authorised) = match result {
            Ok(_) => (true, Some(true)),
            Err(e) if e.is_unreachable() => {
                let mut h = self.health();
                if h.offline_reason.as_deref() != Some(e.code()) {
                    if matches!(e, EngineError::ServerUntrusted(_)) {
                        tracing::error!(error = %e, "the central server's certificate was refused");
                    }
                    h.offline_reason = Some(e.code().to_owned());
                    // A new reason is a status change even while offline already.
                    h.online = None;
                }
                (false, None)
            }
            Err(EngineError::NotAuthorised(_)) => (true, Some(false)),
            Err(EngineError::Api(_) | EngineError::UnknownApi { .. }) => (true, Some(true)),
            Err(_) => return,
        };
        let changed = {
            let mut h = self.health();
            let before = (h.online, h.authorised);
            h.online = Some(online);
            if let Some(a) = authorised {
                h.authorised = a;
            }
            before != (h.online, h.authorised)
        };
        if changed {
            tracing::info!(online, "central server reachability changed");
            if online {
                self.sync_wake.notify_one();
                // Staff may have set something meanwhile: ask now.
                self.force_heartbeat();
            }
            self.publish_status();
        }
    }

    /// Records a delivered outbox pass.
    pub fn set_last_sync(&self, at: Timestamp) {
        self.health().last_sync = Some(at);
    }

    /// Records the printer's state; publishes a status event when it changed.
    pub fn note_printer(&self, status: PrinterStatus) {
        let changed = {
            let mut h = self.health();
            let changed = h.printer.state != status.state;
            h.printer = status;
            changed
        };
        if changed {
            self.publish_status();
            self.fleet_changed();
        }
    }

    /// Records a printer error as the printer's state.
    pub fn note_printer_error(&self, e: &PrinterError) {
        self.record_error(e.code());
        let state = match e {
            PrinterError::PaperOut { .. } => PrinterState::PaperOut,
            PrinterError::CoverOpen { .. } => PrinterState::CoverOpen,
            _ => PrinterState::Offline,
        };
        self.note_printer(PrinterStatus::new(self.printer.spec().to_string(), state, Some(e.to_string())));
    }

    /// The cached catalog.
    pub fn cached(&self) -> Option<(Arc<Catalog>, Arc<SearchIndex>)> {
        self.catalog_state().as_ref().map(|c| (c.catalog.clone(), c.index.clone()))
    }

    /// Installs a catalog from its JSON.
    pub fn install_catalog(&self, json: &str, etag: Option<String>) -> Result<Arc<Catalog>, EngineError> {
        let catalog: Catalog = serde_json::from_str(json)?;
        if catalog.center.id != self.config.center_id {
            return Err(EngineError::ConfigInvalid {
                key: "center_id".into(),
                value: self.config.center_id.clone(),
                expected: format!("the center of the token ({})", catalog.center.id),
            });
        }
        if jiff::tz::TimeZone::get(&catalog.center.time_zone).is_err() {
            tracing::warn!(time_zone = %catalog.center.time_zone, "unknown time zone in the catalog; slips use UTC+7");
        }
        let catalog = Arc::new(catalog);
        let index = Arc::new(SearchIndex::new(&catalog));
        *self.catalog.write().unwrap_or_else(PoisonError::into_inner) = Some(CatalogState { catalog: catalog.clone(), index, etag });
        Ok(catalog)
    }

    /// Asks the server for a newer catalog (If-None-Match) and caches it.
    pub async fn refresh_catalog(&self, retry: Retry) -> Result<Arc<Catalog>, EngineError> {
        let etag = self.catalog_state().as_ref().and_then(|c| c.etag.clone());
        let result = self.client.catalog(etag.as_deref(), retry).await;
        self.note(&result);
        match result? {
            Some((json, etag)) => {
                let catalog = self.install_catalog(&json, etag.clone())?;
                // In use now either way; only a restart while offline would miss it.
                if let Err(e) = self.store.save_catalog(etag.as_deref(), &json) {
                    tracing::error!(error = %e, "the catalog was not cached in the store");
                    self.note_store_error(&e);
                }
                Ok(catalog)
            }
            None => self.cached().map(|(c, _)| c).ok_or(EngineError::CatalogUnavailable),
        }
    }

    /// The cached catalog, fetched first when there is none.
    pub async fn catalog_or_fetch(&self) -> Result<Arc<Catalog>, EngineError> {
        if let Some((c, _)) = self.cached() {
            return Ok(c);
        }
        match self.refresh_catalog(self.retry()).await {
            Err(e) if e.is_unreachable() => Err(EngineError::CatalogUnavailable),
            other => other,
        }
    }

    /// Remembers the queues; publishes them.
    pub fn set_queues(&self, queues: QueuesResponse) {
        *self.queues() = Some(queues.clone());
        self.publish(KioskEvent::NowServing { queues: queues.queues });
    }

    /// The queues as last heard (empty before the first answer).
    pub fn queues_now(&self) -> Vec<motcua_domain::api::QueueState> {
        self.queues().as_ref().map(|q| q.queues.clone()).unwrap_or_default()
    }

    /// The last known waiting count of a service, bumped by one ticket;
    /// `None` when the queues were never heard of (the slip says "unknown").
    pub fn bump_waiting(&self, service_id: &str) -> Option<u32> {
        let mut q = self.queues();
        let state = q.as_mut()?.queues.iter_mut().find(|s| s.service_id == service_id)?;
        let ahead = state.waiting;
        state.waiting += 1;
        Some(ahead)
    }
}
