//! The accept loop for every connection, and TLS on the listener with rustls (ring
//! defaults), optionally requiring client certificates (mutual TLS).
//!
//! axum's `serve` speaks plain TCP only and sets no header-read timeout, so every
//! connection (TLS or, on loopback and with opt-in, plain) is accepted here and handed
//! to hyper's HTTP/1 server with the same router, the peer address as [`ConnectInfo`],
//! a header-read timeout against slow clients, and a graceful shutdown that lets
//! in-flight requests finish.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send the request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long shutdown waits for in-flight requests before closing connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the TLS settings cannot be used (the operator's files).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A PEM file cannot be read or holds nothing usable.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// rustls refused the certificate, key or CA set.
    #[error("TLS configuration: {0}")]
    Rustls(String),
}

fn file_err(path: &Path, message: impl std::fmt::Display) -> TlsError {
    TlsError::File {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| file_err(path, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| file_err(path, e))?;
    if certs.is_empty() {
        return Err(file_err(path, "no PEM certificate in the file"));
    }
    Ok(certs)
}

/// Builds the rustls server configuration from PEM files.
pub fn server_config(
    cert: &Path,
    key: &Path,
    client_ca: Option<&Path>,
) -> Result<Arc<ServerConfig>, TlsError> {
    let chain = certs(cert)?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| file_err(key, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Rustls(e.to_string()))?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            for c in certs(ca)? {
                roots.add(c).map_err(|e| file_err(ca, e))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| TlsError::Rustls(e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::Rustls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves one connection's requests until it closes or shutdown drains it.
async fn connection<I>(
    io: I,
    app: Router,
    peer: SocketAddr,
    watcher: hyper_util::server::graceful::Watcher,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
        req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
        tower::ServiceExt::oneshot(app.clone(), req)
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let conn = http.serve_connection(TokioIo::new(io), service);
    let _ = watcher.watch(conn).await;
}

/// Serves `app` on `listener` (over TLS when `tls` is given) until `shutdown`
/// resolves, then drains. At most `max_connections` connections are served at once:
/// past that, new connections wait in the kernel's accept queue until one ends, so a
/// flood of idle or slow clients cannot hold unbounded memory. Each connection is
/// served by one of the connection threads ([`crate::threads`]).
pub async fn serve(
    app: Router,
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    max_connections: usize,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let acceptor = tls.map(TlsAcceptor::from);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections.max(1)));
    let threads = crate::threads::Threads::start()?;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&slots).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of descriptors and the like: back off instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let app = app.clone();
        let watcher = graceful.watcher();
        // The socket leaves this runtime's reactor and joins the connection
        // thread's, which serves it to the end (see `crate::threads`).
        let Ok(tcp) = tcp.into_std() else {
            continue;
        };
        let Some((thread, live)) = threads.pick() else {
            break;
        };
        thread.spawn(async move {
            let _permit = permit;
            let _live = live;
            let Ok(tcp) = tokio::net::TcpStream::from_std(tcp) else {
                return;
            };
            let Some(acceptor) = acceptor else {
                return connection(tcp, app, peer, watcher).await;
            };
            // A failed or slow handshake (no client certificate, wrong CA, plain
            // HTTP, a port scan) ends the connection; there is no request to answer.
            let Ok(Ok(stream)) =
                tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
            else {
                return;
            };
            connection(stream, app, peer, watcher).await;
        });
    }
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
    threads.stop().await;
    Ok(())
}
