//! What a heartbeat and a notice must look like, checked before anything is
//! queued for the writer (pure functions, shared by the API and the CLI).

use jiff::Timestamp;
use motcua_domain::ErrorCode;
use motcua_domain::fleet::{HeartbeatRequest, Notice, NoticeRequest};
use unicode_normalization::UnicodeNormalization;

use crate::error::AppError;

/// Longest notice text, per language.
pub const NOTICE_MAX_CHARS: usize = 300;

/// A kiosk id: 1–64 of `A-Z a-z 0-9 . _ -` (it travels in URLs and metric labels).
pub fn valid_kiosk_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// An error code as kiosks send them: 1–64 of `a-z 0-9 _`.
fn valid_code(code: &str) -> bool {
    (1..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks a heartbeat's fields beyond their types.
pub fn heartbeat(req: &HeartbeatRequest) -> Result<(), AppError> {
    if !valid_kiosk_id(&req.kiosk_id) {
        return Err(AppError::invalid(
            "kiosk_id must be 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-'",
            "kiosk_id phải có từ 1 đến 64 ký tự, gồm chữ không dấu, chữ số, '.', '_' và '-'",
        ));
    }
    if req.version.trim().is_empty() || req.version.len() > 64 || !req.version.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err(AppError::invalid(
            "version must be 1 to 64 visible ASCII characters, e.g. 0.1.0",
            "version phải có từ 1 đến 64 ký tự ASCII, ví dụ 0.1.0",
        ));
    }
    if req.last_error.as_deref().is_some_and(|c| !valid_code(c)) {
        return Err(AppError::invalid(
            "last_error must be null or an error code (1 to 64 of a-z, 0-9 and '_'), e.g. printer_paper_out",
            "last_error phải là null hoặc một mã lỗi, ví dụ printer_paper_out",
        ));
    }
    Ok(())
}

/// NFC, trimmed; `None` when empty. Refuses control characters (a notice is
/// one line) and counts characters as sent, as the OpenAPI document does.
fn text(value: &str, field: &str) -> Result<Option<String>, AppError> {
    if motcua_domain::text::has_control(value) {
        return Err(AppError::invalid(
            format!("{field} must be one line without control characters"),
            format!("{field} phải là một dòng, không có ký tự điều khiển"),
        ));
    }
    if motcua_domain::text::chars(value) > NOTICE_MAX_CHARS {
        return Err(AppError::invalid(
            format!("{field} is longer than {NOTICE_MAX_CHARS} characters"),
            format!("{field} dài quá {NOTICE_MAX_CHARS} ký tự"),
        ));
    }
    let t: String = value.trim().nfc().collect();
    Ok(Some(t).filter(|t| !t.is_empty()))
}

/// The notice a request asks for: Vietnamese text required, English optional,
/// `until` (if any) in the future.
pub fn notice(req: NoticeRequest, now: Timestamp) -> Result<Notice, AppError> {
    let text_vi = text(&req.text_vi, "text_vi")?.ok_or_else(|| {
        AppError::invalid(
            format!("text_vi must be 1 to {NOTICE_MAX_CHARS} characters"),
            format!("Nội dung thông báo (text_vi) phải có từ 1 đến {NOTICE_MAX_CHARS} ký tự"),
        )
    })?;
    let text_en = match req.text_en.as_deref() {
        Some(t) => text(t, "text_en")?,
        None => None,
    };
    if req.until.is_some_and(|u| u <= now) {
        return Err(AppError::msg(ErrorCode::DatesOutOfOrder, "until is not in the future", "Thời hạn (until) phải ở tương lai"));
    }
    Ok(Notice { text_vi, text_en, until: req.until })
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::fleet::PrinterHealth;

    fn beat() -> HeartbeatRequest {
        HeartbeatRequest {
            kiosk_id: "kiosk-sanh-1".into(),
            printer: PrinterHealth::Ok,
            outbox: 0,
            unprinted: 0,
            version: "0.1.0".into(),
            uptime_s: 5,
            last_error: None,
        }
    }

    #[test]
    fn heartbeat_fields_are_checked() {
        assert!(heartbeat(&beat()).is_ok());
        assert!(heartbeat(&HeartbeatRequest { last_error: Some("printer_paper_out".into()), ..beat() }).is_ok());
        for bad in [
            HeartbeatRequest { kiosk_id: String::new(), ..beat() },
            HeartbeatRequest { kiosk_id: "sảnh 1".into(), ..beat() },
            HeartbeatRequest { kiosk_id: "k".repeat(65), ..beat() },
            HeartbeatRequest { version: " ".into(), ..beat() },
            HeartbeatRequest { version: "v\n1".into(), ..beat() },
            HeartbeatRequest { last_error: Some("Paper Out".into()), ..beat() },
            HeartbeatRequest { last_error: Some(String::new()), ..beat() },
        ] {
            let err = heartbeat(&bad).expect_err("refused");
            assert_eq!(err.api().map(|e| e.code.as_str()), Some("invalid_request"), "{bad:?}");
        }
    }

    #[test]
    fn a_notice_is_trimmed_nfc_and_in_the_future() {
        let now: Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
        let req = |vi: &str, en: Option<&str>, until: Option<&str>| NoticeRequest {
            text_vi: vi.into(),
            text_en: en.map(Into::into),
            until: until.map(|u| u.parse().unwrap()),
        };
        let decomposed: String = "Nghỉ trưa".nfd().collect();
        assert_ne!(decomposed, "Nghỉ trưa");
        let n = notice(req(&format!("  {decomposed} "), Some(" "), Some("2026-11-30T05:00:00Z")), now).unwrap();
        assert_eq!(n.text_vi, "Nghỉ trưa");
        assert_eq!(n.text_en, None, "blank English is none");
        assert!(notice(req(" ", None, None), now).is_err());
        assert!(notice(req(&"a".repeat(301), None, None), now).is_err());
        assert!(notice(req("a\nb", None, None), now).is_err());
        assert!(notice(req("a", None, Some("2026-11-30T02:00:00Z")), now).is_err(), "until must be later than now");
    }
}
