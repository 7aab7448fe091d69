//! The error every command returns: `{code, message, message_vi, due_at?, next_open_at?}`.

use motcua_engine::{EngineError, EngineErrorBody};
use serde::Serialize;

/// An engine error as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(transparent)]
#[error("{}: {}", .0.code, .0.message)]
pub struct IpcError(pub EngineErrorBody);

impl IpcError {
    /// The stable code.
    pub fn code(&self) -> &str {
        &self.0.code
    }
}

impl From<EngineError> for IpcError {
    fn from(e: EngineError) -> Self {
        tracing::info!(code = e.code(), error = %e, "command failed");
        Self(e.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::{ApiError, ErrorCode};

    #[test]
    fn error_json_crossing_ipc_is_pinned() {
        let mut api = ApiError::new(ErrorCode::DossierNotReady);
        api.due_at = Some("2026-12-01T09:30:00Z".parse().expect("timestamp"));
        let json = serde_json::to_value(IpcError::from(EngineError::Api(Box::new(api)))).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "code": "dossier_not_ready",
                "message": "The result is not ready yet. No need to queue; please come back on the due date.",
                "message_vi": "Hồ sơ chưa có kết quả. Ông/bà chưa cần lấy số; vui lòng quay lại vào ngày hẹn trả.",
                "due_at": "2026-12-01T09:30:00Z"
            })
        );
    }

    #[test]
    fn an_unreachable_server_has_no_optional_fields() {
        let e = EngineError::ServerUnreachable { detail: "connection refused".into(), collect: false };
        let json = serde_json::to_value(IpcError::from(e)).expect("json");
        let mut keys: Vec<_> = json.as_object().expect("object").keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["code", "message", "message_vi"]);
        assert_eq!(json["code"], "server_unreachable");
        // Internal detail (addresses, OS errors) never reaches the screen.
        assert!(!json.to_string().contains("connection refused"));
    }

    #[test]
    fn a_wrong_pin_is_its_own_code() {
        let json = serde_json::to_value(IpcError::from(EngineError::AdminPinWrong)).expect("json");
        assert_eq!(json, serde_json::json!({"code": "admin_pin_wrong", "message": "Wrong PIN.", "message_vi": "Sai mã quản trị."}));
    }
}
