//! Storage: the backend-agnostic [`Storage`] trait and the SQLite backend
//! [`SqliteLedger`].
//!
//! # Durability
//!
//! [`Storage::append`] returns only after the entry is on stable storage. The SQLite
//! backend runs one writer thread that takes every append waiting in its queue (up to
//! [`SqliteConfig::max_batch`] entries) and commits them in one transaction — group
//! commit: while one batch is being fsynced, the next one gathers. The database is in
//! WAL mode with `synchronous=FULL`, so SQLite fsyncs the WAL at every commit; an
//! acknowledged entry survives a process crash *and* a power loss (given a disk that
//! honours fsync). The entry rows, their leaf hashes, the tree nodes they complete and
//! the new tree size are written in the same transaction, so after any crash the
//! database holds a whole number of batches and a consistent tree.
//!
//! # What is stored
//!
//! - `entry(idx, time_ms, data, body, body_sealed)`: the canonical entry bytes (the leaf
//!   data), and optionally the bodies (JSON of [`Bodies`], sealed with the
//!   [`BodyKey`] when one is configured).
//! - `node(level, idx, hash)`: every complete subtree hash, leaves at level 0. A tree
//!   head or a proof at any size reads `O(log n)` of them, never the leaves.
//! - `meta`: schema version and tree size.
//!
//! Bodies are not part of the leaf, so [`Storage::prune_bodies`] can delete them and
//! every proof keeps verifying.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::crypto::{BodyKey, KeyError};
use crate::entry::{sha256, AuditEntry, Bodies, EntryError, Timestamp};
use crate::merkle::{self, CompactRange, Hash, MerkleError, NodeSource, Rfc9162Hasher, TreeHead};

/// Why a ledger operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The database failed: disk full, permissions, a locked or damaged file. The
    /// operator's environment is at fault.
    #[error("ledger database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A batch could not be committed; none of its entries was appended (the caller may
    /// retry). Shared by every append in the batch.
    #[error("ledger commit failed, entries not appended: {0}")]
    Commit(#[source] Arc<rusqlite::Error>),
    /// The caller's entry is invalid (schema, size, body hash).
    #[error(transparent)]
    Entry(#[from] EntryError),
    /// The caller asked for a proof with impossible parameters.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
    /// The caller asked for an entry or a tree size beyond the current tree.
    #[error("{what} {requested} is beyond the tree of size {size}")]
    BeyondTree {
        /// `"entry"` or `"tree size"`.
        what: &'static str,
        /// What was asked for.
        requested: u64,
        /// The current tree size.
        size: u64,
    },
    /// The database lacks or garbles data the tree needs: it was damaged or tampered
    /// with. Run [`Storage::verify_all`] to find where.
    #[error("ledger database is damaged or was tampered with: {what} (run verify)")]
    Damaged {
        /// What is missing or wrong.
        what: String,
    },
    /// The database was written by a newer rampart (unknown schema version).
    #[error(
        "ledger database schema version {found} is not supported (this build reads {supported})"
    )]
    Schema {
        /// The version found.
        found: i64,
        /// The version this build writes.
        supported: i64,
    },
    /// A body key problem (wrong key, unreadable key file).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The database file cannot be created (the operator's environment: permissions,
    /// a missing folder).
    #[error("creating {}: {source}", path.display())]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The writer thread has stopped (after a panic): a bug; reopen the ledger.
    #[error("the ledger writer has stopped")]
    WriterStopped,
    /// The PostgreSQL connection settings are invalid: the operator's configuration
    /// (the ledger URL) is at fault.
    #[error("invalid PostgreSQL connection settings for the ledger (fix the URL): {0}")]
    PostgresConfig(#[source] postgres::Error),
    /// PostgreSQL failed: server unreachable or down, authentication, permissions, a
    /// full disk. The operator's environment is at fault.
    #[error("ledger PostgreSQL error: {0}")]
    Postgres(#[from] postgres::Error),
    /// A batch could not be committed on PostgreSQL; the transaction was rolled back
    /// and none of its entries was appended (the caller may retry). Shared by every
    /// append in the batch.
    #[error("ledger commit on PostgreSQL failed, entries not appended: {0}")]
    PostgresCommit(#[source] Arc<postgres::Error>),
    /// The connection to PostgreSQL was lost while the batch was committing: the
    /// entries may or may not be in the log. Look them up (e.g. by request id) before
    /// appending them again. The network or the server is at fault.
    #[error("connection lost while committing to PostgreSQL: the entries may or may not be in the log: {0}")]
    CommitOutcomeUnknown(#[source] Arc<postgres::Error>),
}

/// An entry as stored, with its index and leaf hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEntry {
    /// Position in the log (leaf index), from 0.
    pub index: u64,
    /// The entry.
    pub entry: AuditEntry,
    /// `SHA-256(0x00 || canonical bytes)`.
    #[serde(with = "crate::hex::serde_hash")]
    pub leaf_hash: Hash,
    /// The bodies, when stored, not pruned, and (if sealed) the key is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bodies: Option<Bodies>,
    /// What happened to the bodies.
    pub body_state: BodyState,
}

/// Whether an entry's bodies are available.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BodyState {
    /// None was stored (bodies off, or none given).
    None,
    /// Stored and returned in [`StoredEntry::bodies`].
    Present,
    /// Stored sealed, and no key (or another key) is configured.
    Sealed,
    /// Removed by [`Storage::prune_bodies`].
    Pruned,
}

/// The first sign of tampering that [`Storage::verify_all`] found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Tamper {
    /// The entry at `index` does not hash to the leaf the tree committed to there.
    #[error("entry {index} was modified")]
    Modified {
        /// The entry.
        index: u64,
    },
    /// The tree has a leaf at `index` but the entry row is gone.
    #[error("entry {index} was removed")]
    Removed {
        /// The entry.
        index: u64,
    },
    /// The entry at `index` is the one the tree committed at `committed_at`.
    #[error("entry {index} was reordered: it is the entry committed at index {committed_at}")]
    Reordered {
        /// Where it is now.
        index: u64,
        /// Where the tree has it.
        committed_at: u64,
    },
    /// An entry row exists past the end of the tree: it was inserted behind the log's
    /// back.
    #[error("entry {index} was inserted outside the log")]
    Inserted {
        /// Its index.
        index: u64,
    },
    /// A stored body does not match the hash in its entry (altered, moved or
    /// undecryptable).
    #[error("the body of entry {index} was altered")]
    BodyAltered {
        /// The entry.
        index: u64,
    },
    /// A stored tree node (level 0: a leaf hash) differs from the one recomputed from
    /// the entries, or is missing: proofs over `leaves` would be wrong.
    #[error(
        "tree node at level {level}, index {node} (entries {first}..{end}) was altered or removed"
    )]
    NodeAltered {
        /// Level of the node.
        level: u32,
        /// Index of the node in its level.
        node: u64,
        /// First entry under it.
        first: u64,
        /// One past the last entry under it.
        end: u64,
    },
    /// The database holds fewer entries than the trusted tree head: entries from `size`
    /// on were removed (and the tree rewritten).
    #[error("the log was truncated to {size} entries; the trusted tree head has {trusted}")]
    Truncated {
        /// Entries in the database.
        size: u64,
        /// Entries in the trusted head.
        trusted: u64,
    },
    /// The entries and the tree are consistent with each other, but their root is not
    /// the trusted one: the database was rewritten wholesale. Compare with older
    /// checkpoints to narrow it down.
    #[error("the recomputed root at size {size} is not the trusted root")]
    RootMismatch {
        /// The tree size checked.
        size: u64,
        /// The trusted root.
        #[serde(with = "crate::hex::serde_hash")]
        trusted: Hash,
        /// The recomputed root.
        #[serde(with = "crate::hex::serde_hash")]
        computed: Hash,
    },
}

/// The result of [`Storage::verify_all`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verification {
    /// Every entry, body and tree node checked out; `head` is the recomputed head.
    Intact {
        /// The verified tree head.
        head: TreeHead,
        /// How many bodies were checked against their hashes.
        bodies_checked: u64,
    },
    /// The first problem found.
    Tampered(Tamper),
}

/// Entry `index` of a log of `size` entries, read with `entries`: the errors every
/// backend's [`Storage::entry`] gives (beyond the tree, or missing from storage).
pub(crate) fn one_entry(
    index: u64,
    size: u64,
    entries: impl FnOnce(Range<u64>) -> Result<Vec<StoredEntry>, LedgerError>,
) -> Result<StoredEntry, LedgerError> {
    if index >= size {
        return Err(LedgerError::BeyondTree {
            what: "entry",
            requested: index,
            size,
        });
    }
    entries(index..index + 1)?
        .pop()
        .ok_or_else(|| LedgerError::Damaged {
            what: format!("entry {index} is missing"),
        })
}

/// A tamper-evident, append-only audit log.
///
/// Implementations are shared between threads (`&self` everywhere). Indexes are leaf
/// indexes from 0; sizes are leaf counts.
pub trait Storage: Send + Sync {
    /// Appends one entry and returns its index once it is durable.
    ///
    /// Missing `prompt_sha256`/`response_sha256` are filled in from `bodies`; bodies are
    /// kept only if the backend is configured to store them.
    ///
    /// # Errors
    /// [`LedgerError::Entry`] for an invalid entry, [`LedgerError::Commit`] when the
    /// batch could not be made durable.
    fn append(&self, entry: AuditEntry, bodies: Option<Bodies>) -> Result<u64, LedgerError>;

    /// Appends several entries, contiguously and atomically, and returns their index
    /// range once they are durable.
    ///
    /// # Errors
    /// As [`Storage::append`]; on error none of them was appended.
    fn append_batch(
        &self,
        items: Vec<(AuditEntry, Option<Bodies>)>,
    ) -> Result<Range<u64>, LedgerError>;

    /// The current tree head (size and root of every durable entry).
    ///
    /// # Errors
    /// [`LedgerError::Database`].
    fn tree_head(&self) -> Result<TreeHead, LedgerError>;

    /// The tree head at an earlier `size` (to check an old checkpoint).
    ///
    /// # Errors
    /// [`LedgerError::BeyondTree`] when `size` exceeds the tree.
    fn tree_head_at(&self, size: u64) -> Result<TreeHead, LedgerError>;

    /// The inclusion proof of entry `index` in the tree of `size` entries.
    ///
    /// # Errors
    /// [`LedgerError::BeyondTree`], [`LedgerError::Merkle`] (`index >= size`).
    fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, LedgerError>;

    /// The consistency proof from the tree of `old` entries to the tree of `new`.
    ///
    /// # Errors
    /// [`LedgerError::BeyondTree`], [`LedgerError::Merkle`] (`old > new`, `old == 0`).
    fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, LedgerError>;

    /// The entry at `index`.
    ///
    /// # Errors
    /// [`LedgerError::BeyondTree`], [`LedgerError::Damaged`].
    fn entry(&self, index: u64) -> Result<StoredEntry, LedgerError>;

    /// The entries in `range` (clipped to the tree), in order. Page through large logs
    /// with ranges of a few thousand.
    ///
    /// # Errors
    /// [`LedgerError::Damaged`] for a missing or unreadable row.
    fn entries(&self, range: Range<u64>) -> Result<Vec<StoredEntry>, LedgerError>;

    /// Recomputes every leaf hash from the stored entries, every tree node from the
    /// leaves, checks every readable body against its hash, and compares the root with
    /// `trusted` (e.g. the latest signed checkpoint) or, without one, with the stored
    /// tree. Names the first entry that was modified, removed, reordered or inserted.
    ///
    /// # Errors
    /// [`LedgerError::Database`] when the database cannot be read at all (tampering is
    /// reported as [`Verification::Tampered`], not as an error).
    fn verify_all(&self, trusted: Option<&TreeHead>) -> Result<Verification, LedgerError>;

    /// Deletes the bodies of entries older than `older_than`; hashes and proofs are
    /// untouched. Returns how many entries lost their bodies.
    ///
    /// # Errors
    /// [`LedgerError::Database`].
    fn prune_bodies(&self, older_than: Timestamp) -> Result<u64, LedgerError>;
}

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

/// An entry ready to be written: canonicalised and hashed by the caller's thread.
pub(crate) struct Prepared {
    pub(crate) data: Vec<u8>,
    pub(crate) leaf: Hash,
    pub(crate) time_ms: i64,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) sealed: bool,
}

/// Binds the bodies' hashes into `entry`, canonicalises and hashes it, and keeps (and
/// seals) the bodies when configured to. Shared by every backend.
pub(crate) fn prepare_entry(
    mut entry: AuditEntry,
    bodies: Option<Bodies>,
    store_bodies: bool,
    body_key: Option<&BodyKey>,
) -> Result<Prepared, LedgerError> {
    if let Some(b) = &bodies {
        entry.bind_bodies(b)?;
    }
    let data = entry.canonical_bytes()?;
    let leaf = Rfc9162Hasher::hash_leaf(&data);
    let (body, sealed) = match bodies {
        Some(b) if store_bodies && (b.prompt.is_some() || b.response.is_some()) => {
            let json = serde_json::to_vec(&b).map_err(EntryError::Json)?;
            match body_key {
                Some(k) => (Some(k.seal(&json, &leaf)?), true),
                None => (Some(json), false),
            }
        }
        _ => (None, false),
    };
    Ok(Prepared {
        data,
        leaf,
        time_ms: entry.time.unix_millis(),
        body,
        sealed,
    })
}

/// Decodes a stored entry row. Shared by every backend.
pub(crate) fn decode_entry(
    index: u64,
    data: &[u8],
    body: Option<Vec<u8>>,
    sealed: bool,
    pruned: bool,
    body_key: Option<&BodyKey>,
) -> Result<StoredEntry, LedgerError> {
    let entry = AuditEntry::from_canonical_bytes(data).map_err(|e| LedgerError::Damaged {
        what: format!("entry {index}: {e}"),
    })?;
    let leaf_hash = Rfc9162Hasher::hash_leaf(data);
    let (bodies, body_state) = match body {
        None if pruned => (None, BodyState::Pruned),
        None => (None, BodyState::None),
        Some(blob) => {
            let plain = if sealed {
                body_key.and_then(|k| k.open(&blob, &leaf_hash).ok().map(|p| p.to_vec()))
            } else {
                Some(blob)
            };
            match plain {
                Some(p) => {
                    let b: Bodies =
                        serde_json::from_slice(&p).map_err(|e| LedgerError::Damaged {
                            what: format!("bodies of entry {index}: {e}"),
                        })?;
                    (Some(b), BodyState::Present)
                }
                None => (None, BodyState::Sealed),
            }
        }
    };
    Ok(StoredEntry {
        index,
        entry,
        leaf_hash,
        bodies,
        body_state,
    })
}

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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn hash_from_blob(blob: &[u8], what: impl FnOnce() -> String) -> Result<Hash, LedgerError> {
    Hash::try_from(blob).map_err(|_| LedgerError::Damaged { what: what() })
}

/// Creates `path` as an empty file readable and writable by its owner only (mode 0600
/// on Unix, whatever the umask) when it does not exist; an existing file is left as
/// it is. Called before SQLite opens a database it may create: SQLite gives the `-wal`
/// and `-shm` files it makes beside a database the database file's mode, so they are
/// private too.
///
/// # Errors
/// The file cannot be created (a missing folder, permissions).
pub fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
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

    fn decode_row(
        &self,
        index: u64,
        data: &[u8],
        body: Option<Vec<u8>>,
        sealed: bool,
        pruned: bool,
    ) -> Result<StoredEntry, LedgerError> {
        decode_entry(index, data, body, sealed, pruned, self.body_key.as_ref())
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
        let mut out = Vec::with_capacity(rows.len());
        let mut expected = start;
        for (idx, data, body, sealed, pruned) in rows {
            if idx != to_i64(expected) {
                return Err(LedgerError::Damaged {
                    what: format!("entry {expected} is missing"),
                });
            }
            out.push(self.decode_row(expected, &data, body, sealed, pruned)?);
            expected += 1;
        }
        if expected != end {
            return Err(LedgerError::Damaged {
                what: format!("entry {expected} is missing"),
            });
        }
        Ok(out)
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

/// One stored entry row as [`verify_log`] reads it: index, canonical bytes, body blob,
/// whether the body is sealed.
pub(crate) type EntryRow = (i64, Vec<u8>, Option<Vec<u8>>, bool);

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

/// A consistent snapshot of a backend's rows, read in order by [`verify_log`].
pub(crate) trait SnapshotRows {
    /// The next entry row with `0 <= idx < size`, in index order.
    fn next_entry(&mut self) -> Result<Option<EntryRow>, LedgerError>;
    /// The next stored node `(idx, hash)` of `level` under the tree size, in index order.
    fn next_node(&mut self, level: u32) -> Result<Option<(i64, Vec<u8>)>, LedgerError>;
    /// Where the tree committed this leaf hash, if anywhere.
    fn leaf_position(&mut self, leaf: &Hash) -> Result<Option<i64>, LedgerError>;
    /// The lowest entry index outside `0..size`, if any (rows inserted behind the log's
    /// back).
    fn first_outside(&mut self, size: u64) -> Result<Option<i64>, LedgerError>;
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

/// The size to verify: the whole stored tree (a signed head is checked as its prefix).
/// A trusted head larger than the stored tree means the log was truncated.
pub(crate) fn checked_size(trusted: Option<&TreeHead>, stored_size: u64) -> Result<u64, Tamper> {
    match trusted {
        Some(t) if t.size > stored_size => Err(Tamper::Truncated {
            size: stored_size,
            trusted: t.size,
        }),
        _ => Ok(stored_size),
    }
}

/// The whole of [`Storage::verify_all`] over a backend's snapshot: the tree of the
/// first `size` entries against the stored one, rows outside the stored tree, and the
/// root against the trusted head.
pub(crate) fn verify_log<S: SnapshotRows>(
    rows: &mut S,
    size: u64,
    stored_size: u64,
    trusted: Option<&TreeHead>,
    key: Option<&BodyKey>,
) -> Result<Verification, LedgerError> {
    let (verdict, prefix) = verify_rows(rows, size, trusted.map(|t| t.size), key)?;
    if let Verification::Tampered(t) = verdict {
        return Ok(Verification::Tampered(t));
    }
    // Rows past the stored tree were inserted behind the log's back.
    if let Some(i) = rows.first_outside(stored_size)? {
        return Ok(Verification::Tampered(Tamper::Inserted {
            index: u64::try_from(i).unwrap_or(u64::MAX),
        }));
    }
    // The signed head must be the root of the first `t.size` entries: the log may have
    // grown since, but never rewritten what was signed.
    if let (Some(t), Some(computed)) = (trusted, prefix) {
        if computed != t.root {
            return Ok(Verification::Tampered(Tamper::RootMismatch {
                size: t.size,
                trusted: t.root,
                computed,
            }));
        }
    }
    Ok(verdict)
}

/// Recomputes the tree of the first `size` entries and compares it with the stored one.
/// Also returns the root of the first `prefix` entries (when `prefix <= size`), the
/// head a signed checkpoint is compared with.
fn verify_rows<S: SnapshotRows>(
    rows: &mut S,
    size: u64,
    prefix: Option<u64>,
    key: Option<&BodyKey>,
) -> Result<(Verification, Option<Hash>), LedgerError> {
    let mut range = CompactRange::new();
    let mut bodies_checked = 0u64;
    let mut found: Option<Tamper> = None;
    let mut prefix_root = (prefix == Some(0)).then(Rfc9162Hasher::empty_root);
    for i in 0..size {
        let Some((idx, data, body, sealed)) = rows.next_entry()? else {
            return Ok((Verification::Tampered(Tamper::Removed { index: i }), None));
        };
        if idx != to_i64(i) {
            return Ok((Verification::Tampered(Tamper::Removed { index: i }), None));
        }
        let leaf = Rfc9162Hasher::hash_leaf(&data);
        if let Some(blob) = body {
            if !body_matches(&data, &blob, sealed, &leaf, key, &mut bodies_checked) {
                found.get_or_insert(Tamper::BodyAltered { index: i });
            }
        }
        // Check the leaf and every node it completes against the stored ones.
        let mut completed: Vec<(u32, u64, Hash)> = Vec::new();
        range.push(leaf, |level, index, hash| {
            completed.push((level, index, *hash))
        });
        for (level, index, hash) in completed {
            let problem = match rows.next_node(level)? {
                Some((stored_idx, stored)) if stored_idx == to_i64(index) => {
                    if stored.as_slice() == hash.as_slice() {
                        None
                    } else {
                        Some(Hash::try_from(stored.as_slice()).is_ok())
                    }
                }
                // A missing node: the row is gone or was moved.
                _ => Some(false),
            };
            match problem {
                None => {}
                Some(true) if level == 0 => {
                    // The entry row does not hash to the stored leaf: was it moved
                    // here from another position, or changed?
                    let tamper = match rows.leaf_position(&leaf)? {
                        Some(j) if j != to_i64(i) => Tamper::Reordered {
                            index: i,
                            committed_at: u64::try_from(j).unwrap_or(u64::MAX),
                        },
                        _ => Tamper::Modified { index: i },
                    };
                    return Ok((Verification::Tampered(tamper), None));
                }
                Some(_) => {
                    let tamper = Tamper::NodeAltered {
                        level,
                        node: index,
                        first: index << level,
                        end: ((index + 1) << level).min(size),
                    };
                    return Ok((Verification::Tampered(tamper), None));
                }
            }
        }
        if let Some(t) = found {
            return Ok((Verification::Tampered(t), None));
        }
        if prefix == Some(i + 1) {
            prefix_root = Some(range.root());
        }
    }
    let verdict = Verification::Intact {
        head: range.tree_head(),
        bodies_checked,
    };
    Ok((verdict, prefix_root))
}

/// Whether a stored body matches the hashes in its entry. Sealed bodies are checked
/// when the key is at hand (and must open); otherwise they are skipped.
fn body_matches(
    data: &[u8],
    blob: &[u8],
    sealed: bool,
    leaf: &Hash,
    key: Option<&BodyKey>,
    checked: &mut u64,
) -> bool {
    let plain = if sealed {
        match key {
            Some(k) => match k.open(blob, leaf) {
                Ok(p) => p.to_vec(),
                Err(_) => return false,
            },
            None => return true,
        }
    } else {
        blob.to_vec()
    };
    let (Ok(entry), Ok(bodies)) = (
        serde_json::from_slice::<AuditEntry>(data),
        serde_json::from_slice::<Bodies>(&plain),
    ) else {
        return false;
    };
    *checked += 1;
    let ok = |body: &Option<String>, hash: &Option<Hash>| match body {
        Some(b) => *hash == Some(sha256(b.as_bytes())),
        None => true,
    };
    ok(&bodies.prompt, &entry.prompt_sha256) && ok(&bodies.response, &entry.response_sha256)
}
