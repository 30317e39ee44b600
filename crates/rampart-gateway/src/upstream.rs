//! The upstream call: the model's upstreams in order, failing over on connection
//! errors, 5xx answers and redirects (never followed). Egress redaction is decided
//! **per attempt**, for the upstream actually being called: a request that fails
//! over from an internal upstream to an `external` one is redacted before it leaves.
//! Errors name upstreams by their configured names only, never their addresses.

use std::sync::atomic::Ordering;

use futures_util::StreamExt;
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

/// Why an attempt failed, without the upstream's address (reqwest's messages name
/// the URL).
fn describe(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the answer could not be read"
    } else {
        "the request failed"
    }
}

/// The URL of each endpoint under each upstream, parsed once at start:
/// `[chat, completions, embeddings]` per upstream of `[gateway.upstreams]`, in order
/// (`None` where the URL does not parse: that attempt then fails as it would have).
pub(crate) fn endpoint_urls(upstreams: &[Upstream]) -> Vec<[Option<reqwest::Url>; 3]> {
    upstreams
        .iter()
        .map(|u| {
            [Endpoint::Chat, Endpoint::Completions, Endpoint::Embeddings].map(|ep| {
                let (_, path) = crate::server::route_of(ep);
                reqwest::Url::parse(&format!("{}{path}", u.url.trim_end_matches('/'))).ok()
            })
        })
        .collect()
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
pub(crate) async fn forward(
    gw: &Gateway,
    out: Outgoing<'_>,
    upstreams: &[usize],
    vault: &mut Vault,
    deadline: tokio::time::Instant,
) -> Result<(reqwest::Response, String), String> {
    let mut last = String::from("no upstream serves this model");
    let mut redacted: Option<bytes::Bytes> = None;
    let (_, path) = crate::server::route_of(out.endpoint);
    for &i in upstreams {
        let Some(u) = gw.config.settings.upstreams.get(i) else {
            continue;
        };
        if !gw.breakers.allow(&u.name) {
            last = format!("{}: circuit open after repeated failures", u.name);
            continue;
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
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
        let parsed = gw
            .upstream_urls
            .get(i)
            .and_then(|urls| urls.get(endpoint_index(out.endpoint)))
            .and_then(Option::as_ref);
        let req = match parsed {
            Some(url) => gw.client.post(url.clone()),
            None => gw
                .client
                .post(format!("{}{path}", u.url.trim_end_matches('/'))),
        };
        let mut req = req
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(send)
            .timeout(timeout);
        if let Some(env) = &u.api_key_env {
            if let Ok(secret) = std::env::var(env) {
                req = req.bearer_auth(secret);
            }
        }
        let started = std::time::Instant::now();
        let result = req.send().await;
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
                return Ok((resp, u.name.clone()));
            }
            Err(e) => last = format!("{}: {}", u.name, describe(&e)),
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

/// Reads an answer body of at most `max` bytes, before `deadline`.
pub(crate) async fn read_capped(
    resp: reqwest::Response,
    max: usize,
    deadline: tokio::time::Instant,
) -> Result<Vec<u8>, String> {
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(format!("the answer is larger than {max} bytes"));
    }
    let expected = resp.content_length().map_or(0, |n| n.min(max as u64));
    let mut out = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    let mut stream = resp.bytes_stream();
    loop {
        let next = tokio::time::timeout_at(deadline, stream.next())
            .await
            .map_err(|_| "the answer took longer than the request's time".to_string())?;
        let Some(chunk) = next else {
            return Ok(out);
        };
        let chunk = chunk.map_err(|e| describe(&e).to_string())?;
        if out.len() + chunk.len() > max {
            return Err(format!("the answer is larger than {max} bytes"));
        }
        out.extend_from_slice(&chunk);
    }
}
