//! A minimal W3C WebDriver client over blocking reqwest: enough to drive the
//! kiosk through tauri-driver + WebKitWebDriver.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub type Result<T> = std::result::Result<T, String>;

/// One WebDriver session (one running kiosk app).
pub struct Session {
    http: reqwest::blocking::Client,
    base: String,
    id: String,
}

impl Session {
    /// Starts the app at `application` with `args` through tauri-driver at `base`.
    pub fn start(base: &str, application: &Path, args: &[String]) -> Result<Session> {
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(90)).build().map_err(|e| e.to_string())?;
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": application.display().to_string(), "args": args }}}});
        let mut s = Session { http, base: base.trim_end_matches('/').to_string(), id: String::new() };
        let v = s.raw("POST", "/session", Some(caps))?;
        s.id = v["sessionId"].as_str().ok_or_else(|| format!("no sessionId in {v}"))?.to_string();
        Ok(s)
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

    /// Clicks the element with `data-testid` = `testid` (a real pointer click).
    pub fn click(&self, testid: &str) -> Result<()> {
        self.wait(testid, Duration::from_secs(10))?;
        let id = self.element(&format!("[data-testid='{testid}']"))?;
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})))?;
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
                let screen = self.js("return document.querySelector('main')?.dataset.screen + ' | ' + (document.querySelector('main')?.innerText || '').slice(0, 400)", json!([]))?;
                return Err(format!("timed out waiting for {css}; the page shows: {screen}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
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

    /// What a USB scanner does: a burst of key events a few ms apart, then
    /// Enter, with no field focused.
    pub fn scanner_burst(&self, text: &str) -> Result<()> {
        self.js_async(
            r#"const [text, done] = arguments;
               const keys = [...text, "Enter"];
               let i = 0;
               const next = () => {
                 if (i >= keys.length) return done(true);
                 const key = keys[i++];
                 document.body.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
                 setTimeout(next, 4);
               };
               next();"#,
            json!([text]),
        )?;
        Ok(())
    }

    /// Saves a PNG of the window.
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        let v = self.cmd("GET", "/screenshot", None)?;
        let b64 = v.as_str().ok_or("screenshot is not a string")?;
        let png = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| e.to_string())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Ends the session (and the app).
    pub fn end(self) -> Result<()> {
        self.raw("DELETE", &format!("/session/{}", self.id), None).map(|_| ())
    }
}
