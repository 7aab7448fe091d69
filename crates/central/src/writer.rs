//! The single writer: every change goes through one thread that batches the
//! requests waiting at that moment into one transaction and commits it with
//! `synchronous=FULL` (one fsync for the batch) before anyone is answered.
//! A ticket answered 201 is on disk; under load, 64 kiosks share one fsync.
//! Each request runs inside its own savepoint, so one refusal never undoes
//! another kiosk's ticket.

use std::sync::{Arc, RwLock, mpsc};
use std::thread;

use jiff::Timestamp;
use motcua_domain::api::{IssueTicketRequest, PutDossierRequest, RatingRequest};
use motcua_domain::dossier::DossierStatus;
use motcua_domain::{DossierCode, ErrorCode, TicketStatus};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::catalog::{CenterCatalog, hex};
use crate::clock::Clock;
use crate::error::AppError;
use crate::queue_rules::{QueueIndex, ServingAt};
use crate::tickets::{COLUMNS, TicketRow, local_day, ts};

/// A change to make.
#[derive(Debug)]
pub enum Command {
    Issue { cat: Arc<CenterCatalog>, req: IssueTicketRequest, key: String },
    CallNext { cat: Arc<CenterCatalog>, counter_id: String },
    Transition { cat: Arc<CenterCatalog>, token: String, action: Transition },
    PutDossier { center: String, code: DossierCode, req: PutDossierRequest, actor: String },
    Rate { center: String, req: RatingRequest },
}

/// A staff action on a called ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Serve,
    NoShow,
    Recall,
}

/// What a change gave.
#[derive(Debug)]
pub enum Outcome {
    /// A ticket; `created` is false when an idempotent retry found it.
    Ticket {
        row: TicketRow,
        created: bool,
    },
    /// The ticket a counter called, if anyone was waiting.
    Called(Option<TicketRow>),
    /// A staff transition.
    Transitioned(TicketRow),
    Dossier {
        created: bool,
    },
    Rated(Uuid),
}

type Job = (Command, oneshot::Sender<Result<Outcome, AppError>>);

/// Sends commands to the writer thread.
#[derive(Clone)]
pub struct WriterHandle {
    tx: mpsc::Sender<Job>,
}

impl WriterHandle {
    /// Runs a command and waits until it is durable.
    pub async fn run(&self, cmd: Command) -> Result<Outcome, AppError> {
        let (reply, rx) = oneshot::channel();
        self.tx.send((cmd, reply)).map_err(|_| AppError::Internal("writer stopped".into()))?;
        rx.await.map_err(|_| AppError::Internal("writer dropped a request".into()))?
    }
}

/// Largest batch in one transaction.
const MAX_BATCH: usize = 1024;

/// Starts the writer thread on its own connection.
pub fn spawn(
    conn: Connection,
    index: Arc<RwLock<QueueIndex>>,
    clock: Arc<dyn Clock>,
    catalogs: Arc<crate::state::CatalogCache>,
) -> std::io::Result<WriterHandle> {
    let (tx, rx) = mpsc::channel::<Job>();
    thread::Builder::new().name("motcua-writer".into()).spawn(move || {
        let mut w = Writer { conn, index, clock };
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            w.run_batch(batch, &catalogs);
        }
    })?;
    Ok(WriterHandle { tx })
}

struct Writer {
    conn: Connection,
    index: Arc<RwLock<QueueIndex>>,
    clock: Arc<dyn Clock>,
}

impl Writer {
    fn run_batch(&mut self, batch: Vec<Job>, catalogs: &crate::state::CatalogCache) {
        let now = self.clock.now();
        let mut replies = Vec::with_capacity(batch.len());
        let committed = (|| -> Result<(), AppError> {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut index = self.index.write().map_err(|_| AppError::Internal("queue index poisoned".into()))?;
            for (cmd, reply) in batch {
                tx.prepare_cached("SAVEPOINT job")?.execute([])?;
                let result = apply(&tx, &mut index, cmd, now);
                if result.is_err() {
                    tx.prepare_cached("ROLLBACK TO job")?.execute([])?;
                }
                tx.prepare_cached("RELEASE job")?.execute([])?;
                replies.push((reply, result));
            }
            drop(index);
            tx.commit()?;
            Ok(())
        })();
        match committed {
            Ok(()) => {
                for (reply, result) in replies {
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "batch commit failed; nothing in it was acknowledged");
                // The index may hold changes that were rolled back: rebuild it.
                match crate::tickets::rebuild_index(&self.conn, &catalogs.current(), now) {
                    Ok(fresh) => {
                        if let Ok(mut ix) = self.index.write() {
                            *ix = fresh;
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "queue index rebuild failed"),
                }
                for (reply, _) in replies {
                    let _ = reply.send(Err(AppError::Internal("commit failed".into())));
                }
            }
        }
    }
}

fn apply(tx: &Connection, index: &mut QueueIndex, cmd: Command, now: Timestamp) -> Result<Outcome, AppError> {
    match cmd {
        Command::Issue { cat, req, key } => issue(tx, index, &cat, &req, &key, now),
        Command::CallNext { cat, counter_id } => call_next(tx, index, &cat, &counter_id, now),
        Command::Transition { cat, token, action } => transition(tx, index, &cat, &token, action, now),
        Command::PutDossier { center, code, req, actor } => put_dossier(tx, &center, &code, &req, &actor, now),
        Command::Rate { center, req } => rate(tx, &center, &req, now),
    }
}

fn request_hash(req: &IssueTicketRequest) -> Result<String, AppError> {
    Ok(hex(&Sha256::digest(serde_json::to_vec(req)?)))
}

/// Kiosk-scoped offline numbers must never take the server's `A001` shape.
fn valid_offline_number(n: &str) -> bool {
    let b = n.as_bytes();
    (3..=20).contains(&b.len()) && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-') && b.contains(&b'-')
}

fn issue(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    req: &IssueTicketRequest,
    key: &str,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    let center = &cat.center().id;
    let hash = request_hash(req)?;
    let seen: Option<(String, String)> = tx
        .prepare_cached("SELECT request_hash, ticket_id FROM idempotency WHERE center = ?1 AND key = ?2")?
        .query_row(params![center, key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((seen_hash, ticket_id)) = seen {
        if seen_hash != hash {
            return Err(AppError::code(ErrorCode::IdempotencyKeyReused));
        }
        let row = crate::tickets::by_id(tx, &ticket_id)?
            .ok_or_else(|| AppError::Internal(format!("idempotency row points at missing ticket {ticket_id}")))?;
        return Ok(Outcome::Ticket { row, created: false });
    }

    let service = cat.service(&req.service_id).ok_or_else(|| AppError::code(ErrorCode::ServiceNotFound))?;
    if let Some(p) = &req.priority
        && !cat.has_priority(p)
    {
        return Err(AppError::code(ErrorCode::PriorityNotFound));
    }
    if req.kiosk_id.trim().is_empty() || req.kiosk_id.len() > 64 {
        return Err(AppError::invalid("kiosk_id must be 1 to 64 characters", "kiosk_id phải có từ 1 đến 64 ký tự"));
    }
    let issued_at = req.issued_at.unwrap_or(now);
    if issued_at.as_millisecond() > now.as_millisecond() + 5 * 60 * 1000 {
        return Err(AppError::invalid(
            "issued_at is in the future: check the kiosk's clock",
            "issued_at ở tương lai: kiểm tra đồng hồ của máy kiosk",
        ));
    }
    let local = issued_at.to_zoned(cat.tz.clone()).datetime();
    let day = local.date();
    let today = local_day(cat, now);

    let dossier_code = match service.kind {
        motcua_domain::ServiceKind::Collect => Some(check_collectable(tx, center, req.dossier_code.as_deref())?),
        motcua_domain::ServiceKind::Submit => match &req.dossier_code {
            Some(_) => {
                return Err(AppError::invalid(
                    "dossier_code is only for a collect-result service",
                    "Chỉ dịch vụ nhận kết quả mới cần mã hồ sơ",
                ));
            }
            None => None,
        },
    };

    let (seq, number, token, offline) = match &req.offline {
        Some(off) => {
            if !valid_offline_number(&off.number) {
                return Err(AppError::invalid(
                    "offline.number must be 3-20 of A-Z, 0-9 and '-', with a '-'",
                    "Số ngoại tuyến không hợp lệ",
                ));
            }
            if !motcua_domain::scan::is_ticket_token(&off.token) {
                return Err(AppError::invalid(
                    "offline.token must be 22-64 URL-safe characters",
                    "Mã tra cứu của phiếu ngoại tuyến không hợp lệ",
                ));
            }
            (None, off.number.clone(), off.token.clone(), true)
        }
        None => {
            let hours = cat.hours(&service.id);
            if let Some(h) = hours
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
    };
    let inserted = tx
        .prepare_cached(
            "INSERT INTO tickets (id, token, center, service_id, day, seq, number, priority, kiosk_id, issued_at,
                                  received_at, status, dossier_code, offline)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
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
        ]);
    match inserted {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation && offline => {
            return Err(AppError::invalid(
                "this offline number or token is already used by another ticket",
                "Số hoặc mã tra cứu của phiếu ngoại tuyến đã được dùng cho phiếu khác",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tx.prepare_cached("INSERT INTO idempotency (center, key, request_hash, ticket_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![center, key, hash, row.id.to_string(), now.as_millisecond()])?;
    if status == TicketStatus::Waiting {
        index.add_waiting(&row.service_id, day, row.priority.is_some(), row.key());
    }
    Ok(Outcome::Ticket { row, created: true })
}

/// A collect-result ticket needs a dossier of this center that is ready (status 9).
fn check_collectable(tx: &Connection, center: &str, code: Option<&str>) -> Result<String, AppError> {
    let code = code.ok_or_else(|| {
        AppError::invalid("dossier_code is required to queue for a result", "Cần mã hồ sơ (trên giấy hẹn) để lấy số nhận kết quả")
    })?;
    let code = motcua_domain::DossierCodeRules::default()
        .parse(code)
        .map_err(|r| AppError::msg(ErrorCode::InvalidDossierCode, r.message_en(), r.message_vi()))?;
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

fn call_next(tx: &Connection, index: &mut QueueIndex, cat: &CenterCatalog, counter_id: &str, now: Timestamp) -> Result<Outcome, AppError> {
    let counter = cat.counter(counter_id).ok_or_else(|| AppError::code(ErrorCode::CounterNotFound))?;
    let now_ms = now.as_millisecond();
    // The ticket this counter was serving is done when it calls the next one.
    if let Some(prev) = index.serving(counter_id).cloned() {
        finish(tx, index, counter_id, &prev, TicketStatus::Served, now_ms)?;
    }
    let today = local_day(cat, now);
    let limit = cat.center().priority_streak_limit;
    let Some((service, priority, key)) = index.next_for(counter_id, &counter.services, today, limit) else {
        return Ok(Outcome::Called(None));
    };
    let id = Uuid::from_u128(key.1).to_string();
    tx.prepare_cached("UPDATE tickets SET status = 'called', counter_id = ?2, called_at = ?3 WHERE id = ?1 AND status = 'waiting'")?
        .execute(params![id, counter_id, now_ms])?;
    let streak = if priority { index.streak(counter_id) + 1 } else { 0 };
    tx.prepare_cached(
        "INSERT INTO counter_state (counter_id, priority_streak) VALUES (?1, ?2)
         ON CONFLICT (counter_id) DO UPDATE SET priority_streak = excluded.priority_streak",
    )?
    .execute(params![counter_id, streak])?;
    let row = crate::tickets::by_id(tx, &id)?.ok_or_else(|| AppError::Internal(format!("indexed ticket {id} missing")))?;
    index.remove_waiting(&service, today, priority, key);
    index.set_streak(counter_id, streak);
    index.called(counter_id, ServingAt { ticket_id: id, number: row.number.clone(), service_id: service, called_at_ms: now_ms });
    Ok(Outcome::Called(Some(row)))
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

fn transition(
    tx: &Connection,
    index: &mut QueueIndex,
    cat: &CenterCatalog,
    token: &str,
    action: Transition,
    now: Timestamp,
) -> Result<Outcome, AppError> {
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
    if row.status != TicketStatus::Called {
        return Err(AppError::msg(
            ErrorCode::TicketStateConflict,
            format!("ticket {} is {}, not called", row.number, row.status.as_str()),
            format!("Phiếu {} không ở trạng thái đang được gọi", row.number),
        ));
    }
    let now_ms = now.as_millisecond();
    let serving = ServingAt {
        ticket_id: row.id.to_string(),
        number: row.number.clone(),
        service_id: row.service_id.clone(),
        called_at_ms: called_at,
    };
    match action {
        Transition::Serve => finish(tx, index, &counter, &serving, TicketStatus::Served, now_ms)?,
        Transition::NoShow => finish(tx, index, &counter, &serving, TicketStatus::NoShow, now_ms)?,
        Transition::Recall => {}
    }
    let sql = format!("SELECT {COLUMNS} FROM tickets WHERE id = ?1");
    let row = tx.prepare_cached(&sql)?.query_row([row.id.to_string()], TicketRow::from_row)?;
    Ok(Outcome::Transitioned(row))
}

fn put_dossier(
    tx: &Connection,
    center: &str,
    code: &DossierCode,
    req: &PutDossierRequest,
    actor: &str,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    let status = DossierStatus::from_code(req.status)
        .ok_or_else(|| AppError::invalid("status must be a national status code 1..10", "Trạng thái phải là mã từ 1 đến 10"))?;
    for (name, value, max) in [("procedure_name", req.procedure_name.as_str(), 1000), ("applicant_name", req.applicant_name.as_str(), 200)]
    {
        if value.trim().is_empty() || value.chars().count() > max {
            return Err(AppError::invalid(format!("{name} must be 1 to {max} characters"), format!("{name} phải có từ 1 đến {max} ký tự")));
        }
    }
    if req.due_at < req.received_at {
        return Err(AppError::invalid("due_at is before received_at", "Ngày hẹn trả trước ngày tiếp nhận"));
    }
    let existing: Option<(String, u8, Option<i64>)> = tx
        .prepare_cached("SELECT center, status, done_at FROM dossiers WHERE code = ?1")?
        .query_row([code.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((owner, _, _)) = &existing
        && owner != center
    {
        return Err(AppError::code(ErrorCode::Forbidden));
    }
    let now_ms = now.as_millisecond();
    let done = matches!(status, DossierStatus::ReadyToCollect | DossierStatus::HandedOver);
    let done_at = existing.as_ref().and_then(|e| e.2).or(done.then_some(now_ms));
    tx.prepare_cached(
        "INSERT INTO dossiers (code, center, procedure_id, procedure_name, applicant_name, status, received_at, due_at,
                               done_at, collect_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (code) DO UPDATE SET procedure_id = excluded.procedure_id, procedure_name = excluded.procedure_name,
             applicant_name = excluded.applicant_name, status = excluded.status, received_at = excluded.received_at,
             due_at = excluded.due_at, done_at = excluded.done_at, collect_at = excluded.collect_at,
             updated_at = excluded.updated_at",
    )?
    .execute(params![
        code.as_str(),
        center,
        req.procedure_id,
        req.procedure_name,
        req.applicant_name,
        status.code(),
        req.received_at.as_millisecond(),
        req.due_at.as_millisecond(),
        done_at,
        req.collect_at,
        now_ms,
    ])?;
    let changed = existing.as_ref().is_none_or(|e| e.1 != status.code());
    if changed {
        tx.prepare_cached("INSERT INTO dossier_history (code, at, status, unit, actor, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![code.as_str(), now_ms, status.code(), req.unit.as_deref().unwrap_or(actor), actor, req.note])?;
    }
    Ok(Outcome::Dossier { created: existing.is_none() })
}

fn rate(tx: &Connection, center: &str, req: &RatingRequest, now: Timestamp) -> Result<Outcome, AppError> {
    if !(1..=3).contains(&req.score) {
        return Err(AppError::invalid(
            "score must be 1 (not satisfied), 2 (satisfied) or 3 (very satisfied)",
            "Điểm đánh giá phải là 1, 2 hoặc 3",
        ));
    }
    if req.comment.as_deref().is_some_and(|c| c.chars().count() > 1000) {
        return Err(AppError::invalid("comment is longer than 1000 characters", "Góp ý dài quá 1000 ký tự"));
    }
    let (ticket_id, dossier_code) = match (&req.ticket_token, &req.dossier_code) {
        (Some(token), None) => {
            let row = crate::tickets::by_token(tx, token)?
                .filter(|r| r.center == center)
                .ok_or_else(|| AppError::code(ErrorCode::TicketNotFound))?;
            (Some(row.id.to_string()), None)
        }
        (None, Some(code)) => {
            let code = motcua_domain::DossierCodeRules::default()
                .parse(code)
                .map_err(|r| AppError::msg(ErrorCode::InvalidDossierCode, r.message_en(), r.message_vi()))?;
            let exists: Option<i64> = tx
                .prepare_cached("SELECT 1 FROM dossiers WHERE code = ?1 AND center = ?2")?
                .query_row(params![code.as_str(), center], |r| r.get(0))
                .optional()?;
            exists.ok_or_else(|| AppError::code(ErrorCode::DossierNotFound))?;
            (None, Some(code.to_string()))
        }
        _ => {
            return Err(AppError::invalid(
                "give exactly one of ticket_token and dossier_code",
                "Cần đúng một trong hai: phiếu số thứ tự hoặc mã hồ sơ",
            ));
        }
    };
    let id = Uuid::now_v7();
    tx.prepare_cached(
        "INSERT INTO ratings (id, center, ticket_id, dossier_code, score, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![id.to_string(), center, ticket_id, dossier_code, req.score, req.comment, now.as_millisecond()])?;
    Ok(Outcome::Rated(id))
}
