//! `[[alerts]]`: rules over the monitoring metrics (OM-1, OM-2), evaluated off the
//! request path by one task every `evaluate_every_secs`.
//!
//! A rule fires once when its condition starts to hold and sends one resolve message
//! when it stops (deduplication: no repeat while it keeps firing). The firing state
//! is saved in the monitor's SQLite file at each transition and read at start, so a
//! restart does not send again an alert that is still firing. `rampart gateway`
//! probes the webhook sinks once at start ([`probe_at_start`]) and refuses to start
//! when one cannot be reached, unless told to start anyway; then each such sink is
//! logged, naming the rule, and counted. Each transition
//! goes to the rule's sinks: a webhook (rampart's JSON, or Slack's `{"text": …}`),
//! the log, the ledger (an audited event: route `alert`, rule `ALERT:<name>:<state>`)
//! and always the time-series file's `alerts` table (what `rampart incident export`
//! reads). Webhooks are sent by their own tasks (at most [`MAX_DELIVERIES`] at once;
//! more are dropped and counted), each tried [`ATTEMPTS`] times with a doubling
//! backoff; every failed attempt is counted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rampart_core::system::{AlertRule, AlertSink};
use serde_json::{json, Value};

use crate::monitor::Totals;
use crate::server::Gateway;

/// Webhook deliveries in flight at once.
pub const MAX_DELIVERIES: usize = 16;
/// Attempts per webhook delivery.
pub const ATTEMPTS: u32 = 4;
/// The first retry's delay (doubled after each failure).
pub const BACKOFF: Duration = Duration::from_millis(250);
/// Longest window a rule may use.
pub const MAX_WINDOW: Duration = Duration::from_secs(7 * 86_400);

/// The metrics a rule may name: `(name, takes a label, meaning)`.
pub const METRICS: &[(&str, bool, &str)] = &[
    (
        "requests",
        false,
        "requests with a ledger entry in the window",
    ),
    ("requests_per_second", false, "requests / window seconds"),
    ("blocks", false, "requests blocked (in or out)"),
    ("redactions", false, "requests redacted"),
    (
        "block_rate",
        false,
        "blocks / requests (0 without requests)",
    ),
    ("redaction_rate", false, "redactions / requests"),
    ("upstream_errors", false, "failed upstream attempts"),
    ("tokens", false, "tokens in and out"),
    (
        "rule_blocks",
        true,
        "blocked requests a rule (label) fired on",
    ),
    (
        "rule_redactions",
        true,
        "redacted requests a rule (label) fired on",
    ),
    ("key_requests", true, "requests of a key (label: key id)"),
    ("key_tokens", true, "tokens of a key (label: key id)"),
    ("model_requests", true, "requests for a model (label)"),
    ("route_requests", true, "requests on a route (label)"),
    (
        "latency_gateway_p50_ms",
        false,
        "gateway-added latency, median",
    ),
    (
        "latency_gateway_p99_ms",
        false,
        "gateway-added latency, 99th percentile",
    ),
    ("latency_upstream_p50_ms", false, "upstream latency, median"),
    (
        "latency_upstream_p99_ms",
        false,
        "upstream latency, 99th percentile",
    ),
];

/// A rule, checked and resolved.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The settings as written.
    pub spec: AlertRule,
    /// The window.
    pub window: Duration,
    /// The severity (lowercase).
    pub severity: String,
}

/// Checks and resolves the `[[alerts]]` rules; an error names the rule and what is
/// wrong with it (`alerts[NAME].field`).
pub fn rules(specs: &[AlertRule]) -> Result<Vec<Rule>, (String, String)> {
    rules_with_env(specs, &|var| std::env::var(var).ok())
}

/// [`rules`] with the environment variables (a webhook's `url_env`) read through
/// `env`.
pub fn rules_with_env(
    specs: &[AlertRule],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Rule>, (String, String)> {
    let mut out: Vec<Rule> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let name = if spec.name.trim().is_empty() {
            format!("#{i}")
        } else {
            spec.name.clone()
        };
        let at = |field: &str| format!("alerts[{name}].{field}");
        if spec.name.trim().is_empty() {
            return Err((at("name"), "a rule needs a name".into()));
        }
        if out.iter().any(|r| r.spec.name == spec.name) {
            return Err((at("name"), "two rules have this name".into()));
        }
        let known = METRICS.iter().find(|m| m.0 == spec.metric);
        let drift = crate::drift::is_metric(&spec.metric);
        match (known, drift) {
            (None, false) => {
                return Err((
                    at("metric"),
                    format!(
                        "unknown metric {:?}; known: {}, {}",
                        spec.metric,
                        METRICS.iter().map(|m| m.0).collect::<Vec<_>>().join(", "),
                        crate::drift::METRICS.join(", ")
                    ),
                ))
            }
            (Some((_, true, _)), _) if spec.label.is_none() => {
                return Err((at("label"), format!("{} needs a label", spec.metric)))
            }
            (Some((_, false, _)), _) if spec.label.is_some() => {
                return Err((at("label"), format!("{} takes no label", spec.metric)))
            }
            _ => {}
        }
        if spec.above.is_none() == spec.below.is_none() {
            return Err((at("above"), "set exactly one of above and below".into()));
        }
        if spec.above.or(spec.below).is_some_and(|v| !v.is_finite()) {
            return Err((at("above"), "the threshold must be a finite number".into()));
        }
        let window = crate::config::parse_retention(&spec.window).map_err(|e| (at("window"), e))?;
        if window.as_secs() == 0 || window.as_secs() % 60 != 0 || window > MAX_WINDOW {
            return Err((
                at("window"),
                format!(
                    "{:?} must be whole minutes between PT1M and P7D",
                    spec.window
                ),
            ));
        }
        let severity = spec
            .severity
            .clone()
            .unwrap_or_else(|| "medium".into())
            .to_ascii_lowercase();
        if !["info", "low", "medium", "high", "critical"].contains(&severity.as_str()) {
            return Err((
                at("severity"),
                format!("{severity:?} is not info, low, medium, high or critical"),
            ));
        }
        for (j, sink) in spec.sinks.iter().enumerate() {
            check_sink(sink, env).map_err(|e| (at(&format!("sinks[{j}]")), e))?;
        }
        out.push(Rule {
            spec: spec.clone(),
            window,
            severity,
        });
    }
    Ok(out)
}

fn check_sink(s: &AlertSink, env: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
    match s.kind.as_str() {
        "webhook" => {
            let url = match (&s.url, &s.url_env) {
                (Some(u), None) => u.clone(),
                (None, Some(var)) => match env(var) {
                    Some(v) if !v.trim().is_empty() => v,
                    _ => return Err(format!("environment variable {var} is not set or empty")),
                },
                _ => return Err("a webhook needs exactly one of url and url_env".into()),
            };
            let parsed = url::Url::parse(&url).map_err(|_| {
                "the webhook URL is not a URL".to_string() // never echoed: it may be a secret
            })?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return Err("the webhook URL must be http(s)://host/…".into());
            }
            match s.format.as_deref() {
                None | Some("json" | "slack") => Ok(()),
                Some(f) => Err(format!("format {f:?} is not json or slack")),
            }
        }
        "log" | "ledger" => {
            if s.url.is_some() || s.url_env.is_some() || s.format.is_some() {
                Err(format!("a {} sink takes no url, url_env or format", s.kind))
            } else {
                Ok(())
            }
        }
        k => Err(format!("kind {k:?} is not webhook, log or ledger")),
    }
}

/// The value of `metric` (with `label`) over a window's totals; drift metrics come
/// from `drift`.
pub fn value(
    metric: &str,
    label: Option<&str>,
    t: &Totals,
    window: Duration,
    drift: &crate::drift::Scores,
) -> f64 {
    let l = label.unwrap_or("");
    let requests = t.get("requests", "") as f64;
    let rate = |n: u64| {
        if requests > 0.0 {
            n as f64 / requests
        } else {
            0.0
        }
    };
    let sum = |m: &str| t.labels(m).iter().map(|x| x.1).sum::<u64>();
    match metric {
        "requests" => requests,
        "requests_per_second" => requests / window.as_secs().max(1) as f64,
        "blocks" => t.get("requests.decision", "block") as f64,
        "redactions" => t.get("requests.decision", "redact") as f64,
        "block_rate" => rate(t.get("requests.decision", "block")),
        "redaction_rate" => rate(t.get("requests.decision", "redact")),
        "upstream_errors" => sum("upstream_errors.upstream") as f64,
        "tokens" => sum("tokens.key") as f64,
        "rule_blocks" => t.get("blocks.rule", l) as f64,
        "rule_redactions" => t.get("redactions.rule", l) as f64,
        "key_requests" => t.get("requests.key", l) as f64,
        "key_tokens" => t.get("tokens.key", l) as f64,
        "model_requests" => t.get("requests.model", l) as f64,
        "route_requests" => t.get("requests.route", l) as f64,
        "latency_gateway_p50_ms" => t.quantile_ms("latency.gateway", 0.5).unwrap_or(0.0),
        "latency_gateway_p99_ms" => t.quantile_ms("latency.gateway", 0.99).unwrap_or(0.0),
        "latency_upstream_p50_ms" => t.quantile_ms("latency.upstream", 0.5).unwrap_or(0.0),
        "latency_upstream_p99_ms" => t.quantile_ms("latency.upstream", 0.99).unwrap_or(0.0),
        m => drift.get(m, label),
    }
}

/// Counters of the alert machinery.
#[derive(Debug, Default)]
pub struct AlertStats {
    /// Transitions (fired or resolved) sent to sinks.
    pub sent: AtomicU64,
    /// Failed webhook attempts (each retry counts).
    pub sink_failures: AtomicU64,
    /// Webhook deliveries given up (all attempts failed, or too many in flight).
    pub sink_dropped: AtomicU64,
    /// Webhook sinks that could not be reached when the gateway started.
    pub unreachable_at_start: AtomicU64,
}

/// How long the start-up probe of a webhook sink waits for a connection.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// A transition of a rule, as sinks receive it.
pub fn message(rule: &Rule, state: &str, value: f64, detail: &Value) -> Value {
    let (cmp, threshold) = match (rule.spec.above, rule.spec.below) {
        (Some(a), _) => ("above", a),
        (_, Some(b)) => ("below", b),
        _ => ("above", 0.0),
    };
    json!({
        "source": "rampart",
        "alert": rule.spec.name,
        "state": state,
        "severity": rule.severity,
        "metric": rule.spec.metric,
        "label": rule.spec.label,
        "value": value,
        cmp: threshold,
        "window": rule.spec.window,
        "time": rampart_ledger::Timestamp::now().to_string(),
        "detail": detail,
    })
}

fn slack(m: &Value) -> Value {
    let state = m["state"].as_str().unwrap_or("");
    let icon = if state == "resolved" {
        ":white_check_mark:"
    } else {
        ":rotating_light:"
    };
    let threshold = m
        .get("above")
        .map(|v| format!("above {v}"))
        .or_else(|| m.get("below").map(|v| format!("below {v}")))
        .unwrap_or_default();
    let label = m["label"]
        .as_str()
        .map(|l| format!("{{{l}}}"))
        .unwrap_or_default();
    json!({"text": format!(
        "{icon} [{}] rampart alert *{}* {state}: {}{label} = {} ({threshold}) over {}",
        m["severity"].as_str().unwrap_or(""),
        m["alert"].as_str().unwrap_or(""),
        m["metric"].as_str().unwrap_or(""),
        m["value"],
        m["window"].as_str().unwrap_or(""),
    )})
}

/// Sends a transition to a rule's sinks (never waits for a webhook).
fn dispatch(
    gw: &Arc<Gateway>,
    rule: &Rule,
    msg: &Value,
    slots: &Arc<tokio::sync::Semaphore>,
    stats: &Arc<AlertStats>,
) {
    stats.sent.fetch_add(1, Ordering::Relaxed);
    let sinks: Vec<AlertSink> = if rule.spec.sinks.is_empty() {
        vec![AlertSink {
            kind: "log".into(),
            ..AlertSink::default()
        }]
    } else {
        rule.spec.sinks.clone()
    };
    for sink in sinks {
        match sink.kind.as_str() {
            "log" => {
                tracing::warn!(target: "rampart::alert", alert = %rule.spec.name, severity = %rule.severity, state = %msg["state"].as_str().unwrap_or(""), value = %msg["value"], "{}", slack(msg)["text"].as_str().unwrap_or(""));
            }
            "ledger" => ledger_event(gw, rule, msg),
            "webhook" => {
                let url = sink
                    .url
                    .clone()
                    .or_else(|| sink.url_env.as_ref().and_then(|v| std::env::var(v).ok()));
                let Some(url) = url else {
                    stats.sink_dropped.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                let body = if sink.format.as_deref() == Some("slack") {
                    slack(msg)
                } else {
                    msg.clone()
                };
                let Ok(permit) = Arc::clone(slots).try_acquire_owned() else {
                    stats.sink_dropped.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(target: "rampart::alert", alert = %rule.spec.name, "too many webhook deliveries in flight: this one is dropped");
                    continue;
                };
                let client = gw.client.clone();
                let stats = Arc::clone(stats);
                let name = rule.spec.name.clone();
                tokio::spawn(async move {
                    let _permit = permit;
                    deliver(&client, &url, &body, &stats, &name).await;
                });
            }
            _ => {}
        }
    }
}

async fn deliver(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
    stats: &AlertStats,
    name: &str,
) {
    let mut delay = BACKOFF;
    for attempt in 1..=ATTEMPTS {
        let sent = client
            .post(url)
            .timeout(Duration::from_secs(5))
            .json(body)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => return,
            Ok(r) => {
                stats.sink_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(target: "rampart::alert", alert = name, attempt, status = r.status().as_u16(), "webhook refused the alert");
            }
            Err(e) => {
                stats.sink_failures.fetch_add(1, Ordering::Relaxed);
                // the error without the URL (it may hold a secret)
                tracing::warn!(target: "rampart::alert", alert = name, attempt, error = %e.without_url(), "webhook unreachable");
            }
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
    }
    stats.sink_dropped.fetch_add(1, Ordering::Relaxed);
    tracing::error!(target: "rampart::alert", alert = name, "webhook delivery given up");
}

fn ledger_event(gw: &Arc<Gateway>, rule: &Rule, msg: &Value) {
    let Some(auditor) = &gw.auditor else {
        return;
    };
    let bytes = serde_json::to_vec(msg).unwrap_or_default();
    let entry = rampart_ledger::AuditEntry {
        time: rampart_ledger::Timestamp::now(),
        request_id: crate::server::request_id().replacen("req-", "alert-", 1),
        principal: "rampart".into(),
        tenant: "-".into(),
        route: "alert".into(),
        model: String::new(),
        upstream: "-".into(),
        decision: rampart_ledger::Decision::Flag,
        rules: vec![format!(
            "ALERT:{}:{}",
            rule.spec.name.chars().take(128).collect::<String>(),
            msg["state"].as_str().unwrap_or("")
        )],
        tokens_in: 0,
        tokens_out: 0,
        prompt_sha256: Some(rampart_ledger::entry::sha256(&bytes)),
        response_sha256: None,
    };
    auditor.submit(entry, None);
}

/// Whether `rule` holds for `value`.
pub fn holds(rule: &Rule, value: f64) -> bool {
    match (rule.spec.above, rule.spec.below) {
        (Some(a), _) => value > a,
        (_, Some(b)) => value < b,
        _ => false,
    }
}

/// Starts the background work of the monitor: the rules' evaluator (when there are
/// rules) and the OTLP exporter (when set), in one task.
pub(crate) fn start(gw: &Arc<Gateway>) -> Option<tokio::task::JoinHandle<()>> {
    let monitor = gw.monitor.as_ref()?;
    let alerts = !monitor.config().alerts.is_empty();
    let otlp = monitor.otlp().is_some();
    if !alerts && !otlp {
        return None;
    }
    let gw = Arc::clone(gw);
    Some(tokio::spawn(async move {
        let export = crate::otlp::run(Arc::clone(&gw));
        if alerts {
            tokio::join!(evaluate(gw), export);
        } else {
            export.await;
        }
    }))
}

/// Evaluates the rules every `evaluate_every` until the gateway stops.
async fn evaluate(gw: Arc<Gateway>) {
    let Some(every) = gw.monitor.as_ref().map(|m| m.config().evaluate_every) else {
        return;
    };
    {
        let slots = Arc::new(tokio::sync::Semaphore::new(MAX_DELIVERIES));
        let Some(m) = gw.monitor.as_ref() else {
            return;
        };
        let rules = m.config().alerts.clone();
        let stats = Arc::clone(&m.alert_stats);
        // what was firing when the gateway stopped is still firing: no repeat
        let g = Arc::clone(&gw);
        let saved = tokio::task::spawn_blocking(move || g.monitor.as_ref().map(|m| m.alert_states()))
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| {
                Err("the monitor is gone".into())
            })
            .unwrap_or_else(|e| {
                tracing::error!(target: "rampart::alert", error = %e, "reading the alerts' firing state failed: every rule starts resolved");
                std::collections::HashMap::new()
            });
        let mut firing: Vec<bool> = rules
            .iter()
            .map(|r| saved.get(&r.spec.name).copied().unwrap_or(false))
            .collect();
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let g = Arc::clone(&gw);
            let windows: Vec<Duration> = rules.iter().map(|r| r.window).collect();
            let evaluated = tokio::task::spawn_blocking(move || {
                let m = g.monitor.as_ref()?;
                m.flush(Duration::from_secs(2));
                let mut out = Vec::new();
                for w in windows {
                    out.push(m.query(w).ok()?);
                }
                Some((out, m.drift_scores()))
            })
            .await;
            let Ok(Some((totals, drift))) = evaluated else {
                tracing::error!(target: "rampart::alert", "the time series cannot be read: alerts not evaluated");
                continue;
            };
            let mut changes = Vec::new();
            for (i, (rule, t)) in rules.iter().zip(&totals).enumerate() {
                let v = value(
                    &rule.spec.metric,
                    rule.spec.label.as_deref(),
                    t,
                    rule.window,
                    &drift,
                );
                let now = holds(rule, v);
                if firing.get(i) == Some(&now) {
                    continue;
                }
                if let Some(f) = firing.get_mut(i) {
                    *f = now;
                }
                let examples = if now {
                    drift
                        .top(&rule.spec.metric)
                        .map(|g| g.examples.clone())
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                changes.push((i, now, v, drift.detail(&rule.spec.metric), examples));
            }
            if changes.is_empty() {
                continue;
            }
            // example ledger entries are found, and the transitions recorded, off the
            // async threads
            let g = Arc::clone(&gw);
            let names: Vec<(String, bool)> = changes
                .iter()
                .filter_map(|c| rules.get(c.0).map(|r| (r.spec.name.clone(), c.1)))
                .collect();
            let wanted: Vec<Vec<u128>> = changes.iter().map(|c| c.4.clone()).collect();
            let found = tokio::task::spawn_blocking(move || {
                let m = g.monitor.as_ref()?;
                for (name, now) in &names {
                    if let Err(e) = m.set_alert_state(name, *now) {
                        tracing::error!(target: "rampart::alert", error = %e, "saving an alert's firing state failed");
                    }
                }
                Some(wanted.iter().map(|w| example_entries(&g, w)).collect::<Vec<_>>())
            })
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
            let mut records = Vec::new();
            for (n, (i, now, v, mut detail, _)) in changes.into_iter().enumerate() {
                let Some(rule) = rules.get(i) else {
                    continue;
                };
                if let (Some(d), Some(examples)) = (detail.as_object_mut(), found.get(n)) {
                    if !examples.is_empty() {
                        d.insert("examples".into(), json!(examples));
                    }
                }
                let state = if now { "firing" } else { "resolved" };
                let msg = message(rule, state, v, &detail);
                dispatch(&gw, rule, &msg, &slots, &stats);
                records.push(msg);
            }
            let g = Arc::clone(&gw);
            let _ = tokio::task::spawn_blocking(move || {
                if let Some(m) = g.monitor.as_ref() {
                    for r in &records {
                        if let Err(e) = m.record_alert(r) {
                            tracing::error!(target: "rampart::alert", error = %e, "recording an alert failed");
                        }
                    }
                }
            })
            .await;
        }
    }
}

/// Ledger entries scanned for a drift alert's examples.
pub const EXAMPLE_SCAN: u64 = 5000;

/// The ledger entries of the requests numbered `wanted` among the last
/// [`EXAMPLE_SCAN`]: `{index, request_id}` each (ids only, never text), newest
/// first (blocking).
fn example_entries(gw: &Gateway, wanted: &[u128]) -> Vec<Value> {
    let Some(l) = &gw.ledger else {
        return Vec::new();
    };
    if wanted.is_empty() {
        return Vec::new();
    }
    let Ok(size) = l.tree_head().map(|h| h.size) else {
        return Vec::new();
    };
    let Ok(entries) = l.entries(size.saturating_sub(EXAMPLE_SCAN)..size) else {
        return Vec::new();
    };
    entries
        .iter()
        .rev()
        .filter(|s| wanted.contains(&crate::drift::request_number(&s.entry.request_id)))
        .take(crate::drift::EXAMPLES)
        .map(|s| json!({"index": s.index, "request_id": s.entry.request_id}))
        .collect()
}

/// Probes the gateway's webhook sinks once at start ([`probe_sinks`]), counts those
/// that cannot be reached (`alerts.unreachable_at_start`) and returns them; the
/// caller decides whether that refuses the start.
pub async fn probe_at_start(gw: &Gateway) -> Vec<Unreachable> {
    let Some(m) = gw.monitor.as_ref() else {
        return Vec::new();
    };
    let down = probe_sinks(
        &m.config().alerts,
        &|v| std::env::var(v).ok(),
        PROBE_TIMEOUT,
    )
    .await;
    m.alert_stats
        .unreachable_at_start
        .fetch_add(down.len() as u64, Ordering::Relaxed);
    down
}

/// A webhook sink that cannot be reached: the rule, the sink's place in it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable {
    /// `alerts[NAME].sinks[i]`.
    pub at: String,
    /// Why (no URL or secret in it).
    pub why: String,
}

/// Opens a TCP connection to each webhook sink's host and port (at most `timeout`
/// each, all at once) and names those that cannot be reached. A webhook's URL is
/// never in the answer (it may hold a secret).
pub async fn probe_sinks(
    rules: &[Rule],
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    timeout: Duration,
) -> Vec<Unreachable> {
    let mut probes = Vec::new();
    for r in rules {
        for (j, s) in r.spec.sinks.iter().enumerate() {
            if s.kind != "webhook" {
                continue;
            }
            let at = format!("alerts[{}].sinks[{j}]", r.spec.name);
            let url = s.url.clone().or_else(|| s.url_env.as_deref().and_then(env));
            let target = url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .and_then(|u| Some((u.host_str()?.to_string(), u.port_or_known_default()?)));
            probes.push(async move {
                let Some((host, port)) = target else {
                    return Some(Unreachable {
                        at,
                        why: "the webhook URL has no host and port".into(),
                    });
                };
                let host = host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_string();
                match tokio::time::timeout(
                    timeout,
                    tokio::net::TcpStream::connect((host.as_str(), port)),
                )
                .await
                {
                    Ok(Ok(_)) => None,
                    Ok(Err(e)) => Some(Unreachable {
                        at,
                        why: format!("cannot connect to {host}:{port}: {}", e.kind()),
                    }),
                    Err(_) => Some(Unreachable {
                        at,
                        why: format!(
                            "no connection to {host}:{port} within {} ms",
                            timeout.as_millis()
                        ),
                    }),
                }
            });
        }
    }
    futures_util::future::join_all(probes)
        .await
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rule(extra: &str) -> Result<Vec<Rule>, (String, String)> {
        let toml = format!("schema_version = 1\n[system]\nname = \"t\"\n[[alerts]]\n{extra}");
        let sys = rampart_core::system::SystemDescription::parse(&toml).unwrap();
        rules(&sys.alerts)
    }

    #[test]
    fn rules_are_checked_naming_the_rule_and_field() {
        let ok = "name = \"b\"\nmetric = \"blocks\"\nabove = 3\nwindow = \"PT5M\"\nsinks = [{kind = \"webhook\", url = \"https://hooks.example.com/x\", format = \"slack\"}, {kind = \"log\"}, {kind = \"ledger\"}]\n";
        assert_eq!(rule(ok).unwrap().len(), 1);
        for (bad, field) in [
            (ok.replace("blocks", "blockz"), "alerts[b].metric"),
            (ok.replace("PT5M", "5 minutes"), "alerts[b].window"),
            (ok.replace("PT5M", "PT30S"), "alerts[b].window"),
            (
                ok.replace("https://hooks.example.com/x", "ftp://x"),
                "alerts[b].sinks[0]",
            ),
            (ok.replace("\"slack\"", "\"teams\""), "alerts[b].sinks[0]"),
            (
                ok.replace("kind = \"log\"", "kind = \"pager\""),
                "alerts[b].sinks[1]",
            ),
            (ok.replace("above = 3", ""), "alerts[b].above"),
            (
                ok.replace("metric = \"blocks\"", "metric = \"rule_blocks\""),
                "alerts[b].label",
            ),
        ] {
            let e = rule(&bad).unwrap_err();
            assert_eq!(e.0, field, "{bad}: {e:?}");
        }
        assert_eq!(
            rule(&format!("{ok}[[alerts]]\n{ok}")).unwrap_err().0,
            "alerts[b].name"
        );
    }

    #[tokio::test]
    async fn unreachable_webhooks_are_named_and_reachable_ones_are_not() {
        let up = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let up_port = up.local_addr().unwrap().port();
        let down_port = {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            l.local_addr().unwrap().port()
        };
        let sys = rampart_core::system::SystemDescription::parse(&format!(
            "schema_version = 1\n[system]\nname = \"t\"\n[[alerts]]\nname = \"b\"\nmetric = \"blocks\"\nabove = 3\nwindow = \"PT5M\"\n\
             sinks = [{{kind = \"log\"}}, {{kind = \"webhook\", url = \"http://127.0.0.1:{up_port}/h\"}}, \
             {{kind = \"webhook\", url = \"http://127.0.0.1:{down_port}/secret-token\"}}, \
             {{kind = \"webhook\", url_env = \"HOOK\"}}]\n"
        ))
        .unwrap();
        let env = move |v: &str| (v == "HOOK").then(|| format!("http://localhost:{down_port}/x"));
        let rules = rules_with_env(&sys.alerts, &env).unwrap();
        let bad = probe_sinks(&rules, &env, Duration::from_secs(2)).await;
        let at: Vec<&str> = bad.iter().map(|u| u.at.as_str()).collect();
        assert_eq!(at, ["alerts[b].sinks[2]", "alerts[b].sinks[3]"], "{bad:?}");
        assert!(
            bad.iter().all(|u| !u.why.contains("secret-token")),
            "{bad:?}"
        );
        drop(up);
    }

    #[test]
    fn slack_text_names_the_alert_and_the_value() {
        let r = rule("name = \"burst\"\nmetric = \"blocks\"\nabove = 3\nwindow = \"PT1M\"\nseverity = \"critical\"\n").unwrap();
        let m = message(&r[0], "firing", 5.0, &Value::Null);
        let text = slack(&m)["text"].as_str().unwrap().to_string();
        assert!(
            text.contains("*burst* firing")
                && text.contains("blocks = 5.0")
                && text.contains("above 3"),
            "{text}"
        );
        assert!(holds(&r[0], 4.0) && !holds(&r[0], 3.0));
    }
}
