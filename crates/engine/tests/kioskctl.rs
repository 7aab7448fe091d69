//! The `kioskctl` binary: render, print-test, printer-status.

// A test crate: a failed unwrap is the report (its helpers are not `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use motcua_testkit::{decode_escpos, pdf_words, zbar};

fn kioskctl(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kioskctl")).args(args).output().unwrap()
}

#[test]
fn render_writes_png_pdf_and_escpos_with_the_sample_qr() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("t.png");
    let out = kioskctl(&["render", "--slip", "ticket", "--sample", "--format", "png", "--paper", "58", "--out", png.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(zbar(&png), "https://motcua.example/t/SAMPLE");

    let bin = dir.path().join("t.bin");
    let url = "https://motcua.example/t/xyz";
    let out =
        kioskctl(&["render", "--slip", "ticket", "--sample", "--format", "escpos", "--out", bin.to_str().unwrap(), "--lookup-url", url]);
    assert!(out.status.success());
    let raster = decode_escpos(&std::fs::read(&bin).unwrap());
    assert_eq!(raster.width, 576);
    let png2 = dir.path().join("t2.png");
    std::fs::write(&png2, raster.to_png().unwrap()).unwrap();
    assert_eq!(zbar(&png2), url);

    let pdf = dir.path().join("appointment.pdf");
    let out = kioskctl(&["render", "--slip", "ticket", "--sample", "--appointment", "--format", "pdf", "--out", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(pdf_words(&pdf).contains("Đặt lịch 09:00"), "{}", pdf_words(&pdf));

    for (slip, needle) in [("dossier", "000.00.12.H62-261118-0004"), ("checklist", "Đăng ký thành lập hộ kinh doanh")] {
        let pdf = dir.path().join(format!("{slip}.pdf"));
        let out = kioskctl(&["render", "--slip", slip, "--sample", "--format", "pdf", "--out", pdf.to_str().unwrap(), "--lang", "en"]);
        assert!(out.status.success());
        assert!(pdf_words(&pdf).contains(needle));
    }
}

#[test]
fn print_test_to_a_folder_and_bad_specs_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let spec = format!("pdf+dir://{}", dir.path().display());
    let out = kioskctl(&["print-test", "--printer", &spec]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("20261128-081512-A012.pdf").exists());

    let out = kioskctl(&["printer-status", "--printer", "lp0"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\"lp0\"") && stderr.contains("printer_spec_invalid"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert!(json.is_null(), "a spec error prints no status JSON");

    let out = kioskctl(&["render", "--slip", "ticket", "--format", "png", "--out", "/tmp/x.png"]);
    assert!(!out.status.success(), "--sample is required");
}
