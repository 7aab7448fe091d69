//! `kioskctl`: render sample slips, test printers, read printer status, and
//! check a configured kiosk from a terminal (`--config FILE`): take a ticket,
//! collect a result, check a booking in, look up, status, sync the outbox, reprint. Kiosk
//! commands print JSON on stdout; their errors are JSON
//! `{code, message, message_vi}` on stderr with exit code 1.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use motcua_engine::printer::{Printer, PrinterError, PrinterSpec};
use motcua_engine::{Config, EngineError, Kiosk};
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
        /// Render the sample appointment ticket ("Đặt lịch 09:00").
        #[arg(long, conflicts_with = "offline")]
        appointment: bool,
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
    /// Take a queue ticket as a citizen would (issue, journal, print).
    TakeTicket {
        /// Kiosk config file.
        #[arg(long)]
        config: PathBuf,
        /// Service (queue) id.
        #[arg(long)]
        service: String,
        /// Priority category id.
        #[arg(long)]
        priority: Option<String>,
        /// Also write the slip preview PNG here.
        #[arg(long)]
        preview: Option<PathBuf>,
    },
    /// Take a ticket in the collect-result queue for a dossier code.
    CollectResult {
        /// Kiosk config file.
        #[arg(long)]
        config: PathBuf,
        /// The dossier code (or a scanned receipt URL).
        code: String,
    },
    /// Check an appointment in by its booking code (or booking QR URL) and
    /// print its ticket; a booking already checked in prints the same ticket
    /// again. A refusal says why (too early: when to come back).
    CheckIn {
        /// Kiosk config file.
        #[arg(long)]
        config: PathBuf,
        /// The booking code, e.g. HK7-K4Q (any case, the dash optional).
        code: String,
        /// Also write the slip preview PNG here.
        #[arg(long)]
        preview: Option<PathBuf>,
    },
    /// Look up what was typed or scanned: a dossier code or a ticket QR.
    Lookup {
        /// Kiosk config file.
        #[arg(long)]
        config: PathBuf,
        /// The text.
        text: String,
    },
    /// The kiosk's status: server, printer, outbox, unprinted tickets, maintenance and notice;
    /// sends one heartbeat and prints the server's answer under "heartbeat".
    Status {
        /// Kiosk config file.
        #[arg(long)]
        config: PathBuf,
    },
    /// Deliver the offline tickets in the outbox now.
    Sync {
        /// Kiosk config file.
        #[arg(long)]
        config: PathBuf,
    },
    /// Print a journalled ticket again (id, server id, token or number).
    Reprint {
        /// Kiosk config file.
        #[arg(long)]
        config: PathBuf,
        /// The ticket.
        ticket: String,
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
    let cli = Cli::parse();
    if is_kiosk_command(&cli.command) {
        return run_kiosk(cli.command);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg)) => {
            eprintln!("kioskctl: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn sample_layout(slip: SlipKind, lang: Lang, url: Option<&str>, offline: bool, appointment: bool) -> Result<Layout, Failure> {
    Ok(match slip {
        SlipKind::Ticket if offline => slips::ticket(&samples::ticket_offline_priority(url), lang)?,
        SlipKind::Ticket if appointment => slips::ticket(&samples::ticket_appointment(url), lang)?,
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
        Cmd::Render { slip, sample: _, format, paper, out, lookup_url, lang, offline, appointment } => {
            let renderer = Renderer::new()?;
            let layout = sample_layout(slip, lang.into(), lookup_url.as_deref(), offline, appointment)?;
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
        Cmd::TakeTicket { .. }
        | Cmd::CollectResult { .. }
        | Cmd::CheckIn { .. }
        | Cmd::Lookup { .. }
        | Cmd::Status { .. }
        | Cmd::Sync { .. }
        | Cmd::Reprint { .. } => Err(Failure("not a printer command".into())),
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

fn is_kiosk_command(cmd: &Cmd) -> bool {
    matches!(
        cmd,
        Cmd::TakeTicket { .. }
            | Cmd::CollectResult { .. }
            | Cmd::CheckIn { .. }
            | Cmd::Lookup { .. }
            | Cmd::Status { .. }
            | Cmd::Sync { .. }
            | Cmd::Reprint { .. }
    )
}

fn print_error(e: &EngineError) {
    let body = serde_json::to_string_pretty(&e.body()).unwrap_or_else(|_| format!("{{\"code\": \"{}\"}}", e.code()));
    eprintln!("{body}");
    tracing_detail(e);
}

fn tracing_detail(e: &EngineError) {
    if std::env::var_os("KIOSKCTL_DEBUG").is_some() {
        eprintln!("detail: {e}");
    }
}

/// Runs a `--config` command on a runtime of its own.
fn run_kiosk(cmd: Cmd) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            print_error(&EngineError::Internal(format!("runtime: {e}")));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(kiosk_command(cmd)) {
        Ok(value) => match serde_json::to_string_pretty(&value) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_error(&EngineError::Internal(format!("json: {e}")));
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            print_error(&e);
            ExitCode::FAILURE
        }
    }
}

async fn open(config: &std::path::Path) -> Result<Kiosk, EngineError> {
    Kiosk::open(Config::load(config)?).await
}

fn without_preview(mut value: serde_json::Value) -> serde_json::Value {
    if let Some(obj) = value.as_object_mut() {
        obj.remove("preview_png");
    }
    value
}

async fn kiosk_command(cmd: Cmd) -> Result<serde_json::Value, EngineError> {
    let json = |v: &dyn erased::Json| v.to_value();
    Ok(match cmd {
        Cmd::TakeTicket { config, service, priority, preview } => {
            let kiosk = open(&config).await?;
            let outcome = kiosk.take_ticket(&service, priority.as_deref()).await?;
            if let Some(path) = preview {
                write_preview(&path, &outcome.preview_png)?;
            }
            without_preview(json(&outcome)?)
        }
        Cmd::CollectResult { config, code } => {
            let kiosk = open(&config).await?;
            without_preview(json(&kiosk.collect_result(&code).await?)?)
        }
        Cmd::CheckIn { config, code, preview } => {
            let kiosk = open(&config).await?;
            let outcome = kiosk.check_in(&code).await?;
            if let Some(path) = preview {
                write_preview(&path, &outcome.outcome.preview_png)?;
            }
            without_preview(json(&outcome)?)
        }
        Cmd::Lookup { config, text } => json(&open(&config).await?.lookup(&text).await?)?,
        Cmd::Status { config } => {
            let kiosk = open(&config).await?;
            let mut status = json(&kiosk.status().await?)?;
            let unprinted: Vec<_> = kiosk
                .unprinted()?
                .into_iter()
                .map(|t| serde_json::json!({"id": t.id, "number": t.number, "issued_local": t.issued_local, "offline": t.offline}))
                .collect();
            // One heartbeat, so IT sees from a terminal what the server answers
            // (maintenance, notice) or why it does not; the status stands either way.
            let heartbeat = match kiosk.heartbeat().await {
                Ok(answer) => json(&answer)?,
                Err(e) => serde_json::json!({ "error": e.body() }),
            };
            if let Some(obj) = status.as_object_mut() {
                obj.insert("unprinted".into(), serde_json::Value::Array(unprinted));
                obj.insert("heartbeat".into(), heartbeat);
            }
            status
        }
        Cmd::Sync { config } => {
            let kiosk = open(&config).await?;
            let report = kiosk.sync_now().await?;
            json(&report)?
        }
        Cmd::Reprint { config, ticket } => without_preview(json(&open(&config).await?.reprint(&ticket).await?)?),
        Cmd::Render { .. } | Cmd::PrintTest { .. } | Cmd::PrinterStatus { .. } => {
            return Err(EngineError::Internal("not a kiosk command".into()));
        }
    })
}

fn write_preview(path: &std::path::Path, data_url: &str) -> Result<(), EngineError> {
    use base64::Engine as _;
    let b64 = data_url.strip_prefix("data:image/png;base64,").unwrap_or(data_url);
    let png = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| EngineError::Internal(format!("preview: {e}")))?;
    std::fs::write(path, png).map_err(|e| EngineError::Internal(format!("cannot write {}: {e}", path.display())))
}

/// `serde_json::to_value` behind a trait object, so one closure serves every type.
mod erased {
    use motcua_engine::EngineError;

    pub trait Json {
        fn to_value(&self) -> Result<serde_json::Value, EngineError>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_value(&self) -> Result<serde_json::Value, EngineError> {
            serde_json::to_value(self).map_err(|e| EngineError::Internal(format!("json: {e}")))
        }
    }
}
