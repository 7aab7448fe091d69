//! Tickets: issue (idempotent, durable) and look up.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use motcua_domain::api::{IssueTicketRequest, QueueEvent, TicketResponse, TicketView};
use motcua_domain::{ErrorBody, ErrorCode};

use super::extract::{ApiJson, Auth, IdempotencyKey};
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::state::SharedState;
use crate::tickets::{TicketRow, by_token, view};
use crate::writer::{Command, Outcome};

/// Builds the citizen's view of a ticket from the current index.
pub fn ticket_view(state: &SharedState, cat: &CenterCatalog, row: &TicketRow) -> Result<TicketView, AppError> {
    let index = state.index.read().map_err(|_| AppError::Internal("queue index poisoned".into()))?;
    Ok(view(row, cat, &index, state.clock.now(), &state.config.public_url))
}

/// Tells listeners that a queue's waiting count changed.
pub fn queue_changed(state: &SharedState, cat: &CenterCatalog, service_id: &str) {
    let today = crate::tickets::local_day(cat, state.clock.now());
    let waiting = state.index.read().map(|ix| ix.waiting(service_id, today)).unwrap_or(0);
    let _ = state.events.send(QueueEvent::QueueChanged { center: cat.center().id.clone(), service_id: service_id.to_string(), waiting });
}

/// Issue a queue ticket.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets",
    request_body = IssueTicketRequest,
    params(("Idempotency-Key" = String, Header, description = "One per citizen tap, reused on every retry (e.g. a UUIDv7)")),
    responses(
        (status = 201, description = "Issued; durable before this answer", body = TicketResponse),
        (status = 200, description = "A retry with the same key and body: the same ticket. An offline ticket delivered under the key of an online attempt the server committed (the kiosk never heard) is that ticket, renumbered to the slip's offline number and token", body = TicketResponse),
        (status = 400, description = "invalid_request, invalid_dossier_code", body = ErrorBody),
        (status = 401, description = "unauthorized", body = ErrorBody),
        (status = 404, description = "service_not_found, priority_not_found, dossier_not_found", body = ErrorBody),
        (status = 409, description = "daily_cap_reached, service_closed, dossier_not_ready, offline_ticket_conflict", body = ErrorBody),
        (status = 422, description = "idempotency_key_reused; dates_out_of_order (issued_at ahead of the server's clock); \
            dossier_code_mismatch (a dossier code for a service that takes none, or none for a collect-result service)", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn issue(
    State(state): State<SharedState>,
    auth: Auth,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<IssueTicketRequest>,
) -> Result<(StatusCode, Json<TicketResponse>), AppError> {
    let cat = auth.catalog(&state)?;
    crate::writer::validate_issue(&req, state.clock.now())?;
    let offline = req.offline.is_some();
    let outcome = state.writer.run(Command::Issue { cat: cat.clone(), req, key }).await?;
    let Outcome::Ticket { row, created, renumbered } = outcome else {
        return Err(AppError::Internal("unexpected writer outcome".into()));
    };
    if created {
        Metrics::inc(&state.metrics.tickets_issued);
        if offline {
            Metrics::inc(&state.metrics.tickets_issued_offline);
        }
        queue_changed(&state, &cat, &row.service_id);
    } else {
        Metrics::inc(&state.metrics.ticket_retries);
        if renumbered {
            // It took its slip's number (and may wait again): boards refresh.
            queue_changed(&state, &cat, &row.service_id);
        }
    }
    let ticket = ticket_view(&state, &cat, &row)?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(TicketResponse { ticket, call_id: None })))
}

/// A ticket's status: position, people ahead, estimate, or the counter it was called to.
#[utoipa::path(get, path = "/api/v1/tickets/{token}", tag = "tickets", operation_id = "get_ticket",
    params(("token" = String, Path, description = "The ticket's lookup token (from its QR)")),
    responses((status = 200, body = TicketResponse), (status = 404, description = "ticket_not_found", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(State(state): State<SharedState>, auth: Auth, Path(token): Path<String>) -> Result<Json<TicketResponse>, AppError> {
    let cat = auth.catalog(&state)?;
    Metrics::inc(&state.metrics.ticket_lookups);
    let row = {
        let conn = state.pool.get()?;
        by_token(&conn, &token)?
    };
    let row = row.filter(|r| r.center == auth.center).ok_or_else(|| AppError::code(ErrorCode::TicketNotFound))?;
    Ok(Json(TicketResponse { ticket: ticket_view(&state, &cat, &row)?, call_id: None }))
}
