//! The proxy's shared state, its routes and the glue between its phases, split the
//! way pingora splits a proxy:
//! - [`crate::admit`]: authenticate on headers, limits, read the body (bounded in
//!   size and time), parse it into the request view, scopes;
//! - here, [`proxy`]: the guard over every text of the view, the canary;
//! - [`crate::upstream`]: the upstream call, egress redaction per attempt, failover;
//! - [`crate::answer`] and [`crate::stream`]: the answer judged in full;
//! - [`crate::record`]: the ledger entry every authenticated request gets.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::admit::{admit, Admitted};
use crate::config::Config;
use crate::inspect::{Action, Hit, Inspector, Vault, Verdict};
use crate::keys::{KeyRecord, KeyStore};
use crate::limits::Limiter;
use crate::record::{block_request, flagged, merge, no_upstream, principal, unjudged, Audit};
use crate::view::{self, Endpoint};

/// Response header carrying the request id (ask the ledger for its proof).
pub const REQUEST_ID_HEADER: &str = "x-rampart-request-id";

pub use crate::metrics::Metrics;

/// Everything a request needs.
pub struct Gateway {
    /// Settings.
    pub config: Config,
    /// API keys (`None` only with `allow_anonymous` and no key database).
    pub keys: Option<KeyStore>,
    /// Rate limits: in memory, or in Redis shared by every instance.
    pub limiter: Limiter,
    /// The guard.
    pub inspector: Arc<dyn Inspector>,
    /// The audit ledger: SQLite, or PostgreSQL shared by every instance.
    pub ledger: Option<Arc<dyn rampart_ledger::Storage>>,
    /// The queue into the ledger (one audit thread, batched appends).
    pub auditor: Option<crate::auditor::Auditor>,
    /// HTTP client for alert webhooks (redirects are never followed).
    pub client: reqwest::Client,
    /// The client of upstream calls (see [`crate::upstream`]).
    pub(crate) upstream: crate::upstream::Client,
    /// Counters and histograms for `/metrics`.
    pub metrics: Metrics,
    /// Circuit breakers per upstream.
    pub breakers: crate::breaker::Breakers,
    /// Token quotas (per minute) of the keys seen, for debiting usage after a response.
    pub token_quotas: std::sync::Mutex<std::collections::HashMap<String, u32>>,
    /// Model-extraction signals per key, when `[gateway.extraction]` is set.
    pub extraction: Option<crate::extraction::Extraction>,
    /// Which tools the model may call, per key.
    pub tools: crate::tools::ToolPolicy,
    /// TLS for the listener, when `[gateway.tls]` is set.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// The time-series store and admin listener, when `[gateway.monitor]` is set.
    pub monitor: Option<crate::monitor::Monitor>,
    /// Each upstream's endpoint URLs, parsed once (see `upstream::endpoint_urls`).
    pub(crate) upstream_urls: Vec<[Option<axum::http::Uri>; 3]>,
}

/// A fresh random canary token. Each request gets its own, planted in its system
/// message; its appearance in that request's output is a leak (LEK001). One leaked
/// canary tells an attacker nothing about any other request's.
pub fn new_canary() -> String {
    let mut b = [0u8; 12];
    let _ = getrandom::getrandom(&mut b);
    with_hex("rk-canary-", &b)
}

/// `prefix` followed by `bytes` in lowercase hex.
fn with_hex(prefix: &str, bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(prefix.len() + 2 * bytes.len());
    out.push_str(prefix);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

pub(crate) fn error(status: StatusCode, kind: &str, message: &str, request_id: &str) -> Response {
    let mut r = (
        status,
        Json(json!({"error": {"message": message, "type": kind, "code": kind}})),
    )
        .into_response();
    with_request_id(&mut r, request_id);
    r
}

pub(crate) fn with_request_id(r: &mut Response, request_id: &str) {
    if let Ok(v) = HeaderValue::from_str(request_id) {
        r.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
}

/// Random bytes drawn from the OS at once into each connection thread's pool: one
/// `getrandom` call serves this many requests instead of one (the call and the
/// kernel's generator set-up were 2% of a request's CPU).
const RANDOM_POOL: usize = 170 * 24;

/// One thread's unused OS random bytes; each is handed out once and overwritten
/// with zero as it goes, so no id or canary is ever derived twice or lingers here.
struct RandomPool {
    bytes: [u8; RANDOM_POOL],
    next: usize,
}

thread_local! {
    static POOL: std::cell::RefCell<RandomPool> = const {
        std::cell::RefCell::new(RandomPool { bytes: [0; RANDOM_POOL], next: RANDOM_POOL })
    };
}

/// Fills `out` with bytes from the OS random source, through this thread's pool;
/// `false` (and `out` untouched) when the OS source fails.
fn pooled_random(out: &mut [u8]) -> bool {
    POOL.with(|p| {
        let Ok(mut p) = p.try_borrow_mut() else {
            return getrandom::getrandom(out).is_ok();
        };
        if out.len() > RANDOM_POOL {
            return getrandom::getrandom(out).is_ok();
        }
        if RANDOM_POOL - p.next < out.len() {
            if getrandom::getrandom(&mut p.bytes).is_err() {
                return false;
            }
            p.next = 0;
        }
        let at = p.next;
        let taken = &mut p.bytes[at..at + out.len()];
        out.copy_from_slice(taken);
        taken.fill(0);
        p.next += out.len();
        true
    })
}

/// A request id and the request's canary, from the OS random source (through this
/// thread's pool).
pub(crate) fn request_id_and_canary() -> (String, String) {
    let mut b = [0u8; 24];
    if !pooled_random(&mut b) {
        return (request_id(), new_canary());
    }
    let (id, canary) = b.split_at(12);
    (with_hex("req-", id), with_hex("rk-canary-", canary))
}

pub(crate) fn request_id() -> String {
    let mut b = [0u8; 12];
    if getrandom::getrandom(&mut b).is_err() {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        return format!("req-{n:x}");
    }
    with_hex("req-", &b)
}

/// Rule recorded when a detector fails (panics) on a request or response.
pub const DETECTOR_ERROR_RULE: &str = "GW001";
/// Rule recorded when a key exceeds its rate limit.
pub const RATE_LIMITED_RULE: &str = "GW002";
/// Rule recorded when a key asks for a model outside its scopes.
pub const SCOPE_RULE: &str = "GW003";
/// Rule recorded when the shared rate-limit store cannot be reached.
pub const LIMITER_ERROR_RULE: &str = "GW004";
/// Rule recorded when a key's token quota is used up.
pub const TOKEN_QUOTA_RULE: &str = "GW005";
/// Rule recorded when a key calls a route outside its scopes.
pub const ROUTE_SCOPE_RULE: &str = "GW006";
/// Rule recorded when no upstream answered a request.
pub const NO_UPSTREAM_RULE: &str = "GW007";
/// Rule recorded when an upstream answer cannot be judged (not JSON, compressed,
/// too large) and is withheld.
pub const UNJUDGED_ANSWER_RULE: &str = "GW008";
/// Rule recorded when a request body cannot be accepted (too large, too slow, not
/// JSON, a field the guard cannot judge).
pub const BAD_REQUEST_RULE: &str = "GW009";
/// The canary rule (LEK001 of rampart-guard).
pub const CANARY_RULE: &str = "LEK001";

impl Gateway {
    /// What a failed detector means: a block (fail closed, the default), or a flag
    /// and the request goes on (`fail_open`).
    pub(crate) fn detector_failed(&self) -> Verdict {
        self.metrics.detector_errors.fetch_add(1, Ordering::Relaxed);
        tracing::error!(
            target: "rampart::gateway",
            fail_open = self.config.settings.fail_open,
            "a guard detector failed"
        );
        Verdict {
            action: if self.config.settings.fail_open {
                Action::Flag
            } else {
                Action::Block
            },
            rules: vec![DETECTOR_ERROR_RULE.to_string()],
            ..Verdict::allow()
        }
    }

    /// The guard on inbound text; a detector failure is contained and judged by
    /// [`Gateway::detector_failed`].
    pub(crate) fn inbound(&self, role: &str, text: &str, vault: &mut Vault) -> Verdict {
        let run = std::panic::AssertUnwindSafe(|| self.inspector.inbound(role, text, vault));
        std::panic::catch_unwind(run).unwrap_or_else(|_| self.detector_failed())
    }

    /// The guard on one window of model output, plus this request's canary; a
    /// detector failure is contained like [`Gateway::inbound`].
    pub(crate) fn outbound(&self, window: &str, canary: &str) -> Vec<Hit> {
        let run = std::panic::AssertUnwindSafe(|| self.inspector.outbound(window));
        let mut hits = std::panic::catch_unwind(run).unwrap_or_else(|_| {
            let v = self.detector_failed();
            vec![Hit {
                rule: DETECTOR_ERROR_RULE.into(),
                action: v.action,
                start: 0,
                end: 0,
                label: "DATA",
            }]
        });
        if let Some(at) = find_canary(window, canary) {
            hits.push(Hit {
                rule: CANARY_RULE.into(),
                action: Action::Block,
                start: at,
                end: at + 1,
                label: "CANARY",
            });
        }
        hits
    }

    /// Egress redaction; when it fails nothing of the text leaves (fail closed), or
    /// it leaves as it is (`fail_open`).
    pub(crate) fn egress(&self, text: &str, vault: &mut Vault) -> String {
        let run = std::panic::AssertUnwindSafe(|| self.inspector.egress(text, vault));
        std::panic::catch_unwind(run).unwrap_or_else(|_| {
            self.detector_failed();
            if self.config.settings.fail_open {
                text.to_string()
            } else {
                "[withheld: the egress detector failed]".to_string()
            }
        })
    }

    pub(crate) fn authenticate(&self, headers: &HeaderMap) -> Result<Option<KeyRecord>, ()> {
        let presented = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match (presented, &self.keys) {
            (Some(key), Some(store)) => match store.authenticate(key.trim()) {
                Ok(Some(rec)) => Ok(Some(rec)),
                _ => Err(()),
            },
            (None, _) if self.config.settings.allow_anonymous => Ok(None),
            _ => Err(()),
        }
    }

    /// The upstreams serving `model`, in order (indices into `[gateway.upstreams]`).
    pub(crate) fn upstreams_for(&self, model: &str) -> Vec<usize> {
        self.config
            .settings
            .upstreams
            .iter()
            .enumerate()
            .filter(|(_, u)| u.models.is_empty() || u.models.iter().any(|m| m == "*" || m == model))
            .map(|(i, _)| i)
            .collect()
    }

    pub(crate) fn holdback(&self) -> usize {
        self.config.stream_holdback
    }
}

/// Where the canary occurs in `window` (character offset of the match start), case
/// and separators forgiven: the model may spell it in capitals or put spaces, dashes
/// or invisible characters between its characters.
fn find_canary(window: &str, canary: &str) -> Option<usize> {
    // Both sides read as their ASCII letters and digits, lowercased; no copy of the
    // window is made (this runs on every window of every answer).
    let want = || {
        canary
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase())
    };
    let first = want().next()?;
    let mut kept = window
        .chars()
        .enumerate()
        .filter(|(_, c)| c.is_ascii_alphanumeric())
        .map(|(i, c)| (i, c.to_ascii_lowercase() as u8));
    while let Some((at, b)) = kept.next() {
        if b != first {
            continue;
        }
        let mut rest = kept.clone();
        if want()
            .skip(1)
            .all(|w| rest.next().is_some_and(|(_, b)| b == w))
        {
            return Some(at);
        }
    }
    None
}

/// The handler of one proxied endpoint.
macro_rules! proxied {
    ($ep:expr) => {
        post(
            |State(gw): State<Arc<Gateway>>,
             ConnectInfo(addr): ConnectInfo<SocketAddr>,
             req: Request| proxy(gw, addr, req, $ep),
        )
    };
}

/// Builds the router. The public listener serves the API; `/metrics` is served only
/// to keys with the admin scope (the `/metrics` route granted explicitly).
pub fn router(gw: Arc<Gateway>) -> Router {
    Router::new()
        .route("/v1/chat/completions", proxied!(Endpoint::Chat))
        .route("/v1/completions", proxied!(Endpoint::Completions))
        .route("/v1/embeddings", proxied!(Endpoint::Embeddings))
        .route("/v1/responses", post(responses))
        .route("/v1/models", get(models))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&gw), timed))
        .with_state(gw)
}

/// Records each request's time to response head in the route's histogram.
async fn timed(
    State(gw): State<Arc<Gateway>>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let started = std::time::Instant::now();
    let route = gw.metrics.route_index(req.uri().path());
    let otlp = gw.monitor.as_ref().and_then(|m| m.otlp());
    let ((resp, upstream), outcome) = match otlp {
        Some(_) => {
            crate::otlp::Exporter::scope(crate::metrics::with_upstream_time(next.run(req))).await
        }
        None => (
            crate::metrics::with_upstream_time(next.run(req)).await,
            crate::otlp::Noted::Nothing,
        ),
    };
    let total = started.elapsed();
    gw.metrics.observe_route(route, total);
    // the API routes only: probes, `/metrics` and unknown paths are not traffic
    if let (Some(m), Some(name)) = (&gw.monitor, crate::metrics::ROUTES.get(route)) {
        if *name != "other" {
            m.latency(name, total, upstream);
            let outcome = match outcome {
                crate::otlp::Noted::Outcome(m, d) => Some(Some((m, d))),
                crate::otlp::Noted::Nothing => Some(None),
                // its span is queued when the stream ends
                crate::otlp::Noted::Streamed => None,
            };
            if let (Some(x), Some(outcome)) = (otlp, outcome) {
                let rid = resp
                    .headers()
                    .get(REQUEST_ID_HEADER)
                    .and_then(|v| v.to_str().ok());
                x.span(name, rid, outcome, resp.status().as_u16(), total, upstream);
            }
        }
    }
    resp
}

async fn readyz(State(gw): State<Arc<Gateway>>) -> Response {
    if gw.config.settings.upstreams.is_empty() {
        return (StatusCode::SERVICE_UNAVAILABLE, "no upstream configured").into_response();
    }
    "ready".into_response()
}

/// Whether the request's key has the admin scope (the `/metrics` route granted
/// explicitly); an anonymous gateway (an opt-in, loopback development set-up) keeps
/// the admin routes open.
pub(crate) fn is_admin(gw: &Gateway, headers: &HeaderMap) -> bool {
    match gw.authenticate(headers) {
        Ok(Some(k)) => k.routes.iter().any(|r| r == "/metrics"),
        Ok(None) => gw.config.settings.allow_anonymous,
        Err(()) => false,
    }
}

pub(crate) async fn metrics(State(gw): State<Arc<Gateway>>, headers: HeaderMap) -> Response {
    if !is_admin(&gw, &headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "/metrics needs a key with the admin scope (created with --route /metrics)",
            &request_id(),
        );
    }
    let out = crate::otlp::exposition(&gw);
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        out,
    )
        .into_response()
}

async fn models(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let rid = request_id();
    let Ok(key) = gw.authenticate(&headers) else {
        gw.metrics.unauthorized.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(target: "rampart::gateway", request_id = %rid, client = %addr.ip(), route = "/v1/models", status = 401, "refused");
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "a valid API key is required",
            &rid,
        );
    };
    let mut ids: Vec<String> = gw
        .config
        .settings
        .upstreams
        .iter()
        .flat_map(|u| u.models.iter().cloned())
        .filter(|m| m != "*")
        .filter(|m| key.as_ref().is_none_or(|k| k.allows_model(m)))
        .collect();
    ids.sort();
    ids.dedup();
    let body = json!({"object": "list", "data": ids.iter().map(|id| json!({"id": id, "object": "model", "owned_by": "rampart"})).collect::<Vec<_>>()});
    let bytes = bytes::Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
    let (principal, tenant) = principal(&key);
    let mut audit = Audit::new(rid.clone(), principal, tenant, "/v1/models", String::new());
    audit.response = bytes.clone();
    if !crate::record::is_durable(gw.audit(audit)).await {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "audit_error",
            "the answer was withheld: its ledger entry could not be made durable",
            &rid,
        );
    }
    let mut r = (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response();
    with_request_id(&mut r, &rid);
    r
}

/// `/v1/responses` is refused clearly: its input and output items are not judged by
/// this gateway yet, and forwarding them unjudged would walk around the guard.
async fn responses() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "unsupported_endpoint",
        "/v1/responses is not served by this gateway: its texts are not judged yet; use /v1/chat/completions",
        &request_id(),
    )
}

/// The route's name in logs and the ledger, and the path under an upstream's URL.
pub(crate) fn route_of(ep: Endpoint) -> (&'static str, &'static str) {
    match ep {
        Endpoint::Chat => ("/v1/chat/completions", "/chat/completions"),
        Endpoint::Completions => ("/v1/completions", "/completions"),
        Endpoint::Embeddings => ("/v1/embeddings", "/embeddings"),
    }
}

/// Puts this request's canary in its system (or developer) message.
fn plant_canary(body: &mut Value, message: &[view::Seg], canary: &str) {
    let Some(m) = view::get_mut(body, message) else {
        return;
    };
    let Some(m) = m.as_object_mut() else {
        return;
    };
    let mark = format!("<!-- {canary} -->");
    match m.get_mut("content") {
        Some(Value::String(s)) => {
            s.push('\n');
            s.push_str(&mark);
        }
        Some(Value::Array(parts)) => parts.push(json!({"type": "text", "text": mark})),
        _ => {
            m.insert("content".into(), Value::String(mark));
        }
    }
}

/// `v` serialised into a buffer of `hint` bytes to start with (the size it is
/// expected to have: no regrowing on the way); empty if it cannot be serialised.
pub(crate) fn to_json(v: &Value, hint: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(hint);
    if serde_json::to_writer(&mut out, v).is_err() {
        out.clear();
    }
    out
}

/// A rough token count for a text when the upstream reports none (about four
/// characters a token for English; never zero for a non-empty text).
pub(crate) fn estimate_tokens(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX)
}

async fn proxy(gw: Arc<Gateway>, addr: SocketAddr, req: Request, ep: Endpoint) -> Response {
    let (route, _) = route_of(ep);
    let deadline = tokio::time::Instant::now() + gw.config.request_timeout;
    let Admitted {
        rid,
        key,
        mut body,
        view,
        model,
        signals,
        canary,
        raw_len,
    } = match admit(&gw, addr, req, route, ep).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (principal, tenant) = principal(&key);
    let upstreams = gw.upstreams_for(&model);

    // The guard on every text of the request.
    let mut verdict = flagged(signals);
    let mut vault = Vault::default();
    let mut prompt_chars = 0usize;
    // drift reads the script and topic of the newest user text (the system prompt and
    // the history repeat from request to request)
    let (mut newest_user, mut last) = (None, None);
    for (i, p) in view.pieces.iter().enumerate() {
        let Some(text) = view::get(&body, &p.path).and_then(Value::as_str) else {
            continue;
        };
        prompt_chars += text.chars().count();
        last = Some(i);
        if p.origin == view::Origin::User {
            newest_user = Some(i);
        }
        let mut v = gw.inbound(p.origin.guard_role(), text, &mut vault);
        if v.action == Action::Redact {
            if let Some(r) = v.replacement.take() {
                view::set_text(&mut body, &p.path, r);
            }
        }
        merge(&mut verdict, v);
    }
    if let Some(m) = &view.system_message {
        plant_canary(&mut body, m, &canary);
    }
    let mut audit = Audit::new(rid.clone(), principal, tenant, route, model);
    // serialised once: hashed into the ledger entry and, unless it changes below,
    // sent as it is
    // (the request as received, a canary comment and a little re-escaping longer)
    let judged = bytes::Bytes::from(to_json(&body, raw_len + 128));
    // shared, not copied: the entry only hashes it
    audit.prompt = judged.clone();
    if gw.config.store_bodies {
        audit.stored_prompt = Some(crate::upstream::stored_text(&gw, &body, &view.pieces));
    }
    audit.tokens.0 = estimate_tokens(prompt_chars);
    if gw.monitor.is_some() {
        let mut profile = crate::drift::TextProfile::default();
        if let Some(text) = newest_user
            .or(last)
            .and_then(|i| view.pieces.get(i))
            .and_then(|p| view::get(&body, &p.path))
            .and_then(Value::as_str)
        {
            profile.add(text);
        }
        audit.features = Some(profile.features(prompt_chars, verdict.scores));
    }
    if verdict.action == Action::Block {
        audit.rules = verdict.rules;
        return block_request(&gw, audit);
    }
    let wants_usage = body["stream_options"]["include_usage"].as_bool() == Some(true);
    let mut send = judged;
    if view.stream && ep != Endpoint::Embeddings {
        // ask for streamed usage, so token quotas count streams too
        if let Some(map) = body.as_object_mut() {
            match map.get_mut("stream_options").and_then(Value::as_object_mut) {
                Some(o) => {
                    o.insert("include_usage".into(), Value::Bool(true));
                }
                None => {
                    map.insert("stream_options".into(), json!({"include_usage": true}));
                }
            }
        }
        send = to_json(&body, raw_len + 192).into();
    }
    let outgoing = crate::upstream::Outgoing {
        endpoint: ep,
        body: &body,
        bytes: send,
        pieces: &view.pieces,
    };
    // the attempt's time bounds the answer's body too
    let (resp, upstream, deadline) =
        match crate::upstream::forward(&gw, outgoing, &upstreams, &mut vault, deadline).await {
            Ok(r) => r,
            Err(e) => {
                audit.rules = verdict.rules;
                return no_upstream(&gw, audit, verdict.action, &e);
            }
        };
    audit.upstream = upstream;
    let status = resp.status();
    // an upstream that answers a stream request with plain JSON is judged as a whole
    let event_stream = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.trim_start().starts_with("text/event-stream"));
    if view.stream && status.is_success() && event_stream && ep != Endpoint::Embeddings {
        return crate::stream::respond(
            gw,
            crate::stream::Streamed {
                endpoint: ep,
                rid,
                verdict,
                vault,
                key,
                audit,
                canary,
                wants_usage,
                deadline,
            },
            resp,
        );
    }
    let encoding = resp
        .headers()
        .get(axum::http::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .filter(|e| e != "identity");
    let bytes = match crate::upstream::read_capped(resp, gw.config.max_answer_bytes, deadline).await
    {
        Ok(b) => b,
        Err(why) => return unjudged(&gw, audit, verdict, &why),
    };
    if let Some(e) = encoding {
        return unjudged(&gw, audit, verdict, &format!("the answer is {e}-encoded"));
    }
    let Ok(mut answer) = serde_json::from_slice::<Value>(&bytes) else {
        return unjudged(&gw, audit, verdict, "the answer is not JSON");
    };
    if let Some(f) = audit.features.as_mut() {
        let message = &answer["choices"][0]["message"];
        f.refusal = crate::drift::is_refusal(message);
        f.tool_call = message["tool_calls"]
            .as_array()
            .is_some_and(|t| !t.is_empty());
    }
    let judged = crate::answer::judge(&gw, key.as_ref(), &mut answer, &canary, &vault);
    merge(&mut verdict, judged.verdict);
    audit.tokens = (
        answer["usage"]["prompt_tokens"]
            .as_u64()
            .unwrap_or(audit.tokens.0),
        answer["usage"]["completion_tokens"]
            .as_u64()
            .unwrap_or_else(|| estimate_tokens(judged.output_chars)),
    );
    let response_bytes = bytes::Bytes::from(to_json(&answer, bytes.len() + 64));
    match verdict.action {
        Action::Block => gw.metrics.blocked.fetch_add(1, Ordering::Relaxed),
        Action::Redact => gw.metrics.redacted.fetch_add(1, Ordering::Relaxed),
        _ => 0,
    };
    audit.decision = verdict.action;
    audit.rules = verdict.rules.clone();
    if gw.config.store_bodies {
        audit.stored_response = Some(crate::upstream::stored_answer(&gw, &answer));
    }
    audit.response = response_bytes.clone();
    // durable mode: nothing is answered before its entry is durable
    if !crate::record::is_durable(gw.audit(audit)).await {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "audit_error",
            "the answer was withheld: its ledger entry could not be made durable",
            &rid,
        );
    }
    if verdict.action == Action::Block {
        return error(
            StatusCode::BAD_GATEWAY,
            "content_policy_violation",
            &format!("response blocked by policy ({})", verdict.rules.join(", ")),
            &rid,
        );
    }
    let mut r = (
        StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY),
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        response_bytes,
    )
        .into_response();
    with_request_id(&mut r, &rid);
    r
}

/// Serves the gateway on `listener` until `shutdown` resolves; in-flight requests are
/// drained before it returns.
pub async fn serve(
    gw: Arc<Gateway>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tls = gw.tls.clone();
    let max_connections = gw.config.max_connections;
    let pruner = crate::record::start_pruner(&gw);
    let alerts = crate::alerts::start(&gw);
    let monitor = Arc::clone(&gw);
    let served = crate::tls::serve(router(gw), listener, tls, max_connections, shutdown).await;
    if let Some(p) = pruner {
        p.abort();
    }
    if let Some(a) = alerts {
        a.abort();
    }
    if monitor.monitor.is_some() {
        // what the last requests added, committed before the process ends
        let _ = tokio::task::spawn_blocking(move || {
            monitor
                .monitor
                .as_ref()
                .map(|m| m.close(std::time::Duration::from_secs(5)))
        })
        .await;
    }
    served
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ids_and_canaries_are_never_repeated_across_pool_refills() {
        // several refills of the pool: every id and canary distinct, and the pool
        // hands out each byte once (a reused slice would repeat a pair)
        let mut seen = std::collections::HashSet::new();
        for _ in 0..3 * (RANDOM_POOL / 24) + 5 {
            let (id, canary) = request_id_and_canary();
            assert!(id.starts_with("req-") && id.len() == 4 + 24, "{id}");
            assert!(canary.starts_with("rk-canary-") && canary.len() == 10 + 24);
            assert!(seen.insert(id), "a request id repeated");
            assert!(seen.insert(canary), "a canary repeated");
        }
    }

    #[test]
    fn the_canary_is_found_however_it_is_spelt() {
        let c = "rk-canary-00ff11ee22dd33cc44bb55aa";
        assert_eq!(find_canary(&format!("x {c} y"), c), Some(2));
        assert!(find_canary(&c.to_uppercase(), c).is_some());
        let spaced: String = c.chars().flat_map(|ch| [ch, ' ']).collect();
        assert!(find_canary(&spaced, c).is_some());
        let invisible: String = c.chars().flat_map(|ch| [ch, '\u{200b}']).collect();
        assert!(find_canary(&invisible, c).is_some());
        assert_eq!(find_canary("rk-canary-00ff11ee22dd33cc44bb55ab", c), None);
        // a partial match first (restarting inside it), then the whole canary
        let w = format!("rrk-canary-00ff {c}");
        assert_eq!(find_canary(&w, c), Some(w.find(c).unwrap()));
        assert_eq!(find_canary(&c[..c.len() - 1], c), None);
        assert_eq!(find_canary("", c), None);
    }
}
