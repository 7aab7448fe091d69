//! The bundled Noto Sans faces and the metrics the typesetter needs.
//!
//! Rasteriser choice: `ab_glyph`. Vietnamese letters are precomposed in
//! Unicode (ệ U+1EC7, ở U+1EDF, ữ U+1EEF, Ặ U+1EB6, Ễ U+1EC4) and Noto Sans has
//! a designed glyph for each, so after NFC normalisation no mark positioning
//! (GPOS) is needed: a shaper (cosmic-text/rustybuzz) would add weight and
//! time for nothing. ab_glyph rasterises the TrueType outlines with exact area
//! coverage at sub-pixel x positions; thresholded at 50 % the stacked marks
//! of ệ ở ữ Ặ Ễ stay separate from the letter and from each other at 19–34
//! dots (checked by eye on a 3× zoom, `examples/preview.rs`). fontdue uses
//! the same coverage model and would do as well; ab_glyph was kept because it
//! exposes the unscaled metrics we share with the PDF (advances, ascent) and
//! draws without a glyph cache we would not reuse across one-shot slips.

use ab_glyph::{Font, FontRef, GlyphId};

use crate::ReceiptError;
use crate::layout::Weight;

// One copy of the fonts lives in `ui/fonts/`: the web UI can only load files
// under `ui/` (Tauri serves that folder as the frontend), and a path relative
// to this file works on every build host, unlike a git symlink on Windows.

/// Noto Sans Regular, SIL Open Font License 1.1 (see `ui/fonts/OFL.txt`).
pub const NOTO_SANS_REGULAR: &[u8] = include_bytes!("../../../ui/fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold, SIL Open Font License 1.1 (see `ui/fonts/OFL.txt`).
pub const NOTO_SANS_BOLD: &[u8] = include_bytes!("../../../ui/fonts/NotoSans-Bold.ttf");

/// One parsed face with the unit metrics the typesetter uses.
#[derive(Debug, Clone)]
pub struct Face {
    pub(crate) font: FontRef<'static>,
    units_per_em: f32,
    ascent: f32,
    descent: f32,
    /// ab_glyph scales by (ascent - descent); we size by the em like a PDF does.
    height_per_em: f32,
    /// Glyph and unscaled advance of every character below [`COMMON_END`]
    /// (Latin, Vietnamese, combining marks, general punctuation), looked up
    /// once: the line breaker measures every character of every candidate line.
    common: Vec<(GlyphId, f32)>,
}

/// Characters below this are looked up once when the face is parsed.
const COMMON_END: u32 = 0x2100;

impl Face {
    fn parse(bytes: &'static [u8], name: &'static str) -> Result<Self, ReceiptError> {
        let font = FontRef::try_from_slice(bytes).map_err(|_| ReceiptError::Font(name))?;
        let units_per_em = font.units_per_em().ok_or(ReceiptError::Font(name))?;
        let ascent = font.ascent_unscaled();
        let descent = font.descent_unscaled();
        let common = (0..COMMON_END)
            .map(|u| {
                let g = char::from_u32(u).map_or(GlyphId(0), |c| font.glyph_id(c));
                (g, font.h_advance_unscaled(g))
            })
            .collect();
        Ok(Self { height_per_em: font.height_unscaled() / units_per_em, font, units_per_em, ascent, descent, common })
    }

    /// The ab_glyph scale that makes one em `em_px` pixels.
    pub(crate) fn scale(&self, em_px: f32) -> ab_glyph::PxScale {
        ab_glyph::PxScale::from(em_px * self.height_per_em)
    }

    pub(crate) fn glyph(&self, c: char) -> GlyphId {
        match self.common.get(c as usize) {
            Some((g, _)) => *g,
            None => self.font.glyph_id(c),
        }
    }

    /// Advance of `c` in pixels at an em of `em_px`.
    pub(crate) fn advance(&self, c: char, em_px: f32) -> f32 {
        let units = match self.common.get(c as usize) {
            Some((_, a)) => *a,
            None => self.font.h_advance_unscaled(self.font.glyph_id(c)),
        };
        units * em_px / self.units_per_em
    }

    /// Width of `text` in pixels; the slips use no kerning so widths add up
    /// exactly like the PDF's glyph advances.
    pub fn width(&self, text: &str, em_px: f32) -> f32 {
        text.chars().map(|c| self.advance(c, em_px)).sum()
    }

    /// Distance from the baseline to the top of the line box.
    pub(crate) fn ascent(&self, em_px: f32) -> f32 {
        self.ascent * em_px / self.units_per_em
    }

    /// Distance from the baseline to the bottom of the line box (positive).
    pub(crate) fn descent(&self, em_px: f32) -> f32 {
        -self.descent * em_px / self.units_per_em
    }

    /// Whether the face has a real glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.glyph(c).0 != 0
    }
}

/// The regular and bold faces, parsed once and shared by every render.
#[derive(Debug, Clone)]
pub struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    /// Parses the embedded faces.
    pub fn new() -> Result<Self, ReceiptError> {
        Ok(Self { regular: Face::parse(NOTO_SANS_REGULAR, "NotoSans-Regular")?, bold: Face::parse(NOTO_SANS_BOLD, "NotoSans-Bold")? })
    }

    /// The face for a weight.
    pub fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_answers_like_the_font() {
        let fonts = Fonts::new().unwrap();
        for face in [fonts.face(Weight::Regular), fonts.face(Weight::Bold)] {
            for c in ['a', 'ệ', 'Ữ', '\u{0301}', '…', '\u{200B}', '€', '中', '😀', '\u{10FFFF}'] {
                let g = face.font.glyph_id(c);
                assert_eq!(face.glyph(c), g, "{c:?}");
                assert_eq!(face.advance(c, 24.0), face.font.h_advance_unscaled(g) * 24.0 / face.units_per_em, "{c:?}");
            }
        }
    }

    #[test]
    fn both_faces_cover_every_vietnamese_letter() {
        let fonts = Fonts::new().unwrap();
        let letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";
        for weight in [Weight::Regular, Weight::Bold] {
            let face = fonts.face(weight);
            for c in letters.chars().chain(letters.to_uppercase().chars()) {
                assert!(face.covers(c), "{c} missing in {weight:?}");
            }
        }
    }

    #[test]
    fn widths_scale_linearly_with_size() {
        let fonts = Fonts::new().unwrap();
        let face = fonts.face(Weight::Regular);
        let w10 = face.width("Hành chính công", 10.0);
        let w20 = face.width("Hành chính công", 20.0);
        assert!((w20 - 2.0 * w10).abs() < 0.01);
    }
}
