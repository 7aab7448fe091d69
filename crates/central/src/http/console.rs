//! What the counter console and the lobby board read: a counter's queues and
//! current ticket, and the board's calls, counters and waiting counts.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use motcua_domain::ErrorBody;
use motcua_domain::staff::{BoardResponse, CallView, ConsoleResponse, ConsoleService, CurrentTicket, NextTicket, WaitingView};
use rusqlite::OptionalExtension;
use uuid::Uuid;

use super::session::{Officer, Viewer};
use super::staff::counter_view;
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::state::SharedState;
use crate::tickets::{local_day, ts};

/// How many next numbers the console lists per service.
const NEXT_SHOWN: usize = 5;
/// How many calls the board lists.
const CALLS_SHOWN: usize = 8;

/// The console's view of a counter: its current ticket and, per service,
/// waiting count, oldest wait and the next numbers.
#[utoipa::path(get, path = "/api/v1/counters/{id}/console", tag = "staff", params(("id" = String, Path)),
    responses((status = 200, body = ConsoleResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn console(
    State(state): State<SharedState>,
    officer: Officer,
    Path(id): Path<String>,
) -> Result<Json<ConsoleResponse>, AppError> {
    let cat = officer.catalog(&state)?;
    let counter = cat.counter(&id).ok_or_else(|| AppError::code(motcua_domain::ErrorCode::CounterNotFound))?;
    officer.actor.check(&id)?;
    let now = state.clock.now();
    let today = local_day(&cat, now);
    let rules = crate::queue_rules::Rules::of(cat.center(), now);
    // Read the index once, then the rows.
    let (plans, waiting, serving) = {
        let index = state.index.read().map_err(|_| AppError::Internal("queue index poisoned".into()))?;
        let reserved: Vec<_> = index.reserved_for(&id, today).cloned().collect();
        let mut plans = Vec::new();
        let mut waiting = HashMap::new();
        for service in &counter.services {
            let oldest = reserved
                .iter()
                .filter(|r| &r.service == service)
                .map(|r| r.key.0)
                .chain(index.queue(service, today).into_iter().flat_map(|q| {
                    let walk_in = q.normal.iter().find(|k| !q.appointments.contains(k));
                    q.priority.first().into_iter().chain(walk_in).map(|k| k.0)
                }))
                .min();
            let plan = index.plan(&id, std::slice::from_ref(service), today, rules, NEXT_SHOWN);
            plans.push((service.clone(), plan.into_iter().map(|(_, p, k, t)| (p, k, t)).collect::<Vec<_>>(), oldest));
            waiting.insert(service.clone(), index.waiting(service, today));
        }
        (plans, waiting, index.serving(&id).cloned())
    };
    let conn = state.pool.get()?;
    let priority_name =
        |p: &Option<String>| p.as_ref().and_then(|id| cat.catalog.priority_categories.iter().find(|c| &c.id == id)).map(|c| c.name.clone());
    let mut services = Vec::new();
    for (service_id, plan, oldest) in plans {
        let Some(service) = cat.service(&service_id) else { continue };
        let mut next = Vec::new();
        for (_, key, transferred) in plan {
            let id = Uuid::from_u128(key.1).to_string();
            if let Some(row) = crate::tickets::by_id(&conn, &id)? {
                next.push(NextTicket {
                    number: row.number.clone(),
                    priority_name: priority_name(&row.priority),
                    priority: row.priority,
                    issued_at: ts(row.issued_at_ms),
                    transferred,
                    appointment_at: row.appointment_slot_ms.map(ts),
                });
            }
        }
        services.push(ConsoleService {
            service_id: service.id.clone(),
            letter: service.letter.clone(),
            name: service.name.clone(),
            waiting: waiting.get(&service_id).copied().unwrap_or(0),
            oldest_issued_at: oldest.map(ts),
            next,
        });
    }
    let current = match serving {
        Some(at) => match crate::tickets::by_id(&conn, &at.ticket_id)? {
            Some(row) => {
                let call_id: Option<String> = conn
                    .prepare_cached("SELECT id FROM calls WHERE ticket_id = ?1 ORDER BY at DESC LIMIT 1")?
                    .query_row([&at.ticket_id], |r| r.get(0))
                    .optional()?;
                Some(CurrentTicket {
                    token: row.token.clone(),
                    number: row.number.clone(),
                    service_id: row.queue().to_string(),
                    service_name: cat.service(row.queue()).map(|s| s.name.clone()).unwrap_or_default(),
                    priority_name: priority_name(&row.priority),
                    priority: row.priority.clone(),
                    issued_at: ts(row.issued_at_ms),
                    called_at: ts(at.called_at_ms),
                    dossier_code: row.dossier_code.clone(),
                    call_id: call_id.and_then(|c| Uuid::parse_str(&c).ok()),
                    appointment_at: row.appointment_slot_ms.map(ts),
                })
            }
            None => None,
        },
        None => None,
    };
    Ok(Json(ConsoleResponse { counter: counter_view(&state, counter)?, current, services, now }))
}

/// The last calls of today in a center, newest first.
pub fn recent_calls(state: &SharedState, cat: &CenterCatalog, limit: usize) -> Result<Vec<CallView>, AppError> {
    let now = state.clock.now();
    let start = local_day(cat, now).to_zoned(cat.tz.clone()).map_err(|e| AppError::Internal(e.to_string()))?.timestamp();
    let conn = state.pool.get()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, number, service_id, counter_id, at, kind FROM calls WHERE center = ?1 AND at >= ?2 ORDER BY at DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(rusqlite::params![cat.center().id, start.as_millisecond(), i64::try_from(limit).unwrap_or(8)], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut calls = Vec::new();
    for row in rows {
        let (id, number, service_id, counter_id, at, kind) = row?;
        let (Ok(call_id), Some(counter)) = (Uuid::parse_str(&id), cat.counter(&counter_id)) else { continue };
        calls.push(CallView {
            call_id,
            number,
            service_id,
            counter: motcua_domain::api::CounterRef { id: counter.id.clone(), number: counter.number, name: counter.name.clone() },
            at: ts(at),
            recall: kind == "recall",
        });
    }
    Ok(calls)
}

/// What the lobby board shows: the latest calls, every counter (serving or
/// paused), waiting per service, the ticker.
#[utoipa::path(get, path = "/api/v1/board", tag = "board",
    responses((status = 200, body = BoardResponse), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn board(State(state): State<SharedState>, viewer: Viewer) -> Result<Json<BoardResponse>, AppError> {
    let cat = viewer.catalog(&state)?;
    let now = state.clock.now();
    let today = local_day(&cat, now);
    let calls = recent_calls(&state, &cat, CALLS_SHOWN)?;
    let counters = cat.catalog.counters.iter().map(|c| counter_view(&state, c)).collect::<Result<Vec<_>, _>>()?;
    let queues = {
        let index = state.index.read().map_err(|_| AppError::Internal("queue index poisoned".into()))?;
        cat.catalog
            .services
            .iter()
            .map(|s| WaitingView {
                service_id: s.id.clone(),
                letter: s.letter.clone(),
                name: s.name.clone(),
                name_en: s.name_en.clone(),
                waiting: index.waiting(&s.id, today),
            })
            .collect()
    };
    let center = cat.center();
    Ok(Json(BoardResponse {
        center_name: center.name.clone(),
        center_name_en: center.name_en.clone(),
        ticker: center.ticker.clone(),
        ticker_en: center.ticker_en.clone(),
        calls,
        counters,
        queues,
        now,
    }))
}
