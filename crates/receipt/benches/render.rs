//! Rendering a sample ticket: raster, ESC/POS and PDF, fonts parsed once.

use criterion::{Criterion, criterion_group, criterion_main};
use motcua_receipt::{Lang, Paper, Renderer, escpos, samples, slips};

fn render(c: &mut Criterion) {
    let Ok(renderer) = Renderer::new() else {
        eprintln!("embedded fonts did not parse");
        return;
    };
    let Ok(layout) = slips::ticket(&samples::ticket(None), Lang::Vi) else {
        eprintln!("sample ticket did not build");
        return;
    };
    c.bench_function("ticket_raster_80mm", |b| b.iter(|| renderer.raster(&layout, Paper::Mm80).map(|r| r.height)));
    c.bench_function("ticket_escpos_80mm", |b| b.iter(|| renderer.raster(&layout, Paper::Mm80).map(|r| escpos::encode(&r).len())));
    c.bench_function("ticket_pdf_80mm", |b| b.iter(|| renderer.pdf(&layout, Paper::Mm80).map(|p| p.len())));
}

criterion_group!(benches, render);
criterion_main!(benches);
