//! The ticket slip, laid out and rendered with names nobody here wrote: long
//! words, combining marks, right-to-left text, emoji, zero-width characters,
//! control characters. The names come from the catalog (the center's IT
//! officer, or a server the kiosk trusts); the slip must still print, on the
//! paper, and end.

use std::sync::OnceLock;

use jiff::civil::date;
use motcua_receipt::labels::Label;
use motcua_receipt::{Item, Lang, Page, Paper, Raster, Renderer, TicketSlip, escpos, samples, slips};
use unicode_normalization::UnicodeNormalization;

use crate::{Outcome, Violation, ensure, text};

/// The longest a ticket slip may be, in dots: 120 mm at 203 dpi, whatever
/// the names (each takes at most three lines; real names keep a ticket
/// within 80 mm).
pub const MAX_HEIGHT: u32 = 960;

/// Flags in the first byte of an input.
const PAPER_58: u8 = 1;
const ENGLISH: u8 = 1 << 1;
const OFFLINE: u8 = 1 << 2;
const PRIORITY: u8 = 1 << 3;
const AHEAD_UNKNOWN: u8 = 1 << 4;
const WAIT_UNKNOWN: u8 = 1 << 5;
const APPOINTMENT: u8 = 1 << 6;

fn renderer() -> Result<&'static Renderer, Violation> {
    static RENDERER: OnceLock<Option<Renderer>> = OnceLock::new();
    RENDERER.get_or_init(|| Renderer::new().ok()).as_ref().ok_or_else(|| Violation("the embedded fonts do not parse".into()))
}

/// An input as a slip: the first byte's flags, then the center, service,
/// priority and counter-area names and the ticket number, separated by 0x1F
/// bytes. The number keeps only what a number can hold (`A-Z 0-9 -`, the
/// server's and the offline series' shape), at most 20.
pub fn input(data: &[u8]) -> (TicketSlip, Lang, Paper) {
    let (flags, rest) = data.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
    let mut parts = rest.split(|b| *b == 0x1f).map(|p| text(p).into_owned());
    let mut next = || parts.next().unwrap_or_default();
    let (center, service, priority, area, number) = (next(), next(), next(), next(), next());
    let number: String = number.chars().filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '-').take(20).collect();
    let slip = TicketSlip {
        center_name: center,
        logo: None,
        number: if number.is_empty() { "A001".to_owned() } else { number },
        service_name: service,
        counter_area: area,
        priority: (flags & PRIORITY != 0).then_some(priority),
        issued_at: date(2026, 11, 28).at(8, 15, 12, 0),
        people_ahead: (flags & AHEAD_UNKNOWN == 0).then_some(7),
        estimated_wait_minutes: (flags & WAIT_UNKNOWN == 0).then_some(25),
        lookup_url: samples::SAMPLE_URL.to_owned(),
        offline: flags & OFFLINE != 0,
        appointment: (flags & APPOINTMENT != 0).then(|| jiff::civil::time(9, 30, 0, 0)),
    };
    let lang = if flags & ENGLISH != 0 { Lang::En } else { Lang::Vi };
    let paper = if flags & PAPER_58 != 0 { Paper::Mm58 } else { Paper::Mm80 };
    (slip, lang, paper)
}

/// Everything on the page lies on the paper, and the page is no longer than [`MAX_HEIGHT`].
fn check_page(page: &Page, paper: Paper) -> Outcome {
    let (w, h) = (page.width, page.height);
    ensure!(w == paper.dots(), "page {w} dots wide on {paper:?}");
    ensure!(h <= MAX_HEIGHT, "slip of {h} dots (over {MAX_HEIGHT}) on {paper:?}");
    // Half a dot of rounding either way.
    let (wf, hf) = (w as f32 + 0.5, h as f32 + 0.5);
    for item in &page.items {
        match item {
            Item::Text(l) => {
                let finite = [l.x, l.baseline, l.size, l.width, l.stretch].iter().all(|v| v.is_finite());
                ensure!(finite, "line {:?} has a coordinate that is not a number", l.text);
                ensure!(l.x >= -0.5 && l.x + l.width <= wf, "line {:?} from {} to {} leaves the {w}-dot paper", l.text, l.x, l.x + l.width);
                ensure!(l.baseline >= 0.0 && l.baseline <= hf, "line {:?} at baseline {} is off the {h}-dot page", l.text, l.baseline);
            }
            Item::Fill { x, y, w: fw, h: fh } => {
                let inside = x.checked_add(*fw).is_some_and(|r| r <= w) && y.checked_add(*fh).is_some_and(|b| b <= h);
                ensure!(inside, "fill {fw}x{fh} at ({x}, {y}) leaves the {w}x{h} page");
            }
            Item::Qr { x, y, module, matrix } => {
                let side = matrix.width() * module;
                ensure!(x + side <= w && y + side <= h, "QR of {side} dots at ({x}, {y}) leaves the {w}x{h} page");
            }
            Item::Image { .. } => {}
        }
    }
    Ok(())
}

/// The raster is the page, dot for dot, and the ESC/POS job frames all of it.
fn check_print(page: &Page, raster: &Raster, job: &[u8]) -> Outcome {
    ensure!(
        raster.width == page.width && raster.height == page.height,
        "raster {}x{} for a {}x{} page",
        raster.width,
        raster.height,
        page.width,
        page.height
    );
    ensure!(raster.bits.len() == raster.stride() * raster.height as usize, "raster of {} bytes", raster.bits.len());
    let bands = raster.height.div_ceil(escpos::BAND_ROWS) as usize;
    let expected = escpos::INIT.len() + bands * 8 + raster.bits.len() + escpos::PARTIAL_CUT.len() + 1;
    ensure!(job.len() == expected, "ESC/POS job of {} bytes, {expected} expected", job.len());
    ensure!(job.starts_with(&escpos::INIT) && job.ends_with(&[0x1d, b'V', 66, 0]), "ESC/POS job not framed by init and cut");
    Ok(())
}

/// The names as the lines set from them read: NFC, one line (whitespace and
/// control characters as one space).
fn name_texts(slip: &TicketSlip, lang: Lang) -> Vec<String> {
    let collapse = |s: &str| {
        let nfc: String = s.nfc().collect();
        nfc.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
    };
    let mut names = vec![collapse(&slip.center_name), collapse(&slip.service_name), collapse(&slip.counter_area)];
    if let Some(p) = &slip.priority {
        names.push(collapse(&format!("{}: {p}", Label::Priority.text(lang).to_uppercase())));
    }
    names
}

/// The page with only the lines set from the names (and the rules and
/// frames): what a fuzzed input can change in the raster. The number, the
/// QR and the fixed labels are drawn the same for every input and are most
/// of the ink; drawing them every run would cost ten times the executions.
fn name_lines(page: &Page, names: &[String]) -> Page {
    let items = page
        .items
        .iter()
        .filter(|item| match item {
            Item::Text(l) => {
                let text = l.text.strip_suffix('…').unwrap_or(&l.text);
                names.iter().any(|n| n.contains(text))
            }
            Item::Fill { .. } => true,
            Item::Qr { .. } | Item::Image { .. } => false,
        })
        .cloned()
        .collect();
    Page { items, ..page.clone() }
}

/// How much of the slip is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Draw {
    /// The lines set from the names, into a raster of the whole page.
    Names,
    /// The whole slip, and its PNG preview.
    Everything,
}

fn render(data: &[u8], draw: Draw) -> Outcome {
    let (slip, lang, paper) = input(data);
    let r = renderer()?;
    let layout = slips::ticket(&slip, lang).map_err(|e| Violation(format!("no layout: {e}")))?;
    let page = r.typeset(&layout, paper).map_err(|e| Violation(format!("no page: {e}")))?;
    check_page(&page, paper)?;
    let raster = match draw {
        Draw::Names => r.draw(&name_lines(&page, &name_texts(&slip, lang))),
        Draw::Everything => r.raster(&layout, paper).map_err(|e| Violation(format!("no raster: {e}")))?,
    };
    check_print(&page, &raster, &escpos::encode(&raster))?;
    if draw == Draw::Everything {
        let png = raster.to_png().map_err(|e| Violation(format!("no PNG: {e}")))?;
        // The IHDR chunk right after the signature: width, then height, big-endian.
        let dims = png.get(16..24).map(|d| d.chunks(4).map(|c| c.iter().fold(0u32, |a, b| a << 8 | u32::from(*b))).collect::<Vec<_>>());
        ensure!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
        ensure!(dims == Some(vec![raster.width, raster.height]), "PNG of {dims:?} for a {}x{} raster", raster.width, raster.height);
    }
    Ok(())
}

/// What libFuzzer runs: the whole ticket laid out and typeset, the lines set
/// from the names drawn into the raster and framed as ESC/POS.
pub fn fuzz(data: &[u8]) -> Outcome {
    render(data, Draw::Names)
}

/// What the corpus replay runs: the whole slip drawn, framed as ESC/POS and
/// encoded as the PNG preview.
pub fn replay(data: &[u8]) -> Outcome {
    render(data, Draw::Everything)
}
