//! The commands run under Tauri's mock runtime: no desktop, no webview.

use std::time::Instant;

use motcua_engine::{Config, Kiosk};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

use crate::shell::Shell;

const PIN_1234: &str = "sha256:03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4";

/// A kiosk whose central server is unreachable (port 9, nothing listens).
fn app(dir: &std::path::Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let slips = dir.join("slips");
    std::fs::create_dir_all(&slips).expect("slips dir");
    let text = format!(
        r#"
kiosk_id = "kiosk-test-1"
center_id = "vp-tinh"
central_url = "http://127.0.0.1:9"
token = "demo-kiosk"
printer = "pdf+dir://{slips}"
admin_pin_hash = "{PIN_1234}"
data_dir = "{data}"
idle_timeout_s = 45
language = "en"
online_budget_ms = 300
"#,
        slips = slips.display(),
        data = dir.join("data").display(),
    );
    let config = Config::parse(&text, |_| None).expect("config");
    let kiosk = tauri::async_runtime::block_on(Kiosk::open(config)).expect("kiosk");
    let app = mock_builder().invoke_handler(crate::invoke_handler()).build(mock_context(noop_assets())).expect("mock app");
    app.manage(kiosk);
    app.manage(Shell::new(false, Instant::now()));
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    (app, window)
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(window, request).map(|b| b.deserialize::<Value>().expect("json body"))
}

#[test]
fn ui_settings_come_from_the_config_and_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_app, w) = app(dir.path());
    let settings = invoke(&w, "ui_settings", json!({})).expect("ui_settings");
    assert_eq!(settings, json!({"language": "en", "idle_timeout_s": 45, "fullscreen": false}));
}

#[test]
fn a_garbage_code_is_refused_with_the_pinned_error_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_app, w) = app(dir.path());
    let err = invoke(&w, "lookup", json!({"text": "xin chào"})).expect_err("not a code");
    assert_eq!(err["code"], "not_a_code");
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(err["message_vi"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn without_server_or_cached_catalog_a_ticket_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_app, w) = app(dir.path());
    let err = invoke(&w, "take_ticket", json!({"service_id": "vp-dat-dai-tai-nguyen", "priority": null})).expect_err("no catalog");
    assert!(["catalog_unavailable", "server_unreachable"].contains(&err["code"].as_str().unwrap_or("")), "{err}");
    let err = invoke(&w, "catalog", json!({})).expect_err("no catalog");
    assert_eq!(err["code"], "server_unreachable", "{err}");
}

#[test]
fn a_print_in_a_language_other_than_vi_or_en_is_refused_before_anything_is_issued() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_app, w) = app(dir.path());
    for (cmd, args) in [
        ("take_ticket", json!({"service_id": "vp-dat-dai-tai-nguyen", "priority": null, "lang": "fr"})),
        ("collect_result", json!({"code": "000.00.12.H62-261120-0004", "lang": "fr"})),
        ("reprint", json!({"ticket_id": "B-K1-001", "lang": "fr"})),
        ("print_checklist", json!({"id": "x", "lang": "fr"})),
        ("print_dossier", json!({"code": "000.00.12.H62-261120-0004", "lang": "fr"})),
    ] {
        let err = invoke(&w, cmd, args).expect_err("fr is not a slip language");
        assert_eq!(err["code"], "invalid_request", "{cmd}: {err}");
    }
    // "en" passes the check and meets the missing catalog instead.
    let err =
        invoke(&w, "take_ticket", json!({"service_id": "vp-dat-dai-tai-nguyen", "priority": null, "lang": "en"})).expect_err("no catalog");
    assert_ne!(err["code"], "invalid_request", "{err}");
}

#[test]
fn status_reports_offline_and_search_is_empty_without_a_catalog() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_app, w) = app(dir.path());
    let status = invoke(&w, "status", json!({})).expect("status");
    assert_eq!(status["online"], false, "{status}");
    assert_eq!(status["catalog_loaded"], false);
    // What the UI's maintenance screen and notice banner read (ui/js/fleet.js).
    assert_eq!((status["maintenance"].clone(), status["notice"].clone()), (json!(false), Value::Null), "{status}");
    assert_eq!(invoke(&w, "search", json!({"text": "dat dai"})).expect("search"), json!([]));
}

#[test]
fn admin_exit_refuses_a_wrong_pin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_app, w) = app(dir.path());
    let err = invoke(&w, "admin_exit", json!({"pin": "0000"})).expect_err("wrong pin");
    assert_eq!(err["code"], "admin_pin_wrong");
}

#[test]
fn ui_ready_reports_milliseconds_since_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_app, w) = app(dir.path());
    let ms = invoke(&w, "ui_ready", json!({})).expect("ui_ready");
    assert!(ms.as_u64().is_some(), "{ms}");
}

#[test]
fn an_unknown_command_is_not_handled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_app, w) = app(dir.path());
    assert!(invoke(&w, "sync_now", json!({})).is_err());
}
