//! Evidence files: entries with their inclusion proofs and the signed checkpoint
//! they are proven against, checkable offline with the checkpoint's verifier key
//! (`rampart audit verify-proof`). Written by `rampart audit prove` / `export` and by
//! the HTTP API's `/v1/evidence/{index}`.

use serde_json::{json, Value};

use crate::store::{LedgerError, Storage, StoredEntry};

/// Format tag of evidence files.
pub const EVIDENCE_FORMAT: &str = "rampart-audit-evidence/v1";

/// One entry of an evidence file: the entry, its leaf hash and its inclusion proof
/// in the tree of `size` entries.
///
/// # Errors
/// As [`Storage::inclusion_proof`].
pub fn proven_entry(
    ledger: &dyn Storage,
    stored: &StoredEntry,
    size: u64,
) -> Result<Value, LedgerError> {
    let proof = ledger.inclusion_proof(stored.index, size)?;
    Ok(json!({
        "index": stored.index,
        "entry": stored.entry,
        "leaf_hash": crate::hex::encode(&stored.leaf_hash),
        "inclusion_proof": proof.iter().map(|h| crate::hex::encode(h)).collect::<Vec<_>>(),
    }))
}

/// An evidence document from a signed checkpoint note and proven entries.
pub fn document(checkpoint_note: &str, entries: Vec<Value>) -> Value {
    json!({"format": EVIDENCE_FORMAT, "checkpoint": checkpoint_note, "entries": entries})
}
