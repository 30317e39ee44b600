//! The time-series store behind the dashboard (OM-1, OM-2): per-minute counters in
//! an embedded SQLite file, so the numbers survive restarts.
//!
//! The request path adds to pre-aggregated per-minute counters: [`SHARDS`] shards, a
//! thread keeping to one, each a mutex only that thread and the writer take (so it
//! is uncontended but once a second), holding the current minute's counts keyed by
//! the gateway's own `&'static` route and decision names and by capped client
//! labels (model, key, rule). It never waits on the writer, never touches the
//! database and allocates only for a label its shard has not seen since the writer
//! last came by. A single writer thread takes every shard's counts once a second
//! (or when asked), writes them in one transaction (an upsert per `(minute, metric,
//! label)`) and prunes buckets past the retention. Drift samples (a few bytes of
//! bin indexes per request) wait in the shard for the writer, at most
//! [`DRIFT_PENDING`] per shard; past it they are dropped and counted (`dropped`).
//! The labels of one metric in one batch are capped like `/metrics`'s.
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
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
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
    /// OTLP export, when `[gateway.monitor.otlp]` is set.
    pub otlp: Option<crate::otlp::OtlpConfig>,
    /// This instance's name in a shared series.
    pub instance: String,
    /// The shared series in PostgreSQL, when `shared_series` is set.
    pub shared: Option<Shared>,
}

/// The time series kept in PostgreSQL, shared by several instances: table
/// `rampart_series(instance, minute, metric, label, value)`, each instance adding to
/// its own rows, every query summing over all of them.
#[derive(Clone)]
pub struct Shared {
    /// The connection string (a secret: never shown).
    pub url: String,
    /// This instance's name.
    pub instance: String,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

/// Longest instance name.
const MAX_INSTANCE_CHARS: usize = 128;

/// The default instance name: the host name and the admin listener's port.
fn default_instance(admin: std::net::SocketAddr) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().chars().take(64).collect::<String>())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "rampart".into());
    format!("{host}:{}", admin.port())
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
        let instance = match &m.instance {
            Some(i) if i.trim().is_empty() || i.chars().count() > MAX_INSTANCE_CHARS => {
                return Err((
                    "gateway.monitor.instance",
                    format!("the instance name must be 1 to {MAX_INSTANCE_CHARS} characters"),
                ))
            }
            Some(i) => i.clone(),
            None => default_instance(admin_listen),
        };
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
            otlp: m
                .otlp
                .as_ref()
                .map(crate::otlp::OtlpConfig::from_settings)
                .transpose()?,
            instance,
            shared: None,
        })
    }
}

/// Shards of the request path's counters (a thread keeps to one).
const SHARDS: usize = 8;
/// Latency histogram buckets: the `/metrics` bounds and one past the last.
const NB: usize = crate::metrics::BUCKETS.len() + 1;
/// Drift samples waiting in one shard for the writer; past it they are dropped
/// and counted.
const DRIFT_PENDING: usize = QUEUE / SHARDS;

/// The labels of one metric in one shard's minute: client-chosen strings, capped
/// (more are counted under `other`).
#[derive(Debug, Default)]
struct Labels {
    counts: HashMap<Box<str>, u64>,
    other: u64,
}

impl Labels {
    fn add(&mut self, label: &str, n: u64) {
        let label = bounded(label);
        if let Some(v) = self.counts.get_mut(label) {
            *v = v.saturating_add(n);
        } else if self.counts.len() < MAX_LABELS {
            self.counts.insert(label.into(), n);
        } else {
            self.other = self.other.saturating_add(n);
        }
    }
}

/// Counts under labels the gateway itself names (routes, decisions): a few, found
/// by pointer-sized comparisons.
#[derive(Debug, Default)]
struct Fixed(Vec<(&'static str, u64)>);

impl Fixed {
    fn add(&mut self, label: &'static str, n: u64) {
        match self.0.iter_mut().find(|(l, _)| *l == label) {
            Some((_, v)) => *v = v.saturating_add(n),
            None => self.0.push((label, n)),
        }
    }
}

/// One shard's counts of one minute.
#[derive(Debug, Default)]
struct Agg {
    requests: u64,
    route: Fixed,
    decision: Fixed,
    model: Labels,
    key: Labels,
    blocks_rule: Labels,
    redactions_rule: Labels,
    tokens_key: Labels,
    upstream_errors: Labels,
    latency_total: Vec<(&'static str, [u64; NB])>,
    latency_gateway: [u64; NB],
    latency_upstream: [u64; NB],
}

/// A request's drift features waiting for the writer.
#[derive(Debug, Clone, Copy)]
struct DriftSample {
    route: &'static str,
    features: crate::drift::Features,
    id: u128,
}

/// What one shard gathered since the writer last took it.
#[derive(Debug, Default)]
struct Shard {
    minute: i64,
    current: Agg,
    /// Minutes that ended before the writer came by.
    ended: Vec<(i64, Agg)>,
    /// Drift samples by model.
    drift: HashMap<Box<str>, Vec<DriftSample>>,
    drift_pending: usize,
}

impl Shard {
    /// The counts of `minute` (a minute older than the current one, after a clock
    /// step back, counts in the current one).
    fn at(&mut self, minute: i64) -> &mut Agg {
        if minute > self.minute {
            let old = std::mem::take(&mut self.current);
            self.ended.push((self.minute, old));
            self.minute = minute;
        }
        &mut self.current
    }
}

fn bucket(d: Duration) -> usize {
    let secs = d.as_secs_f64();
    crate::metrics::BUCKETS
        .iter()
        .position(|b| secs <= *b)
        .unwrap_or(NB - 1)
}

pub(crate) fn shard_index() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    thread_local! {
        static INDEX: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    INDEX.with(|i| *i)
}

enum Msg {
    /// Commit what was gathered (and save the drift windows when `.1`), then answer.
    Flush(SyncSender<()>, bool),
}

/// The handle the gateway holds: the request path's sharded counters and the
/// channel to the writer thread.
pub struct Monitor {
    /// Counters of the alert machinery.
    pub alert_stats: std::sync::Arc<crate::alerts::AlertStats>,
    scores: std::sync::Arc<std::sync::Mutex<crate::drift::Scores>>,
    shards: std::sync::Arc<[std::sync::Mutex<Shard>; SHARDS]>,
    tx: SyncSender<Msg>,
    otlp: Option<crate::otlp::Exporter>,
    dropped: std::sync::Arc<AtomicU64>,
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
        CREATE INDEX IF NOT EXISTS alerts_time ON alerts (time_ms);
        CREATE TABLE IF NOT EXISTS drift (
            route TEXT NOT NULL,
            model TEXT NOT NULL,
            recent BLOB NOT NULL,
            baseline BLOB NOT NULL,
            PRIMARY KEY (route, model)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alert_state (
            name TEXT PRIMARY KEY,
            firing INTEGER NOT NULL,
            since_ms INTEGER NOT NULL
        ) WITHOUT ROWID;",
    )?;
    Ok(c)
}

/// The label of a latency bucket: its upper bound in seconds, or `inf`.
fn bucket_label(i: usize) -> String {
    crate::metrics::BUCKETS
        .get(i)
        .map_or_else(|| "inf".to_string(), |b| b.to_string())
}

/// `s` cut to [`MAX_LABEL_CHARS`] characters.
pub(crate) fn bounded(s: &str) -> &str {
    match s.char_indices().nth(MAX_LABEL_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
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
    if n == 0 {
        return;
    }
    let k = (minute, metric.to_string(), bounded(label).to_string());
    if let Some(v) = batch.get_mut(&k) {
        *v = v.saturating_add(n);
        return;
    }
    let seen = labels.entry(metric.to_string()).or_default();
    let k = if *seen < MAX_LABELS {
        *seen += 1;
        k
    } else {
        (minute, metric.to_string(), "other".to_string())
    };
    let v = batch.entry(k).or_default();
    *v = v.saturating_add(n);
}

/// Adds one shard's minute to the batch (in the writer thread).
fn gather(batch: &mut Batch, labels: &mut HashMap<String, usize>, m: i64, a: Agg) {
    add(batch, labels, m, "requests", "", a.requests);
    for (metric, fixed) in [
        ("requests.route", a.route),
        ("requests.decision", a.decision),
    ] {
        for (l, n) in fixed.0 {
            add(batch, labels, m, metric, l, n);
        }
    }
    for (metric, l) in [
        ("requests.model", a.model),
        ("requests.key", a.key),
        ("blocks.rule", a.blocks_rule),
        ("redactions.rule", a.redactions_rule),
        ("tokens.key", a.tokens_key),
        ("upstream_errors.upstream", a.upstream_errors),
    ] {
        for (label, n) in l.counts {
            add(batch, labels, m, metric, &label, n);
        }
        add(batch, labels, m, metric, "other", l.other);
    }
    for (route, h) in a.latency_total {
        let metric = format!("latency.total.{route}");
        for (i, n) in h.iter().enumerate() {
            add(batch, labels, m, &metric, &bucket_label(i), *n);
        }
    }
    for (metric, h) in [
        ("latency.gateway", a.latency_gateway),
        ("latency.upstream", a.latency_upstream),
    ] {
        for (i, n) in h.iter().enumerate() {
            add(batch, labels, m, metric, &bucket_label(i), *n);
        }
    }
}

/// Takes what every shard gathered: counts into `batch`, drift samples into the
/// tracker.
fn collect(
    shards: &[std::sync::Mutex<Shard>; SHARDS],
    batch: &mut Batch,
    labels: &mut HashMap<String, usize>,
    drift: &mut crate::drift::Tracker,
) {
    for shard in shards {
        let (ended, current, samples) = {
            let mut s = shard
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let ended = std::mem::take(&mut s.ended);
            let current = (s.minute, std::mem::take(&mut s.current));
            s.drift_pending = 0;
            (ended, current, std::mem::take(&mut s.drift))
        };
        for (m, a) in ended.into_iter().chain(std::iter::once(current)) {
            gather(batch, labels, m, a);
        }
        for (model, v) in samples {
            for d in v {
                drift.add(d.route, &model, d.features, d.id);
            }
        }
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

const PG_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS rampart_series (
    instance TEXT NOT NULL,
    minute BIGINT NOT NULL,
    metric TEXT NOT NULL,
    label TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (instance, minute, metric, label)
);
CREATE INDEX IF NOT EXISTS rampart_series_minute ON rampart_series (minute);";

/// A connection to the shared series, its table created (two instances creating it
/// at once may collide: tried twice).
fn pg_connect(url: &str) -> Result<postgres::Client, postgres::Error> {
    let mut c = postgres::Client::connect(url, postgres::NoTls)?;
    if c.batch_execute(PG_SCHEMA).is_err() {
        std::thread::sleep(Duration::from_millis(100));
        c.batch_execute(PG_SCHEMA)?;
    }
    Ok(c)
}

/// Adds a batch to the shared series in one transaction.
fn write_pg(
    slot: &mut Option<postgres::Client>,
    shared: &Shared,
    batch: &Batch,
) -> Result<(), postgres::Error> {
    if batch.is_empty() {
        return Ok(());
    }
    let client = match slot {
        Some(c) => c,
        None => slot.insert(pg_connect(&shared.url)?),
    };
    let mut tx = client.transaction()?;
    let st = tx.prepare(
        "INSERT INTO rampart_series (instance, minute, metric, label, value) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (instance, minute, metric, label) DO UPDATE SET value = rampart_series.value + EXCLUDED.value",
    )?;
    for ((minute, metric, label), v) in batch {
        tx.execute(
            &st,
            &[
                &shared.instance as &(dyn postgres::types::ToSql + Sync),
                minute,
                metric,
                label,
                &i64::try_from(*v).unwrap_or(i64::MAX),
            ],
        )?;
    }
    tx.commit()
}

/// Saves the drift windows (one row per group, replacing the last save).
fn save_drift(db: &mut Connection, drift: &crate::drift::Tracker) -> rusqlite::Result<()> {
    let tx = db.transaction()?;
    tx.execute("DELETE FROM drift", [])?;
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO drift (route, model, recent, baseline) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (route, model, recent, baseline) in drift.save() {
            st.execute(params![route, model, recent, baseline])?;
        }
    }
    tx.commit()
}

/// Reads the saved drift windows (at most [`crate::drift::MAX_GROUPS`] rows).
fn load_drift(db: &Connection) -> rusqlite::Result<Vec<crate::drift::SavedGroup>> {
    let mut st = db.prepare("SELECT route, model, recent, baseline FROM drift LIMIT ?1")?;
    let rows = st.query_map(
        params![i64::try_from(crate::drift::MAX_GROUPS).unwrap_or(64)],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    rows.collect()
}

/// The writer thread: gathers the shards and commits once a second or when asked,
/// prunes and saves the drift windows once a minute. It ends (saving the windows)
/// when the gateway drops its [`Monitor`].
fn writer(
    mut db: Connection,
    rx: Receiver<Msg>,
    shards: &[std::sync::Mutex<Shard>; SHARDS],
    config: &MonitorConfig,
    errors: &AtomicU64,
    scores: &std::sync::Mutex<crate::drift::Scores>,
) {
    let retention = config.retention;
    let mut drift = crate::drift::Tracker::new(config.drift_windows.0, config.drift_windows.1);
    match load_drift(&db) {
        Ok(saved) => {
            let n = drift.restore(saved);
            if n > 0 {
                tracing::info!(target: "rampart::gateway", groups = n, "drift baselines restored");
            }
        }
        Err(e) => {
            tracing::error!(target: "rampart::gateway", error = %e, "reading the drift baselines failed")
        }
    }
    let mut batch = Batch::new();
    let mut labels = HashMap::new();
    let mut pg: Option<postgres::Client> = None;
    let mut last_flush = std::time::Instant::now();
    let mut last_prune: Option<std::time::Instant> = None;
    loop {
        let wait = FLUSH_EVERY.saturating_sub(last_flush.elapsed());
        let (waiter, save, stop) = match rx.recv_timeout(wait) {
            Ok(Msg::Flush(w, save)) => (Some(w), save, false),
            Err(RecvTimeoutError::Timeout) => (None, false, false),
            Err(RecvTimeoutError::Disconnected) => (None, true, true),
        };
        collect(shards, &mut batch, &mut labels, &mut drift);
        let written = match &config.shared {
            Some(shared) => write_pg(&mut pg, shared, &batch).map_err(|e| {
                pg = None; // reconnect next time
                e.to_string()
            }),
            None => write(&mut db, &mut batch).map_err(|e| e.to_string()),
        };
        if let Err(e) = written {
            errors.fetch_add(1, Ordering::Relaxed);
            tracing::error!(target: "rampart::gateway", error = %e, "writing the time series failed");
        }
        batch.clear();
        labels.clear();
        last_flush = std::time::Instant::now();
        let now = drift.scores();
        *scores
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = now;
        let minute_passed = last_prune.is_none_or(|t| t.elapsed() >= Duration::from_secs(60));
        if minute_passed {
            if let Err(e) = prune(&db, retention) {
                tracing::error!(target: "rampart::gateway", error = %e, "pruning the time series failed");
            }
            if let (Some(_), Some(c)) = (&config.shared, pg.as_mut()) {
                let keep = i64::try_from(retention.as_secs() / 60).unwrap_or(i64::MAX);
                if let Err(e) = c.execute(
                    "DELETE FROM rampart_series WHERE minute < $1",
                    &[&minute_now().saturating_sub(keep)],
                ) {
                    tracing::error!(target: "rampart::gateway", error = %e, "pruning the shared time series failed");
                }
            }
            last_prune = Some(std::time::Instant::now());
        }
        if save || minute_passed {
            if let Err(e) = save_drift(&mut db, &drift) {
                errors.fetch_add(1, Ordering::Relaxed);
                tracing::error!(target: "rampart::gateway", error = %e, "saving the drift baselines failed");
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
        let (tx, rx) = std::sync::mpsc::sync_channel(64);
        let write_errors = std::sync::Arc::new(AtomicU64::new(0));
        let errors = std::sync::Arc::clone(&write_errors);
        let scores = std::sync::Arc::new(std::sync::Mutex::new(crate::drift::Scores::default()));
        let published = std::sync::Arc::clone(&scores);
        let minute = minute_now();
        let shards: std::sync::Arc<[std::sync::Mutex<Shard>; SHARDS]> =
            std::sync::Arc::new(std::array::from_fn(|_| {
                std::sync::Mutex::new(Shard {
                    minute,
                    ..Shard::default()
                })
            }));
        let theirs = std::sync::Arc::clone(&shards);
        let cfg = config.clone();
        std::thread::Builder::new()
            .name("rampart-monitor".into())
            .spawn(move || writer(db, rx, &theirs, &cfg, &errors, &published))
            .map_err(|e| format!("starting the monitor thread: {e}"))?;
        Ok(Monitor {
            alert_stats: std::sync::Arc::default(),
            scores,
            shards,
            tx,
            otlp: config.otlp.clone().map(crate::otlp::Exporter::new),
            dropped: std::sync::Arc::default(),
            write_errors,
            config,
        })
    }

    /// The resolved settings.
    pub fn config(&self) -> &MonitorConfig {
        &self.config
    }

    /// The OTLP exporter, when `[gateway.monitor.otlp]` is set.
    pub fn otlp(&self) -> Option<&crate::otlp::Exporter> {
        self.otlp.as_ref()
    }

    fn shard(&self) -> std::sync::MutexGuard<'_, Shard> {
        self.shards[shard_index()]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records a request's outcome from its audit record: a few additions to this
    /// thread's shard of the current minute (never waits on the writer, allocates
    /// only for a label the shard has not seen this second).
    pub(crate) fn request(&self, a: &crate::record::Audit) {
        let decision = crate::record::decision_label(a.decision);
        if self.otlp.is_some() {
            crate::otlp::note_outcome(&a.model, decision);
        }
        let blocked = a.decision == rampart_ledger::Decision::Block;
        let features = a.features.map(|mut f| {
            f.complete(blocked, &a.rules, a.tokens);
            f
        });
        let minute = minute_now();
        let mut s = self.shard();
        let agg = s.at(minute);
        agg.requests += 1;
        agg.route.add(a.route, 1);
        agg.decision.add(decision, 1);
        agg.model.add(&a.model, 1);
        agg.key.add(&a.principal, 1);
        let per_rule = match a.decision {
            rampart_ledger::Decision::Block => Some(&mut agg.blocks_rule),
            rampart_ledger::Decision::Redact => Some(&mut agg.redactions_rule),
            _ => None,
        };
        if let Some(l) = per_rule {
            for r in &a.rules {
                l.add(r, 1);
            }
        }
        let tokens = a.tokens.0.saturating_add(a.tokens.1);
        if tokens > 0 {
            agg.tokens_key.add(&a.principal, tokens);
        }
        let Some(features) = features else {
            return;
        };
        let full = s.drift_pending >= DRIFT_PENDING
            || (!s.drift.contains_key(bounded(&a.model))
                && s.drift.len() >= crate::drift::MAX_GROUPS);
        if full {
            drop(s);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        s.drift_pending += 1;
        let sample = DriftSample {
            route: a.route,
            features,
            id: crate::drift::request_number(&a.request_id),
        };
        match s.drift.get_mut(bounded(&a.model)) {
            Some(v) => v.push(sample),
            None => {
                s.drift.insert(bounded(&a.model).into(), vec![sample]);
            }
        }
    }

    /// Records a request's time to response head and its upstream's share (never waits).
    pub fn latency(&self, route: &'static str, total: Duration, upstream: Option<Duration>) {
        let minute = minute_now();
        let mut s = self.shard();
        let agg = s.at(minute);
        let t = bucket(total);
        match agg.latency_total.iter_mut().find(|(r, _)| *r == route) {
            Some((_, h)) => h[t] += 1,
            None => {
                let mut h = [0; NB];
                h[t] = 1;
                agg.latency_total.push((route, h));
            }
        }
        match upstream {
            Some(u) => {
                agg.latency_upstream[bucket(u)] += 1;
                agg.latency_gateway[bucket(total.saturating_sub(u))] += 1;
            }
            None => agg.latency_gateway[t] += 1,
        }
    }

    /// Records a failed upstream attempt (never waits).
    pub fn upstream_error(&self, upstream: &str) {
        let minute = minute_now();
        self.shard().at(minute).upstream_errors.add(upstream, 1);
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

    /// The firing state of every rule that has one, as last saved (blocking).
    pub fn alert_states(&self) -> Result<HashMap<String, bool>, String> {
        let db = open_db(&self.config.path).map_err(|e| e.to_string())?;
        let mut st = db
            .prepare("SELECT name, firing FROM alert_state")
            .map_err(|e| e.to_string())?;
        let rows = st
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? != 0))
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<rusqlite::Result<HashMap<_, _>>>()
            .map_err(|e| e.to_string())
    }

    /// Saves a rule's firing state, so a restart does not send again an alert that
    /// is still firing (blocking).
    pub fn set_alert_state(&self, name: &str, firing: bool) -> Result<(), String> {
        let db = open_db(&self.config.path).map_err(|e| e.to_string())?;
        db.execute(
            "INSERT INTO alert_state (name, firing, since_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET firing = excluded.firing, since_ms = excluded.since_ms",
            params![
                name,
                i64::from(firing),
                rampart_ledger::Timestamp::now().unix_millis()
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

    /// Drift samples dropped because the writer fell behind.
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
        self.flush_and(timeout, false)
    }

    /// [`Monitor::flush`], and saves the drift windows (at shutdown).
    pub fn close(&self, timeout: Duration) -> bool {
        self.flush_and(timeout, true)
    }

    fn flush_and(&self, timeout: Duration, save: bool) -> bool {
        let (done, wait) = std::sync::mpsc::sync_channel(1);
        if self.tx.send(Msg::Flush(done, save)).is_err() {
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
        if let Some(shared) = &self.config.shared {
            return self.query_pg(shared, from).map_err(|e| e.to_string());
        }
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

impl Monitor {
    /// [`Monitor::query`] on the shared series: sums over every instance. A
    /// connection per query (queries are rare: the dashboard and the alert
    /// evaluator), opened and closed on the calling thread, which is never an async
    /// one (the synchronous client runs its own runtime).
    fn query_pg(&self, shared: &Shared, from: i64) -> Result<Totals, postgres::Error> {
        let mut client = pg_connect(&shared.url)?;
        let read = |c: &mut postgres::Client| -> Result<Totals, postgres::Error> {
            let mut totals = Totals::default();
            for row in c.query(
                "SELECT metric, label, SUM(value)::BIGINT FROM rampart_series WHERE minute >= $1 GROUP BY metric, label",
                &[&from],
            )? {
                let (m, l, v): (String, String, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                totals.sums.insert((m, l), u64::try_from(v).unwrap_or(0));
            }
            for row in c.query(
                "SELECT minute,
                        SUM(CASE WHEN metric = 'requests' THEN value ELSE 0 END)::BIGINT,
                        SUM(CASE WHEN metric = 'requests.decision' AND label = 'block' THEN value ELSE 0 END)::BIGINT
                 FROM rampart_series WHERE minute >= $1 AND metric IN ('requests', 'requests.decision')
                 GROUP BY minute ORDER BY minute",
                &[&from],
            )? {
                let (m, n, b): (i64, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                totals.timeline.push((m, u64::try_from(n).unwrap_or(0), u64::try_from(b).unwrap_or(0)));
            }
            Ok(totals)
        };
        read(&mut client)
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
    fn shard_labels_are_capped_and_cut() {
        let mut l = Labels::default();
        for i in 0..(MAX_LABELS + 5) {
            l.add(&format!("k{i}"), 2);
        }
        l.add("k0", 1);
        assert_eq!(l.counts.len(), MAX_LABELS);
        assert_eq!(l.other, 10);
        assert_eq!(l.counts["k0"], 3);
        let mut l = Labels::default();
        let long = "é".repeat(1000);
        l.add(&long, 1);
        l.add(&format!("{long}x"), 1);
        assert_eq!(l.counts.len(), 1, "both cut to the same label");
        assert!(l
            .counts
            .keys()
            .all(|k| k.chars().count() == MAX_LABEL_CHARS));
    }

    /// A monitor on `dir/m.sqlite` with no alerts, OTLP or shared series.
    fn test_config(dir: &Path, drift_windows: (usize, usize)) -> MonitorConfig {
        MonitorConfig {
            admin_listen: "127.0.0.1:0".parse().unwrap(),
            path: dir.join("m.sqlite"),
            retention: DEFAULT_RETENTION,
            checkpoint_note: None,
            alerts: Vec::new(),
            evaluate_every: Duration::from_secs(15),
            drift_windows,
            otlp: None,
            instance: "test".into(),
            shared: None,
        }
    }

    #[test]
    fn drift_baselines_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = test_config(dir.path(), (10, 20));
        let request = |text: &str, i: usize| {
            let mut a = crate::record::Audit::new(
                format!("req-{i:024x}"),
                "k".into(),
                "t".into(),
                "/v1/chat/completions",
                "m".into(),
            );
            let mut p = crate::drift::TextProfile::default();
            let chars = p.add(text);
            a.features = Some(p.features(chars, crate::inspect::Scores::default()));
            a
        };
        {
            let m = Monitor::open(cfg.clone()).unwrap();
            for i in 0..30 {
                m.request(&request("where is my order?", i));
            }
            assert!(m.close(Duration::from_secs(5)));
            assert!(m.drift_scores().get("drift.script", None) < 0.01);
            assert!(!m.drift_scores().by_group.is_empty());
        }
        // a new process: the baseline is there, so ten Russian requests are a shift
        let m = Monitor::open(cfg).unwrap();
        for i in 30..40 {
            m.request(&request("где мой заказ?", i));
        }
        assert!(m.flush(Duration::from_secs(5)));
        let s = m.drift_scores();
        assert!(s.get("drift.script", None) > 1.0, "{s:?}");
        let top = s.top("drift.script").unwrap();
        assert_eq!(top.examples.first(), Some(&39));
    }

    #[test]
    fn alert_states_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = test_config(dir.path(), (10, 20));
        let m = Monitor::open(cfg.clone()).unwrap();
        m.set_alert_state("a", true).unwrap();
        m.set_alert_state("b", true).unwrap();
        m.set_alert_state("b", false).unwrap();
        drop(m);
        let s = Monitor::open(cfg).unwrap().alert_states().unwrap();
        assert_eq!(s.get("a"), Some(&true));
        assert_eq!(s.get("b"), Some(&false));
    }

    #[test]
    fn a_minute_boundary_keeps_both_minutes() {
        let mut s = Shard {
            minute: 10,
            ..Shard::default()
        };
        s.at(10).requests += 2;
        s.at(11).requests += 1;
        s.at(10).requests += 1; // a clock step back counts in the current minute
        let mut batch = Batch::new();
        let mut labels = HashMap::new();
        for (m, a) in std::mem::take(&mut s.ended) {
            gather(&mut batch, &mut labels, m, a);
        }
        gather(
            &mut batch,
            &mut labels,
            s.minute,
            std::mem::take(&mut s.current),
        );
        assert_eq!(batch[&(10, "requests".into(), String::new())], 2);
        assert_eq!(batch[&(11, "requests".into(), String::new())], 2);
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
        let cfg = test_config(dir.path(), (10, 10));
        let sample = |decision, rules: &[&str]| {
            let mut a = crate::record::Audit::new(
                "req-01".into(),
                "k1".into(),
                "t".into(),
                "/v1/chat/completions",
                "m".into(),
            );
            a.decision = decision;
            a.rules = rules.iter().map(|r| r.to_string()).collect();
            a.tokens = (4, 6);
            a
        };
        use rampart_ledger::Decision;
        {
            let m = Monitor::open(cfg.clone()).unwrap();
            for _ in 0..3 {
                m.request(&sample(Decision::Allow, &[]));
            }
            m.request(&sample(Decision::Block, &["INJ001"]));
            m.latency(
                "/v1/chat/completions",
                Duration::from_millis(30),
                Some(Duration::from_millis(29)),
            );
            assert!(m.flush(Duration::from_secs(5)));
            m.request(&sample(Decision::Redact, &["PII001"]));
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
