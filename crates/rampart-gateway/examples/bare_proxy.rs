//! The floor under the gateway's own cost: a reverse proxy built from the same
//! pieces (hyper's HTTP/1 server and pooled client, one single-threaded tokio
//! runtime per core, each connection served by one thread with its own pool) that
//! does nothing but read each request whole and forward it, and read each answer
//! whole and return it. No keys, no JSON, no guard, no ledger, no log.
//! `bench/gateway.sh` runs it as the `bare` target, next to nginx: what rampart
//! costs above this is rampart's work, what this costs above nginx is the stack's.
//!
//!   cargo run --release -p rampart-gateway --example bare_proxy -- LISTEN UPSTREAM
//!   (e.g. 127.0.0.1:18084 127.0.0.1:18081)

use std::cell::OnceCell;
use std::net::SocketAddr;

use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};

type Client = hyper_util::client::legacy::Client<HttpConnector, Body>;

/// Largest body read whole.
const LIMIT: usize = 16 << 20;

thread_local! {
    static CLIENT: OnceCell<Client> = const { OnceCell::new() };
}

fn client() -> Client {
    CLIENT.with(|c| {
        c.get_or_init(|| {
            let mut http = HttpConnector::new();
            http.set_nodelay(true);
            hyper_util::client::legacy::Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(64)
                .build(http)
        })
        .clone()
    })
}

async fn forward(
    req: hyper::Request<Incoming>,
    upstream: SocketAddr,
) -> Result<hyper::Response<Body>, String> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(Body::new(body), LIMIT)
        .await
        .map_err(|e| e.to_string())?;
    let uri = format!(
        "http://{upstream}{}",
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut out = hyper::Request::builder().method(parts.method).uri(uri);
    for (name, value) in &parts.headers {
        if name != hyper::header::HOST {
            out = out.header(name, value);
        }
    }
    let out = out.body(Body::from(body)).map_err(|e| e.to_string())?;
    let answer = client().request(out).await.map_err(|e| e.to_string())?;
    let (parts, body) = answer.into_parts();
    let body = axum::body::to_bytes(Body::new(body), LIMIT)
        .await
        .map_err(|e| e.to_string())?;
    Ok(hyper::Response::from_parts(parts, Body::from(body)))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(listen), Some(upstream)) = (args.next(), args.next()) else {
        return Err("usage: bare_proxy LISTEN UPSTREAM".into());
    };
    let listen: SocketAddr = listen.parse()?;
    let upstream: SocketAddr = upstream.parse()?;
    let listener = std::net::TcpListener::bind(listen)?;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let mut threads = Vec::new();
    for _ in 0..cores {
        let listener = listener.try_clone()?;
        listener.set_nonblocking(true)?;
        threads.push(std::thread::spawn(move || -> std::io::Result<()> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                loop {
                    let (tcp, _) = listener.accept().await?;
                    let _ = tcp.set_nodelay(true);
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |req| async move {
                            Ok::<_, std::convert::Infallible>(match forward(req, upstream).await {
                                Ok(r) => r,
                                Err(e) => {
                                    let mut r = hyper::Response::new(Body::from(e));
                                    *r.status_mut() = hyper::StatusCode::BAD_GATEWAY;
                                    r
                                }
                            })
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(tcp), service)
                            .await;
                    });
                }
            })
        }));
    }
    for t in threads {
        t.join().map_err(|_| "a thread panicked")??;
    }
    Ok(())
}
