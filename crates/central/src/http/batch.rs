//! `POST /api/v1/dossiers/batch`: the province's one-stop system pushes up to
//! 1,000 dossiers at a time (integration token). Each item is mapped on its
//! own, so one malformed item is rejected alone; the good ones go to the
//! writer as one command (one transaction, a savepoint each).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use motcua_domain::ErrorCode;
use motcua_domain::sources::{BatchItemResult, DossierBatchRequest, DossierBatchResponse, ItemError, MAX_BATCH_DOSSIERS, WriteOutcome};
use serde_json::Value;

use super::extract::{Auth, Integration};
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::sources::record::{Context, Problem, Unknown, cells_of_json, map_row};
use crate::state::SharedState;
use crate::writer::{Command, DossierRecord, Outcome, SourceKind};

/// Largest batch body: 1,000 dossiers of up to 4 KiB each.
pub const MAX_BATCH_BODY: usize = 4 * 1024 * 1024;

fn invalid_body(detail: &str) -> AppError {
    AppError::invalid(
        format!("the body must be JSON {{\"dossiers\": [...]}}: {detail}; nothing was stored"),
        format!("Dữ liệu phải là JSON {{\"dossiers\": [...]}}: {detail}; chưa hồ sơ nào được lưu"),
    )
}

/// A batch body read and mapped item by item, before anything is written.
#[derive(Debug)]
pub struct MappedBatch {
    /// Per item, in request order: its record's index in `records`, or why it was rejected.
    pub results: Vec<Result<usize, BatchItemResult>>,
    /// The items that mapped to a record, in request order.
    pub records: Vec<DossierRecord>,
    /// Per item, the dossier code it gave (normalised when it parsed).
    pub codes: Vec<Option<String>>,
}

/// Reads a batch body (pure: no database): refuses the whole body when it is
/// not JSON with a `dossiers` array of at most 1,000 items, else maps each
/// item on its own.
pub fn map_batch(body: &[u8], ctx: &Context<'_>) -> Result<MappedBatch, AppError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| invalid_body(&format!("not JSON ({e})")))?;
    let items = value.get("dossiers").and_then(Value::as_array).ok_or_else(|| invalid_body("no \"dossiers\" array"))?;
    if items.len() > MAX_BATCH_DOSSIERS {
        return Err(AppError::msg(
            ErrorCode::BatchTooLarge,
            format!("a batch holds at most {MAX_BATCH_DOSSIERS} dossiers, this one {}; nothing was stored", items.len()),
            format!("Mỗi lần gửi tối đa {MAX_BATCH_DOSSIERS} hồ sơ, lần này {}; chưa hồ sơ nào được lưu", items.len()),
        ));
    }
    let mut results: Vec<Result<usize, BatchItemResult>> = Vec::with_capacity(items.len());
    let mut records = Vec::new();
    let mut codes = Vec::with_capacity(items.len());
    for item in items {
        let Some(cells) = cells_of_json(item) else {
            let error = ItemError { code: ErrorCode::InvalidRequest, message: "a dossier must be a JSON object".into() };
            codes.push(None);
            results.push(Err(BatchItemResult { code: None, outcome: WriteOutcome::Rejected, error: Some(error) }));
            continue;
        };
        let mapped = map_row(&cells, ctx);
        codes.push(mapped.code.clone());
        match mapped.result {
            Ok(record) => {
                results.push(Ok(records.len()));
                records.push(record);
            }
            Err(problems) => results.push(Err(BatchItemResult {
                code: mapped.code,
                outcome: WriteOutcome::Rejected,
                error: Some(Problem::item_error(&problems)),
            })),
        }
    }
    Ok(MappedBatch { results, records, codes })
}

/// Creates or updates up to 1,000 dossiers of the token's center, in order;
/// an older update never overwrites a newer one.
#[utoipa::path(post, path = "/api/v1/dossiers/batch", tag = "integration",
    request_body(content = DossierBatchRequest,
        description = "Our field names (as here) or the national portal's (MaHoSo, TenTTHC, ChuHoSo, TrangThaiHoSo, NgayTiepNhan, NgayHenTra, NgayCapNhat…); see docs/dossier-sources.md"),
    responses((status = 200, description = "One result per dossier, in request order", body = DossierBatchResponse),
              (status = 400, description = "invalid_request: not JSON, no dossiers array; nothing stored", body = motcua_domain::ErrorBody),
              (status = 401, body = motcua_domain::ErrorBody),
              (status = 403, description = "forbidden: not an integration token", body = motcua_domain::ErrorBody),
              (status = 413, description = "batch_too_large (over 1,000 dossiers) or payload_too_large (over 4 MiB); nothing stored", body = motcua_domain::ErrorBody)),
    security(("bearer" = [])))]
pub async fn batch(
    State(state): State<SharedState>,
    Integration(auth): Integration,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<DossierBatchResponse>, AppError> {
    let body = body.map_err(|r| {
        if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::msg(
                ErrorCode::PayloadTooLarge,
                "a dossier batch body is at most 4 MiB; nothing was stored",
                "Dữ liệu gửi lên vượt quá 4 MiB; chưa hồ sơ nào được lưu",
            )
        } else {
            invalid_body(&r.body_text())
        }
    })?;
    let cat = auth.catalog(&state)?;
    // Reading and mapping a thousand dossiers is CPU work of some
    // milliseconds: on a blocking thread, so the kiosks' lookups served by
    // the async workers do not queue behind it.
    let prepared = {
        let state = state.clone();
        let auth = auth.clone();
        tokio::task::spawn_blocking(move || prepare(&state, &auth, &cat, &body))
            .await
            .map_err(|e| AppError::Internal(format!("dossier batch mapping: {e}")))??
    };
    let MappedBatch { results, records, codes } = prepared;
    let mut written = if records.is_empty() {
        Vec::new()
    } else {
        match state.writer.run(Command::PutDossiers { records }).await? {
            Outcome::Dossiers(w) => w,
            _ => return Err(AppError::Internal("unexpected writer outcome".into())),
        }
    }
    .into_iter()
    .map(Some)
    .collect::<Vec<_>>();
    let mut out = Vec::with_capacity(results.len());
    for (result, code) in results.into_iter().zip(codes) {
        let item = match result {
            Err(rejected) => rejected,
            Ok(i) => match written.get_mut(i).and_then(Option::take) {
                Some(Ok(outcome)) => BatchItemResult { code, outcome, error: None },
                Some(Err(e)) => {
                    let error = match e.api() {
                        Some(api) => ItemError { code: api.code, message: api.message.clone() },
                        None => {
                            tracing::error!(error = %e, "dossier batch item failed");
                            ItemError { code: ErrorCode::Internal, message: ErrorCode::Internal.message_en().into() }
                        }
                    };
                    BatchItemResult { code, outcome: WriteOutcome::Rejected, error: Some(error) }
                }
                None => return Err(AppError::Internal("the writer answered fewer dossiers than it was given".into())),
            },
        };
        let slot = match item.outcome {
            WriteOutcome::Created => 0,
            WriteOutcome::Updated => 1,
            WriteOutcome::Unchanged => 2,
            WriteOutcome::Rejected => 3,
        };
        Metrics::inc(&state.metrics.dossier_batch_items[slot]);
        out.push(item);
    }
    Metrics::inc(&state.metrics.dossier_batches);
    tracing::info!(
        token = %auth.name,
        center = %auth.center,
        dossiers = out.len(),
        rejected = out.iter().filter(|r| r.outcome == WriteOutcome::Rejected).count(),
        "dossier batch"
    );
    Ok(Json(DossierBatchResponse { results: out }))
}

/// Maps the body through the same checks as every way in.
fn prepare(state: &SharedState, auth: &Auth, cat: &CenterCatalog, body: &[u8]) -> Result<MappedBatch, AppError> {
    let now = state.clock.now();
    let ctx = Context {
        center: &auth.center,
        tz: &cat.tz,
        rules: &state.dossier_rules,
        mapping: None,
        unknown: Unknown::Reject,
        received: now,
        now,
        source: SourceKind::Push,
        actor: &auth.name,
        id_key: Some(&state.id_key),
    };
    map_batch(body, &ctx)
}
