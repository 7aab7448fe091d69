//! The slip layout model: what goes on a slip, independent of paper width.
//!
//! A [`Layout`] is a column of [`Block`]s. Sizes are semantic ([`TextSize`]);
//! the typesetter picks pixel sizes per paper and wraps text to its width.

use crate::qr::QrMatrix;

/// Text weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Noto Sans Regular.
    Regular,
    /// Noto Sans Bold.
    Bold,
}

/// Horizontal alignment of a text block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// Semantic text size; pixel sizes depend on the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSize {
    /// A ticket's secondary lines (center name, notes, field labels): the
    /// same as `Small` on 80 mm, smaller on 58 mm to keep the ticket short.
    Fine,
    /// Footnotes, legal basis, print time.
    Small,
    /// Body text.
    Normal,
    /// Emphasised values (service name).
    Large,
    /// Slip titles.
    Title,
}

/// A paragraph of text, wrapped on word boundaries.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBlock {
    /// The text; normalised to NFC when typeset.
    pub text: String,
    /// Size.
    pub size: TextSize,
    /// Weight.
    pub weight: Weight,
    /// Alignment of every wrapped line.
    pub align: Align,
}

/// Style of a horizontal rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A thin solid line.
    Solid,
    /// A dashed line (tear-off feel).
    Dashed,
}

/// How a notice is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeStyle {
    /// Black frame, black text.
    Framed,
    /// Framed, with the title reversed (white on black): hard to miss.
    Inverted,
}

/// A 1-bit image (e.g. the center's logo), rows packed MSB first, 1 = black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    /// Width in dots.
    pub width: u32,
    /// Height in dots.
    pub height: u32,
    /// `ceil(width / 8) * height` bytes.
    pub bits: Vec<u8>,
}

impl Bitmap {
    /// Runs of black pixels per row as (row, first column, length).
    pub fn dark_runs(&self) -> Vec<(u32, u32, u32)> {
        crate::runs::dark_runs(self.width, self.height, |x, y| self.get(x, y))
    }

    /// Whether the dot at (x, y) is black; outside the image is white.
    pub fn get(&self, x: u32, y: u32) -> bool {
        if x >= self.width || y >= self.height {
            return false;
        }
        let stride = self.width.div_ceil(8) as usize;
        let byte = self.bits.get(y as usize * stride + (x / 8) as usize).copied();
        byte.is_some_and(|b| b & (0x80 >> (x % 8)) != 0)
    }
}

/// One block of a slip, top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A wrapped paragraph.
    Text(TextBlock),
    /// A paragraph set a little smaller (down to 85 %) when that keeps it on
    /// one line, e.g. the center's name at the top of a ticket.
    FitLine(TextBlock),
    /// A label and its value: on one line (label left, value right, bold)
    /// when both fit, else the label above the wrapped value.
    Field {
        /// Label, e.g. "Ngày hẹn trả".
        label: String,
        /// Value, e.g. "05/12/2026".
        value: String,
    },
    /// A label and its value for a narrow column: on one line (label in
    /// small type, value bold) when both fit, else the label over the value.
    CompactField {
        /// Label, e.g. "Giờ lấy số".
        label: String,
        /// Value, e.g. "08:15 28/11/2026".
        value: String,
    },
    /// The ticket number on one line: the largest text on the slip, set to a
    /// fixed ink height per paper; a number too wide for the paper is first
    /// condensed (down to a limit), then shrunk.
    BigNumber(String),
    /// A horizontal rule.
    Rule(Rule),
    /// Vertical space in dots (at 203 dpi).
    Space(u32),
    /// A QR code, centred, with its quiet zone.
    Qr(QrMatrix),
    /// A QR code at the right edge with `beside` set in the column to its
    /// left (the quiet zone is the gutter), then as many of `then` as still
    /// fit beside the code; the rest follow under both, full width. A
    /// ticket's fields sit beside its code instead of above it: paper.
    QrBeside {
        /// The code.
        qr: QrMatrix,
        /// Blocks always set in the column left of the code.
        beside: Vec<Block>,
        /// Blocks set in the column while it stays no taller than the code,
        /// then full width under it, in order.
        then: Vec<Block>,
    },
    /// A centred 1-bit image.
    Image(Bitmap),
    /// A framed notice (priority, offline, overdue) with an optional
    /// explanation in smaller type.
    Notice {
        /// Short title, drawn bold.
        title: String,
        /// Explanation under the title.
        detail: Option<String>,
        /// Frame only, or reversed title.
        style: NoticeStyle,
    },
}

/// A slip: blocks from top to bottom.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// The blocks, top to bottom.
    pub blocks: Vec<Block>,
    /// The most lines any one text of the slip takes; a text wrapped to more
    /// is cut short with "…". `None`: no limit.
    pub max_lines: Option<usize>,
}

impl Layout {
    /// An empty layout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a block.
    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// Appends a paragraph.
    pub fn text(&mut self, text: impl Into<String>, size: TextSize, weight: Weight, align: Align) -> &mut Self {
        self.push(Block::Text(TextBlock { text: text.into(), size, weight, align }))
    }

    /// Appends a label/value field.
    pub fn field(&mut self, label: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.push(Block::Field { label: label.into(), value: value.into() })
    }

    /// Appends a rule.
    pub fn rule(&mut self, rule: Rule) -> &mut Self {
        self.push(Block::Rule(rule))
    }

    /// Appends vertical space in dots.
    pub fn space(&mut self, dots: u32) -> &mut Self {
        self.push(Block::Space(dots))
    }

    /// Every block in reading order, those set beside a QR included.
    pub fn all_blocks(&self) -> Vec<&Block> {
        fn visit<'a>(blocks: &'a [Block], out: &mut Vec<&'a Block>) {
            for block in blocks {
                out.push(block);
                if let Block::QrBeside { beside, then, .. } = block {
                    visit(beside, out);
                    visit(then, out);
                }
            }
        }
        let mut out = Vec::new();
        visit(&self.blocks, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logo_is_drawn_as_one_rectangle_per_run_of_black() {
        // Row 0: ##.#  Row 1: ....  Row 2: ####
        let bitmap = Bitmap { width: 4, height: 3, bits: vec![0b1101_0000, 0, 0b1111_0000] };
        assert_eq!(bitmap.dark_runs(), vec![(0, 0, 2), (0, 3, 1), (2, 0, 4)]);
    }
}
