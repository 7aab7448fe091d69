//! Lookup by chip ID card: the kiosk hashes the card's number with the
//! deployment's key (`GET /api/v1/id-key`) and sends only the hash
//! (`POST /api/v1/dossiers/by-id-card`); the server finds the dossiers whose
//! sources taught it the same hash, in every center of the province.

use axum::Json;
use axum::extract::State;
use motcua_domain::api::{DossierSummary, IdCardLookupRequest, IdCardLookupResponse, IdKeyResponse};
use motcua_domain::dossier::{is_overdue, mask_name};
use motcua_domain::id_card::is_id_hash;
use motcua_domain::{ErrorBody, ErrorCode};
use rusqlite::params_from_iter;

use super::dossiers::{heard, viewer};
use super::extract::{Auth, Role};
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::state::SharedState;
use crate::tickets::ts;

/// Most dossiers one answer lists.
pub const MAX_LISTED: usize = 20;

fn kiosk_only(auth: &Auth) -> Result<(), AppError> {
    if auth.role == Role::Kiosk {
        return Ok(());
    }
    Err(AppError::msg(
        ErrorCode::Forbidden,
        "ID card lookups are made from kiosks (a kiosk token)",
        "Tra cứu bằng thẻ căn cước chỉ thực hiện trên máy kiosk",
    ))
}

/// The deployment's key for hashing ID card numbers (kiosk tokens only). The
/// kiosk keeps it in memory and sends each number only as its hash.
#[utoipa::path(get, path = "/api/v1/id-key", tag = "dossiers",
    responses((status = 200, body = IdKeyResponse), (status = 401, body = ErrorBody),
              (status = 403, description = "forbidden: not a kiosk token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn key(State(state): State<SharedState>, auth: Auth) -> Result<Json<IdKeyResponse>, AppError> {
    kiosk_only(&auth)?;
    Ok(Json(IdKeyResponse { key: state.id_key.to_hex(), key_id: state.id_key.id().to_string() }))
}

/// A person's dossiers in every center of the province, newest first, masked,
/// found by the keyed hash of their ID card number (never the number).
/// Rate-limited with the code lookups (the same budget per kiosk).
#[utoipa::path(post, path = "/api/v1/dossiers/by-id-card", tag = "dossiers",
    request_body = IdCardLookupRequest,
    responses((status = 200, description = "The dossiers (none: an empty list)", body = IdCardLookupResponse),
              (status = 400, description = "invalid_request: not one or two 64-hex-digit hashes", body = ErrorBody),
              (status = 403, description = "forbidden: not a kiosk token", body = ErrorBody),
              (status = 409, description = "id_key_changed: hashed with another key; fetch GET /api/v1/id-key again", body = ErrorBody),
              (status = 429, description = "rate_limited, with Retry-After", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn lookup(
    State(state): State<SharedState>,
    auth: Auth,
    super::extract::ApiJson(req): super::extract::ApiJson<IdCardLookupRequest>,
) -> Result<Json<IdCardLookupResponse>, AppError> {
    kiosk_only(&auth)?;
    if let Err(wait) = state.limiter.take(&auth.token_hash, state.config.lookup_limit_per_min) {
        Metrics::inc(&state.metrics.dossier_lookup_limited);
        return Err(AppError::rate_limited(wait));
    }
    if !(1..=2).contains(&req.id_hashes.len()) || !req.id_hashes.iter().all(|h| is_id_hash(h)) {
        return Err(AppError::invalid(
            "id_hashes must hold one or two HMAC-SHA256 hashes (64 lower-case hex digits)",
            "id_hashes phải có một hoặc hai mã băm (64 chữ số hệ 16)",
        ));
    }
    if req.key_id != state.id_key.id() {
        return Err(AppError::code(ErrorCode::IdKeyChanged));
    }
    Metrics::inc(&state.metrics.dossier_id_lookups);
    let catalogs = state.catalogs.fresh();
    let viewer = viewer(&state, &catalogs, &auth.center);
    let centers = viewer.centers();
    let conn = state.pool.get()?;
    // Placeholders only: the values are bound.
    let hashes = vec!["?"; req.id_hashes.len()].join(", ");
    let places = vec!["?"; centers.len()].join(", ");
    let sql = format!(
        "SELECT code, center, procedure_name, applicant_name, status, received_at, due_at, done_at, heard_at FROM dossiers
         WHERE applicant_id_hash IN ({hashes}) AND center IN ({places})
         ORDER BY received_at DESC, code DESC LIMIT {}",
        MAX_LISTED + 1
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let values = req.id_hashes.iter().chain(centers.iter());
    type Row = (String, String, String, String, u8, i64, i64, Option<i64>, Option<i64>);
    let rows: Vec<Row> = stmt
        .query_map(params_from_iter(values), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
        })?
        .collect::<Result<_, _>>()?;
    let more = rows.len() > MAX_LISTED;
    let mut dossiers = Vec::with_capacity(rows.len().min(MAX_LISTED));
    for (code, center, procedure_name, applicant, status, received, due, done, heard_at) in rows.into_iter().take(MAX_LISTED) {
        let status =
            motcua_domain::DossierStatus::from_code(status).ok_or_else(|| AppError::Internal(format!("stored dossier status {status}")))?;
        dossiers.push(DossierSummary {
            procedure_name,
            applicant: mask_name(&applicant),
            received_at: ts(received),
            due_at: ts(due),
            status: status.view(),
            overdue: is_overdue(status, ts(due), done.map(ts), viewer.now),
            heard_at: heard(&conn, &center, heard_at)?,
            center: viewer.holder(&center),
            code,
        });
    }
    if dossiers.is_empty() {
        Metrics::inc(&state.metrics.dossier_id_lookup_misses);
    }
    Ok(Json(IdCardLookupResponse { dossiers, more }))
}
