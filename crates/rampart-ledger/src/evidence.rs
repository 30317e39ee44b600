//! Evidence files: entries with their inclusion proofs and the signed checkpoint
//! they are proven against, checkable offline with the checkpoint's verifier key
//! (`rampart audit verify-proof`). Written by `rampart audit prove` / `export` and by
//! the HTTP API's `/v1/evidence/{index}`.
//!
//! The file is read into typed structs ([`Evidence`]); [`verify`] checks every part a
//! reader might rely on: the checkpoint's signature, each entry's `leaf_hash` against
//! the hash of the entry itself, and each inclusion proof against the signed root.

use crate::checkpoint::{Checkpoint, CheckpointError, NoteVerifier};
use crate::entry::AuditEntry;
use crate::merkle::{verify_inclusion, Hash, MerkleError};
use crate::store::{LedgerError, Storage, StoredEntry};
use serde::{Deserialize, Serialize};

/// Format tag of evidence files.
pub const EVIDENCE_FORMAT: &str = "rampart-audit-evidence/v1";

/// Largest evidence file [`Evidence::parse`] accepts (an export of about a million
/// entries); larger input is refused before it is parsed.
pub const MAX_EVIDENCE_BYTES: usize = 1 << 30;

/// An evidence file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Evidence {
    /// [`EVIDENCE_FORMAT`].
    pub format: String,
    /// The signed checkpoint note the entries are proven against.
    pub checkpoint: String,
    /// The proven entries.
    pub entries: Vec<ProvenEntry>,
}

/// One entry of an evidence file: the entry, its leaf hash and its inclusion proof in
/// the tree the checkpoint signs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProvenEntry {
    /// Position in the log.
    pub index: u64,
    /// The entry as committed.
    pub entry: AuditEntry,
    /// The RFC 9162 leaf hash of the entry's canonical bytes.
    #[serde(with = "crate::hex::serde_hash")]
    pub leaf_hash: Hash,
    /// The audit path from the leaf to the checkpoint's root.
    #[serde(with = "crate::hex::serde_hashes")]
    pub inclusion_proof: Vec<Hash>,
}

/// Why an evidence file could not be read at all (as opposed to read and found invalid).
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// Larger than [`MAX_EVIDENCE_BYTES`].
    #[error("larger than {MAX_EVIDENCE_BYTES} bytes")]
    TooLarge,
    /// Not JSON, or not the shape of an evidence file.
    #[error("not a rampart audit evidence file: {0}")]
    Malformed(#[from] serde_json::Error),
    /// Another format tag.
    #[error("not a rampart audit evidence file (format {0:?}, expected {EVIDENCE_FORMAT:?})")]
    Format(String),
}

/// What is wrong with an evidence file that was read.
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    /// The checkpoint's signature does not verify with the given key.
    #[error("the checkpoint signature does not verify with the given key: {0}")]
    Signature(CheckpointError),
    /// The file states a leaf hash that is not the hash of its entry.
    #[error("entry {index}: the stated leaf_hash is not the hash of the entry")]
    LeafHash {
        /// The entry's index.
        index: u64,
    },
    /// The entry cannot be hashed (not canonicalisable).
    #[error("entry {index}: {reason}")]
    Unhashable {
        /// The entry's index.
        index: u64,
        /// Why.
        reason: String,
    },
    /// The inclusion proof does not lead to the signed root.
    #[error("entry {index} is not in the log signed at size {size} ({source})")]
    NotIncluded {
        /// The entry's index.
        index: u64,
        /// The signed tree size.
        size: u64,
        /// Why the proof fails.
        source: MerkleError,
    },
}

/// The outcome of [`verify`].
#[derive(Debug)]
pub enum EvidenceVerdict {
    /// Every entry is proven included in the signed log.
    Valid {
        /// The verified checkpoint.
        checkpoint: Checkpoint,
        /// How many entries were proven.
        entries: usize,
    },
    /// The first problem found.
    Invalid(Invalid),
}

impl Evidence {
    /// Parses an evidence file.
    ///
    /// # Errors
    /// [`EvidenceError`] when the text is too large, not JSON of this shape (hashes
    /// must be 64 hex digits), or of another format.
    pub fn parse(text: &[u8]) -> Result<Self, EvidenceError> {
        if text.len() > MAX_EVIDENCE_BYTES {
            return Err(EvidenceError::TooLarge);
        }
        let evidence: Self = serde_json::from_slice(text)?;
        if evidence.format != EVIDENCE_FORMAT {
            return Err(EvidenceError::Format(evidence.format));
        }
        Ok(evidence)
    }
}

/// Verifies an evidence file with the verifier key of the log that signed it.
pub fn verify(evidence: &Evidence, verifier: &NoteVerifier) -> EvidenceVerdict {
    let cp = match verifier.verify_checkpoint(&evidence.checkpoint, verifier.name()) {
        Ok(cp) => cp,
        Err(e) => return EvidenceVerdict::Invalid(Invalid::Signature(e)),
    };
    for item in &evidence.entries {
        let index = item.index;
        let leaf = match item.entry.leaf_hash() {
            Ok(leaf) => leaf,
            Err(e) => {
                return EvidenceVerdict::Invalid(Invalid::Unhashable {
                    index,
                    reason: e.to_string(),
                })
            }
        };
        // The stated hash is part of the evidence a reader sees: it must be the
        // entry's own, or the file says something the proof does not.
        if leaf != item.leaf_hash {
            return EvidenceVerdict::Invalid(Invalid::LeafHash { index });
        }
        if let Err(source) =
            verify_inclusion(index, cp.size, &leaf, &item.inclusion_proof, &cp.root)
        {
            return EvidenceVerdict::Invalid(Invalid::NotIncluded {
                index,
                size: cp.size,
                source,
            });
        }
    }
    EvidenceVerdict::Valid {
        entries: evidence.entries.len(),
        checkpoint: cp,
    }
}

/// One entry of an evidence file: the entry, its leaf hash and its inclusion proof
/// in the tree of `size` entries.
///
/// # Errors
/// As [`Storage::inclusion_proof`].
pub fn proven_entry(
    ledger: &dyn Storage,
    stored: &StoredEntry,
    size: u64,
) -> Result<ProvenEntry, LedgerError> {
    Ok(ProvenEntry {
        index: stored.index,
        entry: stored.entry.clone(),
        leaf_hash: stored.leaf_hash,
        inclusion_proof: ledger.inclusion_proof(stored.index, size)?,
    })
}

/// An evidence document from a signed checkpoint note and proven entries.
pub fn document(checkpoint_note: &str, entries: Vec<ProvenEntry>) -> Evidence {
    Evidence {
        format: EVIDENCE_FORMAT.to_string(),
        checkpoint: checkpoint_note.to_string(),
        entries,
    }
}
