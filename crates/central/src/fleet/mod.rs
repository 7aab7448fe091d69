//! The fleet reports its health: kiosk heartbeats, silent kiosks, staff
//! alerts, maintenance and each center's notice.
//!
//! State lives in the database (`kiosks`, `notices`, migration 4), so it
//! survives restarts and the command line can change it. [`Fleet`] keeps
//! only what it takes to send each change once over the event stream: the
//! controls as last told (maintenance per kiosk, notice per center) and the
//! kiosks last found silent. A watcher ([`watch`]) compares them with the
//! database every second or two: it tells kiosks about a change the command
//! line made, clears an expired notice, and tells consoles when a kiosk falls
//! silent.

pub mod check;
pub mod store;
pub mod view;
pub mod watch;

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use jiff::Timestamp;
use motcua_domain::api::QueueEvent;
use motcua_domain::fleet::Notice;
use rusqlite::Connection;

use crate::error::AppError;
use store::KioskRow;

/// How long without a heartbeat before a kiosk is silent, by default.
pub const DEFAULT_SILENT_AFTER: Duration = Duration::from_secs(120);

/// The controls as kiosks were last told.
#[derive(Debug, Default)]
struct Controls {
    /// `meta.fleet_version` when they were read.
    version: i64,
    /// Kiosk id → (center, in maintenance).
    maintenance: HashMap<String, (String, bool)>,
    /// Center → its notice now showing.
    notices: HashMap<String, Notice>,
}

/// What the server remembers between looks at the fleet (see the module doc).
#[derive(Debug)]
pub struct Fleet {
    /// No heartbeat for this long: the kiosk is silent.
    pub silent_after: Duration,
    controls: Mutex<Controls>,
    silent: Mutex<HashSet<String>>,
}

// The maps behind the locks are replaced entry by entry; a panic elsewhere
// cannot leave one half-written, so a poisoned lock is used as it is.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Fleet {
    /// Reads the controls and the silent kiosks from the database.
    pub fn load(conn: &Connection, silent_after: Duration, now: Timestamp) -> Result<Fleet, AppError> {
        let fleet = Fleet { silent_after, controls: Mutex::new(Controls::default()), silent: Mutex::new(HashSet::new()) };
        *lock(&fleet.controls) = read_controls(conn, now)?;
        let rows = store::kiosks(conn, None)?;
        *lock(&fleet.silent) = rows.iter().filter(|r| view::is_silent(r, now, silent_after)).map(|r| r.kiosk_id.clone()).collect();
        Ok(fleet)
    }

    /// Whether the kiosk is silent at `now`.
    pub fn is_silent(&self, row: &KioskRow, now: Timestamp) -> bool {
        view::is_silent(row, now, self.silent_after)
    }

    /// A kiosk was put in maintenance or taken out: the events to send, none
    /// if kiosks were already told.
    pub fn note_maintenance(&self, center: &str, kiosk_id: &str, on: bool) -> Vec<QueueEvent> {
        let mut c = lock(&self.controls);
        let before = c.maintenance.insert(kiosk_id.to_string(), (center.to_string(), on));
        if before.as_ref().map_or(!on, |(_, was)| *was == on) {
            return Vec::new();
        }
        vec![
            QueueEvent::MaintenanceChanged { center: center.to_string(), kiosk_id: kiosk_id.to_string(), maintenance: on },
            QueueEvent::KiosksChanged { center: center.to_string() },
        ]
    }

    /// A center's notice was set or cleared: the event to send, none if
    /// kiosks were already told.
    pub fn note_notice(&self, center: &str, notice: Option<Notice>) -> Option<QueueEvent> {
        let mut c = lock(&self.controls);
        let before = match &notice {
            Some(n) => c.notices.insert(center.to_string(), n.clone()),
            None => c.notices.remove(center),
        };
        (before != notice).then(|| QueueEvent::NoticeChanged { center: center.to_string(), notice })
    }

    /// A heartbeat arrived: whether the kiosk was silent until now.
    pub fn heard(&self, kiosk_id: &str) -> bool {
        lock(&self.silent).remove(kiosk_id)
    }

    /// Re-reads the controls when `meta.fleet_version` moved (the command
    /// line changed them); the events for what kiosks were not told yet.
    pub fn reload_if_changed(&self, conn: &Connection, now: Timestamp) -> Result<Vec<QueueEvent>, AppError> {
        let version = store::version(conn)?;
        if version == lock(&self.controls).version {
            return Ok(Vec::new());
        }
        let fresh = read_controls(conn, now)?;
        let mut events = Vec::new();
        for (kiosk_id, (center, on)) in &fresh.maintenance {
            events.extend(self.note_maintenance(center, kiosk_id, *on));
        }
        let centers: HashSet<String> = lock(&self.controls).notices.keys().chain(fresh.notices.keys()).cloned().collect();
        for center in centers {
            events.extend(self.note_notice(&center, fresh.notices.get(&center).cloned()));
        }
        lock(&self.controls).version = version;
        Ok(events)
    }

    /// Notices whose `until` has passed: the events that take them off the kiosks.
    pub fn expire(&self, now: Timestamp) -> Vec<QueueEvent> {
        let mut c = lock(&self.controls);
        let gone: Vec<String> = c.notices.iter().filter(|(_, n)| !n.is_current(now)).map(|(center, _)| center.clone()).collect();
        gone.into_iter()
            .map(|center| {
                c.notices.remove(&center);
                QueueEvent::NoticeChanged { center, notice: None }
            })
            .collect()
    }

    /// Kiosks that fell silent (or spoke again) since the last look: one
    /// `kiosks_changed` per center concerned.
    pub fn silent_changes(&self, rows: &[KioskRow], now: Timestamp) -> Vec<QueueEvent> {
        let silent_now: HashSet<String> = rows.iter().filter(|r| self.is_silent(r, now)).map(|r| r.kiosk_id.clone()).collect();
        let mut before = lock(&self.silent);
        let mut centers: Vec<String> =
            rows.iter().filter(|r| silent_now.contains(&r.kiosk_id) != before.contains(&r.kiosk_id)).map(|r| r.center.clone()).collect();
        *before = silent_now;
        centers.sort();
        centers.dedup();
        centers.into_iter().map(|center| QueueEvent::KiosksChanged { center }).collect()
    }
}

fn read_controls(conn: &Connection, now: Timestamp) -> Result<Controls, AppError> {
    let version = store::version(conn)?;
    let maintenance = store::kiosks(conn, None)?.into_iter().map(|r| (r.kiosk_id, (r.center, r.maintenance))).collect();
    Ok(Controls { version, maintenance, notices: store::notices(conn, now)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-30T02:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_change_made_elsewhere_is_told_once() {
        let (_dir, conn) = crate::db::temp_db();
        let fleet = Fleet::load(&conn, DEFAULT_SILENT_AFTER, now()).unwrap();
        assert!(fleet.reload_if_changed(&conn, now()).unwrap().is_empty());
        let notice = Notice { text_vi: "Nghỉ trưa".into(), text_en: None, until: Some("2026-11-30T03:00:00Z".parse().unwrap()) };
        store::set_notice(&conn, "vp-tinh", &notice, "cli", now()).unwrap();
        store::set_maintenance(&conn, "vp-tinh", "kiosk-sanh-1", true, true, "cli", now()).unwrap();
        let events = fleet.reload_if_changed(&conn, now()).unwrap();
        let names: Vec<_> = events.iter().map(QueueEvent::name).collect();
        assert_eq!(names, ["maintenance_changed", "kiosks_changed", "notice_changed"], "{events:?}");
        assert!(fleet.reload_if_changed(&conn, now()).unwrap().is_empty(), "told once");
        assert!(fleet.note_notice("vp-tinh", Some(notice)).is_none(), "the API path sees it was told");
        let later: Timestamp = "2026-11-30T03:00:00Z".parse().unwrap();
        assert_eq!(fleet.expire(later), [QueueEvent::NoticeChanged { center: "vp-tinh".into(), notice: None }]);
        assert!(fleet.expire(later).is_empty());
    }

    #[test]
    fn falling_silent_and_speaking_again_are_told_per_center() {
        let (_dir, conn) = crate::db::temp_db();
        let fleet = Fleet::load(&conn, Duration::from_secs(2), now()).unwrap();
        let row = |id: &str, center: &str, seen: &str| KioskRow {
            kiosk_id: id.into(),
            center: center.into(),
            printer: None,
            outbox: 0,
            unprinted: 0,
            version: None,
            uptime_s: None,
            last_error: None,
            last_seen: Some(seen.parse().unwrap()),
            maintenance: false,
        };
        let rows = [row("a", "c1", "2026-11-30T01:59:59Z"), row("b", "c2", "2026-11-30T01:59:00Z")];
        assert_eq!(fleet.silent_changes(&rows, now()), [QueueEvent::KiosksChanged { center: "c2".into() }]);
        assert!(fleet.silent_changes(&rows, now()).is_empty());
        assert!(fleet.heard("b"));
        assert!(!fleet.heard("b"));
    }
}
