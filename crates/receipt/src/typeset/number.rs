//! The ticket number: set by the height of its ink, condensed and then
//! shrunk to stay on one line.

use unicode_normalization::UnicodeNormalization;

use super::{Item, TextLine, Typesetter};
use crate::fonts::Face;
use crate::layout::Weight;

impl Typesetter<'_> {
    pub(super) fn big_number(&mut self, number: &str) {
        let face = self.fonts.face(Weight::Bold);
        let number: String = number.nfc().collect();
        // Size by the ink, not the em: what the citizen sees is the glyphs' height.
        let (top, bottom) = ink_extent(face, &number, 100.0);
        let ink_per_em = ((bottom - top) / 100.0).max(0.01);
        let mut size = self.m.number_ink / ink_per_em;
        // A hair under the full width so rounding never spills over.
        let avail = self.column.width * 0.99;
        let natural = face.width(&number, size);
        let mut stretch = 1.0;
        if natural > avail {
            stretch = avail / natural;
            if stretch < self.m.min_stretch {
                stretch = self.m.min_stretch;
                size = avail / (face.width(&number, 1.0) * stretch);
            }
        }
        // Tight box from the glyph outlines: a number has no descenders or
        // marks, so the font's line box would leave a hole above it.
        let (top, bottom) = ink_extent(face, &number, size);
        let w = face.width(&number, size) * stretch;
        let x = self.column.left + (self.column.width - w) / 2.0;
        let baseline = self.y - top;
        self.items.push(Item::Text(TextLine { text: number, x, baseline, size, weight: Weight::Bold, width: w, stretch, white: false }));
        self.y += bottom - top;
    }
}

/// Top and bottom of the ink of `text` relative to its baseline (y down).
fn ink_extent(face: &Face, text: &str, size: f32) -> (f32, f32) {
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

#[cfg(test)]
mod tests {
    use crate::{Block, Layout, Paper, Renderer};

    fn number_line(number: &str, paper: Paper) -> crate::TextLine {
        let renderer = Renderer::new().unwrap();
        let layout = Layout { blocks: vec![Block::BigNumber(number.to_owned())], max_lines: None };
        let page = renderer.typeset(&layout, paper).unwrap();
        page.lines().next().cloned().unwrap()
    }

    #[test]
    fn a_short_number_keeps_its_shape_and_a_long_one_is_condensed_first() {
        let short = number_line("A012", Paper::Mm80);
        assert_eq!(short.stretch, 1.0);
        let long = number_line("B-W2-001", Paper::Mm80);
        assert!(long.stretch < 1.0 && (long.size - short.size).abs() < 0.5, "{long:?}");
    }

    #[test]
    fn past_the_narrowest_stretch_a_number_gets_smaller_and_still_fits() {
        let line = number_line("W-WMWM-999", Paper::Mm58);
        assert_eq!(line.stretch, 0.72);
        assert!(line.size < number_line("A012", Paper::Mm58).size);
        assert!(line.x >= 8.0 && line.x + line.width <= 376.0, "{line:?}");
    }
}
