//! Declares the app's own commands so each gets an `allow-<command>`
//! permission, and capabilities/default.json can allow exactly these.

const COMMANDS: &[&str] = &[
    "catalog",
    "search",
    "take_ticket",
    "collect_result",
    "check_in",
    "lookup",
    "procedure",
    "print_checklist",
    "print_dossier",
    "reprint",
    "rate",
    "status",
    "queues",
    "ui_settings",
    "ui_ready",
    "admin_exit",
];

fn main() {
    let attrs = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attrs) {
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
