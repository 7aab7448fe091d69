//! A report as tables with typed cells: the page shows them beside its
//! charts, the spreadsheet writes one sheet per table, the CSV one block per
//! table. One source, so the three never disagree.

use jiff::civil::{Date, DateTime};

use super::dossiers::DossierLine;
use super::facts::{Figures, Ratings};
use super::report::{Line, Report, weekday_en, weekday_index, weekday_vi};
use crate::catalog::CenterCatalog;

/// A cell, typed so a spreadsheet gets numbers as numbers and dates as dates.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count.
    Int(u64),
    /// A measure with this many decimals; `None` when there is nothing to measure.
    Num(Option<f64>, u8),
    /// A share in 0..=1; `None` when there is nothing to share.
    Pct(Option<f64>),
    /// A local date.
    Date(Date),
    /// A local date and time.
    DateTime(DateTime),
}

/// Rounds half away from zero to `decimals` places, as a spreadsheet shows
/// it; the page, the CSV and the PDF all round through here.
pub fn round_to(v: f64, decimals: u8) -> f64 {
    let p = 10f64.powi(i32::from(decimals));
    (v * p).round() / p
}

/// A column: its slug (for tests and CSV) and its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Stable slug.
    pub key: &'static str,
    /// Vietnamese header.
    pub vi: &'static str,
    /// English header.
    pub en: &'static str,
}

const fn col(key: &'static str, vi: &'static str, en: &'static str) -> Column {
    Column { key, vi, en }
}

/// A row: a stable key (service id, counter id, date…) and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Stable key.
    pub key: String,
    /// One cell per column.
    pub cells: Vec<Cell>,
    /// A total row (shown in bold, last).
    pub total: bool,
}

/// One table of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Stable id (also the CSV block's and the page anchor's).
    pub id: &'static str,
    /// Vietnamese title (also the sheet's name, ≤ 31 characters).
    pub title_vi: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// The title in a language.
    pub fn title(&self, en: bool) -> &'static str {
        if en { self.title_en } else { self.title_vi }
    }
}

/// The Vietnamese (or English) names the tables use.
pub struct Names<'a> {
    cat: &'a CenterCatalog,
    en: bool,
}

impl<'a> Names<'a> {
    /// Names from a center's catalog.
    pub fn new(cat: &'a CenterCatalog, en: bool) -> Self {
        Self { cat, en }
    }

    /// "B · Đất đai – Tài nguyên môi trường".
    pub fn service(&self, id: &str) -> String {
        match self.cat.service(id) {
            Some(s) => {
                let name = if self.en { s.name_en.as_deref().unwrap_or(&s.name) } else { &s.name };
                format!("{} · {name}", s.letter)
            }
            None if id.is_empty() => if self.en { "(dossier)" } else { "(hồ sơ)" }.to_string(),
            None => id.to_string(),
        }
    }

    /// A service's letter, or its id.
    pub fn service_letter(&self, id: &str) -> String {
        self.cat.service(id).map(|s| s.letter.clone()).unwrap_or_else(|| id.to_string())
    }

    /// "Quầy 6 – Sở Tài nguyên và Môi trường".
    pub fn counter(&self, id: &str) -> String {
        match self.cat.counter(id) {
            Some(c) => {
                if self.en {
                    c.name_en.clone().unwrap_or_else(|| c.name.clone())
                } else {
                    c.name.clone()
                }
            }
            None => id.to_string(),
        }
    }

    /// "Quầy 6".
    pub fn counter_short(&self, id: &str) -> String {
        match self.cat.counter(id) {
            Some(c) => format!("{} {}", if self.en { "Counter" } else { "Quầy" }, c.number),
            None => id.to_string(),
        }
    }

    fn line(&self, l: &DossierLine) -> String {
        if self.en { l.name_en.clone().unwrap_or_else(|| l.name.clone()) } else { l.name.clone() }
    }
}

const WAIT_COLS: [Column; 6] = [
    col("cho-tb", "Chờ TB (phút)", "Mean wait (min)"),
    col("cho-trung-vi", "Chờ trung vị (phút)", "Median wait (min)"),
    col("cho-p90", "Chờ P90 (phút)", "P90 wait (min)"),
    col("trong-15", "Gọi trong 15 phút", "Called within 15 min"),
    col("trong-30", "Gọi trong 30 phút", "Called within 30 min"),
    col("trong-60", "Gọi trong 60 phút", "Called within 60 min"),
];

fn wait_cells(f: &Figures) -> Vec<Cell> {
    vec![
        Cell::Num(f.avg_wait_min(), 1),
        Cell::Num(f.median_wait_min().map(f64::from), 0),
        Cell::Num(f.p90_wait_min().map(f64::from), 0),
        Cell::Pct(f.share_within(15)),
        Cell::Pct(f.share_within(30)),
        Cell::Pct(f.share_within(60)),
    ]
}

const RATING_COLS: [Column; 5] = [
    col("so-danh-gia", "Số đánh giá", "Ratings"),
    col("rat-hai-long", "Rất hài lòng", "Very satisfied"),
    col("hai-long", "Hài lòng", "Satisfied"),
    col("khong-hai-long", "Không hài lòng", "Not satisfied"),
    col("ty-le-hai-long", "Tỷ lệ hài lòng", "Satisfied share"),
];

fn rating_cells(r: &Ratings) -> Vec<Cell> {
    vec![Cell::Int(r.total()), Cell::Int(r.n[2]), Cell::Int(r.n[1]), Cell::Int(r.n[0]), Cell::Pct(r.satisfied_share())]
}

const DOSSIER_COLS: [Column; 7] = [
    col("tiep-nhan", "Tiếp nhận", "Received"),
    col("da-giai-quyet", "Đã giải quyết", "Resolved"),
    col("dung-han", "Đúng hạn", "On time"),
    col("tre-han", "Trễ hạn", "Late"),
    col("ty-le-dung-han", "Tỷ lệ đúng hạn", "On-time share"),
    col("da-tra", "Đã trả kết quả", "Returned"),
    col("dang-qua-han", "Đang quá hạn", "Open and overdue"),
];

fn dossier_cells(l: &super::dossiers::DossierFigures) -> Vec<Cell> {
    vec![
        Cell::Int(l.received),
        Cell::Int(l.resolved),
        Cell::Int(l.on_time),
        Cell::Int(l.late),
        Cell::Pct(l.on_time_rate()),
        Cell::Int(l.returned),
        Cell::Int(l.overdue_open),
    ]
}

/// A band of waits, in whole minutes rounded up: above `above`, up to `up_to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitBucket {
    /// Stable key.
    pub key: &'static str,
    /// Vietnamese label.
    pub vi: &'static str,
    /// English label.
    pub en: &'static str,
    /// Lower end (excluded); `None`: from zero.
    pub above: Option<usize>,
    /// Upper end (included); `None`: no end.
    pub up_to: Option<usize>,
}

const fn bucket(key: &'static str, vi: &'static str, en: &'static str, above: Option<usize>, up_to: Option<usize>) -> WaitBucket {
    WaitBucket { key, vi, en, above, up_to }
}

/// The wait-time distribution's bands.
pub const WAIT_BUCKETS: [WaitBucket; 6] = [
    bucket("0-5", "Đến 5 phút", "Up to 5 min", None, Some(5)),
    bucket("5-10", "Trên 5 đến 10 phút", "5 to 10 min", Some(5), Some(10)),
    bucket("10-15", "Trên 10 đến 15 phút", "10 to 15 min", Some(10), Some(15)),
    bucket("15-30", "Trên 15 đến 30 phút", "15 to 30 min", Some(15), Some(30)),
    bucket("30-60", "Trên 30 đến 60 phút", "30 to 60 min", Some(30), Some(60)),
    bucket("60+", "Trên 60 phút", "Over 60 min", Some(60), None),
];

fn hours_of(s: u64) -> Option<f64> {
    Some(s as f64 / 3600.0)
}

/// Every table of a report, in the page's order.
pub fn tables(r: &Report, cat: &CenterCatalog, en: bool) -> Vec<Table> {
    let names = Names::new(cat, en);
    let mut out = vec![summary(r, cat, en), by_service(r, &names), by_day(r, en), heat(r, en), waits(r, en)];
    // Counters and officers: the same service figures, with the mean wait
    // for a counter (an officer serves more than one queue).
    let staff_table = |id, title_vi, title_en, head: Column, lines: &[Line<String>], name: &dyn Fn(&str) -> String, wait: bool| {
        let mut columns = vec![
            head,
            col("da-goi", "Đã gọi", "Called"),
            col("da-phuc-vu", "Đã phục vụ", "Served"),
            col("vang-mat", "Vắng mặt", "No-shows"),
            col("ty-le-vang", "Tỷ lệ vắng mặt", "No-show rate"),
            col("phuc-vu-tb", "Phục vụ TB (phút)", "Mean service (min)"),
            col("gio-phuc-vu", "Tổng giờ phục vụ", "Service hours"),
        ];
        if wait {
            columns.push(col("cho-tb", "Chờ TB (phút)", "Mean wait (min)"));
        }
        let rows = lines
            .iter()
            .map(|l| {
                let mut cells = vec![
                    Cell::Text(name(&l.key)),
                    Cell::Int(l.figures.called),
                    Cell::Int(l.figures.served),
                    Cell::Int(l.figures.no_show),
                    Cell::Pct(l.figures.no_show_rate()),
                    Cell::Num(l.figures.avg_service_min(), 1),
                    Cell::Num(hours_of(l.figures.service_s), 1),
                ];
                if wait {
                    cells.push(Cell::Num(l.figures.avg_wait_min(), 1));
                }
                Row { key: l.key.clone(), cells, total: false }
            })
            .collect();
        Table { id, title_vi, title_en, columns, rows }
    };
    out.push(staff_table(
        "theo-quay",
        "Theo quầy",
        "By counter",
        col("quay", "Quầy", "Counter"),
        &r.by_counter,
        &|k| names.counter(k),
        true,
    ));
    out.push(staff_table(
        "theo-can-bo",
        "Theo cán bộ",
        "By officer",
        col("can-bo", "Cán bộ", "Officer"),
        &r.by_officer,
        &|k| k.to_string(),
        false,
    ));
    let rating_table = |id, title_vi, title_en, head: Column, lines: Vec<(String, String, Ratings)>, total: Option<Ratings>| {
        let mut columns = vec![head];
        columns.extend(RATING_COLS);
        let mut rows: Vec<Row> = lines
            .into_iter()
            .map(|(key, name, r)| {
                let mut cells = vec![Cell::Text(name)];
                cells.extend(rating_cells(&r));
                Row { key, cells, total: false }
            })
            .collect();
        if let Some(t) = total {
            let mut cells = vec![Cell::Text(if en { "Total" } else { "Tổng" }.into())];
            cells.extend(rating_cells(&t));
            rows.push(Row { key: "tong".into(), cells, total: true });
        }
        Table { id, title_vi, title_en, columns, rows }
    };
    let mut by_service_lines: Vec<(String, String, Ratings)> =
        r.ratings_by_service.iter().map(|l| (l.key.clone(), names.service(&l.key), l.ratings)).collect();
    if r.ratings_dossier.total() > 0 {
        by_service_lines.push((
            "ho-so".into(),
            if en { "Dossiers (rated by code)" } else { "Hồ sơ (đánh giá theo mã hồ sơ)" }.into(),
            r.ratings_dossier,
        ));
    }
    out.push(rating_table(
        "danh-gia-dich-vu",
        "Đánh giá theo dịch vụ",
        "Ratings by service",
        col("dich-vu", "Dịch vụ", "Service"),
        by_service_lines,
        Some(r.ratings),
    ));
    out.push(rating_table(
        "danh-gia-quay",
        "Đánh giá theo quầy",
        "Ratings by counter",
        col("quay", "Quầy", "Counter"),
        r.ratings_by_counter.iter().map(|l| (l.key.clone(), names.counter(&l.key), l.ratings)).collect(),
        None,
    ));
    out.push(comments(r, &names, cat, en));
    if let Some(d) = &r.dossiers {
        let mut columns = vec![col("co-quan", "Cơ quan", "Agency")];
        columns.extend(DOSSIER_COLS);
        let mut rows: Vec<Row> = d
            .by_agency
            .iter()
            .map(|l| {
                let mut cells = vec![Cell::Text(names.line(l))];
                cells.extend(dossier_cells(&l.figures));
                Row { key: if l.id.is_empty() { "khac".into() } else { l.id.clone() }, cells, total: false }
            })
            .collect();
        let mut cells = vec![Cell::Text(if en { "Total" } else { "Tổng" }.into())];
        cells.extend(dossier_cells(&d.total));
        rows.push(Row { key: "tong".into(), cells, total: true });
        out.push(Table { id: "ho-so-co-quan", title_vi: "Hồ sơ theo cơ quan", title_en: "Dossiers by agency", columns, rows });
        let mut columns = vec![col("thu-tuc", "Thủ tục", "Procedure"), col("co-quan", "Cơ quan", "Agency")];
        columns.extend(DOSSIER_COLS);
        let rows = d
            .by_procedure
            .iter()
            .map(|l| {
                let mut cells = vec![Cell::Text(names.line(l)), Cell::Text(l.agency.clone())];
                cells.extend(dossier_cells(&l.figures));
                Row { key: if l.id.is_empty() { format!("~{}", l.name) } else { l.id.clone() }, cells, total: false }
            })
            .collect();
        out.push(Table { id: "ho-so-thu-tuc", title_vi: "Hồ sơ theo thủ tục", title_en: "Dossiers by procedure", columns, rows });
    }
    out
}

fn summary(r: &Report, cat: &CenterCatalog, en: bool) -> Table {
    let t = &r.total;
    let mut rows: Vec<(&str, &str, &str, Cell)> = vec![
        ("trung-tam", "Trung tâm", "Center", Cell::Text(center_name(cat, en))),
        ("tu-ngay", "Từ ngày", "From", Cell::Date(r.period.from)),
        ("den-ngay", "Đến ngày", "To", Cell::Date(r.period.to)),
        ("so-phieu", "Số phiếu đã cấp", "Tickets issued", Cell::Int(t.issued)),
        ("ngoai-tuyen", "Trong đó cấp khi ki-ốt ngoại tuyến", "Of which issued offline", Cell::Int(t.offline)),
        ("da-goi", "Đã gọi", "Called", Cell::Int(t.called)),
        ("da-phuc-vu", "Đã phục vụ", "Served", Cell::Int(t.served)),
        ("vang-mat", "Vắng mặt", "No-shows", Cell::Int(t.no_show)),
        ("chua-goi", "Không được gọi (hết ngày)", "Never called (day ended)", Cell::Int(t.not_called)),
        ("dang-cho", "Đang chờ", "Waiting now", Cell::Int(t.waiting)),
        ("ty-le-vang", "Tỷ lệ vắng mặt", "No-show rate", Cell::Pct(t.no_show_rate())),
        ("cho-tb", "Thời gian chờ trung bình (phút)", "Mean wait (min)", Cell::Num(t.avg_wait_min(), 1)),
        ("cho-trung-vi", "Thời gian chờ trung vị (phút)", "Median wait (min)", Cell::Num(t.median_wait_min().map(f64::from), 0)),
        ("cho-p90", "Thời gian chờ P90 (phút)", "P90 wait (min)", Cell::Num(t.p90_wait_min().map(f64::from), 0)),
        ("trong-15", "Được gọi trong 15 phút", "Called within 15 min", Cell::Pct(t.share_within(15))),
        ("trong-30", "Được gọi trong 30 phút", "Called within 30 min", Cell::Pct(t.share_within(30))),
        ("trong-60", "Được gọi trong 60 phút", "Called within 60 min", Cell::Pct(t.share_within(60))),
        ("phuc-vu-tb", "Thời gian phục vụ trung bình (phút)", "Mean service time (min)", Cell::Num(t.avg_service_min(), 1)),
        ("so-danh-gia", "Số đánh giá", "Ratings", Cell::Int(r.ratings.total())),
        ("ty-le-hai-long", "Tỷ lệ hài lòng", "Satisfied share", Cell::Pct(r.ratings.satisfied_share())),
    ];
    if let Some(d) = &r.dossiers {
        rows.extend([
            ("hs-tiep-nhan", "Hồ sơ tiếp nhận", "Dossiers received", Cell::Int(d.total.received)),
            ("hs-giai-quyet", "Hồ sơ đã giải quyết", "Dossiers resolved", Cell::Int(d.total.resolved)),
            ("hs-dung-han", "Giải quyết đúng hạn", "Resolved on time", Cell::Int(d.total.on_time)),
            ("hs-tre-han", "Giải quyết trễ hạn", "Resolved late", Cell::Int(d.total.late)),
            ("hs-ty-le-dung-han", "Tỷ lệ đúng hạn", "On-time share", Cell::Pct(d.total.on_time_rate())),
            ("hs-da-tra", "Hồ sơ đã trả kết quả", "Results handed over", Cell::Int(d.total.returned)),
            ("hs-qua-han", "Hồ sơ đang quá hạn", "Open and overdue", Cell::Int(d.total.overdue_open)),
        ]);
    }
    Table {
        id: "tong-quan",
        title_vi: "Tổng quan",
        title_en: "Summary",
        columns: vec![col("chi-so", "Chỉ số", "Figure"), col("gia-tri", "Giá trị", "Value")],
        rows: rows
            .into_iter()
            .map(|(key, vi, en_label, v)| Row {
                key: key.into(),
                cells: vec![Cell::Text(if en { en_label } else { vi }.into()), v],
                total: false,
            })
            .collect(),
    }
}

/// The center's name in a language.
pub fn center_name(cat: &CenterCatalog, en: bool) -> String {
    let c = cat.center();
    if en { c.name_en.clone().unwrap_or_else(|| c.name.clone()) } else { c.name.clone() }
}

fn by_service(r: &Report, names: &Names<'_>) -> Table {
    let mut columns = vec![
        col("dich-vu", "Dịch vụ", "Service"),
        col("so-phieu", "Số phiếu", "Tickets"),
        col("da-goi", "Đã gọi", "Called"),
        col("da-phuc-vu", "Đã phục vụ", "Served"),
        col("vang-mat", "Vắng mặt", "No-shows"),
        col("chua-goi", "Không được gọi", "Never called"),
        col("ty-le-vang", "Tỷ lệ vắng mặt", "No-show rate"),
    ];
    columns.extend(WAIT_COLS);
    columns.push(col("phuc-vu-tb", "Phục vụ TB (phút)", "Mean service (min)"));
    let cells = |name: String, f: &Figures| {
        let mut c = vec![
            Cell::Text(name),
            Cell::Int(f.issued),
            Cell::Int(f.called),
            Cell::Int(f.served),
            Cell::Int(f.no_show),
            Cell::Int(f.not_called),
            Cell::Pct(f.no_show_rate()),
        ];
        c.extend(wait_cells(f));
        c.push(Cell::Num(f.avg_service_min(), 1));
        c
    };
    let mut rows: Vec<Row> =
        r.by_service.iter().map(|l| Row { key: l.key.clone(), cells: cells(names.service(&l.key), &l.figures), total: false }).collect();
    rows.push(Row { key: "tong".into(), cells: cells(if names.en { "Total" } else { "Tổng" }.into(), &r.total), total: true });
    Table { id: "theo-dich-vu", title_vi: "Theo dịch vụ", title_en: "By service", columns, rows }
}

fn by_day(r: &Report, en: bool) -> Table {
    let mut columns = vec![
        col("ngay", "Ngày", "Date"),
        col("thu", "Thứ", "Weekday"),
        col("so-phieu", "Số phiếu", "Tickets"),
        col("da-phuc-vu", "Đã phục vụ", "Served"),
        col("vang-mat", "Vắng mặt", "No-shows"),
        col("chua-goi", "Không được gọi", "Never called"),
    ];
    columns.extend(WAIT_COLS);
    columns.push(col("phuc-vu-tb", "Phục vụ TB (phút)", "Mean service (min)"));
    let rows = r
        .by_day
        .iter()
        .map(|l| {
            let w = weekday_index(l.key);
            let mut cells = vec![
                Cell::Date(l.key),
                Cell::Text(if en { weekday_en(w) } else { weekday_vi(w) }.into()),
                Cell::Int(l.figures.issued),
                Cell::Int(l.figures.served),
                Cell::Int(l.figures.no_show),
                Cell::Int(l.figures.not_called),
            ];
            cells.extend(wait_cells(&l.figures));
            cells.push(Cell::Num(l.figures.avg_service_min(), 1));
            Row { key: l.key.to_string(), cells, total: false }
        })
        .collect();
    Table { id: "theo-ngay", title_vi: "Theo ngày", title_en: "By day", columns, rows }
}

/// Hour column keys and headers, 00:00 to 23:00.
const HOURS: [Column; 24] = {
    const K: [&str; 24] = [
        "00:00", "01:00", "02:00", "03:00", "04:00", "05:00", "06:00", "07:00", "08:00", "09:00", "10:00", "11:00", "12:00", "13:00",
        "14:00", "15:00", "16:00", "17:00", "18:00", "19:00", "20:00", "21:00", "22:00", "23:00",
    ];
    let mut out = [col("", "", ""); 24];
    let mut i = 0;
    while i < 24 {
        out[i] = col(K[i], K[i], K[i]);
        i += 1;
    }
    out
};

fn heat(r: &Report, en: bool) -> Table {
    let hours = r.heat.hours();
    let mut columns = vec![col("thu", "Thứ", "Weekday")];
    columns.extend(hours.clone().map(|h| HOURS[h]));
    columns.push(col("so-ngay", "Số ngày", "Days"));
    let rows = (0..7)
        .map(|w| {
            let mut cells = vec![Cell::Text(if en { weekday_en(w) } else { weekday_vi(w) }.into())];
            cells.extend(hours.clone().map(|h| Cell::Num(Some(r.heat.average(w, h)), 1)));
            cells.push(Cell::Int(u64::from(r.heat.days[w])));
            Row { key: format!("t{}", w + 2), cells, total: false }
        })
        .collect();
    Table { id: "theo-gio", title_vi: "Phiếu TB theo giờ và thứ", title_en: "Mean tickets by hour and weekday", columns, rows }
}

fn waits(r: &Report, en: bool) -> Table {
    let h = &r.total.wait_hist;
    let called = r.total.called;
    let rows = WAIT_BUCKETS
        .iter()
        .map(|b| {
            let n = h.between(b.above, b.up_to);
            Row {
                key: b.key.into(),
                cells: vec![
                    Cell::Text((if en { b.en } else { b.vi }).into()),
                    Cell::Int(n),
                    Cell::Pct((called > 0).then(|| n as f64 / called as f64)),
                ],
                total: false,
            }
        })
        .collect();
    Table {
        id: "thoi-gian-cho",
        title_vi: "Phân bố thời gian chờ",
        title_en: "Wait-time distribution",
        columns: vec![col("khoang", "Thời gian chờ", "Wait"), col("so-phieu", "Số phiếu", "Tickets"), col("ty-le", "Tỷ lệ", "Share")],
        rows,
    }
}

fn comments(r: &Report, names: &Names<'_>, cat: &CenterCatalog, en: bool) -> Table {
    let level = |s: u8| match (s, en) {
        (3, false) => "Rất hài lòng",
        (2, false) => "Hài lòng",
        (1, false) => "Không hài lòng",
        (3, true) => "Very satisfied",
        (2, true) => "Satisfied",
        (1, true) => "Not satisfied",
        _ => "",
    };
    let rows = r
        .comments
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let at = crate::tickets::ts(c.at_ms).to_zoned(cat.tz.clone()).datetime();
            Row {
                key: i.to_string(),
                cells: vec![
                    Cell::DateTime(at),
                    Cell::Text(level(c.score).into()),
                    Cell::Text(c.number.clone().or_else(|| c.dossier_code.clone()).unwrap_or_default()),
                    Cell::Text(if c.service_id.is_empty() { String::new() } else { names.service(&c.service_id) }),
                    Cell::Text(if c.counter_id.is_empty() { String::new() } else { names.counter_short(&c.counter_id) }),
                    Cell::Text(c.comment.clone().unwrap_or_default()),
                ],
                total: false,
            }
        })
        .collect();
    Table {
        id: "gop-y",
        title_vi: "Góp ý của công dân",
        title_en: "Citizens' comments",
        columns: vec![
            col("thoi-gian", "Thời gian", "Time"),
            col("muc", "Mức đánh giá", "Rating"),
            col("so-phieu", "Số phiếu / mã hồ sơ", "Ticket / dossier"),
            col("dich-vu", "Dịch vụ", "Service"),
            col("quay", "Quầy", "Counter"),
            col("gop-y", "Góp ý", "Comment"),
        ],
        rows,
    }
}
