//! The time-series store behind the dashboard (OM-1, OM-2): per-minute counters in
//! an embedded SQLite file, so the numbers survive restarts.
//!
//! The request path only makes a [`Sample`] and offers it to a bounded channel with
//! `try_send`: it never waits and never touches the database. A single writer thread
//! adds samples up in memory and writes them in one transaction a second (an upsert
//! per `(minute, metric, label)`), and prunes buckets past the retention. When the
//! channel is full a sample is dropped and counted (`dropped`), never queued without
//! bound; the labels of one metric in one batch are capped like `/metrics`'s.
//!
//! Metrics (the `metric` column) and their labels:
//! - `requests` (label empty), `requests.route`, `requests.model`, `requests.key`,
//!   `requests.decision`: requests with an audit record;
//! - `blocks.rule`, `redactions.rule`: rules of blocked and redacted requests;
//! - `tokens.key`: tokens in and out per key;
//! - `latency.total.<route>`, `latency.gateway`, `latency.upstream`: histogram
//!   buckets (label: the bucket's upper bound in seconds, `inf` past the last) of the
//!   time to the response head, of that time less the upstream's (the gateway's own
//!   overhead), and of the upstream's;
//! - `upstream_errors.upstream`: failed upstream attempts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::Duration;

use rampart_core::system::MonitorSettings;
use rusqlite::{params, Connection};

/// The admin listener when `[gateway.monitor] admin_listen` names none.
pub const DEFAULT_ADMIN_LISTEN: &str = "127.0.0.1:9090";
/// The time-series file when `[gateway.monitor] path` names none.
pub const DEFAULT_PATH: &str = "rampart-metrics.sqlite";
/// How long buckets are kept when `[gateway.monitor] retention` is unset.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(14 * 86_400);
/// Samples waiting for the writer thread; past it they are dropped and counted.
pub const QUEUE: usize = 65_536;
/// Distinct labels of one metric in one batch; more are counted under `other`.
const MAX_LABELS: usize = 256;
/// Longest label kept (model names and keys come from clients).
const MAX_LABEL_CHARS: usize = 128;
/// How often the writer commits what it gathered.
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// Largest drift window (requests per ring; groups are capped too).
pub const MAX_DRIFT_WINDOW: usize = 20_000;
/// Longest range a summary covers (the store keeps at most the retention anyway).
pub const MAX_RANGE: Duration = Duration::from_secs(90 * 86_400);

/// The monitor's settings, resolved.
#[derive(Debug, Clone)]
pub struct MonitorConfig {
    /// The admin listener.
    pub admin_listen: std::net::SocketAddr,
    /// The SQLite file.
    pub path: PathBuf,
    /// How long buckets are kept.
    pub retention: Duration,
    /// The ledger's latest stored checkpoint (`<db>.checkpoints/latest.note`), shown
    /// on the dashboard.
    pub checkpoint_note: Option<PathBuf>,
    /// The `[[alerts]]` rules.
    pub alerts: Vec<crate::alerts::Rule>,
    /// Time between evaluations of the rules.
    pub evaluate_every: Duration,
    /// Drift windows: recent and baseline requests per route and model.
    pub drift_windows: (usize, usize),
}

impl MonitorConfig {
    /// Resolves `[gateway.monitor]` (paths relative to `root`); an error names the
    /// setting and says what is wrong.
    pub fn from_settings(
        m: &MonitorSettings,
        root: &Path,
    ) -> Result<MonitorConfig, (&'static str, String)> {
        let listen = m.admin_listen.as_deref().unwrap_or(DEFAULT_ADMIN_LISTEN);
        let admin_listen = listen.parse().map_err(|_| {
            (
                "gateway.monitor.admin_listen",
                format!("{listen:?} is not an address such as 127.0.0.1:9090"),
            )
        })?;
        let retention = match &m.retention {
            Some(r) => {
                crate::config::parse_retention(r).map_err(|e| ("gateway.monitor.retention", e))?
            }
            None => DEFAULT_RETENTION,
        };
        if retention < Duration::from_secs(60) {
            return Err((
                "gateway.monitor.retention",
                "shorter than one minute: no bucket would be kept".into(),
            ));
        }
        Ok(MonitorConfig {
            admin_listen,
            path: root.join(m.path.as_deref().unwrap_or(DEFAULT_PATH)),
            retention,
            checkpoint_note: None,
            alerts: Vec::new(),
            evaluate_every: Duration::from_secs(m.evaluate_every_secs.unwrap_or(15).clamp(1, 3600)),
            drift_windows: (
                m.drift_recent_requests
                    .unwrap_or(500)
                    .clamp(1, MAX_DRIFT_WINDOW),
                m.drift_baseline_requests
                    .unwrap_or(5000)
                    .clamp(1, MAX_DRIFT_WINDOW),
            ),
        })
    }
}

/// One request's outcome, as the ledger records it.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The route (`/v1/chat/completions`, …).
    pub route: &'static str,
    /// The model asked for.
    pub model: String,
    /// The key id (`anonymous` without one).
    pub key: String,
    /// `allow`, `flag`, `redact` or `block`.
    pub decision: &'static str,
    /// The rules that fired.
    pub rules: Vec<String>,
    /// Tokens in and out.
    pub tokens: u64,
    /// Drift features, for requests whose input was read.
    pub features: Option<crate::drift::Features>,
}

enum Msg {
    Request(i64, Sample),
    Latency {
        minute: i64,
        route: &'static str,
        total: Duration,
        upstream: Option<Duration>,
    },
    UpstreamError(i64, String),
    Flush(SyncSender<()>),
}

/// The handle the gateway holds: the channel into the writer thread.
pub struct Monitor {
    /// Counters of the alert machinery.
    pub alert_stats: std::sync::Arc<crate::alerts::AlertStats>,
    scores: std::sync::Arc<std::sync::Mutex<crate::drift::Scores>>,
    tx: SyncSender<Msg>,
    dropped: AtomicU64,
    write_errors: std::sync::Arc<AtomicU64>,
    config: MonitorConfig,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor")
            .field("path", &self.config.path)
            .finish_non_exhaustive()
    }
}

/// The current minute since the Unix epoch.
pub fn minute_now() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs / 60).unwrap_or(i64::MAX)
}

fn open_db(path: &Path) -> rusqlite::Result<Connection> {
    let c = Connection::open(path)?;
    c.busy_timeout(Duration::from_secs(5))?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "NORMAL")?;
    c.execute_batch(
        "CREATE TABLE IF NOT EXISTS series (
            minute INTEGER NOT NULL,
            metric TEXT NOT NULL,
            label TEXT NOT NULL,
            value INTEGER NOT NULL,
            PRIMARY KEY (minute, metric, label)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alerts (
            time_ms INTEGER NOT NULL,
            name TEXT NOT NULL,
            state TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS alerts_time ON alerts (time_ms);",
    )?;
    Ok(c)
}

/// The label of a latency bucket: its upper bound in seconds, or `inf`.
fn bucket_label(d: Duration) -> String {
    let secs = d.as_secs_f64();
    crate::metrics::BUCKETS
        .iter()
        .find(|b| secs <= **b)
        .map_or_else(|| "inf".to_string(), |b| b.to_string())
}

fn bounded_label(s: &str) -> String {
    s.chars().take(MAX_LABEL_CHARS).collect()
}

type Batch = HashMap<(i64, String, String), u64>;

/// Adds `n` to a bucket of `batch`, labels capped per metric.
fn add(
    batch: &mut Batch,
    labels: &mut HashMap<String, usize>,
    minute: i64,
    metric: &str,
    label: &str,
    n: u64,
) {
    let label = bounded_label(label);
    let k = (minute, metric.to_string(), label);
    if let Some(v) = batch.get_mut(&k) {
        *v += n;
        return;
    }
    let seen = labels.entry(metric.to_string()).or_default();
    let k = if *seen < MAX_LABELS {
        *seen += 1;
        k
    } else {
        (minute, metric.to_string(), "other".to_string())
    };
    *batch.entry(k).or_default() += n;
}

fn gather(
    batch: &mut Batch,
    labels: &mut HashMap<String, usize>,
    drift: &mut crate::drift::Tracker,
    msg: Msg,
) -> Option<SyncSender<()>> {
    match msg {
        Msg::Request(m, s) => {
            if let Some(f) = s.features {
                drift.add(s.route, &s.model, f);
            }
            add(batch, labels, m, "requests", "", 1);
            add(batch, labels, m, "requests.route", s.route, 1);
            add(batch, labels, m, "requests.model", &s.model, 1);
            add(batch, labels, m, "requests.key", &s.key, 1);
            add(batch, labels, m, "requests.decision", s.decision, 1);
            let per_rule = match s.decision {
                "block" => Some("blocks.rule"),
                "redact" => Some("redactions.rule"),
                _ => None,
            };
            if let Some(metric) = per_rule {
                for r in &s.rules {
                    add(batch, labels, m, metric, r, 1);
                }
            }
            if s.tokens > 0 {
                add(batch, labels, m, "tokens.key", &s.key, s.tokens);
            }
            None
        }
        Msg::Latency {
            minute,
            route,
            total,
            upstream,
        } => {
            add(
                batch,
                labels,
                minute,
                &format!("latency.total.{route}"),
                &bucket_label(total),
                1,
            );
            if let Some(u) = upstream {
                add(
                    batch,
                    labels,
                    minute,
                    "latency.upstream",
                    &bucket_label(u),
                    1,
                );
                add(
                    batch,
                    labels,
                    minute,
                    "latency.gateway",
                    &bucket_label(total.saturating_sub(u)),
                    1,
                );
            } else {
                add(
                    batch,
                    labels,
                    minute,
                    "latency.gateway",
                    &bucket_label(total),
                    1,
                );
            }
            None
        }
        Msg::UpstreamError(m, u) => {
            add(batch, labels, m, "upstream_errors.upstream", &u, 1);
            None
        }
        Msg::Flush(done) => Some(done),
    }
}

fn write(db: &mut Connection, batch: &mut Batch) -> rusqlite::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let tx = db.transaction()?;
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO series (minute, metric, label, value) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (minute, metric, label) DO UPDATE SET value = value + excluded.value",
        )?;
        for ((minute, metric, label), v) in batch.iter() {
            st.execute(params![
                minute,
                metric,
                label,
                i64::try_from(*v).unwrap_or(i64::MAX)
            ])?;
        }
    }
    tx.commit()?;
    batch.clear();
    Ok(())
}

fn prune(db: &Connection, retention: Duration) -> rusqlite::Result<usize> {
    let keep = i64::try_from(retention.as_secs() / 60).unwrap_or(i64::MAX);
    let n = db.execute(
        "DELETE FROM series WHERE minute < ?1",
        params![minute_now().saturating_sub(keep)],
    )?;
    db.execute(
        "DELETE FROM alerts WHERE time_ms < ?1",
        params![minute_now().saturating_sub(keep).saturating_mul(60_000)],
    )?;
    Ok(n)
}

/// The writer thread: gathers, commits once a second or when asked, prunes once a
/// minute. It ends when the gateway drops its [`Monitor`].
fn writer(
    mut db: Connection,
    rx: Receiver<Msg>,
    config: &MonitorConfig,
    errors: &AtomicU64,
    scores: &std::sync::Mutex<crate::drift::Scores>,
) {
    let retention = config.retention;
    let mut drift = crate::drift::Tracker::new(config.drift_windows.0, config.drift_windows.1);
    let mut batch = Batch::new();
    let mut labels = HashMap::new();
    let mut last_flush = std::time::Instant::now();
    let mut last_prune: Option<std::time::Instant> = None;
    loop {
        let (waiter, stop) = match rx.recv_timeout(FLUSH_EVERY) {
            Ok(msg) => (gather(&mut batch, &mut labels, &mut drift, msg), false),
            Err(RecvTimeoutError::Timeout) => (None, false),
            Err(RecvTimeoutError::Disconnected) => (None, true),
        };
        if waiter.is_some() || stop || last_flush.elapsed() >= FLUSH_EVERY {
            if let Err(e) = write(&mut db, &mut batch) {
                errors.fetch_add(1, Ordering::Relaxed);
                tracing::error!(target: "rampart::gateway", error = %e, "writing the time series failed");
                batch.clear();
            }
            labels.clear();
            last_flush = std::time::Instant::now();
            let now = drift.scores();
            *scores
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = now;
            if last_prune.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                if let Err(e) = prune(&db, retention) {
                    tracing::error!(target: "rampart::gateway", error = %e, "pruning the time series failed");
                }
                last_prune = Some(std::time::Instant::now());
            }
        }
        if let Some(w) = waiter {
            let _ = w.try_send(());
        }
        if stop {
            return;
        }
    }
}

/// Sums of one query: `(metric, label) -> value`, and requests and blocks per minute.
#[derive(Debug, Default, Clone)]
pub struct Totals {
    /// Sums over the range.
    pub sums: HashMap<(String, String), u64>,
    /// `(minute, requests, blocks)` per minute with traffic, oldest first.
    pub timeline: Vec<(i64, u64, u64)>,
}

impl Totals {
    /// The sum of `metric` under `label`.
    pub fn get(&self, metric: &str, label: &str) -> u64 {
        self.sums
            .get(&(metric.to_string(), label.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Every label of `metric` with its sum, largest first.
    pub fn labels(&self, metric: &str) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self
            .sums
            .iter()
            .filter(|((m, _), _)| m == metric)
            .map(|((_, l), n)| (l.clone(), *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// The `q` quantile (0..=1) of a latency histogram metric, in milliseconds: the
    /// upper bound of the bucket it falls in (`None` without observations; past the
    /// last bound, the last bound).
    pub fn quantile_ms(&self, metric: &str, q: f64) -> Option<f64> {
        let mut buckets: Vec<(f64, u64)> = self
            .labels(metric)
            .into_iter()
            .map(|(l, n)| (l.parse::<f64>().unwrap_or(f64::INFINITY), n))
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        let count: u64 = buckets.iter().map(|b| b.1).sum();
        if count == 0 {
            return None;
        }
        let want = (q * count as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        let last = crate::metrics::BUCKETS[crate::metrics::BUCKETS.len() - 1];
        for (bound, n) in buckets {
            seen += n;
            if seen >= want {
                return Some(bound.min(last) * 1000.0);
            }
        }
        Some(last * 1000.0)
    }
}

impl Monitor {
    /// Opens (creating) the store and starts its writer thread.
    pub fn open(config: MonitorConfig) -> Result<Monitor, String> {
        let db = open_db(&config.path).map_err(|e| format!("{}: {e}", config.path.display()))?;
        let (tx, rx) = std::sync::mpsc::sync_channel(QUEUE);
        let write_errors = std::sync::Arc::new(AtomicU64::new(0));
        let errors = std::sync::Arc::clone(&write_errors);
        let scores = std::sync::Arc::new(std::sync::Mutex::new(crate::drift::Scores::default()));
        let published = std::sync::Arc::clone(&scores);
        let cfg = config.clone();
        std::thread::Builder::new()
            .name("rampart-monitor".into())
            .spawn(move || writer(db, rx, &cfg, &errors, &published))
            .map_err(|e| format!("starting the monitor thread: {e}"))?;
        Ok(Monitor {
            alert_stats: std::sync::Arc::default(),
            scores,
            tx,
            dropped: AtomicU64::new(0),
            write_errors,
            config,
        })
    }

    /// The resolved settings.
    pub fn config(&self) -> &MonitorConfig {
        &self.config
    }

    fn offer(&self, msg: Msg) {
        match self.tx.try_send(msg) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Records a request's outcome (never waits).
    pub fn request(&self, sample: Sample) {
        self.offer(Msg::Request(minute_now(), sample));
    }

    /// Records a request's time to response head and its upstream's share (never waits).
    pub fn latency(&self, route: &'static str, total: Duration, upstream: Option<Duration>) {
        self.offer(Msg::Latency {
            minute: minute_now(),
            route,
            total,
            upstream,
        });
    }

    /// Records a failed upstream attempt (never waits).
    pub fn upstream_error(&self, upstream: &str) {
        self.offer(Msg::UpstreamError(minute_now(), bounded_label(upstream)));
    }

    /// The drift scores as of the last commit.
    pub fn drift_scores(&self) -> crate::drift::Scores {
        self.scores
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Records an alert transition in the `alerts` table (blocking).
    pub fn record_alert(&self, message: &serde_json::Value) -> Result<(), String> {
        let db = open_db(&self.config.path).map_err(|e| e.to_string())?;
        db.execute(
            "INSERT INTO alerts (time_ms, name, state, message) VALUES (?1, ?2, ?3, ?4)",
            params![
                rampart_ledger::Timestamp::now().unix_millis(),
                message["alert"].as_str().unwrap_or(""),
                message["state"].as_str().unwrap_or(""),
                message.to_string()
            ],
        )
        .map_err(|e| e.to_string())?;
        Ok(())
    }

    /// The alert transitions recorded between two times (Unix milliseconds), oldest
    /// first, at most `limit` (blocking).
    pub fn alerts_between(
        &self,
        from_ms: i64,
        to_ms: i64,
        limit: usize,
    ) -> Result<Vec<serde_json::Value>, String> {
        let db = open_db(&self.config.path).map_err(|e| e.to_string())?;
        alerts_between(&db, from_ms, to_ms, limit)
    }

    /// Samples dropped because the writer fell behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Batches the writer failed to commit.
    pub fn write_errors(&self) -> u64 {
        self.write_errors.load(Ordering::Relaxed)
    }

    /// Waits (at most `timeout`; blocking, so call it off the async threads) until
    /// what was offered before is committed. For the admin API and shutdown.
    pub fn flush(&self, timeout: Duration) -> bool {
        let (done, wait) = std::sync::mpsc::sync_channel(1);
        if self.tx.send(Msg::Flush(done)).is_err() {
            return false;
        }
        wait.recv_timeout(timeout).is_ok()
    }

    /// The sums of the last `range` (whole minutes, the current one included), read
    /// from the file: blocking, call it off the async threads.
    pub fn query(&self, range: Duration) -> Result<Totals, String> {
        let range = range.min(MAX_RANGE);
        let minutes = i64::try_from(range.as_secs().div_ceil(60).max(1)).unwrap_or(1);
        let from = minute_now() - minutes + 1;
        let db = open_db(&self.config.path).map_err(|e| e.to_string())?;
        let mut totals = Totals::default();
        let mut st = db
            .prepare(
                "SELECT metric, label, SUM(value) FROM series WHERE minute >= ?1 GROUP BY metric, label",
            )
            .map_err(|e| e.to_string())?;
        let rows = st
            .query_map(params![from], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(|e| e.to_string())?;
        for row in rows {
            let (m, l, v) = row.map_err(|e| e.to_string())?;
            totals.sums.insert((m, l), u64::try_from(v).unwrap_or(0));
        }
        let mut st = db
            .prepare(
                "SELECT minute,
                        SUM(CASE WHEN metric = 'requests' THEN value ELSE 0 END),
                        SUM(CASE WHEN metric = 'requests.decision' AND label = 'block' THEN value ELSE 0 END)
                 FROM series WHERE minute >= ?1 AND metric IN ('requests', 'requests.decision')
                 GROUP BY minute ORDER BY minute",
            )
            .map_err(|e| e.to_string())?;
        let rows = st
            .query_map(params![from], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(|e| e.to_string())?;
        for row in rows {
            let (m, n, b) = row.map_err(|e| e.to_string())?;
            totals.timeline.push((
                m,
                u64::try_from(n).unwrap_or(0),
                u64::try_from(b).unwrap_or(0),
            ));
        }
        Ok(totals)
    }
}

/// The alert transitions of a time-series file between two times (Unix
/// milliseconds), oldest first, at most `limit`.
pub fn alerts_between(
    db: &Connection,
    from_ms: i64,
    to_ms: i64,
    limit: usize,
) -> Result<Vec<serde_json::Value>, String> {
    let mut st = db
        .prepare(
            "SELECT message FROM alerts WHERE time_ms >= ?1 AND time_ms <= ?2 ORDER BY time_ms LIMIT ?3",
        )
        .map_err(|e| e.to_string())?;
    let rows = st
        .query_map(
            params![from_ms, to_ms, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| r.get::<_, String>(0),
        )
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for r in rows {
        let text = r.map_err(|e| e.to_string())?;
        out.push(serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)));
    }
    Ok(out)
}

/// Opens a time-series file read-only (for `rampart incident export`).
pub fn open_read_only(path: &Path) -> Result<Connection, String> {
    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses a summary range: a number and a unit of `m` (minutes), `h` (hours), `d`
/// (days) or `w` (weeks), e.g. `15m`, `24h`, `7d`; at most [`MAX_RANGE`].
pub fn parse_range(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let bad = || format!("{s:?} is not a range such as 15m, 24h or 7d");
    let unit = s.chars().last().ok_or_else(bad)?;
    let n: u64 = s[..s.len() - unit.len_utf8()].parse().map_err(|_| bad())?;
    let secs = match unit {
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return Err(bad()),
    };
    let d = Duration::from_secs(n.checked_mul(secs).ok_or_else(bad)?);
    if d.is_zero() || d > MAX_RANGE {
        return Err(format!("{s:?} is outside 1m..90d"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ranges_parse_and_are_bounded() {
        assert_eq!(parse_range("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_range("2w").unwrap(), Duration::from_secs(14 * 86_400));
        for bad in [
            "",
            "m",
            "0m",
            "5y",
            "91d",
            "99999999999999999999d",
            "-1h",
            "é",
        ] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn labels_are_capped_per_metric_and_batch() {
        let mut batch = Batch::new();
        let mut labels = HashMap::new();
        for i in 0..(MAX_LABELS + 5) {
            add(
                &mut batch,
                &mut labels,
                1,
                "requests.key",
                &format!("k{i}"),
                1,
            );
        }
        assert_eq!(batch.len(), MAX_LABELS + 1);
        assert_eq!(batch[&(1, "requests.key".into(), "other".into())], 5);
        add(
            &mut batch,
            &mut labels,
            1,
            "requests.key",
            &"x".repeat(1000),
            1,
        );
        assert!(batch.keys().all(|k| k.2.chars().count() <= MAX_LABEL_CHARS));
    }

    #[test]
    fn counts_are_written_summed_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = MonitorConfig {
            admin_listen: "127.0.0.1:0".parse().unwrap(),
            path: dir.path().join("m.sqlite"),
            retention: DEFAULT_RETENTION,
            checkpoint_note: None,
            alerts: Vec::new(),
            evaluate_every: Duration::from_secs(15),
            drift_windows: (10, 10),
        };
        let sample = |decision, rules: &[&str]| Sample {
            route: "/v1/chat/completions",
            model: "m".into(),
            key: "k1".into(),
            decision,
            rules: rules.iter().map(|r| r.to_string()).collect(),
            tokens: 10,
            features: None,
        };
        {
            let m = Monitor::open(cfg.clone()).unwrap();
            for _ in 0..3 {
                m.request(sample("allow", &[]));
            }
            m.request(sample("block", &["INJ001"]));
            m.latency(
                "/v1/chat/completions",
                Duration::from_millis(30),
                Some(Duration::from_millis(29)),
            );
            assert!(m.flush(Duration::from_secs(5)));
            m.request(sample("redact", &["PII001"]));
            assert!(m.flush(Duration::from_secs(5)));
        }
        let m = Monitor::open(cfg).unwrap();
        let t = m.query(Duration::from_secs(3600)).unwrap();
        assert_eq!(t.get("requests", ""), 5);
        assert_eq!(t.get("requests.decision", "allow"), 3);
        assert_eq!(t.get("blocks.rule", "INJ001"), 1);
        assert_eq!(t.get("redactions.rule", "PII001"), 1);
        assert_eq!(t.get("tokens.key", "k1"), 50);
        assert_eq!(t.quantile_ms("latency.upstream", 0.99), Some(50.0));
        assert_eq!(t.quantile_ms("latency.gateway", 0.5), Some(1.0));
        assert_eq!(t.timeline.iter().map(|x| x.1).sum::<u64>(), 5);
    }
}
