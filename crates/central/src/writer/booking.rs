//! Bookings through the single writer: a place is taken by a count and an
//! insert in one savepoint, so concurrent attempts on a slot are serialised
//! and a slot of 4 places gives exactly 4 bookings. Check-in issues the
//! appointment ticket by the same path (and numbering) as a walk-in's.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use motcua_domain::api::IssueTicketRequest;
use motcua_domain::booking::BookingStatus;
use motcua_domain::{ApiError, ErrorCode};
use rusqlite::{Connection, params};

use super::Outcome;
use super::issue::{Appointment, issue};
use crate::bookings::{self, BookingRow, SlotDef};
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::queue_rules::QueueIndex;

/// A booking to take, already checked against the catalog.
#[derive(Debug, Clone)]
pub struct NewBooking {
    /// The service's center.
    pub cat: Arc<CenterCatalog>,
    /// The service.
    pub service_id: String,
    /// The slot (one of the day's slots, still to come).
    pub slot: SlotDef,
    /// The citizen's name, checked.
    pub name: String,
    /// The phone number, national form.
    pub phone: String,
    /// Taken with a staff token (the hotline).
    pub by_staff: bool,
}

/// Takes a place: `booking_limit` when the phone already holds its bookings
/// for the service that day, `slot_full` (with the next free slots) when the
/// slot is full. Returns the booking and its cancel secret.
pub fn book(tx: &Connection, b: &NewBooking, now: Timestamp) -> Result<(BookingRow, String), AppError> {
    let cat = &b.cat;
    let service = cat.service(&b.service_id).ok_or_else(|| AppError::code(ErrorCode::ServiceNotFound))?;
    let a = bookings::settings(service)?;
    let day = crate::tickets::local_day(cat, b.slot.start);
    let limit = cat.center().appointments.per_phone_per_day;
    if limit > 0 {
        let held: Vec<String> = tx
            .prepare_cached(
                "SELECT code FROM bookings WHERE phone = ?1 AND service_id = ?2 AND day = ?3 AND status IN ('booked', 'checked_in')
                 ORDER BY created_at",
            )?
            .query_map(params![b.phone, b.service_id, day.to_string()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if held.len() >= limit as usize {
            let mut e = ApiError::new(ErrorCode::BookingLimit);
            e.existing_booking = held.into_iter().next();
            return Err(AppError::Api(Box::new(e)));
        }
    }
    let used: u32 = tx
        .prepare_cached("SELECT count(*) FROM bookings WHERE service_id = ?1 AND slot_start = ?2 AND status != 'cancelled'")?
        .query_row(params![b.service_id, b.slot.start.as_millisecond()], |r| r.get(0))?;
    if used >= b.slot.places {
        let next = bookings::next_free_slots(tx, cat, service, a, b.slot.start, now)?;
        return Err(bookings::slot_full(next));
    }
    let secret = bookings::new_secret();
    for _ in 0..8 {
        let code = bookings::new_code();
        let inserted = tx
            .prepare_cached(
                "INSERT INTO bookings (code, center, service_id, day, slot_start, slot_end, status, name, phone, cancel_hash,
                                       by_staff, created_at, updated_at, purge_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'booked', ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
            )?
            .execute(params![
                code,
                cat.center().id,
                b.service_id,
                day.to_string(),
                b.slot.start.as_millisecond(),
                b.slot.end.as_millisecond(),
                b.name,
                b.phone,
                bookings::secret_hash(&secret),
                b.by_staff,
                now.as_millisecond(),
                bookings::purge_at(cat, day)
            ]);
        match inserted {
            Ok(_) => {
                let row = bookings::by_code(tx, &code)?.ok_or_else(|| AppError::Internal(format!("booking {code} vanished")))?;
                return Ok((row, secret));
            }
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Internal("no free booking code after 8 tries".into()))
}

/// Cancels a booking: with the cancel link's secret, or by staff of its center.
pub fn cancel(
    tx: &Connection,
    code: &str,
    secret: Option<&str>,
    staff_center: Option<&str>,
    now: Timestamp,
) -> Result<BookingRow, AppError> {
    let row = bookings::by_code(tx, code)?.ok_or_else(|| AppError::code(ErrorCode::BookingNotFound))?;
    match staff_center {
        Some(center) if center != row.center => return Err(AppError::code(ErrorCode::BookingNotFound)),
        Some(_) => {}
        None => {
            let ok = secret.is_some_and(|k| bookings::secret_hash(k) == row.cancel_hash);
            if !ok {
                return Err(AppError::msg(
                    ErrorCode::Forbidden,
                    "the cancel link's key (k) is missing or wrong",
                    "Đường dẫn huỷ lịch không đúng. Vui lòng dùng đường dẫn nhận được khi đặt lịch",
                ));
            }
        }
    }
    match row.status {
        BookingStatus::Booked => {
            tx.prepare_cached("UPDATE bookings SET status = 'cancelled', updated_at = ?2 WHERE code = ?1")?
                .execute(params![code, now.as_millisecond()])?;
            bookings::by_code(tx, code)?.ok_or_else(|| AppError::Internal(format!("booking {code} vanished")))
        }
        BookingStatus::Cancelled => Ok(row),
        BookingStatus::Lapsed => Err(AppError::code(ErrorCode::BookingLapsed)),
        BookingStatus::CheckedIn => Err(AppError::msg(
            ErrorCode::TicketStateConflict,
            "this booking is already checked in: it has a ticket",
            "Lịch hẹn đã được xác nhận tại kiosk và đã có số thứ tự",
        )),
    }
}

/// What a check-in gave.
#[derive(Debug)]
pub enum CheckIn {
    /// The appointment ticket; `created` is false on a repeat.
    Ticket {
        /// The ticket.
        row: Box<crate::tickets::TicketRow>,
        /// Issued now (false: a repeat).
        created: bool,
        /// The booking as it is now.
        booking: BookingRow,
    },
    /// Too late: the booking is now lapsed (kept, unlike an error's savepoint).
    Lapsed(BookingRow),
}

/// When check-in opens and closes for a booking.
pub fn window(cat: &CenterCatalog, row: &BookingRow) -> (Timestamp, Timestamp) {
    let rules = &cat.center().appointments;
    let start = crate::tickets::ts(row.slot_start_ms);
    let open = start.checked_sub(SignedDuration::from_mins(i64::from(rules.check_in_before_min))).unwrap_or(start);
    let close = start.checked_add(SignedDuration::from_mins(i64::from(rules.check_in_after_min))).unwrap_or(start);
    (open, close)
}

/// Checks a booking in at a kiosk of `cat`'s center.
pub(super) fn check_in(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    code: &str,
    kiosk_id: &str,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    let row = bookings::by_code(tx, code)?.ok_or_else(|| AppError::code(ErrorCode::BookingNotFound))?;
    if row.center != cat.center().id {
        return Err(AppError::msg(
            ErrorCode::BookingNotFound,
            format!("booking {code} is for another center ({}), not this one", row.center),
            format!("Lịch hẹn {code} thuộc trung tâm khác ({}), không phải trung tâm này", row.center),
        ));
    }
    match row.status {
        BookingStatus::Cancelled => return Err(AppError::code(ErrorCode::BookingCancelled)),
        BookingStatus::Lapsed => return Err(AppError::code(ErrorCode::BookingLapsed)),
        BookingStatus::CheckedIn => {
            let id = row.ticket_id.clone().unwrap_or_default();
            let ticket =
                crate::tickets::by_id(tx, &id)?.ok_or_else(|| AppError::Internal(format!("booking {code}: ticket {id} missing")))?;
            return Ok(Outcome::CheckIn(CheckIn::Ticket { row: Box::new(ticket), created: false, booking: row }));
        }
        BookingStatus::Booked => {}
    }
    let (open, close) = window(cat, &row);
    if now < open {
        let mut e = ApiError::new(ErrorCode::BookingTooEarly);
        e.next_open_at = Some(open);
        let local = open.to_zoned(cat.tz.clone());
        e.message = format!("Check-in opens at {}. Please come back then.", local.strftime("%H:%M"));
        e.message_vi = format!("Chưa đến giờ xác nhận lịch hẹn. Mời ông/bà quay lại lúc {}.", local.strftime("%H:%M"));
        return Err(AppError::Api(Box::new(e)));
    }
    if now > close {
        tx.prepare_cached("UPDATE bookings SET status = 'lapsed', updated_at = ?2 WHERE code = ?1")?
            .execute(params![code, now.as_millisecond()])?;
        let row = bookings::by_code(tx, code)?.ok_or_else(|| AppError::Internal(format!("booking {code} vanished")))?;
        return Ok(Outcome::CheckIn(CheckIn::Lapsed(row)));
    }
    let req = IssueTicketRequest {
        service_id: row.service_id.clone(),
        priority: None,
        kiosk_id: kiosk_id.to_string(),
        issued_at: None,
        dossier_code: None,
        offline: None,
    };
    let appointment = Appointment { slot_start_ms: row.slot_start_ms, code: code.to_string() };
    let Outcome::Ticket { row: ticket, .. } = issue(tx, index, cat, &req, &format!("booking:{code}"), Some(appointment), now)? else {
        return Err(AppError::Internal("unexpected issue outcome".into()));
    };
    tx.prepare_cached("UPDATE bookings SET status = 'checked_in', ticket_id = ?2, updated_at = ?3 WHERE code = ?1")?.execute(params![
        code,
        ticket.id.to_string(),
        now.as_millisecond()
    ])?;
    let booking = bookings::by_code(tx, code)?.ok_or_else(|| AppError::Internal(format!("booking {code} vanished")))?;
    Ok(Outcome::CheckIn(CheckIn::Ticket { row: Box::new(ticket), created: true, booking }))
}
