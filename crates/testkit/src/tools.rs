//! The external decoders a test reads a slip with: zbarimg (zbar-tools) for
//! QR codes, pdftoppm and pdftotext (poppler-utils) for PDFs. A missing tool
//! fails the test naming the Debian package to install; it never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `tool` with `args`; when it cannot be run, fails the test naming the
/// Debian `package` that provides it.
pub fn run_tool(tool: &str, package: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!("`{tool}` could not be run ({e}): install the Debian package `{package}` (apt-get install {package})"),
    }
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| panic!("{} is not UTF-8", path.display()))
}

/// The QR code in an image file, by zbarimg.
pub fn zbar(image: &Path) -> String {
    let out = run_tool("zbarimg", "zbar-tools", &["--raw", "-q", text(image)]);
    assert!(out.status.success(), "zbarimg found no code in {}: {}", image.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("zbarimg output is UTF-8").trim_end().to_owned()
}

/// The QR code in a PNG held in memory.
pub fn qr_of_png(png: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("slip.png");
    std::fs::write(&path, png).expect("write PNG");
    zbar(&path)
}

/// Page 1 of a PDF as a PNG at `dpi`, by pdftoppm; the PNG sits beside the PDF.
pub fn pdf_to_png(pdf: &Path, dpi: u32) -> PathBuf {
    let prefix = pdf.with_extension("");
    let out = run_tool("pdftoppm", "poppler-utils", &["-r", &dpi.to_string(), "-png", "-singlefile", text(pdf), text(&prefix)]);
    assert!(out.status.success(), "pdftoppm failed on {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    prefix.with_extension("png")
}

/// The text of a PDF, by pdftotext, with its line breaks.
pub fn pdf_text(pdf: &Path) -> String {
    let out = run_tool("pdftotext", "poppler-utils", &[text(pdf), "-"]);
    assert!(out.status.success(), "pdftotext failed on {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("pdftotext output is UTF-8")
}

/// The words of a PDF joined by single spaces, so that a phrase wrapped
/// across lines on the slip is found whole.
pub fn pdf_words(pdf: &Path) -> String {
    pdf_text(pdf).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The QR on page 1 of a PDF (pdftoppm at 203 dpi into `scratch`, then
/// zbarimg), or `None` while the PDF cannot be read (a spooler still writing
/// it) or holds no code. The tools must be installed.
pub fn try_qr_of_pdf(pdf: &Path, scratch: &Path) -> Option<String> {
    let prefix = scratch.join("page");
    let out = run_tool("pdftoppm", "poppler-utils", &["-r", "203", "-png", "-singlefile", pdf.to_str()?, prefix.to_str()?]);
    if !out.status.success() {
        return None;
    }
    let png = prefix.with_extension("png");
    let out = run_tool("zbarimg", "zbar-tools", &["--raw", "-q", png.to_str()?]);
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
}
