//! What counters do for the queue to move: call the next ticket or a given
//! number, serve, no-show, recall, transfer, pause and resume. The counter
//! console and integrations use the same endpoints: a staff bearer token, or
//! a signed-in session with its CSRF token (see [`super::session`]).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_domain::api::{CounterRef, QueueEvent, TicketResponse};
use motcua_domain::staff::{CallNumberRequest, CounterView, TransferRequest};
use motcua_domain::{ErrorBody, ErrorCode};
use uuid::Uuid;

use super::extract::ApiJson;
use super::session::Officer;
use super::tickets::{queue_changed, ticket_view};
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::state::SharedState;
use crate::tickets::TicketRow;
use crate::writer::{Command, Outcome, Transition};

fn counter_ref(c: &motcua_domain::Counter) -> CounterRef {
    CounterRef { id: c.id.clone(), number: c.number, name: c.name.clone() }
}

fn announce(state: &SharedState, cat: &CenterCatalog, row: &TicketRow, recall: bool, call_id: Uuid) {
    let Some(counter) = row.counter_id.as_deref().and_then(|c| cat.counter(c)) else { return };
    let _ = state.events.send(QueueEvent::TicketCalled {
        center: cat.center().id.clone(),
        service_id: row.queue().to_string(),
        number: row.number.clone(),
        counter: counter_ref(counter),
        recall,
        call_id: Some(call_id),
    });
}

/// The state of one counter (paused, serving) as boards and consoles show it.
pub fn counter_view(state: &SharedState, counter: &motcua_domain::Counter) -> Result<CounterView, AppError> {
    let index = state.index.read().map_err(|_| AppError::Internal("queue index poisoned".into()))?;
    Ok(CounterView {
        counter: counter_ref(counter),
        paused: index.is_paused(&counter.id),
        serving: index.serving(&counter.id).map(|s| s.number.clone()),
        services: counter.services.clone(),
    })
}

/// Tells boards and consoles that a counter changed, and kiosks (which
/// refresh on queue changes) that its services' queues did.
fn counter_changed(state: &SharedState, cat: &CenterCatalog, counter_id: &str) {
    let Some(counter) = cat.counter(counter_id) else { return };
    if let Ok(view) = counter_view(state, counter) {
        let _ = state.events.send(QueueEvent::CounterChanged {
            center: cat.center().id.clone(),
            counter: view.counter,
            paused: view.paused,
            serving: view.serving,
        });
    }
    for service in &counter.services {
        queue_changed(state, cat, service);
    }
}

fn called(state: &SharedState, cat: &CenterCatalog, row: &TicketRow, call_id: Uuid, recall: bool) -> Result<Response, AppError> {
    Metrics::inc(&state.metrics.calls);
    announce(state, cat, row, recall, call_id);
    if let Some(c) = row.counter_id.as_deref() {
        counter_changed(state, cat, c);
    }
    queue_changed(state, cat, row.queue());
    Ok(Json(TicketResponse { ticket: ticket_view(state, cat, row)?, call_id: Some(call_id) }).into_response())
}

/// Calls the next ticket among the services this counter serves.
#[utoipa::path(post, path = "/api/v1/counters/{id}/call-next", tag = "staff",
    params(("id" = String, Path, description = "Counter id"), ("X-CSRF-Token" = Option<String>, Header, description = "With a session cookie")),
    responses((status = 200, body = TicketResponse), (status = 204, description = "Nobody is waiting"),
              (status = 403, description = "forbidden, csrf_failed, counter_not_assigned", body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "counter_paused", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn call_next(State(state): State<SharedState>, officer: Officer, Path(id): Path<String>) -> Result<Response, AppError> {
    let cat = officer.catalog(&state)?;
    match state.writer.run(Command::CallNext { cat: cat.clone(), counter_id: id.clone(), actor: officer.actor }).await? {
        Outcome::Called(Some((row, call_id))) => called(&state, &cat, &row, call_id, false),
        Outcome::Called(None) => {
            // The ticket it was serving may have been finished by this call.
            counter_changed(&state, &cat, &id);
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        _ => Err(AppError::Internal("unexpected writer outcome".into())),
    }
}

/// Calls a given number out of order (a citizen who stepped out, or was sent
/// back); the reason is logged.
#[utoipa::path(post, path = "/api/v1/counters/{id}/call-number", tag = "staff",
    request_body = CallNumberRequest,
    params(("id" = String, Path, description = "Counter id")),
    responses((status = 200, body = TicketResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, description = "counter_not_found, ticket_not_found", body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn call_number(
    State(state): State<SharedState>,
    officer: Officer,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CallNumberRequest>,
) -> Result<Response, AppError> {
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
    let reason = req.reason.trim().to_string();
    let cat = officer.catalog(&state)?;
    let cmd = Command::CallNumber { cat: cat.clone(), counter_id: id, number: req.number, reason, actor: officer.actor };
    match state.writer.run(cmd).await? {
        Outcome::Called(Some((row, call_id))) => called(&state, &cat, &row, call_id, false),
        _ => Err(AppError::Internal("unexpected writer outcome".into())),
    }
}

async fn transition(state: SharedState, officer: Officer, token: String, action: Transition) -> Result<Json<TicketResponse>, AppError> {
    let cat = officer.catalog(&state)?;
    match state.writer.run(Command::Transition { cat: cat.clone(), token, action, actor: officer.actor }).await? {
        Outcome::Transitioned(row, call_id) => {
            if let Some(call_id) = call_id {
                Metrics::inc(&state.metrics.calls);
                announce(&state, &cat, &row, true, call_id);
            }
            // Finishing a ticket keeps the counter that called it.
            if let Some(c) = row.counter_id.as_deref() {
                counter_changed(&state, &cat, c);
            }
            Ok(Json(TicketResponse { ticket: ticket_view(&state, &cat, &row)?, call_id }))
        }
        _ => Err(AppError::Internal("unexpected writer outcome".into())),
    }
}

/// The called ticket was served.
#[utoipa::path(post, path = "/api/v1/tickets/{token}/serve", tag = "staff", params(("token" = String, Path)),
    responses((status = 200, body = TicketResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn serve(
    State(state): State<SharedState>,
    officer: Officer,
    Path(token): Path<String>,
) -> Result<Json<TicketResponse>, AppError> {
    transition(state, officer, token, Transition::Serve).await
}

/// The called citizen did not come.
#[utoipa::path(post, path = "/api/v1/tickets/{token}/no-show", tag = "staff", params(("token" = String, Path)),
    responses((status = 200, body = TicketResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn no_show(
    State(state): State<SharedState>,
    officer: Officer,
    Path(token): Path<String>,
) -> Result<Json<TicketResponse>, AppError> {
    transition(state, officer, token, Transition::NoShow).await
}

/// Calls the ticket again: boards show it and say it again; answers a new `call_id`.
#[utoipa::path(post, path = "/api/v1/tickets/{token}/recall", tag = "staff", params(("token" = String, Path)),
    responses((status = 200, body = TicketResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn recall(
    State(state): State<SharedState>,
    officer: Officer,
    Path(token): Path<String>,
) -> Result<Json<TicketResponse>, AppError> {
    transition(state, officer, token, Transition::Recall).await
}

/// Sends a waiting or called ticket to another service or counter, keeping
/// its number and issue time (the citizen does not go to the back).
#[utoipa::path(post, path = "/api/v1/tickets/{token}/transfer", tag = "staff", params(("token" = String, Path)),
    request_body = TransferRequest,
    responses((status = 200, body = TicketResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn transfer(
    State(state): State<SharedState>,
    officer: Officer,
    Path(token): Path<String>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> Result<Json<TicketResponse>, AppError> {
    let cat = officer.catalog(&state)?;
    match state.writer.run(Command::Transfer { cat: cat.clone(), token, req, actor: officer.actor }).await? {
        Outcome::Transferred { row, from_service, from_counter } => {
            if let Some(c) = from_counter.as_deref() {
                counter_changed(&state, &cat, c);
            }
            queue_changed(&state, &cat, &from_service);
            if from_service != row.queue() {
                queue_changed(&state, &cat, row.queue());
            }
            Ok(Json(TicketResponse { ticket: ticket_view(&state, &cat, &row)?, call_id: None }))
        }
        _ => Err(AppError::Internal("unexpected writer outcome".into())),
    }
}

async fn set_paused(state: SharedState, officer: Officer, id: String, paused: bool) -> Result<Json<CounterView>, AppError> {
    let cat = officer.catalog(&state)?;
    match state.writer.run(Command::Pause { cat: cat.clone(), counter_id: id.clone(), paused, actor: officer.actor }).await? {
        Outcome::Paused(_) => {
            counter_changed(&state, &cat, &id);
            let counter = cat.counter(&id).ok_or_else(|| AppError::code(ErrorCode::CounterNotFound))?;
            Ok(Json(counter_view(&state, counter)?))
        }
        _ => Err(AppError::Internal("unexpected writer outcome".into())),
    }
}

/// Tạm nghỉ: the counter calls nobody and boards show it closed.
#[utoipa::path(post, path = "/api/v1/counters/{id}/pause", tag = "staff", params(("id" = String, Path)),
    responses((status = 200, body = CounterView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn pause(State(state): State<SharedState>, officer: Officer, Path(id): Path<String>) -> Result<Json<CounterView>, AppError> {
    set_paused(state, officer, id, true).await
}

/// Tiếp tục: the counter calls again.
#[utoipa::path(post, path = "/api/v1/counters/{id}/resume", tag = "staff", params(("id" = String, Path)),
    responses((status = 200, body = CounterView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn resume(State(state): State<SharedState>, officer: Officer, Path(id): Path<String>) -> Result<Json<CounterView>, AppError> {
    set_paused(state, officer, id, false).await
}
