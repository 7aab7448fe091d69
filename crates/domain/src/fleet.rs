//! Bodies of the fleet half of the API: kiosk heartbeats, what staff see of
//! the kiosks, maintenance and the center's notice.
//!
//! Every documented field is always present in an answer: `null` when empty,
//! never left out, so a client never has to tell "absent" from "null".

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};

/// A kiosk's printer, as its heartbeat reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrinterHealth {
    /// Ready (or busy, or a transport that cannot report: printing is tried).
    Ok,
    /// Ready, but the roll is nearly finished.
    PaperNearEnd,
    /// No paper: the kiosk shows tickets on screen only.
    PaperOut,
    /// The cover is open.
    CoverOpen,
    /// Off, unplugged, or not answering.
    Offline,
}

impl PrinterHealth {
    /// Every state, in the order metrics list them.
    pub const ALL: [PrinterHealth; 5] = [Self::Ok, Self::PaperNearEnd, Self::PaperOut, Self::CoverOpen, Self::Offline];

    /// The wire name, e.g. `paper_near_end`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::PaperNearEnd => "paper_near_end",
            Self::PaperOut => "paper_out",
            Self::CoverOpen => "cover_open",
            Self::Offline => "offline",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

/// A field that must be present, even when it is `null`: serde's derive
/// would otherwise read a missing `Option` as `None`.
fn required<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

/// `POST /api/v1/kiosks/heartbeat`: a kiosk's health, every 30 s and on
/// every change. Every field is required (`last_error` may be `null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRequest {
    /// The kiosk's id from its config: 1–64 of `A-Z a-z 0-9 . _ -`.
    pub kiosk_id: String,
    /// Its printer now.
    pub printer: PrinterHealth,
    /// Offline tickets not yet delivered.
    #[serde(deserialize_with = "crate::number::integer")]
    pub outbox: u32,
    /// Tickets whose slip has not printed.
    #[serde(deserialize_with = "crate::number::integer")]
    pub unprinted: u32,
    /// The kiosk software's version, 1–64 visible characters.
    pub version: String,
    /// Seconds since the kiosk started.
    #[serde(deserialize_with = "crate::number::integer")]
    pub uptime_s: u64,
    /// The code of the last error the kiosk met (e.g. `printer_paper_out`), or null.
    #[serde(deserialize_with = "required")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub last_error: Option<String>,
}

/// A notice every kiosk of a center shows on its home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    /// The text in Vietnamese.
    pub text_vi: String,
    /// The text in English, or null (kiosks then show the Vietnamese).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub text_en: Option<String>,
    /// When it stops showing, or null (until cleared).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub until: Option<Timestamp>,
}

impl Notice {
    /// Whether it still shows at `now`.
    pub fn is_current(&self, now: Timestamp) -> bool {
        self.until.is_none_or(|u| u > now)
    }
}

/// The answer to a heartbeat: what the kiosk must show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeartbeatResponse {
    /// The kiosk, as it reported.
    pub kiosk_id: String,
    /// Show "Máy đang bảo trì" instead of the home screen.
    pub maintenance: bool,
    /// The center's notice for the home screen, or null.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub notice: Option<Notice>,
}

/// `PUT /api/v1/kiosks/{kiosk_id}/maintenance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MaintenanceRequest {
    /// True: the kiosk shows "Máy đang bảo trì" instead of its home screen.
    pub on: bool,
}

/// `PUT /api/v1/notice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoticeRequest {
    /// The text in Vietnamese, 1–300 characters.
    pub text_vi: String,
    /// The text in English, at most 300 characters.
    #[serde(default)]
    pub text_en: Option<String>,
    /// When it stops showing (RFC 3339, in the future); none: until cleared.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub until: Option<Timestamp>,
}

/// `{"notice": …}`: the answer to `PUT` and `DELETE /api/v1/notice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeResponse {
    /// The notice now showing, or null.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub notice: Option<Notice>,
}

/// Something about a kiosk that staff should see to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskAlert {
    /// `paper_near_end`, `paper_out`, `cover_open`, `printer_offline` or `silent`.
    pub code: String,
    /// E.g. "Ki-ốt sảnh 1 sắp hết giấy".
    pub text_vi: String,
    /// E.g. "Lobby kiosk 1: paper running low".
    pub text_en: String,
}

/// One kiosk as staff see it (`GET /api/v1/kiosks`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskView {
    /// Its id.
    pub kiosk_id: String,
    /// Its display name from the catalog, else its id.
    pub name: String,
    /// Its English display name from the catalog, or null.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name_en: Option<String>,
    /// Its printer at the last heartbeat; null if it never reported.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub printer: Option<PrinterHealth>,
    /// Offline tickets not yet delivered, at the last heartbeat.
    pub outbox: u32,
    /// Tickets whose slip has not printed, at the last heartbeat.
    pub unprinted: u32,
    /// Its software version, or null.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub version: Option<String>,
    /// Seconds it had been running at the last heartbeat, or null.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub uptime_s: Option<u64>,
    /// The last error it reported, or null.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub last_error: Option<String>,
    /// Its last heartbeat, or null if it never reported.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime, required = true))]
    pub last_seen: Option<Timestamp>,
    /// Seconds since its last heartbeat, or null.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub last_seen_age_s: Option<u64>,
    /// No heartbeat for longer than the server's threshold (2 minutes by default).
    pub silent: bool,
    /// Staff put it in maintenance.
    pub maintenance: bool,
    /// What staff should see to, in both languages; none while in maintenance.
    pub alerts: Vec<KioskAlert>,
}

/// `GET /api/v1/kiosks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KiosksResponse {
    /// The center's kiosks that reported (or were put in maintenance), by id.
    pub kiosks: Vec<KioskView>,
    /// The center's notice now showing, or null.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub notice: Option<Notice>,
    /// Seconds without a heartbeat after which a kiosk is silent.
    pub silent_after_s: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat(extra: &str) -> String {
        format!(r#"{{"kiosk_id":"k1","printer":"paper_near_end","outbox":0,"unprinted":2,"version":"0.1.0","uptime_s":9{extra}}}"#)
    }

    #[test]
    fn every_heartbeat_field_is_required_and_last_error_may_be_null() {
        let ok: HeartbeatRequest = serde_json::from_str(&beat(r#","last_error":null"#)).unwrap();
        assert_eq!((ok.printer, ok.last_error), (PrinterHealth::PaperNearEnd, None));
        let err = serde_json::from_str::<HeartbeatRequest>(&beat("")).unwrap_err();
        assert!(err.to_string().contains("last_error"), "{err}");
        assert!(serde_json::from_str::<HeartbeatRequest>(&beat(r#","last_error":null,"extra":1"#)).is_err());
        assert!(serde_json::from_str::<HeartbeatRequest>(&beat(r#","last_error":null"#).replace("paper_near_end", "jammed")).is_err());
        assert!(serde_json::from_str::<HeartbeatRequest>(&beat(r#","last_error":null"#).replace("\"outbox\":0", "\"outbox\":-1")).is_err());
    }

    #[test]
    fn answers_keep_their_null_fields() {
        let r = HeartbeatResponse { kiosk_id: "k1".into(), maintenance: false, notice: None };
        assert_eq!(serde_json::to_value(&r).unwrap(), serde_json::json!({"kiosk_id": "k1", "maintenance": false, "notice": null}));
        let n = Notice { text_vi: "Nghỉ trưa".into(), text_en: None, until: None };
        assert_eq!(serde_json::to_value(&n).unwrap(), serde_json::json!({"text_vi": "Nghỉ trưa", "text_en": null, "until": null}));
    }

    #[test]
    fn printer_names_round_trip() {
        for h in PrinterHealth::ALL {
            assert_eq!(serde_json::to_value(h).unwrap(), h.as_str());
            assert_eq!(PrinterHealth::parse(h.as_str()), Some(h));
        }
    }
}
