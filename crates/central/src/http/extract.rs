//! Request extractors: the bearer token's identity, JSON bodies with API
//! errors, the idempotency key.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use motcua_domain::ErrorCode;
use serde::de::DeserializeOwned;

use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::state::SharedState;
pub use crate::tokens::{Role, token_hash};

/// The demo center the demo tokens belong to.
pub const DEMO_CENTER: &str = "vp-tinh";

/// Who is calling: from `Authorization: Bearer TOKEN`.
#[derive(Debug, Clone)]
pub struct Auth {
    /// What the token may do.
    pub role: Role,
    /// The center the token belongs to; it sees nothing of another.
    pub center: String,
    /// The name given at `token create` (`kiosk-sanh-1`), recorded as the actor.
    pub name: String,
    /// Hash of the token, the key of its rate-limit budget.
    pub token_hash: String,
}

impl Auth {
    /// The catalog of the token's center.
    pub fn catalog(&self, state: &SharedState) -> Result<Arc<CenterCatalog>, AppError> {
        state.catalogs.fresh().center(&self.center).cloned().ok_or_else(|| {
            AppError::msg(
                ErrorCode::Forbidden,
                format!("center {} has no catalog on this server", self.center),
                format!("Trung tâm {} chưa có danh mục trên máy chủ", self.center),
            )
        })
    }
}

/// The bearer token's identity, whatever its role.
fn identify(parts: &Parts, state: &SharedState) -> Result<Auth, AppError> {
    let token = bearer(parts).ok_or_else(|| AppError::code(ErrorCode::Unauthorized))?;
    let (role, center, name) = resolve_token(state, token)?.ok_or_else(|| AppError::code(ErrorCode::Unauthorized))?;
    Ok(Auth { role, center, name, token_hash: token_hash(token) })
}

impl FromRequestParts<SharedState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, AppError> {
        let auth = identify(parts, state)?;
        if auth.role == Role::Display {
            return Err(AppError::msg(
                ErrorCode::Forbidden,
                "a display token only reads the board and the queues",
                "Mã của bảng hiển thị chỉ được xem bảng và hàng chờ",
            ));
        }
        if auth.role == Role::Integration {
            return Err(integration_only());
        }
        Ok(auth)
    }
}

/// The token of `Authorization: Bearer TOKEN`, if the header is there.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    header.and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer "))).map(str::trim).filter(|t| !t.is_empty())
}

/// The demo tokens (with `--demo`), then the stored ones.
pub fn resolve_token(state: &SharedState, token: &str) -> Result<Option<(Role, String, String)>, AppError> {
    if state.config.demo {
        let role = match token {
            "demo-kiosk" => Some(Role::Kiosk),
            "demo-staff" => Some(Role::Staff),
            "demo-display" => Some(Role::Display),
            _ => None,
        };
        if let Some(role) = role {
            return Ok(Some((role, DEMO_CENTER.into(), token.into())));
        }
    }
    let conn = state.pool.get()?;
    Ok(crate::tokens::lookup(&conn, token)?)
}

/// A caller with the staff role.
#[derive(Debug, Clone)]
pub struct Staff(pub Auth);

impl FromRequestParts<SharedState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, AppError> {
        let auth = Auth::from_request_parts(parts, state).await?;
        if auth.role != Role::Staff {
            return Err(AppError::msg(
                ErrorCode::Forbidden,
                "this endpoint is for counter staff; a kiosk token may not use it",
                "Chức năng này chỉ dành cho cán bộ tại quầy",
            ));
        }
        Ok(Staff(auth))
    }
}

/// The refusal of an integration token anywhere but the batch endpoint.
pub fn integration_only() -> AppError {
    AppError::msg(
        ErrorCode::Forbidden,
        "an integration token may only push dossiers (POST /api/v1/dossiers/batch)",
        "Mã tích hợp chỉ được gửi hồ sơ (POST /api/v1/dossiers/batch)",
    )
}

/// A caller with the integration role: the province's one-stop system pushing dossiers.
#[derive(Debug, Clone)]
pub struct Integration(pub Auth);

impl FromRequestParts<SharedState> for Integration {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, AppError> {
        let auth = identify(parts, state)?;
        if auth.role != Role::Integration {
            return Err(AppError::msg(
                ErrorCode::Forbidden,
                "this endpoint is for an integration token (motcua-central token create --role integration)",
                "Chức năng này chỉ dành cho mã tích hợp",
            ));
        }
        Ok(Integration(auth))
    }
}

/// A JSON body whose problems are API errors (`invalid_request`, `payload_too_large`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(r: &JsonRejection) -> AppError {
    if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::msg(ErrorCode::PayloadTooLarge, "the request body is larger than 64 KiB", "Dữ liệu gửi lên vượt quá 64 KiB");
    }
    let detail = r.body_text();
    AppError::invalid(format!("invalid request body: {detail}"), format!("Dữ liệu gửi lên không hợp lệ: {detail}"))
}

/// The `Idempotency-Key` header: 1 to 128 visible ASCII characters.
pub struct IdempotencyKey(pub String);

fn missing_key() -> AppError {
    AppError::invalid(
        "an Idempotency-Key header (1-128 visible ASCII characters, e.g. a UUID) is required",
        "Thiếu tiêu đề Idempotency-Key",
    )
}

/// The `Idempotency-Key` of a request that may go without one (a rating from
/// an older kiosk): `Ok(None)` when absent, `invalid_request` when malformed.
pub fn optional_idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let key = value.to_str().ok().map(str::trim).filter(|k| (1..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
    key.map(|k| Some(k.to_string())).ok_or_else(missing_key)
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        optional_idempotency_key(&parts.headers)?.map(Self).ok_or_else(missing_key)
    }
}
