//! The engine's error: a stable `code()`, a sentence for the citizen in
//! Vietnamese and English, and the JSON body the UI and `kioskctl` show.

use jiff::Timestamp;
use motcua_domain::{ApiError, CodeRejection, ErrorCode};
use serde::Serialize;

use crate::printer::PrinterError;

/// Everything a kiosk action can fail with.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A config key has a value the kiosk cannot use.
    #[error("config key `{key}` = {value:?}: expected {expected}")]
    ConfigInvalid {
        /// The key (as in the TOML file).
        key: String,
        /// The value given (the token is never echoed).
        value: String,
        /// What is expected.
        expected: String,
    },
    /// The server refused the kiosk's token (401): never offline mode.
    #[error("this kiosk is not authorised by the central server: {0}")]
    NotAuthorised(String),
    /// The central server could not be reached (connect error, timeout, 502/503/504).
    #[error("central server unreachable: {detail}")]
    ServerUnreachable {
        /// What failed.
        detail: String,
        /// A collect-result ticket: the citizen is sent to the counter.
        collect: bool,
    },
    /// The server's TLS certificate was refused (unknown issuer, wrong name,
    /// expired): nothing was sent. The kiosk works as if offline.
    #[error(
        "the central server's certificate is not trusted ({0}): if the center uses its own certificate authority, \
         set ca_file in the kiosk config to its certificate (PEM); else renew the server's certificate"
    )]
    ServerUntrusted(String),
    /// The local store cannot be used as it should (corrupt, read-only, full).
    #[error("{0}")]
    StoreFault(Box<crate::store::StoreFault>),
    /// The server is unreachable and the config says not to issue offline tickets.
    #[error("central server unreachable and offline tickets are disabled: {0}")]
    OfflineRefused(String),
    /// What was typed or scanned is neither a dossier code nor a ticket QR.
    #[error("not a dossier code or ticket: {0}")]
    NotACode(CodeRejection),
    /// An error answered by the central server.
    #[error("central server: {}: {}", .0.code.as_str(), .0.message)]
    Api(Box<ApiError>),
    /// An error the central server answered with a code this kiosk does not
    /// know (a newer server): its own words are shown, code `unknown`.
    #[error("central server: HTTP {status}: {code}: {message}")]
    UnknownApi {
        /// The HTTP status.
        status: u16,
        /// The server's code, unknown here.
        code: String,
        /// The server's English message.
        message: String,
        /// The server's Vietnamese message (the English one when it sent none).
        message_vi: String,
    },
    /// What was typed or scanned on the appointment screen is not a booking code.
    #[error("not a booking code: {0:?}")]
    NotABookingCode(String),
    /// The server cannot be reached, so a booking cannot be checked: the
    /// kiosk says so and offers an ordinary (offline) ticket, never a guess.
    #[error("booking not verified, the central server is unreachable: {0}")]
    BookingUnverified(String),
    /// The server refused to check a booking in (`booking_*`).
    #[error("booking refused: {}", .0.problem.code())]
    Booking(Box<BookingRefusal>),
    /// The service is not in the catalog.
    #[error("service {0:?} is not in the catalog")]
    ServiceNotFound(String),
    /// The priority category is not in the catalog.
    #[error("priority category {0:?} is not in the catalog")]
    PriorityNotFound(String),
    /// The procedure is not in the catalog.
    #[error("procedure {0:?} is not in the catalog")]
    ProcedureNotFound(String),
    /// No ticket in this kiosk's journal matches.
    #[error("no ticket {0:?} in this kiosk's journal")]
    TicketNotFound(String),
    /// No catalog yet: never fetched and the server cannot be reached.
    #[error("no catalog cached yet and the central server cannot be reached")]
    CatalogUnavailable,
    /// The request itself is wrong (e.g. a rating score outside 1..=3).
    #[error("invalid request: {0}")]
    InvalidInput(String),
    /// A printer problem.
    #[error(transparent)]
    Printer(#[from] PrinterError),
    /// The local store failed.
    #[error("local store: {0}")]
    Store(String),
    /// The local store was written by a newer kiosk: opening it could lose data.
    #[error(
        "local store {path} was written by a newer kiosk (schema {found}, this kiosk knows {known}): \
         install the newer kiosk, or move the file away to start an empty store"
    )]
    StoreTooNew {
        /// The database file.
        path: std::path::PathBuf,
        /// Its `PRAGMA user_version`.
        found: i64,
        /// The migrations this build has.
        known: usize,
    },
    /// The admin PIN did not match.
    #[error("wrong admin PIN")]
    AdminPinWrong,
    /// A bug or an unexpected answer.
    #[error("internal: {0}")]
    Internal(String),
}

/// Why a booking cannot be checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingProblem {
    /// `booking_not_found`: no booking has this code.
    NotFound,
    /// `booking_too_early`: check-in opens at `next_open_at`.
    TooEarly,
    /// `booking_lapsed`: too late, the place is gone; an ordinary ticket is offered.
    Lapsed,
    /// `booking_cancelled`.
    Cancelled,
    /// `booking_closed`: the service takes no appointments (now).
    Closed,
}

impl BookingProblem {
    const ALL: [Self; 5] = [Self::NotFound, Self::TooEarly, Self::Lapsed, Self::Cancelled, Self::Closed];

    /// From the server's code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotFound => "booking_not_found",
            Self::TooEarly => "booking_too_early",
            Self::Lapsed => "booking_lapsed",
            Self::Cancelled => "booking_cancelled",
            Self::Closed => "booking_closed",
        }
    }
}

/// A refused check-in with what the citizen needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRefusal {
    /// Why.
    pub problem: BookingProblem,
    /// When check-in opens (`booking_too_early`).
    pub next_open_at: Option<Timestamp>,
    /// The same in the center's local time, `09:15` (set by the kiosk, which knows the center).
    pub next_open_local: Option<String>,
    /// The booking's service, when the server says: the ordinary ticket offered instead.
    pub service_id: Option<String>,
}

impl BookingRefusal {
    fn message_vi(&self) -> String {
        match self.problem {
            BookingProblem::NotFound => {
                "Không tìm thấy lịch hẹn có mã này. Mời ông/bà xem lại mã trong tin nhắn đặt lịch, hoặc hỏi cán bộ hướng dẫn.".to_owned()
            }
            BookingProblem::TooEarly => match &self.next_open_local {
                Some(at) => format!("Chưa đến giờ nhận số cho lịch hẹn. Mời ông/bà quay lại lúc {at}."),
                None => "Chưa đến giờ nhận số cho lịch hẹn. Mời ông/bà quay lại gần giờ hẹn.".to_owned(),
            },
            BookingProblem::Lapsed => "Lịch hẹn đã quá giờ nên không còn giữ chỗ. Ông/bà có thể lấy số thường cho cùng dịch vụ.".to_owned(),
            BookingProblem::Cancelled => {
                "Lịch hẹn này đã được hủy. Ông/bà có thể lấy số thường, hoặc đặt lịch mới trên điện thoại.".to_owned()
            }
            BookingProblem::Closed => "Dịch vụ này hiện không nhận lịch hẹn. Ông/bà có thể lấy số thường.".to_owned(),
        }
    }

    fn message_en(&self) -> String {
        match self.problem {
            BookingProblem::NotFound => {
                "No appointment has this code. Please check the code in your booking message, or ask a staff member.".to_owned()
            }
            BookingProblem::TooEarly => match &self.next_open_local {
                Some(at) => format!("It is too early to check in for your appointment. Please come back at {at}."),
                None => "It is too early to check in for your appointment. Please come back closer to your time.".to_owned(),
            },
            BookingProblem::Lapsed => {
                "Your appointment time has passed, so the place is no longer held. You can take an ordinary number for the same service."
                    .to_owned()
            }
            BookingProblem::Cancelled => {
                "This appointment was cancelled. You can take an ordinary number, or book again on your phone.".to_owned()
            }
            BookingProblem::Closed => "This service takes no appointments now. You can take an ordinary number.".to_owned(),
        }
    }
}

/// The error as it crosses the IPC boundary and `kioskctl`'s stderr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineErrorBody {
    /// Stable code.
    pub code: String,
    /// For the citizen, in English.
    pub message: String,
    /// For the citizen, in Vietnamese.
    pub message_vi: String,
    /// Dossier due date (`dossier_not_ready`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<Timestamp>,
    /// Next opening (`daily_cap_reached`, `service_closed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_open_at: Option<Timestamp>,
    /// The server's own code behind `unknown` (a newer server), for the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_code: Option<String>,
    /// `next_open_at` in the center's local time, `09:15` (`booking_too_early`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_open_local: Option<String>,
    /// The service of a lapsed or cancelled booking: the ordinary ticket offered instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
}

impl EngineError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &str {
        match self {
            Self::ConfigInvalid { .. } => "config_invalid",
            Self::NotAuthorised(_) => "not_authorised",
            Self::ServerUnreachable { .. } => "server_unreachable",
            Self::ServerUntrusted(_) => "server_certificate_untrusted",
            Self::StoreFault(f) => f.kind.code(),
            Self::OfflineRefused(_) => "offline_refused",
            Self::NotACode(_) => "not_a_code",
            Self::Api(e) if e.code == ErrorCode::Unauthorized => "not_authorised",
            Self::Api(e) if e.code == ErrorCode::InvalidDossierCode => "not_a_code",
            Self::Api(e) => e.code.as_str(),
            Self::UnknownApi { .. } => "unknown",
            Self::Booking(b) => b.problem.code(),
            Self::NotABookingCode(_) => "not_a_booking_code",
            Self::BookingUnverified(_) => "booking_unverified",
            Self::ServiceNotFound(_) => "service_not_found",
            Self::PriorityNotFound(_) => "priority_not_found",
            Self::ProcedureNotFound(_) => "procedure_not_found",
            Self::TicketNotFound(_) => "ticket_not_found",
            Self::CatalogUnavailable => "catalog_unavailable",
            Self::InvalidInput(_) => "invalid_request",
            Self::Printer(e) => e.code(),
            Self::Store(_) => "store",
            Self::StoreTooNew { .. } => "store_too_new",
            Self::AdminPinWrong => "admin_pin_wrong",
            Self::Internal(_) => "internal",
        }
    }

    /// A sentence for the citizen (or the IT officer), in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::ConfigInvalid { key, .. } => format!("Cấu hình máy kiosk không hợp lệ (mục {key}). Vui lòng báo cán bộ kỹ thuật."),
            Self::NotAuthorised(_) => ErrorCode::Unauthorized.message_vi().to_owned(),
            Self::ServerUnreachable { collect: true, .. } => {
                "Hiện không kết nối được hệ thống nên chưa kiểm tra được hồ sơ. Vui lòng đến quầy trả kết quả để được hỗ trợ.".to_owned()
            }
            Self::ServerUnreachable { .. } => {
                "Hiện không kết nối được hệ thống. Vui lòng thử lại sau ít phút hoặc hỏi cán bộ hướng dẫn.".to_owned()
            }
            Self::ServerUntrusted(_) => {
                "Máy kiosk chưa kết nối an toàn được với hệ thống. Vui lòng thử lại sau ít phút hoặc hỏi cán bộ hướng dẫn.".to_owned()
            }
            Self::StoreFault(_) => {
                "Máy kiosk đang mất kết nối và không lưu được phiếu nên tạm dừng cấp số. Mời ông/bà dùng máy bên cạnh hoặc hỏi cán bộ hướng dẫn."
                    .to_owned()
            }
            Self::OfflineRefused(_) => "Hệ thống đang mất kết nối nên tạm dừng cấp số. Vui lòng hỏi cán bộ hướng dẫn.".to_owned(),
            Self::NotACode(r) => r.message_vi(),
            Self::Api(e) => e.message_vi.clone(),
            Self::UnknownApi { message_vi, .. } => message_vi.clone(),
            Self::Booking(b) => b.message_vi(),
            Self::NotABookingCode(_) => {
                "Đây không phải mã lịch hẹn. Mã lịch hẹn gồm 6 chữ cái và chữ số, ví dụ HK7-K4Q, có trong tin nhắn đặt lịch.".to_owned()
            }
            Self::BookingUnverified(_) => {
                "Hiện không kết nối được hệ thống nên chưa kiểm tra được lịch hẹn. Ông/bà có thể lấy số thường cho dịch vụ cần làm.".to_owned()
            }
            Self::ServiceNotFound(_) => ErrorCode::ServiceNotFound.message_vi().to_owned(),
            Self::PriorityNotFound(_) => ErrorCode::PriorityNotFound.message_vi().to_owned(),
            Self::ProcedureNotFound(_) => "Không tìm thấy thủ tục này. Vui lòng chọn lại.".to_owned(),
            Self::TicketNotFound(_) => ErrorCode::TicketNotFound.message_vi().to_owned(),
            Self::CatalogUnavailable => "Máy chưa tải được danh mục dịch vụ. Vui lòng hỏi cán bộ hướng dẫn.".to_owned(),
            Self::InvalidInput(_) => ErrorCode::InvalidRequest.message_vi().to_owned(),
            Self::Printer(e) => e.message_vi().to_owned(),
            Self::AdminPinWrong => "Sai mã quản trị.".to_owned(),
            Self::Store(_) | Self::StoreTooNew { .. } | Self::Internal(_) => {
                "Máy kiosk đang gặp sự cố. Vui lòng hỏi cán bộ hướng dẫn.".to_owned()
            }
        }
    }

    /// A sentence for the citizen (or the IT officer), in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::ConfigInvalid { key, .. } => format!("The kiosk configuration is invalid ({key}). Please tell the IT staff."),
            Self::NotAuthorised(_) => ErrorCode::Unauthorized.message_en().to_owned(),
            Self::ServerUnreachable { collect: true, .. } => {
                "The system cannot be reached, so your dossier cannot be checked now. Please go to the result counter for help.".to_owned()
            }
            Self::ServerUnreachable { .. } => {
                "The system cannot be reached. Please try again in a few minutes or ask a staff member.".to_owned()
            }
            Self::ServerUntrusted(_) => {
                "The kiosk cannot connect securely to the system. Please try again in a few minutes or ask a staff member.".to_owned()
            }
            Self::StoreFault(_) => {
                "The kiosk is offline and cannot save tickets, so it is not giving out numbers for now. Please use another kiosk or ask a staff member."
                    .to_owned()
            }
            Self::OfflineRefused(_) => "The system is offline and no numbers are issued for now. Please ask a staff member.".to_owned(),
            Self::NotACode(r) => r.message_en(),
            Self::Api(e) => e.message.clone(),
            Self::UnknownApi { message, .. } => message.clone(),
            Self::Booking(b) => b.message_en(),
            Self::NotABookingCode(_) => {
                "This is not an appointment code. The code has 6 letters and digits, like HK7-K4Q, and is in your booking message.".to_owned()
            }
            Self::BookingUnverified(_) => {
                "The system cannot be reached, so your appointment cannot be checked now. You can take an ordinary number for your service."
                    .to_owned()
            }
            Self::ServiceNotFound(_) => ErrorCode::ServiceNotFound.message_en().to_owned(),
            Self::PriorityNotFound(_) => ErrorCode::PriorityNotFound.message_en().to_owned(),
            Self::ProcedureNotFound(_) => "This procedure does not exist. Please choose again.".to_owned(),
            Self::TicketNotFound(_) => ErrorCode::TicketNotFound.message_en().to_owned(),
            Self::CatalogUnavailable => "The list of services has not been loaded yet. Please ask a staff member.".to_owned(),
            Self::InvalidInput(_) => ErrorCode::InvalidRequest.message_en().to_owned(),
            Self::Printer(e) => e.message_en().to_owned(),
            Self::AdminPinWrong => "Wrong PIN.".to_owned(),
            Self::Store(_) | Self::StoreTooNew { .. } | Self::Internal(_) => {
                "The kiosk has a problem. Please ask a staff member.".to_owned()
            }
        }
    }

    /// The serialisable body `{code, message, message_vi, due_at?, next_open_at?}`.
    pub fn body(&self) -> EngineErrorBody {
        let (due_at, next_open_at) = match self {
            Self::Api(e) => (e.due_at, e.next_open_at),
            Self::Booking(b) => (None, b.next_open_at),
            _ => (None, None),
        };
        let (next_open_local, service_id) = match self {
            Self::Booking(b) => (b.next_open_local.clone(), b.service_id.clone()),
            _ => (None, None),
        };
        let server_code = match self {
            Self::UnknownApi { code, .. } => Some(code.clone()),
            _ => None,
        };
        EngineErrorBody {
            code: self.code().to_owned(),
            message: self.message_en(),
            message_vi: self.message_vi(),
            due_at,
            next_open_at,
            server_code,
            next_open_local,
            service_id,
        }
    }

    /// Whether this is the server being out of reach (the offline path).
    /// A refused certificate counts too: nothing reached the server, and the
    /// lobby keeps going offline while the IT officer fixes it.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::ServerUnreachable { .. } | Self::ServerUntrusted(_) | Self::BookingUnverified(_))
    }
}

impl Serialize for EngineError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body().serialize(serializer)
    }
}

impl From<rusqlite::Error> for EngineError {
    /// A full disk, a read-only file or damage found while running keeps its
    /// own code (`store_full`, …): the kiosk reports it and goes degraded.
    fn from(e: rusqlite::Error) -> Self {
        match crate::store::FaultKind::of_sqlite(&e) {
            Some(kind) => Self::StoreFault(Box::new(crate::store::StoreFault::new(kind, e.to_string(), std::path::Path::new("")))),
            None => Self::Store(e.to_string()),
        }
    }
}

impl From<serde_json::Error> for EngineError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(format!("json: {e}"))
    }
}

impl From<motcua_receipt::ReceiptError> for EngineError {
    fn from(e: motcua_receipt::ReceiptError) -> Self {
        Self::Printer(PrinterError::Render(e))
    }
}

impl From<tokio::task::JoinError> for EngineError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(format!("background task: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_json_is_pinned() {
        let mut api = ApiError::new(ErrorCode::DossierNotReady);
        api.due_at = Some("2026-12-01T09:30:00Z".parse().unwrap());
        let json = serde_json::to_value(EngineError::Api(Box::new(api))).unwrap();
        assert_eq!(json["code"], "dossier_not_ready");
        assert_eq!(json["due_at"], "2026-12-01T09:30:00Z");
        assert!(json["message_vi"].as_str().unwrap().contains("chưa có kết quả"));
        assert!(json.get("next_open_at").is_none());
        let mut keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["code", "due_at", "message", "message_vi"]);
    }

    #[test]
    fn a_401_is_not_authorised_and_never_unreachable() {
        let e = EngineError::Api(Box::new(ApiError::new(ErrorCode::Unauthorized)));
        assert_eq!(e.code(), "not_authorised");
        assert!(!e.is_unreachable());
        assert_eq!(EngineError::NotAuthorised("revoked".into()).code(), "not_authorised");
    }

    #[test]
    fn a_wrong_admin_pin_keeps_its_pinned_body() {
        let json = serde_json::to_value(EngineError::AdminPinWrong).unwrap();
        assert_eq!(json, serde_json::json!({"code": "admin_pin_wrong", "message": "Wrong PIN.", "message_vi": "Sai mã quản trị."}));
    }

    #[test]
    fn a_code_from_a_newer_server_is_unknown_with_the_servers_words() {
        let e = EngineError::UnknownApi {
            status: 409,
            code: "queue_frozen".into(),
            message: "The queue is frozen for the inspection.".into(),
            message_vi: "Hàng chờ tạm khoá để kiểm tra.".into(),
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "unknown", "message": "The queue is frozen for the inspection.",
                               "message_vi": "Hàng chờ tạm khoá để kiểm tra.", "server_code": "queue_frozen"})
        );
        assert!(!e.is_unreachable());
    }

    #[test]
    fn unreachable_for_collect_sends_the_citizen_to_the_counter() {
        let e = EngineError::ServerUnreachable { detail: "refused".into(), collect: true };
        assert_eq!(e.code(), "server_unreachable");
        assert!(e.message_vi().contains("quầy"));
    }
}
