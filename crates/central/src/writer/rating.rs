//! Satisfaction ratings.

use jiff::Timestamp;
use motcua_domain::ErrorCode;
use motcua_domain::api::RatingRequest;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Outcome;
use crate::catalog::hex;
use crate::error::AppError;

/// Checks a rating without the database: the score, the comment's length,
/// exactly one of ticket and dossier, and the dossier code's shape.
pub fn validate(req: &RatingRequest) -> Result<(), AppError> {
    if !(1..=3).contains(&req.score) {
        return Err(AppError::invalid(
            "score must be 1 (not satisfied), 2 (satisfied) or 3 (very satisfied)",
            "Điểm đánh giá phải là 1, 2 hoặc 3",
        ));
    }
    if req.comment.as_deref().is_some_and(|c| c.chars().count() > 1000) {
        return Err(AppError::invalid("comment is longer than 1000 characters", "Góp ý dài quá 1000 ký tự"));
    }
    match (&req.ticket_token, &req.dossier_code) {
        (Some(_), None) => Ok(()),
        (None, Some(code)) => motcua_domain::DossierCodeRules::default().parse_exact(code).map(|_| ()).map_err(AppError::from),
        _ => Err(AppError::invalid(
            "give exactly one of ticket_token and dossier_code",
            "Cần đúng một trong hai: phiếu số thứ tự hoặc mã hồ sơ",
        )),
    }
}

pub(super) fn rate(tx: &Connection, center: &str, req: &RatingRequest, key: Option<&str>, now: Timestamp) -> Result<Outcome, AppError> {
    validate(req)?;
    let hash = hex(&Sha256::digest(serde_json::to_vec(req)?));
    if let Some(key) = key {
        let seen: Option<(String, String)> = tx
            .prepare_cached("SELECT request_hash, rating_id FROM rating_idempotency WHERE center = ?1 AND key = ?2")?
            .query_row(params![center, key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((seen_hash, id)) = seen {
            if seen_hash != hash {
                return Err(AppError::code(ErrorCode::IdempotencyKeyReused));
            }
            let id = Uuid::parse_str(&id).map_err(|e| AppError::Internal(format!("stored rating id {id}: {e}")))?;
            return Ok(Outcome::Rated { id, created: false });
        }
    }
    let (ticket_id, dossier_code) = match (&req.ticket_token, &req.dossier_code) {
        (Some(token), None) => {
            let row = crate::tickets::by_token(tx, token)?
                .filter(|r| r.center == center)
                .ok_or_else(|| AppError::code(ErrorCode::TicketNotFound))?;
            (Some(row.id.to_string()), None)
        }
        (None, Some(code)) => {
            let code = motcua_domain::DossierCodeRules::default().parse_exact(code)?;
            let exists: Option<i64> = tx
                .prepare_cached("SELECT 1 FROM dossiers WHERE code = ?1 AND center = ?2")?
                .query_row(params![code.as_str(), center], |r| r.get(0))
                .optional()?;
            exists.ok_or_else(|| AppError::code(ErrorCode::DossierNotFound))?;
            (None, Some(code.to_string()))
        }
        _ => {
            return Err(AppError::invalid(
                "give exactly one of ticket_token and dossier_code",
                "Cần đúng một trong hai: phiếu số thứ tự hoặc mã hồ sơ",
            ));
        }
    };
    let id = Uuid::now_v7();
    tx.prepare_cached(
        "INSERT INTO ratings (id, center, ticket_id, dossier_code, score, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![id.to_string(), center, ticket_id, dossier_code, req.score, req.comment, now.as_millisecond()])?;
    if let Some(key) = key {
        tx.prepare_cached("INSERT INTO rating_idempotency (center, key, request_hash, rating_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![center, key, hash, id.to_string(), now.as_millisecond()])?;
    }
    Ok(Outcome::Rated { id, created: true })
}
