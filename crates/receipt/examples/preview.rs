//! Writes PNG and PDF previews of the sample slips into a folder.
//!
//! `cargo run -p motcua-receipt --example preview -- OUT_DIR`

use motcua_receipt::{Align, Lang, Paper, Renderer, TextSize, Weight, samples, slips};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).unwrap_or_else(|| "docs".to_owned());
    std::fs::create_dir_all(&out)?;
    let r = Renderer::new()?;
    let slips = [
        ("ticket", slips::ticket(&samples::ticket(None), Lang::Vi)?),
        ("ticket-offline", slips::ticket(&samples::ticket_offline_priority(None), Lang::Vi)?),
        ("ticket-en", slips::ticket(&samples::ticket(None), Lang::En)?),
        ("dossier", slips::dossier(&samples::dossier(), Lang::Vi)),
        ("checklist", slips::checklist(&samples::checklist(), Lang::Vi)),
    ];
    for (name, layout) in &slips {
        for (paper, mm) in [(Paper::Mm80, 80), (Paper::Mm58, 58)] {
            std::fs::write(format!("{out}/{name}-{mm}mm.png"), r.png(layout, paper)?)?;
            std::fs::write(format!("{out}/{name}-{mm}mm.pdf"), r.pdf(layout, paper)?)?;
        }
    }
    // Diacritics check: every size the slips use, zoomed 3× dot for dot.
    let mut l = motcua_receipt::Layout::new();
    for size in [TextSize::Fine, TextSize::Small, TextSize::Normal, TextSize::Large, TextSize::Title] {
        for weight in [Weight::Regular, Weight::Bold] {
            l.text("ệ ở ữ Ặ Ễ Ỗ Ậ ỳ Ỷ — Nguyễn Thị Lưỡng, Quyết định", size, weight, Align::Left);
        }
    }
    let raster = r.raster(&l, Paper::Mm80)?;
    let png = raster.to_png()?;
    let img = image::load_from_memory(&png)?.to_luma8();
    let zoomed = image::imageops::resize(&img, img.width() * 3, img.height() * 3, image::imageops::FilterType::Nearest);
    let cropped = image::imageops::crop_imm(&zoomed, 0, 0, 900, zoomed.height()).to_image();
    cropped.save_with_format(format!("{out}/diacritics-zoom.png"), image::ImageFormat::Png)?;
    Ok(())
}
