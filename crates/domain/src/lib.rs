//! The Một Cửa domain: what a one-stop public administration center is made of,
//! shared by the kiosk and the central server so the two cannot drift.
//! No I/O lives here.
#![warn(missing_docs)]

pub mod api;
pub mod booking;
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

/// An error and every error under it on one line (`a: b: c`): what a log
/// line or a "cannot reach the server" detail needs from a client error,
/// whose own text often stops at "error sending request".
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    #[derive(Debug)]
    struct Sending(std::io::Error);

    impl std::fmt::Display for Sending {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("error sending request")
        }
    }

    impl std::error::Error for Sending {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn an_error_chain_reads_outermost_first() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        assert_eq!(super::error_chain(&Sending(refused)), "error sending request: connection refused");
        assert_eq!(super::error_chain(&std::io::Error::other("disk full")), "disk full");
    }
}
