//! Bodies of the staff half of the API: the counter console and the lobby board.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::CounterRef;

/// A counter as the console and the board show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterView {
    /// Which counter.
    pub counter: CounterRef,
    /// Tạm nghỉ: the counter calls nobody.
    pub paused: bool,
    /// The number it serves now.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub serving: Option<String>,
    /// The services (queues) it calls from.
    pub services: Vec<String>,
}

/// One call, as the board lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallView {
    /// The call's id (its announcement: `GET /api/v1/announcements/{call_id}`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub call_id: Uuid,
    /// The ticket number called.
    pub number: String,
    /// Its service.
    pub service_id: String,
    /// Where the citizen goes.
    pub counter: CounterRef,
    /// When.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// A repeated call.
    pub recall: bool,
}

/// Waiting in one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingView {
    /// The service.
    pub service_id: String,
    /// Its ticket letter.
    pub letter: String,
    /// Its name in Vietnamese.
    pub name: String,
    /// Its name in English.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
    /// People waiting.
    pub waiting: u32,
}

/// `GET /api/v1/board`: what the lobby display shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardResponse {
    /// The center's name in Vietnamese.
    pub center_name: String,
    /// The center's name in English.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub center_name_en: Option<String>,
    /// The ticker line from the catalog.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub ticker: Option<String>,
    /// The ticker in English.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub ticker_en: Option<String>,
    /// The latest calls of today, newest first (at most 8).
    pub calls: Vec<CallView>,
    /// Every counter.
    pub counters: Vec<CounterView>,
    /// Waiting per service.
    pub queues: Vec<WaitingView>,
    /// The server's clock.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub now: Timestamp,
}

/// A ticket waiting, as the console lists the next ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NextTicket {
    /// Its number.
    pub number: String,
    /// Its priority category id.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub priority: Option<String>,
    /// The category's name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub priority_name: Option<String>,
    /// When it was taken.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub issued_at: Timestamp,
    /// Sent to this counter by a transfer: called before the queue.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub transferred: bool,
    /// An appointment ticket: its booked slot's start ("Đặt lịch 09:00").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub appointment_at: Option<Timestamp>,
}

/// One service a counter calls from, as its console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsoleService {
    /// The service.
    pub service_id: String,
    /// Its letter.
    pub letter: String,
    /// Its name.
    pub name: String,
    /// People waiting.
    pub waiting: u32,
    /// When the longest-waiting ticket was taken.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub oldest_issued_at: Option<Timestamp>,
    /// The next numbers in the order the server will call them (at most 5).
    pub next: Vec<NextTicket>,
}

/// The ticket a counter is serving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentTicket {
    /// Its lookup token: the ticket actions take it.
    pub token: String,
    /// Its number.
    pub number: String,
    /// Its service.
    pub service_id: String,
    /// The service's name.
    pub service_name: String,
    /// Its priority category id.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub priority: Option<String>,
    /// The category's name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub priority_name: Option<String>,
    /// When it was taken.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub issued_at: Timestamp,
    /// When this counter called it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub called_at: Timestamp,
    /// The dossier, for a collect-result ticket.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub dossier_code: Option<String>,
    /// The last call of it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid, required = true))]
    pub call_id: Option<Uuid>,
    /// An appointment ticket: its booked slot's start ("Đặt lịch 09:00").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub appointment_at: Option<Timestamp>,
}

/// `GET /api/v1/counters/{id}/console`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsoleResponse {
    /// The counter.
    pub counter: CounterView,
    /// What it serves now.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub current: Option<CurrentTicket>,
    /// Its services with their waiting tickets.
    pub services: Vec<ConsoleService>,
    /// The server's clock.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub now: Timestamp,
}

/// `POST /api/v1/counters/{id}/call-number`: call a given number out of order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallNumberRequest {
    /// The number on the slip, e.g. `B012` or `B-K1-003`.
    pub number: String,
    /// Why out of order (logged): 1 to 200 characters.
    pub reason: String,
}

/// `POST /api/v1/tickets/{token}/transfer`: send a ticket to another service
/// or counter; it keeps its issue time, so the citizen does not go to the back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The service to queue in (default: the ticket's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// The counter that calls it next, before its queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter_id: Option<String>,
}

/// `POST /dang-nhap` and `POST /api/v1/session` (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
}
