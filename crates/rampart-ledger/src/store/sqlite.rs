//! The SQLite backend.
//!
//! # Durability
//!
//! [`Storage::append`] returns only after the entry is on stable storage. One writer
//! thread takes every append waiting in its queue (up to [`SqliteConfig::max_batch`]
//! entries) and commits them in one transaction — group commit: while one batch is
//! being fsynced, the next one gathers. The database is in WAL mode with
//! `synchronous=FULL`, so SQLite fsyncs the WAL at every commit; an acknowledged entry
//! survives a process crash *and* a power loss (given a disk that honours fsync). The
//! entry rows, their leaf hashes, the tree nodes they complete and the new tree size
//! are written in the same transaction, so after any crash the database holds a whole
//! number of batches and a consistent tree.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use super::{
    checked_size, contiguous_entries, create_private_file, lock, one_entry, prepare_entry, to_i64,
    verify_log, EntryRow, LedgerError, Prepared, SnapshotRows, Storage, StoredEntry, Verification,
};
use crate::crypto::BodyKey;
use crate::entry::{AuditEntry, Bodies, Timestamp};
use crate::merkle::{self, CompactRange, Hash, NodeSource, TreeHead};

/// Settings of a [`SqliteLedger`].
#[derive(Debug)]
pub struct SqliteConfig {
    /// The database file (created if missing; `-wal` and `-shm` files sit beside it).
    pub path: PathBuf,
    /// Keep prompt and response bodies (off by default: only their hashes are logged).
    pub store_bodies: bool,
    /// Seal stored bodies with this key (XChaCha20-Poly1305).
    pub body_key: Option<BodyKey>,
    /// Most entries committed in one transaction (default 16384).
    pub max_batch: usize,
}

impl SqliteConfig {
    /// Defaults for the database at `path`: no bodies, batches of up to 16384.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            store_bodies: false,
            body_key: None,
            max_batch: 16_384,
        }
    }
}

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entry (
    idx INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    data BLOB NOT NULL,
    body BLOB,
    body_sealed INTEGER NOT NULL DEFAULT 0,
    body_pruned INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS node (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
";

struct Request {
    items: Vec<Prepared>,
    reply: SyncSender<Result<Range<u64>, LedgerError>>,
}

/// The SQLite backend: one file, WAL, `synchronous=FULL`, group commit.
///
/// Dropping it stops the writer thread after the queued appends are committed.
pub struct SqliteLedger {
    tx: Mutex<Option<Sender<Request>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    reader: Mutex<Connection>,
    head: Arc<Mutex<TreeHead>>,
    store_bodies: bool,
    body_key: Option<BodyKey>,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteLedger")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn open_connection(path: &Path) -> Result<Connection, LedgerError> {
    create_private_file(path).map_err(|source| LedgerError::Create {
        path: path.to_path_buf(),
        source,
    })?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

/// Reads complete-subtree hashes from the `node` table.
struct SqlNodes<'c>(&'c Connection);

impl NodeSource for SqlNodes<'_> {
    type Error = LedgerError;

    fn node_hash(&self, level: u32, index: u64) -> Result<Hash, LedgerError> {
        let mut st = self
            .0
            .prepare_cached("SELECT hash FROM node WHERE level = ?1 AND idx = ?2")?;
        let blob: Option<Vec<u8>> = st
            .query_row(params![level, to_i64(index)], |r| r.get(0))
            .optional()?;
        let what = || format!("tree node level {level} index {index}");
        match blob {
            Some(b) => hash_from_blob(&b, what),
            None => Err(LedgerError::Damaged { what: what() }),
        }
    }
}

impl SqliteLedger {
    /// Opens (or creates) the ledger at `config.path` and starts its writer thread.
    ///
    /// # Errors
    /// [`LedgerError::Database`], [`LedgerError::Schema`], or [`LedgerError::Damaged`]
    /// when the stored tree cannot be read back.
    pub fn open(config: SqliteConfig) -> Result<Self, LedgerError> {
        let mut wconn = open_connection(&config.path)?;
        wconn.execute_batch(SCHEMA)?;
        let version: Option<i64> = wconn
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()?;
        match version {
            None => {
                wconn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?1), ('size', 0)",
                    [SCHEMA_VERSION],
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
        let size: i64 = wconn.query_row("SELECT value FROM meta WHERE key = 'size'", [], |r| {
            r.get(0)
        })?;
        let size = u64::try_from(size).map_err(|_| LedgerError::Damaged {
            what: format!("negative tree size {size}"),
        })?;
        let range = CompactRange::from_source(&SqlNodes(&wconn), size)?;
        let head = Arc::new(Mutex::new(range.tree_head()));
        let reader = open_connection(&config.path)?;

        let (tx, rx) = mpsc::channel::<Request>();
        let max_batch = config.max_batch.max(1);
        let writer_head = Arc::clone(&head);
        let writer = std::thread::Builder::new()
            .name("rampart-ledger-writer".into())
            .spawn(move || writer_loop(&mut wconn, range, &rx, max_batch, &writer_head))
            .map_err(|e| LedgerError::Damaged {
                what: format!("cannot start the writer thread: {e}"),
            })?;
        Ok(Self {
            tx: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(writer)),
            reader: Mutex::new(reader),
            head,
            store_bodies: config.store_bodies,
            body_key: config.body_key,
            path: config.path,
        })
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn prepare(&self, entry: AuditEntry, bodies: Option<Bodies>) -> Result<Prepared, LedgerError> {
        prepare_entry(entry, bodies, self.store_bodies, self.body_key.as_ref())
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

    fn current_size(&self) -> u64 {
        lock(&self.head).size
    }

    fn check_size(&self, size: u64) -> Result<(), LedgerError> {
        let current = self.current_size();
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

impl Drop for SqliteLedger {
    fn drop(&mut self) {
        lock(&self.tx).take();
        if let Some(w) = lock(&self.writer).take() {
            let _ = w.join();
        }
    }
}

fn writer_loop(
    conn: &mut Connection,
    mut range: CompactRange,
    rx: &Receiver<Request>,
    max_batch: usize,
    head: &Mutex<TreeHead>,
) {
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
        let before = range.clone();
        match commit_batch(conn, &mut range, &batch) {
            Ok(ranges) => {
                *lock(head) = range.tree_head();
                for (req, r) in batch.into_iter().zip(ranges) {
                    let _ = req.reply.send(Ok(r));
                }
            }
            Err(e) => {
                range = before;
                let e = Arc::new(e);
                for req in batch {
                    let _ = req.reply.send(Err(LedgerError::Commit(Arc::clone(&e))));
                }
            }
        }
    }
}

fn commit_batch(
    conn: &mut Connection,
    range: &mut CompactRange,
    batch: &[Request],
) -> Result<Vec<Range<u64>>, rusqlite::Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut ranges = Vec::with_capacity(batch.len());
    {
        let mut ins_entry = tx.prepare_cached(
            "INSERT INTO entry (idx, time_ms, data, body, body_sealed) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut ins_node =
            tx.prepare_cached("INSERT INTO node (level, idx, hash) VALUES (?1, ?2, ?3)")?;
        for req in batch {
            let start = range.size();
            for p in &req.items {
                let idx = to_i64(range.size());
                ins_entry.execute(params![idx, p.time_ms, p.data, p.body, p.sealed])?;
                let mut err = None;
                range.push(p.leaf, |level, index, hash| {
                    if err.is_none() {
                        if let Err(e) = ins_node.execute(params![level, to_i64(index), &hash[..]]) {
                            err = Some(e);
                        }
                    }
                });
                if let Some(e) = err {
                    return Err(e);
                }
            }
            ranges.push(start..range.size());
        }
        // cached: a statement prepared per commit cost 5% of the gateway's CPU
        tx.prepare_cached("UPDATE meta SET value = ?1 WHERE key = 'size'")?
            .execute([to_i64(range.size())])?;
    }
    tx.commit()?;
    Ok(ranges)
}

impl Storage for SqliteLedger {
    fn append(&self, entry: AuditEntry, bodies: Option<Bodies>) -> Result<u64, LedgerError> {
        let p = self.prepare(entry, bodies)?;
        Ok(self.submit(vec![p])?.start)
    }

    fn append_batch(
        &self,
        items: Vec<(AuditEntry, Option<Bodies>)>,
    ) -> Result<Range<u64>, LedgerError> {
        if items.is_empty() {
            let s = self.current_size();
            return Ok(s..s);
        }
        let prepared = items
            .into_iter()
            .map(|(e, b)| self.prepare(e, b))
            .collect::<Result<Vec<_>, _>>()?;
        self.submit(prepared)
    }

    fn tree_head(&self) -> Result<TreeHead, LedgerError> {
        Ok(*lock(&self.head))
    }

    fn tree_head_at(&self, size: u64) -> Result<TreeHead, LedgerError> {
        self.check_size(size)?;
        let conn = lock(&self.reader);
        Ok(TreeHead {
            size,
            root: merkle::root(&SqlNodes(&conn), size)?,
        })
    }

    fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, LedgerError> {
        self.check_size(size)?;
        let conn = lock(&self.reader);
        merkle::inclusion_proof(&SqlNodes(&conn), index, size)
    }

    fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, LedgerError> {
        self.check_size(new)?;
        let conn = lock(&self.reader);
        merkle::consistency_proof(&SqlNodes(&conn), old, new)
    }

    fn entry(&self, index: u64) -> Result<StoredEntry, LedgerError> {
        one_entry(index, self.current_size(), |r| self.entries(r))
    }

    fn entries(&self, range: Range<u64>) -> Result<Vec<StoredEntry>, LedgerError> {
        let end = range.end.min(self.current_size());
        let start = range.start.min(end);
        let rows = {
            let conn = lock(&self.reader);
            let mut st = conn.prepare_cached(
                "SELECT idx, data, body, body_sealed, body_pruned FROM entry
                 WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
            )?;
            let rows = st.query_map([to_i64(start), to_i64(end)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    lenient_bytes(r, 1)?.unwrap_or_default(),
                    lenient_bytes(r, 2)?,
                    lenient_flag(r, 3)?,
                    lenient_flag(r, 4)?,
                ))
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        contiguous_entries(start, end, rows.into_iter().map(Ok), self.body_key.as_ref())
    }

    fn verify_all(&self, trusted: Option<&TreeHead>) -> Result<Verification, LedgerError> {
        // A connection of its own, so proofs are served while a long verify runs.
        let mut conn = open_connection(&self.path)?;
        // One read transaction: a consistent snapshot while appends go on.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let stored_size: i64 =
            tx.query_row("SELECT value FROM meta WHERE key = 'size'", [], |r| {
                r.get(0)
            })?;
        let stored_size = u64::try_from(stored_size).unwrap_or(0);
        let size = match checked_size(trusted, stored_size) {
            Ok(size) => size,
            Err(truncated) => return Ok(Verification::Tampered(truncated)),
        };
        let levels = 64 - size.leading_zeros();
        // One cursor per tree level, each walking the stored nodes of its level in
        // order; the compact range completes nodes of a level in the same order.
        let mut stmts = (0..levels.max(1))
            .map(|_| {
                tx.prepare("SELECT idx, hash FROM node WHERE level = ?1 AND idx < ?2 ORDER BY idx")
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut cursors = Vec::with_capacity(stmts.len());
        for (level, st) in stmts.iter_mut().enumerate() {
            let limit = to_i64(size >> level);
            cursors.push(st.query(params![level as i64, limit])?);
        }
        let mut entries = tx.prepare(
            "SELECT idx, data, body, body_sealed FROM entry WHERE idx >= 0 AND idx < ?1 ORDER BY idx",
        )?;
        let mut rows = SqliteRows {
            conn: &tx,
            entries: entries.query([to_i64(size)])?,
            nodes: cursors,
        };
        verify_log(
            &mut rows,
            size,
            stored_size,
            trusted,
            self.body_key.as_ref(),
        )
    }

    fn prune_bodies(&self, older_than: Timestamp) -> Result<u64, LedgerError> {
        let conn = lock(&self.reader);
        let n = conn.execute(
            "UPDATE entry SET body = NULL, body_pruned = 1 WHERE body IS NOT NULL AND time_ms < ?1",
            [older_than.unix_millis()],
        )?;
        Ok(n as u64)
    }
}

/// A byte column read whatever type a hand edit gave it (SQLite columns are dynamically
/// typed): text as its bytes, numbers as their text, NULL as `None`. The bytes then
/// fail their hash and the entry is named, instead of the read failing with a type
/// error that names nothing.
fn lenient_bytes(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<Vec<u8>>> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(i)? {
        ValueRef::Null => None,
        ValueRef::Blob(b) | ValueRef::Text(b) => Some(b.to_vec()),
        ValueRef::Integer(n) => Some(n.to_string().into_bytes()),
        ValueRef::Real(f) => Some(f.to_string().into_bytes()),
    })
}

/// A flag column read leniently: any non-zero number is set, anything else is not
/// (a wrong flag makes the body fail its check, which names the entry).
fn lenient_flag(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<bool> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(i)? {
        ValueRef::Integer(n) => n != 0,
        ValueRef::Real(f) => f != 0.0,
        _ => false,
    })
}

struct SqliteRows<'a> {
    conn: &'a Connection,
    entries: rusqlite::Rows<'a>,
    nodes: Vec<rusqlite::Rows<'a>>,
}

impl SnapshotRows for SqliteRows<'_> {
    fn next_entry(&mut self) -> Result<Option<EntryRow>, LedgerError> {
        match self.entries.next()? {
            Some(r) => Ok(Some((
                r.get(0)?,
                lenient_bytes(r, 1)?.unwrap_or_default(),
                lenient_bytes(r, 2)?,
                lenient_flag(r, 3)?,
            ))),
            None => Ok(None),
        }
    }

    fn next_node(&mut self, level: u32) -> Result<Option<(i64, Vec<u8>)>, LedgerError> {
        let Some(cur) = self.nodes.get_mut(level as usize) else {
            return Ok(None);
        };
        match cur.next()? {
            Some(r) => Ok(Some((r.get(0)?, lenient_bytes(r, 1)?.unwrap_or_default()))),
            None => Ok(None),
        }
    }

    fn leaf_position(&mut self, leaf: &Hash) -> Result<Option<i64>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT idx FROM node WHERE level = 0 AND hash = ?1 LIMIT 1",
                [&leaf[..]],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn first_outside(&mut self, size: u64) -> Result<Option<i64>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT MIN(idx) FROM entry WHERE idx >= ?1 OR idx < 0",
                [to_i64(size)],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }
}

fn hash_from_blob(blob: &[u8], what: impl FnOnce() -> String) -> Result<Hash, LedgerError> {
    Hash::try_from(blob).map_err(|_| LedgerError::Damaged { what: what() })
}
