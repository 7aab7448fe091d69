//! The queue order and the in-memory index of today's waiting tickets.
//!
//! The rule, explicit and configurable per center: priority tickets are called
//! before ordinary ones, by issue time, but one counter calls at most
//! `priority_streak_limit` priority tickets in a row when ordinary tickets are
//! waiting, so nobody waits forever. Within a class, the ticket issued first
//! (by `issued_at`, which an offline kiosk sets when it delivers late) goes first.
//!
//! Appointment tickets are ordinary tickets keyed by their slot's start, not
//! their check-in: before that time one waits among the walk-ins by its slot
//! time (ahead of those who came later). From its slot time it is due and is
//! called before the walk-ins, earliest slot first, but one counter calls at
//! most `appointments.streak_limit` due appointments in a row while a walk-in
//! waits, so an hour of appointments cannot starve the walk-ins. Priority
//! tickets still go first, with their own streak limit.
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
    /// Waiting ordinary tickets, sorted by key (appointments by their slot time).
    pub normal: Vec<Key>,
    /// The appointment tickets among `normal`.
    pub appointments: HashSet<Key>,
}

impl DayQueue {
    /// The first due appointment (slot started by `now_ms`), by slot time.
    fn first_due(&self, now_ms: i64) -> Option<Key> {
        if self.appointments.is_empty() {
            return None;
        }
        self.normal.iter().take_while(|k| k.0 <= now_ms).find(|k| self.appointments.contains(k)).copied()
    }

    /// The first walk-in (not an appointment).
    fn first_walk_in(&self) -> Option<Key> {
        self.normal.iter().find(|k| !self.appointments.contains(k)).copied()
    }
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

/// What orders a center's queues at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// `priority_streak_limit` of the center.
    pub priority_limit: u32,
    /// `appointments.streak_limit` of the center.
    pub appointment_limit: u32,
    /// Now, in Unix ms: an appointment whose slot started by then is due.
    pub now_ms: i64,
}

impl Rules {
    /// The center's rules at `now`.
    pub fn of(center: &motcua_domain::Center, now: jiff::Timestamp) -> Self {
        Self {
            priority_limit: center.priority_streak_limit,
            appointment_limit: center.appointments.streak_limit,
            now_ms: now.as_millisecond(),
        }
    }
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
    appointment_streaks: HashMap<String, u32>,
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

    /// Adds a waiting appointment ticket, keyed by its slot's start.
    pub fn add_appointment(&mut self, service: &str, day: Date, key: Key) {
        let q = self.day_queue(service, day);
        insert_sorted(&mut q.normal, key);
        q.appointments.insert(key);
    }

    /// Whether an ordinary ticket is an appointment whose slot has started.
    pub fn is_due_appointment(&self, service: &str, day: Date, key: Key, now_ms: i64) -> bool {
        key.0 <= now_ms && self.queue(service, day).is_some_and(|q| q.appointments.contains(&key))
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
            Some(q) => {
                q.appointments.remove(&key);
                remove_sorted(if priority { &mut q.priority } else { &mut q.normal }, key)
            }
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

    /// People who will be called before this waiting ticket (see the module
    /// rule; with appointments, approximately: due appointments go before
    /// every walk-in, and each `appointment_limit` of them lets one walk-in by).
    pub fn ahead(&self, service: &str, day: Date, priority: bool, key: Key, rules: Rules) -> Option<u32> {
        for list in self.reserved.values() {
            if let Some(rank) = list.iter().filter(|r| r.day == day).position(|r| r.key == key) {
                return Some(u32::try_from(rank).unwrap_or(u32::MAX));
            }
        }
        let q = self.queue(service, day)?;
        let limit = rules.priority_limit.max(1) as usize;
        let ahead = if priority {
            let rank = q.priority.binary_search(&key).ok()?;
            rank + q.normal.len().min(rank / limit)
        } else {
            let rank = q.normal.binary_search(&key).ok()?;
            // The waiting appointments are few and the walk-ins many: count
            // through the appointments, never along the whole waiting list.
            let waiting = |k: &&Key| q.normal.binary_search(k).is_ok();
            let due = |k: &&Key| k.0 <= rules.now_ms && waiting(k);
            let ordinary = if key.0 <= rules.now_ms && q.appointments.contains(&key) {
                let before = q.appointments.iter().filter(due).filter(|k| **k < key).count();
                let walk_ins = q.normal.len().saturating_sub(q.appointments.iter().filter(waiting).count());
                before + walk_ins.min(before / rules.appointment_limit.max(1) as usize)
            } else {
                rank + q.appointments.iter().filter(due).filter(|k| **k > key).count()
            };
            ordinary + q.priority.len().min(limit * (ordinary + 1))
        };
        Some(u32::try_from(ahead).unwrap_or(u32::MAX))
    }

    /// The next ticket a counter calls among its services today, by the rule.
    /// Returns the service, whether it is a priority ticket, and its key.
    /// A ticket transferred to this counter comes first.
    pub fn next_for(&self, counter: &str, services: &[String], day: Date, rules: Rules) -> Option<(String, bool, Key)> {
        if let Some(r) = self.reserved_for(counter, day).next() {
            return Some((r.service.clone(), r.priority, r.key));
        }
        let first = |pick: &dyn Fn(&DayQueue) -> Option<Key>| {
            services.iter().filter_map(|s| self.queue(s, day).and_then(pick).map(|k| (s.clone(), k))).min_by_key(|(_, k)| *k)
        };
        let priority = first(&|q| q.priority.first().copied());
        let due = first(&|q| q.first_due(rules.now_ms));
        let walk_in = first(&|q| q.first_walk_in());
        let appointment_streak = self.appointment_streaks.get(counter).copied().unwrap_or(0);
        let ordinary = match (due, walk_in) {
            (Some(d), None) => Some(d),
            (Some(d), Some(_)) if appointment_streak < rules.appointment_limit.max(1) => Some(d),
            (Some(_), Some(w)) => Some(w),
            // Nothing due: by key, appointments at their slot time among the walk-ins.
            (None, _) => first(&|q| q.normal.first().copied()),
        };
        let streak = self.streaks.get(counter).copied().unwrap_or(0);
        match (priority, ordinary) {
            (Some((s, k)), None) => Some((s, true, k)),
            (Some((s, k)), Some(_)) if streak < rules.priority_limit.max(1) => Some((s, true, k)),
            (_, Some((s, k))) => Some((s, false, k)),
            (None, None) => None,
        }
    }

    /// The next `n` tickets the counter would call from `services` if nothing
    /// changed (the console's "next" list), each with whether it is a priority
    /// ticket and whether a transfer sent it here.
    pub fn plan(&self, counter: &str, services: &[String], day: Date, rules: Rules, n: usize) -> Vec<(String, bool, Key, bool)> {
        let mut sim = QueueIndex::default();
        for s in services {
            if let Some(q) = self.queue(s, day) {
                sim.queues.insert(s.clone(), q.clone());
            }
        }
        let reserved: Vec<Reserved> = self.reserved_for(counter, day).filter(|r| services.contains(&r.service)).cloned().collect();
        sim.reserved.insert(counter.to_string(), reserved);
        sim.set_streak(counter, self.streak(counter));
        sim.set_appointment_streak(counter, self.appointment_streak(counter));
        let mut out = Vec::new();
        while out.len() < n {
            let transferred = sim.reserved_for(counter, day).next().is_some();
            let Some((s, prio, key)) = sim.next_for(counter, services, day, rules) else { break };
            sim.after_call(counter, day, (&s, prio, key), rules.now_ms, transferred);
            out.push((s, prio, key, transferred));
        }
        out
    }

    /// Updates the counter's streaks for a call of this ticket (before it
    /// leaves the queue) and takes it out of the queue.
    pub fn after_call(&mut self, counter: &str, day: Date, (service, priority, key): (&str, bool, Key), now_ms: i64, transferred: bool) {
        let due = !transferred && !priority && self.is_due_appointment(service, day, key, now_ms);
        let streak = if priority { self.streak(counter) + 1 } else { 0 };
        let appointment_streak = match (priority, due) {
            (true, _) => self.appointment_streak(counter),
            (false, true) => self.appointment_streak(counter) + 1,
            (false, false) => 0,
        };
        self.set_streak(counter, streak);
        self.set_appointment_streak(counter, appointment_streak);
        self.remove_waiting(service, day, priority, key);
    }

    /// The counter's consecutive calls of due appointments.
    pub fn appointment_streak(&self, counter: &str) -> u32 {
        self.appointment_streaks.get(counter).copied().unwrap_or(0)
    }

    /// Records the counter's appointment streak.
    pub fn set_appointment_streak(&mut self, counter: &str, streak: u32) {
        self.appointment_streaks.insert(counter.to_string(), streak);
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
    const R: Rules = Rules { priority_limit: 2, appointment_limit: 2, now_ms: 0 };

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
        while let Some((s, prio, key)) = ix.next_for("q1", &services, DAY, R) {
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
        assert_eq!(ix.ahead("a", DAY, false, (2, 0), R), Some(5));
        assert_eq!(ix.ahead("a", DAY, false, (1, 0), R), Some(2));
        // Priority ticket 12 is called fourth.
        assert_eq!(ix.ahead("a", DAY, true, (12, 0), R), Some(3));
        assert_eq!(ix.ahead("a", DAY, true, (10, 0), R), Some(0));
    }

    #[test]
    fn a_late_delivered_ticket_is_placed_by_its_issue_time() {
        let mut ix = index(&[], &[100, 300]);
        ix.add_waiting("a", DAY, false, (200, 0));
        assert_eq!(ix.ahead("a", DAY, false, (200, 0), R), Some(1));
        assert_eq!(ix.ahead("a", DAY, false, (300, 0), R), Some(2));
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
        assert_eq!(ix.next_for("q1", &services, DAY, R), Some(("a".into(), false, (1, 0))), "q1 does not see it");
        assert_eq!(ix.next_for("q2", &services, DAY, R), Some(("b".into(), false, (50, 0))), "q2 calls it before its queue");
        assert_eq!(ix.ahead("b", DAY, false, (50, 0), R), Some(0));
        assert!(ix.remove_waiting("b", DAY, false, (50, 0)));
        assert_eq!(ix.waiting("b", DAY), 0);
        assert_eq!(ix.next_for("q2", &services, DAY, R), Some(("a".into(), false, (1, 0))));
    }

    #[test]
    fn the_plan_follows_the_streak_rule_and_puts_transfers_first() {
        let mut ix = index(&[10, 11, 12], &[1, 2]);
        let services = vec!["a".to_string()];
        let order: Vec<_> = ix.plan("q1", &services, DAY, R, 5).into_iter().map(|(_, prio, k, _)| (prio, k.0)).collect();
        assert_eq!(order, vec![(true, 10), (true, 11), (false, 1), (true, 12), (false, 2)]);
        // A counter already two priority calls into its streak calls an ordinary ticket next.
        ix.set_streak("q1", 2);
        assert_eq!(ix.plan("q1", &services, DAY, R, 1)[0], ("a".to_string(), false, (1, 0), false));
        ix.set_streak("q1", 0);
        ix.add_reserved("q1", Reserved { day: DAY, service: "a".into(), priority: false, key: (99, 0) });
        let t = ix.plan("q1", &services, DAY, R, 2);
        assert_eq!(t, vec![("a".to_string(), false, (99, 0), true), ("a".to_string(), true, (10, 0), false)]);
        assert_eq!(ix.waiting("a", DAY), 6, "planning changes nothing");
    }

    /// A morning at one counter, with a clock that moves: walk-ins, three
    /// appointments for 08:00 and one for 08:30, and a priority ticket.
    #[test]
    fn a_mixed_queue_over_a_morning_is_called_in_the_pinned_order() {
        enum E {
            Walk(&'static str),
            Priority(&'static str),
            /// Checked in, with its slot's start (h, min).
            Appointment(&'static str, i64, i64),
            Call,
        }
        let m = |h: i64, min: i64| (h * 60 + min) * 60_000;
        let events = [
            (m(7, 30), E::Walk("W1")),
            (m(7, 35), E::Walk("W2")),
            (m(7, 40), E::Walk("W3")),
            (m(7, 45), E::Appointment("A1", 8, 0)),
            (m(7, 50), E::Appointment("A2", 8, 0)),
            (m(7, 55), E::Appointment("A3", 8, 0)),
            (m(7, 58), E::Walk("W4")),
            // Before 08:00 the appointments wait at their slot time, behind W1–W4.
            (m(7, 59), E::Call),
            // From 08:00 they are due: before the walk-ins, two in a row at most.
            (m(8, 0), E::Call),
            (m(8, 1), E::Call),
            (m(8, 2), E::Call),
            (m(8, 3), E::Priority("P1")),
            (m(8, 3), E::Call),
            (m(8, 4), E::Call),
            (m(8, 5), E::Walk("W5")),
            (m(8, 6), E::Appointment("A4", 8, 30)),
            (m(8, 6), E::Call),
            (m(8, 7), E::Call),
            (m(8, 8), E::Call),
            // Nobody else waits: A4 is called before its time.
            (m(8, 9), E::Call),
        ];
        let mut ix = QueueIndex::default();
        let services = vec!["a".to_string()];
        let mut names = HashMap::new();
        let mut called = Vec::new();
        for (n, (at, e)) in events.iter().enumerate() {
            let id = n as u128;
            let rules = Rules { now_ms: *at, ..R };
            match e {
                E::Walk(name) => {
                    ix.add_waiting("a", DAY, false, (*at, id));
                    names.insert((*at, id), *name);
                }
                E::Priority(name) => {
                    ix.add_waiting("a", DAY, true, (*at, id));
                    names.insert((*at, id), *name);
                }
                E::Appointment(name, h, min) => {
                    ix.add_appointment("a", DAY, (m(*h, *min), id));
                    names.insert((m(*h, *min), id), *name);
                }
                E::Call => {
                    let (s, prio, key) = ix.next_for("q1", &services, DAY, rules).expect("someone waits");
                    ix.after_call("q1", DAY, (&s, prio, key), *at, false);
                    called.push(names[&key]);
                }
            }
        }
        assert_eq!(called, ["W1", "A1", "A2", "W2", "P1", "A3", "W3", "W4", "W5", "A4"]);
    }

    #[test]
    fn ahead_counts_due_appointments_before_a_walk_in() {
        let mut ix = index(&[], &[100, 200]);
        ix.add_appointment("a", DAY, (150, 7));
        // Before its slot: W100, then it, then W200.
        let before = Rules { now_ms: 120, ..R };
        assert_eq!(ix.ahead("a", DAY, false, (150, 7), before), Some(1));
        assert_eq!(ix.ahead("a", DAY, false, (200, 0), before), Some(2));
        // Due: it goes first; both walk-ins have it ahead.
        let due = Rules { now_ms: 300, ..R };
        assert_eq!(ix.ahead("a", DAY, false, (150, 7), due), Some(0));
        assert_eq!(ix.ahead("a", DAY, false, (100, 0), due), Some(1));
        assert_eq!(ix.ahead("a", DAY, false, (200, 0), due), Some(2));
        assert!(ix.is_due_appointment("a", DAY, (150, 7), 300));
        assert!(ix.remove_waiting("a", DAY, false, (150, 7)));
        assert!(!ix.is_due_appointment("a", DAY, (150, 7), 300));
    }

    /// `ahead` counted along the whole waiting list, as it first did: the
    /// reference the faster count must agree with.
    fn ahead_by_walking(q: &DayQueue, key: Key, rules: Rules) -> usize {
        let rank = q.normal.binary_search(&key).expect("waiting");
        let due = |k: &Key| k.0 <= rules.now_ms && q.appointments.contains(k);
        let ordinary = if due(&key) {
            let before = q.normal[..rank].iter().filter(|k| due(k)).count();
            let walk_ins = q.normal.iter().filter(|k| !q.appointments.contains(k)).count();
            before + walk_ins.min(before / rules.appointment_limit.max(1) as usize)
        } else {
            rank + q.normal[rank + 1..].iter().filter(|k| due(k)).count()
        };
        ordinary + q.priority.len().min(rules.priority_limit.max(1) as usize * (ordinary + 1))
    }

    #[test]
    fn ahead_agrees_with_walking_the_whole_list_on_a_mixed_day() {
        let mut ix = QueueIndex::default();
        // A made-up morning: 300 walk-ins, 40 appointments, 20 priority
        // tickets, some called or gone; a fixed pseudo-random sequence.
        let mut seed = 0x2545_f491_u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let mut keys = Vec::new();
        for id in 0..360_u128 {
            let at = i64::try_from(next(10_000)).expect("small");
            match id % 18 {
                0 => ix.add_waiting("a", DAY, true, (at, id)),
                1 | 2 => ix.add_appointment("a", DAY, (at, id)),
                _ => ix.add_waiting("a", DAY, false, (at, id)),
            }
            keys.push((at, id, id % 18 == 0));
        }
        for (at, id, priority) in keys.iter().filter(|_| next(5) == 0) {
            ix.remove_waiting("a", DAY, *priority, (*at, *id));
        }
        let q = ix.queue("a", DAY).expect("a queue").clone();
        assert!(q.appointments.len() > 20 && q.normal.len() > 200, "a mixed queue");
        for now_ms in [0, 2_500, 5_000, 9_999, 20_000] {
            for limit in [1, 2, 3] {
                let rules = Rules { now_ms, appointment_limit: limit, ..R };
                for key in &q.normal {
                    assert_eq!(
                        ix.ahead("a", DAY, false, *key, rules),
                        Some(u32::try_from(ahead_by_walking(&q, *key, rules)).expect("small")),
                        "{key:?} at {now_ms}"
                    );
                }
            }
        }
    }
}
