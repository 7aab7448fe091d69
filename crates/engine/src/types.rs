//! What the `Kiosk` facade returns: the JSON the UI sees (docs/kiosk-api.md).

use jiff::Timestamp;
use motcua_domain::Procedure;
use motcua_domain::api::{CounterRef, DossierSummary, DossierView, QueueState, TicketView};
use motcua_domain::fleet::Notice;
use serde::{Deserialize, Serialize};

use crate::error::EngineErrorBody;
use crate::printer::PrinterStatus;

/// A ticket as this kiosk issued it (online or offline): what the slip shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskTicket {
    /// Server ticket id (UUIDv7); for an offline ticket, the kiosk's own id.
    pub id: String,
    /// `B012`, or an offline `B-K1-003`.
    pub number: String,
    /// The queue.
    pub service_id: String,
    /// Queue name.
    pub service_name: String,
    /// Queue name in English.
    pub service_name_en: Option<String>,
    /// Where its counters are.
    pub area: String,
    /// Priority category id.
    pub priority: Option<String>,
    /// Priority category name.
    pub priority_name: Option<String>,
    /// Issue time.
    pub issued_at: Timestamp,
    /// Issue time, local to the center: "08:15 28/11/2026".
    pub issued_local: String,
    /// People called before it, when known.
    pub ahead: Option<u32>,
    /// Estimated wait, when known.
    pub estimated_wait_s: Option<u32>,
    /// What the QR opens.
    pub lookup_url: String,
    /// The QR token.
    pub token: String,
    /// Issued while the server could not be reached.
    pub offline: bool,
    /// The dossier of a collect-result ticket.
    pub dossier_code: Option<String>,
    /// An appointment ticket's booking (absent in journals of older kiosks).
    #[serde(default)]
    pub appointment: Option<Appointment>,
}

/// The booking behind an appointment ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The booking code, `XXX-XXX`.
    pub code: String,
    /// The slot's start.
    pub slot_start: Timestamp,
    /// The slot's start in the center's local time, `09:00`.
    #[serde(default)]
    pub slot_local: String,
}

#[cfg(test)]
impl KioskTicket {
    /// An offline ticket of queue `svc` for unit tests.
    pub(crate) fn sample(id: &str, number: &str) -> Self {
        Self {
            id: id.into(),
            number: number.into(),
            service_id: "svc".into(),
            service_name: "Đất đai".into(),
            service_name_en: None,
            area: "Khu A".into(),
            priority: None,
            priority_name: None,
            issued_at: "2026-11-28T01:15:00Z".parse().unwrap(),
            issued_local: "08:15 28/11/2026".into(),
            ahead: None,
            estimated_wait_s: None,
            lookup_url: "http://x/t/tok".into(),
            token: format!("tok-{id}"),
            offline: true,
            dossier_code: None,
            appointment: None,
        }
    }
}

/// The answer to `check_in`: the appointment ticket, new or (a second scan) the same again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckInOutcome {
    /// The ticket, printed (or not) as for `take_ticket`.
    #[serde(flatten)]
    pub outcome: TicketOutcome,
    /// The booking was already checked in: this is the same ticket, printed again.
    pub repeat: bool,
}

/// The answer to `take_ticket`, `collect_result` and `reprint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketOutcome {
    /// The ticket.
    pub ticket: KioskTicket,
    /// Whether the slip was printed.
    pub printed: bool,
    /// Why not.
    pub print_error: Option<EngineErrorBody>,
    /// `data:image/png;base64,…`: the slip that was (or would have been) printed.
    pub preview_png: String,
}

/// The answer to `print_checklist` and `print_dossier`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintReport {
    /// Whether it printed.
    pub printed: bool,
    /// Why not.
    pub print_error: Option<EngineErrorBody>,
    /// `data:image/png;base64,…`.
    pub preview_png: String,
}

/// What a typed or scanned text turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Lookup {
    /// A dossier's status.
    Dossier {
        /// The dossier.
        dossier: DossierView,
    },
    /// A queue ticket's status.
    Ticket {
        /// The ticket.
        ticket: TicketView,
        /// Its queue's name.
        service_name: String,
    },
    /// An appointment's booking code (nothing asked of the server yet: the
    /// screen it opens checks it in).
    Booking {
        /// `XXX-XXX`.
        code: String,
    },
    /// A chip ID card: its holder's dossiers in the province, newest first,
    /// masked (empty when none). Nothing of the card itself is in it.
    IdCard {
        /// The dossiers; choosing one looks its code up.
        dossiers: Vec<DossierSummary>,
        /// More dossiers match than the list holds.
        more: bool,
    },
}

/// What a search hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// A procedure.
    Procedure,
    /// A field of procedures.
    Field,
    /// An agency.
    Agency,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// What it is.
    pub kind: HitKind,
    /// Its id.
    pub id: String,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// The queue to take a number for.
    pub service_id: Option<String>,
    /// 0..=1, higher is better.
    pub score: f32,
}

/// A procedure with the names around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcedureInfo {
    /// The procedure.
    pub procedure: Procedure,
    /// Its field's name.
    pub field_name: String,
    /// Its agency's name.
    pub agency_name: String,
    /// The queue that receives it.
    pub service_id: Option<String>,
}

/// A satisfaction rating from the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingInput {
    /// The ticket rated (its QR token).
    #[serde(default)]
    pub ticket_token: Option<String>,
    /// Or the dossier rated.
    #[serde(default)]
    pub dossier_code: Option<String>,
    /// 3 = Rất hài lòng, 2 = Hài lòng, 1 = Không hài lòng.
    pub score: u8,
    /// Optional comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// The kiosk's health for the UI and `kioskctl status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KioskStatus {
    /// The server answered the last request.
    pub online: bool,
    /// The server accepts the token (false after a 401).
    pub authorised: bool,
    /// The printer's last known status.
    pub printer: PrinterStatus,
    /// Offline tickets not yet delivered.
    pub outbox: u32,
    /// Offline tickets the server refused (kept, never dropped).
    pub outbox_rejected: u32,
    /// Tickets whose slip has not printed (reprintable).
    pub pending_prints: u32,
    /// Last successful outbox delivery.
    pub last_sync: Option<Timestamp>,
    /// A catalog is cached.
    pub catalog_loaded: bool,
    /// Staff put this kiosk in maintenance: the UI shows "Máy đang bảo trì"
    /// instead of the home screen (kept across restarts, also offline).
    pub maintenance: bool,
    /// The center's notice for the home screen, if one shows now.
    pub notice: Option<Notice>,
    /// Why the server counts as unreachable (`server_unreachable`, or
    /// `server_certificate_untrusted` when its certificate was refused).
    pub offline_reason: Option<String>,
    /// The local store is damaged, read-only or full: the kiosk runs
    /// degraded (online tickets only) and the IT officer must act.
    pub store: Option<Box<crate::store::StoreFault>>,
}

/// The result of one outbox pass.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Delivered in this pass.
    pub sent: u32,
    /// Refused by the server in this pass (kept as rejected).
    pub rejected: u32,
    /// Still waiting for delivery.
    pub remaining: u32,
    /// Why the pass stopped early, if it did.
    pub error: Option<EngineErrorBody>,
}

/// Something the UI may show without asking (Tauri event `kiosk://event`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KioskEvent {
    /// Now serving and waiting, per queue.
    NowServing {
        /// The queues.
        queues: Vec<QueueState>,
    },
    /// A ticket was called to a counter.
    TicketCalled {
        /// Its number.
        number: String,
        /// The counter.
        counter: CounterRef,
        /// Its queue.
        service_id: String,
    },
    /// The kiosk's status changed (online/offline, printer, maintenance, notice).
    Status {
        /// The new status.
        status: KioskStatus,
    },
}
