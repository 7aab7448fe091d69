//! `kioskctl --config`: what an IT officer runs to check a kiosk.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use motcua_tests::*;

fn kioskctl(args: &[&str], config: &std::path::Path) -> (bool, serde_json::Value, serde_json::Value) {
    let out = Command::new(kioskctl_bin()).args(args).arg("--config").arg(config).output().unwrap();
    let parse = |b: &[u8]| serde_json::from_slice(b).unwrap_or(serde_json::Value::Null);
    (out.status.success(), parse(&out.stdout), parse(&out.stderr))
}

#[test]
fn kioskctl_takes_tickets_reports_status_syncs_and_explains_errors() {
    let mut lobby = Lobby::open(central_bin!(), READY);
    let config = lobby.config_file("");

    let (ok, out, _) = kioskctl(&["take-ticket", "--service", LAND], &config);
    assert!(ok, "{out}");
    assert_eq!(out["ticket"]["number"], "B001");
    assert_eq!(out["printed"], true);
    assert!(out.get("preview_png").is_none());

    let (ok, out, _) = kioskctl(&["lookup", out["ticket"]["lookup_url"].as_str().unwrap()], &config);
    assert!(ok);
    assert_eq!((out["kind"].as_str(), out["ticket"]["position"].as_u64()), (Some("ticket"), Some(1)));

    let (ok, _, err) = kioskctl(&["lookup", "not a code"], &config);
    assert!(!ok);
    assert_eq!(err["code"], "not_a_code");
    assert!(err["message_vi"].is_string() && err["message"].is_string());

    let (ok, _, err) = kioskctl(&["collect-result", DOSSIER_PROCESSING], &config);
    assert!(!ok);
    assert_eq!(err["code"], "dossier_not_ready");
    assert!(err["due_at"].is_string());

    lobby.central.stop();
    let (ok, out, _) = kioskctl(&["take-ticket", "--service", LAND], &config);
    assert!(ok);
    assert_eq!(out["ticket"]["number"], "B-K1-001");
    let (_, status, _) = kioskctl(&["status"], &config);
    assert_eq!((status["online"].as_bool(), status["outbox"].as_u64()), (Some(false), Some(1)));
    assert_eq!(status["printer"]["state"], "ready");
    assert_eq!(status["heartbeat"]["error"]["code"], "server_unreachable", "the heartbeat says why it was not answered");

    lobby.central.restart();
    let (ok, status, _) = kioskctl(&["status"], &config);
    assert!(ok, "{status}");
    assert_eq!(status["heartbeat"], serde_json::json!({"kiosk_id": "kiosk-test-1", "maintenance": false, "notice": null}));
    assert_eq!((status["maintenance"].as_bool(), status["notice"].is_null()), (Some(false), true));
    let (ok, report, _) = kioskctl(&["sync"], &config);
    assert!(ok, "{report}");
    assert_eq!((report["sent"].as_u64(), report["remaining"].as_u64()), (Some(1), Some(0)));
    let (ok, out, _) = kioskctl(&["reprint", "B-K1-001"], &config);
    assert!(ok && out["printed"] == true);

    std::fs::write(&config, "kiosk_id = \"k\"\npaper_mm = 72\n").unwrap();
    let (ok, _, err) = kioskctl(&["status"], &config);
    assert!(!ok);
    assert_eq!(err["code"], "config_invalid");
}
