//! The central server client: reqwest with rustls, bounded timeouts, retries
//! with backoff on transient failures only (connect errors, timeouts,
//! 502/503/504), the caller's `Idempotency-Key` on every retry. A 401 is
//! "not authorised", never "offline". A server shedding load (503 with
//! `Retry-After`) is unreachable until the time it asked for: no request
//! leaves this kiosk before then. An error code this kiosk does not know
//! (a newer server) keeps the server's words, code `unknown`.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use motcua_domain::api::{
    DossierView, IdCardLookupRequest, IdCardLookupResponse, IdKeyResponse, QueuesResponse, RatingRequest, TicketResponse, TicketView,
};
use motcua_domain::fleet::{HeartbeatRequest, HeartbeatResponse};
use motcua_domain::{ErrorBody, ErrorCode};
use reqwest::{RequestBuilder, Response, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::error::{BookingProblem, BookingRefusal, EngineError};

/// Longest one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// First pause between attempts; doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_millis(800);
/// The longest `Retry-After` honoured: a server's clock or a typo must not
/// keep a lobby offline for hours.
const MAX_HOLD: Duration = Duration::from_secs(60);

/// A booking checked in: its appointment ticket.
#[derive(Debug, Clone)]
pub struct CheckedIn {
    /// The appointment ticket.
    pub ticket: TicketView,
    /// The booking code.
    pub code: String,
    /// The slot's start.
    pub slot_start: jiff::Timestamp,
    /// A new ticket (false: the booking was checked in before, same ticket).
    pub created: bool,
}

/// `{"ticket": TicketView, "booking": Booking}`; the ticket kept as JSON for its `appointment`.
#[derive(serde::Deserialize)]
struct CheckInAnswer {
    ticket: serde_json::Value,
    booking: SlotRef,
}

/// What the kiosk reads of a booking (or a ticket's `appointment`).
#[derive(serde::Deserialize)]
struct SlotRef {
    slot_start: jiff::Timestamp,
    code: String,
}

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
    /// No request before this instant: the server answered 503 with `Retry-After`.
    hold: Arc<Mutex<Option<Instant>>>,
}

/// Why an attempt failed.
enum Failure {
    /// May go away: what failed, and how long the server asked to wait.
    Transient(String, Option<Duration>),
    Final(EngineError),
}

/// `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), capped at [`MAX_HOLD`].
pub(crate) fn retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(value).ok()?;
            Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_HOLD))
}

/// An error body with a code this build may not know: `{"error": {"code", "message", "message_vi"?}}`.
#[derive(serde::Deserialize)]
struct LooseErrorBody {
    error: LooseError,
}

#[derive(serde::Deserialize)]
struct LooseError {
    code: String,
    message: String,
    #[serde(default)]
    message_vi: Option<String>,
}

/// A refusal of a booking check-in (`booking_*`), with what the kiosk needs
/// to say what to do: when to come back, the booking's service.
#[derive(serde::Deserialize)]
struct BookingErrorBody {
    error: BookingErrorFields,
}

#[derive(serde::Deserialize)]
struct BookingErrorFields {
    code: String,
    #[serde(default)]
    next_open_at: Option<jiff::Timestamp>,
    #[serde(default)]
    service_id: Option<String>,
    #[serde(default)]
    booking: Option<BookingService>,
}

#[derive(serde::Deserialize)]
struct BookingService {
    #[serde(default)]
    service_id: Option<String>,
}

fn booking_refusal(body: &[u8]) -> Option<EngineError> {
    let BookingErrorBody { error } = serde_json::from_slice(body).ok()?;
    let problem = BookingProblem::from_code(&error.code)?;
    let service_id = error.service_id.or_else(|| error.booking.and_then(|b| b.service_id));
    Some(EngineError::Booking(Box::new(BookingRefusal { problem, next_open_at: error.next_open_at, next_open_local: None, service_id })))
}

/// The engine error for a refusal the server answered with `status` and `body`.
fn refusal(status: StatusCode, body: &[u8]) -> EngineError {
    if let Some(e) = booking_refusal(body) {
        return e;
    }
    if let Ok(ErrorBody { error }) = serde_json::from_slice::<ErrorBody>(body) {
        return match error.code {
            ErrorCode::Unauthorized => EngineError::NotAuthorised(error.message),
            _ => EngineError::Api(Box::new(error)),
        };
    }
    if let Ok(LooseErrorBody { error }) = serde_json::from_slice::<LooseErrorBody>(body) {
        tracing::warn!(code = %error.code, %status, "the central server answered an error code this kiosk does not know");
        let message_vi = error.message_vi.filter(|m| !m.trim().is_empty()).unwrap_or_else(|| error.message.clone());
        return EngineError::UnknownApi { status: status.as_u16(), code: error.code, message: error.message, message_vi };
    }
    if status == StatusCode::UNAUTHORIZED {
        return EngineError::NotAuthorised(format!("HTTP {status}"));
    }
    EngineError::Internal(format!("HTTP {status} from the central server"))
}

/// The certificates of a center's own CA (`ca_file`), trusted besides the public ones.
fn center_ca(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, EngineError> {
    let invalid = |expected: String| EngineError::ConfigInvalid { key: "ca_file".into(), value: path.display().to_string(), expected };
    let pem = std::fs::read(path).map_err(|e| invalid(format!("a readable PEM file with the center's CA certificate ({e})")))?;
    let certs =
        reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| invalid(format!("PEM certificates (-----BEGIN CERTIFICATE-----): {e}")))?;
    if certs.is_empty() {
        return Err(invalid("PEM certificates (-----BEGIN CERTIFICATE-----); the file has none".into()));
    }
    Ok(certs)
}

/// What rustls says when the server's certificate is refused (unknown
/// issuer, wrong name, expired): never a passing network fault.
const CERTIFICATE_REFUSED: &str = "invalid peer certificate";

/// A failed send: the server's certificate refused, or a network fault to retry.
fn send_failure(e: &reqwest::Error) -> Failure {
    let detail = transport(e);
    if detail.contains(CERTIFICATE_REFUSED) {
        Failure::Final(EngineError::ServerUntrusted(detail))
    } else {
        Failure::Transient(detail, None)
    }
}

fn transport(e: &reqwest::Error) -> String {
    motcua_domain::error_chain(e)
}

impl CentralClient {
    /// A client for the configured server and token.
    pub fn new(config: &Config) -> Result<CentralClient, EngineError> {
        let roots = match &config.ca_file {
            Some(path) => center_ca(path)?,
            None => Vec::new(),
        };
        let build = |timeout: Option<Duration>| {
            let mut b = reqwest::Client::builder()
                .use_rustls_tls()
                .connect_timeout(Duration::from_secs(1))
                .tcp_nodelay(true)
                .user_agent(concat!("motcua-kiosk/", env!("CARGO_PKG_VERSION")));
            for cert in &roots {
                b = b.add_root_certificate(cert.clone());
            }
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
            hold: Arc::new(Mutex::new(None)),
        })
    }

    /// The retry policy of a citizen's tap.
    pub fn interactive(&self) -> Retry {
        Retry::Within(self.budget)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// How long the server asked this kiosk to stay away, if it still does.
    fn held(&self) -> Option<Duration> {
        let mut hold = self.hold.lock().unwrap_or_else(PoisonError::into_inner);
        let left = hold.map(|until| until.saturating_duration_since(Instant::now())).filter(|d| !d.is_zero());
        if left.is_none() {
            *hold = None;
        }
        left
    }

    /// Remembers a `Retry-After`: no request before it passes.
    fn hold_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut hold = self.hold.lock().unwrap_or_else(PoisonError::into_inner);
        if hold.is_none_or(|h| h < until) {
            *hold = Some(until);
        }
    }

    async fn attempt(&self, req: RequestBuilder, timeout: Duration) -> Result<Response, Failure> {
        if let Some(left) = self.held() {
            return Err(Failure::Transient(
                format!("the server asked to wait {} ms more (503, Retry-After)", left.as_millis()),
                Some(left),
            ));
        }
        let resp = req.bearer_auth(&self.token).timeout(timeout).send().await.map_err(|e| send_failure(&e))?;
        let status = resp.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(resp);
        }
        if matches!(status.as_u16(), 502..=504) {
            let wait =
                resp.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| retry_after(v, jiff::Timestamp::now()));
            if let Some(wait) = wait.filter(|w| !w.is_zero()) {
                self.hold_for(wait);
            }
            return Err(Failure::Transient(format!("HTTP {status}"), wait));
        }
        let body = resp.bytes().await.map_err(|e| Failure::Transient(transport(&e), None))?;
        Err(Failure::Final(refusal(status, &body)))
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
            let (detail, asked) = match self.attempt(build(), timeout.max(Duration::from_millis(50))).await {
                Ok(resp) => return Ok(resp),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Transient(detail, asked)) => (detail, asked),
            };
            let left = match retry {
                Retry::Once => Duration::ZERO,
                Retry::Within(budget) => budget.saturating_sub(start.elapsed()),
            };
            // The server's Retry-After, when longer than our own backoff.
            let wait = asked.map_or(pause, |a| a.max(pause));
            // Only wait when an attempt still fits after the pause.
            if left <= wait + Duration::from_millis(50) {
                return Err(EngineError::ServerUnreachable { detail, collect: false });
            }
            tracing::debug!(%detail, ?wait, "central server: transient failure, retrying");
            tokio::time::sleep(wait).await;
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

    /// Checks a booking in (`code` as `XXX-XXX`): its appointment ticket,
    /// the slot's start, and whether the ticket is new (201) or the one the
    /// booking already had (200: the kiosk prints it again). The server
    /// answers a repeat with the same ticket, so retries are safe.
    pub async fn check_in(&self, code: &str, kiosk_id: &str, retry: Retry) -> Result<CheckedIn, EngineError> {
        let url = self.url(&format!("/bookings/{code}/check-in"));
        let body = serde_json::json!({ "kiosk_id": kiosk_id });
        let resp = self.send(|| self.http.post(&url).json(&body), retry).await?;
        let created = resp.status() == StatusCode::CREATED;
        let answer: CheckInAnswer = Self::json(resp).await?;
        let slot = answer
            .ticket
            .get("appointment")
            .and_then(|a| serde_json::from_value::<SlotRef>(a.clone()).ok())
            .unwrap_or(SlotRef { slot_start: answer.booking.slot_start, code: answer.booking.code.clone() });
        let ticket: TicketView = serde_json::from_value(answer.ticket)
            .map_err(|e| EngineError::Internal(format!("unexpected ticket in the check-in answer: {e}")))?;
        Ok(CheckedIn { ticket, code: slot.code, slot_start: slot.slot_start, created })
    }

    /// The service of a booking (`GET /bookings/{code}`, its public view):
    /// what a lapsed or cancelled booking's ordinary ticket is for.
    pub async fn booking_service(&self, code: &str, retry: Retry) -> Result<String, EngineError> {
        let url = self.url(&format!("/bookings/{code}"));
        let resp = self.send(|| self.http.get(&url), retry).await?;
        #[derive(serde::Deserialize)]
        struct Answer {
            booking: BookingService,
        }
        let Answer { booking } = Self::json(resp).await?;
        booking.service_id.ok_or_else(|| EngineError::Internal("the booking has no service_id".into()))
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

    /// Sends a rating with `key` on every attempt: a retried rating is counted once.
    pub async fn rate(&self, rating: &RatingRequest, key: &str, retry: Retry) -> Result<(), EngineError> {
        let url = self.url("/ratings");
        self.send(|| self.http.post(&url).header("Idempotency-Key", key).json(rating), retry).await?;
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
        if let Some(left) = self.held() {
            let detail = format!("event stream: the server asked to wait {} ms more (503, Retry-After)", left.as_millis());
            return Err(EngineError::ServerUnreachable { detail, collect: false });
        }
        let url = self.url("/events");
        let resp =
            self.stream.get(&url).bearer_auth(&self.token).header(header::ACCEPT, "text/event-stream").send().await.map_err(|e| {
                match send_failure(&e) {
                    Failure::Final(e) => e,
                    Failure::Transient(detail, _) => EngineError::ServerUnreachable { detail, collect: false },
                }
            })?;
        match resp.status() {
            s if s.is_success() => Ok(resp),
            StatusCode::UNAUTHORIZED => Err(EngineError::NotAuthorised("event stream refused".into())),
            s => {
                let wait = resp.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok());
                if let Some(wait) =
                    wait.and_then(|v| retry_after(v, jiff::Timestamp::now())).filter(|_| s == StatusCode::SERVICE_UNAVAILABLE)
                {
                    self.hold_for(wait);
                }
                Err(EngineError::ServerUnreachable { detail: format!("event stream: HTTP {s}"), collect: false })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates_and_is_capped() {
        let now: jiff::Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
        assert_eq!(retry_after("5", now), Some(Duration::from_secs(5)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(retry_after("Mon, 30 Nov 2026 02:00:07 GMT", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after("Mon, 30 Nov 2026 01:00:00 GMT", now), Some(Duration::ZERO), "a date in the past: now");
        assert_eq!(retry_after("86400", now), Some(MAX_HOLD));
        assert_eq!(retry_after("soon", now), None);
    }

    /// A server shedding load: every request answered 503 with `Retry-After: 2`; counts them.
    async fn shedding() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = seen.clone();
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                let count = count.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    while let Ok(n) = stream.read(&mut buf).await {
                        if n == 0 {
                            return;
                        }
                        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let body = r#"{"error":{"code":"overloaded","message":"Busy.","message_vi":"Bận."}}"#;
                        let answer = format!(
                            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if stream.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        (url, seen)
    }

    #[tokio::test]
    async fn a_503_with_retry_after_keeps_every_request_home_until_then() {
        let (url, seen) = shedding().await;
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "kiosk_id = \"k\"\ncenter_id = \"c\"\ncentral_url = \"{url}\"\ntoken = \"t\"\nprinter = \"pdf+dir://{}\"\n\
             admin_pin_hash = \"sha256:03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4\"\n\
             data_dir = \"{}\"\nonline_budget_ms = 1000\n",
            dir.path().display(),
            dir.path().display()
        );
        let client = CentralClient::new(&Config::parse(&text, |_| None).unwrap()).unwrap();
        let body = r#"{"service_id":"s","kiosk_id":"k"}"#;
        let started = Instant::now();
        let e = client.issue(body, "tap-1", client.interactive()).await.unwrap_err();
        assert!(e.is_unreachable(), "503 is the offline path: {e}");
        assert!(started.elapsed() < Duration::from_millis(500), "a 2 s Retry-After does not fit a 1 s budget: give up at once");
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1);
        // Until the time the server asked for, nothing leaves: not a tap, not the sync, not the stream.
        assert!(client.issue(body, "tap-2", client.interactive()).await.unwrap_err().is_unreachable());
        assert!(client.catalog(None, Retry::Once).await.unwrap_err().is_unreachable());
        assert!(client.events().await.unwrap_err().is_unreachable());
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1, "the server was left alone");
        tokio::time::sleep(Duration::from_millis(2100)).await;
        assert!(client.catalog(None, Retry::Once).await.is_err());
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 2, "asked again once the wait was over");
    }

    #[test]
    fn a_refused_check_in_keeps_when_to_come_back_and_the_bookings_service() {
        let body = br#"{"error": {"code": "booking_too_early", "message": "x", "message_vi": "y",
                        "next_open_at": "2026-11-30T02:15:00Z", "next_free_slots": null, "existing_booking": null}}"#;
        let e = refusal(StatusCode::CONFLICT, body);
        assert_eq!(e.code(), "booking_too_early");
        assert_eq!(e.body().next_open_at, Some("2026-11-30T02:15:00Z".parse().unwrap()));
        let body = br#"{"error": {"code": "booking_lapsed", "message": "x", "booking": {"service_id": "vp-dat-dai"}}}"#;
        assert_eq!(refusal(StatusCode::CONFLICT, body).body().service_id.as_deref(), Some("vp-dat-dai"));
        let body = br#"{"error": {"code": "booking_cancelled", "message": "x", "service_id": "vp-ho-tich"}}"#;
        let e = refusal(StatusCode::CONFLICT, body);
        assert_eq!((e.code(), e.body().service_id.as_deref()), ("booking_cancelled", Some("vp-ho-tich")));
        assert_eq!(
            refusal(StatusCode::NOT_FOUND, br#"{"error": {"code": "booking_not_found", "message": "x"}}"#).code(),
            "booking_not_found"
        );
        // Another server code stays what it was.
        assert_eq!(refusal(StatusCode::CONFLICT, br#"{"error": {"code": "booking_frozen", "message": "x"}}"#).code(), "unknown");
    }

    #[test]
    fn an_unknown_error_code_keeps_the_servers_words() {
        let body = r#"{"error": {"code": "queue_frozen", "message": "Frozen.", "message_vi": "Tạm khoá.", "extra": 1}}"#;
        let e = refusal(StatusCode::CONFLICT, body.as_bytes());
        assert_eq!(e.code(), "unknown");
        assert_eq!((e.message_en(), e.message_vi()), ("Frozen.".to_owned(), "Tạm khoá.".to_owned()));
        let e = refusal(StatusCode::CONFLICT, br#"{"error": {"code": "queue_frozen", "message": "Frozen."}}"#);
        assert_eq!(e.message_vi(), "Frozen.", "English rather than nothing");
        let known = refusal(StatusCode::CONFLICT, br#"{"error": {"code": "daily_cap_reached", "message": "x", "message_vi": "y"}}"#);
        assert_eq!(known.code(), "daily_cap_reached");
        assert_eq!(refusal(StatusCode::BAD_GATEWAY, b"<html>").code(), "internal", "no error body at all");
    }
}
