//! The kiosk's configuration: one TOML file, every key overridable by an
//! environment variable `MOTCUA_<KEY>`; a bad value is refused at start with
//! the key, the value and what is expected.

use std::path::{Path, PathBuf};
use std::time::Duration;

use motcua_receipt::{Lang, Paper};
use sha2::{Digest, Sha256};

use crate::error::EngineError;
use crate::printer::PrinterSpec;

/// What to do when the central server cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflinePolicy {
    /// Issue offline tickets (kiosk-scoped numbers), synced later.
    Issue,
    /// Refuse to issue tickets.
    Refuse,
}

/// What to do when the printer cannot print before a ticket is issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterUnavailablePolicy {
    /// Issue the ticket and show it on screen (its QR for the citizen's phone).
    Screen,
    /// Issue nothing and say why.
    Refuse,
}

/// A checked kiosk configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Unique per kiosk; sent with every ticket.
    pub kiosk_id: String,
    /// 1–4 of A-Z0-9, used in offline ticket numbers.
    pub kiosk_code: String,
    /// The center the token belongs to.
    pub center_id: String,
    /// Base URL of the central server, without a trailing slash.
    pub central_url: String,
    /// Base of the QR lookup URLs of offline tickets (phones open them).
    pub lookup_base_url: String,
    /// Kiosk bearer token.
    pub token: String,
    /// Where slips print.
    pub printer: PrinterSpec,
    /// Paper width.
    pub paper: Paper,
    /// Language of the home screen, and of slips printed without one (`Kiosk::slip_lang`).
    pub language: Lang,
    /// Back to home after this many seconds without a touch.
    pub idle_timeout_s: u32,
    /// SHA-256 of the admin PIN, lower-case hex.
    pub admin_pin_sha256: String,
    /// Offline tickets or not.
    pub offline: OfflinePolicy,
    /// Screen-only tickets or refusal when the printer cannot print.
    pub printer_unavailable: PrinterUnavailablePolicy,
    /// The SQLite store lives here.
    pub data_dir: PathBuf,
    /// Fullscreen window (the app's concern).
    pub fullscreen: bool,
    /// Dossier code pattern (regex); `None` = the national default.
    pub dossier_code_pattern: Option<String>,
    /// Longest a citizen waits for the server before an offline ticket.
    pub online_budget: Duration,
    /// How often the kiosk reports its health to the server (and at every change).
    pub heartbeat: Duration,
    /// A center's own certificate authority (PEM), trusted for `https://` besides the public ones.
    pub ca_file: Option<PathBuf>,
}

/// Every key the file may hold.
pub const KEYS: [&str; 19] = [
    "kiosk_id",
    "kiosk_code",
    "center_id",
    "central_url",
    "lookup_base_url",
    "token",
    "printer",
    "paper_mm",
    "language",
    "idle_timeout_s",
    "admin_pin_hash",
    "offline",
    "printer_unavailable",
    "data_dir",
    "fullscreen",
    "dossier_code_pattern",
    "online_budget_ms",
    "heartbeat_s",
    "ca_file",
];

const INT_KEYS: [&str; 4] = ["paper_mm", "idle_timeout_s", "online_budget_ms", "heartbeat_s"];
const BOOL_KEYS: [&str; 1] = ["fullscreen"];

fn invalid(key: &str, value: impl Into<String>, expected: impl Into<String>) -> EngineError {
    EngineError::ConfigInvalid { key: key.to_owned(), value: value.into(), expected: expected.into() }
}

fn shown(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Reads keys out of the merged table.
struct Keys(toml::Table);

impl Keys {
    fn string(&self, key: &str) -> Result<Option<String>, EngineError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(v) => Err(invalid(key, shown(v), "a string")),
        }
    }

    fn required(&self, key: &str, expected: &str) -> Result<String, EngineError> {
        match self.string(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            Some(s) => Err(invalid(key, s, expected)),
            None => Err(invalid(key, "(missing)", expected)),
        }
    }

    fn int(&self, key: &str, default: Option<i64>, expected: &str) -> Result<i64, EngineError> {
        match (self.0.get(key), default) {
            (Some(toml::Value::Integer(i)), _) => Ok(*i),
            (Some(v), _) => Err(invalid(key, shown(v), expected)),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(invalid(key, "(missing)", expected)),
        }
    }

    fn bool(&self, key: &str, default: bool) -> Result<bool, EngineError> {
        match self.0.get(key) {
            None => Ok(default),
            Some(toml::Value::Boolean(b)) => Ok(*b),
            Some(v) => Err(invalid(key, shown(v), "true or false")),
        }
    }
}

fn check_url(key: &str, url: &str) -> Result<String, EngineError> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace)
        && reqwest::Url::parse(url).is_ok();
    if !ok {
        return Err(invalid(key, url, "an http:// or https:// URL, e.g. http://127.0.0.1:8080"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn valid_kiosk_code(code: &str) -> bool {
    (1..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The default kiosk code: the last four letters or digits of the kiosk id.
fn default_kiosk_code(kiosk_id: &str) -> String {
    let alnum: Vec<char> = kiosk_id.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    alnum[alnum.len().saturating_sub(4)..].iter().collect()
}

impl Config {
    /// Reads the file at `path`, then applies `MOTCUA_*` environment overrides.
    pub fn load(path: &Path) -> Result<Config, EngineError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid("(file)", path.display().to_string(), format!("a readable TOML file ({e})")))?;
        Self::parse(&text, |name| match std::env::var(name) {
            Ok(v) => Some(v),
            Err(std::env::VarError::NotPresent) => None,
            // Not ignored: the key's check then names the variable's (mangled) value.
            Err(std::env::VarError::NotUnicode(v)) => Some(v.to_string_lossy().into_owned()),
        })
    }

    /// Parses TOML text; `env` answers `MOTCUA_<KEY>` look-ups (for tests).
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Config, EngineError> {
        let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| invalid("(file)", e.message().to_owned(), "valid TOML"))?;
        if let Some(unknown) = table.keys().find(|k| !KEYS.contains(&k.as_str())) {
            // A key TOML had to quote (`"" = 1`, `"kiosk id" = 1`) is named as written, quotes and all.
            let bare = !unknown.is_empty() && unknown.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            let named = if bare { unknown.clone() } else { format!("{unknown:?}") };
            return Err(invalid(&named, shown(&table[unknown]), format!("one of the known keys: {}", KEYS.join(", "))));
        }
        for key in KEYS {
            let Some(raw) = env(&format!("MOTCUA_{}", key.to_ascii_uppercase())) else { continue };
            let value = if INT_KEYS.contains(&key) {
                raw.trim().parse::<i64>().map(toml::Value::Integer).unwrap_or(toml::Value::String(raw))
            } else if BOOL_KEYS.contains(&key) {
                raw.trim().parse::<bool>().map(toml::Value::Boolean).unwrap_or(toml::Value::String(raw))
            } else {
                toml::Value::String(raw)
            };
            table.insert(key.to_owned(), value);
        }
        Self::from_keys(&Keys(table))
    }

    fn from_keys(k: &Keys) -> Result<Config, EngineError> {
        let kiosk_id = k.required("kiosk_id", "1 to 64 characters naming this kiosk, e.g. kiosk-sanh-1")?;
        // The server takes these in heartbeats, URLs and metric labels.
        let id_chars = kiosk_id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if kiosk_id.len() > 64 || !id_chars {
            return Err(invalid("kiosk_id", kiosk_id, "1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-', e.g. kiosk-sanh-1"));
        }
        let kiosk_code = match k.string("kiosk_code")? {
            Some(c) => c.to_ascii_uppercase(),
            None => default_kiosk_code(&kiosk_id),
        };
        if !valid_kiosk_code(&kiosk_code) {
            return Err(invalid("kiosk_code", kiosk_code, "1 to 4 of A-Z and 0-9, e.g. K1"));
        }
        let center_id = k.required("center_id", "the center id of the token, e.g. vp-tinh")?;
        let central_url = check_url("central_url", &k.required("central_url", "an http(s) URL")?)?;
        let lookup_base_url = match k.string("lookup_base_url")? {
            Some(u) => check_url("lookup_base_url", &u)?,
            None => central_url.clone(),
        };
        let token = k.required("token", "the kiosk token printed by `motcua-central token create`")?;
        let printer_text = k.required("printer", "a printer spec such as pdf+dir:///var/lib/motcua-kiosk/slips")?;
        let printer: PrinterSpec =
            printer_text.parse().map_err(|e: crate::printer::PrinterError| invalid("printer", printer_text.clone(), e.to_string()))?;
        let paper = match k.int("paper_mm", Some(80), "80 or 58")? {
            80 => Paper::Mm80,
            58 => Paper::Mm58,
            other => return Err(invalid("paper_mm", other.to_string(), "80 or 58")),
        };
        let language_text = k.string("language")?.unwrap_or_else(|| "vi".to_owned());
        let language = Lang::from_code(&language_text).ok_or_else(|| invalid("language", language_text.clone(), "vi or en"))?;
        let idle = k.int("idle_timeout_s", Some(60), "seconds, 10 to 600")?;
        let idle_timeout_s = u32::try_from(idle)
            .ok()
            .filter(|s| (10..=600).contains(s))
            .ok_or_else(|| invalid("idle_timeout_s", idle.to_string(), "seconds, 10 to 600"))?;
        let pin = k.required("admin_pin_hash", "sha256:<64 hex digits> of the admin PIN")?;
        let hex = pin.strip_prefix("sha256:").unwrap_or(&pin).to_ascii_lowercase();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid("admin_pin_hash", pin, "sha256:<64 hex digits> (e.g. `printf %s PIN | sha256sum`)"));
        }
        let offline = match k.string("offline")?.as_deref().unwrap_or("issue") {
            "issue" => OfflinePolicy::Issue,
            "refuse" => OfflinePolicy::Refuse,
            other => return Err(invalid("offline", other, "issue or refuse")),
        };
        let printer_unavailable = match k.string("printer_unavailable")?.as_deref().unwrap_or("screen") {
            "screen" => PrinterUnavailablePolicy::Screen,
            "refuse" => PrinterUnavailablePolicy::Refuse,
            other => return Err(invalid("printer_unavailable", other, "screen or refuse")),
        };
        let data_dir = PathBuf::from(k.required("data_dir", "a folder for the kiosk's store, e.g. /var/lib/motcua-kiosk")?);
        let fullscreen = k.bool("fullscreen", true)?;
        let dossier_code_pattern = k.string("dossier_code_pattern")?.filter(|p| !p.is_empty());
        if let Some(p) = &dossier_code_pattern {
            motcua_domain::DossierCodeRules::with_pattern(p)
                .map_err(|e| invalid("dossier_code_pattern", p.clone(), format!("a valid regular expression ({e})")))?;
        }
        let budget = k.int("online_budget_ms", Some(3000), "milliseconds, 200 to 30000")?;
        let online_budget = u64::try_from(budget)
            .ok()
            .filter(|ms| (200..=30_000).contains(ms))
            .map(Duration::from_millis)
            .ok_or_else(|| invalid("online_budget_ms", budget.to_string(), "milliseconds, 200 to 30000"))?;
        let beat = k.int("heartbeat_s", Some(30), "seconds, 1 to 3600")?;
        let heartbeat = u64::try_from(beat)
            .ok()
            .filter(|s| (1..=3600).contains(s))
            .map(Duration::from_secs)
            .ok_or_else(|| invalid("heartbeat_s", beat.to_string(), "seconds, 1 to 3600"))?;
        let ca_file = k.string("ca_file")?.filter(|p| !p.is_empty()).map(PathBuf::from);
        Ok(Config {
            kiosk_id,
            kiosk_code,
            center_id,
            central_url,
            lookup_base_url,
            token,
            printer,
            paper,
            language,
            idle_timeout_s,
            admin_pin_sha256: hex,
            offline,
            printer_unavailable,
            data_dir,
            fullscreen,
            dossier_code_pattern,
            online_budget,
            heartbeat,
            ca_file,
        })
    }

    /// Whether `pin` hashes to the configured admin PIN hash.
    pub fn check_admin_pin(&self, pin: &str) -> bool {
        let digest = Sha256::digest(pin.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        // Compare every byte so the time does not tell how much matched.
        hex.len() == self.admin_pin_sha256.len()
            && hex.bytes().zip(self.admin_pin_sha256.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    /// `vi` or `en`.
    pub fn language_code(&self) -> &'static str {
        match self.language {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIN_1234: &str = "sha256:03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4";

    fn base() -> String {
        format!(
            r#"
kiosk_id = "kiosk-sanh-1"
center_id = "vp-tinh"
central_url = "http://127.0.0.1:8080/"
token = "demo-kiosk"
printer = "pdf+dir:///tmp/slips"
admin_pin_hash = "{PIN_1234}"
data_dir = "/tmp/kiosk"
"#
        )
    }

    #[test]
    fn the_sample_config_parses() {
        let c = Config::parse(include_str!("../kiosk.sample.toml"), |_| None).unwrap();
        assert_eq!(c.kiosk_code, "K1");
        assert_eq!(c.center_id, "vp-tinh");
    }

    #[test]
    fn an_unknown_quoted_key_is_named_as_written() {
        // Found by fuzzing: `"" = 333` was reported as key `` (nothing to look for in the file).
        for (line, named) in [(r#""" = 333"#, r#""""#), (r#""kiosk id" = "a""#, r#""kiosk id""#), ("kioskid = 1", "kioskid")] {
            let e = Config::parse(&format!("{}{line}\n", base()), |_| None).unwrap_err();
            let EngineError::ConfigInvalid { key, .. } = &e else { panic!("{e}") };
            assert_eq!(key, named, "{line}");
            assert!(e.message_vi().contains(named), "{}", e.message_vi());
        }
    }

    #[test]
    fn defaults_fill_the_optional_keys() {
        let c = Config::parse(&base(), |_| None).unwrap();
        assert_eq!(c.central_url, "http://127.0.0.1:8080");
        assert_eq!(c.lookup_base_url, c.central_url);
        assert_eq!(c.kiosk_code, "ANH1");
        assert_eq!(c.paper, Paper::Mm80);
        assert_eq!(c.offline, OfflinePolicy::Issue);
        assert_eq!(c.printer_unavailable, PrinterUnavailablePolicy::Screen);
        assert_eq!(c.heartbeat, Duration::from_secs(30));
        assert!(c.check_admin_pin("1234") && !c.check_admin_pin("1235"));
    }

    #[test]
    fn environment_overrides_every_key() {
        let env = |k: &str| match k {
            "MOTCUA_CENTRAL_URL" => Some("https://motcua.example".to_owned()),
            "MOTCUA_PAPER_MM" => Some("58".to_owned()),
            "MOTCUA_FULLSCREEN" => Some("false".to_owned()),
            _ => None,
        };
        let c = Config::parse(&base(), env).unwrap();
        assert_eq!(c.central_url, "https://motcua.example");
        assert_eq!(c.paper, Paper::Mm58);
        assert!(!c.fullscreen);
    }

    #[test]
    fn a_bad_value_names_key_value_and_expectation() {
        let cases = [
            ("MOTCUA_PAPER_MM", "72", "paper_mm", "80 or 58"),
            ("MOTCUA_IDLE_TIMEOUT_S", "5", "idle_timeout_s", "10 to 600"),
            ("MOTCUA_PRINTER", "lp0", "printer", "escpos+tcp://HOST:PORT"),
            ("MOTCUA_OFFLINE", "maybe", "offline", "issue or refuse"),
            ("MOTCUA_CENTRAL_URL", "ftp://x", "central_url", "http"),
            ("MOTCUA_KIOSK_CODE", "k-1", "kiosk_code", "A-Z"),
            ("MOTCUA_ADMIN_PIN_HASH", "1234", "admin_pin_hash", "64 hex"),
            ("MOTCUA_HEARTBEAT_S", "0", "heartbeat_s", "1 to 3600"),
            ("MOTCUA_KIOSK_ID", "sảnh 1", "kiosk_id", "A-Z, a-z, 0-9"),
        ];
        for (var, value, key, expected) in cases {
            let err = Config::parse(&base(), |k| (k == var).then(|| value.to_owned())).unwrap_err();
            assert_eq!(err.code(), "config_invalid");
            let msg = err.to_string();
            assert!(msg.contains(key), "{msg}");
            assert!(msg.contains(value) || msg.contains(&value.to_ascii_uppercase()), "{msg}");
            assert!(msg.contains(expected), "{msg}");
        }
        let err = Config::parse(&format!("{}\npaper = 80\n", base()), |_| None).unwrap_err();
        assert!(err.to_string().contains("`paper`"), "{err}");
        let err = Config::parse("kiosk_id = \"k\"", |_| None).unwrap_err();
        assert!(err.to_string().contains("center_id") && err.to_string().contains("(missing)"), "{err}");
    }
}
