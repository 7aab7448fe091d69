//! Greedy line wrapping on word boundaries, hard-breaking words too long
//! for a line.

/// Splits `text` into lines no wider than `max_width`, measured by `width`.
///
/// Whitespace runs collapse to one space; explicit `\n` starts a new line.
/// A word wider than a whole line is broken between characters. Widths must
/// be additive (no kerning), which holds for the slips' fonts.
pub fn wrap(text: &str, max_width: f32, width: impl Fn(&str) -> f32) -> Vec<String> {
    let space = width(" ");
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0_f32;
        for word in paragraph.split_whitespace() {
            let word_width = width(word);
            let needed = if line.is_empty() { word_width } else { line_width + space + word_width };
            if needed <= max_width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_width = needed;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            if word_width <= max_width {
                line.push_str(word);
                line_width = word_width;
                continue;
            }
            // Hard break: fill lines character by character.
            for c in word.chars() {
                let mut buf = [0u8; 4];
                let w = width(c.encode_utf8(&mut buf));
                if !line.is_empty() && line_width + w > max_width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += w;
            }
        }
        if !line.is_empty() || lines.is_empty() || paragraph.trim().is_empty() {
            lines.push(line);
        }
    }
    // A trailing empty paragraph adds nothing useful to a slip.
    while lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// Like [`wrap`], but with the narrowest width that keeps the same number of
/// lines, so centred text breaks evenly ("PHIẾU CẤP / NGOẠI TUYẾN") instead of
/// leaving one orphan word on the last line.
pub fn wrap_balanced(text: &str, max_width: f32, width: impl Fn(&str) -> f32) -> Vec<String> {
    let lines = wrap(text, max_width, &width);
    let n = lines.len();
    if n < 2 {
        return lines;
    }
    let (mut lo, mut hi) = (max_width / n as f32, max_width);
    for _ in 0..12 {
        let mid = (lo + hi) / 2.0;
        if wrap(text, mid, &width).len() == n {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    wrap(text, hi, &width)
}

/// At most `max` of `lines` (at least one): the last line kept ends in "…",
/// shortened until it fits `max_width` again.
pub fn clip_lines(mut lines: Vec<String>, max: Option<usize>, max_width: f32, width: impl Fn(&str) -> f32) -> Vec<String> {
    let Some(max) = max.map(|m| m.max(1)).filter(|m| lines.len() > *m) else { return lines };
    lines.truncate(max);
    if let Some(last) = lines.last_mut() {
        loop {
            let clipped = format!("{}…", last.trim_end());
            if last.is_empty() || width(&clipped) <= max_width {
                *last = clipped;
                break;
            }
            last.pop();
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> f32 {
        s.chars().count() as f32
    }

    #[test]
    fn wraps_on_word_boundaries() {
        let lines = wrap("Đăng ký thành lập hộ kinh doanh", 12.0, chars);
        assert_eq!(lines, ["Đăng ký", "thành lập hộ", "kinh doanh"]);
        assert!(lines.iter().all(|l| chars(l) <= 12.0));
    }

    #[test]
    fn hard_breaks_a_word_longer_than_the_line() {
        let lines = wrap("Mã 000.00.12.H62-201105-0004", 10.0, chars);
        assert_eq!(lines, ["Mã", "000.00.12.", "H62-201105", "-0004"]);
    }

    #[test]
    fn keeps_explicit_line_breaks_and_collapses_spaces() {
        let lines = wrap("Khu A,   tầng 1\nQuầy 5", 40.0, chars);
        assert_eq!(lines, ["Khu A, tầng 1", "Quầy 5"]);
    }

    #[test]
    fn balanced_wrap_avoids_an_orphan_word() {
        let lines = wrap_balanced("Quét mã QR để theo dõi lượt của bạn", 32.0, chars);
        assert_eq!(lines, ["Quét mã QR để theo", "dõi lượt của bạn"]);
    }

    #[test]
    fn clipped_lines_end_in_an_ellipsis_that_fits() {
        let lines = wrap("một hai ba bốn năm sáu bảy tám chín mười", 8.0, chars);
        assert_eq!(lines.len(), 6);
        assert_eq!(clip_lines(lines.clone(), Some(2), 8.0, chars), ["một hai", "ba bốn…"]);
        assert_eq!(clip_lines(lines.clone(), Some(6), 8.0, chars), lines);
        assert_eq!(clip_lines(lines.clone(), None, 8.0, chars), lines);
        let full = wrap("bảy tám chín", 7.0, chars);
        assert_eq!(clip_lines(full, Some(1), 7.0, chars), ["bảy tá…"]);
    }

    #[test]
    fn empty_text_gives_one_empty_line() {
        assert_eq!(wrap("", 10.0, chars), [""]);
    }
}
