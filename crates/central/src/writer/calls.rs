//! Counter actions: call the next ticket or a given number, serve, no-show,
//! recall, transfer, pause and resume. Every call is recorded with its id
//! (what the board shows and the voice says).

use jiff::Timestamp;
use motcua_domain::staff::{CallNumberRequest, TransferRequest};
use motcua_domain::{ErrorCode, TicketStatus};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::{Outcome, Transition};
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::queue_rules::{QueueIndex, Reserved, ServingAt};
use crate::tickets::{TicketRow, local_day};

/// Who acts, and on which counters they may.
#[derive(Debug, Clone)]
pub struct Actor {
    /// A user name or a token's name, for the logs.
    pub name: String,
    /// The counters this actor may use; `None`: every counter of the center.
    pub counters: Option<Vec<String>>,
}

impl Actor {
    /// Refuses a counter the actor is not assigned to.
    pub fn check(&self, counter_id: &str) -> Result<(), AppError> {
        match &self.counters {
            Some(list) if !list.iter().any(|c| c == counter_id) => Err(AppError::code(ErrorCode::CounterNotAssigned)),
            _ => Ok(()),
        }
    }
}

/// What kind of call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallKind {
    Next,
    Recall,
    Number,
}

impl CallKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Next => "next",
            Self::Recall => "recall",
            Self::Number => "number",
        }
    }
}

fn record_call(
    tx: &Connection,
    row: &TicketRow,
    counter_id: &str,
    kind: CallKind,
    reason: Option<&str>,
    actor: &Actor,
    now_ms: i64,
) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    tx.prepare_cached(
        "INSERT INTO calls (id, center, counter_id, ticket_id, number, service_id, kind, reason, actor, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id.to_string(),
        row.center,
        counter_id,
        row.id.to_string(),
        row.number,
        row.queue(),
        kind.as_str(),
        reason,
        actor.name,
        now_ms
    ])?;
    Ok(id)
}

/// Appends to the audit log.
pub(crate) fn audit(
    tx: &Connection,
    center: &str,
    actor: &str,
    action: &str,
    detail: &serde_json::Value,
    now_ms: i64,
) -> Result<(), AppError> {
    tx.prepare_cached("INSERT INTO audit (center, at, actor, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)")?.execute(params![
        center,
        now_ms,
        actor,
        action,
        detail.to_string()
    ])?;
    Ok(())
}

fn counter_of<'a>(cat: &'a CenterCatalog, counter_id: &str) -> Result<&'a motcua_domain::Counter, AppError> {
    cat.counter(counter_id).ok_or_else(|| AppError::code(ErrorCode::CounterNotFound))
}

fn refuse_paused(index: &QueueIndex, counter_id: &str) -> Result<(), AppError> {
    if index.is_paused(counter_id) { Err(AppError::code(ErrorCode::CounterPaused)) } else { Ok(()) }
}

/// Marks a ticket called at a counter, in the database and the index.
fn mark_called(tx: &Connection, index: &mut QueueIndex, row: &TicketRow, counter_id: &str, now_ms: i64) -> Result<TicketRow, AppError> {
    tx.prepare_cached(
        "UPDATE tickets SET status = 'called', counter_id = ?2, called_at = ?3, finished_at = NULL, reserved_counter = NULL
         WHERE id = ?1",
    )?
    .execute(params![row.id.to_string(), counter_id, now_ms])?;
    let id = row.id.to_string();
    let row = crate::tickets::by_id(tx, &id)?.ok_or_else(|| AppError::Internal(format!("ticket {id} vanished")))?;
    index.called(
        counter_id,
        ServingAt { ticket_id: id, number: row.number.clone(), service_id: row.queue().to_string(), called_at_ms: now_ms },
    );
    Ok(row)
}

/// The ticket the counter serves is done when it calls another one.
fn finish_current(tx: &Connection, index: &mut QueueIndex, counter_id: &str, now_ms: i64) -> Result<(), AppError> {
    if let Some(prev) = index.serving(counter_id).cloned() {
        finish(tx, index, counter_id, &prev, TicketStatus::Served, now_ms)?;
    }
    Ok(())
}

pub(super) fn call_next(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    counter_id: &str,
    actor: &Actor,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    let counter = counter_of(cat, counter_id)?;
    actor.check(counter_id)?;
    refuse_paused(index, counter_id)?;
    let now_ms = now.as_millisecond();
    finish_current(tx, index, counter_id, now_ms)?;
    let today = local_day(cat, now);
    let rules = crate::queue_rules::Rules::of(cat.center(), now);
    let transferred = index.reserved_for(counter_id, today).next().is_some();
    let Some((service, priority, key)) = index.next_for(counter_id, &counter.services, today, rules) else {
        return Ok(Outcome::Called(None));
    };
    let id = Uuid::from_u128(key.1).to_string();
    let row = crate::tickets::by_id(tx, &id)?.ok_or_else(|| AppError::Internal(format!("indexed ticket {id} missing")))?;
    index.after_call(counter_id, today, (&service, priority, key), now_ms, transferred);
    tx.prepare_cached(
        "INSERT INTO counter_state (counter_id, priority_streak, appointment_streak) VALUES (?1, ?2, ?3)
         ON CONFLICT (counter_id) DO UPDATE SET priority_streak = excluded.priority_streak,
                                                appointment_streak = excluded.appointment_streak",
    )?
    .execute(params![counter_id, index.streak(counter_id), index.appointment_streak(counter_id)])?;
    let row = mark_called(tx, index, &row, counter_id, now_ms)?;
    let call = record_call(tx, &row, counter_id, CallKind::Next, None, actor, now_ms)?;
    Ok(Outcome::Called(Some((row, call))))
}

/// Checks a call out of order without the database: a reason of 1 to 200
/// characters and a plausible number. Returns the trimmed reason.
pub fn validate_call_number(req: &CallNumberRequest) -> Result<String, AppError> {
    use motcua_domain::text::{chars, is_blank};
    // Measured as sent, as the OpenAPI document's maxLength measures them.
    if is_blank(&req.reason) || chars(&req.reason) > 200 {
        return Err(AppError::invalid(
            "give a reason (1 to 200 characters) for calling out of order",
            "Cần ghi lý do (1 đến 200 ký tự) khi gọi số không theo thứ tự",
        ));
    }
    if is_blank(&req.number) || chars(&req.number) > 20 {
        return Err(AppError::invalid("number must be 1 to 20 characters, e.g. B012", "Số thứ tự phải có từ 1 đến 20 ký tự, ví dụ B012"));
    }
    Ok(req.reason.trim().to_string())
}

/// Checks a transfer without the database: it names a service, a counter or both.
pub fn validate_transfer(req: &TransferRequest) -> Result<(), AppError> {
    if req.service_id.is_none() && req.counter_id.is_none() {
        return Err(AppError::invalid("give service_id, counter_id or both", "Cần chọn dịch vụ hoặc quầy để chuyển đến"));
    }
    Ok(())
}

/// Normalises a number typed at the console: trimmed, upper case; `B12` → `B012`.
pub fn normalise_number(input: &str) -> String {
    let n = input.trim().to_uppercase();
    let letters: String = n.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits = &n[letters.len()..];
    if !letters.is_empty() && !digits.is_empty() && digits.len() < 3 && digits.chars().all(|c| c.is_ascii_digit()) {
        format!("{letters}{digits:0>3}")
    } else {
        n
    }
}

// Same shape as the other staff commands (transaction, index, catalog, request, actor, clock).
#[allow(clippy::too_many_arguments)]
pub(super) fn call_number(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    counter_id: &str,
    number: &str,
    reason: &str,
    actor: &Actor,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    counter_of(cat, counter_id)?;
    actor.check(counter_id)?;
    refuse_paused(index, counter_id)?;
    let number = normalise_number(number);
    let today = local_day(cat, now);
    // Waiting tickets first; a citizen marked absent who comes back can be called too.
    let sql = format!(
        "SELECT {} FROM tickets WHERE center = ?1 AND day = ?2 AND number = ?3 AND status IN ('waiting', 'no_show')
         ORDER BY status = 'waiting' DESC, issued_at LIMIT 1",
        crate::tickets::COLUMNS
    );
    let row = tx
        .prepare_cached(&sql)?
        .query_row(params![cat.center().id, today.to_string(), number], TicketRow::from_row)
        .optional()?
        .ok_or_else(|| {
            AppError::msg(
                ErrorCode::TicketNotFound,
                format!("no ticket {number} is waiting or absent today"),
                format!("Hôm nay không có số {number} đang chờ hoặc vắng mặt"),
            )
        })?;
    let now_ms = now.as_millisecond();
    finish_current(tx, index, counter_id, now_ms)?;
    if row.status == TicketStatus::Waiting {
        index.remove_waiting(row.queue(), row.day, row.priority.is_some(), row.key());
    }
    let row = mark_called(tx, index, &row, counter_id, now_ms)?;
    let call = record_call(tx, &row, counter_id, CallKind::Number, Some(reason), actor, now_ms)?;
    Ok(Outcome::Called(Some((row, call))))
}

fn finish(
    tx: &Connection,
    index: &mut QueueIndex,
    counter_id: &str,
    serving: &ServingAt,
    status: TicketStatus,
    now_ms: i64,
) -> Result<(), AppError> {
    tx.prepare_cached("UPDATE tickets SET status = ?2, finished_at = ?3 WHERE id = ?1 AND status = 'called'")?.execute(params![
        serving.ticket_id,
        status.as_str(),
        now_ms
    ])?;
    if status == TicketStatus::Served {
        index.record_duration(&serving.service_id, u32::try_from((now_ms - serving.called_at_ms).max(0) / 1000).unwrap_or(0));
    }
    index.finished(counter_id, &serving.ticket_id);
    Ok(())
}

/// The called ticket behind a token, at a counter the actor may use.
fn called_ticket(tx: &Connection, cat: &CenterCatalog, token: &str, actor: &Actor) -> Result<(TicketRow, String, i64), AppError> {
    let row = crate::tickets::by_token(tx, token)?
        .filter(|r| r.center == cat.center().id)
        .ok_or_else(|| AppError::code(ErrorCode::TicketNotFound))?;
    let (Some(counter), Some(called_at)) = (row.counter_id.clone(), row.called_at_ms) else {
        return Err(AppError::msg(
            ErrorCode::TicketStateConflict,
            format!("ticket {} has not been called", row.number),
            format!("Phiếu {} chưa được gọi", row.number),
        ));
    };
    actor.check(&counter)?;
    if row.status != TicketStatus::Called {
        return Err(AppError::msg(
            ErrorCode::TicketStateConflict,
            format!("ticket {} is {}, not called", row.number, row.status.as_str()),
            format!("Phiếu {} không ở trạng thái đang được gọi", row.number),
        ));
    }
    Ok((row, counter, called_at))
}

pub(super) fn transition(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    token: &str,
    action: Transition,
    actor: &Actor,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    let (row, counter, called_at) = called_ticket(tx, cat, token, actor)?;
    let now_ms = now.as_millisecond();
    let serving = ServingAt {
        ticket_id: row.id.to_string(),
        number: row.number.clone(),
        service_id: row.queue().to_string(),
        called_at_ms: called_at,
    };
    let call = match action {
        Transition::Serve => {
            finish(tx, index, &counter, &serving, TicketStatus::Served, now_ms)?;
            None
        }
        Transition::NoShow => {
            finish(tx, index, &counter, &serving, TicketStatus::NoShow, now_ms)?;
            None
        }
        Transition::Recall => Some(record_call(tx, &row, &counter, CallKind::Recall, None, actor, now_ms)?),
    };
    let id = row.id.to_string();
    let row = crate::tickets::by_id(tx, &id)?.ok_or_else(|| AppError::Internal(format!("ticket {id} vanished")))?;
    Ok(Outcome::Transitioned(row, call))
}

/// Sends a waiting or called ticket to another service or counter. It keeps
/// its number and issue time, so it takes its place by when it was taken.
pub(super) fn transfer(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    token: &str,
    req: &TransferRequest,
    actor: &Actor,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    let row = crate::tickets::by_token(tx, token)?
        .filter(|r| r.center == cat.center().id)
        .ok_or_else(|| AppError::code(ErrorCode::TicketNotFound))?;
    let service = match &req.service_id {
        Some(s) => cat.service(s).ok_or_else(|| AppError::code(ErrorCode::ServiceNotFound))?.id.clone(),
        None => row.queue().to_string(),
    };
    if let Some(c) = &req.counter_id {
        counter_of(cat, c)?;
    }
    validate_transfer(req)?;
    let now_ms = now.as_millisecond();
    let today = local_day(cat, now);
    match row.status {
        TicketStatus::Called => {
            let counter =
                row.counter_id.as_deref().ok_or_else(|| AppError::Internal(format!("called ticket {} has no counter", row.id)))?;
            actor.check(counter)?;
            index.finished(counter, &row.id.to_string());
        }
        TicketStatus::Waiting if row.day == today => {
            index.remove_waiting(row.queue(), row.day, row.priority.is_some(), row.key());
        }
        _ => {
            return Err(AppError::msg(
                ErrorCode::TicketStateConflict,
                format!("ticket {} is {}: only a waiting or called ticket of today can be transferred", row.number, row.status.as_str()),
                format!("Chỉ chuyển được phiếu đang chờ hoặc đang được gọi trong ngày (phiếu {})", row.number),
            ));
        }
    }
    let queue_service = (service != row.service_id).then_some(service.clone());
    tx.prepare_cached(
        "UPDATE tickets SET status = 'waiting', counter_id = NULL, called_at = NULL, queue_service = ?2, reserved_counter = ?3
         WHERE id = ?1",
    )?
    .execute(params![row.id.to_string(), queue_service, req.counter_id])?;
    let priority = row.priority.is_some();
    match &req.counter_id {
        Some(c) => index.add_reserved(c, Reserved { day: row.day, service: service.clone(), priority, key: row.key() }),
        None => index.add_waiting(&service, row.day, priority, row.key()),
    }
    let detail = serde_json::json!({
        "ticket": row.number, "from_service": row.queue(), "from_counter": row.counter_id,
        "to_service": service, "to_counter": req.counter_id,
    });
    audit(tx, &cat.center().id, &actor.name, "transfer", &detail, now_ms)?;
    let id = row.id.to_string();
    let moved = crate::tickets::by_id(tx, &id)?.ok_or_else(|| AppError::Internal(format!("ticket {id} vanished")))?;
    Ok(Outcome::Transferred { row: moved, from_service: row.queue().to_string(), from_counter: row.counter_id.clone() })
}

pub(super) fn pause(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    counter_id: &str,
    paused: bool,
    actor: &Actor,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    counter_of(cat, counter_id)?;
    actor.check(counter_id)?;
    tx.prepare_cached(
        "INSERT INTO counter_state (counter_id, priority_streak, paused) VALUES (?1, 0, ?2)
         ON CONFLICT (counter_id) DO UPDATE SET paused = excluded.paused",
    )?
    .execute(params![counter_id, paused])?;
    index.set_paused(counter_id, paused);
    let action = if paused { "pause" } else { "resume" };
    audit(tx, &cat.center().id, &actor.name, action, &serde_json::json!({ "counter": counter_id }), now.as_millisecond())?;
    Ok(Outcome::Paused(paused))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers_are_normalised_to_the_slip_shape() {
        assert_eq!(normalise_number(" b12 "), "B012");
        assert_eq!(normalise_number("B012"), "B012");
        assert_eq!(normalise_number("a1"), "A001");
        assert_eq!(normalise_number("B1234"), "B1234");
        assert_eq!(normalise_number("b-k1-003"), "B-K1-003");
    }

    #[test]
    fn an_actor_with_counters_may_use_only_those() {
        let a = Actor { name: "canbo1".into(), counters: Some(vec!["q5".into()]) };
        assert!(a.check("q5").is_ok());
        let e = a.check("q6").expect_err("not assigned");
        assert_eq!(e.api().map(|e| e.code), Some(ErrorCode::CounterNotAssigned));
        assert!(Actor { name: "t".into(), counters: None }.check("q6").is_ok());
    }
}
