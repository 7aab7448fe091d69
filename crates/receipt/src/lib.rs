//! Slips for the Một Cửa kiosk: a layout model for queue tickets, dossier
//! status slips and procedure checklists, and its renderers — a 1-bit raster
//! at 203 dpi, an ESC/POS byte stream, a PDF with the font embedded, and a PNG
//! preview. Pure rendering: no I/O, no dependency on the domain crate.
//!
//! ```no_run
//! use motcua_receipt::{Lang, Paper, Renderer, escpos, samples, slips};
//! # fn main() -> Result<(), motcua_receipt::ReceiptError> {
//! let renderer = Renderer::new()?; // parse the fonts once per process
//! let layout = slips::ticket(&samples::ticket(None), Lang::Vi)?;
//! let raster = renderer.raster(&layout, Paper::Mm80)?;
//! let _bytes = escpos::encode(&raster);
//! let _pdf = renderer.pdf(&layout, Paper::Mm80)?;
//! let _png = raster.to_png()?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod escpos;
pub mod fonts;
pub mod labels;
pub mod layout;
pub mod pdf;
mod png;
pub mod qr;
pub mod raster;
mod runs;
pub mod samples;
pub mod slips;
pub mod typeset;
pub mod wrap;

pub use fonts::Fonts;
pub use labels::Lang;
pub use layout::{Align, Bitmap, Block, Layout, NoticeStyle, Rule, TextBlock, TextSize, Weight};
pub use qr::QrMatrix;
pub use raster::Raster;
pub use slips::{ChecklistDocument, ChecklistSlip, DocumentForm, DossierSlip, Fee, TicketSlip};
pub use typeset::{Item, Page, TextLine};

/// Errors from building or rendering a slip.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// An embedded font could not be parsed (a build problem, not input).
    #[error("embedded font {0} could not be parsed")]
    Font(&'static str),
    /// The QR payload could not be encoded.
    #[error("QR code cannot be encoded: {0}")]
    Qr(String),
    /// The QR symbol does not fit the paper at the minimum module size.
    #[error("QR code of {modules} modules (with quiet zone) does not fit {width} dots at 3 dots per module")]
    QrTooLarge {
        /// Modules per side including the quiet zone.
        modules: u32,
        /// Available width in dots.
        width: u32,
    },
    /// An image is wider than the paper's content width.
    #[error("image {width} dots wide does not fit the paper ({max} dots)")]
    ImageTooWide {
        /// Image width.
        width: u32,
        /// Available width.
        max: u32,
    },
    /// PDF serialisation failed.
    #[error("PDF rendering failed: {0}")]
    Pdf(String),
    /// PNG encoding failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

/// Thermal paper width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Paper {
    /// 80 mm roll: 576 printable dots at 203 dpi.
    #[default]
    Mm80,
    /// 58 mm roll: 384 printable dots at 203 dpi.
    Mm58,
}

impl Paper {
    /// Printable width in dots at 203 dpi.
    pub fn dots(self) -> u32 {
        match self {
            Paper::Mm80 => 576,
            Paper::Mm58 => 384,
        }
    }

    /// Paper width in millimetres (the PDF page width).
    pub fn width_mm(self) -> f32 {
        match self {
            Paper::Mm80 => 80.0,
            Paper::Mm58 => 58.0,
        }
    }

    /// Parses "80"/"58" (also "80mm", "58mm").
    pub fn from_mm(s: &str) -> Option<Self> {
        match s.trim().trim_end_matches("mm") {
            "80" => Some(Paper::Mm80),
            "58" => Some(Paper::Mm58),
            _ => None,
        }
    }
}

/// Renders layouts; holds the fonts, parsed once. Cheap to share (`&self`).
#[derive(Debug, Clone)]
pub struct Renderer {
    fonts: Fonts,
    pdf_fonts: pdf::PdfFonts,
}

impl Renderer {
    /// Parses the embedded fonts. Create one per process and share it.
    pub fn new() -> Result<Self, ReceiptError> {
        Ok(Self { fonts: Fonts::new()?, pdf_fonts: pdf::PdfFonts::new()? })
    }

    /// The parsed faces (for measuring text).
    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// Lays `layout` out on `paper` without drawing it.
    pub fn typeset(&self, layout: &Layout, paper: Paper) -> Result<Page, ReceiptError> {
        typeset::typeset(&self.fonts, layout, paper)
    }

    /// The slip as a 1-bit raster, as wide as the paper's printable width.
    pub fn raster(&self, layout: &Layout, paper: Paper) -> Result<Raster, ReceiptError> {
        Ok(self.draw(&self.typeset(layout, paper)?))
    }

    /// The 1-bit raster of a page already typeset, as wide as its paper.
    pub fn draw(&self, page: &Page) -> Raster {
        raster::draw(&self.fonts, page)
    }

    /// The slip as ESC/POS bytes (raster, feed, partial cut).
    pub fn escpos(&self, layout: &Layout, paper: Paper) -> Result<Vec<u8>, ReceiptError> {
        Ok(escpos::encode(&self.raster(layout, paper)?))
    }

    /// The slip as a one-page PDF, page width = paper width.
    pub fn pdf(&self, layout: &Layout, paper: Paper) -> Result<Vec<u8>, ReceiptError> {
        pdf::write(&self.pdf_fonts, &self.typeset(layout, paper)?, "Một Cửa")
    }

    /// A PNG preview of the raster.
    pub fn png(&self, layout: &Layout, paper: Paper) -> Result<Vec<u8>, ReceiptError> {
        self.raster(layout, paper)?.to_png()
    }
}
