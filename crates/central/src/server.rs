//! Serving the router over TCP with limits that keep the server answering
//! under load and cut off clients that hold a connection without using it:
//! a cap on open connections (beyond it: 503 and close), a deadline for a
//! request's headers (also how long an idle keep-alive connection stays
//! open), and the per-request limits of [`crate::http::overload`]. HTTP/1.1
//! only: kiosks, browsers and boards all speak it over plain HTTP or behind
//! a TLS proxy, or over HTTPS here (`serve --tls-cert`, [`crate::ops::tls`]).

use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use motcua_domain::{ApiError, ErrorBody, ErrorCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;

/// The TLS configuration new connections take (SIGHUP swaps it).
pub type TlsConfig = Arc<RwLock<Arc<ServerConfig>>>;

/// A handshake that takes longer is dropped (a client that connects and says nothing).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a shutdown waits for requests in progress (an event stream never ends by itself).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What the server accepts before it sheds load or cuts a client off
/// (`motcua-central serve --max-in-flight …`; README, "Overload").
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct Limits {
    /// Requests handled at once; more wait in a short queue, then get 503 server_busy with Retry-After.
    #[arg(long, default_value_t = Limits::DEFAULT.max_in_flight, env = "MOTCUA_CENTRAL_MAX_IN_FLIGHT",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_in_flight: u32,
    /// Requests that may wait for one of those slots; beyond them, 503 at once.
    #[arg(long, default_value_t = Limits::DEFAULT.max_queued, env = "MOTCUA_CENTRAL_MAX_QUEUED",
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub max_queued: u32,
    /// Milliseconds a request waits in that queue before 503.
    #[arg(long, default_value_t = Limits::DEFAULT.queue_wait_ms, env = "MOTCUA_CENTRAL_QUEUE_WAIT_MS")]
    pub queue_wait_ms: u64,
    /// Connections open at once (event streams included); more are answered 503 and closed.
    #[arg(long, default_value_t = Limits::DEFAULT.max_connections, env = "MOTCUA_CENTRAL_MAX_CONNECTIONS",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
    /// Seconds a client has to send a request's headers; an idle keep-alive connection is closed after as long.
    #[arg(long, default_value_t = Limits::DEFAULT.header_timeout_s, env = "MOTCUA_CENTRAL_HEADER_TIMEOUT",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout_s: u64,
    /// Seconds from a request's headers to its answer, its body included (408 request_timeout); event streams are not cut.
    #[arg(long, default_value_t = Limits::DEFAULT.request_timeout_s, env = "MOTCUA_CENTRAL_REQUEST_TIMEOUT",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_s: u64,
}

impl Limits {
    /// The defaults: ten times the benchmark's 64 kiosks is shed, the benchmark is not.
    pub const DEFAULT: Limits = Limits {
        max_in_flight: 256,
        max_queued: 256,
        queue_wait_ms: 250,
        max_connections: 4096,
        header_timeout_s: 15,
        request_timeout_s: 30,
    };

    /// The header deadline.
    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout_s)
    }

    /// The request deadline.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_s)
    }

    /// The queue wait.
    pub fn queue_wait(&self) -> Duration {
        Duration::from_millis(self.queue_wait_ms)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Serves `app` on `listener` (over TLS when `tls` is given) until
/// `shutdown` resolves, then lets requests in progress finish for a few
/// seconds.
pub async fn serve(listener: TcpListener, app: Router, limits: &Limits, tls: Option<TlsConfig>, shutdown: impl Future<Output = ()>) {
    let connections = Arc::new(Semaphore::new(limits.max_connections as usize));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(v) => v,
                Err(e) => {
                    // Out of file descriptors, most likely: let some close.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        // The client's address, for per-IP budgets (bookings).
        let service = TowerToHyperService::new(tower::ServiceExt::map_request(app.clone(), move |mut req: axum::http::Request<_>| {
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            req
        }));
        let watcher = graceful.watcher();
        let http = http.clone();
        let acceptor = tls.as_ref().map(|c| TlsAcceptor::from(c.read().unwrap_or_else(PoisonError::into_inner).clone()));
        tokio::spawn(async move {
            // An error here is the client's (it went away, or was too slow).
            let ended = match acceptor {
                None => watcher.watch(http.serve_connection(TokioIo::new(stream), service)).await,
                Some(acceptor) => match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => watcher.watch(http.serve_connection(TokioIo::new(tls), service)).await,
                    Ok(Err(e)) => {
                        tracing::debug!(%peer, error = %e, "TLS handshake failed");
                        Ok(())
                    }
                    Err(_) => {
                        tracing::debug!(%peer, "TLS handshake timed out");
                        Ok(())
                    }
                },
            };
            if let Err(e) = ended {
                tracing::debug!(%peer, error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::info!("requests still open after {SHUTDOWN_GRACE:?} (event streams): closing them");
    }
}

/// The answer to a connection over the cap: 503 with Retry-After, then close.
async fn refuse(mut stream: TcpStream) {
    let mut error = ApiError::new(ErrorCode::ServerBusy);
    error.retry_after_s = Some(crate::http::overload::RETRY_AFTER_S);
    let body = serde_json::to_string(&ErrorBody { error }).unwrap_or_default();
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: {}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        crate::http::overload::RETRY_AFTER_S,
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        // Read what the client sent, so that closing does not reset the
        // connection before it has read the answer.
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}
