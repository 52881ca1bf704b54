//! HTTPS: the server's certificate and key (PEM files), served by rustls
//! and reloaded without a restart when the files change or on SIGHUP.
//!
//! Certificates are renewed every few weeks (ACME, cert-manager) by
//! writing new files; a restart for each would drop in-flight requests.
//! New connections get the new certificate; open ones keep theirs. A pair
//! that does not load (half-written, or a key that does not match the
//! certificate) is logged and the old pair kept, so a renewal caught
//! halfway is picked up on the next look rather than taking HTTPS down.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;

use crate::config::TlsFiles;

/// How often the files are looked at for a change.
pub const WATCH_EVERY: Duration = Duration::from_secs(10);

/// The URL scheme a listener answers on.
pub fn scheme(tls: bool) -> &'static str {
    if tls {
        "https"
    } else {
        "http"
    }
}

/// Why a certificate pair could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the certificate file {path}: {reason}")]
    Certificate { path: PathBuf, reason: String },
    #[error("the certificate file {0} holds no certificate")]
    NoCertificate(PathBuf),
    #[error("cannot read the private key file {path}: {reason}")]
    Key { path: PathBuf, reason: String },
    #[error("the private key does not fit the certificate, or is of an unsupported kind: {0}")]
    Mismatch(String),
    #[error("TLS configuration: {0}")]
    Config(String),
}

/// The pair being served, swapped whole on reload.
#[derive(Debug)]
pub struct ServerCertificate {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
    /// The files' modification times when last loaded.
    loaded_at: RwLock<(Option<SystemTime>, Option<SystemTime>)>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertificate {
    /// Loads the pair `files` names; an error here stops the server from
    /// starting (better than serving without the certificate it was given).
    pub fn load(files: &TlsFiles) -> Result<Arc<ServerCertificate>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let stamps = modified(files);
        let pair = read_pair(files, &provider)?;
        Ok(Arc::new(ServerCertificate {
            files: files.clone(),
            current: RwLock::new(Arc::new(pair)),
            loaded_at: RwLock::new(stamps),
            provider,
        }))
    }

    /// A rustls configuration that serves whatever pair is current.
    pub fn server_config(self: &Arc<Self>) -> Result<ServerConfig, TlsError> {
        let mut config = ServerConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }

    /// Loads the files again and, if they make a good pair, serves it
    /// from the next connection on. The old pair stays on any error.
    pub fn reload(&self) -> Result<(), TlsError> {
        let stamps = modified(&self.files);
        let pair = read_pair(&self.files, &self.provider)?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(pair);
        *self.loaded_at.write().unwrap_or_else(|e| e.into_inner()) = stamps;
        tracing::info!(certificate = %self.files.cert.display(), "TLS certificate loaded");
        Ok(())
    }

    /// Reloads if either file changed since the last load.
    pub fn reload_if_changed(&self) {
        let now = modified(&self.files);
        let then = *self.loaded_at.read().unwrap_or_else(|e| e.into_inner());
        if now != then {
            if let Err(error) = self.reload() {
                tracing::error!(%error, "the changed TLS files do not load; still serving the previous certificate");
            }
        }
    }

    /// Looks at the files every `every`, and reloads on SIGHUP, for as
    /// long as the returned task runs.
    pub fn watch(self: &Arc<Self>, every: Duration) -> actix_web::rt::task::JoinHandle<()> {
        let certificate = self.clone();
        actix_web::rt::spawn(async move {
            let mut hangup = hangup_signal();
            let mut tick = actix_web::rt::time::interval(every);
            loop {
                tokio::select! {
                    _ = tick.tick() => certificate.reload_if_changed(),
                    Some(()) = next_hangup(&mut hangup) => {
                        if let Err(error) = certificate.reload() {
                            tracing::error!(%error, "SIGHUP: the TLS files do not load; still serving the previous certificate");
                        }
                    }
                }
            }
        })
    }
}

impl ResolvesServerCert for ServerCertificate {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        )
    }
}

type Hangup = Option<tokio::signal::unix::Signal>;

fn hangup_signal() -> Hangup {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .inspect_err(|error| tracing::warn!(%error, "SIGHUP will not reload the TLS certificate"))
        .ok()
}

/// The next SIGHUP; never, without a handler.
async fn next_hangup(hangup: &mut Hangup) -> Option<()> {
    match hangup {
        Some(signal) => signal.recv().await,
        None => std::future::pending().await,
    }
}

fn modified(files: &TlsFiles) -> (Option<SystemTime>, Option<SystemTime>) {
    let stamp = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    (stamp(&files.cert), stamp(&files.key))
}

fn read_pair(files: &TlsFiles, provider: &CryptoProvider) -> Result<CertifiedKey, TlsError> {
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| TlsError::Certificate {
            path: files.cert.clone(),
            reason: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate(files.cert.clone()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| TlsError::Key {
        path: files.key.clone(),
        reason: e.to_string(),
    })?;
    CertifiedKey::from_der(chain, key, provider).map_err(|e| TlsError::Mismatch(e.to_string()))
}
