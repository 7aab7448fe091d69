//! Server-rendered pages for people who are not at the kiosk: the staff
//! sign-in, the counter console (`/quay`) and the lobby board
//! (`/bang-hien-thi`). Templates are compiled (askama, auto-escaped); the
//! scripts and styles are embedded in the binary, so one file is installed.

mod assets;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use motcua_domain::ErrorCode;
use serde::{Deserialize, Serialize};

use super::session::{DISPLAY_COOKIE, LOGIN_COOKIE, SESSION_COOKIE, cookie, current_session, same_secret, set_cookie};
use crate::accounts::{self, Attempt};
use crate::error::AppError;
use crate::state::SharedState;
use crate::tokens::Role;

/// The pages and their assets.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/dang-nhap", get(login_page).post(login))
        .route("/dang-xuat", axum::routing::post(logout))
        .route("/quay", get(console_page))
        .route("/bang-hien-thi", get(board_page))
        .route("/assets/{name}", get(assets::asset))
}

/// `?lang=en` and friends.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    center: Option<String>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    layout: Option<String>,
}

fn english(q: &PageQuery) -> bool {
    q.lang.as_deref() == Some("en")
}

fn html(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(body) => {
            (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body).into_response()
        }
        Err(e) => AppError::Internal(format!("template: {e}")).into_response(),
    }
}

/// JSON for a `<script type="application/json">` block: `<`, `>` and `&`
/// escaped so no text can close the element.
fn script_json(v: &impl Serialize) -> Result<String, AppError> {
    Ok(serde_json::to_string(v)?.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"))
}

struct LoginWords {
    title: &'static str,
    subtitle: &'static str,
    username: &'static str,
    password: &'static str,
    submit: &'static str,
    switch: &'static str,
    switch_href: &'static str,
}

const LOGIN_VI: LoginWords = LoginWords {
    title: "Đăng nhập cán bộ",
    subtitle: "Bàn làm việc tại quầy và báo cáo của Trung tâm Phục vụ hành chính công",
    username: "Tên đăng nhập",
    password: "Mật khẩu",
    submit: "Đăng nhập",
    switch: "English",
    switch_href: "/dang-nhap?lang=en",
};

const LOGIN_EN: LoginWords = LoginWords {
    title: "Staff sign-in",
    subtitle: "Counter console and reports of the Public Administration Service Center",
    username: "User name",
    password: "Password",
    submit: "Sign in",
    switch: "Tiếng Việt",
    switch_href: "/dang-nhap?lang=vi",
};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: &'static str,
    t: &'static LoginWords,
    csrf: String,
    username: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    lang: &'static str,
    title: String,
    text: String,
    link: Option<(String, String)>,
}

fn login_response(state: &SharedState, en: bool, status: StatusCode, username: String, error: Option<String>) -> Response {
    let csrf = crate::tickets::new_token();
    let page =
        LoginPage { lang: if en { "en" } else { "vi" }, t: if en { &LOGIN_EN } else { &LOGIN_VI }, csrf: csrf.clone(), username, error };
    let mut resp = html(status, &page);
    if let Ok(v) = HeaderValue::from_str(&set_cookie(state, LOGIN_COOKIE, &csrf, 3600)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// `GET /dang-nhap`: the sign-in form (already signed in: the console).
async fn login_page(State(state): State<SharedState>, Query(q): Query<PageQuery>, headers: HeaderMap) -> Response {
    if let Ok(Some(_)) = current_session(&state, &headers) {
        return Redirect::to("/quay").into_response();
    }
    login_response(&state, english(&q), StatusCode::OK, String::new(), None)
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /dang-nhap`: checks the password outside the writer (Argon2 is slow
/// on purpose), then records the failure or starts the session through it.
async fn login(State(state): State<SharedState>, Query(q): Query<PageQuery>, headers: HeaderMap, Form(form): Form<LoginForm>) -> Response {
    let en = english(&q);
    let pick = |code: ErrorCode| if en { code.message_en().to_string() } else { code.message_vi().to_string() };
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&form.csrf, &expected) {
        tracing::warn!("sign-in refused: the form's CSRF token does not match its cookie");
        return login_response(&state, en, StatusCode::FORBIDDEN, form.username, Some(pick(ErrorCode::CsrfFailed)));
    }
    let username = form.username.trim().to_string();
    let now = state.clock.now();
    let attempt = {
        let state = state.clone();
        let (u, p) = (username.clone(), form.password);
        tokio::task::spawn_blocking(move || {
            let conn = state.pool.get()?;
            accounts::check(&conn, &u, &p, now)
        })
        .await
    };
    let attempt = match attempt {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return e.into_response(),
        Err(e) => return AppError::Internal(format!("sign-in task: {e}")).into_response(),
    };
    match attempt {
        Attempt::Good(account) => {
            let Some(cat) = state.catalogs.fresh().center(&account.center).cloned() else {
                return AppError::msg(
                    ErrorCode::Forbidden,
                    "this account's center has no catalog",
                    "Trung tâm của tài khoản chưa có danh mục",
                )
                .into_response();
            };
            let expires = match accounts::next_midnight(now, &cat.tz) {
                Ok(t) => t,
                Err(e) => return e.into_response(),
            };
            let acc = account.clone();
            let started = state.writer.exec(move |tx, now| accounts::start_session(tx, &acc, expires, now)).await;
            match started {
                Ok(s) => {
                    tracing::info!(user = %account.username, center = %account.center, "signed in");
                    let max_age = (expires.as_second() - now.as_second()).max(60);
                    let mut resp = Redirect::to(if en { "/quay?lang=en" } else { "/quay" }).into_response();
                    for v in [set_cookie(&state, SESSION_COOKIE, &s.cookie, max_age), set_cookie(&state, LOGIN_COOKIE, "", 0)] {
                        if let Ok(v) = HeaderValue::from_str(&v) {
                            resp.headers_mut().append(header::SET_COOKIE, v);
                        }
                    }
                    resp
                }
                Err(e) => e.into_response(),
            }
        }
        Attempt::Bad(account) => {
            let acc = account.clone();
            let locked = state.writer.exec(move |tx, now| accounts::record_failure(tx, &acc, now)).await;
            match locked {
                Ok(Some(until)) => {
                    tracing::warn!(user = %account.username, until = %until, "account locked after {} wrong passwords", accounts::MAX_FAILED);
                    login_response(&state, en, StatusCode::LOCKED, username, Some(pick(ErrorCode::AccountLocked)))
                }
                Ok(None) => {
                    tracing::info!(user = %account.username, "wrong password");
                    login_response(&state, en, StatusCode::UNAUTHORIZED, username, Some(pick(ErrorCode::InvalidCredentials)))
                }
                Err(e) => e.into_response(),
            }
        }
        Attempt::Locked(_) => {
            tracing::warn!(user = %username, "sign-in to a locked account refused");
            login_response(&state, en, StatusCode::LOCKED, username, Some(pick(ErrorCode::AccountLocked)))
        }
        Attempt::Unknown => {
            tracing::info!(user = %username, "sign-in with an unknown or disabled user name");
            login_response(&state, en, StatusCode::UNAUTHORIZED, username, Some(pick(ErrorCode::InvalidCredentials)))
        }
    }
}

/// The sign-out form.
#[derive(Debug, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /dang-xuat`: ends the session (with its CSRF token).
async fn logout(State(state): State<SharedState>, headers: HeaderMap, Form(form): Form<CsrfForm>) -> Response {
    let session = match current_session(&state, &headers) {
        Ok(Some(s)) => s,
        Ok(None) => return Redirect::to("/dang-nhap").into_response(),
        Err(e) => return e.into_response(),
    };
    if !same_secret(&form.csrf, &session.csrf) {
        tracing::warn!(user = %session.account.username, "sign-out refused: missing or wrong CSRF token");
        return AppError::code(ErrorCode::CsrfFailed).into_response();
    }
    if let Some(value) = cookie(&headers, SESSION_COOKIE)
        && let Err(e) = state.writer.exec(move |tx, _| accounts::end_session(tx, &value)).await
    {
        return e.into_response();
    }
    tracing::info!(user = %session.account.username, "signed out");
    let mut resp = Redirect::to("/dang-nhap").into_response();
    if let Ok(v) = HeaderValue::from_str(&set_cookie(&state, SESSION_COOKIE, "", 0)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

struct ConsoleWords {
    title: &'static str,
    sign_out: &'static str,
    loading: &'static str,
    noscript: &'static str,
}

const CONSOLE_VI: ConsoleWords =
    ConsoleWords {
        title: "Bàn làm việc tại quầy", sign_out: "Đăng xuất", loading: "Đang tải…", noscript: "Trang này cần JavaScript."
    };
const CONSOLE_EN: ConsoleWords =
    ConsoleWords { title: "Counter console", sign_out: "Sign out", loading: "Loading…", noscript: "This page needs JavaScript." };

#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage {
    lang: &'static str,
    t: &'static ConsoleWords,
    csrf: String,
    username: String,
    center_name: String,
    config: String,
}

#[derive(Serialize)]
struct CounterChoice {
    id: String,
    number: u32,
    name: String,
}

#[derive(Serialize)]
struct ServiceChoice {
    id: String,
    letter: String,
    name: String,
}

#[derive(Serialize)]
struct ConsoleConfig {
    csrf: String,
    username: String,
    role: &'static str,
    center: String,
    lang: &'static str,
    /// The center's time zone (times are shown in it).
    time_zone: String,
    /// The counters this account may use.
    counters: Vec<CounterChoice>,
    /// Every counter of the center (transfer targets).
    all_counters: Vec<CounterChoice>,
    /// Every service of the center (transfer targets).
    services: Vec<ServiceChoice>,
}

/// `GET /quay`: the counter console (signed in), else the sign-in page.
async fn console_page(State(state): State<SharedState>, Query(q): Query<PageQuery>, headers: HeaderMap) -> Response {
    let en = english(&q);
    let session = match current_session(&state, &headers) {
        Ok(Some(s)) => s,
        Ok(None) => return Redirect::to(if en { "/dang-nhap?lang=en" } else { "/dang-nhap" }).into_response(),
        Err(e) => return e.into_response(),
    };
    let Some(cat) = state.catalogs.fresh().center(&session.account.center).cloned() else {
        return AppError::msg(ErrorCode::Forbidden, "this account's center has no catalog", "Trung tâm của tài khoản chưa có danh mục")
            .into_response();
    };
    let allowed = session.account.allowed_counters();
    let choice = |c: &motcua_domain::Counter| CounterChoice {
        id: c.id.clone(),
        number: c.number,
        name: if en { c.name_en.clone().unwrap_or_else(|| c.name.clone()) } else { c.name.clone() },
    };
    let config = ConsoleConfig {
        csrf: session.csrf.clone(),
        username: session.account.username.clone(),
        role: session.account.role.as_str(),
        center: cat.center().id.clone(),
        lang: if en { "en" } else { "vi" },
        time_zone: cat.center().time_zone.clone(),
        counters: cat.catalog.counters.iter().filter(|c| allowed.as_ref().is_none_or(|a| a.contains(&c.id))).map(choice).collect(),
        all_counters: cat.catalog.counters.iter().map(choice).collect(),
        services: cat
            .catalog
            .services
            .iter()
            .map(|s| ServiceChoice {
                id: s.id.clone(),
                letter: s.letter.clone(),
                name: if en { s.name_en.clone().unwrap_or_else(|| s.name.clone()) } else { s.name.clone() },
            })
            .collect(),
    };
    let config = match script_json(&config) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let center_name =
        if en { cat.center().name_en.clone().unwrap_or_else(|| cat.center().name.clone()) } else { cat.center().name.clone() };
    let page = ConsolePage {
        lang: if en { "en" } else { "vi" },
        t: if en { &CONSOLE_EN } else { &CONSOLE_VI },
        csrf: session.csrf,
        username: session.account.username,
        center_name,
        config,
    };
    html(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    lang: &'static str,
    center_name: String,
    layout: &'static str,
    config: String,
}

#[derive(Serialize)]
struct BoardConfig {
    center: String,
    layout: &'static str,
    lang: &'static str,
    /// The center's time zone (the clock shows it).
    time_zone: String,
}

fn message(status: StatusCode, en: bool, title_vi: &str, title_en: &str, text_vi: &str, text_en: &str) -> Response {
    let page = MessagePage {
        lang: if en { "en" } else { "vi" },
        title: if en { title_en } else { title_vi }.to_string(),
        text: if en { text_en } else { text_vi }.to_string(),
        link: None,
    };
    html(status, &page)
}

/// `GET /bang-hien-thi?center=ID[&token=T][&layout=portrait]`: the lobby
/// board. A display token given once in the URL is kept in a cookie and the
/// address is cleaned of it.
async fn board_page(State(state): State<SharedState>, Query(q): Query<PageQuery>, headers: HeaderMap) -> Response {
    let en = english(&q);
    let portrait = q.layout.as_deref() == Some("portrait");
    if let Some(token) = q.token.as_deref().filter(|t| !t.is_empty()) {
        let found = match super::extract::resolve_token(&state, token) {
            Ok(f) => f,
            Err(e) => return e.into_response(),
        };
        let Some((Role::Display | Role::Staff, center, _)) = found else {
            return message(
                StatusCode::UNAUTHORIZED,
                en,
                "Mã hiển thị không hợp lệ",
                "Invalid display token",
                "Mã trong địa chỉ không phải mã của bảng hiển thị (hoặc đã bị thu hồi). Vui lòng báo cán bộ kỹ thuật tạo mã mới: motcua-central token create --role display.",
                "The token in the address is not a display token (or was revoked). Ask IT for a new one: motcua-central token create --role display.",
            );
        };
        let mut clean = format!("/bang-hien-thi?center={center}");
        if portrait {
            clean.push_str("&layout=portrait");
        }
        if en {
            clean.push_str("&lang=en");
        }
        let mut resp = Redirect::to(&clean).into_response();
        if let Ok(v) = HeaderValue::from_str(&set_cookie(&state, DISPLAY_COOKIE, token, 400 * 24 * 3600)) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
        return resp;
    }
    let mut parts = axum::http::Request::new(()).into_parts().0;
    parts.headers = headers;
    let viewer =
        match <super::session::Viewer as axum::extract::FromRequestParts<SharedState>>::from_request_parts(&mut parts, &state).await {
            Ok(v) => v,
            Err(_) => {
                return message(
                    StatusCode::UNAUTHORIZED,
                    en,
                    "Cần mã hiển thị",
                    "A display token is needed",
                    "Mở bảng một lần với địa chỉ /bang-hien-thi?center=MÃ-TRUNG-TÂM&token=MÃ-HIỂN-THỊ; bảng sẽ ghi nhớ mã.",
                    "Open the board once as /bang-hien-thi?center=CENTER-ID&token=DISPLAY-TOKEN; it remembers the token.",
                );
            }
        };
    if q.center.as_deref().is_some_and(|c| c != viewer.center) {
        return message(
            StatusCode::FORBIDDEN,
            en,
            "Sai trung tâm",
            "Wrong center",
            "Mã hiển thị này thuộc trung tâm khác.",
            "This display token belongs to another center.",
        );
    }
    let cat = match viewer.catalog(&state) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let config = BoardConfig {
        center: viewer.center.clone(),
        layout: if portrait { "portrait" } else { "landscape" },
        lang: if en { "en" } else { "vi" },
        time_zone: cat.center().time_zone.clone(),
    };
    let config = match script_json(&config) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let page = BoardPage {
        lang: if en { "en" } else { "vi" },
        center_name: cat.center().name.clone(),
        layout: if portrait { "portrait" } else { "landscape" },
        config,
    };
    html(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element() {
        let s = script_json(&serde_json::json!({"name": "</script><script>alert(1)</script> & co"})).unwrap();
        assert!(!s.contains("</script>"));
        assert!(!s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & co");
    }
}
