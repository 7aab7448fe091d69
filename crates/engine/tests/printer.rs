//! Printers against real parts: a fake ESC/POS printer on loopback TCP, a
//! folder, and CUPS with the cups-pdf backend (`.ci/cups-setup.sh`).

// A test crate: a failed unwrap is the report (its helpers are not `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use motcua_engine::printer::{PrintData, Printer, PrinterSpec, PrinterState, Timeouts};
use motcua_receipt::{Lang, Paper, Renderer, samples, slips};
use motcua_testkit::{Answer, FakePrinter, RefusingPort, Status, decode_escpos, pdf_text, run_tool, try_qr_of_pdf, wait_until, zbar};

fn tcp_printer(port: u16, io: Duration) -> Printer {
    let spec: PrinterSpec = format!("escpos+tcp://127.0.0.1:{port}").parse().unwrap();
    Printer::new(spec).with_timeouts(Timeouts { connect: Duration::from_secs(2), io, command: Duration::from_secs(10) })
}

fn ticket_job(printer: &Printer, url: Option<&str>) -> motcua_engine::printer::PrintJob {
    let renderer = Renderer::new().unwrap();
    let sample = samples::ticket(url);
    let layout = slips::ticket(&sample, Lang::Vi).unwrap();
    printer.job(&renderer, &layout, Paper::Mm80, sample.number.clone(), sample.issued_at).unwrap()
}

/// What the fake printer received over the one connection a print makes.
fn only_session(fake: &FakePrinter) -> motcua_testkit::Session {
    let sessions = fake.wait_sessions(1);
    assert_eq!(sessions.len(), 1, "one connection per print: {sessions:?}");
    sessions.into_iter().next().unwrap()
}

#[test]
fn paper_out_refuses_the_print_and_sends_no_raster() {
    let fake = FakePrinter::start(Answer::Status(Status::PAPER_OUT));
    let printer = tcp_printer(fake.port(), Duration::from_secs(2));
    let err = printer.print(&ticket_job(&printer, None)).unwrap_err();
    assert_eq!(err.code(), "printer_paper_out");
    assert!(err.to_string().contains(&format!("127.0.0.1:{}", fake.port())), "{err}");
    assert_eq!(err.message_vi(), "Máy in hết giấy. Vui lòng báo cán bộ hướng dẫn.");
    assert!(only_session(&fake).job.is_empty(), "no raster sent");
}

#[test]
fn cover_open_refuses_the_print() {
    let fake = FakePrinter::start(Answer::Status(Status::COVER_OPEN));
    let printer = tcp_printer(fake.port(), Duration::from_secs(2));
    assert_eq!(printer.print(&ticket_job(&printer, None)).unwrap_err().code(), "printer_cover_open");
    assert!(only_session(&fake).job.is_empty());
}

#[test]
fn a_ready_printer_receives_the_raster_and_its_qr_decodes() {
    let url = "https://motcua.example/t/r7Kx2QmP9vLw";
    let fake = FakePrinter::start(Answer::Status(Status::READY));
    let printer = tcp_printer(fake.port(), Duration::from_secs(2));
    let job = ticket_job(&printer, Some(url));
    let outcome = printer.print(&job).unwrap();
    assert_eq!(outcome.status.state, PrinterState::Ready);
    let received = only_session(&fake);
    assert_eq!(received.queries, [1, 2, 4], "status is read before the job");
    let decoded = decode_escpos(&received.job);
    let PrintData::Raster(raster) = &job.data else { panic!("ESC/POS job") };
    assert_eq!(&decoded, raster, "bit for bit");
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("received.png");
    std::fs::write(&png, decoded.to_png().unwrap()).unwrap();
    assert_eq!(zbar(&png), url);
}

#[test]
fn paper_near_end_still_prints() {
    let fake = FakePrinter::start(Answer::Status(Status::PAPER_NEAR_END));
    let printer = tcp_printer(fake.port(), Duration::from_secs(2));
    let outcome = printer.print(&ticket_job(&printer, None)).unwrap();
    assert_eq!(outcome.status.state, PrinterState::PaperNearEnd);
    assert!(!only_session(&fake).job.is_empty());
}

#[test]
fn a_printer_that_never_answers_times_out_in_time() {
    let fake = FakePrinter::start(Answer::Silent);
    let timeout = Duration::from_millis(400);
    let printer = tcp_printer(fake.port(), timeout);
    let started = Instant::now();
    let err = printer.status().unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.code(), "printer_timeout", "{err}");
    assert!(elapsed < timeout + Duration::from_millis(600), "took {elapsed:?}");
    // A print to a silent printer fails the same way before sending the job.
    let err = printer.print(&ticket_job(&printer, None)).unwrap_err();
    assert_eq!(err.code(), "printer_timeout");
    let sessions = fake.wait_sessions(2);
    assert!(sessions.iter().all(|s| s.job.is_empty()), "no raster sent");
}

#[test]
fn a_closed_port_is_offline() {
    // Held, not released: nobody else can start listening there meanwhile.
    let nobody = RefusingPort::hold();
    let err = tcp_printer(nobody.port(), Duration::from_secs(1)).status().unwrap_err();
    assert_eq!(err.code(), "printer_offline", "{err}");
}

/// What used to fail on a busy CI machine: something else answered the port
/// and reset the connection. No printer answered, so it is offline.
#[test]
fn a_connection_reset_while_reading_status_is_offline() {
    let fake = FakePrinter::start(Answer::Reset);
    let printer = tcp_printer(fake.port(), Duration::from_secs(2));
    let err = printer.status().unwrap_err();
    assert_eq!(err.code(), "printer_offline", "{err}");
    assert_eq!(err.message_en(), "The printer is not ready. Please tell a staff member.");
    let err = printer.print(&ticket_job(&printer, None)).unwrap_err();
    assert_eq!(err.code(), "printer_offline", "{err}");
    assert!(fake.wait_sessions(2).iter().all(|s| s.job.is_empty()), "no raster sent");
}

#[test]
fn escpos_file_appends_the_job_to_a_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.bin");
    let printer = Printer::new(format!("escpos+file://{}", path.display()).parse().unwrap());
    assert_eq!(printer.status().unwrap().state, PrinterState::Unknown);
    let job = ticket_job(&printer, None);
    printer.print(&job).unwrap();
    let PrintData::Raster(raster) = &job.data else { panic!() };
    assert_eq!(&decode_escpos(&std::fs::read(&path).unwrap()), raster);
}

#[test]
fn pdf_dir_writes_a_pdf_named_after_the_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let printer = Printer::new(format!("pdf+dir://{}", dir.path().display()).parse().unwrap());
    assert_eq!(printer.status().unwrap().state, PrinterState::Ready);
    let outcome = printer.print(&ticket_job(&printer, None)).unwrap();
    let path = outcome.path.unwrap();
    assert_eq!(path.file_name().unwrap(), "20261128-081512-A012.pdf");
    assert!(pdf_text(&path).contains("A012"));
    // A reprint gets its own file; no temp file is left behind.
    let again = printer.print(&ticket_job(&printer, None)).unwrap().path.unwrap();
    assert_eq!(again.file_name().unwrap(), "20261128-081512-A012-2.pdf");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn pdf_dir_that_is_missing_is_offline() {
    let printer = Printer::new("pdf+dir:///nonexistent/motcua-slips".parse().unwrap());
    assert_eq!(printer.status().unwrap().state, PrinterState::Offline);
    assert_eq!(printer.print(&ticket_job(&printer, None)).unwrap_err().code(), "printer_offline");
}

fn require_cups_queue() {
    let out = run_tool("lpstat", "cups-client", &["-p", "PDF"]);
    assert!(
        out.status.success(),
        "CUPS queue `PDF` is missing or cupsd is not running ({}): run `bash .ci/cups-setup.sh` as root",
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

/// Folders cups-pdf may write a root job to (see /etc/cups/cups-pdf.conf).
fn cups_pdf_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("/root/PDF"), PathBuf::from("/var/spool/cups-pdf/ANONYMOUS")];
    if let Ok(conf) = std::fs::read_to_string("/etc/cups/cups-pdf.conf") {
        for line in conf.lines() {
            let mut words = line.split_whitespace();
            if let (Some("Out" | "AnonDirName"), Some(dir)) = (words.next(), words.next()) {
                dirs.push(PathBuf::from(dir.replace("${HOME}", "/root").replace("${USER}", "root")));
            }
        }
    }
    dirs
}

fn pdfs_newer_than(since: SystemTime) -> Vec<PathBuf> {
    cups_pdf_dirs()
        .into_iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .filter(|p| std::fs::metadata(p).and_then(|m| m.modified()).is_ok_and(|t| t >= since))
        .collect()
}

/// cups-pdf runs the job through pdftops and Ghostscript, which turn the
/// embedded Noto Sans into Type 3 fonts without a usable ToUnicode map, so
/// pdftotext of its output is gibberish whatever we send. The slip is
/// identified by its QR instead: the lookup URL carries the ticket number.
#[test]
fn cups_prints_a_ticket_through_cups_pdf() {
    require_cups_queue();
    let printer = Printer::new("cups://PDF".parse().unwrap());
    let since = SystemTime::now() - Duration::from_secs(1);
    let renderer = Renderer::new().unwrap();
    let number = format!("C{:03}", std::process::id() % 1000);
    let url = format!("https://motcua.example/t/{number}-{}", std::process::id());
    let mut sample = samples::ticket(Some(&url));
    sample.number = number.clone();
    let layout = slips::ticket(&sample, Lang::Vi).unwrap();
    let job = printer.job(&renderer, &layout, Paper::Mm80, number.clone(), sample.issued_at).unwrap();
    let outcome = printer.print(&job).unwrap();
    assert!(outcome.cups_request.unwrap().contains("request id"));
    let scratch = tempfile::tempdir().unwrap();
    // cups-pdf writes in place: a file that does not convert yet is simply not finished.
    let path = wait_until(&format!("cups-pdf output with QR {url} in {:?}", cups_pdf_dirs()), Duration::from_secs(20), || {
        pdfs_newer_than(since).into_iter().find(|p| try_qr_of_pdf(p, scratch.path()).is_some_and(|qr| qr == url))
    });
    assert!(path.file_name().unwrap().to_string_lossy().contains(&number), "title names the file: {path:?}");
    let _ = std::fs::remove_file(path);
}

/// The queue is shared (the test above, other runs on the machine): it may be
/// printing someone else's job, which is "busy", and a job still goes in.
#[test]
fn kioskctl_reports_the_cups_queue_ready_or_busy() {
    require_cups_queue();
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_kioskctl")).args(["printer-status", "--printer", "cups://PDF"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (state, detail) = (json["state"].as_str().unwrap(), json["detail"].as_str().unwrap());
    assert!(matches!((state, detail.split(':').next()), ("ready", Some("idle")) | ("busy", Some("printing"))), "{json}");
    assert_eq!(json["can_print"], true);
}

#[test]
fn a_missing_cups_queue_is_reported_by_name() {
    require_cups_queue();
    let err = Printer::new("cups://NO_SUCH_QUEUE".parse().unwrap()).status().unwrap_err();
    assert_eq!(err.code(), "cups_queue_not_found", "{err}");
    assert!(err.to_string().contains("NO_SUCH_QUEUE"));
}
