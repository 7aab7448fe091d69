//! The `[source]` table of a mapping file: where the upstream one-stop
//! system is, how to page through it, how to authenticate, how often.

use std::time::Duration;

use serde::Deserialize;

/// How a pass asks only for what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Incremental {
    /// `?updated_since=…` with the newest update time already applied (minus
    /// `overlap`), pages numbered from 1; the upstream must sort by update time.
    UpdatedSince,
    /// `?cursor=…` with the cursor the last page gave; the upstream says where the next page starts.
    Cursor,
}

/// How `updated_since` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeFormat {
    /// `yyyyMMddHHmmss` in the center's time zone (the national portal's format).
    Compact,
    /// RFC 3339 in UTC.
    Rfc3339,
}

/// The `[source]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// A short name for the log, `/metrics` and the stored state (default: the URL's host).
    pub name: Option<String>,
    /// The upstream endpoint that lists dossiers (`--source` overrides).
    pub url: Option<String>,
    /// How often a pass runs: `60s`, `5m` (`--every` overrides; default 60s).
    pub every: Option<String>,
    /// The center of a record that names none (`--center` overrides).
    pub center: Option<String>,
    /// Where in a record its receiving center's code is (a dotted path), read through `[centers]`.
    pub center_field: Option<String>,
    /// Where the list of records is in a page (a dotted path; empty: the page is the list).
    #[serde(default = "default_records")]
    pub records: String,
    /// `updated_since` (default) or `cursor`.
    #[serde(default = "default_incremental")]
    pub incremental: Incremental,
    /// The query parameter of the update time (default `updated_since`).
    #[serde(default = "default_since_param")]
    pub since_param: String,
    /// How the update time is written (default `compact`: yyyyMMddHHmmss).
    #[serde(default = "default_since_format")]
    pub since_format: TimeFormat,
    /// How far before the newest update already applied a pass asks again (default 2m).
    pub overlap: Option<String>,
    /// A pass without `updated_since` this often, to heal anything a moving page skipped (default 24h; `0s`: never).
    pub full_every: Option<String>,
    /// The page number parameter (default `page`, from 1).
    #[serde(default = "default_page_param")]
    pub page_param: String,
    /// The page size parameter (default `page_size`).
    #[serde(default = "default_page_size_param")]
    pub page_size_param: String,
    /// Records asked per page (default 100).
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// The cursor parameter (default `cursor`).
    #[serde(default = "default_cursor_param")]
    pub cursor_param: String,
    /// Where the next cursor is in a page (default `next_cursor`).
    #[serde(default = "default_next_cursor")]
    pub next_cursor: String,
    /// Longest one request may take (default 30s).
    pub timeout: Option<String>,
    /// Attempts per page before the pass fails (default 5).
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    /// First pause after a failed request; doubles each time (default 1s).
    pub backoff: Option<String>,
    /// The header that carries the credentials (default `Authorization`).
    #[serde(default = "default_auth_header")]
    pub auth_header: String,
    /// The environment variable holding that header's whole value (e.g. `Bearer …`).
    pub auth_env: Option<String>,
    /// A token endpoint (OAuth2 client credentials, as LGSP gateways use); its
    /// `access_token` is sent as `Bearer …` and fetched again when refused or expired.
    pub token_url: Option<String>,
    /// The environment variable holding the client id.
    pub client_id_env: Option<String>,
    /// The environment variable holding the client secret.
    pub client_secret_env: Option<String>,
}

fn default_records() -> String {
    "data".into()
}
fn default_incremental() -> Incremental {
    Incremental::UpdatedSince
}
fn default_since_param() -> String {
    "updated_since".into()
}
fn default_since_format() -> TimeFormat {
    TimeFormat::Compact
}
fn default_page_param() -> String {
    "page".into()
}
fn default_page_size_param() -> String {
    "page_size".into()
}
fn default_page_size() -> u32 {
    100
}
fn default_cursor_param() -> String {
    "cursor".into()
}
fn default_next_cursor() -> String {
    "next_cursor".into()
}
fn default_attempts() -> u32 {
    5
}
fn default_auth_header() -> String {
    "Authorization".into()
}

/// Reads `90s`, `2m`, `1h`, `250ms` or a number of seconds.
pub fn duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let bad = || format!("{text:?} is not a duration (e.g. 60s, 5m, 1h, 500ms)");
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| bad())?;
    match unit.trim() {
        "" | "s" => Ok(Duration::from_secs(n)),
        "ms" => Ok(Duration::from_millis(n)),
        "m" | "min" => Ok(Duration::from_secs(n.saturating_mul(60))),
        "h" => Ok(Duration::from_secs(n.saturating_mul(3600))),
        _ => Err(bad()),
    }
}

/// A `[source]` with every default and every duration read, and the command
/// line's overrides applied.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The stored state's key and the metrics label.
    pub name: String,
    /// The endpoint.
    pub url: String,
    /// Between passes.
    pub every: Duration,
    /// The center of a record that names none.
    pub center: Option<String>,
    /// The table as written.
    pub spec: SourceSpec,
    /// Asked again before the newest update applied.
    pub overlap: Duration,
    /// A full pass this often (`None`: never).
    pub full_every: Option<Duration>,
    /// Per request.
    pub timeout: Duration,
    /// First pause after a failure.
    pub backoff: Duration,
}

/// What the command line says, over the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--source URL`.
    pub url: Option<String>,
    /// `--every 60s`.
    pub every: Option<Duration>,
    /// `--center ID`.
    pub center: Option<String>,
}

impl Settings {
    /// Reads a `[source]` (absent: every default) with the overrides.
    pub fn new(spec: Option<&SourceSpec>, over: &Overrides) -> Result<Self, String> {
        let spec = spec.cloned().unwrap_or_else(|| {
            // Every field has a default or is optional: an empty table is valid.
            toml::from_str::<SourceSpec>("").unwrap_or_else(|_| unreachable!("an empty [source] parses"))
        });
        let url = over.url.clone().or_else(|| spec.url.clone()).ok_or("no upstream URL: give --source URL or [source] url")?;
        let parsed = reqwest::Url::parse(&url).map_err(|e| format!("source URL {url:?}: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("source URL {url:?}: use http or https"));
        }
        let name = spec.name.clone().or_else(|| parsed.host_str().map(str::to_string)).unwrap_or_else(|| "source".into());
        if name.trim().is_empty() || name.len() > 64 || name.contains(['"', '\\', '\n']) {
            return Err(format!("[source] name {name:?}: 1 to 64 characters, no quotes"));
        }
        let read = |v: &Option<String>, default: Duration, what: &str| -> Result<Duration, String> {
            v.as_deref().map_or(Ok(default), duration).map_err(|e| format!("[source] {what}: {e}"))
        };
        let every = match over.every {
            Some(d) => d,
            None => read(&spec.every, Duration::from_secs(60), "every")?,
        };
        if every < Duration::from_secs(1) {
            return Err("a pass at most every second: --every 1s or more".into());
        }
        let full_every = read(&spec.full_every, Duration::from_secs(24 * 3600), "full_every")?;
        if spec.page_size == 0 || spec.page_size > 10_000 {
            return Err("[source] page_size: 1 to 10000".into());
        }
        if spec.attempts == 0 || spec.attempts > 20 {
            return Err("[source] attempts: 1 to 20".into());
        }
        if spec.token_url.is_some() && (spec.client_id_env.is_none() || spec.client_secret_env.is_none()) {
            return Err("[source] token_url needs client_id_env and client_secret_env (the names of environment variables)".into());
        }
        Ok(Settings {
            name,
            url,
            every,
            center: over.center.clone().or_else(|| spec.center.clone()),
            overlap: read(&spec.overlap, Duration::from_secs(120), "overlap")?,
            full_every: (!full_every.is_zero()).then_some(full_every),
            timeout: read(&spec.timeout, Duration::from_secs(30), "timeout")?,
            backoff: read(&spec.backoff, Duration::from_secs(1), "backoff")?,
            spec,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(duration(" 2h "), Ok(Duration::from_secs(7200)));
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(duration("90"), Ok(Duration::from_secs(90)));
        assert!(duration("soon").is_err() && duration("5 weeks").is_err() && duration("").is_err());
    }

    #[test]
    fn the_command_line_wins_over_the_file() {
        let spec: SourceSpec = toml::from_str("url = \"http://upstream.test/hoso\"\nevery = \"5m\"\ncenter = \"a\"").unwrap();
        let s = Settings::new(Some(&spec), &Overrides::default()).unwrap();
        assert_eq!((s.name.as_str(), s.every, s.center.as_deref()), ("upstream.test", Duration::from_secs(300), Some("a")));
        let over = Overrides { url: Some("https://other.test/x".into()), every: Some(Duration::from_secs(10)), center: Some("b".into()) };
        let s = Settings::new(Some(&spec), &over).unwrap();
        assert_eq!((s.url.as_str(), s.every, s.center.as_deref()), ("https://other.test/x", Duration::from_secs(10), Some("b")));
        assert!(Settings::new(None, &Overrides::default()).unwrap_err().contains("--source"));
        let bad: SourceSpec = toml::from_str("url = \"ftp://x\"").unwrap();
        assert!(Settings::new(Some(&bad), &Overrides::default()).is_err());
        assert!(toml::from_str::<SourceSpec>("urll = \"x\"").is_err(), "a typo is refused");
    }
}
