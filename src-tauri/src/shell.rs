//! The kiosk window and its lockdown: fullscreen and undecorated from config,
//! no dev tools in release builds, no zoom hotkeys, no navigation away from
//! the app, engine events forwarded to the page.

use std::sync::OnceLock;
use std::time::Instant;

use motcua_engine::Kiosk;
use tauri::webview::NewWindowResponse;
use tauri::{Emitter, Manager, Runtime, Url, WebviewUrl, WebviewWindowBuilder};
use tokio::sync::broadcast::error::RecvError;

/// The event name the page listens to.
pub const EVENT: &str = "kiosk://event";

/// Shell state: how the window was opened and when.
#[derive(Debug)]
pub struct Shell {
    /// Fullscreen (config `fullscreen` and no `--windowed`).
    pub fullscreen: bool,
    started: Instant,
    ready_ms: OnceLock<u64>,
}

impl Shell {
    /// State for a window opened now.
    pub fn new(fullscreen: bool, started: Instant) -> Self {
        Self { fullscreen, started, ready_ms: OnceLock::new() }
    }

    /// Records the first "home screen interactive" and returns ms since start.
    pub fn mark_ready(&self) -> u64 {
        *self.ready_ms.get_or_init(|| {
            let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
            tracing::info!(ms, "ui ready");
            println!("ui-ready-ms {ms}");
            ms
        })
    }
}

/// Whether the webview may load `url`: only the app's own pages.
pub fn navigation_allowed(url: &Url) -> bool {
    let ok = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        // Windows and Android serve the app from http(s)://tauri.localhost.
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    };
    if !ok {
        tracing::warn!(%url, "navigation refused");
    }
    ok
}

/// Opens the kiosk window.
/// The windowed size when none is asked for.
pub const DEFAULT_SIZE: (u32, u32) = (1280, 1000);

/// Opens the kiosk window (`size` applies when not fullscreen).
pub fn open_window<R: Runtime, M: Manager<R>>(manager: &M, fullscreen: bool, size: (u32, u32)) -> tauri::Result<tauri::WebviewWindow<R>> {
    WebviewWindowBuilder::new(manager, "main", WebviewUrl::App("index.html".into()))
        .title("Một Cửa")
        .inner_size(f64::from(size.0), f64::from(size.1))
        .min_inner_size(800.0, 600.0)
        .fullscreen(fullscreen)
        .decorations(!fullscreen)
        .resizable(!fullscreen)
        .always_on_top(fullscreen)
        .focused(true)
        .zoom_hotkeys_enabled(false)
        .devtools(cfg!(debug_assertions))
        .disable_drag_drop_handler()
        .on_navigation(navigation_allowed)
        .on_new_window(|url, _| {
            tracing::warn!(%url, "new window refused");
            NewWindowResponse::Deny
        })
        // Nothing is downloaded to a public kiosk.
        .on_download(|_, _| false)
        .build()
}

/// Whether `MOTCUA_WEBKIT_ACCELERATION=1` asks for WebKit's default,
/// composited rendering instead of the kiosk's software rendering.
pub fn acceleration_requested() -> bool {
    std::env::var_os("MOTCUA_WEBKIT_ACCELERATION").is_some_and(|v| v == "1")
}

/// Environment GTK and WebKit read once at start (the web and network
/// processes inherit it). Measured with `src-tauri/bench/measure.sh`:
/// - without compositing nothing draws with GL, yet GTK probes GLX and WebKit
///   sets up its DMA-BUF renderer in the app and web processes: ~10 MiB PSS;
/// - the pages run little script (a screen change takes the same ~25 ms with
///   the interpreter alone) and JIT compilers cost ~7 MiB in the web process,
///   besides being attack surface on a public machine.
pub fn webkit_environment(accelerate: bool) -> &'static [(&'static str, &'static str)] {
    const SOFTWARE: &[(&str, &str)] = &[("WEBKIT_DISABLE_DMABUF_RENDERER", "1"), ("GDK_GL", "disable"), ("JSC_useJIT", "false")];
    const ACCELERATED: &[(&str, &str)] = &[("JSC_useJIT", "false")];
    if accelerate { ACCELERATED } else { SOFTWARE }
}

/// The variables of [`webkit_environment`] not already set: an operator's
/// own value (say `JSC_useJIT=true`) wins.
pub fn missing_environment(accelerate: bool, current: impl Fn(&str) -> Option<std::ffi::OsString>) -> Vec<(&'static str, &'static str)> {
    webkit_environment(accelerate).iter().copied().filter(|(key, _)| current(key).is_none()).collect()
}

/// Sets the missing [`webkit_environment`]. Call first in `run`, before any
/// thread starts (logging, the engine and GTK all start threads).
#[cfg(target_os = "linux")]
pub fn prepare_webkit_environment(accelerate: bool) {
    for (key, value) in missing_environment(accelerate, |k| std::env::var_os(k)) {
        // SAFETY: `run` calls this before it starts any thread, so nothing
        // reads or writes the environment concurrently.
        unsafe { std::env::set_var(key, value) };
    }
}

/// Trims WebKitGTK for a kiosk: no accelerated compositing (the UI is static
/// pages; compositing layers cost ~100 MiB in the web process under software
/// rendering) and the document-viewer cache model. With `accelerate`
/// (`MOTCUA_WEBKIT_ACCELERATION=1`) WebKit keeps its default acceleration.
#[cfg(target_os = "linux")]
pub fn tune_webkit(window: &tauri::WebviewWindow<tauri::Wry>, accelerate: bool) {
    let result = window.with_webview(move |platform| {
        use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};
        let view = platform.inner();
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if !accelerate && let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(e) = result {
        tracing::warn!(error = %e, "WebKit settings not applied");
    }
}

/// Forwards engine events (now serving, online/offline, printer) to the page.
pub fn forward_events<R: Runtime>(app: tauri::AppHandle<R>, kiosk: &Kiosk) {
    let mut rx = kiosk.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(event) => {
                    if let Err(e) = app.emit(EVENT, &event) {
                        tracing::warn!(error = %e, "event not delivered to the page");
                    }
                }
                Err(RecvError::Lagged(n)) => tracing::debug!(n, "page events lagged"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        s.parse().expect("url")
    }

    #[test]
    fn only_the_apps_own_origin_is_navigable() {
        assert!(navigation_allowed(&url("tauri://localhost/index.html")));
        assert!(navigation_allowed(&url("http://tauri.localhost/index.html")));
        assert!(!navigation_allowed(&url("https://example.com/")));
        assert!(!navigation_allowed(&url("http://127.0.0.1:8080/api/v1/health")));
        assert!(!navigation_allowed(&url("file:///etc/passwd")));
        assert!(!navigation_allowed(&url("tauri://evil.example/")));
    }

    #[test]
    fn software_rendering_turns_gl_probing_and_the_jit_off() {
        let keys: Vec<&str> = webkit_environment(false).iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["WEBKIT_DISABLE_DMABUF_RENDERER", "GDK_GL", "JSC_useJIT"]);
        // Compositing needs GL; only the JIT stays off.
        assert_eq!(webkit_environment(true), [("JSC_useJIT", "false")]);
    }

    #[test]
    fn an_operators_own_environment_wins() {
        let set = |k: &str| (k == "JSC_useJIT").then(|| "true".into());
        assert_eq!(missing_environment(false, set), [("WEBKIT_DISABLE_DMABUF_RENDERER", "1"), ("GDK_GL", "disable")]);
        assert!(missing_environment(true, set).is_empty());
        assert_eq!(missing_environment(false, |_| None).len(), 3);
    }

    #[test]
    fn ready_time_is_recorded_once() {
        let shell = Shell::new(false, Instant::now());
        let first = shell.mark_ready();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(shell.mark_ready(), first);
    }
}
