//! The Một Cửa domain: what a one-stop public administration center is made of,
//! shared by the kiosk and the central server so the two cannot drift.
//! No I/O lives here.
#![warn(missing_docs)]

pub mod api;
pub mod catalog;
pub mod dossier;
pub mod dossier_code;
pub mod fleet;
pub mod hours;
pub mod id_card;
pub mod number;
pub mod scan;
pub mod sources;
pub mod staff;
pub mod text;
pub mod ticket;

pub use api::{ApiError, ErrorBody, ErrorCode};
pub use catalog::{Catalog, Center, Counter, Procedure, Service, ServiceKind};
pub use dossier::{DossierStatus, mask_name};
pub use dossier_code::{CodeRejection, DossierCode, DossierCodeRules};
pub use id_card::{IdCard, parse_id_card};
pub use scan::{ScanPayload, classify_scan};
pub use ticket::TicketStatus;
