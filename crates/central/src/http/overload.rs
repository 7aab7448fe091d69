//! Load shedding and the request deadline. At most `max_in_flight`
//! requests are handled at once; up to `max_queued` more wait at most
//! `queue_wait` for a slot, in arrival order; every other request is
//! answered at once with 503 `server_busy` and `Retry-After`, so that a
//! flood costs the server a refusal, not a timeout for everyone. Memory stays
//! bounded by the slots (each holds at most one request body, 64 KiB or a
//! 4 MiB batch) and the connection cap ([`crate::server`]).
//!
//! A request that has a slot must be answered within `request_timeout`, its
//! body included, else 408 `request_timeout` and the connection is closed: a
//! client that trickles its body holds a slot only that long. An event
//! stream is not cut: its handler answers at once and the stream is the
//! answer's body, which the deadline does not cover.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use motcua_domain::{ApiError, ErrorCode};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::AppError;
use crate::metrics::Metrics;
use crate::server::Limits;
use crate::state::SharedState;

/// Seconds a refused client is told to wait.
pub const RETRY_AFTER_S: u64 = 1;

/// Paths never shed: liveness and the metrics that show the overload.
const EXEMPT: [&str; 2] = ["/api/v1/health", "/metrics"];

/// The slots and the queue in front of the handlers.
#[derive(Debug)]
pub struct Gate {
    slots: Semaphore,
    queue: Semaphore,
    wait: Duration,
    deadline: Duration,
}

impl Gate {
    /// A gate with these limits.
    pub fn new(limits: &Limits) -> Self {
        Self {
            slots: Semaphore::new(limits.max_in_flight as usize),
            queue: Semaphore::new(limits.max_queued as usize),
            wait: limits.queue_wait(),
            deadline: limits.request_timeout(),
        }
    }

    /// A slot, at once or after a short wait in the queue; `None`: shed.
    pub async fn enter(&self) -> Option<SemaphorePermit<'_>> {
        if let Ok(slot) = self.slots.try_acquire() {
            return Some(slot);
        }
        let _place = self.queue.try_acquire().ok()?;
        tokio::time::timeout(self.wait, self.slots.acquire()).await.ok()?.ok()
    }
}

/// 503 `server_busy` with `Retry-After`.
pub fn busy() -> Response {
    let mut e = ApiError::new(ErrorCode::ServerBusy);
    e.retry_after_s = Some(RETRY_AFTER_S);
    AppError::Api(Box::new(e)).into_response()
}

/// The middleware: a slot for the request, and its deadline.
pub async fn guard(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    if EXEMPT.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let Some(_slot) = state.gate.enter().await else {
        Metrics::inc(&state.metrics.requests_shed);
        return busy();
    };
    match tokio::time::timeout(state.gate.deadline, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            Metrics::inc(&state.metrics.requests_timed_out);
            let mut resp = AppError::code(ErrorCode::RequestTimeout).into_response();
            // The rest of a trickled body is not worth reading.
            resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            resp
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(max_in_flight: u32, max_queued: u32, queue_wait_ms: u64) -> Gate {
        Gate::new(&Limits { max_in_flight, max_queued, queue_wait_ms, ..Limits::DEFAULT })
    }

    #[tokio::test]
    async fn a_full_gate_queues_a_few_then_sheds() {
        let g = gate(1, 1, 50);
        let first = g.enter().await.expect("a free slot");
        // The queue's one place: waits, then gives up.
        let started = std::time::Instant::now();
        assert!(g.enter().await.is_none());
        assert!(started.elapsed() >= Duration::from_millis(50));
        drop(first);
        assert!(g.enter().await.is_some(), "a freed slot is taken");
    }

    #[tokio::test]
    async fn a_queued_request_gets_the_slot_that_frees() {
        let g = std::sync::Arc::new(gate(1, 1, 1000));
        let first = g.enter().await.expect("a free slot");
        let waiting = {
            let g = g.clone();
            tokio::spawn(async move { g.enter().await.is_some() })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        // The queue is full: the next one is refused at once.
        let started = std::time::Instant::now();
        assert!(g.enter().await.is_none());
        assert!(started.elapsed() < Duration::from_millis(500));
        drop(first);
        assert!(waiting.await.unwrap());
    }
}
