//! What every figure means, defined once. The page, the exports, the PDF and
//! the summary tables all add up [`Figures`] and [`Ratings`] made here.
//!
//! - A ticket belongs to the local day and hour of its **issue time**: the
//!   time the citizen took it, also for a ticket an offline kiosk delivered
//!   later, and kept by a transfer.
//! - **Wait** = from the issue time to its **first call** (a call of the next
//!   number or of that number; a recall is not a new call), in seconds,
//!   never negative. Only tickets that were called have a wait.
//! - **Service time** = from the last call (again not counting recalls) to
//!   "served"; only served tickets have one.
//! - A ticket's **counter** and **officer** are those of its last call; a
//!   ticket never called has neither.
//! - **No-show rate** = no-shows ÷ (served + no-shows).
//! - **Median / p90 wait**: waits in whole minutes rounded up, the value of
//!   the ⌈N·p⌉-th smallest (nearest rank); "within 15 min" means a wait of at
//!   most 15:00, so the shares agree with the percentiles.
//! - **Satisfied** (hài lòng) = ratings "Hài lòng" and "Rất hài lòng", over
//!   all ratings; a rating counts on the day it was given.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rusqlite::{Connection, params};

use crate::error::AppError;

/// Waits in whole minutes (rounded up) → how many tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hist(Vec<u64>);

impl Hist {
    /// Whole minutes, rounded up: 0 s → 0, 1–60 s → 1, 61–120 s → 2.
    pub fn minutes_of(seconds: i64) -> usize {
        usize::try_from((seconds.max(0) + 59) / 60).unwrap_or(0)
    }

    /// Counts `n` waits of `minutes`.
    pub fn add(&mut self, minutes: usize, n: u64) {
        if self.0.len() <= minutes {
            self.0.resize(minutes + 1, 0);
        }
        self.0[minutes] += n;
    }

    /// Adds another histogram.
    pub fn merge(&mut self, other: &Hist) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += b;
        }
    }

    /// How many waits.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// The nearest-rank percentile in minutes (`p` in 0..=1), `None` when empty.
    pub fn percentile(&self, p: f64) -> Option<u32> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        // ⌈N·p⌉, at least the first.
        let rank = ((n as f64 * p).ceil() as u64).clamp(1, n);
        let mut seen = 0;
        for (m, c) in self.0.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return u32::try_from(m).ok();
            }
        }
        None
    }

    /// Waits of at most `minutes`.
    pub fn at_most(&self, minutes: usize) -> u64 {
        self.0.iter().take(minutes + 1).sum()
    }

    /// Waits in `lo < minutes ≤ hi` (`hi` None: no upper end).
    pub fn between(&self, lo: Option<usize>, hi: Option<usize>) -> u64 {
        self.0.iter().enumerate().filter(|(m, _)| lo.is_none_or(|lo| *m > lo) && hi.is_none_or(|hi| *m <= hi)).map(|(_, c)| c).sum()
    }

    /// Stored form: `minutes:count` pairs, comma-separated, zeros left out.
    pub fn encode(&self) -> String {
        let mut s = String::new();
        for (m, c) in self.0.iter().enumerate().filter(|(_, c)| **c > 0) {
            if !s.is_empty() {
                s.push(',');
            }
            s.push_str(&format!("{m}:{c}"));
        }
        s
    }

    /// Reads the stored form; a malformed pair is an error.
    pub fn decode(text: &str) -> Result<Hist, String> {
        let mut h = Hist::default();
        for pair in text.split(',').filter(|p| !p.is_empty()) {
            let (m, c) = pair.split_once(':').ok_or_else(|| format!("bad histogram pair {pair:?}"))?;
            let m: usize = m.parse().map_err(|_| format!("bad histogram minute {m:?}"))?;
            let c: u64 = c.parse().map_err(|_| format!("bad histogram count {c:?}"))?;
            // A day has 1,440 minutes: anything longer is damage, not a wait.
            if m > 1440 {
                return Err(format!("histogram minute {m} is longer than a day"));
            }
            h.add(m, c);
        }
        Ok(h)
    }
}

/// The ticket figures of a set of tickets; they add up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Tickets issued.
    pub issued: u64,
    /// Of them, issued by a kiosk that was offline.
    pub offline: u64,
    /// Called at least once.
    pub called: u64,
    /// Served.
    pub served: u64,
    /// Called and absent (vắng mặt).
    pub no_show: u64,
    /// Never called before their day ended.
    pub not_called: u64,
    /// Still waiting (today only).
    pub waiting: u64,
    /// Sum of the waits of the called tickets, seconds.
    pub wait_s: u64,
    /// Sum of the service times of the served tickets, seconds.
    pub service_s: u64,
    /// The waits of the called tickets.
    pub wait_hist: Hist,
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

impl Figures {
    /// Adds another set.
    pub fn merge(&mut self, o: &Figures) {
        self.issued += o.issued;
        self.offline += o.offline;
        self.called += o.called;
        self.served += o.served;
        self.no_show += o.no_show;
        self.not_called += o.not_called;
        self.waiting += o.waiting;
        self.wait_s += o.wait_s;
        self.service_s += o.service_s;
        self.wait_hist.merge(&o.wait_hist);
    }

    /// Adds one ticket.
    pub fn add(&mut self, t: &TicketFact) {
        self.issued += 1;
        self.offline += u64::from(t.offline);
        match t.outcome {
            Outcome::Served => self.served += 1,
            Outcome::NoShow => self.no_show += 1,
            Outcome::NotCalled => self.not_called += 1,
            Outcome::Waiting => self.waiting += 1,
            Outcome::Called => {}
        }
        if let Some(w) = t.wait_s {
            self.called += 1;
            self.wait_s += u64::try_from(w).unwrap_or(0);
            self.wait_hist.add(Hist::minutes_of(w), 1);
        }
        if let Some(s) = t.service_s {
            self.service_s += u64::try_from(s).unwrap_or(0);
        }
    }

    /// Mean wait in minutes.
    pub fn avg_wait_min(&self) -> Option<f64> {
        ratio(self.wait_s, self.called).map(|s| s / 60.0)
    }

    /// Median wait, whole minutes rounded up.
    pub fn median_wait_min(&self) -> Option<u32> {
        self.wait_hist.percentile(0.5)
    }

    /// 90th percentile of the wait, whole minutes rounded up.
    pub fn p90_wait_min(&self) -> Option<u32> {
        self.wait_hist.percentile(0.9)
    }

    /// Share of the called tickets called within `minutes` (at most that long).
    pub fn share_within(&self, minutes: usize) -> Option<f64> {
        ratio(self.wait_hist.at_most(minutes), self.called)
    }

    /// No-shows ÷ (served + no-shows).
    pub fn no_show_rate(&self) -> Option<f64> {
        ratio(self.no_show, self.served + self.no_show)
    }

    /// Mean service time in minutes.
    pub fn avg_service_min(&self) -> Option<f64> {
        ratio(self.service_s, self.served).map(|s| s / 60.0)
    }
}

/// How a ticket's day went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Served at a counter.
    Served,
    /// Called and absent.
    NoShow,
    /// Called, and neither served nor marked absent (still at the counter,
    /// or transferred and not called again).
    Called,
    /// Its day ended before anyone called it.
    NotCalled,
    /// Today, not called yet.
    Waiting,
}

/// One ticket as the reports see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFact {
    /// Local hour of issue.
    pub hour: u8,
    /// The service it was taken for.
    pub service_id: String,
    /// Counter of its last call; empty if never called.
    pub counter_id: String,
    /// Who made its last call; empty if never called.
    pub officer: String,
    /// Issued by an offline kiosk.
    pub offline: bool,
    /// How it went.
    pub outcome: Outcome,
    /// Issue → first call, seconds (called tickets).
    pub wait_s: Option<i64>,
    /// Last call → served, seconds (served tickets).
    pub service_s: Option<i64>,
}

/// The last call of a ticket that is not a recall: its counter and who made it.
const LAST_CALL: &str = "(SELECT c.counter_id || char(31) || c.actor FROM calls c
                           WHERE c.ticket_id = t.id AND c.kind <> 'recall' ORDER BY c.at DESC LIMIT 1)";

/// The tickets of one local day of a center. `today` decides whether a
/// waiting ticket is still waiting or was never called.
pub fn day_tickets(conn: &Connection, center: &str, day: Date, today: Date, tz: &TimeZone) -> Result<Vec<TicketFact>, AppError> {
    let sql = format!(
        "SELECT t.issued_at, t.service_id, t.status, t.called_at, t.finished_at, t.offline,
                (SELECT min(c.at) FROM calls c WHERE c.ticket_id = t.id AND c.kind <> 'recall'),
                {LAST_CALL}
         FROM tickets t WHERE t.center = ?1 AND t.day = ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![center, day.to_string()], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, bool>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, Option<String>>(7)?,
        ))
    })?;
    let over = day < today;
    let mut out = Vec::new();
    for row in rows {
        let (issued, service_id, status, called_at, finished_at, offline, first_call, last) = row?;
        let (counter_id, officer) = split_last(last);
        let outcome = match (status.as_str(), first_call) {
            ("served", _) => Outcome::Served,
            ("no_show", _) => Outcome::NoShow,
            (_, Some(_)) => Outcome::Called,
            ("called", None) => Outcome::Called,
            _ if over || status == "expired" => Outcome::NotCalled,
            _ => Outcome::Waiting,
        };
        // A called ticket whose calls were lost (none recorded) still waited
        // until it was called: fall back to the stored call time.
        let first = first_call.or(if matches!(outcome, Outcome::Served | Outcome::NoShow | Outcome::Called) { called_at } else { None });
        let service_s = match (outcome, called_at, finished_at) {
            (Outcome::Served, Some(c), Some(f)) => Some((f - c).max(0) / 1000),
            _ => None,
        };
        out.push(TicketFact {
            hour: local_hour(issued, tz),
            service_id,
            counter_id,
            officer,
            offline,
            outcome,
            wait_s: first.map(|f| (f - issued).max(0) / 1000),
            service_s,
        });
    }
    Ok(out)
}

fn split_last(last: Option<String>) -> (String, String) {
    match last {
        Some(s) => match s.split_once('\u{1f}') {
            Some((c, a)) => (c.to_string(), a.to_string()),
            None => (s, String::new()),
        },
        None => (String::new(), String::new()),
    }
}

fn local_hour(ms: i64, tz: &TimeZone) -> u8 {
    Timestamp::from_millisecond(ms).map(|t| t.to_zoned(tz.clone()).hour()).ok().and_then(|h| u8::try_from(h).ok()).unwrap_or(0)
}

/// Ratings per level: `n[0]` Không hài lòng, `n[1]` Hài lòng, `n[2]` Rất hài lòng.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ratings {
    /// Counts per score 1..=3.
    pub n: [u64; 3],
}

impl Ratings {
    /// Counts one rating of `score` (1..=3; anything else is ignored).
    pub fn add(&mut self, score: u8, count: u64) {
        if let Some(slot) = usize::from(score).checked_sub(1).and_then(|i| self.n.get_mut(i)) {
            *slot += count;
        }
    }

    /// Adds another set.
    pub fn merge(&mut self, o: &Ratings) {
        for (a, b) in self.n.iter_mut().zip(o.n) {
            *a += b;
        }
    }

    /// All ratings.
    pub fn total(&self) -> u64 {
        self.n.iter().sum()
    }

    /// "Hài lòng" and "Rất hài lòng" over all ratings.
    pub fn satisfied_share(&self) -> Option<f64> {
        ratio(self.n[1] + self.n[2], self.total())
    }
}

/// One rating as the reports see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingFact {
    /// When it was given (Unix ms).
    pub at_ms: i64,
    /// 1..=3.
    pub score: u8,
    /// The comment, if any.
    pub comment: Option<String>,
    /// The rated ticket's service; empty for a dossier rating.
    pub service_id: String,
    /// The rated ticket's counter (its last call); empty if none.
    pub counter_id: String,
    /// Who made that call; empty if none.
    pub officer: String,
    /// The ticket's number, if a ticket was rated.
    pub number: Option<String>,
    /// The dossier's code, if a dossier was rated.
    pub dossier_code: Option<String>,
}

/// The ratings given in `[from_ms, to_ms)`; `comments_only` keeps those with a comment.
pub fn ratings(conn: &Connection, center: &str, from_ms: i64, to_ms: i64, comments_only: bool) -> Result<Vec<RatingFact>, AppError> {
    let sql = format!(
        "SELECT r.created_at, r.score, r.comment, t.service_id, {LAST_CALL}, t.number, r.dossier_code
         FROM ratings r LEFT JOIN tickets t ON t.id = r.ticket_id
         WHERE r.center = ?1 AND r.created_at >= ?2 AND r.created_at < ?3 {}
         ORDER BY r.created_at",
        // The same expression as the partial index report_comments_at.
        if comments_only { "AND length(trim(comment)) > 0" } else { "" }
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![center, from_ms, to_ms], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (at_ms, score, comment, service_id, last, number, dossier_code) = row?;
        let (counter_id, officer) = split_last(last);
        out.push(RatingFact {
            at_ms,
            score: u8::try_from(score).unwrap_or(0),
            comment: comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
            service_id: service_id.unwrap_or_default(),
            counter_id,
            officer,
            number,
            dossier_code,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(waits_s: &[i64]) -> Hist {
        let mut h = Hist::default();
        for w in waits_s {
            h.add(Hist::minutes_of(*w), 1);
        }
        h
    }

    #[test]
    fn minutes_round_up_so_within_15_means_at_most_15_00() {
        assert_eq!(Hist::minutes_of(0), 0);
        assert_eq!(Hist::minutes_of(1), 1);
        assert_eq!(Hist::minutes_of(900), 15);
        assert_eq!(Hist::minutes_of(901), 16);
        assert_eq!(Hist::minutes_of(-5), 0, "a kiosk clock ahead never makes a negative wait");
        let h = hist(&[900, 901]);
        assert_eq!(h.at_most(15), 1);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        // 5, 10, 15, 20 minutes: median is the 2nd (10), p90 the 4th (20).
        let h = hist(&[300, 600, 900, 1200]);
        assert_eq!(h.percentile(0.5), Some(10));
        assert_eq!(h.percentile(0.9), Some(20));
        // One wait: every percentile is it.
        assert_eq!(hist(&[61]).percentile(0.5), Some(2));
        assert_eq!(Hist::default().percentile(0.5), None);
        // 10 waits of 1..=10 minutes: p90 is the 9th.
        let h = hist(&(1..=10).map(|m| m * 60).collect::<Vec<_>>());
        assert_eq!(h.percentile(0.9), Some(9));
        assert_eq!(h.percentile(0.5), Some(5));
    }

    #[test]
    fn the_stored_histogram_reads_back_the_same() {
        let h = hist(&[0, 60, 61, 3600, 3600]);
        assert_eq!(h.encode(), "0:1,1:1,2:1,60:2");
        assert_eq!(Hist::decode(&h.encode()).unwrap(), h);
        assert!(Hist::decode("1:x").is_err());
        assert!(Hist::decode("99999:1").is_err());
        assert_eq!(Hist::decode("").unwrap().total(), 0);
    }

    #[test]
    fn figures_add_up_and_rates_follow_their_definitions() {
        let t = |outcome, wait_s, service_s| TicketFact {
            hour: 8,
            service_id: "s".into(),
            counter_id: "c".into(),
            officer: "o".into(),
            offline: false,
            outcome,
            wait_s,
            service_s,
        };
        let mut f = Figures::default();
        f.add(&t(Outcome::Served, Some(600), Some(300)));
        f.add(&t(Outcome::Served, Some(1200), Some(900)));
        f.add(&t(Outcome::NoShow, Some(60), None));
        f.add(&t(Outcome::NotCalled, None, None));
        assert_eq!((f.issued, f.called, f.served, f.no_show, f.not_called), (4, 3, 2, 1, 1));
        assert_eq!(f.avg_wait_min(), Some(1860.0 / 3.0 / 60.0));
        assert_eq!(f.avg_service_min(), Some(10.0));
        assert_eq!(f.no_show_rate(), Some(1.0 / 3.0));
        assert_eq!(f.share_within(15), Some(2.0 / 3.0));
        assert_eq!(f.median_wait_min(), Some(10));
        let mut g = f.clone();
        g.merge(&f);
        assert_eq!((g.issued, g.wait_hist.total()), (8, 6));
        assert_eq!(g.median_wait_min(), Some(10));
    }

    #[test]
    fn satisfied_counts_both_positive_levels() {
        let mut r = Ratings::default();
        r.add(3, 5);
        r.add(2, 3);
        r.add(1, 2);
        r.add(9, 1);
        assert_eq!(r.total(), 10);
        assert_eq!(r.satisfied_share(), Some(0.8));
    }
}
