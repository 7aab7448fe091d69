//! The pages' scripts and styles, embedded in the binary.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Name, content type, bytes.
const ASSETS: &[(&str, &str, &str)] = &[
    ("staff.css", "text/css; charset=utf-8", include_str!("../../../assets/staff.css")),
    ("console.css", "text/css; charset=utf-8", include_str!("../../../assets/console.css")),
    ("console.js", "text/javascript; charset=utf-8", include_str!("../../../assets/console.js")),
    ("board.css", "text/css; charset=utf-8", include_str!("../../../assets/board.css")),
    ("board.js", "text/javascript; charset=utf-8", include_str!("../../../assets/board.js")),
    ("live.js", "text/javascript; charset=utf-8", include_str!("../../../assets/live.js")),
];

/// `GET /assets/{name}`.
pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, ty, body)) => (StatusCode::OK, [(header::CONTENT_TYPE, *ty), (header::CACHE_CONTROL, "no-cache")], *body).into_response(),
        None => AppError::code(motcua_domain::ErrorCode::NotFound).into_response(),
    }
}
