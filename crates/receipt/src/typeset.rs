//! Typesetting: a [`Layout`] on a given [`Paper`] becomes a [`Page`] of
//! positioned lines, filled rectangles, QR symbols and images. The raster and
//! the PDF renderers both draw the same `Page`, so they agree line for line.

use unicode_normalization::UnicodeNormalization;

use crate::fonts::Fonts;
use crate::layout::{Align, Bitmap, Block, Layout, NoticeStyle, Rule, TextSize, Weight};
use crate::qr::{MIN_MODULE_DOTS, QUIET_ZONE, QrMatrix};
use crate::wrap::{wrap, wrap_balanced};
use crate::{Paper, ReceiptError};

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
    /// Measured advance width.
    pub width: f32,
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

/// Pixel metrics for one paper width.
struct Metrics {
    margin: u32,
    small: f32,
    normal: f32,
    large: f32,
    title: f32,
    big: f32,
    max_module: u32,
}

impl Metrics {
    fn for_paper(paper: Paper) -> Self {
        match paper {
            Paper::Mm80 => Self { margin: 12, small: 21.0, normal: 25.0, large: 31.0, title: 34.0, big: 184.0, max_module: 6 },
            Paper::Mm58 => Self { margin: 8, small: 19.0, normal: 22.0, large: 27.0, title: 29.0, big: 136.0, max_module: 5 },
        }
    }

    fn size(&self, size: TextSize) -> f32 {
        match size {
            TextSize::Small => self.small,
            TextSize::Normal => self.normal,
            TextSize::Large => self.large,
            TextSize::Title => self.title,
        }
    }
}

const TOP: f32 = 20.0;
const BOTTOM: f32 = 28.0;
const LINE_HEIGHT: f32 = 1.32;
const RULE_THICKNESS: u32 = 2;
const RULE_MARGIN: f32 = 14.0;
const FRAME: u32 = 3;
const FRAME_PAD: f32 = 12.0;

/// Lays `layout` out on `paper`.
pub fn typeset(fonts: &Fonts, layout: &Layout, paper: Paper) -> Result<Page, ReceiptError> {
    let m = Metrics::for_paper(paper);
    let width = paper.dots();
    let mut t = Typesetter { fonts, m: &m, width, items: Vec::new(), y: TOP };
    for block in &layout.blocks {
        t.block(block)?;
    }
    let height = (t.y + BOTTOM).ceil() as u32;
    Ok(Page { paper, width, height, margin: m.margin, items: t.items })
}

struct Typesetter<'a> {
    fonts: &'a Fonts,
    m: &'a Metrics,
    width: u32,
    items: Vec<Item>,
    y: f32,
}

impl Typesetter<'_> {
    fn left(&self) -> f32 {
        self.m.margin as f32
    }

    fn content(&self) -> f32 {
        (self.width - 2 * self.m.margin) as f32
    }

    fn block(&mut self, block: &Block) -> Result<(), ReceiptError> {
        match block {
            Block::Text(tb) => {
                let size = self.m.size(tb.size);
                let (left, w) = (self.left(), self.content());
                self.paragraph(&tb.text, size, tb.weight, tb.align, left, w, false);
            }
            Block::Field { label, value } => self.field(label, value),
            Block::BigNumber(number) => self.big_number(number),
            Block::Rule(rule) => self.rule(*rule),
            Block::Space(dots) => self.y += *dots as f32,
            Block::Qr(matrix) => self.qr(matrix)?,
            Block::Image(bitmap) => self.image(bitmap)?,
            Block::Notice { title, detail, style } => self.notice(title, detail.as_deref(), *style),
        }
        Ok(())
    }

    /// Sets wrapped lines at the cursor and advances it.
    #[allow(clippy::too_many_arguments)]
    fn paragraph(&mut self, text: &str, size: f32, weight: Weight, align: Align, left: f32, avail: f32, white: bool) {
        let face = self.fonts.face(weight);
        let text: String = text.nfc().collect();
        let line_height = size * LINE_HEIGHT;
        let half_leading = (line_height - face.ascent(size) - face.descent(size)) / 2.0;
        let measure = |s: &str| face.width(s, size);
        let lines = match align {
            Align::Center => wrap_balanced(&text, avail, measure),
            Align::Left | Align::Right => wrap(&text, avail, measure),
        };
        for line in lines {
            let w = face.width(&line, size);
            let x = match align {
                Align::Left => left,
                Align::Center => left + (avail - w) / 2.0,
                Align::Right => left + avail - w,
            };
            let baseline = self.y + half_leading + face.ascent(size);
            self.items.push(Item::Text(TextLine { text: line, x, baseline, size, weight, width: w, white }));
            self.y += line_height;
        }
    }

    fn field(&mut self, label: &str, value: &str) {
        let size = self.m.normal;
        let label: String = label.nfc().collect();
        let value: String = value.nfc().collect();
        let lw = self.fonts.face(Weight::Regular).width(&label, size);
        let vw = self.fonts.face(Weight::Bold).width(&value, size);
        let (left, avail) = (self.left(), self.content());
        if lw + size + vw <= avail {
            let y = self.y;
            self.paragraph(&label, size, Weight::Regular, Align::Left, left, avail, false);
            self.y = y;
            self.paragraph(&value, size, Weight::Bold, Align::Right, left, avail, false);
        } else {
            self.paragraph(&label, size, Weight::Regular, Align::Left, left, avail, false);
            self.paragraph(&value, size, Weight::Bold, Align::Left, left, avail, false);
        }
    }

    fn big_number(&mut self, number: &str) {
        let face = self.fonts.face(Weight::Bold);
        let number: String = number.nfc().collect();
        let natural = face.width(&number, self.m.big);
        let size = if natural > self.content() {
            // A hair under the full width so rounding never spills over.
            self.m.big * self.content() / natural * 0.99
        } else {
            self.m.big
        };
        // Tight box from the glyph outlines: a number has no descenders or
        // marks, so the font's line box would leave a hole above it.
        let (top, bottom) = ink_extent(face, &number, size);
        let w = face.width(&number, size);
        let x = self.left() + (self.content() - w) / 2.0;
        let baseline = self.y - top;
        self.items.push(Item::Text(TextLine { text: number, x, baseline, size, weight: Weight::Bold, width: w, white: false }));
        self.y += bottom - top;
    }

    fn rule(&mut self, rule: Rule) {
        self.y += RULE_MARGIN;
        let y = self.y.round() as u32;
        let (left, right) = (self.m.margin, self.width - self.m.margin);
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

    fn qr(&mut self, matrix: &QrMatrix) -> Result<(), ReceiptError> {
        let modules = matrix.width_with_quiet_zone();
        let fit = self.content() as u32 / modules;
        if fit < MIN_MODULE_DOTS {
            return Err(ReceiptError::QrTooLarge { modules, width: self.content() as u32 });
        }
        let module = fit.min(self.m.max_module);
        let side = modules * module;
        let x0 = self.m.margin + (self.content() as u32 - side) / 2;
        let y0 = self.y.round() as u32;
        self.items.push(Item::Qr { x: x0 + QUIET_ZONE * module, y: y0 + QUIET_ZONE * module, module, matrix: matrix.clone() });
        self.y = (y0 + side) as f32;
        Ok(())
    }

    fn image(&mut self, bitmap: &Bitmap) -> Result<(), ReceiptError> {
        if bitmap.width > self.content() as u32 {
            return Err(ReceiptError::ImageTooWide { width: bitmap.width, max: self.content() as u32 });
        }
        let x = self.m.margin + (self.content() as u32 - bitmap.width) / 2;
        let y = self.y.round() as u32;
        self.items.push(Item::Image { x, y, bitmap: bitmap.clone() });
        self.y += bitmap.height as f32;
        Ok(())
    }

    fn notice(&mut self, title: &str, detail: Option<&str>, style: NoticeStyle) {
        let (x0, x1) = (self.m.margin, self.width - self.m.margin);
        let top = self.y.round() as u32;
        let inner_left = (x0 + FRAME) as f32 + FRAME_PAD;
        let inner = (x1 - x0 - 2 * FRAME) as f32 - 2.0 * FRAME_PAD;
        let fill_at = self.items.len();
        self.y = (top + FRAME) as f32 + FRAME_PAD * 0.75;
        let inverted = style == NoticeStyle::Inverted;
        // A title that fits on one line at body size reads better than one
        // broken over two lines at the larger size.
        let bold = self.fonts.face(Weight::Bold);
        let size =
            if bold.width(title, self.m.large) > inner && bold.width(title, self.m.normal) <= inner { self.m.normal } else { self.m.large };
        self.paragraph(title, size, Weight::Bold, Align::Center, inner_left, inner, inverted);
        self.y += FRAME_PAD * 0.75;
        if inverted {
            // The reversed strip goes under the title lines already placed.
            let band = Item::Fill { x: x0, y: top, w: x1 - x0, h: self.y.round() as u32 - top };
            self.items.insert(fill_at, band);
        }
        if let Some(detail) = detail {
            self.y += FRAME_PAD * 0.5;
            let size = self.m.small;
            self.paragraph(detail, size, Weight::Regular, Align::Center, inner_left, inner, false);
            self.y += FRAME_PAD;
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

/// Top and bottom of the ink of `text` relative to its baseline (y down).
fn ink_extent(face: &crate::fonts::Face, text: &str, size: f32) -> (f32, f32) {
    use ab_glyph::Font;
    let scale = face.scale(size);
    let (mut top, mut bottom) = (0.0_f32, 0.0_f32);
    let mut x = 0.0;
    for c in text.chars() {
        let glyph = face.glyph(c).with_scale_and_position(scale, ab_glyph::point(x, 0.0));
        if let Some(outlined) = face.font.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            top = top.min(b.min.y);
            bottom = bottom.max(b.max.y);
        }
        x += face.advance(c, size);
    }
    if top == 0.0 && bottom == 0.0 { (-face.ascent(size), face.descent(size)) } else { (top, bottom) }
}
