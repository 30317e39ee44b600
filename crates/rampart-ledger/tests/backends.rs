//! One behavioural suite for every storage backend: appends, heads and proofs against the
//! in-memory tree, concurrency, bodies and pruning, and tamper detection by editing the
//! database directly. Each case is a function over a [`Backend`]; the `suite!` macro
//! makes a test of it for SQLite (`sqlite::case`) and for a real PostgreSQL server on
//! loopback (`postgres::case`, see `common/pg.rs`). PostgreSQL-only cases (several
//! instances on one database, a sequencer dying mid-batch) are at the end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::entry;
use rampart_ledger::crypto::BodyKey;
use rampart_ledger::merkle::{verify_consistency, verify_inclusion, MemoryTree};
use rampart_ledger::postgres::SEQUENCER_LOCK;
use rampart_ledger::store::BodyState;
use rampart_ledger::{
    Bodies, LedgerError, PostgresConfig, PostgresLedger, SqliteConfig, SqliteLedger, Storage,
    Tamper, Timestamp, TreeHead, Verification,
};
use rampart_test::pg::PgDatabase;

/// A backend under test: opens ledgers on one database and edits its rows directly.
///
/// SQL given to `exec*`/`query_blob` is written once for both: `$1` is the one
/// parameter, tables and columns are the same.
trait Backend {
    /// Opens (or reopens) the ledger.
    fn open_with(&self, store_bodies: bool, key: Option<BodyKey>) -> Box<dyn Storage>;
    /// Runs statements directly on the database.
    fn exec(&self, sql: &str);
    /// Runs one statement with a blob as `$1`.
    fn exec_blob(&self, sql: &str, blob: &[u8]);
    /// Reads one blob.
    fn query_blob(&self, sql: &str) -> Vec<u8>;
    /// Deletes the whole ledger (tables and all).
    fn wipe(&self);

    fn open(&self) -> Box<dyn Storage> {
        self.open_with(false, None)
    }
}

struct Sqlite {
    dir: tempfile::TempDir,
}

impl Sqlite {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("ledger.db")).unwrap()
    }
}

impl Backend for Sqlite {
    fn open_with(&self, store_bodies: bool, key: Option<BodyKey>) -> Box<dyn Storage> {
        let mut cfg = SqliteConfig::new(self.dir.path().join("ledger.db"));
        cfg.store_bodies = store_bodies;
        cfg.body_key = key;
        Box::new(SqliteLedger::open(cfg).unwrap())
    }
    fn exec(&self, sql: &str) {
        self.raw().execute_batch(sql).unwrap();
    }
    fn exec_blob(&self, sql: &str, blob: &[u8]) {
        self.raw().execute(sql, [blob]).unwrap();
    }
    fn query_blob(&self, sql: &str) -> Vec<u8> {
        self.raw().query_row(sql, [], |r| r.get(0)).unwrap()
    }
    fn wipe(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(self.dir.path().join(format!("ledger.db{suffix}")));
        }
    }
}

struct Postgres {
    db: PgDatabase,
}

impl Postgres {
    /// `None` when PostgreSQL is not installed and `$CI` is unset (warned).
    fn new() -> Option<Self> {
        rampart_test::pg::database().map(|db| Self { db })
    }
    fn ledger(&self) -> PostgresLedger {
        PostgresLedger::open(PostgresConfig::new(&self.db.url)).unwrap()
    }
}

impl Backend for Postgres {
    fn open_with(&self, store_bodies: bool, key: Option<BodyKey>) -> Box<dyn Storage> {
        let mut cfg = PostgresConfig::new(&self.db.url);
        cfg.store_bodies = store_bodies;
        cfg.body_key = key;
        Box::new(PostgresLedger::open(cfg).unwrap())
    }
    fn exec(&self, sql: &str) {
        self.db.connect().batch_execute(sql).unwrap();
    }
    fn exec_blob(&self, sql: &str, blob: &[u8]) {
        self.db.connect().execute(sql, &[&blob]).unwrap();
    }
    fn query_blob(&self, sql: &str) -> Vec<u8> {
        self.db.connect().query_one(sql, &[]).unwrap().get(0)
    }
    fn wipe(&self) {
        self.exec("DROP TABLE entry, node, meta");
    }
}

/// Makes `sqlite::$case` and `postgres::$case` tests of each case function.
macro_rules! suite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $case() { super::$case(&super::Sqlite::new()) } )*
        }
        mod postgres {
            $( #[test] fn $case() {
                if let Some(b) = super::Postgres::new() { super::$case(&b) }
            } )*
        }
    };
}

suite!(
    appends_heads_and_proofs,
    concurrent_appends_get_distinct_contiguous_indexes,
    bodies_plain_sealed_and_pruned,
    bodies_are_not_stored_unless_configured,
    edited_entry_is_named,
    edited_entry_and_leaf_hash_is_named_by_the_tree,
    deleted_entry_is_named,
    reordered_entries_are_named,
    inserted_row_is_named,
    truncation_and_rewrite_are_caught_by_a_trusted_head,
    entries_after_a_trusted_head_are_verified_too,
);

fn fill(l: &dyn Storage, n: u64) {
    l.append_batch((0..n).map(|i| (entry(i), None)).collect())
        .unwrap();
}

fn tampered(l: &dyn Storage, trusted: Option<&TreeHead>) -> Tamper {
    match l.verify_all(trusted).unwrap() {
        Verification::Tampered(t) => t,
        v => panic!("tampering not detected: {v:?}"),
    }
}

fn intact(l: &dyn Storage, trusted: Option<&TreeHead>) -> TreeHead {
    match l.verify_all(trusted).unwrap() {
        Verification::Intact { head, .. } => head,
        v => panic!("an untouched ledger does not verify: {v:?}"),
    }
}

fn appends_heads_and_proofs(b: &dyn Backend) {
    let l = b.open();
    assert_eq!(l.tree_head().unwrap(), TreeHead::empty());
    assert_eq!(l.append_batch(Vec::new()).unwrap(), 0..0);
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
        assert_eq!(at.root, rampart_ledger::merkle::root(&mem, size).unwrap());
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
        l.inclusion_proof(100, 100),
        Err(LedgerError::Merkle(_))
    ));
    assert!(matches!(
        l.consistency_proof(0, 10),
        Err(LedgerError::Merkle(_))
    ));
    assert_eq!(intact(&*l, None), head);
    intact(&*l, Some(&l.tree_head_at(50).unwrap()));

    // Reopen: same tree, appends continue.
    drop(l);
    let l = b.open();
    assert_eq!(l.tree_head().unwrap(), head);
    assert_eq!(l.append(entry(100), None).unwrap(), 100);
}

fn concurrent_appends_get_distinct_contiguous_indexes(b: &dyn Backend) {
    let l: Arc<dyn Storage> = Arc::from(b.open());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let l = Arc::clone(&l);
            std::thread::spawn(move || {
                (0..50)
                    .map(|i| (l.append(entry(t * 1000 + i), None).unwrap(), t * 1000 + i))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<(u64, u64)> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    all.sort_unstable();
    let indexes: Vec<u64> = all.iter().map(|a| a.0).collect();
    assert_eq!(indexes, (0..400).collect::<Vec<_>>());
    // Each index holds the entry it was acknowledged for, and the tree is theirs.
    let mut mem = MemoryTree::new();
    for (index, i) in &all {
        assert_eq!(l.entry(*index).unwrap().entry, entry(*i));
        mem.push_hash(entry(*i).leaf_hash().unwrap());
    }
    assert_eq!(l.tree_head().unwrap(), mem.tree_head());
    assert_eq!(intact(&*l, None), mem.tree_head());
}

fn bodies_plain_sealed_and_pruned(b: &dyn Backend) {
    let keydir = tempfile::tempdir().unwrap();
    let key_path = keydir.path().join("body.key");
    BodyKey::generate().unwrap().save(&key_path).unwrap();
    let key = || Some(BodyKey::load(&key_path).unwrap());
    let l = b.open_with(true, key());
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
    // Sealed at rest: the plain text is not in the database.
    let blob = b.query_blob("SELECT body FROM entry WHERE idx = 3");
    assert!(!blob.is_empty());
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
    assert_eq!(l.prune_bodies(cut).unwrap(), 0);
    assert_eq!(l.entry(2).unwrap().body_state, BodyState::Pruned);
    assert_eq!(l.entry(2).unwrap().bodies, None);
    assert_eq!(l.entry(7).unwrap().bodies, Some(bodies(7)));
    assert_eq!(l.tree_head().unwrap(), head);
    for index in 0..10 {
        let proof = l.inclusion_proof(index, 10).unwrap();
        let leaf = l.entry(index).unwrap().leaf_hash;
        verify_inclusion(index, 10, &leaf, &proof, &head.root).unwrap();
    }
    intact(&*l, Some(&head));

    // Without the key, bodies read as sealed.
    drop(l);
    let l = b.open_with(true, None);
    assert_eq!(l.entry(7).unwrap().body_state, BodyState::Sealed);
    // Moving a sealed body to another entry is detected (once the key is back).
    drop(l);
    b.exec("UPDATE entry SET body = (SELECT body FROM entry WHERE idx = 8) WHERE idx = 6");
    let l = b.open_with(false, key());
    assert_eq!(tampered(&*l, None), Tamper::BodyAltered { index: 6 });
}

fn bodies_are_not_stored_unless_configured(b: &dyn Backend) {
    let l = b.open();
    let body = Bodies {
        prompt: Some("secret".into()),
        response: None,
    };
    l.append(entry(0), None).unwrap();
    let mut e = entry(1);
    e.prompt_sha256 = None;
    l.append(e, Some(body)).unwrap();
    let got = l.entry(1).unwrap();
    assert_eq!(got.body_state, BodyState::None);
    assert_eq!(
        got.entry.prompt_sha256,
        Some(rampart_ledger::entry::sha256(b"secret"))
    );
}

fn edited_entry_is_named(b: &dyn Backend) {
    let l = b.open();
    fill(&*l, 50);
    let data = b.query_blob("SELECT data FROM entry WHERE idx = 17");
    let edited = String::from_utf8(data)
        .unwrap()
        .replace("\"flag\"", "\"allow\"");
    b.exec_blob(
        "UPDATE entry SET data = $1 WHERE idx = 17",
        edited.as_bytes(),
    );
    assert_eq!(tampered(&*l, None), Tamper::Modified { index: 17 });
    // Reading the entry still works (it parses), but verify names it.
    assert_eq!(
        l.entry(17).unwrap().entry.decision,
        rampart_ledger::Decision::Allow
    );
}

fn edited_entry_and_leaf_hash_is_named_by_the_tree(b: &dyn Backend) {
    let l = b.open();
    fill(&*l, 50);
    let data = b.query_blob("SELECT data FROM entry WHERE idx = 20");
    let edited = String::from_utf8(data)
        .unwrap()
        .replace("tokens_in\":60", "tokens_in\":1");
    let leaf = rampart_ledger::merkle::Rfc9162Hasher::hash_leaf(edited.as_bytes());
    b.exec_blob(
        "UPDATE entry SET data = $1 WHERE idx = 20",
        edited.as_bytes(),
    );
    b.exec_blob(
        "UPDATE node SET hash = $1 WHERE level = 0 AND idx = 20",
        &leaf,
    );
    assert_eq!(
        tampered(&*l, None),
        Tamper::NodeAltered {
            level: 1,
            node: 10,
            first: 20,
            end: 22
        }
    );
}

fn deleted_entry_is_named(b: &dyn Backend) {
    let l = b.open();
    fill(&*l, 50);
    b.exec("DELETE FROM entry WHERE idx = 33");
    assert_eq!(tampered(&*l, None), Tamper::Removed { index: 33 });
    assert!(matches!(l.entry(33), Err(LedgerError::Damaged { .. })));
    assert!(matches!(
        l.entries(30..40),
        Err(LedgerError::Damaged { .. })
    ));
    // The last ones too.
    b.exec("DELETE FROM entry WHERE idx >= 33");
    assert_eq!(tampered(&*l, None), Tamper::Removed { index: 33 });
}

fn reordered_entries_are_named(b: &dyn Backend) {
    let l = b.open();
    fill(&*l, 50);
    b.exec(
        "UPDATE entry SET idx = -1 WHERE idx = 12;
         UPDATE entry SET idx = 12 WHERE idx = 30;
         UPDATE entry SET idx = 30 WHERE idx = -1;",
    );
    assert_eq!(
        tampered(&*l, None),
        Tamper::Reordered {
            index: 12,
            committed_at: 30
        }
    );
}

fn inserted_row_is_named(b: &dyn Backend) {
    let l = b.open();
    fill(&*l, 10);
    let data = entry(99).canonical_bytes().unwrap();
    b.exec_blob(
        "INSERT INTO entry (idx, time_ms, data) VALUES (10, 0, $1)",
        &data,
    );
    assert_eq!(tampered(&*l, None), Tamper::Inserted { index: 10 });
}

fn truncation_and_rewrite_are_caught_by_a_trusted_head(b: &dyn Backend) {
    let l = b.open();
    fill(&*l, 40);
    let trusted = l.tree_head().unwrap();
    drop(l);

    // Truncate the log consistently (entries, nodes and size): only a head held
    // outside the database shows it.
    b.exec(
        "DELETE FROM entry WHERE idx >= 30;
         DELETE FROM node WHERE (idx + 1) * (1 << level) > 30;
         UPDATE meta SET value = 30 WHERE key = 'size';",
    );
    let l = b.open();
    intact(&*l, None);
    assert_eq!(
        tampered(&*l, Some(&trusted)),
        Tamper::Truncated {
            size: 30,
            trusted: 40
        }
    );
    drop(l);

    // Rewrite the whole database with other entries.
    b.wipe();
    let l = b.open();
    l.append_batch((0..40).map(|i| (entry(i + 1), None)).collect())
        .unwrap();
    assert!(matches!(
        tampered(&*l, Some(&trusted)),
        Tamper::RootMismatch { size: 40, .. }
    ));
}

/// A signed checkpoint vouches for a prefix of the log; verifying against it must still
/// check every entry written since (an edit after the checkpoint is tampering), and a
/// log that only grew is intact.
fn entries_after_a_trusted_head_are_verified_too(b: &dyn Backend) {
    let l = b.open();
    fill(&*l, 20);
    let trusted = l.tree_head().unwrap();
    l.append_batch((20..45).map(|i| (entry(i), None)).collect())
        .unwrap();
    let head = intact(&*l, Some(&trusted));
    assert_eq!(
        head.size, 45,
        "the whole log is verified, not only the signed prefix"
    );
    // An empty signed head is a prefix of every log.
    intact(&*l, Some(&TreeHead::empty()));

    let data = b.query_blob("SELECT data FROM entry WHERE idx = 33");
    let edited = String::from_utf8(data)
        .unwrap()
        .replace("\"flag\"", "\"allow\"");
    b.exec_blob(
        "UPDATE entry SET data = $1 WHERE idx = 33",
        edited.as_bytes(),
    );
    assert_eq!(
        tampered(&*l, Some(&trusted)),
        Tamper::Modified { index: 33 }
    );
    assert_eq!(tampered(&*l, None), Tamper::Modified { index: 33 });
}

/// SQLite columns take any type: a row rewritten by hand as TEXT or a number is read
/// as bytes and named by verify (and by reads), never a bare column-type error.
#[test]
fn sqlite_columns_rewritten_with_another_type_are_named() {
    let b = Sqlite::new();
    let l = b.open();
    fill(&*l, 10);
    // The same bytes stored as TEXT: the content is unchanged.
    b.exec("UPDATE entry SET data = CAST(data AS TEXT) WHERE idx = 3");
    intact(&*l, None);
    assert_eq!(l.entry(3).unwrap().index, 3);

    b.exec("UPDATE entry SET data = 'not an entry' WHERE idx = 4");
    assert_eq!(tampered(&*l, None), Tamper::Modified { index: 4 });
    let err = l.entry(4).unwrap_err().to_string();
    assert!(err.contains("entry 4"), "{err}");

    b.exec("UPDATE entry SET data = 42 WHERE idx = 4");
    assert_eq!(tampered(&*l, None), Tamper::Modified { index: 4 });
    b.exec("UPDATE entry SET data = 4.5 WHERE idx = 4");
    assert_eq!(tampered(&*l, None), Tamper::Modified { index: 4 });
    b.exec("UPDATE node SET hash = 'text' WHERE level = 1 AND idx = 0");
    assert!(matches!(
        tampered(&*l, None),
        Tamper::NodeAltered { level: 1, .. }
    ));
}

// ---------------------------------------------------------------------------------
// PostgreSQL only: several instances, one sequencer at a time.

/// Two `PostgresLedger` instances (two gateway instances) on one database, each with
/// many appending threads: every append gets a distinct index, the indexes are
/// contiguous, each holds its entry, and both instances see one consistent tree.
#[test]
fn postgres_two_instances_share_one_sequenced_log() {
    let Some(b) = Postgres::new() else { return };
    let a: Arc<dyn Storage> = Arc::new(b.ledger());
    let c: Arc<dyn Storage> = Arc::new(b.ledger());
    let start = Arc::new(Barrier::new(16));
    let threads: Vec<_> = (0..16u64)
        .map(|t| {
            let l = Arc::clone(if t % 2 == 0 { &a } else { &c });
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                let mut got = Vec::new();
                for i in 0..40 {
                    let n = t * 1000 + i;
                    if i % 10 == 9 {
                        // Some multi-entry batches in the mix: contiguous ranges.
                        let batch = (0..3).map(|k| (entry(n * 10 + k), None)).collect();
                        let r = l.append_batch(batch).unwrap();
                        assert_eq!(r.end - r.start, 3);
                        got.extend(r.zip((0..3).map(|k| n * 10 + k)));
                    } else {
                        got.push((l.append(entry(n), None).unwrap(), n));
                    }
                }
                got
            })
        })
        .collect();
    let mut all: Vec<(u64, u64)> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    all.sort_unstable();
    let total = 16 * (36 + 4 * 3);
    assert_eq!(
        all.iter().map(|x| x.0).collect::<Vec<_>>(),
        (0..total).collect::<Vec<_>>()
    );
    let mut mem = MemoryTree::new();
    let stored = a.entries(0..total).unwrap();
    for ((index, n), s) in all.iter().zip(&stored) {
        assert_eq!(s.index, *index);
        assert_eq!(s.entry, entry(*n));
        mem.push_hash(s.leaf_hash);
    }
    let head = mem.tree_head();
    assert_eq!(a.tree_head().unwrap(), head);
    assert_eq!(c.tree_head().unwrap(), head);
    assert_eq!(intact(&*a, Some(&head)), head);
    // Proofs from either instance verify against the same head.
    for index in [0, total / 3, total - 1] {
        for l in [&a, &c] {
            let proof = l.inclusion_proof(index, total).unwrap();
            verify_inclusion(
                index,
                total,
                &stored[index as usize].leaf_hash,
                &proof,
                &head.root,
            )
            .unwrap();
        }
    }
    let old = c.tree_head_at(total / 2).unwrap();
    let proof = a.consistency_proof(total / 2, total).unwrap();
    verify_consistency(total / 2, total, &old.root, &head.root, &proof).unwrap();
}

/// An instance that dies while holding the sequencer lock (its session is killed
/// mid-batch, rows inserted, nothing committed): its batch vanishes, the waiting
/// instance then sequences from the last committed size, and the log verifies.
#[test]
fn postgres_sequencer_dying_mid_batch_leaves_no_trace() {
    let Some(b) = Postgres::new() else { return };
    let l = Arc::new(b.ledger());
    fill(&*l, 5);
    let before = l.tree_head().unwrap();

    // The "dying instance": takes the lock and writes half a batch.
    let mut dying = b.db.connect();
    let pid: i32 = dying
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let mut tx = dying.transaction().unwrap();
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SEQUENCER_LOCK])
        .unwrap();
    let ghost = entry(999).canonical_bytes().unwrap();
    tx.execute(
        "INSERT INTO entry (idx, time_ms, data) VALUES (5, 0, $1)",
        &[&ghost],
    )
    .unwrap();
    tx.execute("UPDATE meta SET value = 6 WHERE key = 'size'", &[])
        .unwrap();

    // Another instance's append waits for the lock.
    let waiter = {
        let l = Arc::clone(&l);
        std::thread::spawn(move || l.append(entry(5), None))
    };
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !waiter.is_finished(),
        "the append did not wait for the lock"
    );

    // The dying instance's session is killed by the server (as when its process or
    // machine dies): the transaction rolls back and the lock is released.
    let mut admin = b.db.connect();
    let killed: bool = admin
        .query_one("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap()
        .get(0);
    assert!(killed);
    assert_eq!(waiter.join().unwrap().unwrap(), 5);
    // The dead session's connection is gone; its transaction is unusable.
    assert!(tx.commit().is_err());

    let head = l.tree_head().unwrap();
    assert_eq!(head.size, 6);
    assert_eq!(l.entry(5).unwrap().entry, entry(5));
    assert_eq!(intact(&*l, None), head);
    let proof = l.consistency_proof(before.size, head.size).unwrap();
    verify_consistency(before.size, head.size, &before.root, &head.root, &proof).unwrap();
}

/// A bad connection string is the operator's configuration error, and an unreachable
/// server an environment error; neither panics.
#[test]
fn postgres_bad_url_and_unreachable_server_are_errors() {
    assert!(matches!(
        PostgresLedger::open(PostgresConfig::new("host=127.0.0.1 port=notaport")),
        Err(LedgerError::PostgresConfig(_))
    ));
    // A port nothing listens on (bound then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("host=127.0.0.1 port={port} user=x dbname=x connect_timeout=2");
    let err = PostgresLedger::open(PostgresConfig::new(url)).unwrap_err();
    assert!(matches!(err, LedgerError::Postgres(_)), "{err:?}");
}

/// A `PostgresLedger` opened and dropped on an async runtime's own thread (where the
/// last reference of a server's state often goes) neither panics nor loses the
/// appends queued before the drop.
#[test]
fn postgres_ledger_opens_and_drops_inside_an_async_runtime() {
    let Some(b) = Postgres::new() else { return };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let url = b.db.url.clone();
    rt.block_on(async move {
        let l = PostgresLedger::open(PostgresConfig::new(url.clone())).unwrap();
        tokio::task::block_in_place(|| fill(&l, 3));
        drop(l);
        let again = PostgresLedger::open(PostgresConfig::new(url)).unwrap();
        let size = tokio::task::block_in_place(|| again.tree_head().unwrap().size);
        assert_eq!(size, 3);
    });
}
