//! Dossier data from its source (the province's one-stop system): the body of
//! `POST /api/v1/dossiers/batch` and its answer. The server reads each item as
//! free JSON, so one malformed item is rejected alone; these types are what a
//! client sends and receives.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::api::ErrorCode;

/// Most dossiers in one batch.
pub const MAX_BATCH_DOSSIERS: usize = 1000;

/// `POST /api/v1/dossiers/batch`: up to [`MAX_BATCH_DOSSIERS`] dossiers.
/// Each item is [`BatchDossier`] (our field names) or the national portal's
/// shape (`MaHoSo`, `TenTTHC`, `ChuHoSo`, `TrangThaiHoSo`, `NgayTiepNhan`,
/// `NgayHenTra`, `NgayCapNhat`…, dates `yyyyMMddHHmmss` in the center's time zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierBatchRequest {
    /// The dossiers, applied in this order.
    pub dossiers: Vec<BatchDossier>,
}

/// One dossier in our shape: the `PUT /api/v1/dossiers/{code}` fields, its
/// code, and the source's update time that orders updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchDossier {
    /// The dossier code (mã hồ sơ), e.g. `000.00.12.H62-261130-0101`.
    pub code: String,
    /// The procedure's name (tên thủ tục).
    pub procedure_name: String,
    /// The procedure's code in the national catalog (mã TTHC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_id: Option<String>,
    /// The applicant (chủ hồ sơ); stored, and masked on every public screen.
    pub applicant_name: String,
    /// The national status code, 1..10.
    pub status: u8,
    /// When the dossier was received.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: Timestamp,
    /// When the result is due (ngày hẹn trả).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub due_at: Timestamp,
    /// When the result was handed over (ngày trả).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub returned_at: Option<Timestamp>,
    /// Where the result is collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collect_at: Option<String>,
    /// A note kept with the history step a status change adds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The unit processing it now (đơn vị xử lý).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// When the source last changed it; without it, the time the server received it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub updated_at: Option<Timestamp>,
}

/// What became of one dossier of a batch or an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WriteOutcome {
    /// A dossier the server did not have.
    Created,
    /// The stored dossier changed.
    Updated,
    /// Nothing changed: the same content, or an update older than the stored one.
    Unchanged,
    /// Not stored: see its error.
    Rejected,
}

impl WriteOutcome {
    /// The wire name, e.g. `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Rejected => "rejected",
        }
    }
}

/// Why one item was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemError {
    /// A stable code (`invalid_request`, `invalid_dossier_code`, `forbidden`, `internal`).
    pub code: ErrorCode,
    /// What is wrong, naming the field as it was sent.
    pub message: String,
}

/// One item's result, at the item's place in the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchItemResult {
    /// The dossier code (normalised when it parsed, as sent when not; null when absent).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub code: Option<String>,
    /// What became of it.
    pub outcome: WriteOutcome,
    /// Why it was rejected.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub error: Option<ItemError>,
}

/// The answer to a batch: one result per dossier, in request order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierBatchResponse {
    /// One result per item of `dossiers`, in the same order.
    pub results: Vec<BatchItemResult>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_serialise_as_documented() {
        let r = DossierBatchResponse {
            results: vec![
                BatchItemResult { code: Some("C".into()), outcome: WriteOutcome::Created, error: None },
                BatchItemResult {
                    code: None,
                    outcome: WriteOutcome::Rejected,
                    error: Some(ItemError { code: ErrorCode::InvalidRequest, message: "missing code".into() }),
                },
            ],
        };
        let json = serde_json::to_value(&r).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"results": [
                {"code": "C", "outcome": "created", "error": null},
                {"code": null, "outcome": "rejected", "error": {"code": "invalid_request", "message": "missing code"}}
            ]})
        );
        assert_eq!(serde_json::to_value(WriteOutcome::Unchanged).expect("json"), WriteOutcome::Unchanged.as_str());
    }
}
