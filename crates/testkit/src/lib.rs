//! What the tests of the Một Cửa workspace share, so that each helper exists
//! once: the central server under test ([`central`]), a fault-injecting TCP
//! proxy ([`proxy`]), a fake ESC/POS network printer ([`printer`]), the
//! decoders a test reads a slip with ([`escpos`], [`tools`]), and waiting on
//! a condition with a deadline instead of sleeping ([`wait`]).
//!
//! Dev-only: nothing shipped depends on it. Its helpers panic with a message
//! saying what to fix, as a failed test should.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod central;
#[cfg(feature = "escpos")]
pub mod escpos;
mod loopback;
pub mod printer;
pub mod proxy;
#[cfg(feature = "tls")]
pub mod tls;
pub mod tools;
pub mod wait;

pub use central::{Central, central_command, spawn_central};
#[cfg(feature = "escpos")]
pub use escpos::{Job, decode_escpos, decode_job, parse_job, qr_of_job};
pub use printer::{Answer, FakePrinter, RefusingPort, Session, Status};
pub use proxy::{Fault, FaultProxy, Stats};
pub use tools::{pdf_text, pdf_to_png, pdf_words, qr_of_png, run_tool, try_qr_of_pdf, zbar};
pub use wait::{eventually, wait_until};
