//! The pages' scripts, styles and fonts, embedded in the binary. The element
//! builder (`dom.js`) and the Noto Sans fonts are the kiosk UI's own files,
//! served here as they are.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const TTF: &str = "font/ttf";

/// Name, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("staff.css", CSS, include_bytes!("../../../assets/staff.css")),
    ("console.css", CSS, include_bytes!("../../../assets/console.css")),
    ("console.js", JS, include_bytes!("../../../assets/console.js")),
    ("fleet.js", JS, include_bytes!("../../../assets/fleet.js")),
    ("board.css", CSS, include_bytes!("../../../assets/board.css")),
    ("ticket.css", CSS, include_bytes!("../../../assets/ticket.css")),
    ("booking.css", CSS, include_bytes!("../../../assets/booking.css")),
    ("booking.js", JS, include_bytes!("../../../assets/booking.js")),
    ("board.js", JS, include_bytes!("../../../assets/board.js")),
    ("live.js", JS, include_bytes!("../../../assets/live.js")),
    ("page.js", JS, include_bytes!("../../../assets/page.js")),
    ("reports.css", CSS, include_bytes!("../../../assets/reports.css")),
    ("reports.js", JS, include_bytes!("../../../assets/reports.js")),
    ("dom.js", JS, include_bytes!("../../../../../ui/js/dom.js")),
    ("NotoSans-Regular.ttf", TTF, include_bytes!("../../../../../ui/fonts/NotoSans-Regular.ttf")),
    ("NotoSans-Bold.ttf", TTF, include_bytes!("../../../../../ui/fonts/NotoSans-Bold.ttf")),
];

/// `GET /assets/{name}`.
pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, ty, body)) => (StatusCode::OK, [(header::CONTENT_TYPE, *ty), (header::CACHE_CONTROL, "no-cache")], *body).into_response(),
        None => AppError::code(motcua_domain::ErrorCode::NotFound).into_response(),
    }
}
