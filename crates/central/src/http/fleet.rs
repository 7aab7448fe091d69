//! The fleet over HTTP: kiosks report their health (kiosk token), staff read
//! it and set maintenance and the center's notice (staff token or session).
//! Changes go out at once as server-sent events: `kiosks_changed` for
//! consoles, `maintenance_changed` and `notice_changed` for kiosks.

use axum::Json;
use axum::extract::{Path, State};
use motcua_domain::fleet::{
    HeartbeatRequest, HeartbeatResponse, KioskView, KiosksResponse, MaintenanceRequest, NoticeRequest, NoticeResponse,
};
use motcua_domain::{ErrorBody, ErrorCode};

use super::extract::{ApiJson, Auth, Role};
use super::session::Officer;
use crate::error::AppError;
use crate::fleet::{check, store, view};
use crate::state::SharedState;

fn tell(state: &SharedState, events: impl IntoIterator<Item = motcua_domain::api::QueueEvent>) {
    for event in events {
        // No subscriber is fine: nobody is watching.
        let _ = state.events.send(event);
    }
}

/// A kiosk reports its health; the answer says what it must show.
#[utoipa::path(post, path = "/api/v1/kiosks/heartbeat", tag = "fleet",
    request_body = HeartbeatRequest,
    responses((status = 200, body = HeartbeatResponse),
              (status = 400, description = "invalid_request", body = ErrorBody),
              (status = 401, description = "unauthorized", body = ErrorBody),
              (status = 403, description = "forbidden (not a kiosk token), kiosk_center_mismatch (the kiosk id belongs to another center)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn heartbeat(
    State(state): State<SharedState>,
    auth: Auth,
    ApiJson(req): ApiJson<HeartbeatRequest>,
) -> Result<Json<HeartbeatResponse>, AppError> {
    if auth.role != Role::Kiosk {
        return Err(AppError::msg(ErrorCode::Forbidden, "heartbeats come from kiosk tokens", "Chỉ máy kiosk mới gửi tín hiệu hoạt động"));
    }
    check::heartbeat(&req)?;
    if state.catalogs.fresh().center_of_kiosk(&req.kiosk_id).is_some_and(|c| c.center().id != auth.center) {
        return Err(AppError::code(ErrorCode::KioskCenterMismatch));
    }
    let center = auth.center.clone();
    let kiosk_id = req.kiosk_id.clone();
    let recorded = state.writer.exec(move |tx, now| store::record_heartbeat(tx, &center, &req, now)).await?;
    let now = state.clock.now();
    let was_silent = state.fleet.heard(&kiosk_id) | recorded.before.as_ref().is_some_and(|b| state.fleet.is_silent(b, now));
    let heard_first = recorded.before.as_ref().is_none_or(|b| b.last_seen.is_none());
    if was_silent || heard_first || recorded.before.as_ref().is_some_and(|b| b.reports_differ(&recorded.after)) {
        tell(&state, [motcua_domain::api::QueueEvent::KiosksChanged { center: auth.center.clone() }]);
    }
    Ok(Json(HeartbeatResponse { kiosk_id, maintenance: recorded.after.maintenance, notice: recorded.notice }))
}

/// The center's kiosks: state, silence, maintenance and alerts; and its notice.
#[utoipa::path(get, path = "/api/v1/kiosks", tag = "fleet", operation_id = "list_kiosks",
    responses((status = 200, body = KiosksResponse),
              (status = 401, description = "unauthorized", body = ErrorBody),
              (status = 403, description = "forbidden: not a staff token or session", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<SharedState>, officer: Officer) -> Result<Json<KiosksResponse>, AppError> {
    let cat = officer.catalog(&state)?;
    let now = state.clock.now();
    let conn = state.pool.get()?;
    let silent_after = state.fleet.silent_after;
    let kiosks = store::kiosks(&conn, Some(&officer.center))?.iter().map(|r| view::view(r, Some(&cat), now, silent_after)).collect();
    Ok(Json(KiosksResponse { kiosks, notice: store::notice(&conn, &officer.center, now)?, silent_after_s: silent_after.as_secs() }))
}

/// Puts a kiosk in maintenance ("Máy đang bảo trì, mời ông/bà dùng máy bên
/// cạnh") or takes it out; the kiosk hears it at once.
#[utoipa::path(put, path = "/api/v1/kiosks/{kiosk_id}/maintenance", tag = "fleet",
    params(("kiosk_id" = String, Path, description = "The kiosk's id"), ("X-CSRF-Token" = Option<String>, Header, description = "With a session cookie")),
    request_body = MaintenanceRequest,
    responses((status = 200, body = KioskView),
              (status = 400, description = "invalid_request", body = ErrorBody),
              (status = 401, description = "unauthorized", body = ErrorBody),
              (status = 403, description = "forbidden, csrf_failed", body = ErrorBody),
              (status = 404, description = "kiosk_not_found: never reported and not in the center's catalog, or of another center", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn maintenance(
    State(state): State<SharedState>,
    officer: Officer,
    Path(kiosk_id): Path<String>,
    ApiJson(req): ApiJson<MaintenanceRequest>,
) -> Result<Json<KioskView>, AppError> {
    if !check::valid_kiosk_id(&kiosk_id) {
        return Err(AppError::code(ErrorCode::KioskNotFound));
    }
    let cat = officer.catalog(&state)?;
    let named = cat.kiosk(&kiosk_id).is_some();
    let (center, id, actor) = (officer.center.clone(), kiosk_id.clone(), officer.actor.name.clone());
    let row = state.writer.exec(move |tx, now| store::set_maintenance(tx, &center, &id, named, req.on, &actor, now)).await?;
    tracing::info!(kiosk = %kiosk_id, on = req.on, by = %officer.actor.name, "kiosk maintenance");
    tell(&state, state.fleet.note_maintenance(&officer.center, &kiosk_id, row.maintenance));
    Ok(Json(view::view(&row, Some(&cat), state.clock.now(), state.fleet.silent_after)))
}

/// Publishes the notice every kiosk of the center shows on its home screen
/// (replacing the last one).
#[utoipa::path(put, path = "/api/v1/notice", tag = "fleet",
    params(("X-CSRF-Token" = Option<String>, Header, description = "With a session cookie")),
    request_body = NoticeRequest,
    responses((status = 200, body = NoticeResponse),
              (status = 400, description = "invalid_request", body = ErrorBody),
              (status = 401, description = "unauthorized", body = ErrorBody),
              (status = 403, description = "forbidden, csrf_failed", body = ErrorBody),
              (status = 422, description = "dates_out_of_order: until is not in the future", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_notice(
    State(state): State<SharedState>,
    officer: Officer,
    ApiJson(req): ApiJson<NoticeRequest>,
) -> Result<Json<NoticeResponse>, AppError> {
    officer.catalog(&state)?;
    let notice = check::notice(req, state.clock.now())?;
    let (center, actor, stored) = (officer.center.clone(), officer.actor.name.clone(), notice.clone());
    state.writer.exec(move |tx, now| store::set_notice(tx, &center, &stored, &actor, now)).await?;
    tracing::info!(center = %officer.center, by = %officer.actor.name, "notice published");
    tell(&state, state.fleet.note_notice(&officer.center, Some(notice.clone())));
    Ok(Json(NoticeResponse { notice: Some(notice) }))
}

/// Takes the center's notice off every kiosk.
#[utoipa::path(delete, path = "/api/v1/notice", tag = "fleet",
    params(("X-CSRF-Token" = Option<String>, Header, description = "With a session cookie")),
    responses((status = 200, description = "`{\"notice\": null}`", body = NoticeResponse),
              (status = 401, description = "unauthorized", body = ErrorBody),
              (status = 403, description = "forbidden, csrf_failed", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn clear_notice(State(state): State<SharedState>, officer: Officer) -> Result<Json<NoticeResponse>, AppError> {
    officer.catalog(&state)?;
    let (center, actor) = (officer.center.clone(), officer.actor.name.clone());
    state.writer.exec(move |tx, now| store::clear_notice(tx, &center, &actor, now)).await?;
    tracing::info!(center = %officer.center, by = %officer.actor.name, "notice cleared");
    tell(&state, state.fleet.note_notice(&officer.center, None));
    Ok(Json(NoticeResponse { notice: None }))
}

/// The per-kiosk gauges for `/metrics`.
pub fn metrics(state: &SharedState) -> Result<String, AppError> {
    let conn = state.pool.get()?;
    Ok(view::metrics(&store::kiosks(&conn, None)?, state.clock.now(), state.fleet.silent_after))
}
