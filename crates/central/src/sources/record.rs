//! One source record (a JSON object, a CSV or spreadsheet row) → a checked
//! [`DossierRecord`], or every problem with it, each naming its column.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use motcua_domain::sources::ItemError;
use motcua_domain::{DossierCodeRules, ErrorCode};

use super::fields::{self, Field, IGNORED_NATIONAL, Raw};
use super::mapping::Mapping;
use crate::id_key::IdKey;
use crate::writer::dossier::{DossierContent, DossierRecord, SourceKind, note_problem};

/// How far ahead of the server's clock a source's update time may be: more
/// would let one wrong clock hold a dossier against every later update.
pub const MAX_CLOCK_SKEW: SignedDuration = SignedDuration::from_mins(10);

/// One named value of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The name the source gives it: a JSON key or a column header.
    pub name: String,
    /// The spreadsheet column letter (CSV and XLSX), for messages.
    pub column: Option<String>,
    /// The value; `None` when empty or null.
    pub value: Option<Raw>,
}

/// What to do with a name that is no field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Refuse the record (the batch API: a program sent it, and can be fixed).
    Reject,
    /// Skip it (files: exports carry columns of their own; the import lists them).
    Ignore,
}

/// What mapping a record needs beyond the record.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The center the dossiers belong to.
    pub center: &'a str,
    /// The center's time zone: wall-clock times are read in it.
    pub tz: &'a TimeZone,
    /// How dossier codes are parsed.
    pub rules: &'a DossierCodeRules,
    /// Column renames and status table (imports).
    pub mapping: Option<&'a Mapping>,
    /// Unknown names: refused or skipped.
    pub unknown: Unknown,
    /// The update time of a record without one: when the server received it.
    pub received: Timestamp,
    /// The server's clock, for the skew check.
    pub now: Timestamp,
    /// Who writes.
    pub source: SourceKind,
    /// The token's or the file's name, recorded as the actor.
    pub actor: &'a str,
    /// The deployment's ID key: an applicant's ID number is hashed with it on
    /// arrival and dropped. Without one, a record carrying a number is refused.
    pub id_key: Option<&'a IdKey>,
}

/// One thing wrong with a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The name the source gave the value, when the problem is with a value.
    pub name: Option<String>,
    /// Its spreadsheet column letter.
    pub column: Option<String>,
    /// `invalid_dossier_code` for the code, else `invalid_request`.
    pub code: ErrorCode,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// Where: `column C "NgayHenTra"`, `"NgayHenTra"`, or empty.
    pub fn place(&self) -> String {
        match (&self.column, &self.name) {
            (Some(col), Some(name)) => format!("column {col} {name:?}"),
            (None, Some(name)) => format!("{name:?}"),
            (Some(col), None) => format!("column {col}"),
            (None, None) => String::new(),
        }
    }

    /// Problems as one batch item error: the first one's code, every message.
    pub fn item_error(problems: &[Problem]) -> ItemError {
        let code = problems.first().map_or(ErrorCode::InvalidRequest, |p| p.code);
        let message = problems
            .iter()
            .map(|p| match &p.name {
                Some(name) => format!("{name}: {}", p.message),
                None => p.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
        ItemError { code, message }
    }
}

/// A record mapped: its code (for reports) and the record or its problems.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The code, normalised when it parsed, as given when not.
    pub code: Option<String>,
    /// The record, or everything wrong with it.
    pub result: Result<DossierRecord, Vec<Problem>>,
}

/// What a source name stands for.
pub enum Resolved {
    /// A field.
    Field(Field),
    /// A national field the mirror does not keep.
    Dropped,
    /// Nothing known.
    Unknown,
}

/// Resolves a name: the mapping's `[columns]` first, then our and the national names.
pub fn resolve(name: &str, mapping: Option<&Mapping>) -> Resolved {
    if let Some(f) = mapping.and_then(|m| m.column(name)).or_else(|| Field::from_name(name)) {
        return Resolved::Field(f);
    }
    if IGNORED_NATIONAL.iter().any(|n| n.eq_ignore_ascii_case(name.trim())) {
        return Resolved::Dropped;
    }
    Resolved::Unknown
}

fn problem(cell: Option<&Cell>, code: ErrorCode, message: String) -> Problem {
    Problem { name: cell.map(|c| c.name.clone()), column: cell.and_then(|c| c.column.clone()), code, message }
}

/// A record's values by field, and the problems found reading them.
struct Fields<'a> {
    found: BTreeMap<Field, (&'a Cell, &'a Raw)>,
    /// The first cell named for each field, empty or not (where a blank required value is).
    named: BTreeMap<Field, &'a Cell>,
    problems: Vec<Problem>,
}

impl<'a> Fields<'a> {
    fn cell(&self, f: Field) -> Option<&'a Cell> {
        self.found.get(&f).map(|(c, _)| *c)
    }

    /// Reads a field with `parse`; a failure is a problem at its column.
    fn read<T>(&mut self, f: Field, code: ErrorCode, parse: impl FnOnce(&Raw) -> Result<T, String>) -> Option<T> {
        let (cell, raw) = *self.found.get(&f)?;
        parse(raw).map_err(|e| self.problems.push(problem(Some(cell), code, e))).ok()
    }

    /// Reads a text field: empty after trimming counts as absent.
    fn text(&mut self, f: Field) -> Option<String> {
        self.read(f, ErrorCode::InvalidRequest, fields::text).filter(|s| !s.is_empty())
    }
}

/// Maps one record. Every problem is reported, each with its column.
pub fn map_row(cells: &[Cell], ctx: &Context<'_>) -> Mapped {
    let mut r = Fields { found: BTreeMap::new(), named: BTreeMap::new(), problems: Vec::new() };
    for cell in cells {
        match resolve(&cell.name, ctx.mapping) {
            Resolved::Field(field) => {
                r.named.entry(field).or_insert(cell);
                let Some(value) = &cell.value else { continue };
                if let Some((first, _)) = r.found.get(&field) {
                    let msg = format!("{} is given twice (also as {:?})", field.ours(), first.name);
                    r.problems.push(problem(Some(cell), ErrorCode::InvalidRequest, msg));
                } else {
                    r.found.insert(field, (cell, value));
                }
            }
            Resolved::Dropped => {}
            Resolved::Unknown => {
                if ctx.unknown == Unknown::Reject {
                    r.problems.push(problem(Some(cell), ErrorCode::InvalidRequest, "unknown field".into()));
                }
            }
        }
    }
    let code_text = r.text(Field::Code);
    let procedure_id = r.text(Field::ProcedureId);
    let procedure_name = r.text(Field::ProcedureName);
    let applicant_name = r.text(Field::ApplicantName);
    let unit = r.text(Field::Unit);
    let collect_at = r.text(Field::CollectAt);
    let note = r.text(Field::Note);
    // The number itself goes no further than this function.
    let applicant_id_hash = match (r.read(Field::ApplicantId, ErrorCode::InvalidRequest, fields::id_number), ctx.id_key) {
        (Some(number), Some(key)) => Some(key.hash(&number)),
        (Some(_), None) => {
            let msg = "this server has no ID key to hash ID numbers with".to_string();
            r.problems.push(problem(r.cell(Field::ApplicantId), ErrorCode::Internal, msg));
            None
        }
        (None, _) => None,
    };
    let code = code_text.as_deref().and_then(|c| match ctx.rules.parse(c) {
        Ok(code) => Some(code),
        Err(rejection) => {
            r.problems.push(problem(r.cell(Field::Code), ErrorCode::InvalidDossierCode, format!("{rejection}: {c:?}")));
            None
        }
    });
    let status = r.read(Field::Status, ErrorCode::InvalidRequest, |raw| fields::status(raw, ctx.mapping));
    let mut time = |f: Field| r.read(f, ErrorCode::InvalidRequest, |raw| fields::time(raw, ctx.tz));
    let received_at = time(Field::ReceivedAt);
    let due_at = time(Field::DueAt);
    let returned_at = time(Field::ReturnedAt);
    let updated_at = time(Field::UpdatedAt);
    if let Some(t) = updated_at
        && t > ctx.now.saturating_add(MAX_CLOCK_SKEW).unwrap_or(ctx.now)
    {
        let msg = format!("{t} is more than {} minutes ahead of the server's clock", MAX_CLOCK_SKEW.as_mins());
        r.problems.push(problem(r.cell(Field::UpdatedAt), ErrorCode::InvalidRequest, msg));
    }
    for f in Field::ALL.into_iter().filter(|f| f.required() && !r.found.contains_key(f)) {
        let (cell, message) = match r.named.get(&f) {
            Some(cell) => (Some(*cell), format!("{} is required and empty", f.ours())),
            None => (None, format!("missing {}", f.names())),
        };
        r.problems.push(problem(cell, ErrorCode::InvalidRequest, message));
    }
    let shown_code = code.as_ref().map(|c| c.as_str().to_string()).or(code_text);
    let (Some(code), Some(procedure_name), Some(applicant_name), Some(status), Some(received_at), Some(due_at), true) =
        (code, procedure_name, applicant_name, status, received_at, due_at, r.problems.is_empty())
    else {
        if r.problems.is_empty() {
            // A required text that was present but blank.
            r.problems.push(problem(None, ErrorCode::InvalidRequest, "a required field is blank".into()));
        }
        return Mapped { code: shown_code, result: Err(r.problems) };
    };
    let content = DossierContent {
        procedure_id,
        procedure_name,
        applicant_name,
        status,
        received_at,
        due_at,
        returned_at,
        collect_at,
        unit,
        applicant_id_hash,
    };
    for (field, en, _) in content.problems().into_iter().chain(note_problem(note.as_deref())) {
        r.problems.push(problem(r.cell(field), ErrorCode::InvalidRequest, en));
    }
    if !r.problems.is_empty() {
        return Mapped { code: shown_code, result: Err(r.problems) };
    }
    let record = DossierRecord {
        code,
        center: ctx.center.to_string(),
        content,
        note,
        source: ctx.source,
        actor: ctx.actor.to_string(),
        source_updated_at: updated_at.unwrap_or(ctx.received),
    };
    Mapped { code: shown_code, result: Ok(record) }
}

/// The cells of a JSON object (a batch item or a JSON file's item).
pub fn cells_of_json(value: &serde_json::Value) -> Option<Vec<Cell>> {
    use serde_json::Value;
    let object = value.as_object()?;
    let cells = object
        .iter()
        .map(|(k, v)| {
            let value = match v {
                Value::Null => None,
                Value::String(s) if s.trim().is_empty() => None,
                Value::String(s) => Some(Raw::Text(s.clone())),
                Value::Bool(b) => Some(Raw::Bool(*b)),
                Value::Number(n) => Some(n.as_i64().map_or_else(|| Raw::Float(n.as_f64().unwrap_or(f64::NAN)), Raw::Int)),
                Value::Array(_) => Some(Raw::Other("a list")),
                Value::Object(_) => Some(Raw::Other("an object")),
            };
            Cell { name: k.clone(), column: None, value }
        })
        .collect();
    Some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::dossier::DossierStatus;
    use serde_json::json;

    fn with<T>(unknown: Unknown, f: impl FnOnce(&Context<'_>) -> T) -> T {
        let tz = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
        let rules = DossierCodeRules::default();
        let now: Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
        let ctx = Context {
            center: "vp-tinh",
            tz: &tz,
            rules: &rules,
            mapping: None,
            unknown,
            received: now,
            now,
            source: SourceKind::Push,
            actor: "sync",
            id_key: None,
        };
        f(&ctx)
    }

    fn map(v: serde_json::Value, unknown: Unknown) -> Mapped {
        with(unknown, |ctx| map_row(&cells_of_json(&v).unwrap(), ctx))
    }

    #[test]
    fn the_national_shape_maps_with_local_dates_and_a_string_status() {
        let m = map(
            json!({"MaHoSo": " 000.00.12.h62-261130-0101 ", "MaTTHC": "1.001193", "TenTTHC": "Đăng ký khai sinh",
                   "ChuHoSo": "Phạm Văn Hùng", "SoDienThoai": "0912345678", "TrangThaiHoSo": "4",
                   "NgayTiepNhan": "20261130083000", "NgayHenTra": "20261202163000", "DonViXuLy": "Phòng Tư pháp",
                   "NgayCapNhat": "20261130084500", "MaLinhVuc": "HT"}),
            Unknown::Reject,
        );
        let r = m.result.unwrap();
        assert_eq!(r.code.as_str(), "000.00.12.H62-261130-0101");
        assert_eq!(r.content.status, DossierStatus::Processing);
        assert_eq!(r.content.received_at, "2026-11-30T01:30:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(r.source_updated_at, "2026-11-30T01:45:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(r.content.unit.as_deref(), Some("Phòng Tư pháp"));
    }

    #[test]
    fn without_an_update_time_the_receive_time_is_used() {
        let m = map(
            json!({"code": "000.00.12.H62-261130-0101", "procedure_name": "X", "applicant_name": "Y", "status": 2,
                   "received_at": "2026-11-30T01:00:00Z", "due_at": "2026-12-02T09:00:00Z"}),
            Unknown::Reject,
        );
        assert_eq!(m.result.unwrap().source_updated_at, "2026-11-30T02:00:00Z".parse::<Timestamp>().unwrap());
    }

    #[test]
    fn every_problem_is_reported_with_its_name() {
        let m = map(
            json!({"code": "nope", "procedure_name": "X", "status": 12, "received_at": "2026-11-30T01:00:00Z",
                   "due_at": "soon", "staus": 4, "updated_at": "2026-12-30T01:00:00Z"}),
            Unknown::Reject,
        );
        assert_eq!(m.code.as_deref(), Some("nope"));
        let problems = m.result.unwrap_err();
        let names: Vec<_> = problems.iter().map(|p| p.name.clone().unwrap_or_default()).collect();
        assert_eq!(names, ["staus", "code", "status", "due_at", "updated_at", ""], "{problems:?}");
        assert_eq!(problems[1].code, ErrorCode::InvalidDossierCode);
        assert!(problems[5].message.contains("applicant_name (ChuHoSo)"));
        let e = Problem::item_error(&problems);
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert!(e.message.starts_with("staus: unknown field; code: "), "{}", e.message);
    }

    #[test]
    fn files_skip_unknown_columns_and_the_order_of_dates_is_checked() {
        let m = map(
            json!({"STT": 1, "code": "000.00.12.H62-261130-0101", "procedure_name": "X", "applicant_name": "Y", "status": 2,
                   "received_at": "2026-11-30T01:00:00Z", "due_at": "2026-11-29T09:00:00Z"}),
            Unknown::Ignore,
        );
        let problems = m.result.unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].name.as_deref(), Some("due_at"));
        assert!(problems[0].message.contains("before received_at"));
    }
}
