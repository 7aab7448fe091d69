//! HTTPS without a proxy in front: `serve --tls-cert FILE --tls-key FILE`.
//! rustls (ring, as the kiosk's client uses it) on the listener the server
//! already has; connections are served by [`crate::server::serve`] with the
//! same limits as plain HTTP.
//! SIGHUP reads both files again: connections accepted after it get the new
//! certificate, open ones keep theirs, and the listener never closes (a
//! renewed certificate is picked up without a gap). A bad file on reload is
//! logged and the old certificate stays.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use axum::Router;
use tokio::net::TcpListener;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The certificate chain and key files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// PEM: the server's certificate first, then intermediates.
    pub cert: PathBuf,
    /// PEM: the private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// Reads both files into a rustls configuration, with a message naming the
/// file that is wrong.
pub fn load(files: &TlsFiles) -> Result<Arc<ServerConfig>, String> {
    let certs = read_certs(&files.cert)?;
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| format!("--tls-key {}: no PEM private key could be read ({e})", files.key.display()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("--tls-cert {} and --tls-key {} do not make a pair ({e})", files.cert.display(), files.key.display()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bad = |e: &dyn std::fmt::Display| format!("--tls-cert {}: {e}", path.display());
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(path).map_err(|e| bad(&e))?.collect::<Result<_, _>>().map_err(|e| bad(&e))?;
    if certs.is_empty() {
        return Err(bad(&"no PEM certificate in the file (-----BEGIN CERTIFICATE-----)"));
    }
    Ok(certs)
}

/// Serves `app` over TLS on `listener` with the server's limits until
/// `shutdown` resolves; SIGHUP reloads `files`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &crate::server::Limits,
    files: TlsFiles,
    config: Arc<ServerConfig>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let current = Arc::new(RwLock::new(config));
    let reloader = tokio::spawn(reload_on_hangup(files, current.clone()));
    crate::server::serve(listener, app, limits, Some(current), shutdown).await;
    reloader.abort();
}

#[cfg(unix)]
async fn reload_on_hangup(files: TlsFiles, current: Arc<RwLock<Arc<ServerConfig>>>) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "SIGHUP cannot be caught: certificates are read at start only");
            return;
        }
    };
    while hangups.recv().await.is_some() {
        match load(&files) {
            Ok(config) => {
                *current.write().unwrap_or_else(PoisonError::into_inner) = config;
                tracing::info!(cert = %files.cert.display(), "SIGHUP: TLS certificate reloaded; new connections use it");
            }
            Err(e) => tracing::error!(error = %e, "SIGHUP: TLS certificate not reloaded, the previous one stays"),
        }
    }
}

/// Without TLS there is nothing to reload: SIGHUP (`systemctl reload`) is
/// logged instead of ending the server, its default action.
pub fn ignore_hangup() {
    #[cfg(unix)]
    tokio::spawn(async {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut hangups) = signal(SignalKind::hangup()) {
            while hangups.recv().await.is_some() {
                tracing::info!("SIGHUP: nothing to reload (no --tls-cert)");
            }
        }
    });
}

#[cfg(not(unix))]
async fn reload_on_hangup(_files: TlsFiles, _current: Arc<RwLock<Arc<ServerConfig>>>) {}
