//! The gateway's path into the ledger: request handlers hand entries to one audit
//! thread over a bounded queue and return at once; the thread drains whatever has
//! queued up into one `append_batch` (one group commit), so the cost of durability
//! is shared by every request in flight instead of parking a thread per request.
//! By default the thread waits [`GATHER`] after the first entry of every batch, so
//! at a moderate rate too (500 requests a second) one commit serves several requests
//! and the thread is woken once per batch rather than once per request.
//!
//! Nothing is dropped: when the queue is full the entry waits in a task for room
//! (backpressure shows as latency, never as a lost record), and dropping the
//! [`Auditor`] closes the queue and waits until every queued entry is durable.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use rampart_ledger::{AuditEntry, Bodies, Storage};
use tokio::sync::mpsc;

/// Entries that may wait in the queue.
const QUEUE: usize = 65_536;
/// Largest batch appended at once.
const BATCH: usize = 4096;
/// How long the audit thread waits for more entries when several are queued, by
/// default: one commit (WAL write and fsync) then serves every request of those
/// milliseconds. A commit has a fixed cost that dwarfs an entry's (SQLite, this
/// machine, `examples/ledger_batches.rs`: 261 us of CPU per entry committed one at
/// a time, 57 us in batches of 8, 29 us of 32, 17 us of 128), so under load
/// gathering for longer saves most of the ledger's CPU. It widens the window of
/// answers a crash can lose by as much (the entries of the last few milliseconds).
pub const GATHER: std::time::Duration = std::time::Duration::from_millis(3);
/// The same in durable mode, where every answer waits for its commit: shorter, so
/// a durable answer waits at most this longer than its commit.
pub const GATHER_DURABLE: std::time::Duration = std::time::Duration::from_millis(1);

/// When the audit thread waits for more entries before it commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gather {
    /// After the first entry of every batch, for this long: the default mode, where
    /// answers do not wait for the commit (the crash window grows by as much).
    Always(std::time::Duration),
    /// Only when several entries are already queued: durable mode, where each
    /// answer waits for its commit and a lone request should not wait longer.
    UnderLoad(std::time::Duration),
}

/// Moves what is queued into `batch`, up to [`BATCH`].
fn drain(rx: &mut mpsc::Receiver<Item>, batch: &mut Vec<Item>) {
    while batch.len() < BATCH {
        match rx.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
}

/// An entry, its bodies, and who waits to hear it is durable (durable mode).
type Item = (
    AuditEntry,
    Option<Bodies>,
    Option<tokio::sync::oneshot::Sender<bool>>,
);

/// The audit queue and its thread.
pub struct Auditor {
    tx: Option<mpsc::Sender<Item>>,
    worker: Option<JoinHandle<()>>,
    failures: Arc<AtomicU64>,
}

impl Auditor {
    /// Starts the audit thread for `ledger`, gathering for [`GATHER`] after the
    /// first entry of each batch.
    pub fn start(ledger: Arc<dyn Storage>) -> std::io::Result<Auditor> {
        Auditor::start_gathering(ledger, Gather::Always(GATHER))
    }

    /// Starts the audit thread for `ledger`, waiting for more entries before each
    /// commit as `gather` says.
    pub fn start_gathering(ledger: Arc<dyn Storage>, gather: Gather) -> std::io::Result<Auditor> {
        let (period, always) = match gather {
            Gather::Always(p) => (p, true),
            Gather::UnderLoad(p) => (p, false),
        };
        let (tx, mut rx) = mpsc::channel::<Item>(QUEUE);
        let failures = Arc::new(AtomicU64::new(0));
        let failed = Arc::clone(&failures);
        let worker = std::thread::Builder::new()
            .name("rampart-audit".into())
            .spawn(move || {
                while let Some(first) = rx.blocking_recv() {
                    let mut batch = vec![first];
                    drain(&mut rx, &mut batch);
                    // Wait one gather period for more entries: one commit (and
                    // one fsync) then serves many requests instead of a few, and
                    // entries queued meanwhile wake no thread. It adds at most
                    // `period` to the crash window.
                    if batch.len() < BATCH && (always || batch.len() > 1) {
                        std::thread::sleep(period);
                        drain(&mut rx, &mut batch);
                    }
                    append(ledger.as_ref(), batch, &failed);
                }
            })?;
        Ok(Auditor {
            tx: Some(tx),
            worker: Some(worker),
            failures,
        })
    }

    /// Queues an entry; returns at once.
    pub fn submit(&self, entry: AuditEntry, bodies: Option<Bodies>) {
        self.enqueue((entry, bodies, None));
    }

    /// [`Auditor::submit`], and a receiver told `true` once the entry is durable
    /// (`false` when the ledger refused it).
    pub fn submit_durable(
        &self,
        entry: AuditEntry,
        bodies: Option<Bodies>,
    ) -> tokio::sync::oneshot::Receiver<bool> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.enqueue((entry, bodies, Some(tx)));
        rx
    }

    fn enqueue(&self, item: Item) {
        let Some(tx) = &self.tx else {
            return;
        };
        match tx.try_send(item) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(item)) => {
                let tx = tx.clone();
                match tokio::runtime::Handle::try_current() {
                    Ok(rt) => {
                        rt.spawn(async move {
                            let _ = tx.send(item).await;
                        });
                    }
                    // Outside a runtime: wait for room here.
                    Err(_) => {
                        let _ = tx.blocking_send(item);
                    }
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Entries that could not be appended (each also logged).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }
}

/// Appends a batch; if the batch is refused, each entry is tried alone so one bad
/// entry cannot take the others with it.
fn append(ledger: &dyn Storage, batch: Vec<Item>, failures: &AtomicU64) {
    let n = batch.len();
    let mut acks = Vec::with_capacity(n);
    let mut items = Vec::with_capacity(n);
    for (entry, bodies, ack) in batch {
        acks.push(ack);
        items.push((entry, bodies));
    }
    let retry = if n > 1 { Some(items.clone()) } else { None };
    let Err(e) = ledger.append_batch(items) else {
        for ack in acks.into_iter().flatten() {
            let _ = ack.send(true);
        }
        return;
    };
    let Some(items) = retry else {
        failures.fetch_add(1, Ordering::Relaxed);
        tracing::error!(target: "rampart::gateway", error = %e, "audit entry not appended");
        for ack in acks.into_iter().flatten() {
            let _ = ack.send(false);
        }
        return;
    };
    tracing::warn!(target: "rampart::gateway", error = %e, entries = n, "audit batch refused; appending one by one");
    for ((entry, bodies), ack) in items.into_iter().zip(acks) {
        let id = entry.request_id.clone();
        let ok = match ledger.append(entry, bodies) {
            Ok(_) => true,
            Err(e) => {
                failures.fetch_add(1, Ordering::Relaxed);
                tracing::error!(target: "rampart::gateway", request_id = %id, error = %e, "audit entry not appended");
                false
            }
        };
        if let Some(ack) = ack {
            let _ = ack.send(ok);
        }
    }
}

impl Drop for Auditor {
    /// Closes the queue and waits until every queued entry is durable.
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use rampart_ledger::{Decision, SqliteConfig, SqliteLedger, Timestamp};

    use super::*;

    fn entry(id: String, model: String) -> AuditEntry {
        AuditEntry {
            time: Timestamp::now(),
            request_id: id,
            principal: "k".into(),
            tenant: "t".into(),
            route: "/v1/chat/completions".into(),
            model,
            upstream: "u".into(),
            decision: Decision::Allow,
            rules: Vec::new(),
            tokens_in: 1,
            tokens_out: 2,
            prompt_sha256: None,
            response_sha256: None,
        }
    }

    #[test]
    fn every_queued_entry_is_durable_after_drop_and_a_bad_one_costs_only_itself() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let ledger: Arc<dyn Storage> = Arc::new(
            SqliteLedger::open(SqliteConfig::new(dir.path().join("l.sqlite")))
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let auditor =
            Arc::new(Auditor::start(Arc::clone(&ledger)).unwrap_or_else(|e| panic!("{e}")));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let a = Arc::clone(&auditor);
                std::thread::spawn(move || {
                    for i in 0..500 {
                        a.submit(entry(format!("r{t}-{i}"), "m".into()), None);
                        if t == 0 && i == 250 {
                            // Larger than a ledger entry may be.
                            a.submit(entry("too-big".into(), "x".repeat(1 << 20)), None);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap_or_else(|_| panic!("submitter panicked"));
        }
        let Ok(auditor) = Arc::try_unwrap(auditor) else {
            panic!("auditor still shared")
        };
        let failures = Arc::clone(&auditor.failures);
        drop(auditor);
        assert_eq!(
            failures.load(Ordering::Relaxed),
            1,
            "only the oversized entry"
        );
        assert_eq!(
            ledger.tree_head().unwrap_or_else(|e| panic!("{e}")).size,
            2000
        );
    }

    fn ledger() -> (tempfile::TempDir, Arc<dyn Storage>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let ledger: Arc<dyn Storage> = Arc::new(
            SqliteLedger::open(SqliteConfig::new(dir.path().join("l.sqlite")))
                .unwrap_or_else(|e| panic!("{e}")),
        );
        (dir, ledger)
    }

    fn size(ledger: &Arc<dyn Storage>) -> u64 {
        ledger.tree_head().unwrap_or_else(|e| panic!("{e}")).size
    }

    /// The default mode waits a gather period after a lone entry too (entries that
    /// follow within it share its commit); dropping the auditor still commits it.
    #[test]
    fn a_lone_entry_waits_for_company_by_default_and_is_committed_on_drop() {
        let (_dir, ledger) = ledger();
        let gather = std::time::Duration::from_secs(3);
        let auditor = Auditor::start_gathering(Arc::clone(&ledger), Gather::Always(gather))
            .unwrap_or_else(|e| panic!("{e}"));
        auditor.submit(entry("lone".into(), "m".into()), None);
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(size(&ledger), 0, "still gathering");
        auditor.submit(entry("second".into(), "m".into()), None);
        drop(auditor);
        assert_eq!(size(&ledger), 2);
    }

    /// In durable mode a lone entry is committed without waiting for others.
    #[test]
    fn under_load_gathering_commits_a_lone_entry_at_once() {
        let (_dir, ledger) = ledger();
        let gather = std::time::Duration::from_secs(30);
        let auditor = Auditor::start_gathering(Arc::clone(&ledger), Gather::UnderLoad(gather))
            .unwrap_or_else(|e| panic!("{e}"));
        let rx = auditor.submit_durable(entry("lone".into(), "m".into()), None);
        let (tx, told) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(rx.blocking_recv()));
        let durable = told
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("not durable within 10 s: it waited to gather"));
        assert_eq!(durable, Ok(true));
        assert_eq!(size(&ledger), 1);
    }
}
