//! QR encoding (error correction M) into a plain module matrix.

use std::sync::Mutex;

use qrcode::{Color, EcLevel, QrCode};

use crate::ReceiptError;

/// Quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: u32 = 4;
/// Smallest module we print: 3 dots at 203 dpi = 0.375 mm (≥ 0.33 mm).
pub const MIN_MODULE_DOTS: u32 = 3;

/// An encoded QR symbol without its quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    data: String,
    width: u32,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `data` with error correction level M. The last symbol is
    /// kept: a kiosk draws the same slip twice (the preview on screen, then
    /// the print), and choosing the best of eight masks is most of the work.
    pub fn encode(data: &str) -> Result<Self, ReceiptError> {
        static LAST: Mutex<Option<QrMatrix>> = Mutex::new(None);
        if let Ok(last) = LAST.lock()
            && let Some(qr) = last.as_ref().filter(|q| q.data == data)
        {
            return Ok(qr.clone());
        }
        let qr = Self::encode_uncached(data)?;
        if let Ok(mut last) = LAST.lock() {
            *last = Some(qr.clone());
        }
        Ok(qr)
    }

    fn encode_uncached(data: &str) -> Result<Self, ReceiptError> {
        let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
            .map_err(|e| ReceiptError::Qr(format!("{e} (data of {} bytes)", data.len())))?;
        let width = u32::try_from(code.width()).map_err(|_| ReceiptError::Qr("symbol too wide".to_owned()))?;
        let dark = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
        Ok(Self { data: data.to_owned(), width, dark })
    }

    /// The encoded text.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Modules per side including the quiet zone on both sides.
    pub fn width_with_quiet_zone(&self) -> u32 {
        self.width + 2 * QUIET_ZONE
    }

    /// Whether module (x, y) of the symbol (quiet zone excluded) is dark.
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        if x >= self.width || y >= self.width {
            return false;
        }
        self.dark.get((y * self.width + x) as usize).copied().unwrap_or(false)
    }

    /// Runs of dark modules per row as (row, first column, length): the
    /// renderers draw one rectangle per run.
    pub fn dark_runs(&self) -> Vec<(u32, u32, u32)> {
        crate::runs::dark_runs(self.width, self.width, |x, y| self.is_dark(x, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_url_encodes_to_a_small_symbol() {
        let qr = QrMatrix::encode("https://motcua.example/t/SAMPLE").unwrap();
        assert_eq!(qr.width(), 29, "version 3 at level M");
        assert!(qr.is_dark(0, 0), "finder pattern corner");
        assert!(!qr.is_dark(qr.width(), 0));
    }

    #[test]
    fn a_repeated_encode_gives_the_same_symbol_and_another_text_its_own() {
        let a = QrMatrix::encode("https://motcua.example/t/AAAAAAAAAAAAAAAAAAAAAA").unwrap();
        let b = QrMatrix::encode("https://motcua.example/t/BBBBBBBBBBBBBBBBBBBBBB").unwrap();
        assert_ne!(a, b);
        assert_eq!(QrMatrix::encode(a.data()).unwrap(), a);
        assert_eq!(QrMatrix::encode(b.data()).unwrap(), QrMatrix::encode_uncached(b.data()).unwrap());
    }

    #[test]
    fn too_much_data_is_an_error() {
        let data = "x".repeat(4000);
        assert!(matches!(QrMatrix::encode(&data), Err(ReceiptError::Qr(_))));
    }
}
