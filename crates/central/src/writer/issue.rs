//! Issuing a ticket: idempotency, numbering, caps and opening hours.

use jiff::Timestamp;
use motcua_domain::api::{IssueTicketRequest, OfflineTicket};
use motcua_domain::dossier::DossierStatus;
use motcua_domain::{ErrorCode, TicketStatus};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Outcome;
use crate::catalog::{CenterCatalog, hex};
use crate::error::AppError;
use crate::queue_rules::{QueueIndex, Reserved, ServingAt};
use crate::tickets::{TicketRow, local_day, ts};

fn request_hash(req: &IssueTicketRequest) -> Result<String, AppError> {
    Ok(hex(&Sha256::digest(serde_json::to_vec(req)?)))
}

/// The citizen's tap behind a request: the request without what only an
/// offline delivery adds (`issued_at`, `offline`). A kiosk whose online
/// attempt got no answer delivers the ticket it printed offline under the
/// same key; equal tap hashes say both are the same tap.
fn tap_hash(req: &IssueTicketRequest) -> Result<String, AppError> {
    let tap = IssueTicketRequest { issued_at: None, offline: None, ..req.clone() };
    request_hash(&tap)
}

/// Kiosk-scoped offline numbers must never take the server's `A001` shape.
fn valid_offline_number(n: &str) -> bool {
    let b = n.as_bytes();
    (3..=20).contains(&b.len()) && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-') && b.contains(&b'-')
}

/// `invalid_request` unless the kiosk id is 1 to 64 of `A-Za-z0-9._-`.
pub fn check_kiosk_id(id: &str) -> Result<(), AppError> {
    if crate::fleet::check::valid_kiosk_id(id) {
        return Ok(());
    }
    Err(AppError::invalid(
        "kiosk_id must be 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-'",
        "kiosk_id phải có từ 1 đến 64 ký tự, gồm chữ không dấu, chữ số, '.', '_' và '-'",
    ))
}

/// Checks what can be checked without the database: the kiosk id, the
/// kiosk's clock, the shape of an offline number and token, and the dossier
/// code. Called by the handler before the request is queued; what depends on
/// stored data (an idempotent retry, the catalog, caps) is the writer's.
pub fn validate(req: &IssueTicketRequest, now: Timestamp) -> Result<(), AppError> {
    check_kiosk_id(&req.kiosk_id)?;
    if let Some(issued_at) = req.issued_at
        && issued_at.as_millisecond() > now.as_millisecond() + 5 * 60 * 1000
    {
        return Err(AppError::msg(
            ErrorCode::DatesOutOfOrder,
            "issued_at is in the future: check the kiosk's clock",
            "issued_at ở tương lai: kiểm tra đồng hồ của máy kiosk",
        ));
    }
    if let Some(off) = &req.offline {
        if !valid_offline_number(&off.number) {
            return Err(AppError::invalid("offline.number must be 3-20 of A-Z, 0-9 and '-', with a '-'", "Số ngoại tuyến không hợp lệ"));
        }
        if !motcua_domain::scan::is_ticket_token(&off.token) {
            return Err(AppError::invalid(
                "offline.token must be 22-64 URL-safe characters",
                "Mã tra cứu của phiếu ngoại tuyến không hợp lệ",
            ));
        }
    }
    if let Some(code) = &req.dossier_code {
        motcua_domain::DossierCodeRules::default().parse_exact(code)?;
    }
    Ok(())
}

/// What makes a ticket an appointment ticket.
#[derive(Debug, Clone)]
pub(super) struct Appointment {
    /// The booked slot's start, Unix ms.
    pub slot_start_ms: i64,
    /// The booking's code.
    pub code: String,
}

pub(super) fn issue(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    req: &IssueTicketRequest,
    key: &str,
    appointment: Option<Appointment>,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    let center = &cat.center().id;
    let hash = request_hash(req)?;
    let tap = tap_hash(req)?;
    let seen: Option<(String, Option<String>, String)> = tx
        .prepare_cached("SELECT request_hash, tap_hash, ticket_id FROM idempotency WHERE center = ?1 AND key = ?2")?
        .query_row(params![center, key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((seen_hash, seen_tap, ticket_id)) = seen {
        // Rows from before schema 5 have no tap hash; an online request's hash is its tap's.
        let same_tap = seen_tap.as_deref().unwrap_or(&seen_hash) == tap;
        if seen_hash != hash && !same_tap {
            return Err(AppError::code(ErrorCode::IdempotencyKeyReused));
        }
        let row = crate::tickets::by_id(tx, &ticket_id)?
            .ok_or_else(|| AppError::Internal(format!("idempotency row points at missing ticket {ticket_id}")))?;
        return match &req.offline {
            Some(off) if seen_hash != hash => adopt_offline_number(tx, index, cat, row, off, now),
            // A retry; or the online attempt of a tap already delivered offline,
            // arriving late (held up in the network): the same ticket.
            _ => Ok(Outcome::Ticket { row, created: false, renumbered: false }),
        };
    }

    let service = cat.service(&req.service_id).ok_or_else(|| AppError::code(ErrorCode::ServiceNotFound))?;
    if let Some(p) = &req.priority
        && !cat.has_priority(p)
    {
        return Err(AppError::code(ErrorCode::PriorityNotFound));
    }
    let issued_at = req.issued_at.unwrap_or(now);
    let local = issued_at.to_zoned(cat.tz.clone()).datetime();
    let day = local.date();
    let today = local_day(cat, now);

    let dossier_code = match service.kind {
        motcua_domain::ServiceKind::Collect => Some(check_collectable(tx, center, req.dossier_code.as_deref())?),
        motcua_domain::ServiceKind::Submit => match &req.dossier_code {
            Some(_) => {
                return Err(AppError::msg(
                    ErrorCode::DossierCodeMismatch,
                    "dossier_code is only for a collect-result service",
                    "Chỉ dịch vụ nhận kết quả mới cần mã hồ sơ",
                ));
            }
            None => None,
        },
    };

    let (seq, number, token, offline) = match &req.offline {
        Some(off) => (None, off.number.clone(), off.token.clone(), true),
        None => {
            let hours = cat.hours(&service.id);
            // An appointment's place was booked: check-in may come a little
            // before opening, and the day's cap does not take it away.
            if let Some(h) = hours
                && appointment.is_none()
                && !h.is_open(local)
            {
                let mut e = motcua_domain::ApiError::new(ErrorCode::ServiceClosed);
                e.next_open_at = h.next_open(local).and_then(|d| d.to_zoned(cat.tz.clone()).ok()).map(|z| z.timestamp());
                return Err(AppError::Api(Box::new(e)));
            }
            let last: u32 = tx
                .prepare_cached("SELECT seq FROM tickets WHERE service_id = ?1 AND day = ?2 AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1")?
                .query_row(params![service.id, day.to_string()], |r| r.get(0))
                .optional()?
                .unwrap_or(0);
            if let Some(cap) = service.daily_cap
                && appointment.is_none()
                && last >= cap
            {
                let mut e = motcua_domain::ApiError::new(ErrorCode::DailyCapReached);
                e.next_open_at = hours
                    .and_then(|h| h.next_open_on_later_day(local))
                    .and_then(|d| d.to_zoned(cat.tz.clone()).ok())
                    .map(|z| z.timestamp());
                return Err(AppError::Api(Box::new(e)));
            }
            let seq = last + 1;
            (Some(seq), motcua_domain::ticket::ticket_number(&service.letter, seq), crate::tickets::new_token(), false)
        }
    };

    let status = if day < today { TicketStatus::Expired } else { TicketStatus::Waiting };
    let id = Uuid::now_v7();
    let row = TicketRow {
        id,
        token,
        center: center.clone(),
        service_id: service.id.clone(),
        day,
        seq,
        number,
        priority: req.priority.clone(),
        kiosk_id: req.kiosk_id.clone(),
        issued_at_ms: issued_at.as_millisecond(),
        status,
        counter_id: None,
        called_at_ms: None,
        finished_at_ms: None,
        dossier_code,
        offline,
        reserved_counter: None,
        queue_service: None,
        appointment_slot_ms: appointment.as_ref().map(|a| a.slot_start_ms),
        booking_code: appointment.as_ref().map(|a| a.code.clone()),
    };
    let inserted = tx
        .prepare_cached(
            "INSERT INTO tickets (id, token, center, service_id, day, seq, number, priority, kiosk_id, issued_at,
                                  received_at, status, dossier_code, offline, appointment_slot, booking_code)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?
        .execute(params![
            row.id.to_string(),
            row.token,
            row.center,
            row.service_id,
            row.day.to_string(),
            row.seq,
            row.number,
            row.priority,
            row.kiosk_id,
            row.issued_at_ms,
            now.as_millisecond(),
            row.status.as_str(),
            row.dossier_code,
            row.offline,
            row.appointment_slot_ms,
            row.booking_code,
        ]);
    match inserted {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation && offline => {
            return Err(AppError::msg(
                ErrorCode::OfflineTicketConflict,
                "this offline number or token is already used by another ticket",
                "Số hoặc mã tra cứu của phiếu ngoại tuyến đã được dùng cho phiếu khác",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tx.prepare_cached(
        "INSERT INTO idempotency (center, key, request_hash, tap_hash, ticket_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![center, key, hash, tap, row.id.to_string(), now.as_millisecond()])?;
    if status == TicketStatus::Waiting {
        if row.is_appointment() {
            index.add_appointment(&row.service_id, day, row.key());
        } else {
            index.add_waiting(&row.service_id, day, row.priority.is_some(), row.key());
        }
    }
    Ok(Outcome::Ticket { row, created: true, renumbered: false })
}

/// One tap, one ticket: the server committed the kiosk's online attempt but
/// the kiosk never heard, printed an offline slip instead, and now delivers
/// it under the same key. The committed ticket stays (its id, its place in
/// the queue by the time of the tap) and takes the number and QR token of
/// the slip in the citizen's hand; its own number is kept as
/// `online_number` and its seq stays taken, so the server never hands that
/// number to anyone else. A ticket marked absent under the number nobody
/// held waits again: the citizen was never called by theirs.
fn adopt_offline_number(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    row: TicketRow,
    off: &OfflineTicket,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    if row.number == off.number && row.token == off.token {
        // Adopted before: this is a retry of the delivery.
        return Ok(Outcome::Ticket { row, created: false, renumbered: false });
    }
    if row.offline {
        // It already carries an offline number (its own, or another slip's):
        // two slips for one tap are not a kiosk's doing; refuse the second.
        return Err(AppError::code(ErrorCode::IdempotencyKeyReused));
    }
    let absent = row.status == TicketStatus::NoShow;
    let updated = tx
        .prepare_cached(
            "UPDATE tickets SET number = ?2, token = ?3, offline = 1, online_number = number,
                    status = CASE WHEN ?4 THEN 'waiting' ELSE status END,
                    counter_id = CASE WHEN ?4 THEN NULL ELSE counter_id END,
                    called_at = CASE WHEN ?4 THEN NULL ELSE called_at END,
                    finished_at = CASE WHEN ?4 THEN NULL ELSE finished_at END
             WHERE id = ?1",
        )?
        .execute(params![row.id.to_string(), off.number, off.token, absent]);
    match updated {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
            return Err(AppError::msg(
                ErrorCode::OfflineTicketConflict,
                "this offline number or token is already used by another ticket",
                "Số hoặc mã tra cứu của phiếu ngoại tuyến đã được dùng cho phiếu khác",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let id = row.id.to_string();
    let adopted = crate::tickets::by_id(tx, &id)?.ok_or_else(|| AppError::Internal(format!("ticket {id} vanished")))?;
    match row.status {
        TicketStatus::NoShow if row.day == local_day(cat, now) => match &adopted.reserved_counter {
            Some(counter) => index.add_reserved(
                counter,
                Reserved {
                    day: adopted.day,
                    service: adopted.queue().to_string(),
                    priority: adopted.priority.is_some(),
                    key: adopted.key(),
                },
            ),
            None => index.add_waiting(adopted.queue(), adopted.day, adopted.priority.is_some(), adopted.key()),
        },
        TicketStatus::Called => {
            // The board and the console show the number the citizen holds.
            if let (Some(counter), Some(at)) = (&row.counter_id, row.called_at_ms)
                && index.serving(counter).is_some_and(|s| s.ticket_id == id)
            {
                index.called(
                    counter,
                    ServingAt {
                        ticket_id: id.clone(),
                        number: adopted.number.clone(),
                        service_id: adopted.queue().to_string(),
                        called_at_ms: at,
                    },
                );
            }
        }
        _ => {}
    }
    tracing::info!(ticket = %id, from = %row.number, to = %adopted.number, "a tap committed online took its offline slip's number");
    Ok(Outcome::Ticket { row: adopted, created: false, renumbered: true })
}

/// A collect-result ticket needs a dossier of this center that is ready (status 9).
fn check_collectable(tx: &Connection, center: &str, code: Option<&str>) -> Result<String, AppError> {
    let code = code.ok_or_else(|| {
        AppError::msg(
            ErrorCode::DossierCodeMismatch,
            "dossier_code is required to queue for a result",
            "Cần mã hồ sơ (trên giấy hẹn) để lấy số nhận kết quả",
        )
    })?;
    let code = motcua_domain::DossierCodeRules::default().parse_exact(code)?;
    let found: Option<(u8, i64)> = tx
        .prepare_cached("SELECT status, due_at FROM dossiers WHERE code = ?1 AND center = ?2")?
        .query_row(params![code.as_str(), center], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (status, due_at) = found.ok_or_else(|| AppError::code(ErrorCode::DossierNotFound))?;
    if DossierStatus::from_code(status) != Some(DossierStatus::ReadyToCollect) {
        let mut e = motcua_domain::ApiError::new(ErrorCode::DossierNotReady);
        e.due_at = Some(ts(due_at));
        if DossierStatus::from_code(status) == Some(DossierStatus::HandedOver) {
            e.message = "The result of this dossier has already been handed over.".into();
            e.message_vi = "Kết quả của hồ sơ này đã được trả. Ông/bà không cần lấy số.".into();
        }
        return Err(AppError::Api(Box::new(e)));
    }
    Ok(code.to_string())
}
