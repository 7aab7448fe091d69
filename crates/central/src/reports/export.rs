//! The report as a spreadsheet (one sheet per table, Vietnamese headers,
//! dates as dates, numbers as numbers) and as CSV (one block per table).

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::tables::{Cell, Table, round_to};
use crate::error::AppError;

fn xlsx_err(e: XlsxError) -> AppError {
    AppError::Internal(format!("xlsx: {e}"))
}

/// A sheet name Excel accepts: ≤ 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')).take(31).collect()
}

/// Writes the tables as an XLSX workbook, one sheet per table; `en` gives English headers.
pub fn xlsx(tables: &[Table], en: bool) -> Result<Vec<u8>, AppError> {
    let mut wb = Workbook::new();
    let header = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_background_color("#DCE6F2");
    let f = Formats::new();
    for table in tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(table.title(en))).map_err(xlsx_err)?;
        let mut widths: Vec<usize> = table.columns.iter().map(|c| if en { c.en } else { c.vi }.chars().count().clamp(8, 18)).collect();
        for (c, column) in table.columns.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| AppError::Internal("too many columns".into()))?;
            ws.write_string_with_format(0, c, if en { column.en } else { column.vi }, &header).map_err(xlsx_err)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| AppError::Internal("too many rows".into()))?;
            for (c, cell) in row.cells.iter().enumerate() {
                let ci = u16::try_from(c).map_err(|_| AppError::Internal("too many columns".into()))?;
                let width = write_cell(ws, r, ci, cell, row.total, &f)?;
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(width);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.set_column_width(c, *w as f64 + 2.0).map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

struct Formats {
    bold: Format,
    date: Format,
    datetime: Format,
    pct: Format,
    pct_bold: Format,
    int: Format,
    int_bold: Format,
    dec: [Format; 3],
}

impl Formats {
    fn new() -> Self {
        Self {
            bold: Format::new().set_bold(),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            datetime: Format::new().set_num_format("dd/mm/yyyy hh:mm"),
            pct: Format::new().set_num_format("0.0%"),
            pct_bold: Format::new().set_num_format("0.0%").set_bold(),
            int: Format::new().set_num_format("#,##0"),
            int_bold: Format::new().set_num_format("#,##0").set_bold(),
            dec: [Format::new().set_num_format("0"), Format::new().set_num_format("0.0"), Format::new().set_num_format("0.00")],
        }
    }
}

/// Writes one cell; answers the column width it needs.
fn write_cell(ws: &mut Worksheet, r: u32, c: u16, cell: &Cell, total: bool, f: &Formats) -> Result<usize, AppError> {
    let width = match cell {
        Cell::Text(s) => {
            if total {
                ws.write_string_with_format(r, c, s, &f.bold).map_err(xlsx_err)?;
            } else {
                ws.write_string(r, c, s).map_err(xlsx_err)?;
            }
            s.chars().count().min(60)
        }
        Cell::Int(n) => {
            ws.write_number_with_format(r, c, *n as f64, if total { &f.int_bold } else { &f.int }).map_err(xlsx_err)?;
            0
        }
        Cell::Num(Some(v), d) => {
            ws.write_number_with_format(r, c, round_to(*v, *d), &f.dec[usize::from(*d).min(2)]).map_err(xlsx_err)?;
            0
        }
        Cell::Pct(Some(v)) => {
            ws.write_number_with_format(r, c, *v, if total { &f.pct_bold } else { &f.pct }).map_err(xlsx_err)?;
            0
        }
        Cell::Num(None, _) | Cell::Pct(None) => 0,
        Cell::Date(d) => {
            let x = ExcelDateTime::from_ymd(year(d.year())?, part(d.month())?, part(d.day())?).map_err(xlsx_err)?;
            ws.write_datetime_with_format(r, c, &x, &f.date).map_err(xlsx_err)?;
            11
        }
        Cell::DateTime(t) => {
            let (h, m) = (u16::from(part(t.hour())?), part(t.minute())?);
            let x = ExcelDateTime::from_ymd(year(t.year())?, part(t.month())?, part(t.day())?)
                .and_then(|x| x.and_hms(h, m, t.second()))
                .map_err(xlsx_err)?;
            ws.write_datetime_with_format(r, c, &x, &f.datetime).map_err(xlsx_err)?;
            16
        }
    };
    Ok(width)
}

fn year(y: i16) -> Result<u16, AppError> {
    u16::try_from(y).map_err(|_| AppError::Internal(format!("year {y}")))
}

fn part(m: i8) -> Result<u8, AppError> {
    u8::try_from(m).map_err(|_| AppError::Internal(format!("date part {m}")))
}

/// Writes the tables as CSV (UTF-8 with a byte-order mark, so spreadsheets
/// read the Vietnamese right): each table is a line with its title, its
/// header line, its rows, then an empty line. Dates are ISO (YYYY-MM-DD),
/// decimals use a point, shares are percentages (header ends with "(%)").
pub fn csv(tables: &[Table], en: bool) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(&mut out);
        let err = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
        for (i, table) in tables.iter().enumerate() {
            if i > 0 {
                w.write_record(None::<&[u8]>).map_err(err)?;
            }
            w.write_record([table.title(en)]).map_err(err)?;
            let pct_cols: Vec<bool> =
                (0..table.columns.len()).map(|c| table.rows.iter().any(|r| matches!(r.cells.get(c), Some(Cell::Pct(_))))).collect();
            let headers: Vec<String> = table
                .columns
                .iter()
                .zip(&pct_cols)
                .map(|(c, pct)| {
                    let h = if en { c.en } else { c.vi };
                    if *pct { format!("{h} (%)") } else { h.to_string() }
                })
                .collect();
            w.write_record(&headers).map_err(err)?;
            for row in &table.rows {
                let cells: Vec<String> = row.cells.iter().map(csv_cell).collect();
                w.write_record(&cells).map_err(err)?;
            }
        }
        w.flush().map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    }
    Ok(out)
}

fn csv_cell(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Num(Some(v), d) => format!("{:.*}", usize::from(*d), round_to(*v, *d)),
        Cell::Pct(Some(v)) => format!("{:.1}", round_to(v * 100.0, 1)),
        Cell::Num(None, _) | Cell::Pct(None) => String::new(),
        Cell::Date(d) => d.to_string(),
        Cell::DateTime(t) => t.strftime("%Y-%m-%d %H:%M").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel() {
        assert_eq!(sheet_name("Hồ sơ theo cơ quan"), "Hồ sơ theo cơ quan");
        assert_eq!(sheet_name("a/b:c?"), "abc");
        assert_eq!(sheet_name(&"x".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn csv_cells_are_plain_machine_values() {
        assert_eq!(csv_cell(&Cell::Pct(Some(0.8531))), "85.3");
        assert_eq!(csv_cell(&Cell::Num(Some(12.345), 1)), "12.3");
        assert_eq!(csv_cell(&Cell::Num(None, 1)), "");
        assert_eq!(csv_cell(&Cell::Date(jiff::civil::date(2026, 11, 2))), "2026-11-02");
    }
}
