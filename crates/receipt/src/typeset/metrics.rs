//! Pixel metrics per paper width: what the semantic sizes of a layout are
//! in dots, and how large a ticket's number and QR are.

use crate::Paper;
use crate::layout::TextSize;

/// Pixel metrics for one paper width.
pub(super) struct Metrics {
    pub(super) margin: u32,
    pub(super) fine: f32,
    pub(super) small: f32,
    pub(super) normal: f32,
    pub(super) large: f32,
    pub(super) title: f32,
    /// Ink height of the ticket number (cap height, overshoot included).
    pub(super) number_ink: f32,
    /// The narrowest a ticket number is condensed before it is made smaller.
    pub(super) min_stretch: f32,
    /// Largest module of a centred QR.
    pub(super) max_module: u32,
    /// Module of a QR set beside text: 0.5 mm, the smallest a phone reads
    /// comfortably from thermal paper.
    pub(super) beside_module: u32,
}

impl Metrics {
    pub(super) fn for_paper(paper: Paper) -> Self {
        match paper {
            // Body text 28 dots: 20-dot (2.5 mm) capitals. The number: 124 dots, 15.5 mm.
            Paper::Mm80 => Self {
                margin: 12,
                fine: 22.0,
                small: 22.0,
                normal: 28.0,
                large: 31.0,
                title: 34.0,
                number_ink: 124.0,
                // Keeps an offline number with a four-letter kiosk code
                // ("B-LOB1-001", 0.57) at 15 mm.
                min_stretch: 0.56,
                max_module: 6,
                beside_module: 4,
            },
            // 58 mm trades type size for length: 22-dot body text (2.0 mm
            // capitals), 16-dot fine print on tickets (1.4 mm, ESC/POS font B).
            Paper::Mm58 => Self {
                margin: 8,
                fine: 16.0,
                small: 19.0,
                normal: 22.0,
                large: 24.0,
                title: 29.0,
                number_ink: 124.0,
                // An offline number is twice as long as "A012": condensed to
                // 72 %, then smaller (A-K1-003 ≈ 11 mm) rather than narrower.
                min_stretch: 0.72,
                max_module: 5,
                beside_module: 4,
            },
        }
    }

    pub(super) fn size(&self, size: TextSize) -> f32 {
        match size {
            TextSize::Fine => self.fine,
            TextSize::Small => self.small,
            TextSize::Normal => self.normal,
            TextSize::Large => self.large,
            TextSize::Title => self.title,
        }
    }
}
