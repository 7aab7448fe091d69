//! What counters need for the queue to move.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_domain::api::{CounterRef, QueueEvent, TicketResponse};
use motcua_domain::{ErrorBody, ErrorCode};

use super::extract::Staff;
use super::tickets::{queue_changed, ticket_view};
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::state::SharedState;
use crate::tickets::TicketRow;
use crate::writer::{Command, Outcome, Transition};

fn announce(state: &SharedState, cat: &crate::catalog::CenterCatalog, row: &TicketRow, recall: bool) {
    let Some(counter) = row.counter_id.as_deref().and_then(|c| cat.counter(c)) else { return };
    let _ = state.events.send(QueueEvent::TicketCalled {
        center: cat.center().id.clone(),
        service_id: row.service_id.clone(),
        number: row.number.clone(),
        counter: CounterRef { id: counter.id.clone(), number: counter.number, name: counter.name.clone() },
        recall,
    });
}

/// Calls the next ticket among the services this counter serves.
#[utoipa::path(post, path = "/api/v1/counters/{id}/call-next", tag = "staff",
    params(("id" = String, Path, description = "Counter id")),
    responses((status = 200, body = TicketResponse), (status = 204, description = "Nobody is waiting"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn call_next(State(state): State<SharedState>, Staff(auth): Staff, Path(id): Path<String>) -> Result<Response, AppError> {
    let cat = auth.catalog(&state)?;
    if cat.counter(&id).is_none() {
        return Err(AppError::code(ErrorCode::CounterNotFound));
    }
    match state.writer.run(Command::CallNext { cat: cat.clone(), counter_id: id }).await? {
        Outcome::Called(Some(row)) => {
            Metrics::inc(&state.metrics.calls);
            announce(&state, &cat, &row, false);
            queue_changed(&state, &cat, &row.service_id);
            Ok(Json(TicketResponse { ticket: ticket_view(&state, &cat, &row)? }).into_response())
        }
        Outcome::Called(None) => Ok(StatusCode::NO_CONTENT.into_response()),
        _ => Err(AppError::Internal("unexpected writer outcome".into())),
    }
}

async fn transition(
    state: SharedState,
    auth: super::extract::Auth,
    token: String,
    action: Transition,
) -> Result<Json<TicketResponse>, AppError> {
    let cat = auth.catalog(&state)?;
    match state.writer.run(Command::Transition { cat: cat.clone(), token, action }).await? {
        Outcome::Transitioned(row) => {
            if action == Transition::Recall {
                announce(&state, &cat, &row, true);
            }
            Ok(Json(TicketResponse { ticket: ticket_view(&state, &cat, &row)? }))
        }
        _ => Err(AppError::Internal("unexpected writer outcome".into())),
    }
}

/// The called ticket was served.
#[utoipa::path(post, path = "/api/v1/tickets/{token}/serve", tag = "staff", params(("token" = String, Path)),
    responses((status = 200, body = TicketResponse), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn serve(
    State(state): State<SharedState>,
    Staff(auth): Staff,
    Path(token): Path<String>,
) -> Result<Json<TicketResponse>, AppError> {
    transition(state, auth, token, Transition::Serve).await
}

/// The called citizen did not come.
#[utoipa::path(post, path = "/api/v1/tickets/{token}/no-show", tag = "staff", params(("token" = String, Path)),
    responses((status = 200, body = TicketResponse), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn no_show(
    State(state): State<SharedState>,
    Staff(auth): Staff,
    Path(token): Path<String>,
) -> Result<Json<TicketResponse>, AppError> {
    transition(state, auth, token, Transition::NoShow).await
}

/// Calls the ticket again (announced again on displays).
#[utoipa::path(post, path = "/api/v1/tickets/{token}/recall", tag = "staff", params(("token" = String, Path)),
    responses((status = 200, body = TicketResponse), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn recall(
    State(state): State<SharedState>,
    Staff(auth): Staff,
    Path(token): Path<String>,
) -> Result<Json<TicketResponse>, AppError> {
    transition(state, auth, token, Transition::Recall).await
}
