//! Một Cửa kiosk: the Tauri shell over `motcua-engine`. Commands are one-line
//! calls into [`motcua_engine::Kiosk`]; this crate adds the window, its
//! lockdown, the event bridge and logging.
#![warn(missing_docs)]

pub mod args;
pub mod commands;
pub mod error;
pub mod instance;
pub mod logging;
pub mod shell;

use std::time::Instant;

use motcua_engine::{Config, Kiosk};
use tauri::{Manager, Runtime};

use crate::args::{Args, USAGE, config_path};
use crate::shell::Shell;

/// Every command of the app (each has an `allow-…` permission, see build.rs).
pub fn invoke_handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        commands::catalog,
        commands::search,
        commands::take_ticket,
        commands::collect_result,
        commands::check_in,
        commands::lookup,
        commands::procedure,
        commands::print_checklist,
        commands::print_dossier,
        commands::reprint,
        commands::rate,
        commands::status,
        commands::queues,
        commands::ui_settings,
        commands::ui_ready,
        commands::admin_exit,
    ]
}

/// Runs the kiosk; returns the process exit code.
pub fn run() -> u8 {
    let started = Instant::now();
    // First: GTK and WebKit read these when they start, and threads start soon.
    let accelerate = shell::acceleration_requested();
    #[cfg(target_os = "linux")]
    shell::prepare_webkit_environment(accelerate);
    let (args, unknown) = match Args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("motcua-kiosk: {e}\n{USAGE}");
            return 2;
        }
    };
    if args.help {
        print!("{USAGE}");
        return 0;
    }
    if args.version {
        println!("motcua-kiosk {}", env!("CARGO_PKG_VERSION"));
        return 0;
    }
    let path = config_path(&args, |k| std::env::var(k).ok(), |p| p.exists());
    let config = match Config::load(&path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("motcua-kiosk: config {}: {e}", path.display());
            return 2;
        }
    };
    let _log_guard = match logging::init(&config.data_dir.join("logs")) {
        Ok(g) => Some(g),
        Err(e) => {
            logging::init_stderr();
            tracing::error!(error = %e, "logging to a file is off (the data folder cannot take it); logging to stderr");
            None
        }
    };
    tracing::info!(config = %path.display(), kiosk = %config.kiosk_id, "starting");
    for arg in unknown {
        tracing::debug!(%arg, "argument ignored");
    }
    // Before the engine opens the store: one kiosk per data folder.
    let _instance = match instance::lock(&config.data_dir) {
        Ok(l) => Some(l),
        Err(e @ instance::LockError::Held { .. }) => {
            tracing::warn!(error = %e, "not started: already running");
            eprintln!("motcua-kiosk: {e}; not starting a second one");
            return 0;
        }
        // A read-only or full data folder: the engine starts degraded (online
        // tickets only, a banner for IT) rather than the lobby losing its kiosk.
        Err(e) => {
            tracing::error!(error = %e, "instance lock not taken: the data folder cannot be written; starting without it");
            eprintln!("motcua-kiosk: {e}; starting without the instance lock");
            None
        }
    };
    let fullscreen = config.fullscreen && !args.windowed;
    let size = args.window_size.unwrap_or(shell::DEFAULT_SIZE);
    let kiosk = match tauri::async_runtime::block_on(Kiosk::start(config)) {
        Ok(k) => k,
        Err(e) => {
            tracing::error!(error = %e, "the kiosk engine did not start");
            eprintln!("motcua-kiosk: {e}");
            return 2;
        }
    };
    let result = tauri::Builder::default()
        // First, so a second launch only focuses the running kiosk.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("a second instance was started; focusing this one");
            if let Some(w) = app.get_webview_window("main")
                && let Err(e) = w.set_focus()
            {
                tracing::warn!(error = %e, "the running kiosk could not take the focus");
            }
        }))
        .invoke_handler(invoke_handler())
        .setup(move |app| {
            shell::forward_events(app.handle().clone(), &kiosk);
            app.manage(kiosk);
            app.manage(Shell::new(fullscreen, started));
            let _window = shell::open_window(app, fullscreen, size)?;
            #[cfg(target_os = "linux")]
            shell::tune_webkit(&_window, accelerate);
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            tracing::error!(error = %e, "the window failed");
            eprintln!("motcua-kiosk: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests;
