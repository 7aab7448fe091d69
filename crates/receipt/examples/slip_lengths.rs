//! Prints how much paper each sample slip takes, measured on the ESC/POS
//! stream a printer gets (decoded back: raster rows plus every feed before
//! the cut), and the ticket number's ink height in that raster.
//!
//! `cargo run -p motcua-receipt --example slip_lengths`

use motcua_receipt::{Lang, Layout, Paper, Renderer, TicketSlip, samples, slips};
use motcua_testkit::decode_job;

/// A lookup URL as long as a real deployment's (QR version 4).
const REAL_URL: &str = "https://hcc.vinhphuc.gov.vn/t/9fQ2xLk3vB7mZ1pWq8Rt0A";

fn mm(dots: u32) -> f32 {
    dots as f32 * 25.4 / 203.0
}

/// Height of the ink band holding `row`.
fn ink_height(raster: &motcua_receipt::Raster, row: u32) -> u32 {
    let inked = |y: u32| (0..raster.width).any(|x| raster.get(x, y));
    let (mut top, mut bottom) = (row, row);
    while top > 0 && inked(top - 1) {
        top -= 1;
    }
    while bottom + 1 < raster.height && inked(bottom + 1) {
        bottom += 1;
    }
    bottom - top + 1
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let r = Renderer::new()?;
    let online = samples::ticket(Some(REAL_URL));
    let offline = samples::ticket_offline_priority(Some(REAL_URL));
    let tickets: [(&str, TicketSlip); 6] = [
        ("ticket, online", online.clone()),
        ("ticket, online, priority", TicketSlip { priority: Some("Người cao tuổi".into()), ..online }),
        ("ticket, offline", TicketSlip { priority: None, ..offline.clone() }),
        ("ticket, offline, priority", offline.clone()),
        ("ticket, offline `B-W2-001`", TicketSlip { number: "B-W2-001".into(), ..offline.clone() }),
        ("ticket, offline `B-LOB1-001`", TicketSlip { number: "B-LOB1-001".into(), ..offline }),
    ];
    println!("| slip | 80 mm, vi | 80 mm, en | 58 mm, vi | 58 mm, en | number ink, 80 / 58 mm |");
    println!("|---|---|---|---|---|---|");
    for (name, slip) in &tickets {
        let layouts = [slips::ticket(slip, Lang::Vi)?, slips::ticket(slip, Lang::En)?];
        let mut inks = Vec::new();
        for paper in [Paper::Mm80, Paper::Mm58] {
            let page = r.typeset(&layouts[0], paper)?;
            let raster = decode_job(&r.escpos(&layouts[0], paper)?).raster;
            let baseline = page.lines().find(|l| l.text == slip.number).map_or(0, |l| l.baseline as u32);
            let ink = ink_height(&raster, baseline.saturating_sub(2));
            inks.push(format!("{ink} dots, {:.1} mm", mm(ink)));
        }
        println!("| {name} | {} | {} |", cells(&r, &layouts)?, inks.join(" / "));
    }
    for (name, vi, en) in [
        ("dossier status", slips::dossier(&samples::dossier(), Lang::Vi), slips::dossier(&samples::dossier(), Lang::En)),
        ("checklist", slips::checklist(&samples::checklist(), Lang::Vi), slips::checklist(&samples::checklist(), Lang::En)),
    ] {
        println!("| {name} | {} | |", cells(&r, &[vi, en])?);
    }
    Ok(())
}

/// "609 dots, 76.2 mm" for each paper and language, joined as table cells.
fn cells(r: &Renderer, layouts: &[Layout; 2]) -> Result<String, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    for paper in [Paper::Mm80, Paper::Mm58] {
        for layout in layouts {
            let job = decode_job(&r.escpos(layout, paper)?);
            out.push(format!("{} dots, {:.1} mm", job.paper_dots(), job.paper_mm()));
        }
    }
    Ok(out.join(" | "))
}
