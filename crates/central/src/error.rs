//! The server's error: a stable API error, or an internal one that is logged
//! and never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_domain::{ApiError, ErrorBody, ErrorCode};

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A refusal the client is told about, with its stable code and messages.
    #[error("{}: {}", .0.code.as_str(), .0.message)]
    Api(Box<ApiError>),
    /// A fault on our side: logged in full, answered only as `internal`.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// An API error with the code's default messages.
    pub fn code(code: ErrorCode) -> Self {
        Self::Api(Box::new(ApiError::new(code)))
    }

    /// An API error with specific messages.
    pub fn msg(code: ErrorCode, en: impl Into<String>, vi: impl Into<String>) -> Self {
        let mut e = ApiError::new(code);
        e.message = en.into();
        e.message_vi = vi.into();
        Self::Api(Box::new(e))
    }

    /// `rate_limited`, to retry after `wait` seconds (the `Retry-After` header).
    pub fn rate_limited(wait: u64) -> Self {
        let mut e = ApiError::new(ErrorCode::RateLimited);
        e.retry_after_s = Some(wait);
        Self::Api(Box::new(e))
    }

    /// `invalid_request` naming what is wrong.
    pub fn invalid(en: impl Into<String>, vi: impl Into<String>) -> Self {
        Self::msg(ErrorCode::InvalidRequest, en, vi)
    }

    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            Self::Internal(_) => None,
        }
    }
}

impl From<motcua_domain::dossier_code::CodeRejection> for AppError {
    fn from(r: motcua_domain::dossier_code::CodeRejection) -> Self {
        Self::msg(ErrorCode::InvalidDossierCode, r.message_en(), r.message_vi())
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Internal(format!("sqlite: {e}"))
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(e: crate::db::DbError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(format!("json: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let error = match self {
            Self::Api(e) => *e,
            Self::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::new(ErrorCode::Internal)
            }
        };
        let status = StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = error.retry_after_s;
        let mut resp = (status, axum::Json(ErrorBody { error })).into_response();
        if let Some(s) = retry {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}
