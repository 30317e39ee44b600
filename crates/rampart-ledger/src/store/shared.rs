//! What the backends share: preparing entries for storage, decoding stored rows, and
//! verifying a backend's snapshot of the log (the tree recomputed from the entries and
//! compared with the stored nodes and a trusted head).

use std::ops::Range;
use std::sync::{Mutex, PoisonError};

use super::{BodyState, LedgerError, StoredEntry, Tamper, Verification};
use crate::crypto::BodyKey;
use crate::entry::{sha256, AuditEntry, Bodies, EntryError};
use crate::merkle::{CompactRange, Hash, Rfc9162Hasher, TreeHead};

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

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// One stored entry row as [`verify_log`] reads it: index, canonical bytes, body blob,
/// whether the body is sealed.
pub(crate) type EntryRow = (i64, Vec<u8>, Option<Vec<u8>>, bool);

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

/// One stored entry row as read for [`super::Storage::entries`]: index, canonical bytes, body
/// blob, whether the body is sealed, whether it was pruned.
pub(crate) type FullRow = (i64, Vec<u8>, Option<Vec<u8>>, bool, bool);

/// Decodes the rows of `start..end`, which must be exactly those indexes in order: a
/// missing or moved row is [`LedgerError::Damaged`], naming the first index absent.
/// Shared by every backend's [`super::Storage::entries`].
pub(crate) fn contiguous_entries(
    start: u64,
    end: u64,
    rows: impl IntoIterator<Item = Result<FullRow, LedgerError>>,
    key: Option<&BodyKey>,
) -> Result<Vec<StoredEntry>, LedgerError> {
    let missing = |expected: u64| LedgerError::Damaged {
        what: format!("entry {expected} is missing"),
    };
    let mut out = Vec::new();
    let mut expected = start;
    for row in rows {
        let (idx, data, body, sealed, pruned) = row?;
        if idx != to_i64(expected) {
            return Err(missing(expected));
        }
        out.push(decode_entry(expected, &data, body, sealed, pruned, key)?);
        expected += 1;
    }
    if expected != end {
        return Err(missing(expected));
    }
    Ok(out)
}
