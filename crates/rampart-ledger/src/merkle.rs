//! RFC 9162 Merkle tree hashing, tree heads, and inclusion and consistency proofs.
//!
//! The hashing is the one of Certificate Transparency (RFC 9162 §2.1, the same as
//! RFC 6962 §2.1) with SHA-256:
//!
//! - empty tree: `MTH({}) = SHA-256()`
//! - leaf: `MTH({d}) = SHA-256(0x00 || d)`
//! - node: `SHA-256(0x01 || left || right)`, where for `n > 1` leaves the left subtree
//!   holds the largest power of two strictly less than `n` leaves.
//!
//! Proof *generation* ([`inclusion_proof`], [`consistency_proof`]) reads hashes through
//! the storage-agnostic [`NodeSource`] trait: a backend only has to answer "what is the
//! hash of the complete subtree at this level and index". Proof *verification*
//! ([`verify_inclusion`], [`verify_consistency`]) takes nothing but sizes and hashes, so
//! a customer can run it offline with no access to the log.
//!
//! Verification is strict: every hash must be exactly [`HASH_LEN`] bytes and a proof
//! must have exactly the length the tree shape calls for.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Length in bytes of every hash in the tree (SHA-256).
pub const HASH_LEN: usize = 32;

/// A SHA-256 hash: a leaf hash, an interior node hash or a root.
pub type Hash = [u8; HASH_LEN];

/// The domain-separation prefix byte that RFC 9162 puts before the hashed data, so that
/// a leaf can never be confused with an interior node (second-preimage resistance).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashPrefix {
    /// `0x00`, prepended to the leaf data: `SHA-256(0x00 || data)`.
    Leaf = 0x00,
    /// `0x01`, prepended to two child hashes: `SHA-256(0x01 || left || right)`.
    Node = 0x01,
}

/// The RFC 9162 hasher with SHA-256.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rfc9162Hasher;

impl Rfc9162Hasher {
    /// The root of the empty tree: `SHA-256()` (the hash of the empty string),
    /// `e3b0c442…b855`.
    #[must_use]
    pub fn empty_root() -> Hash {
        Sha256::digest([]).into()
    }

    /// The hash of a leaf: `SHA-256(0x00 || data)`.
    #[must_use]
    pub fn hash_leaf(data: &[u8]) -> Hash {
        let mut h = Sha256::new();
        h.update([HashPrefix::Leaf as u8]);
        h.update(data);
        h.finalize().into()
    }

    /// The hash of an interior node: `SHA-256(0x01 || left || right)`.
    #[must_use]
    pub fn hash_children(left: &Hash, right: &Hash) -> Hash {
        let mut h = Sha256::new();
        h.update([HashPrefix::Node as u8]);
        h.update(left);
        h.update(right);
        h.finalize().into()
    }
}

/// A tree head: the size of the tree (number of leaves) and its root hash.
///
/// In JSON the root is lowercase hex: `{"size": 3, "root": "aeb6…6e77"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TreeHead {
    /// Number of leaves in the tree.
    pub size: u64,
    /// `MTH(D[0:size])`.
    #[serde(with = "crate::hex::serde_hash")]
    pub root: Hash,
}

impl TreeHead {
    /// The head of the empty tree.
    #[must_use]
    pub fn empty() -> Self {
        Self {
            size: 0,
            root: Rfc9162Hasher::empty_root(),
        }
    }
}

/// Why a Merkle proof could not be generated or did not verify.
///
/// Every variant is caused by the inputs: either the caller asked for something that
/// does not exist (an index or size beyond the tree), or the proof, root or hashes
/// handed in are wrong — a buggy or dishonest log, or data damaged in transit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MerkleError {
    /// A leaf index at or beyond the tree size (caller or proof at fault).
    #[error("leaf index {index} is out of range for a tree of size {size}")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof was asked for (or presented) from a larger tree to a
    /// smaller one: logs only grow.
    #[error("the new tree (size {new}) is smaller than the old tree (size {old})")]
    NewTreeSmaller {
        /// The old size.
        old: u64,
        /// The new size.
        new: u64,
    },
    /// A consistency proof from the empty tree: every tree is consistent with it, so
    /// such a proof proves nothing and is rejected (as transparency-dev/merkle does).
    #[error("a consistency proof from the empty tree is meaningless")]
    EmptyOldTree,
    /// The proof has the wrong number of hashes for the claimed index and sizes (the
    /// proof or the sizes presented with it are wrong).
    #[error("wrong proof size: got {got} hashes, want {want}")]
    WrongProofSize {
        /// Hashes in the proof.
        got: usize,
        /// Hashes the tree shape calls for.
        want: usize,
    },
    /// A hash (leaf hash, proof element or root) that is not 32 bytes long.
    #[error("a hash is {got} bytes long, want {want}")]
    WrongHashLength {
        /// Its length.
        got: usize,
        /// [`HASH_LEN`].
        want: usize,
    },
    /// The root computed from the proof is not the root presented: the proof, the leaf
    /// or the root is wrong (or the log forked).
    #[error(
        "root mismatch: expected {}, computed {}",
        ::hex::encode(expected),
        ::hex::encode(computed)
    )]
    MismatchedRoot {
        /// The root presented by the caller.
        expected: Hash,
        /// The root recomputed from the proof.
        computed: Hash,
    },
    /// In a consistency proof, the old root recomputed from the proof is not the old
    /// root presented.
    #[error(
        "old root mismatch: expected {}, computed {}",
        ::hex::encode(expected),
        ::hex::encode(computed)
    )]
    MismatchedOldRoot {
        /// The old root presented by the caller.
        expected: Hash,
        /// The old root recomputed from the proof.
        computed: Hash,
    },
}

/// Reads hashes of complete subtrees from wherever a tree is stored.
///
/// The node at `(level, index)` is the root of the perfect subtree over leaves
/// `[index << level, (index + 1) << level)`; level 0 is the leaf hashes. Proof
/// generation only asks for nodes whose leaves all exist in the tree the proof is for.
pub trait NodeSource {
    /// The backend's error; it must be able to carry a [`MerkleError`] for bad
    /// parameters.
    type Error: From<MerkleError>;

    /// The hash of the complete subtree at `level` and `index`.
    fn node_hash(&self, level: u32, index: u64) -> Result<Hash, Self::Error>;
}

/// The largest power of two strictly less than `n` (for `n >= 2`).
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// `MTH(D[start:end])` for a range that the RFC 9162 recursion produces: `start` is a
/// multiple of the largest power of two not exceeding `end - start`.
///
/// The hash is assembled from at most `2·log2(n)` complete-subtree hashes.
pub fn range_hash<S: NodeSource + ?Sized>(src: &S, start: u64, end: u64) -> Result<Hash, S::Error> {
    let n = end.saturating_sub(start);
    if n == 0 {
        return Ok(Rfc9162Hasher::empty_root());
    }
    if n.is_power_of_two() && start % n == 0 {
        let level = n.trailing_zeros();
        return src.node_hash(level, start >> level);
    }
    if n == 1 {
        return src.node_hash(0, start);
    }
    let k = split_point(n);
    let left = range_hash(src, start, start + k)?;
    let right = range_hash(src, start + k, end)?;
    Ok(Rfc9162Hasher::hash_children(&left, &right))
}

/// The root of the tree of `size` leaves held by `src`.
pub fn root<S: NodeSource + ?Sized>(src: &S, size: u64) -> Result<Hash, S::Error> {
    range_hash(src, 0, size)
}

/// Generates the inclusion proof (RFC 9162 §2.1.3.1, `PATH(m, D[n])`) of leaf `index`
/// in the tree of the first `size` leaves, ordered from the leaf's sibling up.
///
/// # Errors
/// [`MerkleError::IndexOutOfRange`] when `index >= size`, or the source's error.
pub fn inclusion_proof<S: NodeSource + ?Sized>(
    src: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, S::Error> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size }.into());
    }
    // Walk top-down, recording the sibling ranges; the proof lists them bottom-up.
    let mut siblings = Vec::new();
    let (mut start, mut n, mut m) = (0u64, size, index);
    while n > 1 {
        let k = split_point(n);
        if m < k {
            siblings.push((start + k, start + n));
            n = k;
        } else {
            siblings.push((start, start + k));
            start += k;
            m -= k;
            n -= k;
        }
    }
    siblings
        .iter()
        .rev()
        .map(|&(a, b)| range_hash(src, a, b))
        .collect()
}

/// Generates the consistency proof (RFC 9162 §2.1.4.1, `PROOF(m, D[n])`) between the
/// tree of the first `old` leaves and the tree of the first `new` leaves.
///
/// When `old == new` the proof is empty.
///
/// # Errors
/// [`MerkleError::NewTreeSmaller`] when `old > new`, [`MerkleError::EmptyOldTree`] when
/// `old == 0`, or the source's error.
pub fn consistency_proof<S: NodeSource + ?Sized>(
    src: &S,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, S::Error> {
    if old > new {
        return Err(MerkleError::NewTreeSmaller { old, new }.into());
    }
    if old == 0 {
        return Err(MerkleError::EmptyOldTree.into());
    }
    if old == new {
        return Ok(Vec::new());
    }
    // SUBPROOF(m, D[n], b), unrolled: collect ranges top-down, emit bottom-up.
    let mut ranges = Vec::new();
    let (mut start, mut n, mut m, mut complete) = (0u64, new, old, true);
    while m != n {
        let k = split_point(n);
        if m <= k {
            ranges.push((start + k, start + n));
            n = k;
        } else {
            ranges.push((start, start + k));
            start += k;
            m -= k;
            n -= k;
            complete = false;
        }
    }
    if !complete {
        ranges.push((start, start + m));
    }
    ranges
        .iter()
        .rev()
        .map(|&(a, b)| range_hash(src, a, b))
        .collect()
}

fn to_hash(bytes: &[u8]) -> Result<Hash, MerkleError> {
    Hash::try_from(bytes).map_err(|_| MerkleError::WrongHashLength {
        got: bytes.len(),
        want: HASH_LEN,
    })
}

fn to_hashes<P: AsRef<[u8]>>(proof: &[P]) -> Result<Vec<Hash>, MerkleError> {
    proof.iter().map(|p| to_hash(p.as_ref())).collect()
}

/// Number of hashes in the inclusion proof of `index` in a tree of `size` (> index).
fn inclusion_proof_len(index: u64, size: u64) -> usize {
    let inner = 64 - (index ^ (size - 1)).leading_zeros();
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner + border) as usize
}

/// Recomputes the root from an inclusion proof (RFC 9162 §2.1.3.2).
///
/// # Errors
/// [`MerkleError::IndexOutOfRange`], [`MerkleError::WrongHashLength`] or
/// [`MerkleError::WrongProofSize`].
pub fn root_from_inclusion_proof<P: AsRef<[u8]>>(
    index: u64,
    size: u64,
    leaf_hash: &[u8],
    proof: &[P],
) -> Result<Hash, MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let leaf = to_hash(leaf_hash)?;
    let proof = to_hashes(proof)?;
    let want = inclusion_proof_len(index, size);
    if proof.len() != want {
        return Err(MerkleError::WrongProofSize {
            got: proof.len(),
            want,
        });
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = leaf;
    for p in &proof {
        if snode == 0 {
            // Unreachable with the length check above; kept as the RFC's guard.
            return Err(MerkleError::WrongProofSize {
                got: proof.len(),
                want,
            });
        }
        if fnode & 1 == 1 || fnode == snode {
            r = Rfc9162Hasher::hash_children(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = Rfc9162Hasher::hash_children(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    Ok(r)
}

/// Verifies that `leaf_hash` is the leaf at `index` in the tree of `size` leaves whose
/// root is `root`, given the inclusion proof `proof` (RFC 9162 §2.1.3.2).
///
/// # Errors
/// Any [`MerkleError`] that says why the proof does not hold.
pub fn verify_inclusion<P: AsRef<[u8]>>(
    index: u64,
    size: u64,
    leaf_hash: &[u8],
    proof: &[P],
    root: &[u8],
) -> Result<(), MerkleError> {
    let expected = to_hash(root)?;
    let computed = root_from_inclusion_proof(index, size, leaf_hash, proof)?;
    if computed != expected {
        return Err(MerkleError::MismatchedRoot { expected, computed });
    }
    Ok(())
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a prefix of the
/// tree of `new_size` leaves with root `new_root`, given the consistency proof `proof`
/// (RFC 9162 §2.1.4.2).
///
/// Equal sizes need an empty proof and equal roots. A proof from the empty tree is
/// rejected ([`MerkleError::EmptyOldTree`]).
///
/// # Errors
/// Any [`MerkleError`] that says why the proof does not hold.
pub fn verify_consistency<P: AsRef<[u8]>>(
    old_size: u64,
    new_size: u64,
    old_root: &[u8],
    new_root: &[u8],
    proof: &[P],
) -> Result<(), MerkleError> {
    if new_size < old_size {
        return Err(MerkleError::NewTreeSmaller {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 {
        return Err(MerkleError::EmptyOldTree);
    }
    let old_root = to_hash(old_root)?;
    let new_root = to_hash(new_root)?;
    let proof = to_hashes(proof)?;
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(MerkleError::WrongProofSize {
                got: proof.len(),
                want: 0,
            });
        }
        if old_root != new_root {
            return Err(MerkleError::MismatchedRoot {
                expected: new_root,
                computed: old_root,
            });
        }
        return Ok(());
    }
    // Expected length: the inclusion path of the old tree's last leaf in the new tree,
    // less the levels below the old tree's lowest complete subtree, plus one seed hash
    // unless the old tree is itself a complete subtree.
    let shift = old_size.trailing_zeros();
    let full_path = inclusion_proof_len(old_size - 1, new_size);
    let seeded = old_size.is_power_of_two();
    let want = full_path.saturating_sub(shift as usize) + usize::from(!seeded);
    if proof.len() != want {
        return Err(MerkleError::WrongProofSize {
            got: proof.len(),
            want,
        });
    }

    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if seeded {
        path.push(old_root);
    }
    path.extend_from_slice(&proof);
    let (mut fnode, mut snode) = (old_size - 1, new_size - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let Some((first, rest)) = path.split_first() else {
        return Err(MerkleError::WrongProofSize { got: 0, want });
    };
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if snode == 0 {
            return Err(MerkleError::WrongProofSize {
                got: proof.len(),
                want,
            });
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = Rfc9162Hasher::hash_children(c, &fr);
            sr = Rfc9162Hasher::hash_children(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = Rfc9162Hasher::hash_children(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(MerkleError::WrongProofSize {
            got: proof.len(),
            want,
        });
    }
    if fr != old_root {
        return Err(MerkleError::MismatchedOldRoot {
            expected: old_root,
            computed: fr,
        });
    }
    if sr != new_root {
        return Err(MerkleError::MismatchedRoot {
            expected: new_root,
            computed: sr,
        });
    }
    Ok(())
}

/// The right border of a tree: the roots of its maximal complete subtrees, from the
/// largest (leftmost) to the smallest. Appending a leaf and computing the root take
/// `O(log n)` hashes and no access to earlier leaves.
///
/// This is what a log keeps in memory to integrate new leaves; [`CompactRange::push`]
/// reports every complete subtree that a new leaf finishes, so a backend can store them
/// for proof generation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompactRange {
    size: u64,
    /// `(level, hash)` pairs, levels strictly decreasing.
    border: Vec<(u32, Hash)>,
}

impl CompactRange {
    /// The compact range of the empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds the compact range of a tree of `size` leaves from its stored complete
    /// subtrees (at most 64 lookups).
    ///
    /// # Errors
    /// The source's error.
    pub fn from_source<S: NodeSource + ?Sized>(src: &S, size: u64) -> Result<Self, S::Error> {
        let mut border = Vec::new();
        let mut start = 0u64;
        for level in (0..64u32).rev() {
            if size & (1u64 << level) != 0 {
                border.push((level, src.node_hash(level, start >> level)?));
                start += 1u64 << level;
            }
        }
        Ok(Self { size, border })
    }

    /// Number of leaves covered.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash and calls `on_node(level, index, hash)` for the new leaf
    /// (level 0) and for every interior node that it completes, bottom-up.
    pub fn push(&mut self, leaf_hash: Hash, mut on_node: impl FnMut(u32, u64, &Hash)) {
        let mut index = self.size;
        let mut level = 0u32;
        let mut hash = leaf_hash;
        on_node(0, index, &hash);
        while let Some(&(l, left)) = self.border.last() {
            if l != level {
                break;
            }
            self.border.pop();
            hash = Rfc9162Hasher::hash_children(&left, &hash);
            level += 1;
            index >>= 1;
            on_node(level, index, &hash);
        }
        self.border.push((level, hash));
        self.size += 1;
    }

    /// The root of the tree covered.
    #[must_use]
    pub fn root(&self) -> Hash {
        let mut iter = self.border.iter().rev();
        let Some(&(_, mut acc)) = iter.next() else {
            return Rfc9162Hasher::empty_root();
        };
        for (_, left) in iter {
            acc = Rfc9162Hasher::hash_children(left, &acc);
        }
        acc
    }

    /// The tree head of the tree covered.
    #[must_use]
    pub fn tree_head(&self) -> TreeHead {
        TreeHead {
            size: self.size,
            root: self.root(),
        }
    }
}

/// A whole tree in memory: every complete subtree at every level. For tests, tools and
/// small logs; a [`NodeSource`].
#[derive(Clone, Debug, Default)]
pub struct MemoryTree {
    /// `levels[l][i]` is the node at level `l`, index `i`.
    levels: Vec<Vec<Hash>>,
    range: CompactRange,
}

impl MemoryTree {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the leaf with data `data` and returns its index.
    pub fn push_data(&mut self, data: &[u8]) -> u64 {
        self.push_hash(Rfc9162Hasher::hash_leaf(data))
    }

    /// Appends a leaf by its hash and returns its index.
    pub fn push_hash(&mut self, leaf_hash: Hash) -> u64 {
        let index = self.range.size();
        let levels = &mut self.levels;
        self.range.push(leaf_hash, |level, _, hash| {
            let level = level as usize;
            if levels.len() <= level {
                levels.push(Vec::new());
            }
            if let Some(row) = levels.get_mut(level) {
                row.push(*hash);
            }
        });
        index
    }

    /// Number of leaves.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.range.size()
    }

    /// The current tree head.
    #[must_use]
    pub fn tree_head(&self) -> TreeHead {
        self.range.tree_head()
    }
}

impl NodeSource for MemoryTree {
    type Error = MerkleError;

    fn node_hash(&self, level: u32, index: u64) -> Result<Hash, MerkleError> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.levels.get(level as usize)?.get(i).copied())
            .ok_or(MerkleError::IndexOutOfRange {
                index: index << level,
                size: self.size(),
            })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn hasher_known_answers() {
        // From transparency-dev/merkle rfc6962/rfc6962_test.go.
        assert_eq!(
            ::hex::encode(Rfc9162Hasher::empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            ::hex::encode(Rfc9162Hasher::hash_leaf(b"")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(
            ::hex::encode(Rfc9162Hasher::hash_leaf(b"L123456")),
            "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
        );
        assert_eq!(HashPrefix::Leaf as u8, 0);
        assert_eq!(HashPrefix::Node as u8, 1);
    }

    #[test]
    fn compact_range_matches_recursive_root() {
        let mut t = MemoryTree::new();
        assert_eq!(t.tree_head(), TreeHead::empty());
        for i in 0..70u32 {
            t.push_data(&i.to_be_bytes());
            let n = t.size();
            assert_eq!(root(&t, n).unwrap(), t.tree_head().root, "size {n}");
            let rebuilt = CompactRange::from_source(&t, n).unwrap();
            assert_eq!(rebuilt.root(), t.tree_head().root);
        }
    }
}
