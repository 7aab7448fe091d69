//! The Một Cửa kiosk engine: the whole kiosk without a window. The Tauri
//! app only calls [`Kiosk`]; `kioskctl` uses the same API from a terminal.
//!
//! - [`config`]: one TOML file, `MOTCUA_*` overrides, checked at start;
//! - [`client`]: the central server client (timeouts, retries, idempotency);
//! - [`store`]: SQLite catalog cache, ticket journal, outbox, settings;
//! - `sync`: the outbox delivery task; `feed`: the now-serving feed;
//! - [`search`]: accent-insensitive catalog search;
//! - [`printer`]: printers and their status; [`slip`]: engine data → slips.
#![warn(missing_docs)]

pub mod client;
pub mod config;
pub mod error;
pub mod feed;
mod kiosk;
pub mod printer;
pub mod search;
pub mod slip;
pub mod store;
mod sync;
pub mod types;

pub use config::{Config, OfflinePolicy, PrinterUnavailablePolicy};
pub use error::{EngineError, EngineErrorBody};
pub use kiosk::{CRASH_AFTER_JOURNAL_ENV, Kiosk};
pub use types::{
    HitKind, KioskEvent, KioskStatus, KioskTicket, Lookup, PrintReport, ProcedureInfo, RatingInput, SearchHit, SyncReport, TicketOutcome,
};
