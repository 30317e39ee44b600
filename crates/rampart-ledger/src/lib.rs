//! # rampart-ledger: a tamper-evident audit log
//!
//! Every audit entry is a leaf of an RFC 9162 Merkle tree (the tree of Certificate
//! Transparency). Whoever holds a tree head — ideally a signed checkpoint — can check
//! with an inclusion proof that an entry is in the log, and with a consistency proof
//! that the log only grew, without trusting the operator or the database.
//!
//! - [`merkle`]: hashing, tree heads, proof generation and verification.
//! - [`entry`]: the typed audit entry and its canonical serialisation (the leaf data).
//! - [`store`]: the [`store::Storage`] trait and the SQLite backend with group commit.
//! - [`checkpoint`]: C2SP signed-note checkpoints with Ed25519.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod checkpoint;
pub mod crypto;
pub mod entry;
pub mod hex;
pub mod merkle;
pub mod store;

pub use checkpoint::{Checkpoint, CheckpointError, NoteSigner, NoteVerifier};
pub use entry::{AuditEntry, Bodies, Decision, Timestamp};
pub use merkle::{Hash, TreeHead};
pub use store::{LedgerError, SqliteConfig, SqliteLedger, Storage, Tamper, Verification};
