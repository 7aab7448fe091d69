//! Reads an ESC/POS job back into the image it prints, so a test can compare
//! it with the raster it meant to send and decode its QR code.
//!
//! Only what the kiosk sends is understood: `ESC @`, `GS v 0` raster bands,
//! `ESC d n` and `GS V 66 n`. Anything else, or a stream cut short, is an
//! error that says where: a printer given those bytes would print garbage.
//!
//! It also counts the paper a job moves before its cut ([`Job::paper_dots`]):
//! the raster rows plus every feed in the stream.

use motcua_receipt::Raster;

/// Bands taller than this are not sent by the kiosk (printers buffer a band).
const MAX_BAND_ROWS: usize = 256;
/// Dots per line of `ESC d n` with a printer's default line spacing: 3.75 mm
/// (30 dots at 203 dpi) on most 80 mm printers; Epson's TM-T88 uses 1/6 inch
/// (34 dots).
pub const DEFAULT_LINE_DOTS: u32 = 30;
/// Printer dots per inch.
const DPI: f32 = 203.0;

/// A job read back: the image it prints and the paper it moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The image, band after band.
    pub raster: Raster,
    /// Paper fed after the image and before the cut, in dots: `ESC d n`
    /// lines at [`DEFAULT_LINE_DOTS`], and the n of `GS V 66 n` (counted as
    /// 1/203-inch units; the kiosk sends 0).
    pub feed_dots: u32,
}

impl Job {
    /// Paper the stream moves up to its cut, in dots: raster plus feeds.
    /// (Cut to cut, a slip is also the printer's fixed head-to-cutter gap.)
    pub fn paper_dots(&self) -> u32 {
        self.raster.height + self.feed_dots
    }

    /// [`Job::paper_dots`] in millimetres.
    pub fn paper_mm(&self) -> f32 {
        self.paper_dots() as f32 * 25.4 / DPI
    }
}

/// Parses a whole job: it must start with `ESC @`, hold at least one raster
/// band, every band the same width, and end with a partial cut.
pub fn parse_escpos(bytes: &[u8]) -> Result<Raster, String> {
    parse_job(bytes).map(|job| job.raster)
}

/// [`parse_escpos`], with the paper fed before the cut.
pub fn parse_job(bytes: &[u8]) -> Result<Job, String> {
    let mut i = 0;
    let mut stride = None;
    let mut bits = Vec::new();
    let mut height = 0u32;
    let mut feed_dots = 0u32;
    let (mut initialised, mut cut) = (false, false);
    while i < bytes.len() {
        match &bytes[i..] {
            [0x1b, b'@', ..] => {
                initialised = true;
                i += 2;
            }
            [0x1d, b'v', b'0', rest @ ..] => {
                let [m, xl, xh, yl, yh, ..] = *rest else {
                    return Err(format!("GS v 0 at {i}: header cut short ({} of 8 bytes)", rest.len() + 3));
                };
                if m != 0 {
                    return Err(format!("GS v 0 at {i}: density m = {m}, expected 0 (normal)"));
                }
                let width = usize::from(u16::from_le_bytes([xl, xh]));
                let rows = usize::from(u16::from_le_bytes([yl, yh]));
                if rows > MAX_BAND_ROWS {
                    return Err(format!("GS v 0 at {i}: a band of {rows} rows, at most {MAX_BAND_ROWS}"));
                }
                if *stride.get_or_insert(width) != width {
                    return Err(format!("GS v 0 at {i}: {width} bytes wide, earlier bands {}", stride.unwrap_or(0)));
                }
                let start = i + 8;
                let band = bytes
                    .get(start..start + width * rows)
                    .ok_or_else(|| format!("GS v 0 at {i}: band data cut short ({} of {} bytes)", bytes.len() - start, width * rows))?;
                bits.extend_from_slice(band);
                height += rows as u32;
                i = start + width * rows;
            }
            [0x1b, b'd', n, ..] => {
                feed_dots += u32::from(*n) * DEFAULT_LINE_DOTS;
                i += 3;
            }
            [0x1d, b'V', 66, n, ..] => {
                feed_dots += u32::from(*n);
                cut = true;
                i += 4;
            }
            rest => return Err(format!("unexpected ESC/POS bytes at {i}: {:02x?}", &rest[..rest.len().min(8)])),
        }
    }
    if !initialised {
        return Err("the job does not start with ESC @".to_owned());
    }
    if !cut {
        return Err("the job does not end with a partial cut (GS V 66 n)".to_owned());
    }
    let stride = stride.ok_or("the job holds no raster band")?;
    Ok(Job { raster: Raster { width: stride as u32 * 8, height, bits }, feed_dots })
}

/// [`parse_escpos`], failing the test on a malformed job.
pub fn decode_escpos(bytes: &[u8]) -> Raster {
    decode_job(bytes).raster
}

/// [`parse_job`], failing the test on a malformed job.
pub fn decode_job(bytes: &[u8]) -> Job {
    parse_job(bytes).unwrap_or_else(|e| panic!("not a job the kiosk sends: {e}"))
}

/// The QR code printed by an ESC/POS job (decoded with zbarimg).
pub fn qr_of_job(job: &[u8]) -> String {
    let png = decode_escpos(job).to_png().expect("PNG of the decoded job");
    crate::tools::qr_of_png(&png)
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_receipt::escpos::encode;

    /// 600 rows: three bands, the last one short.
    fn checkerboard() -> Raster {
        let mut r = Raster::new(64, 600);
        for (i, b) in r.bits.iter_mut().enumerate() {
            *b = if i % 3 == 0 { 0xaa } else { 0x0f };
        }
        r
    }

    #[test]
    fn an_encoded_raster_decodes_bit_for_bit() {
        let r = checkerboard();
        assert_eq!(decode_escpos(&encode(&r)), r);
    }

    #[test]
    fn a_stream_cut_short_is_an_error_not_a_slice_panic() {
        let job = encode(&checkerboard());
        // Cut inside the first band header, inside band data, and before the cut.
        for len in [5, 8 + 100, job.len() - 2] {
            let err = parse_escpos(&job[..len]).unwrap_err();
            assert!(err.contains("cut short") || err.contains("partial cut") || err.contains("unexpected"), "{len}: {err}");
        }
        assert!(parse_escpos(&job[..8 + 100]).unwrap_err().contains("band data cut short"));
        assert!(parse_escpos(&job[..5]).unwrap_err().contains("header cut short"));
    }

    #[test]
    fn a_job_without_init_cut_or_band_is_refused() {
        let job = encode(&checkerboard());
        assert!(parse_escpos(&job[2..]).unwrap_err().contains("ESC @"));
        assert!(parse_escpos(&job[..job.len() - 4]).unwrap_err().contains("partial cut"));
        assert!(parse_escpos(&[0x1b, b'@', 0x1d, b'V', 66, 0]).unwrap_err().contains("no raster band"));
    }

    #[test]
    fn bands_must_agree_and_stay_small() {
        let mut job = vec![0x1b, b'@'];
        job.extend_from_slice(&[0x1d, b'v', b'0', 0, 2, 0, 1, 0, 0xff, 0xff]);
        job.extend_from_slice(&[0x1d, b'v', b'0', 0, 3, 0, 1, 0, 0, 0, 0]);
        assert!(parse_escpos(&job).unwrap_err().contains("earlier bands 2"));
        let tall = [0x1b, b'@', 0x1d, b'v', b'0', 0, 1, 0, 0x01, 0x01];
        assert!(parse_escpos(&tall).unwrap_err().contains("257 rows"));
        let dense = [0x1b, b'@', 0x1d, b'v', b'0', 3, 1, 0, 1, 0, 0];
        assert!(parse_escpos(&dense).unwrap_err().contains("density"));
    }

    #[test]
    fn feeds_before_the_cut_count_as_paper() {
        let r = checkerboard();
        assert_eq!(decode_job(&encode(&r)).paper_dots(), 600, "the kiosk's jobs feed nothing beyond the raster");
        let mut job = encode(&r);
        let cut = job.len() - 4;
        job.splice(cut..cut, [0x1b, b'd', 4]);
        let n = job.len() - 1;
        job[n] = 10;
        let decoded = decode_job(&job);
        assert_eq!(decoded.feed_dots, 4 * DEFAULT_LINE_DOTS + 10);
        assert_eq!(decoded.paper_dots(), 600 + 4 * DEFAULT_LINE_DOTS + 10);
        assert!((decode_job(&encode(&r)).paper_mm() - 75.07).abs() < 0.01);
    }

    #[test]
    fn unknown_commands_are_named_with_their_offset() {
        let err = parse_escpos(&[0x1b, b'@', 0x1b, b't', 16]).unwrap_err();
        assert!(err.starts_with("unexpected ESC/POS bytes at 2: [1b, 74, 10]"), "{err}");
    }
}
