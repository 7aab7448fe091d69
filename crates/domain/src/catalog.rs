//! The catalog of a center: who receives what, in which queue, at which counter.
//! The same types are read from the catalog file (docs/catalog-format.md) and
//! sent to kiosks by `GET /api/v1/catalog`.

use serde::{Deserialize, Serialize};

use crate::hours::HoursRule;

/// A Public Administration Service Center (province, district or commune level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Center {
    /// Stable id, e.g. `vp-tinh`.
    pub id: String,
    /// Official name.
    pub name: String,
    /// English name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
    /// Free text: province, district, commune (the hierarchy changed in 2025).
    pub level: String,
    /// The center above it, when there is one.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub parent: Option<String>,
    /// IANA time zone; ticket numbers restart at local midnight.
    pub time_zone: String,
    /// Street address.
    pub address: String,
    /// Phone number for citizens.
    pub hotline: String,
    /// Public web site.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub website: Option<String>,
    /// At most this many priority tickets are called in a row by one counter.
    #[serde(default = "default_streak")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub priority_streak_limit: u32,
    /// The line that scrolls along the bottom of the lobby board.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub ticker: Option<String>,
    /// The ticker in English.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub ticker_en: Option<String>,
    /// How the center checks appointments in and calls them (README, "Appointments").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub appointments: CenterAppointments,
}

fn default_streak() -> u32 {
    2
}

fn default_window() -> u32 {
    15
}

fn default_per_phone() -> u32 {
    1
}

/// A center's appointment rules: the check-in window, the walk-ins' share of
/// calls, and how many bookings one phone number may hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CenterAppointments {
    /// Check-in opens this many minutes before the slot starts (default 15).
    #[serde(default = "default_window")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub check_in_before_min: u32,
    /// Check-in closes this many minutes after the slot starts; later, the booking lapses (default 15).
    #[serde(default = "default_window")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub check_in_after_min: u32,
    /// At most this many due appointments are called in a row by one counter
    /// while walk-ins wait (default 2).
    #[serde(default = "default_streak")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub streak_limit: u32,
    /// Active bookings one phone number may hold per service per day (default 1; 0: no limit).
    #[serde(default = "default_per_phone")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub per_phone_per_day: u32,
}

impl Default for CenterAppointments {
    fn default() -> Self {
        Self {
            check_in_before_min: default_window(),
            check_in_after_min: default_window(),
            streak_limit: default_streak(),
            per_phone_per_day: default_per_phone(),
        }
    }
}

fn default_true() -> bool {
    true
}

/// A service's appointment settings: slots follow its opening hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AppointmentSettings {
    /// Whether it takes bookings now (false keeps the settings but stops new bookings).
    #[serde(default = "default_true")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub enabled: bool,
    /// Minutes per slot, e.g. 30.
    pub slot_minutes: u32,
    /// Places per slot.
    pub places_per_slot: u32,
    /// Percent of each slot's handling capacity (its counters × slot length
    /// ÷ `avg_service_s`) kept for walk-ins; a slot offers at most the rest.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub walk_in_percent: u32,
    /// How many days ahead a slot can be booked (today counts as 0).
    pub days_ahead: u32,
}

/// A department or agency whose procedures the center receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// The center it belongs to.
    pub center: String,
    /// Stable id.
    pub id: String,
    /// Official name.
    pub name: String,
    /// English name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
    /// Agencies a desk receives dossiers for (the investment desk).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub on_behalf_of: Vec<String>,
}

/// A field (lĩnh vực) of procedures of one agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Stable id.
    pub id: String,
    /// The agency it belongs to.
    pub agency: String,
    /// Name (lĩnh vực).
    pub name: String,
    /// English name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
}

/// How a required document is handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentForm {
    /// Bản chính.
    Original,
    /// Bản sao.
    Copy,
    /// Bản sao có chứng thực.
    CertifiedCopy,
    /// Bản chính hoặc bản sao.
    OriginalOrCopy,
}

impl DocumentForm {
    /// Vietnamese words printed on a checklist.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Original => "Bản chính",
            Self::Copy => "Bản sao",
            Self::CertifiedCopy => "Bản sao có chứng thực",
            Self::OriginalOrCopy => "Bản chính hoặc bản sao",
        }
    }

    /// English words printed on a checklist.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Original => "Original",
            Self::Copy => "Copy",
            Self::CertifiedCopy => "Certified copy",
            Self::OriginalOrCopy => "Original or copy",
        }
    }
}

/// One document of a procedure's dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    /// What the document is.
    pub name: String,
    /// How it is handed in.
    pub form: DocumentForm,
    /// How many copies.
    pub count: u32,
}

/// An administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// Stable id.
    pub id: String,
    /// National procedure code, when known.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub code: Option<String>,
    /// The field it belongs to.
    pub field: String,
    /// Official name.
    pub name: String,
    /// English name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
    /// The fee as the legal text states it.
    pub fee: String,
    /// The fee in đồng, when it is one amount (0 = free).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub fee_vnd: Option<u64>,
    /// Statutory processing time in working days.
    pub processing_days: u32,
    /// Where to hand it in.
    pub submit_at: String,
    /// Legal basis, items separated by `;` or new lines.
    pub legal_basis: String,
    /// The documents of the dossier.
    pub documents: Vec<RequiredDocument>,
}

/// What a queue is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// Hand in a dossier.
    Submit,
    /// Collect a result; a ticket needs a dossier that is ready.
    Collect,
}

/// A service is one queue with its own ticket letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The center it belongs to.
    pub center: String,
    /// Stable id.
    pub id: String,
    /// Ticket letter, e.g. `A`.
    pub letter: String,
    /// Name shown on the kiosk.
    pub name: String,
    /// English name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
    /// Submit a dossier or collect a result.
    pub kind: ServiceKind,
    /// Where its counters are; printed on the ticket.
    pub area: String,
    /// Fields whose procedures this queue receives.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub fields: Vec<String>,
    /// Procedures this queue receives beyond its fields.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub procedures: Vec<String>,
    /// Tickets per local day; none means no cap.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub daily_cap: Option<u32>,
    /// Average handling time used until there is data.
    pub avg_service_s: u32,
    /// Opening hours; empty means open around the clock.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub hours: Vec<HoursRule>,
    /// Appointments (đặt lịch hẹn), when the service takes them.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub appointments: Option<AppointmentSettings>,
}

/// A counter (quầy) that calls tickets from one or more services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Counter {
    /// The center it belongs to.
    pub center: String,
    /// Stable id.
    pub id: String,
    /// The number on its sign.
    pub number: u32,
    /// Name.
    pub name: String,
    /// English name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
    /// The queues it calls from.
    pub services: Vec<String>,
}

/// A lobby kiosk, named so that staff alerts say "Ki-ốt sảnh 1" rather than its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KioskInfo {
    /// The center it belongs to: only a kiosk token of this center may report for it.
    pub center: String,
    /// Its `kiosk_id` (as in the kiosk's config).
    pub id: String,
    /// Display name, e.g. "Ki-ốt sảnh 1".
    pub name: String,
    /// English name, e.g. "Lobby kiosk 1".
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
}

/// A priority category (the elderly, people with disabilities, …); staff verify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PriorityCategory {
    /// The center it belongs to.
    pub center: String,
    /// Stable id.
    pub id: String,
    /// Name printed on the ticket.
    pub name: String,
    /// English name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
}

/// Everything a kiosk of one center needs to show its menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalog {
    /// The center.
    pub center: Center,
    /// Its agencies.
    pub agencies: Vec<Agency>,
    /// Their fields.
    pub fields: Vec<Field>,
    /// Their procedures.
    pub procedures: Vec<Procedure>,
    /// The queues.
    pub services: Vec<Service>,
    /// The counters.
    pub counters: Vec<Counter>,
    /// Priority categories.
    pub priority_categories: Vec<PriorityCategory>,
}

impl Catalog {
    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The submit service that takes dossiers of this procedure: one that lists
    /// the procedure itself, else one that serves its field.
    pub fn service_for_procedure(&self, procedure_id: &str) -> Option<&Service> {
        let procedure = self.procedures.iter().find(|p| p.id == procedure_id)?;
        self.services
            .iter()
            .find(|s| s.procedures.iter().any(|p| p == procedure_id))
            .or_else(|| self.services.iter().find(|s| s.kind == ServiceKind::Submit && s.fields.contains(&procedure.field)))
    }

    /// The counters that call from this service.
    pub fn counters_of(&self, service_id: &str) -> impl Iterator<Item = &Counter> {
        self.counters.iter().filter(move |c| c.services.iter().any(|s| s == service_id))
    }
}
