//! Every fixed word printed on a slip, in Vietnamese and English. One match
//! per label, so a label cannot exist in one language only.

/// Language of the labels (the data itself is printed as given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Tiếng Việt (default).
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Parses "vi"/"en" (case-insensitive).
    pub fn from_code(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A fixed text on a slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Label {
    YourNumber,
    Service,
    CounterArea,
    Priority,
    Appointment,
    IssuedAt,
    PeopleAhead,
    EstimatedWait,
    ScanToFollow,
    OfflineTitle,
    OfflineDetail,
    KeepSlip,
    DossierTitle,
    DossierCode,
    Procedure,
    Applicant,
    Status,
    NextStep,
    ReceivedAt,
    DueAt,
    CollectAt,
    OverdueTitle,
    OverdueDetail,
    PrintedAt,
    ChecklistTitle,
    Documents,
    Fee,
    Free,
    ProcessingTime,
    WorkingDays,
    SubmitAt,
    LegalBasis,
    Original,
    Copy,
    CertifiedCopy,
    Count,
    Unknown,
}

impl Label {
    /// The label in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        use Label::*;
        match lang {
            Lang::Vi => match self {
                YourNumber => "SỐ THỨ TỰ CỦA BẠN",
                Service => "Dịch vụ",
                CounterArea => "Khu vực quầy",
                Priority => "Ưu tiên",
                Appointment => "Đặt lịch",
                IssuedAt => "Giờ lấy số",
                PeopleAhead => "Số người chờ trước bạn",
                EstimatedWait => "Thời gian chờ",
                ScanToFollow => "Quét mã QR để theo dõi lượt",
                OfflineTitle => "PHIẾU CẤP NGOẠI TUYẾN",
                OfflineDetail => "Mất kết nối: số của bạn vẫn được giữ; số người chờ và thời gian chờ chỉ là ước tính.",
                KeepSlip => "Vui lòng giữ phiếu đến khi được phục vụ.",
                DossierTitle => "PHIẾU TRA CỨU HỒ SƠ",
                DossierCode => "Mã hồ sơ",
                Procedure => "Thủ tục",
                Applicant => "Người nộp",
                Status => "Tình trạng",
                NextStep => "Bước tiếp theo",
                ReceivedAt => "Ngày tiếp nhận",
                DueAt => "Ngày hẹn trả",
                CollectAt => "Nơi nhận kết quả",
                OverdueTitle => "HỒ SƠ TRỄ HẠN",
                OverdueDetail => "Hồ sơ đã quá ngày hẹn trả kết quả. Xin lỗi ông/bà vì sự chậm trễ.",
                PrintedAt => "In lúc",
                ChecklistTitle => "HỒ SƠ CẦN CHUẨN BỊ",
                Documents => "Thành phần hồ sơ",
                Fee => "Lệ phí",
                Free => "Không thu phí",
                ProcessingTime => "Thời hạn giải quyết",
                WorkingDays => "ngày làm việc",
                SubmitAt => "Nơi nộp",
                LegalBasis => "Căn cứ pháp lý",
                Original => "Bản chính",
                Copy => "Bản sao",
                CertifiedCopy => "Bản sao chứng thực",
                Count => "Số lượng",
                Unknown => "Chưa xác định",
            },
            Lang::En => match self {
                YourNumber => "YOUR NUMBER",
                Service => "Service",
                CounterArea => "Counter area",
                Priority => "Priority",
                Appointment => "Appointment",
                IssuedAt => "Issued at",
                PeopleAhead => "People ahead of you",
                EstimatedWait => "Waiting time",
                ScanToFollow => "Scan the QR to follow your turn",
                OfflineTitle => "ISSUED OFFLINE",
                OfflineDetail => "No connection: your number is kept; people ahead and waiting time are estimates.",
                KeepSlip => "Please keep this slip until you are served.",
                DossierTitle => "DOSSIER STATUS",
                DossierCode => "Dossier code",
                Procedure => "Procedure",
                Applicant => "Applicant",
                Status => "Status",
                NextStep => "Next step",
                ReceivedAt => "Received",
                DueAt => "Due",
                CollectAt => "Collect the result at",
                OverdueTitle => "OVERDUE",
                OverdueDetail => "This dossier is past its due date. We apologise for the delay.",
                PrintedAt => "Printed at",
                ChecklistTitle => "DOCUMENT CHECKLIST",
                Documents => "Documents",
                Fee => "Fee",
                Free => "Free of charge",
                ProcessingTime => "Processing time",
                WorkingDays => "working days",
                SubmitAt => "Where to submit",
                LegalBasis => "Legal basis",
                Original => "Original",
                Copy => "Copy",
                CertifiedCopy => "Certified copy",
                Count => "Count",
                Unknown => "Not known",
            },
        }
    }
}

/// "Khoảng 25 phút" / "About 25 minutes"; hours above an hour.
pub fn wait_in_words(minutes: u32, lang: Lang) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match lang {
        Lang::Vi => match (h, m) {
            (0, 0) => "Sắp đến lượt".to_owned(),
            (0, m) => format!("Khoảng {m} phút"),
            (h, 0) => format!("Khoảng {h} giờ"),
            (h, m) => format!("Khoảng {h} giờ {m} phút"),
        },
        Lang::En => {
            let unit = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
            match (h, m) {
                (0, 0) => "Almost your turn".to_owned(),
                (0, m) => format!("About {}", unit(m, "minute", "minutes")),
                (h, 0) => format!("About {}", unit(h, "hour", "hours")),
                (h, m) => format!("About {} {}", unit(h, "hour", "hours"), unit(m, "minute", "minutes")),
            }
        }
    }
}

/// "7 người" / "7 people".
pub fn people(n: u32, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{n} người"),
        Lang::En if n == 1 => "1 person".to_owned(),
        Lang::En => format!("{n} people"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_reads_naturally_in_both_languages() {
        assert_eq!(wait_in_words(25, Lang::Vi), "Khoảng 25 phút");
        assert_eq!(wait_in_words(80, Lang::Vi), "Khoảng 1 giờ 20 phút");
        assert_eq!(wait_in_words(1, Lang::En), "About 1 minute");
        assert_eq!(wait_in_words(120, Lang::En), "About 2 hours");
        assert_eq!(wait_in_words(0, Lang::Vi), "Sắp đến lượt");
    }

    #[test]
    fn vietnamese_is_the_default() {
        assert_eq!(Lang::default(), Lang::Vi);
        assert_eq!(Lang::from_code("EN"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
    }
}
