//! Calls spoken aloud: each clip as an Ogg/Opus file, and one assembled WAV
//! per call for the boards and a PA system.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_domain::{ErrorBody, ErrorCode};
use rusqlite::OptionalExtension;

use super::session::Viewer;
use crate::error::AppError;
use crate::state::SharedState;

/// `GET /am-thanh/{name}.ogg`: one clip of the set (built in or the center's).
pub async fn clip(State(state): State<SharedState>, Path(file): Path<String>) -> Response {
    let bytes = file.strip_suffix(".ogg").and_then(|name| state.voice.ogg_bytes(name));
    match bytes {
        Some(b) => (StatusCode::OK, [(header::CONTENT_TYPE, "audio/ogg"), (header::CACHE_CONTROL, "public, max-age=3600")], b.to_vec())
            .into_response(),
        None => AppError::code(ErrorCode::NotFound).into_response(),
    }
}

/// The letters and digits of a number as it is read aloud (`B-K1-003` → `BK1003`).
fn spoken(number: &str) -> String {
    number.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The announcement of one call as a WAV file: the chime, "Mời công dân có
/// số thứ tự", the number letter by letter and digit by digit, "đến quầy
/// số", the counter's number, said as many times as configured.
#[utoipa::path(get, path = "/api/v1/announcements/{call_id}", tag = "board",
    params(("call_id" = String, Path, description = "From ticket_called or a call's answer")),
    responses((status = 200, description = "audio/wav, 24 kHz mono", content_type = "audio/wav"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn announcement(State(state): State<SharedState>, viewer: Viewer, Path(call_id): Path<String>) -> Result<Response, AppError> {
    if !(viewer.display || viewer.staff) {
        return Err(AppError::msg(
            ErrorCode::Forbidden,
            "announcements are for boards and staff",
            "Chỉ bảng hiển thị và cán bộ được tải lời gọi số",
        ));
    }
    let found: Option<(String, String, String)> = {
        let conn = state.pool.get()?;
        conn.prepare_cached("SELECT center, number, counter_id FROM calls WHERE id = ?1")?
            .query_row([&call_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
    };
    let (_, number, counter_id) = found.filter(|(c, _, _)| *c == viewer.center).ok_or_else(|| AppError::code(ErrorCode::NotFound))?;
    let cat = viewer.catalog(&state)?;
    let counter = cat.counter(&counter_id).ok_or_else(|| AppError::code(ErrorCode::CounterNotFound))?;
    let wav = state
        .voice
        .announcement_wav(&spoken(&number), counter.number, &state.voice_options)
        .map_err(|e| AppError::Internal(format!("announcement of call {call_id}: {e} ({})", e.code())))?;
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, "audio/wav"), (header::CACHE_CONTROL, "private, max-age=86400")], wav).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_numbers_are_read_without_their_dashes() {
        assert_eq!(spoken("B-K1-003"), "BK1003");
        assert_eq!(spoken("B012"), "B012");
    }
}
