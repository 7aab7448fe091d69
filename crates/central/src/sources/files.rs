//! Exported files read into records: CSV (the `csv` crate), XLSX (`calamine`,
//! the first sheet) and JSON (an array, or `{"dossiers": [...]}`). Rows are
//! numbered as a spreadsheet shows them (for CSV: the line a record starts
//! on); JSON items are numbered from 1. The
//! header row is the first of the first 20 with a dossier-code column (title
//! rows above it are skipped), else the first row.

use std::path::Path;

use calamine::{Data, Reader};
use jiff::civil::DateTime;

use super::fields::Raw;
use super::record::{Cell, cells_of_json};

/// A file's format, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.csv`: UTF-8, comma or semicolon separated, a header row.
    Csv,
    /// `.xlsx` (also `.xlsm`): the first sheet, a header row.
    Xlsx,
    /// `.json`: an array of objects, or `{"dossiers": [...]}`.
    Json,
}

impl Format {
    /// The format of a file name.
    pub fn of(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" | "xlsm" => Some(Self::Xlsx),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// One record of a file, or why it could not be read.
#[derive(Debug, Clone)]
pub struct Row {
    /// Where it is: `row 5` or `item 3`.
    pub place: String,
    /// Its cells, or what is wrong with it as a whole.
    pub cells: Result<Vec<Cell>, String>,
}

/// A file's records, and its header when it has one.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The column names of a CSV or spreadsheet; empty for JSON.
    pub header: Vec<String>,
    /// The records, in file order; blank rows are left out.
    pub rows: Vec<Row>,
}

/// Reads a file by its extension; `is_code` says whether a column name is
/// the dossier code's (it finds the header row below title rows).
pub fn read(path: &Path, is_code: &dyn Fn(&str) -> bool) -> Result<Table, String> {
    match Format::of(path) {
        Some(Format::Csv) => read_csv(path, is_code),
        Some(Format::Xlsx) => read_xlsx(path, is_code),
        Some(Format::Json) => read_json(path),
        None => Err(format!("{}: the file must end in .csv, .xlsx or .json", path.display())),
    }
}

/// The spreadsheet letter of a 0-based column: 0 → A, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

fn cells(header: &[String], values: Vec<Option<Raw>>, first_column: usize) -> Vec<Cell> {
    header
        .iter()
        .zip(values)
        .enumerate()
        .filter(|(_, (name, _))| !name.is_empty())
        .map(|(i, (name, value))| Cell { name: name.clone(), column: Some(column_letter(first_column + i)), value })
        .collect()
}

/// One line of a sheet: its spreadsheet row number and its values, or why it cannot be read.
type Line = (usize, Result<Vec<Option<Raw>>, String>);

/// How far down a header row is looked for.
const HEADER_SEARCH: usize = 20;

/// A sheet's lines → its header and records.
fn table(lines: Vec<Line>, first_column: usize, is_code: &dyn Fn(&str) -> bool) -> Table {
    let texts = |values: &[Option<Raw>]| -> Vec<String> {
        values
            .iter()
            .map(|v| match v {
                Some(Raw::Text(s)) => s.trim().to_string(),
                Some(other) => other.describe(),
                None => String::new(),
            })
            .collect()
    };
    let header_at = lines
        .iter()
        .take(HEADER_SEARCH)
        .position(|(_, values)| values.as_ref().is_ok_and(|v| texts(v).iter().any(|t| is_code(t))))
        .unwrap_or(0);
    let mut lines = lines.into_iter().skip(header_at);
    let header = match lines.next() {
        Some((_, Ok(values))) => texts(&values),
        _ => return Table::default(),
    };
    let rows = lines
        .filter(|(_, values)| values.as_ref().map_or(true, |v| v.iter().any(Option::is_some)))
        .map(|(number, values)| Row { place: format!("row {number}"), cells: values.map(|v| cells(&header, v, first_column)) })
        .collect();
    Table { header, rows }
}

fn read_csv(path: &Path, is_code: &dyn Fn(&str) -> bool) -> Result<Table, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // Excel in a Vietnamese locale saves CSV with ';': take the commoner separator of the first lines.
    let head: Vec<&[u8]> = bytes.split(|b| *b == b'\n').take(HEADER_SEARCH).collect();
    let count = |c: u8| head.iter().flat_map(|l| l.iter()).filter(|b| **b == c).count();
    let delimiter = if count(b';') > count(b',') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(false).from_reader(bytes);
    // A record's place is the line it starts on (blank lines are skipped by the reader but counted here).
    let lines = reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let line = match &record {
                Ok(r) => r.position().map(csv::Position::line),
                Err(e) => e.position().map(csv::Position::line),
            };
            let values = record
                .map(|r| r.iter().map(|v| (!v.trim().is_empty()).then(|| Raw::Text(v.to_string()))).collect())
                .map_err(|e| format!("unreadable: {e} (save the file as CSV UTF-8)"));
            (line.and_then(|l| usize::try_from(l).ok()).unwrap_or(i + 1), values)
        })
        .collect();
    Ok(table(lines, 0, is_code))
}

fn raw_of_cell(cell: &Data) -> Option<Raw> {
    match cell {
        Data::Empty => None,
        Data::String(s) if s.trim().is_empty() => None,
        Data::String(s) | Data::DateTimeIso(s) => Some(Raw::Text(s.clone())),
        Data::Int(n) => Some(Raw::Int(*n)),
        Data::Float(f) => Some(Raw::Float(*f)),
        Data::Bool(b) => Some(Raw::Bool(*b)),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
            let dt = DateTime::new(
                i16::try_from(y).ok()?,
                i8::try_from(mo).ok()?,
                i8::try_from(day).ok()?,
                i8::try_from(h).ok()?,
                i8::try_from(mi).ok()?,
                i8::try_from(s).ok()?,
                i32::from(ms) * 1_000_000,
            );
            Some(dt.map_or(Raw::Other("a spreadsheet date out of range"), Raw::Local))
        }
        Data::DateTime(_) | Data::DurationIso(_) => Some(Raw::Other("a duration")),
        Data::Error(_) => Some(Raw::Other("a spreadsheet error (#VALUE!, #REF!…)")),
    }
}

fn read_xlsx(path: &Path, is_code: &dyn Fn(&str) -> bool) -> Result<Table, String> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| format!("{}: the workbook has no sheet", path.display()))?
        .map_err(|e| format!("{}: cannot read the first sheet: {e}", path.display()))?;
    let Some((first_row, first_col)) = range.start() else {
        return Ok(Table::default());
    };
    // Spreadsheet rows are 1-based; the range starts at its first used row.
    let lines =
        range.rows().enumerate().map(|(i, line)| (first_row as usize + i + 1, Ok(line.iter().map(raw_of_cell).collect()))).collect();
    Ok(table(lines, first_col as usize, is_code))
}

fn read_json(path: &Path) -> Result<Table, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let items = match &value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(o) => o
            .get("dossiers")
            .and_then(|d| d.as_array())
            .ok_or_else(|| format!("{}: expected an array of dossiers or {{\"dossiers\": [...]}}", path.display()))?,
        _ => return Err(format!("{}: expected an array of dossiers or {{\"dossiers\": [...]}}", path.display())),
    };
    let rows = items
        .iter()
        .enumerate()
        .map(|(i, item)| Row {
            place: format!("item {}", i + 1),
            cells: cells_of_json(item).ok_or_else(|| "not a JSON object".to_string()),
        })
        .collect();
    Ok(Table { header: Vec::new(), rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_code(name: &str) -> bool {
        crate::sources::Field::from_name(name) == Some(crate::sources::Field::Code)
    }

    #[test]
    fn title_rows_above_the_header_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "DANH SÁCH HỒ SƠ\nNgày xuất: 30/11/2026\n\nSTT;MaHoSo;ChuHoSo\n1;A;Lan\n").unwrap();
        let t = read(&path, &is_code).unwrap();
        assert_eq!(t.header, ["STT", "MaHoSo", "ChuHoSo"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].place, "row 5", "the blank line is a row too, as in a spreadsheet");
    }

    #[test]
    fn column_letters_are_as_a_spreadsheet_shows_them() {
        let letters: Vec<_> = [0, 1, 25, 26, 27, 51, 52, 701, 702].into_iter().map(column_letter).collect();
        assert_eq!(letters, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn a_semicolon_csv_with_a_bom_reads_with_row_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "\u{feff}MaHoSo;ChuHoSo\nA;Lan\n;\nB;\"Hùng; Văn\"\n").unwrap();
        let t = read(&path, &is_code).unwrap();
        assert_eq!(t.header, ["MaHoSo", "ChuHoSo"]);
        let places: Vec<_> = t.rows.iter().map(|r| r.place.as_str()).collect();
        assert_eq!(places, ["row 2", "row 4"], "the blank row 3 is skipped");
        let cells = t.rows[1].cells.as_ref().unwrap();
        assert_eq!(cells[1].column.as_deref(), Some("B"));
        assert_eq!(cells[1].value, Some(Raw::Text("Hùng; Văn".into())));
    }

    #[test]
    fn json_is_an_array_or_an_object_with_dossiers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, r#"{"dossiers": [{"code": "A"}, 3]}"#).unwrap();
        let t = read(&path, &is_code).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert!(t.rows[1].cells.is_err());
        std::fs::write(&path, r#"{"items": []}"#).unwrap();
        assert!(read(&path, &is_code).is_err());
        assert!(read(&dir.path().join("x.txt"), &is_code).unwrap_err().contains(".csv, .xlsx or .json"));
    }
}
