//! Opening hours of a service and the next time it opens.

use jiff::civil::{DateTime, Time, Weekday};
use serde::{Deserialize, Serialize};

/// One opening window on some weekdays, e.g. Mon–Fri 07:30–11:30.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HoursRule {
    /// `mon` … `sun`.
    pub days: Vec<String>,
    /// `HH:MM`, local time of the center.
    pub open: String,
    /// `HH:MM`, exclusive.
    pub close: String,
}

/// Why an opening-hours rule is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    /// An unknown day name.
    #[error("unknown day {0:?} (expected mon, tue, wed, thu, fri, sat or sun)")]
    Day(String),
    /// A time that is not HH:MM.
    #[error("time {0:?} is not HH:MM")]
    Time(String),
    /// Closing at or before opening.
    #[error("opens at {open} but closes at {close}: it must open before it closes")]
    Order {
        /// Opening time as given.
        open: String,
        /// Closing time as given.
        close: String,
    },
    /// A rule without days.
    #[error("no days given")]
    NoDays,
}

fn parse_day(s: &str) -> Result<Weekday, HoursError> {
    Ok(match s {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        other => return Err(HoursError::Day(other.to_string())),
    })
}

fn parse_hhmm(s: &str) -> Result<Time, HoursError> {
    let bad = || HoursError::Time(s.to_string());
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    if h == 24 && m == 0 {
        return Ok(Time::MAX);
    }
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

/// A checked rule.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Window {
    days: Vec<Weekday>,
    open: Time,
    close: Time,
}

impl HoursRule {
    fn window(&self) -> Result<Window, HoursError> {
        if self.days.is_empty() {
            return Err(HoursError::NoDays);
        }
        let days = self.days.iter().map(|d| parse_day(d)).collect::<Result<_, _>>()?;
        let open = parse_hhmm(&self.open)?;
        let close = parse_hhmm(&self.close)?;
        if open >= close {
            return Err(HoursError::Order { open: self.open.clone(), close: self.close.clone() });
        }
        Ok(Window { days, open, close })
    }

    /// Checks days and times.
    pub fn validate(&self) -> Result<(), HoursError> {
        self.window().map(|_| ())
    }
}

/// Opening hours made of rules; no rules means open around the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours {
    windows: Vec<Window>,
}

impl OpeningHours {
    /// Checked hours from rules.
    pub fn new(rules: &[HoursRule]) -> Result<Self, HoursError> {
        Ok(Self { windows: rules.iter().map(HoursRule::window).collect::<Result<_, _>>()? })
    }

    /// Whether the service takes tickets at this local time.
    pub fn is_open(&self, at: DateTime) -> bool {
        self.windows.is_empty() || self.windows.iter().any(|w| w.days.contains(&at.weekday()) && at.time() >= w.open && at.time() < w.close)
    }

    /// The first local time strictly after `after` at which a window opens,
    /// looking at most 8 days ahead. Around-the-clock hours open at the next
    /// local midnight (the next numbering day).
    pub fn next_open(&self, after: DateTime) -> Option<DateTime> {
        let today = after.date();
        if self.windows.is_empty() {
            return today.tomorrow().ok().map(|d| d.to_datetime(Time::midnight()));
        }
        let mut best: Option<DateTime> = None;
        for offset in 0..=8 {
            let Ok(day) = today.checked_add(jiff::Span::new().days(offset)) else { continue };
            for w in &self.windows {
                if !w.days.contains(&day.weekday()) {
                    continue;
                }
                let start = day.to_datetime(w.open);
                if start > after && best.is_none_or(|b| start < b) {
                    best = Some(start);
                }
            }
            if best.is_some() {
                break;
            }
        }
        best
    }

    /// The windows open on a weekday, as (open, close) local times in the
    /// order of the rules; around-the-clock hours give the whole day.
    pub fn windows_on(&self, day: Weekday) -> Vec<(Time, Time)> {
        if self.windows.is_empty() {
            return vec![(Time::midnight(), Time::MAX)];
        }
        let mut v: Vec<(Time, Time)> = self.windows.iter().filter(|w| w.days.contains(&day)).map(|w| (w.open, w.close)).collect();
        v.sort();
        v
    }

    /// The first opening on a later day than `after` (used when today's
    /// tickets have run out).
    pub fn next_open_on_later_day(&self, after: DateTime) -> Option<DateTime> {
        let end_of_day = after.date().to_datetime(Time::MAX);
        self.next_open(end_of_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn office() -> OpeningHours {
        let wd: Vec<String> = ["mon", "tue", "wed", "thu", "fri"].iter().map(|s| s.to_string()).collect();
        OpeningHours::new(&[
            HoursRule { days: wd.clone(), open: "07:30".into(), close: "11:30".into() },
            HoursRule { days: wd, open: "13:30".into(), close: "17:00".into() },
            HoursRule { days: vec!["sat".into()], open: "07:30".into(), close: "11:30".into() },
        ])
        .expect("valid hours")
    }

    #[test]
    fn office_hours_are_open_in_the_morning_and_closed_at_lunch() {
        let h = office();
        // 2026-11-27 is a Friday.
        assert!(h.is_open(date(2026, 11, 27).at(8, 0, 0, 0)));
        assert!(!h.is_open(date(2026, 11, 27).at(12, 0, 0, 0)));
        assert_eq!(h.next_open(date(2026, 11, 27).at(12, 0, 0, 0)), Some(date(2026, 11, 27).at(13, 30, 0, 0)));
    }

    #[test]
    fn sunday_evening_next_opening_is_monday_morning() {
        let h = office();
        // 2026-11-29 is a Sunday.
        assert!(!h.is_open(date(2026, 11, 29).at(20, 0, 0, 0)));
        assert_eq!(h.next_open(date(2026, 11, 29).at(20, 0, 0, 0)), Some(date(2026, 11, 30).at(7, 30, 0, 0)));
    }

    #[test]
    fn later_day_skips_the_afternoon() {
        let h = office();
        assert_eq!(h.next_open_on_later_day(date(2026, 11, 27).at(9, 0, 0, 0)), Some(date(2026, 11, 28).at(7, 30, 0, 0)));
    }

    #[test]
    fn bad_rules_are_refused_with_the_reason() {
        let r = HoursRule { days: vec!["mon".into()], open: "17:00".into(), close: "07:30".into() };
        assert!(matches!(r.validate(), Err(HoursError::Order { .. })));
        let r = HoursRule { days: vec!["monday".into()], open: "07:00".into(), close: "08:00".into() };
        assert_eq!(r.validate(), Err(HoursError::Day("monday".into())));
        let r = HoursRule { days: vec!["mon".into()], open: "7:00".into(), close: "08:00".into() };
        assert_eq!(r.validate(), Err(HoursError::Time("7:00".into())));
    }

    #[test]
    fn no_rules_means_always_open_and_next_numbering_day_is_midnight() {
        let h = OpeningHours::new(&[]).expect("empty");
        assert!(h.is_open(date(2026, 11, 29).at(3, 0, 0, 0)));
        assert_eq!(h.next_open(date(2026, 11, 29).at(3, 0, 0, 0)), Some(date(2026, 11, 30).at(0, 0, 0, 0)));
    }
}
