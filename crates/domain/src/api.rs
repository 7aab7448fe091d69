//! Bodies of the central API v1, shared by server and kiosk.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dossier::StatusView;
use crate::fleet::Notice;
use crate::ticket::TicketStatus;

/// `POST /api/v1/tickets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueTicketRequest {
    /// The queue (service) id.
    pub service_id: String,
    /// A priority category id of the center, when the citizen has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// The kiosk that issues it.
    pub kiosk_id: String,
    /// When the kiosk issued it (a ticket delivered late after an outage); the
    /// server places it in the queue by this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub issued_at: Option<Timestamp>,
    /// Required for a collect-result service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
    /// A ticket the kiosk already printed while offline: the server keeps its
    /// number and token so the slip in the citizen's hand stays true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline: Option<OfflineTicket>,
}

/// The number and token a kiosk printed on an offline ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OfflineTicket {
    /// Kiosk-scoped number, e.g. `A-K1-003`; never of the server's `A001` shape.
    pub number: String,
    /// 22–64 URL-safe random characters, the slip's QR token.
    pub token: String,
}

/// A counter, as shown to a citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterRef {
    /// Counter id.
    pub id: String,
    /// The number on the counter's sign.
    pub number: u32,
    /// Counter name.
    pub name: String,
}

/// A ticket as the kiosk and the citizen see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketView {
    /// Ticket id (UUIDv7).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
    /// The unguessable lookup token (in the QR).
    pub token: String,
    /// The number called out, e.g. `A012`.
    pub number: String,
    /// The queue.
    pub service_id: String,
    /// Priority category id, when the ticket has one.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub priority: Option<String>,
    /// When it was issued.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub issued_at: Timestamp,
    /// Waiting, called, served, no-show or expired.
    pub status: TicketStatus,
    /// 1 = next to be called (waiting tickets only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub position: Option<u32>,
    /// People called before this ticket (waiting tickets only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub ahead: Option<u32>,
    /// Estimated wait in seconds (waiting tickets only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub estimated_wait_s: Option<u32>,
    /// The counter it was called to.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub counter: Option<CounterRef>,
    /// When it was last called.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub called_at: Option<Timestamp>,
    /// The page the QR opens.
    pub lookup_url: String,
    /// Issued by a kiosk while it could not reach the server.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub offline: bool,
    /// The dossier a collect-result ticket is for.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub dossier_code: Option<String>,
    /// The booking an appointment ticket was checked in from.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub appointment: Option<AppointmentRef>,
}

/// The booking behind an appointment ticket ("Đặt lịch 09:00").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentRef {
    /// The booked slot's start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub slot_start: Timestamp,
    /// The booking code, `XXX-XXX`.
    pub code: String,
}

/// `{"ticket": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketResponse {
    /// The ticket.
    pub ticket: TicketView,
    /// On a call (call-next, recall, call by number): the call's id, which the
    /// `ticket_called` event also carries.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid, required = true))]
    pub call_id: Option<Uuid>,
}

/// One step of a dossier's processing history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When the step happened.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// The status after the step.
    pub status: StatusView,
    /// The unit that handled this step.
    pub unit: String,
    /// Who made the change, when known.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub actor: Option<String>,
    /// What the officer wrote.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub note: Option<String>,
}

/// `GET /api/v1/dossiers/{code}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierView {
    /// The dossier code (mã hồ sơ).
    pub code: String,
    /// The procedure applied for.
    pub procedure_name: String,
    /// The procedure's catalog id, when known.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub procedure_id: Option<String>,
    /// Masked for a public screen, e.g. "Nguyễn T** L**".
    pub applicant: String,
    /// When the dossier was received.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: Timestamp,
    /// When the result is due.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub due_at: Timestamp,
    /// The current status.
    pub status: StatusView,
    /// Derived from the due date.
    pub overdue: bool,
    /// Where to collect the result, as the source says; without it, at the
    /// holding center (`center`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub collect_at: Option<String>,
    /// Processing steps, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The center that holds the dossier: any center of the kiosk's province
    /// (a dossier may be received at a commune center and looked up at the provincial one).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub center: Option<DossierCenter>,
    /// When the center last heard from the source (the one-stop system)
    /// about this dossier, or last checked with it; null when unknown.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub heard_at: Option<Timestamp>,
    /// True when `heard_at` is older than the server's limit
    /// (`--dossier-stale-after`): the status may be out of date.
    #[serde(default)]
    pub stale: bool,
}

/// The center that holds a dossier, and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierCenter {
    /// Its id in the catalog.
    pub id: String,
    /// Its official name.
    pub name: String,
    /// Its English name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
    /// province, district or commune (free text).
    pub level: String,
    /// Its street address: where to collect a result when the source names no place.
    pub address: String,
    /// Its phone number for citizens.
    pub hotline: String,
}

/// `GET /api/v1/id-key` (kiosk token): the deployment's key for hashing ID
/// card numbers on the kiosk, so the number itself never reaches the server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdKeyResponse {
    /// The key: 64 hex digits (32 bytes). Keep it in memory only.
    pub key: String,
    /// Its fingerprint, sent back with each lookup.
    pub key_id: String,
}

impl std::fmt::Debug for IdKeyResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdKeyResponse").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// `POST /api/v1/dossiers/by-id-card`: a citizen scanned a chip ID card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IdCardLookupRequest {
    /// The fingerprint of the key the hashes were made with (`GET /api/v1/id-key`).
    pub key_id: String,
    /// HMAC-SHA256 (64 hex digits) of the card's 12-digit number, and of its
    /// old 9-digit number when the card carries one: one or two.
    pub id_hashes: Vec<String>,
}

/// One of a person's dossiers, as a list shows it (masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierSummary {
    /// The dossier code: choosing it opens `GET /api/v1/dossiers/{code}`.
    pub code: String,
    /// The procedure applied for.
    pub procedure_name: String,
    /// Masked, e.g. "Nguyễn T** L**".
    pub applicant: String,
    /// When the dossier was received.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: Timestamp,
    /// When the result is due.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub due_at: Timestamp,
    /// The current status.
    pub status: StatusView,
    /// Derived from the due date.
    pub overdue: bool,
    /// The center that holds it.
    pub center: DossierCenter,
    /// When the center last heard from the source about it; null when unknown.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub heard_at: Option<Timestamp>,
}

/// The answer to an ID card lookup: that person's dossiers in the province, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdCardLookupResponse {
    /// At most 20, newest received first; empty when none matches.
    pub dossiers: Vec<DossierSummary>,
    /// More dossiers match than the list holds.
    pub more: bool,
}

/// `PUT /api/v1/dossiers/{code}` (staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PutDossierRequest {
    /// The procedure applied for.
    pub procedure_name: String,
    /// The procedure's catalog id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_id: Option<String>,
    /// The applicant's full name (masked whenever shown in public).
    pub applicant_name: String,
    /// 1..10.
    #[serde(deserialize_with = "crate::number::integer")]
    pub status: u8,
    /// When the dossier was received.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: Timestamp,
    /// When the result is due.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub due_at: Timestamp,
    /// Where to collect the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collect_at: Option<String>,
    /// A note for the history entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The unit making the change (defaults to the staff token's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// Now serving at one counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Serving {
    /// The counter.
    pub counter: CounterRef,
    /// The ticket number being served.
    pub number: String,
    /// When it was called.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub called_at: Timestamp,
}

/// One queue's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueState {
    /// The queue.
    pub service_id: String,
    /// Its ticket letter.
    pub letter: String,
    /// Its name.
    pub name: String,
    /// Tickets waiting.
    pub waiting: u32,
    /// Now serving, per counter.
    pub serving: Vec<Serving>,
}

/// `GET /api/v1/queues`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuesResponse {
    /// Every kiosk queue of the center.
    pub queues: Vec<QueueState>,
}

/// A server-sent event (`GET /api/v1/events`); the SSE event name is `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QueueEvent {
    /// A ticket was called (or recalled) to a counter.
    TicketCalled {
        /// The center.
        center: String,
        /// The ticket's queue.
        service_id: String,
        /// The ticket number.
        number: String,
        /// Where to go.
        counter: CounterRef,
        /// Called again (the citizen did not come the first time).
        recall: bool,
        /// The call's id: `GET /api/v1/announcements/{call_id}` speaks it.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid, required = true))]
        call_id: Option<Uuid>,
    },
    /// A queue's waiting count changed.
    QueueChanged {
        /// The center.
        center: String,
        /// The queue.
        service_id: String,
        /// Tickets now waiting.
        waiting: u32,
    },
    /// A counter changed: it finished a ticket, was paused or resumed.
    CounterChanged {
        /// The center.
        center: String,
        /// The counter.
        counter: CounterRef,
        /// Tạm nghỉ: the counter calls nobody.
        paused: bool,
        /// The number it serves now, if any.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(required = true))]
        serving: Option<String>,
    },
    /// A kiosk's health changed (printer, outbox, fell silent, maintenance):
    /// consoles read `GET /api/v1/kiosks` again.
    KiosksChanged {
        /// The center.
        center: String,
    },
    /// Staff put a kiosk in maintenance or took it out: that kiosk shows it now.
    MaintenanceChanged {
        /// The center.
        center: String,
        /// The kiosk.
        kiosk_id: String,
        /// True: "Máy đang bảo trì" instead of the home screen.
        maintenance: bool,
    },
    /// The center's notice was published, cleared or expired: every kiosk of the center shows it now.
    NoticeChanged {
        /// The center.
        center: String,
        /// The notice now showing, or null.
        #[cfg_attr(feature = "openapi", schema(required = true))]
        notice: Option<Notice>,
    },
}

impl QueueEvent {
    /// The center the event belongs to.
    pub fn center(&self) -> &str {
        match self {
            Self::TicketCalled { center, .. }
            | Self::QueueChanged { center, .. }
            | Self::CounterChanged { center, .. }
            | Self::KiosksChanged { center }
            | Self::MaintenanceChanged { center, .. }
            | Self::NoticeChanged { center, .. } => center,
        }
    }

    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::TicketCalled { .. } => "ticket_called",
            Self::QueueChanged { .. } => "queue_changed",
            Self::CounterChanged { .. } => "counter_changed",
            Self::KiosksChanged { .. } => "kiosks_changed",
            Self::MaintenanceChanged { .. } => "maintenance_changed",
            Self::NoticeChanged { .. } => "notice_changed",
        }
    }
}

/// `POST /api/v1/ratings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// The ticket rated (its QR token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_token: Option<String>,
    /// Or the dossier rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
    /// 3 = Rất hài lòng, 2 = Hài lòng, 1 = Không hài lòng.
    #[serde(deserialize_with = "crate::number::integer")]
    pub score: u8,
    /// Optional comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Answer to a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingResponse {
    /// The rating's id.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: Uuid,
}

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// The stable error codes of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 401: missing, unknown or revoked token.
    Unauthorized,
    /// 403: the token's role may not do this.
    Forbidden,
    /// 400: the request is malformed.
    InvalidRequest,
    /// 400: not a dossier code.
    InvalidDossierCode,
    /// 404: no such resource.
    NotFound,
    /// 404: no such service in the catalog.
    ServiceNotFound,
    /// 404: no such ticket.
    TicketNotFound,
    /// 404: no such dossier.
    DossierNotFound,
    /// 404: no such counter.
    CounterNotFound,
    /// 404: no such priority category.
    PriorityNotFound,
    /// 409: the service's daily cap is reached.
    DailyCapReached,
    /// 409: the service is closed now.
    ServiceClosed,
    /// 409: the dossier's result is not ready yet.
    DossierNotReady,
    /// 409: the ticket is not in a state that allows this.
    TicketStateConflict,
    /// 422: an idempotency key reused with another body.
    IdempotencyKeyReused,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 429: too many requests.
    RateLimited,
    /// 500: a server fault.
    Internal,
    /// Sign-in: wrong user name or password.
    InvalidCredentials,
    /// Sign-in: too many wrong passwords; the account waits 15 minutes.
    AccountLocked,
    /// A cookie-authenticated change without a valid CSRF token.
    CsrfFailed,
    /// The counter is paused (Tạm nghỉ): it calls nobody.
    CounterPaused,
    /// The signed-in officer may not use this counter.
    CounterNotAssigned,
    /// A dossier batch holds more than 1,000 dossiers; nothing was stored.
    BatchTooLarge,
    /// No kiosk with this id in the caller's center.
    KioskNotFound,
    /// The kiosk id belongs to another center: a kiosk token reports only for its own center's kiosks.
    KioskCenterMismatch,
    /// An ID card lookup hashed with a key the server no longer uses: fetch `GET /api/v1/id-key` again.
    IdKeyChanged,
    /// 422: a time is out of order (`due_at` before `received_at`, an `until`
    /// that has passed, an `issued_at` ahead of the server's clock): a rule
    /// between values that the request's schema cannot state.
    DatesOutOfOrder,
    /// 503: the server is at its limit of requests in progress; try again
    /// after `Retry-After` seconds.
    ServerBusy,
    /// 408: the request (its headers or body) came too slowly.
    RequestTimeout,
    /// 422: a dossier code given for a service that takes none, or missing
    /// for a collect-result service (which takes one).
    DossierCodeMismatch,
    /// 409: an offline ticket's number or token is already another ticket's.
    OfflineTicketConflict,
    /// 409: the slot has no free place; `next_free_slots` lists the next ones.
    SlotFull,
    /// 409: the phone number already holds an active booking for the service
    /// that day; `existing_booking` names it.
    BookingLimit,
    /// 404: no such booking (or one of another center than the kiosk's).
    BookingNotFound,
    /// 409: check-in is not open yet; `next_open_at` says when it opens.
    BookingTooEarly,
    /// 409: the check-in window has passed; the booking has lapsed.
    BookingLapsed,
    /// 409: the booking was cancelled.
    BookingCancelled,
    /// 409: the service takes no appointments, or the day or slot is closed,
    /// past or too far ahead.
    BookingClosed,
    /// 403: the proof of work is missing, expired, already used or wrong.
    ChallengeFailed,
}

impl ErrorCode {
    /// The wire name, e.g. `daily_cap_reached`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidDossierCode => "invalid_dossier_code",
            Self::NotFound => "not_found",
            Self::ServiceNotFound => "service_not_found",
            Self::TicketNotFound => "ticket_not_found",
            Self::DossierNotFound => "dossier_not_found",
            Self::CounterNotFound => "counter_not_found",
            Self::PriorityNotFound => "priority_not_found",
            Self::DailyCapReached => "daily_cap_reached",
            Self::ServiceClosed => "service_closed",
            Self::DossierNotReady => "dossier_not_ready",
            Self::TicketStateConflict => "ticket_state_conflict",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited => "rate_limited",
            Self::Internal => "internal",
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountLocked => "account_locked",
            Self::CsrfFailed => "csrf_failed",
            Self::CounterPaused => "counter_paused",
            Self::CounterNotAssigned => "counter_not_assigned",
            Self::BatchTooLarge => "batch_too_large",
            Self::KioskNotFound => "kiosk_not_found",
            Self::KioskCenterMismatch => "kiosk_center_mismatch",
            Self::IdKeyChanged => "id_key_changed",
            Self::DatesOutOfOrder => "dates_out_of_order",
            Self::ServerBusy => "server_busy",
            Self::RequestTimeout => "request_timeout",
            Self::DossierCodeMismatch => "dossier_code_mismatch",
            Self::OfflineTicketConflict => "offline_ticket_conflict",
            Self::SlotFull => "slot_full",
            Self::BookingLimit => "booking_limit",
            Self::BookingNotFound => "booking_not_found",
            Self::BookingTooEarly => "booking_too_early",
            Self::BookingLapsed => "booking_lapsed",
            Self::BookingCancelled => "booking_cancelled",
            Self::BookingClosed => "booking_closed",
            Self::ChallengeFailed => "challenge_failed",
        }
    }

    /// The HTTP status that carries it.
    pub fn http_status(self) -> u16 {
        match self {
            Self::Unauthorized | Self::InvalidCredentials => 401,
            Self::Forbidden | Self::CsrfFailed | Self::CounterNotAssigned | Self::KioskCenterMismatch | Self::ChallengeFailed => 403,
            Self::AccountLocked => 423,
            Self::InvalidRequest | Self::InvalidDossierCode => 400,
            Self::NotFound
            | Self::ServiceNotFound
            | Self::TicketNotFound
            | Self::DossierNotFound
            | Self::CounterNotFound
            | Self::PriorityNotFound
            | Self::KioskNotFound
            | Self::BookingNotFound => 404,
            Self::DailyCapReached
            | Self::ServiceClosed
            | Self::DossierNotReady
            | Self::TicketStateConflict
            | Self::CounterPaused
            | Self::IdKeyChanged
            | Self::OfflineTicketConflict
            | Self::SlotFull
            | Self::BookingLimit
            | Self::BookingTooEarly
            | Self::BookingLapsed
            | Self::BookingCancelled
            | Self::BookingClosed => 409,
            Self::IdempotencyKeyReused | Self::DatesOutOfOrder | Self::DossierCodeMismatch => 422,
            Self::RequestTimeout => 408,
            Self::ServerBusy => 503,
            Self::PayloadTooLarge | Self::BatchTooLarge => 413,
            Self::RateLimited => 429,
            Self::Internal => 500,
        }
    }

    /// A default message a citizen (or the kiosk's staff) can act on, in Vietnamese.
    pub fn message_vi(self) -> &'static str {
        match self {
            Self::Unauthorized => "Máy này chưa được cấp quyền kết nối. Vui lòng báo cán bộ kỹ thuật.",
            Self::Forbidden => "Máy này không được phép thực hiện thao tác này.",
            Self::InvalidRequest => "Yêu cầu không hợp lệ.",
            Self::InvalidDossierCode => "Đây không phải mã hồ sơ. Vui lòng kiểm tra mã trên giấy hẹn trả kết quả.",
            Self::NotFound => "Không tìm thấy.",
            Self::ServiceNotFound => "Không tìm thấy dịch vụ này. Vui lòng chọn lại.",
            Self::TicketNotFound => "Không tìm thấy phiếu số thứ tự này.",
            Self::DossierNotFound => {
                "Hệ thống chưa có thông tin hồ sơ mang mã này. Vui lòng kiểm tra lại mã in trên giấy tiếp nhận và hẹn trả kết quả, hoặc hỏi tại bàn hướng dẫn."
            }
            Self::CounterNotFound => "Không tìm thấy quầy này.",
            Self::PriorityNotFound => "Không có đối tượng ưu tiên này. Vui lòng chọn lại.",
            Self::DailyCapReached => "Hôm nay đã hết số cho dịch vụ này. Mời ông/bà quay lại vào buổi làm việc sau.",
            Self::ServiceClosed => "Dịch vụ này hiện ngoài giờ làm việc. Mời ông/bà quay lại khi quầy mở cửa.",
            Self::DossierNotReady => "Hồ sơ chưa có kết quả. Ông/bà chưa cần lấy số; vui lòng quay lại vào ngày hẹn trả.",
            Self::TicketStateConflict => "Phiếu này không ở trạng thái phù hợp cho thao tác này.",
            Self::IdempotencyKeyReused => "Yêu cầu trùng mã với một yêu cầu khác.",
            Self::PayloadTooLarge => "Dữ liệu gửi lên quá lớn.",
            Self::RateLimited => "Tra cứu quá nhiều lần. Vui lòng đợi một lát rồi thử lại.",
            Self::Internal => "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.",
            Self::InvalidCredentials => "Tên đăng nhập hoặc mật khẩu không đúng.",
            Self::AccountLocked => "Tài khoản tạm khoá 15 phút vì nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau hoặc báo quản trị.",
            Self::CsrfFailed => "Phiên làm việc không hợp lệ. Vui lòng tải lại trang rồi thử lại.",
            Self::CounterPaused => "Quầy đang tạm nghỉ. Bấm \"Tiếp tục\" để gọi số.",
            Self::CounterNotAssigned => "Tài khoản của anh/chị không được phân công quầy này.",
            Self::BatchTooLarge => "Mỗi lần gửi tối đa 1.000 hồ sơ; chưa hồ sơ nào được lưu.",
            Self::KioskNotFound => "Không tìm thấy máy kiosk này trong trung tâm.",
            Self::KioskCenterMismatch => "Máy kiosk này thuộc trung tâm khác. Vui lòng báo cán bộ kỹ thuật kiểm tra cấu hình.",
            Self::IdKeyChanged => "Máy kiosk vừa được cập nhật khoá tra cứu. Vui lòng quét lại thẻ căn cước.",
            Self::DatesOutOfOrder => "Các mốc thời gian không đúng thứ tự. Vui lòng kiểm tra lại ngày giờ.",
            Self::ServerBusy => "Hệ thống đang quá tải. Vui lòng thử lại sau ít giây.",
            Self::RequestTimeout => "Yêu cầu gửi đến quá chậm nên đã bị ngắt. Vui lòng thử lại.",
            Self::DossierCodeMismatch => "Mã hồ sơ chỉ dùng để lấy số nhận kết quả, và dịch vụ nhận kết quả cần có mã hồ sơ.",
            Self::OfflineTicketConflict => "Số hoặc mã tra cứu của phiếu ngoại tuyến đã được dùng cho phiếu khác.",
            Self::SlotFull => "Khung giờ này đã hết chỗ. Mời ông/bà chọn khung giờ khác.",
            Self::BookingLimit => {
                "Số điện thoại này đã có một lịch hẹn cho dịch vụ này trong ngày. Mỗi số điện thoại chỉ đặt được một lịch."
            }
            Self::BookingNotFound => "Không tìm thấy lịch hẹn mang mã này tại trung tâm. Vui lòng kiểm tra lại mã.",
            Self::BookingTooEarly => "Chưa đến giờ xác nhận lịch hẹn. Mời ông/bà quay lại gần giờ hẹn.",
            Self::BookingLapsed => "Lịch hẹn đã quá giờ nên không còn hiệu lực. Ông/bà có thể lấy số thứ tự thông thường.",
            Self::BookingCancelled => "Lịch hẹn này đã được huỷ.",
            Self::BookingClosed => "Dịch vụ không nhận đặt lịch vào ngày hoặc khung giờ này.",
            Self::ChallengeFailed => "Không xác minh được yêu cầu đặt lịch. Vui lòng tải lại trang rồi thử lại.",
        }
    }

    /// A default message a citizen (or the kiosk's staff) can act on, in English.
    pub fn message_en(self) -> &'static str {
        match self {
            Self::Unauthorized => "This kiosk is not authorised. Please tell the IT staff.",
            Self::Forbidden => "This device may not do that.",
            Self::InvalidRequest => "The request is not valid.",
            Self::InvalidDossierCode => "This is not a dossier code. Please check the code on your appointment receipt.",
            Self::NotFound => "Not found.",
            Self::ServiceNotFound => "This service does not exist. Please choose again.",
            Self::TicketNotFound => "No such queue ticket.",
            Self::DossierNotFound => {
                "The system has no information on a dossier with this code yet. Please check the code printed on your appointment receipt, or ask at the information desk."
            }
            Self::CounterNotFound => "No such counter.",
            Self::PriorityNotFound => "No such priority category. Please choose again.",
            Self::DailyCapReached => "All of today's numbers for this service are taken. Please come back at the next opening.",
            Self::ServiceClosed => "This service is closed now. Please come back when the counters open.",
            Self::DossierNotReady => "The result is not ready yet. No need to queue; please come back on the due date.",
            Self::TicketStateConflict => "The ticket is not in a state that allows this.",
            Self::IdempotencyKeyReused => "This request key was already used for a different request.",
            Self::PayloadTooLarge => "The request is too large.",
            Self::RateLimited => "Too many lookups. Please wait a moment and try again.",
            Self::Internal => "Something went wrong on the server. Please try again in a few minutes.",
            Self::InvalidCredentials => "Wrong user name or password.",
            Self::AccountLocked => {
                "This account is locked for 15 minutes after too many wrong passwords. Try again later or ask the administrator."
            }
            Self::CsrfFailed => "Your session could not be verified. Please reload the page and try again.",
            Self::CounterPaused => "The counter is paused. Press \"Resume\" to call numbers.",
            Self::CounterNotAssigned => "Your account is not assigned to this counter.",
            Self::BatchTooLarge => "A batch holds at most 1,000 dossiers; none was stored.",
            Self::KioskNotFound => "No kiosk with this id in the center.",
            Self::KioskCenterMismatch => "This kiosk belongs to another center. Please ask the IT staff to check its configuration.",
            Self::IdKeyChanged => "The kiosk has just updated its lookup key. Please scan your ID card again.",
            Self::DatesOutOfOrder => "The dates are out of order. Please check them.",
            Self::ServerBusy => "The server is busy. Please try again in a few seconds.",
            Self::RequestTimeout => "The request arrived too slowly and was cut off. Please try again.",
            Self::DossierCodeMismatch => "A dossier code is only for collecting a result, and collecting a result needs one.",
            Self::OfflineTicketConflict => "This offline ticket's number or token is already used by another ticket.",
            Self::SlotFull => "This time slot is full. Please choose another one.",
            Self::BookingLimit => "This phone number already has a booking for this service that day. One booking per phone number.",
            Self::BookingNotFound => "No booking with this code at this center. Please check the code.",
            Self::BookingTooEarly => "Check-in for this booking is not open yet. Please come back closer to your time.",
            Self::BookingLapsed => "This booking has lapsed: its time has passed. You can take an ordinary ticket.",
            Self::BookingCancelled => "This booking was cancelled.",
            Self::BookingClosed => "This service takes no bookings for that day or time.",
            Self::ChallengeFailed => "The booking request could not be verified. Please reload the page and try again.",
        }
    }
}

/// The error object: `{"error": {"code", "message", …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// Stable code.
    pub code: ErrorCode,
    /// English.
    pub message: String,
    /// Vietnamese.
    pub message_vi: String,
    /// When the service opens again (`daily_cap_reached`, `service_closed`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub next_open_at: Option<Timestamp>,
    /// The dossier's due date (`dossier_not_ready`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub due_at: Option<Timestamp>,
    /// Seconds to wait (`rate_limited`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub retry_after_s: Option<u64>,
    /// The next slots with a free place, up to 3 (`slot_full`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>, required = true))]
    pub next_free_slots: Option<Vec<Timestamp>>,
    /// The code of the active booking that holds the limit (`booking_limit`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub existing_booking: Option<String>,
}

impl ApiError {
    /// An error with the code's default messages.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.message_en().to_string(),
            message_vi: code.message_vi().to_string(),
            next_open_at: None,
            due_at: None,
            retry_after_s: None,
            next_free_slots: None,
            existing_booking: None,
        }
    }
}

/// The error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The error.
    pub error: ApiError,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_json_is_pinned() {
        let mut e = ApiError::new(ErrorCode::DailyCapReached);
        e.next_open_at = Some("2026-11-30T00:30:00Z".parse().expect("ts"));
        let json = serde_json::to_value(ErrorBody { error: e }).expect("json");
        assert_eq!(json["error"]["code"], "daily_cap_reached");
        assert_eq!(json["error"]["next_open_at"], "2026-11-30T00:30:00Z");
        assert!(json["error"]["message_vi"].as_str().is_some_and(|m| m.contains("hết số")));
        assert!(json["error"]["due_at"].is_null() && json["error"]["retry_after_s"].is_null(), "documented fields are always there");
    }

    #[test]
    fn wire_names_match_serde_names() {
        for code in [ErrorCode::Unauthorized, ErrorCode::IdempotencyKeyReused, ErrorCode::InvalidDossierCode, ErrorCode::RateLimited] {
            assert_eq!(serde_json::to_value(code).expect("json"), code.as_str());
        }
    }

    #[test]
    fn unknown_request_fields_are_refused() {
        let r: Result<IssueTicketRequest, _> = serde_json::from_str(r#"{"service_id":"a","kiosk_id":"k","servce":"typo"}"#);
        assert!(r.is_err());
    }
}
