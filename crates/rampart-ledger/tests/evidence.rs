//! Evidence files as a customer receives them: valid ones verify, and every mutation
//! of one (bytes flipped, cut short, fields swapped) is an error or INVALID — never a
//! panic, and never "valid" when what it states was changed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use rampart_ledger::evidence::{self, Evidence, EvidenceVerdict};
use rampart_ledger::{Checkpoint, NoteSigner, SqliteConfig, SqliteLedger, Storage};

fn evidence_file() -> (Vec<u8>, NoteSigner) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = SqliteLedger::open(SqliteConfig::new(dir.path().join("l.db"))).unwrap();
    ledger
        .append_batch((0..9).map(|i| (common::entry(i), None)).collect())
        .unwrap();
    let signer = NoteSigner::from_seed("evidence.test/log", &[3; 32]).unwrap();
    let head = ledger.tree_head().unwrap();
    let note = signer
        .sign_checkpoint(&Checkpoint::new(signer.name(), head).unwrap())
        .unwrap();
    let proven: Vec<_> = [1u64, 4, 8]
        .iter()
        .map(|&i| evidence::proven_entry(&ledger, &ledger.entry(i).unwrap(), head.size).unwrap())
        .collect();
    let doc = evidence::document(&note, proven);
    (serde_json::to_vec_pretty(&doc).unwrap(), signer)
}

#[test]
fn valid_evidence_verifies_and_mutations_never_do() {
    let (bytes, signer) = evidence_file();
    let verifier = signer.verifier();
    let ev = Evidence::parse(&bytes).unwrap();
    assert!(matches!(
        evidence::verify(&ev, &verifier),
        EvidenceVerdict::Valid { entries: 3, .. }
    ));
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let mut invalid_or_error = 0;
    for round in 0..3000 {
        let mut m = bytes.clone();
        match round % 3 {
            0 => {
                let i = rng.usize(..m.len());
                m[i] ^= 1 << rng.u32(..8);
            }
            1 => m.truncate(rng.usize(..m.len())),
            _ => {
                let (a, b) = (rng.usize(..m.len()), rng.usize(..m.len()));
                m.swap(a, b);
            }
        }
        if m == bytes {
            continue;
        }
        match Evidence::parse(&m) {
            Err(_) => invalid_or_error += 1,
            Ok(ev) => match evidence::verify(&ev, &verifier) {
                EvidenceVerdict::Invalid(_) => invalid_or_error += 1,
                // A mutation can leave the meaning intact (whitespace, a byte of
                // pretty-printing); then what it states must still be the same.
                EvidenceVerdict::Valid { .. } => {
                    let original = Evidence::parse(&bytes).unwrap();
                    assert_eq!(
                        serde_json::to_value(&ev).unwrap(),
                        serde_json::to_value(&original).unwrap(),
                        "a changed evidence file verified: {}",
                        String::from_utf8_lossy(&m)
                    );
                }
            },
        }
    }
    assert!(invalid_or_error > 2500, "{invalid_or_error}");
}
