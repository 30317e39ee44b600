//! The SQLite backend: appends, proofs, bodies, reopening, and tamper detection by
//! editing the database directly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::entry;
use rampart_ledger::crypto::BodyKey;
use rampart_ledger::merkle::{verify_consistency, verify_inclusion, MemoryTree};
use rampart_ledger::store::BodyState;
use rampart_ledger::{
    Bodies, LedgerError, SqliteConfig, SqliteLedger, Storage, Tamper, Timestamp, TreeHead,
    Verification,
};
use rusqlite::Connection;

fn open(dir: &tempfile::TempDir) -> SqliteLedger {
    SqliteLedger::open(SqliteConfig::new(dir.path().join("ledger.db"))).unwrap()
}

fn fill(l: &SqliteLedger, n: u64) {
    l.append_batch((0..n).map(|i| (entry(i), None)).collect())
        .unwrap();
}

fn raw(dir: &tempfile::TempDir) -> Connection {
    Connection::open(dir.path().join("ledger.db")).unwrap()
}

fn tampered(l: &SqliteLedger, trusted: Option<&TreeHead>) -> Tamper {
    match l.verify_all(trusted).unwrap() {
        Verification::Tampered(t) => t,
        v => panic!("tampering not detected: {v:?}"),
    }
}

#[test]
fn appends_heads_and_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let l = open(&dir);
    assert_eq!(l.tree_head().unwrap(), TreeHead::empty());
    let mut mem = MemoryTree::new();
    for i in 0..37 {
        assert_eq!(l.append(entry(i), None).unwrap(), i);
        mem.push_hash(entry(i).leaf_hash().unwrap());
        assert_eq!(l.tree_head().unwrap(), mem.tree_head());
    }
    let r = l
        .append_batch((37..100).map(|i| (entry(i), None)).collect())
        .unwrap();
    assert_eq!(r, 37..100);
    for i in 37..100 {
        mem.push_hash(entry(i).leaf_hash().unwrap());
    }
    let head = l.tree_head().unwrap();
    assert_eq!(head, mem.tree_head());

    for size in [1u64, 2, 3, 7, 8, 9, 64, 99, 100] {
        let at = l.tree_head_at(size).unwrap();
        for index in [0, size / 2, size - 1] {
            let proof = l.inclusion_proof(index, size).unwrap();
            let leaf = l.entry(index).unwrap().leaf_hash;
            verify_inclusion(index, size, &leaf, &proof, &at.root).unwrap();
        }
        let proof = l.consistency_proof(size, 100).unwrap();
        verify_consistency(size, 100, &at.root, &head.root, &proof).unwrap();
    }
    let e = l.entry(42).unwrap();
    assert_eq!(e.entry, entry(42));
    assert_eq!(e.body_state, BodyState::None);
    let page = l.entries(95..1000).unwrap();
    assert_eq!(page.len(), 5);
    assert_eq!(page[4].index, 99);
    assert!(matches!(
        l.entry(100),
        Err(LedgerError::BeyondTree {
            requested: 100,
            size: 100,
            ..
        })
    ));
    assert!(matches!(
        l.inclusion_proof(0, 101),
        Err(LedgerError::BeyondTree { .. })
    ));
    assert!(matches!(
        l.consistency_proof(0, 10),
        Err(LedgerError::Merkle(_))
    ));
    assert!(matches!(
        l.verify_all(None).unwrap(),
        Verification::Intact { head: h, .. } if h == head
    ));
    assert!(matches!(
        l.verify_all(Some(&l.tree_head_at(50).unwrap())).unwrap(),
        Verification::Intact { .. }
    ));

    // Reopen: same tree, appends continue.
    drop(l);
    let l = open(&dir);
    assert_eq!(l.tree_head().unwrap(), head);
    assert_eq!(l.append(entry(100), None).unwrap(), 100);
}

#[test]
fn concurrent_appends_get_distinct_contiguous_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let l = Arc::new(open(&dir));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let l = Arc::clone(&l);
            std::thread::spawn(move || {
                (0..50)
                    .map(|i| l.append(entry(t * 1000 + i), None).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    all.sort_unstable();
    assert_eq!(all, (0..400).collect::<Vec<_>>());
    assert!(matches!(
        l.verify_all(None).unwrap(),
        Verification::Intact { .. }
    ));
}

#[test]
fn bodies_plain_sealed_and_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("body.key");
    BodyKey::generate().unwrap().save(&key_path).unwrap();
    let mut cfg = SqliteConfig::new(dir.path().join("ledger.db"));
    cfg.store_bodies = true;
    cfg.body_key = Some(BodyKey::load(&key_path).unwrap());
    let l = SqliteLedger::open(cfg).unwrap();
    let bodies = |i: u64| Bodies {
        prompt: Some(format!("prompt {i}")),
        response: Some(format!("response {i}")),
    };
    for i in 0..10 {
        let mut e = entry(i);
        e.response_sha256 = None;
        l.append(e, Some(bodies(i))).unwrap();
    }
    // A wrong prompt hash is the caller's error.
    let mut bad = entry(10);
    bad.prompt_sha256 = Some([0; 32]);
    assert!(matches!(
        l.append(bad, Some(bodies(10))),
        Err(LedgerError::Entry(_))
    ));

    let e = l.entry(3).unwrap();
    assert_eq!(e.bodies, Some(bodies(3)));
    assert_eq!(e.body_state, BodyState::Present);
    assert!(
        e.entry.response_sha256.is_some(),
        "hash filled in from the body"
    );
    // Sealed at rest: the plain text is not in the file.
    let blob: Vec<u8> = raw(&dir)
        .query_row("SELECT body FROM entry WHERE idx = 3", [], |r| r.get(0))
        .unwrap();
    assert!(!String::from_utf8_lossy(&blob).contains("prompt 3"));
    assert!(matches!(
        l.verify_all(None).unwrap(),
        Verification::Intact {
            bodies_checked: 10,
            ..
        }
    ));
    let head = l.tree_head().unwrap();

    // Prune the first five (older than entry 5's time): hashes and proofs stay.
    let cut = Timestamp::from_unix_millis(entry(5).time.unix_millis()).unwrap();
    assert_eq!(l.prune_bodies(cut).unwrap(), 5);
    assert_eq!(l.entry(2).unwrap().body_state, BodyState::Pruned);
    assert_eq!(l.entry(2).unwrap().bodies, None);
    assert_eq!(l.entry(7).unwrap().bodies, Some(bodies(7)));
    assert_eq!(l.tree_head().unwrap(), head);
    let proof = l.inclusion_proof(2, 10).unwrap();
    verify_inclusion(2, 10, &l.entry(2).unwrap().leaf_hash, &proof, &head.root).unwrap();
    assert!(matches!(
        l.verify_all(Some(&head)).unwrap(),
        Verification::Intact { .. }
    ));

    // Without the key, bodies read as sealed.
    drop(l);
    let mut cfg = SqliteConfig::new(dir.path().join("ledger.db"));
    cfg.store_bodies = true;
    let l = SqliteLedger::open(cfg).unwrap();
    assert_eq!(l.entry(7).unwrap().body_state, BodyState::Sealed);
    // Moving a sealed body to another entry is detected (once the key is back).
    drop(l);
    raw(&dir)
        .execute(
            "UPDATE entry SET body = (SELECT body FROM entry WHERE idx = 8) WHERE idx = 6",
            [],
        )
        .unwrap();
    let mut cfg = SqliteConfig::new(dir.path().join("ledger.db"));
    cfg.body_key = Some(BodyKey::load(&key_path).unwrap());
    let l = SqliteLedger::open(cfg).unwrap();
    assert_eq!(tampered(&l, None), Tamper::BodyAltered { index: 6 });
}

#[test]
fn bodies_are_not_stored_unless_configured() {
    let dir = tempfile::tempdir().unwrap();
    let l = open(&dir);
    let b = Bodies {
        prompt: Some("secret".into()),
        response: None,
    };
    l.append(entry(0), None).unwrap();
    let mut e = entry(1);
    e.prompt_sha256 = None;
    l.append(e, Some(b)).unwrap();
    let got = l.entry(1).unwrap();
    assert_eq!(got.body_state, BodyState::None);
    assert_eq!(
        got.entry.prompt_sha256,
        Some(rampart_ledger::entry::sha256(b"secret"))
    );
}

#[test]
fn edited_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let l = open(&dir);
    fill(&l, 50);
    let db = raw(&dir);
    let data: Vec<u8> = db
        .query_row("SELECT data FROM entry WHERE idx = 17", [], |r| r.get(0))
        .unwrap();
    let edited = String::from_utf8(data)
        .unwrap()
        .replace("\"flag\"", "\"allow\"");
    db.execute(
        "UPDATE entry SET data = ?1 WHERE idx = 17",
        [edited.as_bytes()],
    )
    .unwrap();
    assert_eq!(tampered(&l, None), Tamper::Modified { index: 17 });
    // Reading the entry still works (it parses), but verify names it.
    assert_eq!(
        l.entry(17).unwrap().entry.decision,
        rampart_ledger::Decision::Allow
    );
}

#[test]
fn edited_entry_and_leaf_hash_is_named_by_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let l = open(&dir);
    fill(&l, 50);
    let db = raw(&dir);
    let data: Vec<u8> = db
        .query_row("SELECT data FROM entry WHERE idx = 20", [], |r| r.get(0))
        .unwrap();
    let edited = String::from_utf8(data)
        .unwrap()
        .replace("tokens_in\":60", "tokens_in\":1");
    let leaf = rampart_ledger::merkle::Rfc9162Hasher::hash_leaf(edited.as_bytes());
    db.execute(
        "UPDATE entry SET data = ?1 WHERE idx = 20",
        [edited.as_bytes()],
    )
    .unwrap();
    db.execute(
        "UPDATE node SET hash = ?1 WHERE level = 0 AND idx = 20",
        [&leaf[..]],
    )
    .unwrap();
    assert_eq!(
        tampered(&l, None),
        Tamper::NodeAltered {
            level: 1,
            node: 10,
            first: 20,
            end: 22
        }
    );
}

#[test]
fn deleted_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let l = open(&dir);
    fill(&l, 50);
    raw(&dir)
        .execute("DELETE FROM entry WHERE idx = 33", [])
        .unwrap();
    assert_eq!(tampered(&l, None), Tamper::Removed { index: 33 });
    assert!(matches!(l.entry(33), Err(LedgerError::Damaged { .. })));
    // The last one too.
    raw(&dir)
        .execute("DELETE FROM entry WHERE idx >= 33", [])
        .unwrap();
    assert_eq!(tampered(&l, None), Tamper::Removed { index: 33 });
}

#[test]
fn reordered_entries_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let l = open(&dir);
    fill(&l, 50);
    let db = raw(&dir);
    db.execute_batch(
        "UPDATE entry SET idx = -1 WHERE idx = 12;
         UPDATE entry SET idx = 12 WHERE idx = 30;
         UPDATE entry SET idx = 30 WHERE idx = -1;",
    )
    .unwrap();
    assert_eq!(
        tampered(&l, None),
        Tamper::Reordered {
            index: 12,
            committed_at: 30
        }
    );
}

#[test]
fn inserted_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let l = open(&dir);
    fill(&l, 10);
    let data = entry(99).canonical_bytes().unwrap();
    raw(&dir)
        .execute(
            "INSERT INTO entry (idx, time_ms, data) VALUES (10, 0, ?1)",
            [&data],
        )
        .unwrap();
    assert_eq!(tampered(&l, None), Tamper::Inserted { index: 10 });
}

#[test]
fn truncation_and_rewrite_are_caught_by_a_trusted_head() {
    let dir = tempfile::tempdir().unwrap();
    let l = open(&dir);
    fill(&l, 40);
    let trusted = l.tree_head().unwrap();
    drop(l);

    // Truncate the log consistently (entries, nodes and size): only a head held
    // outside the database shows it.
    let db = raw(&dir);
    db.execute_batch(
        "DELETE FROM entry WHERE idx >= 30;
         DELETE FROM node WHERE (idx + 1) * (1 << level) > 30;
         UPDATE meta SET value = 30 WHERE key = 'size';",
    )
    .unwrap();
    let l = open(&dir);
    assert!(matches!(
        l.verify_all(None).unwrap(),
        Verification::Intact { .. }
    ));
    assert_eq!(
        tampered(&l, Some(&trusted)),
        Tamper::Truncated {
            size: 30,
            trusted: 40
        }
    );
    drop(l);

    // Rewrite the whole database with other entries.
    std::fs::remove_file(dir.path().join("ledger.db")).unwrap();
    let _ = std::fs::remove_file(dir.path().join("ledger.db-wal"));
    let _ = std::fs::remove_file(dir.path().join("ledger.db-shm"));
    let l = open(&dir);
    l.append_batch((0..40).map(|i| (entry(i + 1), None)).collect())
        .unwrap();
    assert!(matches!(
        tampered(&l, Some(&trusted)),
        Tamper::RootMismatch { size: 40, .. }
    ));
}
