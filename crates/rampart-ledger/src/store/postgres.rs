//! The PostgreSQL backend [`PostgresLedger`]: one log shared by several writers (several
//! gateway instances), each batching its own appends.
//!
//! # Tables
//!
//! The same as the SQLite backend's: `entry(idx, time_ms, data, body, body_sealed,
//! body_pruned)`, `node(level, idx, hash)` (every complete subtree hash, leaves at level
//! 0) and `meta(key, value)` (schema version and tree size). They are created in the
//! first schema of the connection's `search_path`; give the ledger a database or a
//! schema of its own (`options=-csearch_path=audit` in the URL).
//!
//! # One sequencer at a time
//!
//! Every instance runs a writer thread that gathers the appends waiting in its queue
//! (up to [`PostgresConfig::max_batch`]) and commits them in one transaction
//! (group commit, as in the SQLite backend). That transaction:
//!
//! 1. takes the transaction-level advisory lock [`SEQUENCER_LOCK`]
//!    (`pg_advisory_xact_lock`), waiting while another instance holds it;
//! 2. reads the tree size from `meta` and, unless this instance wrote the last batch
//!    itself, the right border of the tree (at most 64 stored subtree hashes) — after
//!    the lock is granted, and in `READ COMMITTED`, so each read sees the previous
//!    holder's commit;
//! 3. assigns the next indexes, inserts the entries, the leaf hashes and every subtree
//!    hash they complete, and the new size;
//! 4. commits; only then are the appends acknowledged to their callers.
//!
//! This is Trillian's single sequencer with the advisory lock as the lease: whoever
//! holds it is the only one integrating entries into the tree, and the next holder
//! starts from exactly the state the last one committed. Unlike a lease with an expiry,
//! the lock cannot be held by two sessions at once and needs no clock: the server
//! releases it when the transaction ends, whether by commit, rollback, or the death of
//! the session. The primary keys of `entry` and `node` are a second line of defence: a
//! writer that bypassed the lock would fail on a duplicate index rather than fork the
//! tree.
//!
//! # An instance that dies mid-batch
//!
//! Its connection closes (or, for a silent network failure, the server's
//! `idle_in_transaction_session_timeout` of [`LOCK_HOLD_TIMEOUT_S`] seconds ends it), so
//! the server rolls its transaction back and releases the lock: none of the batch's rows
//! remains, none of its appends had been acknowledged, and the next instance sequences
//! from the last committed size. If the instance dies after the commit but before
//! replying, the entries are durable but unacknowledged — the same as a crash of the
//! SQLite writer. If the connection is lost *during* the commit, the outcome is unknown
//! to the instance and its callers get [`LedgerError::CommitOutcomeUnknown`].
//!
//! # Durability
//!
//! An append is acknowledged only after its transaction committed. The session forces
//! `synchronous_commit = on` when the server default is `off`, so a commit means the WAL
//! is flushed; a server running with `fsync = off` cannot be made durable by a client.
//!
//! # Transport
//!
//! Connections are made without TLS: run PostgreSQL on loopback, a unix socket or a
//! private network. A URL with `sslmode=require` is refused rather than downgraded.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use postgres::{Client, IsolationLevel, NoTls, Row, Transaction};

use super::{
    checked_size, contiguous_entries, lock, prepare_entry, to_i64, verify_log, EntryRow,
    LedgerError, Prepared, SnapshotRows, Storage, StoredEntry, Verification,
};
use crate::crypto::BodyKey;
use crate::entry::{AuditEntry, Bodies, Timestamp};
use crate::merkle::{self, CompactRange, Hash, NodeSource, TreeHead};

/// The advisory lock key that makes one writer at a time the sequencer of the log
/// (`"rampartL"` as a big-endian `i64`). Shared by every ledger on a server: two
/// ledgers in one database (other schemas) serialise their batches, which is harmless.
pub const SEQUENCER_LOCK: i64 = i64::from_be_bytes(*b"rampartL");

/// How long (seconds) a session may sit idle inside a transaction — and so hold the
/// sequencer lock — before the server ends it: the longest a silently dead instance can
/// stall the others.
pub const LOCK_HOLD_TIMEOUT_S: u32 = 60;

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS entry (
    idx BIGINT PRIMARY KEY,
    time_ms BIGINT NOT NULL,
    data BYTEA NOT NULL,
    body BYTEA,
    body_sealed BOOLEAN NOT NULL DEFAULT FALSE,
    body_pruned BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS node (
    level INTEGER NOT NULL,
    idx BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);
";

/// Settings of a [`PostgresLedger`].
pub struct PostgresConfig {
    /// The connection string: a URL (`postgresql://user@host:5432/audit`) or
    /// `key=value` pairs (`host=/run/postgresql dbname=audit`).
    pub url: String,
    /// Keep prompt and response bodies (off by default: only their hashes are logged).
    pub store_bodies: bool,
    /// Seal stored bodies with this key (XChaCha20-Poly1305).
    pub body_key: Option<BodyKey>,
    /// Most entries committed in one transaction (default 16384).
    pub max_batch: usize,
}

impl std::fmt::Debug for PostgresConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: not printed.
        f.debug_struct("PostgresConfig")
            .field("store_bodies", &self.store_bodies)
            .field("body_key", &self.body_key.as_ref().map(|_| "<key>"))
            .field("max_batch", &self.max_batch)
            .finish_non_exhaustive()
    }
}

impl PostgresConfig {
    /// Defaults for the database at `url`: no bodies, batches of up to 16384.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            store_bodies: false,
            body_key: None,
            max_batch: 16_384,
        }
    }
}

/// The PostgreSQL backend: several instances may append to one log at once.
///
/// Dropping it stops the writer thread after the queued appends are committed.
pub struct PostgresLedger {
    tx: Mutex<Option<Sender<Request>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    reader: Mutex<Option<Client>>,
    pg: postgres::Config,
    /// The largest tree size this instance has seen committed (by anyone): sizes
    /// below it need no round trip to be known to exist.
    known_size: Arc<AtomicU64>,
    store_bodies: bool,
    body_key: Option<BodyKey>,
}

impl std::fmt::Debug for PostgresLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresLedger")
            .field("dbname", &self.pg.get_dbname())
            .finish_non_exhaustive()
    }
}

struct Request {
    items: Vec<Prepared>,
    reply: SyncSender<Result<Range<u64>, LedgerError>>,
}

fn size_from(value: i64) -> Result<u64, LedgerError> {
    u64::try_from(value).map_err(|_| LedgerError::Damaged {
        what: format!("negative tree size {value}"),
    })
}

/// Connects and sets up the session: durable commits, a bound on how long a dead
/// session can hold the sequencer lock.
fn connect(pg: &postgres::Config) -> Result<Client, LedgerError> {
    let mut client = pg.connect(NoTls)?;
    let sync: String = client
        .query_one("SHOW synchronous_commit", &[])?
        .try_get(0)?;
    if sync == "off" {
        client.batch_execute("SET synchronous_commit = on")?;
    }
    client.batch_execute(&format!(
        "SET idle_in_transaction_session_timeout = '{LOCK_HOLD_TIMEOUT_S}s'"
    ))?;
    Ok(client)
}

fn read_size<C: postgres::GenericClient>(c: &mut C) -> Result<u64, LedgerError> {
    let row = c.query_opt("SELECT value FROM meta WHERE key = 'size'", &[])?;
    match row {
        Some(r) => size_from(r.try_get(0)?),
        None => Err(LedgerError::Damaged {
            what: "the tree size is missing from meta".into(),
        }),
    }
}

/// The stored tree's nodes, for the merkle algorithms. The nodes a root, a proof or a
/// compact range needs depend only on indexes and sizes, never on hash values, so a dry
/// run ([`Nodes::Record`], answering zeros) lists them, one query fetches them all, and
/// the real run reads them from [`Nodes::Fetched`].
enum Nodes<'a> {
    Record(&'a RefCell<Vec<(u32, u64)>>),
    Fetched(HashMap<(u32, u64), Hash>),
}

impl NodeSource for Nodes<'_> {
    type Error = LedgerError;

    fn node_hash(&self, level: u32, index: u64) -> Result<Hash, LedgerError> {
        match self {
            Self::Record(wanted) => {
                wanted.borrow_mut().push((level, index));
                Ok([0; 32])
            }
            Self::Fetched(map) => {
                map.get(&(level, index))
                    .copied()
                    .ok_or_else(|| LedgerError::Damaged {
                        what: format!("tree node level {level} index {index}"),
                    })
            }
        }
    }
}

/// Runs `f` against the stored tree with one round trip for all the nodes it reads.
fn with_nodes<C: postgres::GenericClient, T>(
    c: &mut C,
    f: impl Fn(&Nodes<'_>) -> Result<T, LedgerError>,
) -> Result<T, LedgerError> {
    let wanted = RefCell::default();
    // Parameter errors (index beyond size, ...) surface here.
    f(&Nodes::Record(&wanted))?;
    let mut wanted = wanted.into_inner();
    wanted.sort_unstable();
    wanted.dedup();
    let fetched = fetch_nodes(c, &wanted)?;
    f(&fetched)
}

fn fetch_nodes<C: postgres::GenericClient>(
    c: &mut C,
    wanted: &[(u32, u64)],
) -> Result<Nodes<'static>, LedgerError> {
    let mut map = HashMap::with_capacity(wanted.len());
    if wanted.is_empty() {
        return Ok(Nodes::Fetched(map));
    }
    let levels: Vec<i32> = wanted
        .iter()
        .map(|&(l, _)| i32::try_from(l).unwrap_or(i32::MAX))
        .collect();
    let idxs: Vec<i64> = wanted.iter().map(|&(_, i)| to_i64(i)).collect();
    let rows = c.query(
        "SELECT n.level, n.idx, n.hash FROM node n
         JOIN unnest($1::integer[], $2::bigint[]) AS w(level, idx)
           ON n.level = w.level AND n.idx = w.idx",
        &[&levels, &idxs],
    )?;
    for r in rows {
        let level: i32 = r.try_get(0)?;
        let idx: i64 = r.try_get(1)?;
        let blob: &[u8] = r.try_get(2)?;
        let what = || format!("tree node level {level} index {idx}");
        let hash = Hash::try_from(blob).map_err(|_| LedgerError::Damaged { what: what() })?;
        if let (Ok(l), Ok(i)) = (u32::try_from(level), u64::try_from(idx)) {
            map.insert((l, i), hash);
        }
    }
    for &(level, index) in wanted {
        if !map.contains_key(&(level, index)) {
            return Err(LedgerError::Damaged {
                what: format!("tree node level {level} index {index}"),
            });
        }
    }
    Ok(Nodes::Fetched(map))
}

fn load_range<C: postgres::GenericClient>(
    c: &mut C,
    size: u64,
) -> Result<CompactRange, LedgerError> {
    with_nodes(c, |src| CompactRange::from_source(src, size))
}

impl PostgresLedger {
    /// Connects to the database at `config.url`, creates the tables if missing, and
    /// starts this instance's writer thread.
    ///
    /// # Errors
    /// [`LedgerError::PostgresConfig`] for a malformed URL, [`LedgerError::Postgres`]
    /// when the server cannot be reached or refuses, [`LedgerError::Schema`] for a
    /// database written by a newer rampart, [`LedgerError::Damaged`] when the stored
    /// tree cannot be read back.
    pub fn open(config: PostgresConfig) -> Result<Self, LedgerError> {
        // The synchronous client drives a runtime of its own, which tokio refuses to
        // start on a thread that runs async tasks: connecting happens on a plain
        // thread, so opening is safe from anywhere (an async handler included).
        std::thread::scope(|s| s.spawn(|| Self::open_here(config)).join())
            .unwrap_or(Err(LedgerError::WriterStopped))
    }

    fn open_here(config: PostgresConfig) -> Result<Self, LedgerError> {
        let pg: postgres::Config = config.url.parse().map_err(LedgerError::PostgresConfig)?;
        let mut reader = connect(&pg)?;
        let size = {
            // Under the sequencer lock, so instances starting together do not race
            // on CREATE TABLE.
            let mut tx = reader.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SEQUENCER_LOCK])?;
            tx.batch_execute(SCHEMA)?;
            let version = tx.query_opt("SELECT value FROM meta WHERE key = 'schema'", &[])?;
            match version.map(|r| r.try_get::<_, i64>(0)).transpose()? {
                None => {
                    tx.execute(
                        "INSERT INTO meta (key, value) VALUES ('schema', $1), ('size', 0)
                         ON CONFLICT (key) DO NOTHING",
                        &[&SCHEMA_VERSION],
                    )?;
                }
                Some(SCHEMA_VERSION) => {}
                Some(found) => {
                    return Err(LedgerError::Schema {
                        found,
                        supported: SCHEMA_VERSION,
                    })
                }
            }
            let size = read_size(&mut tx)?;
            // The stored tree must be readable before anything is appended to it.
            load_range(&mut tx, size)?;
            tx.commit()?;
            size
        };
        let known_size = Arc::new(AtomicU64::new(size));
        let writer_client = connect(&pg)?;
        let (tx, rx) = mpsc::channel::<Request>();
        let mut writer = Writer {
            pg: pg.clone(),
            client: Some(writer_client),
            range: None,
            known_size: Arc::clone(&known_size),
        };
        let max_batch = config.max_batch.max(1);
        let handle = std::thread::Builder::new()
            .name("rampart-ledger-pg-writer".into())
            .spawn(move || writer.run(&rx, max_batch))
            .map_err(|e| LedgerError::Damaged {
                what: format!("cannot start the writer thread: {e}"),
            })?;
        Ok(Self {
            tx: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(handle)),
            reader: Mutex::new(Some(reader)),
            pg,
            known_size,
            store_bodies: config.store_bodies,
            body_key: config.body_key,
        })
    }

    /// Runs `f` on the reader connection, reconnecting first if it was lost.
    fn read<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let mut guard = lock(&self.reader);
        if guard.as_ref().is_none_or(Client::is_closed) {
            *guard = None;
            *guard = Some(connect(&self.pg)?);
        }
        let Some(client) = guard.as_mut() else {
            return Err(LedgerError::WriterStopped);
        };
        f(client)
    }

    fn submit(&self, items: Vec<Prepared>) -> Result<Range<u64>, LedgerError> {
        let (reply, answer) = mpsc::sync_channel(1);
        {
            let tx = lock(&self.tx);
            let tx = tx.as_ref().ok_or(LedgerError::WriterStopped)?;
            tx.send(Request { items, reply })
                .map_err(|_| LedgerError::WriterStopped)?;
        }
        answer.recv().map_err(|_| LedgerError::WriterStopped)?
    }

    /// The current size, read from the database (other instances append too).
    fn current_size(&self) -> Result<u64, LedgerError> {
        let size = self.read(read_size)?;
        self.known_size.fetch_max(size, Ordering::Relaxed);
        Ok(size)
    }

    /// Checks that a tree of `size` entries exists, asking the database only when this
    /// instance has not seen one that large.
    fn check_size(&self, size: u64) -> Result<(), LedgerError> {
        if size <= self.known_size.load(Ordering::Relaxed) {
            return Ok(());
        }
        let current = self.current_size()?;
        if size > current {
            return Err(LedgerError::BeyondTree {
                what: "tree size",
                requested: size,
                size: current,
            });
        }
        Ok(())
    }
}

/// Dropping waits for the queued appends to commit. The reader connection is closed
/// on a plain thread, so the ledger may be dropped anywhere, inside an async runtime
/// included (closing the synchronous client there would panic).
impl Drop for PostgresLedger {
    fn drop(&mut self) {
        lock(&self.tx).take();
        if let Some(w) = lock(&self.writer).take() {
            let _ = w.join();
        }
        if let Some(client) = lock(&self.reader).take() {
            let _ = std::thread::spawn(move || drop(client)).join();
        }
    }
}

/// Why a batch failed, shared by all its appends.
enum Failure {
    /// Rolled back: nothing appended.
    RolledBack(Arc<postgres::Error>),
    /// The connection broke during COMMIT.
    Unknown(Arc<postgres::Error>),
    /// The stored tree is unreadable (or the connection could not be made).
    Other(String),
}

impl Failure {
    fn to_error(&self) -> LedgerError {
        match self {
            Self::RolledBack(e) => LedgerError::PostgresCommit(Arc::clone(e)),
            Self::Unknown(e) => LedgerError::CommitOutcomeUnknown(Arc::clone(e)),
            Self::Other(what) => LedgerError::Damaged { what: what.clone() },
        }
    }
}

impl From<LedgerError> for Failure {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::Postgres(e) => Self::RolledBack(Arc::new(e)),
            other => Self::Other(other.to_string()),
        }
    }
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Self {
        Self::RolledBack(Arc::new(e))
    }
}

/// This instance's writer: gathers appends into batches and sequences them under the
/// advisory lock.
struct Writer {
    pg: postgres::Config,
    client: Option<Client>,
    /// The border of the tree as this writer last committed it; reused when nobody
    /// else committed since.
    range: Option<CompactRange>,
    known_size: Arc<AtomicU64>,
}

impl Writer {
    fn run(&mut self, rx: &Receiver<Request>, max_batch: usize) {
        while let Ok(first) = rx.recv() {
            let mut count = first.items.len();
            let mut batch = vec![first];
            while count < max_batch {
                match rx.try_recv() {
                    Ok(r) => {
                        count += r.items.len();
                        batch.push(r);
                    }
                    Err(_) => break,
                }
            }
            match self.commit(&batch) {
                Ok(ranges) => {
                    for (req, r) in batch.into_iter().zip(ranges) {
                        let _ = req.reply.send(Ok(r));
                    }
                }
                Err(f) => {
                    self.range = None;
                    if self.client.as_ref().is_some_and(Client::is_closed) {
                        self.client = None;
                    }
                    for req in batch {
                        let _ = req.reply.send(Err(f.to_error()));
                    }
                }
            }
        }
    }

    fn commit(&mut self, batch: &[Request]) -> Result<Vec<Range<u64>>, Failure> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = None;
            self.client = Some(connect(&self.pg)?);
        }
        let Some(client) = self.client.as_mut() else {
            return Err(Failure::Other("no connection to PostgreSQL".into()));
        };
        let mut tx = client.transaction()?;
        // The lease: one sequencer at a time, released by the server at commit,
        // rollback or the end of the session.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SEQUENCER_LOCK])?;
        let size = read_size(&mut tx)?;
        let mut range = match self.range.take() {
            Some(r) if r.size() == size => r,
            _ => load_range(&mut tx, size)?,
        };
        let (ranges, nodes) = sequence(&mut range, batch);
        insert(&mut tx, batch, size, &nodes)?;
        tx.execute(
            "UPDATE meta SET value = $1 WHERE key = 'size'",
            &[&to_i64(range.size())],
        )?;
        tx.commit().map_err(|e| {
            if e.as_db_error().is_some() {
                Failure::RolledBack(Arc::new(e))
            } else {
                Failure::Unknown(Arc::new(e))
            }
        })?;
        self.known_size.fetch_max(range.size(), Ordering::Relaxed);
        self.range = Some(range);
        Ok(ranges)
    }
}

/// A tree node completed by a batch: `(level, index, hash)`.
type NewNode = (u32, u64, Hash);

/// Assigns indexes to the batch and integrates it into `range`; returns each request's
/// index range and every node completed.
fn sequence(range: &mut CompactRange, batch: &[Request]) -> (Vec<Range<u64>>, Vec<NewNode>) {
    let mut ranges = Vec::with_capacity(batch.len());
    let mut nodes = Vec::new();
    for req in batch {
        let start = range.size();
        for p in &req.items {
            range.push(p.leaf, |level, index, hash| {
                nodes.push((level, index, *hash))
            });
        }
        ranges.push(start..range.size());
    }
    (ranges, nodes)
}

/// Inserts the batch's entries from index `first` and its nodes: one statement each,
/// whatever the batch size.
fn insert(
    tx: &mut Transaction<'_>,
    batch: &[Request],
    first: u64,
    nodes: &[NewNode],
) -> Result<(), postgres::Error> {
    let items: Vec<&Prepared> = batch.iter().flat_map(|r| &r.items).collect();
    let idx: Vec<i64> = (0..items.len() as u64).map(|k| to_i64(first + k)).collect();
    let time: Vec<i64> = items.iter().map(|p| p.time_ms).collect();
    let data: Vec<&[u8]> = items.iter().map(|p| p.data.as_slice()).collect();
    let body: Vec<Option<&[u8]>> = items.iter().map(|p| p.body.as_deref()).collect();
    let sealed: Vec<bool> = items.iter().map(|p| p.sealed).collect();
    tx.execute(
        "INSERT INTO entry (idx, time_ms, data, body, body_sealed)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[], $5::boolean[])",
        &[&idx, &time, &data, &body, &sealed],
    )?;
    let level: Vec<i32> = nodes
        .iter()
        .map(|n| i32::try_from(n.0).unwrap_or(i32::MAX))
        .collect();
    let nidx: Vec<i64> = nodes.iter().map(|n| to_i64(n.1)).collect();
    let hash: Vec<&[u8]> = nodes.iter().map(|n| &n.2[..]).collect();
    tx.execute(
        "INSERT INTO node (level, idx, hash)
         SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bytea[])",
        &[&level, &nidx, &hash],
    )?;
    Ok(())
}

impl Storage for PostgresLedger {
    fn append(&self, entry: AuditEntry, bodies: Option<Bodies>) -> Result<u64, LedgerError> {
        let p = prepare_entry(entry, bodies, self.store_bodies, self.body_key.as_ref())?;
        Ok(self.submit(vec![p])?.start)
    }

    fn append_batch(
        &self,
        items: Vec<(AuditEntry, Option<Bodies>)>,
    ) -> Result<Range<u64>, LedgerError> {
        if items.is_empty() {
            let s = self.current_size()?;
            return Ok(s..s);
        }
        let prepared = items
            .into_iter()
            .map(|(e, b)| prepare_entry(e, b, self.store_bodies, self.body_key.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        self.submit(prepared)
    }

    fn tree_head(&self) -> Result<TreeHead, LedgerError> {
        let head = self.read(|c| {
            // One snapshot for the size and the nodes (nodes are never rewritten, but
            // this also keeps the head consistent with a concurrent truncation).
            let mut tx = c
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let size = read_size(&mut tx)?;
            let root = with_nodes(&mut tx, |src| merkle::root(src, size))?;
            tx.commit()?;
            Ok(TreeHead { size, root })
        })?;
        self.known_size.fetch_max(head.size, Ordering::Relaxed);
        Ok(head)
    }

    fn tree_head_at(&self, size: u64) -> Result<TreeHead, LedgerError> {
        self.check_size(size)?;
        let root = self.read(|c| with_nodes(c, |src| merkle::root(src, size)))?;
        Ok(TreeHead { size, root })
    }

    fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, LedgerError> {
        self.check_size(size)?;
        self.read(|c| with_nodes(c, |src| merkle::inclusion_proof(src, index, size)))
    }

    fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, LedgerError> {
        self.check_size(new)?;
        self.read(|c| with_nodes(c, |src| merkle::consistency_proof(src, old, new)))
    }

    fn entry(&self, index: u64) -> Result<StoredEntry, LedgerError> {
        // The size this instance already knows suffices unless the entry lies past it.
        let known = self.known_size.load(Ordering::Relaxed);
        let size = if index < known {
            known
        } else {
            self.current_size()?
        };
        crate::store::one_entry(index, size, |r| self.entries(r))
    }

    fn entries(&self, range: Range<u64>) -> Result<Vec<StoredEntry>, LedgerError> {
        let known = self.known_size.load(Ordering::Relaxed);
        let size = if range.end > known {
            self.current_size()?
        } else {
            known
        };
        let end = range.end.min(size);
        let start = range.start.min(end);
        let rows = self.read(|c| {
            Ok(c.query(
                "SELECT idx, data, body, body_sealed, body_pruned FROM entry
                 WHERE idx >= $1 AND idx < $2 ORDER BY idx",
                &[&to_i64(start), &to_i64(end)],
            )?)
        })?;
        let rows = rows.iter().map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get(4)?,
            ))
        });
        contiguous_entries(start, end, rows, self.body_key.as_ref())
    }

    fn verify_all(&self, trusted: Option<&TreeHead>) -> Result<Verification, LedgerError> {
        // A connection of its own, so proofs are served while a long verify runs, and
        // one REPEATABLE READ snapshot while appends go on.
        let mut client = connect(&self.pg)?;
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let stored_size = read_size(&mut tx)?;
        let size = match checked_size(trusted, stored_size) {
            Ok(size) => size,
            Err(truncated) => return Ok(Verification::Tampered(truncated)),
        };
        let levels = (64 - size.leading_zeros()).max(1);
        let entries = Cursor::open(
            &mut tx,
            "SELECT idx, data, body, body_sealed FROM entry
             WHERE idx >= 0 AND idx < $1 ORDER BY idx",
            to_i64(size),
            4096,
        )?;
        let mut nodes = Vec::with_capacity(levels as usize);
        for level in 0..levels {
            let limit = to_i64(size >> level);
            let portal = tx.bind(
                "SELECT idx, hash FROM node WHERE level = $1 AND idx < $2 ORDER BY idx",
                &[&i32::try_from(level).unwrap_or(i32::MAX), &limit],
            )?;
            nodes.push(Cursor {
                portal,
                buf: Vec::new().into_iter(),
                chunk: (4096 >> level).max(64),
                done: false,
            });
        }
        let mut rows = PgRows { tx, entries, nodes };
        let verdict = verify_log(
            &mut rows,
            size,
            stored_size,
            trusted,
            self.body_key.as_ref(),
        )?;
        rows.tx.commit()?;
        Ok(verdict)
    }

    fn prune_bodies(&self, older_than: Timestamp) -> Result<u64, LedgerError> {
        self.read(|c| {
            Ok(c.execute(
                "UPDATE entry SET body = NULL, body_pruned = TRUE
                 WHERE body IS NOT NULL AND time_ms < $1",
                &[&older_than.unix_millis()],
            )?)
        })
    }
}

/// Rows of a portal, fetched a chunk at a time.
struct Cursor {
    portal: postgres::Portal,
    buf: std::vec::IntoIter<Row>,
    chunk: i32,
    done: bool,
}

impl Cursor {
    fn open(
        tx: &mut Transaction<'_>,
        sql: &str,
        limit: i64,
        chunk: i32,
    ) -> Result<Self, LedgerError> {
        Ok(Self {
            portal: tx.bind(sql, &[&limit])?,
            buf: Vec::new().into_iter(),
            chunk,
            done: false,
        })
    }

    fn next(&mut self, tx: &mut Transaction<'_>) -> Result<Option<Row>, LedgerError> {
        if let Some(r) = self.buf.next() {
            return Ok(Some(r));
        }
        if self.done {
            return Ok(None);
        }
        let rows = tx.query_portal(&self.portal, self.chunk)?;
        if rows.len() < usize::try_from(self.chunk).unwrap_or(usize::MAX) {
            self.done = true;
        }
        self.buf = rows.into_iter();
        Ok(self.buf.next())
    }
}

struct PgRows<'c> {
    tx: Transaction<'c>,
    entries: Cursor,
    nodes: Vec<Cursor>,
}

impl SnapshotRows for PgRows<'_> {
    fn next_entry(&mut self) -> Result<Option<EntryRow>, LedgerError> {
        match self.entries.next(&mut self.tx)? {
            Some(r) => Ok(Some((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
            ))),
            None => Ok(None),
        }
    }

    fn next_node(&mut self, level: u32) -> Result<Option<(i64, Vec<u8>)>, LedgerError> {
        let Some(cur) = self.nodes.get_mut(level as usize) else {
            return Ok(None);
        };
        match cur.next(&mut self.tx)? {
            Some(r) => Ok(Some((r.try_get(0)?, r.try_get(1)?))),
            None => Ok(None),
        }
    }

    fn leaf_position(&mut self, leaf: &Hash) -> Result<Option<i64>, LedgerError> {
        let row = self.tx.query_opt(
            "SELECT idx FROM node WHERE level = 0 AND hash = $1 LIMIT 1",
            &[&&leaf[..]],
        )?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    fn first_outside(&mut self, size: u64) -> Result<Option<i64>, LedgerError> {
        let row = self.tx.query_one(
            "SELECT MIN(idx) FROM entry WHERE idx >= $1 OR idx < 0",
            &[&to_i64(size)],
        )?;
        Ok(row.try_get(0)?)
    }
}
