//! Test helpers: external decoders, an ESC/POS parser, a fake printer.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::thread::JoinHandle;

use motcua_receipt::Raster;

/// Runs a tool; a missing tool fails the test naming the Debian package.
pub fn run(tool: &str, package: &str, args: &[&str]) -> std::process::Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!("`{tool}` could not be run ({e}): install the Debian package `{package}` (apt-get install {package})"),
    }
}

/// Decodes the QR codes in an image with zbarimg.
pub fn zbar(path: &Path) -> String {
    let out = run("zbarimg", "zbar-tools", &["--raw", "-q", path.to_str().unwrap()]);
    assert!(out.status.success(), "zbarimg found no code in {}", path.display());
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

/// pdftotext of a PDF, whitespace collapsed.
pub fn pdf_text(pdf: &Path) -> String {
    let out = run("pdftotext", "poppler-utils", &[pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The QR on page 1 of a PDF (pdftoppm at 203 dpi, then zbarimg), or
/// `None` when the PDF cannot be read (yet) or holds no code.
pub fn try_qr_of_pdf(pdf: &Path, scratch: &Path) -> Option<String> {
    let prefix = scratch.join("page");
    let out = run("pdftoppm", "poppler-utils", &["-r", "203", "-png", "-singlefile", pdf.to_str()?, prefix.to_str()?]);
    if !out.status.success() {
        return None;
    }
    let png = prefix.with_extension("png");
    let out = run("zbarimg", "zbar-tools", &["--raw", "-q", png.to_str()?]);
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
}

/// Parses `ESC @`, `GS v 0` bands, `ESC d n`, `GS V 66 n` back into the image.
pub fn decode_escpos(bytes: &[u8]) -> Raster {
    let (mut i, mut width, mut height, mut bits) = (0, None, 0u32, Vec::new());
    let (mut init, mut cut) = (false, false);
    while i < bytes.len() {
        match &bytes[i..] {
            [0x1b, b'@', ..] => {
                init = true;
                i += 2;
            }
            [0x1d, b'v', b'0', 0, xl, xh, yl, yh, ..] => {
                let stride = u16::from_le_bytes([*xl, *xh]) as usize;
                let rows = u16::from_le_bytes([*yl, *yh]) as usize;
                assert_eq!(*width.get_or_insert(stride), stride);
                assert!(rows <= 256);
                bits.extend_from_slice(&bytes[i + 8..i + 8 + stride * rows]);
                height += rows as u32;
                i += 8 + stride * rows;
            }
            [0x1b, b'd', _, ..] => i += 3,
            [0x1d, b'V', 66, _, ..] => {
                cut = true;
                i += 4;
            }
            rest => panic!("unexpected bytes at {i}: {:02x?}", &rest[..rest.len().min(8)]),
        }
    }
    assert!(init && cut, "ESC @ … partial cut");
    Raster { width: width.unwrap() as u32 * 8, height, bits }
}

/// How the fake printer answers `DLE EOT n`.
#[derive(Clone, Copy)]
pub enum Answer {
    /// Status bytes for n = 1, 2, 4.
    Status { printer: u8, offline: u8, paper: u8 },
    /// Accept the connection, read, never answer.
    Silent,
}

/// A one-connection ESC/POS printer on 127.0.0.1; returns its port and a
/// handle yielding the job bytes it received (status queries excluded).
pub fn fake_printer(answer: Answer) -> (u16, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let mut pending = Vec::new();
        let mut job = Vec::new();
        let mut in_job = false;
        let mut buf = [0u8; 4096];
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if in_job {
                job.extend_from_slice(&buf[..n]);
                continue;
            }
            pending.extend_from_slice(&buf[..n]);
            // Real-time status requests come before the job.
            while pending.len() >= 3 && pending[0] == 0x10 && pending[1] == 0x04 {
                let byte = match (answer, pending[2]) {
                    (Answer::Silent, _) => None,
                    (Answer::Status { printer, .. }, 1) => Some(printer),
                    (Answer::Status { offline, .. }, 2) => Some(offline),
                    (Answer::Status { paper, .. }, 4) => Some(paper),
                    (Answer::Status { .. }, _) => Some(0x12),
                };
                if let Some(b) = byte {
                    stream.write_all(&[b]).unwrap();
                }
                pending.drain(..3);
            }
            let partial_request = pending.first() == Some(&0x10) && pending.len() < 3;
            if !pending.is_empty() && !partial_request {
                in_job = true;
                job.append(&mut pending);
            }
        }
        job
    });
    (port, handle)
}
