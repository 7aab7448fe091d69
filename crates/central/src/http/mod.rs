//! The HTTP API: `app(state) -> Router`.

pub mod batch;
pub mod booking_page;
pub mod bookings;
pub mod catalog;
pub mod console;
pub mod dossiers;
pub mod extract;
pub mod fleet;
pub mod id_card;
pub mod openapi;
pub mod overload;
pub mod page;
pub mod pages;
pub mod queues;
pub mod reports;
pub mod security;
pub mod session;
pub mod staff;
pub mod tickets;
pub mod voice;

use std::time::Instant;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use motcua_domain::ErrorCode;
use motcua_domain::api::Health;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::error::AppError;
use crate::state::SharedState;

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "Một Cửa central API", version = "1", description = "The server the Một Cửa lobby kiosks talk to."),
    paths(
        health, tickets::issue, tickets::get, catalog::get, dossiers::get, dossiers::put, batch::batch, queues::list,
        queues::events, queues::rate, staff::call_next, staff::call_number, staff::serve, staff::no_show, staff::recall,
        staff::transfer, staff::pause, staff::resume, console::console, console::board, voice::announcement, fleet::heartbeat,
        fleet::list, fleet::maintenance, fleet::set_notice, fleet::clear_notice, id_card::key, id_card::lookup, bookings::slots,
        bookings::challenge, bookings::create, bookings::get, bookings::cancel, bookings::check_in
    ),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// Liveness.
#[utoipa::path(get, path = "/api/v1/health", tag = "meta", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok".into() })
}

/// The derived document, before [`openapi::complete`].
pub(crate) fn api_doc() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi() -> Json<serde_json::Value> {
    let (doc, missing) = openapi::complete(&api_doc());
    if !missing.is_empty() {
        tracing::warn!(?missing, "OpenAPI patches without a target");
    }
    Json(doc)
}

async fn metrics(State(state): State<SharedState>) -> Response {
    let mut text = state.metrics.render();
    match fleet::metrics(&state) {
        Ok(kiosks) => text.push_str(&kiosks),
        Err(e) => tracing::warn!(error = %e, "kiosk gauges left out of /metrics"),
    }
    match crate::sources::pull::metrics(&state) {
        Ok(pulls) => text.push_str(&pulls),
        Err(e) => tracing::warn!(error = %e, "pull source gauges left out of /metrics"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

async fn not_found() -> AppError {
    AppError::code(ErrorCode::NotFound)
}

async fn observe(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let resp = next.run(req).await;
    state.metrics.observe(start.elapsed().as_secs_f64(), resp.status().as_u16());
    resp
}

/// The whole API over shared state.
pub fn app(state: SharedState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/catalog", get(catalog::get))
        .route("/tickets", post(tickets::issue))
        .route("/tickets/{token}", get(tickets::get))
        .route("/tickets/{token}/serve", post(staff::serve))
        .route("/tickets/{token}/no-show", post(staff::no_show))
        .route("/tickets/{token}/recall", post(staff::recall))
        .route("/tickets/{token}/transfer", post(staff::transfer))
        .route("/counters/{id}/call-next", post(staff::call_next))
        .route("/counters/{id}/call-number", post(staff::call_number))
        .route("/counters/{id}/pause", post(staff::pause))
        .route("/counters/{id}/resume", post(staff::resume))
        .route("/counters/{id}/console", get(console::console))
        .route("/board", get(console::board))
        .route("/announcements/{call_id}", get(voice::announcement))
        .route("/dossiers/batch", post(batch::batch).layer(DefaultBodyLimit::max(batch::MAX_BATCH_BODY)))
        .route("/dossiers/by-id-card", post(id_card::lookup))
        .route("/id-key", get(id_card::key))
        .route("/dossiers/{code}", get(dossiers::get).put(dossiers::put))
        .route("/queues", get(queues::list))
        .route("/events", get(queues::events))
        .route("/ratings", post(queues::rate))
        .route("/kiosks", get(fleet::list))
        .route("/kiosks/heartbeat", post(fleet::heartbeat))
        .route("/kiosks/{kiosk_id}/maintenance", put(fleet::maintenance))
        .route("/notice", put(fleet::set_notice).delete(fleet::clear_notice))
        .route("/slots", get(bookings::slots))
        .route("/bookings", post(bookings::create))
        .route("/bookings/challenge", get(bookings::challenge))
        .route("/bookings/{code}", get(bookings::get).delete(bookings::cancel))
        .route("/bookings/{code}/check-in", post(bookings::check_in));
    Router::new()
        .nest("/api/v1", api)
        .route("/t/{token}", get(page::ticket_page))
        .merge(pages::router())
        .merge(booking_page::router())
        .merge(reports::router())
        .route("/am-thanh/{file}", get(voice::clip))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), overload::guard))
        .layer(middleware::from_fn(security::headers))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Percent-encodes a value for a link's query: unreserved characters and `:`
/// (RFC 3339 times stay readable) as they are, every other byte as `%XX`.
pub(crate) fn query_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            let _ = std::fmt::Write::write_fmt(&mut out, format_args!("%{b:02X}"));
        }
    }
    out
}
