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

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const REFRESH_S: u32 = 15;

fn page(title: &str, lang: &str, body: &str, refresh: bool) -> String {
    let refresh = if refresh { format!("<meta http-equiv=\"refresh\" content=\"{REFRESH_S}\">") } else { String::new() };
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{refresh}<title>{title}</title>\
<style>body{{font-family:system-ui,'Noto Sans',sans-serif;margin:0;padding:1.2rem;background:#f4f6f8;color:#111;font-size:1.2rem;line-height:1.45}}\
main{{max-width:32rem;margin:0 auto;background:#fff;border-radius:14px;padding:1.4rem;box-shadow:0 1px 4px #0002}}\
.center{{font-size:1rem;color:#334;margin:0 0 .6rem}}.label{{margin:.2rem 0 0;color:#445}}\
.number{{font-size:4.5rem;font-weight:800;letter-spacing:.04em;margin:.1rem 0 .3rem;color:#0b3d91}}\
.status{{font-size:1.5rem;font-weight:700;margin:.8rem 0}}.called{{background:#0a7a2f;color:#fff;padding:.8rem;border-radius:10px;font-size:2rem;text-align:center}}\
.muted{{color:#555;font-size:1rem}}.offline{{border:2px dashed #a15c00;color:#7a4500;padding:.5rem;border-radius:8px}}\
a{{color:#0b3d91}}</style></head><body><main>{body}</main></body></html>"
    )
}

fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body).into_response()
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
    updates: fn(u32) -> String,
    switch: &'static str,
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
    updates: |s| format!("Trang tự cập nhật mỗi {s} giây."),
    switch: "<a href=\"?lang=en\">English</a>",
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
    updates: |s| format!("This page updates every {s} seconds."),
    switch: "<a href=\"?lang=vi\">Tiếng Việt</a>",
    not_found_title: "Ticket not found",
    not_found: "No such queue ticket. Please check the QR code on your slip.",
};

fn render(w: &Words, lang: &str, center: &str, service: &str, area: &str, t: &TicketView) -> String {
    let mut body = format!(
        "<p class=\"center\">{}</p><p class=\"label\">{}</p><p class=\"number\" data-testid=\"number\">{}</p><p>{}<br><span class=\"muted\">{}</span></p>",
        esc(center),
        w.your_number,
        esc(&t.number),
        esc(service),
        esc(area)
    );
    let status = match t.status {
        TicketStatus::Waiting => match t.ahead {
            Some(0) => format!("<p class=\"status\">{}</p>", w.next),
            Some(n) => {
                let mut s = format!("<p class=\"status\">{}</p>", (w.ahead)(n));
                if let Some(secs) = t.estimated_wait_s {
                    s.push_str(&format!("<p>{}</p>", (w.wait)(secs.div_ceil(60).max(1))));
                }
                s
            }
            None => String::new(),
        },
        TicketStatus::Called => {
            let counter = t.counter.as_ref().map(|c| c.name.clone()).unwrap_or_default();
            format!("<p class=\"called\">{}</p>", esc(&(w.go_to)(&counter)))
        }
        TicketStatus::Served => format!("<p class=\"status\">{}</p>", w.served),
        TicketStatus::NoShow => format!("<p class=\"status\">{}</p>", w.no_show),
        TicketStatus::Expired => format!("<p class=\"status\">{}</p>", w.expired),
    };
    body.push_str(&status);
    if t.offline {
        body.push_str(&format!("<p class=\"offline\">{}</p>", w.offline));
    }
    let live = matches!(t.status, TicketStatus::Waiting | TicketStatus::Called);
    if live {
        body.push_str(&format!("<p class=\"muted\">{}</p>", (w.updates)(REFRESH_S)));
    }
    body.push_str(&format!("<p class=\"muted\">{}</p>", w.switch));
    page(&format!("{} – {}", t.number, w.your_number), lang, &body, live)
}

/// The ticket page.
pub async fn ticket_page(State(state): State<SharedState>, Path(token): Path<String>, Query(q): Query<PageQuery>) -> Response {
    let (w, lang) = if q.lang.as_deref() == Some("en") { (&EN, "en") } else { (&VI, "vi") };
    Metrics::inc(&state.metrics.ticket_lookups);
    let not_found = || {
        html(
            StatusCode::NOT_FOUND,
            page(w.not_found_title, lang, &format!("<p class=\"status\">{}</p><p class=\"muted\">{}</p>", w.not_found, w.switch), false),
        )
    };
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
    html(StatusCode::OK, render(w, lang, &center, &service, &area, &view))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("<b>\"Lan\" & 'Hà'</b>"), "&lt;b&gt;&quot;Lan&quot; &amp; &#39;Hà&#39;&lt;/b&gt;");
    }
}
