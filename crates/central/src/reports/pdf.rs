//! The one-page monthly summary as a PDF: A4 portrait, Vietnamese, the
//! center's name and the period, the key figures, a table per service and
//! per agency, and room to sign. Set with printpdf and the Noto Sans faces
//! the kiosk slips use (embedded and subset); text is measured with ab_glyph
//! so numbers align right and long names are shortened to fit.

use ab_glyph::{Font, FontRef};
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Pt, Rect, TextItem,
};

use super::facts::Figures;
use super::report::Report;
use super::tables::Names;
use crate::catalog::CenterCatalog;
use crate::error::AppError;

const REGULAR: &[u8] = include_bytes!("../../../../ui/fonts/NotoSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../../ui/fonts/NotoSans-Bold.ttf");

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 16.0;
/// Rows of the per-service and per-agency tables that fit the page.
const MAX_ROWS: usize = 10;

struct Page {
    ops: Vec<Op>,
    regular: FontId,
    bold: FontId,
    measure: [FontRef<'static>; 2],
}

fn grey(percent: f32) -> Color {
    Color::Greyscale(Greyscale { percent, icc_profile: None })
}

impl Page {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let f = &self.measure[usize::from(bold)];
        let upem = f.units_per_em().unwrap_or(1000.0);
        let units: f32 = text.chars().map(|c| f.h_advance_unscaled(f.glyph_id(c))).sum();
        // points → millimetres
        units / upem * size * 25.4 / 72.0
    }

    /// Text with its baseline `y` mm from the top.
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let font = if bold { self.bold.clone() } else { self.regular.clone() };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) },
            Op::SetTextCursor { pos: Point::new(Mm(x), Mm(PAGE_H - y)) },
            Op::ShowText { items: vec![TextItem::Text(text.to_string())] },
            Op::EndTextSection,
        ]);
    }

    fn right(&mut self, x_right: f32, y: f32, size: f32, bold: bool, text: &str) {
        let w = self.width(text, size, bold);
        self.text(x_right - w, y, size, bold, text);
    }

    fn center(&mut self, x_mid: f32, y: f32, size: f32, bold: bool, text: &str) {
        let w = self.width(text, size, bold);
        self.text(x_mid - w / 2.0, y, size, bold, text);
    }

    /// `text` shortened with an ellipsis to `max_w` mm.
    fn fit(&self, text: &str, max_w: f32, size: f32, bold: bool) -> String {
        if self.width(text, size, bold) <= max_w {
            return text.to_string();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let t: String = chars.iter().collect::<String>() + "…";
            if self.width(&t, size, bold) <= max_w {
                return t;
            }
        }
        String::new()
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, thick: f32) {
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thick) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint { p: Point::new(Mm(x1), Mm(PAGE_H - y)), bezier: false },
                    LinePoint { p: Point::new(Mm(x2), Mm(PAGE_H - y)), bezier: false },
                ],
                is_closed: false,
            },
        });
    }

    fn shade(&mut self, x: f32, y_top: f32, w: f32, h: f32) {
        self.ops.push(Op::SetFillColor { col: grey(0.9) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Mm(x).into(),
                y: Mm(PAGE_H - y_top - h).into(),
                width: Mm(w).into(),
                height: Mm(h).into(),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
        self.ops.push(Op::SetFillColor { col: grey(0.0) });
    }

    /// A table: header and rows; `cols` are (width mm, right-aligned).
    fn table(&mut self, y: &mut f32, cols: &[(f32, bool)], header: &[&str], rows: &[Vec<String>], bold_last: bool) {
        let size = 8.5;
        let head = 7.5;
        let row_h = 5.2;
        let mut x = MARGIN;
        self.shade(MARGIN, *y, PAGE_W - 2.0 * MARGIN, row_h + 0.6);
        for ((w, right), h) in cols.iter().zip(header) {
            let t = self.fit(h, w - 1.5, head, true);
            if *right {
                self.right(x + w - 1.0, *y + 4.0, head, true, &t)
            } else {
                self.text(x + 1.0, *y + 4.0, head, true, &t)
            }
            x += w;
        }
        *y += row_h + 0.6;
        for (i, row) in rows.iter().enumerate() {
            let bold = bold_last && i + 1 == rows.len();
            if bold {
                self.hline(MARGIN, PAGE_W - MARGIN, *y + 0.3, 0.5);
            }
            let mut x = MARGIN;
            for ((w, right), cell) in cols.iter().zip(row) {
                let t = self.fit(cell, w - 1.5, size, bold);
                if *right {
                    self.right(x + w - 1.0, *y + 4.0, size, bold, &t)
                } else {
                    self.text(x + 1.0, *y + 4.0, size, bold, &t)
                }
                x += w;
            }
            *y += row_h;
        }
        self.hline(MARGIN, PAGE_W - MARGIN, *y + 0.5, 0.5);
        *y += 2.5;
    }

    fn heading(&mut self, y: &mut f32, text: &str) {
        *y += 4.5;
        self.text(MARGIN, *y, 11.0, true, text);
        *y += 2.5;
    }
}

/// Vietnamese number: 1.234 ; 12,5 ; 85,3%.
pub fn vi_int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// One decimal with a comma; "–" when absent.
pub fn vi_dec(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) => format!("{:.decimals$}", super::tables::round_to(v, u8::try_from(decimals).unwrap_or(2))).replace('.', ","),
        None => "–".into(),
    }
}

/// A share as "85,3%"; "–" when absent.
pub fn vi_pct(v: Option<f64>) -> String {
    v.map(|v| format!("{}%", vi_dec(Some(v * 100.0), 1))).unwrap_or_else(|| "–".into())
}

fn ticket_row(name: String, f: &Figures) -> Vec<String> {
    vec![
        name,
        vi_int(f.issued),
        vi_int(f.served),
        vi_int(f.no_show),
        vi_dec(f.avg_wait_min(), 1),
        f.median_wait_min().map(|m| m.to_string()).unwrap_or_else(|| "–".into()),
        vi_pct(f.share_within(15)),
        vi_dec(f.avg_service_min(), 1),
    ]
}

/// The monthly summary of `report` as a one-page A4 PDF.
pub fn monthly(report: &Report, cat: &CenterCatalog) -> Result<Vec<u8>, AppError> {
    let place = place_of(&cat.center().address);
    let parse = |bytes: &'static [u8], name: &str| {
        let mut warnings = Vec::new();
        ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| AppError::Internal(format!("font {name} unreadable")))
    };
    let measure = |bytes: &'static [u8]| FontRef::try_from_slice(bytes).map_err(|e| AppError::Internal(format!("font: {e}")));
    let mut doc = PdfDocument::new("Báo cáo tháng");
    let regular = doc.add_font(&parse(REGULAR, "NotoSans-Regular")?);
    let bold = doc.add_font(&parse(BOLD, "NotoSans-Bold")?);
    let mut p = Page { ops: vec![Op::SetFillColor { col: grey(0.0) }], regular, bold, measure: [measure(REGULAR)?, measure(BOLD)?] };
    let names = Names::new(cat, false);
    let center = &cat.center();
    let (from, to) = (report.period.from, report.period.to);

    // The administrative header: the center on the left, the national motto on the right.
    let left_mid = MARGIN + 42.0;
    let right_mid = PAGE_W - MARGIN - 48.0;
    let center_lines = wrap(&p, &center.name.to_uppercase(), 84.0, 9.0, true);
    let mut y = 20.0;
    for l in &center_lines {
        p.center(left_mid, y, 9.0, true, l);
        y += 4.4;
    }
    p.hline(left_mid - 14.0, left_mid + 14.0, y - 2.6, 0.6);
    p.center(right_mid, 20.0, 9.0, true, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    p.center(right_mid, 24.4, 9.5, true, "Độc lập – Tự do – Hạnh phúc");
    p.hline(right_mid - 24.0, right_mid + 24.0, 25.8, 0.6);
    let mut y = y.max(30.0) + 6.0;
    p.center(PAGE_W / 2.0, y, 14.0, true, &format!("BÁO CÁO KẾT QUẢ PHỤC VỤ THÁNG {:02}/{}", from.month(), from.year()));
    y += 6.0;
    p.center(PAGE_W / 2.0, y, 10.0, false, &format!("Từ ngày {} đến ngày {}", from.strftime("%d/%m/%Y"), to.strftime("%d/%m/%Y")));
    if report.scope.filtered() {
        y += 5.0;
        let mut f = Vec::new();
        if let Some(s) = &report.scope.service {
            f.push(format!("dịch vụ {}", names.service(s)));
        }
        if let Some(c) = &report.scope.counters {
            f.push(c.iter().map(|c| names.counter_short(c)).collect::<Vec<_>>().join(", "));
        }
        if let Some(o) = &report.scope.officer {
            f.push(format!("cán bộ {o}"));
        }
        let line = p.fit(&format!("Phạm vi: {}", f.join("; ")), PAGE_W - 2.0 * MARGIN, 9.0, false);
        p.center(PAGE_W / 2.0, y, 9.0, false, &line);
    }
    y += 4.0;

    // I. Key figures, two columns of label → value.
    let t = &report.total;
    p.heading(&mut y, "I. Tiếp đón công dân tại quầy");
    let mut pairs: Vec<(String, String)> = vec![
        ("Số phiếu đã cấp".into(), vi_int(t.issued)),
        ("Đã phục vụ".into(), vi_int(t.served)),
        ("Vắng mặt (tỷ lệ)".into(), format!("{} ({})", vi_int(t.no_show), vi_pct(t.no_show_rate()))),
        ("Không được gọi trong ngày".into(), vi_int(t.not_called)),
        ("Thời gian chờ trung bình".into(), format!("{} phút", vi_dec(t.avg_wait_min(), 1))),
        ("Trung vị / P90 thời gian chờ".into(), format!("{} / {} phút", opt_min(t.median_wait_min()), opt_min(t.p90_wait_min()))),
        (
            "Được gọi trong 15 / 30 / 60 phút".into(),
            format!("{} / {} / {}", vi_pct(t.share_within(15)), vi_pct(t.share_within(30)), vi_pct(t.share_within(60))),
        ),
        ("Thời gian phục vụ trung bình".into(), format!("{} phút", vi_dec(t.avg_service_min(), 1))),
        (
            "Số đánh giá / tỷ lệ hài lòng".into(),
            format!("{} / {}", vi_int(report.ratings.total()), vi_pct(report.ratings.satisfied_share())),
        ),
    ];
    if let Some(d) = &report.dossiers {
        pairs.extend([
            ("Hồ sơ tiếp nhận".into(), vi_int(d.total.received)),
            ("Hồ sơ đã giải quyết".into(), vi_int(d.total.resolved)),
            ("Đúng hạn / trễ hạn".into(), format!("{} / {}", vi_int(d.total.on_time), vi_int(d.total.late))),
            ("Tỷ lệ giải quyết đúng hạn".into(), vi_pct(d.total.on_time_rate())),
            ("Hồ sơ đang quá hạn".into(), vi_int(d.total.overdue_open)),
        ]);
    }
    let half = pairs.len().div_ceil(2);
    let col_w = (PAGE_W - 2.0 * MARGIN) / 2.0;
    y += 1.5;
    for i in 0..half {
        for (k, (label, value)) in [pairs.get(i), pairs.get(i + half)].into_iter().enumerate().filter_map(|(k, v)| v.map(|v| (k, v))) {
            let x = MARGIN + k as f32 * col_w;
            let room = col_w - if k == 0 { 8.0 } else { 0.0 };
            // A long pair is set a size smaller rather than overlapping.
            let size = if p.width(label, 9.0, false) + p.width(value, 9.0, true) + 3.0 > room { 7.8 } else { 9.0 };
            p.text(x, y + 4.0, size, false, label);
            p.right(x + room, y + 4.0, size, true, value);
        }
        y += 5.2;
    }

    // II. By service.
    p.heading(&mut y, "II. Theo dịch vụ");
    let mut lines: Vec<_> = report.by_service.iter().filter(|l| l.figures.issued > 0).collect();
    lines.sort_by_key(|l| std::cmp::Reverse(l.figures.issued));
    let mut rows: Vec<Vec<String>> = lines.iter().map(|l| ticket_row(names.service(&l.key), &l.figures)).collect();
    fold_rest(&mut rows, MAX_ROWS, |rest| format!("Các dịch vụ khác ({rest})"));
    rows.push(ticket_row("Tổng".into(), t));
    p.table(
        &mut y,
        &[(60.0, false), (16.0, true), (16.0, true), (16.0, true), (16.0, true), (18.0, true), (18.0, true), (18.0, true)],
        &["Dịch vụ", "Số phiếu", "Phục vụ", "Vắng mặt", "Chờ TB", "Trung vị", "Trong 15'", "Phục vụ TB"],
        &rows,
        true,
    );
    p.text(
        MARGIN,
        y + 1.0,
        7.5,
        false,
        "Thời gian tính bằng phút. Chờ = từ lúc lấy số đến lần gọi đầu tiên; Trong 15' = tỷ lệ được gọi trong 15 phút; phục vụ = từ lần gọi cuối đến khi xong.",
    );
    y += 2.5;

    // III. Dossiers by agency.
    if let Some(d) = &report.dossiers {
        p.heading(&mut y, "III. Hồ sơ theo cơ quan");
        let row = |name: String, f: &super::dossiers::DossierFigures| {
            vec![
                name,
                vi_int(f.received),
                vi_int(f.resolved),
                vi_int(f.on_time),
                vi_int(f.late),
                vi_pct(f.on_time_rate()),
                vi_int(f.overdue_open),
            ]
        };
        let mut rows: Vec<Vec<String>> = d.by_agency.iter().map(|l| row(l.name.clone(), &l.figures)).collect();
        fold_rest(&mut rows, MAX_ROWS - 2, |rest| format!("Các cơ quan khác ({rest})"));
        rows.push(row("Tổng".into(), &d.total));
        p.table(
            &mut y,
            &[(58.0, false), (19.0, true), (20.0, true), (20.0, true), (19.0, true), (20.0, true), (22.0, true)],
            &["Cơ quan", "Tiếp nhận", "Giải quyết", "Đúng hạn", "Trễ hạn", "% đúng hạn", "Đang quá hạn"],
            &rows,
            true,
        );
    }

    // Signatures.
    let y_sign = (y + 8.0).max(PAGE_H - 62.0);
    let today = report.now.to_zoned(cat.tz.clone()).date();
    p.center(right_mid, y_sign, 9.5, false, &format!("{place}, ngày {:02} tháng {:02} năm {}", today.day(), today.month(), today.year()));
    p.center(left_mid, y_sign + 6.0, 10.0, true, "NGƯỜI LẬP BIỂU");
    p.center(left_mid, y_sign + 10.5, 8.5, false, "(Ký, ghi rõ họ tên)");
    p.center(right_mid, y_sign + 6.0, 10.0, true, "GIÁM ĐỐC");
    p.center(right_mid, y_sign + 10.5, 8.5, false, "(Ký, đóng dấu, ghi rõ họ tên)");
    let made = report.now.to_zoned(cat.tz.clone()).strftime("%d/%m/%Y %H:%M").to_string();
    p.text(
        MARGIN,
        PAGE_H - 9.0,
        7.0,
        false,
        &format!("Lập bằng hệ thống Một Cửa lúc {made}. Cách tính từng chỉ số: xem README, mục Báo cáo."),
    );

    let page = PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), p.ops);
    let mut warnings = Vec::new();
    let bytes = doc.with_pages(vec![page]).save(&PdfSaveOptions { subset_fonts: true, ..PdfSaveOptions::default() }, &mut warnings);
    if bytes.is_empty() {
        return Err(AppError::Internal(format!("printpdf produced no output: {warnings:?}")));
    }
    Ok(bytes)
}

/// The place a document is signed at: the province (or city) of an address,
/// "…, tỉnh Vĩnh Phúc" → "Vĩnh Phúc"; dots when the address says nothing.
pub fn place_of(address: &str) -> String {
    let last = address.rsplit(',').next().unwrap_or("").trim();
    let lower = last.to_lowercase();
    for prefix in ["tỉnh ", "thành phố ", "tp. ", "tp ", "huyện ", "thị xã ", "quận "] {
        if lower.starts_with(prefix) {
            return last.chars().skip(prefix.chars().count()).collect::<String>().trim().to_string();
        }
    }
    if last.is_empty() { "…………".into() } else { last.to_string() }
}

fn opt_min(m: Option<u32>) -> String {
    m.map(|m| m.to_string()).unwrap_or_else(|| "–".into())
}

/// Keeps the first `keep` rows and sums the rest's numeric columns into one line.
fn fold_rest(rows: &mut Vec<Vec<String>>, keep: usize, label: impl Fn(usize) -> String) {
    if rows.len() <= keep + 1 {
        return;
    }
    let rest = rows.split_off(keep);
    // Only counts add up; other columns of the folded line stay empty.
    let mut line = vec![label(rest.len())];
    let width = rest.first().map(Vec::len).unwrap_or(0);
    for c in 1..width {
        let counts: Option<Vec<u64>> = rest
            .iter()
            .map(|r| r.get(c).and_then(|v| if v.contains(',') || v.contains('%') { None } else { v.replace('.', "").parse().ok() }))
            .collect();
        line.push(counts.map(|v| vi_int(v.iter().sum())).unwrap_or_default());
    }
    rows.push(line);
}

/// Breaks `text` into lines of at most `max_w` mm.
fn wrap(p: &Page, text: &str, max_w: f32, size: f32, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        if p.width(&candidate, size, bold) > max_w && !cur.is_empty() {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_signed_in_the_province() {
        assert_eq!(place_of("Số 8, đường Nguyễn Trãi, phường Đống Đa, thành phố Vĩnh Yên, tỉnh Vĩnh Phúc"), "Vĩnh Phúc");
        assert_eq!(place_of("Hà Nội"), "Hà Nội");
        assert_eq!(place_of(""), "…………");
    }

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(vi_int(1234567), "1.234.567");
        assert_eq!(vi_int(12), "12");
        assert_eq!(vi_dec(Some(12.34), 1), "12,3");
        assert_eq!(vi_pct(Some(0.853)), "85,3%");
        assert_eq!(vi_pct(None), "–");
    }

    #[test]
    fn folded_rows_sum_only_counts() {
        let mut rows: Vec<Vec<String>> = (0..5).map(|i| vec![format!("s{i}"), vi_int(1000 + i), "1,5".into()]).collect();
        fold_rest(&mut rows, 2, |n| format!("khác ({n})"));
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2], vec!["khác (3)".to_string(), "3.009".into(), String::new()]);
    }
}
