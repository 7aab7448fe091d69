//! Who is calling, for the staff half: an officer (a signed-in session, or a
//! staff bearer token for integrations) and a viewer (a lobby board with a
//! display token, a kiosk, or staff).
//!
//! A session cookie alone never changes anything: every request that is not
//! a read must carry the session's CSRF token in `X-CSRF-Token` (fetches) or
//! a `csrf` form field (plain forms), else it is refused with 403
//! `csrf_failed`. The cookie is `HttpOnly` and `SameSite=Strict`, `Secure`
//! when the server's public URL is https.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use motcua_domain::ErrorCode;

use super::extract::{Staff, bearer, resolve_token};
use crate::accounts::{self, Session};
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::state::SharedState;
use crate::tokens::Role;
use crate::writer::Actor;

/// The staff session cookie.
pub const SESSION_COOKIE: &str = "motcua_session";
/// The lobby board's display token, kept after `?token=` was given once.
pub const DISPLAY_COOKIE: &str = "motcua_display";
/// The sign-in form's CSRF cookie (before there is a session).
pub const LOGIN_COOKIE: &str = "motcua_login";
/// The header fetches carry the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of a cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, `Path=/`, `Secure` on https.
pub fn set_cookie(state: &SharedState, name: &str, value: &str, max_age_s: i64) -> String {
    let secure = if state.config.public_url.starts_with("https://") { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", max_age_s.max(0))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The live session of a request's cookie.
pub fn current_session(state: &SharedState, headers: &HeaderMap) -> Result<Option<Session>, AppError> {
    let Some(value) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let conn = state.pool.get()?;
    accounts::session(&conn, &value, state.clock.now())
}

fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Someone who may act at counters.
#[derive(Debug, Clone)]
pub struct Officer {
    /// The center.
    pub center: String,
    /// Name and allowed counters.
    pub actor: Actor,
    /// The session, when signed in (not a bearer token).
    pub session: Option<Session>,
}

impl Officer {
    /// The catalog of the officer's center.
    pub fn catalog(&self, state: &SharedState) -> Result<Arc<CenterCatalog>, AppError> {
        center_catalog(state, &self.center)
    }
}

/// The catalog of a center, or `forbidden` when the server has none.
pub fn center_catalog(state: &SharedState, center: &str) -> Result<Arc<CenterCatalog>, AppError> {
    state.catalogs.fresh().center(center).cloned().ok_or_else(|| {
        AppError::msg(
            ErrorCode::Forbidden,
            format!("center {center} has no catalog on this server"),
            format!("Trung tâm {center} chưa có danh mục trên máy chủ"),
        )
    })
}

impl FromRequestParts<SharedState> for Officer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, AppError> {
        if bearer(parts).is_some() {
            let Staff(auth) = Staff::from_request_parts(parts, state).await?;
            return Ok(Officer { center: auth.center, actor: Actor { name: auth.name, counters: None }, session: None });
        }
        let session = current_session(state, &parts.headers)?.ok_or_else(|| AppError::code(ErrorCode::Unauthorized))?;
        if !is_read(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !same_secret(sent, &session.csrf) {
                tracing::warn!(user = %session.account.username, path = %parts.uri.path(), "change refused: missing or wrong CSRF token");
                return Err(AppError::code(ErrorCode::CsrfFailed));
            }
        }
        let actor = Actor { name: session.account.username.clone(), counters: session.account.allowed_counters() };
        Ok(Officer { center: session.account.center.clone(), actor, session: Some(session) })
    }
}

/// Who may read the queues, the board and the calls: any token of the
/// center (display included), a signed-in staff member, or a board's cookie.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The center.
    pub center: String,
    /// A board (display token), which may also fetch announcements.
    pub display: bool,
    /// A staff member or staff token.
    pub staff: bool,
}

impl Viewer {
    /// The catalog of the viewer's center.
    pub fn catalog(&self, state: &SharedState) -> Result<Arc<CenterCatalog>, AppError> {
        center_catalog(state, &self.center)
    }
}

impl FromRequestParts<SharedState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, AppError> {
        let token = bearer(parts).map(str::to_string).or_else(|| cookie(&parts.headers, DISPLAY_COOKIE));
        if let Some(token) = token {
            let (role, center, _) = resolve_token(state, &token)?.ok_or_else(|| AppError::code(ErrorCode::Unauthorized))?;
            if role == Role::Integration {
                return Err(super::extract::integration_only());
            }
            return Ok(Viewer { center, display: role == Role::Display, staff: role == Role::Staff });
        }
        let session = current_session(state, &parts.headers)?.ok_or_else(|| AppError::code(ErrorCode::Unauthorized))?;
        Ok(Viewer { center: session.account.center, display: false, staff: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; motcua_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, DISPLAY_COOKIE), None);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "x"));
    }
}
