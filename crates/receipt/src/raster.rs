//! The 1-bit raster: what a thermal printer prints, dot for dot.

use ab_glyph::Font;

use crate::fonts::Fonts;
use crate::typeset::{Item, Page, TextLine};

/// Coverage above which a text pixel prints black.
const THRESHOLD: f32 = 0.5;

/// A 1-bit image, rows packed MSB first, 1 = black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    /// Width in dots.
    pub width: u32,
    /// Height in dots.
    pub height: u32,
    /// `ceil(width / 8) * height` bytes.
    pub bits: Vec<u8>,
}

impl Raster {
    /// An all-white raster.
    pub fn new(width: u32, height: u32) -> Self {
        let bits = vec![0; width.div_ceil(8) as usize * height as usize];
        Self { width, height, bits }
    }

    /// Bytes per row.
    pub fn stride(&self) -> usize {
        self.width.div_ceil(8) as usize
    }

    /// Whether dot (x, y) is black; outside the raster is white.
    pub fn get(&self, x: u32, y: u32) -> bool {
        if x >= self.width || y >= self.height {
            return false;
        }
        let i = y as usize * self.stride() + (x / 8) as usize;
        self.bits.get(i).is_some_and(|b| b & (0x80 >> (x % 8)) != 0)
    }

    /// Sets dot (x, y); outside the raster is ignored.
    pub fn set(&mut self, x: u32, y: u32, black: bool) {
        if x >= self.width || y >= self.height {
            return;
        }
        let i = y as usize * self.stride() + (x / 8) as usize;
        if let Some(b) = self.bits.get_mut(i) {
            let mask = 0x80 >> (x % 8);
            if black {
                *b |= mask;
            } else {
                *b &= !mask;
            }
        }
    }

    /// Fills a rectangle with black, clipped to the raster.
    pub fn fill(&mut self, x: u32, y: u32, w: u32, h: u32) {
        let x1 = x.saturating_add(w).min(self.width);
        let y1 = y.saturating_add(h).min(self.height);
        for yy in y..y1 {
            for xx in x..x1 {
                self.set(xx, yy, true);
            }
        }
    }

    /// Number of black dots (handy for tests and sanity checks).
    pub fn black_count(&self) -> usize {
        self.bits.iter().map(|b| b.count_ones() as usize).sum()
    }
}

/// Draws a typeset page.
pub(crate) fn draw(fonts: &Fonts, page: &Page) -> Raster {
    let mut r = Raster::new(page.width, page.height);
    for item in &page.items {
        match item {
            Item::Text(line) => draw_text(&mut r, fonts, line),
            Item::Fill { x, y, w, h } => r.fill(*x, *y, *w, *h),
            Item::Qr { x, y, module, matrix } => {
                for (row, col, len) in matrix.dark_runs() {
                    r.fill(x + col * module, y + row * module, len * module, *module);
                }
            }
            Item::Image { x, y, bitmap } => {
                for by in 0..bitmap.height {
                    for bx in 0..bitmap.width {
                        if bitmap.get(bx, by) {
                            r.set(x + bx, y + by, true);
                        }
                    }
                }
            }
        }
    }
    r
}

fn draw_text(r: &mut Raster, fonts: &Fonts, line: &TextLine) {
    let face = fonts.face(line.weight);
    let designed = face.scale(line.size);
    let scale = ab_glyph::PxScale { x: designed.x * line.stretch, y: designed.y };
    let mut x = line.x;
    for c in line.text.chars() {
        let glyph = face.glyph(c).with_scale_and_position(scale, ab_glyph::point(x, line.baseline));
        if let Some(outlined) = face.font.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            let (ox, oy) = (b.min.x as i64, b.min.y as i64);
            outlined.draw(|gx, gy, coverage| {
                if coverage > THRESHOLD {
                    let (px, py) = (ox + i64::from(gx), oy + i64::from(gy));
                    if let (Ok(px), Ok(py)) = (u32::try_from(px), u32::try_from(py)) {
                        r.set(px, py, !line.white);
                    }
                }
            });
        }
        x += face.advance(c, line.size) * line.stretch;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_msb_first_rows() {
        let mut r = Raster::new(10, 2);
        assert_eq!(r.stride(), 2);
        r.set(0, 0, true);
        r.set(9, 1, true);
        assert_eq!(r.bits, [0x80, 0x00, 0x00, 0x40]);
        assert!(r.get(9, 1) && !r.get(8, 1) && !r.get(10, 1));
    }

    #[test]
    fn fill_is_clipped() {
        let mut r = Raster::new(8, 8);
        r.fill(6, 6, 10, 10);
        assert_eq!(r.black_count(), 4);
    }
}
