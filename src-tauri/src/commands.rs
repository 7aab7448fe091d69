//! The Tauri commands: one line each over `engine::Kiosk` (docs/kiosk-api.md).
//! Every command is generic over the runtime so `tauri::test` can drive it.
//! Commands that print take the citizen's on-screen language, `lang`
//! ("vi" | "en"; the configured one when absent): the slip follows the screen.

use motcua_domain::Catalog;
use motcua_engine::{
    CheckInOutcome, Config, Kiosk, KioskStatus, Lookup, PrintReport, ProcedureInfo, RatingInput, SearchHit, TicketOutcome,
};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::error::IpcError;
use crate::shell::Shell;

type Res<T> = Result<T, IpcError>;

/// The catalog; when none was ever fetched, asks the server once more.
#[tauri::command(rename_all = "snake_case")]
pub async fn catalog<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>) -> Res<Catalog> {
    Ok(Catalog::clone(&*kiosk.load_catalog().await?))
}

/// Accent-insensitive search of the catalog.
#[tauri::command(rename_all = "snake_case")]
pub async fn search<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, text: String) -> Res<Vec<SearchHit>> {
    Ok(kiosk.search(&text))
}

/// Takes a number in a queue; journalled, then printed in `lang`.
#[tauri::command(rename_all = "snake_case")]
pub async fn take_ticket<R: Runtime>(
    _app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    service_id: String,
    priority: Option<String>,
    lang: Option<String>,
) -> Res<TicketOutcome> {
    Ok(kiosk.take_ticket_in(&service_id, priority.as_deref(), kiosk.slip_lang(lang.as_deref())?).await?)
}

/// Takes a number in the collect-result queue for a dossier that is ready.
#[tauri::command(rename_all = "snake_case")]
pub async fn collect_result<R: Runtime>(
    _app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    code: String,
    lang: Option<String>,
) -> Res<TicketOutcome> {
    Ok(kiosk.collect_result_in(&code, kiosk.slip_lang(lang.as_deref())?).await?)
}

/// Checks an appointment in by its booking code or QR and prints its ticket in `lang`.
#[tauri::command(rename_all = "snake_case")]
pub async fn check_in<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, code: String, lang: Option<String>) -> Res<CheckInOutcome> {
    Ok(kiosk.check_in_in(&code, kiosk.slip_lang(lang.as_deref())?).await?)
}

/// A typed or scanned dossier code or ticket QR → its status.
#[tauri::command(rename_all = "snake_case")]
pub async fn lookup<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, text: String) -> Res<Lookup> {
    Ok(kiosk.lookup(&text).await?)
}

/// A procedure with its field, agency and queue.
#[tauri::command(rename_all = "snake_case")]
pub async fn procedure<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, id: String) -> Res<ProcedureInfo> {
    Ok(kiosk.procedure(&id)?)
}

/// Prints a procedure's document checklist.
#[tauri::command(rename_all = "snake_case")]
pub async fn print_checklist<R: Runtime>(
    _app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    id: String,
    lang: Option<String>,
) -> Res<PrintReport> {
    Ok(kiosk.print_checklist_in(&id, kiosk.slip_lang(lang.as_deref())?).await?)
}

/// Prints a dossier's status slip.
#[tauri::command(rename_all = "snake_case")]
pub async fn print_dossier<R: Runtime>(
    _app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    code: String,
    lang: Option<String>,
) -> Res<PrintReport> {
    Ok(kiosk.print_dossier_in(&code, kiosk.slip_lang(lang.as_deref())?).await?)
}

/// Prints a journalled ticket again.
#[tauri::command(rename_all = "snake_case")]
pub async fn reprint<R: Runtime>(
    _app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    ticket_id: String,
    lang: Option<String>,
) -> Res<TicketOutcome> {
    Ok(kiosk.reprint_in(&ticket_id, kiosk.slip_lang(lang.as_deref())?).await?)
}

/// Sends a satisfaction rating.
#[tauri::command(rename_all = "snake_case")]
pub async fn rate<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, rating: RatingInput) -> Res<()> {
    Ok(kiosk.rate(rating).await?)
}

/// Online/offline, printer, outbox.
#[tauri::command(rename_all = "snake_case")]
pub async fn status<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>) -> Res<KioskStatus> {
    Ok(kiosk.status().await?)
}

/// The queues as last heard (now serving, waiting counts): the page asks
/// once at start, then follows `now_serving` events.
#[tauri::command(rename_all = "snake_case")]
pub async fn queues<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>) -> Res<Vec<motcua_domain::api::QueueState>> {
    Ok(kiosk.queues())
}

/// What the page needs to know about the kiosk at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UiSettings {
    /// `vi` or `en`: the language the home screen starts in (and returns to).
    pub language: &'static str,
    /// Seconds without a touch before the screen goes home.
    pub idle_timeout_s: u32,
    /// Whether the window is fullscreen (false with `--windowed`).
    pub fullscreen: bool,
}

impl UiSettings {
    /// From the kiosk's config and how the window was opened.
    pub fn new(config: &Config, shell: &Shell) -> Self {
        Self { language: config.language_code(), idle_timeout_s: config.idle_timeout_s, fullscreen: shell.fullscreen }
    }
}

/// The language, idle timeout and window mode the page starts with.
#[tauri::command(rename_all = "snake_case")]
pub async fn ui_settings<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, shell: State<'_, Shell>) -> Res<UiSettings> {
    Ok(UiSettings::new(kiosk.config(), &shell))
}

/// The home screen is interactive: logs the cold-start time (for the benchmark).
#[tauri::command(rename_all = "snake_case")]
pub async fn ui_ready<R: Runtime>(_app: AppHandle<R>, shell: State<'_, Shell>) -> Res<u64> {
    Ok(shell.mark_ready())
}

/// Exits the app when the PIN matches the config's `admin_pin_hash`.
#[tauri::command(rename_all = "snake_case")]
pub async fn admin_exit<R: Runtime>(app: AppHandle<R>, kiosk: State<'_, Kiosk>, pin: String) -> Res<()> {
    kiosk.verify_admin_pin(&pin).await?;
    tracing::info!("admin exit");
    app.exit(0);
    Ok(())
}
