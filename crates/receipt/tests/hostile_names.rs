//! Names nobody here wrote on a ticket: found by the `slip` fuzz target
//! (`cargo xtask fuzz slip`) and kept here so they stay fixed on stable.
//! Whatever the catalog holds, a ticket stays on the paper and short.

// A test crate: a failed unwrap is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_receipt::slips::TICKET_MAX_LINES;
use motcua_receipt::{Lang, Page, Paper, Renderer, TicketSlip, samples, slips};

/// 120 mm at 203 dpi: the longest a ticket may be whatever its names (the
/// fuzz target checks the same bound). Every name at its three lines, with
/// priority and offline notices, is 867 dots (108.5 mm) on 80 mm paper.
const MAX_HEIGHT: u32 = 960;

fn page(slip: &TicketSlip, lang: Lang, paper: Paper) -> Page {
    Renderer::new().unwrap().typeset(&slips::ticket(slip, lang).unwrap(), paper).unwrap()
}

fn assert_on_paper_and_short(page: &Page, what: &str) {
    assert!(page.height <= MAX_HEIGHT, "{what}: {} dots long", page.height);
    for l in page.lines() {
        assert!(l.x >= 0.0 && l.x + l.width <= page.width as f32 + 0.5, "{what}: {:?} leaves the paper", l.text);
    }
}

/// The fuzzer's first find (crash-31de1499…): line breaks and a control
/// character in the names. Each line break was a blank line of paper: a
/// 58 mm offline ticket ran 1,049 dots (131 mm) long.
#[test]
fn line_breaks_in_names_print_as_spaces_not_blank_lines() {
    let slip = TicketSlip {
        center_name: "Trung tâmng 2\r\n\tDòng 3\u{7}\0".into(),
        service_name: format!("{} Phục vụ hành chính công tỉnh Vĩnh Phúc", "\n".repeat(16)),
        counter_area: String::new(),
        number: "W-WMWM-99-99999-9999".into(),
        offline: true,
        ..samples::ticket(None)
    };
    let page = page(&slip, Lang::Vi, Paper::Mm58);
    assert_on_paper_and_short(&page, "line breaks");
    let texts: Vec<&str> = page.lines().map(|l| l.text.as_str()).collect();
    assert!(texts.contains(&"Trung tâmng 2 Dòng 3"), "{texts:?}");
    // The service name right under the number, not after sixteen blank lines.
    let number = texts.iter().position(|t| *t == slip.number).unwrap();
    assert!(texts[number + 1].starts_with("Phục vụ"), "{texts:?}");
    assert!(!texts.contains(&""), "a blank line: {texts:?}");
}

/// Names of thousands of characters: each takes at most three lines, the
/// last cut short with "…", and the ticket stays within 120 mm.
#[test]
fn a_name_however_long_takes_at_most_three_lines() {
    let long = |word: &str, n: usize| vec![word; n].join(" ");
    let slip = TicketSlip {
        center_name: long("Trung tâm Phục vụ hành chính công", 60),
        service_name: long("Đăng ký kinh doanh", 100),
        priority: Some("W".repeat(2000)),
        counter_area: long("Khu A, tầng 1", 80),
        offline: true,
        ..samples::ticket(None)
    };
    for paper in [Paper::Mm80, Paper::Mm58] {
        for lang in [Lang::Vi, Lang::En] {
            let page = page(&slip, lang, paper);
            assert_on_paper_and_short(&page, &format!("{paper:?} {lang:?}"));
            let clipped = page.lines().filter(|l| l.text.ends_with('…')).count();
            assert_eq!(clipped, 4, "{paper:?}: every name is cut short once");
            let service: Vec<_> = page.lines().filter(|l| l.text.contains("Đăng ký")).collect();
            assert_eq!(service.len(), TICKET_MAX_LINES, "{paper:?}: {service:?}");
        }
    }
}

/// The demo's longest real names are never cut.
#[test]
fn real_names_are_not_cut() {
    let slip = TicketSlip {
        center_name: "Trung tâm Phục vụ hành chính công thành phố Vĩnh Yên".into(),
        service_name: "Xây dựng – Giao thông vận tải – Phòng cháy, chữa cháy".into(),
        priority: Some("Phụ nữ mang thai hoặc người đang bế, bồng con nhỏ dưới 36 tháng tuổi".into()),
        counter_area: "Khu trả kết quả, sảnh tầng 1".into(),
        offline: true,
        ..samples::ticket(None)
    };
    for paper in [Paper::Mm80, Paper::Mm58] {
        let page = page(&slip, Lang::Vi, paper);
        assert!(page.lines().all(|l| !l.text.contains('…')), "{paper:?}: {:?}", page.lines().map(|l| &l.text).collect::<Vec<_>>());
    }
}
