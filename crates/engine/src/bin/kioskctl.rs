//! `kioskctl`: render sample slips, test printers, read printer status.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use motcua_engine::printer::{Printer, PrinterError, PrinterSpec};
use motcua_receipt::{Lang, Layout, Paper, Renderer, escpos, samples, slips};

#[derive(Parser)]
#[command(name = "kioskctl", version, about = "Một Cửa kiosk control tool")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Render a slip to a file.
    Render {
        /// Which slip.
        #[arg(long, value_enum)]
        slip: SlipKind,
        /// Use the built-in Vietnamese sample data (the only source for now).
        #[arg(long, required = true)]
        sample: bool,
        /// Output format.
        #[arg(long, value_enum)]
        format: Format,
        /// Paper width in mm.
        #[arg(long, value_enum, default_value = "80")]
        paper: PaperArg,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// URL carried by the ticket's QR code.
        #[arg(long)]
        lookup_url: Option<String>,
        /// Label language.
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
        /// Render the sample ticket as issued offline, with priority.
        #[arg(long)]
        offline: bool,
    },
    /// Print a sample ticket on a printer.
    PrintTest {
        /// Printer spec, e.g. escpos+tcp://192.0.2.10:9100 or cups://PDF.
        #[arg(long)]
        printer: String,
        /// Paper width in mm.
        #[arg(long, value_enum, default_value = "80")]
        paper: PaperArg,
        /// Label language.
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
        /// URL carried by the QR code.
        #[arg(long)]
        lookup_url: Option<String>,
    },
    /// Read a printer's status (JSON on stdout).
    PrinterStatus {
        /// Printer spec.
        #[arg(long)]
        printer: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SlipKind {
    Ticket,
    Dossier,
    Checklist,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Pdf,
    Png,
    Escpos,
}

#[derive(Clone, Copy, ValueEnum)]
enum PaperArg {
    #[value(name = "80")]
    Mm80,
    #[value(name = "58")]
    Mm58,
}

impl From<PaperArg> for Paper {
    fn from(p: PaperArg) -> Self {
        match p {
            PaperArg::Mm80 => Paper::Mm80,
            PaperArg::Mm58 => Paper::Mm58,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Vi,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Vi => Lang::Vi,
            LangArg::En => Lang::En,
        }
    }
}

/// A failure with the message printed for the operator.
struct Failure(String);

impl From<PrinterError> for Failure {
    fn from(e: PrinterError) -> Self {
        let body = e.body();
        Failure(format!("{} [{}]", body.detail, body.code))
    }
}

impl From<motcua_receipt::ReceiptError> for Failure {
    fn from(e: motcua_receipt::ReceiptError) -> Self {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg)) => {
            eprintln!("kioskctl: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn sample_layout(slip: SlipKind, lang: Lang, url: Option<&str>, offline: bool) -> Result<Layout, Failure> {
    Ok(match slip {
        SlipKind::Ticket if offline => slips::ticket(&samples::ticket_offline_priority(url), lang)?,
        SlipKind::Ticket => slips::ticket(&samples::ticket(url), lang)?,
        SlipKind::Dossier => slips::dossier(&samples::dossier(), lang),
        SlipKind::Checklist => slips::checklist(&samples::checklist(), lang),
    })
}

fn parse_printer(spec: &str) -> Result<Printer, Failure> {
    Ok(Printer::new(spec.parse::<PrinterSpec>()?))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(|e| Failure(format!("cannot write JSON: {e}")))
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Cmd::Render { slip, sample: _, format, paper, out, lookup_url, lang, offline } => {
            let renderer = Renderer::new()?;
            let layout = sample_layout(slip, lang.into(), lookup_url.as_deref(), offline)?;
            let bytes = match format {
                Format::Pdf => renderer.pdf(&layout, paper.into())?,
                Format::Png => renderer.png(&layout, paper.into())?,
                Format::Escpos => escpos::encode(&renderer.raster(&layout, paper.into())?),
            };
            std::fs::write(&out, bytes).map_err(|e| Failure(format!("cannot write {}: {e}", out.display())))?;
            println!("{}", out.display());
            Ok(())
        }
        Cmd::PrintTest { printer, paper, lang, lookup_url } => {
            let printer = parse_printer(&printer)?;
            let renderer = Renderer::new()?;
            let sample = samples::ticket(lookup_url.as_deref());
            let layout = slips::ticket(&sample, lang.into())?;
            let job = printer.job(&renderer, &layout, paper.into(), sample.number.clone(), sample.issued_at)?;
            let outcome = printer.print(&job)?;
            println!("{}", json(&outcome)?);
            Ok(())
        }
        Cmd::PrinterStatus { printer } => {
            let printer = parse_printer(&printer)?;
            match printer.status() {
                Ok(status) => {
                    println!("{}", json(&status)?);
                    Ok(())
                }
                Err(e) => {
                    println!("{}", json(&serde_json::json!({ "error": e.body() }))?);
                    Err(e.into())
                }
            }
        }
    }
}
