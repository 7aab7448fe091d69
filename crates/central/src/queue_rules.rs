//! The queue order and the in-memory index of today's waiting tickets.
//!
//! The rule, explicit and configurable per center: priority tickets are called
//! before ordinary ones, by issue time, but one counter calls at most
//! `priority_streak_limit` priority tickets in a row when ordinary tickets are
//! waiting, so nobody waits forever. Within a class, the ticket issued first
//! (by `issued_at`, which an offline kiosk sets when it delivers late) goes first.
//!
//! The index mirrors the database (it is rebuilt from it at start) so that
//! "people ahead" is a binary search, not a count over thousands of rows.

use std::collections::{HashMap, HashSet, VecDeque};

use jiff::civil::Date;

/// Orders tickets within one class: issue time (ms), then the UUIDv7 bits.
pub type Key = (i64, u128);

/// One service's waiting tickets of one day.
#[derive(Debug, Clone, Default)]
pub struct DayQueue {
    /// The numbering day it holds; a queue of another day is emptied before use.
    pub day: Option<Date>,
    /// Waiting priority tickets, sorted by key.
    pub priority: Vec<Key>,
    /// Waiting ordinary tickets, sorted by key.
    pub normal: Vec<Key>,
}

impl DayQueue {
    /// Waiting tickets.
    pub fn waiting(&self) -> u32 {
        u32::try_from(self.priority.len() + self.normal.len()).unwrap_or(u32::MAX)
    }
}

/// Who a counter is serving now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServingAt {
    /// The called ticket's id.
    pub ticket_id: String,
    /// Its number as boards show it (`B012`).
    pub number: String,
    /// The service it was called from, whose service time it adds to when served.
    pub service_id: String,
    /// When it was called, in Unix milliseconds.
    pub called_at_ms: i64,
}

/// Recent service durations kept per service.
const RECENT: usize = 20;
/// A counter that called within this window counts as open.
const OPEN_WINDOW_MS: i64 = 60 * 60 * 1000;

/// Today's queues, the counters' state and recent service times.
#[derive(Debug, Default)]
pub struct QueueIndex {
    queues: HashMap<String, DayQueue>,
    durations: HashMap<String, VecDeque<u32>>,
    last_call_ms: HashMap<String, i64>,
    serving: HashMap<String, ServingAt>,
    streaks: HashMap<String, u32>,
    /// Tickets transferred to a counter: it calls them before its queues.
    reserved: HashMap<String, Vec<Reserved>>,
    paused: HashSet<String>,
}

/// A waiting ticket sent to one counter by a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reserved {
    /// Its numbering day.
    pub day: Date,
    /// Its service.
    pub service: String,
    /// A priority ticket.
    pub priority: bool,
    /// Its queue key.
    pub key: Key,
}

fn insert_sorted(v: &mut Vec<Key>, key: Key) {
    if let Err(pos) = v.binary_search(&key) {
        v.insert(pos, key);
    }
}

fn remove_sorted(v: &mut Vec<Key>, key: Key) -> bool {
    match v.binary_search(&key) {
        Ok(pos) => {
            v.remove(pos);
            true
        }
        Err(_) => false,
    }
}

impl QueueIndex {
    /// The service's queue for `day`, emptied if it held another day.
    fn day_queue(&mut self, service: &str, day: Date) -> &mut DayQueue {
        let q = self.queues.entry(service.to_string()).or_default();
        if q.day != Some(day) {
            *q = DayQueue { day: Some(day), ..DayQueue::default() };
        }
        q
    }

    /// The service's queue if it holds `day`.
    pub fn queue(&self, service: &str, day: Date) -> Option<&DayQueue> {
        self.queues.get(service).filter(|q| q.day == Some(day))
    }

    /// Adds a waiting ticket.
    pub fn add_waiting(&mut self, service: &str, day: Date, priority: bool, key: Key) {
        let q = self.day_queue(service, day);
        insert_sorted(if priority { &mut q.priority } else { &mut q.normal }, key);
    }

    /// Adds a waiting ticket that only `counter` calls, before its queues.
    pub fn add_reserved(&mut self, counter: &str, entry: Reserved) {
        let list = self.reserved.entry(counter.to_string()).or_default();
        let pos = list.partition_point(|r| r.key < entry.key);
        list.insert(pos, entry);
    }

    /// Removes a ticket that stopped waiting (from its queue, or from the
    /// counter it was transferred to); false if it was not there.
    pub fn remove_waiting(&mut self, service: &str, day: Date, priority: bool, key: Key) -> bool {
        let queued = match self.queues.get_mut(service).filter(|q| q.day == Some(day)) {
            Some(q) => remove_sorted(if priority { &mut q.priority } else { &mut q.normal }, key),
            None => false,
        };
        if queued {
            return true;
        }
        for list in self.reserved.values_mut() {
            if let Some(pos) = list.iter().position(|r| r.key == key) {
                list.remove(pos);
                return true;
            }
        }
        false
    }

    /// Waiting tickets of a service today (transferred ones included).
    pub fn waiting(&self, service: &str, day: Date) -> u32 {
        let reserved = self.reserved.values().flatten().filter(|r| r.day == day && r.service == service).count();
        self.queue(service, day).map_or(0, DayQueue::waiting).saturating_add(u32::try_from(reserved).unwrap_or(u32::MAX))
    }

    /// The tickets transferred to a counter, of `day`, in the order it calls them.
    pub fn reserved_for(&self, counter: &str, day: Date) -> impl Iterator<Item = &Reserved> {
        self.reserved.get(counter).into_iter().flatten().filter(move |r| r.day == day)
    }

    /// Pauses or resumes a counter.
    pub fn set_paused(&mut self, counter: &str, paused: bool) {
        if paused {
            self.paused.insert(counter.to_string());
        } else {
            self.paused.remove(counter);
        }
    }

    /// Whether the counter is paused (Tạm nghỉ).
    pub fn is_paused(&self, counter: &str) -> bool {
        self.paused.contains(counter)
    }

    /// People who will be called before this waiting ticket (see the module rule).
    pub fn ahead(&self, service: &str, day: Date, priority: bool, key: Key, streak_limit: u32) -> Option<u32> {
        for list in self.reserved.values() {
            if let Some(rank) = list.iter().filter(|r| r.day == day).position(|r| r.key == key) {
                return Some(u32::try_from(rank).unwrap_or(u32::MAX));
            }
        }
        let q = self.queue(service, day)?;
        let limit = streak_limit.max(1) as usize;
        let ahead = if priority {
            let rank = q.priority.binary_search(&key).ok()?;
            rank + q.normal.len().min(rank / limit)
        } else {
            let rank = q.normal.binary_search(&key).ok()?;
            rank + q.priority.len().min(limit * (rank + 1))
        };
        Some(u32::try_from(ahead).unwrap_or(u32::MAX))
    }

    /// The next ticket a counter calls among its services today, by the rule.
    /// Returns the service, whether it is a priority ticket, and its key.
    /// A ticket transferred to this counter comes first.
    pub fn next_for(&self, counter: &str, services: &[String], day: Date, streak_limit: u32) -> Option<(String, bool, Key)> {
        if let Some(r) = self.reserved_for(counter, day).next() {
            return Some((r.service.clone(), r.priority, r.key));
        }
        let head = |priority: bool| {
            services
                .iter()
                .filter_map(|s| {
                    let q = self.queue(s, day)?;
                    let v = if priority { &q.priority } else { &q.normal };
                    v.first().map(|k| (s.clone(), *k))
                })
                .min_by_key(|(_, k)| *k)
        };
        let streak = self.streaks.get(counter).copied().unwrap_or(0);
        match (head(true), head(false)) {
            (Some((s, k)), None) => Some((s, true, k)),
            (Some((s, k)), Some(_)) if streak < streak_limit.max(1) => Some((s, true, k)),
            (_, Some((s, k))) => Some((s, false, k)),
            (None, None) => None,
        }
    }

    /// The counter's consecutive priority calls.
    pub fn streak(&self, counter: &str) -> u32 {
        self.streaks.get(counter).copied().unwrap_or(0)
    }

    /// Records the counter's streak after a call.
    pub fn set_streak(&mut self, counter: &str, streak: u32) {
        self.streaks.insert(counter.to_string(), streak);
    }

    /// Records a call at a counter.
    pub fn called(&mut self, counter: &str, at: ServingAt) {
        self.last_call_ms.insert(counter.to_string(), at.called_at_ms);
        self.serving.insert(counter.to_string(), at);
    }

    /// The counter finished its ticket.
    pub fn finished(&mut self, counter: &str, ticket_id: &str) {
        if self.serving.get(counter).is_some_and(|s| s.ticket_id == ticket_id) {
            self.serving.remove(counter);
        }
    }

    /// Who each counter is serving.
    pub fn serving(&self, counter: &str) -> Option<&ServingAt> {
        self.serving.get(counter)
    }

    /// Records how long a served ticket took.
    pub fn record_duration(&mut self, service: &str, seconds: u32) {
        let d = self.durations.entry(service.to_string()).or_default();
        if d.len() == RECENT {
            d.pop_front();
        }
        d.push_back(seconds);
    }

    /// Estimated wait: people ahead × recent average service time ÷ counters
    /// open; the configured average until three tickets have been served, and
    /// all of the service's counters until one of them has called.
    pub fn estimate_s(&self, service: &str, ahead: u32, configured_avg_s: u32, counters: &[&str], now_ms: i64) -> u32 {
        let avg = match self.durations.get(service) {
            Some(d) if d.len() >= 3 => d.iter().map(|&x| u64::from(x)).sum::<u64>() / d.len() as u64,
            _ => u64::from(configured_avg_s),
        };
        let open = counters.iter().filter(|c| self.last_call_ms.get(**c).is_some_and(|t| now_ms - t <= OPEN_WINDOW_MS)).count();
        let open = if open == 0 { counters.len().max(1) } else { open } as u64;
        u32::try_from(u64::from(ahead) * avg / open).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const DAY: Date = date(2026, 11, 28);

    fn index(priority: &[i64], normal: &[i64]) -> QueueIndex {
        let mut ix = QueueIndex::default();
        for &t in priority {
            ix.add_waiting("a", DAY, true, (t, 0));
        }
        for &t in normal {
            ix.add_waiting("a", DAY, false, (t, 0));
        }
        ix
    }

    #[test]
    fn priority_goes_first_but_at_most_n_in_a_row() {
        let mut ix = index(&[10, 11, 12, 13], &[1, 2]);
        let services = vec!["a".to_string()];
        let mut order = Vec::new();
        while let Some((s, prio, key)) = ix.next_for("q1", &services, DAY, 2) {
            let streak = if prio { ix.streak("q1") + 1 } else { 0 };
            ix.set_streak("q1", streak);
            ix.remove_waiting(&s, DAY, prio, key);
            order.push((prio, key.0));
        }
        assert_eq!(order, vec![(true, 10), (true, 11), (false, 1), (true, 12), (true, 13), (false, 2)]);
    }

    #[test]
    fn ahead_follows_the_same_rule() {
        let ix = index(&[10, 11, 12, 13], &[1, 2]);
        // Ordinary ticket 2 is called sixth: 4 priority + 1 ordinary before it.
        assert_eq!(ix.ahead("a", DAY, false, (2, 0), 2), Some(5));
        assert_eq!(ix.ahead("a", DAY, false, (1, 0), 2), Some(2));
        // Priority ticket 12 is called fourth.
        assert_eq!(ix.ahead("a", DAY, true, (12, 0), 2), Some(3));
        assert_eq!(ix.ahead("a", DAY, true, (10, 0), 2), Some(0));
    }

    #[test]
    fn a_late_delivered_ticket_is_placed_by_its_issue_time() {
        let mut ix = index(&[], &[100, 300]);
        ix.add_waiting("a", DAY, false, (200, 0));
        assert_eq!(ix.ahead("a", DAY, false, (200, 0), 2), Some(1));
        assert_eq!(ix.ahead("a", DAY, false, (300, 0), 2), Some(2));
    }

    #[test]
    fn a_new_day_starts_empty() {
        let mut ix = index(&[], &[1, 2, 3]);
        assert_eq!(ix.waiting("a", DAY), 3);
        let tomorrow = date(2026, 11, 29);
        assert_eq!(ix.waiting("a", tomorrow), 0);
        ix.add_waiting("a", tomorrow, false, (5, 0));
        assert_eq!(ix.waiting("a", tomorrow), 1);
        assert_eq!(ix.waiting("a", DAY), 0);
    }

    #[test]
    fn estimate_uses_configured_average_then_recent_data_and_open_counters() {
        let mut ix = QueueIndex::default();
        assert_eq!(ix.estimate_s("a", 4, 300, &["q1", "q2"], 0), 600);
        for s in [100, 200, 300] {
            ix.record_duration("a", s);
        }
        ix.called("q1", ServingAt { ticket_id: "t".into(), number: "A001".into(), service_id: "a".into(), called_at_ms: 1_000 });
        // Only q1 has called recently: 4 × 200 s ÷ 1.
        assert_eq!(ix.estimate_s("a", 4, 300, &["q1", "q2"], 2_000), 800);
    }

    #[test]
    fn a_ticket_transferred_to_a_counter_is_called_there_first_and_nowhere_else() {
        let mut ix = index(&[], &[1, 2]);
        let services = vec!["a".to_string()];
        ix.add_reserved("q2", Reserved { day: DAY, service: "b".into(), priority: false, key: (50, 0) });
        assert_eq!(ix.waiting("b", DAY), 1, "counted in its service");
        assert_eq!(ix.next_for("q1", &services, DAY, 2), Some(("a".into(), false, (1, 0))), "q1 does not see it");
        assert_eq!(ix.next_for("q2", &services, DAY, 2), Some(("b".into(), false, (50, 0))), "q2 calls it before its queue");
        assert_eq!(ix.ahead("b", DAY, false, (50, 0), 2), Some(0));
        assert!(ix.remove_waiting("b", DAY, false, (50, 0)));
        assert_eq!(ix.waiting("b", DAY), 0);
        assert_eq!(ix.next_for("q2", &services, DAY, 2), Some(("a".into(), false, (1, 0))));
    }
}
