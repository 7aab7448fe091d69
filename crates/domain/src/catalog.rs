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
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Free text: province, district, commune (the hierarchy changed in 2025).
    pub level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// IANA time zone; ticket numbers restart at local midnight.
    pub time_zone: String,
    pub address: String,
    pub hotline: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// At most this many priority tickets are called in a row by one counter.
    #[serde(default = "default_streak")]
    pub priority_streak_limit: u32,
    /// The line that scrolls along the bottom of the lobby board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// The ticker in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticker_en: Option<String>,
}

fn default_streak() -> u32 {
    2
}

/// A department or agency whose procedures the center receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub center: String,
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Agencies a desk receives dossiers for (the investment desk).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_behalf_of: Vec<String>,
}

/// A field (lĩnh vực) of procedures of one agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: String,
    pub agency: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
}

/// How a required document is handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentForm {
    Original,
    Copy,
    CertifiedCopy,
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
    pub name: String,
    pub form: DocumentForm,
    pub count: u32,
}

/// An administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    pub id: String,
    /// National procedure code, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub field: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub fee: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_vnd: Option<u64>,
    /// Statutory processing time in working days.
    pub processing_days: u32,
    pub submit_at: String,
    pub legal_basis: String,
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
    pub center: String,
    pub id: String,
    pub letter: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub kind: ServiceKind,
    /// Where its counters are; printed on the ticket.
    pub area: String,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub procedures: Vec<String>,
    /// Tickets per local day; none means no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_cap: Option<u32>,
    /// Average handling time used until there is data.
    pub avg_service_s: u32,
    /// Opening hours; empty means open around the clock.
    #[serde(default)]
    pub hours: Vec<HoursRule>,
}

/// A counter (quầy) that calls tickets from one or more services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Counter {
    pub center: String,
    pub id: String,
    pub number: u32,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub services: Vec<String>,
}

/// A priority category (the elderly, people with disabilities, …); staff verify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PriorityCategory {
    pub center: String,
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
}

/// Everything a kiosk of one center needs to show its menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalog {
    pub center: Center,
    pub agencies: Vec<Agency>,
    pub fields: Vec<Field>,
    pub procedures: Vec<Procedure>,
    pub services: Vec<Service>,
    pub counters: Vec<Counter>,
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
