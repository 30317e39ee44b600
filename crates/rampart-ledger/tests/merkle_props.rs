//! Property tests: every proof of a random tree verifies, and any single change to a
//! proof hash, the root, the leaf hash, the index or a size makes it fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rampart_ledger::merkle::{
    consistency_proof, inclusion_proof, root, verify_consistency, verify_inclusion, Hash,
    MemoryTree,
};

fn tree(n: u64) -> MemoryTree {
    let mut t = MemoryTree::new();
    for i in 0..n {
        t.push_data(&i.to_le_bytes());
    }
    t
}

/// The left/right decisions the RFC 9162 §2.1.3.2 verifier takes for `(index, size)`.
/// An inclusion proof does not bind the tree size by itself (the signed tree head
/// does): a proof still verifies against a different size exactly when that size
/// makes the verifier take the same decisions over the same number of hashes.
fn inclusion_shape(index: u64, size: u64, len: usize) -> Option<Vec<bool>> {
    if index >= size {
        return None;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut out = Vec::new();
    for _ in 0..len {
        if s == 0 {
            return None;
        }
        let left = f & 1 == 1 || f == s;
        out.push(left);
        if left {
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        }
        f >>= 1;
        s >>= 1;
    }
    (s == 0).then_some(out)
}

/// The same for a consistency proof: the seed choice and the verifier's decisions.
fn consistency_shape(old: u64, new: u64, len: usize) -> Option<(bool, Vec<bool>)> {
    if old == 0 || old >= new {
        return None;
    }
    let seeded = old.is_power_of_two();
    let steps = len + usize::from(seeded);
    let (mut f, mut s) = (old - 1, new - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let mut out = Vec::new();
    for _ in 1..steps {
        if s == 0 {
            return None;
        }
        let left = f & 1 == 1 || f == s;
        out.push(left);
        if left {
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        }
        f >>= 1;
        s >>= 1;
    }
    (s == 0).then_some((seeded, out))
}

fn flip(h: &Hash, bit: usize) -> Hash {
    let mut h = *h;
    h[bit / 8 % 32] ^= 1 << (bit % 8);
    h
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn inclusion_proofs_verify_and_any_change_fails(
        size in 1u64..300, idx_seed in any::<u64>(), bit in 0usize..256, which in any::<usize>(),
        delta in 1u64..1000,
    ) {
        let t = tree(size);
        let index = idx_seed % size;
        let r = root(&t, size).unwrap();
        let leaf = rampart_ledger::merkle::NodeSource::node_hash(&t, 0, index).unwrap();
        let proof = inclusion_proof(&t, index, size).unwrap();
        prop_assert!(verify_inclusion(index, size, &leaf, &proof, &r).is_ok());

        // Any bit of any proof hash.
        if !proof.is_empty() {
            let mut p = proof.clone();
            let k = which % p.len();
            p[k] = flip(&p[k], bit);
            prop_assert!(verify_inclusion(index, size, &leaf, &p, &r).is_err());
        }
        // The root, the leaf hash.
        prop_assert!(verify_inclusion(index, size, &leaf, &proof, &flip(&r, bit)).is_err());
        prop_assert!(verify_inclusion(index, size, &flip(&leaf, bit), &proof, &r).is_err());
        // Any bit of the index or the size.
        let ibit = which % 64;
        let other_index = index ^ (1 << ibit);
        prop_assert!(verify_inclusion(other_index, size, &leaf, &proof, &r).is_err());
        let shape = inclusion_shape(index, size, proof.len());
        prop_assert!(shape.is_some());
        for other_size in [size ^ (1 << (bit % 64)), size.saturating_add(delta), size - 1] {
            let ok = verify_inclusion(index, other_size, &leaf, &proof, &r).is_ok();
            prop_assert_eq!(ok, inclusion_shape(index, other_size, proof.len()) == shape);
        }
        // A dropped or an extra hash.
        if !proof.is_empty() {
            prop_assert!(verify_inclusion(index, size, &leaf, &proof[1..], &r).is_err());
        }
        let mut longer = proof.clone();
        longer.push(r);
        prop_assert!(verify_inclusion(index, size, &leaf, &longer, &r).is_err());
    }

    #[test]
    fn consistency_proofs_verify_and_any_change_fails(
        new in 1u64..300, old_seed in any::<u64>(), bit in 0usize..256, which in any::<usize>(),
    ) {
        let t = tree(new);
        let old = old_seed % new + 1;
        let r1 = root(&t, old).unwrap();
        let r2 = root(&t, new).unwrap();
        let proof = consistency_proof(&t, old, new).unwrap();
        prop_assert!(verify_consistency(old, new, &r1, &r2, &proof).is_ok());

        if !proof.is_empty() {
            let mut p = proof.clone();
            let k = which % p.len();
            p[k] = flip(&p[k], bit);
            prop_assert!(verify_consistency(old, new, &r1, &r2, &p).is_err());
        }
        prop_assert!(verify_consistency(old, new, &flip(&r1, bit), &r2, &proof).is_err());
        prop_assert!(verify_consistency(old, new, &r1, &flip(&r2, bit), &proof).is_err());
        let sbit = 1u64 << (which % 64);
        if old < new {
            let shape = consistency_shape(old, new, proof.len());
            prop_assert!(shape.is_some());
            for (o, n) in [(old ^ sbit, new), (old, new ^ sbit), (old + 1, new), (old, new + 1)] {
                let ok = verify_consistency(o, n, &r1, &r2, &proof).is_ok();
                prop_assert_eq!(ok, consistency_shape(o, n, proof.len()) == shape, "{} {}", o, n);
            }
        } else {
            prop_assert!(verify_consistency(old, new + 1, &r1, &r2, &proof).is_err());
        }
        let mut longer = proof.clone();
        longer.push(r2);
        prop_assert!(verify_consistency(old, new, &r1, &r2, &longer).is_err());
    }
}
