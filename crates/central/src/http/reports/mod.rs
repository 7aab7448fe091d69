//! The director's reports: the page `/bao-cao` (today live, a period's
//! charts with their numbers beside them), its live panel
//! `/bao-cao/hom-nay`, the exports `/bao-cao/xuat.xlsx` and
//! `/bao-cao/xuat.csv` with the page's own query (`from`, `to` as
//! `YYYY-MM-DD`, `center`, `service`, `counter`, `officer`, `lang`), and the
//! monthly PDF `/bao-cao/thang.pdf?month=YYYY-MM`.
//!
//! A signed-in director sees their center and the centers below it; an
//! officer sees only the counters their account may use, and no dossiers.
//! The pages work under the server's strict Content-Security-Policy
//! (`http::security`): scripts, styles and fonts from the server only,
//! nothing inline.

mod view;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jiff::ToSpan;
use jiff::civil::Date;
use motcua_domain::ErrorCode;
use serde::Deserialize;

use self::view::{EN, Section, TableView, Tile, TodayView, VI, Words};
use super::query_value;
use super::session::current_session;
use crate::accounts::{Session, StaffRole};
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::reports::report::{self, Period, Scope, monday_of, same_weekdays};
use crate::reports::{self as reports_core, export, pdf, tables};
use crate::state::SharedState;
use crate::tickets::local_day;

/// The report routes.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/bao-cao", get(page))
        .route("/bao-cao/hom-nay", get(today_panel))
        .route("/bao-cao/xuat.xlsx", get(xlsx))
        .route("/bao-cao/xuat.csv", get(csv))
        .route("/bao-cao/thang.pdf", get(monthly_pdf))
}

/// The page's query; empty values count as absent.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    center: Option<String>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    counter: Option<String>,
    #[serde(default)]
    officer: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    month: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ReportQuery {
    fn en(&self) -> bool {
        given(&self.lang) == Some("en")
    }
}

/// Who asks, about what.
struct Ctx {
    session: Session,
    cat: Arc<CenterCatalog>,
    centers: Vec<Arc<CenterCatalog>>,
    scope: Scope,
    period: Period,
    en: bool,
}

impl Ctx {
    fn officer_account(&self) -> bool {
        self.session.account.role == StaffRole::Officer
    }
}

/// The centers an account may report on: its own, and for a director every
/// center below it (a provincial director sees the district centers).
fn visible_centers(state: &SharedState, session: &Session) -> Vec<Arc<CenterCatalog>> {
    let cats = state.catalogs.fresh();
    let own = &session.account.center;
    let below = |id: &str| {
        let mut cur = cats.center(id).and_then(|c| c.center().parent.clone());
        let mut hops = 0;
        while let Some(p) = cur {
            if &p == own {
                return true;
            }
            hops += 1;
            if hops > 16 {
                break;
            }
            cur = cats.center(&p).and_then(|c| c.center().parent.clone());
        }
        false
    };
    let mut out: Vec<Arc<CenterCatalog>> = cats
        .centers
        .values()
        .filter(|c| c.center().id == *own || (session.account.role == StaffRole::Director && below(&c.center().id)))
        .cloned()
        .collect();
    out.sort_by_key(|c| (c.center().id != *own, c.center().name.clone()));
    out
}

fn resolve(state: &SharedState, session: Session, q: &ReportQuery) -> Result<Ctx, AppError> {
    let en = q.en();
    let centers = visible_centers(state, &session);
    let cat = match given(&q.center) {
        Some(id) => centers.iter().find(|c| c.center().id == id).cloned().ok_or_else(|| {
            AppError::msg(
                ErrorCode::Forbidden,
                format!("this account may not see the reports of center {id}"),
                format!("Tài khoản này không được xem báo cáo của trung tâm {id}"),
            )
        })?,
        None => centers.first().cloned().ok_or_else(|| {
            AppError::msg(ErrorCode::Forbidden, "this account's center has no catalog", "Trung tâm của tài khoản chưa có danh mục")
        })?,
    };
    let today = local_day(&cat, state.clock.now());
    let from = given(&q.from).map(|s| report::parse_day("from", s)).transpose()?;
    let to = given(&q.to).map(|s| report::parse_day("to", s)).transpose()?;
    let period = match (from, to) {
        (Some(f), Some(t)) => Period::new(f, t)?,
        (Some(f), None) => Period::new(f, f)?,
        (None, Some(t)) => Period::new(t, t)?,
        (None, None) => Period::new(today.first_of_month(), today)?,
    };
    let service = match given(&q.service) {
        Some(s) => Some(
            cat.service(s)
                .ok_or_else(|| {
                    AppError::msg(
                        ErrorCode::ServiceNotFound,
                        format!("center {} has no service {s}", cat.center().id),
                        format!("Trung tâm {} không có dịch vụ {s}", cat.center().id),
                    )
                })?
                .id
                .clone(),
        ),
        None => None,
    };
    let counter = match given(&q.counter) {
        Some(c) => Some(
            cat.catalog
                .counters
                .iter()
                .find(|x| x.id == c || c.parse::<u32>().is_ok_and(|n| n == x.number))
                .map(|x| x.id.clone())
                .ok_or_else(|| {
                    AppError::msg(
                        ErrorCode::CounterNotFound,
                        format!("center {} has no counter {c}", cat.center().id),
                        format!("Trung tâm {} không có quầy {c}", cat.center().id),
                    )
                })?,
        ),
        None => None,
    };
    let officer = given(&q.officer).map(str::to_string);
    let account = &session.account;
    let counters = match (account.role, account.allowed_counters(), counter) {
        (StaffRole::Officer, Some(allowed), Some(c)) if !allowed.contains(&c) => return Err(AppError::code(ErrorCode::CounterNotAssigned)),
        (StaffRole::Officer, Some(allowed), None) => Some(allowed),
        (_, _, c) => c.map(|c| vec![c]),
    };
    if account.role == StaffRole::Officer && officer.as_ref().is_some_and(|o| *o != account.username) {
        return Err(AppError::msg(
            ErrorCode::Forbidden,
            "an officer sees only their own figures",
            "Tài khoản cán bộ chỉ xem được số liệu của chính mình",
        ));
    }
    let scope = Scope { center: cat.center().id.clone(), service, counters, officer, dossiers: account.role == StaffRole::Director };
    Ok(Ctx { session, cat, centers, scope, period, en })
}

/// The session, or what to answer without one.
fn session_or(state: &SharedState, headers: &HeaderMap) -> Result<Option<Session>, AppError> {
    current_session(state, headers)
}

/// A snapshot of the counters' live state from the queue index.
/// Paused counters, and the number each counter serves.
type CounterLive = (HashMap<String, bool>, HashMap<String, String>);

fn counter_state(state: &SharedState) -> Result<CounterLive, AppError> {
    let index = state.index.read().map_err(|_| AppError::Internal("queue index poisoned".into()))?;
    let cats = state.catalogs.fresh();
    let (mut paused, mut serving) = (HashMap::new(), HashMap::new());
    for cat in cats.centers.values() {
        for c in &cat.catalog.counters {
            paused.insert(c.id.clone(), index.is_paused(&c.id));
            if let Some(s) = index.serving(&c.id) {
                serving.insert(c.id.clone(), s.number.clone());
            }
        }
    }
    Ok((paused, serving))
}

/// A read connection set up for reports: reads a year of pages through a
/// memory map and a larger cache instead of one system call per page.
fn report_conn(state: &SharedState) -> Result<crate::db::PooledConn<'_>, AppError> {
    let conn = state.pool.get()?;
    conn.execute_batch("PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;")?;
    Ok(conn)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(format!("report task: {e}")))?
}

/// Builds the period's report (summaries prepared first).
async fn period_report(state: &SharedState, ctx: &Ctx) -> Result<report::Report, AppError> {
    let today = local_day(&ctx.cat, state.clock.now());
    reports_core::prepare(state, &ctx.cat, ctx.period.days_until(today)).await?;
    let (state2, cat, scope, period) = (state.clone(), ctx.cat.clone(), ctx.scope.clone(), ctx.period);
    blocking(move || {
        let conn = report_conn(&state2)?;
        report::build(&conn, &cat, &scope, period, state2.clock.now())
    })
    .await
}

async fn today_view(state: &SharedState, ctx: &Ctx) -> Result<TodayView, AppError> {
    let today = local_day(&ctx.cat, state.clock.now());
    reports_core::prepare(state, &ctx.cat, same_weekdays(today)).await?;
    let (paused, serving) = counter_state(state)?;
    let (state2, cat, scope) = (state.clone(), ctx.cat.clone(), ctx.scope.clone());
    let td = blocking(move || {
        let conn = report_conn(&state2)?;
        report::today(&conn, &cat, &scope, state2.clock.now(), &|c| paused.get(c).copied().unwrap_or(false), &|c| serving.get(c).cloned())
    })
    .await?;
    Ok(view::today_view(&td, &ctx.cat, ctx.en, words(ctx.en)))
}

fn words(en: bool) -> &'static Words {
    if en { &EN } else { &VI }
}

fn html_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body).into_response()
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    lang: &'static str,
    title: String,
    text: String,
    link: Option<(String, String)>,
}

/// A refusal as a page a director can act on (the code stays in the title).
fn error_page(e: AppError, en: bool) -> Response {
    let Some(api) = e.api() else { return e.into_response() };
    let status = StatusCode::from_u16(api.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let page = MessagePage {
        lang: if en { "en" } else { "vi" },
        title: if en {
            format!("The report cannot be shown ({})", api.code.as_str())
        } else {
            format!("Không xem được báo cáo ({})", api.code.as_str())
        },
        text: if en { api.message.clone() } else { api.message_vi.clone() },
        link: Some((
            if en { "/bao-cao?lang=en" } else { "/bao-cao" }.into(),
            if en { "Back to the reports" } else { "Về trang báo cáo" }.into(),
        )),
    };
    match page.render() {
        Ok(body) => html_response(status, body),
        Err(err) => AppError::Internal(format!("template: {err}")).into_response(),
    }
}

/// A query string of the page's parameters with some replaced.
fn href(path: &str, ctx: &Ctx, from: Date, to: Date, extra: &[(&str, String)]) -> String {
    let mut pairs: Vec<(&str, String)> = vec![("from", from.to_string()), ("to", to.to_string())];
    if ctx.centers.len() > 1 || ctx.cat.center().id != ctx.session.account.center {
        pairs.push(("center", ctx.scope.center.clone()));
    }
    if let Some(s) = &ctx.scope.service {
        pairs.push(("service", s.clone()));
    }
    if let (Some(c), false) = (&ctx.scope.counters, ctx.officer_account())
        && let Some(first) = c.first()
    {
        pairs.push(("counter", first.clone()));
    }
    if let Some(o) = &ctx.scope.officer {
        pairs.push(("officer", o.clone()));
    }
    if ctx.en {
        pairs.push(("lang", "en".into()));
    }
    for (k, v) in extra {
        pairs.retain(|(p, _)| p != k);
        if !v.is_empty() {
            pairs.push((k, v.clone()));
        }
    }
    let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", query_value(v))).collect();
    format!("{path}?{}", q.join("&"))
}

struct Link {
    href: String,
    label: String,
    active: bool,
}

struct Opt {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "reports_today.html")]
struct TodayPanel<'a> {
    td: &'a TodayView,
    w: &'static Words,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    lang: &'static str,
    w: &'static Words,
    csrf: String,
    username: String,
    center_name: String,
    console_href: &'static str,
    lang_href: String,
    lang_label: &'static str,
    officer_account: bool,
    today_html: String,
    today_href: String,
    period_label: String,
    quick: Vec<Link>,
    from: String,
    to: String,
    centers: Vec<Opt>,
    services: Vec<Opt>,
    counters: Vec<Opt>,
    officers: Vec<Opt>,
    prev_href: String,
    next_href: String,
    xlsx_href: String,
    csv_href: String,
    pdf_href: Option<String>,
    tiles: Vec<Tile>,
    summary: TableView,
    sections: Vec<Section>,
    generated: String,
}

/// The quick periods: today, yesterday, this and last week, this and last month, this year.
fn quick_periods(today: Date) -> [(Date, Date); 7] {
    let d = |s: jiff::Span| today.checked_add(s).unwrap_or(today);
    let monday = monday_of(today);
    let last_month_end = today.first_of_month().yesterday().unwrap_or(today);
    let week = |m: Date| (m, m.checked_add(6.days()).unwrap_or(m));
    [
        (today, today),
        (d((-1).days()), d((-1).days())),
        week(monday),
        week(monday.checked_sub(7.days()).unwrap_or(monday)),
        (today.first_of_month(), today.last_of_month()),
        (last_month_end.first_of_month(), last_month_end),
        (today.first_of_year(), today.last_of_year()),
    ]
}

/// The period before and after: by month for a whole month, else by its length.
fn shifted(p: Period) -> (Period, Period) {
    if p.is_month() {
        let prev = p.from.yesterday().unwrap_or(p.from).first_of_month();
        let next = p.to.tomorrow().unwrap_or(p.to);
        return (Period { from: prev, to: prev.last_of_month() }, Period { from: next, to: next.last_of_month() });
    }
    let n = i64::from(p.len());
    let by = |d: Date, k: i64| d.checked_add(k.days()).unwrap_or(d);
    (Period { from: by(p.from, -n), to: by(p.to, -n) }, Period { from: by(p.from, n), to: by(p.to, n) })
}

fn period_label(p: Period, en: bool) -> String {
    let f = |d: Date| if en { d.to_string() } else { d.strftime("%d/%m/%Y").to_string() };
    if p.is_month() {
        if en { p.from.strftime("%B %Y").to_string() } else { format!("Tháng {:02}/{}", p.from.month(), p.from.year()) }
    } else if p.from == p.to {
        f(p.from)
    } else {
        format!("{} – {}", f(p.from), f(p.to))
    }
}

/// `GET /bao-cao`.
async fn page(State(state): State<SharedState>, Query(q): Query<ReportQuery>, headers: HeaderMap) -> Response {
    let en = q.en();
    let session = match session_or(&state, &headers) {
        Ok(Some(s)) => s,
        Ok(None) => return Redirect::to(if en { "/dang-nhap?lang=en" } else { "/dang-nhap" }).into_response(),
        Err(e) => return e.into_response(),
    };
    match render_page(&state, session, &q).await {
        Ok(resp) => resp,
        Err(e) => error_page(e, en),
    }
}

async fn render_page(state: &SharedState, session: Session, q: &ReportQuery) -> Result<Response, AppError> {
    let ctx = resolve(state, session, q)?;
    let en = ctx.en;
    let w = words(en);
    let today_view = today_view(state, &ctx).await?;
    let report = period_report(state, &ctx).await?;
    let cat = &ctx.cat;
    let tables = tables::tables(&report, cat, en);
    let today_html = TodayPanel { td: &today_view, w }.render().map_err(|e| AppError::Internal(format!("template: {e}")))?;
    let today = local_day(cat, state.clock.now());
    let p = ctx.period;
    let quick = quick_periods(today)
        .iter()
        .zip(w.quick)
        .map(|((f, t), label)| Link { href: href("/bao-cao", &ctx, *f, *t, &[]), label: label.into(), active: *f == p.from && *t == p.to })
        .collect();
    let (prev, next) = shifted(p);
    let names = tables::Names::new(cat, en);
    let allowed = if ctx.officer_account() { ctx.session.account.allowed_counters() } else { None };
    let centers = ctx
        .centers
        .iter()
        .map(|c| Opt { value: c.center().id.clone(), label: tables::center_name(c, en), selected: c.center().id == cat.center().id })
        .collect();
    let services = cat
        .catalog
        .services
        .iter()
        .map(|s| Opt { value: s.id.clone(), label: names.service(&s.id), selected: ctx.scope.service.as_deref() == Some(&s.id) })
        .collect();
    let selected_counter =
        given(&q.counter).and_then(|c| ctx.scope.counters.as_ref().and_then(|l| l.first().cloned()).filter(|_| !c.is_empty()));
    let counters = cat
        .catalog
        .counters
        .iter()
        .filter(|c| allowed.as_ref().is_none_or(|a| a.contains(&c.id)))
        .map(|c| Opt { value: c.id.clone(), label: names.counter(&c.id), selected: selected_counter.as_deref() == Some(&c.id) })
        .collect();
    let mut officer_names: BTreeSet<String> = report.by_officer.iter().map(|l| l.key.clone()).collect();
    if ctx.officer_account() {
        officer_names.insert(ctx.session.account.username.clone());
    } else {
        let (state2, center, (f, t)) = (state.clone(), ctx.scope.center.clone(), (p.from, p.to));
        let more = blocking(move || {
            let conn = state2.pool.get()?;
            let mut stmt = conn.prepare_cached(
                "SELECT DISTINCT officer FROM report_tickets WHERE center = ?1 AND day BETWEEN ?2 AND ?3 AND officer <> ''",
            )?;
            let rows = stmt.query_map(rusqlite::params![center, f.to_string(), t.to_string()], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<Vec<String>, _>>().map_err(AppError::from)
        })
        .await?;
        officer_names.extend(more);
    }
    if let Some(o) = &ctx.scope.officer {
        officer_names.insert(o.clone());
    }
    let officers = officer_names
        .into_iter()
        .map(|o| Opt { selected: ctx.scope.officer.as_deref() == Some(o.as_str()), label: o.clone(), value: o })
        .collect();
    let month = if p.is_month() { p.from } else { p.to.first_of_month() };
    let pdf_href = (!ctx.officer_account()).then(|| {
        href(
            "/bao-cao/thang.pdf",
            &ctx,
            p.from,
            p.to,
            &[("from", String::new()), ("to", String::new()), ("month", month.strftime("%Y-%m").to_string())],
        )
    });
    let page = ReportsPage {
        lang: if en { "en" } else { "vi" },
        w,
        csrf: ctx.session.csrf.clone(),
        username: ctx.session.account.username.clone(),
        center_name: tables::center_name(cat, en),
        console_href: if en { "/quay?lang=en" } else { "/quay" },
        lang_href: href("/bao-cao", &ctx, p.from, p.to, &[("lang", if en { String::new() } else { "en".into() })]),
        lang_label: if en { "Tiếng Việt" } else { "English" },
        officer_account: ctx.officer_account(),
        today_html,
        today_href: href("/bao-cao/hom-nay", &ctx, p.from, p.to, &[("from", String::new()), ("to", String::new())]),
        period_label: period_label(p, en),
        quick,
        from: p.from.to_string(),
        to: p.to.to_string(),
        centers,
        services,
        counters,
        officers,
        prev_href: href("/bao-cao", &ctx, prev.from, prev.to, &[]),
        next_href: href("/bao-cao", &ctx, next.from, next.to, &[]),
        xlsx_href: href("/bao-cao/xuat.xlsx", &ctx, p.from, p.to, &[]),
        csv_href: href("/bao-cao/xuat.csv", &ctx, p.from, p.to, &[]),
        pdf_href,
        tiles: view::tiles(&report, en, w),
        summary: tables
            .first()
            .map(|t| view::table_view(t, en, usize::MAX, w))
            .ok_or_else(|| AppError::Internal("no summary table".into()))?,
        sections: view::sections(&report, &tables, cat, en, w),
        generated: report.now.to_zoned(cat.tz.clone()).strftime("%d/%m/%Y %H:%M:%S").to_string(),
    };
    let body = page.render().map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(html_response(StatusCode::OK, body))
}

/// `GET /bao-cao/hom-nay`: today's panel alone, for the page to refresh.
async fn today_panel(State(state): State<SharedState>, Query(q): Query<ReportQuery>, headers: HeaderMap) -> Response {
    let run = async {
        let session = session_or(&state, &headers)?.ok_or_else(|| AppError::code(ErrorCode::Unauthorized))?;
        let ctx = resolve(&state, session, &q)?;
        let td = today_view(&state, &ctx).await?;
        let body = TodayPanel { td: &td, w: words(ctx.en) }.render().map_err(|e| AppError::Internal(format!("template: {e}")))?;
        Ok::<_, AppError>(html_response(StatusCode::OK, body))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

fn download(content_type: &'static str, disposition: &str, filename: &str, body: Vec<u8>) -> Response {
    let mut resp = (StatusCode::OK, [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-store")], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"{filename}\"")) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

async fn export_tables(state: &SharedState, headers: &HeaderMap, q: &ReportQuery) -> Result<(Ctx, Vec<tables::Table>), AppError> {
    let session = session_or(state, headers)?.ok_or_else(|| AppError::code(ErrorCode::Unauthorized))?;
    let ctx = resolve(state, session, q)?;
    let report = period_report(state, &ctx).await?;
    let tables = tables::tables(&report, &ctx.cat, ctx.en);
    Ok((ctx, tables))
}

fn file_stem(ctx: &Ctx) -> String {
    format!("bao-cao-{}-{}-{}", ctx.scope.center, ctx.period.from, ctx.period.to)
}

/// `GET /bao-cao/xuat.xlsx`: the page's tables, one sheet each.
async fn xlsx(State(state): State<SharedState>, Query(q): Query<ReportQuery>, headers: HeaderMap) -> Response {
    let run = async {
        let (ctx, tables) = export_tables(&state, &headers, &q).await?;
        let en = ctx.en;
        let bytes = blocking(move || export::xlsx(&tables, en)).await?;
        Ok::<_, AppError>(download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "attachment",
            &format!("{}.xlsx", file_stem(&ctx)),
            bytes,
        ))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /bao-cao/xuat.csv`: the page's tables, one block each.
async fn csv(State(state): State<SharedState>, Query(q): Query<ReportQuery>, headers: HeaderMap) -> Response {
    let run = async {
        let (ctx, tables) = export_tables(&state, &headers, &q).await?;
        let bytes = export::csv(&tables, ctx.en)?;
        Ok::<_, AppError>(download("text/csv; charset=utf-8", "attachment", &format!("{}.csv", file_stem(&ctx)), bytes))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /bao-cao/thang.pdf?month=YYYY-MM`: the month on one A4 page (directors).
async fn monthly_pdf(State(state): State<SharedState>, Query(q): Query<ReportQuery>, headers: HeaderMap) -> Response {
    let run = async {
        let session = session_or(&state, &headers)?.ok_or_else(|| AppError::code(ErrorCode::Unauthorized))?;
        if session.account.role != StaffRole::Director {
            return Err(AppError::msg(
                ErrorCode::Forbidden,
                "the monthly report is for the center's director",
                "Báo cáo tháng dành cho lãnh đạo trung tâm",
            ));
        }
        let mut q = q.clone();
        let month = match given(&q.month) {
            Some(m) => Period::month(m)?,
            None => {
                let own = super::session::center_catalog(&state, &session.account.center)?;
                let today = local_day(&own, state.clock.now());
                Period::new(today.first_of_month(), today.last_of_month())?
            }
        };
        q.from = Some(month.from.to_string());
        q.to = Some(month.to.to_string());
        let ctx = resolve(&state, session, &q)?;
        let report = period_report(&state, &ctx).await?;
        let cat = ctx.cat.clone();
        let bytes = blocking(move || pdf::monthly(&report, &cat)).await?;
        Ok::<_, AppError>(download(
            "application/pdf",
            "inline",
            &format!("bao-cao-thang-{}-{}.pdf", month.from.strftime("%Y-%m"), ctx.scope.center),
            bytes,
        ))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_periods_follow_the_kind_of_period() {
        let month = Period::month("2026-02").unwrap();
        let (prev, next) = shifted(month);
        assert_eq!((prev.from.to_string(), prev.to.to_string()), ("2026-01-01".into(), "2026-01-31".into()));
        assert_eq!((next.from.to_string(), next.to.to_string()), ("2026-03-01".into(), "2026-03-31".into()));
        let week = Period::new(jiff::civil::date(2026, 11, 23), jiff::civil::date(2026, 11, 29)).unwrap();
        assert_eq!(shifted(week).0.from, jiff::civil::date(2026, 11, 16));
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(query_value("a b&c"), "a%20b%26c");
        assert_eq!(query_value("vp-quay-06"), "vp-quay-06");
    }

    #[test]
    fn a_long_period_is_refused_with_its_length() {
        let e = Period::new(jiff::civil::date(2024, 1, 1), jiff::civil::date(2026, 12, 31)).unwrap_err();
        assert!(e.to_string().contains(&report::MAX_DAYS.to_string()), "{e}");
    }
}
