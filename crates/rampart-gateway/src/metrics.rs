//! Prometheus metrics: counters, verdicts by rule and decision, tokens, upstream
//! errors and latency histograms, rendered in the text exposition format.
//!
//! Written here rather than with a metrics crate: the gateway needs a dozen series
//! whose label sets are known (routes, decisions) or bounded (rule codes, upstream
//! names from the configuration), and recording must be a few relaxed atomic adds on
//! the request path; the exposition format for that is a page of code.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Histogram bucket upper bounds in seconds: sub-millisecond resolution for the
/// gateway's own overhead, up to a minute for slow upstreams.
pub(crate) const BUCKETS: [f64; 16] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0,
];

tokio::task_local! {
    /// Time spent waiting for upstreams by the request this task serves (set by the
    /// timing middleware), so its gateway-added latency is known.
    static UPSTREAM_NANOS: std::cell::Cell<u64>;
}

/// Adds `d` to the upstream time of the request this task serves (nothing outside
/// the timing middleware).
pub(crate) fn add_upstream_time(d: Duration) {
    let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    let _ = UPSTREAM_NANOS.try_with(|c| c.set(c.get().saturating_add(nanos)));
}

/// The upstream time recorded so far by the request this task serves (`None` outside
/// the timing middleware or before an upstream was called).
pub(crate) fn upstream_time_so_far() -> Option<Duration> {
    let n = UPSTREAM_NANOS.try_with(std::cell::Cell::get).unwrap_or(0);
    (n > 0).then(|| Duration::from_nanos(n))
}

/// Runs `f` with an upstream-time counter; returns its output and the upstream time
/// it recorded (`None` when no upstream was called).
pub(crate) async fn with_upstream_time<F: std::future::Future>(
    f: F,
) -> (F::Output, Option<Duration>) {
    UPSTREAM_NANOS
        .scope(std::cell::Cell::new(0), async move {
            let out = f.await;
            let n = UPSTREAM_NANOS.try_with(std::cell::Cell::get).unwrap_or(0);
            (out, (n > 0).then(|| Duration::from_nanos(n)))
        })
        .await
}

/// The API routes with their own latency series; anything else is `other`.
pub const ROUTES: [&str; 5] = [
    "/v1/chat/completions",
    "/v1/completions",
    "/v1/embeddings",
    "/v1/models",
    "other",
];

/// A latency histogram of relaxed atomics.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_nanos: AtomicU64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (b, n) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += n.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{b}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {count}");
        let sum = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
        let _ = writeln!(out, "{name}_count{{{labels}}} {count}");
    }
}

/// Most distinct rule codes or upstream names kept as labels; more are counted
/// under `other` so a misbehaving component cannot grow the series without bound.
const MAX_LABELS: usize = 256;

/// Counters keyed by a label value.
#[derive(Debug, Default)]
struct Labelled(Mutex<BTreeMap<String, u64>>);

impl Labelled {
    fn add(&self, label: &str, n: u64) {
        let mut m = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = if m.contains_key(label) || m.len() < MAX_LABELS {
            label
        } else {
            "other"
        };
        *m.entry(key.to_string()).or_default() += n;
    }

    fn snapshot(&self) -> Vec<(String, u64)> {
        let m = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        m.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }
}

/// Everything `/metrics` reports.
#[derive(Debug, Default)]
pub struct Metrics {
    pub(crate) requests: AtomicU64,
    pub(crate) blocked: AtomicU64,
    pub(crate) redacted: AtomicU64,
    pub(crate) unauthorized: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) upstream_errors: AtomicU64,
    pub(crate) detector_errors: AtomicU64,
    pub(crate) limiter_errors: AtomicU64,
    tokens_in: AtomicU64,
    tokens_out: AtomicU64,
    decisions: Labelled,
    rules: Labelled,
    upstream_failures: Labelled,
    latency: [Histogram; ROUTES.len()],
    upstream_latency: Mutex<BTreeMap<String, std::sync::Arc<Histogram>>>,
}

/// Escapes a label value for the exposition format.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Records a request's duration (to the response head; streams continue after).
    pub fn observe_request(&self, route: &str, d: Duration) {
        self.observe_route(self.route_index(route), d);
    }

    /// The histogram index of `route` (for [`Metrics::observe_route`]).
    pub fn route_index(&self, route: &str) -> usize {
        ROUTES
            .iter()
            .position(|r| *r == route)
            .unwrap_or(ROUTES.len() - 1)
    }

    /// Records a request's time to response head under the route at `index`.
    pub fn observe_route(&self, index: usize, d: Duration) {
        if let Some(h) = self.latency.get(index) {
            h.observe(d);
        }
    }

    /// Records an upstream answer's time to response head.
    pub fn observe_upstream(&self, upstream: &str, d: Duration) {
        let h = {
            let mut m = self
                .upstream_latency
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let key = if m.contains_key(upstream) || m.len() < MAX_LABELS {
                upstream
            } else {
                "other"
            };
            std::sync::Arc::clone(m.entry(key.to_string()).or_default())
        };
        h.observe(d);
    }

    /// Records one failed attempt at an upstream (before failover).
    pub fn upstream_failed(&self, upstream: &str) {
        self.upstream_failures.add(upstream, 1);
    }

    /// Records a request's outcome: its decision, the rules that fired, its tokens.
    pub fn record_outcome(&self, decision: &str, rules: &[String], tokens: (u64, u64)) {
        self.decisions.add(decision, 1);
        for r in rules {
            self.rules.add(r, 1);
        }
        self.tokens_in.fetch_add(tokens.0, Ordering::Relaxed);
        self.tokens_out.fetch_add(tokens.1, Ordering::Relaxed);
    }

    /// The exposition text; `open_circuits` lists each upstream and whether its
    /// circuit is open.
    pub fn render(&self, open_circuits: &[(String, bool)]) -> String {
        let mut out = String::new();
        for (name, help, v) in [
            (
                "rampart_requests_total",
                "Requests received.",
                &self.requests,
            ),
            (
                "rampart_blocked_total",
                "Requests or responses blocked by the guard.",
                &self.blocked,
            ),
            (
                "rampart_redacted_total",
                "Requests or responses redacted by the guard.",
                &self.redacted,
            ),
            (
                "rampart_unauthorized_total",
                "Requests refused for authentication.",
                &self.unauthorized,
            ),
            (
                "rampart_rate_limited_total",
                "Requests refused by rate limits.",
                &self.rate_limited,
            ),
            (
                "rampart_upstream_errors_total",
                "Requests no upstream answered (after failover).",
                &self.upstream_errors,
            ),
            (
                "rampart_limiter_errors_total",
                "Rate-limit checks that failed (shared store unreachable; requests refused).",
                &self.limiter_errors,
            ),
            (
                "rampart_detector_errors_total",
                "Guard detector failures (handled fail-closed unless fail_open).",
                &self.detector_errors,
            ),
        ] {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                v.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP rampart_tokens_total Tokens reported by upstreams.\n# TYPE rampart_tokens_total counter\n");
        let _ = writeln!(
            out,
            "rampart_tokens_total{{direction=\"in\"}} {}",
            self.tokens_in.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "rampart_tokens_total{{direction=\"out\"}} {}",
            self.tokens_out.load(Ordering::Relaxed)
        );
        for (name, help, lbl, set) in [
            (
                "rampart_decisions_total",
                "Requests by final decision.",
                "decision",
                &self.decisions,
            ),
            (
                "rampart_rule_hits_total",
                "Guard and gateway rule hits by rule code.",
                "rule",
                &self.rules,
            ),
            (
                "rampart_upstream_failures_total",
                "Failed attempts by upstream (each failover step counts).",
                "upstream",
                &self.upstream_failures,
            ),
        ] {
            let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} counter\n");
            for (k, v) in set.snapshot() {
                let _ = writeln!(out, "{name}{{{lbl}=\"{}\"}} {v}", label(&k));
            }
        }
        out.push_str("# HELP rampart_upstream_circuit_open Whether an upstream's circuit breaker is open (1) or closed (0).\n# TYPE rampart_upstream_circuit_open gauge\n");
        for (u, open) in open_circuits {
            let _ = writeln!(
                out,
                "rampart_upstream_circuit_open{{upstream=\"{}\"}} {}",
                label(u),
                u8::from(*open)
            );
        }
        let name = "rampart_request_duration_seconds";
        let _ = write!(out, "# HELP {name} Time from request to response head, by route.\n# TYPE {name} histogram\n");
        for (route, h) in ROUTES.iter().zip(&self.latency) {
            h.render(&mut out, name, &format!("route=\"{route}\""));
        }
        let name = "rampart_upstream_duration_seconds";
        let _ = write!(out, "# HELP {name} Time from forwarding to the upstream's response head.\n# TYPE {name} histogram\n");
        let upstreams: Vec<_> = {
            let m = self
                .upstream_latency
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            m.iter()
                .map(|(k, v)| (k.clone(), std::sync::Arc::clone(v)))
                .collect()
        };
        for (u, h) in upstreams {
            h.render(&mut out, name, &format!("upstream=\"{}\"", label(&u)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_counted() {
        let m = Metrics::default();
        m.observe_request("/v1/models", Duration::from_micros(300));
        m.observe_request("/v1/models", Duration::from_millis(3));
        m.observe_request("/nope", Duration::from_secs(100));
        let text = m.render(&[("a\"b".into(), true)]);
        assert!(text.contains(
            "rampart_request_duration_seconds_bucket{route=\"/v1/models\",le=\"0.0005\"} 1\n"
        ));
        assert!(text.contains(
            "rampart_request_duration_seconds_bucket{route=\"/v1/models\",le=\"0.005\"} 2\n"
        ));
        assert!(
            text.contains("rampart_request_duration_seconds_bucket{route=\"other\",le=\"60\"} 0\n")
        );
        assert!(text
            .contains("rampart_request_duration_seconds_bucket{route=\"other\",le=\"+Inf\"} 1\n"));
        assert!(text.contains("rampart_upstream_circuit_open{upstream=\"a\\\"b\"} 1\n"));
    }

    #[test]
    fn label_sets_are_bounded() {
        let m = Metrics::default();
        for i in 0..(MAX_LABELS + 10) {
            m.record_outcome("allow", &[format!("R{i}")], (1, 2));
        }
        let text = m.render(&[]);
        assert_eq!(
            text.matches("rampart_rule_hits_total{").count(),
            MAX_LABELS + 1
        );
        assert!(text.contains("rampart_rule_hits_total{rule=\"other\"} 10\n"));
        assert!(text.contains(&format!(
            "rampart_tokens_total{{direction=\"out\"}} {}\n",
            2 * (MAX_LABELS + 10)
        )));
    }
}
