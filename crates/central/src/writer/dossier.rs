//! The staff dossier write: the one validated path for dossier data.

use jiff::Timestamp;
use motcua_domain::api::PutDossierRequest;
use motcua_domain::dossier::DossierStatus;
use motcua_domain::{DossierCode, ErrorCode};
use rusqlite::{Connection, OptionalExtension, params};

use super::Outcome;
use crate::error::AppError;

/// Checks a dossier write without the database: the status code, the
/// lengths of the names, the order of the dates. Returns the status.
pub fn validate(req: &PutDossierRequest) -> Result<DossierStatus, AppError> {
    let status = DossierStatus::from_code(req.status)
        .ok_or_else(|| AppError::invalid("status must be a national status code 1..10", "Trạng thái phải là mã từ 1 đến 10"))?;
    for (name, value, max) in [("procedure_name", req.procedure_name.as_str(), 1000), ("applicant_name", req.applicant_name.as_str(), 200)]
    {
        if value.trim().is_empty() || value.chars().count() > max {
            return Err(AppError::invalid(format!("{name} must be 1 to {max} characters"), format!("{name} phải có từ 1 đến {max} ký tự")));
        }
    }
    if req.due_at < req.received_at {
        return Err(AppError::invalid("due_at is before received_at", "Ngày hẹn trả trước ngày tiếp nhận"));
    }
    Ok(status)
}

pub(super) fn put_dossier(
    tx: &Connection,
    center: &str,
    code: &DossierCode,
    req: &PutDossierRequest,
    actor: &str,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    let status = validate(req)?;
    let existing: Option<(String, u8, Option<i64>)> = tx
        .prepare_cached("SELECT center, status, done_at FROM dossiers WHERE code = ?1")?
        .query_row([code.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((owner, _, _)) = &existing
        && owner != center
    {
        return Err(AppError::code(ErrorCode::Forbidden));
    }
    let now_ms = now.as_millisecond();
    let done = matches!(status, DossierStatus::ReadyToCollect | DossierStatus::HandedOver);
    let done_at = existing.as_ref().and_then(|e| e.2).or(done.then_some(now_ms));
    tx.prepare_cached(
        "INSERT INTO dossiers (code, center, procedure_id, procedure_name, applicant_name, status, received_at, due_at,
                               done_at, collect_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (code) DO UPDATE SET procedure_id = excluded.procedure_id, procedure_name = excluded.procedure_name,
             applicant_name = excluded.applicant_name, status = excluded.status, received_at = excluded.received_at,
             due_at = excluded.due_at, done_at = excluded.done_at, collect_at = excluded.collect_at,
             updated_at = excluded.updated_at",
    )?
    .execute(params![
        code.as_str(),
        center,
        req.procedure_id,
        req.procedure_name,
        req.applicant_name,
        status.code(),
        req.received_at.as_millisecond(),
        req.due_at.as_millisecond(),
        done_at,
        req.collect_at,
        now_ms,
    ])?;
    let changed = existing.as_ref().is_none_or(|e| e.1 != status.code());
    if changed {
        tx.prepare_cached("INSERT INTO dossier_history (code, at, status, unit, actor, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![code.as_str(), now_ms, status.code(), req.unit.as_deref().unwrap_or(actor), actor, req.note])?;
    }
    Ok(Outcome::Dossier { created: existing.is_none() })
}
