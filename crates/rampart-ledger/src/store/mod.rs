//! Storage: the backend-agnostic [`Storage`] trait, the verification shared by every
//! backend, and the backends themselves behind cargo features: [`SqliteLedger`]
//! (`sqlite`, in `sqlite.rs`) and [`postgres::PostgresLedger`] (`postgres`). With
//! neither feature the crate still builds entries, proofs, checkpoints and evidence,
//! so an offline verifier links no database client and no async runtime.
//!
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
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::crypto::KeyError;
use crate::entry::{AuditEntry, Bodies, EntryError, Timestamp};
use crate::merkle::{Hash, MerkleError, TreeHead};

#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod shared;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use shared::*;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteConfig, SqliteLedger};

/// Why a ledger operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The database failed: disk full, permissions, a locked or damaged file. The
    /// operator's environment is at fault.
    #[cfg(feature = "sqlite")]
    #[error("ledger database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A batch could not be committed; none of its entries was appended (the caller may
    /// retry). Shared by every append in the batch.
    #[cfg(feature = "sqlite")]
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
    #[cfg(feature = "postgres")]
    #[error("invalid PostgreSQL connection settings for the ledger (fix the URL): {0}")]
    PostgresConfig(#[source] ::postgres::Error),
    /// PostgreSQL failed: server unreachable or down, authentication, permissions, a
    /// full disk. The operator's environment is at fault.
    #[cfg(feature = "postgres")]
    #[error("ledger PostgreSQL error: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// A batch could not be committed on PostgreSQL; the transaction was rolled back
    /// and none of its entries was appended (the caller may retry). Shared by every
    /// append in the batch.
    #[cfg(feature = "postgres")]
    #[error("ledger commit on PostgreSQL failed, entries not appended: {0}")]
    PostgresCommit(#[source] Arc<::postgres::Error>),
    /// The connection to PostgreSQL was lost while the batch was committing: the
    /// entries may or may not be in the log. Look them up (e.g. by request id) before
    /// appending them again. The network or the server is at fault.
    #[cfg(feature = "postgres")]
    #[error("connection lost while committing to PostgreSQL: the entries may or may not be in the log: {0}")]
    CommitOutcomeUnknown(#[source] Arc<::postgres::Error>),
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
