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
//! - [`postgres`]: the PostgreSQL backend, for several writers sharing one log.
//! - [`checkpoint`]: C2SP signed-note checkpoints with Ed25519.
//! - [`crypto`]: body sealing (XChaCha20-Poly1305) and 0600 key files.
//!
//! # Example: append, prove, checkpoint, verify offline
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use rampart_ledger::merkle::verify_inclusion;
//! use rampart_ledger::{
//!     AuditEntry, Checkpoint, Decision, NoteSigner, NoteVerifier, SqliteConfig, SqliteLedger,
//!     Storage, Timestamp, Verification,
//! };
//!
//! let dir = tempfile::tempdir()?;
//! let ledger = SqliteLedger::open(SqliteConfig::new(dir.path().join("audit.db")))?;
//! let entry: AuditEntry = serde_json::from_str(
//!     r#"{"time":"2026-07-01T12:00:00Z","request_id":"r1","principal":"key1","tenant":"acme",
//!         "route":"/v1/chat/completions","model":"m","upstream":"u","decision":"allow"}"#,
//! )?;
//! let index = ledger.append(entry, None)?; // returns once durable
//!
//! // The operator signs a checkpoint of the current head.
//! let signer = NoteSigner::generate("rampart.example/audit")?;
//! let head = ledger.tree_head()?;
//! let note = signer.sign_checkpoint(&Checkpoint::new("rampart.example/audit", head)?)?;
//!
//! // A customer holding the verifier key checks the entry offline.
//! let vkey = signer.verifier().to_string();
//! let cp = NoteVerifier::parse(&vkey)?.verify_checkpoint(&note, "rampart.example/audit")?;
//! let stored = ledger.entry(index)?;
//! let proof = ledger.inclusion_proof(index, cp.size)?;
//! verify_inclusion(index, cp.size, &stored.leaf_hash, &proof, &cp.root)?;
//!
//! // The operator (or an auditor with the database) re-checks everything.
//! assert!(matches!(ledger.verify_all(Some(&cp.tree_head()))?, Verification::Intact { .. }));
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod checkpoint;
pub mod crypto;
pub mod entry;
pub mod evidence;
pub mod hex;
#[cfg(feature = "http")]
pub mod http;
pub mod merkle;
pub mod store;

pub use checkpoint::{Checkpoint, CheckpointError, NoteSigner, NoteVerifier};
pub use entry::{AuditEntry, Bodies, Decision, Timestamp};
pub use merkle::{Hash, TreeHead};
#[cfg(feature = "postgres")]
pub use store::postgres;
#[cfg(feature = "postgres")]
pub use store::postgres::{PostgresConfig, PostgresLedger};
pub use store::{LedgerError, Storage, Tamper, Verification};
#[cfg(feature = "sqlite")]
pub use store::{SqliteConfig, SqliteLedger};
