//! A report: the figures of a period for a scope (center, service, counter,
//! officer), and what today looks like right now.

use std::collections::{BTreeMap, HashSet};

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rusqlite::{Connection, params};

use super::dossiers::{self, DossierReport};
use super::facts::{self, Figures, RatingFact, Ratings};
use super::summary::{self, DayRows, Key, RatingKey};
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::tickets::local_day;

/// The longest period a report covers.
pub const MAX_DAYS: i32 = 731;

/// Which figures a report counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The center.
    pub center: String,
    /// Only tickets taken for this service (and its procedures' dossiers).
    pub service: Option<String>,
    /// Only tickets whose last call was at one of these counters.
    pub counters: Option<Vec<String>>,
    /// Only tickets whose last call this officer made.
    pub officer: Option<String>,
    /// Whether dossier figures are shown (not to an officer).
    pub dossiers: bool,
}

impl Scope {
    /// Whether a summary row is in scope.
    pub fn ticket(&self, k: &Key) -> bool {
        self.service.as_ref().is_none_or(|s| *s == k.service_id)
            && self.counters.as_ref().is_none_or(|c| c.contains(&k.counter_id))
            && self.officer.as_ref().is_none_or(|o| *o == k.officer)
    }

    /// Whether a ratings row is in scope (a dossier rating only without filters).
    pub fn rating(&self, k: &RatingKey) -> bool {
        self.service.as_ref().is_none_or(|s| *s == k.service_id)
            && self.counters.as_ref().is_none_or(|c| c.contains(&k.counter_id))
            && self.officer.as_ref().is_none_or(|o| *o == k.officer)
    }

    fn rating_fact(&self, r: &RatingFact) -> bool {
        self.rating(&RatingKey {
            service_id: r.service_id.clone(),
            counter_id: r.counter_id.clone(),
            officer: r.officer.clone(),
            dossier: r.dossier_code.is_some(),
        })
    }

    /// Whether any filter narrows the center's figures.
    pub fn filtered(&self) -> bool {
        self.service.is_some() || self.counters.is_some() || self.officer.is_some()
    }
}

/// Local days `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: Date,
    /// Last day (included).
    pub to: Date,
}

impl Period {
    /// A period, refused when it runs backwards or is longer than [`MAX_DAYS`].
    pub fn new(from: Date, to: Date) -> Result<Period, AppError> {
        if to < from {
            return Err(AppError::invalid(
                format!("the period ends ({to}) before it starts ({from})"),
                format!("Ngày kết thúc ({}) trước ngày bắt đầu ({})", to.strftime("%d/%m/%Y"), from.strftime("%d/%m/%Y")),
            ));
        }
        let days = (to - from).get_days() + 1;
        if days > MAX_DAYS {
            return Err(AppError::invalid(
                format!("a report covers at most {MAX_DAYS} days; this period has {days}"),
                format!("Một báo cáo tối đa {MAX_DAYS} ngày; khoảng đã chọn có {days} ngày"),
            ));
        }
        Ok(Period { from, to })
    }

    /// Every day of the period up to `last` (included).
    pub fn days_until(&self, last: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let mut d = self.from;
        while d <= self.to && d <= last {
            out.push(d);
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        out
    }

    /// The number of days.
    pub fn len(&self) -> i32 {
        (self.to - self.from).get_days() + 1
    }

    /// Never empty (kept for clippy's `len` rule).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The calendar month `YYYY-MM`.
    pub fn month(text: &str) -> Result<Period, AppError> {
        let bad = || {
            AppError::invalid(
                format!("month must be YYYY-MM, e.g. 2026-11 (got {text:?})"),
                format!("Tháng phải có dạng NNNN-TT, ví dụ 2026-11 (đã nhập {text:?})"),
            )
        };
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let (y, m): (i16, i8) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        let from = Date::new(y, m, 1).map_err(|_| bad())?;
        Period::new(from, from.last_of_month())
    }

    /// Whether it is exactly one calendar month.
    pub fn is_month(&self) -> bool {
        self.from.day() == 1 && self.to == self.from.last_of_month()
    }
}

/// Parses `YYYY-MM-DD`, naming the parameter when it is not a date.
pub fn parse_day(name: &str, text: &str) -> Result<Date, AppError> {
    text.trim().parse::<Date>().map_err(|_| {
        AppError::invalid(
            format!("{name} must be a date YYYY-MM-DD, e.g. 2026-11-02 (got {text:?})"),
            format!("{name} phải là ngày dạng NNNN-TT-NN, ví dụ 2026-11-02 (đã nhập {text:?})"),
        )
    })
}

/// A named set of figures (a service, a counter, an officer, a day).
#[derive(Debug, Clone, PartialEq)]
pub struct Line<K> {
    /// What the line is about.
    pub key: K,
    /// Its ticket figures.
    pub figures: Figures,
}

/// Tickets issued by weekday (Monday first) and local hour of issue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heat {
    /// `counts[weekday][hour]`, Monday = 0.
    pub counts: [[u64; 24]; 7],
    /// How many of each weekday the period has (up to today).
    pub days: [u32; 7],
}

impl Heat {
    /// Mean tickets in that hour on that weekday.
    pub fn average(&self, weekday: usize, hour: usize) -> f64 {
        let days = self.days.get(weekday).copied().unwrap_or(0);
        if days == 0 { 0.0 } else { self.counts[weekday][hour] as f64 / f64::from(days) }
    }

    /// The hours that have any ticket, as a range (at least 7 to 17).
    pub fn hours(&self) -> std::ops::RangeInclusive<usize> {
        let used: Vec<usize> = (0..24).filter(|h| self.counts.iter().any(|w| w[*h] > 0)).collect();
        let lo = used.first().copied().unwrap_or(7).min(7);
        let hi = used.last().copied().unwrap_or(17).max(17);
        lo..=hi
    }
}

/// Ratings of one service, counter or officer.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingLine {
    /// Service, counter id or officer.
    pub key: String,
    /// The ratings.
    pub ratings: Ratings,
}

/// Everything a period's report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// What it counts.
    pub scope: Scope,
    /// The days it covers.
    pub period: Period,
    /// When it was made.
    pub now: Timestamp,
    /// All tickets in scope.
    pub total: Figures,
    /// By the service the tickets were taken for (catalog order).
    pub by_service: Vec<Line<String>>,
    /// Every day of the period up to today.
    pub by_day: Vec<Line<Date>>,
    /// By the counter of the last call (counter number order).
    pub by_counter: Vec<Line<String>>,
    /// By the officer of the last call.
    pub by_officer: Vec<Line<String>>,
    /// Weekday × hour of issue.
    pub heat: Heat,
    /// All ratings in scope.
    pub ratings: Ratings,
    /// Ratings by the rated ticket's service.
    pub ratings_by_service: Vec<RatingLine>,
    /// Ratings by the rated ticket's counter.
    pub ratings_by_counter: Vec<RatingLine>,
    /// Ratings that name a dossier.
    pub ratings_dossier: Ratings,
    /// Ratings with a comment, newest first.
    pub comments: Vec<RatingFact>,
    /// Dossier figures (not for officers).
    pub dossiers: Option<DossierReport>,
}

/// The weekday index, Monday = 0.
pub fn weekday_index(d: Date) -> usize {
    usize::try_from(d.weekday().to_monday_zero_offset()).unwrap_or(0)
}

/// Reads the days' summaries: stored ones from the tables, today and any
/// day not yet summarised added up live from the same facts.
pub fn day_rows(conn: &Connection, cat: &CenterCatalog, days: &[Date], today: Date) -> Result<BTreeMap<Date, DayRows>, AppError> {
    let center = &cat.center().id;
    let (Some(first), Some(last)) = (days.iter().min().copied(), days.iter().max().copied()) else { return Ok(BTreeMap::new()) };
    let missing: HashSet<Date> = summary::missing(conn, center, days, today)?.into_iter().collect();
    let mut stored = summary::read(conn, center, first, last)?;
    let mut out = BTreeMap::new();
    for d in days {
        let rows = if *d >= today || missing.contains(d) {
            summary::summarize_day(conn, center, *d, today, &cat.tz)?
        } else {
            stored.remove(d).unwrap_or_default()
        };
        out.insert(*d, rows);
    }
    Ok(out)
}

fn sorted_lines<K: Ord + Clone>(map: BTreeMap<K, Figures>, order: impl Fn(&K) -> (usize, String)) -> Vec<Line<K>> {
    let mut v: Vec<Line<K>> = map.into_iter().map(|(key, figures)| Line { key, figures }).collect();
    v.sort_by_key(|l| order(&l.key));
    v
}

/// Builds the report of `period` for `scope`, as of `now`.
pub fn build(conn: &Connection, cat: &CenterCatalog, scope: &Scope, period: Period, now: Timestamp) -> Result<Report, AppError> {
    let today = local_day(cat, now);
    let days = period.days_until(today);
    let rows = day_rows(conn, cat, &days, today)?;

    let mut total = Figures::default();
    let mut by_service: BTreeMap<String, Figures> = BTreeMap::new();
    let mut by_counter: BTreeMap<String, Figures> = BTreeMap::new();
    let mut by_officer: BTreeMap<String, Figures> = BTreeMap::new();
    let mut by_day = Vec::new();
    let mut heat = Heat::default();
    let mut ratings = Ratings::default();
    let mut ratings_dossier = Ratings::default();
    let mut r_service: BTreeMap<String, Ratings> = BTreeMap::new();
    let mut r_counter: BTreeMap<String, Ratings> = BTreeMap::new();
    for (day, day_rows) in &rows {
        let w = weekday_index(*day);
        heat.days[w] += 1;
        let mut day_total = Figures::default();
        for (k, f) in day_rows.tickets.iter().filter(|(k, _)| scope.ticket(k)) {
            day_total.merge(f);
            by_service.entry(k.service_id.clone()).or_default().merge(f);
            if !k.counter_id.is_empty() {
                by_counter.entry(k.counter_id.clone()).or_default().merge(f);
            }
            if !k.officer.is_empty() {
                by_officer.entry(k.officer.clone()).or_default().merge(f);
            }
            heat.counts[w][usize::from(k.hour).min(23)] += f.issued;
        }
        total.merge(&day_total);
        by_day.push(Line { key: *day, figures: day_total });
        for (k, r) in day_rows.ratings.iter().filter(|(k, _)| scope.rating(k)) {
            ratings.merge(r);
            if k.dossier {
                ratings_dossier.merge(r);
                continue;
            }
            r_service.entry(k.service_id.clone()).or_default().merge(r);
            if !k.counter_id.is_empty() {
                r_counter.entry(k.counter_id.clone()).or_default().merge(r);
            }
        }
    }
    // Every service of the scope shows, with zeros.
    for s in &cat.catalog.services {
        if scope.service.as_ref().is_none_or(|f| *f == s.id) && scope.counters.is_none() && scope.officer.is_none() {
            by_service.entry(s.id.clone()).or_default();
        }
    }
    let service_order = |id: &String| (cat.catalog.services.iter().position(|s| &s.id == id).unwrap_or(usize::MAX), id.clone());
    let counter_order =
        |id: &String| (cat.counter(id).map(|c| usize::try_from(c.number).unwrap_or(usize::MAX)).unwrap_or(usize::MAX), id.clone());
    let rating_lines = |m: BTreeMap<String, Ratings>, order: &dyn Fn(&String) -> (usize, String)| {
        let mut v: Vec<RatingLine> = m.into_iter().map(|(key, ratings)| RatingLine { key, ratings }).collect();
        v.sort_by_key(|l| order(&l.key));
        v
    };

    let (start, _) = summary::day_bounds(period.from, &cat.tz)?;
    let (_, end) = summary::day_bounds(period.to, &cat.tz)?;
    let mut comments: Vec<RatingFact> =
        facts::ratings(conn, &scope.center, start, end, true)?.into_iter().filter(|r| scope.rating_fact(r)).collect();
    comments.reverse();

    let dossiers = if scope.dossiers {
        let procedures = scope.service.as_ref().map(|s| dossiers::procedures_of_service(cat, s));
        Some(dossiers::build(conn, cat, procedures.as_ref(), start, end, now.as_millisecond())?)
    } else {
        None
    };

    Ok(Report {
        scope: scope.clone(),
        period,
        now,
        total,
        by_service: sorted_lines(by_service, service_order),
        by_day,
        by_counter: sorted_lines(by_counter, counter_order),
        by_officer: sorted_lines(by_officer, |o: &String| (0, o.clone())),
        heat,
        ratings,
        ratings_by_service: rating_lines(r_service, &service_order),
        ratings_by_counter: rating_lines(r_counter, &counter_order),
        ratings_dossier,
        comments,
        dossiers,
    })
}

/// A counter right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterState {
    /// Serving a called ticket.
    Serving,
    /// Called today, free now.
    Open,
    /// Tạm nghỉ.
    Paused,
    /// Has not called anyone today.
    NotOpened,
}

/// One counter right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterNow {
    /// The counter's id.
    pub counter_id: String,
    /// Its state.
    pub state: CounterState,
    /// The number it serves, if any.
    pub serving: Option<String>,
}

/// Waiting now in one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingNow {
    /// The service (the queue it waits in).
    pub service_id: String,
    /// Tickets waiting.
    pub waiting: u64,
    /// The oldest waiting ticket's number and issue time.
    pub oldest: Option<(String, Timestamp)>,
}

/// Today, live.
#[derive(Debug, Clone, PartialEq)]
pub struct Today {
    /// When it was read.
    pub now: Timestamp,
    /// The local date.
    pub date: Date,
    /// Today's tickets in scope so far.
    pub figures: Figures,
    /// Waiting now, per service in scope.
    pub waiting: Vec<WaitingNow>,
    /// Counters in scope.
    pub counters: Vec<CounterNow>,
    /// Tickets issued per hour so far.
    pub per_hour: [u64; 24],
    /// The mean per hour on the last same weekdays that had tickets.
    pub per_hour_avg: [f64; 24],
    /// How many of those days the mean is over (up to [`SAME_WEEKDAYS`]).
    pub avg_days: u32,
}

/// How many past same weekdays "the same weekday's average" looks back at.
pub const SAME_WEEKDAYS: i64 = 8;

impl Today {
    /// The longest current wait: the oldest waiting ticket and its minutes.
    pub fn longest(&self) -> Option<(&str, &str, i64)> {
        self.waiting
            .iter()
            .filter_map(|w| w.oldest.as_ref().map(|(n, t)| (w.service_id.as_str(), n.as_str(), *t)))
            .min_by_key(|(_, _, t)| *t)
            .map(|(s, n, t)| (s, n, (self.now.as_millisecond() - t.as_millisecond()).max(0) / 60_000))
    }

    /// (open incl. serving, paused, not opened).
    pub fn counter_counts(&self) -> (usize, usize, usize) {
        let c = |s: &[CounterState]| self.counters.iter().filter(|x| s.contains(&x.state)).count();
        (c(&[CounterState::Serving, CounterState::Open]), c(&[CounterState::Paused]), c(&[CounterState::NotOpened]))
    }
}

/// The days whose summaries "today" compares with: the last same weekdays.
pub fn same_weekdays(today: Date) -> Vec<Date> {
    (1..=SAME_WEEKDAYS).filter_map(|k| today.checked_sub((7 * k).days()).ok()).collect()
}

/// What the center looks like now. `paused` and `serving` come from the
/// queue index (the live state of counters).
pub fn today(
    conn: &Connection,
    cat: &CenterCatalog,
    scope: &Scope,
    now: Timestamp,
    paused: &dyn Fn(&str) -> bool,
    serving: &dyn Fn(&str) -> Option<String>,
) -> Result<Today, AppError> {
    let date = local_day(cat, now);
    let center = &scope.center;
    let mut figures = Figures::default();
    let mut per_hour = [0u64; 24];
    for t in facts::day_tickets(conn, center, date, date, &cat.tz)? {
        let key = Key { hour: t.hour, service_id: t.service_id.clone(), counter_id: t.counter_id.clone(), officer: t.officer.clone() };
        if scope.ticket(&key) {
            figures.add(&t);
            per_hour[usize::from(t.hour).min(23)] += 1;
        }
    }
    let past = same_weekdays(date);
    let rows = day_rows(conn, cat, &past, date)?;
    let mut sums = [0u64; 24];
    let mut avg_days = 0u32;
    for day_rows in rows.values() {
        let mut any = false;
        for (k, f) in day_rows.tickets.iter().filter(|(k, _)| scope.ticket(k)) {
            sums[usize::from(k.hour).min(23)] += f.issued;
            any |= f.issued > 0;
        }
        avg_days += u32::from(any);
    }
    let mut per_hour_avg = [0f64; 24];
    if avg_days > 0 {
        for (a, s) in per_hour_avg.iter_mut().zip(sums) {
            *a = s as f64 / f64::from(avg_days);
        }
    }

    // Counters in scope: a counter filter, else those serving the service filter, else all.
    let counters: Vec<&motcua_domain::Counter> = cat
        .catalog
        .counters
        .iter()
        .filter(|c| scope.counters.as_ref().is_none_or(|list| list.contains(&c.id)))
        .filter(|c| scope.service.as_ref().is_none_or(|s| c.services.contains(s)))
        .collect();
    let services: Vec<&str> = cat
        .catalog
        .services
        .iter()
        .filter(|s| scope.service.as_ref().is_none_or(|f| *f == s.id))
        .filter(|s| scope.counters.is_none() || counters.iter().any(|c| c.services.contains(&s.id)))
        .map(|s| s.id.as_str())
        .collect();
    let mut waiting: BTreeMap<String, WaitingNow> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(queue_service, service_id), number, issued_at FROM tickets
         WHERE center = ?1 AND day = ?2 AND status = 'waiting' ORDER BY issued_at",
    )?;
    let mut rows = stmt.query(params![center, date.to_string()])?;
    while let Some(r) = rows.next()? {
        let (service, number, issued): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if !services.contains(&service.as_str()) {
            continue;
        }
        let w = waiting.entry(service.clone()).or_insert_with(|| WaitingNow { service_id: service, waiting: 0, oldest: None });
        w.waiting += 1;
        if w.oldest.is_none() {
            w.oldest = Some((number, crate::tickets::ts(issued)));
        }
    }
    let waiting: Vec<WaitingNow> = services
        .iter()
        .map(|s| waiting.remove(*s).unwrap_or_else(|| WaitingNow { service_id: (*s).to_string(), waiting: 0, oldest: None }))
        .collect();

    let (start, _) = summary::day_bounds(date, &cat.tz)?;
    let mut called_today = HashSet::new();
    let mut stmt = conn.prepare_cached("SELECT DISTINCT counter_id FROM calls WHERE center = ?1 AND at >= ?2")?;
    let mut rows = stmt.query(params![center, start])?;
    while let Some(r) = rows.next()? {
        called_today.insert(r.get::<_, String>(0)?);
    }
    let counters = counters
        .into_iter()
        .map(|c| {
            let serving = serving(&c.id);
            let state = if paused(&c.id) {
                CounterState::Paused
            } else if serving.is_some() {
                CounterState::Serving
            } else if called_today.contains(&c.id) {
                CounterState::Open
            } else {
                CounterState::NotOpened
            };
            CounterNow { counter_id: c.id.clone(), state, serving }
        })
        .collect();
    Ok(Today { now, date, figures, waiting, counters, per_hour, per_hour_avg, avg_days })
}

/// The Vietnamese short name of a weekday, Monday = 0.
pub fn weekday_vi(i: usize) -> &'static str {
    ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"].get(i).copied().unwrap_or("")
}

/// The English name of a weekday, Monday = 0.
pub fn weekday_en(i: usize) -> &'static str {
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].get(i).copied().unwrap_or("")
}

/// Monday of the week of `d`.
pub fn monday_of(d: Date) -> Date {
    d.checked_sub(i64::from(d.weekday().to_monday_zero_offset()).days()).unwrap_or(d)
}
