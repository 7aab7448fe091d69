//! Stored tickets and how a citizen sees them.

use jiff::Timestamp;
use jiff::civil::Date;
use motcua_domain::TicketStatus;
use motcua_domain::api::{CounterRef, TicketView};
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::queue_rules::{Key, QueueIndex};

/// A ticket as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRow {
    /// UUIDv7, so ids sort by creation; its bits break ties in the queue order.
    pub id: Uuid,
    /// The unguessable lookup token in the ticket's QR code.
    pub token: String,
    /// The center that issued it.
    pub center: String,
    /// The service it was issued for; its number's letter comes from it.
    pub service_id: String,
    /// The local numbering day: numbers restart at the center's midnight.
    pub day: Date,
    /// Its place in the service's numbering that day; `None` for a ticket numbered offline by a kiosk.
    pub seq: Option<u32>,
    /// The number printed and called (`B012`).
    pub number: String,
    /// The priority category the citizen chose, if any.
    pub priority: Option<String>,
    /// The kiosk that printed it.
    pub kiosk_id: String,
    /// When the kiosk issued it, in Unix milliseconds; orders the queue.
    pub issued_at_ms: i64,
    /// Where it stands as stored (a waiting ticket of a past day is shown expired).
    pub status: TicketStatus,
    /// The counter that called it last.
    pub counter_id: Option<String>,
    /// When it was last called, in Unix milliseconds.
    pub called_at_ms: Option<i64>,
    /// When it was served or marked absent, in Unix milliseconds.
    pub finished_at_ms: Option<i64>,
    /// The dossier whose result a collect-result ticket is for.
    pub dossier_code: Option<String>,
    /// Issued while the kiosk could not reach the server, and delivered later.
    pub offline: bool,
    /// A transfer sent it to this counter, which calls it before its queues.
    pub reserved_counter: Option<String>,
    /// A transfer moved it to this service's queue (its number stays).
    pub queue_service: Option<String>,
    /// An appointment ticket: its booked slot's start, in Unix milliseconds (orders the queue).
    pub appointment_slot_ms: Option<i64>,
    /// An appointment ticket: its booking's code.
    pub booking_code: Option<String>,
}

/// Columns in the order `from_row` reads them.
pub const COLUMNS: &str = "id, token, center, service_id, day, seq, number, priority, kiosk_id, issued_at, status, \
                           counter_id, called_at, finished_at, dossier_code, offline, reserved_counter, queue_service, \
                           appointment_slot, booking_code";

fn conv_err(col: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into())
}

impl TicketRow {
    /// Reads a row selected with [`COLUMNS`].
    pub fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        let id: String = r.get(0)?;
        let day: String = r.get(4)?;
        let status: String = r.get(10)?;
        Ok(Self {
            id: Uuid::parse_str(&id).map_err(|e| conv_err(0, e.to_string()))?,
            token: r.get(1)?,
            center: r.get(2)?,
            service_id: r.get(3)?,
            day: day.parse().map_err(|e: jiff::Error| conv_err(4, e.to_string()))?,
            seq: r.get(5)?,
            number: r.get(6)?,
            priority: r.get(7)?,
            kiosk_id: r.get(8)?,
            issued_at_ms: r.get(9)?,
            status: TicketStatus::parse(&status).ok_or_else(|| conv_err(10, status.clone()))?,
            counter_id: r.get(11)?,
            called_at_ms: r.get(12)?,
            finished_at_ms: r.get(13)?,
            dossier_code: r.get(14)?,
            offline: r.get(15)?,
            reserved_counter: r.get(16)?,
            queue_service: r.get(17)?,
            appointment_slot_ms: r.get(18)?,
            booking_code: r.get(19)?,
        })
    }

    /// The service whose queue it waits in (a transfer may have moved it).
    pub fn queue(&self) -> &str {
        self.queue_service.as_deref().unwrap_or(&self.service_id)
    }

    /// The queue-order key: the issue time, or an appointment's slot time.
    pub fn key(&self) -> Key {
        (self.appointment_slot_ms.unwrap_or(self.issued_at_ms), self.id.as_u128())
    }

    /// Whether it is an appointment ticket.
    pub fn is_appointment(&self) -> bool {
        self.appointment_slot_ms.is_some()
    }

    /// The status a citizen sees: a waiting ticket of a past day has expired.
    pub fn effective_status(&self, today: Date) -> TicketStatus {
        if self.status == TicketStatus::Waiting && self.day < today { TicketStatus::Expired } else { self.status }
    }
}

/// The ticket with this lookup token.
pub fn by_token(conn: &Connection, token: &str) -> Result<Option<TicketRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM tickets WHERE token = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([token], TicketRow::from_row).optional()?)
}

/// The ticket with this id.
pub fn by_id(conn: &Connection, id: &str) -> Result<Option<TicketRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM tickets WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], TicketRow::from_row).optional()?)
}

/// Milliseconds to a timestamp (clamped to the epoch on nonsense).
pub fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The local date of an instant in the center's zone.
pub fn local_day(cat: &CenterCatalog, at: Timestamp) -> Date {
    at.to_zoned(cat.tz.clone()).date()
}

/// The lookup page of a ticket.
pub fn lookup_url(base: &str, token: &str) -> String {
    format!("{}/t/{token}", base.trim_end_matches('/'))
}

/// How a citizen sees a ticket now.
pub fn view(row: &TicketRow, cat: &CenterCatalog, index: &QueueIndex, now: Timestamp, base_url: &str) -> TicketView {
    let today = local_day(cat, now);
    let status = row.effective_status(today);
    let (mut position, mut ahead, mut estimate) = (None, None, None);
    if status == TicketStatus::Waiting
        && let Some(n) =
            index.ahead(row.queue(), row.day, row.priority.is_some(), row.key(), crate::queue_rules::Rules::of(cat.center(), now))
    {
        ahead = Some(n);
        position = Some(n.saturating_add(1));
        if let Some(service) = cat.service(row.queue()) {
            let counters: Vec<&str> = cat.catalog.counters_of(&service.id).map(|c| c.id.as_str()).collect();
            estimate = Some(index.estimate_s(&service.id, n, service.avg_service_s, &counters, now.as_millisecond()));
        }
    }
    let counter = match status {
        TicketStatus::Called | TicketStatus::Served | TicketStatus::NoShow => row
            .counter_id
            .as_deref()
            .and_then(|id| cat.counter(id))
            .map(|c| CounterRef { id: c.id.clone(), number: c.number, name: c.name.clone() }),
        _ => None,
    };
    TicketView {
        id: row.id,
        token: row.token.clone(),
        number: row.number.clone(),
        service_id: row.queue().to_string(),
        priority: row.priority.clone(),
        issued_at: ts(row.issued_at_ms),
        status,
        position,
        ahead,
        estimated_wait_s: estimate,
        counter,
        called_at: row.called_at_ms.map(ts),
        lookup_url: lookup_url(base_url, &row.token),
        offline: row.offline,
        dossier_code: row.dossier_code.clone(),
        appointment: match (row.appointment_slot_ms, &row.booking_code) {
            (Some(at), Some(code)) => Some(motcua_domain::api::AppointmentRef { slot_start: ts(at), code: code.clone() }),
            _ => None,
        },
    }
}

/// A new unguessable lookup token: 128 random bits, URL-safe base64 (22 characters).
pub fn new_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Rebuilds the index from today's tickets of every center (at start, or
/// after a failed commit).
pub fn rebuild_index(conn: &Connection, catalogs: &crate::catalog::Catalogs, now: Timestamp) -> Result<QueueIndex, AppError> {
    let mut index = QueueIndex::default();
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM tickets WHERE center = ?1 AND day = ?2 ORDER BY issued_at"))?;
    let mut streaks = conn.prepare("SELECT counter_id, priority_streak, paused, appointment_streak FROM counter_state")?;
    for (center_id, cat) in &catalogs.centers {
        let today = local_day(cat, now);
        let rows = stmt.query_map(rusqlite::params![center_id, today.to_string()], TicketRow::from_row)?;
        for row in rows {
            let row = row?;
            match row.status {
                TicketStatus::Waiting => match &row.reserved_counter {
                    Some(counter) => index.add_reserved(
                        counter,
                        crate::queue_rules::Reserved {
                            day: row.day,
                            service: row.queue().to_string(),
                            priority: row.priority.is_some(),
                            key: row.key(),
                        },
                    ),
                    None if row.is_appointment() && row.queue_service.is_none() => index.add_appointment(row.queue(), row.day, row.key()),
                    None => index.add_waiting(row.queue(), row.day, row.priority.is_some(), row.key()),
                },
                TicketStatus::Called => {
                    if let (Some(counter), Some(at)) = (&row.counter_id, row.called_at_ms) {
                        index.called(
                            counter,
                            crate::queue_rules::ServingAt {
                                ticket_id: row.id.to_string(),
                                number: row.number.clone(),
                                service_id: row.queue().to_string(),
                                called_at_ms: at,
                            },
                        );
                    }
                }
                TicketStatus::Served => {
                    if let (Some(c), Some(f)) = (row.called_at_ms, row.finished_at_ms) {
                        index.record_duration(row.queue(), u32::try_from((f - c) / 1000).unwrap_or(0));
                    }
                }
                _ => {}
            }
        }
    }
    let rows = streaks.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, bool>(2)?, r.get::<_, u32>(3)?)))?;
    for row in rows {
        let (counter, streak, paused, appointment_streak) = row?;
        index.set_streak(&counter, streak);
        index.set_appointment_streak(&counter, appointment_streak);
        index.set_paused(&counter, paused);
    }
    Ok(index)
}
