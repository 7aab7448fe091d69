//! The central server client: reqwest with rustls, bounded timeouts, retries
//! with backoff on transient failures only (connect errors, timeouts,
//! 502/503/504), the caller's `Idempotency-Key` on every retry. A 401 is
//! "not authorised", never "offline".

use std::time::{Duration, Instant};

use motcua_domain::api::{
    DossierView, IdCardLookupRequest, IdCardLookupResponse, IdKeyResponse, QueuesResponse, RatingRequest, TicketResponse, TicketView,
};
use motcua_domain::fleet::{HeartbeatRequest, HeartbeatResponse};
use motcua_domain::{ErrorBody, ErrorCode};
use reqwest::{RequestBuilder, Response, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::error::EngineError;

/// Longest one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// First pause between attempts; doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_millis(800);

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Retry transient failures until this much time has passed.
    Within(Duration),
    /// One attempt (the background sync has its own backoff).
    Once,
}

/// A client of one central server with one kiosk token.
#[derive(Debug, Clone)]
pub struct CentralClient {
    http: reqwest::Client,
    stream: reqwest::Client,
    base: String,
    token: String,
    budget: Duration,
}

/// Why an attempt failed.
enum Failure {
    Transient(String),
    Final(EngineError),
}

fn transport(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

impl CentralClient {
    /// A client for the configured server and token.
    pub fn new(config: &Config) -> Result<CentralClient, EngineError> {
        let build = |timeout: Option<Duration>| {
            let b = reqwest::Client::builder()
                .use_rustls_tls()
                .connect_timeout(Duration::from_secs(1))
                .tcp_nodelay(true)
                .user_agent(concat!("motcua-kiosk/", env!("CARGO_PKG_VERSION")));
            let b = match timeout {
                Some(t) => b.timeout(t),
                None => b,
            };
            b.build().map_err(|e| EngineError::Internal(format!("HTTP client: {e}")))
        };
        Ok(CentralClient {
            http: build(Some(Duration::from_secs(10)))?,
            stream: build(None)?,
            base: config.central_url.clone(),
            token: config.token.clone(),
            budget: config.online_budget,
        })
    }

    /// The retry policy of a citizen's tap.
    pub fn interactive(&self) -> Retry {
        Retry::Within(self.budget)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    async fn attempt(&self, req: RequestBuilder, timeout: Duration) -> Result<Response, Failure> {
        let resp = req.bearer_auth(&self.token).timeout(timeout).send().await.map_err(|e| Failure::Transient(transport(&e)))?;
        let status = resp.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(resp);
        }
        if matches!(status.as_u16(), 502..=504) {
            return Err(Failure::Transient(format!("HTTP {status}")));
        }
        let body = resp.bytes().await.map_err(|e| Failure::Transient(transport(&e)))?;
        let api = serde_json::from_slice::<ErrorBody>(&body).ok().map(|b| b.error);
        Err(Failure::Final(match api {
            Some(e) if e.code == ErrorCode::Unauthorized => EngineError::NotAuthorised(e.message),
            Some(e) => EngineError::Api(Box::new(e)),
            None if status == StatusCode::UNAUTHORIZED => EngineError::NotAuthorised(format!("HTTP {status}")),
            None => EngineError::Internal(format!("HTTP {status} from the central server")),
        }))
    }

    /// Sends the request `build` makes, retrying transient failures per `retry`.
    async fn send(&self, build: impl Fn() -> RequestBuilder, retry: Retry) -> Result<Response, EngineError> {
        let start = Instant::now();
        let mut pause = FIRST_BACKOFF;
        loop {
            let timeout = match retry {
                Retry::Once => ATTEMPT_TIMEOUT,
                Retry::Within(budget) => budget.saturating_sub(start.elapsed()).min(ATTEMPT_TIMEOUT),
            };
            let detail = match self.attempt(build(), timeout.max(Duration::from_millis(50))).await {
                Ok(resp) => return Ok(resp),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Transient(detail)) => detail,
            };
            let left = match retry {
                Retry::Once => Duration::ZERO,
                Retry::Within(budget) => budget.saturating_sub(start.elapsed()),
            };
            // Only wait when an attempt still fits after the pause.
            if left <= pause + Duration::from_millis(50) {
                return Err(EngineError::ServerUnreachable { detail, collect: false });
            }
            tracing::debug!(%detail, ?pause, "central server: transient failure, retrying");
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MAX_BACKOFF);
        }
    }

    async fn json<T: DeserializeOwned>(resp: Response) -> Result<T, EngineError> {
        let bytes = resp.bytes().await.map_err(|e| EngineError::ServerUnreachable { detail: transport(&e), collect: false })?;
        serde_json::from_slice(&bytes).map_err(|e| EngineError::Internal(format!("unexpected answer from the server: {e}")))
    }

    /// The catalog as JSON with its ETag; `None` when `etag` is still current.
    pub async fn catalog(&self, etag: Option<&str>, retry: Retry) -> Result<Option<(String, Option<String>)>, EngineError> {
        let url = self.url("/catalog");
        let resp = self
            .send(
                || {
                    let r = self.http.get(&url);
                    match etag {
                        Some(t) => r.header(header::IF_NONE_MATCH, t),
                        None => r,
                    }
                },
                retry,
            )
            .await?;
        if resp.status() == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let new_etag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = resp.text().await.map_err(|e| EngineError::ServerUnreachable { detail: transport(&e), collect: false })?;
        Ok(Some((text, new_etag)))
    }

    /// Issues a ticket: `body` is an `IssueTicketRequest` as JSON, sent as is
    /// with `key` on every attempt. Returns the ticket and whether it is new.
    pub async fn issue(&self, body: &str, key: &str, retry: Retry) -> Result<(TicketView, bool), EngineError> {
        let url = self.url("/tickets");
        let resp = self
            .send(
                || {
                    self.http
                        .post(&url)
                        .header("Idempotency-Key", key)
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(body.to_owned())
                },
                retry,
            )
            .await?;
        let created = resp.status() == StatusCode::CREATED;
        let TicketResponse { ticket, .. } = Self::json(resp).await?;
        Ok((ticket, created))
    }

    /// A ticket's status by its token.
    pub async fn ticket(&self, token: &str, retry: Retry) -> Result<TicketView, EngineError> {
        let url = self.url(&format!("/tickets/{token}"));
        let resp = self.send(|| self.http.get(&url), retry).await?;
        let TicketResponse { ticket, .. } = Self::json(resp).await?;
        Ok(ticket)
    }

    /// A dossier's status by its (checked) code.
    pub async fn dossier(&self, code: &str, retry: Retry) -> Result<DossierView, EngineError> {
        let url = self.url(&format!("/dossiers/{code}"));
        let resp = self.send(|| self.http.get(&url), retry).await?;
        Self::json(resp).await
    }

    /// The deployment's key for hashing ID card numbers (kept in memory only).
    pub async fn id_key(&self, retry: Retry) -> Result<IdKeyResponse, EngineError> {
        let url = self.url("/id-key");
        let resp = self.send(|| self.http.get(&url), retry).await?;
        Self::json(resp).await
    }

    /// A person's dossiers by the keyed hashes of their ID card's numbers.
    pub async fn dossiers_by_card(&self, req: &IdCardLookupRequest, retry: Retry) -> Result<IdCardLookupResponse, EngineError> {
        let url = self.url("/dossiers/by-id-card");
        let resp = self.send(|| self.http.post(&url).json(req), retry).await?;
        Self::json(resp).await
    }

    /// Now serving and waiting per queue.
    pub async fn queues(&self, retry: Retry) -> Result<QueuesResponse, EngineError> {
        let url = self.url("/queues");
        let resp = self.send(|| self.http.get(&url), retry).await?;
        Self::json(resp).await
    }

    /// Sends a rating.
    pub async fn rate(&self, rating: &RatingRequest, retry: Retry) -> Result<(), EngineError> {
        let url = self.url("/ratings");
        self.send(|| self.http.post(&url).json(rating), retry).await?;
        Ok(())
    }

    /// Reports the kiosk's health; the answer says what it must show.
    pub async fn heartbeat(&self, beat: &HeartbeatRequest, retry: Retry) -> Result<HeartbeatResponse, EngineError> {
        let url = self.url("/kiosks/heartbeat");
        let resp = self.send(|| self.http.post(&url).json(beat), retry).await?;
        Self::json(resp).await
    }

    /// Opens the server-sent event stream (no overall timeout).
    pub async fn events(&self) -> Result<Response, EngineError> {
        let url = self.url("/events");
        let resp = self
            .stream
            .get(&url)
            .bearer_auth(&self.token)
            .header(header::ACCEPT, "text/event-stream")
            .send()
            .await
            .map_err(|e| EngineError::ServerUnreachable { detail: transport(&e), collect: false })?;
        match resp.status() {
            s if s.is_success() => Ok(resp),
            StatusCode::UNAUTHORIZED => Err(EngineError::NotAuthorised("event stream refused".into())),
            s => Err(EngineError::ServerUnreachable { detail: format!("event stream: HTTP {s}"), collect: false }),
        }
    }
}
