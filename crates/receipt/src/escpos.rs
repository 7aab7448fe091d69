//! ESC/POS framing of a raster: `ESC @`, `GS v 0` bands, partial cut.
//!
//! No `ESC d` before the cut: `GS V 66 n` itself feeds the last printed row
//! to the cutter (function B: "feed to the cutting position + n", Epson and
//! the clones alike), so lines fed before it were only blank paper — 4 lines,
//! about 17 mm, on every slip. The raster ends with a small white margin that
//! keeps the ink clear of the blade. The paper a slip uses, cut to cut, is
//! its raster plus the printer's head-to-cutter distance, which becomes the
//! blank top of the next slip and which no command sent here can change.
//!
//! The framing is written here rather than taken from the `escpos` crate:
//! that crate's `Printer<D: Driver>` owns the transport (it writes as it
//! goes), and its image path loads, resizes and dithers an image file itself.
//! We already hold the exact 1-bit raster and want a byte stream we can test,
//! store in the ticket journal and hand to any transport (TCP, device file),
//! with status queries (`DLE EOT`) done by the engine around it.

use crate::raster::Raster;

/// Rows per `GS v 0` band: small enough for printers with modest buffers.
pub const BAND_ROWS: u32 = 256;

/// `ESC @`: initialise.
pub const INIT: [u8; 2] = [0x1b, b'@'];
/// `GS v 0`: print raster bit image (followed by m, xL, xH, yL, yH).
pub const RASTER: [u8; 3] = [0x1d, b'v', b'0'];
/// `GS V 66`: feed to the cutter plus n motion units, then partial cut.
pub const PARTIAL_CUT: [u8; 3] = [0x1d, b'V', 66];

/// Encodes `raster` as a complete ESC/POS job.
pub fn encode(raster: &Raster) -> Vec<u8> {
    let stride = raster.stride();
    let mut out = Vec::with_capacity(raster.bits.len() + 64);
    out.extend_from_slice(&INIT);
    let mut row = 0;
    while row < raster.height {
        let rows = BAND_ROWS.min(raster.height - row);
        out.extend_from_slice(&RASTER);
        out.push(0); // m = 0: normal density, 203 × 203 dpi
        out.extend_from_slice(&(stride as u16).to_le_bytes());
        out.extend_from_slice(&(rows as u16).to_le_bytes());
        let start = row as usize * stride;
        let end = start + rows as usize * stride;
        if let Some(band) = raster.bits.get(start..end) {
            out.extend_from_slice(band);
        }
        row += rows;
    }
    out.extend_from_slice(&PARTIAL_CUT);
    out.push(0); // n = 0: cut right under the last row
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_bands_and_cut() {
        let mut r = Raster::new(16, 300);
        r.set(0, 0, true);
        let bytes = encode(&r);
        assert_eq!(&bytes[..2], &INIT);
        assert_eq!(&bytes[2..10], &[0x1d, b'v', b'0', 0, 2, 0, 0, 1]);
        assert_eq!(bytes[10], 0x80);
        let second = 10 + 2 * 256;
        assert_eq!(&bytes[second..second + 8], &[0x1d, b'v', b'0', 0, 2, 0, 44, 0]);
        assert!(bytes.ends_with(&[0x1d, b'V', 66, 0]), "cut with no extra feed");
        assert_eq!(bytes.len(), 2 + 8 + 512 + 8 + 88 + 4);
    }
}
