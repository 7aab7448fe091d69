//! The small phone page a ticket's QR opens: `GET /t/{token}`. Plain
//! server-rendered HTML that refreshes itself, so it works on any phone
//! browser, in Vietnamese or English.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_domain::TicketStatus;
use motcua_domain::api::TicketView;
use serde::Deserialize;

use super::tickets::ticket_view;
use crate::metrics::Metrics;
use crate::state::SharedState;

/// `?lang=en`.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    lang: Option<String>,
}

const REFRESH_S: u32 = 15;

fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body).into_response()
}

/// What the page shows of a ticket (text only: the template escapes it).
struct Shown {
    center: String,
    your_number: &'static str,
    number: String,
    service: String,
    area: String,
    status: String,
    called: bool,
    wait: Option<String>,
    offline: Option<&'static str>,
    updates: Option<String>,
    /// "Đặt lịch 09:00" on an appointment ticket.
    appointment: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    lang: &'static str,
    title: String,
    refresh: bool,
    refresh_s: u32,
    ticket: Option<Shown>,
    not_found: &'static str,
    switch_href: &'static str,
    switch_label: &'static str,
}

fn render_page(p: &TicketPage, status: StatusCode) -> Response {
    match askama::Template::render(p) {
        Ok(body) => html(status, body),
        Err(e) => crate::error::AppError::Internal(format!("template: {e}")).into_response(),
    }
}

/// Words of the page in one language.
struct Words {
    your_number: &'static str,
    ahead: fn(u32) -> String,
    next: &'static str,
    wait: fn(u32) -> String,
    go_to: fn(&str) -> String,
    served: &'static str,
    no_show: &'static str,
    expired: &'static str,
    offline: &'static str,
    appointment: fn(&str) -> String,
    updates: fn(u32) -> String,
    switch_href: &'static str,
    switch_label: &'static str,
    not_found_title: &'static str,
    not_found: &'static str,
}

const VI: Words = Words {
    your_number: "Số thứ tự của bạn",
    ahead: |n| format!("Còn {n} người trước bạn"),
    next: "Bạn là người tiếp theo. Vui lòng có mặt gần quầy.",
    wait: |m| format!("Thời gian chờ dự kiến: khoảng {m} phút"),
    go_to: |c| format!("Mời đến {c}"),
    served: "Đã được phục vụ. Cảm ơn ông/bà!",
    no_show: "Số này đã được gọi nhưng không có mặt. Vui lòng hỏi cán bộ tại quầy.",
    expired: "Số này đã hết hiệu lực (đã hết ngày làm việc).",
    offline: "Phiếu được cấp khi máy kiosk mất kết nối; số vẫn có hiệu lực.",
    appointment: |t| format!("Đặt lịch {t}"),
    updates: |s| format!("Trang tự cập nhật mỗi {s} giây."),
    switch_href: "?lang=en",
    switch_label: "English",
    not_found_title: "Không tìm thấy phiếu",
    not_found: "Không tìm thấy phiếu số thứ tự này. Vui lòng kiểm tra lại mã QR trên phiếu.",
};

const EN: Words = Words {
    your_number: "Your number",
    ahead: |n| format!("{n} people ahead of you"),
    next: "You are next. Please stay near the counter.",
    wait: |m| format!("Estimated wait: about {m} min"),
    go_to: |c| format!("Please go to {c}"),
    served: "You have been served. Thank you!",
    no_show: "This number was called but nobody came. Please ask at a counter.",
    expired: "This number has expired (the working day has ended).",
    offline: "Issued while the kiosk was offline; the number is valid.",
    appointment: |t| format!("Appointment {t}"),
    updates: |s| format!("This page updates every {s} seconds."),
    switch_href: "?lang=vi",
    switch_label: "Tiếng Việt",
    not_found_title: "Ticket not found",
    not_found: "No such queue ticket. Please check the QR code on your slip.",
};

fn shown(w: &Words, center: String, service: String, area: String, t: &TicketView, tz: &jiff::tz::TimeZone) -> Shown {
    let mut wait = None;
    let status = match t.status {
        TicketStatus::Waiting => match t.ahead {
            Some(0) => w.next.to_string(),
            Some(n) => {
                wait = t.estimated_wait_s.map(|secs| (w.wait)(secs.div_ceil(60).max(1)));
                (w.ahead)(n)
            }
            None => String::new(),
        },
        TicketStatus::Called => (w.go_to)(&t.counter.as_ref().map(|c| c.name.clone()).unwrap_or_default()),
        TicketStatus::Served => w.served.to_string(),
        TicketStatus::NoShow => w.no_show.to_string(),
        TicketStatus::Expired => w.expired.to_string(),
    };
    let live = matches!(t.status, TicketStatus::Waiting | TicketStatus::Called);
    Shown {
        center,
        your_number: w.your_number,
        number: t.number.clone(),
        service,
        area,
        status,
        called: t.status == TicketStatus::Called,
        wait,
        offline: t.offline.then_some(w.offline),
        updates: live.then(|| (w.updates)(REFRESH_S)),
        appointment: t.appointment.as_ref().map(|a| (w.appointment)(&a.slot_start.to_zoned(tz.clone()).strftime("%H:%M").to_string())),
    }
}

/// The ticket page.
pub async fn ticket_page(State(state): State<SharedState>, Path(token): Path<String>, Query(q): Query<PageQuery>) -> Response {
    let (w, lang) = if q.lang.as_deref() == Some("en") { (&EN, "en") } else { (&VI, "vi") };
    Metrics::inc(&state.metrics.ticket_lookups);
    let page = |ticket: Option<Shown>, title: String, refresh: bool| TicketPage {
        lang,
        title,
        refresh,
        refresh_s: REFRESH_S,
        ticket,
        not_found: w.not_found,
        switch_href: w.switch_href,
        switch_label: w.switch_label,
    };
    let not_found = || render_page(&page(None, w.not_found_title.to_string(), false), StatusCode::NOT_FOUND);
    let row = match state.pool.get().map_err(crate::error::AppError::from).and_then(|c| crate::tickets::by_token(&c, &token)) {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(),
        Err(e) => return e.into_response(),
    };
    let Some(cat) = state.catalogs.fresh().center(&row.center).cloned() else { return not_found() };
    let view = match ticket_view(&state, &cat, &row) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let english = lang == "en";
    let pick = |vi: &str, en: &Option<String>| if english { en.clone().unwrap_or_else(|| vi.to_string()) } else { vi.to_string() };
    let center = pick(&cat.center().name, &cat.center().name_en);
    let (service, area) = cat.service(&row.service_id).map(|s| (pick(&s.name, &s.name_en), s.area.clone())).unwrap_or_default();
    let live = matches!(view.status, TicketStatus::Waiting | TicketStatus::Called);
    let title = format!("{} – {}", view.number, w.your_number);
    render_page(&page(Some(shown(w, center, service, area, &view, &cat.tz)), title, live), StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_by_the_template() {
        let p = TicketPage {
            lang: "vi",
            title: "t".into(),
            refresh: false,
            refresh_s: REFRESH_S,
            ticket: Some(Shown {
                center: "<b>\"Lan\" & 'Hà'</b>".into(),
                your_number: VI.your_number,
                number: "A001".into(),
                service: "<script>x</script>".into(),
                area: String::new(),
                status: String::new(),
                called: false,
                wait: None,
                offline: None,
                updates: None,
                appointment: None,
            }),
            not_found: VI.not_found,
            switch_href: VI.switch_href,
            switch_label: VI.switch_label,
        };
        let html = askama::Template::render(&p).unwrap();
        assert!(html.contains("&#60;b&#62;&#34;Lan&#34; &#38; &#39;Hà&#39;&#60;/b&#62;"), "{html}");
        assert!(!html.contains("<b>") && !html.contains("<script>x"), "{html}");
    }
}
