//! Charts as SVG written on the server: horizontal bars, columns (with an
//! optional line of averages) and a heat map. No script and no inline style:
//! shapes carry classes that `/assets/reports.css` colours, so the page works
//! under a strict Content-Security-Policy and prints as it shows. Every
//! chart has a `<title>`, and the page puts its numbers in a table beside it.

use std::fmt::Write;

/// Escapes text for SVG/HTML content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shortens a label to `max` characters with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn open(out: &mut String, id: &str, title: &str, w: u32, h: u32) {
    let _ = write!(
        out,
        r#"<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="{id}-t" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title>"#,
        esc(title)
    );
}

/// One horizontal bar: its label, its segments (value, class) and the text at its end.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Shown left of the bar (clipped).
    pub label: String,
    /// The bar's full description (hover).
    pub title: String,
    /// Stacked segments: value and CSS class.
    pub segments: Vec<(f64, &'static str)>,
    /// Written after the bar.
    pub value: String,
}

const W: u32 = 640;
const LABEL_W: f64 = 210.0;
const VALUE_W: f64 = 78.0;

/// Horizontal (stacked) bars, scaled to `max` (the largest total if 0).
pub fn hbars(id: &str, title: &str, bars: &[Bar], max: f64) -> String {
    let row = 26.0;
    let h = (bars.len().max(1) as f64 * row + 8.0).ceil() as u32;
    let max = if max > 0.0 { max } else { bars.iter().map(|b| b.segments.iter().map(|s| s.0).sum::<f64>()).fold(0.0, f64::max) };
    let area = f64::from(W) - LABEL_W - VALUE_W;
    let mut out = String::new();
    open(&mut out, id, title, W, h);
    if bars.is_empty() {
        let _ = write!(out, r#"<text class="empty" x="{}" y="20">—</text>"#, LABEL_W);
    }
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * row;
        let _ = write!(out, r#"<g class="bar"><title>{}</title>"#, esc(&b.title));
        let _ = write!(
            out,
            r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABEL_W - 8.0,
            y + 16.0,
            esc(&clip(&b.label, 30))
        );
        let _ = write!(out, r#"<rect class="track" x="{LABEL_W}" y="{:.1}" width="{area:.1}" height="18"/>"#, y + 2.0);
        let mut x = LABEL_W;
        for (v, class) in &b.segments {
            let w = if max > 0.0 { (v / max * area).max(0.0) } else { 0.0 };
            if w > 0.0 {
                let _ = write!(out, r#"<rect class="{class}" x="{x:.1}" y="{:.1}" width="{w:.1}" height="18"/>"#, y + 2.0);
            }
            x += w;
        }
        let _ = write!(out, r#"<text class="value" x="{:.1}" y="{:.1}">{}</text></g>"#, x + 6.0, y + 16.0, esc(&b.value));
    }
    out.push_str("</svg>");
    out
}

/// Vertical columns with labels under them; `line` draws a second series
/// (e.g. the usual level) as a dashed line with dots.
pub fn columns(id: &str, title: &str, labels: &[String], values: &[f64], line: Option<&[f64]>, every_label: usize) -> String {
    let (h, top, bottom, left, right) = (230.0, 18.0, 34.0, 36.0, 8.0);
    let n = values.len().max(1) as f64;
    let max = values.iter().chain(line.unwrap_or(&[]).iter()).copied().fold(0.0, f64::max);
    let max = nice_max(max);
    let plot_w = f64::from(W) - left - right;
    let plot_h = h - top - bottom;
    let step = plot_w / n;
    let bar_w = (step * 0.72).max(1.0);
    let mut out = String::new();
    open(&mut out, id, title, W, h as u32);
    // Axis and three grid lines with their values.
    for k in 0..=3 {
        let v = max * f64::from(k) / 3.0;
        let y = top + plot_h - v / max.max(1e-9) * plot_h;
        let _ = write!(out, r#"<line class="grid" x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/>"#, f64::from(W) - right);
        let _ = write!(out, r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#, left - 4.0, y + 4.0, short(v));
    }
    for (i, v) in values.iter().enumerate() {
        let x = left + i as f64 * step + (step - bar_w) / 2.0;
        let bh = if max > 0.0 { v / max * plot_h } else { 0.0 };
        let label = labels.get(i).map(String::as_str).unwrap_or("");
        let _ = write!(
            out,
            r#"<rect class="col" x="{x:.1}" y="{:.1}" width="{bar_w:.1}" height="{bh:.1}"><title>{}: {}</title></rect>"#,
            top + plot_h - bh,
            esc(label),
            short(*v)
        );
        if every_label > 0 && i % every_label == 0 {
            let _ = write!(
                out,
                r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                left + i as f64 * step + step / 2.0,
                h - bottom + 16.0,
                esc(label)
            );
        }
    }
    if let Some(line) = line {
        let pts: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let x = left + i as f64 * step + step / 2.0;
                let y = top + plot_h - if max > 0.0 { v / max * plot_h } else { 0.0 };
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(out, r#"<polyline class="avg" points="{}"/>"#, pts.join(" "));
        for p in &pts {
            if let Some((x, y)) = p.split_once(',') {
                let _ = write!(out, r#"<circle class="avg-dot" cx="{x}" cy="{y}" r="2.5"/>"#);
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// A heat map: rows × columns of values, darker for more; each cell shows its value.
pub fn heatmap(id: &str, title: &str, rows: &[String], cols: &[String], values: &[Vec<f64>]) -> String {
    let (left, top, cell_h) = (78.0, 22.0, 26.0);
    let cell_w = ((f64::from(W) - left - 4.0) / cols.len().max(1) as f64).min(60.0);
    let h = (top + rows.len() as f64 * cell_h + 6.0) as u32;
    let max = values.iter().flatten().copied().fold(0.0, f64::max);
    let mut out = String::new();
    open(&mut out, id, title, W, h);
    for (j, c) in cols.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            left + j as f64 * cell_w + cell_w / 2.0,
            top - 7.0,
            esc(c)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * cell_h;
        let _ = write!(out, r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#, left - 6.0, y + 17.0, esc(r));
        for (j, c) in cols.iter().enumerate() {
            let v = values.get(i).and_then(|row| row.get(j)).copied().unwrap_or(0.0);
            let level = if max > 0.0 && v > 0.0 { ((v / max) * 5.0).ceil().clamp(1.0, 5.0) as u8 } else { 0 };
            let x = left + j as f64 * cell_w;
            let _ = write!(
                out,
                r#"<g><title>{} {}: {}</title><rect class="heat h{level}" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}"/>"#,
                esc(r),
                esc(c),
                short(v),
                cell_w - 2.0,
                cell_h - 2.0
            );
            if v > 0.0 {
                let _ = write!(
                    out,
                    r#"<text class="cell{}" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    if level >= 4 { " light" } else { "" },
                    x + (cell_w - 2.0) / 2.0,
                    y + 16.5,
                    short(v)
                );
            }
            out.push_str("</g>");
        }
    }
    out.push_str("</svg>");
    out
}

/// A round upper bound for an axis.
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 3.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.5, 2.0, 3.0, 5.0, 10.0] {
        if v <= m * mag {
            return m * mag;
        }
    }
    10.0 * mag
}

/// A compact number: whole when ≥ 10, one decimal below (a point; charts are language-neutral).
pub fn short(v: f64) -> String {
    if v >= 10.0 || v == v.trunc() { format!("{v:.0}") } else { format!("{v:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_no_inline_style_is_written() {
        let bars = vec![Bar {
            label: "<b>\"A\" & B</b>".into(),
            title: "t".into(),
            segments: vec![(3.0, "ok"), (1.0, "warn")],
            value: "4".into(),
        }];
        let svg = hbars("x", "T<", &bars, 0.0);
        assert!(svg.contains("&lt;b&gt;&quot;A&quot; &amp; B"));
        assert!(!svg.contains("<b>"));
        let all = [
            svg,
            columns("c", "C", &["1".into()], &[2.0], Some(&[1.0]), 1),
            heatmap("h", "H", &["T2".into()], &["8".into()], &[vec![3.0]]),
        ];
        for s in all {
            assert!(!s.contains("style"), "{s}");
            assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        }
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(120.0), 150.0);
        assert_eq!(nice_max(0.0), 3.0);
        assert_eq!(short(12.34), "12");
        assert_eq!(short(2.34), "2.3");
        assert_eq!(short(2.0), "2");
    }
}
