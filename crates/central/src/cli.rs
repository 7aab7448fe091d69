//! The `motcua-central` command line: serve the API, manage tokens, import a
//! catalog. In the library so that the shipped binary and test harnesses run
//! the same code.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::http::extract::Role;
use crate::state::{self, Config};
use crate::{accounts, catalog_file, db, demo, tokens};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "motcua-central", version, about = "Central server for the Một Cửa lobby kiosks")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the API.
    Serve {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8080", env = "MOTCUA_CENTRAL_LISTEN")]
        listen: SocketAddr,
        /// SQLite database file (created if missing).
        #[arg(long, env = "MOTCUA_CENTRAL_DB")]
        db: PathBuf,
        /// Seed the Vĩnh Phúc demo into an empty database and accept the tokens demo-kiosk and demo-staff.
        #[arg(long)]
        demo: bool,
        /// Days of made-up history the demo seeds for the reports (0: none).
        #[arg(long, default_value_t = 90, env = "MOTCUA_CENTRAL_DEMO_HISTORY_DAYS", value_parser = clap::value_parser!(u32).range(0..=800))]
        demo_history_days: u32,
        /// Dossier lookups allowed per token per minute.
        #[arg(long, default_value_t = 30, env = "MOTCUA_CENTRAL_LOOKUP_LIMIT")]
        lookup_limit: u32,
        /// Base URL printed in ticket QR codes (what phones can reach), e.g. https://motcua.vinhphuc.gov.vn.
        /// Default: http://LISTEN-ADDRESS.
        #[arg(long, env = "MOTCUA_CENTRAL_PUBLIC_URL")]
        public_url: Option<String>,
        /// A folder of voice clips replacing the built-in ones file by file (see docs/voice.md).
        #[arg(long, env = "MOTCUA_CENTRAL_VOICE_DIR")]
        voice_dir: Option<PathBuf>,
        /// How many times a call is said.
        #[arg(long, default_value_t = 2, env = "MOTCUA_CENTRAL_VOICE_REPEAT", value_parser = clap::value_parser!(u8).range(1..=5))]
        voice_repeat: u8,
        /// Say the call in English too, after the Vietnamese.
        #[arg(long, env = "MOTCUA_CENTRAL_VOICE_ENGLISH")]
        voice_english: bool,
        /// Seconds without a heartbeat after which a kiosk is silent (alert on the console).
        #[arg(long, default_value_t = 120, env = "MOTCUA_CENTRAL_KIOSK_SILENT_AFTER", value_parser = clap::value_parser!(u64).range(1..=86_400))]
        kiosk_silent_after: u64,
        /// Pull dossiers from the source a mapping file's [source] names, every [source] every (repeatable).
        #[arg(long = "pull", value_name = "MAPPING", env = "MOTCUA_CENTRAL_PULL", value_delimiter = ',')]
        pulls: Vec<PathBuf>,
        /// A dossier the source has not vouched for in this long is shown as possibly out of date (e.g. 30m, 6h).
        #[arg(long, default_value = "6h", env = "MOTCUA_CENTRAL_DOSSIER_STALE_AFTER", value_parser = parse_duration)]
        dossier_stale_after: std::time::Duration,
        /// Load shedding and timeouts (README, "Overload").
        #[command(flatten)]
        limits: crate::server::Limits,
        /// TLS and retention of personal data.
        #[command(flatten)]
        ops: crate::ops::ServeOps,
    },
    /// Manage staff accounts (officers and directors who sign in).
    Staff {
        #[command(subcommand)]
        command: StaffCmd,
    },
    /// Manage bearer tokens.
    Token {
        #[command(subcommand)]
        command: TokenCmd,
    },
    /// Manage the catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCmd,
    },
    /// Dossiers from the province's one-stop system.
    Dossiers {
        #[command(subcommand)]
        command: DossiersCmd,
    },
    /// Lobby kiosks: maintenance.
    Kiosk {
        #[command(subcommand)]
        command: KioskCmd,
    },
    /// The notice every kiosk of a center shows on its home screen.
    Notice {
        #[command(subcommand)]
        command: NoticeCmd,
    },
    /// Write the reports' figures of a period to a spreadsheet (.xlsx, one sheet per table) or .csv, for a scheduled job.
    Report {
        #[arg(long)]
        db: PathBuf,
        /// Center id from the catalog.
        #[arg(long)]
        center: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day (included), YYYY-MM-DD.
        #[arg(long)]
        to: String,
        /// The file to write: .xlsx, or .csv.
        #[arg(long)]
        out: PathBuf,
        /// Only tickets of this service (id).
        #[arg(long)]
        service: Option<String>,
        /// Only tickets called at this counter (id or number).
        #[arg(long)]
        counter: Option<String>,
    },
    /// Operations: backup, check, purge of personal data.
    #[command(flatten)]
    Ops(crate::ops::OpsCmd),
}

#[derive(Clone, Copy, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Subcommand)]
enum KioskCmd {
    /// Put a kiosk in maintenance ("Máy đang bảo trì, mời ông/bà dùng máy bên cạnh") or take it out.
    /// A running server tells the kiosk within seconds.
    Maintenance {
        #[arg(long)]
        db: PathBuf,
        /// Center id from the catalog.
        #[arg(long)]
        center: String,
        /// The kiosk's id (kiosk_id in its config): one that reported, or one the catalog names.
        #[arg(long)]
        kiosk: String,
        #[arg(value_enum)]
        state: OnOff,
    },
}

#[derive(Subcommand)]
enum NoticeCmd {
    /// Publish a notice (replacing the last one); a running server tells the kiosks within seconds.
    Set {
        #[arg(long)]
        db: PathBuf,
        /// Center id from the catalog.
        #[arg(long)]
        center: String,
        /// The text in Vietnamese (one line, at most 300 characters).
        #[arg(long)]
        text: String,
        /// The text in English (kiosks show the Vietnamese without it).
        #[arg(long)]
        text_en: Option<String>,
        /// When it stops showing: RFC 3339 (2026-12-01T17:00:00+07:00) or a local time of the center
        /// (2026-12-01T17:00). Default: until cleared.
        #[arg(long)]
        until: Option<String>,
    },
    /// Take the notice off every kiosk of the center.
    Clear {
        #[arg(long)]
        db: PathBuf,
        /// Center id from the catalog.
        #[arg(long)]
        center: String,
    },
}

#[derive(Subcommand)]
enum DossiersCmd {
    /// Pull what changed from the province's one-stop system (its REST endpoint) into the mirror, through
    /// the same checks as the API: once, or every --every. Records that do not map are reported with their
    /// place. Exit status (once): 0 every record written or unchanged, 2 some rejected, 1 the pass failed.
    Pull {
        #[arg(long)]
        db: PathBuf,
        /// The upstream endpoint that lists dossiers (default: the mapping file's [source] url).
        #[arg(long)]
        source: Option<String>,
        /// The mapping file (TOML): [source] (paging, incremental mode, credentials), [columns], [status], [centers].
        #[arg(long)]
        mapping: PathBuf,
        /// Run a pass this often until stopped (60s, 5m); without it, one pass.
        #[arg(long, value_parser = parse_duration)]
        every: Option<std::time::Duration>,
        /// The center of records that name none (default: the mapping file's [source] center).
        #[arg(long)]
        center: Option<String>,
    },
    /// Import an exported file (CSV, XLSX or JSON; our or the national field names) through the same
    /// checks as the API. Good rows are applied and every bad row is reported with its row and column.
    /// Exit status: 0 all rows good, 2 some rows rejected (the others applied), 1 nothing applied.
    Import {
        #[arg(long)]
        db: PathBuf,
        /// Center id from the catalog: the dossiers belong to it, its time zone reads the dates.
        #[arg(long)]
        center: String,
        /// The file: .csv (UTF-8), .xlsx (first sheet) or .json (an array or {"dossiers": [...]}).
        file: PathBuf,
        /// A TOML file: [columns] renames source columns, [status] maps source statuses to 1..10.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Check and count, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The update time of rows without one, e.g. when the export was taken
        /// (RFC 3339 or yyyyMMddHHmmss in the center's time zone). Default: now.
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Kiosk,
    Staff,
    Display,
    Integration,
}

#[derive(Clone, Copy, ValueEnum)]
enum StaffRoleArg {
    Officer,
    Director,
}

#[derive(Subcommand)]
enum StaffCmd {
    /// Add an account; the password is read from standard input (never from the command line).
    Add {
        #[arg(long)]
        db: PathBuf,
        /// Center id from the catalog.
        #[arg(long)]
        center: String,
        /// Sign-in name (a-z, 0-9, '.', '_', '-').
        #[arg(long)]
        username: String,
        #[arg(long, value_enum)]
        role: StaffRoleArg,
        /// Counters an officer may use: numbers or ids, comma-separated (e.g. 5,6). Default: every counter.
        #[arg(long, value_delimiter = ',')]
        counters: Vec<String>,
    },
    /// Set a new password (read from standard input); unlocks the account and signs it out everywhere.
    Passwd {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        username: String,
    },
    /// Disable an account (it is signed out at once), or enable it again with --enable.
    Disable {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        username: String,
        #[arg(long)]
        enable: bool,
    },
    /// List accounts.
    List {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Create a token; it is printed once and only its hash is stored.
    Create {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Center id from the catalog.
        #[arg(long)]
        center: String,
        /// A name to recognise it by (e.g. kiosk-sanh-1).
        #[arg(long)]
        name: String,
    },
    /// Revoke the tokens with this name.
    Revoke {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        center: String,
        #[arg(long)]
        name: String,
    },
    /// List tokens (names and roles, never values).
    List {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Subcommand)]
enum CatalogCmd {
    /// Validate a catalog file and apply it in one transaction.
    Import {
        #[arg(long)]
        db: PathBuf,
        /// The catalog file (TOML, see docs/catalog-format.md).
        file: PathBuf,
        /// Only validate; change nothing.
        #[arg(long)]
        check: bool,
    },
}

/// Runs the command line with the process arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Serve {
            listen,
            db,
            demo,
            demo_history_days,
            lookup_limit,
            public_url,
            voice_dir,
            voice_repeat,
            voice_english,
            kiosk_silent_after,
            pulls,
            dossier_stale_after,
            limits,
            ops,
        } => {
            let voice = state::VoiceConfig { dir: voice_dir, repeat: voice_repeat, english: voice_english };
            let silent_after = std::time::Duration::from_secs(kiosk_silent_after);
            let dossiers = state::DossierConfig { stale_after: dossier_stale_after, pulls };
            serve(listen, db, demo.then_some(demo_history_days), lookup_limit, public_url, voice, silent_after, dossiers, limits, ops)
        }
        Cmd::Report { db, center, from, to, out, service, counter } => {
            let args = crate::reports::CliReport { db, center, from, to, out, service, counter };
            crate::reports::run_cli(&args, jiff::Timestamp::now()).map(|line| println!("{line}"))
        }
        Cmd::Ops(command) => return crate::ops::run(command),
        Cmd::Kiosk { command } => kiosk(command),
        Cmd::Notice { command } => notice(command),
        Cmd::Token { command } => token(command),
        Cmd::Staff { command } => staff(command),
        Cmd::Catalog { command: CatalogCmd::Import { db, file, check } } => import(&db, &file, check),
        Cmd::Dossiers { command: DossiersCmd::Import { db, center, file, mapping, dry_run, as_of } } => {
            return import_dossiers(db, center, file, mapping, dry_run, as_of);
        }
        Cmd::Dossiers { command: DossiersCmd::Pull { db, source, mapping, every, center } } => {
            return crate::sources::pull::cli::pull(db, source, mapping, every, center);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Reads a password from standard input: without echo at a terminal (asked
/// twice), else the first line.
fn read_password() -> Result<String, String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Mật khẩu / Password: ").map_err(|e| format!("cannot read the password: {e}"))?;
        let again = rpassword::prompt_password("Nhập lại / Again: ").map_err(|e| format!("cannot read the password: {e}"))?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        return Err("give the password on standard input, e.g. printf '%s\\n' \"$PASSWORD\" | motcua-central staff add …".into());
    }
    Ok(password)
}

/// Counter numbers or ids of a center → ids.
fn resolve_counters(conn: &rusqlite::Connection, center: &str, given: &[String]) -> Result<Vec<String>, String> {
    let catalogs = crate::catalog::load(conn).map_err(|e| e.to_string())?;
    let cat = catalogs.center(center).ok_or_else(|| format!("unknown center {center:?}"))?;
    given
        .iter()
        .map(|g| g.trim())
        .filter(|g| !g.is_empty())
        .map(|g| {
            cat.catalog
                .counters
                .iter()
                .find(|c| c.id == g || g.parse::<u32>().is_ok_and(|n| n == c.number))
                .map(|c| c.id.clone())
                .ok_or_else(|| {
                    let known: Vec<String> = cat.catalog.counters.iter().map(|c| format!("{} ({})", c.number, c.id)).collect();
                    format!("center {center} has no counter {g:?}; its counters: {}", known.join(", "))
                })
        })
        .collect()
}

fn staff(cmd: StaffCmd) -> Result<(), String> {
    match cmd {
        StaffCmd::Add { db, center, username, role, counters } => {
            let conn = db::open_and_migrate(&db).map_err(|e| e.to_string())?;
            let counters = resolve_counters(&conn, &center, &counters)?;
            let role = match role {
                StaffRoleArg::Officer => accounts::StaffRole::Officer,
                StaffRoleArg::Director => accounts::StaffRole::Director,
            };
            let password = read_password()?;
            accounts::add(&conn, &center, &username, role, &counters, &password).map_err(|e| e.to_string())?;
            println!("added {} {username} in {center}", role.as_str());
            Ok(())
        }
        StaffCmd::Passwd { db, username } => {
            let conn = db::open_and_migrate(&db).map_err(|e| e.to_string())?;
            let password = read_password()?;
            accounts::set_password(&conn, &username, &password).map_err(|e| e.to_string())?;
            println!("password of {username} changed; its sessions ended");
            Ok(())
        }
        StaffCmd::Disable { db, username, enable } => {
            let conn = db::open_and_migrate(&db).map_err(|e| e.to_string())?;
            accounts::set_disabled(&conn, &username, !enable).map_err(|e| e.to_string())?;
            println!("{username} {}", if enable { "enabled" } else { "disabled; its sessions ended" });
            Ok(())
        }
        StaffCmd::List { db } => {
            let conn = db::open_and_migrate(&db).map_err(|e| e.to_string())?;
            for a in accounts::list(&conn).map_err(|e| e.to_string())? {
                let counters = if a.counters.is_empty() { "*".to_string() } else { a.counters.join(",") };
                println!("{}\t{}\t{}\t{counters}{}", a.center, a.username, a.role.as_str(), if a.disabled { "\t(disabled)" } else { "" });
            }
            Ok(())
        }
    }
}

fn token(cmd: TokenCmd) -> Result<(), String> {
    match cmd {
        TokenCmd::Create { db, role, center, name } => {
            let conn = db::open_and_migrate(&db).map_err(|e| e.to_string())?;
            let known = catalog_file::existing_centers(&conn).map_err(|e| e.to_string())?;
            if !known.contains(&center) {
                let mut known: Vec<_> = known.into_iter().collect();
                known.sort();
                return Err(format!("unknown center {center:?}; centers in {}: {}", db.display(), known.join(", ")));
            }
            let role = match role {
                RoleArg::Kiosk => Role::Kiosk,
                RoleArg::Staff => Role::Staff,
                RoleArg::Display => Role::Display,
                RoleArg::Integration => Role::Integration,
            };
            let t = tokens::create(&conn, role, &center, &name).map_err(|e| e.to_string())?;
            println!("{t}");
            eprintln!("Store this token now: it is shown once and only its hash is kept.");
            Ok(())
        }
        TokenCmd::Revoke { db, center, name } => {
            let conn = db::open_and_migrate(&db).map_err(|e| e.to_string())?;
            let n = tokens::revoke(&conn, &center, &name).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err(format!("no active token named {name:?} in center {center:?}"));
            }
            println!("revoked {n} token(s)");
            Ok(())
        }
        TokenCmd::List { db } => {
            let conn = db::open_and_migrate(&db).map_err(|e| e.to_string())?;
            for (role, center, name, revoked) in tokens::list(&conn).map_err(|e| e.to_string())? {
                println!("{center}\t{role}\t{name}{}", if revoked { "\t(revoked)" } else { "" });
            }
            Ok(())
        }
    }
}

fn import(db: &std::path::Path, file: &std::path::Path, check: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let parsed = catalog_file::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut conn = db::open_and_migrate(db).map_err(|e| e.to_string())?;
    if check {
        let existing = catalog_file::existing_centers(&conn).map_err(|e| e.to_string())?;
        catalog_file::validate(&parsed, &existing).map_err(|e| format!("{}: {e}", file.display()))?;
        println!("{}: valid", file.display());
        return Ok(());
    }
    let s = catalog_file::import(&mut conn, &parsed).map_err(|e| format!("{}: {e}", file.display()))?;
    println!(
        "imported {} center(s), {} agencies, {} fields, {} procedures, {} services, {} counters",
        s.centers, s.agencies, s.fields, s.procedures, s.services, s.counters
    );
    Ok(())
}

/// Who changed something from the command line, for the audit log.
fn cli_actor() -> String {
    match std::env::var("USER").or_else(|_| std::env::var("USERNAME")) {
        Ok(user) if !user.trim().is_empty() => format!("cli:{}", user.trim()),
        _ => "cli".to_string(),
    }
}

/// An API refusal as the command line says it.
fn refusal(e: crate::error::AppError) -> String {
    match e.api() {
        Some(api) => format!("{} ({})", api.message, api.code.as_str()),
        None => e.to_string(),
    }
}

/// The database and the catalog of `center`, or an error listing the centers.
fn open_center(db: &std::path::Path, center: &str) -> Result<(rusqlite::Connection, Arc<crate::catalog::CenterCatalog>), String> {
    let conn = db::open_and_migrate(db).map_err(|e| e.to_string())?;
    let catalogs = crate::catalog::load(&conn).map_err(|e| e.to_string())?;
    let Some(cat) = catalogs.center(center).cloned() else {
        let mut known: Vec<_> = catalogs.centers.keys().cloned().collect();
        known.sort();
        return Err(format!("unknown center {center:?}; centers in {}: {}", db.display(), known.join(", ")));
    };
    Ok((conn, cat))
}

fn kiosk(cmd: KioskCmd) -> Result<(), String> {
    let KioskCmd::Maintenance { db, center, kiosk, state } = cmd;
    let (mut conn, cat) = open_center(&db, &center)?;
    let on = matches!(state, OnOff::On);
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    let named = cat.kiosk(&kiosk).is_some();
    let stored = crate::fleet::store::set_maintenance(&tx, &center, &kiosk, named, on, &cli_actor(), jiff::Timestamp::now());
    if let Err(e) = stored {
        let known = crate::fleet::store::kiosks(&tx, Some(&center)).map(|rows| rows.into_iter().map(|r| r.kiosk_id).collect::<Vec<_>>());
        let mut known = known.unwrap_or_default();
        known.extend(cat.kiosks.iter().map(|k| k.id.clone()));
        known.sort();
        known.dedup();
        return Err(format!("{}; kiosks of {center}: {}", refusal(e), if known.is_empty() { "none yet".into() } else { known.join(", ") }));
    }
    tx.commit().map_err(|e| e.to_string())?;
    println!("{kiosk} ({center}): maintenance {}", if on { "on" } else { "off" });
    Ok(())
}

fn notice(cmd: NoticeCmd) -> Result<(), String> {
    let now = jiff::Timestamp::now();
    match cmd {
        NoticeCmd::Set { db, center, text, text_en, until } => {
            let (mut conn, cat) = open_center(&db, &center)?;
            let until = match until {
                Some(text) => Some(parse_local_time(&text, &cat.tz).map_err(|e| format!("--until: {e}"))?),
                None => None,
            };
            let req = motcua_domain::fleet::NoticeRequest { text_vi: text, text_en, until };
            let notice = crate::fleet::check::notice(req, now).map_err(refusal)?;
            let tx = conn.transaction().map_err(|e| e.to_string())?;
            crate::fleet::store::set_notice(&tx, &center, &notice, &cli_actor(), now).map_err(refusal)?;
            tx.commit().map_err(|e| e.to_string())?;
            match notice.until {
                Some(u) => println!("notice of {center} published until {}", u.to_zoned(cat.tz.clone()).strftime("%Y-%m-%d %H:%M %Z")),
                None => println!("notice of {center} published until cleared"),
            }
            Ok(())
        }
        NoticeCmd::Clear { db, center } => {
            let (mut conn, _) = open_center(&db, &center)?;
            let tx = conn.transaction().map_err(|e| e.to_string())?;
            let had = crate::fleet::store::clear_notice(&tx, &center, &cli_actor(), now).map_err(refusal)?;
            tx.commit().map_err(|e| e.to_string())?;
            println!("{}", if had { format!("notice of {center} cleared") } else { format!("{center} had no notice") });
            Ok(())
        }
    }
}

/// RFC 3339, or a wall-clock time (`2026-12-01T17:00`, `2026-12-01 17:00`) in `tz`.
fn parse_local_time(text: &str, tz: &jiff::tz::TimeZone) -> Result<jiff::Timestamp, String> {
    let text = text.trim();
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    let civil: jiff::civil::DateTime = text
        .parse()
        .map_err(|_| format!("{text:?} is not a time: use RFC 3339 (2026-12-01T17:00:00+07:00) or a local time (2026-12-01T17:00)"))?;
    civil.to_zoned(tz.clone()).map(|z| z.timestamp()).map_err(|e| e.to_string())
}

/// `dossiers import`: 0 all rows good, 2 some rejected (the rest applied), 1 nothing applied.
fn import_dossiers(db: PathBuf, center: String, file: PathBuf, mapping: Option<PathBuf>, dry_run: bool, as_of: Option<String>) -> ExitCode {
    let run = || -> Result<crate::sources::import::ImportReport, String> {
        let as_of = match as_of {
            Some(text) => Some(parse_as_of(&db, &center, &text)?),
            None => None,
        };
        let opts = crate::sources::import::ImportOptions { db, center, file, mapping, dry_run, as_of };
        crate::sources::import::import(&opts)
    };
    match run() {
        Ok(report) => {
            if !report.ignored_columns.is_empty() {
                println!("ignored columns (no such field): {}", report.ignored_columns.join(", "));
            }
            for p in &report.problems {
                println!("{p}");
            }
            println!("created {}, updated {}", report.created, report.updated);
            println!("{}", report.summary());
            if report.rejected > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS }
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing was imported");
            ExitCode::FAILURE
        }
    }
}

/// `--as-of`: RFC 3339, or a wall-clock time in the center's time zone.
fn parse_as_of(db: &std::path::Path, center: &str, text: &str) -> Result<jiff::Timestamp, String> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    if !db.exists() {
        return Err(format!("no database at {}", db.display()));
    }
    let conn = db::open(db).map_err(|e| e.to_string())?;
    let catalogs = crate::catalog::load(&conn).map_err(|e| e.to_string())?;
    let cat = catalogs.center(center).ok_or_else(|| format!("unknown center {center:?}"))?;
    crate::sources::fields::time(&crate::sources::Raw::Text(text.to_string()), &cat.tz).map_err(|e| format!("--as-of: {e}"))
}

/// `60s`, `5m`, `6h`, `500ms` or seconds.
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    crate::sources::pull::spec::duration(text)
}

/// `demo`: None without `--demo`, else the days of history to seed.
#[allow(clippy::too_many_arguments)] // one per `serve` option group
fn serve(
    listen: SocketAddr,
    db: PathBuf,
    demo: Option<u32>,
    lookup_limit: u32,
    public_url: Option<String>,
    voice: state::VoiceConfig,
    kiosk_silent_after: std::time::Duration,
    dossiers: state::DossierConfig,
    limits: crate::server::Limits,
    ops: crate::ops::ServeOps,
) -> Result<(), String> {
    // A certificate that cannot be read stops the start, before anything listens.
    let tls = ops.tls().map(|files| crate::ops::tls::load(&files).map(|config| (files, config))).transpose()?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        {
            let mut conn = db::open_and_migrate(&db).map_err(|e| e.to_string())?;
            if let Some(history_days) = demo {
                tracing::warn!(
                    "DEMO MODE: the tokens demo-kiosk, demo-staff and demo-display are accepted; never use --demo in production"
                );
                if demo::seed_if_empty(&mut conn, clock.now()).map_err(|e| e.to_string())? {
                    tracing::info!("demo center seeded into {}", db.display());
                    let h = crate::reports::history::seed_demo(&mut conn, clock.now(), history_days).map_err(|e| e.to_string())?;
                    tracing::info!(tickets = h.tickets, ratings = h.ratings, dossiers = h.dossiers, "demo history: {history_days} days");
                }
                for (code, service, start) in demo::seed_bookings(&mut conn, clock.now()).map_err(|e| e.to_string())? {
                    tracing::info!(%code, %service, slot_start = %start, "DEMO booking for today: check it in at the kiosk (\"Tôi đã đặt lịch hẹn\")");
                }
                if demo::seed_staff(&conn).map_err(|e| e.to_string())? {
                    tracing::warn!(
                        "DEMO MODE: staff accounts canbo1 (counters 6, 10), canbo2 (7-9), canbo3 (1-5) and giamdoc (director), password \"demo\""
                    );
                }
            }
        }
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let public_url = public_url.unwrap_or_else(|| format!("{scheme}://{addr}"));
        let pulls = dossiers.pulls.clone();
        let config = Config {
            db,
            demo: demo.is_some(),
            lookup_limit_per_min: lookup_limit,
            public_url,
            voice,
            kiosk_silent_after,
            limits: limits.clone(),
            dossiers,
        };
        let state = state::build(config, clock)?;
        crate::fleet::watch::spawn(state.clone());
        crate::ops::retention::spawn(state.clone(), ops.retention_days);
        crate::sources::pull::spawn_all(&state, &pulls)?;
        if demo.is_some() {
            // The demo's one-stop system: dossiers arrive and change while you watch.
            crate::sources::upstream::start_demo(&state).await?;
        }
        let app = crate::app(state);
        println!("listening on {scheme}://{addr}");
        let _ = std::io::stdout().flush();
        match tls {
            Some((files, config)) => crate::ops::tls::serve(listener, app, &limits, files, config, shutdown()).await,
            None => {
                crate::ops::tls::ignore_hangup();
                crate::server::serve(listener, app, &limits, None, shutdown()).await;
            }
        }
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
