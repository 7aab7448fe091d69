//! Appointments (đặt lịch hẹn): booking codes and the API's booking types,
//! shared by the central server, the kiosk and the phone pages.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The characters of a booking code: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6, so a
/// code read aloud or typed from a phone is not mistaken.
pub const CODE_ALPHABET: &str = "ACDEFHJKMNPQRTUVWXY34679";

/// Characters of a code, without its dash.
pub const CODE_LEN: usize = 6;

/// A booking code from 6 alphabet indices (each taken modulo the alphabet),
/// as shown: `XXX-XXX`.
pub fn code_from_indices(indices: [u8; CODE_LEN]) -> String {
    let alphabet = CODE_ALPHABET.as_bytes();
    let mut s = String::with_capacity(CODE_LEN + 1);
    for (i, n) in indices.iter().enumerate() {
        if i == 3 {
            s.push('-');
        }
        s.push(char::from(alphabet[usize::from(*n) % alphabet.len()]));
    }
    s
}

/// A typed or scanned booking code in its shown form (`HB7-K4Q`): case does
/// not matter, the dash and spaces are optional. `None` when it is not one.
pub fn parse_code(input: &str) -> Option<String> {
    let chars: Vec<char> = input.chars().filter(|c| !matches!(c, '-' | ' ')).map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() != CODE_LEN || !chars.iter().all(|c| CODE_ALPHABET.contains(*c)) {
        return None;
    }
    let mut s: String = chars[..3].iter().collect();
    s.push('-');
    s.extend(&chars[3..]);
    Some(s)
}

/// The booking code in a scanned booking URL (`…/dat-lich/b/{CODE}`) or a bare code.
pub fn code_in_scan(scan: &str) -> Option<String> {
    let s = scan.trim();
    let path = s.split(['?', '#']).next().unwrap_or(s).trim_end_matches('/');
    match path.rsplit_once("/dat-lich/b/") {
        Some((_, code)) => parse_code(code),
        None => parse_code(s),
    }
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Booked; waiting for its check-in.
    Booked,
    /// Checked in at a kiosk: it has a ticket.
    CheckedIn,
    /// Cancelled by the citizen or staff; the place is free again.
    Cancelled,
    /// Not checked in within the window after its slot started.
    Lapsed,
}

impl BookingStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::CheckedIn => "checked_in",
            Self::Cancelled => "cancelled",
            Self::Lapsed => "lapsed",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "booked" => Self::Booked,
            "checked_in" => Self::CheckedIn,
            "cancelled" => Self::Cancelled,
            "lapsed" => Self::Lapsed,
            _ => return None,
        })
    }
}

/// Why a day takes no bookings (a public holiday, no opening hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosedReason {
    /// English.
    pub reason: String,
    /// Vietnamese.
    pub reason_vi: String,
}

/// One slot of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    /// When it starts.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub start: Timestamp,
    /// When it ends.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub end: Timestamp,
    /// Places it offers to bookings.
    pub places: u32,
    /// Places still free (0 once it has started).
    pub free: u32,
}

/// `GET /api/v1/slots`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotsResponse {
    /// The service.
    pub service_id: String,
    /// The local day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: jiff::civil::Date,
    /// Why the day takes no bookings; null on a working day.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub closed: Option<ClosedReason>,
    /// The day's slots in order (empty on a closed day).
    pub slots: Vec<Slot>,
}

/// `POST /api/v1/bookings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    /// The service (its center follows from it).
    pub service_id: String,
    /// The slot's start, as `GET /api/v1/slots` gave it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub slot_start: Timestamp,
    /// The citizen's name (masked wherever shown publicly).
    pub name: String,
    /// A Vietnamese phone number (kept until the day after the appointment).
    pub phone: String,
    /// The solved proof of work, `<challenge>:<nonce>`; not needed with a staff token.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub challenge: Option<String>,
}

/// A booking as the citizen, the kiosk and the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booking {
    /// The code, `XXX-XXX`.
    pub code: String,
    /// The service.
    pub service_id: String,
    /// Its center.
    pub center: String,
    /// The slot's start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub slot_start: Timestamp,
    /// The slot's end.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub slot_end: Timestamp,
    /// Where it stands.
    pub status: BookingStatus,
    /// The name, masked (`Nguyễn V** A*`).
    pub name_masked: String,
    /// The ticket's lookup token once checked in.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub ticket_token: Option<String>,
    /// The cancel page with its secret: only in the answer to the booking
    /// itself (null elsewhere: the server keeps only the secret's hash).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub cancel_url: Option<String>,
    /// The booking's phone page (the QR).
    pub qr_url: String,
}

/// `{"booking": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingResponse {
    /// The booking.
    pub booking: Booking,
}

/// `GET /api/v1/bookings/challenge`: a proof of work to solve before booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChallengeResponse {
    /// Find a nonce so that SHA-256(challenge + ":" + nonce) starts with
    /// `difficulty_bits` zero bits; send `challenge + ":" + nonce`.
    pub challenge: String,
    /// Leading zero bits required.
    pub difficulty_bits: u32,
    /// After this the challenge is refused.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: Timestamp,
}

/// `POST /api/v1/bookings/{code}/check-in`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    /// The kiosk that checks in (printed on the ticket's record).
    pub kiosk_id: String,
}

/// The answer to a check-in: the appointment ticket and the booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInResponse {
    /// The appointment ticket (the same one on a repeat).
    pub ticket: crate::api::TicketView,
    /// The booking, now checked in.
    pub booking: Booking,
}

/// Whether SHA-256 of `text` starts with `bits` zero bits.
pub fn leading_zero_bits(digest: &[u8], bits: u32) -> bool {
    let mut left = bits;
    for b in digest {
        if left == 0 {
            return true;
        }
        if left >= 8 {
            if *b != 0 {
                return false;
            }
            left -= 8;
        } else {
            return b.leading_zeros() >= left;
        }
    }
    left == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_in_any_case_with_or_without_the_dash() {
        assert_eq!(parse_code("hc7k4q").as_deref(), Some("HC7-K4Q"));
        assert_eq!(parse_code("hf7-k4q").as_deref(), Some("HF7-K4Q"));
        assert_eq!(parse_code(" HF7K4Q ").as_deref(), Some("HF7-K4Q"));
        assert_eq!(parse_code("HB8-K4Q"), None, "B and 8 are left out");
        assert_eq!(parse_code("HF7-K4"), None);
    }

    #[test]
    fn a_scanned_booking_url_gives_its_code() {
        assert_eq!(code_in_scan("https://motcua.example/dat-lich/b/HF7-K4Q").as_deref(), Some("HF7-K4Q"));
        assert_eq!(code_in_scan("https://motcua.example/dat-lich/b/hf7k4q?x=1").as_deref(), Some("HF7-K4Q"));
        assert_eq!(code_in_scan("https://motcua.example/t/abc"), None);
    }

    #[test]
    fn codes_from_indices_use_the_alphabet() {
        assert_eq!(code_from_indices([0, 1, 2, 21, 22, 23]), "ACD-679");
        assert_eq!(code_from_indices([24, 25, 26, 0, 0, 0]), "ACD-AAA");
    }

    #[test]
    fn zero_bits_are_counted_across_bytes() {
        assert!(leading_zero_bits(&[0, 0x0f, 0xff], 12));
        assert!(!leading_zero_bits(&[0, 0x1f, 0xff], 12));
        assert!(leading_zero_bits(&[0xff], 0));
    }
}
