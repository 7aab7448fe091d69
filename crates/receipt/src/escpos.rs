//! ESC/POS framing of a raster: `ESC @`, `GS v 0` bands, feed, partial cut.
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
/// Lines fed after the image so the slip clears the cutter.
pub const FEED_LINES: u8 = 4;

/// `ESC @`: initialise.
pub const INIT: [u8; 2] = [0x1b, b'@'];
/// `GS v 0`: print raster bit image (followed by m, xL, xH, yL, yH).
pub const RASTER: [u8; 3] = [0x1d, b'v', b'0'];
/// `ESC d`: print and feed n lines.
pub const FEED: [u8; 2] = [0x1b, b'd'];
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
    out.extend_from_slice(&FEED);
    out.push(FEED_LINES);
    out.extend_from_slice(&PARTIAL_CUT);
    out.push(0);
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
        assert!(bytes.ends_with(&[0x1b, b'd', FEED_LINES, 0x1d, b'V', 66, 0]));
        assert_eq!(bytes.len(), 2 + 8 + 512 + 8 + 88 + 7);
    }
}
