//! The Tauri commands: one line each over `engine::Kiosk` (docs/kiosk-api.md).
//! Every command is generic over the runtime so `tauri::test` can drive it.

use std::time::Duration;

use motcua_domain::Catalog;
use motcua_engine::{EngineError, Kiosk, KioskStatus, Lookup, PrintReport, ProcedureInfo, RatingInput, SearchHit, TicketOutcome};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::error::IpcError;
use crate::shell::Shell;

type Res<T> = Result<T, IpcError>;

/// The catalog; when none was ever fetched, asks the server once more.
#[tauri::command(rename_all = "snake_case")]
pub async fn catalog<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>) -> Res<Catalog> {
    match kiosk.catalog() {
        Err(EngineError::CatalogUnavailable) => {
            kiosk.probe().await?;
            Ok((*kiosk.catalog()?).clone())
        }
        other => Ok((*other?).clone()),
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn search<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, text: String) -> Res<Vec<SearchHit>> {
    Ok(kiosk.search(&text))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn take_ticket<R: Runtime>(
    _app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    service_id: String,
    priority: Option<String>,
) -> Res<TicketOutcome> {
    Ok(kiosk.take_ticket(&service_id, priority.as_deref()).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn collect_result<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, code: String) -> Res<TicketOutcome> {
    Ok(kiosk.collect_result(&code).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn lookup<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, text: String) -> Res<Lookup> {
    Ok(kiosk.lookup(&text).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn procedure<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, id: String) -> Res<ProcedureInfo> {
    Ok(kiosk.procedure(&id)?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn print_checklist<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, id: String) -> Res<PrintReport> {
    Ok(kiosk.print_checklist(&id).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn print_dossier<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, code: String) -> Res<PrintReport> {
    Ok(kiosk.print_dossier(&code).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reprint<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, ticket_id: String) -> Res<TicketOutcome> {
    Ok(kiosk.reprint(&ticket_id).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn rate<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, rating: RatingInput) -> Res<()> {
    Ok(kiosk.rate(rating).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn status<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>) -> Res<KioskStatus> {
    Ok(kiosk.status().await)
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

#[tauri::command(rename_all = "snake_case")]
pub async fn ui_settings<R: Runtime>(_app: AppHandle<R>, kiosk: State<'_, Kiosk>, shell: State<'_, Shell>) -> Res<UiSettings> {
    Ok(UiSettings { language: kiosk.config().language_code(), idle_timeout_s: kiosk.config().idle_timeout_s, fullscreen: shell.fullscreen })
}

/// The home screen is interactive: logs the cold-start time (for the benchmark).
#[tauri::command(rename_all = "snake_case")]
pub async fn ui_ready<R: Runtime>(_app: AppHandle<R>, shell: State<'_, Shell>) -> Res<u64> {
    Ok(shell.mark_ready())
}

/// Exits the app when the PIN matches the config's `admin_pin_hash`.
#[tauri::command(rename_all = "snake_case")]
pub async fn admin_exit<R: Runtime>(app: AppHandle<R>, kiosk: State<'_, Kiosk>, pin: String) -> Res<()> {
    if !kiosk.check_admin_pin(&pin) {
        tracing::warn!("admin exit refused: wrong PIN");
        // Slows down guessing on the touch screen.
        tokio::time::sleep(Duration::from_millis(800)).await;
        return Err(IpcError::admin_pin_wrong());
    }
    tracing::info!("admin exit");
    app.exit(0);
    Ok(())
}
