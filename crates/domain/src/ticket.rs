//! Queue tickets (số thứ tự).

use serde::{Deserialize, Serialize};

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// In the queue.
    Waiting,
    /// Called to a counter.
    Called,
    /// Served at the counter.
    Served,
    /// Called but did not come.
    NoShow,
    /// Its day ended before it was called.
    Expired,
}

impl TicketStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Called => "called",
            Self::Served => "served",
            Self::NoShow => "no_show",
            Self::Expired => "expired",
        }
    }

    /// The status with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "waiting" => Self::Waiting,
            "called" => Self::Called,
            "served" => Self::Served,
            "no_show" => Self::NoShow,
            "expired" => Self::Expired,
            _ => return None,
        })
    }

    /// Vietnamese words for a citizen.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Waiting => "Đang chờ",
            Self::Called => "Đã được mời lên quầy",
            Self::Served => "Đã được phục vụ",
            Self::NoShow => "Đã gọi nhưng không có mặt",
            Self::Expired => "Đã hết hiệu lực (hết ngày)",
        }
    }

    /// English words for a citizen.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Waiting => "Waiting",
            Self::Called => "Called to a counter",
            Self::Served => "Served",
            Self::NoShow => "Called but not present",
            Self::Expired => "Expired (the day has ended)",
        }
    }
}

/// Formats the number printed on a ticket: service letter and a 3-digit
/// sequence (`A001`); from 1000 on, the digits simply grow (`A1000`).
pub fn ticket_number(letter: &str, seq: u32) -> String {
    format!("{letter}{seq:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_letter_and_three_digits() {
        assert_eq!(ticket_number("A", 1), "A001");
        assert_eq!(ticket_number("K", 42), "K042");
        assert_eq!(ticket_number("AB", 1234), "AB1234");
    }

    #[test]
    fn statuses_round_trip_through_their_stored_names() {
        for s in [TicketStatus::Waiting, TicketStatus::Called, TicketStatus::Served, TicketStatus::NoShow, TicketStatus::Expired] {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
        }
    }
}
