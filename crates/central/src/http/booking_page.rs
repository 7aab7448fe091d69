//! The phone's booking pages (`/dat-lich`, README "Appointments"): center →
//! service (with its procedures and the papers to bring) → day → slot →
//! name and phone; the booking's own page (code, QR, `.ics`, cancel link)
//! and the cancel page. Every step is a server-rendered GET page of links;
//! the last form carries a proof-of-work challenge that `booking.js` solves
//! before it posts (the API's own checks and budgets apply: the form goes
//! through [`super::bookings::create`]).

use std::fmt::Write as _;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jiff::{Timestamp, ToSpan};
use motcua_domain::booking::{BookingRequest, BookingStatus};
use motcua_domain::catalog::Service;
use motcua_domain::{ApiError, ErrorCode};
use motcua_receipt::QrMatrix;
use serde::Deserialize;

use super::bookings::{ApiQuery, CancelQuery, ClientIp};
use super::extract::ApiJson;
use super::query_value;
use crate::bookings as b;
use crate::catalog::CenterCatalog;
use crate::error::AppError;
use crate::state::SharedState;

/// The booking pages.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/dat-lich", get(choose).post(submit))
        .route("/dat-lich/b/{code}", get(booking_page))
        .route("/dat-lich/huy/{code}", get(cancel_page).post(cancel))
}

/// Fixed words of the pages in one language.
pub struct Words {
    app: &'static str,
    switch: &'static str,
    none: &'static str,
    name: &'static str,
    phone: &'static str,
    privacy: &'static str,
    submit: &'static str,
    working: &'static str,
    needs_js: &'static str,
    your_code: &'static str,
    show_qr: &'static str,
    calendar: &'static str,
    keep_link: &'static str,
    cancel_link: &'static str,
    confirm_cancel: &'static str,
    documents: &'static str,
    documents_hint: &'static str,
}

const VI: Words = Words {
    app: "Đặt lịch hẹn",
    switch: "English",
    none: "Hiện chưa có mục nào nhận đặt lịch hẹn.",
    name: "Họ và tên",
    phone: "Số điện thoại",
    privacy: "Họ tên được che khi hiển thị; số điện thoại chỉ được lưu đến hết ngày sau ngày hẹn.",
    submit: "Đặt lịch",
    working: "Đang xác minh, vui lòng đợi vài giây…",
    needs_js: "Trang này cần bật JavaScript để xác minh trước khi đặt lịch.",
    your_code: "Mã đặt lịch của ông/bà",
    show_qr: "Khi đến trung tâm, quét mã QR này (hoặc nhập mã đặt lịch) tại máy lấy số.",
    calendar: "Thêm vào lịch",
    keep_link: "Hãy lưu lại đường dẫn dưới đây (hoặc trang này): chỉ nó mới huỷ được lịch hẹn, và nó không được hiển thị lại.",
    cancel_link: "Huỷ lịch hẹn",
    confirm_cancel: "Xác nhận huỷ lịch hẹn",
    documents: "Giấy tờ cần mang theo",
    documents_hint: "Chọn thủ tục của ông/bà để xem hồ sơ cần chuẩn bị.",
};

const EN: Words = Words {
    app: "Book an appointment",
    switch: "Tiếng Việt",
    none: "Nothing takes appointments at the moment.",
    name: "Full name",
    phone: "Phone number",
    privacy: "Your name is masked wherever it is shown; your phone number is kept only until the day after the appointment.",
    submit: "Book",
    working: "Checking, please wait a few seconds…",
    needs_js: "This page needs JavaScript to run a check before booking.",
    your_code: "Your booking code",
    show_qr: "At the center, scan this QR code (or type the booking code) at the ticket kiosk.",
    calendar: "Add to calendar",
    keep_link: "Keep the link below (or this page): only it can cancel the appointment, and it is not shown again.",
    cancel_link: "Cancel the appointment",
    confirm_cancel: "Yes, cancel the appointment",
    documents: "Papers to bring",
    documents_hint: "Open your procedure to see the dossier to prepare.",
};

/// The page's language: Vietnamese unless `?lang=en`.
#[derive(Clone, Copy)]
struct Lang {
    en: bool,
}

impl Lang {
    fn of(lang: Option<&str>) -> Self {
        Self { en: lang == Some("en") }
    }

    fn w(self) -> &'static Words {
        if self.en { &EN } else { &VI }
    }

    fn code(self) -> &'static str {
        if self.en { "en" } else { "vi" }
    }

    fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        if self.en { en } else { vi }
    }

    /// `&lang=en` for a link that already has a query, or nothing.
    fn amp(self) -> &'static str {
        if self.en { "&lang=en" } else { "" }
    }

    /// `?lang=en` for a link without a query, or nothing.
    fn query(self) -> &'static str {
        if self.en { "?lang=en" } else { "" }
    }

    /// A catalog name in the page's language.
    fn name(self, vi: &str, en: &Option<String>) -> String {
        match en {
            Some(e) if self.en => e.clone(),
            _ => vi.to_string(),
        }
    }

    fn day(self, d: jiff::civil::Date) -> String {
        use jiff::civil::Weekday::*;
        let (vi, en) = match d.weekday() {
            Monday => ("Thứ Hai", "Mon"),
            Tuesday => ("Thứ Ba", "Tue"),
            Wednesday => ("Thứ Tư", "Wed"),
            Thursday => ("Thứ Năm", "Thu"),
            Friday => ("Thứ Sáu", "Fri"),
            Saturday => ("Thứ Bảy", "Sat"),
            Sunday => ("Chủ Nhật", "Sun"),
        };
        if self.en { format!("{en} {}", d.strftime("%d %b %Y")) } else { format!("{vi}, {}", b::vi_date(d)) }
    }
}

/// A link (or, with an empty `href`, a choice that cannot be taken).
struct Link {
    href: String,
    text: String,
    note: String,
    testid: String,
}

/// An error box: plain words and what to do next.
struct ErrorView {
    code: &'static str,
    text: String,
    links: Vec<Link>,
}

struct FormView {
    service: String,
    slot: String,
    challenge: String,
    bits: u32,
    name: String,
    phone: String,
}

struct BookingView {
    code: String,
    state: Option<String>,
    active: bool,
    qr_svg: String,
    ics_href: String,
    cancel_href: Option<String>,
}

struct CancelView {
    action: String,
    secret: Option<String>,
}

struct ProcedureView {
    name: String,
    docs: Vec<String>,
    facts: String,
}

enum Step {
    Choose(Vec<Link>),
    Form(FormView),
    Booking(BookingView),
    Cancel(CancelView),
    Text,
}

#[derive(Template)]
#[template(path = "booking.html")]
struct Page {
    lang: &'static str,
    w: &'static Words,
    title: String,
    heading: String,
    home: String,
    switch_href: String,
    script: bool,
    summary: Vec<(String, String)>,
    /// The summary after the step (the booking's page: its code and QR first, on one phone screen).
    summary_last: bool,
    error: Option<ErrorView>,
    notice: Option<String>,
    step: Step,
    procedures: Vec<ProcedureView>,
    back: Option<Link>,
}

impl Page {
    fn new(l: Lang, heading: String, step: Step, here: &str) -> Self {
        // The same page in the other language: `here` is the path and query without `lang`.
        let other = if l.en { "" } else { "lang=en" };
        let switch_href = match (here.contains('?'), other.is_empty()) {
            (_, true) => here.to_string(),
            (true, false) => format!("{here}&{other}"),
            (false, false) => format!("{here}?{other}"),
        };
        Self {
            lang: l.code(),
            w: l.w(),
            title: format!("{heading} – {}", l.w().app),
            heading,
            home: format!("/dat-lich{}", l.query()),
            switch_href,
            script: false,
            summary: Vec::new(),
            summary_last: false,
            error: None,
            notice: None,
            step,
            procedures: Vec::new(),
            back: None,
        }
    }

    fn render(&self, status: StatusCode) -> Response {
        match Template::render(self) {
            Ok(body) => {
                (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body).into_response()
            }
            Err(e) => AppError::Internal(format!("template: {e}")).into_response(),
        }
    }
}

/// The booking flow's query: each step adds one choice.
#[derive(Debug, Default, Deserialize)]
pub struct StepQuery {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    center: Option<String>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    slot: Option<String>,
}

fn takes_appointments(s: &Service) -> bool {
    s.appointments.as_ref().is_some_and(|a| a.enabled)
}

fn local_time(cat: &CenterCatalog, t: Timestamp) -> String {
    t.to_zoned(cat.tz.clone()).strftime("%H:%M").to_string()
}

/// The service's procedures with the documents of each dossier.
fn procedures(l: Lang, cat: &CenterCatalog, service: &Service) -> Vec<ProcedureView> {
    cat.catalog
        .procedures
        .iter()
        .filter(|p| service.procedures.contains(&p.id) || service.fields.contains(&p.field))
        .map(|p| ProcedureView {
            name: l.name(&p.name, &p.name_en),
            docs: p
                .documents
                .iter()
                .map(|d| format!("{} ({}: {})", d.name, l.pick(d.form.label_vi(), d.form.label_en()), d.count))
                .collect(),
            facts: if l.en {
                format!("Fee: {}. Processing: {} working days.", p.fee, p.processing_days)
            } else {
                format!("Lệ phí: {}. Thời hạn giải quyết: {} ngày làm việc.", p.fee, p.processing_days)
            },
        })
        .collect()
}

fn summary_of(l: Lang, cat: &CenterCatalog, service: Option<&Service>) -> Vec<(String, String)> {
    let mut s = vec![(l.pick("Trung tâm", "Center").to_string(), l.name(&cat.center().name, &cat.center().name_en))];
    if let Some(sv) = service {
        s.push((l.pick("Dịch vụ", "Service").to_string(), l.name(&sv.name, &sv.name_en)));
    }
    s
}

fn message(l: Lang, status: StatusCode, heading: &str, text: String) -> Response {
    let mut p = Page::new(l, heading.to_string(), Step::Text, "/dat-lich");
    p.notice = Some(text);
    p.back = Some(Link {
        href: format!("/dat-lich{}", l.query()),
        text: l.pick("Đặt lịch hẹn", "Book an appointment").into(),
        note: String::new(),
        testid: "home".into(),
    });
    p.render(status)
}

fn not_found(l: Lang) -> Response {
    message(
        l,
        StatusCode::NOT_FOUND,
        l.pick("Không tìm thấy", "Not found"),
        l.pick("Không tìm thấy mục này. Vui lòng chọn lại từ đầu.", "No such page. Please start again.").into(),
    )
}

/// `GET /dat-lich`: the next step the query asks for.
async fn choose(State(state): State<SharedState>, Query(q): Query<StepQuery>) -> Response {
    let l = Lang::of(q.lang.as_deref());
    match (&q.service, &q.slot, &q.date, &q.center) {
        (Some(service), Some(slot), _, _) => form_step(&state, l, service, slot, None, String::new(), String::new()),
        (Some(service), None, Some(date), _) => slots_step(&state, l, service, date),
        (Some(service), None, None, _) => days_step(&state, l, service),
        (None, _, _, Some(center)) => services_step(&state, l, center),
        _ => centers_step(&state, l),
    }
}

fn centers_step(state: &SharedState, l: Lang) -> Response {
    let catalogs = state.catalogs.fresh();
    let mut centers: Vec<&CenterCatalog> =
        catalogs.centers.values().map(AsRef::as_ref).filter(|c| c.catalog.services.iter().any(takes_appointments)).collect();
    centers.sort_by(|a, b| a.center().id.cmp(&b.center().id));
    let links = centers
        .iter()
        .map(|c| Link {
            href: format!("/dat-lich?center={}{}", query_value(&c.center().id), l.amp()),
            text: l.name(&c.center().name, &c.center().name_en),
            note: c.center().address.clone(),
            testid: format!("center-{}", c.center().id),
        })
        .collect();
    Page::new(l, l.pick("Chọn trung tâm", "Choose a center").into(), Step::Choose(links), "/dat-lich").render(StatusCode::OK)
}

fn services_step(state: &SharedState, l: Lang, center: &str) -> Response {
    let catalogs = state.catalogs.fresh();
    let Some(cat) = catalogs.center(center) else { return not_found(l) };
    let links = cat
        .catalog
        .services
        .iter()
        .filter(|s| takes_appointments(s))
        .map(|s| Link {
            href: format!("/dat-lich?service={}{}", query_value(&s.id), l.amp()),
            text: l.name(&s.name, &s.name_en),
            note: s.area.clone(),
            testid: format!("service-{}", s.id),
        })
        .collect();
    let mut p = Page::new(
        l,
        l.pick("Chọn dịch vụ", "Choose a service").into(),
        Step::Choose(links),
        &format!("/dat-lich?center={}", query_value(center)),
    );
    p.summary = summary_of(l, cat, None);
    p.back = Some(Link {
        href: p.home.clone(),
        text: l.pick("← Chọn trung tâm khác", "← Another center").into(),
        note: String::new(),
        testid: "back".into(),
    });
    p.render(StatusCode::OK)
}

fn days_step(state: &SharedState, l: Lang, service_id: &str) -> Response {
    let catalogs = state.catalogs.fresh();
    let Some((cat, service)) = b::find_service(&catalogs, service_id) else { return not_found(l) };
    let Some(a) = service.appointments.as_ref().filter(|a| a.enabled) else { return not_found(l) };
    let now = state.clock.now();
    let today = crate::tickets::local_day(cat, now);
    let mut links = Vec::new();
    for n in 0..=i64::from(a.days_ahead) {
        let Ok(day) = today.checked_add(n.days()) else { break };
        let (href, note) = match b::day_state(cat, service, a, day, now) {
            Ok(None) => (format!("/dat-lich?service={}&date={day}{}", query_value(&service.id), l.amp()), String::new()),
            Ok(Some(closed)) => (String::new(), format!("{}: {}", l.pick("Nghỉ", "Closed"), l.pick(&closed.reason_vi, &closed.reason))),
            Err(_) => continue,
        };
        links.push(Link { href, text: l.day(day), note, testid: format!("day-{day}") });
    }
    let mut p = Page::new(
        l,
        l.pick("Chọn ngày", "Choose a day").into(),
        Step::Choose(links),
        &format!("/dat-lich?service={}", query_value(service_id)),
    );
    p.summary = summary_of(l, cat, Some(service));
    p.procedures = procedures(l, cat, service);
    p.back = Some(Link {
        href: format!("/dat-lich?center={}{}", query_value(&cat.center().id), l.amp()),
        text: l.pick("← Chọn dịch vụ khác", "← Another service").into(),
        note: String::new(),
        testid: "back".into(),
    });
    p.render(StatusCode::OK)
}

fn slots_step(state: &SharedState, l: Lang, service_id: &str, date: &str) -> Response {
    let catalogs = state.catalogs.fresh();
    let Some((cat, service)) = b::find_service(&catalogs, service_id) else { return not_found(l) };
    let Some(a) = service.appointments.as_ref().filter(|a| a.enabled) else { return not_found(l) };
    let Ok(day) = date.parse::<jiff::civil::Date>() else { return not_found(l) };
    let now = state.clock.now();
    let here = format!("/dat-lich?service={}&date={day}", query_value(service_id));
    let mut notice = None;
    let mut status = StatusCode::OK;
    let links = match b::day_state(cat, service, a, day, now) {
        Ok(Some(closed)) => {
            notice = Some(format!("{}: {}", l.pick("Ngày nghỉ", "Closed"), l.pick(&closed.reason_vi, &closed.reason)));
            Vec::new()
        }
        Err(AppError::Api(e)) => {
            notice = Some(l.pick(&e.message_vi, &e.message).to_string());
            status = StatusCode::CONFLICT;
            Vec::new()
        }
        Err(e) => return e.into_response(),
        Ok(None) => {
            let slots = match state.pool.get().map_err(AppError::from).and_then(|c| b::slots_with_free(&c, cat, service, a, day, now)) {
                Ok(s) => s,
                Err(e) => return e.into_response(),
            };
            slots
                .into_iter()
                .filter(|s| s.start > now)
                .map(|s| {
                    let text = format!("{}–{}", local_time(cat, s.start), local_time(cat, s.end));
                    let (href, note) = if s.free > 0 {
                        let note = if l.en {
                            format!("{} of {} places free", s.free, s.places)
                        } else {
                            format!("còn {}/{} chỗ", s.free, s.places)
                        };
                        (
                            format!("/dat-lich?service={}&slot={}{}", query_value(&service.id), query_value(&s.start.to_string()), l.amp()),
                            note,
                        )
                    } else {
                        (String::new(), l.pick("Hết chỗ", "Full").to_string())
                    };
                    Link { href, text, note, testid: format!("slot-{}", local_time(cat, s.start).replace(':', "")) }
                })
                .collect()
        }
    };
    if notice.is_none() && links.is_empty() {
        notice = Some(
            l.pick("Ngày này không còn khung giờ nào. Vui lòng chọn ngày khác.", "No slots are left that day. Please choose another day.")
                .into(),
        );
    }
    let mut p = Page::new(l, l.pick("Chọn giờ", "Choose a time").into(), Step::Choose(links), &here);
    p.summary = summary_of(l, cat, Some(service));
    p.summary.push((l.pick("Ngày", "Day").into(), l.day(day)));
    p.notice = notice;
    p.back = Some(Link {
        href: format!("/dat-lich?service={}{}", query_value(&service.id), l.amp()),
        text: l.pick("← Chọn ngày khác", "← Another day").into(),
        note: String::new(),
        testid: "back".into(),
    });
    p.render(status)
}

fn form_step(
    state: &SharedState,
    l: Lang,
    service_id: &str,
    slot: &str,
    error: Option<(StatusCode, ErrorView)>,
    name: String,
    phone: String,
) -> Response {
    let catalogs = state.catalogs.fresh();
    let Some((cat, service)) = b::find_service(&catalogs, service_id) else { return not_found(l) };
    if !takes_appointments(service) {
        return not_found(l);
    }
    let Ok(start) = slot.parse::<Timestamp>() else { return not_found(l) };
    let (challenge, _) = state.bookings.challenge(state.clock.now());
    let here = format!("/dat-lich?service={}&slot={}", query_value(service_id), query_value(slot));
    let mut p = Page::new(
        l,
        l.pick("Nhập họ tên và số điện thoại", "Your name and phone number").into(),
        Step::Form(FormView { service: service.id.clone(), slot: start.to_string(), challenge, bits: state.bookings.bits, name, phone }),
        &here,
    );
    p.script = true;
    p.summary = summary_of(l, cat, Some(service));
    let day = crate::tickets::local_day(cat, start);
    p.summary.push((l.pick("Ngày", "Day").into(), l.day(day)));
    p.summary.push((l.pick("Giờ", "Time").into(), local_time(cat, start)));
    p.back = Some(Link {
        href: format!("/dat-lich?service={}&date={day}{}", query_value(&service.id), l.amp()),
        text: l.pick("← Chọn giờ khác", "← Another time").into(),
        note: String::new(),
        testid: "back".into(),
    });
    let status = match error {
        Some((status, e)) => {
            p.error = Some(e);
            status
        }
        None => StatusCode::OK,
    };
    p.render(status)
}

/// The booking form as posted.
#[derive(Debug, Deserialize)]
pub struct BookForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    solution: String,
}

/// The plain words of a refused booking, and where to go from there.
fn refusal(state: &SharedState, l: Lang, service_id: &str, e: &ApiError) -> ErrorView {
    let catalogs = state.catalogs.fresh();
    let cat = b::find_service(&catalogs, service_id).map(|(c, _)| c);
    let mut links = Vec::new();
    let text = match e.code {
        ErrorCode::SlotFull => {
            for t in e.next_free_slots.iter().flatten() {
                let when = cat
                    .map(|c| format!("{} {}", l.day(crate::tickets::local_day(c, *t)), local_time(c, *t)))
                    .unwrap_or_else(|| t.to_string());
                links.push(Link {
                    href: format!("/dat-lich?service={}&slot={}{}", query_value(service_id), query_value(&t.to_string()), l.amp()),
                    text: when,
                    note: String::new(),
                    testid: format!("next-slot-{}", links.len()),
                });
            }
            if links.is_empty() {
                l.pick(
                    "Khung giờ này vừa hết chỗ, và những ngày tới cũng đã kín chỗ.",
                    "This time has just filled up, and so have the coming days.",
                )
                .to_string()
            } else {
                l.pick("Khung giờ này vừa hết chỗ. Các khung giờ còn trống gần nhất:", "This time has just filled up. The next free times:")
                    .to_string()
            }
        }
        ErrorCode::BookingLimit => {
            let existing = e.existing_booking.clone().unwrap_or_default();
            links.push(Link {
                href: format!("/dat-lich/b/{}{}", query_value(&existing), l.query()),
                text: existing.clone(),
                note: String::new(),
                testid: "existing-booking".into(),
            });
            if l.en {
                format!(
                    "This phone number already has an appointment for this service that day ({existing}). Cancel it first to book another time."
                )
            } else {
                format!(
                    "Số điện thoại này đã có lịch hẹn cho dịch vụ này trong ngày ({existing}). Muốn đổi giờ, vui lòng huỷ lịch cũ trước."
                )
            }
        }
        ErrorCode::RateLimited => {
            let wait = e.retry_after_s.unwrap_or(60);
            if l.en {
                format!("Too many attempts. Please wait {wait} seconds and try again.")
            } else {
                format!("Thao tác quá nhiều lần. Vui lòng đợi {wait} giây rồi thử lại.")
            }
        }
        ErrorCode::ChallengeFailed => l
            .pick(
                "Chưa xác minh được trình duyệt (hoặc đã quá thời gian). Vui lòng bấm “Đặt lịch” lần nữa.",
                "The browser check did not pass (or took too long). Please press “Book” again.",
            )
            .to_string(),
        _ => l.pick(&e.message_vi, &e.message).to_string(),
    };
    ErrorView { code: e.code.as_str(), text, links }
}

/// `POST /dat-lich`: books through the API's own handler; the booking's
/// page (with its cancel link), or the form again with the refusal in plain words.
async fn submit(State(state): State<SharedState>, ip: ClientIp, Form(f): Form<BookForm>) -> Response {
    let l = Lang::of(f.lang.as_deref());
    let Ok(slot_start) = f.slot.parse::<Timestamp>() else { return not_found(l) };
    let req = BookingRequest {
        service_id: f.service.clone(),
        slot_start,
        name: f.name.clone(),
        phone: f.phone.clone(),
        challenge: (!f.solution.is_empty()).then(|| f.solution.clone()),
    };
    match super::bookings::create(State(state.clone()), ip, HeaderMap::new(), ApiJson(req)).await {
        Ok((_, axum::Json(resp))) => {
            let secret =
                resp.booking.cancel_url.as_deref().and_then(|u| u.rsplit_once("?k=")).map(|(_, k)| k.to_string()).unwrap_or_default();
            Redirect::to(&format!("/dat-lich/b/{}?k={}{}", resp.booking.code, query_value(&secret), l.amp())).into_response()
        }
        Err(AppError::Api(e)) => {
            let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let view = refusal(&state, l, &f.service, &e);
            form_step(&state, l, &f.service, &f.slot, Some((status, view)), f.name, f.phone)
        }
        Err(e) => e.into_response(),
    }
}

/// `?k=` and `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct BookingQuery {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    k: Option<String>,
}

/// The QR of `data` as an SVG: one path of dark runs, a 4-module quiet zone.
pub fn qr_svg(data: &str) -> Result<String, AppError> {
    let qr = QrMatrix::encode(data).map_err(|e| AppError::Internal(format!("QR of {data}: {e}")))?;
    let side = qr.width_with_quiet_zone();
    let q = motcua_receipt::qr::QUIET_ZONE;
    let mut d = String::new();
    for (y, x, len) in qr.dark_runs() {
        let _ = write!(d, "M{} {}h{len}v1h-{len}z", x + q, y + q);
    }
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="264" height="264" shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="{side}" height="{side}" fill="#fff"/><path fill="#000" d="{d}"/></svg>"##
    ))
}

/// The booking and its center, or the page that says why not (boxed: a response is large).
fn load(state: &SharedState, ip: &ClientIp, l: Lang, code: &str) -> Result<(b::BookingRow, std::sync::Arc<CenterCatalog>), Box<Response>> {
    if let Err(wait) = super::bookings::take_lookup(state, ip.0) {
        let text = if l.en {
            format!("Too many lookups. Please wait {wait} seconds.")
        } else {
            format!("Tra cứu quá nhiều lần. Vui lòng đợi {wait} giây.")
        };
        return Err(Box::new(message(l, StatusCode::TOO_MANY_REQUESTS, l.pick("Vui lòng đợi", "Please wait"), text)));
    }
    let Some(code) = motcua_domain::booking::parse_code(code) else { return Err(Box::new(not_found(l))) };
    let row = match state.pool.get().map_err(AppError::from).and_then(|c| b::by_code(&c, &code)) {
        Ok(Some(r)) => r,
        Ok(None) => return Err(Box::new(not_found(l))),
        Err(e) => return Err(Box::new(e.into_response())),
    };
    let Some(cat) = state.catalogs.fresh().center(&row.center).cloned() else { return Err(Box::new(not_found(l))) };
    Ok((row, cat))
}

fn booking_summary(l: Lang, cat: &CenterCatalog, row: &b::BookingRow) -> Vec<(String, String)> {
    let service = cat.service(&row.service_id);
    let mut s = summary_of(l, cat, service);
    s.push((l.pick("Địa chỉ", "Address").into(), cat.center().address.clone()));
    let (start, end) = (crate::tickets::ts(row.slot_start_ms), crate::tickets::ts(row.slot_end_ms));
    s.push((l.pick("Ngày", "Day").into(), l.day(row.day)));
    s.push((l.pick("Giờ", "Time").into(), format!("{}–{}", local_time(cat, start), local_time(cat, end))));
    s.push((l.pick("Người đặt", "Name").into(), motcua_domain::mask_name(&row.name)));
    s
}

fn state_words(l: Lang, status: BookingStatus) -> Option<String> {
    match status {
        BookingStatus::Booked => None,
        BookingStatus::CheckedIn => Some(l.pick("Đã đến và lấy số.", "Checked in.").into()),
        BookingStatus::Cancelled => Some(l.pick("Lịch hẹn này đã được huỷ.", "This appointment was cancelled.").into()),
        BookingStatus::Lapsed => Some(
            l.pick(
                "Lịch hẹn này đã hết hiệu lực (không đến lấy số trong thời gian quy định). Ông/bà vẫn có thể lấy số thường tại máy kiosk.",
                "This appointment has lapsed (no check-in in time). You can still take an ordinary ticket at the kiosk.",
            )
            .into(),
        ),
    }
}

/// `GET /dat-lich/b/{CODE}` (and `{CODE}.ics`): the booking's page; after
/// check-in, the ticket's phone page.
async fn booking_page(State(state): State<SharedState>, ip: ClientIp, Path(code): Path<String>, Query(q): Query<BookingQuery>) -> Response {
    let l = Lang::of(q.lang.as_deref());
    if let Some(code) = code.strip_suffix(".ics") {
        return match load(&state, &ip, l, code) {
            Ok((row, cat)) => ics(&state, l, &cat, &row),
            Err(r) => *r,
        };
    }
    let (row, cat) = match load(&state, &ip, l, &code) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    if row.status == BookingStatus::CheckedIn {
        let token = state.pool.get().map_err(AppError::from).and_then(|c| b::ticket_token(&c, &row));
        if let Ok(Some(token)) = token {
            return Redirect::to(&format!("/t/{token}{}", l.query())).into_response();
        }
    }
    let view = b::view(&row, None, &state.config.public_url, None);
    let active = row.status == BookingStatus::Booked;
    let qr = if active {
        match qr_svg(&view.qr_url) {
            Ok(s) => s,
            Err(e) => return e.into_response(),
        }
    } else {
        String::new()
    };
    let secret_ok = q.k.as_deref().is_some_and(|k| super::session::same_secret(&b::secret_hash(k), &row.cancel_hash));
    let cancel_href = (active && secret_ok)
        .then(|| format!("/dat-lich/huy/{}?k={}{}", row.code, query_value(q.k.as_deref().unwrap_or_default()), l.amp()));
    let mut p = Page::new(
        l,
        l.pick("Lịch hẹn", "Appointment").into(),
        Step::Booking(BookingView {
            code: row.code.clone(),
            state: state_words(l, row.status),
            active,
            qr_svg: qr,
            ics_href: format!("/dat-lich/b/{}.ics{}", row.code, l.query()),
            cancel_href,
        }),
        &format!("/dat-lich/b/{}", row.code),
    );
    if secret_ok && active {
        p.notice = Some(l.pick("Đặt lịch thành công.", "Your appointment is booked.").into());
        // The switch keeps the secret so the cancel link survives a change of language.
        p.switch_href =
            format!("/dat-lich/b/{}?k={}{}", row.code, query_value(q.k.as_deref().unwrap_or_default()), if l.en { "" } else { "&lang=en" });
    }
    p.summary = booking_summary(l, &cat, &row);
    p.summary_last = true;
    if active && let Some(service) = cat.service(&row.service_id) {
        p.procedures = procedures(l, &cat, service);
    }
    p.render(StatusCode::OK)
}

/// Text of an iCalendar property value: `\`, `;`, `,` and new lines escaped.
fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n").replace('\r', "")
}

/// One content line, folded at 75 octets (RFC 5545 §3.1) without splitting a character, ended by CRLF.
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn ics_time(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The appointment as an iCalendar file (UTC times).
fn ics(state: &SharedState, l: Lang, cat: &CenterCatalog, row: &b::BookingRow) -> Response {
    let view = b::view(row, None, &state.config.public_url, None);
    let center = l.name(&cat.center().name, &cat.center().name_en);
    let service = cat.service(&row.service_id).map(|s| l.name(&s.name, &s.name_en)).unwrap_or_default();
    let host = view.qr_url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or("motcua").to_string();
    let summary = if l.en { format!("Appointment {} – {service}", row.code) } else { format!("Lịch hẹn {} – {service}", row.code) };
    let description = if l.en {
        format!("Booking code {}. Scan the QR code of {} (or type the code) at the kiosk of {center}.", row.code, view.qr_url)
    } else {
        format!("Mã đặt lịch {}. Quét mã QR tại {} (hoặc nhập mã) ở máy lấy số của {center}.", row.code, view.qr_url)
    };
    let mut out = String::new();
    let status = if row.status == BookingStatus::Cancelled { "CANCELLED" } else { "CONFIRMED" };
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Mot Cua kiosk//Dat lich//VI".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}@{}", row.code, ics_text(&host)),
        format!("DTSTAMP:{}", ics_time(state.clock.now())),
        format!("DTSTART:{}", ics_time(crate::tickets::ts(row.slot_start_ms))),
        format!("DTEND:{}", ics_time(crate::tickets::ts(row.slot_end_ms))),
        format!("SUMMARY:{}", ics_text(&summary)),
        format!("LOCATION:{}", ics_text(&format!("{center}, {}", cat.center().address))),
        format!("DESCRIPTION:{}", ics_text(&description)),
        format!("URL:{}", view.qr_url),
        format!("STATUS:{status}"),
        "BEGIN:VALARM".into(),
        "ACTION:DISPLAY".into(),
        format!("DESCRIPTION:{}", ics_text(&summary)),
        "TRIGGER:-PT1H".into(),
        "END:VALARM".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ] {
        ics_line(&mut out, &line);
    }
    let disposition = format!("attachment; filename=\"lich-hen-{}.ics\"", row.code.replace('-', ""));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
        out,
    )
        .into_response()
}

/// `GET /dat-lich/huy/{CODE}?k=SECRET`: what would be cancelled, and the button.
async fn cancel_page(State(state): State<SharedState>, ip: ClientIp, Path(code): Path<String>, Query(q): Query<BookingQuery>) -> Response {
    let l = Lang::of(q.lang.as_deref());
    let (row, cat) = match load(&state, &ip, l, &code) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let k = q.k.unwrap_or_default();
    let secret_ok = super::session::same_secret(&b::secret_hash(&k), &row.cancel_hash);
    let here = format!("/dat-lich/huy/{}?k={}", row.code, query_value(&k));
    let (heading, notice, secret, status) = match (secret_ok, row.status) {
        (false, _) => (
            l.pick("Đường dẫn không hợp lệ", "Link not valid"),
            l.pick(
                "Đường dẫn huỷ lịch này không đúng. Vui lòng dùng đúng đường dẫn nhận được khi đặt lịch.",
                "This cancel link is not right. Please use the link you got when you booked.",
            ),
            None,
            StatusCode::FORBIDDEN,
        ),
        (true, BookingStatus::Booked) => (
            l.pick("Huỷ lịch hẹn?", "Cancel the appointment?"),
            l.pick("Sau khi huỷ, chỗ này được trả lại cho người khác đặt.", "Once cancelled, the place goes back to others."),
            Some(k),
            StatusCode::OK,
        ),
        (true, BookingStatus::Cancelled) => {
            (l.pick("Đã huỷ", "Cancelled"), l.pick("Lịch hẹn này đã được huỷ.", "This appointment was cancelled."), None, StatusCode::OK)
        }
        (true, _) => (
            l.pick("Không huỷ được", "Cannot be cancelled"),
            l.pick(
                "Lịch hẹn này đã lấy số hoặc đã hết hiệu lực, nên không huỷ được nữa.",
                "This appointment has been checked in or has lapsed; it can no longer be cancelled.",
            ),
            None,
            StatusCode::CONFLICT,
        ),
    };
    let mut p = Page::new(l, heading.into(), Step::Cancel(CancelView { action: format!("/dat-lich/huy/{}", row.code), secret }), &here);
    p.summary = booking_summary(l, &cat, &row);
    p.summary.insert(0, (l.pick("Mã đặt lịch", "Booking code").into(), row.code.clone()));
    p.notice = Some(notice.into());
    p.render(status)
}

/// The cancel form.
#[derive(Debug, Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    k: String,
    #[serde(default)]
    lang: Option<String>,
}

/// `POST /dat-lich/huy/{CODE}`: cancels through the API's handler; says the place is free again.
async fn cancel(State(state): State<SharedState>, Path(code): Path<String>, Form(f): Form<CancelForm>) -> Response {
    let l = Lang::of(f.lang.as_deref());
    match super::bookings::cancel(State(state.clone()), HeaderMap::new(), Path(code), ApiQuery(CancelQuery { k: Some(f.k) })).await {
        Ok(axum::Json(resp)) => {
            let text = if l.en {
                format!("Appointment {} is cancelled. Its place is free again for someone else.", resp.booking.code)
            } else {
                format!("Đã huỷ lịch hẹn {}. Chỗ của ông/bà đã được trả lại để người khác đặt.", resp.booking.code)
            };
            message(l, StatusCode::OK, l.pick("Đã huỷ lịch hẹn", "Appointment cancelled"), text)
        }
        Err(AppError::Api(e)) => {
            let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            message(l, status, l.pick("Không huỷ được", "Cannot be cancelled"), l.pick(&e.message_vi, &e.message).to_string())
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        ics_line(&mut out, &format!("SUMMARY:{}", "Đặt lịch hẹn ".repeat(12)));
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "Đặt lịch hẹn ".repeat(12)));
        assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(query_value("2026-11-30T02:00:00Z"), "2026-11-30T02:00:00Z");
        assert_eq!(query_value("a b&c"), "a%20b%26c");
    }
}
