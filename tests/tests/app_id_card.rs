//! The chip ID card on the real kiosk app: a card-shaped QR made by
//! `qrencode`, read back by `zbarimg`, typed into the app as a scanner's
//! keyboard burst. The app lists the holder's dossiers (masked, newest
//! first), opens one, says where it was received and when the center last
//! heard about it, clears on idle, and keeps neither the number nor the name
//! in its data folder or its log.
//!
//! Needs what app_e2e needs (the app binary, tauri-driver, WebKitWebDriver,
//! a display) and qrencode: `cargo build -p motcua-kiosk`, then
//! `xvfb-run -a -s "-screen 0 1920x1920x24" cargo test -p motcua-tests --test app_id_card`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)] // the slip helpers serve the other app tests
#[path = "app_e2e/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::time::Duration;

use harness::{kiosk_bin, start_driver, write_config};
use motcua_central::sources::upstream::{DEMO_CARD_DOSSIERS, DEMO_ID_CARD};
use motcua_tests::webdriver::{Session, screen_path};
use motcua_tests::{central_bin, run_tool, spawn_central, zbar};

const NUMBER: &str = "001099012345";
const NAME: &str = "Nguyễn Văn An";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The card's QR as a PNG, by qrencode (Debian package qrencode).
fn card_png(dir: &Path, text: &str) -> PathBuf {
    let png = dir.join("card.png");
    let out = run_tool("qrencode", "qrencode", &["-o", png.to_str().unwrap(), "-s", "6", "-m", "4", text]);
    assert!(out.status.success(), "qrencode: {}", String::from_utf8_lossy(&out.stderr));
    png
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(files_under(&p)) } else { out.push(p) }
    }
    out
}

/// A scanner burst, then the screen it leads to. A burst the page took for
/// typing (a gap over 35 ms on a loaded machine) is scanned again, as a
/// citizen would.
fn scan(s: &Session, text: &str, testid: &str) {
    s.settle().unwrap();
    for attempt in 1..=2 {
        s.scanner_burst(text).unwrap();
        match s.wait(testid, secs(10)) {
            Ok(()) => return,
            Err(e) if attempt == 2 => panic!("{testid} after a scan: {e}"),
            Err(_) => eprintln!("app_id_card: the scan was not taken, scanning again"),
        }
    }
}

fn body_text(s: &Session) -> String {
    s.js("return document.body.innerText", serde_json::json!([])).unwrap().as_str().unwrap_or_default().to_string()
}

#[test]
fn a_chip_id_card_lists_its_holders_dossiers_opens_one_and_leaves_no_trace() {
    let tmp = tempfile::tempdir().unwrap();
    let central = spawn_central(central_bin!(), &tmp.path().join("central.db"));
    // The real decoder reads what the card's QR holds, Vietnamese and all.
    let scanned = zbar(&card_png(tmp.path(), DEMO_ID_CARD));
    assert_eq!(scanned, DEMO_ID_CARD);

    let config = write_config(tmp.path(), "card", &central.url, &tmp.path().join("slips"), 10);
    let (_driver, base) = start_driver();
    let s = Session::start(&base, &kiosk_bin(), &["--config".into(), config.display().to_string(), "--windowed".into()]).unwrap();
    s.wait_css("body[data-ready='1']", secs(30)).expect("home screen");

    // Scanned on the home screen: the holder's dossiers, newest first.
    scan(&s, &scanned, "card-dossiers");
    s.settle().unwrap();
    s.screenshot(&screen_path("card-01-dossiers")).unwrap();
    assert_eq!(s.data("card-dossiers", "count").unwrap().as_deref(), Some("2"));
    let order = s
        .js(
            "return [...document.querySelectorAll('[data-testid^=card-dossier-]')].map(b => b.dataset.code).filter(Boolean)",
            serde_json::json!([]),
        )
        .unwrap();
    assert_eq!(order, serde_json::json!([DEMO_CARD_DOSSIERS[1], DEMO_CARD_DOSSIERS[0]]), "newest first");
    let text = body_text(&s);
    assert!(text.contains("Nguyễn V** A*") && text.contains("Hẹn trả"), "masked, with the due date:\n{text}");
    assert!(!text.contains(NUMBER) && !text.contains(NAME), "neither the number nor the name is on screen:\n{text}");
    assert!(text.contains("Tiếp nhận tại: Trung tâm Phục vụ hành chính công phường Vĩnh Phúc"), "{text}");

    // Choosing one opens it: held by the ward's center, collected there, heard from the source today.
    s.click(&format!("card-dossier-{}", DEMO_CARD_DOSSIERS[0])).unwrap();
    s.wait_css(&format!("[data-testid='dossier'][data-code='{}']", DEMO_CARD_DOSSIERS[0]), secs(15)).expect("the dossier");
    s.settle().unwrap();
    s.screenshot(&screen_path("card-02-dossier")).unwrap();
    // The dossier's blocks may run over two pages: read them all.
    let mut text = body_text(&s);
    while s.exists_css("[data-testid='dossier-pages-next']:not([disabled])").unwrap() && !s.exists_css(".pager-nav[hidden]").unwrap() {
        s.click("dossier-pages-next").unwrap();
        text.push_str(&body_text(&s));
    }
    assert!(text.contains("Nơi tiếp nhận hồ sơ") && text.contains("Trung tâm Phục vụ hành chính công phường Vĩnh Phúc"), "{text}");
    assert!(text.contains("Quầy") || text.contains("phường Vĩnh Phúc,"), "where to collect: {text}");
    let heard = text.lines().find(|l| l.starts_with("Cập nhật lúc ")).unwrap_or_default().trim().to_string();
    assert_eq!(heard.len(), "Cập nhật lúc 08:15".len(), "heard from the source today: {heard:?} in {text}");
    assert!(!text.contains(NUMBER) && !text.contains(NAME));
    s.click("nav-back").unwrap();
    s.wait("card-dossiers", secs(5)).expect("back to the list");

    // Idle: the screen clears itself.
    s.wait_css("main[data-screen='home']", secs(30)).expect("home after the idle timeout");
    s.click("nav-home").ok();
    let text = body_text(&s);
    assert!(!text.contains("Nguyễn V** A*"), "nothing of the last citizen stays:\n{text}");

    // On the lookup screen the card is read, never typed into the code field.
    s.click("home-lookup").unwrap();
    s.wait("keyboard-code", secs(5)).unwrap();
    scan(&s, &scanned, "card-dossiers");
    s.click("nav-back").unwrap();
    s.wait("keyboard-code", secs(5)).unwrap();
    assert!(!s.text("code-input").unwrap().contains(NUMBER), "the number is not in the code field");

    // A card nobody knows: said plainly, with what to do.
    scan(&s, &DEMO_ID_CARD.replace(NUMBER, "079203000111"), "card-none");
    s.settle().unwrap();
    s.screenshot(&screen_path("card-03-none")).unwrap();
    let text = body_text(&s);
    assert!(text.contains("Chưa tìm thấy hồ sơ nào theo thẻ căn cước này") && text.contains("bàn hướng dẫn"), "{text}");
    s.click("card-type-code").unwrap();
    s.wait("keyboard-code", secs(5)).expect("the code keyboard");
    s.end().unwrap();

    let kiosk_files = files_under(&tmp.path().join("data-card"));
    assert!(kiosk_files.iter().any(|p| p.to_string_lossy().ends_with(".log")), "the app's log is there: {kiosk_files:?}");
    for needle in [NUMBER, NAME, "079203000111", "Số 1 Hùng Vương"] {
        let holding: Vec<_> = kiosk_files
            .iter()
            .filter(|p| std::fs::read(p).unwrap_or_default().windows(needle.len()).any(|w| w == needle.as_bytes()))
            .collect();
        assert!(holding.is_empty(), "{needle:?} is kept on the kiosk: {holding:?}");
    }
}
