//! The Một Cửa kiosk engine: the whole kiosk without a window. The Tauri
//! app only calls [`Kiosk`]; `kioskctl` uses the same API from a terminal.
//!
//! Public: [`Kiosk`] and what it takes and returns —
//! - [`config`]: one TOML file, `MOTCUA_*` overrides, checked at start;
//! - [`types`] and [`error`]: the JSON the UI sees;
//! - [`search`]: accent-insensitive catalog search (its folding is public);
//! - [`printer`]: printer specs, status and the drivers `kioskctl` tests.
//!
//! Internal, reached only through [`Kiosk`]: `client` (the central server
//! client: timeouts, retries, idempotency), `store` (SQLite catalog cache,
//! ticket journal, outbox, settings), `slip` (engine data → slips), and under
//! `kiosk`: `sync` (the outbox delivery task) and `feed` (the now-serving feed).
#![warn(missing_docs)]

pub(crate) mod client;
pub mod config;
pub mod error;
mod kiosk;
pub mod printer;
pub mod search;
pub(crate) mod slip;
pub(crate) mod store;
pub mod types;

pub use config::{Config, OfflinePolicy, PrinterUnavailablePolicy};
pub use error::{BookingProblem, BookingRefusal};
pub use error::{EngineError, EngineErrorBody};
pub use kiosk::{CRASH_AFTER_JOURNAL_ENV, Kiosk};
/// The language of a slip (and of the config's `language`).
pub use motcua_receipt::Lang;
/// A store that starts degraded: what is wrong and what still works.
pub use store::{FaultKind, Journal, StoreFault};
pub use types::{
    Appointment, CheckInOutcome, HitKind, KioskEvent, KioskStatus, KioskTicket, Lookup, PrintReport, ProcedureInfo, RatingInput, SearchHit,
    SyncReport, TicketOutcome,
};
