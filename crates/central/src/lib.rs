//! The Một Cửa central server: queues, catalog and dossiers for the kiosks of
//! one or more centers, over HTTP and SQLite.
#![warn(missing_docs)]

pub mod accounts;
pub mod bookings;
pub mod catalog;
pub mod catalog_file;
pub mod cli;
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
pub mod fleet;
pub mod http;
pub mod id_key;
pub mod metrics;
pub mod ops;
pub mod queue_rules;
pub mod reports;
pub mod server;
pub mod sources;
pub mod state;
pub mod tickets;
pub mod tokens;
pub mod voice;
pub mod writer;

pub use http::app;
