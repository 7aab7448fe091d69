//! Dossier status for citizens (rate-limited, masked) and dossier updates by staff.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use motcua_domain::api::{DossierView, HistoryEntry, PutDossierRequest};
use motcua_domain::dossier::{DossierStatus, is_overdue, mask_name};
use motcua_domain::{ApiError, ErrorBody, ErrorCode};
use rusqlite::{Connection, OptionalExtension};

use super::extract::{ApiJson, Auth, Staff};
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::state::SharedState;
use crate::tickets::ts;
use crate::writer::{Command, Outcome};

fn status_of(code: u8) -> Result<DossierStatus, AppError> {
    DossierStatus::from_code(code).ok_or_else(|| AppError::Internal(format!("stored dossier status {code}")))
}

/// Reads a dossier of a center as a citizen may see it.
pub fn load(conn: &Connection, center: &str, code: &str, now: jiff::Timestamp) -> Result<Option<DossierView>, AppError> {
    type Row = (String, Option<String>, String, u8, i64, i64, Option<i64>, Option<String>);
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT procedure_name, procedure_id, applicant_name, status, received_at, due_at, done_at, collect_at
             FROM dossiers WHERE code = ?1 AND center = ?2",
        )?
        .query_row([code, center], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))
        .optional()?;
    let Some((procedure_name, procedure_id, applicant, status, received, due, done, collect_at)) = row else {
        return Ok(None);
    };
    let status = status_of(status)?;
    let mut history = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT at, status, unit, actor, note FROM dossier_history WHERE code = ?1 ORDER BY at, id")?;
    let mut rows = stmt.query([code])?;
    while let Some(r) = rows.next()? {
        history.push(HistoryEntry {
            at: ts(r.get(0)?),
            status: status_of(r.get(1)?)?.view(),
            unit: r.get(2)?,
            actor: r.get(3)?,
            note: r.get(4)?,
        });
    }
    Ok(Some(DossierView {
        code: code.to_string(),
        procedure_name,
        procedure_id,
        applicant: mask_name(&applicant),
        received_at: ts(received),
        due_at: ts(due),
        status: status.view(),
        overdue: is_overdue(status, ts(due), done.map(ts), now),
        collect_at,
        history,
    }))
}

/// A dossier's status, next step, due date and history, applicant masked.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossiers", operation_id = "get_dossier",
    params(("code" = String, Path, description = "Dossier code, e.g. 000.00.12.H62-201105-0004")),
    responses((status = 200, body = DossierView), (status = 400, description = "invalid_dossier_code", body = ErrorBody),
              (status = 404, description = "dossier_not_found", body = ErrorBody),
              (status = 429, description = "rate_limited, with Retry-After", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(State(state): State<SharedState>, auth: Auth, Path(code): Path<String>) -> Result<Json<DossierView>, AppError> {
    if let Err(wait) = state.limiter.take(&auth.token_hash, state.config.lookup_limit_per_min) {
        Metrics::inc(&state.metrics.dossier_lookup_limited);
        let mut e = ApiError::new(ErrorCode::RateLimited);
        e.retry_after_s = Some(wait);
        return Err(AppError::Api(Box::new(e)));
    }
    Metrics::inc(&state.metrics.dossier_lookups);
    let code = state.dossier_rules.parse_exact(&code).map_err(|r| {
        Metrics::inc(&state.metrics.dossier_lookup_invalid);
        AppError::from(r)
    })?;
    let conn = state.pool.get()?;
    match load(&conn, &auth.center, code.as_str(), state.clock.now())? {
        Some(view) => Ok(Json(view)),
        None => {
            Metrics::inc(&state.metrics.dossier_lookup_misses);
            Err(AppError::code(ErrorCode::DossierNotFound))
        }
    }
}

/// Creates or updates a dossier (staff); a status change appends to its history.
#[utoipa::path(put, path = "/api/v1/dossiers/{code}", tag = "staff", operation_id = "put_dossier",
    params(("code" = String, Path)),
    request_body = PutDossierRequest,
    responses((status = 201, description = "Created", body = DossierView), (status = 200, description = "Updated", body = DossierView),
              (status = 400, description = "invalid_request, invalid_dossier_code", body = ErrorBody),
              (status = 403, description = "forbidden: not a staff token", body = ErrorBody),
              (status = 422, description = "dates_out_of_order: due_at before received_at", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put(
    State(state): State<SharedState>,
    Staff(auth): Staff,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<PutDossierRequest>,
) -> Result<(StatusCode, Json<DossierView>), AppError> {
    let code = state.dossier_rules.parse_exact(&code)?;
    crate::writer::validate_dossier(&req)?;
    let outcome =
        state.writer.run(Command::PutDossier { center: auth.center.clone(), code: code.clone(), req, actor: auth.name.clone() }).await?;
    let Outcome::Dossier { created } = outcome else {
        return Err(AppError::Internal("unexpected writer outcome".into()));
    };
    let conn = state.pool.get()?;
    let view = load(&conn, &auth.center, code.as_str(), state.clock.now())?
        .ok_or_else(|| AppError::Internal("dossier vanished after write".into()))?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(view)))
}
