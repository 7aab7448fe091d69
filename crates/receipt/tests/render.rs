//! End-to-end checks of the slips with real decoders (zbar-tools,
//! poppler-utils).

// A test crate: a failed unwrap is the report (its helpers are not `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_receipt::{Align, Item, Lang, Layout, Paper, Renderer, TextSize, Weight, escpos, samples, slips};
use motcua_testkit::{decode_escpos, pdf_text, pdf_to_png, pdf_words, run_tool, zbar};

fn renderer() -> Renderer {
    Renderer::new().expect("embedded fonts parse")
}

const PAPERS: [Paper; 2] = [Paper::Mm80, Paper::Mm58];

#[test]
fn qr_on_the_png_preview_decodes_to_the_lookup_url_on_both_papers() {
    let r = renderer();
    let dir = tempfile::tempdir().unwrap();
    let url = "https://motcua.example/t/9fQ2xLk3vB7mZ1pW";
    for paper in PAPERS {
        let layout = slips::ticket(&samples::ticket(Some(url)), Lang::Vi).unwrap();
        let path = dir.path().join(format!("ticket-{}.png", paper.dots()));
        std::fs::write(&path, r.png(&layout, paper).unwrap()).unwrap();
        assert_eq!(zbar(&path), url, "{paper:?}");
    }
}

#[test]
fn qr_on_the_pdf_decodes_after_pdftoppm() {
    let r = renderer();
    let dir = tempfile::tempdir().unwrap();
    for paper in PAPERS {
        let layout = slips::ticket(&samples::ticket(None), Lang::Vi).unwrap();
        let pdf = dir.path().join(format!("ticket-{}.pdf", paper.dots()));
        std::fs::write(&pdf, r.pdf(&layout, paper).unwrap()).unwrap();
        for dpi in [203, 300] {
            let png = pdf_to_png(&pdf, dpi);
            assert_eq!(zbar(&png), samples::SAMPLE_URL, "{paper:?} at {dpi} dpi");
        }
    }
}

#[test]
fn escpos_stream_decodes_back_to_the_raster_bit_for_bit() {
    let r = renderer();
    let dir = tempfile::tempdir().unwrap();
    for paper in PAPERS {
        let layout = slips::ticket(&samples::ticket_offline_priority(None), Lang::Vi).unwrap();
        let raster = r.raster(&layout, paper).unwrap();
        assert!(raster.height > 256, "the ticket needs several bands");
        let decoded = decode_escpos(&escpos::encode(&raster));
        assert_eq!(decoded, raster, "{paper:?}");
        let path = dir.path().join("escpos.png");
        std::fs::write(&path, decoded.to_png().unwrap()).unwrap();
        assert_eq!(zbar(&path), samples::SAMPLE_URL);
    }
}

#[test]
fn pdf_embeds_the_font_as_a_subset() {
    let r = renderer();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("ticket.pdf");
    let layout = slips::ticket(&samples::ticket(None), Lang::Vi).unwrap();
    std::fs::write(&pdf, r.pdf(&layout, Paper::Mm80).unwrap()).unwrap();
    let out = run_tool("pdffonts", "poppler-utils", &[pdf.to_str().unwrap()]);
    assert!(out.status.success());
    let listing = String::from_utf8(out.stdout).unwrap();
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert_eq!(fonts.len(), 2, "regular and bold:\n{listing}");
    for line in fonts {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let name = cols[0];
        let prefix = name.split('+').next().unwrap();
        assert!(name.contains('+') && prefix.len() == 6 && prefix.chars().all(|c| c.is_ascii_uppercase()), "subset name prefix in {line}");
        assert!(name.contains("NotoSans"), "{line}");
        // columns: name type [encoding words] emb sub uni object ID
        let n = cols.len();
        assert_eq!((cols[n - 5], cols[n - 4]), ("yes", "yes"), "emb and sub in {line}");
    }
}

#[test]
fn pdftotext_returns_the_vietnamese_text_exactly() {
    let r = renderer();
    let dir = tempfile::tempdir().unwrap();
    let ticket = samples::ticket(None);
    let pdf = dir.path().join("ticket.pdf");
    std::fs::write(&pdf, r.pdf(&slips::ticket(&ticket, Lang::Vi).unwrap(), Paper::Mm80).unwrap()).unwrap();
    let text = pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Trung tâm Phục vụ hành chính công tỉnh Vĩnh Phúc",
        "A012",
        ticket.service_name.as_str(),
        "Khu A, tầng 1",
        "Khoảng 25 phút",
        "08:15 28/11/2026",
        "Quét mã QR để theo dõi lượt",
    ] {
        assert!(flat.contains(expected), "{expected:?} missing from:\n{text}");
    }
}

#[test]
fn a_long_procedure_name_split_across_lines_reassembles_in_the_pdf() {
    let r = renderer();
    let dir = tempfile::tempdir().unwrap();
    let mut checklist = samples::checklist();
    checklist.procedure_name = samples::long_procedure_name();
    let pdf = dir.path().join("checklist.pdf");
    let layout = slips::checklist(&checklist, Lang::Vi);
    std::fs::write(&pdf, r.pdf(&layout, Paper::Mm58).unwrap()).unwrap();
    let flat = pdf_words(&pdf);
    assert!(flat.contains(&checklist.procedure_name), "{flat}");
}

#[test]
fn offline_ticket_carries_a_visible_offline_mark() {
    let r = renderer();
    let dir = tempfile::tempdir().unwrap();
    for (lang, mark) in [(Lang::Vi, "PHIẾU CẤP NGOẠI TUYẾN"), (Lang::En, "ISSUED OFFLINE")] {
        let layout = slips::ticket(&samples::ticket_offline_priority(None), lang).unwrap();
        let pdf = dir.path().join("offline.pdf");
        std::fs::write(&pdf, r.pdf(&layout, Paper::Mm80).unwrap()).unwrap();
        let flat = pdf_words(&pdf);
        assert!(flat.contains(mark), "{flat}");
        assert!(flat.contains("A-K1-003"));
        // The mark is reversed: its title is white text on a black band.
        let page = r.typeset(&layout, Paper::Mm80).unwrap();
        assert!(page.lines().any(|l| l.white), "title drawn white on black");
    }
}

#[test]
fn a_200_character_procedure_name_never_exceeds_58mm() {
    let r = renderer();
    let name = samples::long_procedure_name();
    assert_eq!(name.chars().count(), 200);
    let mut layout = Layout::new();
    for size in [TextSize::Fine, TextSize::Small, TextSize::Normal, TextSize::Large, TextSize::Title] {
        layout.text(name.clone(), size, Weight::Bold, Align::Left);
        layout.text(name.clone(), size, Weight::Regular, Align::Center);
    }
    layout.text("x".repeat(200), TextSize::Title, Weight::Bold, Align::Right);
    let page = r.typeset(&layout, Paper::Mm58).unwrap();
    let content = page.content_width() as f32;
    let (left, right) = (page.margin as f32, (page.width - page.margin) as f32);
    for line in page.lines() {
        assert!(line.width <= content + 0.01, "{} > {content}: {}", line.width, line.text);
        assert!(line.x >= left - 0.01 && line.x + line.width <= right + 0.01, "{line:?}");
    }
    let raster = r.raster(&layout, Paper::Mm58).unwrap();
    for y in 0..raster.height {
        for x in (raster.width - 4)..raster.width {
            assert!(!raster.get(x, y), "ink in the right margin at ({x}, {y})");
        }
    }
}

#[test]
fn the_big_number_is_the_tallest_text_on_the_ticket() {
    let r = renderer();
    for paper in PAPERS {
        for sample in [samples::ticket(None), samples::ticket_offline_priority(None)] {
            let number = sample.number.clone();
            let page = r.typeset(&slips::ticket(&sample, Lang::Vi).unwrap(), paper).unwrap();
            let big = page.lines().find(|l| l.text == number).expect("number line");
            let others = page.lines().filter(|l| l.text != number).map(|l| l.size);
            let tallest_other = others.fold(0.0_f32, f32::max);
            assert!(big.size > 2.5 * tallest_other, "{paper:?}: {} vs {tallest_other}", big.size);
            assert!(big.width <= page.content_width() as f32);
        }
    }
}

#[test]
fn qr_modules_are_at_least_three_dots_with_a_full_quiet_zone() {
    let r = renderer();
    for paper in PAPERS {
        let page = r.typeset(&slips::ticket(&samples::ticket(None), Lang::Vi).unwrap(), paper).unwrap();
        let (x, y, module, width) = page
            .items
            .iter()
            .find_map(|i| match i {
                Item::Qr { x, y, module, matrix } => Some((*x, *y, *module, matrix.width())),
                _ => None,
            })
            .expect("a QR");
        assert!(module >= 4, "{paper:?}: {module} dots per module");
        let quiet = 4 * module;
        assert!(x >= quiet && x + (width + 4) * module <= page.width, "horizontal quiet zone");
        let raster = r.raster(&slips::ticket(&samples::ticket(None), Lang::Vi).unwrap(), paper).unwrap();
        for yy in (y - quiet)..y {
            for xx in (x - quiet)..(x + (width + 4) * module) {
                assert!(!raster.get(xx, yy), "quiet zone above the QR is white");
            }
        }
        for yy in (y + width * module)..(y + (width + 4) * module) {
            for xx in (x - quiet)..(x + (width + 4) * module) {
                assert!(!raster.get(xx, yy), "quiet zone under the QR is white");
            }
        }
        for yy in (y - quiet)..(y + (width + 4) * module) {
            for xx in (x - quiet)..x {
                assert!(!raster.get(xx, yy), "no text of the column in the quiet zone left of the QR at ({xx}, {yy})");
            }
        }
        // Beside the fields, at the right edge: its quiet zone takes the margin.
        assert_eq!(x + (width + 4) * module, page.width, "{paper:?}");
    }
}

#[test]
fn every_slip_renders_in_both_languages_on_both_papers() {
    let r = renderer();
    for lang in [Lang::Vi, Lang::En] {
        let layouts = [
            slips::ticket(&samples::ticket(None), lang).unwrap(),
            slips::dossier(&samples::dossier(), lang),
            slips::checklist(&samples::checklist(), lang),
        ];
        for layout in &layouts {
            for paper in PAPERS {
                let raster = r.raster(layout, paper).unwrap();
                assert_eq!(raster.width, paper.dots());
                assert!(raster.black_count() > 1000);
                assert!(r.pdf(layout, paper).unwrap().starts_with(b"%PDF"));
            }
        }
    }
}
