//! What staff see of a kiosk: its state, whether it fell silent, and the
//! alerts the console shows; and the per-kiosk gauges of `/metrics`.

use std::fmt::Write;
use std::time::Duration;

use jiff::Timestamp;
use motcua_domain::fleet::{KioskAlert, KioskView, PrinterHealth};

use super::store::KioskRow;
use crate::catalog::CenterCatalog;

/// Whole seconds from `then` to `now` (0 if `then` is later).
fn age_s(then: Timestamp, now: Timestamp) -> u64 {
    u64::try_from((now.as_millisecond() - then.as_millisecond()) / 1000).unwrap_or(0)
}

/// No heartbeat for `silent_after` or longer. A kiosk that never reported
/// (put in maintenance before it was installed) is not silent: it was never heard.
pub fn is_silent(row: &KioskRow, now: Timestamp, silent_after: Duration) -> bool {
    row.last_seen
        .is_some_and(|seen| now.as_millisecond() - seen.as_millisecond() >= i64::try_from(silent_after.as_millis()).unwrap_or(i64::MAX))
}

/// "2 phút" / "2 minutes", or seconds when the threshold is not whole minutes (tests).
fn span(silent_after: Duration) -> (String, String) {
    let s = silent_after.as_secs();
    match (s, s / 60, s % 60) {
        (1, _, _) => ("1 giây".into(), "1 second".into()),
        (_, 1, 0) => ("1 phút".into(), "1 minute".into()),
        (_, m, 0) => (format!("{m} phút"), format!("{m} minutes")),
        _ => (format!("{s} giây"), format!("{s} seconds")),
    }
}

/// The alerts of a kiosk named `vi` / `en`: its printer, and silence. A
/// kiosk in maintenance raises none (staff already see to it).
pub fn alerts(vi: &str, en: &str, printer: Option<PrinterHealth>, silent: bool, silent_after: Duration) -> Vec<KioskAlert> {
    let alert = |code: &str, text_vi: String, text_en: String| KioskAlert { code: code.into(), text_vi, text_en };
    let mut out = Vec::new();
    match printer {
        Some(PrinterHealth::PaperNearEnd) => {
            out.push(alert("paper_near_end", format!("{vi} sắp hết giấy"), format!("{en}: paper running low")));
        }
        Some(PrinterHealth::PaperOut) => out.push(alert("paper_out", format!("{vi} đã hết giấy"), format!("{en}: out of paper"))),
        Some(PrinterHealth::CoverOpen) => {
            out.push(alert("cover_open", format!("{vi} đang mở nắp máy in"), format!("{en}: printer cover open")));
        }
        Some(PrinterHealth::Offline) => {
            out.push(alert("printer_offline", format!("Máy in của {vi} không hoạt động"), format!("{en}: printer offline")));
        }
        Some(PrinterHealth::Ok) | None => {}
    }
    if silent {
        let (vi_span, en_span) = span(silent_after);
        out.push(alert("silent", format!("{vi} mất liên lạc quá {vi_span}"), format!("{en}: silent for over {en_span}")));
    }
    out
}

/// The kiosk's display names: the catalog's, else its id.
pub fn names(row_id: &str, cat: Option<&CenterCatalog>) -> (String, Option<String>) {
    match cat.and_then(|c| c.kiosk(row_id)) {
        Some(k) => (k.name.clone(), k.name_en.clone()),
        None => (row_id.to_string(), None),
    }
}

/// A kiosk as staff see it.
pub fn view(row: &KioskRow, cat: Option<&CenterCatalog>, now: Timestamp, silent_after: Duration) -> KioskView {
    let (name, name_en) = names(&row.kiosk_id, cat);
    let silent = is_silent(row, now, silent_after);
    let alerts =
        if row.maintenance { Vec::new() } else { alerts(&name, name_en.as_deref().unwrap_or(&name), row.printer, silent, silent_after) };
    KioskView {
        kiosk_id: row.kiosk_id.clone(),
        name,
        name_en,
        printer: row.printer,
        outbox: row.outbox,
        unprinted: row.unprinted,
        version: row.version.clone(),
        uptime_s: row.uptime_s,
        last_error: row.last_error.clone(),
        last_seen: row.last_seen,
        last_seen_age_s: row.last_seen.map(|seen| age_s(seen, now)),
        silent,
        maintenance: row.maintenance,
        alerts,
    }
}

/// A Prometheus label value: `\`, `"` and newlines escaped.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The per-kiosk gauges: printer state (one series per state, 1 for the
/// current one), outbox, unprinted, silent, maintenance, seconds since the
/// last heartbeat. A kiosk that never reported has only `maintenance`.
pub fn metrics(rows: &[KioskRow], now: Timestamp, silent_after: Duration) -> String {
    let mut out = String::new();
    let gauge = |out: &mut String, name: &str, help: &str| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
    };
    let id = |r: &KioskRow| format!("center=\"{}\",kiosk_id=\"{}\"", label(&r.center), label(&r.kiosk_id));
    gauge(&mut out, "motcua_kiosk_printer_state", "The printer state at the kiosk's last heartbeat (1 for the current state).");
    for r in rows {
        if let Some(p) = r.printer {
            for s in PrinterHealth::ALL {
                let _ = writeln!(out, "motcua_kiosk_printer_state{{{},state=\"{}\"}} {}", id(r), s.as_str(), u8::from(s == p));
            }
        }
    }
    let heard = || rows.iter().filter(|r| r.last_seen.is_some());
    gauge(&mut out, "motcua_kiosk_outbox", "Offline tickets the kiosk has not delivered yet.");
    for r in heard() {
        let _ = writeln!(out, "motcua_kiosk_outbox{{{}}} {}", id(r), r.outbox);
    }
    gauge(&mut out, "motcua_kiosk_unprinted", "Tickets whose slip the kiosk has not printed.");
    for r in heard() {
        let _ = writeln!(out, "motcua_kiosk_unprinted{{{}}} {}", id(r), r.unprinted);
    }
    gauge(&mut out, "motcua_kiosk_silent", "1 when the kiosk has sent no heartbeat for longer than the threshold.");
    for r in heard() {
        let _ = writeln!(out, "motcua_kiosk_silent{{{}}} {}", id(r), u8::from(is_silent(r, now, silent_after)));
    }
    gauge(&mut out, "motcua_kiosk_last_seen_age_seconds", "Seconds since the kiosk's last heartbeat.");
    for r in heard() {
        if let Some(seen) = r.last_seen {
            let _ = writeln!(out, "motcua_kiosk_last_seen_age_seconds{{{}}} {}", id(r), age_s(seen, now));
        }
    }
    gauge(&mut out, "motcua_kiosk_maintenance", "1 when staff put the kiosk in maintenance.");
    for r in rows {
        let _ = writeln!(out, "motcua_kiosk_maintenance{{{}}} {}", id(r), u8::from(r.maintenance));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(printer: Option<PrinterHealth>, seen: Option<&str>) -> KioskRow {
        KioskRow {
            kiosk_id: "kiosk-sanh-1".into(),
            center: "vp-tinh".into(),
            printer,
            outbox: 2,
            unprinted: 1,
            version: Some("0.1.0".into()),
            uptime_s: Some(10),
            last_error: None,
            last_seen: seen.map(|s| s.parse().unwrap()),
            maintenance: false,
        }
    }

    const NOW: &str = "2026-11-30T02:00:00Z";
    const TWO_MIN: Duration = Duration::from_secs(120);

    #[test]
    fn the_alert_texts_name_the_kiosk_in_both_languages() {
        let a = alerts("Ki-ốt sảnh 1", "Lobby kiosk 1", Some(PrinterHealth::PaperNearEnd), false, TWO_MIN);
        assert_eq!(a.len(), 1);
        assert_eq!(
            (a[0].code.as_str(), a[0].text_vi.as_str(), a[0].text_en.as_str()),
            ("paper_near_end", "Ki-ốt sảnh 1 sắp hết giấy", "Lobby kiosk 1: paper running low")
        );
        let a = alerts("Ki-ốt sảnh 1", "Lobby kiosk 1", Some(PrinterHealth::Offline), true, TWO_MIN);
        let codes: Vec<_> = a.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, ["printer_offline", "silent"]);
        assert_eq!(a[1].text_vi, "Ki-ốt sảnh 1 mất liên lạc quá 2 phút");
        assert_eq!(a[1].text_en, "Lobby kiosk 1: silent for over 2 minutes");
        assert!(alerts("k", "k", Some(PrinterHealth::Ok), false, TWO_MIN).is_empty());
    }

    #[test]
    fn silence_starts_at_the_threshold_and_never_for_a_kiosk_never_heard() {
        let now: Timestamp = NOW.parse().unwrap();
        assert!(!is_silent(&row(Some(PrinterHealth::Ok), Some("2026-11-30T01:58:00.001Z")), now, TWO_MIN));
        assert!(is_silent(&row(Some(PrinterHealth::Ok), Some("2026-11-30T01:58:00Z")), now, TWO_MIN));
        assert!(!is_silent(&row(None, None), now, TWO_MIN));
    }

    #[test]
    fn a_kiosk_in_maintenance_raises_no_alert() {
        let now: Timestamp = NOW.parse().unwrap();
        let mut r = row(Some(PrinterHealth::PaperOut), Some("2026-11-30T01:00:00Z"));
        let v = view(&r, None, now, TWO_MIN);
        assert_eq!(v.alerts.len(), 2);
        assert_eq!(v.name, "kiosk-sanh-1", "no catalog name: the id");
        assert_eq!(v.last_seen_age_s, Some(3600));
        r.maintenance = true;
        assert!(view(&r, None, now, TWO_MIN).alerts.is_empty());
    }

    #[test]
    fn gauges_are_labelled_per_kiosk_and_escaped() {
        let now: Timestamp = NOW.parse().unwrap();
        let mut odd = row(Some(PrinterHealth::PaperOut), Some("2026-11-30T01:59:30Z"));
        odd.kiosk_id = "a\"b".into();
        let text = metrics(&[odd, row(None, None)], now, TWO_MIN);
        assert!(text.contains("motcua_kiosk_printer_state{center=\"vp-tinh\",kiosk_id=\"a\\\"b\",state=\"paper_out\"} 1"), "{text}");
        assert!(text.contains("motcua_kiosk_printer_state{center=\"vp-tinh\",kiosk_id=\"a\\\"b\",state=\"ok\"} 0"), "{text}");
        assert!(text.contains("motcua_kiosk_last_seen_age_seconds{center=\"vp-tinh\",kiosk_id=\"a\\\"b\"} 30"), "{text}");
        assert!(text.contains("motcua_kiosk_maintenance{center=\"vp-tinh\",kiosk_id=\"kiosk-sanh-1\"} 0"), "{text}");
        assert!(!text.contains("motcua_kiosk_outbox{center=\"vp-tinh\",kiosk_id=\"kiosk-sanh-1\"}"), "never heard: no outbox gauge");
    }
}
