//! Dossier status for citizens (rate-limited, masked) and dossier updates by staff.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use motcua_domain::api::{DossierCenter, DossierView, HistoryEntry, PutDossierRequest};
use motcua_domain::dossier::{DossierStatus, is_overdue, mask_name};
use motcua_domain::{ErrorBody, ErrorCode};
use rusqlite::{Connection, OptionalExtension};

use super::extract::{ApiJson, Auth, Staff};
use crate::catalog::Catalogs;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::state::SharedState;
use crate::tickets::ts;
use crate::writer::{Command, Outcome};

fn status_of(code: u8) -> Result<DossierStatus, AppError> {
    DossierStatus::from_code(code).ok_or_else(|| AppError::Internal(format!("stored dossier status {code}")))
}

/// What a dossier lookup needs besides the database: who asks, the
/// catalogs (the province), the time and the freshness limit.
pub struct Viewer<'a> {
    /// The center of the kiosk (or staff token) asking.
    pub center: &'a str,
    /// Every center's catalog.
    pub catalogs: &'a Catalogs,
    /// The server's time.
    pub now: Timestamp,
    /// Older word from the source than this is `stale`.
    pub stale_after: std::time::Duration,
}

impl Viewer<'_> {
    /// The ids of the centers whose dossiers this viewer may see: its province's.
    pub fn centers(&self) -> Vec<String> {
        self.catalogs.province_centers(self.center)
    }

    /// The holding center as an answer shows it.
    pub fn holder(&self, id: &str) -> DossierCenter {
        match self.catalogs.center(id) {
            Some(cat) => {
                let c = cat.center();
                DossierCenter {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    name_en: c.name_en.clone(),
                    level: c.level.clone(),
                    address: c.address.clone(),
                    hotline: c.hotline.clone(),
                }
            }
            // A center whose catalog was removed since: still say which it is.
            None => DossierCenter {
                id: id.to_string(),
                name: id.to_string(),
                name_en: None,
                level: String::new(),
                address: String::new(),
                hotline: String::new(),
            },
        }
    }

    /// Whether word from the source at `heard_at` is too old to trust.
    pub fn stale(&self, heard_at: Option<Timestamp>) -> bool {
        let limit = jiff::SignedDuration::try_from(self.stale_after).unwrap_or(jiff::SignedDuration::MAX);
        heard_at.is_some_and(|h| self.now.duration_since(h) > limit)
    }
}

/// When the source last vouched for a dossier of `center` written at
/// `heard_at`: the later of that and the start of the last complete pull
/// pass of a source that feeds the center (a complete incremental pass that
/// did not send the dossier says it has not changed).
pub fn heard(conn: &Connection, center: &str, heard_at: Option<i64>) -> Result<Option<Timestamp>, AppError> {
    let synced: Option<i64> = conn
        .prepare_cached("SELECT max(synced_at) FROM pull_sources WHERE ',' || centers || ',' LIKE '%,' || ?1 || ',%'")?
        .query_row([center], |r| r.get(0))?;
    Ok(heard_at.max(synced).map(ts))
}

/// Reads a dossier held by any center of the viewer's province, as a citizen may see it.
pub fn load(conn: &Connection, viewer: &Viewer<'_>, code: &str) -> Result<Option<DossierView>, AppError> {
    type Row = (String, String, Option<String>, String, u8, i64, i64, Option<i64>, Option<String>, Option<i64>);
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT center, procedure_name, procedure_id, applicant_name, status, received_at, due_at, done_at, collect_at, heard_at
             FROM dossiers WHERE code = ?1",
        )?
        .query_row([code], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?))
        })
        .optional()?;
    let Some((center, procedure_name, procedure_id, applicant, status, received, due, done, collect_at, heard_at)) = row else {
        return Ok(None);
    };
    if !viewer.centers().contains(&center) {
        // Another province's dossier: as unknown as a code nobody issued.
        return Ok(None);
    }
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
    let heard_at = heard(conn, &center, heard_at)?;
    Ok(Some(DossierView {
        code: code.to_string(),
        procedure_name,
        procedure_id,
        applicant: mask_name(&applicant),
        received_at: ts(received),
        due_at: ts(due),
        status: status.view(),
        overdue: is_overdue(status, ts(due), done.map(ts), viewer.now),
        collect_at,
        history,
        center: Some(viewer.holder(&center)),
        heard_at,
        stale: viewer.stale(heard_at),
    }))
}

/// The viewer of a request by `auth`.
pub fn viewer<'a>(state: &SharedState, catalogs: &'a Catalogs, center: &'a str) -> Viewer<'a> {
    Viewer { center, catalogs, now: state.clock.now(), stale_after: state.config.dossiers.stale_after }
}

/// A dossier's status, next step, due date and history, applicant masked,
/// from any center of the kiosk's province; which center holds it, and when
/// the center last heard from the source about it (`heard_at`, null when unknown).
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossiers", operation_id = "get_dossier",
    params(("code" = String, Path, description = "Dossier code, e.g. 000.00.12.H62-201105-0004")),
    responses((status = 200, body = DossierView), (status = 400, description = "invalid_dossier_code", body = ErrorBody),
              (status = 404, description = "dossier_not_found: no center of the province holds it; the message tells the citizen to check the code on the receipt or ask at the information desk", body = ErrorBody),
              (status = 429, description = "rate_limited, with Retry-After", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(State(state): State<SharedState>, auth: Auth, Path(code): Path<String>) -> Result<Json<DossierView>, AppError> {
    if let Err(wait) = state.limiter.take(&auth.token_hash, state.config.lookup_limit_per_min) {
        Metrics::inc(&state.metrics.dossier_lookup_limited);
        return Err(AppError::rate_limited(wait));
    }
    Metrics::inc(&state.metrics.dossier_lookups);
    let code = state.dossier_rules.parse_exact(&code).map_err(|r| {
        Metrics::inc(&state.metrics.dossier_lookup_invalid);
        AppError::from(r)
    })?;
    let conn = state.pool.get()?;
    let catalogs = state.catalogs.fresh();
    match load(&conn, &viewer(&state, &catalogs, &auth.center), code.as_str())? {
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
    let catalogs = state.catalogs.fresh();
    let view = load(&conn, &viewer(&state, &catalogs, &auth.center), code.as_str())?
        .ok_or_else(|| AppError::Internal("dossier vanished after write".into()))?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(view)))
}
