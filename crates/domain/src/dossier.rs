//! Dossiers (hồ sơ): the ten national status codes, overdue, masking.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The national portal's dossier status codes, 1 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DossierStatus {
    /// 1: newly registered.
    Registered = 1,
    /// 2: received.
    Accepted = 2,
    /// 3: not accepted.
    NotAccepted = 3,
    /// 4: being processed.
    Processing = 4,
    /// 5: more documents required.
    MoreDocumentsRequired = 5,
    /// 6: fees or taxes to pay.
    FeesToPay = 6,
    /// 7: withdrawn by the applicant.
    Withdrawn = 7,
    /// 8: processing stopped.
    Stopped = 8,
    /// 9: result ready to collect.
    ReadyToCollect = 9,
    /// 10: result handed over.
    HandedOver = 10,
}

impl DossierStatus {
    /// All ten, in code order.
    pub const ALL: [DossierStatus; 10] = [
        Self::Registered,
        Self::Accepted,
        Self::NotAccepted,
        Self::Processing,
        Self::MoreDocumentsRequired,
        Self::FeesToPay,
        Self::Withdrawn,
        Self::Stopped,
        Self::ReadyToCollect,
        Self::HandedOver,
    ];

    /// The status with this national code.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code).checked_sub(1)?).copied()
    }

    /// The national code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The official Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Registered => "Mới đăng ký",
            Self::Accepted => "Được tiếp nhận",
            Self::NotAccepted => "Không được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::MoreDocumentsRequired => "Yêu cầu bổ sung giấy tờ",
            Self::FeesToPay => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Self::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::ReadyToCollect => "Đã xử lý xong",
            Self::HandedOver => "Đã trả kết quả",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Registered => "Newly registered",
            Self::Accepted => "Accepted",
            Self::NotAccepted => "Not accepted",
            Self::Processing => "In processing",
            Self::MoreDocumentsRequired => "More documents required",
            Self::FeesToPay => "Fees or taxes to pay",
            Self::Withdrawn => "Withdrawn at the applicant's request",
            Self::Stopped => "Processing stopped",
            Self::ReadyToCollect => "Done: result ready to collect",
            Self::HandedOver => "Result handed over",
        }
    }

    /// What the citizen should do now, in plain Vietnamese.
    pub fn next_step_vi(self) -> &'static str {
        match self {
            Self::Registered => "Hồ sơ đã đăng ký trực tuyến. Vui lòng mang giấy tờ bản chính đến quầy để được tiếp nhận.",
            Self::Accepted => "Hồ sơ đã được tiếp nhận. Ông/bà chưa cần làm gì thêm; vui lòng chờ đến ngày hẹn trả.",
            Self::NotAccepted => "Hồ sơ không được tiếp nhận. Vui lòng xem lý do trong lịch sử xử lý hoặc hỏi cán bộ tại quầy.",
            Self::Processing => "Hồ sơ đang được xử lý. Ông/bà chưa cần làm gì thêm; vui lòng chờ đến ngày hẹn trả.",
            Self::MoreDocumentsRequired => "Cần bổ sung giấy tờ. Vui lòng mang giấy tờ còn thiếu đến quầy tiếp nhận.",
            Self::FeesToPay => "Cần nộp phí, lệ phí hoặc thuế. Vui lòng nộp theo thông báo rồi mang biên lai đến quầy.",
            Self::Withdrawn => "Hồ sơ đã được rút theo yêu cầu của ông/bà. Không cần làm gì thêm.",
            Self::Stopped => "Hồ sơ đã dừng xử lý. Vui lòng hỏi cán bộ tại quầy để biết lý do.",
            Self::ReadyToCollect => "Đã có kết quả. Mời ông/bà lấy số «Nhận kết quả» và mang giấy hẹn đến nơi trả kết quả.",
            Self::HandedOver => "Kết quả đã được trả. Không cần làm gì thêm.",
        }
    }

    /// What the citizen should do now, in plain English.
    pub fn next_step_en(self) -> &'static str {
        match self {
            Self::Registered => "Registered online. Please bring the original documents to a counter to have it accepted.",
            Self::Accepted => "Accepted. Nothing more to do for now; please wait for the due date.",
            Self::NotAccepted => "Not accepted. See the reason in the history or ask at a counter.",
            Self::Processing => "Being processed. Nothing more to do for now; please wait for the due date.",
            Self::MoreDocumentsRequired => "More documents are needed. Please bring the missing documents to the reception counter.",
            Self::FeesToPay => "Fees or taxes are due. Please pay as notified, then bring the receipt to a counter.",
            Self::Withdrawn => "Withdrawn at your request. Nothing more to do.",
            Self::Stopped => "Processing was stopped. Please ask at a counter for the reason.",
            Self::ReadyToCollect => "The result is ready. Please take a “Collect a result” ticket and bring your appointment receipt.",
            Self::HandedOver => "The result has been handed over. Nothing more to do.",
        }
    }

    /// Whether the dossier is still with the administration (so it can be late).
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Registered | Self::Accepted | Self::Processing | Self::MoreDocumentsRequired | Self::FeesToPay)
    }

    /// The status as sent to kiosks.
    pub fn view(self) -> StatusView {
        StatusView {
            code: self.code(),
            label_vi: self.label_vi().to_string(),
            label_en: self.label_en().to_string(),
            next_step_vi: self.next_step_vi().to_string(),
            next_step_en: self.next_step_en().to_string(),
        }
    }
}

/// A status with its labels and next step, as the kiosk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusView {
    /// 1 to 10.
    pub code: u8,
    /// Label in Vietnamese.
    pub label_vi: String,
    /// Label in English.
    pub label_en: String,
    /// What the citizen does next, in Vietnamese.
    pub next_step_vi: String,
    /// What the citizen does next, in English.
    pub next_step_en: String,
}

/// Overdue (trễ hạn) is derived, not a status: a dossier is late when its due
/// date has passed and it is still pending, or when it became ready or was
/// handed over after the due date.
pub fn is_overdue(status: DossierStatus, due_at: Timestamp, done_at: Option<Timestamp>, now: Timestamp) -> bool {
    if status.is_pending() {
        return now > due_at;
    }
    match (status, done_at) {
        (DossierStatus::ReadyToCollect | DossierStatus::HandedOver, Some(done)) => done > due_at,
        _ => false,
    }
}

/// Masks an applicant's name for a public screen: the family name stays, every
/// other word keeps its first letter ("Nguyễn Thị Lan" → "Nguyễn T** L**").
/// A single-word name keeps only its first letter.
pub fn mask_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mask = |w: &str| {
        let mut chars = w.chars();
        match chars.next() {
            Some(first) => {
                let rest = chars.count().max(1);
                format!("{first}{}", "*".repeat(rest))
            }
            None => String::new(),
        }
    };
    match words.as_slice() {
        [] => String::new(),
        [only] => mask(only),
        [family, rest @ ..] => {
            let mut out = family.to_string();
            for w in rest {
                out.push(' ');
                out.push_str(&mask(w));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_has_labels() {
        for s in DossierStatus::ALL {
            assert_eq!(DossierStatus::from_code(s.code()), Some(s));
            assert!(!s.label_vi().is_empty() && !s.next_step_en().is_empty());
        }
        assert_eq!(DossierStatus::from_code(0), None);
        assert_eq!(DossierStatus::from_code(11), None);
        assert_eq!(DossierStatus::from_code(9).map(|s| s.label_vi()), Some("Đã xử lý xong"));
    }

    #[test]
    fn names_are_masked_but_the_family_name_stays() {
        assert_eq!(mask_name("Nguyễn Thị Lan"), "Nguyễn T** L**");
        assert_eq!(mask_name("  Trần   Văn   Minh "), "Trần V** M***");
        assert_eq!(mask_name("Hà"), "H*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn overdue_is_derived_from_the_due_date() {
        let due: Timestamp = "2026-11-20T10:00:00Z".parse().expect("ts");
        let before: Timestamp = "2026-11-19T10:00:00Z".parse().expect("ts");
        let after: Timestamp = "2026-11-21T10:00:00Z".parse().expect("ts");
        assert!(!is_overdue(DossierStatus::Processing, due, None, before));
        assert!(is_overdue(DossierStatus::Processing, due, None, after));
        assert!(!is_overdue(DossierStatus::ReadyToCollect, due, Some(before), after));
        assert!(is_overdue(DossierStatus::HandedOver, due, Some(after), after));
        assert!(!is_overdue(DossierStatus::Withdrawn, due, None, after));
    }
}
