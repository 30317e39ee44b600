//! OpenTelemetry export (OM-1): the gateway's metrics and a span per request sent
//! to an OTLP/HTTP collector in the JSON encoding, when `[gateway.monitor.otlp]`
//! names an endpoint.
//!
//! Written here rather than with the `opentelemetry` crates: the gateway exports a
//! fixed set of series (those of `/metrics`) and one kind of span, and the JSON
//! encoding of OTLP (the protobuf JSON mapping: lowerCamelCase fields, 64-bit
//! integers as decimal strings, trace and span ids as hex, enums as numbers) is a
//! page of `serde_json`; the SDK and its exporters would add a large dependency
//! tree for that page.
//!
//! - Metrics: every `interval_secs`, the `/metrics` exposition is read back and
//!   sent to `<endpoint>/v1/metrics`: counters as cumulative monotonic sums,
//!   histograms as cumulative histograms (bucket counts per bucket, bounds as in
//!   `/metrics`), gauges as gauges; the names are `/metrics`'s, so one dashboard
//!   serves both.
//! - Traces (unless `traces = false`): one server span per API request, named after
//!   the route, with `http.route`, `http.response.status_code`, `gen_ai.request.model`,
//!   `rampart.decision`, `rampart.request_id` and `rampart.upstream_duration_ms`
//!   (the time spent waiting for upstreams); the trace id is the request id's
//!   number, so a trace finds its ledger entry. A streamed answer's span ends at the
//!   response head, before the stream is judged: it carries no decision.
//!
//! The request path only appends a span record to one of [`SHARDS`] bounded queues
//! (at most [`MAX_QUEUED`] spans wait; more are dropped and counted); one task sends
//! them in batches of at most [`BATCH`] with the metrics, each POST given
//! [`TIMEOUT`], failures counted and never retried (the next interval sends the
//! cumulative metrics again).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

/// Span queues (a thread keeps to one).
pub const SHARDS: usize = 4;
/// Spans waiting to be sent; more are dropped and counted.
pub const MAX_QUEUED: usize = 65_536;
/// Spans in one POST.
pub const BATCH: usize = 4096;
/// How long one POST may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Series read back from the exposition (it is the gateway's own, and bounded; this
/// is a second bound).
const MAX_SERIES: usize = 20_000;

/// `[gateway.monitor.otlp]`, resolved.
#[derive(Debug, Clone)]
pub struct OtlpConfig {
    /// The collector's base URL (`…/v1/metrics` and `…/v1/traces` are added).
    pub endpoint: String,
    /// Time between exports.
    pub interval: Duration,
    /// `service.name` of the resource.
    pub service_name: String,
    /// Whether spans are sent.
    pub traces: bool,
    /// The variable `headers_env` names, if any (read by [`OtlpConfig::resolve_headers`]).
    pub headers_env: Option<String>,
    /// Headers sent with every export (marked sensitive: never printed).
    pub headers: reqwest::header::HeaderMap,
}

/// Headers `headers_env` may hold, and their bytes together.
const MAX_HEADERS: usize = 32;
const MAX_HEADER_BYTES: usize = 8192;

/// Reads OpenTelemetry's header form (`OTEL_EXPORTER_OTLP_HEADERS`): `key=value`
/// pairs separated by commas, whitespace around them ignored, values
/// percent-decoded. Errors name the pair by position, never its value.
pub fn parse_headers(text: &str) -> Result<reqwest::header::HeaderMap, String> {
    use reqwest::header::{HeaderName, HeaderValue};
    if text.len() > MAX_HEADER_BYTES {
        return Err(format!("longer than {MAX_HEADER_BYTES} bytes"));
    }
    let mut map = reqwest::header::HeaderMap::new();
    for (i, pair) in text.split(',').map(str::trim).enumerate() {
        if pair.is_empty() {
            continue;
        }
        if map.len() >= MAX_HEADERS {
            return Err(format!("more than {MAX_HEADERS} headers"));
        }
        let n = i + 1;
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("pair {n} is not key=value"))?;
        let name = HeaderName::from_bytes(k.trim().as_bytes())
            .map_err(|_| format!("pair {n}: {:?} is not a header name", k.trim()))?;
        if matches!(
            name.as_str(),
            "content-type" | "content-length" | "host" | "transfer-encoding" | "connection"
        ) {
            return Err(format!("pair {n}: {name} is set by the exporter"));
        }
        let decoded = percent_encoding::percent_decode_str(v.trim()).collect::<Vec<u8>>();
        let mut value = HeaderValue::from_bytes(&decoded)
            .map_err(|_| format!("pair {n} ({name}): the value is not a valid header value"))?;
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}

impl OtlpConfig {
    /// Resolves the settings; an error names the setting.
    pub fn from_settings(
        s: &rampart_core::system::OtlpSettings,
    ) -> Result<OtlpConfig, (&'static str, String)> {
        let url = url::Url::parse(&s.endpoint).map_err(|_| {
            (
                "gateway.monitor.otlp.endpoint",
                format!(
                    "{:?} is not a URL such as http://127.0.0.1:4318",
                    s.endpoint
                ),
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err((
                "gateway.monitor.otlp.endpoint",
                "the endpoint must be http(s)://host:port (OTLP/HTTP)".into(),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
            return Err((
                "gateway.monitor.otlp.endpoint",
                "the endpoint takes no credentials or query".into(),
            ));
        }
        let interval = s.interval_secs.unwrap_or(10);
        if !(1..=3600).contains(&interval) {
            return Err((
                "gateway.monitor.otlp.interval_secs",
                format!("{interval} is outside 1..=3600"),
            ));
        }
        let service_name = s
            .service_name
            .clone()
            .unwrap_or_else(|| "rampart-gateway".into());
        if service_name.is_empty() || service_name.chars().count() > 128 {
            return Err((
                "gateway.monitor.otlp.service_name",
                "the service name must be 1 to 128 characters".into(),
            ));
        }
        if s.headers_env.as_deref().is_some_and(str::is_empty) {
            return Err((
                "gateway.monitor.otlp.headers_env",
                "name an environment variable".into(),
            ));
        }
        Ok(OtlpConfig {
            endpoint: s.endpoint.trim_end_matches('/').to_string(),
            interval: Duration::from_secs(interval),
            service_name,
            traces: s.traces.unwrap_or(true),
            headers_env: s.headers_env.clone(),
            headers: reqwest::header::HeaderMap::new(),
        })
    }

    /// Reads the headers from the variable `headers_env` names; an unset or
    /// malformed variable is an error naming it (never its value).
    pub fn resolve_headers(
        &mut self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), (&'static str, String)> {
        let Some(var) = self.headers_env.as_deref() else {
            return Ok(());
        };
        let text = env(var).ok_or_else(|| {
            (
                "gateway.monitor.otlp.headers_env",
                format!("the environment variable {var} is not set"),
            )
        })?;
        self.headers = parse_headers(&text)
            .map_err(|e| ("gateway.monitor.otlp.headers_env", format!("{var}: {e}")))?;
        Ok(())
    }
}

/// One request's span, as the request path records it.
#[derive(Debug, Clone)]
struct SpanRecord {
    trace_id: u128,
    span_id: u64,
    route: &'static str,
    model: Option<Box<str>>,
    decision: Option<&'static str>,
    request_id: Option<Box<str>>,
    status: u16,
    start_ns: u64,
    end_ns: u64,
    upstream: Option<Duration>,
}

/// The exporter's queues and counters (held by the monitor).
#[derive(Debug)]
pub struct Exporter {
    config: OtlpConfig,
    queues: [Mutex<Vec<SpanRecord>>; SHARDS],
    queued: AtomicUsize,
    next_span: AtomicU64,
    start_ns: u64,
    /// Spans dropped because the queue was full.
    pub dropped_spans: AtomicU64,
    /// Spans sent (accepted by the collector).
    pub sent_spans: AtomicU64,
    /// Metric exports accepted by the collector.
    pub sent_metrics: AtomicU64,
    /// POSTs that failed (unreachable collector, non-2xx answer).
    pub failures: AtomicU64,
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// What a request's handler noted for its span.
#[derive(Debug, Default)]
pub enum Noted {
    /// Nothing (refused before it was audited, or not an API request).
    #[default]
    Nothing,
    /// The model and decision, from the request's audit record.
    Outcome(Box<str>, &'static str),
    /// The answer is streamed: its span is queued when the stream ends, with the
    /// decision the whole answer got (see [`stream_span_start`]).
    Streamed,
}

struct Slot {
    started: std::time::Instant,
    noted: Noted,
}

tokio::task_local! {
    /// What the request this task serves noted for its span, and when it started.
    static OUTCOME: std::cell::RefCell<Slot>;
}

/// Notes the model and decision of the request this task serves (nothing outside
/// [`Exporter::scope`]).
pub(crate) fn note_outcome(model: &str, decision: &'static str) {
    let _ = OUTCOME.try_with(|o| {
        o.borrow_mut().noted = Noted::Outcome(crate::monitor::bounded(model).into(), decision);
    });
}

/// Called by a handler that answers with a stream: marks the request so the timing
/// middleware queues no span at the response head, and returns when the request
/// started and the upstream time so far (`None` outside [`Exporter::scope`]: no
/// span is wanted). The stream's task queues the span when it ends.
pub(crate) fn stream_span_start() -> Option<(std::time::Instant, Option<Duration>)> {
    OUTCOME
        .try_with(|o| {
            let mut o = o.borrow_mut();
            o.noted = Noted::Streamed;
            (o.started, crate::metrics::upstream_time_so_far())
        })
        .ok()
}

impl Exporter {
    /// An exporter with empty queues.
    pub fn new(config: OtlpConfig) -> Exporter {
        let seed = now_ns();
        Exporter {
            config,
            queues: std::array::from_fn(|_| Mutex::new(Vec::new())),
            queued: AtomicUsize::new(0),
            next_span: AtomicU64::new(seed | 1),
            start_ns: seed,
            dropped_spans: AtomicU64::new(0),
            sent_spans: AtomicU64::new(0),
            sent_metrics: AtomicU64::new(0),
            failures: AtomicU64::new(0),
        }
    }

    /// The settings.
    pub fn config(&self) -> &OtlpConfig {
        &self.config
    }

    /// Runs a request's handler with a slot for its outcome; returns the handler's
    /// output and what it noted.
    pub async fn scope<F: std::future::Future>(f: F) -> (F::Output, Noted) {
        let slot = Slot {
            started: std::time::Instant::now(),
            noted: Noted::Nothing,
        };
        OUTCOME
            .scope(std::cell::RefCell::new(slot), async move {
                let out = f.await;
                let o = OUTCOME
                    .try_with(|o| std::mem::take(&mut o.borrow_mut().noted))
                    .unwrap_or_default();
                (out, o)
            })
            .await
    }

    /// Runs a streamed answer's task with a slot for its outcome and queues its span
    /// when it ends: from the request's start to the stream's last byte, with the
    /// decision the whole answer got.
    pub async fn stream_scope<F: std::future::Future<Output = ()>>(
        &self,
        route: &'static str,
        request_id: &str,
        start: (std::time::Instant, Option<Duration>),
        f: F,
    ) {
        let ((), noted) = Self::scope(f).await;
        let outcome = match noted {
            Noted::Outcome(m, d) => Some((m, d)),
            Noted::Nothing | Noted::Streamed => None,
        };
        self.span(
            route,
            Some(request_id),
            outcome,
            200,
            start.0.elapsed(),
            start.1,
        );
    }

    /// Queues a finished request's span (never waits; drops and counts when full).
    #[allow(clippy::too_many_arguments)]
    pub fn span(
        &self,
        route: &'static str,
        request_id: Option<&str>,
        outcome: Option<(Box<str>, &'static str)>,
        status: u16,
        elapsed: Duration,
        upstream: Option<Duration>,
    ) {
        if !self.config.traces {
            return;
        }
        if self.queued.fetch_add(1, Ordering::Relaxed) >= MAX_QUEUED {
            self.queued.fetch_sub(1, Ordering::Relaxed);
            self.dropped_spans.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let end_ns = now_ns();
        let span_id = self
            .next_span
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            | 1;
        let number = request_id.map_or(0, crate::drift::request_number);
        let (model, decision) = match outcome {
            Some((m, d)) => (Some(m), Some(d)),
            None => (None, None),
        };
        let record = SpanRecord {
            trace_id: if number == 0 {
                u128::from(span_id) << 64 | u128::from(end_ns)
            } else {
                number
            },
            span_id,
            route,
            model,
            decision,
            request_id: request_id.map(|r| crate::monitor::bounded(r).into()),
            status,
            start_ns: end_ns.saturating_sub(u64::try_from(elapsed.as_nanos()).unwrap_or(0)),
            end_ns,
            upstream,
        };
        self.queues[crate::monitor::shard_index() % SHARDS]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(record);
    }

    fn take_spans(&self) -> Vec<SpanRecord> {
        let mut all = Vec::new();
        for q in &self.queues {
            let mut v =
                std::mem::take(&mut *q.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            self.queued.fetch_sub(v.len(), Ordering::Relaxed);
            all.append(&mut v);
        }
        all
    }

    fn resource(&self) -> Value {
        json!({"attributes": [
            attr("service.name", &self.config.service_name),
            attr("service.version", env!("CARGO_PKG_VERSION")),
        ]})
    }

    /// The OTLP JSON of spans (an `ExportTraceServiceRequest`).
    fn traces_json(&self, spans: &[SpanRecord]) -> Value {
        let spans: Vec<Value> = spans
            .iter()
            .map(|s| {
                let mut attributes = vec![
                    attr("http.route", s.route),
                    json!({"key": "http.response.status_code", "value": {"intValue": s.status.to_string()}}),
                ];
                if let Some(m) = &s.model {
                    attributes.push(attr("gen_ai.request.model", m));
                }
                if let Some(d) = s.decision {
                    attributes.push(attr("rampart.decision", d));
                }
                if let Some(r) = &s.request_id {
                    attributes.push(attr("rampart.request_id", r));
                }
                if let Some(u) = s.upstream {
                    attributes.push(json!({"key": "rampart.upstream_duration_ms",
                        "value": {"doubleValue": u.as_secs_f64() * 1000.0}}));
                }
                json!({
                    "traceId": format!("{:032x}", s.trace_id),
                    "spanId": format!("{:016x}", s.span_id),
                    "name": format!("POST {}", s.route),
                    "kind": 2,
                    "startTimeUnixNano": s.start_ns.to_string(),
                    "endTimeUnixNano": s.end_ns.to_string(),
                    "attributes": attributes,
                    // STATUS_CODE_ERROR for server errors, unset otherwise
                    "status": if s.status >= 500 { json!({"code": 2}) } else { json!({}) },
                })
            })
            .collect();
        json!({"resourceSpans": [{
            "resource": self.resource(),
            "scopeSpans": [{"scope": {"name": "rampart", "version": env!("CARGO_PKG_VERSION")}, "spans": spans}],
        }]})
    }

    /// The OTLP JSON of a `/metrics` exposition (an `ExportMetricsServiceRequest`).
    pub fn metrics_json(&self, exposition: &str) -> Value {
        let metrics = from_exposition(exposition, self.start_ns, now_ns());
        json!({"resourceMetrics": [{
            "resource": self.resource(),
            "scopeMetrics": [{"scope": {"name": "rampart", "version": env!("CARGO_PKG_VERSION")}, "metrics": metrics}],
        }]})
    }

    async fn post(&self, client: &reqwest::Client, path: &str, body: &Value) -> bool {
        let sent = client
            .post(format!("{}{path}", self.config.endpoint))
            .headers(self.config.headers.clone())
            .timeout(TIMEOUT)
            .json(body)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => true,
            Ok(r) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(target: "rampart::otlp", path, status = r.status().as_u16(), "the collector refused an export");
                false
            }
            Err(e) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(target: "rampart::otlp", path, error = %e.without_url(), "the collector is unreachable");
                false
            }
        }
    }

    /// One export: the metrics, then the queued spans in batches.
    pub async fn export(&self, client: &reqwest::Client, exposition: &str) {
        if self
            .post(client, "/v1/metrics", &self.metrics_json(exposition))
            .await
        {
            self.sent_metrics.fetch_add(1, Ordering::Relaxed);
        }
        let spans = self.take_spans();
        for batch in spans.chunks(BATCH) {
            if self
                .post(client, "/v1/traces", &self.traces_json(batch))
                .await
            {
                self.sent_spans
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
            }
        }
    }
}

fn attr(key: &str, value: &str) -> Value {
    json!({"key": key, "value": {"stringValue": value}})
}

/// A series' labels, in order.
type Labels = Vec<(String, String)>;

/// Splits `name{a="x",b="y"} value` into its name, labels and value.
fn parse_sample(line: &str) -> Option<(&str, Labels, f64)> {
    let (series, value) = line.rsplit_once(' ')?;
    let value: f64 = match value {
        "+Inf" => f64::INFINITY,
        v => v.parse().ok()?,
    };
    let (name, labels) = match series.split_once('{') {
        Some((n, rest)) => (n, rest.strip_suffix('}')?),
        None => (series, ""),
    };
    let mut out = Vec::new();
    let mut rest = labels;
    while !rest.is_empty() {
        let (k, after) = rest.split_once("=\"")?;
        // the value ends at the first quote not escaped
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let end = end?;
        let v = after[..end]
            .replace("\\\"", "\"")
            .replace("\\n", "\n")
            .replace("\\\\", "\\");
        out.push((k.trim_start_matches(',').to_string(), v));
        rest = after[end + 1..].trim_start_matches(',');
        if out.len() > 16 {
            return None;
        }
    }
    Some((name, out, value))
}

fn attributes(labels: &[(String, String)]) -> Vec<Value> {
    labels.iter().map(|(k, v)| attr(k, v)).collect()
}

/// Reads a Prometheus text exposition (the gateway's `/metrics`) into OTLP metrics:
/// counters as cumulative monotonic sums, gauges, histograms with per-bucket counts.
pub fn from_exposition(text: &str, start_ns: u64, time_ns: u64) -> Vec<Value> {
    let (start, time) = (start_ns.to_string(), time_ns.to_string());
    let mut kinds: Vec<(String, String)> = Vec::new(); // name, type
    let mut points: Map<String, Value> = Map::new();
    // histograms: (name, labels) -> (bounds and cumulative counts, sum, count)
    type Hist = (Vec<(f64, f64)>, f64, f64);
    let mut hists: Vec<(String, Labels, Hist)> = Vec::new();
    let mut series = 0usize;
    for line in text.lines().take(MAX_SERIES * 2) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            if let Some((n, t)) = rest.split_once(' ') {
                kinds.push((n.to_string(), t.to_string()));
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            if let Some((n, h)) = rest.split_once(' ') {
                points.insert(format!("help:{n}"), Value::String(h.to_string()));
            }
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        series += 1;
        if series > MAX_SERIES {
            break;
        }
        let Some((name, mut labels, value)) = parse_sample(line) else {
            continue;
        };
        let hist_base = ["_bucket", "_sum", "_count"].iter().find_map(|s| {
            let base = name.strip_suffix(s)?;
            kinds
                .iter()
                .any(|k| k.0 == base && k.1 == "histogram")
                .then_some((base, *s))
        });
        if let Some((base, part)) = hist_base {
            let le = labels
                .iter()
                .position(|l| l.0 == "le")
                .map(|i| labels.remove(i).1);
            let i = match hists.iter().position(|h| h.0 == base && h.1 == labels) {
                Some(i) => i,
                None => {
                    hists.push((base.to_string(), labels, (Vec::new(), 0.0, 0.0)));
                    hists.len() - 1
                }
            };
            let h = &mut hists[i].2;
            match (part, le) {
                ("_bucket", Some(le)) => {
                    let bound = if le == "+Inf" {
                        f64::INFINITY
                    } else {
                        le.parse().unwrap_or(f64::INFINITY)
                    };
                    h.0.push((bound, value));
                }
                ("_sum", _) => h.1 = value,
                ("_count", _) => h.2 = value,
                _ => {}
            }
            continue;
        }
        let kind = kinds
            .iter()
            .find(|k| k.0 == name)
            .map_or("gauge", |k| k.1.as_str());
        let point = if value.fract() == 0.0 && value.abs() < 9e15 {
            json!({"attributes": attributes(&labels), "startTimeUnixNano": start,
                   "timeUnixNano": time, "asInt": format!("{}", value as i64)})
        } else {
            json!({"attributes": attributes(&labels), "startTimeUnixNano": start,
                   "timeUnixNano": time, "asDouble": value})
        };
        let key = format!("{kind}:{name}");
        match points.get_mut(&key).and_then(Value::as_array_mut) {
            Some(a) => a.push(point),
            None => {
                points.insert(key, Value::Array(vec![point]));
            }
        }
    }
    let mut out = Vec::new();
    let help = |points: &Map<String, Value>, n: &str| {
        points
            .get(&format!("help:{n}"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    for (name, kind) in &kinds {
        let unit = if name.ends_with("_seconds") { "s" } else { "1" };
        if kind == "histogram" {
            let dps: Vec<Value> = hists
                .iter()
                .filter(|h| &h.0 == name)
                .map(|(_, labels, (buckets, sum, count))| {
                    let mut buckets = buckets.clone();
                    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
                    let bounds: Vec<f64> = buckets
                        .iter()
                        .map(|b| b.0)
                        .filter(|b| b.is_finite())
                        .collect();
                    let mut prev = 0.0;
                    let mut counts: Vec<String> = buckets
                        .iter()
                        .filter(|b| b.0.is_finite())
                        .map(|b| {
                            let n = (b.1 - prev).max(0.0);
                            prev = b.1;
                            format!("{}", n as u64)
                        })
                        .collect();
                    counts.push(format!("{}", (count - prev).max(0.0) as u64));
                    json!({"attributes": attributes(labels), "startTimeUnixNano": start,
                           "timeUnixNano": time, "count": format!("{}", *count as u64),
                           "sum": sum, "bucketCounts": counts, "explicitBounds": bounds})
                })
                .collect();
            out.push(
                json!({"name": name, "description": help(&points, name), "unit": unit,
                "histogram": {"aggregationTemporality": 2, "dataPoints": dps}}),
            );
            continue;
        }
        let dps = points
            .get(&format!("{kind}:{name}"))
            .cloned()
            .unwrap_or_else(|| Value::Array(Vec::new()));
        let data = if kind == "counter" {
            json!({"sum": {"aggregationTemporality": 2, "isMonotonic": true, "dataPoints": dps}})
        } else {
            json!({"gauge": {"dataPoints": dps}})
        };
        let mut m = json!({"name": name, "description": help(&points, name), "unit": unit});
        if let (Some(m), Some(d)) = (m.as_object_mut(), data.as_object()) {
            m.extend(d.clone());
        }
        out.push(m);
    }
    out
}

/// The `/metrics` exposition of a gateway.
pub(crate) fn exposition(gw: &crate::server::Gateway) -> String {
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
    out
}

/// Exports every interval until the gateway stops.
pub(crate) async fn run(gw: std::sync::Arc<crate::server::Gateway>) {
    let Some(exporter) = gw.monitor.as_ref().and_then(|m| m.otlp()) else {
        return;
    };
    let mut tick = tokio::time::interval(exporter.config.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let text = exposition(&gw);
        exporter.export(&gw.client, &text).await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn headers_are_read_in_opentelemetrys_form_and_never_shown() {
        let h =
            parse_headers(" Authorization=Basic%20dXNlcjpzM2NyM3Q= , x-scope-orgid=tenant%2C1,,")
                .unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h["authorization"], "Basic dXNlcjpzM2NyM3Q=");
        assert_eq!(h["x-scope-orgid"], "tenant,1");
        assert!(h["authorization"].is_sensitive());
        assert!(!format!("{h:?}").contains("dXNlcjpzM2NyM3Q"), "{h:?}");
        assert!(parse_headers("").unwrap().is_empty());
        for bad in [
            "authorization",
            "bad name=dXNlcjpzM2NyM3Q",
            "authorization=a%0D%0Ainjected: dXNlcjpzM2NyM3Q",
            "Host=dXNlcjpzM2NyM3Q",
        ] {
            let e = parse_headers(bad).unwrap_err();
            assert!(!e.contains("dXNlcjpzM2NyM3Q"), "{bad}: {e}");
        }
        let many = (0..40)
            .map(|i| format!("x-h{i}=v"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(parse_headers(&many).is_err());
        assert!(parse_headers(&format!("x=={}", "a".repeat(9000))).is_err());
    }

    #[test]
    fn the_exposition_becomes_otlp_sums_gauges_and_histograms() {
        let m = crate::metrics::Metrics::default();
        m.observe_request("/v1/models", Duration::from_micros(300));
        m.observe_request("/v1/models", Duration::from_millis(3));
        m.requests.fetch_add(2, Ordering::Relaxed);
        m.record_outcome("block", &["INJ001".to_string()], (3, 4));
        let text = m.render(&[("primary".into(), true)]);
        let out = from_exposition(&text, 1, 2);
        let get = |n: &str| out.iter().find(|x| x["name"] == n).unwrap().clone();
        let req = get("rampart_requests_total");
        assert_eq!(req["sum"]["isMonotonic"], true);
        assert_eq!(req["sum"]["aggregationTemporality"], 2);
        assert_eq!(req["sum"]["dataPoints"][0]["asInt"], "2");
        let hits = get("rampart_rule_hits_total");
        assert_eq!(
            hits["sum"]["dataPoints"][0]["attributes"][0]["value"]["stringValue"],
            "INJ001"
        );
        assert_eq!(
            get("rampart_upstream_circuit_open")["gauge"]["dataPoints"][0]["asInt"],
            "1"
        );
        let h = get("rampart_request_duration_seconds");
        assert_eq!(h["unit"], "s");
        let dp = h["histogram"]["dataPoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["attributes"][0]["value"]["stringValue"] == "/v1/models")
            .unwrap()
            .clone();
        assert_eq!(dp["count"], "2");
        let bounds = dp["explicitBounds"].as_array().unwrap();
        let counts = dp["bucketCounts"].as_array().unwrap();
        assert_eq!(bounds.len(), crate::metrics::BUCKETS.len());
        assert_eq!(counts.len(), bounds.len() + 1);
        // per-bucket, not cumulative: 0.3 ms in (0, 0.5 ms], 3 ms in (2.5, 5 ms]
        assert_eq!(counts[0], "1");
        assert_eq!(counts[3], "1");
        let total: u64 = counts
            .iter()
            .map(|c| c.as_str().unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(total, 2);
    }

    #[test]
    fn hostile_exposition_lines_are_skipped_not_panicked_on() {
        for line in [
            "x{a=\"unterminated 1",
            "x{a=\"b\"",
            "x{=\"\"} 1",
            "x{a=\"\\\"q\\\"\"} 2",
            "x NaNish",
            "{} 1",
            "é{é=\"é\"} 1",
            "",
            "# TYPE",
            "x_bucket{le=\"zz\"} 1",
        ] {
            let text = format!("# TYPE x counter\n# TYPE y histogram\n{line}\ny_bucket{{le=\"+Inf\"}} 1\ny_count 1\n");
            let _ = from_exposition(&text, 0, 0);
        }
        let (n, l, v) = parse_sample("x{a=\"\\\"q\\\"\",b=\"2\"} 2").unwrap();
        assert_eq!((n, v), ("x", 2.0));
        assert_eq!(
            l,
            vec![("a".into(), "\"q\"".into()), ("b".into(), "2".into())]
        );
    }

    #[test]
    fn endpoints_are_checked() {
        let s = |e: &str| rampart_core::system::OtlpSettings {
            endpoint: e.into(),
            ..Default::default()
        };
        assert!(OtlpConfig::from_settings(&s("http://127.0.0.1:4318")).is_ok());
        for bad in [
            "collector:4318",
            "ftp://x",
            "http://u:p@x:4318",
            "http://x:4318?a=b",
        ] {
            assert_eq!(
                OtlpConfig::from_settings(&s(bad)).unwrap_err().0,
                "gateway.monitor.otlp.endpoint",
                "{bad}"
            );
        }
        let mut t = s("http://x:4318");
        t.interval_secs = Some(0);
        assert_eq!(
            OtlpConfig::from_settings(&t).unwrap_err().0,
            "gateway.monitor.otlp.interval_secs"
        );
    }
}
