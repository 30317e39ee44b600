//! The proxy: authentication, limits, the guard on the way in and out (streams
//! included, with a hold-back window), egress redaction for external upstreams,
//! failover across upstreams, and an audit-ledger entry for every request.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::StreamExt;
use rampart_core::system::Upstream;
use rampart_ledger::{AuditEntry, Bodies, Decision, Storage, Timestamp};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::inspect::{Action, Inspector, Vault, Verdict};
use crate::keys::{KeyRecord, KeyStore};
use crate::limits::Limiter;

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
    pub ledger: Option<Arc<dyn Storage>>,
    /// The queue into the ledger (one audit thread, batched appends).
    pub auditor: Option<crate::auditor::Auditor>,
    /// Upstream HTTP client.
    pub client: reqwest::Client,
    /// Counters and histograms for `/metrics`.
    pub metrics: Metrics,
    /// Circuit breakers per upstream.
    pub breakers: crate::breaker::Breakers,
    /// Token quotas (per minute) of the keys seen, for debiting usage after a response.
    pub token_quotas: std::sync::Mutex<std::collections::HashMap<String, u32>>,
    /// Model-extraction signals per key, when `[gateway.extraction]` is set.
    pub extraction: Option<crate::extraction::Extraction>,
    /// Canary appended to system prompts; its appearance in output is a leak (LEK001).
    pub canary: Option<String>,
    /// Which tools the model may call, per key.
    pub tools: crate::tools::ToolPolicy,
    /// TLS for the listener, when `[gateway.tls]` is set.
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

/// A fresh random canary token.
pub fn new_canary() -> String {
    let mut b = [0u8; 12];
    let _ = getrandom::getrandom(&mut b);
    format!(
        "rk-canary-{}",
        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
    )
}

fn error(status: StatusCode, kind: &str, message: &str, request_id: &str) -> Response {
    let mut r = (
        status,
        Json(json!({"error": {"message": message, "type": kind, "code": kind}})),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        r.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    r
}

fn request_id() -> String {
    let mut b = [0u8; 12];
    if getrandom::getrandom(&mut b).is_err() {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        return format!("req-{n:x}");
    }
    format!(
        "req-{}",
        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
    )
}

fn decision_label(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::Flag => "flag",
        Decision::Redact => "redact",
        Decision::Block => "block",
    }
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

fn sha(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// What is written to the ledger for one request.
struct Audit {
    request_id: String,
    principal: String,
    tenant: String,
    route: &'static str,
    model: String,
    upstream: String,
    decision: Decision,
    rules: Vec<String>,
    prompt: Vec<u8>,
    response: Vec<u8>,
    tokens: (u64, u64),
}

impl Audit {
    /// A request no upstream answered: refused before forwarding (blocked), or
    /// forwarded without an answer (see [`no_upstream`]).
    fn blocked(
        request_id: String,
        principal: String,
        tenant: String,
        route: &'static str,
        model: String,
        rules: Vec<String>,
        prompt: Vec<u8>,
    ) -> Audit {
        Audit {
            request_id,
            principal,
            tenant,
            route,
            model,
            upstream: "-".into(),
            decision: Decision::Block,
            rules,
            prompt,
            response: Vec::new(),
            tokens: (0, 0),
        }
    }
}

impl Gateway {
    /// Appends an audit entry without delaying the response; the ledger's group
    /// commit makes it durable within milliseconds, and shutdown drains pending ones.
    fn audit(self: &Arc<Self>, a: Audit) {
        self.metrics
            .record_outcome(decision_label(a.decision), &a.rules, a.tokens);
        tracing::info!(
            target: "rampart::gateway",
            request_id = %a.request_id,
            principal = %a.principal,
            tenant = %a.tenant,
            route = a.route,
            model = %a.model,
            upstream = %a.upstream,
            decision = decision_label(a.decision),
            rules = %a.rules.join(","),
            tokens_in = a.tokens.0,
            tokens_out = a.tokens.1,
            "request"
        );
        self.debit_tokens(&a.principal, a.tokens.0 + a.tokens.1);
        let Some(auditor) = &self.auditor else {
            return;
        };
        let entry = AuditEntry {
            time: Timestamp::now(),
            request_id: a.request_id,
            principal: a.principal,
            tenant: a.tenant,
            route: a.route.to_string(),
            // The model name comes from the client: bounded so the entry always fits.
            model: a.model.chars().take(256).collect(),
            upstream: a.upstream,
            decision: a.decision,
            rules: a.rules,
            tokens_in: a.tokens.0,
            tokens_out: a.tokens.1,
            prompt_sha256: Some(sha(&a.prompt)),
            response_sha256: Some(sha(&a.response)),
        };
        let bodies = self.config.store_bodies.then(|| Bodies {
            prompt: Some(String::from_utf8_lossy(&a.prompt).into_owned()),
            response: Some(String::from_utf8_lossy(&a.response).into_owned()),
        });
        auditor.submit(entry, bodies);
    }

    /// Debits `tokens` from the key's token quota, if it has one (usage is known only
    /// once the upstream answered, so the bucket may go into debt; the key's next
    /// requests are refused until it refills).
    fn debit_tokens(self: &Arc<Self>, key_id: &str, tokens: u64) {
        if tokens == 0 {
            return;
        }
        let tpm = self
            .token_quotas
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key_id)
            .copied();
        let (Some(tpm), Ok(rt)) = (tpm, tokio::runtime::Handle::try_current()) else {
            return;
        };
        let gw = Arc::clone(self);
        let bucket = format!("tok:key:{key_id}");
        let cost = u32::try_from(tokens).unwrap_or(u32::MAX);
        rt.spawn(async move {
            if let Err(e) = gw.limiter.take(&bucket, tpm, cost, true).await {
                gw.metrics.limiter_errors.fetch_add(1, Ordering::Relaxed);
                tracing::error!(target: "rampart::gateway", error = %e, "token usage not debited");
            }
        });
    }

    /// What a failed detector means: a block (fail closed, the default), or a flag
    /// and the request goes on (`fail_open`).
    fn detector_failed(&self) -> Verdict {
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
            replacement: None,
        }
    }

    /// The guard on inbound text; a detector failure is contained and judged by
    /// [`Gateway::detector_failed`].
    fn inbound(&self, role: &str, text: &str, vault: &mut Vault) -> Verdict {
        let run = std::panic::AssertUnwindSafe(|| self.inspector.inbound(role, text, vault));
        std::panic::catch_unwind(run).unwrap_or_else(|_| self.detector_failed())
    }

    /// The guard on model output, contained like [`Gateway::inbound`].
    fn outbound(&self, text: &str) -> Verdict {
        let run = std::panic::AssertUnwindSafe(|| self.inspector.outbound(text));
        std::panic::catch_unwind(run).unwrap_or_else(|_| self.detector_failed())
    }

    /// Egress redaction; when it fails nothing of the text leaves (fail closed), or
    /// it leaves as it is (`fail_open`).
    fn egress(&self, text: &str, vault: &mut Vault) -> String {
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

    fn authenticate(&self, headers: &HeaderMap) -> Result<Option<KeyRecord>, ()> {
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

    fn upstreams_for(&self, model: &str) -> Vec<Upstream> {
        self.config
            .settings
            .upstreams
            .iter()
            .filter(|u| u.models.is_empty() || u.models.iter().any(|m| m == "*" || m == model))
            .cloned()
            .collect()
    }
}

/// Builds the router.
pub fn router(gw: Arc<Gateway>) -> Router {
    let limit = gw.config.settings.max_body_bytes.unwrap_or(1 << 20);
    Router::new()
        .route("/v1/chat/completions", post(chat_completions))
        .route("/v1/completions", post(completions))
        .route("/v1/embeddings", post(embeddings))
        .route("/v1/models", get(models))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&gw), timed))
        .with_state(gw)
}

/// Records each request's time to response head in the route's histogram.
async fn timed(
    State(gw): State<Arc<Gateway>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let started = std::time::Instant::now();
    let route = req.uri().path().to_string();
    let resp = next.run(req).await;
    gw.metrics.observe_request(&route, started.elapsed());
    resp
}

async fn readyz(State(gw): State<Arc<Gateway>>) -> Response {
    if gw.config.settings.upstreams.is_empty() {
        return (StatusCode::SERVICE_UNAVAILABLE, "no upstream configured").into_response();
    }
    "ready".into_response()
}

async fn metrics(State(gw): State<Arc<Gateway>>) -> Response {
    let circuits: Vec<(String, bool)> = gw
        .config
        .settings
        .upstreams
        .iter()
        .map(|u| (u.name.clone(), gw.breakers.is_open(&u.name)))
        .collect();
    let mut out = gw.metrics.render(&circuits);
    if let Some(a) = &gw.auditor {
        out.push_str(&format!(
            "# HELP rampart_audit_failures_total Audit entries the ledger refused (each logged).\n# TYPE rampart_audit_failures_total counter\nrampart_audit_failures_total {}\n",
            a.failures()
        ));
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        out,
    )
        .into_response()
}

async fn models(State(gw): State<Arc<Gateway>>, headers: HeaderMap) -> Response {
    let rid = request_id();
    let Ok(key) = gw.authenticate(&headers) else {
        gw.metrics.unauthorized.fetch_add(1, Ordering::Relaxed);
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
    Json(json!({"object": "list", "data": ids.iter().map(|id| json!({"id": id, "object": "model", "owned_by": "rampart"})).collect::<Vec<_>>()}))
        .into_response()
}

/// Common admission: auth, rate limit, JSON body, model scope.
struct Admitted {
    rid: String,
    key: Option<KeyRecord>,
    body: Value,
    model: String,
    /// Extraction signals past their thresholds (flagged, not refused).
    signals: Vec<String>,
}

#[allow(clippy::result_large_err)]
/// A request refused before it is forwarded: the error response, a log line, and
/// for authenticated callers a ledger entry. Requests without a valid key are logged
/// and counted but not written to the ledger, so that anyone able to reach the port
/// cannot grow it.
struct Refusal<'a> {
    gw: &'a Arc<Gateway>,
    rid: &'a str,
    route: &'static str,
    addr: SocketAddr,
    raw: &'a Bytes,
}

impl Refusal<'_> {
    fn refuse(
        &self,
        key: Option<&KeyRecord>,
        model: &str,
        status: StatusCode,
        code: &str,
        message: &str,
        rules: Vec<String>,
    ) -> Response {
        tracing::warn!(
            target: "rampart::gateway",
            request_id = %self.rid,
            client = %self.addr.ip(),
            principal = key.map_or("-", |k| k.id.as_str()),
            route = self.route,
            status = status.as_u16(),
            code,
            "refused"
        );
        if key.is_some() || self.gw.config.settings.allow_anonymous {
            let (principal, tenant) = principal(&key.cloned());
            self.gw.audit(Audit::blocked(
                self.rid.to_string(),
                principal,
                tenant,
                self.route,
                model.to_string(),
                rules,
                self.raw.to_vec(),
            ));
        }
        error(status, code, message, self.rid)
    }
}

/// Seconds a refused client should wait (`Retry-After`, RFC 9110 §10.2.3): a request
/// limit's bucket refills one request in `60 / per_minute` seconds, and a request
/// refused by a rate limit found less than one left. A token quota (cost 0) is
/// refused once spent, and how far below zero it went depends on the answers that
/// spent it: the hint is the one-minute window.
fn retry_after(per_minute: u32, cost: u32) -> u32 {
    if cost == 0 {
        60
    } else {
        60u32.div_ceil(per_minute.max(1)).max(1)
    }
}

async fn admit(
    gw: &Arc<Gateway>,
    headers: &HeaderMap,
    addr: SocketAddr,
    raw: &Bytes,
    route: &'static str,
) -> Result<Admitted, Response> {
    gw.metrics.requests.fetch_add(1, Ordering::Relaxed);
    let rid = request_id();
    // the client behind trusted proxies: for per-address limits, logs and the ledger
    let addr = SocketAddr::new(
        crate::forwarded::client_ip(addr.ip(), headers, &gw.config.trusted_proxies),
        addr.port(),
    );
    let refusal = Refusal {
        gw,
        rid: &rid,
        route,
        addr,
        raw,
    };
    let Ok(key) = gw.authenticate(headers) else {
        gw.metrics.unauthorized.fetch_add(1, Ordering::Relaxed);
        return Err(refusal.refuse(
            None,
            "",
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "a valid API key is required",
            Vec::new(),
        ));
    };
    let default_rpm = gw.config.settings.default_rpm.unwrap_or(600);
    let (bucket, rpm) = match &key {
        Some(k) => (
            format!("key:{}", k.id),
            if k.rpm > 0 { k.rpm } else { default_rpm },
        ),
        None => (format!("ip:{}", addr.ip()), default_rpm),
    };
    if let Some(k) = &key {
        if !k.allows_route(route) {
            return Err(refusal.refuse(
                key.as_ref(),
                "",
                StatusCode::FORBIDDEN,
                "route_not_allowed",
                &format!("this key may not call {route}"),
                vec![ROUTE_SCOPE_RULE.into()],
            ));
        }
    }
    // Each limit as (bucket, per minute, cost, error code, rule): the key's (or the
    // anonymous address's) request rate, the address's rate, the key's token quota
    // (cost 0: refused only once used up; usage is debited after each response).
    let mut limits: Vec<(String, u32, u32, &str, &str)> =
        vec![(bucket, rpm, 1, "rate_limit_exceeded", RATE_LIMITED_RULE)];
    if let (Some(rpm), Some(_)) = (gw.config.settings.per_address_rpm, &key) {
        limits.push((
            format!("ip:{}", addr.ip()),
            rpm,
            1,
            "rate_limit_exceeded",
            RATE_LIMITED_RULE,
        ));
    }
    if let Some(k) = key.as_ref().filter(|k| k.tpm > 0) {
        gw.token_quotas
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(k.id.clone(), k.tpm);
        limits.push((
            format!("tok:key:{}", k.id),
            k.tpm,
            0,
            "token_quota_exceeded",
            TOKEN_QUOTA_RULE,
        ));
    }
    for (bucket, per_minute, cost, code, rule) in limits {
        match gw.limiter.take(&bucket, per_minute, cost, false).await {
            Ok(true) => {}
            Ok(false) => {
                gw.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
                let mut refused = refusal.refuse(
                    key.as_ref(),
                    "",
                    StatusCode::TOO_MANY_REQUESTS,
                    code,
                    &code.replace('_', " "),
                    vec![rule.into()],
                );
                refused.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    HeaderValue::from(retry_after(per_minute, cost)),
                );
                return Err(refused);
            }
            Err(e) => {
                gw.metrics.limiter_errors.fetch_add(1, Ordering::Relaxed);
                tracing::error!(target: "rampart::gateway", request_id = %rid, error = %e, "rate limit check failed; refusing");
                return Err(refusal.refuse(
                    key.as_ref(),
                    "",
                    StatusCode::SERVICE_UNAVAILABLE,
                    "rate_limiter_unavailable",
                    "rate limits cannot be checked; try again later",
                    vec![LIMITER_ERROR_RULE.into()],
                ));
            }
        }
    }
    let body: Value = serde_json::from_slice(raw).map_err(|e| {
        refusal.refuse(
            key.as_ref(),
            "",
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            &format!("body is not JSON: {e}"),
            Vec::new(),
        )
    })?;
    let model = body["model"].as_str().unwrap_or_default().to_string();
    if let Some(k) = &key {
        if !k.allows_model(&model) {
            return Err(refusal.refuse(
                key.as_ref(),
                &model,
                StatusCode::FORBIDDEN,
                "model_not_allowed",
                &format!("this key may not use model {model:?}"),
                vec![SCOPE_RULE.into()],
            ));
        }
    }
    let who = key
        .as_ref()
        .map_or_else(|| format!("ip:{}", addr.ip()), |k| format!("key:{}", k.id));
    let (signals, throttle) = gw.extraction.as_ref().map_or((Vec::new(), false), |x| {
        let s = x.observe(&who, &body);
        (
            s.rules.iter().map(|r| (*r).to_string()).collect(),
            s.throttle,
        )
    });
    if throttle {
        gw.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        let message = format!(
            "request pattern suggests model extraction ({}); slow down",
            signals.join(", ")
        );
        return Err(refusal.refuse(
            key.as_ref(),
            &model,
            StatusCode::TOO_MANY_REQUESTS,
            "extraction_suspected",
            &message,
            signals,
        ));
    }
    Ok(Admitted {
        rid,
        key,
        body,
        model,
        signals,
    })
}

fn principal(key: &Option<KeyRecord>) -> (String, String) {
    key.as_ref().map_or(("anonymous".into(), "-".into()), |k| {
        (k.id.clone(), k.tenant.clone())
    })
}

/// Records a request the guard blocked on the way in, and answers it.
fn block_request(gw: &Arc<Gateway>, audit: Audit) -> Response {
    gw.metrics.blocked.fetch_add(1, Ordering::Relaxed);
    let message = format!("request blocked by policy ({})", audit.rules.join(", "));
    let rid = audit.request_id.clone();
    gw.audit(audit);
    error(
        StatusCode::BAD_REQUEST,
        "content_policy_violation",
        &message,
        &rid,
    )
}

/// Records a request that no upstream answered (with the guard's decision on it and
/// GW007), and answers it with 502.
fn no_upstream(gw: &Arc<Gateway>, mut audit: Audit, decision: Decision, why: &str) -> Response {
    audit.decision = decision;
    audit.rules.push(NO_UPSTREAM_RULE.into());
    let rid = audit.request_id.clone();
    gw.audit(audit);
    error(
        StatusCode::BAD_GATEWAY,
        "upstream_error",
        &format!("no upstream answered: {why}"),
        &rid,
    )
}

/// The starting verdict of an admitted request: flagged with its extraction
/// signals, if any.
fn flagged(signals: Vec<String>) -> Verdict {
    let mut v = Verdict::allow();
    if !signals.is_empty() {
        v.action = Action::Flag;
        v.rules = signals;
    }
    v
}

/// Merges verdicts: the strongest action, all rules.
fn merge(into: &mut Verdict, v: Verdict) {
    into.action = into.action.max(v.action);
    for r in v.rules {
        if !into.rules.contains(&r) {
            into.rules.push(r);
        }
    }
}

/// Sends the request to the model's upstreams in order, moving to the next on
/// connection errors and 5xx answers.
async fn forward(
    gw: &Gateway,
    path: &str,
    body: &Value,
    upstreams: &[Upstream],
) -> Result<(reqwest::Response, String), String> {
    let timeout = Duration::from_secs(gw.config.settings.upstream_timeout_secs.unwrap_or(60));
    let mut last = String::from("no upstream serves this model");
    for u in upstreams {
        if !gw.breakers.allow(&u.name) {
            last = format!("{}: circuit open after repeated failures", u.name);
            continue;
        }
        let mut req = gw
            .client
            .post(format!("{}{path}", u.url.trim_end_matches('/')))
            .json(body)
            .timeout(timeout);
        if let Some(env) = &u.api_key_env {
            if let Ok(secret) = std::env::var(env) {
                req = req.bearer_auth(secret);
            }
        }
        let started = std::time::Instant::now();
        let result = req.send().await;
        gw.metrics.observe_upstream(&u.name, started.elapsed());
        match result {
            Ok(resp) if resp.status().is_server_error() => {
                last = format!("{} answered {}", u.name, resp.status());
            }
            Ok(resp) => {
                gw.breakers.success(&u.name);
                return Ok((resp, u.name.clone()));
            }
            Err(e) => last = format!("{}: {e}", u.name),
        }
        tracing::warn!(target: "rampart::gateway", upstream = %u.name, error = %last, "upstream attempt failed");
        if gw.breakers.failure(&u.name) {
            tracing::warn!(target: "rampart::gateway", upstream = %u.name, "circuit opened: the upstream is skipped until its cooldown ends");
        }
        gw.metrics.upstream_failed(&u.name);
    }
    gw.metrics.upstream_errors.fetch_add(1, Ordering::Relaxed);
    Err(last)
}

async fn chat_completions(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let Admitted {
        rid,
        key,
        mut body,
        model,
        signals,
    } = match admit(&gw, &headers, addr, &raw, "/v1/chat/completions").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (principal, tenant) = principal(&key);
    let upstreams = gw.upstreams_for(&model);
    let external = upstreams.first().is_some_and(|u| u.external);

    // The guard on the way in, and egress redaction for external upstreams.
    let mut verdict = flagged(signals);
    let mut vault = Vault::default();
    if let Some(messages) = body["messages"].as_array_mut() {
        for m in messages.iter_mut() {
            let role = m["role"].as_str().unwrap_or("user").to_string();
            let Some(text) = m["content"].as_str().map(str::to_string) else {
                continue;
            };
            if role == "system" {
                if let Some(canary) = &gw.canary {
                    m["content"] = Value::String(format!("{text}\n<!-- {canary} -->"));
                }
                continue;
            }
            if role == "user" || role == "tool" {
                let v = gw.inbound(&role, &text, &mut vault);
                if let (Action::Redact, Some(r)) = (v.action, &v.replacement) {
                    m["content"] = Value::String(r.clone());
                }
                merge(&mut verdict, v);
            }
            if external {
                let current = m["content"].as_str().unwrap_or_default().to_string();
                let redacted = gw.egress(&current, &mut vault);
                if redacted != current {
                    m["content"] = Value::String(redacted);
                }
            }
        }
    }
    let prompt = serde_json::to_vec(&body["messages"]).unwrap_or_default();
    if verdict.action == Action::Block {
        return block_request(
            &gw,
            Audit::blocked(
                rid,
                principal,
                tenant,
                "/v1/chat/completions",
                model,
                verdict.rules,
                prompt,
            ),
        );
    }
    let streaming = body["stream"].as_bool() == Some(true);
    let (resp, upstream) = match forward(&gw, "/chat/completions", &body, &upstreams).await {
        Ok(r) => r,
        Err(e) => {
            let audit = Audit::blocked(
                rid,
                principal,
                tenant,
                "/v1/chat/completions",
                model,
                verdict.rules,
                prompt,
            );
            return no_upstream(&gw, audit, verdict.action.decision(), &e);
        }
    };
    let status = resp.status();
    if streaming && status.is_success() {
        return stream_response(
            gw,
            resp,
            rid,
            verdict,
            vault,
            key,
            Audit {
                request_id: String::new(),
                principal,
                tenant,
                route: "/v1/chat/completions",
                model,
                upstream,
                decision: Decision::Allow,
                rules: Vec::new(),
                prompt,
                response: Vec::new(),
                tokens: (0, 0),
            },
        );
    }
    let bytes = resp.bytes().await.unwrap_or_default();
    let mut answer: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(_) => {
            return error(
                StatusCode::BAD_GATEWAY,
                "upstream_error",
                "upstream answered with invalid JSON",
                &rid,
            )
        }
    };
    if status.is_success() {
        if let Some(choices) = answer["choices"].as_array_mut() {
            for c in choices {
                let Some(text) = c["message"]["content"].as_str().map(str::to_string) else {
                    continue;
                };
                // Output is judged as the upstream wrote it (placeholders are not
                // secrets); the caller's own redacted data is then restored.
                let v = gw.outbound(&text);
                let out = match (v.action, &v.replacement) {
                    (Action::Redact, Some(r)) => r.clone(),
                    _ => text,
                };
                c["message"]["content"] = Value::String(vault.restore(&out));
                merge(&mut verdict, v);
            }
        }
    }
    // Action control: strip tool calls the key may not make.
    if let Some(choices) = answer["choices"].as_array_mut() {
        for c in choices {
            let Some(calls) = c["message"]["tool_calls"].as_array().cloned() else {
                continue;
            };
            let mut kept = Vec::new();
            let mut refused = Vec::new();
            for call in calls {
                let name = call["function"]["name"].as_str().unwrap_or_default();
                let args = call["function"]["arguments"].as_str().unwrap_or("{}");
                match gw.tools.judge(key.as_ref(), name, args) {
                    Ok(()) => kept.push(call),
                    Err(r) => {
                        merge(
                            &mut verdict,
                            Verdict {
                                action: Action::Redact,
                                rules: vec![r.rule.to_string()],
                                replacement: None,
                            },
                        );
                        refused.push(r.message);
                    }
                }
            }
            if !refused.is_empty() {
                if kept.is_empty() {
                    if let Some(m) = c["message"].as_object_mut() {
                        m.remove("tool_calls");
                    }
                    c["message"]["content"] = Value::String(format!(
                        "[rampart: tool call refused: {}]",
                        refused.join("; ")
                    ));
                    c["finish_reason"] = Value::String("stop".into());
                } else {
                    c["message"]["tool_calls"] = Value::Array(kept);
                }
            }
        }
    }
    let tokens = (
        answer["usage"]["prompt_tokens"].as_u64().unwrap_or(0),
        answer["usage"]["completion_tokens"].as_u64().unwrap_or(0),
    );
    let response_bytes = serde_json::to_vec(&answer).unwrap_or_default();
    let decision = verdict.action.decision();
    match verdict.action {
        Action::Block => gw.metrics.blocked.fetch_add(1, Ordering::Relaxed),
        Action::Redact => gw.metrics.redacted.fetch_add(1, Ordering::Relaxed),
        _ => 0,
    };
    gw.audit(Audit {
        request_id: rid.clone(),
        principal,
        tenant,
        route: "/v1/chat/completions",
        model,
        upstream,
        decision,
        rules: verdict.rules.clone(),
        prompt,
        response: response_bytes.clone(),
        tokens,
    });
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
    if let Ok(v) = HeaderValue::from_str(&rid) {
        r.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    r
}

/// Re-emits an upstream SSE stream through the guard: assistant text is released
/// only once it is `holdback` characters behind the newest text, so a secret or a
/// policy hit is caught before its bytes reach the client; a block ends the stream
/// with an OpenAI-style error event.
#[allow(clippy::too_many_arguments)]
fn stream_response(
    gw: Arc<Gateway>,
    resp: reqwest::Response,
    rid: String,
    inbound: Verdict,
    vault: Vault,
    key: Option<KeyRecord>,
    mut audit: Audit,
) -> Response {
    let holdback = gw.config.settings.stream_holdback.unwrap_or(256);
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(32);
    let rid2 = rid.clone();
    tokio::spawn(async move {
        let mut upstream = resp.bytes_stream();
        let mut pending = String::new();
        let mut text = String::new();
        let mut released = 0usize; // chars of `text` already sent
        let mut verdict = inbound;
        let mut model = audit.model.clone();
        let send_text = |s: &str, model: &str| {
            let event = json!({"id": rid2, "object": "chat.completion.chunk", "model": model,
                "choices": [{"index": 0, "delta": {"content": s}, "finish_reason": null}]});
            Bytes::from(format!("data: {event}\n\n"))
        };
        let mut blocked = false;
        // Tool calls are assembled from their deltas and judged whole before release.
        let mut calls: Vec<(String, String, String)> = Vec::new();
        'outer: while let Some(chunk) = upstream.next().await {
            let Ok(chunk) = chunk else { break };
            pending.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = pending.find("\n\n") {
                let event: String = pending.drain(..end + 2).collect();
                let data = event
                    .trim()
                    .strip_prefix("data:")
                    .map(str::trim)
                    .unwrap_or_default();
                if data == "[DONE]" || data.is_empty() {
                    continue;
                }
                let Ok(v) = serde_json::from_str::<Value>(data) else {
                    continue;
                };
                if let Some(m) = v["model"].as_str() {
                    model = m.to_string();
                }
                if let Some(delta) = v["choices"][0]["delta"]["content"].as_str() {
                    text.push_str(delta);
                }
                if let Some(deltas) = v["choices"][0]["delta"]["tool_calls"].as_array() {
                    for d in deltas {
                        let i = usize::try_from(d["index"].as_u64().unwrap_or(0))
                            .unwrap_or(0)
                            .min(64);
                        while calls.len() <= i {
                            calls.push((String::new(), String::new(), String::new()));
                        }
                        if let Some(slot) = calls.get_mut(i) {
                            if let Some(id) = d["id"].as_str() {
                                slot.0 = id.to_string();
                            }
                            if let Some(n) = d["function"]["name"].as_str() {
                                slot.1.push_str(n);
                            }
                            if let Some(a) = d["function"]["arguments"].as_str() {
                                slot.2.push_str(a);
                            }
                        }
                    }
                }
                let v = gw.outbound(&text);
                match v.action {
                    Action::Block => {
                        merge(&mut verdict, v);
                        blocked = true;
                        break 'outer;
                    }
                    Action::Redact => {
                        if let Some(r) = &v.replacement {
                            // Redaction only rewrites text not yet released.
                            let head: String = text.chars().take(released).collect();
                            if r.starts_with(&head) {
                                text = r.clone();
                            }
                        }
                        merge(&mut verdict, v);
                    }
                    _ => merge(&mut verdict, v),
                }
                let total = text.chars().count();
                if total > released + holdback {
                    let mut upto = total - holdback;
                    // Never release half a placeholder: it could not be restored.
                    let candidate: String = text.chars().take(upto).collect();
                    if let Some(open) = candidate.rfind("[REDACTED:") {
                        if !candidate[open..].contains(']') {
                            upto = candidate[..open].chars().count();
                        }
                    }
                    if upto > released {
                        let piece: String =
                            text.chars().skip(released).take(upto - released).collect();
                        released = upto;
                        if tx
                            .send(Ok(send_text(&vault.restore(&piece), &model)))
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                }
            }
        }
        if !blocked {
            let mut kept = Vec::new();
            for (i, (id, name, args)) in calls.iter().enumerate() {
                match gw.tools.judge(key.as_ref(), name, args) {
                    Ok(()) => kept.push(json!({"index": i, "id": id, "type": "function", "function": {"name": name, "arguments": args}})),
                    Err(r) => {
                        merge(&mut verdict, Verdict { action: Action::Block, rules: vec![r.rule.to_string()], replacement: None });
                        blocked = true;
                    }
                }
            }
            if !blocked && !kept.is_empty() {
                let event = json!({"id": rid2, "object": "chat.completion.chunk", "model": model,
                    "choices": [{"index": 0, "delta": {"tool_calls": kept}, "finish_reason": null}]});
                let _ = tx.send(Ok(Bytes::from(format!("data: {event}\n\n")))).await;
            }
        }
        if blocked {
            gw.metrics.blocked.fetch_add(1, Ordering::Relaxed);
            let event = json!({"error": {"message": format!("response blocked by policy ({})", verdict.rules.join(", ")), "type": "content_policy_violation", "code": "content_policy_violation"}});
            let _ = tx
                .send(Ok(Bytes::from(format!(
                    "data: {event}\n\ndata: [DONE]\n\n"
                ))))
                .await;
        } else {
            let rest: String = text.chars().skip(released).collect();
            if !rest.is_empty() {
                let _ = tx.send(Ok(send_text(&vault.restore(&rest), &model))).await;
            }
            let end = json!({"id": rid2, "object": "chat.completion.chunk", "model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
            let _ = tx
                .send(Ok(Bytes::from(format!("data: {end}\n\ndata: [DONE]\n\n"))))
                .await;
        }
        if verdict.action == Action::Redact {
            gw.metrics.redacted.fetch_add(1, Ordering::Relaxed);
        }
        audit.request_id = rid2;
        audit.decision = verdict.action.decision();
        audit.rules = verdict.rules;
        audit.response = text.into_bytes();
        gw.audit(audit);
    });
    let stream = tokio_stream_from(rx);
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&rid) {
        r.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    r
}

fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

async fn passthrough(
    gw: Arc<Gateway>,
    addr: SocketAddr,
    headers: HeaderMap,
    raw: Bytes,
    route: &'static str,
    path: &str,
    text_field: &str,
) -> Response {
    let Admitted {
        rid,
        key,
        mut body,
        model,
        signals,
    } = match admit(&gw, &headers, addr, &raw, route).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (principal, tenant) = principal(&key);
    let upstreams = gw.upstreams_for(&model);
    let mut verdict = flagged(signals);
    let mut vault = Vault::default();
    if let Some(text) = body[text_field].as_str().map(str::to_string) {
        let v = gw.inbound("user", &text, &mut vault);
        let mut t = match (v.action, &v.replacement) {
            (Action::Redact, Some(r)) => r.clone(),
            _ => text,
        };
        merge(&mut verdict, v);
        if upstreams.first().is_some_and(|u| u.external) {
            t = gw.egress(&t, &mut vault);
        }
        body[text_field] = Value::String(t);
    }
    let prompt = serde_json::to_vec(&body[text_field]).unwrap_or_default();
    if verdict.action == Action::Block {
        return block_request(
            &gw,
            Audit::blocked(rid, principal, tenant, route, model, verdict.rules, prompt),
        );
    }
    let (resp, upstream) = match forward(&gw, path, &body, &upstreams).await {
        Ok(r) => r,
        Err(e) => {
            let audit = Audit::blocked(rid, principal, tenant, route, model, verdict.rules, prompt);
            return no_upstream(&gw, audit, verdict.action.decision(), &e);
        }
    };
    let status = resp.status();
    let bytes = resp.bytes().await.unwrap_or_default();
    gw.audit(Audit {
        request_id: rid.clone(),
        principal,
        tenant,
        route,
        model,
        upstream,
        decision: verdict.action.decision(),
        rules: verdict.rules,
        prompt,
        response: bytes.to_vec(),
        tokens: (0, 0),
    });
    let mut r = (
        StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY),
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&rid) {
        r.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    r
}

async fn completions(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    passthrough(
        gw,
        addr,
        headers,
        raw,
        "/v1/completions",
        "/completions",
        "prompt",
    )
    .await
}

async fn embeddings(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    passthrough(
        gw,
        addr,
        headers,
        raw,
        "/v1/embeddings",
        "/embeddings",
        "input",
    )
    .await
}

/// Serves the gateway on `listener` until `shutdown` resolves; in-flight requests are
/// drained before it returns.
pub async fn serve(
    gw: Arc<Gateway>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tls = gw.tls.clone();
    crate::tls::serve(router(gw), listener, tls, shutdown).await
}
