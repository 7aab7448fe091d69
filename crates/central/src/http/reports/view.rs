//! What the report page shows, as the templates read it: words in the
//! page's language, tables with formatted cells (and the raw value in
//! `data-value` for tests and scripts), charts as SVG.

use jiff::civil::Date;

use crate::catalog::CenterCatalog;
use crate::reports::report::{CounterState, Report, Today, weekday_en, weekday_vi};
use crate::reports::svg::{self, Bar};
use crate::reports::tables::{Cell, Names, Table, WAIT_BUCKETS, round_to};

/// Fixed words of the page.
pub struct Words {
    pub title: &'static str,
    pub console: &'static str,
    pub sign_out: &'static str,
    pub today: &'static str,
    pub live_note: &'static str,
    pub waiting_now: &'static str,
    pub longest_wait: &'static str,
    pub minutes: &'static str,
    pub served: &'static str,
    pub no_show: &'static str,
    pub avg_wait: &'static str,
    pub avg_service: &'static str,
    pub counters_open: &'static str,
    pub counters_paused: &'static str,
    pub counters_closed: &'static str,
    pub per_hour: &'static str,
    pub per_hour_note: &'static str,
    pub per_hour_none: &'static str,
    pub nobody_waiting: &'static str,
    pub period: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub center: &'static str,
    pub service: &'static str,
    pub counter: &'static str,
    pub officer: &'static str,
    pub all: &'static str,
    pub show: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub export: &'static str,
    pub xlsx: &'static str,
    pub csv: &'static str,
    pub pdf: &'static str,
    pub print: &'static str,
    pub tickets: &'static str,
    pub served_share: &'static str,
    pub median_wait: &'static str,
    pub within_15: &'static str,
    pub satisfied: &'static str,
    pub on_time: &'static str,
    pub dossiers_note: &'static str,
    pub more_in_export: &'static str,
    pub definitions: &'static str,
    pub generated: &'static str,
    pub officer_scope: &'static str,
    pub state_serving: &'static str,
    pub state_open: &'static str,
    pub state_paused: &'static str,
    pub state_closed: &'static str,
    pub legend_today: &'static str,
    pub legend_avg: &'static str,
    pub quick: [&'static str; 7],
}

/// Vietnamese.
pub const VI: Words = Words {
    title: "Báo cáo",
    console: "Bàn làm việc tại quầy",
    sign_out: "Đăng xuất",
    today: "Hôm nay",
    live_note: "Tự cập nhật mỗi 30 giây",
    waiting_now: "Đang chờ theo dịch vụ",
    longest_wait: "Chờ lâu nhất hiện tại",
    minutes: "phút",
    served: "Đã phục vụ",
    no_show: "Vắng mặt",
    avg_wait: "Chờ trung bình",
    avg_service: "Phục vụ trung bình",
    counters_open: "Quầy đang mở",
    counters_paused: "Tạm nghỉ",
    counters_closed: "Chưa mở",
    per_hour: "Số phiếu theo giờ hôm nay so với trung bình cùng thứ",
    per_hour_note: "Cột: hôm nay. Đường: trung bình {n} {weekday} gần nhất.",
    per_hour_none: "Cột: hôm nay. Chưa có {weekday} nào trước đây để so sánh.",
    nobody_waiting: "Không có ai đang chờ",
    period: "Kỳ báo cáo",
    from: "Từ ngày",
    to: "Đến ngày",
    center: "Trung tâm",
    service: "Dịch vụ",
    counter: "Quầy",
    officer: "Cán bộ",
    all: "Tất cả",
    show: "Xem",
    previous: "← Kỳ trước",
    next: "Kỳ sau →",
    export: "Tải về",
    xlsx: "Excel (.xlsx)",
    csv: "CSV",
    pdf: "Báo cáo tháng (PDF)",
    print: "In trang",
    tickets: "Số phiếu",
    served_share: "Đã phục vụ",
    median_wait: "Chờ trung vị",
    within_15: "Được gọi trong 15 phút",
    satisfied: "Hài lòng",
    on_time: "Hồ sơ đúng hạn",
    dossiers_note: "Bộ lọc quầy và cán bộ không áp dụng cho hồ sơ.",
    more_in_export: "Trang hiển thị {shown} trong {total} dòng; tệp Excel có đủ.",
    definitions: "Cách tính: chờ = từ lúc lấy số (phiếu ngoại tuyến: lúc in trên ki-ốt; phiếu chuyển: lúc lấy số ban đầu) đến lần gọi đầu tiên, gọi lại không tính là lần gọi mới; phục vụ = từ lần gọi cuối đến khi xong; tỷ lệ vắng mặt = vắng ÷ (phục vụ + vắng); hài lòng = Hài lòng và Rất hài lòng. Với bộ lọc quầy hoặc cán bộ, chỉ tính phiếu được gọi tại quầy/bởi cán bộ đó.",
    generated: "Lập lúc",
    officer_scope: "Tài khoản cán bộ: chỉ xem số liệu quầy của mình.",
    state_serving: "Đang phục vụ",
    state_open: "Đang mở",
    state_paused: "Tạm nghỉ",
    state_closed: "Chưa mở",
    legend_today: "Hôm nay",
    legend_avg: "Trung bình cùng thứ",
    quick: ["Hôm nay", "Hôm qua", "Tuần này", "Tuần trước", "Tháng này", "Tháng trước", "Năm nay"],
};

/// English.
pub const EN: Words = Words {
    title: "Reports",
    console: "Counter console",
    sign_out: "Sign out",
    today: "Today",
    live_note: "Refreshes every 30 seconds",
    waiting_now: "Waiting now by service",
    longest_wait: "Longest current wait",
    minutes: "min",
    served: "Served",
    no_show: "No-shows",
    avg_wait: "Mean wait",
    avg_service: "Mean service time",
    counters_open: "Counters open",
    counters_paused: "Paused",
    counters_closed: "Not opened",
    per_hour: "Tickets per hour today against the same weekday's average",
    per_hour_note: "Columns: today. Line: mean of the last {n} {weekday}s.",
    per_hour_none: "Columns: today. No earlier {weekday} to compare with yet.",
    nobody_waiting: "Nobody is waiting",
    period: "Period",
    from: "From",
    to: "To",
    center: "Center",
    service: "Service",
    counter: "Counter",
    officer: "Officer",
    all: "All",
    show: "Show",
    previous: "← Previous",
    next: "Next →",
    export: "Download",
    xlsx: "Excel (.xlsx)",
    csv: "CSV",
    pdf: "Monthly report (PDF)",
    print: "Print",
    tickets: "Tickets",
    served_share: "Served",
    median_wait: "Median wait",
    within_15: "Called within 15 min",
    satisfied: "Satisfied",
    on_time: "Dossiers on time",
    dossiers_note: "Counter and officer filters do not apply to dossiers.",
    more_in_export: "The page shows {shown} of {total} rows; the Excel file has them all.",
    definitions: "Definitions: wait = from taking the number (offline tickets: when the kiosk printed it; transferred tickets: their first issue time) to the first call, a recall is not a new call; service = from the last call to done; no-show rate = no-shows ÷ (served + no-shows); satisfied = Satisfied and Very satisfied. With a counter or officer filter, only tickets called at that counter / by that officer count.",
    generated: "Made at",
    officer_scope: "Officer account: your counters' figures only.",
    state_serving: "Serving",
    state_open: "Open",
    state_paused: "Paused",
    state_closed: "Not opened",
    legend_today: "Today",
    legend_avg: "Same weekday's mean",
    quick: ["Today", "Yesterday", "This week", "Last week", "This month", "Last month", "This year"],
};

/// A formatted cell.
pub struct CellView {
    pub text: String,
    pub value: String,
    pub num: bool,
    pub testid: String,
}

/// A formatted row.
pub struct RowView {
    pub total: bool,
    pub cells: Vec<CellView>,
}

/// A formatted table.
pub struct TableView {
    pub id: &'static str,
    pub title: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<RowView>,
    pub note: Option<String>,
}

/// A chart and its table.
pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub chart: Option<String>,
    pub table: TableView,
    pub note: Option<String>,
}

impl Section {
    /// A table too wide to stand beside its chart goes under it.
    pub fn stacked(&self) -> bool {
        self.table.headers.len() > 9
    }
}

/// "1.234" / "1,234".
pub fn int(n: u64, en: bool) -> String {
    let s = n.to_string();
    let sep = if en { ',' } else { '.' };
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// "12,5" / "12.5"; "–" when absent.
pub fn dec(v: Option<f64>, d: u8, en: bool) -> String {
    match v {
        Some(v) => {
            let s = format!("{:.*}", usize::from(d), round_to(v, d));
            if en { s } else { s.replace('.', ",") }
        }
        None => "–".into(),
    }
}

/// "85,3%" / "85.3%".
pub fn pct(v: Option<f64>, en: bool) -> String {
    v.map(|v| format!("{}%", dec(Some(v * 100.0), 1, en))).unwrap_or_else(|| "–".into())
}

fn cell_view(c: &Cell, en: bool, testid: String) -> CellView {
    let (text, value, num) = match c {
        Cell::Text(s) => (s.clone(), s.clone(), false),
        Cell::Int(n) => (int(*n, en), n.to_string(), true),
        Cell::Num(v, d) => (dec(*v, *d, en), v.map(|v| format!("{:.*}", usize::from(*d), round_to(v, *d))).unwrap_or_default(), true),
        Cell::Pct(v) => (pct(*v, en), v.map(|v| format!("{v:.4}")).unwrap_or_default(), true),
        Cell::Date(d) => (if en { d.to_string() } else { d.strftime("%d/%m/%Y").to_string() }, d.to_string(), false),
        Cell::DateTime(t) => (
            if en { t.strftime("%Y-%m-%d %H:%M").to_string() } else { t.strftime("%d/%m/%Y %H:%M").to_string() },
            t.strftime("%Y-%m-%dT%H:%M").to_string(),
            false,
        ),
    };
    CellView { text, value, num, testid }
}

/// A table for the page; at most `limit` rows (a note says how many more the export has).
pub fn table_view(t: &Table, en: bool, limit: usize, w: &Words) -> TableView {
    let shown = t.rows.len().min(limit);
    let rows = t
        .rows
        .iter()
        .take(limit)
        .map(|r| RowView {
            total: r.total,
            cells: r.cells.iter().zip(&t.columns).map(|(c, col)| cell_view(c, en, format!("{}.{}.{}", t.id, r.key, col.key))).collect(),
        })
        .collect();
    TableView {
        id: t.id,
        title: t.title(en),
        headers: t.columns.iter().map(|c| if en { c.en } else { c.vi }).collect(),
        rows,
        note: (t.rows.len() > shown)
            .then(|| w.more_in_export.replace("{shown}", &shown.to_string()).replace("{total}", &t.rows.len().to_string())),
    }
}

fn find<'a>(tables: &'a [Table], id: &str) -> Option<&'a Table> {
    tables.iter().find(|t| t.id == id)
}

/// The period's sections: each chart with its table.
pub fn sections(r: &Report, tables: &[Table], cat: &CenterCatalog, en: bool, w: &Words) -> Vec<Section> {
    let names = Names::new(cat, en);
    let mut out = Vec::new();
    let mut push = |id: &'static str, title: String, chart: Option<String>, limit: usize, note: Option<String>| {
        if let Some(t) = find(tables, id) {
            out.push(Section { id, title, chart, table: table_view(t, en, limit, w), note });
        }
    };
    let t = |vi: &str, en_s: &str| if en { en_s.to_string() } else { vi.to_string() };

    // Tickets per service: served, absent, never called, still open.
    let bars: Vec<Bar> = r
        .by_service
        .iter()
        .map(|l| {
            let f = &l.figures;
            let other = f.issued.saturating_sub(f.served + f.no_show + f.not_called);
            Bar {
                label: names.service(&l.key),
                title: format!("{}: {} / {} / {} / {}", names.service(&l.key), f.issued, f.served, f.no_show, f.not_called),
                segments: vec![
                    (f.served as f64, "s-served"),
                    (f.no_show as f64, "s-noshow"),
                    (f.not_called as f64, "s-notcalled"),
                    (other as f64, "s-other"),
                ],
                value: int(f.issued, en),
            }
        })
        .collect();
    let title = t("Số phiếu theo dịch vụ", "Tickets by service");
    push("theo-dich-vu", title.clone(), Some(svg::hbars("chart-services", &title, &bars, 0.0)), usize::MAX, None);

    let labels: Vec<String> = r.by_day.iter().map(|l| short_date(l.key, en)).collect();
    let values: Vec<f64> = r.by_day.iter().map(|l| l.figures.issued as f64).collect();
    let every = (r.by_day.len() / 10).max(1);
    let title = t("Số phiếu theo ngày", "Tickets by day");
    push("theo-ngay", title.clone(), Some(svg::columns("chart-days", &title, &labels, &values, None, every)), 62, None);

    let hours: Vec<usize> = r.heat.hours().collect();
    let rows: Vec<String> = (0..7).map(|i| if en { weekday_en(i)[..3].to_string() } else { weekday_vi(i).to_string() }).collect();
    let cols: Vec<String> = hours.iter().map(|h| format!("{h}h")).collect();
    let values: Vec<Vec<f64>> = (0..7).map(|wd| hours.iter().map(|h| r.heat.average(wd, *h)).collect()).collect();
    let title = t("Giờ cao điểm: số phiếu trung bình theo giờ và thứ", "Peak hours: mean tickets by hour and weekday");
    push("theo-gio", title.clone(), Some(svg::heatmap("chart-heat", &title, &rows, &cols, &values)), usize::MAX, None);

    let labels: Vec<String> = WAIT_BUCKETS.iter().map(|b| b.key.to_string()).collect();
    let values: Vec<f64> = WAIT_BUCKETS.iter().map(|b| r.total.wait_hist.between(b.above, b.up_to) as f64).collect();
    let title = t("Phân bố thời gian chờ (phút)", "Wait-time distribution (min)");
    let note = Some(format!(
        "{}: {} {} · P90: {} {} · {}: {}",
        w.median_wait,
        r.total.median_wait_min().map(|m| m.to_string()).unwrap_or_else(|| "–".into()),
        w.minutes,
        r.total.p90_wait_min().map(|m| m.to_string()).unwrap_or_else(|| "–".into()),
        w.minutes,
        w.within_15,
        pct(r.total.share_within(15), en)
    ));
    push("thoi-gian-cho", title.clone(), Some(svg::columns("chart-waits", &title, &labels, &values, None, 1)), usize::MAX, note);

    let bars: Vec<Bar> = r
        .by_counter
        .iter()
        .map(|l| Bar {
            label: names.counter_short(&l.key),
            title: names.counter(&l.key),
            segments: vec![(l.figures.avg_service_min().unwrap_or(0.0), "s-service")],
            value: format!("{} {}", dec(l.figures.avg_service_min(), 1, en), w.minutes),
        })
        .collect();
    let title = t("Thời gian phục vụ trung bình theo quầy (phút)", "Mean service time by counter (min)");
    push("theo-quay", title.clone(), Some(svg::hbars("chart-counters", &title, &bars, 0.0)), usize::MAX, None);

    let bars: Vec<Bar> = r
        .by_officer
        .iter()
        .map(|l| Bar {
            label: l.key.clone(),
            title: l.key.clone(),
            segments: vec![(l.figures.served as f64, "s-served"), (l.figures.no_show as f64, "s-noshow")],
            value: int(l.figures.served, en),
        })
        .collect();
    let title = t("Số công dân đã phục vụ theo cán bộ", "Citizens served by officer");
    push("theo-can-bo", title.clone(), Some(svg::hbars("chart-officers", &title, &bars, 0.0)), usize::MAX, None);

    let rating_bars = |lines: &[(String, crate::reports::facts::Ratings)]| -> Vec<Bar> {
        lines
            .iter()
            .map(|(label, rt)| {
                let total = rt.total().max(1) as f64;
                Bar {
                    label: label.clone(),
                    title: format!("{label}: {} / {} / {}", rt.n[2], rt.n[1], rt.n[0]),
                    segments: vec![
                        (rt.n[2] as f64 / total * 100.0, "s-very"),
                        (rt.n[1] as f64 / total * 100.0, "s-satisfied"),
                        (rt.n[0] as f64 / total * 100.0, "s-unsatisfied"),
                    ],
                    value: pct(rt.satisfied_share(), en),
                }
            })
            .collect()
    };
    let mut lines: Vec<(String, crate::reports::facts::Ratings)> =
        r.ratings_by_service.iter().map(|l| (names.service(&l.key), l.ratings)).collect();
    if r.ratings_dossier.total() > 0 {
        lines.push((t("Hồ sơ", "Dossiers"), r.ratings_dossier));
    }
    let title = t("Mức độ hài lòng theo dịch vụ (%)", "Satisfaction by service (%)");
    push("danh-gia-dich-vu", title.clone(), Some(svg::hbars("chart-ratings", &title, &rating_bars(&lines), 100.0)), usize::MAX, None);
    let lines: Vec<_> = r.ratings_by_counter.iter().map(|l| (names.counter_short(&l.key), l.ratings)).collect();
    let title = t("Mức độ hài lòng theo quầy (%)", "Satisfaction by counter (%)");
    push("danh-gia-quay", title.clone(), Some(svg::hbars("chart-ratings-counters", &title, &rating_bars(&lines), 100.0)), usize::MAX, None);
    push("gop-y", t("Góp ý của công dân", "Citizens' comments"), None, 50, None);

    if let Some(d) = &r.dossiers {
        let bars: Vec<Bar> = d
            .by_agency
            .iter()
            .map(|l| Bar {
                label: if en { l.name_en.clone().unwrap_or_else(|| l.name.clone()) } else { l.name.clone() },
                title: l.name.clone(),
                segments: vec![
                    (l.figures.on_time as f64, "s-ontime"),
                    (l.figures.late as f64, "s-late"),
                    (l.figures.overdue_open as f64, "s-overdue"),
                ],
                value: pct(l.figures.on_time_rate(), en),
            })
            .collect();
        let title =
            t("Hồ sơ giải quyết đúng hạn, trễ hạn và đang quá hạn theo cơ quan", "Dossiers on time, late and open past due, by agency");
        push(
            "ho-so-co-quan",
            title.clone(),
            Some(svg::hbars("chart-dossiers", &title, &bars, 0.0)),
            usize::MAX,
            Some(w.dossiers_note.into()),
        );
        push("ho-so-thu-tuc", t("Hồ sơ theo thủ tục", "Dossiers by procedure"), None, 30, None);
    }
    out
}

fn short_date(d: Date, en: bool) -> String {
    if en { d.strftime("%m-%d").to_string() } else { d.strftime("%d/%m").to_string() }
}

/// One key figure on a tile.
pub struct Tile {
    pub label: &'static str,
    pub value: String,
    pub testid: &'static str,
}

/// The period's key figures.
pub fn tiles(r: &Report, en: bool, w: &Words) -> Vec<Tile> {
    let mut v = vec![
        Tile { label: w.tickets, value: int(r.total.issued, en), testid: "tile-issued" },
        Tile { label: w.served_share, value: int(r.total.served, en), testid: "tile-served" },
        Tile {
            label: w.median_wait,
            value: format!("{} {}", r.total.median_wait_min().map(|m| m.to_string()).unwrap_or_else(|| "–".into()), w.minutes),
            testid: "tile-median",
        },
        Tile { label: w.within_15, value: pct(r.total.share_within(15), en), testid: "tile-within15" },
        Tile { label: w.satisfied, value: pct(r.ratings.satisfied_share(), en), testid: "tile-satisfied" },
    ];
    if let Some(d) = &r.dossiers {
        v.push(Tile { label: w.on_time, value: pct(d.total.on_time_rate(), en), testid: "tile-ontime" });
    }
    v
}

/// A counter's state on the live panel.
pub struct CounterView {
    pub label: String,
    pub title: String,
    pub class: &'static str,
    pub state: &'static str,
    pub serving: String,
    pub testid: String,
}

/// Today's panel.
pub struct TodayView {
    pub heading: String,
    pub tiles: Vec<Tile>,
    pub waiting_chart: String,
    pub waiting: TableView,
    pub longest: String,
    pub counters: Vec<CounterView>,
    pub counter_summary: String,
    pub per_hour_chart: String,
    pub per_hour: TableView,
    pub per_hour_note: String,
    pub now: String,
}

/// Builds today's panel.
pub fn today_view(td: &Today, cat: &CenterCatalog, en: bool, w: &Words) -> TodayView {
    let names = Names::new(cat, en);
    let f = &td.figures;
    let tiles = vec![
        Tile { label: w.tickets, value: int(f.issued, en), testid: "today-issued" },
        Tile { label: w.served, value: int(f.served, en), testid: "today-served" },
        Tile { label: w.no_show, value: int(f.no_show, en), testid: "today-noshow" },
        Tile { label: w.avg_wait, value: format!("{} {}", dec(f.avg_wait_min(), 1, en), w.minutes), testid: "today-avg-wait" },
        Tile { label: w.avg_service, value: format!("{} {}", dec(f.avg_service_min(), 1, en), w.minutes), testid: "today-avg-service" },
    ];
    let bars: Vec<Bar> = td
        .waiting
        .iter()
        .map(|q| Bar {
            label: names.service(&q.service_id),
            title: names.service(&q.service_id),
            segments: vec![(q.waiting as f64, "s-waiting")],
            value: int(q.waiting, en),
        })
        .collect();
    let title = w.waiting_now;
    let waiting_chart = svg::hbars("chart-waiting", title, &bars, 0.0);
    let tz = cat.tz.clone();
    let rows = td
        .waiting
        .iter()
        .map(|q| {
            let oldest = q.oldest.as_ref().map(|(n, t)| {
                let mins = (td.now.as_millisecond() - t.as_millisecond()).max(0) / 60_000;
                (format!("{n} ({} {})", mins, w.minutes), t.to_zoned(tz.clone()).strftime("%H:%M").to_string(), mins)
            });
            RowView {
                total: false,
                cells: vec![
                    CellView {
                        text: names.service(&q.service_id),
                        value: q.service_id.clone(),
                        num: false,
                        testid: format!("cho.{}.dich-vu", q.service_id),
                    },
                    CellView {
                        text: int(q.waiting, en),
                        value: q.waiting.to_string(),
                        num: true,
                        testid: format!("cho.{}.dang-cho", q.service_id),
                    },
                    CellView {
                        text: oldest.as_ref().map(|o| o.0.clone()).unwrap_or_else(|| "–".into()),
                        value: oldest.as_ref().map(|o| o.2.to_string()).unwrap_or_default(),
                        num: true,
                        testid: format!("cho.{}.lau-nhat", q.service_id),
                    },
                ],
            }
        })
        .collect();
    let waiting = TableView {
        id: "cho",
        title: w.waiting_now,
        headers: if en {
            vec!["Service", "Waiting", "Oldest (waiting)"]
        } else {
            vec!["Dịch vụ", "Đang chờ", "Số chờ lâu nhất"]
        },
        rows,
        note: None,
    };
    let longest = match td.longest() {
        Some((s, n, m)) => format!("{n} · {} · {m} {}", names.service_letter(s), w.minutes),
        None => w.nobody_waiting.to_string(),
    };
    let counters = td
        .counters
        .iter()
        .map(|c| {
            let (class, state) = match c.state {
                CounterState::Serving => ("serving", w.state_serving),
                CounterState::Open => ("open", w.state_open),
                CounterState::Paused => ("paused", w.state_paused),
                CounterState::NotOpened => ("closed", w.state_closed),
            };
            CounterView {
                label: names.counter_short(&c.counter_id),
                title: names.counter(&c.counter_id),
                class,
                state,
                serving: c.serving.clone().unwrap_or_default(),
                testid: format!("counter-{}", c.counter_id),
            }
        })
        .collect();
    let (open, paused, closed) = td.counter_counts();
    let counter_summary = format!("{}: {open} · {}: {paused} · {}: {closed}", w.counters_open, w.counters_paused, w.counters_closed);
    let hours: Vec<usize> = (6..=18).collect();
    let labels: Vec<String> = hours.iter().map(|h| format!("{h}h")).collect();
    let values: Vec<f64> = hours.iter().map(|h| td.per_hour[*h] as f64).collect();
    let avg: Vec<f64> = hours.iter().map(|h| td.per_hour_avg[*h]).collect();
    let per_hour_chart = svg::columns("chart-hours", w.per_hour, &labels, &values, (td.avg_days > 0).then_some(&avg[..]), 1);
    let per_hour = TableView {
        id: "gio-hom-nay",
        title: w.per_hour,
        headers: if en { vec!["Hour", "Today", "Same weekday's mean"] } else { vec!["Giờ", "Hôm nay", "TB cùng thứ"] },
        rows: hours
            .iter()
            .map(|h| RowView {
                total: false,
                cells: vec![
                    CellView { text: format!("{h:02}:00"), value: h.to_string(), num: false, testid: format!("gio-hom-nay.{h}.gio") },
                    CellView {
                        text: int(td.per_hour[*h], en),
                        value: td.per_hour[*h].to_string(),
                        num: true,
                        testid: format!("gio-hom-nay.{h}.hom-nay"),
                    },
                    CellView {
                        text: dec((td.avg_days > 0).then_some(td.per_hour_avg[*h]), 1, en),
                        value: format!("{:.2}", td.per_hour_avg[*h]),
                        num: true,
                        testid: format!("gio-hom-nay.{h}.trung-binh"),
                    },
                ],
            })
            .collect(),
        note: None,
    };
    let wd = crate::reports::report::weekday_index(td.date);
    let weekday = if en { weekday_en(wd).to_string() } else { weekday_vi(wd).to_lowercase() };
    let per_hour_note = if td.avg_days == 0 { w.per_hour_none } else { w.per_hour_note }
        .replace("{n}", &td.avg_days.to_string())
        .replace("{weekday}", &weekday);
    let local = td.now.to_zoned(cat.tz.clone());
    let heading = format!(
        "{} — {}, {}",
        w.today,
        if en { weekday_en(wd).to_string() } else { weekday_vi(wd).to_string() },
        if en { local.strftime("%Y-%m-%d").to_string() } else { local.strftime("%d/%m/%Y").to_string() }
    );
    TodayView {
        heading,
        tiles,
        waiting_chart,
        waiting,
        longest,
        counters,
        counter_summary,
        per_hour_chart,
        per_hour,
        per_hour_note,
        now: local.strftime("%H:%M:%S").to_string(),
    }
}
