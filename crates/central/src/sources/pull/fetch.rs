//! One page from the upstream: the credentials (a fixed header from the
//! environment, or a token endpoint whose token is fetched again when it
//! expires), a timeout per request, and retries with a doubling pause on
//! what may pass (no connection, a timeout, 429, 5xx).

use std::time::Duration;

use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::spec::Settings;

/// Longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Why a page could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    /// What went wrong, for the log and the stored state (no credentials, no record data).
    pub message: String,
    /// Requests that failed on the way (each counted in `/metrics`).
    pub failed_requests: u32,
}

/// A page and the requests that failed before it came.
#[derive(Debug, Clone)]
pub struct Page {
    /// The page's JSON.
    pub body: Value,
    /// Failed attempts before it came.
    pub failed_requests: u32,
}

/// How one attempt ended.
enum Attempt {
    Ok(Value),
    /// Worth another try after a pause.
    Transient(String),
    /// The credentials were refused or expired: get a new token (when there is a token endpoint) and try again.
    Refused(String),
    /// No use trying again.
    Final(String),
}

/// Gets pages from one upstream.
pub struct Fetcher {
    http: reqwest::Client,
    settings: Settings,
    token: tokio::sync::Mutex<Option<String>>,
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("the environment variable {name} (named in [source]) is not set"))
}

impl Fetcher {
    /// A fetcher for the source; checks that the credentials' variables are set.
    pub fn new(settings: &Settings) -> Result<Self, String> {
        let spec = &settings.spec;
        if let Some(name) = &spec.auth_env {
            env(name)?;
        }
        if spec.token_url.is_some() {
            for name in [&spec.client_id_env, &spec.client_secret_env].into_iter().flatten() {
                env(name)?;
            }
        }
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(Duration::from_secs(5).min(settings.timeout))
            .timeout(settings.timeout)
            .user_agent(concat!("motcua-central/", env!("CARGO_PKG_VERSION"), " (dossier pull)"))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Self { http, settings: settings.clone(), token: tokio::sync::Mutex::new(None) })
    }

    /// The page at `query` (added to the source URL), trying again per `[source] attempts`.
    pub async fn page(&self, query: &[(String, String)], label: &str) -> Result<Page, FetchError> {
        let mut url = Url::parse(&self.settings.url).map_err(|e| FetchError { message: e.to_string(), failed_requests: 0 })?;
        {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        let attempts = self.settings.spec.attempts;
        let mut pause = self.settings.backoff;
        let mut failed = 0u32;
        let mut renewed = false;
        for attempt in 1..=attempts {
            let outcome = self.attempt(&url).await;
            let (why, wait) = match outcome {
                Attempt::Ok(body) => return Ok(Page { body, failed_requests: failed }),
                Attempt::Final(why) => return Err(FetchError { message: format!("{label}: {why}"), failed_requests: failed + 1 }),
                Attempt::Refused(why) if self.settings.spec.token_url.is_some() => {
                    // An expired token: a new one, then at once again (once without a pause).
                    *self.token.lock().await = None;
                    let wait = if renewed { Some(pause) } else { None };
                    renewed = true;
                    (why, wait)
                }
                Attempt::Refused(why) => {
                    let message = format!("{label}: {why}; check the credentials in the variable [source] auth_env names");
                    return Err(FetchError { message, failed_requests: failed + 1 });
                }
                Attempt::Transient(why) => (why, Some(pause)),
            };
            failed += 1;
            if attempt == attempts {
                return Err(FetchError { message: format!("{label}: {why} (gave up after {attempts} attempts)"), failed_requests: failed });
            }
            match wait {
                Some(wait) => {
                    tracing::warn!(source = %self.settings.name, page = %label, error = %why, retry_in_ms = wait.as_millis() as u64, "dossier pull: request failed, trying again");
                    tokio::time::sleep(wait).await;
                    pause = (pause * 2).min(MAX_BACKOFF);
                }
                None => {
                    tracing::info!(source = %self.settings.name, page = %label, reason = %why, "dossier pull: token refused, fetching a new one")
                }
            }
        }
        Err(FetchError { message: format!("{label}: no attempt made"), failed_requests: failed })
    }

    async fn attempt(&self, url: &Url) -> Attempt {
        let mut req = self.http.get(url.clone()).header(reqwest::header::ACCEPT, "application/json");
        let spec = &self.settings.spec;
        if let Some(name) = &spec.auth_env {
            match env(name) {
                Ok(value) => req = req.header(spec.auth_header.as_str(), value),
                Err(e) => return Attempt::Final(e),
            }
        } else if spec.token_url.is_some() {
            match self.bearer().await {
                Ok(token) => req = req.header(spec.auth_header.as_str(), format!("Bearer {token}")),
                Err(Attempt::Ok(_)) => return Attempt::Final("token endpoint: no token".into()),
                Err(other) => return other,
            }
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Attempt::Transient(format!("no answer within {:?}", self.settings.timeout)),
            Err(e) => return Attempt::Transient(transport(&e)),
        };
        let status = resp.status();
        let text = match resp.text().await {
            Ok(t) => t,
            Err(e) if e.is_timeout() => return Attempt::Transient(format!("the answer did not finish within {:?}", self.settings.timeout)),
            Err(e) => return Attempt::Transient(transport(&e)),
        };
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Attempt::Refused(format!("HTTP {status} {}", snippet(&text)));
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Attempt::Transient(format!("HTTP {status}"));
        }
        if !status.is_success() {
            return Attempt::Final(format!("HTTP {status} {}", snippet(&text)));
        }
        match serde_json::from_str(&text) {
            Ok(v) => Attempt::Ok(v),
            Err(e) => Attempt::Final(format!("the answer is not JSON ({e})")),
        }
    }

    /// The current token, fetched from the token endpoint when there is none.
    async fn bearer(&self) -> Result<String, Attempt> {
        let mut held = self.token.lock().await;
        if let Some(t) = held.as_ref() {
            return Ok(t.clone());
        }
        let spec = &self.settings.spec;
        let (Some(token_url), Some(id_env), Some(secret_env)) = (&spec.token_url, &spec.client_id_env, &spec.client_secret_env) else {
            return Err(Attempt::Final("no token endpoint".into()));
        };
        let (id, secret) = match (env(id_env), env(secret_env)) {
            (Ok(i), Ok(s)) => (i, s),
            (Err(e), _) | (_, Err(e)) => return Err(Attempt::Final(e)),
        };
        // application/x-www-form-urlencoded, as OAuth2 asks.
        let mut form = Url::parse("http://form.invalid/").map_err(|e| Attempt::Final(e.to_string()))?;
        form.query_pairs_mut()
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", &id)
            .append_pair("client_secret", &secret);
        let body = form.query().unwrap_or_default().to_string();
        let resp = self
            .http
            .post(token_url)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| Attempt::Transient(format!("token endpoint: {}", transport(&e))))?;
        let status = resp.status();
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Err(Attempt::Transient(format!("token endpoint: HTTP {status}")));
        }
        if !status.is_success() {
            return Err(Attempt::Final(format!("token endpoint refused the client credentials: HTTP {status}")));
        }
        let json: Value = resp.json().await.map_err(|e| Attempt::Transient(format!("token endpoint: {e}")))?;
        let token = json
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Attempt::Final("token endpoint: no access_token in its answer".into()))?
            .to_string();
        *held = Some(token.clone());
        Ok(token)
    }
}

fn transport(e: &reqwest::Error) -> String {
    motcua_domain::error_chain(e)
}

/// The start of an error body, on one line.
fn snippet(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(160).collect()
}
