//! The ticket's paper budget, read back from what a printer would get: the
//! ESC/POS stream decoded by the testkit (raster and feeds up to the cut),
//! the ticket number's ink measured in that raster, and its QR read by zbar.

// A test crate: a failed unwrap is the report (its helpers are not `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_receipt::{Lang, Paper, Raster, Renderer, TicketSlip, samples, slips};
use motcua_testkit::{decode_job, qr_of_job};

const PAPERS: [Paper; 2] = [Paper::Mm80, Paper::Mm58];
const LANGS: [Lang; 2] = [Lang::Vi, Lang::En];
/// As long as a real deployment's lookup URL (base, `/t/`, 22-character token): QR version 4.
const REAL_URL: &str = "https://hcc.vinhphuc.gov.vn/t/9fQ2xLk3vB7mZ1pWq8Rt0A";
/// A long base URL: QR version 5.
const LONG_URL: &str = "https://dichvucong.vinhphuc.gov.vn/motcua/t/9fQ2xLk3vB7mZ1pWq8Rt0A";

fn dots(mm: f32) -> u32 {
    (mm * 203.0 / 25.4).floor() as u32
}

/// The longest a ticket may be on `paper`, feed before the cut included.
fn budget(paper: Paper) -> u32 {
    match paper {
        Paper::Mm80 => dots(80.0),
        Paper::Mm58 => dots(70.0),
    }
}

/// 15 mm in dots, rounded up: the ticket number's ink height.
const FIFTEEN_MM: u32 = 120;

/// Online and offline, with and without priority, for each URL length.
fn variants() -> Vec<(String, TicketSlip)> {
    let mut out = Vec::new();
    for url in [samples::SAMPLE_URL, REAL_URL, LONG_URL] {
        let online = samples::ticket(Some(url));
        let offline = samples::ticket_offline_priority(Some(url));
        out.push((format!("online {url}"), online.clone()));
        out.push((format!("online priority {url}"), TicketSlip { priority: Some("Người cao tuổi".into()), ..online }));
        out.push((format!("offline {url}"), TicketSlip { priority: None, ..offline.clone() }));
        out.push((format!("offline priority {url}"), offline));
        out.push((format!("appointment priority {url}"), samples::ticket_appointment(Some(url))));
    }
    out
}

/// Rows of the raster's ink band that holds row `inside`, within columns
/// `x0..x1`: (first row, last row).
fn ink_band(raster: &Raster, x0: u32, x1: u32, inside: u32) -> (u32, u32) {
    let inked = |y: u32| (x0..x1).any(|x| raster.get(x, y));
    assert!(inked(inside), "no ink at row {inside}");
    let mut top = inside;
    while top > 0 && inked(top - 1) {
        top -= 1;
    }
    let mut bottom = inside;
    while bottom + 1 < raster.height && inked(bottom + 1) {
        bottom += 1;
    }
    (top, bottom)
}

/// The ticket number's glyphs as printed: (ink height in dots, first and
/// last inked column). Fails unless they form one line.
fn number_ink(r: &Renderer, slip: &TicketSlip, lang: Lang, paper: Paper) -> (u32, u32, u32) {
    let layout = slips::ticket(slip, lang).unwrap();
    let page = r.typeset(&layout, paper).unwrap();
    let lines: Vec<_> = page.lines().filter(|l| l.text.contains(slip.number.as_str())).collect();
    assert_eq!(lines.len(), 1, "{paper:?}: the number {} is set on one line: {lines:?}", slip.number);
    let line = lines[0];
    assert_eq!(line.text, slip.number);
    // What the printer gets, read back.
    let raster = decode_job(&r.escpos(&layout, paper).unwrap()).raster;
    let (top, bottom) = ink_band(&raster, 0, raster.width, line.baseline as u32 - 2);
    let height = bottom - top + 1;
    // One line of glyphs: a second line would at least double the band.
    assert!(height as f32 <= 0.8 * line.size, "{paper:?} {}: ink band of {height} dots for a {} dot em", slip.number, line.size);
    let columns: Vec<u32> = (0..raster.width).filter(|&x| (top..=bottom).any(|y| raster.get(x, y))).collect();
    let (first, last) = (columns[0], columns[columns.len() - 1]);
    (height, first, last)
}

#[test]
fn every_ticket_variant_fits_its_paper_budget_with_feed_and_cut() {
    let r = Renderer::new().unwrap();
    for paper in PAPERS {
        for lang in LANGS {
            for (name, slip) in variants() {
                let job = decode_job(&r.escpos(&slips::ticket(&slip, lang).unwrap(), paper).unwrap());
                assert_eq!(job.raster.width, paper.dots());
                let length = job.paper_dots();
                assert!(
                    length <= budget(paper),
                    "{paper:?} {lang:?} {name}: {length} dots ({:.1} mm) > {} dots",
                    job.paper_mm(),
                    budget(paper)
                );
            }
        }
    }
}

#[test]
fn the_ticket_number_is_at_least_15_mm_of_ink_in_the_printed_raster() {
    let r = Renderer::new().unwrap();
    for paper in PAPERS {
        for lang in LANGS {
            for (name, slip) in variants() {
                let (height, first, last) = number_ink(&r, &slip, lang, paper);
                let content = 8..paper.dots() - 8;
                assert!(content.contains(&first) && content.contains(&last), "{paper:?} {name}: ink from {first} to {last}");
                // 80 mm: every number. 58 mm: the online numbers (A012); an offline
                // number is twice as long and is condensed, then made smaller.
                if paper == Paper::Mm80 || !slip.offline {
                    assert!(height >= FIFTEEN_MM, "{paper:?} {lang:?} {name}: number {height} dots tall");
                } else {
                    assert!(height >= 84, "{paper:?} {lang:?} {name}: offline number {height} dots tall");
                }
            }
        }
    }
}

#[test]
fn offline_numbers_with_long_kiosk_codes_stay_on_one_line() {
    let r = Renderer::new().unwrap();
    // (number, least ink height on 80 mm, on 58 mm) in dots.
    for (number, on_80, on_58) in [("B-W2-001", FIFTEEN_MM, 80), ("B-LOB1-001", FIFTEEN_MM, 64), ("A-K1-003", FIFTEEN_MM, 84)] {
        let slip = TicketSlip { number: number.to_owned(), ..samples::ticket_offline_priority(Some(REAL_URL)) };
        for paper in PAPERS {
            let (height, first, last) = number_ink(&r, &slip, Lang::Vi, paper);
            let least = if paper == Paper::Mm80 { on_80 } else { on_58 };
            assert!(height >= least, "{paper:?} {number}: {height} dots tall");
            assert!(first >= 8 && last < paper.dots() - 8, "{paper:?} {number}: ink from {first} to {last}");
        }
    }
}

#[test]
fn the_qr_read_back_from_the_escpos_stream_is_the_lookup_url() {
    let r = Renderer::new().unwrap();
    for paper in PAPERS {
        for lang in LANGS {
            for (name, slip) in variants() {
                let job = r.escpos(&slips::ticket(&slip, lang).unwrap(), paper).unwrap();
                assert_eq!(qr_of_job(&job), slip.lookup_url, "{paper:?} {lang:?} {name}");
            }
        }
    }
}

#[test]
fn the_short_ticket_keeps_every_field() {
    let r = Renderer::new().unwrap();
    for paper in PAPERS {
        for lang in LANGS {
            let slip = samples::ticket_offline_priority(Some(REAL_URL));
            let page = r.typeset(&slips::ticket(&slip, lang).unwrap(), paper).unwrap();
            let text = page.lines().map(|l| l.text.as_str()).collect::<Vec<_>>().join(" ");
            let (ahead, wait, your_number, offline) = match lang {
                Lang::Vi => ("3 người", "Khoảng 12 phút", "SỐ THỨ TỰ CỦA BẠN", "PHIẾU CẤP NGOẠI TUYẾN"),
                Lang::En => ("3 people", "About 12 minutes", "YOUR NUMBER", "ISSUED OFFLINE"),
            };
            for expected in [
                slip.center_name.as_str(),
                your_number,
                slip.number.as_str(),
                slip.service_name.as_str(),
                "Người cao tuổi",
                offline,
                slip.counter_area.as_str(),
                ahead,
                wait,
                "08:15 28/11/2026",
            ] {
                assert!(text.contains(expected), "{paper:?} {lang:?}: {expected:?} missing from {text}");
            }
            use motcua_receipt::labels::Label;
            for label in [
                Label::CounterArea,
                Label::PeopleAhead,
                Label::EstimatedWait,
                Label::IssuedAt,
                Label::OfflineDetail,
                Label::ScanToFollow,
                Label::KeepSlip,
            ] {
                assert!(text.contains(label.text(lang)), "{paper:?} {lang:?}: {label:?} missing from {text}");
            }
        }
    }
}

#[test]
fn field_values_on_80_mm_have_capitals_of_at_least_2_5_mm() {
    let r = Renderer::new().unwrap();
    let slip = samples::ticket(Some(REAL_URL));
    let layout = slips::ticket(&slip, Lang::Vi).unwrap();
    let page = r.typeset(&layout, Paper::Mm80).unwrap();
    let raster = decode_job(&r.escpos(&layout, Paper::Mm80).unwrap()).raster;
    let time = page.lines().find(|l| l.text == "08:15 28/11/2026").expect("the issue time");
    // "08:15" alone: digits stand on the baseline, with nothing above or below.
    let digits = r.fonts().face(time.weight).width("08:15", time.size);
    let (top, bottom) = ink_band(&raster, time.x as u32, (time.x + digits) as u32, time.baseline as u32 - 2);
    let height = bottom - top + 1;
    assert!(height as f32 >= 2.5 * 203.0 / 25.4, "{height} dots");
}
