//! The admin listener (`[gateway.monitor] admin_listen`): the dashboard, the JSON it
//! reads and `/metrics`. None of it is routed on the API listener.
//!
//! Authentication: every data route needs a key with the admin scope (the `/metrics`
//! route granted, as for `/metrics`) in `Authorization: Bearer`. The dashboard page
//! itself is a static shell with no data in it; a browser opening it passes the key
//! in the URL *fragment* (`/admin#key=…`), which browsers never send to a server (so
//! it is in no access log); the page's script moves it into `sessionStorage`, removes
//! it from the address bar and sends it as a header with each JSON request.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::server::{error, is_admin, request_id, Gateway};

/// The dashboard page: HTML, CSS and script in one file, embedded in the binary (no
/// CDN, works offline).
pub const DASHBOARD: &str = include_str!("admin/dashboard.html");

/// Ledger entries read for the dashboard's examples of blocks and redactions.
const EXAMPLE_SCAN: u64 = 1000;
/// Examples shown.
const EXAMPLES: usize = 10;

/// The router of the admin listener.
pub fn router(gw: Arc<Gateway>) -> Router {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/", get(dashboard))
        .route("/admin/api/summary", get(summary))
        .route("/metrics", get(crate::server::metrics))
        .with_state(gw)
}

/// Serves the admin router on `listener` until `shutdown` resolves (with the API
/// listener's TLS, when set).
pub async fn serve(
    gw: Arc<Gateway>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tls = gw.tls.clone();
    crate::tls::serve(router(gw), listener, tls, 64, shutdown).await
}

async fn dashboard() -> Response {
    (
        [
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
            ),
            (axum::http::header::X_FRAME_OPTIONS, "DENY"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        Html(DASHBOARD),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct RangeQuery {
    range: Option<String>,
}

fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "invalid_api_key",
        "the admin API needs a key with the admin scope (created with --route /metrics)",
        &request_id(),
    )
}

async fn summary(
    State(gw): State<Arc<Gateway>>,
    headers: HeaderMap,
    Query(q): Query<RangeQuery>,
) -> Response {
    if !is_admin(&gw, &headers) {
        return unauthorized();
    }
    let range = match crate::monitor::parse_range(q.range.as_deref().unwrap_or("1h")) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, "invalid_range", &e, &request_id()),
    };
    let g = Arc::clone(&gw);
    let built = tokio::task::spawn_blocking(move || build_summary(&g, range)).await;
    match built {
        Ok(Ok(v)) => ([(axum::http::header::CACHE_CONTROL, "no-store")], Json(v)).into_response(),
        Ok(Err(e)) => {
            tracing::error!(target: "rampart::gateway", error = %e, "admin summary failed");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "monitor_error",
                "the time series cannot be read",
                &request_id(),
            )
        }
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "monitor_error",
            "the summary failed",
            &request_id(),
        ),
    }
}

fn object(pairs: Vec<(String, u64)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k, json!(v));
    }
    Value::Object(m)
}

fn percentiles(t: &crate::monitor::Totals, metric: &str) -> Value {
    json!({
        "p50_ms": t.quantile_ms(metric, 0.5),
        "p95_ms": t.quantile_ms(metric, 0.95),
        "p99_ms": t.quantile_ms(metric, 0.99),
        "count": t.labels(metric).iter().map(|x| x.1).sum::<u64>(),
    })
}

/// The summary the dashboard shows (blocking: reads the time-series file and the
/// ledger).
pub fn build_summary(gw: &Gateway, range: Duration) -> Result<Value, String> {
    let Some(monitor) = &gw.monitor else {
        return Err("monitoring is off ([gateway.monitor] is not set)".into());
    };
    // what the request path offered so far is committed first
    monitor.flush(Duration::from_secs(2));
    let t = monitor.query(range)?;
    let last_minute = monitor.query(Duration::from_secs(60))?;
    let requests = t.get("requests", "");
    let secs = range.as_secs().max(1) as f64;
    let quotas: Vec<(String, u32)> = gw
        .token_quotas
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    let mut quota: Vec<Value> = quotas
        .into_iter()
        .filter(|(_, tpm)| *tpm > 0)
        .map(|(k, tpm)| {
            let used = last_minute.get("tokens.key", &k);
            json!({"key": k, "tokens_per_minute": tpm, "used_last_minute": used,
                   "headroom": u64::from(tpm).saturating_sub(used)})
        })
        .collect();
    quota.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    let upstreams: Vec<Value> = gw
        .config
        .settings
        .upstreams
        .iter()
        .map(|u| {
            json!({"name": u.name, "circuit_open": gw.breakers.is_open(&u.name),
                   "errors": t.get("upstream_errors.upstream", &u.name)})
        })
        .collect();
    let routes: Vec<Value> = crate::metrics::ROUTES
        .iter()
        .filter_map(|r| {
            let metric = format!("latency.total.{r}");
            t.quantile_ms(&metric, 0.5)
                .map(|_| json!({"route": r, "latency": percentiles(&t, &metric)}))
        })
        .collect();
    Ok(json!({
        "range_secs": range.as_secs(),
        "requests": requests,
        "requests_per_second": requests as f64 / secs,
        "by_decision": object(t.labels("requests.decision")),
        "by_route": object(t.labels("requests.route")),
        "by_model": object(t.labels("requests.model")),
        "by_key": object(t.labels("requests.key")),
        "blocks_by_rule": object(t.labels("blocks.rule")),
        "redactions_by_rule": object(t.labels("redactions.rule")),
        "tokens_by_key": object(t.labels("tokens.key")),
        "quota": quota,
        "latency": {
            "gateway": percentiles(&t, "latency.gateway"),
            "upstream": percentiles(&t, "latency.upstream"),
            "routes": routes,
        },
        "upstreams": upstreams,
        "timeline": t.timeline.iter().map(|(m, n, b)| json!({"minute": m, "requests": n, "blocked": b})).collect::<Vec<_>>(),
        "ledger": ledger(gw),
        "monitor": {"dropped_samples": monitor.dropped(), "write_errors": monitor.write_errors()},
        "otlp": monitor.otlp().map(|x| json!({
            "endpoint_interval_secs": x.config().interval.as_secs(),
            "sent_spans": x.sent_spans.load(std::sync::atomic::Ordering::Relaxed),
            "dropped_spans": x.dropped_spans.load(std::sync::atomic::Ordering::Relaxed),
            "sent_metrics": x.sent_metrics.load(std::sync::atomic::Ordering::Relaxed),
            "failures": x.failures.load(std::sync::atomic::Ordering::Relaxed),
        })),
        "drift": monitor.drift_scores().by_group.iter().map(|g| json!({
            "metric": g.metric, "route": g.route, "model": g.model, "psi": g.psi,
            "statistic": if g.metric == "drift.topic" { "jensen-shannon" } else { "psi" },
        })).collect::<Vec<_>>(),
        "extraction": extraction(gw),
        "alerts": {
            "recent": monitor.alerts_between(
                rampart_ledger::Timestamp::now().unix_millis() - i64::try_from(range.as_millis()).unwrap_or(i64::MAX),
                i64::MAX, 50).unwrap_or_default(),
            "sent": monitor.alert_stats.sent.load(std::sync::atomic::Ordering::Relaxed),
            "sink_failures": monitor.alert_stats.sink_failures.load(std::sync::atomic::Ordering::Relaxed),
            "sink_dropped": monitor.alert_stats.sink_dropped.load(std::sync::atomic::Ordering::Relaxed),
            "unreachable_at_start": monitor.alert_stats.unreachable_at_start.load(std::sync::atomic::Ordering::Relaxed),
        },
    }))
}

/// Keys shown in the extraction panel.
const EXTRACTION_KEYS: usize = 50;

/// The model-extraction signals per key (`[gateway.extraction]`), with the
/// thresholds they are compared with; `null` when extraction signals are off.
fn extraction(gw: &Gateway) -> Value {
    let Some(x) = &gw.extraction else {
        return Value::Null;
    };
    let t = x.thresholds();
    json!({
        "window_secs": t.window.as_secs(),
        "thresholds": {"requests": t.requests, "distinct_prompts": t.distinct_prompts,
                        "near_duplicates": t.near_duplicates, "logprob_requests": t.logprob_requests},
        "throttle": t.throttle,
        "keys": x.snapshot(EXTRACTION_KEYS),
    })
}

/// The ledger's size and its latest stored checkpoint (`rampart audit checkpoint`
/// writes `<db>.checkpoints/latest.note`; read here without checking its signature:
/// the operator's own file, shown, not trusted).
fn ledger(gw: &Gateway) -> Value {
    let Some(l) = &gw.ledger else {
        return Value::Null;
    };
    let size = l.tree_head().map(|h| h.size).ok();
    // examples: the latest blocked or redacted requests among the last entries, with
    // their ledger index and request id (no text: the ledger holds hashes, and
    // stored bodies are sealed)
    let examples: Vec<Value> = size
        .and_then(|n| l.entries(n.saturating_sub(EXAMPLE_SCAN)..n).ok())
        .map(|entries| {
            entries
                .iter()
                .rev()
                .filter(|s| {
                    matches!(
                        s.entry.decision,
                        rampart_ledger::Decision::Block | rampart_ledger::Decision::Redact
                    )
                })
                .take(EXAMPLES)
                .map(|s| {
                    json!({"index": s.index, "request_id": s.entry.request_id,
                           "time": s.entry.time.to_string(), "principal": s.entry.principal,
                           "decision": crate::record::decision_label(s.entry.decision),
                           "rules": s.entry.rules})
                })
                .collect()
        })
        .unwrap_or_default();
    let checkpoint = gw.monitor.as_ref().and_then(|m| {
        let path = m.config().checkpoint_note.as_ref()?;
        let note = rampart_core::bounded::read_to_string(path, 64 * 1024).ok()?;
        let body = note
            .split_once("\n\n")
            .map_or_else(|| note.clone(), |(b, _)| format!("{b}\n"));
        let cp = rampart_ledger::checkpoint::Checkpoint::from_text(&body).ok()?;
        Some(json!({"origin": cp.origin, "size": cp.size, "root": hex::encode(cp.root)}))
    });
    json!({"size": size, "latest_checkpoint": checkpoint, "examples": examples})
}
