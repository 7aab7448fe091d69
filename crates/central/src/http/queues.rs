//! Now serving and waiting per queue, live events, and ratings.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use futures_util::StreamExt;
use motcua_domain::ErrorBody;
use motcua_domain::api::{CounterRef, QueueState, QueuesResponse, RatingRequest, RatingResponse, Serving};
use tokio_stream::wrappers::BroadcastStream;

use super::extract::{ApiJson, Auth, optional_idempotency_key};
use super::session::Viewer;
use crate::error::AppError;
use crate::state::SharedState;
use crate::tickets::{local_day, ts};
use crate::writer::{Command, Outcome};

/// Per service: people waiting, and who is served at which counter.
#[utoipa::path(get, path = "/api/v1/queues", tag = "queues", operation_id = "list_queues",
    responses((status = 200, body = QueuesResponse), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<SharedState>, auth: Viewer) -> Result<Json<QueuesResponse>, AppError> {
    let cat = auth.catalog(&state)?;
    let today = local_day(&cat, state.clock.now());
    let index = state.index.read().map_err(|_| AppError::Internal("queue index poisoned".into()))?;
    let queues = cat
        .catalog
        .services
        .iter()
        .map(|s| QueueState {
            service_id: s.id.clone(),
            letter: s.letter.clone(),
            name: s.name.clone(),
            waiting: index.waiting(&s.id, today),
            serving: cat
                .catalog
                .counters_of(&s.id)
                .filter_map(|c| {
                    let at = index.serving(&c.id).filter(|at| at.service_id == s.id)?;
                    Some(Serving {
                        counter: CounterRef { id: c.id.clone(), number: c.number, name: c.name.clone() },
                        number: at.number.clone(),
                        called_at: ts(at.called_at_ms),
                    })
                })
                .collect(),
        })
        .collect();
    Ok(Json(QueuesResponse { queues }))
}

/// Server-sent events: `ticket_called` and `queue_changed` of the token's center.
#[utoipa::path(get, path = "/api/v1/events", tag = "queues",
    responses((status = 200, description = "text/event-stream of QueueEvent", content_type = "text/event-stream")),
    security(("bearer" = [])))]
pub async fn events(State(state): State<SharedState>, auth: Viewer) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let center = auth.center;
    let stream = BroadcastStream::new(state.events.subscribe()).filter_map(move |msg| {
        let center = center.clone();
        async move {
            let ev = msg.ok()?;
            if ev.center() != center {
                return None;
            }
            let data = serde_json::to_string(&ev).ok()?;
            Some(Ok(Event::default().event(ev.name()).data(data)))
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// A satisfaction rating tied to a ticket or a dossier.
#[utoipa::path(post, path = "/api/v1/ratings", tag = "ratings",
    request_body = RatingRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "One per rating, reused on every retry: a retried rating is counted once (optional for older kiosks)")),
    responses(
        (status = 201, body = RatingResponse),
        (status = 200, description = "A retry with the same key and body: the rating already stored", body = RatingResponse),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "idempotency_key_reused", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn rate(
    State(state): State<SharedState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RatingRequest>,
) -> Result<(StatusCode, Json<RatingResponse>), AppError> {
    let key = optional_idempotency_key(&headers)?;
    crate::writer::validate_rating(&req)?;
    match state.writer.run(Command::Rate { center: auth.center, req, key }).await? {
        Outcome::Rated { id, created } => Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(RatingResponse { id }))),
        _ => Err(AppError::Internal("unexpected writer outcome".into())),
    }
}
