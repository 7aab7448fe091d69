//! The catalog of the token's center, with an ETag.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use motcua_domain::{Catalog, ErrorBody};

use super::session::Viewer;
use crate::error::AppError;
use crate::state::SharedState;

/// The center, agencies, fields, procedures, services, counters and priority categories.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog", operation_id = "get_catalog",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the catalog the kiosk holds")),
    responses((status = 200, body = Catalog), (status = 304, description = "Unchanged"), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(State(state): State<SharedState>, auth: Viewer, headers: HeaderMap) -> Result<Response, AppError> {
    let cat = auth.catalog(&state)?;
    let etag = HeaderValue::from_str(&cat.etag).map_err(|e| AppError::Internal(e.to_string()))?;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == cat.etag || t.trim() == "*"));
    let builder = Response::builder().header(header::ETAG, etag).header(header::CACHE_CONTROL, "no-cache");
    let resp = if matches {
        builder.status(StatusCode::NOT_MODIFIED).body(Body::empty())
    } else {
        builder.status(StatusCode::OK).header(header::CONTENT_TYPE, "application/json").body(Body::from(cat.json.to_vec()))
    };
    resp.map_err(|e| AppError::Internal(e.to_string()))
}
