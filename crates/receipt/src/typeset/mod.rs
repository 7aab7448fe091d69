//! Typesetting: a [`Layout`] on a given [`Paper`] becomes a [`Page`] of
//! positioned lines, filled rectangles, QR symbols and images. The raster and
//! the PDF renderers both draw the same `Page`, so they agree line for line.

mod metrics;
mod number;
mod qr_block;

use unicode_normalization::UnicodeNormalization;

use crate::fonts::Fonts;
use crate::layout::{Align, Bitmap, Block, Layout, NoticeStyle, Rule, Weight};
use crate::qr::QrMatrix;
use crate::wrap::{clip_lines, wrap, wrap_balanced};
use crate::{Paper, ReceiptError};
use metrics::Metrics;

/// A positioned line of text. Units are printer dots (203 dpi), y down.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// NFC-normalised text.
    pub text: String,
    /// Left edge of the first glyph's advance box.
    pub x: f32,
    /// Baseline.
    pub baseline: f32,
    /// Em size in dots.
    pub size: f32,
    /// Face.
    pub weight: Weight,
    /// Measured advance width (after `stretch`).
    pub width: f32,
    /// Horizontal scale of the glyphs: 1 as the face is drawn, below 1
    /// condensed (only a ticket number too wide for the paper).
    pub stretch: f32,
    /// White text (on a black band).
    pub white: bool,
}

/// Something drawn on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A line of text.
    Text(TextLine),
    /// A black rectangle.
    Fill {
        /// Left.
        x: u32,
        /// Top.
        y: u32,
        /// Width.
        w: u32,
        /// Height.
        h: u32,
    },
    /// A QR symbol; (x, y) is the top-left of the symbol itself, the quiet
    /// zone around it is left white.
    Qr {
        /// Left of the first module.
        x: u32,
        /// Top of the first module.
        y: u32,
        /// Module size in dots.
        module: u32,
        /// The symbol.
        matrix: QrMatrix,
    },
    /// A 1-bit image.
    Image {
        /// Left.
        x: u32,
        /// Top.
        y: u32,
        /// The image.
        bitmap: Bitmap,
    },
}

/// A typeset slip.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Paper it was set for.
    pub paper: Paper,
    /// Width in dots (the printable width of the paper).
    pub width: u32,
    /// Height in dots.
    pub height: u32,
    /// Left and right padding inside the printable width.
    pub margin: u32,
    /// Drawing order matters: white text goes over black fills.
    pub items: Vec<Item>,
}

impl Page {
    /// Width available to text.
    pub fn content_width(&self) -> u32 {
        self.width - 2 * self.margin
    }

    /// All text lines, top to bottom.
    pub fn lines(&self) -> impl Iterator<Item = &TextLine> {
        self.items.iter().filter_map(|i| match i {
            Item::Text(t) => Some(t),
            _ => None,
        })
    }
}

/// Blank paper above the first line. Small on purpose: on an ESC/POS printer
/// the gap between print head and cutter already leaves blank paper at the
/// top of every slip.
const TOP: f32 = 8.0;
/// Blank paper under the last line; the cut comes right after it (`GS V 66`
/// feeds the last printed row to the cutter), so this only keeps ink clear of
/// the blade.
const BOTTOM: f32 = 12.0;
/// Baseline to baseline of a wrapped paragraph, in ems. Noto Sans reaches
/// 1.05 em above the baseline (Ễ) and 0.24 em below (g): lines of lower case
/// or of capitals never touch; only a stacked capital under a descender could.
const LINE_HEIGHT: f32 = 1.25;
/// The box of a one-line label or value, in ems.
const TIGHT_LINE: f32 = 1.18;
/// A label over its value: the pair reads as one item.
const STACKED_LINE: f32 = 1.1;
/// The smallest a [`Block::FitLine`] is scaled to stay on one line.
const MIN_FIT: f32 = 0.85;
const RULE_THICKNESS: u32 = 2;
const RULE_MARGIN: f32 = 6.0;
const FRAME: u32 = 2;
const FRAME_PAD: f32 = 4.0;

/// How a run of text is set.
#[derive(Debug, Clone, Copy)]
struct Style {
    size: f32,
    weight: Weight,
    align: Align,
    /// Line box in ems.
    leading: f32,
    white: bool,
}

impl Style {
    fn new(size: f32, weight: Weight, align: Align) -> Self {
        Self { size, weight, align, leading: LINE_HEIGHT, white: false }
    }

    fn tight(self) -> Self {
        Self { leading: TIGHT_LINE, ..self }
    }

    fn white(self) -> Self {
        Self { white: true, ..self }
    }
}

/// Lays `layout` out on `paper`.
pub fn typeset(fonts: &Fonts, layout: &Layout, paper: Paper) -> Result<Page, ReceiptError> {
    let m = Metrics::for_paper(paper);
    let width = paper.dots();
    let column = Column { left: m.margin as f32, width: (width - 2 * m.margin) as f32 };
    let mut t = Typesetter { fonts, m: &m, width, column, max_lines: layout.max_lines, items: Vec::new(), y: TOP };
    for block in &layout.blocks {
        t.block(block)?;
    }
    let height = (t.y + BOTTOM).ceil() as u32;
    Ok(Page { paper, width, height, margin: m.margin, items: t.items })
}

/// Where text goes: the content width of the paper, or a column beside a QR.
#[derive(Debug, Clone, Copy)]
struct Column {
    left: f32,
    width: f32,
}

struct Typesetter<'a> {
    fonts: &'a Fonts,
    m: &'a Metrics,
    width: u32,
    column: Column,
    max_lines: Option<usize>,
    items: Vec<Item>,
    y: f32,
}

impl Typesetter<'_> {
    fn block(&mut self, block: &Block) -> Result<(), ReceiptError> {
        match block {
            Block::Text(tb) => {
                let style = Style::new(self.m.size(tb.size), tb.weight, tb.align);
                self.paragraph(&tb.text, style, self.column);
            }
            Block::FitLine(tb) => {
                let size = self.m.size(tb.size);
                let width = self.fonts.face(tb.weight).width(&tb.text.nfc().collect::<String>(), size);
                // A hair under the width so rounding never wraps it after all.
                let fitted = size * (self.column.width * 0.99 / width).min(1.0);
                let size = if fitted >= size * MIN_FIT { fitted } else { size };
                self.paragraph(&tb.text, Style::new(size, tb.weight, tb.align), self.column);
            }
            Block::Field { label, value } => self.field(label, value),
            Block::CompactField { label, value } => self.compact_field(label, value),
            Block::BigNumber(number) => self.big_number(number),
            Block::Rule(rule) => self.rule(*rule),
            Block::Space(dots) => self.y += *dots as f32,
            Block::Qr(matrix) => self.qr(matrix)?,
            Block::QrBeside { qr, beside, then } => self.qr_beside(qr, beside, then)?,
            Block::Image(bitmap) => self.image(bitmap)?,
            Block::Notice { title, detail, style } => self.notice(title, detail.as_deref(), *style),
        }
        Ok(())
    }

    /// Sets wrapped lines at the cursor in `col` and advances the cursor.
    fn paragraph(&mut self, text: &str, style: Style, col: Column) {
        let face = self.fonts.face(style.weight);
        let size = style.size;
        let text: String = text.nfc().collect();
        let line_height = size * style.leading;
        let half_leading = (line_height - face.ascent(size) - face.descent(size)) / 2.0;
        let measure = |s: &str| face.width(s, size);
        let lines = match style.align {
            Align::Center => wrap_balanced(&text, col.width, measure),
            Align::Left | Align::Right => wrap(&text, col.width, measure),
        };
        let lines = clip_lines(lines, self.max_lines, col.width, measure);
        for line in lines {
            let w = face.width(&line, size);
            let x = match style.align {
                Align::Left => col.left,
                Align::Center => col.left + (col.width - w) / 2.0,
                Align::Right => col.left + col.width - w,
            };
            let baseline = self.y + half_leading + face.ascent(size);
            let weight = style.weight;
            self.items.push(Item::Text(TextLine { text: line, x, baseline, size, weight, width: w, stretch: 1.0, white: style.white }));
            self.y += line_height;
        }
    }

    fn field(&mut self, label: &str, value: &str) {
        let size = self.m.normal;
        let label: String = label.nfc().collect();
        let value: String = value.nfc().collect();
        let lw = self.fonts.face(Weight::Regular).width(&label, size);
        let vw = self.fonts.face(Weight::Bold).width(&value, size);
        let col = self.column;
        let label_style = Style::new(size, Weight::Regular, Align::Left);
        if lw + size + vw <= col.width {
            let y = self.y;
            self.paragraph(&label, label_style, col);
            self.y = y;
            self.paragraph(&value, Style::new(size, Weight::Bold, Align::Right), col);
        } else {
            self.paragraph(&label, label_style, col);
            self.paragraph(&value, Style::new(size, Weight::Bold, Align::Left), col);
        }
    }

    fn compact_field(&mut self, label: &str, value: &str) {
        let label: String = label.nfc().collect();
        let value: String = value.nfc().collect();
        let (fine, normal) = (self.m.fine, self.m.normal);
        let regular = self.fonts.face(Weight::Regular);
        let bold = self.fonts.face(Weight::Bold);
        let col = self.column;
        let value_style = Style::new(normal, Weight::Bold, Align::Right).tight();
        if regular.width(&label, fine) + fine / 2.0 + bold.width(&value, normal) <= col.width {
            // One line, the label on the value's baseline; label first, in reading order.
            let line_height = normal * value_style.leading;
            let baseline = self.y + (line_height - bold.ascent(normal) - bold.descent(normal)) / 2.0 + bold.ascent(normal);
            let w = regular.width(&label, fine);
            let weight = Weight::Regular;
            self.items.push(Item::Text(TextLine {
                text: label,
                x: col.left,
                baseline,
                size: fine,
                weight,
                width: w,
                stretch: 1.0,
                white: false,
            }));
            self.paragraph(&value, value_style, col);
        } else {
            let stacked = |style: Style| Style { leading: STACKED_LINE, align: Align::Left, ..style };
            self.paragraph(&label, stacked(Style::new(fine, Weight::Regular, Align::Left)), col);
            self.paragraph(&value, stacked(value_style), col);
        }
    }

    fn rule(&mut self, rule: Rule) {
        self.y += RULE_MARGIN;
        let y = self.y.round() as u32;
        let left = self.column.left.round() as u32;
        let right = (self.column.left + self.column.width).round() as u32;
        match rule {
            Rule::Solid => self.items.push(Item::Fill { x: left, y, w: right - left, h: RULE_THICKNESS }),
            Rule::Dashed => {
                let (dash, gap) = (12, 8);
                let mut x = left;
                while x < right {
                    let w = dash.min(right - x);
                    self.items.push(Item::Fill { x, y, w, h: RULE_THICKNESS });
                    x += dash + gap;
                }
            }
        }
        self.y += RULE_THICKNESS as f32 + RULE_MARGIN;
    }

    fn image(&mut self, bitmap: &Bitmap) -> Result<(), ReceiptError> {
        let content = self.column.width as u32;
        if bitmap.width > content {
            return Err(ReceiptError::ImageTooWide { width: bitmap.width, max: content });
        }
        let x = self.column.left as u32 + (content - bitmap.width) / 2;
        let y = self.y.round() as u32;
        self.items.push(Item::Image { x, y, bitmap: bitmap.clone() });
        self.y += bitmap.height as f32;
        Ok(())
    }

    fn notice(&mut self, title: &str, detail: Option<&str>, style: NoticeStyle) {
        let x0 = self.column.left.round() as u32;
        let x1 = (self.column.left + self.column.width).round() as u32;
        let top = self.y.round() as u32;
        let inner = Column { left: (x0 + FRAME) as f32 + FRAME_PAD, width: (x1 - x0 - 2 * FRAME) as f32 - 2.0 * FRAME_PAD };
        let fill_at = self.items.len();
        self.y = (top + FRAME) as f32 + FRAME_PAD * 0.5;
        let inverted = style == NoticeStyle::Inverted;
        // Body size on one line, else fine print: a long priority category
        // ("Phụ nữ mang thai hoặc người đang bế, bồng con nhỏ…") takes two
        // lines instead of three.
        let bold = self.fonts.face(Weight::Bold);
        let size = if bold.width(title, self.m.normal) <= inner.width { self.m.normal } else { self.m.fine };
        let title_style = Style::new(size, Weight::Bold, Align::Center).tight();
        self.paragraph(title, if inverted { title_style.white() } else { title_style }, inner);
        self.y += FRAME_PAD * 0.5;
        if inverted {
            // The reversed strip goes under the title lines already placed.
            let band = Item::Fill { x: x0, y: top, w: x1 - x0, h: self.y.round() as u32 - top };
            self.items.insert(fill_at, band);
        }
        if let Some(detail) = detail {
            self.y += FRAME_PAD * 0.5;
            self.paragraph(detail, Style::new(self.m.fine, Weight::Regular, Align::Center), inner);
            self.y += FRAME_PAD * 0.5;
        }
        let bottom = self.y.round() as u32 + FRAME;
        let h = bottom - top;
        self.items.extend([
            Item::Fill { x: x0, y: top, w: x1 - x0, h: FRAME },
            Item::Fill { x: x0, y: bottom - FRAME, w: x1 - x0, h: FRAME },
            Item::Fill { x: x0, y: top, w: FRAME, h },
            Item::Fill { x: x1 - FRAME, y: top, w: FRAME, h },
        ]);
        self.y = bottom as f32;
    }
}
