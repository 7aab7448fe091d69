//! The dossier fields a source can send, under our names or the national
//! portal's, and how their values are read: text, the status, times.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use motcua_domain::dossier::DossierStatus;
use motcua_domain::id_card::normalise_id_number;

use super::mapping::Mapping;
use crate::writer::dossier::clean;

/// A dossier field, whatever a source calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The dossier code (`code`, `MaHoSo`).
    Code,
    /// The procedure's code (`procedure_id`, `MaTTHC`).
    ProcedureId,
    /// The procedure's name (`procedure_name`, `TenTTHC`).
    ProcedureName,
    /// The applicant (`applicant_name`, `ChuHoSo`).
    ApplicantName,
    /// The applicant's phone (`phone`, `SoDienThoai`): read, never stored.
    Phone,
    /// The applicant's ID card number (`applicant_id`, `SoGiayToChuHoSo`):
    /// hashed on arrival, only the hash is stored.
    ApplicantId,
    /// The status, 1..10 (`status`, `TrangThaiHoSo`).
    Status,
    /// Received at (`received_at`, `NgayTiepNhan`).
    ReceivedAt,
    /// Due at (`due_at`, `NgayHenTra`).
    DueAt,
    /// Handed over at (`returned_at`, `NgayTra`).
    ReturnedAt,
    /// The processing unit (`unit`, `DonViXuLy`).
    Unit,
    /// Where the result is collected (`collect_at`).
    CollectAt,
    /// A note for the history step (`note`).
    Note,
    /// The source's update time (`updated_at`, `NgayCapNhat`).
    UpdatedAt,
}

impl Field {
    /// Every field, in the order of the documented table.
    pub const ALL: [Field; 14] = [
        Self::Code,
        Self::ProcedureId,
        Self::ProcedureName,
        Self::ApplicantName,
        Self::Phone,
        Self::ApplicantId,
        Self::Status,
        Self::ReceivedAt,
        Self::DueAt,
        Self::ReturnedAt,
        Self::Unit,
        Self::CollectAt,
        Self::Note,
        Self::UpdatedAt,
    ];

    /// Our name (the JSON of `PUT /api/v1/dossiers/{code}`).
    pub fn ours(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::ProcedureId => "procedure_id",
            Self::ProcedureName => "procedure_name",
            Self::ApplicantName => "applicant_name",
            Self::Phone => "phone",
            Self::ApplicantId => "applicant_id",
            Self::Status => "status",
            Self::ReceivedAt => "received_at",
            Self::DueAt => "due_at",
            Self::ReturnedAt => "returned_at",
            Self::Unit => "unit",
            Self::CollectAt => "collect_at",
            Self::Note => "note",
            Self::UpdatedAt => "updated_at",
        }
    }

    /// The national portal's name, where it has one.
    pub fn national(self) -> Option<&'static str> {
        match self {
            Self::Code => Some("MaHoSo"),
            Self::ProcedureId => Some("MaTTHC"),
            Self::ProcedureName => Some("TenTTHC"),
            Self::ApplicantName => Some("ChuHoSo"),
            Self::Phone => Some("SoDienThoai"),
            Self::ApplicantId => Some("SoGiayToChuHoSo"),
            Self::Status => Some("TrangThaiHoSo"),
            Self::ReceivedAt => Some("NgayTiepNhan"),
            Self::DueAt => Some("NgayHenTra"),
            Self::ReturnedAt => Some("NgayTra"),
            Self::Unit => Some("DonViXuLy"),
            Self::UpdatedAt => Some("NgayCapNhat"),
            Self::CollectAt | Self::Note => None,
        }
    }

    /// A dossier cannot be stored without it.
    pub fn required(self) -> bool {
        matches!(self, Self::Code | Self::ProcedureName | Self::ApplicantName | Self::Status | Self::ReceivedAt | Self::DueAt)
    }

    /// The field a name stands for: ours or the national one, ASCII case ignored.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL.into_iter().find(|f| f.ours().eq_ignore_ascii_case(name) || f.national().is_some_and(|n| n.eq_ignore_ascii_case(name)))
    }

    /// Both names, for messages: `due_at (NgayHenTra)`.
    pub fn names(self) -> String {
        match self.national() {
            Some(n) => format!("{} ({n})", self.ours()),
            None => self.ours().to_string(),
        }
    }
}

/// National portal fields a source may send that the mirror does not keep:
/// accepted and dropped, never an error.
pub const IGNORED_NATIONAL: [&str; 6] = ["MaLinhVuc", "LoaiDoiTuong", "TrichYeuHoSo", "HinhThuc", "DanhSachLePhi", "DanhSachHoSoBoSung"];

/// A value as a source gave it, before it is read as a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// Text (a JSON string, a CSV cell, a spreadsheet text cell).
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number with a fraction (spreadsheets store every number so).
    Float(f64),
    /// True or false.
    Bool(bool),
    /// A spreadsheet date cell: a wall-clock time in the center's time zone.
    Local(DateTime),
    /// Something that is no field's value: a JSON list or object.
    Other(&'static str),
}

impl Raw {
    /// How the value reads in a message.
    pub fn describe(&self) -> String {
        match self {
            Self::Text(s) => format!("{s:?}"),
            Self::Int(n) => n.to_string(),
            Self::Float(f) => f.to_string(),
            Self::Bool(b) => b.to_string(),
            Self::Local(dt) => dt.to_string(),
            Self::Other(what) => (*what).to_string(),
        }
    }

    /// A whole number given as a number, an integral float or digits in text.
    fn whole(&self) -> Option<i64> {
        match self {
            Self::Int(n) => Some(*n),
            Self::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(*f as i64),
            Self::Text(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// Reads a text field: trimmed, NFC; a number is taken as its digits.
pub fn text(raw: &Raw) -> Result<String, String> {
    match raw {
        Raw::Text(s) => Ok(clean(s)),
        Raw::Int(_) | Raw::Float(_) => Ok(raw.whole().map_or_else(|| raw.describe(), |n| n.to_string())),
        Raw::Bool(_) | Raw::Local(_) | Raw::Other(_) => Err(format!("expected text, got {}", raw.describe())),
    }
}

/// Reads a status: through the mapping's `[status]` table when it has one
/// (then a value missing from it is refused), else a national code 1..10 (a
/// number or numeric text) or the code's official Vietnamese label.
pub fn status(raw: &Raw, mapping: Option<&Mapping>) -> Result<DossierStatus, String> {
    let key = match raw {
        Raw::Text(s) => clean(s),
        Raw::Int(_) | Raw::Float(_) => raw.whole().map_or_else(|| raw.describe(), |n| n.to_string()),
        _ => return Err(format!("expected a status code 1..10, got {}", raw.describe())),
    };
    if let Some(table) = mapping.filter(|m| !m.status.is_empty()) {
        return table.status_code(&key).ok_or_else(|| format!("status {key:?} is not in the mapping file's [status] table"));
    }
    if let Some(n) = raw.whole() {
        return u8::try_from(n)
            .ok()
            .and_then(DossierStatus::from_code)
            .ok_or_else(|| format!("status must be a national status code 1..10, got {n}"));
    }
    let lower = key.to_lowercase();
    DossierStatus::ALL
        .into_iter()
        .find(|s| s.label_vi().to_lowercase() == lower)
        .ok_or_else(|| format!("status must be a national status code 1..10 or its Vietnamese label, got {key:?}"))
}

/// Reads an applicant's ID number: 12 digits (căn cước) or 9 (the old ID
/// card), as text (spaces, dots, hyphens allowed) or as a number cell that
/// lost its leading zeros (10–12 digits are a 12-digit number, 8–9 a 9-digit
/// one). The message never repeats the value: it is personal data.
pub fn id_number(raw: &Raw) -> Result<String, String> {
    let bad = || "not an ID card number: 12 digits, or 9 for an old ID card (the value is not repeated here)".to_string();
    match raw {
        Raw::Text(s) => normalise_id_number(s).ok_or_else(bad),
        Raw::Int(_) | Raw::Float(_) => {
            let n = raw.whole().filter(|n| *n > 0).ok_or_else(bad)?;
            let digits = n.to_string();
            match digits.len() {
                10..=12 => Ok(format!("{n:012}")),
                8..=9 => Ok(format!("{n:09}")),
                _ => Err(bad()),
            }
        }
        Raw::Bool(_) | Raw::Local(_) | Raw::Other(_) => Err(bad()),
    }
}

/// The time formats a source may use, for messages.
pub const TIME_FORMATS: &str = "yyyyMMddHHmmss, RFC 3339 (2026-11-30T08:30:00+07:00), yyyy-MM-dd HH:mm[:ss] or dd/MM/yyyy HH:mm[:ss]";

/// Reads a time: RFC 3339 with its offset, or a wall-clock time in the
/// center's time zone (`yyyyMMddHHmmss` as text or number, `yyyy-MM-dd HH:mm[:ss]`,
/// `dd/MM/yyyy HH:mm[:ss]`, a spreadsheet date cell). A date without a time is refused.
pub fn time(raw: &Raw, tz: &TimeZone) -> Result<Timestamp, String> {
    let local = |dt: DateTime| dt.to_zoned(tz.clone()).map(|z| z.timestamp()).map_err(|e| e.to_string());
    let bad = || format!("not a time: {} (expected {TIME_FORMATS})", raw.describe());
    match raw {
        Raw::Local(dt) => local(*dt),
        Raw::Int(_) | Raw::Float(_) => {
            let digits = raw.whole().map(|n| n.to_string()).ok_or_else(bad)?;
            compact(&digits).ok_or_else(bad).and_then(local)
        }
        Raw::Text(s) => {
            let s = s.trim();
            if let Some(dt) = compact(s) {
                return local(dt);
            }
            if let Ok(t) = s.parse::<Timestamp>() {
                return Ok(t);
            }
            // Not a bare date: a due date needs its hour.
            if s.len() > 10
                && let Ok(dt) = s.parse::<DateTime>()
            {
                return local(dt);
            }
            for format in ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"] {
                if let Ok(dt) = DateTime::strptime(format, s) {
                    return local(dt);
                }
            }
            Err(bad())
        }
        Raw::Bool(_) | Raw::Other(_) => Err(bad()),
    }
}

/// `yyyyMMddHHmmss`, the national portal's date format.
fn compact(s: &str) -> Option<DateTime> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| s.get(a..b).and_then(|d| d.parse::<i16>().ok());
    let small = |a: usize, b: usize| n(a, b).and_then(|v| i8::try_from(v).ok());
    DateTime::new(n(0, 4)?, small(4, 6)?, small(6, 8)?, small(8, 10)?, small(10, 12)?, small(12, 14)?, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vn() -> TimeZone {
        TimeZone::get("Asia/Ho_Chi_Minh").unwrap()
    }

    #[test]
    fn both_names_find_the_field() {
        assert_eq!(Field::from_name("MaHoSo"), Some(Field::Code));
        assert_eq!(Field::from_name(" ngayhentra "), Some(Field::DueAt));
        assert_eq!(Field::from_name("due_at"), Some(Field::DueAt));
        assert_eq!(Field::from_name("MaLinhVuc"), None);
        assert_eq!(Field::DueAt.names(), "due_at (NgayHenTra)");
    }

    #[test]
    fn times_are_local_to_the_center_unless_they_carry_an_offset() {
        let want: Timestamp = "2026-11-30T01:30:00Z".parse().unwrap();
        for raw in [
            Raw::Text("20261130083000".into()),
            Raw::Int(20261130083000),
            Raw::Float(20261130083000.0),
            Raw::Text("2026-11-30T08:30:00+07:00".into()),
            Raw::Text("2026-11-30T01:30:00Z".into()),
            Raw::Text("2026-11-30 08:30:00".into()),
            Raw::Text("2026-11-30 08:30".into()),
            Raw::Text("30/11/2026 08:30".into()),
            Raw::Local(jiff::civil::date(2026, 11, 30).at(8, 30, 0, 0)),
        ] {
            assert_eq!(time(&raw, &vn()), Ok(want), "{raw:?}");
        }
        for bad in ["2026-11-30", "20261131083000", "30/11/2026", "tomorrow", "2026113008300"] {
            assert!(time(&Raw::Text(bad.into()), &vn()).is_err(), "{bad}");
        }
    }

    #[test]
    fn statuses_are_national_codes_or_labels() {
        assert_eq!(status(&Raw::Int(4), None), Ok(DossierStatus::Processing));
        assert_eq!(status(&Raw::Text(" 9 ".into()), None), Ok(DossierStatus::ReadyToCollect));
        assert_eq!(status(&Raw::Float(10.0), None), Ok(DossierStatus::HandedOver));
        assert_eq!(status(&Raw::Text("đã trả kết quả".into()), None), Ok(DossierStatus::HandedOver));
        assert!(status(&Raw::Int(11), None).is_err());
        assert!(status(&Raw::Text("Đang giải quyết".into()), None).is_err(), "not an official label: not guessed");
    }

    #[test]
    fn id_numbers_keep_their_leading_zeros_and_are_never_echoed() {
        assert_eq!(id_number(&Raw::Text("001 099 012 345".into())), Ok("001099012345".into()));
        assert_eq!(id_number(&Raw::Int(1099012345)), Ok("001099012345".into()), "a spreadsheet number cell");
        assert_eq!(id_number(&Raw::Float(12345678.0)), Ok("012345678".into()));
        for bad in [Raw::Text("0010990123".into()), Raw::Int(1234567), Raw::Text("001099012345x".into())] {
            let e = id_number(&bad).unwrap_err();
            assert!(!e.contains("0010990123") && !e.contains("1234567"), "{e}");
        }
    }

    #[test]
    fn numbers_read_as_text_lose_their_fraction() {
        assert_eq!(text(&Raw::Float(1234.0)), Ok("1234".into()));
        assert_eq!(text(&Raw::Text("  Lan ".into())), Ok("Lan".into()));
        assert!(text(&Raw::Other("an object")).is_err());
    }
}
