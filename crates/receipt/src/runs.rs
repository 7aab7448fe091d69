//! Run-length scan of a 1-bit grid, shared by QR symbols and logo bitmaps:
//! vector renderers (the PDF) draw one rectangle per run instead of one per
//! module. A leaf module, so `layout` and `qr` both use it without a cycle.

/// Runs of dark cells per row of a `width` × `height` grid, as (row, first
/// column, length), top to bottom and left to right.
pub(crate) fn dark_runs(width: u32, height: u32, dark: impl Fn(u32, u32) -> bool) -> Vec<(u32, u32, u32)> {
    let mut runs = Vec::new();
    for y in 0..height {
        let mut x = 0;
        while x < width {
            if dark(x, y) {
                let start = x;
                while x < width && dark(x, y) {
                    x += 1;
                }
                runs.push((y, start, x - start));
            } else {
                x += 1;
            }
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_stop_at_the_row_end_and_skip_light_rows() {
        // Row 0: .##  Row 1: ...  Row 2: #.#
        let grid = [[false, true, true], [false, false, false], [true, false, true]];
        let runs = dark_runs(3, 3, |x, y| grid[y as usize][x as usize]);
        assert_eq!(runs, vec![(0, 1, 2), (2, 0, 1), (2, 2, 1)]);
    }
}
