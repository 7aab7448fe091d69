//! Helpers shared by the integration tests: external decoders and an
//! ESC/POS parser.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use motcua_receipt::Raster;

/// Runs a tool, failing the test with the Debian package to install when it
/// is missing.
pub fn run(tool: &str, package: &str, args: &[&str]) -> std::process::Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!("`{tool}` could not be run ({e}): install the Debian package `{package}` (apt-get install {package})"),
    }
}

/// Decodes the QR codes in an image file with zbarimg.
pub fn zbar(path: &Path) -> String {
    let path = path.to_str().unwrap();
    let out = run("zbarimg", "zbar-tools", &["--raw", "-q", path]);
    assert!(out.status.success(), "zbarimg found no code in {path}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

/// Turns page 1 of a PDF into a PNG with pdftoppm; returns the PNG path.
pub fn pdf_to_png(pdf: &Path, dpi: u32) -> std::path::PathBuf {
    let prefix = pdf.with_extension("");
    let out =
        run("pdftoppm", "poppler-utils", &["-r", &dpi.to_string(), "-png", "-singlefile", pdf.to_str().unwrap(), prefix.to_str().unwrap()]);
    assert!(out.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&out.stderr));
    prefix.with_extension("png")
}

/// The text of a PDF by pdftotext.
pub fn pdf_text(pdf: &Path) -> String {
    let out = run("pdftotext", "poppler-utils", &[pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Parses an ESC/POS job made of `ESC @`, `GS v 0` bands, `ESC d n` and
/// `GS V 66 n` back into the image it prints. Panics on anything else.
pub fn decode_escpos(bytes: &[u8]) -> Raster {
    let mut i = 0;
    let mut width = None;
    let mut bits = Vec::new();
    let mut height = 0u32;
    let (mut initialised, mut cut) = (false, false);
    while i < bytes.len() {
        match &bytes[i..] {
            [0x1b, b'@', ..] => {
                initialised = true;
                i += 2;
            }
            [0x1d, b'v', b'0', m, xl, xh, yl, yh, ..] => {
                assert_eq!(*m, 0, "normal density");
                let stride = u16::from_le_bytes([*xl, *xh]) as usize;
                let rows = u16::from_le_bytes([*yl, *yh]) as usize;
                assert!(rows <= 256, "bands of at most 256 rows");
                let w = *width.get_or_insert(stride);
                assert_eq!(w, stride, "every band has the same width");
                let start = i + 8;
                bits.extend_from_slice(&bytes[start..start + stride * rows]);
                height += rows as u32;
                i = start + stride * rows;
            }
            [0x1b, b'd', _, ..] => i += 3,
            [0x1d, b'V', 66, _, ..] => {
                cut = true;
                i += 4;
            }
            rest => panic!("unexpected ESC/POS bytes at {i}: {:02x?}", &rest[..rest.len().min(8)]),
        }
    }
    assert!(initialised, "job starts with ESC @");
    assert!(cut, "job ends with a partial cut");
    let stride = width.expect("at least one raster band");
    Raster { width: stride as u32 * 8, height, bits }
}
