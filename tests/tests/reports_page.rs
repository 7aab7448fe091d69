//! The director's report page in a real browser: Debian's chromium,
//! headless, through chromedriver, against the real `motcua-central --demo`
//! with its 90 days of made-up history. The page runs under its strict
//! Content-Security-Policy without a single violation, the server's SVG
//! charts take their colours from the stylesheet, every chart has its table,
//! today's panel refreshes itself, the page's totals are the export's, the
//! filters and the English switch work.
//!
//! Screenshot: target/screens/reports.png (`cargo xtask screens` copies it
//! into docs/screens). Needs `chromium` and `chromium-driver`; without them
//! it fails, it never skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use motcua_tests::webdriver::{Chromedriver, Session, screen_path};
use motcua_tests::{BUILDING, Central, LAND, central_bin};
use reqwest::blocking::Client;
use serde_json::{Value, json};

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn take_ticket(http: &Client, url: &str, service: &str, n: u32) {
    let resp = http
        .post(format!("{url}/api/v1/tickets"))
        .bearer_auth("demo-kiosk")
        .header("Idempotency-Key", format!("reports-page-{service}-{n}"))
        .json(&json!({"service_id": service, "kiosk_id": "kiosk-test-1"}))
        .send()
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.text().unwrap());
}

/// The raw value of the cell with this test id.
fn cell(s: &Session, testid: &str) -> String {
    s.js("const e = document.querySelector(`[data-testid='${arguments[0]}']`); return e ? e.dataset.value : null", json!([testid]))
        .unwrap()
        .as_str()
        .unwrap_or_else(|| panic!("no cell {testid}"))
        .to_string()
}

#[test]
fn the_report_page_works_in_chromium_under_its_content_security_policy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("central.db");
    // What `serve --demo` seeds into an empty database, history included,
    // done here so the server's start-up deadline is not spent on it.
    {
        let mut conn = motcua_central::db::open_and_migrate(&db).unwrap();
        let now = jiff::Timestamp::now();
        assert!(motcua_central::demo::seed_if_empty(&mut conn, now).unwrap());
        let h = motcua_central::reports::history::seed_demo(&mut conn, now, 90).unwrap();
        assert!(h.tickets > 10_000 && h.dossiers > 1_000, "{h:?}");
    }
    let central = Central::spawn(central_bin!(), &db, ["--demo"]);
    let http = Client::builder().timeout(secs(30)).build().unwrap();
    for n in 0..3 {
        take_ticket(&http, &central.url, LAND, n);
    }
    let driver = Chromedriver::start().unwrap_or_else(|e| panic!("{e}"));
    let s = driver.browser(1440, 2300, false).unwrap();
    s.goto(&format!("{}/dang-nhap", central.url)).unwrap();
    s.type_into("username", "giamdoc").unwrap();
    s.type_into("password", "demo").unwrap();
    s.click("sign-in").unwrap();
    s.wait("console", secs(10)).unwrap();
    s.goto(&format!("{}/bao-cao", central.url)).unwrap();
    s.wait_css("html[data-ready='1']", secs(60)).unwrap();

    // Nothing inline was needed, nothing was blocked.
    let csp = s
        .js("return document.documentElement.dataset.cspViolations + ' ' + (document.documentElement.dataset.cspLast || '')", json!([]))
        .unwrap();
    assert_eq!(csp.as_str().unwrap().trim(), "0", "CSP violations");
    let report: Value = s
        .js(
            "const charts = [...document.querySelectorAll('svg.chart')];
             const sections = [...document.querySelectorAll('.r-section')].filter(x => x.querySelector('svg.chart'));
             const served = document.querySelector('svg.chart .s-served');
             return {charts: charts.length,
                     titled: charts.every(c => c.querySelector('title') && c.getAttribute('role') === 'img'),
                     paired: sections.length > 0 && sections.every(x => x.querySelector('table tbody tr')),
                     servedFill: served ? getComputedStyle(served).fill : null,
                     heat: document.querySelectorAll('svg.chart .heat.h5').length,
                     title: document.querySelector('#s-theo-dich-vu h3').innerText,
                     printable: !document.querySelector('.r-print').hidden}",
            json!([]),
        )
        .unwrap();
    assert!(report["charts"].as_u64().unwrap() >= 10, "{report}");
    assert_eq!(report["titled"], true, "every chart has a title: {report}");
    assert_eq!(report["paired"], true, "every chart has its numbers in a table: {report}");
    assert_eq!(report["servedFill"], "rgb(46, 139, 87)", "chart colours come from the stylesheet: {report}");
    assert!(report["heat"].as_u64().unwrap() >= 1, "the heat map has a peak: {report}");
    assert_eq!(report["title"], "Số phiếu theo dịch vụ");
    assert_eq!(report["printable"], true);

    // Today, live: the three tickets taken above wait for Land.
    assert_eq!(cell(&s, &format!("cho.{LAND}.dang-cho")), "3");
    // The month so far: the demo's history, and the same total as the export of the page's own query.
    let issued: u64 = cell(&s, "tong-quan.so-phieu.gia-tri").parse().unwrap();
    assert!(issued > 1000, "the demo's history shows: {issued} tickets this month");
    let csv = s
        .js_async(
            "const done = arguments[arguments.length - 1];
             fetch(document.querySelector('[data-testid=export-csv]').href, {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done(String(e)));",
            json!([]),
        )
        .unwrap();
    let csv = csv.as_str().unwrap();
    let line = csv.lines().find(|l| l.starts_with("Số phiếu đã cấp,")).unwrap_or_else(|| panic!("no total in the CSV: {csv:.300}"));
    assert_eq!(line, format!("Số phiếu đã cấp,{issued}"), "the export has the page's figures");

    s.js("window.scrollTo(0, 0)", json!([])).unwrap();
    s.screenshot(&screen_path("reports")).unwrap();
    s.js("document.getElementById('period-title').scrollIntoView()", json!([])).unwrap();
    s.screenshot(&screen_path("reports-period")).unwrap();
    s.js("document.getElementById('s-theo-gio').scrollIntoView()", json!([])).unwrap();
    s.screenshot(&screen_path("reports-charts")).unwrap();

    // A new ticket shows on today's panel by itself (the page refreshes it every 30 s).
    take_ticket(&http, &central.url, LAND, 3);
    s.wait_for(
        "const e = document.querySelector(`[data-testid='cho.${arguments[0]}.dang-cho']`); return e && e.dataset.value === '4'",
        json!([LAND]),
        secs(45),
    )
    .unwrap_or_else(|e| panic!("today's panel did not refresh: {e}"));
    assert_eq!(s.js("return document.documentElement.dataset.cspViolations", json!([])).unwrap(), "0");

    // Filter by service through the form.
    let building = cell(&s, &format!("theo-dich-vu.{BUILDING}.so-phieu"));
    s.js("document.querySelector(`[data-testid='service']`).value = arguments[0]", json!([BUILDING])).unwrap();
    s.click("show").unwrap();
    s.wait_for(
        "return location.search.includes(arguments[0]) && document.documentElement.dataset.ready === '1'",
        json!([BUILDING]),
        secs(60),
    )
    .unwrap();
    assert_eq!(cell(&s, "tong-quan.so-phieu.gia-tri"), building, "the service's own total");

    // The English switch keeps the filter and the period.
    s.click("lang-switch").unwrap();
    s.wait_for("return location.search.includes('lang=en') && document.documentElement.dataset.ready === '1'", json!([]), secs(60))
        .unwrap();
    assert_eq!(s.text("period-title").unwrap().split(':').next().unwrap(), "Period");
    assert!(s.js("return location.search", json!([])).unwrap().as_str().unwrap().contains(BUILDING));
    assert_eq!(cell(&s, "tong-quan.so-phieu.gia-tri"), building);
    assert_eq!(s.js("return document.documentElement.dataset.cspViolations", json!([])).unwrap(), "0");
}
