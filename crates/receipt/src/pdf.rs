//! PDF output through printpdf: one page as wide as the paper and as long as
//! the slip, Noto Sans embedded and subset.
//!
//! printpdf 0.12 does not wrap and its cursor moves inside a text section are
//! relative, so each typeset line gets its own text section with an absolute
//! cursor; lines come from the same [`Page`] the raster is drawn from.

use printpdf::{
    Color, FontId, Greyscale, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};

use crate::ReceiptError;
use crate::fonts::{NOTO_SANS_BOLD, NOTO_SANS_REGULAR};
use crate::layout::Weight;
use crate::typeset::{Item, Page};

/// Dots per inch of the thermal printers the layout is set for.
pub const DPI: f32 = 203.0;
const PT_PER_DOT: f32 = 72.0 / DPI;

/// The faces parsed for PDF embedding, once per process.
#[derive(Clone)]
pub struct PdfFonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

impl std::fmt::Debug for PdfFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PdfFonts { NotoSans-Regular, NotoSans-Bold }")
    }
}

impl PdfFonts {
    /// Parses the embedded faces for printpdf.
    pub fn new() -> Result<Self, ReceiptError> {
        let mut warnings = Vec::new();
        let regular = ParsedFont::from_bytes(NOTO_SANS_REGULAR, 0, &mut warnings).ok_or(ReceiptError::Font("NotoSans-Regular"))?;
        let bold = ParsedFont::from_bytes(NOTO_SANS_BOLD, 0, &mut warnings).ok_or(ReceiptError::Font("NotoSans-Bold"))?;
        Ok(Self { regular, bold })
    }
}

fn grey(percent: f32) -> Color {
    Color::Greyscale(Greyscale { percent, icc_profile: None })
}

/// Writes `page` as a one-page PDF.
pub(crate) fn write(fonts: &PdfFonts, page: &Page, title: &str) -> Result<Vec<u8>, ReceiptError> {
    let mut doc = PdfDocument::new(title);
    let regular = doc.add_font(&fonts.regular);
    let bold = doc.add_font(&fonts.bold);
    let paper_w = Pt::from(Mm(page.paper.width_mm()));
    let printable_w = page.width as f32 * PT_PER_DOT;
    let left = (paper_w.0 - printable_w) / 2.0;
    let height = page.height as f32 * PT_PER_DOT;
    let at = |x: f32, y: f32| Point { x: Pt(left + x * PT_PER_DOT), y: Pt(height - y * PT_PER_DOT) };
    let rect = |x: u32, y: u32, w: u32, h: u32| {
        let bottom_left = at(x as f32, (y + h) as f32);
        Op::DrawRectangle {
            rectangle: Rect {
                x: bottom_left.x,
                y: bottom_left.y,
                width: Pt(w as f32 * PT_PER_DOT),
                height: Pt(h as f32 * PT_PER_DOT),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        }
    };

    let mut ops = vec![Op::SetFillColor { col: grey(0.0) }];
    for item in &page.items {
        match item {
            Item::Text(line) => {
                let font: &FontId = match line.weight {
                    Weight::Regular => &regular,
                    Weight::Bold => &bold,
                };
                if line.white {
                    ops.push(Op::SetFillColor { col: grey(1.0) });
                }
                // Horizontal scaling (Tz) is text state that outlives the
                // text object: set it back for the lines after a condensed one.
                let condensed = line.stretch != 1.0;
                ops.push(Op::StartTextSection);
                if condensed {
                    ops.push(Op::SetHorizontalScaling { percent: line.stretch * 100.0 });
                }
                ops.extend([
                    Op::SetFont { font: PdfFontHandle::External(font.clone()), size: Pt(line.size * PT_PER_DOT) },
                    Op::SetTextCursor { pos: at(line.x, line.baseline) },
                    Op::ShowText { items: vec![TextItem::Text(line.text.clone())] },
                ]);
                if condensed {
                    ops.push(Op::SetHorizontalScaling { percent: 100.0 });
                }
                ops.push(Op::EndTextSection);
                if line.white {
                    ops.push(Op::SetFillColor { col: grey(0.0) });
                }
            }
            Item::Fill { x, y, w, h } => ops.push(rect(*x, *y, *w, *h)),
            Item::Qr { x, y, module, matrix } => {
                for (row, col, len) in matrix.dark_runs() {
                    ops.push(rect(x + col * module, y + row * module, len * module, *module));
                }
            }
            Item::Image { x, y, bitmap } => {
                for (row, col, len) in bitmap.dark_runs() {
                    ops.push(rect(x + col, y + row, len, 1));
                }
            }
        }
    }
    let pdf_page = PdfPage::new(Mm(page.paper.width_mm()), Mm::from(Pt(height)), ops);
    let options = PdfSaveOptions { subset_fonts: true, ..PdfSaveOptions::default() };
    let mut warnings = Vec::new();
    let bytes = doc.with_pages(vec![pdf_page]).save(&options, &mut warnings);
    if bytes.is_empty() {
        return Err(ReceiptError::Pdf(format!("printpdf produced no output: {warnings:?}")));
    }
    Ok(bytes)
}
