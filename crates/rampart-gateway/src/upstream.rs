//! The upstream call: the model's upstreams in order, failing over on connection
//! errors, 5xx answers and redirects (never followed). Egress redaction is decided
//! **per attempt**, for the upstream actually being called: a request that fails
//! over from an internal upstream to an `external` one is redacted before it leaves.
//! Errors name upstreams by their configured names only, never their addresses.
//!
//! The call is made with hyper's pooled client directly (keep-alive connections, no
//! redirect handling at all, `TCP_NODELAY`, rustls with the webpki roots for `https`
//! upstreams); each attempt is bounded by its timeout from the request to the last
//! byte of the answer.

use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Uri};
use futures_util::StreamExt;
use hyper_util::client::legacy::connect::HttpConnector;
use rampart_core::system::Upstream;
use serde_json::Value;

use crate::inspect::Vault;
use crate::server::Gateway;
use crate::view::{self, Endpoint, Piece};

/// `body` with every text of the view passed through egress redaction (personal
/// data and secrets replaced by placeholders recorded in `vault`).
pub(crate) fn egress_body(
    gw: &Gateway,
    body: &Value,
    pieces: &[Piece],
    vault: &mut Vault,
) -> Value {
    let mut out = body.clone();
    for p in pieces {
        let Some(text) = view::get(&out, &p.path).and_then(Value::as_str) else {
            continue;
        };
        let redacted = gw.egress(text, vault);
        if redacted != text {
            view::set_text(&mut out, &p.path, redacted);
        }
    }
    out
}

/// What the ledger keeps of a request with `store_bodies`: the body as judged, with
/// personal data and secrets redacted (placeholders are not reversible here).
pub(crate) fn stored_text(gw: &Gateway, body: &Value, pieces: &[Piece]) -> String {
    let mut scratch = Vault::default();
    egress_body(gw, body, pieces, &mut scratch).to_string()
}

/// What the ledger keeps of an answer with `store_bodies`, redacted the same way.
pub(crate) fn stored_answer(gw: &Gateway, answer: &Value) -> String {
    match view::answer(answer) {
        Ok(v) => stored_text(gw, answer, &v.pieces),
        Err(_) => String::new(),
    }
}

/// The upstream HTTP client: pooled keep-alive connections, plain HTTP or TLS.
pub(crate) type Client =
    hyper_util::client::legacy::Client<hyper_rustls::HttpsConnector<HttpConnector>, Body>;

/// An answer from an upstream.
pub(crate) type Answer = axum::http::Response<hyper::body::Incoming>;

/// Idle keep-alive connections kept per upstream host.
pub const POOL_IDLE_PER_HOST: usize = 64;
/// How long an idle connection is kept.
pub const POOL_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(90);

/// The client every upstream call goes through. It follows no redirects (hyper's
/// client has no redirect handling; a 3xx answer is an attempt that failed).
///
/// # Errors
/// When the TLS configuration cannot be built.
pub(crate) fn client() -> Result<Client, String> {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    // https URLs are handed to the TLS layer around it
    http.enforce_http(false);
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)
        .map_err(|e| e.to_string())?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_max_idle_per_host(POOL_IDLE_PER_HOST)
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_timer(hyper_util::rt::TokioTimer::new())
            .build(https),
    )
}

thread_local! {
    /// This thread's upstream client (its own connection pool). A pooled connection
    /// is driven by a task on the thread that opened it; with one pool shared by
    /// every thread, a request handed its bytes to a connection driven elsewhere and
    /// was woken from there, two cross-thread wake-ups per request. With a pool per
    /// connection thread ([`crate::threads`]) a request and the upstream connection
    /// it uses stay on one thread.
    static LOCAL: std::cell::OnceCell<Client> = const { std::cell::OnceCell::new() };
}

/// The calling thread's client: built on first use like [`client`] (the same TLS
/// settings), or `fallback` (the gateway's own, checked at start) if that fails.
pub(crate) fn local(fallback: &Client) -> Client {
    LOCAL.with(|c| {
        c.get_or_init(|| client().unwrap_or_else(|_| fallback.clone()))
            .clone()
    })
}

/// Why an attempt failed, without the upstream's address.
fn describe(e: &hyper_util::client::legacy::Error) -> &'static str {
    if e.is_connect() {
        "connection failed"
    } else {
        "the request failed"
    }
}

/// The URI of each endpoint under each upstream, parsed once at start:
/// `[chat, completions, embeddings]` per upstream of `[gateway.upstreams]`, in order
/// (`None` where the URL does not parse: that attempt then fails as it would have).
pub(crate) fn endpoint_urls(upstreams: &[Upstream]) -> Vec<[Option<Uri>; 3]> {
    upstreams
        .iter()
        .map(|u| {
            [Endpoint::Chat, Endpoint::Completions, Endpoint::Embeddings]
                .map(|ep| endpoint_uri(u, ep))
        })
        .collect()
}

/// `u`'s URL for `ep`, read as a URL (the WHATWG rules: scheme and host lowercased,
/// percent-encoding normalised), then as the URI hyper sends.
fn endpoint_uri(u: &Upstream, ep: Endpoint) -> Option<Uri> {
    let (_, path) = crate::server::route_of(ep);
    let url = url::Url::parse(&format!("{}{path}", u.url.trim_end_matches('/'))).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    url.as_str().parse().ok()
}

fn endpoint_index(ep: Endpoint) -> usize {
    match ep {
        Endpoint::Chat => 0,
        Endpoint::Completions => 1,
        Endpoint::Embeddings => 2,
    }
}

/// The request as it leaves for an upstream.
pub(crate) struct Outgoing<'a> {
    pub endpoint: Endpoint,
    /// The body as judged.
    pub body: &'a Value,
    /// `body` serialised (sent as it is to upstreams that are not `external`).
    pub bytes: bytes::Bytes,
    /// The texts of `body` (redacted for `external` upstreams).
    pub pieces: &'a [Piece],
}

/// Sends the request to the model's upstreams (indices into `[gateway.upstreams]`)
/// in order, moving to the next on connection errors, 5xx answers and redirects.
/// Returns the answer, the upstream's name, and the instant the attempt's time ends
/// (reading the answer's body must end by then too).
pub(crate) async fn forward(
    gw: &Gateway,
    out: Outgoing<'_>,
    upstreams: &[usize],
    vault: &mut Vault,
    deadline: tokio::time::Instant,
) -> Result<(Answer, String, tokio::time::Instant), String> {
    let mut last = String::from("no upstream serves this model");
    let mut redacted: Option<bytes::Bytes> = None;
    for &i in upstreams {
        let Some(u) = gw.config.settings.upstreams.get(i) else {
            continue;
        };
        if !gw.breakers.allow(&u.name) {
            last = format!("{}: circuit open after repeated failures", u.name);
            continue;
        }
        let now = tokio::time::Instant::now();
        let left = deadline.saturating_duration_since(now);
        if left.is_zero() {
            last = format!("{last}; the request's time ran out");
            break;
        }
        let timeout = gw.config.upstream_timeout.min(left);
        let send = if u.external {
            redacted
                .get_or_insert_with(|| {
                    let body = egress_body(gw, out.body, out.pieces, vault);
                    crate::server::to_json(&body, out.bytes.len() + 256).into()
                })
                .clone()
        } else {
            out.bytes.clone()
        };
        let uri = gw
            .upstream_urls
            .get(i)
            .and_then(|urls| urls.get(endpoint_index(out.endpoint)))
            .and_then(Option::as_ref);
        let started = std::time::Instant::now();
        let result = match uri.and_then(|uri| request(u, uri, send)) {
            Some(req) => {
                match tokio::time::timeout(timeout, local(&gw.upstream).request(req)).await {
                    Ok(Ok(resp)) => Ok(resp),
                    Ok(Err(e)) => Err(describe(&e)),
                    Err(_) => Err("timed out"),
                }
            }
            None => Err("the request failed"),
        };
        let took = started.elapsed();
        gw.metrics.observe_upstream(&u.name, took);
        crate::metrics::add_upstream_time(took);
        match result {
            Ok(resp) if resp.status().is_server_error() => {
                last = format!("{} answered {}", u.name, resp.status().as_u16());
            }
            Ok(resp) if resp.status().is_redirection() => {
                last = format!(
                    "{} answered with a redirect {} (not followed)",
                    u.name,
                    resp.status().as_u16()
                );
            }
            Ok(resp) => {
                gw.breakers.success(&u.name);
                return Ok((resp, u.name.clone(), now + timeout));
            }
            Err(why) => last = format!("{}: {why}", u.name),
        }
        tracing::warn!(target: "rampart::gateway", upstream = %u.name, error = %last, "upstream attempt failed");
        if gw.breakers.failure(&u.name) {
            tracing::warn!(target: "rampart::gateway", upstream = %u.name, "circuit opened: the upstream is skipped until its cooldown ends");
        }
        gw.metrics.upstream_failed(&u.name);
        if let Some(m) = &gw.monitor {
            m.upstream_error(&u.name);
        }
    }
    gw.metrics.upstream_errors.fetch_add(1, Ordering::Relaxed);
    Err(last)
}

/// The POST of `body` to `uri`, with the upstream's key when it has one (`None` when
/// the key is not a valid header value: that attempt fails).
fn request(u: &Upstream, uri: &Uri, body: bytes::Bytes) -> Option<axum::http::Request<Body>> {
    let mut req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(uri.clone())
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    if let Some(env) = &u.api_key_env {
        if let Ok(secret) = std::env::var(env) {
            let mut v = HeaderValue::try_from(format!("Bearer {secret}")).ok()?;
            v.set_sensitive(true);
            req = req.header(header::AUTHORIZATION, v);
        }
    }
    req.body(Body::from(body)).ok()
}

/// The length an answer declares, if it declares one.
pub(crate) fn content_length(resp: &Answer) -> Option<u64> {
    resp.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Reads an answer body of at most `max` bytes, before `deadline`.
pub(crate) async fn read_capped(
    resp: Answer,
    max: usize,
    deadline: tokio::time::Instant,
) -> Result<Vec<u8>, String> {
    let declared = content_length(&resp);
    if declared.is_some_and(|n| n > max as u64) {
        return Err(format!("the answer is larger than {max} bytes"));
    }
    let expected = declared.map_or(0, |n| n.min(max as u64));
    let mut out = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    let mut stream = Body::new(resp.into_body()).into_data_stream();
    // one timer for the whole body (the deadline is absolute)
    let read = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| "the answer could not be read".to_string())?;
            if out.len() + chunk.len() > max {
                return Err(format!("the answer is larger than {max} bytes"));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(())
    };
    tokio::time::timeout_at(deadline, read)
        .await
        .map_err(|_| "the answer took longer than the upstream's time".to_string())??;
    Ok(out)
}
