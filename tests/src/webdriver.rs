//! A minimal W3C WebDriver client over blocking reqwest: enough to drive the
//! kiosk through tauri-driver + WebKitWebDriver, and Debian's chromium
//! through chromedriver ([`Chromedriver`]) for the staff pages.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub type Result<T> = std::result::Result<T, String>;

/// One WebDriver session (one running kiosk app, or one browser).
pub struct Session {
    http: reqwest::blocking::Client,
    base: String,
    id: String,
    /// A browser's own profile folder, removed with the session.
    profile: Option<tempfile::TempDir>,
}

impl Session {
    /// Starts the app at `application` with `args` through tauri-driver at `base`.
    pub fn start(base: &str, application: &Path, args: &[String]) -> Result<Session> {
        let caps = json!({"tauri:options": {"application": application.display().to_string(), "args": args }});
        Session::new(base, caps, None)
    }

    /// A new session with `always_match` capabilities at the driver `base`.
    pub fn new(base: &str, always_match: Value, profile: Option<tempfile::TempDir>) -> Result<Session> {
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(90)).build().map_err(|e| e.to_string())?;
        let mut s = Session { http, base: base.trim_end_matches('/').to_string(), id: String::new(), profile };
        let v = s.raw("POST", "/session", Some(json!({"capabilities": {"alwaysMatch": always_match}})))?;
        s.id = v["sessionId"].as_str().ok_or_else(|| format!("no sessionId in {v}"))?.to_string();
        Ok(s)
    }

    /// Opens `url` (waits for the load event).
    pub fn goto(&self, url: &str) -> Result<()> {
        self.cmd("POST", "/url", Some(json!({"url": url}))).map(|_| ())
    }

    /// The address shown.
    pub fn url(&self) -> Result<String> {
        Ok(self.cmd("GET", "/url", None)?.as_str().unwrap_or_default().to_string())
    }

    /// Sets the window's outer size.
    pub fn window_size(&self, width: u32, height: u32) -> Result<()> {
        self.cmd("POST", "/window/rect", Some(json!({"width": width, "height": height}))).map(|_| ())
    }

    /// Opens a new top-level window (`"window"`) or tab (`"tab"`) and switches to it; returns its handle.
    pub fn new_window(&self, kind: &str) -> Result<String> {
        let v = self.cmd("POST", "/window/new", Some(json!({"type": kind})))?;
        let handle = v["handle"].as_str().ok_or_else(|| format!("no handle in {v}"))?.to_string();
        self.switch_to(&handle)?;
        Ok(handle)
    }

    /// The current window's handle.
    pub fn window_handle(&self) -> Result<String> {
        Ok(self.cmd("GET", "/window", None)?.as_str().unwrap_or_default().to_string())
    }

    /// Makes the window `handle` the one commands go to.
    pub fn switch_to(&self, handle: &str) -> Result<()> {
        self.cmd("POST", "/window", Some(json!({"handle": handle}))).map(|_| ())
    }

    /// Makes the page's viewport (what a screenshot shows) `width`×`height`.
    pub fn viewport(&self, width: u32, height: u32) -> Result<()> {
        self.window_size(width, height)?;
        let v = self.js("return [innerWidth, innerHeight, outerWidth, outerHeight]", json!([]))?;
        let n = |i: usize| v[i].as_i64().unwrap_or(0);
        let (dw, dh) = (n(2) - n(0), n(3) - n(1));
        if dw != 0 || dh != 0 {
            self.window_size((i64::from(width) + dw) as u32, (i64::from(height) + dh) as u32)?;
        }
        Ok(())
    }

    /// Presses and releases keys as real key events to the focused element
    /// (W3C key codes: F1 is `\u{E031}`, Space `" "`).
    pub fn press(&self, keys: &str) -> Result<()> {
        let mut actions = Vec::new();
        for k in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": k.to_string()}));
            actions.push(json!({"type": "keyUp", "value": k.to_string()}));
        }
        self.cmd("POST", "/actions", Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})))?;
        self.cmd("DELETE", "/actions", None).map(|_| ())
    }

    /// Types `text` into the element with `data-testid` = `testid`.
    pub fn type_into(&self, testid: &str, text: &str) -> Result<()> {
        self.wait(testid, Duration::from_secs(10))?;
        let id = self.element(&format!("[data-testid='{testid}']"))?;
        self.cmd("POST", &format!("/element/{id}/value"), Some(json!({"text": text}))).map(|_| ())
    }

    /// Waits until `script` returns something other than null, false or
    /// undefined, for at most `timeout`; returns that value.
    pub fn wait_for(&self, script: &str, args: Value, timeout: Duration) -> Result<Value> {
        let end = Instant::now() + timeout;
        loop {
            let v = self.js(script, args.clone())?;
            if !matches!(v, Value::Null | Value::Bool(false)) {
                return Ok(v);
            }
            if Instant::now() > end {
                let text = self.js("return (document.body?.innerText || '').slice(0, 600)", json!([]))?;
                return Err(format!("timed out after {timeout:?} waiting for `{script}`; the page shows: {text}"));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}{}", self.base, path);
        let req = match method {
            "GET" => self.http.get(&url),
            "DELETE" => self.http.delete(&url),
            _ => self.http.post(&url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let resp = req.send().map_err(|e| format!("{method} {path}: {e}"))?;
        let status = resp.status();
        let v: Value = resp.json().map_err(|e| format!("{method} {path}: bad JSON: {e}"))?;
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if !status.is_success() || value.get("error").is_some() {
            return Err(format!("{method} {path}: {status}: {value}"));
        }
        Ok(value)
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        self.raw(method, &format!("/session/{}{}", self.id, path), body)
    }

    /// Runs a script in the page; `arguments` are passed as `arguments[i]`.
    pub fn js(&self, script: &str, args: Value) -> Result<Value> {
        self.cmd("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
    }

    /// Runs an async script; it must call `arguments[arguments.length - 1](result)`.
    pub fn js_async(&self, script: &str, args: Value) -> Result<Value> {
        self.cmd("POST", "/execute/async", Some(json!({"script": script, "args": args})))
    }

    fn element(&self, css: &str) -> Result<String> {
        let v = self.cmd("POST", "/element", Some(json!({"using": "css selector", "value": css})))?;
        v.get(ELEMENT).and_then(Value::as_str).map(str::to_string).ok_or_else(|| format!("no element id in {v}"))
    }

    /// Clicks the element with `data-testid` = `testid` (a real pointer click),
    /// turning the pages of a list as a citizen would when it is on a later page.
    pub fn click(&self, testid: &str) -> Result<()> {
        self.reveal(testid)?;
        self.wait(testid, Duration::from_secs(10))?;
        let id = self.element(&format!("[data-testid='{testid}']"))?;
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})))?;
        Ok(())
    }

    /// When `testid` is not on the page but a list shows pages ("Trang sau"),
    /// taps "Trang sau" until it appears or the last page is reached.
    fn reveal(&self, testid: &str) -> Result<()> {
        const TURN: &str = r#"const id = arguments[0];
            if (document.querySelector(`[data-testid='${id}']`)) return "here";
            for (const p of document.querySelectorAll(".pager")) {
              const next = p.querySelector(".pager-next");
              if (Number(p.dataset.pages || 1) > 1 && next && !next.disabled) { next.click(); return "turned"; }
            }
            return "none";"#;
        for _ in 0..20 {
            if self.js(TURN, json!([testid]))?.as_str() != Some("turned") {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// Whether an element matching `css` is in the page.
    pub fn exists_css(&self, css: &str) -> Result<bool> {
        Ok(self.js("return !!document.querySelector(arguments[0])", json!([css]))?.as_bool().unwrap_or(false))
    }

    /// Waits until `css` matches, for at most `timeout`.
    pub fn wait_css(&self, css: &str, timeout: Duration) -> Result<()> {
        let end = Instant::now() + timeout;
        loop {
            if self.exists_css(css)? {
                return Ok(());
            }
            if Instant::now() > end {
                let screen = self.js(
                    "return location.href + ' | ' + document.querySelector('main')?.dataset.screen + ' | ' + (document.body?.innerText || '').slice(0, 400)",
                    json!([]),
                )?;
                return Err(format!("timed out waiting for {css}; the page shows: {screen}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the page is painted as a person sees it: fonts loaded,
    /// every finite animation and transition finished, two frames drawn.
    pub fn settle(&self) -> Result<()> {
        self.js_async(
            r#"const done = arguments[arguments.length - 1];
               const finite = document.getAnimations().filter(a => a.effect && a.effect.getComputedTiming().iterations !== Infinity);
               document.fonts.ready
                 .then(() => Promise.all(finite.map(a => a.finished.catch(() => null))))
                 .then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));"#,
            json!([]),
        )?;
        Ok(())
    }

    /// Waits for `[data-testid=testid]`.
    pub fn wait(&self, testid: &str, timeout: Duration) -> Result<()> {
        self.wait_css(&format!("[data-testid='{testid}']"), timeout)
    }

    /// The text of the first `[data-testid=testid]`.
    pub fn text(&self, testid: &str) -> Result<String> {
        let v =
            self.js("const e = document.querySelector(`[data-testid='${arguments[0]}']`); return e ? e.innerText : null", json!([testid]))?;
        v.as_str().map(str::to_string).ok_or_else(|| format!("no element {testid}"))
    }

    /// A `data-*` attribute of the first `[data-testid=testid]`.
    pub fn data(&self, testid: &str, key: &str) -> Result<Option<String>> {
        let v = self.js(
            "const e = document.querySelector(`[data-testid='${arguments[0]}']`); return e ? (e.dataset[arguments[1]] ?? null) : null",
            json!([testid, key]),
        )?;
        Ok(v.as_str().map(str::to_string))
    }

    /// The route name of the screen shown.
    pub fn screen(&self) -> Result<String> {
        Ok(self.js("return document.querySelector('main').dataset.screen || ''", json!([]))?.as_str().unwrap_or("").to_string())
    }

    /// Taps keys of the on-screen keyboard, one click per character.
    pub fn tap_keys(&self, text: &str) -> Result<()> {
        for c in text.chars() {
            let id = match c {
                '.' => "key-dot".to_string(),
                '-' => "key-dash".to_string(),
                ' ' => "key-space".to_string(),
                c => format!("key-{}", c.to_ascii_lowercase()),
            };
            self.click(&id)?;
        }
        Ok(())
    }

    /// What a USB scanner does: a burst of key events, then Enter, with no
    /// field focused. The events go in one task: a real scanner's key events
    /// carry the time the keys arrived, so a page busy repainting (a
    /// screenshot's frames) does not open gaps in a burst, and a synthetic
    /// event's time is when it is made.
    pub fn scanner_burst(&self, text: &str) -> Result<()> {
        self.js(
            r#"const [text] = arguments;
               for (const key of [...text, "Enter"]) {
                 document.body.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
               }
               return true;"#,
            json!([text]),
        )?;
        Ok(())
    }

    /// Saves a PNG of the window.
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        // WebKitWebDriver snapshots at the next paint; a still page may not
        // paint for seconds (until the header clock ticks). Invisible style
        // changes over the next half second give it frames to take.
        self.js(
            r#"let n = 0; const tick = () => { document.documentElement.style.opacity = n % 2 ? "" : "0.9999"; if (++n < 12) setTimeout(tick, 40); else document.documentElement.style.opacity = ""; }; setTimeout(tick, 20); return true;"#,
            json!([]),
        )?;
        let v = self.cmd("GET", "/screenshot", None)?;
        let b64 = v.as_str().ok_or("screenshot is not a string")?;
        let png = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| e.to_string())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Ends the session (and the app).
    pub fn end(mut self) -> Result<()> {
        let id = std::mem::take(&mut self.id);
        self.raw("DELETE", &format!("/session/{id}"), None).map(|_| ())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.id.is_empty() {
            let _ = self.raw("DELETE", &format!("/session/{}", self.id), None);
        }
        if let Some(dir) = self.profile.take() {
            let _ = dir.close();
        }
    }
}

/// Debian's chromedriver on a free loopback port, driving `/usr/bin/chromium`
/// headless; killed (with the browsers it started) on drop.
pub struct Chromedriver {
    child: Child,
    base: String,
}

/// Where Debian puts them (`apt-get install chromium chromium-driver`).
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "chromedriver";
const HOW: &str = "install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; `cargo xtask setup` does)";

impl Chromedriver {
    /// Starts chromedriver and waits until it is ready.
    pub fn start() -> Result<Chromedriver> {
        if !Path::new(CHROMIUM).is_file() {
            return Err(format!("{CHROMIUM} is missing: {HOW}"));
        }
        let (child, base) = start_driver(CHROMEDRIVER, |port| {
            let mut cmd = Command::new(CHROMEDRIVER);
            cmd.arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null());
            cmd
        })
        .map_err(|e| format!("{e}: {HOW}"))?;
        Ok(Chromedriver { child, base })
    }

    /// A new headless browser window of `width`×`height` with a fresh
    /// profile; `autoplay` lets pages play sound without a touch (else the
    /// desktop default: sound only after the user has touched the page).
    pub fn browser(&self, width: u32, height: u32, autoplay: bool) -> Result<Session> {
        self.browser_with(width, height, autoplay, &[])
    }

    /// [`Chromedriver::browser`] with more chromium switches.
    pub fn browser_with(&self, width: u32, height: u32, autoplay: bool, extra: &[&str]) -> Result<Session> {
        self.launch(width, height, autoplay, extra, false)
    }

    /// A phone: a touch screen `width`×`height` CSS pixels (headless windows
    /// are at least 500 pixels wide, so a 360-pixel phone is emulated), with
    /// more chromium switches.
    pub fn phone(&self, width: u32, height: u32, extra: &[&str]) -> Result<Session> {
        self.launch(width, height, false, extra, true)
    }

    fn launch(&self, width: u32, height: u32, autoplay: bool, extra: &[&str], phone: bool) -> Result<Session> {
        let profile = tempfile::Builder::new().prefix("motcua-chromium-").tempdir().map_err(|e| e.to_string())?;
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--hide-scrollbars".into(),
            // A board in a window behind another still runs at full speed (a TV never is behind).
            "--disable-background-timer-throttling".into(),
            "--disable-backgrounding-occluded-windows".into(),
            "--disable-renderer-backgrounding".into(),
            "--force-device-scale-factor=1".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        args.push(format!("--autoplay-policy={}", if autoplay { "no-user-gesture-required" } else { "document-user-activation-required" }));
        args.extend(extra.iter().map(|a| a.to_string()));
        let mut options = json!({"binary": CHROMIUM, "args": args});
        if phone {
            options["mobileEmulation"] = json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0, "touch": true}});
        }
        let caps = json!({"browserName": "chrome", "goog:chromeOptions": options});
        let s = Session::new(&self.base, caps, Some(profile))?;
        if !phone {
            s.viewport(width, height)?;
        }
        Ok(s)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        kill_group(&mut self.child);
    }
}

/// Kills a driver started by [`start_driver`] with everything it started
/// (its browser or app and their children): its whole process group.
pub fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    let _ = child.kill();
    let _ = child.wait();
}

/// A loopback port that was free a moment ago, for a program that takes a
/// port number rather than a socket; [`start_driver`] notices when another
/// process took it before the driver could.
pub fn unused_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0)
}

/// Starts a WebDriver server (`command` for a port, in a process group of
/// its own) and waits until `GET /status` says it is ready; returns it and
/// its base URL. The port is picked, released and handed over, so another
/// process may take it first: the driver then exits or never gets ready,
/// which is seen, and a new port is tried (three times in all).
pub fn start_driver(name: &str, mut command: impl FnMut(u16) -> Command) -> Result<(Child, String)> {
    use std::os::unix::process::CommandExt;
    let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(5)).build().map_err(|e| e.to_string())?;
    let mut failures = Vec::new();
    for _ in 0..3 {
        let port = unused_port();
        let mut child = command(port).process_group(0).spawn().map_err(|e| format!("{name} did not start ({e})"))?;
        let base = format!("http://127.0.0.1:{port}");
        let end = Instant::now() + Duration::from_secs(20);
        let failure = loop {
            if let Ok(Some(status)) = child.try_wait() {
                break format!("port {port}: exited ({status})");
            }
            let status: Option<Value> = http.get(format!("{base}/status")).send().ok().and_then(|r| r.json().ok());
            if status.as_ref().is_some_and(|v| v["value"]["ready"] == json!(true)) {
                return Ok((child, base));
            }
            if Instant::now() > end {
                break format!("port {port}: not ready after 20 s (last status {status:?})");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        kill_group(&mut child);
        failures.push(failure);
    }
    Err(format!("{name} never got ready ({})", failures.join("; ")))
}

/// `target/screens/NAME.png` of this build's target folder.
pub fn screen_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/<profile>/deps/<test> → target
    let target = exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("target"));
    target.join("screens").join(format!("{name}.png"))
}
